"""Maps for communicators: self-contained HTML pages (pyvis / vis-network) and still images.

`kg.network` computes the graphs; this module lays them out (igraph's
Fruchterman–Reingold, seeded, so the same data gives the same picture), sizes nodes by
centrality, colours them by type, and writes one HTML file with every script and style
inline (vis-network from pyvis's own package), so the page opens offline and makes no
request to any host. The page has a legend, a search box, filters by cluster and by
type, tooltips with sources (disputed claims shown with both sides), a sortable table of
the same nodes for readers who cannot use the canvas, and keeps its view in the URL
fragment (``#cluster=afil&type=company&focus=politecnico-di-milano``).

Every text from the data reaches the page as JSON inside a script (with ``<``, ``>``
and ``&`` escaped) and is put into the page with ``textContent``: names are never HTML.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kg.errors import KgError, Problem
from kg.files import atomic_write
from kg.network import CLUSTER_KIND, ORG_KIND, cluster_projection, ego
from kg.vocab import CLUSTER_TYPE, LKG_NS, ORGANISATION_TYPES, Kind, iri

__all__ = [
    "MapSpec",
    "clusters_map",
    "cluster_map",
    "ecosystem_map",
    "ego_map",
    "render_html",
    "render_svg",
    "script_json",
    "caption_text",
    "data_date",
    "draw",
    "embed_snippet",
    "write",
]

KINDS: dict[str, Kind] = {CLUSTER_TYPE.slug: CLUSTER_TYPE, **ORGANISATION_TYPES}
"""Node types in legend order, with their colours and labels (defined once, in kg.vocab)."""

TEXT = {
    "it": {
        "search": "Cerca un'organizzazione",
        "all_clusters": "Tutti i cluster",
        "all_types": "Tutti i tipi",
        "cluster": "Cluster",
        "type": "Tipo",
        "legend": "Legenda",
        "table": "Le stesse organizzazioni in tabella",
        "name": "Nome",
        "city": "Comune",
        "clusters": "Cluster",
        "sources": "Fonti",
        "disputed": "contestato da",
        "shared": "membri in comune",
        "caption": "Dati al {date}: {sources} fonti pubbliche, citate per ogni legame.",
        "credit": "Grafo della conoscenza dell'innovazione lombarda · mappa vis-network (pyvis) · "
        "fonti pubbliche in ogni scheda",
        "hint": "Trascina per spostarti, rotella per lo zoom; clic su un nodo per i dettagli.",
        "solid": "linea continua: legame confermato dalle fonti; tratteggiata: affermazione contestata",
        "aggregated": "Troppe organizzazioni per disegnarle tutte: ogni cluster è un nodo; clic su un cluster "
        "per mostrare i suoi membri (fino a {most}, prima chi è in più cluster), clic di nuovo per chiuderlo.",
        "members_shown": "{shown} membri mostrati su {total}",
    },
    "en": {
        "search": "Find an organisation",
        "all_clusters": "All clusters",
        "all_types": "All types",
        "cluster": "Cluster",
        "type": "Type",
        "legend": "Legend",
        "table": "The same organisations as a table",
        "name": "Name",
        "city": "Municipality",
        "clusters": "Clusters",
        "sources": "Sources",
        "disputed": "disputed by",
        "shared": "shared members",
        "caption": "Data as of {date}: {sources} public sources, cited for every tie.",
        "credit": "Lombardy innovation knowledge graph · map by vis-network (pyvis) · public sources in every card",
        "hint": "Drag to move, scroll to zoom; click a node for details.",
        "solid": "solid line: a tie the sources confirm; dashed: a disputed claim",
        "aggregated": "Too many organisations to draw at once: each cluster is one node; click a cluster "
        "to show its members (up to {most}, those in most clusters first), click again to close it.",
        "members_shown": "{shown} of {total} members shown",
    },
}


@dataclass
class MapSpec:
    """Everything a map needs: positioned nodes, edges, texts. Rendered to HTML or SVG."""

    title: str
    lang: str
    nodes: list[dict[str, object]] = field(default_factory=list)
    edges: list[dict[str, object]] = field(default_factory=list)
    caption: str = ""
    clusters: list[tuple[str, str]] = field(default_factory=list)
    members: list[dict[str, object]] = field(default_factory=list)
    """Organisations not drawn at first (an aggregated map): a cluster node's ``members`` index them."""


