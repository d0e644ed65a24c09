"""Hostile input and faults (tests/reliability.py), each class with a few cases; plus the guards
of `kg query run` (updates refused, --allow-update, --timeout) and the table in docs/RELIABILITY.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import cli
from tests import reliability
from tests.conftest import ROOT

FEW = {
    reliability.mutated_documents: 25,
    reliability.wrong_values: 25,
    reliability.encodings_and_sizes: 0,  # enumerated: every case, whatever the count
    reliability.alias_bombs: 0,
    reliability.hostile_names: 25,
    reliability.query_parameters: 25,
    reliability.killed_builds: 3,
    reliability.killed_pushes: 3,
    reliability.foreign_filesystem: 0,  # enumerated
    reliability.missing_java: 0,
    reliability.broken_shapes: 5,
}


@pytest.mark.parametrize("trial", reliability.CLASSES, ids=lambda t: t.__name__)
def test_every_case_ends_in_a_clean_error_or_a_correct_result(trial, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tally = trial(FEW[trial], tmp_path)
    assert tally.cases > 0
    assert tally.failures == [], tally.failures
    assert "FAILED" not in tally.outcomes


def test_every_class_is_in_the_published_table() -> None:
    table = (ROOT / "docs" / "RELIABILITY.md").read_text(encoding="utf-8")
    rows = [
        line
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith(("| class", "| ---"))
    ]
    assert len(rows) == len(reliability.CLASSES)
    assert all(row.rstrip(" |").endswith("| 0") for row in rows), "the published table shows failures"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.output, result.stderr


def test_an_update_is_refused_unless_allowed_and_never_changes_the_build(
    real_build: Path, tmp_path: Path
) -> None:
    update = tmp_path / "drop.rq"
    update.write_text("# wipe\nPREFIX e: <http://e/>\nDELETE WHERE { ?s ?p ?o }\n")
    before = (real_build / "kg.nt").read_bytes()
    code, _, err = _run("query", "run", str(update), "--build", str(real_build))
    assert code == 1 and "SPARQL Update (DELETE)" in err and "--allow-update" in err
    code, out, _ = _run("query", "run", str(update), "--build", str(real_build), "--allow-update")
    triples = before.count(b"\n")
    assert code == 0 and f"0 triples would be added and {triples} removed" in out
    assert (real_build / "kg.nt").read_bytes() == before
    code, out, _ = _run("query", "run", "bridges", "--build", str(real_build), "--format", "csv")
    assert code == 0 and out.count("\n") > 10  # the store of the next command is whole


def test_a_long_query_stops_at_the_timeout(real_build: Path, tmp_path: Path) -> None:
    slow = tmp_path / "slow.rq"
    slow.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n")
    code, _, err = _run("query", "run", str(slow), "--build", str(real_build), "--timeout", "0.5")
    assert code == 1 and "stopped after 0.5 s (--timeout)" in err


def test_an_allowed_update_reaches_a_real_server(oxigraph_server: str, tmp_path: Path) -> None:
    insert = tmp_path / "insert.rq"
    insert.write_text('INSERT DATA { <http://e/a> rdfs:label "inserted" }\n')
    code, _, err = _run("query", "run", str(insert), "--endpoint", f"{oxigraph_server}/update")
    assert code == 1 and "SPARQL Update (INSERT)" in err
    code, out, _ = _run(
        "query", "run", str(insert), "--endpoint", f"{oxigraph_server}/update", "--allow-update"
    )
    assert code == 0 and "applied the update" in out
    ask = tmp_path / "ask.rq"
    ask.write_text('SELECT ?s WHERE { ?s rdfs:label "inserted" }\n')
    code, out, _ = _run("query", "run", str(ask), "--endpoint", f"{oxigraph_server}/query", "--format", "csv")
    assert code == 0 and "http://e/a" in out
