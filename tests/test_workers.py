"""Worker processes: started early, stood down when unused, each writing only in a folder
of its own, and a lost one costing at most its own brief."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen.__main__ import renders_in_workers
from briefgen.build import BuildOptions, Progress, build_briefs
from briefgen.errors import BriefgenError
from briefgen.render import write_output as real_write_output
from conftest import BRIEFS, REPO

NOTO_BOLD = REPO / "templates" / "base" / "fonts" / "NotoSans-Bold.ttf"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["build", "briefs"], True),
        (["build", "briefs", "--watch"], True),
        (["build", "briefs", "-j", "2"], True),
        (["build", "briefs", "-j1"], False),
        (["build", "briefs", "--jobs", "1"], False),
        (["build", "briefs", "--jobs=1"], False),
        (["build", "--help"], False),
        (["validate", "briefs"], False),
        ([], False),
    ],
)
def test_workers_are_got_ready_only_for_builds_that_use_them(args, expected):
    assert renders_in_workers(args) is expected


STAND_DOWN = """
import os
from briefgen.workers import server_pid, stand_down, warm_up, worker_pool
warm_up()
pid = server_pid()
stand_down()  # started for nothing: stopped
try:
    os.kill(pid, 0)
    print("still running")
except ProcessLookupError:
    print("gone", server_pid())
warm_up()
with worker_pool(1) as pool:  # used: kept for the next pool
    pool.submit(os.getpid).result()
