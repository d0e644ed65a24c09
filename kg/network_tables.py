"""What `kg network` answers, as tables: the measures of `kg.network` with labels and IRIs.

Each function takes the two-mode graph (`kg.network.two_mode`) and returns a `Table`,
headers and rows whose resources are `kg.tables.Named` cells, so one renderer
(`kg.tables.render`) prints them as a text table, Markdown, CSV or JSON. Explained paths
also read as prose (`render_paths`), step by step with their sources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import networkx as nx

from kg.network import (
    ORG_KIND,
    Step,
    brokers,
    central,
    cluster_projection,
    communities,
    ego,
    explain_paths,
    find_node,
    organisation_central,
    organisation_projection,
    organisation_summary,
    summary,
)
from kg.tables import Cell, Named, render
from kg.vocab import GRAPHS

__all__ = [
    "Table",
    "brokers_table",
    "central_table",
    "communities_table",
    "ego_table",
    "pick",
    "render_paths",
    "summary_table",
]


@dataclass
class Table:
    """Headers and rows, ready for `kg.tables.render`."""

    headers: list[str]
    rows: list[list[Cell]]

    def render(self, fmt: str) -> str:
        """The table in ``fmt`` (``table``, ``md``, ``csv`` or ``json``)."""
        return render(self.headers, self.rows, fmt)


def pick(two: nx.Graph, name: str) -> nx.Graph:
    """The graph called ``name`` in `kg.vocab.GRAPHS`, from the two-mode graph."""
    if name not in GRAPHS:
        raise ValueError(f"unknown graph {name!r}; use one of {', '.join(GRAPHS)}")
    if name == "organisations":
        return organisation_projection(two)
    if name == "clusters":
        return cluster_projection(two)
    return two


def label(graph: nx.Graph, node: str, lang: str) -> str:
    """A node's label in ``lang`` (Italian when no English label is known)."""
    data = graph.nodes[node]
    return str((data.get("label_en") if lang == "en" else None) or data.get("label") or node)


def _named(graph: nx.Graph, node: str, lang: str) -> Named:
    return Named(node, label(graph, node, lang))


def summary_table(two: nx.Graph) -> Table:
    """Nodes, edges, density and components of the three graphs."""
    rows: list[list[Cell]] = []
    for name in ("two-mode", "organisations", "clusters"):
        s = organisation_summary(two) if name == "organisations" else summary(pick(two, name))
        rows.append(
            [
                name,
                s.nodes,
                s.edges,
                f"{s.density:.4f}",
                s.components,
                s.largest_component,
                len(s.degree_histogram) - 1,
            ]
        )
    headers = ["graph", "nodes", "edges", "density", "components", "largest component", "max degree"]
    return Table(headers, rows)


def central_table(two: nx.Graph, *, which: str, measure: str, top: int, k: int | None, lang: str) -> Table:
    """The ``top`` nodes of graph ``which`` by ``measure`` (see `kg.network.central`)."""
    if which == "organisations":  # its nodes carry the two-mode graph's attributes
        graph, ranked = two, organisation_central(two, measure=measure, top=top, k=k)
    else:
        graph = pick(two, which)
        ranked = central(graph, measure=measure, top=top, k=k)
    rows: list[list[Cell]] = [
        [_named(graph, node, lang), graph.nodes[node].get("type", ""), round(score, 6)]
        for node, score in ranked
    ]
    return Table(["node", "type", measure], rows)


def communities_table(two: nx.Graph, *, top: int, seed: int, lang: str) -> Table:
    """The ``top`` largest Louvain communities of organisations, set against the clusters."""
    found = communities(organisation_projection(two), two, seed=seed)
    rows: list[list[Cell]] = []
    for index, community in enumerate(found[:top], 1):
        clusters = ", ".join(f"{label(two, c, lang)} ({n})" for c, n in list(community.clusters.items())[:4])
        sample = ", ".join(label(two, m, lang) for m in community.members[:5])
        rows.append([index, len(community.members), "yes" if community.cuts_across else "", clusters, sample])
    headers = ["community", "members", "cuts across clusters", "clusters (members in them)", "some members"]
    return Table(headers, rows)


