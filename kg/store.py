"""Open the built graph for SPARQL: the embedded Oxigraph store over build/.

kg.query, kg.network and kg.stats read the graph through this module only.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.vocab import PREFIXES, ontology_dir

OUTPUTS = ("kg.ttl", "kg.nt", "kg.jsonld")

__all__ = ["Row", "ensure_build", "load_store", "select"]

Row = dict[str, "ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None"]


def load_store(build_dir: Path | str) -> ox.Store:
    """An in-memory Oxigraph store holding the build's kg.nt.

    Raises
    ------
    KgError
        When the build directory holds no kg.nt.
    """
    path = Path(build_dir) / "kg.nt"
    if not path.is_file():
        raise KgError([Problem(path, None, "-", "no build here; run `kg build` first")])
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return store


def select(store: ox.Store, query: str) -> list[Row]:
    """Rows of a SELECT query, with the project's prefixes predeclared.

    Examples
    --------
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("https://w3id.org/lombardia-kg/id/cluster/afil"),
    ...                   ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("AFIL")))
    >>> [row["l"].value for row in select(store, "SELECT ?l WHERE { cluster:afil rdfs:label ?l }")]
    ['AFIL']
    """
    solutions = store.query(query, prefixes=PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions), "select() runs SELECT queries"
    names = [v.value for v in solutions.variables]
    return [{name: solution[name] for name in names} for solution in solutions]


def _newest(paths: list[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)


def ensure_build(build_dir: Path | str = "build", data_dir: Path | str = "data") -> Path:
    """The build directory, (re)built first when it is missing or older than data/.

    Every command that reads the graph calls this with its ``--build`` option. A
    build directory with no data directory beside it is used as it is.

    Raises
    ------
    KgError
        When the build is missing and cannot be made, or the data is bad.
    """
    build = Path(build_dir)
    data = Path(data_dir)
    outputs = [build / name for name in OUTPUTS]
    if not data.is_dir():
        if all(p.is_file() for p in outputs):
            return build
        raise KgError(
            [Problem(build, None, "-", f"no build here and no data directory '{data}' to build it from")]
        )
    inputs = [*data.rglob("*.y*ml"), *ontology_dir().glob("*.ttl")]
    if not all(p.is_file() for p in outputs) or _newest(inputs) > min(p.stat().st_mtime for p in outputs):
        from kg.build import write_build  # heavy: only when a rebuild is due

        write_build(data, build)
    return build
