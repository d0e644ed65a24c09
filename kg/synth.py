"""A synthetic ecosystem in data/'s own format, for benchmarks only.

Every label starts with "Synthetic" and every source is an ``example.org/synthetic``
page, so synthetic data can never pass for real data. The same ``seed`` gives the
same files, byte for byte.

Shape (close to the real graph): N organisations of every type, N/100 clusters of very
uneven size (Zipf), most organisations in one cluster and a few in many, roles and
dates of every precision, a person with a post for every tenth organisation, an act per
hundred organisations, one source page per twenty organisations.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from kg.files import atomic_write
from kg.vocab import ORGANISATION_TYPES

__all__ = ["synthesise"]

TYPES = ["company"] * 12 + [
    slug for slug in ORGANISATION_TYPES if slug not in ("company", "regional-government")
]
"""Kinds drawn for synthetic organisations: mostly companies, and never a regional government."""
ROLES = ["member"] * 6 + ["founding-member", "partner", "board-member", "coordinator"]
CITIES = [
    "Milano",
    "Brescia",
    "Bergamo",
    "Monza",
    "Varese",
    "Como",
    "Pavia",
    "Cremona",
    "Crema",
    "Lodi",
    "Lecco",
    "Mantova",
    "Sondrio",
    "Legnano",
    "Busto Arsizio",
]
ACT_TYPES = ["deliberation", "decree", "call", "law", "notice", "strategy"]


def _q(text: str) -> str:
    """A YAML scalar: JSON strings are valid YAML double-quoted strings."""
    return json.dumps(text, ensure_ascii=False)


def _date(rng: random.Random, low: int = 2005, high: int = 2025) -> str:
    year = rng.randint(low, high)
    precision = rng.random()
    if precision < 0.3:
        return str(year)
    if precision < 0.6:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _write(path: Path, text: str) -> None:
    atomic_write(path, text)


def synthesise(organisations: int, out: Path | str, *, seed: int = 1) -> dict[str, int]:
    """Write a synthetic data directory with ``organisations`` organisations into ``out``.

    Returns
    -------
    dict
        How many records of each kind were written.

    Examples
    --------
    >>> import tempfile
    >>> synthesise(200, Path(tempfile.mkdtemp()) / "data")["clusters"]
    2
    """
    rng = random.Random(seed)
    root = Path(out)
    n_clusters = max(2, organisations // 100)
    n_sources = max(5, organisations // 20)
    sources = [f"synthetic-source-{i:07d}" for i in range(n_sources)]

    def cite(k: int = 1) -> str:
        return "[" + ", ".join(rng.sample(sources, k)) + "]"

    lines = ["# Synthetic data for benchmarks: not real facts.", "sources:"]
    for i, source in enumerate(sources):
        lines += [
            f"  - id: {source}",
            f"    url: https://example.org/synthetic/{i:07d}",
            f"    title: {_q(f'Synthetic page {i}')}",
            "    publisher: Synthetic Publisher",
            f"    date: {_date(rng, 2015, 2026)}",
        ]
    _write(root / "sources.yaml", "\n".join(lines) + "\n")

    org_ids = [f"synthetic-organisation-{i:07d}" for i in range(organisations)]
    lines = ["# Synthetic data for benchmarks: not real facts.", "organisations:"]
    for i, org in enumerate(org_ids):
        lines += [
            f"  - id: {org}",
            f"    label: {_q(f'Synthetic Organisation {i}')}",
            f"    type: {rng.choice(TYPES)}",
        ]
        if rng.random() < 0.6:
            lines.append(f"    city: {rng.choice(CITIES)}")
        lines.append(f"    sources: {cite(rng.choice((1, 1, 2)))}")
    _write(root / "organisations.yaml", "\n".join(lines) + "\n")

    cluster_ids = [f"synthetic-cluster-{i:05d}" for i in range(n_clusters)]
    weights = [1 / (i + 1) for i in range(n_clusters)]
    members: dict[str, list[tuple[str, str]]] = {c: [] for c in cluster_ids}
    for org in org_ids:
        count = 1
        while rng.random() < 0.3 and count < 12:  # 70% in one cluster, 21% in two, ...
            count += 1
        for cluster in sorted(set(rng.choices(cluster_ids, weights=weights, k=count))):
            members[cluster].append((org, rng.choice(ROLES)))
    for index, cluster in enumerate(cluster_ids):
        lines = [
            "# Synthetic data for benchmarks: not real facts.",
            "cluster:",
            f"  id: {cluster}",
            f"  label: {_q(f'Synthetic Cluster {index}')}",
            f"  status: {'recognised' if rng.random() < 0.9 else 'constituted'}",
            f"  founded: {_date(rng, 2005, 2020)}",
            f"  city: {rng.choice(CITIES)}",
            f"  sources: {cite(2)}",
            "  declared_size:",
            f"    - count: {len(members[cluster]) + rng.randint(0, 50)}",
            "      of: soci",
            f"      date: {_date(rng, 2020, 2025)}",
            f"      sources: {cite()}",
            "  members:",
        ]
        seen: set[tuple[str, str]] = set()
        for org, role in members[cluster]:
            if (org, role) in seen:
                continue
            seen.add((org, role))
            lines += [f"    - organisation: {org}", f"      role: {role}"]
            if rng.random() < 0.5:
                lines.append(f"      start: {_date(rng, 2005, 2023)}")
                chance = rng.random()
                if chance < 0.2:
                    lines.append(f"      end: {_date(rng, 2025, 2026)}")
                elif chance < 0.5:
                    lines.append("      end: open")
            lines.append(f"      sources: {cite()}")
        if members[cluster] and rng.random() < 0.05:
            org, _ = members[cluster][0]
            lines += [
                f"    - organisation: {org}",
                "      role: proposer",
                f"      sources: {cite()}",
                f"      disputed_by: {cite()}",
            ]
        _write(root / "clusters" / f"{cluster}.yaml", "\n".join(lines) + "\n")

    n_people = max(1, organisations // 10)
    lines = ["# Synthetic data for benchmarks: not real facts.", "people:"]
    for i in range(n_people):
        where = rng.choice(cluster_ids) if rng.random() < 0.3 else rng.choice(org_ids)
        lines += [
            f"  - id: synthetic-person-{i:07d}",
            f"    name: {_q(f'Synthetic Person {i}')}",
            f"    sources: {cite()}",
            "    posts:",
            f"      - role: {rng.choice(('president', 'director', 'board-member', 'vice-president'))}",
            f"        organisation: {where}",
            f"        start: {_date(rng, 2010, 2023)}",
            f"        end: {rng.choice(('open', _date(rng, 2024, 2026)))}",
            f"        sources: {cite()}",
        ]
    _write(root / "people.yaml", "\n".join(lines) + "\n")

    n_acts = max(1, organisations // 100)
    lines = ["# Synthetic data for benchmarks: not real facts.", "acts:"]
    for i in range(n_acts):
        kind = rng.choice(ACT_TYPES)
        lines += [
            f"  - id: synthetic-act-{i:06d}",
            f"    type: {kind}",
            f"    label: {_q(f'Synthetic Act {i}')}",
            f"    number: {_q(str(1000 + i))}",
            f"    date: {_date(rng, 2012, 2025)}",
            f"    concerns: [{', '.join(rng.sample(cluster_ids, min(3, n_clusters)))}]",
            f"    sources: {cite()}",
        ]
        if kind == "call":
            lines += [
                "    opens: 2025-01-10",
                "    closes: 2025-03-31",
                f"    budget_eur: {rng.randint(1, 50) * 100000}",
            ]
    _write(root / "acts.yaml", "\n".join(lines) + "\n")
    return {
        "organisations": organisations,
        "clusters": n_clusters,
        "memberships": sum(len(v) for v in members.values()),
        "people": n_people,
        "acts": n_acts,
        "sources": n_sources,
    }
