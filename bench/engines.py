"""Which engine answers the query library fastest? (python bench/engines.py [BUILD])

Loads build/kg.nt into pyoxigraph, rdflib (its own SPARQL engine) and rdflib over the
oxrdflib store, then runs every library query (with the parameters the tests use) on
each, and prints the median of five runs per step in milliseconds.

``python bench/engines.py --virtuoso BUILD [--synthetic] [--runs N] [--bulk-only]`` instead starts a
throw-away Virtuoso 7, times loading the build by the Graph Store Protocol (`kg push`,
digest login) and by Virtuoso's bulk loader (isql: ld_dir, rdf_loader_run, checkpoint),
then times every library query (``kg.query.run``: parameters bound, lists sorted) on
Virtuoso and on the embedded store, and checks that both give the same rows.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import rdflib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.query import Embedded, bind, inline_values, library  # noqa: E402 - after the path is set
from kg.store import load_store  # noqa: E402
from kg.vocab import PREFIXES  # noqa: E402


def median_ms(action, runs: int = 5) -> float:
    """Median wall time in ms, or NaN when the engine fails on the query."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            action()
        except Exception:  # noqa: BLE001 - an engine that cannot answer is reported, not fatal
            return float("nan")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(build: Path) -> None:
    nt = build / "kg.nt"
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    rows = [
        (
            "load kg.nt",
            median_ms(lambda: load_store(build)),
            median_ms(lambda: rdflib.Graph().parse(nt, format="nt")),
            median_ms(lambda: rdflib.Graph(store="Oxigraph").parse(nt, format="nt")),
        )
    ]
    store = load_store(build)
    plain = rdflib.Graph().parse(nt, format="nt")
    oxr = rdflib.Graph(store="Oxigraph")
    oxr.parse(nt, format="nt")
    engine = Embedded(store)
    for query in library():
        text = prologue + inline_values(query.text, bind(query, query.example, engine))
        rows.append(
            (
                query.name,
                median_ms(lambda t=text: list(store.query(t))),
                median_ms(lambda t=text: list(plain.query(t))),
                median_ms(lambda t=text: list(oxr.query(t))),
            )
        )
    print(f"triples: {len(store)}")
    print("| step | pyoxigraph ms | rdflib ms | rdflib+oxrdflib ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, *times in rows:
        print(f"| {name} | " + " | ".join("fails" if t != t else f"{t:.1f}" for t in times) + " |")
    total = [sum(r[i] for r in rows[1:] if r[i] == r[i]) for i in (1, 2, 3)]
    failed = [sum(1 for r in rows[1:] if r[i] != r[i]) for i in (1, 2, 3)]
    print("| all queries (failures) | " + " | ".join(f"{t:.1f} ({f})" for t, f in zip(total, failed)) + " |")


def seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def values(rows: list) -> list[list[str]]:
    """The text of each cell, as CSV writes it (a date's type is not written)."""
    return [["" if c is None else c.value for c in row] for row in rows]


def virtuoso(build: Path, *, synthetic: bool, runs: int, bulk_only: bool = False) -> None:
    """Load times by each method, and the query library on Virtuoso against the embedded store."""
    import tempfile

    from kg.errors import KgError
    from kg.query import Remote, run
    from kg.store import push
    from tests.virtuoso import GRAPH, scratch_server

    params = {}
    if synthetic:
        from bench.run import PARAMS

        params = PARAMS
    nt = build / "kg.nt"
    triples = sum(1 for _ in nt.open("rb"))
    print(f"build: {build} ({triples:,} triples, {nt.stat().st_size / 1e6:.0f} MB of N-Triples)")
    with (
        tempfile.TemporaryDirectory(prefix="virtuoso-bench-") as folder,
        scratch_server(Path(folder), allowed=(build.resolve(),), memory_gb=4.0) as server,
    ):
        clear = ("log_enable(3,1)", f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id('{GRAPH}')")
        bulk = (
            "DELETE FROM DB.DBA.load_list",
            f"ld_dir('{build.resolve()}', 'kg.nt', '{GRAPH}')",
            "rdf_loader_run()",
            "checkpoint",
        )
        loads = {
            "Graph Store Protocol PUT (kg push), into an empty graph": lambda: push(
                build, server.store, graph=GRAPH
            ),
            "Graph Store Protocol PUT (kg push), replacing the graph": lambda: push(
                build, server.store, graph=GRAPH
            ),
            "isql: delete the graph's quads": lambda: server.isql(*clear),
            "bulk loader (ld_dir, rdf_loader_run, checkpoint), into an empty graph": lambda: server.isql(
                *bulk
            ),
        }
        if bulk_only:  # at 2 million triples a single PUT can deadlock Virtuoso (see RESULTS.md)
            loads = {k: v for k, v in loads.items() if k.startswith("bulk loader")}
        print("| load | seconds |")
        print("| --- | ---: |")
        for name, action in loads.items():
            print(f"| {name} | {seconds(action):.1f} |", flush=True)
        remote = Remote(server.query, timeout=3600)
        local = Embedded(load_store(build))
        print("\n| query | embedded s | Virtuoso s | same rows |")
        print("| --- | ---: | ---: | --- |")
        totals = [0.0, 0.0]
        for query in library():
            given = params.get(query.name, query.example)
            here = min(seconds(lambda q=query, g=given: run(q, g, local)) for _ in range(runs))
            try:
                there = min(seconds(lambda q=query, g=given: run(q, g, remote)) for _ in range(runs))
            except KgError as error:  # reported in the table, not fatal
                print(
                    f"| {query.name} | {here:.3f} | fails: {str(error).split(': ', 3)[-1][:90]} | |",
                    flush=True,
                )
                continue
            a, b = run(query, given, local), run(query, given, remote)
            same = a.variables == b.variables and values(a.rows) == values(b.rows)
            totals[0] += here
            totals[1] += there
            print(f"| {query.name} | {here:.3f} | {there:.3f} | {'yes' if same else 'NO'} |", flush=True)
        print(f"| whole library | {totals[0]:.2f} | {totals[1]:.2f} | |")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if "--virtuoso" in arguments:
        arguments.remove("--virtuoso")
        synthetic = "--synthetic" in arguments
        bulk_only = "--bulk-only" in arguments
        arguments = [a for a in arguments if a not in ("--synthetic", "--bulk-only")]
        runs = 3
        if "--runs" in arguments:
            at = arguments.index("--runs")
            runs = int(arguments[at + 1])
            del arguments[at : at + 2]
        build = Path(arguments[0] if arguments else "build")
        virtuoso(build, synthetic=synthetic, runs=runs, bulk_only=bulk_only)
    else:
        main(Path(arguments[0] if arguments else "build"))
