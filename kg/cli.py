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
from typing import TypeVar

import click

from kg.errors import KgError, Problem

__all__ = ["KeyValue", "build_option", "data_option", "main"]

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
def build_command(data_dir: Path, out_dir: Path, strict: bool) -> None:
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


@main.command("stats")
@build_option
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
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
@click.option(
    "--lang", type=click.Choice(["it", "en"]), default="it", show_default=True, help="Language of titles."
)
def query_list(lang: str) -> None:
    """List the saved queries with their titles and parameters.

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
        ]
        for q in library()
    ]
    click.echo(render(["name", "title", "params"], rows))


@query_group.command("run")
@click.argument("name")
@click.option(
    "--param", "params", type=KeyValue(), multiple=True, help="A parameter, name=value (repeatable)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "md"]),
    default="table",
    show_default=True,
    help="Output format; csv and json keep IRIs and add labels beside them.",
)
@click.option(
    "--lang", type=click.Choice(["it", "en"]), default="it", show_default=True, help="Language of labels."
)
@click.option("--endpoint", help="Run on this SPARQL 1.1 query endpoint instead of the embedded store.")
@build_option
@data_option
def query_run(
    name: str,
    params: tuple[tuple[str, str], ...],
    fmt: str,
    lang: str,
    endpoint: str | None,
    build_dir: Path,
    data_dir: Path,
) -> None:
    """Run a saved query (by name) or any .rq file, with bound parameters.

    Organisations, clusters and people are named by id, label or IRI.

    \b
    Example:
        kg query run members-of-cluster --param cluster=cosmetica --format csv
        kg query run open-calls --param date=2026-02-20
        kg query run bridges --endpoint http://127.0.0.1:7878/query
    """
    from kg.query import Embedded, Remote, find, labels_for, render_result, run

    query = find(name)
    engine: Embedded | Remote
    if endpoint:
        engine = Remote(endpoint)
    else:
        from kg.store import ensure_build, load_store

        engine = Embedded(load_store(ensure_build(build_dir, data_dir)))
    result = run(query, dict(params), engine)
    click.echo(render_result(result, fmt, labels_for(result, engine, lang)))


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
