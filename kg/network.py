"""Who partners with whom: NetworkX graphs built from the store, and measures on them.

Three graphs, all asked of the built graph through SPARQL (`kg.store`), never from YAML:

- the two-mode graph of organisations and clusters (`two_mode`), one edge per
  organisation and cluster with the roles, dates and sources of its memberships;
- the co-membership projection of organisations (`organisation_projection`), edge
  weight = number of clusters shared;
- the projection of clusters (`cluster_projection`), edge weight = members shared.

Disputed memberships (``lkg:disputedBy``) are left out: the network shows the ties that
no source contradicts. Nodes are keyed by IRI and carry ``label`` (Italian), ``label_en``,
``alt_labels`` (a sorted list: `find_node` accepts each), ``kind`` (``organisation`` or
``cluster``), ``type`` (university, company, ...) and ``city``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.names import resolve
from kg.vocab import BASE, CLUSTER_TYPE, ORGANISATION_TYPES

if TYPE_CHECKING:
    from scipy import sparse

__all__ = [
    "build_two_mode",
    "Broker",
    "Step",
    "betweenness",
    "brokers",
    "central",
    "cluster_projection",
    "communities",
    "ego",
    "eigenvector",
    "explain_paths",
    "find_node",
    "organisation_central",
    "organisation_projection",
    "organisation_summary",
    "summary",
    "two_mode",
]

ORG_KIND = "organisation"
CLUSTER_KIND = "cluster"

_TYPES = {
    kind.term: kind.slug for kind in (CLUSTER_TYPE, *ORGANISATION_TYPES.values()) if kind.slug != ORG_KIND
}
"""A node's type from its most specific class (org:Organization is the default, ``organisation``)."""


def two_mode(store: ox.Store, *, disputed: bool = False) -> nx.Graph:
    """The organisations–clusters graph, with membership roles, dates and sources on each edge.

    Edge attributes, all sorted lists: ``roles`` (role IRIs), ``starts`` and ``ends``
    (dates as text; ``open`` for a running membership), ``sources`` (page URLs); and
    ``weight`` 1. With ``disputed=True`` the disputed memberships are kept too, as edges
    whose ``disputed_by`` lists the pages that contradict them (for maps, which show
    them as such); measures use the default, without them.

    A membership (``org:Membership``) counts with an organisation, a cluster, a role and a
    source; the clusters are the Lombard ones (``lkg:Cluster``, not ``lkg:NationalCluster``).
    The store is read by one narrow query per property (`_read`), joined here: on the
    on-disk store of a large build the cost is turning stored ids back into text, which a
    join inside the engine does not save (bench/RESULTS-viz.md, issue 17).
    """
    from kg.runtime import paused_gc

    with paused_gc():  # millions of small lists and sets, none of them in a cycle
        return _two_mode(store, disputed=disputed)


def _two_mode(store: ox.Store, *, disputed: bool) -> nx.Graph:
    found = _read(store, {**_MEMBERSHIP_QUERIES, **_NODE_QUERIES})
    clusters = {c for (c,) in found["cluster"]} - {c for (c,) in found["national"]}
    of = {name: _grouped(found[name]) for name in ("member", "organization", "role", "source", "against")}
    starts, ends, ongoing = _dates(found)
    edges: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    confirmed: set[tuple[str, str]] = set()
    for (m,) in found["membership"]:
        against, roles, pages = of["against"].get(m), of["role"].get(m), of["source"].get(m)
        if (against and not disputed) or not roles or not pages:
            continue
        for key in ((o, c) for o in of["member"].get(m, ()) for c in of["organization"].get(m, ())):
            if key[1] not in clusters:
                continue
            edge = edges[key]
            edge["roles"].update(roles)
            edge["sources"].update(pages)
            if against:
                edge["disputed_by"].update(against)
            else:
                confirmed.add(key)
            edge["starts"].update(starts.get(m, ()))
            if m in ends:
                edge["ends"].update(ends[m])
            elif "true" in ongoing.get(m, ()):
                edge["ends"].add("open")
    for key, edge in edges.items():
        if key in confirmed:  # a tie some source confirms is not disputed as a whole
            edge.pop("disputed_by", None)
        if not edge["starts"]:
            del edge["starts"]
        if not edge["ends"]:
            del edge["ends"]
    graph = nx.Graph()
    nodes = _node_attributes(found, {n for pair in edges for n in pair} | clusters, of["source"])
    for node, attributes in nodes.items():
        graph.add_node(node, **attributes)
    for (org, cluster), values in sorted(edges.items()):
        graph.add_edge(org, cluster, weight=1, **{k: sorted(v) for k, v in sorted(values.items())})
    for _, data in graph.nodes(data=True):
        data["bipartite"] = 1 if data["kind"] == CLUSTER_KIND else 0
    return graph


