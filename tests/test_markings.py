"""Marking schemes: the shipped ones load, order and name their levels; a broken one is refused."""

import pytest

from briefgen.errors import BriefgenError
from briefgen.markings import load_scheme, shipped_schemes
from briefgen.workspace import SCHEME_FILE


def test_default_scheme_orders_levels_lowest_first():
    scheme = load_scheme(None)
    assert scheme.name == "default"
    assert scheme.above("SECRET", "OFFICIAL-SENSITIVE")
    assert not scheme.above("OFFICIAL", "OFFICIAL")
    assert scheme.highest(["OFFICIAL", "SECRET", "UNCLASSIFIED"]) == "SECRET"
    assert scheme.highest(["UNCLASSIFIED"], at_least="OFFICIAL") == "OFFICIAL"
    assert scheme.releasable("OFFICIAL") and not scheme.releasable("OFFICIAL-SENSITIVE")


def test_labels_print_in_the_brief_language_and_fall_back_to_english():
    scheme = load_scheme(None)
    assert scheme.label("SECRET", "ru") == "СЕКРЕТНО"
    assert scheme.label("SECRET", "kk") == "ҚҰПИЯ"
    assert scheme.label("SECRET", "fr") == "SECRET"


def test_a_workspace_without_markings_yaml_has_the_default(tmp_path):
    assert load_scheme(tmp_path).name == "default"


def test_kazakhstan_scheme_resolves_russian_and_kazakh_forms(tmp_path):
    (tmp_path / SCHEME_FILE).write_bytes(shipped_schemes()["kazakhstan"].read_bytes())
    kz = load_scheme(tmp_path)
    assert kz.name == "kazakhstan"
    assert kz.resolve("ДСП") == "dsp"
    assert kz.resolve("для служебного пользования") == "dsp"
    assert kz.resolve("ҚБП") == "dsp"
    assert kz.resolve("OFFICIAL") is None
    assert kz.label("dsp", "kk") == "ҚЫЗМЕТ БАБЫНДА ПАЙДАЛАНУ ҮШІН"
    assert "did you mean 'secret'" in kz.unknown("secrt")


@pytest.mark.parametrize(
    "change, message",
    [
        ("items_default: nowhere", "items_default: 'nowhere' is not a level"),
        ("release: {floor: secret, highest: open}", "release.floor is above release.highest"),
    ],
)
def test_a_broken_scheme_is_refused_with_the_field_named(tmp_path, change, message):
    text = shipped_schemes()["kazakhstan"].read_text(encoding="utf-8")
    key = change.split(":")[0]
    lines = [line for line in text.splitlines() if not line.startswith(key)]
    if key == "release":
        lines = [line for line in lines if not line.startswith(("  floor", "  highest"))]
    (tmp_path / SCHEME_FILE).write_text("\n".join(lines) + "\n" + change + "\n", encoding="utf-8")
    with pytest.raises(BriefgenError) as error:
        load_scheme(tmp_path)
    assert message in str(error.value)
    assert SCHEME_FILE in str(error.value)