def brokers_table(two: nx.Graph, *, top: int, k: int | None, lang: str) -> Table:
    """Organisations that hold the network together (see `kg.network.brokers`)."""
    graph = organisation_projection(two)
    rows: list[list[Cell]] = [
        [
            _named(graph, b.node, lang),
            round(b.betweenness, 6),
            round(b.constraint, 4),
            "yes" if b.splits else "",
        ]
        for b in brokers(graph, top=top, k=k)
    ]
    return Table(["organisation", "betweenness", "constraint", "removal splits the network"], rows)


def ego_table(two: nx.Graph, name: str, *, which: str, radius: int, lang: str) -> Table:
    """The neighbours of the node named ``name`` within ``radius`` steps, nearest first."""
    graph = pick(two, which)
    centre = find_node(graph, name)
    neighbourhood = ego(graph, centre, radius=radius)
    steps = nx.single_source_shortest_path_length(neighbourhood, centre)
    rows: list[list[Cell]] = []
    for node in sorted(neighbourhood, key=lambda n: (steps[n], label(graph, n, lang))):
        if node == centre:
            continue
        weight = graph.edges[centre, node].get("weight", "") if graph.has_edge(centre, node) else ""
        rows.append([_named(graph, node, lang), graph.nodes[node].get("type", ""), steps[node], weight])
    return Table(["neighbour", "type", "steps", "weight"], rows)


def render_paths(two: nx.Graph, source: str, target: str, *, limit: int, lang: str, fmt: str) -> str:
    """How organisation ``source`` reaches ``target``, step by step with sources, in ``fmt``.

    ``table`` is prose, one numbered chain per shortest path; ``md`` and ``csv`` one row
    per step; ``json`` a list of chains of steps.
    """
    from kg.query import labels_for_terms

    a, b = find_node(two, source, kind=ORG_KIND), find_node(two, target, kind=ORG_KIND)
    chains = explain_paths(two, a, b, limit=limit)
    roles = labels_for_terms(sorted({r for chain in chains for step in chain for r in step.roles}), lang)
    if fmt == "json":
        return json.dumps(
            [[_step_json(two, s, lang) for s in chain] for chain in chains], ensure_ascii=False, indent=2
        )
    if fmt in ("csv", "md"):
        rows: list[list[Cell]] = [
            [
                n,
                _named(two, s.organisation, lang),
                ", ".join(roles.get(r, r) for r in s.roles),
                _named(two, s.cluster, lang),
                " ".join(s.sources),
            ]
            for n, chain in enumerate(chains, 1)
            for s in chain
        ]
        return render(["chain", "organisation", "role", "cluster", "sources"], rows, fmt)
    lines: list[str] = []
    for number, chain in enumerate(chains, 1):
        lines.append(
            f"{number}. {label(two, a, lang)} … {label(two, b, lang)} ({len(chain) // 2} shared clusters)"
        )
        for step in chain:
            role = " / ".join(roles.get(r, r) for r in step.roles)
            org, cluster = label(two, step.organisation, lang), label(two, step.cluster, lang)
            lines.append(
                f"   {org} — {role} → {cluster}" if step.towards_cluster else f"   {cluster} ← {role} — {org}"
            )
            lines += [f"      source: {url}" for url in step.sources]
    return "\n".join(lines)


def _step_json(two: nx.Graph, step: Step, lang: str) -> dict[str, object]:
    return {
        "organisation": step.organisation,
        "organisation_label": label(two, step.organisation, lang),
        "cluster": step.cluster,
        "cluster_label": label(two, step.cluster, lang),
        "roles": list(step.roles),
        "sources": list(step.sources),
    }
