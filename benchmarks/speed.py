"""How fast briefgen builds, against the floor (WeasyPrint alone) and the usual route.

Run from the repository root:

    python benchmarks/speed.py              # 50 briefs, 3 runs of each case (about 3 minutes)
    python benchmarks/speed.py --briefs 10 --runs 1 --renders 50   # a quick look

It makes a workspace of N briefs (the examples, copied under new ids), then
times, each over several cold processes (median, min, max):

- ``briefgen --help``;
- one brief (PDF and DOCX) from a cold process, against a cold process that
  renders the very same HTML with WeasyPrint alone (the floor: a build cannot
  cost less than WeasyPrint's layout of it);
- the batch of N briefs (PDF and DOCX, one worker per core), against raw
  WeasyPrint renders of the same N HTML files spread over the same cores;
- a rebuild of the batch when nothing changed;
- where installed, ``pandoc`` HTML→DOCX and ``libreoffice --headless
  --convert-to pdf`` DOCX→PDF per brief: the route people take today.

Then memory: the resident size of one process rendering a brief (PDF and DOCX)
``--renders`` times without ever being replaced (a worker is replaced after
100), and the peak of the batch's processes.
Ratios are against the floor; the targets are those of the README.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BRIEFGEN = [sys.executable, "-m", "briefgen"]
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}  # what briefgen writes by default
ONE_BRIEF = "minister-hlm-2026"


# --- the workspace --------------------------------------------------------------------


def make_workspace(folder: Path, count: int) -> list[Path]:
    """``count`` specs, the examples in turn under ids of their own, one edition each."""
    examples = sorted((REPO / "briefs").glob("*.yaml"))
    (folder / "briefs").mkdir(parents=True)
    specs = []
    for number in range(count):
        example = examples[number % len(examples)]
        text = example.read_text(encoding="utf-8")
        brief_id = f"{example.stem}-{number:03d}"
        text = re.sub(r"(?m)^id: .*$", f"id: {brief_id}", text)
        text = re.sub(r"(?m)^edition: .*$", "edition: full", text)
        spec = folder / "briefs" / f"{brief_id}.yaml"
        spec.write_text(text, encoding="utf-8")
        specs.append(spec)
    return specs


# --- timing ---------------------------------------------------------------------------


def run(command: list[str], **kwargs) -> None:
    subprocess.run(command, check=True, capture_output=True, cwd=REPO, **kwargs)


def timed(command: list[str], runs: int, before=None) -> list[float]:
    """Wall-clock seconds of ``command`` in a fresh process, ``runs`` times."""
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        run(command)
        times.append(time.perf_counter() - started)
    return times


def paired(floor: list[str], ours: list[str], runs: int, before=None):
    """Both commands timed in turn, run after run, so a busy moment of the machine
    falls on both alike."""
    floor_times, our_times = [], []
    for _ in range(runs):
        floor_times += timed(floor, 1)
        our_times += timed(ours, 1, before)
    return floor_times, our_times


def fresh_folder(path: Path):
    def clear() -> None:
        shutil.rmtree(path, ignore_errors=True)

    return clear


# --- the floor: WeasyPrint alone, as a mode of this script ----------------------------


def raw_render(paths: list[str]) -> None:
    from weasyprint import HTML

    for path in paths:
        HTML(filename=path).write_pdf(path + ".raw.pdf", **PDF_OPTIONS)


def raw_weasyprint(html_files: list[str], jobs: int) -> None:
    """Render the HTML files with WeasyPrint in ``jobs`` processes, each importing it once."""
    if jobs == 1 or len(html_files) == 1:
        raw_render(html_files)
        return
    chunks = [html_files[index::jobs] for index in range(jobs)]
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(raw_render, chunks))


# --- memory, as a mode of this script -------------------------------------------------


def render_loop(spec: str, renders: int) -> None:
    """Render one brief ``renders`` times in this process; print the resident size."""
    from briefgen.build import Report, each_brief
    from briefgen.render import render_brief
    from briefgen.workspace import template_dirs

    item, brief = each_brief([Path(spec)], None, Report(), lambda item, brief: (item, brief))[0]
    dirs = template_dirs(item.path)
    checkpoints = {1, 100, renders}
    for number in range(1, renders + 1):
        render_brief(brief, ["pdf", "docx"], dirs)
        if number in checkpoints:
            print(f"{number} {current_rss_mib():.1f} {peak_rss_mib():.1f}", flush=True)


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


# --- the report -----------------------------------------------------------------------


def row(label: str, times: list[float], floor: float | None = None, target: str = "") -> None:
    median = statistics.median(times)
    ratio = f"{median / floor:.2f}x" if floor else ""
    print(
        f"{label:<44} {median:>7.2f}s {min(times):>7.2f}s {max(times):>7.2f}s {ratio:>7}  {target}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=50, help="briefs in the batch (50)")
    parser.add_argument("--runs", type=int, default=3, help="cold runs of each case (3)")
    parser.add_argument("--renders", type=int, default=500, help="renders for memory (500)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--raw-weasyprint", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--render-loop", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_weasyprint:
        raw_weasyprint(args.raw_weasyprint, args.jobs)
        return
    if args.render_loop:
        render_loop(args.render_loop, args.renders)
        return

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        specs = make_workspace(work, args.briefs)
        one = next(spec for spec in specs if re.fullmatch(ONE_BRIEF + r"-\d+", spec.stem))
        run([*BRIEFGEN, "build", str(work / "briefs"), "-f", "html", "-o", str(work / "html")])
        html = sorted(str(path) for path in (work / "html").glob("*.html"))
        one_html = str(work / "html" / f"{one.stem}.html")
        built = work / "built"
        this = [sys.executable, __file__]

        print(f"{args.briefs} briefs, {args.runs} cold runs each, {args.jobs} cores")
        print(f"{'case':<44} {'median':>8} {'min':>8} {'max':>8} {'ratio':>7}  target")
        row("briefgen --help", timed([*BRIEFGEN, "--help"], args.runs), target="< 0.2 s")

        raw_one, ours_one = paired(
            [*this, "--jobs", "1", "--raw-weasyprint", one_html],
            [*BRIEFGEN, "build", str(one), "-o", str(built)],
            args.runs,
            fresh_folder(built),
        )
        floor_one = statistics.median(raw_one)
        row("one brief: raw WeasyPrint, cold (floor)", raw_one, floor_one)
        row(
            "one brief: briefgen PDF+DOCX, cold",
            ours_one,
            floor_one,
            f"<= {1.2 * floor_one + 0.1:.2f} s (1.2x floor + 0.1 s)",
        )

        jobs = ["--jobs", str(args.jobs)]
        raw_batch, ours_batch = paired(
            [*this, *jobs, "--raw-weasyprint", *html],
            [*BRIEFGEN, "build", str(work / "briefs"), "-o", str(built), *jobs],
            args.runs,
            fresh_folder(built),
        )
        floor_batch = statistics.median(raw_batch)
        row(f"{args.briefs} briefs: raw WeasyPrint (floor)", raw_batch, floor_batch)
        batch_peak = peak_rss_mib(resource.RUSAGE_CHILDREN)
        row(f"{args.briefs} briefs: briefgen PDF+DOCX", ours_batch, floor_batch, "<= 1.2x")
        noop = timed([*BRIEFGEN, "build", str(work / "briefs"), "-o", str(built)], args.runs)
        row(f"{args.briefs} briefs: briefgen, nothing changed", noop, target="< 0.5 s")
        per_brief = statistics.median(ours_batch) / args.briefs
        print(f"{'':<44} {per_brief:>7.3f}s per brief in the batch")

        print_usual_route(work, specs[: min(3, len(specs))], built, floor_one, args.runs)

        print(f"\nmemory (resident, MiB), one process rendering a brief {args.renders} times:")
        loop = subprocess.run(
            [*this, "--renders", str(args.renders), "--render-loop", str(one)],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        for line in loop.stdout.splitlines():
            renders, rss, peak = line.split()
            print(f"  after {renders:>4} renders: {float(rss):6.1f} now, {float(peak):6.1f} peak")
        print("  target: a worker under 150 MiB after 500 renders (workers are replaced after 100)")
        print(f"  largest process of the timed runs (batch included): {batch_peak:.1f}")


def print_usual_route(work: Path, specs: list[Path], built: Path, floor: float, runs: int) -> None:
    """pandoc HTML→DOCX and LibreOffice DOCX→PDF, one brief per process, where installed."""
    pandoc = shutil.which("pandoc")
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not (pandoc or office):
        print("(pandoc and libreoffice not installed: the usual route was not timed)")
        return
    out = work / "usual"
    out.mkdir()
    if pandoc:
        times = []
        for spec in specs:
            html = work / "html" / f"{spec.stem}.html"
            target = out / f"{spec.stem}.docx"
            times += timed([pandoc, str(html), "-o", str(target)], runs)
        row("per brief: pandoc HTML->DOCX", times, floor)
    if office:
        times = []
        profile = (work / "office-profile").as_uri()
        for spec in specs:
            docx = built / f"{spec.stem}.docx"
            command = [
                office,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(docx),
            ]
            run(command)  # the first start makes the profile; not timed
            times += timed(command, runs)
        row("per brief: libreoffice DOCX->PDF", times, floor)


if __name__ == "__main__":
    main()
