"""kg.stats: coverage figures asked of the built graph."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import cli
from kg.build import write_build
from kg.errors import KgError
from kg.stats import BEGIN, END, coverage, write_coverage
from kg.store import load_store
from tests.conftest import fixture_data


@pytest.fixture()
def good_store(tmp_path: Path) -> ox.Store:
    write_build(fixture_data("good", tmp_path), tmp_path / "build")
    return load_store(tmp_path / "build")


def test_members_known_against_declared(good_store: ox.Store) -> None:
    rows = {row[0]: row[1:] for row in coverage(good_store).section("Members: known against declared").rows}
    assert rows["Associazione Fabbrica Intelligente Lombardia"][:6] == ["cluster", 2, 3, 3, 1, 2]
    polo = rows["Polo Tecnologico della Cosmesi"]
    assert polo[:2] == ["association", 1]
    assert polo[-2:] == ["70 aziende associate (2019)", "https://example.org/news"]


def test_undated_and_unsourced_counts(good_store: ox.Store) -> None:
    report = coverage(good_store)
    undated = dict(report.section("Facts without dates").rows)
    assert undated["memberships without dates"] == 1  # the Polo's member
    assert undated["posts with a start and an unknown end"] == 1
    assert all(count == 0 for _, count in report.section("Facts without sources").rows)


def test_unsourced_facts_are_counted(good_store: ox.Store) -> None:
    source = ox.NamedNode("http://purl.org/dc/terms/source")
    for quad in list(good_store.quads_for_pattern(None, source, None)):
        if "/membership/" in quad.subject.value:
            good_store.remove(quad)
    unsourced = dict(coverage(good_store).section("Facts without sources").rows)
    assert unsourced["org:Membership"] == 4
    assert unsourced["org:Organization"] == 0


def test_stats_command_json_and_write(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    build = tmp_path / "build"
    result = CliRunner().invoke(
        cli.main,
        ["stats", "--data", str(data), "--build", str(build), "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert {"type": "lkg:Cluster", "count": 1} in report["Resources by type"]
    doc = tmp_path / "COVERAGE.md"
    doc.write_text(f"# Coverage\n\nBefore.\n\n{BEGIN}\nold\n{END}\n\nAfter.\n")
    result = CliRunner().invoke(
        cli.main,
        ["stats", "--data", str(data), "--build", str(build), "--write", str(doc)],
        catch_exceptions=False,
    )
    text = doc.read_text()
    assert "old" not in text and text.startswith("# Coverage\n\nBefore.") and text.endswith("After.\n")
    assert "| Polo Tecnologico della Cosmesi | association | 1 |" in text


def test_write_needs_the_markers(tmp_path: Path, good_store: ox.Store) -> None:
    doc = tmp_path / "x.md"
    doc.write_text("no markers\n")
    with pytest.raises(KgError, match="kg stats: begin"):
        write_coverage(coverage(good_store), doc)


def test_coverage_doc_matches_the_data(real_build: Path) -> None:
    from kg.stats import render_coverage

    doc = (Path(__file__).resolve().parent.parent / "docs" / "COVERAGE.md").read_text()
    expected = f"{BEGIN}\n{render_coverage(coverage(load_store(real_build)), 'md')}\n{END}"
    assert expected in doc, "docs/COVERAGE.md is stale: run `kg stats --write docs/COVERAGE.md`"
