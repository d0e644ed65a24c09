"""ontology/shapes.ttl compiled to SPARQL and run on Oxigraph: SHACL at the speed of the store.

pySHACL is the reference (kg.build uses it on graphs up to `kg.build.PYSHACL_LIMIT`
triples, and tests check that both agree), but it needs about a minute for a million
triples. This module reads the shapes file, turns each property constraint of the subset
our shapes use into one SELECT query, and runs them on an Oxigraph store holding the data
and the ontology (for ``rdfs:subClassOf`` in targets and ``sh:class``).

Supported: node shapes with ``sh:targetClass`` or ``sh:targetSubjectsOf``; property
shapes with a single-IRI ``sh:path`` and ``sh:minCount``, ``sh:maxCount``,
``sh:nodeKind sh:IRI``, ``sh:class``, ``sh:datatype``, ``sh:or`` of datatypes,
``sh:qualifiedValueShape [ sh:languageIn (...) ]`` with ``sh:qualifiedMinCount``, and
``sh:severity``, ``sh:message``, ``sh:name``. Anything else raises, so a new kind of
constraint cannot be skipped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

__all__ = ["Finding", "compile_shapes", "run_shapes"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
HANDLED = {
    SH + p
    for p in (
        "path",
        "minCount",
        "maxCount",
        "nodeKind",
        "class",
        "datatype",
        "or",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "severity",
        "message",
        "name",
    )
}
NODE_KEYS = {
    RDF + "type",
    SH + "targetClass",
    SH + "targetSubjectsOf",
    SH + "property",
    RDFS + "comment",
    RDFS + "label",
}


@dataclass(frozen=True)
class Finding:
    """One focus node that breaks one property constraint."""

    focus: str
    field: str
    message: str
    warning: bool


@dataclass(frozen=True)
class _Check:
    query: str
    field: str
    message: str
    warning: bool


def _objects(graph: dict[tuple[str, str], list[Term]], subject: Term, predicate: str) -> list[Term]:
    return graph.get((str(subject), predicate), [])


def _one(graph: dict[tuple[str, str], list[Term]], subject: Term, predicate: str) -> Term | None:
    found = _objects(graph, subject, predicate)
    return found[0] if found else None


def _list(graph: dict[tuple[str, str], list[Term]], head: Term | None) -> list[Term]:
    items = []
    while head is not None and str(head) != f"<{RDF}nil>":
        first = _one(graph, head, RDF + "first")
        if first is not None:
            items.append(first)
        head = _one(graph, head, RDF + "rest")
    return items


def compile_shapes(path: Path) -> list[_Check]:
    """One SPARQL query per property constraint of the shapes file."""
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    graph: dict[tuple[str, str], list[Term]] = {}
    for t in triples:
        graph.setdefault((str(t.subject), t.predicate.value), []).append(t.object)  # type: ignore[arg-type]
    checks: list[_Check] = []
    shapes = [
        t.subject for t in triples if t.predicate.value == RDF + "type" and t.object.value == SH + "NodeShape"
    ]
    for shape in shapes:
        unknown = {p for (s, p) in graph if s == str(shape)} - NODE_KEYS
        if unknown:
            raise ValueError(f"unsupported node shape keys in {shape}: {sorted(unknown)}")
        targets = [f"{{ ?focus a/rdfs:subClassOf* {c} }}" for c in _objects(graph, shape, SH + "targetClass")]
        targets += [f"{{ ?focus {p} ?anything }}" for p in _objects(graph, shape, SH + "targetSubjectsOf")]
        target = "{ SELECT DISTINCT ?focus WHERE { " + " UNION ".join(targets) + " } }"
        for prop in _objects(graph, shape, SH + "property"):
            keys = {p for (s, p) in graph if s == str(prop)}
            if keys - HANDLED:
                raise ValueError(f"unsupported property shape keys: {sorted(keys - HANDLED)}")
            checks += _property_checks(graph, prop, target)
    return checks


def _property_checks(graph: dict[tuple[str, str], list[Term]], prop: Term, target: str) -> list[_Check]:
    path = _one(graph, prop, SH + "path")
    name = _one(graph, prop, SH + "name")
    message = _one(graph, prop, SH + "message")
    severity = _one(graph, prop, SH + "severity")
    field = name.value if isinstance(name, ox.Literal) else "-"
    text = message.value if isinstance(message, ox.Literal) else "violates a shape"
    warning = severity is not None and severity.value == SH + "Warning"
    checks = []

    def add(body: str) -> None:
        checks.append(_Check(f"SELECT DISTINCT ?focus WHERE {{ {target} {body} }}", field, text, warning))

    min_count = _one(graph, prop, SH + "minCount")
    if min_count is not None:
        add(
            f"FILTER NOT EXISTS {{ SELECT ?focus WHERE {{ ?focus {path} ?v }} GROUP BY ?focus"
            f" HAVING (COUNT(DISTINCT ?v) >= {min_count.value}) }}"
            if int(min_count.value) > 1
            else f"FILTER NOT EXISTS {{ ?focus {path} ?v }}"
        )
    max_count = _one(graph, prop, SH + "maxCount")
    if max_count is not None:
        add(
            f"{{ SELECT ?focus WHERE {{ ?focus {path} ?v }} GROUP BY ?focus"
            f" HAVING (COUNT(DISTINCT ?v) > {max_count.value}) }}"
        )
    kind = _one(graph, prop, SH + "nodeKind")
    if kind is not None:
        if kind.value != SH + "IRI":
            raise ValueError(f"unsupported sh:nodeKind {kind}")
        add(f"?focus {path} ?v FILTER(!isIRI(?v))")
    cls = _one(graph, prop, SH + "class")
    if cls is not None:
        add(f"?focus {path} ?v FILTER NOT EXISTS {{ ?v a/rdfs:subClassOf* {cls} }}")
    datatype = _one(graph, prop, SH + "datatype")
    if datatype is not None:
        add(f"?focus {path} ?v FILTER(!isLiteral(?v) || DATATYPE(?v) != {datatype})")
    either = _one(graph, prop, SH + "or")
    if either is not None:
        types = [_one(graph, member, SH + "datatype") for member in _list(graph, either)]
        if not types or any(t is None for t in types):
            raise ValueError("sh:or is supported only as a list of sh:datatype shapes")
        allowed = ", ".join(str(t) for t in types)
        add(f"?focus {path} ?v FILTER(!isLiteral(?v) || DATATYPE(?v) NOT IN ({allowed}))")
    qualified = _one(graph, prop, SH + "qualifiedValueShape")
    if qualified is not None:
        languages = [lang.value for lang in _list(graph, _one(graph, qualified, SH + "languageIn"))]
        least = _one(graph, prop, SH + "qualifiedMinCount")
        if not languages or least is None or int(least.value) != 1:
            raise ValueError(
                "sh:qualifiedValueShape is supported only as sh:languageIn with sh:qualifiedMinCount 1"
            )
        wanted = ", ".join(f'"{lang}"' for lang in languages)
        add(f"FILTER NOT EXISTS {{ ?focus {path} ?v FILTER(LANG(?v) IN ({wanted})) }}")
    return checks


def run_shapes(store: ox.Store, checks: list[_Check]) -> list[Finding]:
    """Every finding of the compiled checks on ``store`` (data and ontology loaded)."""
    findings = []
    for check in checks:
        for row in store.query(check.query, prefixes={"rdfs": RDFS}):  # type: ignore[union-attr]
            findings.append(Finding(row["focus"].value, check.field, check.message, check.warning))
    return sorted(set(findings), key=lambda f: (f.focus, f.field, f.message))
