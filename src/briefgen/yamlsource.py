"""Read YAML the safe way, keeping the line of every key.

Both loaders (dataset and spec) read through :func:`read_yaml`. It builds
plain Python data straight from PyYAML's event stream, without the composer:

* every scalar stays a string (``NO``, ``on``, ``1.10``, ``12:30`` are never
  turned into bools, floats or sexagesimal ints); only an empty value, ``~``
  and ``null`` mean "nothing". Typed fields are converted later by the models,
  which know what each field expects;
* tags, anchors and aliases are refused (no object construction, no
  "billion laughs");
* nesting depth and file size are capped before anything recursive runs;
* duplicate keys are an error naming both lines;
* characters XML cannot hold are an error naming the key path, and so are the
  bidirectional controls (U+202E and friends), which make text read differently
  from how it is stored (a title, a PDF's metadata, a download name).

The result is a :class:`YamlDocument`: the data plus the ``line:column`` of
every key path, so later stages can point at the exact place of a problem.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import BriefgenError, Problem
from briefgen.inputfiles import NotAnInput, open_regular
from briefgen.places import KeyPath, clipped, place
from briefgen.places import printable as printable  # where load_dataset takes it from

NULL_WORDS = {"", "~", "null", "Null", "NULL"}
# XML 1.0 cannot hold these; Word refuses a document that contains them.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Marks, embeddings, overrides and isolates (U+200E/F, U+202A-E, U+2066-9, U+061C).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Unicode's stream-safe limit (UAX #15): no letter needs more combining marks in a row.
# 100,000 stacked on one letter keep Pango shaping for minutes, in C code the render's
# time limit cannot interrupt.
MAX_MARKS = 30
# Marks are neither word characters nor space: runs of those are the only candidates,
# so ordinary text is passed over by one regular-expression scan.
NOT_WORDS = re.compile(f"[^\\w\\s]{{{MAX_MARKS + 1},}}")


def stacked_marks(text: str) -> str | None:
    """The first run of more than :data:`MAX_MARKS` combining marks in ``text``, if any."""
    for candidate in NOT_WORDS.finditer(text):
        run = candidate.group()
        start = None
        for index, ch in enumerate(run + "."):  # the "." ends a run at the end
            if unicodedata.category(ch)[0] == "M":
                start = index if start is None else start
                continue
            if start is not None and index - start > MAX_MARKS:
                return run[start:index]
            start = None
    return None


@dataclass
class YamlDocument:
    path: Path
    data: dict[str, Any]
    marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, key_path: KeyPath) -> tuple[int, int]:
        """Line and column of the deepest known part of ``key_path``."""
        key_path = tuple(key_path)
        while key_path:
            if key_path in self.marks:
                return self.marks[key_path]
            key_path = key_path[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, key_path: KeyPath, message: str, severity: str = "error") -> Problem:
        line, column = self.locate(key_path)
        prefix = f"{place(self.data, key_path)}: " if key_path else ""
        return Problem(prefix + message, self.path, line, column, severity)


def read_yaml(path: Path, *, max_bytes: int, max_depth: int) -> YamlDocument:
    """Read one YAML file holding one mapping, or raise :class:`BriefgenError`."""
    path = Path(path)
    try:
        # A FIFO or device is refused before it is read (it could block or never end).
        with os.fdopen(open_regular(path, max_bytes=2**62), "rb") as stream:
            raw = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise BriefgenError(Problem("no such file; check the path", path)) from None
    except IsADirectoryError:
        raise BriefgenError(Problem("is a folder, not a YAML file", path)) from None
    except NotAnInput:
        raise BriefgenError(Problem("not a regular file (a FIFO or device?)", path)) from None
    except OSError as exc:
        raise BriefgenError(Problem(f"cannot read file: {exc.strerror}", path)) from None
    if len(raw) > max_bytes:
        raise BriefgenError(
            Problem(f"file is larger than {max_bytes // 1024} KiB; split it or trim it", path)
        )
    return parse_yaml(decode_text(raw, path), path, max_depth=max_depth)


def line_and_column(text: str | bytes, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    return text.count(newline, 0, index) + 1, index - (text.rfind(newline, 0, index) + 1) + 1


def decode_text(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BriefgenError(Problem("file is UTF-16; save it as UTF-8", path, 1, 1))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = line_and_column(raw, exc.start)
        raise BriefgenError(
            Problem(
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                path,
                line,
                column,
            )
        ) from None


# PyYAML's words for common slips → what to do, and whether to point where the
# construct started (context) rather than where the parser gave up (problem).
SYNTAX_HINTS = (
    ("quoted scalar", "end of stream", True, "a quotation mark opened here is never closed"),
    ("", "'\\t' that cannot start any token", False, "a tab here; indent with spaces, not tabs"),
    ("", "mapping values are not allowed here", False,
     "unexpected ': '; put a value that contains ': ' in quotes, or check the indentation"),
    ("flow sequence", "expected ',' or ']'", True, "a list opened with '[' here is not closed"),
    ("flow mapping", "expected ',' or '}'", True, "a mapping opened with '{' here is not closed"),
    ("block mapping", "expected <block end>", False,
     "this line does not line up with the keys above it; check its indentation "
     "(or a quotation mark left open above)"),
    ("simple key", "could not find expected ':'", True,
     "a line with no 'key:' here; indent it under the line above, or add the ':'"),
)  # fmt: skip


def plain_syntax_error(exc: yaml.MarkedYAMLError):
    """The parser's complaint in plain words, and the mark to show."""
    context, problem = exc.context or "", exc.problem or ""
    for in_context, in_problem, at_start, hint in SYNTAX_HINTS:
        if in_context in context and in_problem in problem:
            mark = exc.context_mark if at_start and exc.context_mark else exc.problem_mark
            return hint, mark
    return " ".join(
        part for part in (context, problem) if part
    ), exc.problem_mark or exc.context_mark


