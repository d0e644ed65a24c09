"""bench/run.py: a small run of the whole benchmark executes every step (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kg.query import library
from tests.conftest import ROOT


def test_benchmark_smoke_run(tmp_path: Path) -> None:
    out, plot = tmp_path / "RESULTS.md", tmp_path / "plot.png"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "1000",
            "--runs",
            "1",
            "--rdflib-limit",
            "0",
            "--out",
            str(out),
            "--plot",
            str(plot),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    table = out.read_text()
    for step in (
        "YAML load + checks",
        "RDF conversion",
        "SHACL",
        "kg build (whole)",
        "load into Oxigraph",
        "network: betweenness k=500",
        "map: ecosystem page",
    ):
        assert f"| {step} | " in table
    for query in library():
        assert f"| query {query.name} | " in table
        for when in ("first asked", "asked again"):
            assert f"| kg query run {query.name} (whole command, {when}) | " in table
    for step in ("kg network central --graph organisations (whole command, first)", "ecosystem page MB"):
        assert f"| {step} | " in table
    assert plot.with_suffix(".svg").read_text().startswith("<svg")
