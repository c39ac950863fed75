"""render_html: autoescaped text, numbered endnotes, template errors with file and line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import lxml.html
import pytest

from briefgen import document as doc
from briefgen.errors import BriefgenError
from briefgen.render.html import render_html
from briefgen.workspace import builtin_templates_dir
from conftest import citation, sample_brief

BUILTIN = builtin_templates_dir()
HOSTILE_TITLE = '<img src="file:///etc/passwd">'
HOSTILE_SCRIPT = "<script>alert('x')</script>"


def render(brief: doc.Brief, dirs: list[Path] | None = None):
    """The HTML string and its parsed tree."""
    html = render_html(brief, dirs or [BUILTIN])
    return html, lxml.html.document_fromstring(html)


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def fact(id_: str, paragraph: int, text: str) -> doc.FactEntry:
    return doc.FactEntry(id=id_, kind="facts", citation=citation(paragraph), text=text)


def quote(id_: str, paragraph: int, text: str) -> doc.QuoteEntry:
    return doc.QuoteEntry(
        id=id_,
        kind="quotes",
        citation=citation(paragraph),
        text=text,
        speaker="Jane Speaker",
        role="Head of Something",
        organisation=None,
    )


def endnotes(root) -> dict[int, str]:
    items = root.xpath("//ol[contains(@class, 'endnotes')]/li")
    return {int(li.get("value")): text_of(li) for li in items}


def noteref_after(root, text: str) -> list[int]:
    """Note numbers in the element (li or footer) whose text starts with ``text``."""
    numbers = []
    for element in root.xpath("//li | //footer | //p[span[@class='para-no']]"):
        # a numbered paragraph (the minister's) starts with its number: "3. "
        if re.sub(r"^\d+\. ", "", text_of(element)).startswith(text):
            numbers += [int(sup.text) for sup in element.xpath(".//sup[@class='noteref']")]
    return numbers


# --- escaping ------------------------------------------------------------------------


def test_spec_and_dataset_text_is_escaped_not_markup():
    hostile_fact = fact("f-x", 3, f"Fact with {HOSTILE_SCRIPT} inside")
    hostile_quote = quote("q-x", 5, f"Said {HOSTILE_TITLE} aloud")
    brief = sample_brief(
        title=HOSTILE_TITLE,
        subject=HOSTILE_SCRIPT,
        addressee=HOSTILE_SCRIPT,
        sections=(
            doc.Section(heading=HOSTILE_SCRIPT, kind="purpose", paragraphs=(HOSTILE_TITLE,)),
            doc.Section(
                heading="Key points",
                kind="key-points",
                points=(HOSTILE_SCRIPT,),
                facts=(hostile_fact,),
            ),
            doc.Section(heading="Voices", kind="quotes", quotes=(hostile_quote,)),
        ),
    )
    html, root = render(brief)

    assert root.xpath("//img | //script") == []
    assert "<img" not in html and "<script" not in html
    assert root.findtext(".//title") == HOSTILE_TITLE
    assert text_of(root.find(".//h1")) == HOSTILE_TITLE
    assert [text_of(h) for h in root.iter("h2")][0] == HOSTILE_SCRIPT
    body_texts = [text_of(p) for p in root.iter("p")] + [text_of(li) for li in root.iter("li")]
    body_texts = [re.sub(r"^\d+\. ", "", text) for text in body_texts]  # numbered paragraphs
    assert HOSTILE_TITLE in body_texts
    assert HOSTILE_SCRIPT in body_texts
    assert f"Fact with {HOSTILE_SCRIPT} inside1" in body_texts
    assert f"\u201cSaid {HOSTILE_TITLE} aloud\u201d" in body_texts
    cells = [text_of(td) for td in root.iter("td")]
    assert HOSTILE_SCRIPT in cells  # subject and addressee in the title block
    meta = {m.get("name"): m.get("content") for m in root.iter("meta") if m.get("name")}
    assert meta["description"] == HOSTILE_SCRIPT


def test_marking_cannot_break_out_of_the_style_element():
    marking = 'SECRET"; } body { display: none } </style><script>alert(1)</script>'
    html, root = render(sample_brief(marking_label=marking))
    assert root.xpath("//script") == []
    style = root.find(".//style").text
    assert "display: none" not in style
    assert "</style>" not in html.split("<style>", 1)[1].split("</style>", 1)[0]
    # The marking is still carried, verbatim, for the DOCX writer.
    meta = {m.get("name"): m.get("content") for m in root.iter("meta") if m.get("name")}
    assert meta["briefgen:marking"] == marking


# --- endnotes ------------------------------------------------------------------------


def test_every_fact_and_quote_has_a_numbered_endnote_shared_by_place():
    f1 = fact("f1", 3, "First fact.")
    f2 = fact("f2", 3, "Second fact, same paragraph.")
    q1 = quote("q1", 5, "A quotation")
    f3 = fact("f3", 7, "Third fact, new paragraph.")
    f4 = fact("f4", 5, "Fourth fact, the quote's paragraph.")
    brief = sample_brief(
        sections=(
            doc.Section(heading="Key points", kind="key-points", facts=(f1, f2)),
            doc.Section(heading="Voices", kind="quotes", quotes=(q1,)),
            doc.Section(heading="Background", kind="background", facts=(f3, f4)),
        )
    )
    _, root = render(brief)

    assert noteref_after(root, "First fact.") == [1]
    assert noteref_after(root, "Second fact, same paragraph.") == [1]
    assert noteref_after(root, "Jane Speaker, Head of Something") == [2]
    assert noteref_after(root, "Third fact, new paragraph.") == [3]
    assert noteref_after(root, "Fourth fact, the quote's paragraph.") == [2]
    assert endnotes(root) == {
        1: citation(3).text,
        2: citation(5).text,
        3: citation(7).text,
    }
    all_refs = [int(sup.text) for sup in root.xpath("//sup[@class='noteref']")]
    assert all_refs == [1, 1, 2, 3, 2]


def test_sample_brief_notes_point_at_their_citations():
    _, root = render(sample_brief())
    assert noteref_after(root, "A fact in our words.") == [1]
    assert noteref_after(root, "Jane Speaker") == [2]
    assert endnotes(root) == {1: citation(3).text, 2: citation(5).text}


def test_only_what_a_template_shows_gets_an_endnote():
    """The press audience leaves out background sections, and their sources."""
    shown = fact("shown", 3, "Shown to the press.")
    hidden = fact("hidden", 9, "Internal background.")
    brief = sample_brief(
        audience="press",
        sections=(
            doc.Section(heading="Lines", kind="lines-to-take", facts=(shown,)),
            doc.Section(heading="Background", kind="background", facts=(hidden,)),
        ),
    )
    html, root = render(brief)
    assert "Internal background." not in html
    assert endnotes(root) == {1: citation(3).text}


def test_no_sources_section_without_citations():
    brief = sample_brief(
        sections=(doc.Section(heading="Purpose", kind="purpose", paragraphs=("Only text.",)),)
    )
    _, root = render(brief)
    assert endnotes(root) == {}
    assert "Sources" not in [text_of(h) for h in root.iter("h2")]


# --- template errors -----------------------------------------------------------------


def write_audience(tmp_path: Path, text: str, audience: str = "minister") -> Path:
    templates = tmp_path / "templates"
    folder = templates / audience
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brief.html.j2").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return templates


def render_error(brief: doc.Brief, templates: Path) -> BriefgenError:
    with pytest.raises(BriefgenError) as excinfo:
        render_html(brief, [templates, BUILTIN])
    return excinfo.value


@pytest.mark.parametrize(
    "expression, name",
    [
        ("{{ brief.titel }}", "titel"),
        ("{{ labels.no_such_label }}", "no_such_label"),
        ("{{ brief.sections[0].headng }}", "headng"),
    ],
)
def test_undefined_name_names_template_file_and_line(tmp_path, expression, name):
    templates = write_audience(
        tmp_path,
        f"""
        {{% extends "base/base.html.j2" %}}
        {{% block lead %}}
        <p>fine</p>
        <p>{expression}</p>
        {{% endblock %}}
        """,
    )
    error = render_error(sample_brief(), templates)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert Path(problem.file) == templates / "minister" / "brief.html.j2"
    assert problem.line == 4
    assert name in problem.message
    assert f"{templates / 'minister' / 'brief.html.j2'}:4:" in str(error)


def test_syntax_error_names_template_file_and_line(tmp_path):
    templates = write_audience(
        tmp_path,
        """
        {% extends "base/base.html.j2" %}
        {% block lead %}
        <p>ok</p>
        <p>{{ brief.title }</p>
        {% endblock %}
        """,
    )
    error = render_error(sample_brief(), templates)
    problem = error.problems[0]
    assert Path(problem.file) == templates / "minister" / "brief.html.j2"
    assert problem.line == 4
    assert "syntax" in problem.message


def test_unclosed_block_is_a_syntax_error_with_location(tmp_path):
    templates = write_audience(
        tmp_path,
        """
        {% extends "base/base.html.j2" %}
        {% block lead %}
        {% for section in brief.sections %}
        <p>{{ section.heading }}</p>
        {% endblock %}
        """,
    )
    problem = render_error(sample_brief(), templates).problems[0]
    assert Path(problem.file) == templates / "minister" / "brief.html.j2"
    assert problem.line is not None and 3 <= problem.line <= 5


def test_missing_audience_template_is_a_clear_error(tmp_path):
    error = render_error(sample_brief(audience="no-such-audience"), tmp_path)
    message = str(error)
    assert "no-such-audience/brief.html.j2" in message
    assert "not found" in message
    assert str(BUILTIN) in message  # says where it looked


def test_missing_base_template_is_a_clear_error(tmp_path):
    templates = write_audience(tmp_path, '{% extends "base/no-such-base.html.j2" %}\n')
    message = str(render_error(sample_brief(), templates))
    assert "base/no-such-base.html.j2" in message
    assert "not found" in message


def test_workspace_template_overrides_builtin_one(tmp_path):
    templates = write_audience(
        tmp_path,
        """
        {% extends "base/base.html.j2" %}
        {% block lead %}<p>Workspace lead for {{ brief.reference }}</p>{% endblock %}
        """,
    )
    html = render_html(sample_brief(), [templates, BUILTIN])
    assert "<p>Workspace lead for REF-42</p>" in html


# --- the sandbox: templates lay out, they do not reach the machine ------------------


@pytest.mark.parametrize(
    "expression",
    [
        "cycler.__init__.__globals__.os.getuid()",
        "asset.__globals__['__builtins__']['open']('/etc/hostname').read()",
        "brief.__class__.__mro__[1].__subclasses__()",
    ],
)
def test_templates_cannot_reach_python_internals(tmp_path, expression):
    templates = write_audience(
        tmp_path, "<html><body>\n<p>{{ " + expression + " }}</p>\n</body></html>\n"
    )
    error = render_error(sample_brief(), templates)
    (problem,) = error.problems
    assert "unsafe" in problem.message or "has no attribute" in problem.message
    assert problem.line == 2


def test_symlinked_include_leading_out_is_refused(tmp_path):
    templates = write_audience(
        tmp_path, "<html><body>\n{% include 'minister/part.html' %}\n</body></html>\n"
    )
    (templates / "minister" / "part.html").symlink_to("/etc/hostname")
    error = render_error(sample_brief(), templates)
    (problem,) = error.problems
    assert "template 'minister/part.html' leads outside the template folders" in problem.message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("<p>{{ 1 / 0 }}</p>", "ZeroDivisionError"),
        ("{% macro loop() %}{{ loop() }}{% endmacro %}{{ loop() }}", "RecursionError"),
    ],
)
def test_errors_raised_by_template_code_name_file_and_line(tmp_path, body, words):
    templates = write_audience(tmp_path, "<html><body>\n" + body + "\n</body></html>\n")
    (problem,) = render_error(sample_brief(), templates).problems
    assert words in problem.message
    assert problem.file.endswith("minister/brief.html.j2") and problem.line == 2


def test_template_that_renders_nothing(tmp_path):
    from briefgen.render import render_brief

    templates = write_audience(tmp_path, "{# nothing #}")
    with pytest.raises(BriefgenError) as excinfo:
        render_brief(sample_brief(), ["docx"], [templates, builtin_templates_dir()])
    assert [p.message for p in excinfo.value.problems] == ["rendered no HTML at all"]


def figure(id_: str, paragraph: int, label: str) -> doc.FigureEntry:
    return doc.FigureEntry(
        id=id_, kind="figures", citation=citation(paragraph), label=label, value="7", unit="states"
    )


def rows_of(root, table_class: str) -> list[tuple[list[str], list[int]]]:
    """Each body row of the tables with ``table_class``: its cells' text (note numbers
    left out) and its note numbers."""
    rows = root.xpath(f"//table[contains(@class, '{table_class}')]/tbody/tr")
    found = []
    for row in rows:
        numbers = [int(sup.text) for sup in row.xpath(".//sup[@class='noteref']")]
        cells = [
            " ".join("".join(td.xpath(".//text()[not(ancestor::sup)]")).split())
            for td in row.xpath("./td")
        ]
        found.append((cells, numbers))
    return found


def test_defence_facts_table_numbers_each_fact():
    f1 = fact("f1", 3, "First fact.")
    f2 = fact("f2", 7, "Second fact.")
    f3 = fact("f3", 3, "Third fact, first fact's paragraph.")
    brief = sample_brief(
        audience="defence",
        sections=(doc.Section(heading="Key points", kind="key-points", facts=(f1, f2, f3)),),
    )
    _, root = render(brief)
    assert rows_of(root, "facts") == [
        ([f1.text, ""], [1]),
        ([f2.text, ""], [2]),
        ([f3.text, ""], [1]),
    ]
    assert endnotes(root) == {1: citation(3).text, 2: citation(7).text}


def test_figures_table_numbers_each_figure():
    g1 = figure("g1", 4, "Founding states")
    g2 = figure("g2", 6, "States joined")
    brief = sample_brief(
        sections=(doc.Section(heading="Figures", kind="background", figures=(g1, g2)),),
    )
    _, root = render(brief)
    assert rows_of(root, "figures") == [
        ([g1.label, "7 states"], [1]),
        ([g2.label, "7 states"], [2]),
    ]
    assert endnotes(root) == {1: citation(4).text, 2: citation(6).text}