used = server_pid()
stand_down()
print("kept" if server_pid() == used else "stopped")
"""


def test_a_fork_server_started_for_nothing_is_stood_down():
    # In a process of its own: the fork server is one per process.
    result = subprocess.run([sys.executable, "-c", STAND_DOWN], capture_output=True, text=True)
    assert result.stdout.split() == ["gone", "None", "kept"], result.stdout + result.stderr


def die_at_once(*args, **kwargs):
    os._exit(9)  # as a worker ending itself would


def kill_worker(brief_id: str, how: signal.Signals, once: Path | None, rendered, fmt, options):
    """``write_output``, except that a worker rendering ``brief_id`` is killed by ``how``:
    each time, or, given ``once`` (a file not yet made), only the first time."""
    if rendered.brief_id == brief_id:
        try:
            if once is not None:
                once.open("x").close()  # only one worker can make it
            os.kill(os.getpid(), how)
        except FileExistsError:
            pass
    return real_write_output(rendered, fmt, options)


class Recorder(Progress):
    def __init__(self) -> None:
        self.rendered: list[str] = []

    def advance(self, output_id: str) -> None:
        self.rendered.append(output_id)


TWO_SPECS = ("press-lines-astana.yaml", "red-crescent-outreach.yaml")


def two_specs(tmp_path: Path) -> Path:
    folder = tmp_path / "briefs"
    folder.mkdir(parents=True)
    for name in TWO_SPECS:
        shutil.copy(BRIEFS / name, folder / name)
    return folder


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGBUS])
def test_a_worker_killed_mid_build_costs_only_a_retry(tmp_path, monkeypatch, how):
    import briefgen.render

    once = tmp_path / "killed-once"
    kill = functools.partial(kill_worker, "press-lines-astana", how, once)
    monkeypatch.setattr(briefgen.render, "write_output", kill)
    progress = Recorder()
    report = build_briefs([two_specs(tmp_path)], out_dir=tmp_path / "out",
                          options=BuildOptions(jobs=2), progress=progress)  # fmt: skip
    assert once.exists()  # a worker was killed
    assert sorted(progress.rendered) == sorted(2 * ["press-lines-astana", "red-crescent-outreach"])
    out = tmp_path / "out"
    written = sorted(path.name for path in [*out.glob("*.pdf"), *out.glob("*.docx")])
    assert written == sorted(f"{Path(n).stem}.{fmt}" for n in TWO_SPECS for fmt in ("pdf", "docx"))
    assert [line for line in report.lines if "press-lines-astana.pdf" in line]
    assert "Brief-Sans" in pdf_fonts(tmp_path / "out" / "press-lines-astana.pdf")  # a real PDF


def test_an_output_that_kills_its_worker_twice_fails_naming_the_signal(tmp_path, monkeypatch):
    import briefgen.render

    kill = functools.partial(kill_worker, "press-lines-astana", signal.SIGBUS, None)
    monkeypatch.setattr(briefgen.render, "write_output", kill)
    progress = Recorder()
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([two_specs(tmp_path)], out_dir=tmp_path / "out",
                     options=BuildOptions(jobs=2), progress=progress)  # fmt: skip
    (problem,) = excinfo.value.problems  # its PDF and DOCX say the same
    assert "'press-lines-astana' stopped its worker process twice" in problem.message
    assert "killed by SIGBUS" in problem.message
    assert Path(problem.file).name == "press-lines-astana.yaml"
    # The other brief was rendered in full; then, as for any problem, nothing was written.
    assert progress.rendered == ["red-crescent-outreach", "red-crescent-outreach"]
    assert excinfo.value.summary == "nothing was written"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_a_worker_that_ends_itself_is_named_by_its_exit_status(tmp_path, monkeypatch):
    import briefgen.render

    monkeypatch.setattr(briefgen.render, "write_output", die_at_once)
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([two_specs(tmp_path)], out_dir=tmp_path / "out", options=BuildOptions(jobs=2))
    messages = sorted(problem.message for problem in excinfo.value.problems)
    assert len(messages) == 2  # each brief, once
    assert all("ended with exit status 9" in m and "--jobs 1" in m for m in messages), messages


def test_the_portal_retries_a_brief_whose_worker_was_killed(tmp_path, monkeypatch):
    import briefgen.render
    from briefgen.portal.builds import Builds
    from briefgen.portal.catalogue import Workspace

    workspace = tmp_path / "ws"
    two_specs(workspace)
    once = tmp_path / "killed-once"
    kill = functools.partial(kill_worker, "press-lines-astana", signal.SIGKILL, once)
    monkeypatch.setattr(briefgen.render, "write_output", kill)
    builds = Builds(Workspace(workspace, workspace / "build"), jobs=2)
    job = builds.request([f"briefs/{name}" for name in TWO_SPECS])
    started = time.monotonic()
    while (job := builds.get(job.id)).state in ("queued", "running"):  # a database row
        assert time.monotonic() - started < 120, job
        time.sleep(0.1)
    assert once.exists()
    assert (job.state, job.problems) == ("done", [])
    assert (workspace / "build" / "press-lines-astana.pdf").is_file()


# --- Each worker writes in a folder of its own (issue 21) -------------------------------

FAMILY = "Workspace Display"  # a shipped Noto font, under a family name of the workspace's


def font_workspace(tmp_path: Path) -> Path:
    """A copy of the examples as a workspace of its own, whose minister audience has its
    own @font-face font (so the fork server has not registered it)."""
    workspace = tmp_path / "ws"
    shutil.copytree(BRIEFS, workspace / "briefs")
    shutil.copytree(REPO / "templates", workspace / "templates")
    minister = workspace / "templates" / "minister"
    (minister / "fonts").mkdir()
    shutil.copyfile(NOTO_BOLD, minister / "fonts" / "WorkspaceDisplay.ttf")
    with (minister / "style.css").open("a") as css:
        css.write(
            f'@font-face {{ font-family: "{FAMILY}"; src: url(fonts/WorkspaceDisplay.ttf); }}\n'
            f'h1, h2 {{ font-family: "{FAMILY}"; }}\n'
        )
    return workspace


def pdf_fonts(path: Path) -> str:
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return result.stdout


def test_a_workspace_font_is_in_every_pdf_of_a_parallel_build(tmp_path):
    workspace = font_workspace(tmp_path)
    pdf_only = {"formats": ("pdf",), "force": True}
    build_briefs([workspace / "briefs"], out_dir=tmp_path / "serial",
                 options=BuildOptions(jobs=1, **pdf_only))  # fmt: skip
    minister = [
        path.stem for path in (tmp_path / "serial").glob("*.pdf")
        if FAMILY.replace(" ", "-") in pdf_fonts(path)
    ]  # fmt: skip
    assert len(minister) == 6  # the briefs of the minister audience, editions included
    for attempt in range(3):  # workers used to leave it out of one PDF in three
        out = tmp_path / f"parallel-{attempt}"
        build_briefs([workspace / "briefs"], out_dir=out, options=BuildOptions(jobs=2, **pdf_only))
        for serial in (tmp_path / "serial").glob("*.pdf"):
            parallel = out / serial.name
            if serial.stem in minister:
                assert FAMILY.replace(" ", "-") in pdf_fonts(parallel), (attempt, serial.name)
            assert parallel.read_bytes() == serial.read_bytes(), (attempt, serial.name)


FOLDER_PROBE = """
import os, sys
from pathlib import Path
sys.path.insert(0, {benchmarks!r})
from worker_race import race_templates, render_together
from briefgen.workers import scratch_root, server_pid, worker_pool

