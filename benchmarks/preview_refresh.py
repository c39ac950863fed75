"""Save-to-refresh time of `briefgen preview`: from writing the spec to the page's state
having the new build (pages drawn), as the page's own long poll sees it.

Run from the repository root:

    python benchmarks/preview_refresh.py [--edits 10] [--spec briefs/minister-hlm-2026.yaml]

It copies the spec into a scratch workspace, starts `briefgen preview` there on a free
loopback port, waits for the first build, then changes the spec's title --edits times,
one save at a time, and prints the first build's time and the median and worst
save-to-refresh times. Close other work first: on a loaded machine the times grow.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--spec", type=Path, default=Path("briefs/minister-hlm-2026.yaml"))
    args = parser.parse_args()
    workspace = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    (workspace / "briefs").mkdir()
    spec = workspace / "briefs" / args.spec.name
    shutil.copy(args.spec, spec)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "preview", str(spec), "--no-browser", "--port",
         str(port)], stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def state(since: int) -> dict:
        while True:
            try:
                url = f"http://127.0.0.1:{port}/state?since={since}"
                found = json.load(urllib.request.urlopen(url, timeout=60))
            except OSError:
                time.sleep(0.1)
                continue
            if found["version"] > since:
                return found

    try:
        started = time.perf_counter()
        current = state(0)
        first = time.perf_counter() - started
        times = []
        for n in range(args.edits):
            text = spec.read_text(encoding="utf-8")
            title = next(line for line in text.splitlines() if line.startswith("title:"))
            saved = time.perf_counter()
            spec.write_text(text.replace(title, f'title: "Edit {n}"', 1), encoding="utf-8")
            current = state(current["version"])
            times.append(time.perf_counter() - saved)
            assert current["title"] == f"Edit {n}" and current["pages"] >= 1, current
    finally:
        process.terminate()
        process.wait()
        shutil.rmtree(workspace, ignore_errors=True)
    print(f"{args.spec.name}: first build and pages {first:.2f} s")
    print(f"save to refresh over {args.edits} saves: median {statistics.median(times):.2f} s, "
          f"worst {max(times):.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
