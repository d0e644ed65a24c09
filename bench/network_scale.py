"""How kg.network's measures scale: python bench/network_scale.py [N ...]

Builds a synthetic organisations–clusters graph of the real graph's shape (N
organisations, N/100 clusters, most organisations in one cluster and a few in many,
clusters of very uneven size) and times, median of 3 runs: building the two-mode graph,
summary, degree centrality, the weighted cluster projection, Louvain on it, and sampled
betweenness (k=500) with igraph and, up to 10,000 organisations, with NetworkX. Also
measures the sampling error against exact betweenness on a 2,000-organisation graph.
Prints a Markdown table (recorded in bench/RESULTS-network.md).
"""

from __future__ import annotations

import random
import statistics
import sys
import time

import networkx as nx

from kg.network import betweenness, central, cluster_projection, summary


def synthetic(n: int, seed: int = 1) -> nx.Graph:
    rng = random.Random(seed)
    clusters = [f"c{i}" for i in range(max(2, n // 100))]
    weights = [1 / (i + 1) for i in range(len(clusters))]  # Zipf: a few large clusters
    graph = nx.Graph()
    graph.add_nodes_from(clusters, kind="cluster", bipartite=1)
    for i in range(n):
        org = f"o{i}"
        graph.add_node(org, kind="organisation", bipartite=0)
        count = 1
        while rng.random() < 0.3 and count < 12:  # 70% in one cluster, 21% in two, ...
            count += 1
        for cluster in set(rng.choices(clusters, weights=weights, k=count)):
            graph.add_edge(org, cluster, weight=1)
    return graph


def timed(action, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(sizes: list[int]) -> None:
    print(
        "| organisations | nodes | edges | build s | summary s | degree s | cluster projection s | Louvain s"
        " | betweenness k=500 igraph s | betweenness k=500 NetworkX s |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        build, graph = timed(lambda n=n: synthetic(n), runs=1)
        t_summary, _ = timed(lambda: summary(graph))
        t_degree, _ = timed(lambda: central(graph, measure="degree"))
        t_projection, clusters = timed(lambda: cluster_projection(graph))
        t_louvain, _ = timed(lambda: nx.community.louvain_communities(clusters, weight="weight", seed=42))
        t_igraph, _ = timed(lambda: betweenness(graph, k=500))
        t_nx = "—"
        if n <= 10_000:
            seconds, _ = timed(lambda: nx.betweenness_centrality(graph, k=500, seed=42), runs=1)
            t_nx = f"{seconds:.1f}"
        print(
            f"| {n:,} | {graph.number_of_nodes():,} | {graph.number_of_edges():,} | {build:.1f} | {t_summary:.2f}"
            f" | {t_degree:.2f} | {t_projection:.2f} | {t_louvain:.2f} | {t_igraph:.1f} | {t_nx} |"
        )
    small = synthetic(2_000, seed=2)
    exact = nx.betweenness_centrality(small)
    for k in (100, 500):
        sampled = betweenness(small, k=k, seed=3)
        error = max(abs(sampled[v] - exact[v]) for v in small)
        top = set(sorted(exact, key=exact.get, reverse=True)[:20])
        kept = len(top & set(sorted(sampled, key=sampled.get, reverse=True)[:20]))
        print(
            f"\nsampling error at 2,000 organisations, k={k}: max absolute error {error:.4f}"
            f" (largest exact value {max(exact.values()):.4f}); top-20 kept: {kept}/20"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
