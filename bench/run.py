"""The benchmark: every step of the pipeline at several sizes. python bench/run.py [N ...]

For each N (default 1,000, 10,000 and 100,000 organisations) it synthesises an ecosystem
with `kg synth`, then times each step (median of ``--runs`` runs, one run at 100,000)
and the whole `kg build` as a separate process (wall time and peak memory). Queries run
on the embedded engine and, where the graph is small enough to finish (N ≤ 10,000, 60 s
per query at most), on rdflib's own engine, as a ratio in the same run.

Writes bench/RESULTS.md (with the machine's description) and docs/bench-steps.png (time
against N per step, drawn as SVG and rendered by headless Chromium when present).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser import drawn_seconds  # noqa: E402 - after the path is set
from bench.network_scale import timed  # noqa: E402 - one timing helper for all benchmarks

PARAMS = {
    "members-of-cluster": {"cluster": "synthetic-cluster-00001"},
    "clusters-of-organisation": {"organisation": "synthetic-organisation-0000007"},
    "acts-of-cluster": {"cluster": "synthetic-cluster-00001"},
    "open-calls": {"date": "2025-02-01"},
    "members-at-date": {"cluster": "synthetic-cluster-00001", "date": "2020-06-01"},
    "posts-at-date": {"resource": "synthetic-person-0000001", "date": "2024-05-01"},
    "sources-of": {"resource": "synthetic-organisation-0000007"},
    "declared-size": {"cluster": "synthetic-cluster-00001"},
}


def rdflib_query_seconds(nt: Path, query: str, limit: float) -> float | None:
    """rdflib's own engine on a graph it has already parsed (parse time excluded), or None past ``limit``."""
    code = (
        "import sys, time, rdflib\n"
        "g = rdflib.Graph().parse(sys.argv[1], format='nt')\n"
        "q = open(sys.argv[2]).read()\n"
        "t = time.perf_counter(); list(g.query(q)); print(time.perf_counter() - t)\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".rq", delete=False) as stream:
        stream.write(query)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(nt), stream.name],
            capture_output=True,
            text=True,
            timeout=limit + 120,
            check=False,
        )
        return float(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    except subprocess.TimeoutExpired:
        return None
    finally:
        os.unlink(stream.name)


def build_stages(data: Path, runs: int) -> dict[str, float | str]:
    """Each stage of ``kg build`` alone (what the build holds is freed on return)."""
    from kg.build import canonical, check_shapes
    from kg.model import load_data
    from kg.rdf import to_triples

    row: dict[str, float | str] = {}
    row["YAML load + checks"], dataset = timed(lambda: load_data(data), runs)
    row["RDF conversion"], converted = timed(lambda: to_triples(dataset), runs)  # type: ignore[arg-type]
    triples, origins = converted  # type: ignore[misc]
    row["canonical sort"], nt = timed(lambda: canonical(triples), runs)
    row["SHACL"], _ = timed(lambda: check_shapes(triples, origins, ntriples=nt), runs)  # type: ignore[arg-type]
    return row


def measure(n: int, runs: int, folder: Path, rdflib_limit: int) -> dict[str, float | str]:
    from kg.network import (
        central,
        cluster_projection,
        organisation_central,
        organisation_projection,
        summary,
        two_mode,
    )
    from kg.query import Embedded, bind, inline_values, library, run
    from kg.runtime import paused_gc
    from kg.store import load_store, persisted_store
    from kg.synth import synthesise
    from kg.viz import ecosystem_map, write
    from kg.vocab import PREFIXES

    data, build = folder / f"data-{n}", folder / f"build-{n}"
    row: dict[str, float | str] = {}
    row["synth"], _ = timed(lambda: synthesise(n, data), 1)
    with paused_gc():  # as in kg build
        row.update(build_stages(data, runs))
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--data", str(data), "--out", str(build)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    row["kg build (whole)"] = time.perf_counter() - start
    row["kg build peak GB"] = (
        f"{max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1e6:.2f}"
    )
    row["triples"] = f"{sum(1 for _ in (build / 'kg.nt').open('rb')):,}"
    parse = [
        sys.executable,
        "-c",
        "import rdflib, sys; rdflib.Graph().parse(sys.argv[1], format='nt')",
        str(build / "kg.nt"),
    ]
    row["rdflib parse kg.nt (process)"], _ = timed(lambda: subprocess.run(parse, check=True), 1)
    row["load into Oxigraph"], store = timed(lambda: load_store(build, persisted=False), runs)
    engine = Embedded(store)  # type: ignore[arg-type]
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    row["on-disk store (once per build)"], _ = timed(lambda: persisted_store(build), 1)
    for query in library():
        seconds, _ = timed(lambda q=query: run(q, PARAMS.get(q.name, {}), engine), runs)
        row[f"query {query.name}"] = seconds
    # whole commands, as a user runs them: first asked after the build, then asked again (a
    # large build keeps its answers beside it: kg.store.Derived), with `kg query precompute`
    # between the two, which keeps the parameterless queries' answers in advance
    kg = [sys.executable, "-m", "kg"]
    where = ["--build", str(build), "--data", str(data)]
    first: dict[str, float] = {}
    for query in library():
        args = [f"--param={k}={v}" for k, v in PARAMS.get(query.name, {}).items()]
        first[query.name] = whole_command([*kg, "query", "run", query.name, *where, *args])[0]
        row[f"kg query run {query.name} (whole command, first asked)"] = first[query.name]
    row["kg query precompute (whole command, once per build)"] = whole_command(
        [*kg, "query", "precompute", *where]
    )[0]
    for query in library():
        args = [f"--param={k}={v}" for k, v in PARAMS.get(query.name, {}).items()]
        again, _ = timed(
            lambda a=args, q=query: whole_command([*kg, "query", "run", q.name, *where, *a])[0], runs
        )
        row[f"kg query run {query.name} (whole command, asked again)"] = again
        if query.name in ("bridges", "cluster-pairs") and n <= rdflib_limit:
            text = prologue + inline_values(query.text, bind(query, PARAMS.get(query.name, {}), engine))
            slow = rdflib_query_seconds(build / "kg.nt", text, 60)
            ratio = (
                f"{slow / again:.0f}x (first asked: {slow / first[query.name]:.0f}x)" if slow else "over 60 s"
            )
            row[f"rdflib query alone / whole kg command, {query.name}"] = ratio
    row["network: two-mode graph"], graph = timed(lambda: two_mode(store), runs)  # type: ignore[arg-type]
    row["network: summary"], _ = timed(lambda: summary(graph), runs)  # type: ignore[arg-type]
    row["network: degree"], _ = timed(lambda: central(graph, measure="degree"), runs)  # type: ignore[arg-type]
    row["network: betweenness k=500"], _ = timed(lambda: central(graph, measure="betweenness", k=500), runs)  # type: ignore[arg-type]
    row["network: cluster projection"], clusters = timed(lambda: cluster_projection(graph), runs)  # type: ignore[arg-type]
    if n <= 10_000:  # at 100,000 the projection has about 300 million edges: no NetworkX graph holds it
        row["network: organisation projection"], _ = timed(lambda: organisation_projection(graph), runs)  # type: ignore[arg-type]
    else:
        row["network: organisation projection"] = "not built (about 300 million edges); see the next rows"
    row["network: organisation degree (no projection)"], _ = timed(
        lambda: organisation_central(graph, measure="degree"),  # type: ignore[arg-type]
        runs,
    )
    row["map: ecosystem page"], _ = timed(  # aggregated above 3,000 nodes
        lambda: write(ecosystem_map(graph), folder / f"map-{n}.html"),  # type: ignore[arg-type]
        runs,
    )
    central_command = [*kg, "network", "central", "--graph", "organisations", *where]
    seconds, peak = whole_command(central_command)
    row["kg network central --graph organisations (whole command, first)"] = seconds
    row["kg network central --graph organisations peak GiB"] = f"{peak / 2**30:.2f}"
    row["kg network central --graph organisations (whole command, again)"], _ = timed(
        lambda: whole_command(central_command)[0], runs
    )
    page = folder / f"ecosystem-{n}.html"
    map_command = [*kg, "viz", "ecosystem", *where, "--out", str(page)]
    row["kg viz ecosystem (whole command, first)"] = whole_command(map_command)[0]
    row["kg viz ecosystem (whole command, again)"], _ = timed(lambda: whole_command(map_command)[0], runs)
    row["ecosystem page MB"] = f"{page.stat().st_size / 1e6:.1f}"
    row["ecosystem page drawn in headless Chromium"] = drawn_seconds(page, runs)
    return row


def whole_command(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak memory (bytes) of one command run as a separate process.

    The peak is GNU time's maximum resident set size of the command itself: a child's own
    ``ru_maxrss`` would start from this (large) process's, inherited across fork and exec.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        start = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", peak.name, *command],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode(errors='replace')}")
        return seconds, int(peak.read().split()[-1]) * 1024


def plot(results: dict[int, dict[str, float | str]], out: Path) -> None:
    """Time against N per step, log-log, as SVG then PNG (Chromium)."""
    import html
    import math

    from kg.viz import _png, chromium

    steps = [
        "YAML load + checks",
        "RDF conversion",
        "canonical sort",
        "SHACL",
        "kg build (whole)",
        "load into Oxigraph",
        "query bridges",
        "query cluster-pairs",
        "network: summary",
        "network: betweenness k=500",
    ]
    colours = [
        "#0072b2",
        "#d55e00",
        "#009e73",
        "#cc79a7",
        "#000000",
        "#e69f00",
        "#56b4e9",
        "#f0e442",
        "#999999",
        "#a6761d",
    ]
    sizes = sorted(results)
    width, height, left, top, right, bottom = 1100, 650, 80, 60, 330, 70
    values = [
        float(results[n][s])
        for n in sizes
        for s in steps
        if isinstance(results[n].get(s), float) and float(results[n][s]) > 0
    ]
    low, high = math.log10(min(values)), math.log10(max(values))
    x0, x1 = math.log10(sizes[0]), math.log10(sizes[-1]) if len(sizes) > 1 else math.log10(sizes[0]) + 1

    def x(n: int) -> float:
        return left + (math.log10(n) - x0) / (x1 - x0 or 1) * (width - left - right)

    def y(v: float) -> float:
        return top + (high - math.log10(v)) / (high - low or 1) * (height - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="DejaVu Sans, sans-serif">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="35" font-size="20" font-weight="bold">Seconds per step against organisations (log-log)</text>',
    ]
    for n in sizes:
        parts.append(
            f'<text x="{x(n):.0f}" y="{height - bottom + 25}" font-size="13" text-anchor="middle">{n:,}</text>'
        )
    for exponent in range(math.floor(low), math.ceil(high) + 1):
        if low <= exponent <= high:
            parts.append(
                f'<line x1="{left}" x2="{width - right}" y1="{y(10**exponent):.0f}" y2="{y(10**exponent):.0f}" stroke="#ddd"/>'
            )
            parts.append(
                f'<text x="{left - 8}" y="{y(10**exponent) + 4:.0f}" font-size="12" text-anchor="end">{10**exponent:g} s</text>'
            )
    for index, step in enumerate(steps):
        points = [
            (x(n), y(float(results[n][step])))
            for n in sizes
            if isinstance(results[n].get(step), float) and float(results[n][step]) > 0
        ]
        if not points:
            continue
        colour = colours[index % len(colours)]
        parts.append(
            '<polyline fill="none" stroke-width="2.5" stroke="%s" points="%s"/>'
            % (colour, " ".join(f"{a:.1f},{b:.1f}" for a, b in points))
        )
        parts += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="4" fill="{colour}"/>' for a, b in points]
        parts.append(
            f'<rect x="{width - right + 20}" y="{top + index * 24 - 10}" width="14" height="4" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{width - right + 40}" y="{top + index * 24}" font-size="13">{html.escape(step)}</text>'
        )
    parts.append("</svg>")
    svg = "\n".join(parts)
    out.with_suffix(".svg").write_text(svg)
    if chromium():
        _png(svg, out, width=width, height=height)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, {platform.platform()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rdflib-limit", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "bench-steps.png")
    args = parser.parse_args()
    results: dict[int, dict[str, float | str]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            results[n] = measure(n, args.runs if n < 100_000 else 1, Path(folder), args.rdflib_limit)
            print(f"measured {n:,}", file=sys.stderr, flush=True)
            report(results, args)  # after each size, so a long run leaves what it has measured
    plot(results, args.plot)
    print(f"wrote {args.out} and {args.plot}", file=sys.stderr)


NOTES = "<!-- notes: kept when the table is regenerated -->"


def report(results: dict[int, dict[str, float | str]], args: argparse.Namespace) -> None:
    sizes = sorted(results)
    steps = list(dict.fromkeys(step for row in results.values() for step in row))
    lines = [
        "# Benchmarks",
        "",
        f"`python -m bench {' '.join(map(str, sizes))}` on {machine()}.",
        f"Synthetic data from `kg synth`; seconds, median of {args.runs} runs (one run at 100,000 organisations).",
        "",
        "| step | " + " | ".join(f"{n:,} organisations" for n in sizes) + " |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " |",
    ]
    for step in steps:
        cells = []
        for n in sizes:
            value = results[n].get(step, "—")
            cells.append(f"{value:.3f}" if isinstance(value, float) and value == value else str(value))
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    notes = ""
    if args.out.exists():  # the commentary below the marker is kept across runs
        old = args.out.read_text(encoding="utf-8")
        if NOTES in old:
            notes = old[old.index(NOTES) :]
    args.out.write_text("\n".join(lines) + "\n" + ("\n" + notes if notes else ""))


if __name__ == "__main__":
    main()