_MEMBERSHIP_QUERIES = {
    "membership": "SELECT ?m WHERE { ?m a org:Membership }",
    "member": "SELECT ?m ?org WHERE { ?m org:member ?org }",
    "organization": "SELECT ?m ?cluster WHERE { ?m org:organization ?cluster }",
    "role": "SELECT ?m ?role WHERE { ?m org:role ?role }",
    "source": "SELECT ?s ?source WHERE { ?s dcterms:source ?source }",  # memberships' and nodes'
    "against": "SELECT ?m ?against WHERE { ?m lkg:disputedBy ?against }",
    "cluster": "SELECT ?c WHERE { ?c a lkg:Cluster }",
    "national": "SELECT ?c WHERE { ?c a lkg:NationalCluster }",
    "during": "SELECT ?m ?period WHERE { ?m org:memberDuring ?period }",
    "beginning": "SELECT ?period ?instant WHERE { ?period time:hasBeginning ?instant }",
    "end": "SELECT ?period ?instant WHERE { ?period time:hasEnd ?instant }",
    "date": "SELECT ?instant ?date WHERE { VALUES ?p { time:inXSDDate time:inXSDgYearMonth time:inXSDgYear }"
    " ?instant ?p ?date }",
    "ongoing": "SELECT ?period ?ongoing WHERE { ?period lkg:ongoing ?ongoing }",
}
"""One query per property a membership's edge needs, each read whole (no OPTIONAL, no path)."""

_NODE_QUERIES = {
    "label": "SELECT ?n ?label WHERE { ?n rdfs:label ?label }",  # nodes' and their cities'
    "alt": "SELECT ?n ?alt WHERE { ?n skos:altLabel ?alt }",
    "city": "SELECT ?n ?place WHERE { ?n lkg:city ?place }",
    "type": "SELECT ?n ?type WHERE { ?n a ?type FILTER(?type IN ("
    + ", ".join(f"<{t}>" for t in _TYPES)
    + ")) }",
}
"""The attributes of every subject in the store; `_node_attributes` keeps the graph's nodes."""

_RAW = {"label"}
"""Queries whose last column stays a term in N-Triples syntax (a label's language matters)."""


def _read(store: ox.Store, queries: dict[str, str]) -> dict[str, list[list[str]]]:
    """Each query's rows, terms as text (`_text`), two queries running at a time.

    Oxigraph writes a query's results as tab-separated text in one call that runs without
    Python's lock, so two run at once on two cores, and no Python object is made per term.
    """
    from concurrent.futures import ThreadPoolExecutor

    from kg.vocab import PREFIXES

    def body(query: str) -> str:
        solutions = store.query(query, prefixes=PREFIXES)
        if not isinstance(solutions, ox.QuerySolutions):  # pragma: no cover (the queries above)
            raise TypeError(query)
        return bytes(solutions.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode().partition("\n")[2]

    def rows(text: str, raw: bool) -> list[list[str]]:
        if not raw and '"' not in text and "_:" not in text:  # only IRIs (and bare numbers): no escapes
            return [line.split("\t") for line in text.translate(_BRACKETS).split("\n")[:-1]]
        found = []
        for line in text.split("\n")[:-1]:
            terms = line.split("\t")
            last = terms.pop() if raw else None
            found.append([*map(_text, terms)] if last is None else [*map(_text, terms), last])
        return found

    with ThreadPoolExecutor(max_workers=2) as pool:
        running = {name: pool.submit(body, query) for name, query in queries.items()}
        return {name: rows(job.result(), name in _RAW) for name, job in running.items()}


_BRACKETS = str.maketrans("", "", "<>")

_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def _text(term: str) -> str:
    r"""A term's text from its N-Triples syntax (as in SPARQL's TSV results): an IRI's or a literal's value.

    Examples
    --------
    >>> _text("<https://example.org/a>"), _text('"Milano"@it'), _text('"a\\"b\\tc"'), _text("true")
    ('https://example.org/a', 'Milano', 'a"b\tc', 'true')
    """
    if term.startswith("<"):
        return term[1:-1]
    if term.startswith('"'):
        value = term[1 : term.rindex('"')]
        return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], value) if "\\" in value else value
    return term[2:] if term.startswith("_:") else term  # a blank node, or a number or boolean written bare


def _language(term: str) -> str | None:
    """The language of a literal in N-Triples syntax (None without one), or ``-`` for an IRI or blank node."""
    if term.startswith('"'):
        tail = term[term.rindex('"') + 1 :]
        return tail[1:] if tail.startswith("@") else None
    return "-" if term.startswith(("<", "_:")) else None


def _grouped(rows: list[list[str]]) -> dict[str, list[str]]:
    """Second column by first, in the order of the rows."""
    groups: dict[str, list[str]] = {}
    for key, value in rows:
        groups.setdefault(key, []).append(value)
    return groups


def _dates(found: dict[str, list[list[str]]]) -> tuple[dict[str, set[str]], ...]:
    """Each membership's start dates, end dates and ``lkg:ongoing`` values, through its periods."""
    during, ongoing_of = _grouped(found["during"]), _grouped(found["ongoing"])
    date_of = _grouped(found["date"])
    result: tuple[dict[str, set[str]], ...] = ({}, {}, {})
    for step, target in ((_grouped(found["beginning"]), result[0]), (_grouped(found["end"]), result[1])):
        for m, periods in during.items():
            dates = {d for p in periods for i in step.get(p, ()) for d in date_of.get(i, ())}
            if dates:
                target[m] = dates
    for m, periods in during.items():
        values = {v for p in periods for v in ongoing_of.get(p, ())}
        if values:
            result[2][m] = values
    return result


