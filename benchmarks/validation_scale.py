"""How long ``briefgen validate`` takes on a spec with many mistakes (issue 14).

Run from the repository root:

    python benchmarks/validation_scale.py                 # 500, 1000, 2000, 5000 unknown keys
    python benchmarks/validation_scale.py --keys 5000 --shapes all

Each case is one cold ``briefgen validate`` process on the minister example with
N mistakes of one shape added (unknown top-level keys, unknown keys in N
sections, N unknown fact ids, N unknown tags); it prints the seconds taken and
the lines printed. Before issue 14 every error re-listed all of them, so 2,000
unknown keys took 6.4 s and 5,000 took 54 s; it should now grow linearly, with
the report capped at 20 problems per file.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "briefs" / "minister-hlm-2026.yaml"


def spec_with(shape: str, count: int) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    head = text.split("\nsections:")[0]
    if shape == "keys":
        return text + "".join(f"unknown_key_{n}: x\n" for n in range(count))
    if shape == "sections":
        return (
            head
            + "\nsections:\n"
            + "".join(f"  - heading: h\n    bogus{n}: 1\n" for n in range(count))
        )
    listed = ", ".join(f"nope-{n}" for n in range(count))
    select = f"    select:\n      facts:\n        {shape}: [{listed}]\n"  # ids or tags
    return head + "\nsections:\n  - heading: x\n" + select


def time_validate(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return time.perf_counter() - start, len(result.stderr.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, nargs="*", default=[500, 1000, 2000, 5000])
    parser.add_argument("--shapes", default="keys", help="keys, sections, ids, tags or all")
    args = parser.parse_args()
    shapes = ["keys", "sections", "ids", "tags"] if args.shapes == "all" else [args.shapes]
    with tempfile.TemporaryDirectory() as folder:
        seconds, _ = time_validate(EXAMPLE)
        print(f"{'the example, no mistakes':<32} {seconds:6.2f} s")
        for shape in shapes:
            for count in args.keys:
                path = Path(folder) / f"{shape}-{count}.yaml"
                path.write_text(spec_with(shape, count), encoding="utf-8")
                seconds, lines = time_validate(path)
                print(f"{f'{count} mistakes ({shape})':<32} {seconds:6.2f} s  {lines} lines")


if __name__ == "__main__":
    main()
