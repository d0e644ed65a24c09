"""The ``kg`` command line: parse options, call the library, format the output.

Bad data and failed checks exit 1 with one ``file:line: field: message`` line per
problem on stderr and no traceback; usage errors exit 2 (click's own).
Heavy libraries are imported inside the commands that need them, so ``kg --help``
stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import KgError, Problem
from kg.tables import FORMATS

__all__ = ["KeyValue", "build_option", "data_option", "format_option", "lang_option", "main"]

F = TypeVar("F", bound=Callable[..., object])


class _Group(click.Group):
    """Prints every problem of a `KgError` and exits 1, once, for all commands."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KgError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            count = len(error.problems)
            click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
            sys.exit(1)


class KeyValue(click.ParamType):
    """``name=value`` for ``--param``; a missing ``=`` is a usage error (exit 2)."""

    name = "name=value"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value  # type: ignore[return-value]
        text = str(value)
        key, sep, rest = text.partition("=")
        if not sep or not key.strip():
            self.fail(f"{text!r} is not name=value", param, ctx)
        return key.strip(), rest


def _warn(warnings: list[Problem]) -> None:
    for problem in warnings:
        click.echo(f"warning: {problem}", err=True)


def data_option(function: F) -> F:
    """``--data DIR``: the curated YAML (default ``data/``)."""
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("data"),
        show_default=True,
        help="Directory of curated YAML files.",
    )(function)


def build_option(function: F) -> F:
    """``--build DIR``: the graph to read, (re)built from data/ when missing or stale.

    Every command that reads the graph takes this option; it calls
    `kg.build.ensure_build` before reading.
    """
    return click.option(
        "--build",
        "build_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("build"),
        show_default=True,
        help="Build directory to read (built from data/ first when missing or older).",
    )(function)


def format_option(help: str = "Output format.") -> Callable[[F], F]:
    """``--format``: one of `kg.tables.FORMATS` (table by default)."""
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help=help
    )


def lang_option(help: str = "Language of labels.") -> Callable[[F], F]:
    """``--lang it|en`` (Italian by default)."""
    return click.option("--lang", type=click.Choice(["it", "en"]), default="it", show_default=True, help=help)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lombardia-kg", prog_name="kg")
def main() -> None:
    """The Lombardy innovation knowledge graph: clusters, partners, people, policy acts.

    \b
    Example:
        kg build            # validate data/ and write build/kg.ttl, kg.nt, kg.jsonld
        kg validate --data data
    """


@main.command("build")
@data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Directory for kg.ttl, kg.nt and kg.jsonld.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too (an act without a date, ...).")
@click.option(
    "--reason",
    "with_reasoner",
    is_flag=True,
    help="Also run the OWL reasoner (HermiT, needs Java) and write inferred.ttl.",
)
def build_command(data_dir: Path, out_dir: Path, strict: bool, with_reasoner: bool) -> None:
    """Validate data/, convert it to RDF, check the SHACL shapes and write the build.

    The outputs are replaced only when every check passes; the same data gives
    byte-identical files.

    \b
    Example:
        kg build --data data --out build
    """
    from kg.build import write_build

    report = write_build(data_dir, out_dir, strict=strict)
    _warn(report.warnings)
    for path in report.files:
        click.echo(f"wrote {path}")
    click.echo(report.summary())
    if with_reasoner:
        from kg.reason import reason, write_inferred

        result = reason(out_dir, data_dir=data_dir)
        if not result.consistent:
            raise KgError(result.problems)
        click.echo(
            f"consistent (HermiT, {result.seconds:.1f} s); wrote {write_inferred(result, out_dir)}"
            f" ({len(result.inferred)} inferred triples)"
        )


@main.command("validate")
@data_option
@click.option("--strict", is_flag=True, help="Fail on warnings too (an act without a date, ...).")
def validate_command(data_dir: Path, strict: bool) -> None:
    """Run every check of a build (schema, references, SHACL shapes) and write nothing.

    Exits 1 with one line per problem: file:line: field: message.

    \b
    Example:
        kg validate --data data
    """
    from kg.build import validate

    report = validate(data_dir, strict=strict)
    _warn(report.warnings)
    click.echo(f"{data_dir}: valid ({report.triples} triples)")