def _node_attributes(
    found: dict[str, list[list[str]]], nodes: Iterable[str], sources: dict[str, list[str]]
) -> dict[str, dict[str, object]]:
    """Each node's labels, type, city and sources as text, and its ``alt_labels``, a sorted list.

    A node's first Italian (or untagged) and first English label count, its type is its most
    specific class (`_TYPES`; a cluster is a cluster, a public body a more specific one if it
    has it), its city the label of its ``lkg:city``.
    """
    wanted = sorted(nodes)
    alt_labels: dict[str, set[str]] = {n: set() for n in wanted}
    attributes: dict[str, dict[str, str]] = {
        n: {"iri": n, "label": "", "label_en": "", "type": ORG_KIND, "city": "", "sources": ""}
        for n in wanted
    }
    labels = _grouped(found["label"])
    for n, node in attributes.items():
        for term in labels.get(n, ()):
            language = _language(term)
            key = "label_en" if language == "en" else "label"
            if language in ("it", "en", None) and not node[key]:
                node[key] = _text(term)
        node["sources"] = " ".join(sorted(set(sources.get(n, ()))))
    for n, alt in found["alt"]:
        if n in alt_labels:
            alt_labels[n].add(alt)
    for n, type_ in found["type"]:
        kind, known = _TYPES.get(type_), attributes.get(n)
        if known is not None and kind and (known["type"] in (ORG_KIND, "public-body") or kind == "cluster"):
            known["type"] = kind
    for n, place in found["city"]:
        if n in attributes:
            for term in labels.get(place, ()):
                attributes[n]["city"] = _text(term)
    for iri_, node in attributes.items():
        node["kind"] = CLUSTER_KIND if node["type"] == "cluster" else ORG_KIND
        node["label"] = node["label"] or node["label_en"] or iri_.rsplit("/", 1)[-1]
        node["slug"] = iri_.rsplit("/", 1)[-1] if iri_.startswith(BASE) else iri_
    return {n: {**node, "alt_labels": sorted(alt_labels[n])} for n, node in attributes.items()}


def _side(graph: nx.Graph, kind: str) -> list[str]:
    return sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == kind)


def _incidence(two: nx.Graph) -> tuple[list[str], list[str], sparse.csr_array]:
    """Organisations, clusters, and the 0/1 matrix of who is in which (rows in organisation order)."""
    import numpy as np
    from scipy import sparse

    orgs, clusters = _side(two, ORG_KIND), _side(two, CLUSTER_KIND)
    row, column = {n: i for i, n in enumerate(orgs)}, {n: i for i, n in enumerate(clusters)}
    pairs = [
        (row[a], column[b]) if a in row else (row[b], column[a])
        for a, b in two.edges()
        if (a in row) != (b in row)
    ]
    rows = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
    columns = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
    ones = np.ones(len(pairs), dtype=np.int64)
    return orgs, clusters, sparse.csr_array((ones, (rows, columns)), shape=(len(orgs), len(clusters)))


def organisation_projection(two: nx.Graph) -> nx.Graph:
    """Organisations linked when they share a cluster; ``weight`` = clusters shared.

    The same graph as `networkx.bipartite.weighted_projected_graph` over the organisations,
    computed as the sparse product B·Bᵀ of the organisations–clusters matrix (scipy), whose
    off-diagonal entries are the clusters two organisations share: C loops instead of a
    Python set intersection per pair (bench/RESULTS-network.md). Nodes and edges come in
    sorted order. The measures that need only degrees or a matrix product
    (`organisation_central`, `organisation_summary`) never build this graph.

    Examples
    --------
    >>> b = nx.Graph()
    >>> b.add_nodes_from(["a", "b", "c"], kind="organisation")
    >>> b.add_nodes_from(["X", "Y"], kind="cluster")
    >>> b.add_edges_from([("a", "X"), ("b", "X"), ("a", "Y"), ("b", "Y"), ("c", "Y")])
    >>> sorted(organisation_projection(b).edges(data="weight"))
    [('a', 'b', 2), ('a', 'c', 1), ('b', 'c', 1)]
    """
    from scipy import sparse

    orgs, _, incidence = _incidence(two)
    shared = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    projected = nx.Graph()
    projected.add_nodes_from((n, two.nodes[n]) for n in orgs)
    for node in projected:
        projected.nodes[node].pop(
            "bipartite", None
        )  # copied from the two-mode graph; a projection is one-mode
    order = sorted(zip(shared.row.tolist(), shared.col.tolist(), shared.data.tolist(), strict=True))
    projected.add_edges_from((orgs[i], orgs[j], {"weight": w}) for i, j, w in order)
    return projected


