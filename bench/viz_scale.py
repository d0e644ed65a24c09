"""How big a map stays usable: python bench/viz_scale.py [N ...]

For synthetic ecosystems of N organisations (the shape of bench/network_scale.py), times
the layout, writing the HTML page, and drawing it in headless Chromium (from navigation
to the first complete drawing), median of 3 runs. Prints a Markdown table.

``python bench/viz_scale.py --build BUILD --data DATA`` times a built graph's ecosystem
map instead (issue 17): ``kg viz ecosystem`` as a whole command (wall time, peak memory,
one run), the page's size, and its drawing in headless Chromium (median of 3), with the
machine's 1-minute load.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from browser import drawn_seconds  # type: ignore[import-not-found]
from network_scale import synthetic  # type: ignore[import-not-found]

from kg.viz import ecosystem_map, write


def label(graph):  # type: ignore[no-untyped-def]
    for node, data in graph.nodes(data=True):
        data.update(
            label=f"Synthetic {node}", slug=node, type="cluster" if data["kind"] == "cluster" else "company"
        )
    return graph


def main(sizes: list[int]) -> None:
    print("| organisations | nodes | layout + page s | page MB | drawn in Chromium s |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            graph = label(synthetic(n))
            out = Path(folder) / f"map-{n}.html"
            builds = []
            for _ in range(3):
                start = time.perf_counter()
                write(ecosystem_map(graph, caption="synthetic"), out)
                builds.append(time.perf_counter() - start)
            size = out.stat().st_size / 1e6
            print(
                f"| {n:,} | {graph.number_of_nodes():,} | {statistics.median(builds):.2f} | {size:.1f}"
                f" | {drawn_seconds(out):.2f} |"
            )


def built(build: str, data: str) -> None:
    import os
    import subprocess

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "ecosystem.html"
        command = [sys.executable, "-m", "kg", "viz", "ecosystem", "--build", build, "--data", data]
        start = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *command, "--out", str(out)],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, peak = time.perf_counter() - start, int(done.stderr.strip().splitlines()[-1]) / 2**20
        load = os.getloadavg()[0]
        print("| `kg viz ecosystem` s | peak GiB | page MB | drawn in Chromium s (median of 3) | load |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        print(
            f"| {seconds:.1f} | {peak:.2f} | {out.stat().st_size / 1e6:.1f}"
            f" | {drawn_seconds(out):.2f} | {load:.1f} |"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        built(sys.argv[2], sys.argv[4])
    else:
        main([int(a) for a in sys.argv[1:]] or [1_000, 5_000, 20_000])
