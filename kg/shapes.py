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
``sh:severity``, ``sh:message``, ``sh:name``. Anything else is a `KgError` at the shape's
line, so a new kind of constraint cannot be skipped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, Problem, syntax_problem

__all__ = ["Finding", "compile_shapes", "read_turtle", "run_shapes"]

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


@dataclass(frozen=True)
class _Shape:
    """A node shape: its target classes (with their subclasses) and subjects-of predicates."""

    classes: tuple[str, ...]
    subjects_of: tuple[str, ...]


@dataclass(frozen=True)
class _Constraint:
    shape: _Shape
    path: str
    kind: str  # min, max, iri, class, datatypes, language
    argument: tuple[str, ...]
    field: str
    message: str
    warning: bool


def read_turtle(path: Path) -> list[ox.Triple]:
    """The triples of a Turtle file; a syntax error is a `KgError` at its line.

    Examples
    --------
    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "shapes.ttl"
    >>> _ = bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\\n<a:s> a sh:NodeShape\\n")
    >>> read_turtle(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.KgError: .../shapes.ttl:3: -: invalid Turtle: ...
    """
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        raise KgError([syntax_problem(path, error, "invalid Turtle")]) from None
    except OSError as error:
        raise KgError([Problem(path, None, "-", f"cannot read the file: {error.strerror}")]) from None


def _locator(path: Path) -> Callable[..., int | None]:
    """A function giving the line where a shape or a property shape is written in ``path``.

    Oxigraph's parser gives no positions, so the line is found in the text: a node shape
    where its name starts a line, a property shape where its ``sh:path`` is written after it.
    """
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    prefixes = dict(re.findall(r"(?im)^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", "\n".join(lines)))

    def names(term: Term) -> list[str]:
        value = str(getattr(term, "value", ""))
        found = [f"<{value}>"]
        found += [f"{p}:{value[len(ns) :]}" for p, ns in prefixes.items() if ns and value.startswith(ns)]
        return found

    def line_of(term: Term, *, after: int = 0, path_of: Term | None = None) -> int | None:
        for number, text in enumerate(lines[after:], after + 1):
            if path_of is None and any(text.startswith(name + " ") for name in names(term)):
                return number
            written = (
                "|".join(map(re.escape, names(path_of))) if isinstance(path_of, ox.NamedNode) else r"[\[(]"
            )  # a path that is not an IRI: the next list or blank node after the shape
            if path_of is not None and re.search(r"sh:path\s+(" + written + r")(\s|;|$)", text):
                return number
        return None

    return line_of


def compile_shapes(path: Path, ontology: list[ox.Triple]) -> list[_Constraint]:
    """The constraints of the shapes file, each with its target classes expanded by the ontology.

    Raises
    ------
    KgError
        At the line of the shape, when the file does not parse or holds a constraint
        this compiler does not support (check it with pySHACL, or teach it here).
    """
    subclasses: dict[str, set[str]] = {}
    for t in ontology:
        if t.predicate.value == RDFS + "subClassOf" and isinstance(t.object, ox.NamedNode):
            subclasses.setdefault(t.object.value, set()).add(str(getattr(t.subject, "value", t.subject)))

    def below(cls: str) -> set[str]:
        found, todo = {cls}, [cls]
        while todo:
            for child in subclasses.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    triples = read_turtle(path)
    line_of = _locator(path)
    graph: dict[tuple[str, str], list[Term]] = {}
    for t in triples:
        graph.setdefault((str(t.subject), t.predicate.value), []).append(t.object)  # type: ignore[arg-type]
    constraints: list[_Constraint] = []
    shapes = [
        t.subject
        for t in triples
        if isinstance(t.subject, ox.NamedNode | ox.BlankNode)
        and t.predicate.value == RDF + "type"
        and t.object == ox.NamedNode(SH + "NodeShape")
    ]
    problems: list[Problem] = []
    for node in shapes:
        at = line_of(node)
        unsupported = _reporter(path, _short(node), problems)
        unknown = {p for (s, p) in graph if s == str(node)} - NODE_KEYS
        if unknown:
            unsupported(f"unsupported node shape keys {sorted(map(_short_iri, unknown))}", at)
            continue
        targets = [
            *_objects(graph, node, SH + "targetClass"),
            *_objects(graph, node, SH + "targetSubjectsOf"),
        ]
        if not all(isinstance(t, ox.NamedNode) for t in targets):
            unsupported("sh:targetClass and sh:targetSubjectsOf are supported only as IRIs", at)
            continue
        classes = sorted(
            {c for target in _objects(graph, node, SH + "targetClass") for c in below(target.value)}
        )
        shape = _Shape(tuple(classes), tuple(p.value for p in _objects(graph, node, SH + "targetSubjectsOf")))
        for prop in _objects(graph, node, SH + "property"):
            where = line_of(prop, after=at or 0, path_of=_one(graph, prop, SH + "path")) or at
            keys = {p for (s, p) in graph if s == str(prop)}
            if keys - HANDLED:
                unsupported(
                    f"unsupported property shape keys {sorted(map(_short_iri, keys - HANDLED))}", where
                )
                continue
            try:
                constraints += _constraints(graph, prop, shape, below)
            except ValueError as error:
                unsupported(str(error), where)
    if problems:
        raise KgError(problems)
    return constraints