def _layout(graph: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions from igraph's Fruchterman–Reingold, deterministic for ``seed``, in [-1, 1]."""
    import random

    import igraph

    nodes = sorted(graph)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(nodes)}
    fast = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in graph.edges()])
    igraph.set_random_number_generator(random.Random(seed))
    try:
        layout = fast.layout_fruchterman_reingold(niter=500 if len(nodes) < 2000 else 300)
    finally:
        igraph.set_random_number_generator(random)
    xs, ys = [p[0] for p in layout.coords], [p[1] for p in layout.coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((xs[i] - cx) * 2 / span, (ys[i] - cy) * 2 / span) for n, i in index.items()}


def _type_label(kind: str, lang: str) -> str:
    return KINDS[kind].label(lang) if kind in KINDS else kind


def _label(data: dict[str, object], lang: str) -> str:
    return str(
        (data.get("label_en") if lang == "en" else None) or data.get("label") or data.get("slug") or ""
    )


def _ties(two: nx.Graph, node: str, lang: str, role_labels: dict[str, str]) -> list[dict[str, object]]:
    """A node's ties in the two-mode graph, by its neighbours' names: roles, sources, disputes."""
    ties: list[dict[str, object]] = []
    for other in sorted(two.neighbors(node), key=lambda n: _label(two.nodes[n], lang)):
        edge = two.edges[node, other]
        ties.append(
            {
                "name": _label(two.nodes[other], lang),
                "slug": two.nodes[other].get("slug", ""),
                "roles": [role_labels.get(r, r.rsplit("#", 1)[-1]) for r in edge.get("roles", [])],
                "sources": list(edge.get("sources", [])),
                "disputed_by": list(edge.get("disputed_by", [])),
            }
        )
    return ties


def _spec(
    graph: nx.Graph,
    two: nx.Graph,
    *,
    title: str,
    lang: str,
    caption: str,
    size_of: dict[str, float],
    role_labels: dict[str, str],
) -> MapSpec:
    """Nodes and edges of ``graph`` with positions, sizes, colours and tooltip data."""
    positions = _layout(graph)
    scale = 85.0 * math.sqrt(max(graph.number_of_nodes(), 4))  # room grows with the map
    top = max(size_of.values(), default=1) or 1
    spec = MapSpec(title=title, lang=lang, caption=caption)
    for node in sorted(graph):
        data = graph.nodes[node]
        kind = str(data.get("type", ORG_KIND))
        memberships = _ties(two, node, lang, role_labels) if node in two else []
        clusters = sorted(
            {
                str(two.nodes[o].get("slug"))
                for o in (two.neighbors(node) if node in two else [])
                if two.nodes[o].get("kind") == CLUSTER_KIND
            }
        )
        if data.get("kind") == CLUSTER_KIND:
            clusters = [str(data.get("slug"))]
        x, y = positions[node]
        spec.nodes.append(
            {
                "id": node,
                "slug": data.get("slug", ""),
                "label": _label(data, lang),
                "kind": data.get("kind", ORG_KIND),
                "type": kind,
                "typeLabel": _type_label(kind, lang),
                "city": data.get("city", ""),
                "clusters": clusters,
                "links": memberships,
                "sources": str(data.get("sources", "")).split(),
                "color": KINDS.get(kind, ORGANISATION_TYPES["organisation"]).colour,
                "size": round(8 + 32 * math.sqrt(size_of.get(node, 0) / top), 2),
                "x": round(x * scale, 2),
                "y": round(y * scale, 2),
            }
        )
    for a, b, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        weight = float(data.get("weight", 1))
        spec.edges.append(
            {
                "from": a,
                "to": b,
                "width": round(1 + 2.5 * math.log2(weight), 2),
                "weight": weight,
                "dashes": bool(data.get("disputed_by")),
                "roles": [role_labels.get(r, r.rsplit("#", 1)[-1]) for r in data.get("roles", [])],
                "sources": list(data.get("sources", [])),
                "disputed_by": list(data.get("disputed_by", [])),
            }
        )
    spec.clusters = sorted(
        (
            (str(d.get("slug")), _label(d, lang))
            for _, d in two.nodes(data=True)
            if d.get("kind") == CLUSTER_KIND
        ),
        key=lambda c: c[1].lower(),
    )
    return spec