def render_and_look(templates, ready):
    render_together(templates, ready, 2)  # waits for the other: two workers, one task each
    from briefgen.render.pdf import font_configuration
    path = font_configuration()._folder
    return os.getpid(), str(path), len(os.listdir(path))

if __name__ == "__main__":
    templates = race_templates(Path({tmp!r}) / "templates")
    ready = Path({tmp!r}) / "ready"
    ready.mkdir()
    with worker_pool(2) as pool:
        futures = [pool.submit(render_and_look, str(templates), str(ready)) for _ in range(2)]
        folders = [future.result() for future in futures]
    print(scratch_root(), server_pid())
    for pid, path, files in folders:
        print(pid, path, files)
"""


def test_each_worker_copies_fonts_into_a_folder_of_its_own(tmp_path):
    # In a process of its own, with a fork server of its own: nothing else has rendered.
    # A script file, not -c: the workers import it for folder().
    script = tmp_path / "probe.py"
    script.write_text(FOLDER_PROBE.format(benchmarks=str(REPO / "benchmarks"), tmp=str(tmp_path)))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    root, server = result.stdout.splitlines()[0].split()
    folders = {}
    for line in result.stdout.splitlines()[1:]:
        pid, path, files = line.split()
        folders[pid] = (Path(path), int(files))
    assert len(folders) == 2  # two workers answered
    for pid, (path, files) in folders.items():
        # Its own folder, in the command's scratch folder, not the fork server's.
        assert path.is_relative_to(root) and pid in path.parts and server not in path.parts
        assert files == 5  # the four house fonts the server registered, and the race font
    assert not Path(root).exists()  # removed as the command ended


RESTARTED = """
import io, time
from pypdf import PdfReader
from briefgen.render.pdf import render_pdf
from briefgen.render.preload import HOUSE_STYLESHEET, SAMPLE
from briefgen.workers import scratch_root, stand_down, warm_up, worker_pool
from briefgen.workspace import builtin_templates_dir

templates = builtin_templates_dir().resolve()
warm_up()
deadline = time.monotonic() + 60
while len(list(scratch_root().glob("server*/fonts*/*"))) < 4:  # its warm-up is done
    assert time.monotonic() < deadline
    time.sleep(0.05)
stand_down()
warm_up()  # a new fork server, in the same scratch folder
page = SAMPLE.format(stylesheet=(templates / HOUSE_STYLESHEET).as_uri())
with worker_pool(1) as pool:
    data, _, _ = pool.submit(render_pdf, page, [templates], "test").result()
fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values()
print(" ".join(str(font.get_object()["/BaseFont"]) for font in fonts))
"""


def test_a_fork_server_started_again_registers_the_house_fonts_again():
    # A build with nothing to do stops the fork server; a --watch round after it starts
    # another, which must not take the first one's font files for fonts it registered.
    result = subprocess.run([sys.executable, "-c", RESTARTED], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Brief-Sans-Bold" in result.stdout and "Brief-Sans-Italic" in result.stdout


def test_fresh_workers_rendering_their_first_pdf_at_once_all_embed_the_font(tmp_path, monkeypatch):
    # The short version of benchmarks/worker_race.py (which runs hundreds of rounds).
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))  # the workers import it too
    from worker_race import race

    tally = race(rounds=8, workers=3, scratch=tmp_path)
    assert tally.failures == []
    assert tally.renders == 24 and len(tally.pids) == 24  # every PDF a worker's first


def test_a_build_leaves_nothing_in_the_temp_folder(tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    specs = [str(BRIEFS / "press-lines-astana.yaml"), str(BRIEFS / "red-crescent-outreach.yaml")]
    env = {**os.environ, "TMPDIR": str(temp)}
    for jobs in ("2", "1"):
        result = subprocess.run(
            [sys.executable, "-m", "briefgen", "build", *specs, "--out", str(tmp_path / "out"),
             "--format", "pdf", "--force", "--jobs", jobs],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        # multiprocessing's pymp-*, briefgen's scratch folder and WeasyPrint's fonts: gone.
        assert list(temp.iterdir()) == [], jobs


# --- A stopping portal: no build thread starts a process after the last is killed -------

STOPPING_PROBE = """
import os, sys, threading, time
from pathlib import Path
from briefgen.pool import run_in_workers
from briefgen.portal.serving import descendants, stop_descendants
from briefgen.workers import clean_up_before_exit, scratch_root

