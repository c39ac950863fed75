"""How `briefgen data check` and `validate` grow with the dataset: generated datasets of
up to 20,000 items across up to 100 files, each file with a generated source text of its
own (every fact and quote located in it, every quote verbatim).

Run from the repository root:

    python benchmarks/dataset_scale.py [--sizes 1000 5000 10000 20000] [--files 100]

It prints, per size, the seconds for `data check` and for `validate` of one spec that
selects from the dataset, and the seconds per 1,000 items: flat figures mean linear
growth. The generated data is synthetic and says so in every file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPEC = """\
id: scale
title: Scale
audience: minister
date: 2026-03-02
reference: REF-1
marking: OFFICIAL
for: Minister
from: Department
contact: {name: A. Officer, role: Desk Officer}
critical_date: Routine
sections:
  - heading: Facts
    select:
      facts: {tags: [scale], limit: 5}
"""


def generate(folder: Path, items: int, files: int) -> None:
    """``items`` items (half facts, half quotes) over ``files`` files, one source each."""
    (folder / "sources").mkdir(parents=True)
    per_file = items // files
    for n in range(files):
        paragraphs = [f"Synthetic paragraph {p} of source {n}: example words {p * 7}."
                      for p in range(1, per_file + 1)]  # fmt: skip
        (folder / "sources" / f"s{n}.txt").write_text(
            "note: SYNTHETIC EXAMPLE for a benchmark\n---\n" + "\n\n".join(paragraphs) + "\n",
            encoding="utf-8",
        )
        lines = ["# SYNTHETIC EXAMPLE for a benchmark: nothing here is true.\n"]
        if n == 0:
            lines.append("tags: {scale: synthetic}\n")
        lines.append(f"sources:\n  - id: s{n}\n    title: Source {n}\n    publisher: Nobody\n"
                     f"    date: '2026'\n    kind: synthetic\n    language: en\n"
                     f"    file: sources/s{n}.txt\n")  # fmt: skip
        lines.append("people:\n" if n == 0 else "")
        if n == 0:
            lines.append("  - {id: speaker, source: s0, paragraph: 1, name: A, role: B}\n")
        facts = ["facts:\n"] + [
            f"  - {{id: f{n}-{p}, source: s{n}, paragraph: {p}, tags: [scale], "
            f"text: 'Fact {p} of file {n}.'}}\n"
            for p in range(1, per_file // 2 + 1)
        ]
        quotes = ["quotes:\n"] + [
            f"  - {{id: q{n}-{p}, source: s{n}, paragraph: {p}, speaker: speaker, "
            f"text: 'example words {p * 7}'}}\n"
            for p in range(per_file // 2 + 1, per_file + 1)
        ]
        (folder / f"part-{n:03}.yaml").write_text("".join(lines + facts + quotes), "utf-8")


def seconds(*args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "briefgen", *args], capture_output=True,
                            text=True)  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000, 20000])
    parser.add_argument("--files", type=int, default=100)
    args = parser.parse_args()
    columns = ("items", 7), ("files", 5), ("check s", 8), ("per 1k", 7), ("validate s", 10)
    print(" ".join(f"{name:>{width}}" for name, width in columns), f"{'per 1k':>7}")
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="dataset-scale-"))
        try:
            generate(folder / "data", size, args.files)
            (folder / "briefs").mkdir()
            (folder / "briefs" / "scale.yaml").write_text(SPEC, encoding="utf-8")
            check = seconds("data", "check", "--dataset", str(folder / "data"))
            validate = seconds("validate", str(folder / "briefs"), "--dataset",
                               str(folder / "data"))  # fmt: skip
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"{size:>7} {args.files:>5} {check:>8.2f} {check / size * 1000:>7.3f} "
              f"{validate:>10.2f} {validate / size * 1000:>7.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
