"""The bad-template corpus: each folder of tests/corpus/templates/ is an audience that must
fail with the message its first line states, naming the template, writing nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.errors import BriefgenError
from briefgen.render import Options, render_brief
from briefgen.workspace import builtin_templates_dir
from conftest import sample_brief

CORPUS = Path(__file__).parent / "corpus" / "templates"
CASES = sorted(path.name for path in CORPUS.iterdir() if (path / "brief.html.j2").is_file())
EXPECT = re.compile(r"\{# expect: (?:line (\d+): )?(.*?) #\}")


def test_corpus_is_there():
    assert len(CASES) >= 12


@pytest.mark.parametrize("case", CASES)
def test_bad_template_fails_with_its_message(case):
    line, message = EXPECT.match((CORPUS / case / "brief.html.j2").read_text()).groups()
    with pytest.raises(BriefgenError) as excinfo:
        render_brief(
            sample_brief(audience=case), ["pdf", "docx"], [CORPUS, builtin_templates_dir()]
        )
    matching = [p for p in excinfo.value.problems if message in p.message]
    assert matching, [str(p) for p in excinfo.value.problems]
    problem = matching[0]
    assert case in str(problem.file)  # names the template
    if line:
        assert problem.line == int(line)


def test_huge_layout_is_stopped_by_the_time_limit(tmp_path):
    audience = tmp_path / "huge"
    audience.mkdir()
    (audience / "brief.html.j2").write_text(
        "<html><body><table>{% for i in range(1000) %}{% for j in range(400) %}"
        "<tr><td>{{ i }}</td></tr>{% endfor %}{% endfor %}</table></body></html>"
    )
    with pytest.raises(BriefgenError) as excinfo:
        render_brief(
            sample_brief(audience="huge"),
            ["pdf"],
            [tmp_path],
            options=Options(time_limit_seconds=1),
        )
    (problem,) = excinfo.value.problems
    assert "rendering brief 'sample' took longer than 1 s and was stopped" in problem.message
    assert problem.file == "huge/brief.html.j2"


def test_time_limit_leaves_no_alarm_behind():
    import signal

    render_brief(
        sample_brief(), ["html"], [builtin_templates_dir()], options=Options(time_limit_seconds=5)
    )
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