@main.command("reconcile")
@data_option
@click.option(
    "--min-score", type=click.FloatRange(0, 1), default=0.7, show_default=True, help="Weakest evidence shown."
)
@format_option()
def reconcile_command(data_dir: Path, min_score: float, fmt: str) -> None:
    """Suggest organisations that are likely one, or a part and its whole, with the evidence.

    Record the decision on the first record (same_as, distinct_from or part_of, with a
    source or a note); a decided pair is not suggested again.

    \b
    Example:
        kg reconcile
        kg reconcile --format csv > to-check.csv
    """
    from kg.model import load_data
    from kg.reconcile import suggest
    from kg.tables import render

    found = suggest(load_data(data_dir), min_score=min_score)
    rows = [[s.first, s.second, s.kind, f"{s.score:.2f}", "; ".join(s.evidence)] for s in found]
    click.echo(render(["first", "second", "kind", "score", "evidence"], rows, fmt))
    if fmt == "table":
        click.echo(f"{len(found)} pair{'s' if len(found) != 1 else ''} to decide.", err=True)


@main.command("stats")
@build_option
@data_option
@format_option()
@click.option(
    "--write",
    "write_to",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Replace the generated part of this Markdown file (between the kg stats markers).",
)
def stats_command(build_dir: Path, data_dir: Path, fmt: str, write_to: Path | None) -> None:
    """Coverage: counts by type, members known against declared, facts without dates or sources.

    \b
    Example:
        kg stats
        kg stats --format md --write docs/COVERAGE.md
    """
    from kg.stats import coverage, render_coverage, write_coverage
    from kg.store import ensure_build, load_store

    report = coverage(load_store(ensure_build(build_dir, data_dir)))
    if write_to is not None:
        write_coverage(report, write_to)
        click.echo(f"updated {write_to}")
    else:
        click.echo(render_coverage(report, fmt))


@main.group("query")
def query_group() -> None:
    """The saved SPARQL queries: list them, run them on the build or on an endpoint.

    \b
    Example:
        kg query list
        kg query run members-of-cluster --param cluster=cosmetica
    """


@query_group.command("list")
@lang_option("Language of titles.")
def query_list(lang: str) -> None:
    """List the saved queries with their titles, parameters and an example command.

    \b
    Example:
        kg query list --lang en
    """
    from kg.query import library
    from kg.tables import render

    rows = [
        [
            q.name,
            (q.title_en or q.title) if lang == "en" else (q.title or q.title_en),
            ", ".join(p.name for p in q.params),
            q.example_command() if q.example else "",
        ]
        for q in library()
    ]
    click.echo(render(["name", "title", "params", "example"], rows))


@query_group.command("run")
@click.argument("name")
@click.option(
    "--param", "params", type=KeyValue(), multiple=True, help="A parameter, name=value (repeatable)."
)
@format_option("Output format; csv and json keep IRIs and add labels beside them.")
@lang_option()
@click.option("--endpoint", help="Run on this SPARQL 1.1 query endpoint instead of the embedded store.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Stop a query still running after this many seconds (default: no limit; 60 on an endpoint).",
)
@click.option(
    "--allow-update",
    is_flag=True,
    help="Run a SPARQL Update: on --endpoint it changes that server; on the embedded store it only "
    "reports what it would change (the build is made from data/).",
)
@build_option
@data_option
def query_run(
    name: str,
    params: tuple[tuple[str, str], ...],
    fmt: str,
    lang: str,
    endpoint: str | None,
    timeout: float | None,
    allow_update: bool,
    build_dir: Path,
    data_dir: Path,
) -> None:
    """Run a saved query (by name) or any .rq file, with bound parameters.

    Organisations, clusters and people are named by id, label or IRI. Only queries
    run unless --allow-update is given: an INSERT or DELETE is refused.

    \b
    Example:
        kg query run members-of-cluster --param cluster=cosmetica --format csv
        kg query run open-calls --param date=2026-02-20
        kg query run bridges --endpoint http://127.0.0.1:7878/query --timeout 30
    """
    from kg.query import Embedded, Remote, find, labels_for, render_result, run, update_keyword

    query = find(name)
    engine: Embedded | Remote
    if endpoint:
        engine = Remote(endpoint, timeout=timeout or 60.0)
    else:
        from kg.store import ensure_build, load_store

        engine = Embedded(load_store(ensure_build(build_dir, data_dir)), timeout=timeout)
    operation = update_keyword(query.text)
    if operation is not None:
        _update(query, operation, engine, allow_update, bool(params))
        return
    result = run(query, dict(params), engine)
    click.echo(render_result(result, fmt, labels_for(result, engine, lang)))


