"""How fast `kg diff` compares two large builds: python bench/diff_scale.py [N ...]

For each N (default 100,000 organisations) it synthesises an ecosystem with `kg synth`,
copies it and changes 1% of the records of the copy (organisations renamed or retyped,
new organisations with a membership each, memberships and posts given an end date), builds
both with `kg build` (not timed here), then runs `kg diff OLD NEW --format json` as a
separate process and records its wall time, peak memory, the triples that differ and the
changes it reports. Prints a Markdown table; ``--keep DIR`` keeps data and builds in DIR.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.tables import render

ROOT = Path(__file__).resolve().parent.parent


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], check=True, capture_output=True, text=True, cwd=ROOT
    )


def change_one_percent(data: Path, n: int) -> dict[str, int]:
    """Change 1% of the records of a synthetic data folder, in place; how many of each kind."""
    counts = {"renamed": 0, "retyped": 0, "added": 0, "memberships ended": 0, "posts ended": 0}
    orgs = data / "organisations.yaml"
    text = orgs.read_text()

    def org(match: re.Match[str]) -> str:
        i = int(match.group(2))
        if i % 200 == 0:
            counts["renamed"] += 1
            return f'{match.group(1)}"Synthetic Organisation {i} renamed"\n{match.group(3)}'
        if i % 200 == 100:
            counts["retyped"] += 1
            kind = "research-centre" if match.group(4) != "research-centre" else "company"
            return f'{match.group(1)}"Synthetic Organisation {i}"\n    type: {kind}\n'
        return match.group(0)

    text = re.sub(r'(    label: )"Synthetic Organisation (\d+)"\n(    type: ([\w-]+)\n)', org, text)
    added = [f"synthetic-organisation-new-{i:06d}" for i in range(n // 300)]
    text += "".join(
        f'  - id: {slug}\n    label: "Synthetic New Organisation {i}"\n    type: company\n'
        "    sources: [synthetic-source-0000001]\n"
        for i, slug in enumerate(added)
    )
    orgs.write_text(text)
    counts["added"] = len(added)
    cluster = data / "clusters" / "synthetic-cluster-00000.yaml"
    lines = cluster.read_text().rstrip("\n")
    if "\n  members:" not in lines or lines.endswith("  members:"):
        raise SystemExit("unexpected synthetic cluster file")
    block = "".join(
        f"\n    - organisation: {slug}\n      role: member\n      start: 2026\n"
        "      sources: [synthetic-source-0000002]"
        for slug in added
    )
    cluster.write_text(lines + block + "\n")
    budget = n // 300  # memberships given an end date
    for path in sorted((data / "clusters").glob("*.yaml")):
        if budget <= 0:
            break
        body = path.read_text()
        found = body.count("      end: open\n")
        take = min(found, budget)
        body = body.replace("      end: open\n", "      end: 2026-01\n", take)
        path.write_text(body)
        budget -= take
        counts["memberships ended"] += take
    people = data / "people.yaml"
    body = people.read_text()
    take = n // 1000
    counts["posts ended"] = min(take, body.count("        end: open\n"))
    people.write_text(body.replace("        end: open\n", "        end: 2026-01\n", take))
    return counts


def measure(n: int, folder: Path) -> dict[str, str]:
    old, new = folder / f"data-{n}", folder / f"data-{n}-changed"
    if not (old / "sources.yaml").is_file():
        kg("synth", "--organisations", str(n), "--out", str(old))
    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(old, new)
    counts = change_one_percent(new, n)
    for data in (old, new):
        kg("build", "--data", str(data), "--out", str(folder / f"build-{data.name}"))
    command = [
        sys.executable,
        "-m",
        "kg",
        "diff",
        str(folder / f"build-{old.name}"),
        str(folder / f"build-{new.name}"),
    ]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--format", "json"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"kg diff failed at {n:,}: {done.stderr.strip()}")
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6  # the builds' peak, if larger
    result = json.loads(done.stdout)
    groups: dict[str, int] = {}
    for change in result["changes"]:
        key = f"{change['group']} {change['change']}"
        groups[key] = groups.get(key, 0) + 1
    triples = sum(1 for _ in (folder / f"build-{old.name}" / "kg.nt").open("rb"))
    print(f"records changed at {n:,}: {counts}", file=sys.stderr)
    print(f"changes reported: {dict(sorted(groups.items()))}", file=sys.stderr)
    return {
        "organisations": f"{n:,}",
        "triples": f"{triples:,}",
        "records changed": f"{sum(counts.values()):,}",
        "triples removed / added": f"{result['triples_removed']:,} / {result['triples_added']:,}",
        "changes reported": f"{len(result['changes']):,}",
        "kg diff s": f"{seconds:.1f}",
        "peak GB (largest child)": f"{peak_gb:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--keep", type=Path, help="Keep data and builds in this folder.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = options.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        rows = [measure(n, folder) for n in options.sizes]
    headers = list(rows[0])
    print(render(headers, [[row[h] for h in headers] for row in rows], "md"))


if __name__ == "__main__":
    main()
