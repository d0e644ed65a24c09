"""Which embedded engine answers the query library fastest? (python bench/engines.py [BUILD])

Loads build/kg.nt into pyoxigraph, rdflib (its own SPARQL engine) and rdflib over the
oxrdflib store, then runs every library query (with the parameters the tests use) on
each, and prints the median of five runs per step in milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import rdflib

from kg.query import Embedded, bind, inline_values, library
from kg.store import load_store
from kg.vocab import PREFIXES


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


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build"))
