"""The pipeline as a whole: what validate checks, and the warnings a build gives."""

from __future__ import annotations

from briefgen.build import check_briefs
from conftest import BRIEFS


def test_check_reports_each_example_ok():
    report = check_briefs([BRIEFS])
    assert len(report.lines) == len(list(BRIEFS.glob("*.yaml")))
    assert all(": ok (" in line for line in report.lines)
    assert report.warnings == []


def test_every_language_has_every_label():
    from briefgen.labels import CATALOGUES, ENGLISH

    for language, catalogue in CATALOGUES.items():
        assert set(catalogue) == set(ENGLISH), language
        assert all(text.strip() for text in catalogue.values()), language


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
    assert 'section 2 "Nothing matches" (sections[1].select.facts): selects no facts' in (
        warning.message
    )
