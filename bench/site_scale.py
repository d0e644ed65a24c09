"""How fast `kg site` publishes a large ecosystem: python bench/site_scale.py [N ...]

For each N (default 10,000 and 100,000 organisations) it synthesises an ecosystem with
`kg synth`, builds it with `kg build` (not timed here: bench/run.py does), then runs
`kg site` as a separate process and records its wall time, peak memory (the child's
maximum resident set), pages written, pages per second and the site's size on disk.
Prints a Markdown table; ``--keep DIR`` keeps the data, builds and sites in DIR.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.tables import render

ROOT = Path(__file__).resolve().parent.parent


def kg(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "kg", *args], check=True, capture_output=True, cwd=ROOT)


def measure(n: int, folder: Path) -> dict[str, str]:
    """One size: synthesise and build (skipped when already there), then time `kg site`."""
    data, build, site = folder / f"data-{n}", folder / f"build-{n}", folder / f"site-{n}"
    if not (data / "sources.yaml").is_file():
        kg("synth", "--organisations", str(n), "--out", str(data))
    if not (build / "kg.nt").is_file():
        kg("build", "--data", str(data), "--out", str(build))
    command = [
        sys.executable,
        "-m",
        "kg",
        "site",
        "--build",
        str(build),
        "--data",
        str(data),
        "--out",
        str(site),
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"kg site failed at {n:,}: {done.stderr.strip()}")
    # RUSAGE_CHILDREN's maximum is over all children so far; the site is the largest of them
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = sum(1 for p in files if p.suffix == ".html")
    size = sum(p.stat().st_size for p in files)
    return {
        "organisations": f"{n:,}",
        "pages": f"{pages:,}",
        "files": f"{len(files):,}",
        "seconds": f"{seconds:.1f}",
        "pages/s": f"{pages / seconds:,.0f}",
        "size MB": f"{size / 1e6:,.0f}",
        "peak GB": f"{peak_gb:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="Keep data, builds and sites in this folder.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = options.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        rows = [measure(n, folder) for n in options.sizes]
    headers = list(rows[0])
    print(render(headers, [[row[h] for h in headers] for row in rows], "md"))


if __name__ == "__main__":
    main()
