"""A parsed YAML document validated against its model: pydantic's errors turned into located problems, each
naming the file, line and field, in words an editor reads ("missing required field", "unknown key … (did you
mean …?)", "must be a date written YYYY-MM-DD")."""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .sourcetext import scan_characters
from .yamlsource import FieldPath, YamlDocument, format_path

_PATTERN_HINTS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "must be a lowercase id of letters, digits and hyphens, like 'li-junmin'",
    r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$": "must be an id of letters, digits and hyphens, like 'zh-Hans'",
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "must be a date written YYYY-MM-DD in ASCII digits, like \"2025-06-03\"",
    r"^[0-9]{4}$": "must be a year of four ASCII digits, like \"2025\"",
    r"^[0-9]+(\.[0-9]+)?(mm|cm|in|pt)$": "must be a length with a unit, like 148mm",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "must be an e-mail address",
    r"^https?://[^\s]+$": "must be an http(s) URL",
}


def validate(doc: YamlDocument, model: type[BaseModel]) -> Any:  # noqa: ANN401 - an instance of ``model``
    """``doc``'s data as ``model``, or None with every problem found in ``doc`` (its characters checked first)."""
    if any(p.is_error for p in doc.problems):
        return None
    if not isinstance(doc.data, dict):
        doc.error((), f"the file must be a mapping of keys to values, not a {_kind(doc.data)}")
        return None
    scan_characters(doc, doc.data, ())
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors():
            _report(doc, model, err)
        return None
    return None if any(p.is_error for p in doc.problems) else result


def _report(doc: YamlDocument, model: type[BaseModel], err: Any) -> None:
    loc: FieldPath = tuple(p for p in err["loc"] if isinstance(p, int) or p not in ("[key]",))
    kind, field = err["type"], format_path(loc)
    if kind == "missing":
        doc.error(loc[:-1], f"missing required field '{field}'", kind="schema.missing")
    elif kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(known)})"
        doc.error(loc, f"unknown key '{loc[-1]}'{hint}", key=True, kind="schema.unknown-key")
    elif kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        doc.error(loc, f"'{field}' {_PATTERN_HINTS.get(pattern, 'has the wrong form')}: "
                  f"got {err['input']!r}", kind="schema.format")
    elif kind in ("string_type", "list_type", "tuple_type", "dict_type", "model_type", "model_attributes_type",
                  "int_parsing", "bool_parsing", "float_parsing", "int_type"):
        want = {"string_type": "text", "list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping",
                "model_type": "a mapping", "model_attributes_type": "a mapping", "int_parsing": "a whole number",
                "int_type": "a whole number", "bool_parsing": "true or false",
                "float_parsing": "a number"}[kind]
        doc.error(loc, f"'{field}' must be {want}, not {_kind(err['input'])}", kind="schema.type")
    elif kind in ("literal_error", "enum"):
        doc.error(loc, f"'{field}' {err['msg'][0].lower()}{err['msg'][1:]}: got {err['input']!r}",
                  kind="schema.choice")
    else:
        msg = err["msg"].removeprefix("Value error, ")
        doc.error(loc, f"'{field}': {msg}", kind="schema.value")


def _kind(value: object) -> str:
    if value is None:
        return "empty"
    names: dict[type, str] = {dict: "mapping", list: "list", str: f"text {value!r}"}
    return names.get(type(value), type(value).__name__)


def _fields_at(model: type[BaseModel], path: FieldPath) -> list[str]:
    """The field names of the model that sits at ``path`` (for "did you mean")."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return []
        current = _model_in(fields[part].annotation)
    return sorted(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
