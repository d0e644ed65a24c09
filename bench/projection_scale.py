"""The organisation network and the ecosystem map at scale: python bench/projection_scale.py [N ...]

For each N (default 1,000, 10,000 and 100,000 organisations) it synthesises an ecosystem
with `kg synth` and builds it with `kg build` (not timed), then times, one run each, with
the machine's load (1-minute average) beside each figure:

- the organisation projection as a NetworkX graph: networkx's own
  weighted_projected_graph (up to 10,000) and kg.network's sparse B·Bᵀ (up to 10,000:
  at 100,000 the graph has about 300 million edges, more than NetworkX can hold);
- `kg network central --graph organisations` as a whole command: wall time and peak
  memory of the process (which never builds the projection);
- `kg viz ecosystem` as a whole command (wall time, page size), and the page drawn by
  headless Chromium: from navigation to vis-network's first complete drawing.

Prints Markdown rows (recorded in bench/RESULTS-network.md and bench/RESULTS-viz.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def whole(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident GiB of a command run as its own process (GNU time)."""
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, cwd=ROOT, check=True
    )
    seconds = time.perf_counter() - start
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 2**20


def draw_seconds(page: Path) -> float:
    from playwright.sync_api import sync_playwright

    from kg.viz import chromium

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        tab.goto(page.as_uri())
        tab.wait_for_selector("body[data-drawn=true]", timeout=120_000)
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def main(sizes: list[int], folder: Path) -> None:
    import networkx as nx

    from kg.network import ORG_KIND, organisation_projection, two_mode
    from kg.store import load_store

    for n in sizes:
        data, build = folder / f"data-{n}", folder / f"build-{n}"
        if not (build / "kg.nt").exists():
            subprocess.run(
                [*KG, "synth", "--organisations", str(n), "--out", str(data)], check=True, cwd=ROOT
            )
            subprocess.run([*KG, "build", "--data", str(data), "--out", str(build)], check=True, cwd=ROOT)
        where = ["--build", str(build), "--data", str(data)]
        if n <= 10_000:
            two = two_mode(load_store(build))
            orgs = [v for v, d in two.nodes(data=True) if d["kind"] == ORG_KIND]
            at = load()
            start = time.perf_counter()
            projection = organisation_projection(two)
            sparse = time.perf_counter() - start
            start = time.perf_counter()
            nx.bipartite.weighted_projected_graph(two, orgs)
            old = time.perf_counter() - start
            print(
                f"| {n:,} | projection | {projection.number_of_edges():,} edges | sparse B·Bᵀ {sparse:.2f} s"
                f" | networkx {old:.2f} s | load {at} |"
            )
        at = load()
        seconds, peak = whole([*KG, "network", "central", "--graph", "organisations", *where])
        print(
            f"| {n:,} | kg network central --graph organisations | {seconds:.1f} s | {peak:.2f} GiB"
            f" | load {at} |"
        )
        at = load()
        page = folder / f"ecosystem-{n}.html"
        seconds, peak = whole([*KG, "viz", "ecosystem", *where, "--out", str(page)])
        drawn = draw_seconds(page)
        print(
            f"| {n:,} | kg viz ecosystem | {seconds:.1f} s | {peak:.2f} GiB"
            f" | {page.stat().st_size / 1e6:.1f} MB | drawn {drawn:.2f} s | load {at} |",
            flush=True,
        )


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--folder=")]
    chosen = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--folder=")]
    sizes = [int(a) for a in arguments] or [1_000, 10_000, 100_000]
    if chosen:
        main(sizes, Path(chosen[0]))
    else:
        with tempfile.TemporaryDirectory() as temporary:
            main(sizes, Path(temporary))