def _degrees(incidence: sparse.csr_array) -> list[int]:
    """Each organisation's number of partners in the projection, without building it.

    An organisation's partners are the union of its clusters' members, less itself. The
    members of each cluster are kept as a bit set (n/8 bytes), so the union is an OR of a
    few bit sets and a count of ones; organisations with the same clusters share the answer.
    """
    import numpy as np

    columns = incidence.tocsc()
    count = incidence.shape[0]
    sizes = np.diff(columns.indptr)
    bits_of_byte = np.array([bin(b).count("1") for b in range(256)], dtype=np.int64)
    members: dict[int, np.ndarray] = {}

    def bits(cluster: int) -> np.ndarray:
        if cluster not in members:
            mask = np.zeros(count, dtype=bool)
            mask[columns.indices[columns.indptr[cluster] : columns.indptr[cluster + 1]]] = True
            members[cluster] = np.packbits(mask)
        return members[cluster]

    known: dict[tuple[int, ...], int] = {}
    result = []
    for row in range(count):
        clusters = tuple(incidence.indices[incidence.indptr[row] : incidence.indptr[row + 1]].tolist())
        if len(clusters) == 1:
            result.append(int(sizes[clusters[0]]) - 1)
            continue
        if clusters not in known:
            union = np.bitwise_or.reduce([bits(c) for c in clusters]) if clusters else np.zeros(1, np.uint8)
            known[clusters] = max(int(bits_of_byte[union].sum()) - 1, 0)
        result.append(known[clusters])
    return result


def _components(incidence: sparse.csr_array) -> list[list[int]]:
    """The organisations of each connected component of the projection (row numbers, sorted)."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    n = incidence.shape[0]
    both = sparse.bmat([[None, incidence], [incidence.T, None]], format="csr")
    _, labels = connected_components(both, directed=False)
    groups: dict[int, list[int]] = {}
    for row, label_ in enumerate(labels[:n].tolist()):
        groups.setdefault(label_, []).append(row)
    return list(groups.values())


def _eigenvector(incidence: sparse.csr_array) -> list[float]:
    """`eigenvector` of the projection, from the organisations–clusters matrix alone.

    The projection's weighted adjacency is B·Bᵀ − D (D: clusters per organisation), so
    ARPACK gets it as an operator x ↦ B(Bᵀx) − Dx: one pass over the memberships per
    step instead of a matrix with a cell per pair of partners. Same call as
    `networkx.eigenvector_centrality_numpy` (largest real part, tol 0, 50 restarts).
    """
    import numpy as np
    from scipy.sparse.linalg import LinearOperator, eigs

    total = incidence.shape[0]
    scores = np.zeros(total)
    for rows in _components(incidence):
        part = incidence[rows]
        part = part[:, np.unique(part.indices)].astype(float)
        own = np.asarray(part.sum(axis=1)).ravel()
        if len(rows) < 2:
            continue  # an organisation alone in its clusters: no edge, score 0
        if len(rows) < 3:  # two nodes tied: the vector is even (and ARPACK needs three)
            local = np.full(len(rows), len(rows) ** -0.5)
        else:
            adjacency = LinearOperator(
                (len(rows), len(rows)), matvec=lambda x, p=part, d=own: p @ (p.T @ x) - d * x, dtype=float
            )
            _, vector = eigs(adjacency, k=1, which="LR", maxiter=50, tol=0)
            largest = vector.flatten().real
            local = largest / (np.sign(largest.sum()) * np.linalg.norm(largest))
        scores[rows] = local * (len(rows) / total)
    return scores.tolist()


def organisation_central(
    two: nx.Graph, *, measure: str = "degree", top: int = 10, k: int | None = None, seed: int = 42
) -> list[tuple[str, float]]:
    """`central` on the organisation projection, computed from the two-mode graph.

    Degree, weighted degree and eigenvector centrality need only each organisation's
    clusters and their sizes, so they are computed without the projection, whose edges
    grow with the square of a cluster's size (about 300 million at 100,000 synthetic
    organisations); betweenness needs shortest paths, so it builds the projection.
    The scores are those of ``central(organisation_projection(two), ...)``.

    Examples
    --------
    >>> b = nx.Graph()
    >>> b.add_nodes_from(["a", "b", "c"], kind="organisation")
    >>> b.add_nodes_from(["X", "Y"], kind="cluster")
    >>> b.add_edges_from([("a", "X"), ("b", "X"), ("b", "Y"), ("c", "Y")])
    >>> organisation_central(b, measure="weighted-degree", top=2)
    [('b', 2), ('a', 1)]
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    if measure == "betweenness":
        return central(organisation_projection(two), measure=measure, top=top, k=k, seed=seed)
    orgs, _, incidence = _incidence(two)
    scores: list[float] | list[int]
    if measure == "degree":
        scale = 1 / (len(orgs) - 1) if len(orgs) > 1 else 1.0  # as networkx.degree_centrality
        scores = [d * scale for d in _degrees(incidence)] if len(orgs) > 1 else [1.0] * len(orgs)
    elif measure == "weighted-degree":
        sizes = incidence.sum(axis=0)  # a membership of a cluster of s members counts s - 1 partners
        scores = (incidence @ (sizes - 1)).tolist()
    else:
        scores = _eigenvector(incidence)
    # equal scores by name: eigenvector scores that are equal in theory differ in their last
    # digits by the order ARPACK summed them, which would order them at random
    return sorted(zip(orgs, scores, strict=True), key=lambda kv: (-round(kv[1], 9), str(kv[0])))[:top]


