"""The safe YAML reader: strings stay strings, dangerous YAML is refused, lines are kept."""

from __future__ import annotations

import time

import pytest

from briefgen.errors import BriefgenError
from briefgen.places import format_key_path
from briefgen.yamlsource import parse_yaml, read_yaml


def parse(text: str, max_depth: int = 16):
    return parse_yaml(text, "t.yaml", max_depth=max_depth)


def messages(excinfo) -> list[str]:
    return [str(problem) for problem in excinfo.value.problems]


def test_scalars_stay_strings():
    doc = parse("a: NO\nb: on\nc: 1.10\nd: 12:30\ne: 2026-01-02\nf: 7\ng:\nh: ~\n")
    assert doc.data == {
        "a": "NO",
        "b": "on",
        "c": "1.10",
        "d": "12:30",
        "e": "2026-01-02",
        "f": "7",
        "g": None,
        "h": None,
    }


def test_quoted_null_word_stays_text():
    assert parse('a: "null"\n').data == {"a": "null"}


def test_marks_point_at_keys_and_items():
    doc = parse("top: 1\nlist:\n  - x\n  - y\nnested:\n  inner: z\n")
    assert doc.locate(("top",)) == (1, 1)
    assert doc.locate(("list", 1)) == (4, 5)
    assert doc.locate(("nested", "inner")) == (6, 3)
    assert doc.locate(("nested", "inner", "deeper", 3)) == (6, 3)


def test_format_key_path():
    assert format_key_path(("sections", 2, "select", "quotes")) == "sections[2].select.quotes"


def test_duplicate_keys_name_both_lines():
    with pytest.raises(BriefgenError) as excinfo:
        parse("title: a\nother: b\ntitle: c\n")
    assert messages(excinfo) == [
        "t.yaml:3:1: error: title: duplicate key 'title' (first at line 1); keep one of them"
    ]


def test_python_tags_are_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(BriefgenError) as excinfo:
        parse(text)
    assert (
        "YAML tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed"
        in (messages(excinfo)[0])
    )
    assert not marker.exists()


def test_aliases_are_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        previous = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous}]")
    started = time.process_time()  # CPU time: other processes' load does not count
    with pytest.raises(BriefgenError) as excinfo:
        parse("\n".join(lines))
    assert time.process_time() - started < 1.0  # generous: refusal happens at the first anchor
    assert messages(excinfo) == [
        "t.yaml:1:4: error: anchors (&a) are not allowed; write the value out"
    ]


def test_deep_nesting_is_refused_before_recursion():
    with pytest.raises(BriefgenError) as excinfo:
        parse("a: " + "[" * 30000 + "]" * 30000)
    assert "nesting is deeper than 16 levels" in messages(excinfo)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "t.yaml:1:1: error: file is empty; expected a YAML mapping"),
        ("# only a comment\n", "t.yaml:1:1: error: file is empty; expected a YAML mapping"),
        ("- a\n- b\n", "t.yaml:1:1: error: file holds a list; expected a mapping of keys"),
        ("just text\n", "t.yaml:1:1: error: file holds a single value; expected a mapping of keys"),
        (
            "a: 1\n---\nb: 2\n",
            "t.yaml:2:1: error: file holds more than one YAML document (---); keep one",
        ),
    ],
)
def test_wrong_top_level(text, expected):
    with pytest.raises(BriefgenError) as excinfo:
        parse(text)
    assert messages(excinfo) == [expected]


def test_syntax_error_has_line_and_column():
    with pytest.raises(BriefgenError) as excinfo:
        parse("a: [1, 2\nb: 3\n")
    (message,) = messages(excinfo)
    assert message == "t.yaml:1:4: error: YAML syntax: a list opened with '[' here is not closed"


def test_escaped_control_character_is_refused_with_key_path():
    with pytest.raises(BriefgenError) as excinfo:
        parse('sections:\n  - heading: "bad\\x07bell"\n')
    assert messages(excinfo) == [
        't.yaml:2:5: error: section 1 "bad\\x07bell" (sections[0].heading): character U+0007 '
        "is not allowed (XML cannot hold it); remove it"
    ]


def test_a_section_is_named_by_its_heading_even_when_the_heading_comes_later():
    with pytest.raises(BriefgenError) as excinfo:
        parse('sections:\n  - heading: Purpose\n  - text: "a\\u202eb"\n    heading: Background\n')
    assert messages(excinfo) == [
        't.yaml:3:5: error: section 2 "Background" (sections[1].text): character U+202E is a '
        "bidirectional control, not allowed (it reorders text on screen); remove it"
    ]


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: ok\n")
    assert read_yaml(path, max_bytes=1000, max_depth=4).data == {"title": "ok"}


def test_bad_utf8_names_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"a: ok\nb: caf\xe9\n")
    with pytest.raises(BriefgenError) as excinfo:
        read_yaml(path, max_bytes=1000, max_depth=4)
    assert messages(excinfo) == [
        f"{path}:2:7: error: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_utf16_is_named(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_bytes("a: b\n".encode("utf-16"))
    with pytest.raises(BriefgenError) as excinfo:
        read_yaml(path, max_bytes=1000, max_depth=4)
    assert messages(excinfo) == [f"{path}:1:1: error: file is UTF-16; save it as UTF-8"]


def test_size_cap(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 5000 + "\n")
    with pytest.raises(BriefgenError) as excinfo:
        read_yaml(path, max_bytes=4096, max_depth=4)
    assert messages(excinfo) == [f"{path}: error: file is larger than 4 KiB; split it or trim it"]


def test_missing_file(tmp_path):
    with pytest.raises(BriefgenError) as excinfo:
        read_yaml(tmp_path / "nope.yaml", max_bytes=100, max_depth=4)
    assert messages(excinfo) == [f"{tmp_path / 'nope.yaml'}: error: no such file; check the path"]
