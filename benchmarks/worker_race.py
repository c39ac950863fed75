"""Fresh workers rendering their first PDF at the same instant: the font race of issue 21.

Run from the repository root:

    python benchmarks/worker_race.py                   # 300 rounds of 4 workers
    python benchmarks/worker_race.py --rounds 20 --workers 2

Each round starts a new pool of fresh workers (forked from the fork server,
which has not seen the font below) and gives each one task: wait until every
worker of the round is ready, then render a page whose ``@font-face`` points
at a font in a template folder made for the round (a Noto font under another
family name). Every worker copies that font on its first PDF, all at once. When
workers shared one font folder, about one round in a hundred lost a worker to
SIGBUS (one truncating a font another had mapped) and many PDFs came out
without the font. A round fails if a worker dies or a PDF lacks the font.

tests/test_workers.py runs a few rounds of this in the suite.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTO = REPO / "templates" / "base" / "fonts" / "NotoSans-Italic.ttf"
FAMILY = "Race Sans"
PAGE = (
    '<html lang="en"><head><link rel="stylesheet" href="{css}"></head>'
    "<body><h1>Race</h1><p>Every worker copies this font on its first PDF.</p></body></html>"
)
READY_SECONDS = 10.0  # how long a worker waits for the others of its round
# Then each waits up to this long more, at random: the race is lost when one worker has
# written the font, or mapped it, just before another looks for it or rewrites it.
JITTER_SECONDS = 0.01


@dataclass
class Tally:
    rounds: int = 0
    renders: int = 0
    lost_workers: int = 0  # rounds whose pool broke
    missing_font: int = 0  # PDFs without the font
    pids: set[int] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def race_templates(folder: Path) -> Path:
    """A template folder with its own font, under a family name of its own."""
    (folder / "race" / "fonts").mkdir(parents=True)
    shutil.copyfile(NOTO, folder / "race" / "fonts" / "RaceSans.ttf")
    (folder / "race" / "style.css").write_text(
        f'@font-face {{ font-family: "{FAMILY}"; src: url(fonts/RaceSans.ttf); }}\n'
        f'body {{ font-family: "{FAMILY}"; }}\n'
    )
    return folder


def render_together(templates: str, ready: str, workers: int) -> tuple[int, list[str]]:
    """In a worker: say it is ready, wait for the others, render; its pid and the PDF's
    fonts."""
    from pypdf import PdfReader

    from briefgen.render.pdf import render_pdf

    Path(ready, str(os.getpid())).touch()
    deadline = time.monotonic() + READY_SECONDS
    while len(os.listdir(ready)) < workers and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(random.uniform(0, JITTER_SECONDS))
    css = (Path(templates) / "race" / "style.css").as_uri()
    data, _, _ = render_pdf(PAGE.format(css=css), [Path(templates)], "race")
    fonts = []
    for page in PdfReader(BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.append(str(font.get_object()["/BaseFont"]))
    return os.getpid(), fonts


def race(rounds: int, workers: int, scratch: Path, tally: Tally | None = None) -> Tally:
    """``rounds`` rounds of ``workers`` fresh workers, in ``scratch`` (an empty folder)."""
    from briefgen.workers import worker_pool

    tally = tally or Tally()
    for number in range(rounds):
        # A font new to every worker of the round, and to the fork server: each round
        # races to copy a file none has copied yet.
        templates = race_templates(scratch / f"templates-{number}")
        ready = scratch / f"ready-{number}"
        ready.mkdir()
        tally.rounds += 1
        with worker_pool(workers) as pool:  # new workers: each renders its first PDF
            futures = [
                pool.submit(render_together, str(templates), str(ready), workers)
                for _ in range(workers)
            ]
            for future in futures:
                try:
                    pid, fonts = future.result()
                except BrokenProcessPool as exc:
                    tally.lost_workers += 1
                    tally.failures.append(f"round {number}: {exc}")
                    break
                tally.renders += 1
                tally.pids.add(pid)
                if not any(FAMILY.replace(" ", "-") in font for font in fonts):
                    tally.missing_font += 1
                    tally.failures.append(f"round {number}: pid {pid} left out the font: {fonts}")
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="worker-race-") as scratch:
        tally = race(args.rounds, args.workers, Path(scratch))
    seconds = time.perf_counter() - started
    print(
        f"{tally.rounds} rounds of {args.workers} workers, {tally.renders} first PDFs "
        f"({len(tally.pids)} distinct workers) in {seconds:.0f} s: "
        f"{tally.lost_workers} rounds lost a worker, {tally.missing_font} PDFs lacked the font"
    )
    for failure in tally.failures[:10]:
        print("  ", failure)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