def _roles(lang: str) -> dict[str, str]:
    from kg.query import labels_for_terms

    terms = [
        LKG_NS + name
        for name in ("FoundingMember", "Member", "Coordinator", "Proposer", "Partner", "BoardMember")
    ]
    return labels_for_terms(terms, lang)


AGGREGATE_ABOVE = 3000
"""Above this many nodes the ecosystem map draws clusters only, each expanding into its members on click."""

EXPAND_MOST = 1500
"""The most members a cluster node opens into (those in most clusters first): a drawing that stays quick."""


def ecosystem_map(
    two: nx.Graph,
    *,
    lang: str = "it",
    title: str | None = None,
    caption: str = "",
    aggregate_above: int = AGGREGATE_ABOVE,
) -> MapSpec:
    """Every organisation and cluster; node size by degree (clusters of an organisation, members of a cluster).

    A graph of more than ``aggregate_above`` nodes is drawn aggregated: the clusters
    only, linked by the members they share and sized by their members, each opening
    into its members when clicked (see `_aggregated`); a page of every node drawn at
    once would take minutes to open at 100,000 organisations.
    """
    default = (
        "L'ecosistema dei cluster tecnologici lombardi" if lang == "it" else "The Lombard technology clusters"
    )
    if two.number_of_nodes() > aggregate_above:
        return _aggregated(two, title=title or default, lang=lang, caption=caption)
    sizes = {n: float(two.degree(n)) for n in two}
    return _spec(
        two, two, title=title or default, lang=lang, caption=caption, size_of=sizes, role_labels=_roles(lang)
    )


def _aggregated(two: nx.Graph, *, title: str, lang: str, caption: str) -> MapSpec:
    """Clusters as nodes (size by members, edges by shared members), their members kept aside.

    Each cluster node lists its members (indices into ``spec.members``), those in most
    clusters first, then by name; each member carries what its card needs: type, city,
    its own sources and its ``ties``, one per cluster by the cluster's name: the cluster's
    index in ``spec.nodes``, the role names, the sources and the disputing pages. The page
    holds them as a compact table and makes a member's card only when it is shown
    (`_member_table`).
    """
    projection = cluster_projection(two)
    spec = _spec(
        projection,
        nx.Graph(),  # no memberships on a cluster's card: they are its members, listed on click
        title=title,
        lang=lang,
        caption=caption,
        size_of={c: float(two.degree(c)) for c in projection},
        role_labels={},
    )
    shared = TEXT[lang]["shared"]
    for edge in spec.edges:
        edge["roles"] = [f"{int(float(str(edge['weight'])))} {shared}"]
    spec.clusters = sorted(
        ((str(d.get("slug")), _label(d, lang)) for _, d in projection.nodes(data=True)),
        key=lambda c: c[1].lower(),
    )
    roles = _roles(lang)
    place = {str(n["id"]): i for i, n in enumerate(spec.nodes)}
    names = {c: _label(two.nodes[c], lang) for c in projection}
    index: dict[str, int] = {}
    organisations = sorted(n for n, d in two.nodes(data=True) if d.get("kind") != CLUSTER_KIND)
    for node in organisations:
        data = two.nodes[node]
        ties = []
        for cluster in sorted(two.neighbors(node), key=names.__getitem__):
            edge = two.edges[node, cluster]
            ties.append(
                [
                    place[cluster],
                    [roles.get(r, r.rsplit("#", 1)[-1]) for r in edge.get("roles", [])],
                    list(edge.get("sources", [])),
                    list(edge.get("disputed_by", [])),
                ]
            )
        index[node] = len(spec.members)
        spec.members.append(
            {
                "id": node,
                "slug": data.get("slug", ""),
                "label": _label(data, lang),
                "type": str(data.get("type", ORG_KIND)),
                "city": data.get("city", ""),
                "ties": ties,
                "sources": str(data.get("sources", "")).split(),
            }
        )
    for node in spec.nodes:
        inside = [m for m in two.neighbors(str(node["id"])) if m in index]
        inside.sort(key=lambda m: (-len(spec.members[index[m]]["ties"]), spec.members[index[m]]["label"], m))  # type: ignore[arg-type]
        node["members"] = [index[m] for m in inside]
    return spec


