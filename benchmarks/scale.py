"""Briefs built per minute with 1 and 2 workers; downloads per second via 1 and 2 portals.

The figures of the scale-out set-up (downloads measured while builds run, and idle).

Run from the repository root (needs PostgreSQL's programs, as the tests do:
``scripts/install-system-packages --test``, and the test extras):

    python benchmarks/scale.py [--briefs 20] [--requests 1000] [--concurrency 20]

It starts a PostgreSQL server of its own in a temporary folder (as the tests do),
a workspace of ``--briefs`` copies of the press brief (one page, PDF and DOCX), and
real ``briefgen worker`` and ``briefgen serve --no-worker`` processes on loopback:

1. with 1 worker, then 2 (a fresh database and build folder each time), it asks for
   every brief through the portal's API at once and times them until the database
   says all are done: briefs per minute, and the ratio;
2. with 2 workers rebuilding every brief (forced), it downloads a built PDF
   ``--requests`` times from ``--concurrency`` clients through 1 portal process, then
   spread over 2: requests per second, latency percentiles, and the ratio; then the
   same with no build running. Every download is checked to be the whole PDF.

The machine's cores are shared by everything here (PostgreSQL, the portals, each
worker's render processes), so the ratios say how far one machine goes; see the
README ("Several processes and machines") for how the figures grow with machines.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]  # this checkout; the test helpers

from portal_fixtures import PG_BIN, new_postgres_database, postgres_cluster  # noqa: E402
from scale_fixtures import (  # noqa: E402
    Portal,
    Worker,
    registered_workers,
    running,
    token_for,
    wait_until,
    workspace_of,
)

BRIEF = "press-lines-astana"


def start(workspace: Path, url: str, logs: Path, workers: int, portals: int):
    token = token_for(url)
    started = [Worker(workspace, url, logs / f"worker-{n}.log") for n in range(workers)]
    wait_until("the workers are registered", lambda: registered_workers(url) == 2 * workers,
               logs=[w.log for w in started])  # fmt: skip
    web = [Portal(workspace, url, token, logs / f"portal-{n}.log", worker=False)
           for n in range(portals)]  # fmt: skip
    return started, web


def build_all(portal: Portal, ids: list[str], force: bool = False) -> list[str]:
    query = "?force=true" if force else ""
    return [portal.http.post(f"/api/briefs/{i}/build{query}").json()["id"] for i in ids]


def all_finished(portal: Portal, jobs: list[str]) -> bool:
    return all(portal.job(job)["state"] in ("done", "failed") for job in jobs)


def builds_per_minute(pg: Path, folder: Path, ids: list[str], workers: int) -> float:
    workspace = folder / f"builds-{workers}"
    shutil.rmtree(workspace, ignore_errors=True)  # from an earlier round
    shutil.copytree(folder / "template", workspace)
    url = new_postgres_database(pg)
    logs = workspace / "logs"
    logs.mkdir()
    things, (portal,) = start(workspace, url, logs, workers, 1)
    with running(*things, portal):
        started = time.perf_counter()
        jobs = build_all(portal, ids)
        wait_until("every brief is built", lambda: all_finished(portal, jobs),
                   logs=[w.log for w in things])  # fmt: skip
        elapsed = time.perf_counter() - started
        failed = [job for job in jobs if portal.job(job)["state"] != "done"]
        assert not failed, portal.job(failed[0])
    return len(ids) / elapsed * 60


async def downloads(urls: list[str], headers: dict, total: int,
                    concurrency: int) -> tuple[float, list[float]]:  # fmt: skip
    latencies: list[float] = []
    remaining = iter(range(total))
    spread = itertools.cycle(urls)

    async def client(http: httpx.AsyncClient, url: str) -> None:
        for _ in remaining:
            started = time.perf_counter()
            response = await http.get(url)
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()
            body = response.content  # whole: a rebuild replaces the file atomically
            assert body.startswith(b"%PDF") and body.rstrip().endswith(b"%%EOF")

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=120, headers=headers) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http, next(spread)) for _ in range(concurrency)))
        return total / (time.perf_counter() - started), latencies


def downloads_per_second(pg: Path, folder: Path, ids: list[str], portals: int,
                         args, workers: int = 2) -> tuple[float, list[float]]:  # fmt: skip
    workspace = folder / "builds-2"  # built by the 2-worker round
    url = new_postgres_database(pg)
    logs = Path(tempfile.mkdtemp(prefix=f"downloads-{portals}-{workers}-", dir=folder))
    things, web = start(workspace, url, logs, workers, portals)
    with running(*things, *web):
        # the builds the downloads run beside (none without workers)
        jobs = build_all(web[0], ids, force=True) if workers else []
        urls = [f"http://127.0.0.1:{p.port}/download/{ids[0]}/pdf" for p in web]
        rate = asyncio.run(downloads(urls, dict(web[0].http.headers), args.requests,
                                     args.concurrency))  # fmt: skip
        building = not all_finished(web[0], jobs)
        wait_until("the rebuilds end", lambda: all_finished(web[0], jobs))
    if workers and not building:
        print(f"  (note: the rebuilds ended before the {portals}-portal downloads did)")
    return rate


def alternate(rounds: int, setups: tuple, measure) -> dict:
    """Each set-up measured ``rounds`` times, alternating: {set-up: (median, results)};
    a result is a number or a tuple whose first item is the number."""
    results: dict = {setup: [] for setup in setups}
    for _ in range(rounds):
        for setup in setups:
            results[setup].append(measure(setup))

    def number(result):
        return result[0] if isinstance(result, tuple) else result

    return {setup: (statistics.median(number(r) for r in found), found)
            for setup, found in results.items()}  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="measure each set-up this many times, alternating, and print the "
        "median: a busy moment of a shared machine falls on all of them",
    )
    args = parser.parse_args()
    if not (PG_BIN / "pg_ctl").exists():
        sys.exit(f"PostgreSQL is not installed ({PG_BIN}): scripts/install-system-packages --test")
    with tempfile.TemporaryDirectory() as scratch, postgres_cluster("briefgen-bench-pg-") as pg:
        folder = Path(scratch)
        workspace_of(folder / "template", args.briefs, f"{BRIEF}.yaml")
        ids = [f"{BRIEF}-{n:02d}" for n in range(args.briefs)]
        print(
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before; "
            f"{args.briefs} briefs (a PDF and a DOCX each)"
        )
        rates = alternate(args.rounds, (1, 2), lambda n: builds_per_minute(pg, folder, ids, n))
        for n, rate in rates.items():
            ratio = f"  ({rate[0] / rates[1][0]:.2f}x)" if n > 1 else ""
            print(f"builds, {n} worker{'s' * (n > 1)}: {rate[0]:6.1f} briefs/min{ratio}  "
                  f"[{', '.join(f'{r:.1f}' for r in rate[1])}]")  # fmt: skip
        for workers, when in ((2, "while 2 workers build"), (0, "with no build running")):
            served = alternate(args.rounds, (1, 2), lambda n, workers=workers: downloads_per_second(
                pg, folder, ids, n, args, workers))  # fmt: skip
            for n, (rate, rounds) in served.items():
                ratio = f"  ({rate / served[1][0]:.2f}x)" if n > 1 else ""
                latencies = rounds[0][1]
                print(f"downloads {when}, {n} portal{'s' * (n > 1)}: {rate:6.1f} requests/s, "
                      f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
                      f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms{ratio}  "
                      f"[{', '.join(f'{r[0]:.1f}' for r in rounds)}]")  # fmt: skip
        print(f"load average {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
