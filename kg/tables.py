"""Render rows as an aligned text table, Markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

__all__ = ["FORMATS", "render"]

FORMATS = ("table", "md", "csv", "json")

Cell = str | int | float | None


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def render(headers: Sequence[str], rows: Sequence[Sequence[Cell]], fmt: str = "table") -> str:
    """The rows in ``fmt``: ``table``, ``md``, ``csv`` or ``json``.

    Examples
    --------
    >>> print(render(["name", "n"], [["AFIL", 4], ["LAC", 1]]))
    name  n
    ----  -
    AFIL  4
    LAC   1
    >>> print(render(["name", "n"], [["A|B", 4]], "md"))
    | name | n |
    | --- | --- |
    | A\\|B | 4 |
    """
    if fmt == "json":
        return json.dumps(
            [dict(zip(headers, row, strict=True)) for row in rows], ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([[_text(c) for c in row] for row in rows])
        return buffer.getvalue().rstrip("\n")
    if fmt == "md":
        lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
        for row in rows:
            cells = [_text(c).replace("|", "\\|").replace("\n", " ") for c in row]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    table = [list(headers), *[[_text(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths).rstrip())
    return "\n".join(lines)