def _reporter(path: Path, field: str, problems: list[Problem]) -> Callable[[str, int | None], None]:
    """Adds a problem of shape ``field`` at a line to ``problems``."""

    def unsupported(message: str, line: int | None) -> None:
        problems.append(Problem(path, line, field, f"{message}; the SPARQL shape engine cannot compile it"))

    return unsupported


def _short_iri(value: str) -> str:
    return "sh:" + value[len(SH) :] if value.startswith(SH) else f"<{value}>"


def _short(term: Term) -> str:
    """A shape's name for a message: the part after its namespace, or the blank node."""
    value = str(getattr(term, "value", term))
    return re.split(r"[#/]", value)[-1] if isinstance(term, ox.NamedNode) else "sh:property"


def _constraints(
    graph: dict[tuple[str, str], list[Term]], prop: Term, shape: _Shape, below: object
) -> list[_Constraint]:
    path = _one(graph, prop, SH + "path")
    name = _one(graph, prop, SH + "name")
    message = _one(graph, prop, SH + "message")
    severity = _one(graph, prop, SH + "severity")
    if not isinstance(path, ox.NamedNode):
        raise ValueError("sh:path is supported only as a single IRI")
    common = {
        "shape": shape,
        "path": path.value,
        "field": name.value if isinstance(name, ox.Literal) else "-",
        "message": message.value if isinstance(message, ox.Literal) else "violates a shape",
        "warning": severity is not None and severity.value == SH + "Warning",
    }
    found = []
    for key, kind in (("minCount", "min"), ("maxCount", "max")):
        value = _one(graph, prop, SH + key)
        if value is not None and not (isinstance(value, ox.Literal) and value.value.isdigit()):
            raise ValueError(f"sh:{key} must be a whole number, not {value}")
        if value is not None:
            found.append(_Constraint(kind=kind, argument=(value.value,), **common))  # type: ignore[arg-type]
    node_kind = _one(graph, prop, SH + "nodeKind")
    if node_kind is not None:
        if node_kind.value != SH + "IRI":
            raise ValueError(f"unsupported sh:nodeKind {node_kind}")
        found.append(_Constraint(kind="iri", argument=(), **common))  # type: ignore[arg-type]
    cls = _one(graph, prop, SH + "class")
    if cls is not None and not isinstance(cls, ox.NamedNode):
        raise ValueError(f"sh:class is supported only as an IRI, not {cls}")
    if cls is not None:
        found.append(_Constraint(kind="class", argument=tuple(sorted(below(cls.value))), **common))  # type: ignore[arg-type,operator]
    datatypes = [d for d in [_one(graph, prop, SH + "datatype")] if d is not None]
    either = _one(graph, prop, SH + "or")
    if either is not None:
        datatypes = [_one(graph, member, SH + "datatype") for member in _list(graph, either)]  # type: ignore[misc]
        if not datatypes or any(d is None for d in datatypes):
            raise ValueError("sh:or is supported only as a list of sh:datatype shapes")
    if not all(isinstance(d, ox.NamedNode) for d in datatypes):
        raise ValueError("sh:datatype is supported only as an IRI")
    if datatypes:
        found.append(_Constraint(kind="datatypes", argument=tuple(d.value for d in datatypes if d), **common))  # type: ignore[arg-type]
    qualified = _one(graph, prop, SH + "qualifiedValueShape")
    if qualified is not None:
        languages = [lang.value for lang in _list(graph, _one(graph, qualified, SH + "languageIn"))]
        least = _one(graph, prop, SH + "qualifiedMinCount")
        if not all(re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang) for lang in languages):
            raise ValueError(f"sh:languageIn holds something that is not a language tag: {languages}")
        if not languages or least is None or least.value != "1":
            raise ValueError(
                "sh:qualifiedValueShape is supported only as sh:languageIn with sh:qualifiedMinCount 1"
            )
        found.append(_Constraint(kind="language", argument=tuple(languages), **common))  # type: ignore[arg-type]
    return found