def fast_events(text: str) -> list[yaml.Event] | None:
    """The events from libyaml, where PyYAML has it (about ten times faster than
    PyYAML's own parser); None if it is missing or finds anything wrong, so that the
    pure-Python parser reads the text again and explains the problem in its words."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        return list(yaml.parse(text, Loader=loader))
    except yaml.YAMLError:
        return None


def parse_yaml(text: str, path: Path, *, max_depth: int) -> YamlDocument:
    builder = _Builder(Path(path), max_depth)
    try:
        for event in fast_events(text) or yaml.parse(text, Loader=yaml.SafeLoader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        message, mark = plain_syntax_error(exc)
        builder.problems.append(
            Problem(
                f"YAML syntax: {message}",
                path,
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
            )
        )
        raise BriefgenError(builder.located()) from None
    except yaml.reader.ReaderError as exc:  # a raw character YAML does not allow
        line, column = line_and_column(text, exc.position)
        builder.problems.append(
            Problem(
                f"character U+{exc.character:04X} is not allowed (XML cannot hold it); remove it",
                path,
                line,
                column,
            )
        )
        raise BriefgenError(builder.located()) from None
    except yaml.YAMLError as exc:
        builder.problems.append(Problem(f"YAML: {exc}", path))
        raise BriefgenError(builder.located()) from None
    return builder.finish()


class _Frame:
    __slots__ = ("container", "key_path", "pending_key", "key_marks")

    def __init__(self, container: dict | list, key_path: KeyPath) -> None:
        self.container = container
        self.key_path = key_path
        self.pending_key: str | None = None
        self.key_marks: dict[str, int] = {}


class _Builder:
    """Turns a PyYAML event stream into plain data, iteratively (no recursion)."""

    def __init__(self, path: Path, max_depth: int) -> None:
        self.path = path
        self.max_depth = max_depth
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0
        self.marks: dict[KeyPath, tuple[int, int]] = {(): (1, 1)}
        self.problems: list[Problem] = []
        self.placed: dict[int, KeyPath] = {}  # index in problems → where it is

    def fail(self, event: yaml.Event, message: str) -> None:
        mark = event.start_mark
        self.problems.append(Problem(message, self.path, mark.line + 1, mark.column + 1))
        raise BriefgenError(self.located())

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.fail(event, "file holds more than one YAML document (---); keep one")
            return
        if isinstance(event, yaml.AliasEvent):
            self.fail(event, f"aliases (*{event.anchor}) are not allowed; write the value out")
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            self.fail(event, f"anchors (&{event.anchor}) are not allowed; write the value out")
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and event.tag:
            self.fail(event, f"YAML tags ({event.tag}) are not allowed; remove the tag")
        if isinstance(event, yaml.ScalarEvent):
            self.add_value(event, self.scalar_value(event))
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(self.stack) >= self.max_depth:
                self.fail(event, f"nesting is deeper than {self.max_depth} levels")
            container: dict | list = {} if isinstance(event, yaml.MappingStartEvent) else []
            key_path = self.add_value(event, container)
            self.stack.append(_Frame(container, key_path))
        elif isinstance(event, yaml.CollectionEndEvent):
            self.stack.pop()

    def scalar_value(self, event: yaml.ScalarEvent) -> str | None:
        if not event.style and event.value in NULL_WORDS:  # plain: None, or "" from libyaml
            return None
        return event.value

    def add_value(self, event: yaml.NodeEvent, value: Any) -> KeyPath:
        """Attach ``value`` to the open container; return its key path."""
        mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        if not self.stack:
            self.root = value
            self.marks[()] = mark  # where the content starts, after any comments
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            key_path = (*frame.key_path, len(frame.container))
            frame.container.append(value)
            self.marks[key_path] = mark
            self.check_text(key_path, value)
            return key_path
        if frame.pending_key is None:  # this node is a key
            self.check_text(frame.key_path, value, mark, what="a key here: ")
            if not isinstance(value, str):
                what = "an empty key" if value is None else "a list or mapping as a key"
                self.fail(event, f"{what} is not allowed; keys are plain words")
            if value in frame.key_marks:
                first = frame.key_marks[value]
                self.add_problem(
                    (*frame.key_path, value),
                    f"duplicate key '{clipped(value)}' (first at line {first}); keep one of them",
                    mark,
                )
            frame.key_marks.setdefault(value, mark[0])
            frame.pending_key = value
            self.marks.setdefault((*frame.key_path, value), mark)
            return frame.key_path
        key = frame.pending_key
        frame.pending_key = None
        key_path = (*frame.key_path, key)
        frame.container.setdefault(key, value)  # on a duplicate, the first one stays
        self.check_text(key_path, value)
        return key_path

    def check_text(
        self, key_path: KeyPath, value: Any, mark: tuple[int, int] | None = None, what: str = ""
    ) -> None:
        if not isinstance(value, str):
            return
        if bad := XML_INVALID.search(value) or BIDI_CONTROLS.search(value):
            reason = (
                "is not allowed (XML cannot hold it)"
                if XML_INVALID.match(bad.group())
                else "is a bidirectional control, not allowed (it reorders text on screen)"
            )
            message = f"character U+{ord(bad.group()):04X} {reason}; remove it"
        elif marks := stacked_marks(value):
            message = (
                f"{len(marks):,} combining marks in a row (U+{ord(marks[0]):04X}...), more "
                f"than any letter takes (at most {MAX_MARKS}); remove them"
            )
        else:
            return
        self.add_problem(key_path, what + message, mark or self.marks.get(key_path))

    def add_problem(self, key_path: KeyPath, message: str, mark: tuple | None) -> None:
        """A problem at ``key_path``, named by :func:`place` once the file is read: a
        section's heading may come after the line at fault."""
        line, column = mark or (None, None)
        self.placed[len(self.problems)] = key_path
        self.problems.append(Problem(message, self.path, line, column))

    def located(self) -> list[Problem]:
        """The problems, each at a key path with its :func:`place` in front."""
        return [
            replace(p, message=f"{place(self.root, self.placed[i])}: {p.message}")
            if self.placed.get(i)
            else p
            for i, p in enumerate(self.problems)
        ]

    def finish(self) -> YamlDocument:
        if self.root is None:
            self.problems.append(Problem("file is empty; expected a YAML mapping", self.path, 1, 1))
        elif not isinstance(self.root, dict):
            kind = "a list" if isinstance(self.root, list) else "a single value"
            line, column = self.marks[()]
            self.problems.append(
                Problem(f"file holds {kind}; expected a mapping of keys", self.path, line, column)
            )
        if self.problems:
            raise BriefgenError(self.located())
        return YamlDocument(self.path, self.root, self.marks)