def organisation_summary(two: nx.Graph) -> Summary:
    """`summary` of the organisation projection, computed from the two-mode graph without it.

    Examples
    --------
    >>> b = nx.Graph([("a", "X"), ("b", "X"), ("c", "Y")])
    >>> nx.set_node_attributes(b, {"a": "organisation", "b": "organisation", "c": "organisation",
    ...                            "X": "cluster", "Y": "cluster"}, "kind")
    >>> s = organisation_summary(b)
    >>> (s.nodes, s.edges, s.components, s.largest_component, s.degree_histogram)
    (3, 1, 2, 2, [1, 2])
    """
    orgs, _, incidence = _incidence(two)
    n = len(orgs)
    degrees = _degrees(incidence)
    edges = sum(degrees) // 2
    components = _components(incidence) if n else []
    histogram = [0] * (max(degrees, default=-1) + 1)
    for degree in degrees:
        histogram[degree] += 1
    return Summary(
        nodes=n,
        edges=edges,
        density=2 * edges / (n * (n - 1)) if n > 1 else 0.0,
        components=len(components),
        largest_component=max((len(c) for c in components), default=0),
        degree_histogram=histogram,
    )


def cluster_projection(two: nx.Graph) -> nx.Graph:
    """Clusters linked when they share members; ``weight`` = organisations shared.

    The graph of `networkx.bipartite.weighted_projected_graph` over the clusters, computed
    as the sparse product Bᵀ·B (as `organisation_projection` does), nodes and edges in
    sorted order: 11 s with networkx at 100,000 organisations, under a second this way.

    Examples
    --------
    >>> b = nx.Graph()
    >>> b.add_nodes_from(["a", "b", "c"], kind="organisation")
    >>> b.add_nodes_from(["X", "Y", "Z"], kind="cluster")
    >>> b.add_edges_from([("a", "X"), ("b", "X"), ("a", "Y"), ("b", "Y"), ("c", "Y")])
    >>> sorted(cluster_projection(b).edges(data="weight")), sorted(cluster_projection(b))
    ([('X', 'Y', 2)], ['X', 'Y', 'Z'])
    """
    from scipy import sparse

    _, clusters, incidence = _incidence(two)
    shared = sparse.triu(incidence.T @ incidence, k=1).tocoo()
    projected = nx.Graph()
    one_mode = ({k: v for k, v in two.nodes[n].items() if k != "bipartite"} for n in clusters)
    projected.add_nodes_from(zip(clusters, one_mode, strict=True))
    order = sorted(zip(shared.row.tolist(), shared.col.tolist(), shared.data.tolist(), strict=True))
    projected.add_edges_from((clusters[i], clusters[j], {"weight": w}) for i, j, w in order)
    return projected


# --------------------------------------------------------------------------- measures


@dataclass
class Summary:
    """Size and shape of a graph."""

    nodes: int
    edges: int
    density: float
    components: int
    largest_component: int
    degree_histogram: list[int] = field(default_factory=list)


def summary(graph: nx.Graph) -> Summary:
    """Nodes, edges, density, connected components and the degree distribution.

    Examples
    --------
    >>> s = summary(nx.path_graph(4))
    >>> (s.nodes, s.edges, round(s.density, 3), s.components, s.degree_histogram)
    (4, 3, 0.5, 1, [0, 2, 2])
    """
    components = list(nx.connected_components(graph)) if graph.number_of_nodes() else []
    return Summary(
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        density=nx.density(graph) if graph.number_of_nodes() > 1 else 0.0,
        components=len(components),
        largest_component=max((len(c) for c in components), default=0),
        degree_histogram=nx.degree_histogram(graph),
    )


MEASURES = ("degree", "weighted-degree", "betweenness", "eigenvector")