def _member_table(spec: MapSpec) -> dict[str, object]:
    """An aggregated map's members as columns, each page address, role and place written once.

    The page turns row ``i`` into a card when its cluster opens or a search finds it; a
    member's ``id`` is left out (0) when it is the organisation IRI of its slug.
    """
    texts: dict[str, dict[str, int]] = {"urls": {}, "roles": {}, "cities": {}, "kinds": {}}

    def code(table: str, value: str) -> int:
        return texts[table].setdefault(value, len(texts[table]))

    prefix = iri("organisation", "")
    columns: dict[str, list[object]] = {
        k: [] for k in ("id", "slug", "label", "type", "city", "ties", "sources")
    }
    for member in spec.members:
        slug = str(member["slug"])
        columns["id"].append(0 if member["id"] == prefix + slug else member["id"])
        columns["slug"].append(slug)
        columns["label"].append(member["label"])
        columns["type"].append(code("kinds", str(member["type"])))
        columns["city"].append(code("cities", str(member["city"])))
        columns["ties"].append(
            [
                [
                    cluster,
                    [code("roles", r) for r in roles],
                    [code("urls", u) for u in sources],
                    [code("urls", u) for u in against],
                ]
                for cluster, roles, sources, against in member["ties"]  # type: ignore[attr-defined]
            ]
        )
        columns["sources"].append([code("urls", u) for u in member["sources"]])  # type: ignore[attr-defined]
    kinds = [
        [kind, _type_label(kind, spec.lang), KINDS.get(kind, ORGANISATION_TYPES["organisation"]).colour]
        for kind in texts["kinds"]
    ]
    return {
        "prefix": prefix,
        **columns,
        **{k: list(v) for k, v in texts.items() if k != "kinds"},
        "kinds": kinds,
    }


