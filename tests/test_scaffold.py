"""briefgen init and briefgen audience: workspaces and audiences made for the user."""

from __future__ import annotations

import json

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
    # and the workspace's schema, written again so that editors complete the new audience
    assert names == ["audience.yaml", "brief.html.j2", "brief.schema.json", "reference.docx",
                     "style.css"]  # fmt: skip
    schema = json.loads((workspace / "brief.schema.json").read_text(encoding="utf-8"))
    assert "committee" in schema["properties"]["audience"]["enum"]
    folder = workspace / "templates" / "committee"
    template = (folder / "brief.html.j2").read_text()
    assert template.startswith("{#- committee/brief.html.j2 (copied from press")
    assert "asset('committee/style.css')" in template and "press/style.css" not in template
    assert (folder / "style.css").read_text().startswith("/* committee/style.css")
    assert (folder / "audience.yaml").read_text().startswith("# committee/audience.yaml")
    rows = {row.name: row for row in list_audiences(workspace)}
    assert not rows["committee"].builtin and rows["press"].builtin
    # Its own description, not its base's: two alike in `audience list` would confuse.
    assert rows["committee"].description == (
        "Copied from press; describe it in templates/committee/audience.yaml."
    )
    new_audience(workspace, "panel", "press", description='A panel: "quoted" words')
    assert {row.name: row for row in list_audiences(workspace)}["panel"].description == (
        'A panel: "quoted" words'
    )


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
    # (the minister numbers its points as paragraphs, so it needs no List Bullet)
    assert "has no Quote; used Normal instead" in warning.message


def test_a_reference_with_one_of_briefgens_styles_gets_the_other(workspace):
    new_audience(workspace, "committee", "minister")
    reference = workspace / "templates" / "committee" / "reference.docx"
    word = docx.Document(str(reference))
    style = word.styles["Source Note"]  # keeps Quote Attribution, loses Source Note
    style.element.getparent().remove(style.element)
    word.save(str(reference))
    use_audience(workspace, "committee")
    report = build_briefs([workspace / "briefs"], out_dir=workspace / "build",
                          options=BuildOptions(formats=("docx",)))  # fmt: skip
    assert report.warnings == []
    (built,) = (workspace / "build").glob("*.docx")
    # the sources are Word endnotes now; the style is still there for a source the
    # body does not refer to
    assert "Source Note" in [style.name for style in docx.Document(str(built)).styles]


def test_unreadable_reference_docx_is_a_clean_error(workspace):
    new_audience(workspace, "committee", "minister")
    (workspace / "templates" / "committee" / "reference.docx").write_text("not a docx")
    use_audience(workspace, "committee")
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([workspace / "briefs"], out_dir=workspace / "build")
    assert "cannot read the reference document" in str(excinfo.value)


def test_base_is_not_an_audience_name(workspace):
    with pytest.raises(BriefgenError) as excinfo:
        new_audience(workspace, "base", "minister")
    assert "not 'base'" in str(excinfo.value)


def test_new_audience_starts_from_the_workspace_override(workspace):
    new_audience(workspace, "committee", "minister")
    (workspace / "templates" / "committee" / "style.css").write_text("h1 { color: red; }\n")
    new_audience(workspace, "subcommittee", "committee")
    copied = (workspace / "templates" / "subcommittee" / "style.css").read_text()
    assert "h1 { color: red; }" in copied


def test_init_into_a_file_is_a_clean_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BriefgenError) as excinfo:
        init_workspace(blocker / "ws", "2026-05-01")
    assert "cannot write" in str(excinfo.value)


def test_audience_yaml_typo_is_found_by_validate_and_shown_by_list(workspace):
    from briefgen.build import check_briefs

    new_audience(workspace, "committee", "minister")
    (workspace / "templates" / "committee" / "audience.yaml").write_text("page_budgt: 2\n")
    use_audience(workspace, "committee")
    with pytest.raises(BriefgenError) as excinfo:
        check_briefs([workspace / "briefs"])
    assert "unknown key 'page_budgt'; did you mean 'page_budget'?" in str(excinfo.value)
    rows = {row.name: row for row in list_audiences(workspace)}
    assert rows["committee"].description.startswith("error:")
    assert not rows["press"].description.startswith("error:")


def test_reference_with_its_own_first_page_header_still_gets_the_marking(workspace):
    new_audience(workspace, "committee", "minister")
    reference = workspace / "templates" / "committee" / "reference.docx"
    word = docx.Document(str(reference))
    section = word.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = "COMMITTEE HEADER"
    word.save(str(reference))
    use_audience(workspace, "committee")
    build_briefs([workspace / "briefs"], out_dir=workspace / "build",
                 options=BuildOptions(formats=("docx",)))  # fmt: skip
    built = docx.Document(str(workspace / "build" / "sample.docx")).sections[0]
    assert [p.text for p in built.header.paragraphs] == ["COMMITTEE HEADER", "OFFICIAL"]
    assert "OFFICIAL" in [p.text for p in built.first_page_header.paragraphs]
    assert "OFFICIAL" in built.first_page_footer.paragraphs[0].text.split("\t")