def central(
    graph: nx.Graph, *, measure: str = "degree", top: int = 10, k: int | None = None, seed: int = 42
) -> list[tuple[str, float]]:
    """Nodes ranked by a centrality measure.

    Parameters
    ----------
    graph : networkx.Graph
        A projection, or the two-mode graph (then degree, and betweenness when exact,
        use the bipartite normalisation of `networkx.bipartite`).
    measure : {"degree", "weighted-degree", "betweenness", "eigenvector"}
        Weighted degree sums edge weights; betweenness treats weights as strength
        (distance = 1 / weight); eigenvector uses weights.
    top : int
        How many to return.
    k : int, optional
        Sample ``k`` sources for betweenness (for large graphs); when omitted, exact up
        to `EXACT_LIMIT` nodes and 500 sources above (see `betweenness`).
    seed : int
        Seed of the sampling, so a sampled ranking is the same each run.

    Examples
    --------
    >>> central(nx.star_graph(3), top=1)
    [(0, 1.0)]
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    bipartite_graph = any("bipartite" in d for _, d in graph.nodes(data=True))
    if measure == "degree":
        if bipartite_graph:
            scores = nx.bipartite.degree_centrality(graph, _side(graph, ORG_KIND))
        else:
            scores = nx.degree_centrality(graph)
    elif measure == "weighted-degree":
        scores = dict(graph.degree(weight="weight"))
    elif measure == "betweenness":
        if bipartite_graph and k is None and graph.number_of_nodes() <= EXACT_LIMIT:
            scores = nx.bipartite.betweenness_centrality(graph, _side(graph, ORG_KIND))
        else:
            _add_distance(graph)
            scores = betweenness(graph, k=k, seed=seed, weight="distance")
    else:
        scores = eigenvector(graph)
    return sorted(scores.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]


def eigenvector(graph: nx.Graph) -> dict[str, float]:
    """Weighted eigenvector centrality, component by component.

    The measure is undefined across disconnected parts, so each component gets its
    own unit vector, scaled by the share of nodes it holds: a pair on its own does
    not outrank the hub of the main component. Isolated nodes score 0.

    Examples
    --------
    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> scores = eigenvector(g)
    >>> max(scores, key=scores.get), scores["x"] < scores["b"]
    ('b', True)
    """
    total = graph.number_of_nodes()
    scores: dict[str, float] = {}
    for component in nx.connected_components(graph):
        part = graph.subgraph(component)
        if part.number_of_edges() == 0:
            scores.update(dict.fromkeys(component, 0.0))
            continue
        if part.number_of_nodes() < 3:  # two nodes tied: the vector is even (and ARPACK needs three)
            local = dict.fromkeys(component, len(component) ** -0.5)
        else:
            local = nx.eigenvector_centrality_numpy(part, weight="weight")
        share = len(component) / total
        scores.update({node: value * share for node, value in local.items()})
    return scores


EXACT_LIMIT = 5000
"""Up to this many nodes, betweenness is exact (NetworkX); above it, or with ``k``, sampled (igraph)."""


def betweenness(
    graph: nx.Graph, *, k: int | None = None, seed: int = 42, weight: str | None = None
) -> dict[str, float]:
    """Normalised betweenness centrality, exact on small graphs, sampled on large ones.

    NetworkX computes it exactly up to `EXACT_LIMIT` nodes. Above that, or when ``k``
    is given, igraph computes the shortest paths from ``k`` randomly chosen sources
    (default 500) and the sum is scaled by n / k: the same estimator as NetworkX's own
    ``k`` (Brandes and Pich 2007), in C instead of Python (bench/network_scale.py: 40x
    faster at 100,000 organisations). The result is a NetworkX-style dict either way.

    Examples
    --------
    >>> g = nx.path_graph(["a", "b", "c", "d"])
    >>> exact = betweenness(g)
    >>> sampled = betweenness(g, k=4)  # every node a source: the estimate is exact
    >>> all(abs(exact[n] - sampled[n]) < 1e-9 for n in g), round(exact["b"], 4)
    (True, 0.6667)
    """
    n = graph.number_of_nodes()
    if n < 3:
        return dict.fromkeys(graph, 0.0)
    if k is None and n <= EXACT_LIMIT:
        return dict(nx.betweenness_centrality(graph, weight=weight))
    import random

    import igraph  # C implementation, only for large or sampled runs

    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[a], index[b]) for a, b in graph.edges()]
    weights = [float(d.get(weight, 1.0)) for _, _, d in graph.edges(data=True)] if weight else None
    fast = igraph.Graph(n=n, edges=edges)
    size = min(k or 500, n)
    sources = sorted(random.Random(seed).sample(range(n), size))
    partial = fast.betweenness(directed=False, weights=weights, sources=sources)
    scale = (n / size) / ((n - 1) * (n - 2) / 2)
    return {node: partial[i] * scale for i, node in enumerate(nodes)}


def _add_distance(graph: nx.Graph) -> None:
    for _, _, data in graph.edges(data=True):
        data["distance"] = 1.0 / data.get("weight", 1)


@dataclass(frozen=True)
class Broker:
    """An organisation that links others: betweenness, Burt's constraint, whether it is a cut point."""

    node: str
    betweenness: float
    constraint: float
    splits: bool


def brokers(graph: nx.Graph, *, top: int = 10, k: int | None = None, seed: int = 42) -> list[Broker]:
    """Organisations that hold the network together, ranked by betweenness.

    For each: betweenness (weights as strength), Burt's constraint (low = a broker
    between otherwise unconnected partners), and whether removing it splits the
    network (an articulation point).

    Examples
    --------
    >>> [(b.node, b.splits) for b in brokers(nx.path_graph(["a", "b", "c"]), top=1)]
    [('b', True)]
    """
    _add_distance(graph)
    scores = betweenness(graph, k=k, seed=seed, weight="distance")
    cut = set(nx.articulation_points(graph))
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]
    constraint = nx.constraint(graph, nodes=[n for n, _ in ranked], weight="weight")
    return [
        Broker(node, score, float(constraint.get(node, float("nan"))), node in cut) for node, score in ranked
    ]


@dataclass
class Community:
    """A community found by Louvain, and the official clusters its members belong to."""

    members: list[str]
    clusters: dict[str, int]

    @property
    def cuts_across(self) -> bool:
        """True when no single cluster holds all its members."""
        return not any(count == len(self.members) for count in self.clusters.values())


