"""briefgen init and briefgen audience: workspaces and audiences made for the user."""

from __future__ import annotations

import docx
import pytest
from docx.shared import Pt, RGBColor

from briefgen.build import BuildOptions, build_briefs
from briefgen.errors import BriefgenError
from briefgen.scaffold import init_workspace, list_audiences, new_audience


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "ws"
    init_workspace(folder, "2026-05-01")
    return folder


def test_init_makes_a_workspace_that_builds(workspace):
    assert (workspace / "briefs" / "sample.yaml").is_file()
    assert (workspace / "templates").is_dir() and (workspace / "README.md").is_file()
    report = build_briefs([workspace / "briefs"], out_dir=workspace / "build")
    assert len(report.lines) == 2 and report.warnings == []


def test_init_refuses_an_existing_workspace(workspace):
    with pytest.raises(BriefgenError) as excinfo:
        init_workspace(workspace, "2026-05-01")
    assert "already holds a workspace" in str(excinfo.value)


def test_new_audience_copies_with_a_comment_on_top_of_each_file(workspace):
    written = new_audience(workspace, "committee", "press")
    names = sorted(path.name for path in written)
    assert names == ["audience.yaml", "brief.html.j2", "reference.docx", "style.css"]
    folder = workspace / "templates" / "committee"
    template = (folder / "brief.html.j2").read_text()
    assert template.startswith("{#- committee/brief.html.j2 (copied from press")
    assert "asset('committee/style.css')" in template and "press/style.css" not in template
    assert (folder / "style.css").read_text().startswith("/* committee/style.css")
    assert (folder / "audience.yaml").read_text().startswith("# committee/audience.yaml")
    rows = {row.name: row for row in list_audiences(workspace)}
    assert not rows["committee"].builtin and rows["press"].builtin
    assert rows["committee"].description == rows["press"].description


@pytest.mark.parametrize(
    ("name", "base", "message"),
    [
        ("Committee", "minister", "cannot name an audience"),
        ("committee", "ministre", "no audience 'ministre' to copy; did you mean 'minister'?"),
    ],
)
def test_new_audience_errors(workspace, name, base, message):
    with pytest.raises(BriefgenError) as excinfo:
        new_audience(workspace, name, base)
    assert message in str(excinfo.value)


def use_audience(workspace, audience: str) -> None:
    spec = workspace / "briefs" / "sample.yaml"
    spec.write_text(spec.read_text().replace("audience: minister", f"audience: {audience}"))


def test_reference_docx_gives_the_docx_its_styles(workspace):
    new_audience(workspace, "committee", "minister")
    reference = workspace / "templates" / "committee" / "reference.docx"
    word = docx.Document(str(reference))
    heading = word.styles["Heading 1"]
    heading.font.size = Pt(20)
    heading.font.color.rgb = RGBColor(0x8A, 0x6D, 0x1D)
    word.save(str(reference))
    use_audience(workspace, "committee")
    build_briefs([workspace / "briefs"], out_dir=workspace / "build",
                 options=BuildOptions(formats=("docx",)))  # fmt: skip
    built = docx.Document(str(workspace / "build" / "sample.docx"))
    style = built.styles["Heading 1"]
    assert style.font.size == Pt(20) and style.font.color.rgb == RGBColor(0x8A, 0x6D, 0x1D)
    assert "Reference document:" not in "\n".join(p.text for p in built.paragraphs)


def test_missing_styles_fall_back_with_a_warning(workspace):
    new_audience(workspace, "committee", "minister")
    reference = workspace / "templates" / "committee" / "reference.docx"
    word = docx.Document(str(reference))
    for name in ("Quote", "List Bullet"):
        style = word.styles[name]
        style.element.getparent().remove(style.element)
    word.save(str(reference))
    use_audience(workspace, "committee")
    report = build_briefs([workspace / "briefs"], out_dir=workspace / "build",
                          options=BuildOptions(formats=("docx",)))  # fmt: skip
    (warning,) = report.warnings
    assert warning.file == reference
    assert "has no List Bullet, Quote; used Normal instead" in warning.message


def test_unreadable_reference_docx_is_a_clean_error(workspace):
    new_audience(workspace, "committee", "minister")
    (workspace / "templates" / "committee" / "reference.docx").write_text("not a docx")
    use_audience(workspace, "committee")
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([workspace / "briefs"], out_dir=workspace / "build")
    assert "cannot read the reference document" in str(excinfo.value)
