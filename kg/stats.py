"""Coverage of the graph: what it holds, what is dated, what is sourced, known vs declared.

Everything is asked of the built graph with SPARQL (through `kg.store`), so the figures
describe exactly what analysts query.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.files import atomic_write
from kg.store import Row, select
from kg.tables import render
from kg.vocab import ORGANISATION_TYPES, compact, expand

__all__ = ["Coverage", "Section", "coverage", "render_coverage", "write_coverage"]

BEGIN = "<!-- kg stats: begin -->"
END = "<!-- kg stats: end -->"

# The kinds of resource every count and check looks at, in display order.
KINDS = [
    "lkg:Cluster",
    "lkg:NationalCluster",
    "org:Organization",
    *(compact(kind.term) for slug, kind in ORGANISATION_TYPES.items() if slug != "organisation"),
    "org:Membership",
    "lkg:Project",
    "org:OrganizationalUnit",
    "foaf:Person",
    "org:Post",
    "eli:LegalResource",
    "lkg:Deliberation",
    "lkg:Decree",
    "lkg:Call",
    "lkg:Strategy",
    "lkg:Law",
    "lkg:Notice",
    "skos:ConceptScheme",
    "skos:Concept",
    "lkg:DeclaredFigure",
    "lkg:DisputedClaim",
    "foaf:Document",
]
SOURCED = [
    "org:Organization",
    "foaf:Person",
    "org:Membership",
    "org:Post",
    "eli:LegalResource",
    "skos:Concept",
    "lkg:DeclaredFigure",
    "lkg:DisputedClaim",
]


@dataclass
class Section:
    """One table of the coverage report."""

    title: str
    headers: list[str]
    rows: list[list[str | int | None]]
    note: str = ""


@dataclass
class Coverage:
    """The coverage report: one section per question."""

    sections: list[Section] = field(default_factory=list)

    def section(self, title: str) -> Section:
        """The section with this title."""
        return next(s for s in self.sections if s.title == title)


def _value(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def _int(term: object) -> int:
    return int(_value(term) or 0)


def _counts(store: ox.Store) -> Section:
    rows = select(store, "SELECT ?t (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?t } GROUP BY ?t")
    found = {compact(_value(r["t"])): _int(r["n"]) for r in rows}
    return Section("Resources by type", ["type", "count"], [[k, found.get(k, 0)] for k in KINDS])


def _groups(store: ox.Store) -> tuple[Section, Section]:
    members = select(
        store,
        """SELECT ?g (SAMPLE(?label) AS ?name) (SAMPLE(?isCluster) AS ?cluster)
                  (COUNT(DISTINCT ?o) AS ?named) (COUNT(DISTINCT ?m) AS ?memberships)
                  (COUNT(DISTINCT ?dated) AS ?withDates) (COUNT(DISTINCT ?disputed) AS ?disputedClaims)
                  (COUNT(DISTINCT ?source) AS ?pages)
           WHERE {
             # each group once: a union row per membership would multiply the memberships below
             { SELECT DISTINCT ?g WHERE {
                 { ?g a lkg:Cluster } UNION { ?m0 a org:Membership ; org:organization ?g } } }
             ?g rdfs:label ?label FILTER(LANG(?label) = "it")
             BIND(EXISTS { ?g a lkg:Cluster } AS ?isCluster)
             OPTIONAL {
               ?m a org:Membership ; org:organization ?g ; org:member ?member ; dcterms:source ?source .
               OPTIONAL { ?m org:memberDuring ?p BIND(?m AS ?dated) }
               OPTIONAL { ?m lkg:disputedBy ?against BIND(?m AS ?disputed) }
               BIND(IF(EXISTS { ?m lkg:disputedBy ?x }, ?nothing, ?member) AS ?o)
             }
           } GROUP BY ?g""",
    )
    figures = select(
        store,
        """SELECT ?g ?n ?of ?date (GROUP_CONCAT(DISTINCT STR(?page); SEPARATOR=" ") AS ?source) WHERE {
             ?g lkg:declaredSize ?f .
             ?f lkg:count ?n ; lkg:countOf ?of ; lkg:asOf ?date ; dcterms:source ?page
             FILTER(LANG(?of) = "it") } GROUP BY ?g ?n ?of ?date""",
    )
    latest: dict[str, list[Row]] = {}  # every figure of the latest date, per group
    for row in sorted(figures, key=lambda r: (_value(r["date"]), _int(r["n"]), _value(r["of"]))):
        same_date = latest.setdefault(_value(row["g"]), [])
        if same_date and _value(same_date[0]["date"]) != _value(row["date"]):
            same_date.clear()
        same_date.append(row)
    table: list[list[str | int | None]] = []
    for row in sorted(members, key=lambda r: (_value(r["cluster"]) != "true", _value(r["name"]).lower())):
        group = _value(row["g"])
        figure = latest.get(group, [])
        declared = "; ".join(dict.fromkeys(f"{_value(f['n'])} {_value(f['of'])}" for f in figure))
        if figure:
            declared += f" ({_value(figure[0]['date'])})"
        declared_by = " ".join(sorted({page for f in figure for page in _value(f["source"]).split()}))
        table.append(
            [
                _value(row["name"]),
                "cluster" if _value(row["cluster"]) == "true" else "association",
                _int(row["named"]),
                _int(row["memberships"]),
                _int(row["withDates"]),
                _int(row["disputedClaims"]),
                _int(row["pages"]),
                declared,
                declared_by,
            ]
        )
    known = Section(
        "Members: known against declared",
        [
            "name",
            "kind",
            "organisations named",
            "memberships",
            "with dates",
            "disputed",
            "source pages",
            "declared size (latest)",
            "declared by",
        ],
        table,
        "Organisations named: distinct members named by public sources (disputed claims apart). "
        "Declared size: the latest figure a source states.",
    )
    every = Section(
        "Declared sizes",
        ["organisation", "count", "of", "as of", "source"],
        [
            [
                _value(r["g"]).rsplit("/", 1)[-1],
                _int(r["n"]),
                _value(r["of"]),
                _value(r["date"]),
                _value(r["source"]),
            ]
            for r in sorted(figures, key=lambda r: (_value(r["g"]), _value(r["date"])))
        ],
    )
    return known, every


def _count_each(store: ox.Store, questions: list[tuple[str, str]]) -> list[list[str | int | None]]:
    """A row (label, count of distinct ?x) for each (label, graph pattern binding ?x)."""
    rows: list[list[str | int | None]] = []
    for label, pattern in questions:
        count = select(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")[0]["n"]
        rows.append([label, _int(count)])
    return rows


def _undated(store: ox.Store) -> Section:
    questions = [
        ("memberships without dates", "?x a org:Membership FILTER NOT EXISTS { ?x org:memberDuring ?p }"),
        (
            "memberships with a start and an unknown end",
            "?x a org:Membership ; org:memberDuring ?p . ?p time:hasBeginning ?b "
            "FILTER NOT EXISTS { ?p time:hasEnd ?e } FILTER NOT EXISTS { ?p lkg:ongoing ?o }",
        ),
        ("posts without dates", "?x a org:Post FILTER NOT EXISTS { ?x lkg:heldDuring ?p }"),
        (
            "posts with a start and an unknown end",
            "?x a org:Post ; lkg:heldDuring ?p . ?p time:hasBeginning ?b "
            "FILTER NOT EXISTS { ?p time:hasEnd ?e } FILTER NOT EXISTS { ?p lkg:ongoing ?o }",
        ),
        ("acts without a date", "?x a eli:LegalResource FILTER NOT EXISTS { ?x eli:date_document ?d }"),
        (
            "clusters without a founding date",
            "?x a lkg:Cluster FILTER NOT EXISTS { ?x schema:foundingDate ?d }",
        ),
    ]
    return Section(
        "Facts without dates",
        ["facts", "count"],
        _count_each(store, questions),
        "An unknown end is not an open one: only `end: open` says a post or membership still runs.",
    )


def _unsourced(store: ox.Store) -> Section:
    kinds = " ".join(f"<{expand(k)}>" for k in SOURCED)
    rows = select(
        store,
        f"""SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {{
              VALUES ?kind {{ {kinds} }}
              ?x a ?kind FILTER NOT EXISTS {{ ?x dcterms:source ?s }} }} GROUP BY ?kind""",
    )
    found = {_value(r["kind"]): _int(r["n"]) for r in rows}
    return Section(
        "Facts without sources",
        ["type", "count"],
        [[k, found.get(expand(k), 0)] for k in SOURCED],
        "Must be zero everywhere.",
    )


def _identified(store: ox.Store) -> Section:
    """How many organisations carry each identifier scheme, and a seat tied to ISTAT's list."""
    rows = select(
        store,
        """SELECT ?scheme (COUNT(DISTINCT ?x) AS ?n) WHERE {
              ?x a org:Organization ; adms:identifier ?id . ?id adms:schemeAgency ?scheme }
           GROUP BY ?scheme ORDER BY DESC(?n) ?scheme""",
    )
    table: list[list[str | int | None]] = [[_value(r["scheme"]), _int(r["n"])] for r in rows]
    table += _count_each(
        store,
        [
            ("organisations and clusters with any identifier", "?x a org:Organization ; adms:identifier ?id"),
            (
                "organisations and clusters with a seat (ISTAT code, province, NUTS 3)",
                "?x lkg:city/lkg:istatCode ?c",
            ),
            ("organisations and clusters", "?x a org:Organization"),
        ],
    )
    return Section(
        "Identifiers and seats",
        ["what", "organisations"],
        table,
        "Only identifiers a public page states are recorded; most organisations have none yet.",
    )