def _update(query, operation: str, engine, allowed: bool, with_params: bool) -> None:  # type: ignore[no-untyped-def]
    """Apply, or refuse, a SPARQL Update given to ``kg query run``."""
    from kg.query import Embedded

    where = "the embedded store" if isinstance(engine, Embedded) else engine.endpoint
    if not allowed:
        raise KgError(
            [
                Problem(
                    query.path,
                    None,
                    "query",
                    f"this is a SPARQL Update ({operation}) and kg query run only reads {where}; "
                    "change data/ and rebuild, or add --allow-update",
                )
            ]
        )
    if with_params:
        raise KgError([Problem(query.path, None, "--param", "an update takes no parameters")])
    if isinstance(engine, Embedded):
        added, removed = engine.update(query.text, source=query.path)
        click.echo(
            f"{added} triples would be added and {removed} removed; the build is unchanged "
            "(it is made from data/: change data/ and rebuild to keep a fact)."
        )
    else:
        status = engine.update(query.text, source=query.path)
        click.echo(f"{engine.endpoint} applied the update (HTTP {status}).")


@main.command("serve")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="Port on 127.0.0.1."
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback unless you mean it)."
)
@build_option
@data_option
def serve_cli(port: int, host: str, build_dir: Path, data_dir: Path) -> None:
    """Serve the build read-only with Oxigraph's SPARQL server and its query page.

    The SPARQL 1.1 query endpoint is http://HOST:PORT/query. Ctrl-C stops it.

    \b
    Example:
        kg serve --port 7878
        kg query run bridges --endpoint http://127.0.0.1:7878/query
    """
    import signal
    import subprocess

    from kg.store import ensure_build, serve_command

    command = serve_command(ensure_build(build_dir, data_dir), host=host, port=port)
    click.echo(
        f"SPARQL endpoint: http://{host}:{port}/query (query page: http://{host}:{port}/); Ctrl-C stops it"
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, and a plain kill, stop the server cleanly (even when started in the background)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    server = subprocess.Popen(command)
    try:
        code = server.wait()
    except KeyboardInterrupt:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        click.echo("stopped")
        return
    if code != 0:
        raise KgError([Problem(Path(command[0]), None, "serve", f"the server stopped with code {code}")])


@main.command("push")
@click.option("--endpoint", required=True, help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store.")
@click.option("--graph", help="Named graph IRI to replace (default: the default graph).")
@build_option
@data_option
def push_cli(endpoint: str, graph: str | None, build_dir: Path, data_dir: Path) -> None:
    """Load the build into a SPARQL 1.1 Graph Store Protocol endpoint, replacing that graph.

    \b
    Example:
        kg push --endpoint http://127.0.0.1:7878/store
        kg push --endpoint http://localhost:3030/lombardia/data --graph https://w3id.org/lombardia-kg/graph
    """
    from kg.store import ensure_build, push

    status = push(ensure_build(build_dir, data_dir), endpoint, graph=graph)
    target = "the default graph" if graph is None else graph
    click.echo(f"pushed {build_dir / 'kg.nt'} to {endpoint} ({target}): HTTP {status}")


# --------------------------------------------------------------------------- kg network

GRAPHS = ("organisations", "clusters", "two-mode")


def _graph_options(function: F) -> F:
    function = format_option("Output format; csv and json keep IRIs.")(function)
    function = lang_option()(function)
    function = data_option(function)
    return build_option(function)


def _two_mode(build_dir: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    from kg.network import two_mode
    from kg.store import ensure_build, load_store

    return two_mode(load_store(ensure_build(build_dir, data_dir)))


def _pick(two, name: str):  # type: ignore[no-untyped-def]
    from kg.network import cluster_projection, organisation_projection

    return {"organisations": organisation_projection, "clusters": cluster_projection}.get(name, lambda g: g)(
        two
    )


def _label(graph, node: str, lang: str) -> str:  # type: ignore[no-untyped-def]
    data = graph.nodes[node]
    return str((data.get("label_en") if lang == "en" else None) or data.get("label") or node)


def _emit(headers: list[str], rows: list[list[object]], fmt: str, iri_columns: tuple[int, ...] = ()) -> None:
    """Rows whose first cells are (IRI, label) pairs: labels in tables, both in CSV/JSON."""
    from kg.tables import render

    if fmt in ("table", "md"):
        cells = [[c[1] if i in iri_columns else c for i, c in enumerate(r)] for r in rows]  # type: ignore[index]
        click.echo(render(headers, cells, fmt))  # type: ignore[arg-type]
        return
    wide_headers: list[str] = []
    for i, h in enumerate(headers):
        wide_headers += [h, f"{h}_label"] if i in iri_columns else [h]
    wide = []
    for r in rows:
        row: list[object] = []
        for i, c in enumerate(r):
            row += list(c) if i in iri_columns else [c]  # type: ignore[call-overload]
        wide.append(row)
    click.echo(render(wide_headers, wide, fmt))  # type: ignore[arg-type]


@main.group("network")
def network_group() -> None:
    """Who partners with whom: NetworkX analysis of organisations and clusters.

    The two-mode graph links organisations to their clusters; the organisation
    projection links organisations that share clusters (weight = clusters shared);
    the cluster projection links clusters that share members (weight = members shared).
    Disputed memberships are left out.

    \b
    Example:
        kg network summary
        kg network path politecnico-di-milano lumson
    """


@network_group.command("summary")
@_graph_options
def network_summary(build_dir: Path, data_dir: Path, lang: str, fmt: str) -> None:
    """Nodes, edges, density and components of the three graphs.

    \b
    Example:
        kg network summary --format md
    """
    from kg.network import summary

    two = _two_mode(build_dir, data_dir)
    rows: list[list[object]] = []
    for name in ("two-mode", "organisations", "clusters"):
        s = summary(_pick(two, name))
        top_degree = len(s.degree_histogram) - 1
        rows.append(
            [name, s.nodes, s.edges, f"{s.density:.4f}", s.components, s.largest_component, top_degree]
        )
    _emit(["graph", "nodes", "edges", "density", "components", "largest component", "max degree"], rows, fmt)


@network_group.command("central")
@click.option("--graph", "which", type=click.Choice(GRAPHS), default="organisations", show_default=True)
@click.option(
    "--measure",
    type=click.Choice(["degree", "weighted-degree", "betweenness", "eigenvector"]),
    default="degree",
    show_default=True,
)
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
@click.option("--k", type=click.IntRange(1), help="Sample K sources for betweenness (large graphs).")
@click.option("--write-back", is_flag=True, help="Also store the measures in BUILD/metrics.ttl for SPARQL.")
@_graph_options
def network_central(
    which: str,
    measure: str,
    top: int,
    k: int | None,
    write_back: bool,
    build_dir: Path,
    data_dir: Path,
    lang: str,
    fmt: str,
) -> None:
    """The most central organisations (or clusters) by degree, betweenness or eigenvector.

    \b
    Example:
        kg network central --measure betweenness --top 5
        kg network central --graph clusters --measure weighted-degree
        kg network central --write-back
    """
    import datetime

    from kg.network import central, write_metrics

    two = _two_mode(build_dir, data_dir)
    graph = _pick(two, which)
    rows: list[list[object]] = [
        [(node, _label(graph, node, lang)), graph.nodes[node].get("type", ""), round(score, 6)]
        for node, score in central(graph, measure=measure, top=top, k=k)
    ]
    _emit(["node", "type", measure], rows, fmt, iri_columns=(0,))
    if write_back:
        target = build_dir / "metrics.ttl"
        count = write_metrics(two, target, day=datetime.date.today().isoformat())
        click.echo(f"wrote {count} triples to {target}", err=True)


@network_group.command("communities")
@click.option(
    "--top", type=click.IntRange(1), default=10, show_default=True, help="Largest communities shown."
)
@click.option("--seed", type=int, default=42, show_default=True, help="Louvain's random seed.")
@_graph_options
def network_communities(top: int, seed: int, build_dir: Path, data_dir: Path, lang: str, fmt: str) -> None:
    """Louvain communities of organisations, set against the official clusters.

    A community "cuts across" when no single cluster holds all its members.

    \b
    Example:
        kg network communities --top 5
    """
    from kg.network import communities, organisation_projection

    two = _two_mode(build_dir, data_dir)
    found = communities(organisation_projection(two), two, seed=seed)
    rows: list[list[object]] = []
    for index, community in enumerate(found[:top], 1):
        clusters = ", ".join(f"{_label(two, c, lang)} ({n})" for c, n in list(community.clusters.items())[:4])
        sample = ", ".join(_label(two, m, lang) for m in community.members[:5])
        rows.append([index, len(community.members), "yes" if community.cuts_across else "", clusters, sample])
    _emit(
        ["community", "members", "cuts across clusters", "clusters (members in them)", "some members"],
        rows,
        fmt,
    )


@network_group.command("brokers")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
@click.option("--k", type=click.IntRange(1), help="Sample K sources for betweenness (large graphs).")
@_graph_options
def network_brokers(top: int, k: int | None, build_dir: Path, data_dir: Path, lang: str, fmt: str) -> None:
    """Organisations that hold the network together: betweenness, Burt's constraint, cut points.

    \b
    Example:
        kg network brokers --top 5
    """
    from kg.network import brokers, organisation_projection

    graph = organisation_projection(_two_mode(build_dir, data_dir))
    rows: list[list[object]] = [
        [
            (b.node, _label(graph, b.node, lang)),
            round(b.betweenness, 6),
            round(b.constraint, 4),
            "yes" if b.splits else "",
        ]
        for b in brokers(graph, top=top, k=k)
    ]
    _emit(
        ["organisation", "betweenness", "constraint", "removal splits the network"],
        rows,
        fmt,
        iri_columns=(0,),
    )


@network_group.command("ego")
@click.argument("name")
@click.option("--graph", "which", type=click.Choice(GRAPHS), default="organisations", show_default=True)
@click.option("--radius", type=click.IntRange(1, 5), default=1, show_default=True)
@_graph_options
def network_ego(
    name: str, which: str, radius: int, build_dir: Path, data_dir: Path, lang: str, fmt: str
) -> None:
    """An organisation's (or cluster's) neighbourhood: who it partners with, and how strongly.

    \b
    Example:
        kg network ego "Politecnico di Milano"
        kg network ego lumson --graph two-mode --radius 2
    """
    from kg.network import ego, find_node

    graph = _pick(_two_mode(build_dir, data_dir), which)
    centre = find_node(graph, name)
    neighbourhood = ego(graph, centre, radius=radius)
    import networkx as nx

    steps = nx.single_source_shortest_path_length(neighbourhood, centre)
    rows: list[list[object]] = []
    for node in sorted(neighbourhood, key=lambda n: (steps[n], _label(graph, n, lang))):
        if node == centre:
            continue
        weight = graph.edges[centre, node].get("weight", "") if graph.has_edge(centre, node) else ""
        rows.append(
            [(node, _label(graph, node, lang)), graph.nodes[node].get("type", ""), steps[node], weight]
        )
    _emit(["neighbour", "type", "steps", "weight"], rows, fmt, iri_columns=(0,))


@network_group.command("path")
@click.argument("source")
@click.argument("target")
@click.option(
    "--limit", type=click.IntRange(1), default=5, show_default=True, help="How many shortest chains."
)
@_graph_options
def network_path(
    source: str, target: str, limit: int, build_dir: Path, data_dir: Path, lang: str, fmt: str
) -> None:
    """How one organisation reaches another through shared clusters, step by step, with sources.

    \b
    Example:
        kg network path "Politecnico di Milano" Lumson
    """
    import json

    from kg.network import ORG_KIND, explain_paths, find_node
    from kg.query import labels_for_terms

    two = _two_mode(build_dir, data_dir)
    a, b = find_node(two, source, kind=ORG_KIND), find_node(two, target, kind=ORG_KIND)
    chains = explain_paths(two, a, b, limit=limit)
    roles = labels_for_terms(sorted({r for chain in chains for step in chain for r in step.roles}), lang)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    [
                        {
                            "organisation": s.organisation,
                            "organisation_label": _label(two, s.organisation, lang),
                            "cluster": s.cluster,
                            "cluster_label": _label(two, s.cluster, lang),
                            "roles": list(s.roles),
                            "sources": list(s.sources),
                        }
                        for s in chain
                    ]
                    for chain in chains
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if fmt in ("csv", "md"):
        rows: list[list[object]] = [
            [
                n,
                (s.organisation, _label(two, s.organisation, lang)),
                ", ".join(roles.get(r, r) for r in s.roles),
                (s.cluster, _label(two, s.cluster, lang)),
                " ".join(s.sources),
            ]
            for n, chain in enumerate(chains, 1)
            for s in chain
        ]
        _emit(["chain", "organisation", "role", "cluster", "sources"], rows, fmt, iri_columns=(1, 3))
        return
    for number, chain in enumerate(chains, 1):
        click.echo(
            f"{number}. {_label(two, a, lang)} … {_label(two, b, lang)} ({len(chain) // 2} shared clusters)"
        )
        for step in chain:
            role = " / ".join(roles.get(r, r) for r in step.roles)
            org, cluster = _label(two, step.organisation, lang), _label(two, step.cluster, lang)
            line = f"{org} — {role} → {cluster}" if step.towards_cluster else f"{cluster} ← {role} — {org}"
            click.echo(f"   {line}")
            for url in step.sources:
                click.echo(f"      source: {url}")


@network_group.command("export")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/network"),
    show_default=True,
)
@build_option
@data_option
def network_export(out_dir: Path, build_dir: Path, data_dir: Path) -> None:
    """Write the three graphs as GraphML and GEXF (for Gephi) and as CSV edge lists.

    \b
    Example:
        kg network export --out build/network
    """
    from kg.network import export

    for path in export(_two_mode(build_dir, data_dir), out_dir):
        click.echo(f"wrote {path}")


# --------------------------------------------------------------------------- kg viz


def _viz_options(function: F) -> F:
    function = click.option("--embed", is_flag=True, help="Also print an <iframe> snippet for the page.")(
        function
    )
    function = click.option(
        "--format",
        "fmt",
        type=click.Choice(["html", "png", "svg"]),
        default="html",
        show_default=True,
        help="An interactive page, or a still image.",
    )(function)
    function = click.option("--title", help="Title shown on the map.")(function)
    function = click.option(
        "--out",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Output file (default build/maps/KIND.html).",
    )(function)
    function = lang_option("Language of labels and texts.")(function)
    function = data_option(function)
    return build_option(function)


def _draw(
    kind: str,
    *,
    build_dir: Path,
    data_dir: Path,
    lang: str,
    out: Path | None,
    title: str | None,
    fmt: str,
    embed: bool,
    name: str | None = None,
    depth: int = 1,
) -> None:
    import datetime

    from kg.network import CLUSTER_KIND, ORG_KIND, find_node, two_mode
    from kg.store import ensure_build, load_store, select
    from kg.viz import cluster_map, clusters_map, ecosystem_map, ego_map, write

    build = ensure_build(build_dir, data_dir)
    store = load_store(build)
    two = two_mode(store, disputed=True)
    sources = select(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a foaf:Document }")[0]["n"]
    day = datetime.date.fromtimestamp((build / "kg.nt").stat().st_mtime).isoformat()
    caption = TEXTS_CAPTION[lang].format(date=day, sources=getattr(sources, "value", 0))
    if kind == "ecosystem":
        spec = ecosystem_map(two, lang=lang, title=title, caption=caption)
    elif kind == "cluster":
        spec = cluster_map(
            two, find_node(two, str(name), kind=CLUSTER_KIND), lang=lang, title=title, caption=caption
        )
    elif kind == "ego":
        spec = ego_map(
            two,
            find_node(two, str(name), kind=ORG_KIND),
            depth=depth,
            lang=lang,
            title=title,
            caption=caption,
        )
    else:
        spec = clusters_map(two, lang=lang, title=title, caption=caption)
    suffix = f"-{find_node(two, str(name)).rsplit('/', 1)[-1]}" if name else ""
    target = out or build / "maps" / f"{kind}{suffix}.{fmt}"
    write(spec, target, fmt=fmt)
    click.echo(f"wrote {target} ({len(spec.nodes)} nodes, {len(spec.edges)} edges)")
    if embed:
        import html

        click.echo(
            f'<iframe src="{html.escape(target.name)}" title="{html.escape(spec.title)}" width="100%"'
            ' height="760" style="border:0" loading="lazy"></iframe>'
        )


TEXTS_CAPTION = {
    "it": "Dati al {date}: {sources} fonti pubbliche, citate per ogni legame.",
    "en": "Data as of {date}: {sources} public sources, cited for every tie.",
}


@main.group("viz")
def viz_group() -> None:
    """Maps of who partners with whom: self-contained HTML pages (offline) or still images.

    \b
    Example:
        kg viz ecosystem
        kg viz cluster cosmetica --lang en --out cosmetics.html --embed
    """


@viz_group.command("ecosystem")
@_viz_options
def viz_ecosystem(**options: Any) -> None:
    """Every organisation and cluster, sized by how many ties they have.

    \b
    Example:
        kg viz ecosystem --out ecosistema.html
        kg viz ecosystem --format png --out ecosistema.png
    """
    _draw("ecosystem", **options)


@viz_group.command("cluster")
@click.argument("name")
@_viz_options
def viz_cluster(**options: Any) -> None:
    """One cluster and its members; disputed claims drawn dashed.

    \b
    Example:
        kg viz cluster cosmetica
        kg viz cluster "Lombardia Aerospace Cluster" --lang en
    """
    _draw("cluster", **options)


@viz_group.command("ego")
@click.argument("name")
@click.option(
    "--depth",
    type=click.IntRange(1, 3),
    default=1,
    show_default=True,
    help="How many clusters away from the organisation.",
)
@_viz_options
def viz_ego(**options: Any) -> None:
    """One organisation's neighbourhood: its clusters and their members.

    \b
    Example:
        kg viz ego "Politecnico di Milano" --depth 2
    """
    _draw("ego", **options)


@viz_group.command("clusters")
@_viz_options
def viz_clusters(**options: Any) -> None:
    """The clusters, linked by the members they share (wider = more shared members).

    \b
    Example:
        kg viz clusters --format svg --out clusters.svg
    """
    _draw("clusters", **options)


@main.command("reason")
@click.option(
    "--write", is_flag=True, help="Save the inferred triples to BUILD/inferred.ttl (queries load it)."
)
@click.option("--show", is_flag=True, help="List every inferred triple, not only the counts.")
@build_option
@data_option
def reason_command(write: bool, show: bool, build_dir: Path, data_dir: Path) -> None:
    """OWL 2 reasoning with HermiT: is the graph consistent, and what does it imply?

    An inconsistency is explained in plain words at the record it comes from.
    Needs Java 17.

    \b
    Example:
        kg reason
        kg reason --write --show
    """
    from kg.reason import reason, write_inferred
    from kg.store import ensure_build

    result = reason(ensure_build(build_dir, data_dir), data_dir=data_dir)
    if not result.consistent:
        click.echo("The graph is inconsistent:", err=True)
        raise KgError(result.problems)
    click.echo(f"consistent (HermiT, {result.seconds:.1f} s)")
    for cls in result.unsatisfiable:
        click.echo(f"unsatisfiable class: {cls}")
    click.echo(f"{len(result.inferred)} inferred triples")
    for what, count in result.counts().items():
        click.echo(f"  {what:<40}{count}")
    if show:
        from kg.vocab import compact

        for triple in result.inferred:
            parts = (triple.subject, triple.predicate, triple.object)
            click.echo(" ".join(compact(str(getattr(term, "value", term))) for term in parts))
    if write:
        click.echo(f"wrote {write_inferred(result, build_dir)}")


@main.command("synth")
@click.option(
    "--organisations", "count", type=click.IntRange(10), required=True, help="How many organisations."
)
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same files.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Directory to write (a data/ of its own).",
)
def synth_command(count: int, seed: int, out_dir: Path) -> None:
    """Write a synthetic ecosystem in data/'s format, for benchmarks only (marked synthetic everywhere).

    \b
    Example:
        kg synth --organisations 10000 --out /tmp/synthetic
        kg build --data /tmp/synthetic --out /tmp/synthetic-build
    """
    from kg.synth import synthesise

    counts = synthesise(count, out_dir, seed=seed)
    click.echo(f"wrote {out_dir}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
