"""Pydantic's validation errors in a curator's words, at a field path they can read.

`_field_name` writes ``('members', 2, 'organisation')`` as ``members[2].organisation``;
`_plain` rewrites each pydantic error (missing field, unknown key, wrong type, value
outside a closed list) as a short sentence that names the fix where it is obvious.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from pydantic import BaseModel

from kg.names import did_you_mean, suggest


def _field_name(loc: Sequence[str | int]) -> str:
    """``('members', 2, 'organisation')`` -> ``members[2].organisation``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "-"


def _plain(error: dict[str, object], model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """Pydantic's message in a curator's words."""
    kind = error["type"]
    name = loc[-1] if loc else ""
    if kind == "missing":
        if name == "sources":
            return "missing: every record needs a source (an id from sources or a cited URL)"
        return "missing: this field is required"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        allowed = ", ".join(owner.model_fields) if owner else ""
        hint = suggest(str(name), list(owner.model_fields) if owner else [], n=1)
        suffix = did_you_mean(hint) if hint else f" (allowed: {allowed})"
        return f"unknown key '{name}'{suffix}"
    if kind == "too_short" and name == "sources":
        return "empty: every record needs at least one source"
    if kind == "literal_error":
        ctx = error.get("ctx") or {}
        expected = cast(dict[str, str], ctx).get("expected", "")
        got = error.get("input")
        return f"unknown value {got!r}; use one of {expected}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind in ("string_type", "list_type", "model_type", "model_attributes_type", "dict_type"):
        wanted = {
            "string_type": "text",
            "list_type": "a list",
            "model_type": "a mapping of keys",
            "model_attributes_type": "a mapping of keys",
            "dict_type": "a mapping of keys",
        }[str(kind)]
        return f"wrong type: expected {wanted}, got {_describe(error.get('input'))}"
    return str(error["msg"])


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The nested model class that ``loc`` points into."""
    current: type[BaseModel] = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
        inner = getattr(annotation, "__args__", (annotation,))
        found = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if found is None:
            return None
        current = found
    return current
