"""Shared fixtures: the shipped dataset, the example briefs, a hand-made brief."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from briefgen import document as doc
from briefgen.load_dataset import load_dataset
from briefgen.workspace import DEFAULT_DATASET

REPO = Path(__file__).resolve().parent.parent
BRIEFS = REPO / "briefs"
EXAMPLE_SPECS = sorted(BRIEFS.glob("*.yaml"))
SHARED_SOURCES = REPO.parent / "shared" / "sources"


@pytest.fixture(scope="session", autouse=True)
def pdf_text_cache(tmp_path_factory):
    """PDFs read in this run are kept apart from the user's cache (briefgen.pdfcache),
    for the command lines the tests run, too: every run reads its PDFs afresh."""
    os.environ["BRIEFGEN_PDF_CACHE"] = str(tmp_path_factory.mktemp("pdf-text-cache"))


@pytest.fixture(scope="session")
def dataset():
    return load_dataset()


@pytest.fixture
def changed_dataset(tmp_path):
    """A copy of the shipped dataset; ``change(kind, id, **fields)`` edits one item and
    returns the changed file's path."""
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATASET.parent, folder)
    path = folder / DEFAULT_DATASET.name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def change(kind: str, item_id: str, **fields) -> Path:
        (item,) = [item for item in data[kind] if item["id"] == item_id]
        item.update(fields)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    return change


@pytest.fixture
def write_yaml(tmp_path):
    """Write a dedented YAML text to a file in tmp_path and return its path."""

    def write(text: str, name: str = "brief.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


MINIMAL_SPEC = """
    id: test-brief
    title: Test brief
    audience: minister
    date: 2026-03-02
    reference: REF-1
    marking: OFFICIAL
    for: Minister
    from: Department
    contact: {name: A. Officer, role: Desk Officer}
    critical_date: Routine
    sections:
      - heading: Purpose
        kind: purpose
        text: To test.
"""


@pytest.fixture
def minimal_spec() -> str:
    return MINIMAL_SPEC


def citation(paragraph: int) -> doc.Citation:
    return doc.Citation(f"Test Source, \u201cA Title\u201d, paragraph {paragraph}")


def sample_brief(**changes) -> doc.Brief:
    """A brief made by hand, independent of the dataset, for renderer tests."""
    fact = doc.FactEntry(id="f1", kind="facts", citation=citation(3), text="A fact in our words.")
    quote = doc.QuoteEntry(
        id="q1",
        kind="quotes",
        citation=citation(5),
        text="Quoted words, exactly as said",
        speaker="Jane Speaker",
        role="Head of Something",
        organisation=None,
    )
    sections = (
        doc.Section(heading="Purpose", kind="purpose", paragraphs=("Why this brief exists.",)),
        doc.Section(heading="Recommendation", kind="recommendation", paragraphs=("Agree to X.",)),
        doc.Section(
            heading="Key points", kind="key-points", points=("Our own point.",), facts=(fact,)
        ),
        doc.Section(heading="Voices", kind="quotes", quotes=(quote,)),
        doc.Section(
            heading="Questions",
            kind="q-and-a",
            questions=(doc.QuestionAnswer("Is it new?", "No."),),
        ),
    )
    values = dict(
        id="sample",
        title="Sample brief title",
        subject="Sample subject",
        audience="minister",
        date=dt.date(2026, 3, 2),
        reference="REF-42",
        marking="OFFICIAL-SENSITIVE",
        marking_label="OFFICIAL-SENSITIVE",
        marking_colour="#000000",
        language="en",
        addressee="The Minister",
        department="Test Department",
        contact=doc.Contact("A. Officer", "Desk Officer", "+7 000", "a@example.org"),
        critical_date=None,
        critical_reason=None,
        page_budget=2,
        keywords=("compliance", "training"),
        sections=sections,
    )
    values.update(changes)
    return doc.Brief(**values)


def build_in_subprocess(workspace: Path, spec_text: str):
    """``briefgen build`` of one spec in ``workspace/briefs/``, as a user runs it: a new
    process, this checkout's code, output in ``workspace/out``."""
    import os
    import subprocess
    import sys

    import briefgen

    (workspace / "briefs").mkdir(exist_ok=True)
    spec = workspace / "briefs" / "brief.yaml"
    spec.write_text(spec_text)
    return subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(spec), "--out", str(workspace / "out")],
        capture_output=True, text=True, timeout=120, cwd=workspace,
        env={**os.environ, "PYTHONPATH": str(Path(briefgen.__file__).parents[1])},
    )  # fmt: skip


def unavailable(what: str, how: str) -> None:
    """A tool or file a test needs is missing: a failure in CI (which must have it), a
    skip elsewhere that says what is missing and how to get it."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; CI must have it ({how})")
    pytest.skip(f"{what} is missing here ({how}); CI runs this test")


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's command, for tests that lay a DOCX out with it."""
    path = shutil.which("soffice")
    if path is None:
        unavailable("soffice (LibreOffice)", "scripts/install-system-packages --test")
    return path
