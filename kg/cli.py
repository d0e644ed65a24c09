"""The ``kg`` command line: parse options, call the library, format the output.

Bad data and failed checks exit 1 with one ``file:line: field: message`` line per
problem on stderr and no traceback; usage errors exit 2 (click's own).
Heavy libraries are imported inside the commands that need them, so ``kg --help``
stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import KgError, Problem
from kg.tables import FORMATS
from kg.vocab import GRAPHS, LANGS

__all__ = ["KeyValue", "build_option", "data_option", "folder_option", "format_option", "lang_option", "main"]

F = TypeVar("F", bound=Callable[..., object])


class _Group(click.Group):
    """Prints every problem of a `KgError` and exits 1, once, for all commands."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KgError as error:
            if error.headline:
                click.echo(error.headline, err=True)
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


def folder_option(name: str, dest: str, help: str, default: str | None = None) -> Callable[[F], F]:
    """A ``--NAME DIR`` option read as a `pathlib.Path` (required when it has no default)."""
    return click.option(
        name,
        dest,
        type=click.Path(path_type=Path, file_okay=False),
        default=None if default is None else Path(default),
        required=default is None,
        show_default=default is not None,
        help=help,
    )


data_option = folder_option("--data", "data_dir", "Directory of curated YAML files.", "data")
"""``--data DIR``: the curated YAML (default ``data/``)."""

build_option = folder_option(
    "--build", "build_dir", "Build directory to read (built from data/ first when missing or older).", "build"
)
"""``--build DIR``: the graph to read, (re)built from data/ when missing or stale.

Every command that reads the graph takes this option; it calls `kg.store.ensure_build`
before reading.
"""


def format_option(help: str = "Output format.", choices: Sequence[str] = FORMATS) -> Callable[[F], F]:
    """``--format``: one of ``choices`` (`kg.tables.FORMATS` unless given), the first by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


def lang_option(help: str = "Language of labels.") -> Callable[[F], F]:
    """``--lang it|en`` (Italian by default)."""
    return click.option("--lang", type=click.Choice(LANGS), default=LANGS[0], show_default=True, help=help)


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
@folder_option("--out", "out_dir", "Directory for kg.ttl, kg.nt and kg.jsonld.", "build")
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
        from kg.reason import check

        click.echo(check(out_dir, data_dir=data_dir, write=True))


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


@main.command("ingest")
@click.argument("page", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--url", required=True, help="The page's own URL (the source to cite).")
@click.option("--date", help="The page's date (YYYY-MM-DD); '5 marzo' resolves against it.")
@click.option("--publisher", help="Who published the page, for a new source record.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the draft here.")
@format_option("A draft to review in data/, or a review table in Markdown.", ["yaml", "md"])
@data_option
def ingest_command(
    page: Path, url: str, date: str | None, publisher: str | None, out: Path | None, fmt: str, data_dir: Path
) -> None:
    """Draft sourced records from one press release (text or HTML), each with its evidence.

    \b
    Example:
        kg ingest release.html --url https://www.lombardianotizie.online/x/ --date 2026-02-17 \\
            --out data/drafts/release.yaml --format md
    """
    from kg.ingest import run

    click.echo(run(page, url=url, data=data_dir, date=date, publisher=publisher, out=out, fmt=fmt))


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
    from kg.reconcile import render_suggestions, suggest

    found = suggest(load_data(data_dir), min_score=min_score)
    click.echo(render_suggestions(found, fmt))
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


@main.command("site")
@build_option
@data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("build/site"),
    show_default=True,
    help="Folder of the site; replaced as a whole once every page is written.",
)
@click.option(
    "--lang",
    type=click.Choice([*LANGS, "both"]),
    default="both",
    show_default=True,
    help="Italian at the root, English under en/, or one language.",
)
def site_command(build_dir: Path, data_dir: Path, out_dir: Path, lang: str) -> None:
    """The ecosystem site: a page per cluster, organisation, person, act and source, offline.

    \b
    Example:
        kg site --out build/site && xdg-open build/site/index.html
    """
    from kg.site import write_site
    from kg.store import ensure_build

    report = write_site(ensure_build(build_dir, data_dir), out_dir, lang=lang)
    click.echo(
        f"wrote {report.pages} pages ({report.files} files, {report.size / 1e6:.1f} MB) into {report.out}"
    )
    click.echo(f"home page: {report.home}")


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
    from kg.query import library_table

    click.echo(library_table(lang))


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
    run unless --allow-update is given: an INSERT or DELETE is refused. A large build
    keeps each answer beside it (build/derived/), so the same question answers at once
    until the build changes; `kg query precompute` answers the saved ones in advance.

    \b
    Example:
        kg query run members-of-cluster --param cluster=cosmetica --format csv
        kg query run open-calls --param date=2026-02-20
        kg query run bridges --endpoint http://127.0.0.1:7878/query --timeout 30
    """
    from kg.query import execute, find, open_engine

    query = find(name)
    engine = open_engine(endpoint=endpoint, timeout=timeout, build_dir=build_dir, data_dir=data_dir)
    click.echo(execute(query, dict(params), engine, fmt=fmt, lang=lang, allow_update=allow_update))


