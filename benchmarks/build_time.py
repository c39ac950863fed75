"""How long `briefgen build` takes, from a cold process, for one brief and for all examples.

Run from the repository root:  python benchmarks/build_time.py [--runs 5]
Prints the median and the range of wall-clock times over the runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def time_build(specs: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "briefgen", "build", *specs, "--out", out],
                cwd=REPO,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    examples = sorted(str(path.relative_to(REPO)) for path in (REPO / "briefs").glob("*.yaml"))
    cases = {
        "one brief (minister-hlm-2026), PDF+DOCX": ["briefs/minister-hlm-2026.yaml"],
        f"all {len(examples)} examples, PDF+DOCX": examples,
    }
    print(f"{'case':<45} {'median':>8} {'min':>8} {'max':>8}   ({args.runs} cold runs)")
    for label, specs in cases.items():
        times = time_build(specs, args.runs)
        print(
            f"{label:<45} {statistics.median(times):>7.2f}s {min(times):>7.2f}s {max(times):>7.2f}s"
        )


if __name__ == "__main__":
    main()