def communities(projection: nx.Graph, two: nx.Graph, *, seed: int = 42) -> list[Community]:
    """Louvain communities (fixed seed) of the organisation projection, set against the clusters.

    Examples
    --------
    >>> b = nx.Graph()
    >>> b.add_nodes_from(["a", "b", "c", "d"], kind="organisation")
    >>> b.add_nodes_from(["X", "Y"], kind="cluster")
    >>> b.add_edges_from([("a", "X"), ("b", "X"), ("c", "Y"), ("d", "Y")])
    >>> [(c.members, c.cuts_across) for c in communities(organisation_projection(b), b)]
    [(['a', 'b'], False), (['c', 'd'], False)]
    """
    found = nx.community.louvain_communities(projection, weight="weight", seed=seed)
    result = []
    for group in found:
        counts: Counter[str] = Counter()
        for member in group:
            counts.update(n for n in two.neighbors(member) if two.nodes[n].get("kind") == CLUSTER_KIND)
        result.append(Community(sorted(group), dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))))
    return sorted(result, key=lambda c: (-len(c.members), c.members))


def ego(graph: nx.Graph, node: str, *, radius: int = 1) -> nx.Graph:
    """The neighbourhood of ``node`` up to ``radius`` steps, edges among them included."""
    return nx.ego_graph(graph, node, radius=radius)


# --------------------------------------------------------------------------- names and paths


def find_node(graph: nx.Graph, name: str, *, kind: str | None = None) -> str:
    """The node a user names by IRI, slug, or any of its names in any spelling.

    A node's names are its ``label``, ``label_en`` and ``alt_labels`` (see `kg.names.resolve`).

    Raises
    ------
    KgError
        When no node or several nodes match; names the closest ones.
    """
    entries = {
        node: [
            data.get("slug", ""),
            data.get("label", ""),
            data.get("label_en", ""),
            *data.get("alt_labels", ()),
        ]
        for node, data in graph.nodes(data=True)
        if kind is None or data.get("kind") == kind
    }
    return resolve(name, entries, what=kind or "organisation or cluster", field="name")


@dataclass(frozen=True)
class Step:
    """One hop of a path: an organisation's role in a cluster, with its sources."""

    organisation: str
    cluster: str
    roles: tuple[str, ...]
    sources: tuple[str, ...]
    towards_cluster: bool


def explain_paths(two: nx.Graph, source: str, target: str, *, limit: int = 5) -> list[list[Step]]:
    """The shortest chains from one organisation to another through shared clusters.

    Each chain is a list of steps "A — role in → cluster ← role in — B", each with the
    pages that state the membership.

    Raises
    ------
    KgError
        When no chain connects the two.
    """
    try:
        paths = list(_limited(shortest_paths(two, source, target), limit))
    except nx.NetworkXNoPath:
        a, b = two.nodes[source]["label"], two.nodes[target]["label"]
        raise KgError(
            [Problem(None, None, "path", f"no chain of shared clusters links {a} and {b}")]
        ) from None
    chains = []
    for path in paths:
        steps = []
        for left, right in zip(path, path[1:], strict=False):
            towards = two.nodes[right].get("kind") == CLUSTER_KIND
            org, cluster = (left, right) if towards else (right, left)
            data = two.edges[left, right]
            steps.append(Step(org, cluster, tuple(data["roles"]), tuple(data["sources"]), towards))
        chains.append(steps)
    return chains


def shortest_paths(graph: nx.Graph, source: str, target: str) -> Iterator[list[str]]:
    """Every shortest path from ``source`` to ``target``, in `networkx.all_shortest_paths`' order.

    networkx walks the whole graph from ``source`` first; this walk stops at the target's
    distance (found by a search from both ends), so a path between two organisations
    costs what their neighbourhoods cost, not what the graph does.

    Raises
    ------
    networkx.NetworkXNoPath
        When no path links the two.

    Examples
    --------
    >>> list(shortest_paths(nx.cycle_graph(4), 0, 2))
    [[0, 1, 2], [0, 3, 2]]
    """
    distance = nx.shortest_path_length(graph, source, target)
    pred = nx.predecessor(graph, source, cutoff=distance)

    def back(node: str) -> Iterator[list[str]]:
        if node == source:
            yield [source]
            return
        for previous in pred[node]:
            for path in back(previous):
                yield [*path, node]

    return back(target)


def _limited(paths: Iterable[list[str]], limit: int) -> Iterable[list[str]]:
    for index, path in enumerate(paths):
        if index >= limit:
            return
        yield path


# --------------------------------------------------------------------------- exports


def _flat(graph: nx.Graph) -> nx.Graph:
    """A copy whose attribute values are all text or numbers (GraphML and GEXF need that).

    Lists become text: IRIs and dates joined by spaces, alt labels (which hold spaces) by " | ".
    """
    flat = nx.Graph()
    for node, data in graph.nodes(data=True):
        flat.add_node(
            node,
            **{
                k: (" | " if k == "alt_labels" else " ").join(v) if isinstance(v, list) else v
                for k, v in data.items()
            },
        )
    for a, b, data in graph.edges(data=True):
        flat.add_edge(a, b, **{k: " ".join(v) if isinstance(v, list) else v for k, v in data.items()})
    return flat