@query_group.command("precompute")
@build_option
@data_option
def query_precompute(build_dir: Path, data_dir: Path) -> None:
    """Run every saved query without parameters on a large build and keep the answers beside it.

    A large build (queried from its on-disk store) keeps each answer in build/derived/,
    in every format and language, until it is rebuilt: `kg query run` then answers at
    once. Answers to queries with parameters are kept as they are first asked.

    \b
    Example:
        kg query precompute --build build
    """
    from kg.query import library, open_engine, precompute_table

    engine = open_engine(endpoint=None, timeout=None, build_dir=build_dir, data_dir=data_dir)
    click.echo(precompute_table(engine, library()))


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
    from kg.store import ensure_build, serve

    serve(ensure_build(build_dir, data_dir), host=host, port=port, announce=click.echo)


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


def _graph_options(function: F) -> F:
    function = format_option("Output format; csv and json keep IRIs.")(function)
    function = lang_option()(function)
    function = data_option(function)
    return build_option(function)


def _two_mode(build_dir: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    from kg.network import build_two_mode
    from kg.store import ensure_build

    return build_two_mode(ensure_build(build_dir, data_dir))


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
    from kg.network_tables import summary_table

    click.echo(summary_table(_two_mode(build_dir, data_dir)).render(fmt))


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

    from kg.network import write_metrics
    from kg.network_tables import central_table

    two = _two_mode(build_dir, data_dir)
    click.echo(central_table(two, which=which, measure=measure, top=top, k=k, lang=lang).render(fmt))
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
    from kg.network_tables import communities_table

    click.echo(communities_table(_two_mode(build_dir, data_dir), top=top, seed=seed, lang=lang).render(fmt))


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
    from kg.network_tables import brokers_table

    click.echo(brokers_table(_two_mode(build_dir, data_dir), top=top, k=k, lang=lang).render(fmt))


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
    from kg.network_tables import ego_table

    table = ego_table(_two_mode(build_dir, data_dir), name, which=which, radius=radius, lang=lang)
    click.echo(table.render(fmt))


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
    from kg.network_tables import render_paths

    two = _two_mode(build_dir, data_dir)
    click.echo(render_paths(two, source, target, limit=limit, lang=lang, fmt=fmt))


@network_group.command("export")
@folder_option("--out", "out_dir", "Directory for the GraphML, GEXF and CSV files.", "build/network")
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
    function = format_option("An interactive page, or a still image.", ["html", "png", "svg"])(function)
    function = click.option("--title", help="Title shown on the map.")(function)
    function = click.option(
        "--out",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Output file (default build/maps/KIND.html).",
    )(function)
    function = lang_option("Language of labels and texts.")(function)
    function = data_option(function)
    return build_option(function)


def _draw(kind: str, *, build_dir: Path, data_dir: Path, embed: bool, **options: Any) -> None:
    """Draw one map (`kg.viz.draw`) and say what was written."""
    from kg.store import ensure_build
    from kg.viz import draw, embed_snippet

    target, spec = draw(ensure_build(build_dir, data_dir), kind, **options)
    click.echo(f"wrote {target} ({len(spec.nodes)} nodes, {len(spec.edges)} edges)")
    if embed:
        click.echo(embed_snippet(target, spec))


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
    from kg.reason import check
    from kg.store import ensure_build

    click.echo(check(ensure_build(build_dir, data_dir), data_dir=data_dir, write=write, show=show))


@main.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@format_option("A table, Markdown release notes, or JSON.", ["table", "md", "json"])
@folder_option(
    "--data", "data_dir", "Where data/ is in the repository, for a side that is a revision.", "data"
)
def diff_command(old: str, new: str | None, fmt: str, data_dir: Path) -> None:
    """What changed in the ecosystem between two builds, grouped, each change with its source.

    OLD and NEW are build folders (kg build --out DIR) or git revisions of the
    repository (OLD..NEW is a range). A revision's data/ is exported into a temporary
    folder and built there with the current code, not the revision's own code.

    \b
    Example:
        kg diff HEAD~5 HEAD --format md      # release notes
        kg diff v0.1..HEAD
        kg diff build-old build               # two build folders
    """
    from kg.diff import diff, render_diff

    click.echo(render_diff(diff(old, new, data_dir=data_dir), fmt))


@main.command("synth")
@click.option(
    "--organisations", "count", type=click.IntRange(10), required=True, help="How many organisations."
)
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same files.")
@folder_option("--out", "out_dir", "Directory to write (a data/ of its own).")
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
