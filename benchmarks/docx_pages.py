"""What counting DOCX pages with LibreOffice costs a build (`--measure-docx`).

Run from the repository root:

    python benchmarks/docx_pages.py [--rounds 3]

For one brief (the press lines) and for every example brief, it times a forced
`briefgen build` without and with `--measure-docx`, alternating, so a busy moment of the
machine falls on both, and prints the medians and their difference; then the
measurement alone (`measure_pages`) for one DOCX and for all. Needs LibreOffice.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from briefgen.office import measure_pages


def build_seconds(specs: list[str], out: Path, measure: bool) -> float:
    command = [sys.executable, "-m", "briefgen", "build", *specs, "--out", str(out), "--force"]
    started = time.perf_counter()
    subprocess.run(
        command + (["--measure-docx"] if measure else []),
        check=True, capture_output=True, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("soffice") is None:
        sys.exit("LibreOffice (soffice) is not installed")
    every = sorted(str(path) for path in Path("briefs").glob("*.yaml"))
    with tempfile.TemporaryDirectory(prefix="docx-pages-bench-") as scratch:
        out = Path(scratch)
        for label, specs in (("one brief", ["briefs/press-lines-astana.yaml"]), ("all", every)):
            times: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(args.rounds):
                for measure in (False, True):
                    times[measure].append(build_seconds(specs, out / label, measure))
            plain, measured = (statistics.median(times[m]) for m in (False, True))
            print(
                f"build {label} ({len(specs)} specs): {plain:.2f} s; with --measure-docx "
                f"{measured:.2f} s (+{measured - plain:.2f} s)"
            )
        documents = {path.stem: path.read_bytes() for path in (out / "all").glob("*.docx")}
        for label, chosen in (("one DOCX", dict(list(documents.items())[:1])), ("all", documents)):
            started = time.perf_counter()
            result = measure_pages(chosen)
            seconds = time.perf_counter() - started
            print(f"measure_pages, {label} ({len(chosen)}): {seconds:.2f} s, {result.by}")


if __name__ == "__main__":
    main()
