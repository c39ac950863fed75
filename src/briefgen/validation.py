"""Turn pydantic validation errors into located, human messages.

Shared by the dataset and spec loaders: each error becomes one
``file:line:col: error: key.path: message`` with a suggestion where one helps.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from briefgen.errors import Problem, did_you_mean
from briefgen.yamlsource import KeyPath, YamlDocument


def validate_document(model: type[BaseModel], doc: YamlDocument, context: dict | None = None):
    """Validate ``doc.data`` against ``model``; return ``(instance or None, problems)``."""
    try:
        return model.model_validate(doc.data, context=context), []
    except ValidationError as exc:
        # exc.errors() builds a new list each call: take it once, and look at each error
        # once, so thousands of unknown keys take milliseconds, not minutes.
        all_errors = exc.errors()
        parents = enclosing_locations(all_errors)
        errors = [error for error in all_errors if not is_consequence(error, parents)]
        problems = [located_problem(model, doc, error) for error in errors]
        return None, sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def enclosing_locations(errors: list[dict]) -> set[tuple]:
    """Every location that holds another error's location (its proper prefixes)."""
    return {tuple(e["loc"][:end]) for e in errors for end in range(len(e["loc"]))}


def is_consequence(error: dict, parents: set[tuple]) -> bool:
    """A "too short" list whose items failed: the item errors say it all."""
    return error["type"] == "too_short" and tuple(error["loc"]) in parents


def located_problem(model: type[BaseModel], doc: YamlDocument, error: dict) -> Problem:
    loc = key_path_in(doc.data, tuple(error["loc"]))
    return doc.problem(loc, clip_quoted(describe(model, loc, error)))


# A value quoted back in a message ('unknown fact id ...') is shown up to this long: a
# 200,000-character id must not make a 200 kB message (twenty of them, a 4 MB report).
LONGEST_QUOTED = 60
# A span holding " (" is the message's own words between two apostrophes (the brief's
# marking (...)), not a value quoted back.
QUOTED = re.compile(f"'((?:(?! \\()[^'\n]){{{LONGEST_QUOTED + 1},}})'")


def clip_quoted(message: str) -> str:
    return QUOTED.sub(
        lambda m: f"'{m.group(1)[: LONGEST_QUOTED - 3]}...' ({len(m.group(1)):,} characters)",
        message,
    )


def key_path_in(data: Any, loc: tuple) -> KeyPath:
    """The part of pydantic's location that names keys and items of the file.

    pydantic also puts names of its own into locations (a union member such as
    ``function-after[...]``); those are dropped by walking the data itself, so
    a user's key is kept whatever it looks like.
    """
    path: list[str | int] = []
    current = data
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        elif not last:
            continue  # not in the file: pydantic's own name
        path.append(part)  # the last part may be a missing key
    return tuple(path)


def describe(model: type[BaseModel], loc: KeyPath, error: dict) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "missing":
        return f"missing required key '{loc[-1]}'" if loc else "missing required key"
    if kind == "extra_forbidden":
        allowed = allowed_keys(model, loc[:-1])
        return f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), allowed)}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, got {show(given)}"
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false, got {show(given)}"
    if kind.startswith("date_"):
        if isinstance(given, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", given):
            reason = error.get("ctx", {}).get("error", "no such day")
            return f"{show(given)} is not a real date ({reason})"
        return f"expected a date as YYYY-MM-DD, got {show(given)}"
    if kind == "string_type":
        return f"expected text, got {show(given)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list (lines starting with '- '), got {show(given)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of 'key: value' lines, got {show(given)}"
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(error.get("ctx", {})):
        return f"{show(given)} is not a valid id; use lowercase letters, digits and hyphens"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",")]
        return f"{show(given)} is not one of {expected}{did_you_mean(str(given), choices)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than"):
        return f"{error['msg'].lower()}, got {show(given)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return f"{error['msg']} (got {show(given)})"


def show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def allowed_keys(model: type[BaseModel], loc: KeyPath) -> list[str]:
    """The keys the model accepts at ``loc`` (for "did you mean")."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        cls = _model_in(current)
        if cls is None:
            return []
        field = _field_by_key(cls, part)
        if field is None:
            return []
        current = field.annotation
    cls = _model_in(current)
    if cls is None:
        return []
    return [field.alias or name for name, field in cls.model_fields.items()]


def _field_by_key(cls: type[BaseModel], key: str):
    for name, field in cls.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside ``X``, ``X | None``, ``tuple[X, ...]``, ``Annotated[X, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None:
        return None
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        args = args[:1]
    for arg in args:
        if arg is Ellipsis or arg is types.NoneType:
            continue
        found = _model_in(arg)
        if found is not None:
            return found
    return None
