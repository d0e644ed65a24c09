"""Render rows as an aligned text table, Markdown, CSV or JSON.

Every answer the command line prints goes through `render`: saved queries
(`kg.query.render_result`), network measures and paths (`kg.network_tables`), coverage,
reconciliation. A resource in a row is a `Named` cell: tables show its label, CSV and JSON
keep its IRI and add its label in a ``<column>_label`` column beside it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from kg.vocab import compact

__all__ = ["FORMATS", "Cell", "Named", "render"]

FORMATS = ("table", "md", "csv", "json")


@dataclass(frozen=True)
class Named:
    """A resource in a row: its IRI, and its label where the graph has one."""

    iri: str
    label: str | None = None

    def __str__(self) -> str:
        return self.label or compact(self.iri)


Cell = str | int | float | Named | None


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def _widen(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> tuple[list[str], list[list[Cell]]]:
    """Columns holding a `Named` cell become two: the IRI, and ``<column>_label`` beside it."""
    named = {i for i in range(len(headers)) if any(isinstance(row[i], Named) for row in rows)}
    wide_headers: list[str] = []
    for index, header in enumerate(headers):
        wide_headers += [header, f"{header}_label"] if index in named else [header]
    wide_rows: list[list[Cell]] = []
    for row in rows:
        cells: list[Cell] = []
        for index, cell in enumerate(row):
            if index not in named:
                cells.append(cell)
            elif isinstance(cell, Named):
                cells += [cell.iri, cell.label]
            else:
                cells += [cell, None]
        wide_rows.append(cells)
    return wide_headers, wide_rows


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
    >>> polimi = Named("https://w3id.org/lombardia-kg/id/organisation/polimi", "Politecnico di Milano")
    >>> print(render(["org", "n"], [[polimi, 6]]))
    org                    n
    ---------------------  -
    Politecnico di Milano  6
    >>> print(render(["org", "n"], [[polimi, 6]], "csv"))
    org,org_label,n
    https://w3id.org/lombardia-kg/id/organisation/polimi,Politecnico di Milano,6
    """
    if fmt in ("csv", "json"):
        headers, rows = _widen(headers, rows)
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
