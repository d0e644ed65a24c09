"""Build the graph: validate data/, convert it, check the shapes, write build/ atomically.

The three outputs (``kg.ttl``, ``kg.nt``, ``kg.jsonld``) hold the same sorted
triples, so the same data gives byte-identical files and a diff between two
builds shows what changed in the ecosystem. Every output is written to a
temporary file first and renamed into place only once all of them are written
and every check has passed: a failed build leaves the previous outputs as they
were.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.catalog import catalog_triples, check_catalog
from kg.errors import KgError, Problem
from kg.files import atomic_open, temp_pattern
from kg.model import Dataset, load_data, problem_at
from kg.rdf import Origin, to_triples
from kg.runtime import Progress, paused_gc
from kg.vocab import EXTRAS, PREFIXES, compact, ontology_dir

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "DEFAULT_BUILD",
    "DEFAULT_DATA",
    "OUTPUTS",
    "BuildReport",
    "PYSHACL_LIMIT",
    "check_shapes",
    "serialize",
    "validate",
    "write_build",
]

CATALOG_FILE = "catalog.ttl"
"""The DCAT-AP_IT record written with every build (kg.catalog)."""
DEFAULT_DATA = Path("data")
DEFAULT_BUILD = Path("build")
OUTPUTS: dict[str, ox.RdfFormat] = {
    "kg.ttl": ox.RdfFormat.TURTLE,
    "kg.nt": ox.RdfFormat.N_TRIPLES,
    "kg.jsonld": ox.RdfFormat.JSON_LD,
}
_TYPE_LINE = re.compile(
    rb"^\S+ <http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type> <([^>]+)> \.$", re.MULTILINE
)


@dataclass
class BuildReport:
    """What a build or a validation found: triple count and instances per type."""

    triples: int
    counts: dict[str, int]
    files: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """Counts by type, one per line, largest first.

        Examples
        --------
        >>> print(BuildReport(3, {"lkg:Cluster": 1, "org:Membership": 2}).summary())
        triples             3
        org:Membership      2
        lkg:Cluster         1
        """
        rows = [("triples", self.triples)]
        rows += sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        width = max(len(name) for name, _ in rows) + 2
        return "\n".join(f"{name:<{max(width, 20)}}{count}" for name, count in rows)


def _count_types(ntriples: bytes) -> dict[str, int]:
    r"""Instances per class, read off the N-Triples by one regular expression (in C).

    Examples
    --------
    >>> rdf_type = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    >>> _count_types(b"<http://a/> " + rdf_type + b" <http://www.w3.org/ns/org#Membership> .\n")
    {'org:Membership': 1}
    """
    counts = Counter(_TYPE_LINE.findall(ntriples))
    return {compact(name.decode()): count for name, count in counts.items()}


PYSHACL_LIMIT = 50_000
"""Up to this many triples the shapes run in pySHACL (the reference); above, compiled to SPARQL."""


def check_shapes(
    triples: list[ox.Triple],
    origins: dict[str, Origin],
    *,
    shapes: Path | None = None,
    engine: str | None = None,
    ntriples: bytes | None = None,
) -> tuple[list[Problem], list[Problem]]:
    """Run the SHACL shapes on the triples; each violation at its record's line.

    Parameters
    ----------
    triples : list of pyoxigraph.Triple
        The graph to check.
    origins : dict
        Resource IRI -> `kg.rdf.Origin`, to point each violation at the YAML record.
    shapes : pathlib.Path, optional
        A shapes file; ``ontology/shapes.ttl`` by default.
    ntriples : bytes, optional
        The same triples as N-Triples, when the caller has them (saves serialising).
    engine : {"pyshacl", "sparql"}, optional
        pySHACL, or the shapes compiled to SPARQL on Oxigraph (`kg.shapes`); by default
        pySHACL up to `PYSHACL_LIMIT` triples and SPARQL above (1 million triples: about
        a minute in pySHACL, a few seconds in SPARQL).

    Returns
    -------
    tuple of (list of Problem, list of Problem)
        Violations, then warnings (results of shapes with ``sh:severity sh:Warning``).
    """
    path = shapes or ontology_dir() / "shapes.ttl"
    chosen = engine or ("pyshacl" if len(triples) <= PYSHACL_LIMIT else "sparql")
    text = (
        ntriples
        if ntriples is not None
        else bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    )
    findings = _pyshacl_findings(text, path) if chosen == "pyshacl" else _sparql_findings(text, path)
    violations: list[Problem] = []
    warnings: list[Problem] = []
    for focus, name, message, warning in findings:
        problems = warnings if warning else violations
        origin = origins.get(focus)
        if origin is None:
            problems.append(Problem(None, None, name, f"<{focus}> {message}"))
        else:
            problems.append(problem_at(origin.record, (*origin.loc, name), message))

    def order(problems: list[Problem]) -> list[Problem]:
        return sorted(set(problems), key=lambda p: (str(p.path), p.line or 0, p.field, p.message))

    return order(violations), order(warnings)


def _sparql_findings(ntriples: bytes, path: Path) -> list[tuple[str, str, str, bool]]:
    from kg.shapes import compile_shapes, read_turtle, run_shapes

    store = ox.Store()
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)  # Oxigraph's parser: faster than Python terms
    ontology = read_turtle(ontology_dir() / "lkg.ttl")
    store.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object) for t in ontology
    )  # the roles, typed org:Role
    return [
        (f.focus, f.field, f.message, f.warning) for f in run_shapes(store, compile_shapes(path, ontology))
    ]


def _pyshacl_findings(ntriples: bytes, path: Path) -> list[tuple[str, str, str, bool]]:
    import logging

    import pyshacl  # heavy: imported only when shapes are checked this way
    import rdflib
    from pyshacl.errors import ReportableRuntimeError

    from kg.shapes import read_turtle

    # Oxigraph parses, rdflib only receives terms: rdflib's N-Triples reader is quadratic
    # in the length of a line (a 2 MB label took 12 s); a Turtle syntax error becomes a
    # KgError at its line (read_turtle).
    data = _rdflib_graph(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    ontology = _rdflib_graph(read_turtle(ontology_dir() / "lkg.ttl"))
    shapes_graph = _rdflib_graph(read_turtle(path))
    logging.getLogger("pyshacl-validate").disabled = True  # it prints load errors; they come back as KgError
    try:
        _, report, _ = pyshacl.validate(
            data, shacl_graph=shapes_graph, ont_graph=ontology, inference="none", abort_on_first=False
        )
    except ReportableRuntimeError as error:  # a shape pySHACL cannot load
        why = (str(error).splitlines() or ["no reason given"])[0]
        raise KgError([Problem(path, None, "-", f"pySHACL cannot use the shapes: {why}")]) from None
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    if not isinstance(report, rdflib.Graph):
        raise TypeError(f"pySHACL returned a {type(report).__name__}, not its report graph")
    findings = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        source_shape = report.value(result, sh.sourceShape)
        field_name = shapes_graph.value(source_shape, sh.name) if source_shape is not None else None
        findings.append(
            (
                str(report.value(result, sh.focusNode)),
                str(field_name or report.value(result, sh.resultPath) or "-"),
                str(report.value(result, sh.resultMessage) or "violates a shape"),
                report.value(result, sh.resultSeverity) == sh.Warning,
            )
        )
    return findings


def _rdflib_graph(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """An rdflib graph of Oxigraph's triples (for pySHACL)."""
    import rdflib

    graph = rdflib.Graph()
    for t in triples:
        graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    return graph


