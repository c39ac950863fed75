"""The pipeline as a whole: what validate checks, and the warnings a build gives."""

from __future__ import annotations

from briefgen.build import check_briefs
from conftest import BRIEFS


def test_check_reports_each_example_ok():
    report = check_briefs([BRIEFS])
    assert len(report.lines) == len(list(BRIEFS.glob("*.yaml")))
    assert all(": ok (" in line for line in report.lines)
    assert report.warnings == []


def test_language_without_labels_warns(write_yaml, minimal_spec):
    path = write_yaml(
        minimal_spec.replace("marking: OFFICIAL", "marking: OFFICIAL\n    language: ru")
    )
    (warning,) = check_briefs([path]).warnings
    assert str(warning) == (
        f"{path}:7:1: warning: language: no 'ru' labels yet: headings such as 'Reference' and "
        "dates print in English"
    )


def test_empty_selection_warns_in_validate_too(write_yaml, minimal_spec):
    path = write_yaml(
        minimal_spec
        + """
      - heading: Nothing matches
        select:
          facts: {tags: [naval], people: [artur-lastayev]}
"""
    )
    (warning,) = check_briefs([path]).warnings
    assert warning.severity == "warning"
    assert "sections[1].select.facts: selects no facts" in warning.message
