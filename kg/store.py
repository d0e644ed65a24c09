"""Open the built graph for SPARQL: the embedded Oxigraph store over build/.

kg.query, kg.network and kg.stats read the graph through this module only.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.vocab import PREFIXES

__all__ = ["Row", "load_store", "select"]

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
