"""kg reconcile: likely duplicates and parts found with their evidence; a decision silences a pair."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg import cli
from kg.model import load_data
from kg.reconcile import suggest
from tests.conftest import fixture_data

VARIANTS = """organisations:
  - id: lumson-spa
    label: Lumson S.p.A.
    type: company
    sources: [release]
  - id: pm
    label: PM
    type: organisation
    sources: [release]
  - id: dipartimento-di-chimica-politecnico-di-milano
    label: Dipartimento di Chimica del Politecnico di Milano
    type: research-centre
    sources: [release]
  - id: regione-lombardy
    label: Regione Lombardy
    type: regional-government
    sources: [release]
"""


def _pairs(data: Path) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """Pairs by their two ids in order (a part comes first, as in the suggestion)."""
    found = {}
    for s in suggest(load_data(data)):
        key = (s.first, s.second) if s.kind == "part" else tuple(sorted((s.first, s.second)))
        found[key] = (s.kind, s.evidence)
    return found  # type: ignore[return-value]


def test_name_variants_acronyms_and_units_are_suggested_with_evidence(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    (data / "variants.yaml").write_text(VARIANTS, encoding="utf-8")
    pairs = _pairs(data)
    assert pairs[("lumson", "lumson-spa")][0] == "same"
    assert "differ only in legal form" in pairs[("lumson", "lumson-spa")][1][0]
    assert pairs[("dipartimento-di-chimica-politecnico-di-milano", "politecnico-di-milano")][0] == "part"
    assert any("initials" in e for e in pairs[("pm", "politecnico-di-milano")][1])
    assert any("spelt alike" in e for e in pairs[("regione-lombardia", "regione-lombardy")][1])


def test_a_recorded_decision_silences_the_pair(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    decided = VARIANTS.replace(
        "    label: Lumson S.p.A.\n",
        "    label: Lumson S.p.A.\n"
        "    distinct_from:\n      - organisation: lumson\n        note: another firm\n",
    ).replace(
        "    label: Dipartimento di Chimica del Politecnico di Milano\n",
        "    label: Dipartimento di Chimica del Politecnico di Milano\n    part_of: politecnico-di-milano\n",
    )
    (data / "variants.yaml").write_text(decided, encoding="utf-8")
    pairs = _pairs(data)
    assert ("lumson", "lumson-spa") not in pairs
    assert ("dipartimento-di-chimica-politecnico-di-milano", "politecnico-di-milano") not in pairs
    assert ("pm", "politecnico-di-milano") in pairs  # undecided pairs stay


def test_the_command_prints_the_pairs(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    (data / "variants.yaml").write_text(VARIANTS, encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["reconcile", "--data", str(data), "--format", "csv"])
    assert result.exit_code == 0
    assert "lumson,lumson-spa,same," in result.output


def test_the_real_data_has_no_undecided_pair() -> None:
    assert suggest(load_data(Path(__file__).resolve().parent.parent / "data")) == []