def _target(shape: _Shape) -> str:
    parts = []
    if shape.classes:
        parts.append("{ VALUES ?c { " + " ".join(f"<{c}>" for c in shape.classes) + " } ?s a ?c }")
    parts += [f"{{ ?s <{p}> ?anything }}" for p in shape.subjects_of]
    return " UNION ".join(parts)


def query_for(c: _Constraint) -> str:
    """The SPARQL query that returns the focus nodes breaking constraint ``c``.

    No property path, no subquery, and MINUS (a hash anti-join) rather than FILTER NOT
    EXISTS (evaluated row by row): target classes come expanded with their subclasses,
    so Oxigraph answers each query with index scans and joins.
    """
    target, p = _target(c.shape), f"<{c.path}>"
    if c.kind == "min" and int(c.argument[0]) == 1:
        return f"SELECT DISTINCT ?s WHERE {{ {target} MINUS {{ ?s {p} ?v }} }}"
    if c.kind in ("min", "max"):
        compare = "<" if c.kind == "min" else ">"
        optional = f"OPTIONAL {{ ?s {p} ?v }}" if c.kind == "min" else f"?s {p} ?v ."
        return (
            f"SELECT ?s WHERE {{ {target} {optional} }} GROUP BY ?s"
            f" HAVING (COUNT(DISTINCT ?v) {compare} {c.argument[0]})"
        )
    if c.kind == "iri":
        return f"SELECT DISTINCT ?s WHERE {{ {target} ?s {p} ?v FILTER(!isIRI(?v)) }}"
    if c.kind == "class":
        classes = " ".join(f"<{k}>" for k in c.argument)
        return (
            f"SELECT DISTINCT ?s WHERE {{ {target} ?s {p} ?v MINUS {{ VALUES ?k {{ {classes} }} ?v a ?k }} }}"
        )
    if c.kind == "datatypes":
        allowed = ", ".join(f"<{d}>" for d in c.argument)
        return f"SELECT DISTINCT ?s WHERE {{ {target} ?s {p} ?v FILTER(!isLiteral(?v) || DATATYPE(?v) NOT IN ({allowed})) }}"
    if c.kind == "language":
        wanted = ", ".join(f'"{lang}"' for lang in c.argument)
        return f"SELECT DISTINCT ?s WHERE {{ {target} MINUS {{ ?s {p} ?v FILTER(LANG(?v) IN ({wanted})) }} }}"
    raise ValueError(f"unknown constraint kind {c.kind}")


def run_shapes(store: ox.Store, constraints: list[_Constraint]) -> list[Finding]:
    """Every finding of the constraints on ``store``; only the breaking nodes leave the store.

    The queries run two at a time: Oxigraph evaluates them without holding the GIL, so
    on two cores the shapes of a 2-million-triple graph take about half as long.
    """
    from concurrent.futures import ThreadPoolExecutor

    def breaking(c: _Constraint) -> list[Finding]:
        rows = store.query(query_for(c))
        return [Finding(row["s"].value, c.field, c.message, c.warning) for row in rows]  # type: ignore[union-attr]

    with ThreadPoolExecutor(max_workers=2) as pool:
        findings = {f for found in pool.map(breaking, constraints) for f in found}
    return sorted(findings, key=lambda f: (f.focus, f.field, f.message))
