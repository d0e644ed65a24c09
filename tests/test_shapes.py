"""kg.shapes: a shapes file that does not parse or cannot be compiled is a clean error at its line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import check_shapes
from kg.errors import KgError
from kg.model import load_data
from kg.rdf import Origin, to_triples
from kg.vocab import ontology_dir
from tests.conftest import fixture_data

Graph = tuple[list[ox.Triple], dict[str, Origin]]
SHAPES = (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8")


def _line(needle: str) -> int:
    """The line of the good shapes file where ``needle`` starts."""
    return SHAPES[: SHAPES.index(needle)].count("\n") + 1


BROKEN = [
    (
        "unterminated string",
        'sh:message "has no type"',
        'sh:message "has no type',
        _line('sh:message "has no type"'),
        "-",
        "invalid Turtle: ",
    ),
    (
        "sequence path",
        'sh:path rdfs:label ; sh:name "label"',
        'sh:path ( rdfs:label ) ; sh:name "label"',
        _line('sh:path rdfs:label ; sh:name "label"'),
        "NamedShape",
        "sh:path is supported only as a single IRI; the SPARQL shape engine cannot compile it",
    ),
    (
        "count not a number",
        'sh:name "type" ; sh:minCount 1',
        'sh:name "type" ; sh:minCount "one"',
        _line('sh:path rdf:type ; sh:name "type"'),
        "TypedShape",
        'sh:minCount must be a whole number, not "one"; the SPARQL shape engine cannot compile it',
    ),
    (
        "closed node shape",
        "lkgsh:CallShape a sh:NodeShape ;",
        "lkgsh:CallShape a sh:NodeShape ; sh:closed true ;",
        _line("lkgsh:CallShape a sh:NodeShape ;"),
        "CallShape",
        "unsupported node shape keys ['sh:closed']; the SPARQL shape engine cannot compile it",
    ),
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    return to_triples(load_data(fixture_data("good", tmp_path_factory.mktemp("shapes"))))


@pytest.mark.parametrize(
    ("case", "old", "new", "line", "field", "message"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_broken_shapes_are_one_problem_at_their_line(
    case: str,
    old: str,
    new: str,
    line: int,
    field: str,
    message: str,
    graph: Graph,
    tmp_path: Path,
) -> None:
    shapes = tmp_path / "shapes.ttl"
    assert SHAPES.count(old) == 1
    shapes.write_text(SHAPES.replace(old, new), encoding="utf-8")
    triples, origins = graph
    engines = ["sparql", "pyshacl"] if field == "-" else ["sparql"]  # pySHACL can check what we cannot
    for engine in engines:
        with pytest.raises(KgError) as caught:
            check_shapes(triples, origins, shapes=shapes, engine=engine)
        [problem] = caught.value.problems
        assert (problem.path, problem.line, problem.field) == (shapes, line, field)
        assert problem.message.startswith(message) if field == "-" else problem.message == message


def test_the_shipped_shapes_compile(graph: Graph) -> None:
    triples, origins = graph
    assert check_shapes(triples, origins, engine="sparql") == check_shapes(triples, origins, engine="pyshacl")


def test_new_records_conform_and_a_broken_tie_is_named(tmp_path: Path) -> None:
    data = fixture_data("national", tmp_path)
    triples, origins = to_triples(load_data(data))
    for engine in ("pyshacl", "sparql"):
        assert check_shapes(triples, origins, engine=engine) == ([], [])
    counterpart = "https://w3id.org/lombardia-kg/ontology#counterpart"
    as_of = "https://w3id.org/lombardia-kg/ontology#asOf"
    broken = [t for t in triples if t.predicate.value not in (counterpart, as_of)]
    afil = (data / "clusters" / "afil.yaml").read_text()
    tie_line = afil[: afil.index("    - cluster: cfi")].count("\n") + 1
    cfi = (data / "clusters" / "national-cfi.yaml").read_text()
    figure_line = cfi[: cfi.index("      date: 2019")].count("\n") + 1
    for engine in ("pyshacl", "sparql"):
        violations, _ = check_shapes(broken, origins, engine=engine)
        texts = {str(p) for p in violations}
        assert any(
            t.startswith(f"{data}/clusters/afil.yaml:{tie_line}: ") and "national cluster" in t for t in texts
        ), texts
        assert any(
            t.startswith(f"{data}/clusters/national-cfi.yaml:{figure_line}: declared_size[0].date: ")
            for t in texts
        ), texts
