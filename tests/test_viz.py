"""kg.viz: maps that open offline, in a real headless Chromium, with no error and no request."""

from __future__ import annotations

import os
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from kg import cli
from kg.build import write_build
from kg.viz import chromium
from tests.conftest import fixture_data

MAPS = [
    ("ecosystem", []),
    ("cluster", ["cosmetica"]),
    ("ego", ["Politecnico di Milano", "--depth", "2"]),
    ("clusters", []),
]


def draw(cli_args: list[str], out: Path) -> Path:
    result = CliRunner().invoke(cli.main, [*cli_args, "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


class Visit:
    """A page opened from disk, with every request, console error and dialog it caused."""

    def __init__(self, browser: object, path: Path, fragment: str = "") -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri() + fragment)
        self.page.wait_for_selector("body[data-drawn=true]", timeout=20_000)

    def painted_pixels(self) -> int:
        return int(
            self.page.evaluate(
                """() => { const c = document.querySelector('#map canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0;
                   for (let i = 0; i < d.length; i += 4)
                     if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240)) n++;
                   return n; }"""
            )
        )

    def off_disk(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("file://")]


@pytest.mark.parametrize(("kind", "args"), MAPS, ids=[m[0] for m in MAPS])
def test_each_map_opens_offline_without_errors(
    kind: str, args: list[str], browser: object, real_build: Path, tmp_path: Path
) -> None:
    page_file = draw(["viz", kind, *args, "--build", str(real_build)], tmp_path / f"{kind}.html")
    text = page_file.read_text()
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']?(https?:)?//", text)
    visit = Visit(browser, page_file)
    try:
        assert visit.errors == []
        assert visit.off_disk() == []
        assert visit.painted_pixels() > 2_000
        visit.page.screenshot(path=str(tmp_path / f"{kind}.png"))
        assert (tmp_path / f"{kind}.png").stat().st_size > 20_000
        rows = visit.page.locator("#nodes-table tbody tr").count()
        assert rows > 3
    finally:
        visit.page.close()


def test_link_reopens_the_filtered_view_and_the_table_follows(
    browser: object, real_build: Path, tmp_path: Path
) -> None:
    page_file = draw(["viz", "ecosystem", "--build", str(real_build)], tmp_path / "e.html")
    visit = Visit(browser, page_file, "#cluster=cosmetica&focus=lumson")
    try:
        page = visit.page
        assert page.input_value("#cluster-filter") == "cosmetica"
        shown = page.locator("#nodes-table tbody tr:not([hidden])")
        assert 5 <= shown.count() < page.locator("#nodes-table tbody tr").count()
        details = page.inner_text("#details")
        assert details.startswith("Lumson") and "https://lumson.com" in details
        # keyboard: move through the table, Enter opens a node's card
        shown.nth(0).focus()
        page.keyboard.press("ArrowDown")
        second = shown.nth(1).inner_text().split("\t")[0]
        assert page.evaluate("document.activeElement.dataset.id") == shown.nth(1).get_attribute("data-id")
        page.keyboard.press("Enter")
        assert page.inner_text("#details").startswith(second)
        page.select_option("#type-filter", "university")
        assert "type=university" in page.evaluate("location.hash")
        assert visit.errors == [] and visit.off_disk() == []
    finally:
        visit.page.close()


def test_disputed_claim_is_drawn_dashed_with_both_sources(real_build: Path, tmp_path: Path) -> None:
    page_file = draw(["viz", "cluster", "cosmetica", "--build", str(real_build)], tmp_path / "c.html")
    data = page_file.read_text()
    block = data[data.index("const DATA = ") :]
    assert '"dashes": true' in block and "https://lumson.com/it/press" in block
    assert "https://www.lombardianotizie.online/cluster-tecnologico-lombardo-cosmesi/" in block


HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", '"><svg onload=alert(1)>']


def test_hostile_names_show_as_text(browser: object, tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    organisations = data / "organisations.yaml"
    text = organisations.read_text()
    for index, name in enumerate(HOSTILE):
        text = text.replace(
            "label: Lumson"
            if index == 0
            else "label: Regione Lombardia"
            if index == 1
            else "label: Politecnico di Milano",
            f"label: '{name}'",
            1,
        )
    organisations.write_text(text)
    build = tmp_path / "build"
    write_build(data, build)
    page_file = draw(["viz", "ecosystem", "--build", str(build), "--data", str(data)], tmp_path / "x.html")
    raw = page_file.read_text()
    assert "<img src=x" not in raw and "</script><script>alert" not in raw
    visit = Visit(browser, page_file)
    try:
        page = visit.page
        page.fill("#search", HOSTILE[0])
        page.dispatch_event("#search", "change")
        assert HOSTILE[0] in page.inner_text("#details")
        assert HOSTILE[1] in page.inner_text("#nodes-table")
        page.wait_for_timeout(300)
        assert visit.dialogs == [] and visit.errors == [] and visit.off_disk() == []
    finally:
        visit.page.close()


def test_embed_snippet_and_still_images(real_build: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli.main,
        ["viz", "clusters", "--build", str(real_build), "--out", str(tmp_path / "m.html"), "--embed"],
        catch_exceptions=False,
    )
    assert '<iframe src="m.html"' in result.output
    svg = draw(["viz", "clusters", "--format", "svg", "--build", str(real_build)], tmp_path / "m.svg")
    root = ElementTree.parse(svg).getroot()
    circles = root.findall("{http://www.w3.org/2000/svg}circle")
    assert len(circles) >= 10  # ten clusters, plus the legend's swatches
    if chromium() is None and os.environ.get("CI") != "true":
        pytest.skip("Chromium is not installed: no PNG")
    png = draw(["viz", "ecosystem", "--format", "png", "--build", str(real_build)], tmp_path / "m.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000


def test_unknown_cluster_gets_suggestions(real_build: Path) -> None:
    result = CliRunner().invoke(cli.main, ["viz", "cluster", "cosmetik", "--build", str(real_build)])
    assert result.exit_code == 1 and "did you mean" in result.stderr


def test_same_data_same_page_whenever_it_is_built(real_build: Path, tmp_path: Path) -> None:
    """Two copies of one build, their files dated years apart, drawn in two processes."""
    import shutil
    import subprocess
    import sys

    from kg.viz import data_date

    pages = []
    for number, year in enumerate((2098, 2099)):
        build = shutil.copytree(real_build, tmp_path / f"build{number}")
        stamp = __import__("datetime").datetime(year, 1, 1).timestamp()
        for path in build.rglob("*"):
            os.utime(path, (stamp, stamp))
        page = tmp_path / f"page{number}.html"
        command = [sys.executable, "-m", "kg", "viz", "ecosystem", "--build", str(build), "--out", str(page)]
        env = {**os.environ, "PYTHONHASHSEED": str(number + 1)}
        subprocess.run(command, check=True, capture_output=True, env=env)
        pages.append(page.read_bytes())
    assert pages[0] == pages[1]
    day = data_date(real_build)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)
    assert f"Dati al {day}:".encode() in pages[0]


def test_hostile_cluster_names_show_as_text_in_title_filter_and_card(browser: object, tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    afil = data / "clusters" / "afil.yaml"
    text = afil.read_text()
    text = text.replace("label: Associazione Fabbrica Intelligente Lombardia", f"label: '{HOSTILE[0]}'", 1)
    afil.write_text(text.replace("acronym: AFIL", f"acronym: '{HOSTILE[1]}'", 1))
    build = tmp_path / "build"
    write_build(data, build)
    for args in (["viz", "cluster", "afil"], ["viz", "ecosystem"], ["viz", "clusters"]):
        page_file = draw([*args, "--build", str(build), "--data", str(data)], tmp_path / f"{args[1]}.html")
        raw = page_file.read_text()
        assert "<img src=x" not in raw and "</script><script>alert" not in raw, args
        visit = Visit(browser, page_file)
        try:
            page = visit.page
            # the label is listed, as text, in every view's cluster filter (the acronym is not on the map)
            assert HOSTILE[0] in page.inner_text("#cluster-filter").splitlines(), args
            if args[1] == "cluster":
                assert page.title() == HOSTILE[0] and HOSTILE[0] in page.inner_text("#nodes-table"), args
            page.fill("#search", "afil")
            page.dispatch_event("#search", "change")
            page.wait_for_timeout(300)
            assert visit.dialogs == [] and visit.errors == [] and visit.off_disk() == [], args
            assert page.evaluate("document.querySelectorAll('img').length") == 0, args  # no injected element
            assert len(page.query_selector_all("script")) == len(re.findall(r"^<script", raw, re.M)), args
        finally:
            visit.page.close()


def test_aggregated_map_opens_a_cluster_into_its_members(browser: object, tmp_path: Path) -> None:
    """Issue 17: above the threshold the ecosystem map draws clusters; a click opens one into its members."""
    from kg.network import CLUSTER_KIND, two_mode
    from kg.store import load_store
    from kg.synth import synthesise
    from kg.viz import EXPAND_MOST, ecosystem_map, write

    synthesise(2500, tmp_path / "data")
    write_build(tmp_path / "data", tmp_path / "build")
    two = two_mode(load_store(tmp_path / "build"), disputed=True)
    spec = ecosystem_map(two, aggregate_above=500, lang="en")
    clusters = {n for n, d in two.nodes(data=True) if d["kind"] == CLUSTER_KIND}
    assert {str(n["id"]) for n in spec.nodes} == clusters
    assert len(spec.members) == two.number_of_nodes() - len(clusters)
    biggest = max(spec.nodes, key=lambda n: len(n["members"]))  # type: ignore[arg-type]
    members = [str(spec.members[i]["id"]) for i in biggest["members"]]  # type: ignore[attr-defined]
    assert set(members) == set(two.neighbors(biggest["id"]))
    assert 10 < len(members) <= EXPAND_MOST
    page_file = write(spec, tmp_path / "map.html")
    visit = Visit(browser, page_file)
    try:
        page = visit.page
        drawn = set(page.evaluate("KG_MAP.nodes.getIds()"))
        assert drawn == clusters
        where = """id => { const p = KG_MAP.network.canvasToDOM(KG_MAP.network.getPosition(id));
                     const r = document.querySelector('#map canvas').getBoundingClientRect();
                     return [r.left + p.x, r.top + p.y]; }"""
        x, y = page.evaluate(where, biggest["id"])
        page.mouse.click(x, y)
        page.wait_for_function("n => KG_MAP.nodes.length > n", arg=len(clusters))
        assert set(page.evaluate("KG_MAP.nodes.getIds()")) == clusters | set(members)
        details = page.inner_text("#details")
        assert details.startswith(str(biggest["label"]))
        assert f"{len(members)} of {len(members)} members shown" in details
        page.mouse.click(x, y)  # a second click closes it
        page.wait_for_function("n => KG_MAP.nodes.length === n", arg=len(clusters))
        # a member's card is made from the page's member table: found by name, with its sourced ties
        card = spec.members[biggest["members"][-1]]  # type: ignore[index]
        page.fill("#search", str(card["label"]))
        page.dispatch_event("#search", "change")
        page.wait_for_function("id => KG_MAP.nodes.get(id) !== null", arg=card["id"])
        details = page.inner_text("#details")
        assert details.startswith(str(card["label"])) and str(biggest["label"]) in details
        for cluster in two.neighbors(card["id"]):
            assert two.nodes[cluster]["label"] in details
            assert all(url in details for url in two.edges[card["id"], cluster]["sources"])
        assert f"focus={card['slug']}" in page.url
        counts = re.findall(r"\((\d+)\)", page.inner_text("#legend"))
        assert sum(map(int, counts)) == two.number_of_nodes()
        assert visit.errors == [] and visit.off_disk() == []
    finally:
        visit.page.close()
