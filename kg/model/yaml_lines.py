"""YAML read into plain Python values that remember their line numbers.

libyaml's C parser composes the node tree; `_plain_data` turns it into `LineMap` and
`LineSeq` (a dict and a list that know the line of each key and item) and scalars as
YAML 1.2's core schema reads them (`_scalar`). Duplicate keys and alias bombs are
refused (`MAX_ALIASES`). `_line_of` finds the line of a field path such as
``("members", 2, "role")``, so every problem can name its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import yaml

__all__ = ["MAX_ALIASES", "LineMap", "LineSeq"]


class LineMap(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers the line of itself and of each key (0-based)."""

    line: int = 0
    key_lines: dict[object, int]


class LineSeq(list):  # type: ignore[type-arg]
    """A YAML sequence that remembers the line of itself and of each item (0-based)."""

    line: int = 0
    item_lines: list[int]


_PLAIN = "tag:kg,plain"
_INT = re.compile(r"^[-+]?[0-9][0-9_]*$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9_]+([eE][-+]?[0-9]+)?$")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's C parser, with scalar types left to `_scalar` (PyYAML's regex resolver is slow)."""

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:map" if kind is yaml.MappingNode else "tag:yaml.org,2002:seq"


MAX_ALIASES = 1000
"""Aliases allowed in one file: enough for a curator's anchors, too few for a YAML bomb."""


class _Unsafe(ValueError):
    """A document we refuse to read, at a line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _scalar(node: yaml.ScalarNode) -> object:
    """A scalar as YAML 1.2's core schema reads it: yes/no/on/off stay text, dates stay text.

    Examples
    --------
    >>> [_scalar(yaml.ScalarNode(_PLAIN, v)) for v in ("2026", "1.5", "true", "~", "no", "2026-02-17")]
    [2026, 1.5, True, None, 'no', '2026-02-17']
    """
    value = node.value
    if node.tag != _PLAIN:  # quoted, or with an explicit tag: text
        return value
    if _INT.match(value):
        return int(value.replace("_", ""), 10)
    if _FLOAT.match(value):
        return float(value.replace("_", ""))
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return value.lower() == "true"
    return value


def _plain_data(root: yaml.Node) -> object:
    """Python values with line numbers from a composed YAML node tree.

    Duplicate keys are errors; an alias may be used at most `MAX_ALIASES` times in a
    file, so a "billion laughs" document stops at once instead of filling memory.
    """
    seen: set[int] = set()
    aliases = 0

    def convert(node: yaml.Node) -> object:
        nonlocal aliases
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in seen:
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _Unsafe(node.start_mark.line, f"more than {MAX_ALIASES} YAML aliases: not read")
            seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            mapping = LineMap()
            mapping.line = node.start_mark.line
            mapping.key_lines = {}
            for key_node, value_node in node.value:
                key = convert(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise _Unsafe(key_node.start_mark.line, "a key must be plain text")
                if key in mapping:
                    raise _Unsafe(key_node.start_mark.line, f'duplicate key: found duplicate key "{key}"')
                mapping.key_lines[key] = key_node.start_mark.line
                mapping[key] = convert(value_node)
            return mapping
        if isinstance(node, yaml.SequenceNode):
            sequence = LineSeq(convert(item) for item in node.value)
            sequence.line = node.start_mark.line
            sequence.item_lines = [item.start_mark.line for item in node.value]
            return sequence
        return _scalar(node)  # type: ignore[arg-type]

    return convert(root)


def _line_of(node: object, loc: Sequence[str | int]) -> int | None:
    """1-based line of the deepest part of ``loc`` present in ``node``."""
    if not isinstance(node, (LineMap, LineSeq)):
        return None
    line: int = node.line
    current: object = node
    for part in loc:
        if isinstance(current, LineMap) and part in current:
            line = current.key_lines[part]
            current = current[part]
        elif isinstance(current, LineSeq) and isinstance(part, int) and 0 <= part < len(current):
            line = current.item_lines[part]
            current = current[part]
        else:
            break
    return line + 1