def coverage(store: ox.Store) -> Coverage:
    """Every section of the coverage report, asked of ``store``.

    Parameters
    ----------
    store : pyoxigraph.Store
        The build, as `kg.store.load_store` opens it.
    """
    known, figures = _groups(store)
    return Coverage([_counts(store), known, figures, _identified(store), _undated(store), _unsourced(store)])


def render_coverage(report: Coverage, fmt: str = "table") -> str:
    """The report as text tables, Markdown, CSV sections or one JSON object."""
    if fmt == "json":
        return json.dumps(
            {s.title: json.loads(render(s.headers, s.rows, "json")) for s in report.sections},
            ensure_ascii=False,
            indent=2,
        )
    parts = []
    for section in report.sections:
        heading = {"md": f"### {section.title}", "csv": f"# {section.title}"}.get(fmt, section.title)
        body = render(section.headers, section.rows, fmt)
        note = f"\n\n{section.note}" if section.note and fmt in ("md", "table") else ""
        parts.append(f"{heading}\n\n{body}{note}" if fmt != "csv" else f"{heading}\n{body}")
    return "\n\n".join(parts)


def write_coverage(report: Coverage, path: Path) -> None:
    """Replace the generated part of ``path`` (between the kg stats markers) with the report.

    Raises
    ------
    KgError
        When the file lacks the markers.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KgError([Problem(path, None, "-", f"cannot read the file: {error}")]) from None
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise KgError([Problem(path, None, "-", f"add the lines {BEGIN} and {END} where the figures go")])
    generated = f"{BEGIN}\n{render_coverage(report, 'md')}\n{END}"
    atomic_write(path, pattern.sub(lambda _: generated, text))