def _ordered_subgraph(two: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The subgraph on ``nodes``, with nodes and edges in sorted order (a subgraph view iterates
    in set order, which varies with PYTHONHASHSEED, and the layout follows edge order)."""
    keep = sorted(set(nodes))
    part = nx.Graph()
    part.add_nodes_from((n, two.nodes[n]) for n in keep)
    edges = ((min(u, v), max(u, v), d) for u, v, d in two.subgraph(keep).edges(data=True))
    part.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1])))
    return part


def cluster_map(
    two: nx.Graph, cluster: str, *, lang: str = "it", title: str | None = None, caption: str = ""
) -> MapSpec:
    """One cluster and its members (disputed claims drawn dashed); size by clusters each member is in."""
    part = _ordered_subgraph(two, [cluster, *two.neighbors(cluster)])
    sizes = {n: float(two.degree(n)) for n in part}
    name = _label(two.nodes[cluster], lang)
    return _spec(
        part, two, title=title or name, lang=lang, caption=caption, size_of=sizes, role_labels=_roles(lang)
    )


def ego_map(
    two: nx.Graph, node: str, *, depth: int = 1, lang: str = "it", title: str | None = None, caption: str = ""
) -> MapSpec:
    """An organisation's neighbourhood: its clusters and their members, ``depth`` hops out."""
    part = ego(two, node, radius=2 * depth).copy()
    sizes = {n: float(two.degree(n)) for n in part}
    name = _label(two.nodes[node], lang)
    default = f"Chi collabora con {name}" if lang == "it" else f"Who partners with {name}"
    return _spec(
        part, two, title=title or default, lang=lang, caption=caption, size_of=sizes, role_labels=_roles(lang)
    )


def clusters_map(two: nx.Graph, *, lang: str = "it", title: str | None = None, caption: str = "") -> MapSpec:
    """The clusters linked by the members they share (edge width by shared members)."""
    projection = cluster_projection(two)
    confirmed = nx.Graph((a, b, d) for a, b, d in two.edges(data=True) if not d.get("disputed_by"))
    members = {n: float(confirmed.degree(n)) if n in confirmed else 0.0 for n in projection}
    default = (
        "I cluster e i membri che condividono" if lang == "it" else "Clusters and the members they share"
    )
    spec = _spec(
        projection, two, title=title or default, lang=lang, caption=caption, size_of=members, role_labels={}
    )
    shared = TEXT[lang]["shared"]
    for edge in spec.edges:
        edge["roles"] = [f"{int(float(str(edge['weight'])))} {shared}"]
    return spec


# --------------------------------------------------------------------------- HTML


def script_json(value: object) -> str:
    r"""JSON safe inside a ``<script>`` element: no tag, entity or line separator breaks out.

    The maps and every page of `kg.site` embed their data with it.

    Examples
    --------
    >>> script_json({"name": "</script><b>"})
    '{"name": "\\u003c/script\\u003e\\u003cb\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, as shipped inside the pyvis package."""
    import pyvis

    folder = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    style = (folder / "vis-network.css").read_text(encoding="utf-8")
    # U+0085 (NEXT LINE) is a code point HTML forbids; vis-network has it only inside string
    # literals, where the escape \u0085 means the same character
    return script.replace("</script", "<\\/script").replace("\x85", "\\u0085"), style


def _options() -> dict[str, object]:
    """vis-network options, set through pyvis: physics off, since positions are precomputed."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", cdn_resources="in_line")
    net.set_options(
        json.dumps(
            {
                "physics": {"enabled": False},
                "interaction": {"hover": True, "tooltipDelay": 120, "keyboard": False},
                "nodes": {
                    "shape": "dot",
                    "font": {
                        "size": 14,
                        "face": "system-ui, sans-serif",
                        "strokeWidth": 3,
                        "strokeColor": "#ffffff",
                    },
                },
                "edges": {
                    "color": {"color": "#9aa5b1", "highlight": "#1f3b73", "hover": "#1f3b73"},
                    "smooth": False,
                },
                "layout": {"improvedLayout": False},
            }
        )
    )
    options = net.options
    return dict(options) if isinstance(options, dict) else json.loads(options.to_json())


_PAGE = Path(__file__).resolve().parent / "viz_page.html"


def render_html(spec: MapSpec) -> str:
    """The map as one self-contained HTML page."""
    script, style = _vis_assets()
    texts = TEXT[spec.lang]
    legend_types = [t for t in KINDS if any(n["type"] == t for n in spec.nodes)]
    payload: dict[str, object] = {
        "nodes": spec.nodes,
        "edges": spec.edges,
        "clusters": spec.clusters,
        "types": [(t, _type_label(t, spec.lang), KINDS[t].colour) for t in legend_types],
        "text": texts,
        "options": _options(),
    }
    if spec.members:  # an aggregated map: its organisations appear when their cluster is opened
        present = {n["type"] for n in (*spec.nodes, *spec.members)}
        legend_types = [t for t in KINDS if t in present]
        payload["types"] = [(t, _type_label(t, spec.lang), KINDS[t].colour) for t in legend_types]
        payload["members"] = _member_table(spec)
        place = {n["id"]: i for i, n in enumerate(spec.nodes)}  # edges by node number, rebuilt by the page
        payload["edges"] = [
            [place[e["from"]], place[e["to"]], int(float(str(e["weight"]))), e["width"]] for e in spec.edges
        ]
        payload["expandMost"] = EXPAND_MOST
        payload["text"] = {**texts, "aggregated": texts["aggregated"].format(most=f"{EXPAND_MOST:,}")}
    page = _PAGE.read_text(encoding="utf-8")
    replacements = {
        "{{lang}}": html.escape(spec.lang),
        "{{title}}": html.escape(spec.title),
        "{{caption}}": html.escape(spec.caption),
        "{{credit}}": html.escape(texts["credit"]),
        "{{hint}}": html.escape(texts["hint"]),
        "{{table_head}}": "".join(
            f'<th scope="col"><button type="button">{html.escape(texts[key])}</button></th>'
            for key in ("name", "type", "city", "clusters", "sources")
        ),
        "{{vis_style}}": style,
    }
    for key, value in replacements.items():
        page = page.replace(key, value)
    # the scripts last, so no placeholder inside them is ever replaced
    page = page.replace("/*{{vis_script}}*/", script, 1)
    return page.replace("/*{{data}}*/", "const DATA = " + script_json(payload) + ";", 1)


# --------------------------------------------------------------------------- SVG and PNG


def render_svg(spec: MapSpec, *, width: int = 1600, height: int = 1000) -> str:
    """The same map as a still SVG image (for print and social media): nodes, edges, labels, legend."""
    texts = TEXT[spec.lang]
    xs = [float(str(n["x"])) for n in spec.nodes] or [0.0]
    ys = [float(str(n["y"])) for n in spec.nodes] or [0.0]
    margin_top, margin = 110, 60
    span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
    scale = min((width - 2 * margin - 260) / span_x, (height - margin_top - margin) / span_y)

    def at(node: dict[str, object]) -> tuple[float, float]:
        return (
            margin + (float(str(node["x"])) - min(xs)) * scale,
            margin_top + (float(str(node["y"])) - min(ys)) * scale,
        )

    where = {str(n["id"]): at(n) for n in spec.nodes}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        ' font-family="DejaVu Sans, Arial, sans-serif">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{margin}" y="50" font-size="30" font-weight="bold" fill="#1f2933">{html.escape(spec.title)}</text>',
        f'<text x="{margin}" y="82" font-size="16" fill="#52606d">{html.escape(spec.caption)}</text>',
    ]
    for edge in spec.edges:
        (x1, y1), (x2, y2) = where[str(edge["from"])], where[str(edge["to"])]
        dash = ' stroke-dasharray="6 4"' if edge["dashes"] else ""
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#9aa5b1"'
            f' stroke-width="{float(str(edge["width"])):.1f}" stroke-opacity="0.7"{dash}/>'
        )
    ranked = sorted(spec.nodes, key=lambda n: -float(str(n["size"])))
    labelled = {str(n["id"]) for n in ranked[:40]}
    for node in sorted(spec.nodes, key=lambda n: float(str(n["size"]))):
        x, y = where[str(node["id"])]
        radius = float(str(node["size"])) / 2.2
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{node["color"]}" stroke="#ffffff" stroke-width="1.5"/>'
        )
    for node in ranked:
        if str(node["id"]) in labelled:
            x, y = where[str(node["id"])]
            radius = float(str(node["size"])) / 2.2
            parts.append(
                f'<text x="{x:.1f}" y="{y - radius - 4:.1f}" font-size="13" text-anchor="middle" fill="#1f2933"'
                f' stroke="#ffffff" stroke-width="3" paint-order="stroke">{html.escape(str(node["label"]))}</text>'
            )
    legend_x, legend_y = width - 250, margin_top
    parts.append(
        f'<text x="{legend_x}" y="{legend_y}" font-size="16" font-weight="bold">{html.escape(texts["legend"])}</text>'
    )
    present = [t for t in KINDS if any(n["type"] == t for n in spec.nodes)]
    for index, kind in enumerate(present, 1):
        y = legend_y + index * 26
        parts.append(f'<circle cx="{legend_x + 8}" cy="{y - 5}" r="7" fill="{KINDS[kind].colour}"/>')
        parts.append(
            f'<text x="{legend_x + 24}" y="{y}" font-size="14">{html.escape(_type_label(kind, spec.lang))}</text>'
        )
    parts.append(
        f'<text x="{margin}" y="{height - 20}" font-size="13" fill="#52606d">{html.escape(texts["credit"])}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def chromium() -> str | None:
    """The headless browser used for PNG images and browser tests, if installed."""
    import shutil

    return next(
        (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None
    )


def _png(svg: str, target: Path, *, width: int = 1600, height: int = 1000) -> None:
    import subprocess
    import tempfile

    browser = chromium()
    if browser is None:
        raise KgError(
            [
                Problem(
                    None,
                    None,
                    "--format png",
                    "needs Chromium: apt-get install chromium (or use --format svg)",
                )
            ]
        )
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "map.svg"
        page.write_text(svg, encoding="utf-8")
        shot = Path(folder) / "map.png"
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder}/profile",
            f"--window-size={width},{height}",
            f"--screenshot={shot}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            why = "no image after 120 s" if isinstance(error, subprocess.TimeoutExpired) else str(error)
            raise KgError([Problem(None, None, "--format png", f"Chromium could not run: {why}")]) from None
        if done.returncode != 0 or not shot.is_file():
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no image"]
            raise KgError(
                [Problem(None, None, "--format png", f"Chromium could not draw the image: {message[0]}")]
            )
        atomic_write(target, shot.read_bytes())  # a rename could cross filesystems (EXDEV)


def write(spec: MapSpec, out: Path, *, fmt: str = "html") -> Path:
    """Write the map as ``html``, ``svg`` or ``png`` to ``out`` (temporary file, then rename)."""
    if fmt == "png":
        _png(render_svg(spec), out)
        return out
    return atomic_write(out, render_html(spec) if fmt == "html" else render_svg(spec))


MAP_KINDS = ("ecosystem", "cluster", "ego", "clusters")
"""The maps `draw` makes; ``cluster`` and ``ego`` are about one named node."""


def caption_text(lang: str, *, date: str, sources: int) -> str:
    """The caption under a map: the date of its data and how many sources back it.

    Examples
    --------
    >>> caption_text("en", date="2026-02-18", sources=270)
    'Data as of 2026-02-18: 270 public sources, cited for every tie.'
    """
    return TEXT[lang]["caption"].format(date=date, sources=sources)


def data_date(build: Path) -> str:
    """The date the build's data speaks for: its catalogue's ``dcterms:modified``.

    That is the newest date among the sources (`kg.catalog`), not the build file's
    modification time, so the same data gives a byte-identical page on any day.
    """
    import pyoxigraph as ox

    from kg.catalog import DATASET
    from kg.vocab import expand

    catalog = build / "catalog.ttl"
    if catalog.is_file():
        for triple in ox.parse(path=str(catalog), format=ox.RdfFormat.TURTLE):
            if triple.subject.value == DATASET and triple.predicate.value == expand("dcterms:modified"):
                return triple.object.value
    return "?"


def draw(
    build: Path,
    kind: str,
    *,
    name: str | None = None,
    depth: int = 1,
    lang: str = "it",
    title: str | None = None,
    fmt: str = "html",
    out: Path | None = None,
) -> tuple[Path, MapSpec]:
    """Draw map ``kind`` (one of `MAP_KINDS`) of a build and write it; the file and the map.

    ``name`` names the cluster (``cluster``) or the organisation (``ego``) by slug, label,
    alternative label or IRI. Without ``out`` the file is ``BUILD/maps/KIND[-SLUG].FMT``.

    Raises
    ------
    KgError
        When ``name`` names nothing (with suggestions), or the file cannot be written.
    """
    from kg.network import build_two_mode, find_node
    from kg.store import load_store, select

    store = load_store(build)
    two = build_two_mode(build, disputed=True)
    sources = select(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a foaf:Document }")[0]["n"]
    caption = caption_text(lang, date=data_date(build), sources=int(getattr(sources, "value", 0)))
    if kind == "cluster":
        node = find_node(two, str(name), kind=CLUSTER_KIND)
        spec = cluster_map(two, node, lang=lang, title=title, caption=caption)
    elif kind == "ego":
        node = find_node(two, str(name), kind=ORG_KIND)
        spec = ego_map(two, node, depth=depth, lang=lang, title=title, caption=caption)
    else:
        node = ""
        make = ecosystem_map if kind == "ecosystem" else clusters_map
        spec = make(two, lang=lang, title=title, caption=caption)
    suffix = f"-{node.rsplit('/', 1)[-1]}" if node else ""
    target = out or build / "maps" / f"{kind}{suffix}.{fmt}"
    return write(spec, target, fmt=fmt), spec


def embed_snippet(target: Path, spec: MapSpec) -> str:
    """An ``<iframe>`` that embeds the page in an article beside it."""
    return (
        f'<iframe src="{html.escape(target.name)}" title="{html.escape(spec.title)}" width="100%"'
        ' height="760" style="border:0" loading="lazy"></iframe>'
    )