def started_then_wait(folder):  # in a worker: says it runs, then waits to be killed
    Path(folder, "started").touch()
    while True:
        time.sleep(1)

if __name__ == "__main__":
    folder = Path({tmp!r})
    outcome = {{}}

    def build():  # as the portal's build thread: a worker dies under its call (killed)
        try:
            outcome["result"] = run_in_workers([(started_then_wait, (str(folder),))], 1)
        except BaseException as exc:
            outcome["error"] = type(exc).__name__

    thread = threading.Thread(target=build)
    thread.start()
    while not (folder / "started").exists():  # the call is running in a worker
        time.sleep(0.05)
    scratch = scratch_root()
    stop_descendants()  # as on SIGTERM: kills the fork server and the worker
    thread.join(60)
    from multiprocessing import resource_tracker
    tracker = resource_tracker._resource_tracker._pid
    left = [pid for pid in descendants(os.getpid()) if pid != tracker]
    clean_up_before_exit()
    print(outcome, thread.is_alive(), left, scratch.exists())
"""


def test_a_stopping_portal_starts_no_worker_after_killing_them(tmp_path):
    # The portal, stopped during a build, once printed a FileNotFoundError traceback: its
    # build thread, its worker killed, started a second pool (and fork server) whose socket
    # folder the clean-up at exit was removing. Here the call is held in its worker until
    # the stop, so the second round is always asked for, and must be refused.
    script = tmp_path / "probe.py"
    script.write_text(STOPPING_PROBE.format(tmp=str(tmp_path)))
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # The second round refused; nothing left running; the scratch folder removed.
    assert result.stdout.split("\n")[0] == "{'error': 'WorkersStopped'} False [] False"


# --- A command killed outright: its workers end with it ----------------------------------

KILLED_PROBE = """
import functools, os, sys, time
from pathlib import Path
import briefgen.render
from briefgen.build import BuildOptions, build_briefs

def rendering_for_ever(started, *args, **kwargs):  # in a worker: as a long render
    Path(started).write_text(f"{{os.getpid()}} {{os.getppid()}}")
    while True:
        time.sleep(1)

if __name__ == "__main__":
    briefgen.render.write_output = functools.partial(rendering_for_ever, {started!r})
    build_briefs([Path({spec!r})], out_dir=Path({out!r}), options=BuildOptions(jobs=2))
"""


def test_a_command_killed_while_its_workers_render_leaves_none_behind(tmp_path):
    # SIGKILL (or the out-of-memory killer) gives the command no time to stop its workers;
    # a worker busy rendering then waited for ever on its queue, with its fork server.
    started = tmp_path / "started"
    script = tmp_path / "probe.py"
    spec = BRIEFS / "press-lines-astana.yaml"
    script.write_text(KILLED_PROBE.format(started=str(started), out=str(tmp_path / "out"),
                                          spec=str(spec)))  # fmt: skip
    command = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not started.exists() or not started.read_text():  # a worker is rendering
            assert command.poll() is None, command.stderr.read()
            assert time.monotonic() < deadline, "no worker started rendering"
            time.sleep(0.05)
    finally:
        command.kill()
        command.wait()
    worker, fork_server = map(int, started.read_text().split())

    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat", "rb") as file:
                return file.read().rsplit(b")", 1)[1].split()[0] != b"Z"
        except OSError:
            return False

    deadline = time.monotonic() + 60  # each ends as soon as it sees the command gone
    while alive(worker) or alive(fork_server):
        if time.monotonic() > deadline:
            for pid in (worker, fork_server):
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
            pytest.fail(f"left running: worker {alive(worker)}, fork server {alive(fork_server)}")
        time.sleep(0.05)
