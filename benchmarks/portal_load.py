"""Downloads from the portal under load, while it rebuilds every brief.

Run from the repository root (needs the test extras: httpx2):

    python benchmarks/portal_load.py [--requests 2000] [--concurrency 20]

It builds the example briefs into a scratch workspace, adds an editor cleared to
the top with an API token (the portal needs sign-in; every download is checked
against the clearance and recorded in the audit trail), starts ``briefgen
serve`` on loopback, asks it to rebuild every brief (forced), and meanwhile
downloads a built PDF ``--requests`` times from ``--concurrency`` clients at
once. It prints requests per second, latency percentiles, and checks that
every download was a whole PDF the manifest named before or after the rebuild.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

REPO = Path(__file__).resolve().parent.parent
BRIEF = "minister-hlm-2026"
SIGNED_IN: dict[str, str] = {}  # the Authorization header, once the token is made


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def downloads(url: str, total: int, concurrency: int) -> tuple[list[float], list[bytes]]:
    latencies: list[float] = []
    bodies: list[bytes] = []
    remaining = iter(range(total))

    async def client(http: httpx.AsyncClient) -> None:
        for _ in remaining:
            started = time.perf_counter()
            response = await http.get(url)
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()
            bodies.append(response.content)

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=SIGNED_IN) as http:
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
    return latencies, bodies


def pdf_sha256(api: str) -> str:
    files = httpx.get(f"{api}/briefs/{BRIEF}", headers=SIGNED_IN).json()["files"]
    return next(f["sha256"] for f in files if f["format"] == "pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--no-sign-in", action="store_true",
                        help="for a portal from before accounts: no token")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch)
        shutil.copytree(REPO / "briefs", workspace / "briefs")
        subprocess.run(
            [sys.executable, "-m", "briefgen", "build", "briefs"],
            cwd=workspace,
            check=True,
            capture_output=True,
        )
        if "--no-sign-in" not in sys.argv:  # for a portal from before accounts
            briefgen = [sys.executable, "-m", "briefgen"]
            quiet = {"cwd": workspace, "check": True, "text": True, "capture_output": True}
            add = ["users", "add", "bench", "--clearance", "TOP SECRET", "--role", "editor"]
            subprocess.run([*briefgen, *add, "--password-stdin"], input="benchmark password\n",
                           **quiet)  # fmt: skip
            made = subprocess.run([*briefgen, "tokens", "create", "bench"], **quiet)
            token = made.stdout.strip()
            SIGNED_IN["Authorization"] = f"Bearer {token}"
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "briefgen", "serve", "-w", str(workspace), "--port", str(port)],
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    httpx.get(base + "/api/briefs", timeout=2, headers=SIGNED_IN)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            known = {pdf_sha256(base + "/api")}
            # The downloaded brief changes (so its rebuild makes another file); every
            # brief is rebuilt, to load the machine.
            spec = workspace / "briefs" / f"{BRIEF}.yaml"
            text = spec.read_text(encoding="utf-8")
            spec.write_text(re.sub(r"(?m)^title: .*$", "title: Revised", text), encoding="utf-8")
            briefs = [b["id"] for b in httpx.get(base + "/api/briefs", headers=SIGNED_IN).json()]
            briefs.sort(key=lambda brief: brief != BRIEF)  # it first: its file changes early
            jobs = [
                httpx.post(
                    f"{base}/api/briefs/{brief}/build", params={"force": "true"}, headers=SIGNED_IN
                ).json()
                for brief in briefs
            ]
            started = time.perf_counter()
            latencies, bodies = asyncio.run(
                downloads(f"{base}/download/{BRIEF}/pdf", args.requests, args.concurrency)
            )
            elapsed = time.perf_counter() - started
            states = [httpx.get(base + job["url"], headers=SIGNED_IN).json()["state"]
                      for job in jobs]  # fmt: skip
            while any(state in ("queued", "running") for state in states):
                time.sleep(0.2)
                states = [httpx.get(base + job["url"], headers=SIGNED_IN).json()["state"]
                          for job in jobs]  # fmt: skip
            known.add(pdf_sha256(base + "/api"))
        finally:
            server.terminate()
            server.wait()
    seen = {hashlib.sha256(body).hexdigest() for body in bodies}
    latencies.sort()
    ms = [1000 * latencies[int(q * (len(latencies) - 1))] for q in (0.5, 0.9, 0.99)]
    signed = "with an API token" if SIGNED_IN else "without sign-in"
    print(f"{args.requests} downloads of {BRIEF}.pdf, {args.concurrency} at once, loopback, "
          f"{signed},")  # fmt: skip
    print(f"while {len(jobs)} forced rebuilds ran ({', '.join(sorted(set(states)))} at the end)")
    print(f"  {args.requests / elapsed:.0f} requests/s over {elapsed:.1f} s")
    print(f"  latency p50 {ms[0]:.1f} ms, p90 {ms[1]:.1f} ms, p99 {ms[2]:.1f} ms, "
          f"mean {1000 * statistics.mean(latencies):.1f} ms")  # fmt: skip
    whole = seen <= known
    print(f"  distinct files downloaded: {len(seen)}; all whole and named by the manifest: {whole}")
    if not whole:
        sys.exit(1)


if __name__ == "__main__":
    main()
