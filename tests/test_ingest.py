"""kg ingest: drafts from press releases, matched against data/, measured on stored pages."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg import cli
from kg.ingest import MAX_BYTES, ingest, read_page, to_yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
REGIONAL = FIXTURES / "pages" / "lombardianotizie-2026-02-17-cluster-cosmesi.txt"
REGIONAL_URL = "https://www.lombardianotizie.online/cluster-tecnologico-lombardo-cosmesi/"
SEED = FIXTURES / "seed-article.txt"
FOUNDERS = {
    "politecnico-di-milano",
    "universita-degli-studi-di-milano",
    "universita-degli-studi-di-milano-bicocca",
    "ancorotti-cosmetics",
    "regi",
    "lumson",
}


def _memberships(draft):
    return {(f.values["organisation"], f.values["role"]) for f in draft.facts if f.kind == "membership"}


@pytest.mark.parametrize(
    ("page", "url"),
    [(REGIONAL, REGIONAL_URL), (SEED, "https://www.innovationcity.it/cluster-cosmetico")],
)
def test_tenth_cluster_release(page, url):
    draft = ingest(page, url=url, date="2026-02-17")
    assert draft.cluster == "cosmetica"
    members = _memberships(draft)
    assert {
        ("rei-reindustria-innovazione", "proposer"),
        ("rei-reindustria-innovazione", "coordinator"),
    } <= members
    assert {(org, "founding-member") for org in FOUNDERS} <= members
    assert ("its-academy-nuove-tecnologie-della-vita", "partner") in members
    posts = {(f.values["person"], f.values["role"]) for f in draft.facts if f.kind == "post"}
    assert ("alessandro-fermi", "assessore") in posts


def test_seed_article_call_closes_on_5_march():
    # the stored copy of the regional release ends before its paragraph on the call; the seed article has it
    draft = ingest(SEED, url="https://www.innovationcity.it/cluster-cosmetico", date="2026-02-17")
    closes = [f.values["date"] for f in draft.facts if f.kind == "call-closes"]
    assert closes == ["2026-03-05"]


def test_dates_acts_and_seats(tmp_path):
    page = tmp_path / "act.txt"
    page.write_text(
        "Con DGR n. XI/1234 e con d.d.u.o. n. 5981 la Regione ha riconosciuto il Cluster "
        "Lombardo della Mobilità, con sede a Sesto San Giovanni. "
        "Il decreto n. 123 del 17 febbraio 2026 fissa la firma al 2026-02-20.\n"
        "Il bando resta aperto fino al 5 marzo.\n"
    )
    draft = ingest(page, url="https://example.org/atto", date="2025-11-30")
    acts = {(f.values["type"], f.values["number"]) for f in draft.facts if f.kind == "act"}
    assert acts == {("deliberation", "XI/1234"), ("decree", "5981"), ("decree", "123")}
    dates = {f.values["date"] for f in draft.facts if f.kind in ("date", "call-closes")}
    assert {"2026-02-17", "2026-02-20", "2026-03-05"} <= dates  # "5 marzo" on a November page: next March
    seats = [f.values for f in draft.facts if f.kind == "seat"]
    assert seats and seats[0]["city"] == "Sesto San Giovanni" and seats[0]["istat"] == "015209"


def test_legal_forms_and_new_organisations(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text(
        "Tra i soci fondatori del Cluster Lombardo della Mobilità: Lumson S.p.A., Gruppo Gheron S.p.A., "
        "la Fondazione Ricerca Brianza e Acme Tecnologie srl.\n"
    )
    draft = ingest(page, url="https://example.org/p", date="2025-01-10")
    assert {("lumson", "founding-member"), ("gruppo-gheron", "founding-member")} <= _memberships(draft)
    new = {f.values["label"] for f in draft.facts if f.kind == "organisation"}
    assert {"Fondazione Ricerca Brianza", "Acme Tecnologie"} <= new
    assert "lumson" not in {f.values["id"] for f in draft.facts if f.kind == "organisation"}


def test_legal_forms_fold_on_both_sides(tmp_path):
    data = shutil.copytree(ROOT / "data", tmp_path / "data")
    (data / "acme.yaml").write_text(
        "organisations:\n  - id: acme-tecnologie\n    label: Acme Tecnologie S.r.l.\n    type: company\n"
        "    sources: [lumson-cluster-cosmetico-fondatori]\n"
    )
    page = tmp_path / "p.txt"
    page.write_text("Tra i soci fondatori del Cluster Lombardo della Mobilità c'è Acme Tecnologie SpA.\n")
    draft = ingest(page, url="https://example.org/p", data=data, date="2025-01-10")
    assert ("acme-tecnologie", "founding-member") in _memberships(draft)
    assert not [f for f in draft.facts if f.kind == "organisation"]


def test_evidence_spans_point_at_their_quote():
    draft = ingest(SEED, url="https://www.innovationcity.it/cluster-cosmetico", date="2026-02-17")
    assert draft.facts
    for fact in draft.facts:
        assert " ".join(draft.text[fact.start : fact.end].split()) == " ".join(fact.quote.split())
    document = yaml.safe_load(to_yaml(draft))
    for record in [*document["memberships"], *document["posts"], *document["acts"]]:
        evidence = record["evidence"]
        assert " ".join(draft.text[evidence["start"] : evidence["end"]].split()) == evidence["quote"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("binary.html", "binary data"),
        ("no-text.html", "no text in the page"),
        ("empty.html", "no text in the page"),
    ],
)
def test_hostile_html_gets_a_clean_error(name, message):
    page = FIXTURES / "hostile" / name
    result = CliRunner().invoke(cli.main, ["ingest", str(page), "--url", "https://example.org/x"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{page}:?: -: {message}" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_huge_and_misencoded_pages_are_refused(tmp_path):
    huge = tmp_path / "huge.html"
    huge.write_bytes(b"<p>" + b"a " * (MAX_BYTES // 2 + 10) + b"</p>")
    with pytest.raises(Exception, match="too big for a press release"):
        read_page(huge)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Università di Pavia\n".encode("latin-1"))
    with pytest.raises(Exception, match=r"latin.txt:1: -: not UTF-8 text"):
        read_page(latin)
    garbled = tmp_path / "garbled.html"
    garbled.write_bytes(b'<meta charset="utf-8"><p>' + b"\xe0\xe8\xec " * 200 + b"</p>")
    with pytest.raises(Exception, match="garbled"):
        read_page(garbled)


def test_html_page_main_text_and_title(tmp_path):
    page = tmp_path / "release.html"
    body = REGIONAL.read_text().replace("\n\n", "</p><p>")
    page.write_text(
        f"<html><head><title>Sito</title><script>var x='Lumson';</script></head><body><nav>Regi menu</nav>"
        "<article><h1>Nasce il decimo cluster</h1><script>var y=1;</script><nav>altro menu</nav>"
        f"<p>{body}</p></article>"
        "<footer>Lumson</footer></body></html>"
    )
    text, title = read_page(page)
    assert title == "Nasce il decimo cluster"
    assert "var" not in text and "menu" not in text and "Consiglio Direttivo" in text
    draft = ingest(page, url=REGIONAL_URL, date="2026-02-17")
    assert {(org, "founding-member") for org in FOUNDERS} <= _memberships(draft)


def test_reviewed_draft_passes_validate(tmp_path):
    data = shutil.copytree(ROOT / "data", tmp_path / "data")
    out = data / "drafts" / "seed.yaml"
    result = CliRunner().invoke(
        cli.main,
        [
            "ingest",
            str(SEED),
            "--url",
            "https://www.innovationcity.it/cluster-cosmetico",
            "--date",
            "2026-02-17",
            "--publisher",
            "InnovationCity",
            "--data",
            str(data),
            "--out",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(data) for p in data.rglob("*") if p.is_file())
    original = [p.relative_to(ROOT / "data") for p in (ROOT / "data").rglob("*") if p.is_file()]
    assert written == sorted([*original, Path("drafts/seed.yaml")])  # nothing but the draft was written
    before = CliRunner().invoke(cli.main, ["validate", "--data", str(data)])
    assert before.exit_code == 1
    problems = [line for line in before.stderr.splitlines() if line.startswith(str(out))]
    # unreviewed, the draft is refused: each problem is a 'draft' flag or a fact data/ already holds
    assert any(": draft: " in line for line in problems)
    assert all(": draft: " in line or "is already a" in line for line in problems), problems
    # the curator keeps the new facts, drops those data/ already holds, and deletes the flags
    document = yaml.safe_load(out.read_text())
    from kg.model import load_data

    held = {(c.id, m.organisation, m.role) for c in load_data(ROOT / "data").clusters for m in c.members}
    document["memberships"] = [
        m for m in document["memberships"] if (m["cluster"], m["organisation"], m["role"]) not in held
    ]
    document["posts"] = []
    for section in document.values():
        for record in section:
            record.pop("draft", None)
    out.write_text(yaml.safe_dump({k: v for k, v in document.items() if v}, allow_unicode=True))
    after = CliRunner().invoke(cli.main, ["validate", "--data", str(data)], catch_exceptions=False)
    assert after.exit_code == 0, after.stderr


def test_reviewed_membership_written_apart_joins_its_cluster(tmp_path):
    data = shutil.copytree(ROOT / "data", tmp_path / "data")
    (data / "drafts").mkdir()
    (data / "drafts" / "m.yaml").write_text(
        "memberships:\n  - cluster: clm\n    organisation: lumson\n    role: partner\n"
        "    sources: [lumson-cluster-cosmetico-fondatori]\n"
        "    evidence: {quote: Lumson, start: 0, end: 6}\n"
    )
    from kg.model import load_data

    clm = next(c for c in load_data(data).clusters if c.id == "clm")
    assert ("lumson", "partner") in {(m.organisation, m.role) for m in clm.members}
    (data / "drafts" / "m.yaml").write_text(
        "memberships:\n  - cluster: nope\n    organisation: lumson\n    role: partner\n"
        "    sources: [lumson-cluster-cosmetico-fondatori]\n"
    )
    result = CliRunner().invoke(cli.main, ["validate", "--data", str(data)])
    assert result.exit_code == 1 and "m.yaml:2: cluster: unknown cluster 'nope'" in result.stderr


def _bench():
    spec = importlib.util.spec_from_file_location("ingest_eval", ROOT / "bench" / "ingest_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_precision_and_recall_on_stored_releases():
    rows = _bench().evaluate()
    assert len(rows) - 1 >= 8
    overall = rows[-1]
    assert overall["precision"] >= 0.8, rows
    # the target is on organisations: every membership of one the data knows and the page names
    assert overall["org_recall"] >= 0.95, rows
    assert overall["recall"] >= 0.9, rows  # posts too (people are harder; see docs/CURATING.md)
    documented = (ROOT / "docs" / "CURATING.md").read_text()
    figures = re.search(r"overall \| (\d+) \| (\d+) \| (\d+)", documented)
    assert figures and tuple(map(int, figures.groups())) == (
        overall["key"],
        overall["proposed"],
        overall["hits"],
    )