def _to_rdflib(term: object) -> rdflib.term.Node:
    """An rdflib term for a pyoxigraph one (plain string literals without datatype, as rdflib reads them)."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if not isinstance(term, ox.Literal):  # an RDF-star quoted triple: our graph makes none
        raise TypeError(f"not a plain RDF term: {term}")
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def canonical(triples: list[ox.Triple]) -> bytes:
    r"""The triples as sorted, duplicate-free N-Triples: the build's canonical form.

    Sorting the serialised lines (bytes, in C) is several times faster than sorting
    the term objects in Python, and gives byte-identical output for the same data.

    Examples
    --------
    >>> a, p = ox.NamedNode("http://a/"), ox.NamedNode("http://p/")
    >>> canonical([ox.Triple(a, p, ox.Literal("2")), ox.Triple(a, p, ox.Literal("1"))]).decode()
    '<http://a/> <http://p/> "1" .\n<http://a/> <http://p/> "2" .\n'
    """
    lines = set(bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines())
    lines.discard(b"")
    return b"\n".join(sorted(lines)) + b"\n" if lines else b""


_STAGES = ["reading the YAML", "converting to RDF", "sorting", "checking shapes and writing"]


def _convert(data_dir: Path, progress: Progress) -> tuple[bytes, list[ox.Triple], dict[str, Origin], Dataset]:
    progress.stage(_STAGES[0])
    data = load_data(data_dir)
    progress.stage(_STAGES[1])
    triples, origins = to_triples(data)
    progress.stage(_STAGES[2])
    return canonical(triples), triples, origins, data


def _verdict(violations: list[Problem], warnings: list[Problem], strict: bool) -> None:
    if violations or (strict and warnings):
        raise KgError(violations + (warnings if strict else []))


def validate(data_dir: Path | str = DEFAULT_DATA, *, strict: bool = False) -> BuildReport:
    """Every check of a build, writing nothing.

    Parameters
    ----------
    data_dir : pathlib.Path or str
        The curated YAML.
    strict : bool, default False
        Treat warnings (an act without a date, a call without a closing date) as errors.

    Raises
    ------
    KgError
        With every problem found.
    """
    with paused_gc(), Progress("kg validate", _STAGES) as progress:
        ntriples, triples, origins, _ = _convert(Path(data_dir), progress)
        progress.stage(_STAGES[3])
        violations, warnings = check_shapes(triples, origins, ntriples=ntriples)
    _verdict(violations, warnings, strict)
    return BuildReport(len(triples), _count_types(ntriples), warnings=warnings)


def write_build(
    data_dir: Path | str = DEFAULT_DATA, out_dir: Path | str = DEFAULT_BUILD, *, strict: bool = False
) -> BuildReport:
    """Validate ``data_dir``, convert it and write kg.ttl, kg.nt, kg.jsonld and catalog.ttl into ``out_dir``.

    The shapes are checked in a second thread while the outputs are written to
    temporary files (Oxigraph answers the compiled shapes without holding the GIL);
    the files are renamed into place only when the shapes and the catalogue record pass.

    Parameters
    ----------
    data_dir : pathlib.Path or str
        The curated YAML.
    out_dir : pathlib.Path or str
        Where the outputs go; created if missing.
    strict : bool, default False
        Treat warnings as errors.

    Returns
    -------
    BuildReport
        Triple count, instances per type and the files written.

    Raises
    ------
    KgError
        When the data or the shapes fail; nothing is written then.
    """
    out = Path(out_dir)
    with paused_gc(), Progress("kg build", _STAGES) as progress:
        ntriples, triples, origins, data = _convert(Path(data_dir), progress)
        progress.stage(_STAGES[3])
        created = not out.exists()
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise KgError([Problem(out, None, "-", f"cannot make the folder: {error.strerror}")]) from None
        for name in (*OUTPUTS, CATALOG_FILE):  # left by a build that was killed before it could clean up
            for stale in out.glob(temp_pattern(name)):
                stale.unlink(missing_ok=True)
        sizes: dict[str, int] = {}
        try:
            # Each output goes to a temporary file; leaving the stack renames them all into
            # place, and an error before that (a failed check) removes them instead.
            with ExitStack() as staged:
                with ThreadPoolExecutor(max_workers=1) as pool:
                    checking = pool.submit(check_shapes, triples, origins, ntriples=ntriples)
                    try:
                        _stage(ntriples, out, staged, sizes)
                    finally:
                        violations, warnings = checking.result()
                _verdict(violations, warnings, strict)
                counts = _count_types(ntriples)
                record = serialize(catalog_triples(data, len(triples), counts, sizes), ox.RdfFormat.TURTLE)
                check_catalog(record)
                _write_temp(out, CATALOG_FILE, record, staged, sizes)
            for derived in EXTRAS:  # computed from the previous build
                (out / derived).unlink(missing_ok=True)
        finally:
            if created and not any(out.iterdir()):
                out.rmdir()  # a failed first build leaves no empty directory behind
    return BuildReport(len(triples), counts, [out / name for name in sizes], warnings)


def _stage(ntriples: bytes, out: Path, staged: ExitStack, sizes: dict[str, int]) -> None:
    """Write every output to a temporary file in ``out``, renamed into place when ``staged`` closes."""
    for name, fmt in OUTPUTS.items():
        if fmt is ox.RdfFormat.N_TRIPLES:
            _write_temp(out, name, ntriples, staged, sizes)
        else:  # streamed from the sorted N-Triples: sorted output, no list of a million terms
            content = serialize(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES), fmt)
            _write_temp(out, name, content, staged, sizes)


def _write_temp(out: Path, name: str, content: bytes, staged: ExitStack, sizes: dict[str, int]) -> None:
    staged.enter_context(atomic_open(out / name, "wb")).write(content)
    sizes[name] = len(content)


def serialize(triples: Iterable[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """The sorted triples in ``fmt``; Turtle gets the project's prefixes in a fixed order.

    Examples
    --------
    >>> t = ox.Triple(ox.NamedNode("https://w3id.org/lombardia-kg/id/cluster/afil"),
    ...               ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("AFIL"))
    >>> print(serialize([t], ox.RdfFormat.TURTLE).decode().splitlines()[-1])
    cluster:afil rdfs:label "AFIL" .
    """
    if fmt is not ox.RdfFormat.TURTLE:
        return bytes(ox.serialize(triples, format=fmt) or b"")
    # pyoxigraph writes the prefixes in an order of its own; write them sorted instead.
    body = bytes(ox.serialize(triples, format=fmt, prefixes=PREFIXES) or b"").decode()
    lines = body.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if not line.startswith("@prefix ")), len(lines))
    header = "".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in sorted(PREFIXES))
    return (header + "\n" + "".join(lines[first:])).encode()