def export(two: nx.Graph, out_dir: object) -> list[object]:
    """Write the three graphs as GraphML, GEXF (for Gephi) and CSV edge lists into ``out_dir``.

    Each file is written to a temporary name and renamed into place.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    import csv
    from pathlib import Path

    from kg.files import atomic_open

    folder = Path(str(out_dir))  # created by the first write
    graphs = {
        "two-mode": two,
        "organisations": organisation_projection(two),
        "clusters": cluster_projection(two),
    }
    written: list[object] = []
    for name, graph in graphs.items():
        flat = _flat(graph)
        for suffix, writer in (("graphml", nx.write_graphml), ("gexf", nx.write_gexf)):
            path = folder / f"{name}.{suffix}"
            with atomic_open(path, "wb") as binary:
                writer(flat, binary)
            written.append(path)
        path = folder / f"{name}-edges.csv"
        keys = sorted({k for _, _, d in flat.edges(data=True) for k in d})
        with atomic_open(path, "w", newline="") as stream:
            table = csv.writer(stream)
            table.writerow(["source", "source_label", "target", "target_label", *keys])
            for a, b, data in sorted(flat.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
                table.writerow(
                    [
                        a,
                        flat.nodes[a].get("label", ""),
                        b,
                        flat.nodes[b].get("label", ""),
                        *(data.get(k, "") for k in keys),
                    ]
                )
        written.append(path)
    return written


def write_metrics(two: nx.Graph, path: object, *, day: str) -> int:
    """Store the network measures as RDF (``lkg:`` properties), for SPARQL to rank by.

    Degree, betweenness and eigenvector centrality of each organisation in the
    co-membership projection, its number of clusters, and each cluster's number of
    partner clusters, on a ``lkg:NetworkMetrics`` resource dated ``day``.

    Returns
    -------
    int
        The number of triples written.
    """
    from kg.files import atomic_write
    from kg.vocab import PREFIXES, iri

    projection = organisation_projection(two)
    clusters = cluster_projection(two)
    degree = nx.degree_centrality(projection) if projection.number_of_nodes() > 1 else {}
    _add_distance(projection)
    between = betweenness(projection, weight="distance")
    eigen = eigenvector(projection)
    run = ox.NamedNode(iri("metrics", "network"))
    decimal = ox.NamedNode(PREFIXES["xsd"] + "decimal")
    integer = ox.NamedNode(PREFIXES["xsd"] + "integer")

    from kg.rdf import LKG  # closed namespace: a misspelt term fails here

    def term(name: str) -> ox.NamedNode:
        return ox.NamedNode(getattr(LKG, name))

    triples = [
        ox.Triple(run, ox.NamedNode(PREFIXES["rdf"] + "type"), term("NetworkMetrics")),
        ox.Triple(
            run,
            ox.NamedNode(PREFIXES["dcterms"] + "created"),
            ox.Literal(day, datatype=ox.NamedNode(PREFIXES["xsd"] + "date")),
        ),
    ]
    for node in sorted(projection):
        subject = ox.NamedNode(node)
        triples.append(ox.Triple(subject, term("networkMetrics"), run))
        triples.append(
            ox.Triple(subject, term("clusterCount"), ox.Literal(str(two.degree(node)), datatype=integer))
        )
        for name, scores in (
            ("degreeCentrality", degree),
            ("betweennessCentrality", between),
            ("eigenvectorCentrality", eigen),
        ):
            if node in scores:
                triples.append(
                    ox.Triple(subject, term(name), ox.Literal(f"{scores[node]:.6f}", datatype=decimal))
                )
    for node in sorted(clusters):
        subject = ox.NamedNode(node)
        triples.append(ox.Triple(subject, term("networkMetrics"), run))
        triples.append(
            ox.Triple(
                subject, term("partnerClusterCount"), ox.Literal(str(clusters.degree(node)), datatype=integer)
            )
        )
    turtle = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    atomic_write(str(path), turtle or b"")
    return len(triples)


def build_two_mode(build: Path, *, disputed: bool = False) -> nx.Graph:
    """`two_mode` of a build; a large build keeps the graph beside it (`kg.store.Derived`).

    Reading the memberships of 100,000 organisations from the on-disk store takes tens
    of seconds; the graph kept as JSON is read back in a few. The graph read back is the
    one kept, node for node in the same order, each node's neighbours in the same order,
    with the same attributes, so every measure and map made from it is the same.
    """
    import json

    from kg.runtime import paused_gc
    from kg.store import Derived, is_large, load_store

    if not is_large(build):
        return two_mode(load_store(build), disputed=disputed)
    derived, key = Derived(build), f"two-mode disputed={disputed}"
    kept = derived.get(key)
    if kept is not None:
        with paused_gc():  # the graph's dictionaries make no cycles
            stored = json.loads(kept)
            graph = nx.Graph()
            graph.add_nodes_from((node, data) for node, data in stored["nodes"])
            graph.add_edges_from((node, other, data) for node, other, data in stored["edges"])
        return graph
    graph = two_mode(load_store(build), disputed=disputed)
    nodes = [[node, data] for node, data in graph.nodes(data=True)]
    edges = [[node, other, data] for node, other, data in graph.edges(data=True)]
    derived.put(key, json.dumps({"nodes": nodes, "edges": edges}, separators=(",", ":")).encode("utf-8"))
    return graph
