"""kg.query: the saved-query library on the real data, bound parameters, and a real server."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import cli
from kg.errors import KgError
from kg.model import load_data, slugify
from kg.query import Embedded, QueryFile, Remote, Result, find, inline_values, labels_for, library, run
from kg.store import load_store, push
from kg.vocab import LKG_NS, iri
from tests.conftest import ROOT, fixture_data, free_port, wait_for

SOURCE_LN = "https://www.lombardianotizie.online/cluster-tecnologico-lombardo-cosmesi/"
LUMSON_PAGE = "https://lumson.com/it/press/the-lombardy-cosmetic-cluster-is-established-lumson-among-the-founding-members/89"
LKG = LKG_NS


@pytest.fixture(scope="module")
def engine(real_build: Path) -> Embedded:
    return Embedded(load_store(real_build))


def rows_of(engine: Embedded | Remote, name: str, **params: str) -> list[dict[str, str]]:
    result = run(find(name), params or find(name).example, engine)
    return [
        {k: ("" if v is None else v.value) for k, v in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def test_library_has_at_least_15_documented_queries() -> None:
    queries = library()
    assert len(queries) >= 15
    for query in queries:
        assert query.title and query.title_en and query.description and query.description_en, query.name
        for param in query.params:
            assert f"?{param.name}" in query.text, (query.name, param.name)
            assert "/" in param.description, "each parameter is described in Italian / English"
    assert {p.name for p in find("members-at-date").params} == {"cluster", "date"}


def test_members_of_cluster_with_roles_and_sources(engine: Embedded) -> None:
    rows = rows_of(engine, "members-of-cluster")
    lumson = [r for r in rows if r["member"] == iri("organisation", "lumson")]
    assert lumson and lumson[0]["role"] == LKG + "FoundingMember"
    assert SOURCE_LN in lumson[0]["sources"].split()
    pavia = next(r for r in rows if r["member"] == iri("organisation", "universita-degli-studi-di-pavia"))
    assert pavia["disputed"] == "true"


def test_clusters_of_organisation_by_label(engine: Embedded) -> None:
    rows = rows_of(engine, "clusters-of-organisation")
    founded = {r["cluster"] for r in rows if r["role"] == LKG + "FoundingMember"}
    assert {iri("cluster", "lgca"), iri("cluster", "afil"), iri("cluster", "cosmetica")} <= founded


def test_bridges_ranked(engine: Embedded) -> None:
    rows = rows_of(engine, "bridges")
    counts = [int(r["clusters"]) for r in rows]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 2
    assert rows[0]["organisation"] == iri("organisation", "politecnico-di-milano")


def test_research_per_cluster(engine: Embedded) -> None:
    rows = rows_of(engine, "research-per-cluster")
    assert {
        "cluster": iri("cluster", "lgca"),
        "organisation": iri("organisation", "universita-degli-studi-di-milano"),
        "kind": LKG + "University",
        "role": LKG + "FoundingMember",
    } in rows
    assert all(r["kind"] in (LKG + "University", LKG + "ResearchCentre") for r in rows)


def test_cluster_pairs_by_shared_members(engine: Embedded) -> None:
    rows = rows_of(engine, "cluster-pairs")
    pair = next(
        r
        for r in rows
        if {r["clusterA"], r["clusterB"]} == {iri("cluster", "cosmetica"), iri("cluster", "lgca")}
    )
    assert int(pair["shared"]) >= 2 and "Politecnico di Milano" in pair["members"]


def test_companies_per_city(engine: Embedded) -> None:
    # the expected answer, read from data/: companies with a seat and an undisputed cluster membership
    data = load_data(ROOT / "data")
    companies = {o.id: o for o in data.organisations if o.type == "company" and o.city}
    seated: dict[str, set[str]] = {}
    for cluster in data.clusters:
        for member in cluster.members:
            if member.organisation in companies and not member.disputed_by:
                city = companies[member.organisation].city or ""
                seated.setdefault(iri("place", slugify(city)), set()).add(member.organisation)
    agusta = companies["agustawestland"]
    assert agusta.city == "Samarate"
    assert any(
        m.organisation == "agustawestland" for m in next(c for c in data.clusters if c.id == "lac").members
    )
    assert len(seated) >= 5, "the data seats cluster companies in several comuni"

    rows = rows_of(engine, "companies-per-city")
    got = {r["city"]: (int(r["companies"]), set(r["which"].split("; "))) for r in rows}
    assert got == {city: (len(ids), {companies[i].label for i in ids}) for city, ids in seated.items()}
    assert "AgustaWestland" in got[iri("place", "samarate")][1]
    counts = [int(r["companies"]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_acts_of_cluster_by_date(engine: Embedded) -> None:
    rows = rows_of(engine, "acts-of-cluster")
    decree = next(r for r in rows if r["act"] == iri("act", "decreto-308-2015-afil"))
    assert decree["date"] == "2015-12-23" and decree["number"] == "308" and decree["kind"] == LKG + "Decree"
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated, reverse=True)


def test_calls_open_on_a_date(engine: Embedded) -> None:
    open_then = rows_of(engine, "open-calls", date="2026-02-20")
    call = next(r for r in open_then if r["call"] == iri("act", "bando-cluster-tecnologici-innovazione-2025"))
    assert (call["opens"], call["closes"], call["clusters"]) == ("2026-01-20", "2026-03-05", "9")
    closed = rows_of(engine, "open-calls", date="2026-03-06")
    assert iri("act", "bando-cluster-tecnologici-innovazione-2025") not in {r["call"] for r in closed}


def test_posts_and_founding_members(engine: Embedded) -> None:
    posts = rows_of(engine, "posts")
    assert any(
        r["person"] == iri("person", "alessandro-fermi") and r["role"] == LKG + "Assessore" for r in posts
    )
    founders = rows_of(engine, "founding-members")
    assert {
        "cluster": iri("cluster", "lac"),
        "organisation": iri("organisation", "confindustria-varese"),
    }.items() <= next(
        r for r in founders if r["organisation"] == iri("organisation", "confindustria-varese")
    ).items()


def test_audit_lists_acts_without_a_date(engine: Embedded) -> None:
    rows = rows_of(engine, "audit")
    assert {
        "problem": "act without a date",
        "resource": iri("act", "dgr-x-5320-bando-consolidamento-ctl"),
    }.items() <= next(
        r for r in rows if r["resource"] == iri("act", "dgr-x-5320-bando-consolidamento-ctl")
    ).items()
    assert not [r for r in rows if r["problem"] == "no source"]


def test_members_at_date_on_real_data(engine: Embedded) -> None:
    # the expected answer, read from data/: the cosmetics cluster was founded on 2025-12-15
    cosmetica = next(c for c in load_data(ROOT / "data").clusters if c.id == "cosmetica")
    claims = [m for m in cosmetica.members if not m.disputed_by]
    assert all(m.end is None for m in claims), "the expectations below assume no membership has ended"
    founders = [m for m in claims if m.start is not None]
    assert founders and {str(m.start) for m in founders} == {"2025-12-15"}
    undated = [
        (iri("organisation", m.organisation), "", "uncertain", "no start date")
        for m in claims
        if m.start is None
    ]
    assert undated

    def seen(day: str) -> list[tuple[str, str, str, str]]:
        rows = rows_of(engine, "members-at-date", cluster="cosmetica", date=day)
        return sorted((r["member"], r["start"], r["status"], r["reason"]) for r in rows)

    # before the founding: only the memberships without a start date, none of the founders
    assert seen("2025-01-01") == sorted(undated)
    # after it: the founders too, each with an unknown end
    dated = [
        (iri("organisation", m.organisation), "2025-12-15", "uncertain", "end unknown") for m in founders
    ]
    assert seen("2026-01-01") == sorted([*undated, *dated])
    assert (iri("organisation", "lumson"), "2025-12-15", "uncertain", "end unknown") in dated


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Politecnico: start 2013 (a year), end open; Lumson: 2020-05-04 to 2024 (a year).
        ("2013-06-01", {"politecnico-di-milano": ("uncertain", "start date not precise enough")}),
        ("2016-06-01", {"politecnico-di-milano": ("member", "")}),
        ("2021-06-01", {"politecnico-di-milano": ("member", ""), "lumson": ("member", "")}),
        ("2020-05-04", {"politecnico-di-milano": ("member", ""), "lumson": ("member", "")}),
        ("2020-05-03", {"politecnico-di-milano": ("member", "")}),
        (
            "2024-06-01",
            {"politecnico-di-milano": ("member", ""), "lumson": ("uncertain", "end date not precise enough")},
        ),
        ("2025-01-01", {"politecnico-di-milano": ("member", "")}),
        ("2012-12-31", {}),
    ],
)
def test_members_at_date_semantics(day: str, expected: dict[str, tuple[str, str]], tmp_path: Path) -> None:
    from kg.build import write_build

    write_build(fixture_data("good", tmp_path), tmp_path / "b")
    rows = rows_of(Embedded(load_store(tmp_path / "b")), "members-at-date", cluster="afil", date=day)
    found = {r["member"].rsplit("/", 1)[-1]: (r["status"], r["reason"]) for r in rows}
    assert found == expected  # the disputed Regione membership never shows


def test_posts_at_date(engine: Embedded) -> None:
    rows = rows_of(engine, "posts-at-date")
    assert {"role": LKG + "Assessore", "status": "held", "end": "open"}.items() <= next(
        r for r in rows if r["role"] == LKG + "Assessore"
    ).items()


def test_known_vs_declared(engine: Embedded) -> None:
    rows = rows_of(engine, "known-vs-declared")
    lac = [r for r in rows if r["group"] == iri("cluster", "lac")]
    assert {(r["declared"], r["of"], r["asOf"]) for r in lac} == {("116", "imprese socie", "2025-05")}
    assert int(lac[0]["named"]) >= 10


def test_disputed_claims_carry_both_sides(engine: Embedded) -> None:
    rows = rows_of(engine, "disputed-claims")
    pavia = next(r for r in rows if r["subject"] == iri("organisation", "universita-degli-studi-di-pavia"))
    assert LUMSON_PAGE in pavia["claimedBy"].split() and SOURCE_LN in pavia["disputedBy"].split()
    for row in rows:
        if row["field"] != "":  # field disputes name what they contradict when a page states it
            continue
        assert row["claimedBy"] and row["disputedBy"], row


def test_sources_of_a_resource(engine: Embedded) -> None:
    rows = rows_of(engine, "sources-of")
    assert LUMSON_PAGE in {r["source"] for r in rows}


# --------------------------------------------------------------------------- binding and errors


HOSTILE = ['x" } ; DROP ALL ; #', "x' } . ?s ?p ?o #", "<http://evil/> }", 'a"""b', '\\" \n }']


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_stay_data(value: str, tmp_path: Path) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p"), ox.Literal(value)))
    before = len(store)
    text = inline_values("SELECT ?s WHERE { ?s <http://a/p> ?name }", {"name": ox.Literal(value)})
    assert [row["s"].value for row in store.query(text)] == ["http://a/s"]  # matched as one literal
    assert len(store) == before
    query = QueryFile(name="x", path=tmp_path / "x.rq", text="SELECT ?s WHERE { ?s ?p ?label }")
    result = run(query, {"label": value}, Embedded(store))
    assert [r[0].value for r in result.rows if r[0] is not None] == ["http://a/s"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_names_are_unknown_resources(value: str, engine: Embedded) -> None:
    with pytest.raises(KgError, match="unknown cluster"):
        run(find("members-of-cluster"), {"cluster": value}, engine)


def test_syntax_error_names_line_and_column(tmp_path: Path, engine: Embedded) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: broken\nSELECT ?x\nWHERE { ?x ?p ?o FILTER(?o = ) }\n")
    with pytest.raises(KgError) as caught:
        run(find(str(bad)), {}, engine)
    text = str(caught.value.problems[0])
    assert text.startswith(f"{bad}:3: query: SPARQL syntax error at column 18, near 'FILTER(?o'")


def test_parameter_errors(engine: Embedded) -> None:
    with pytest.raises(KgError, match="missing: add --param cluster"):
        run(find("members-of-cluster"), {}, engine)
    with pytest.raises(KgError, match="not a parameter of this query"):
        run(find("members-of-cluster"), {"cluster": "afil", "colour": "red"}, engine)
    with pytest.raises(KgError, match="not a day"):
        run(find("open-calls"), {"date": "5 marzo"}, engine)
    with pytest.raises(KgError, match=r"did you mean 'afil'"):
        run(find("members-of-cluster"), {"cluster": "afl"}, engine)
    with pytest.raises(KgError, match="did you mean 'bridges'"):
        find("bridge")


def test_cli_formats_keep_iris_in_csv_and_labels_in_tables(real_build: Path) -> None:
    args = ["query", "run", "members-of-cluster", "--param", "cluster=cosmetica", "--build", str(real_build)]
    table = CliRunner().invoke(cli.main, args, catch_exceptions=False)
    assert table.exit_code == 0 and "Lumson" in table.output and "socio fondatore" in table.output
    english = CliRunner().invoke(cli.main, [*args, "--lang", "en"], catch_exceptions=False)
    assert "founding member" in english.output
    csv = CliRunner().invoke(cli.main, [*args, "--format", "csv"], catch_exceptions=False)
    header = csv.output.splitlines()[0].split(",")
    assert header[:2] == ["member", "member_label"]
    assert f"{iri('organisation', 'lumson')},Lumson,{LKG}FoundingMember,socio fondatore" in csv.output
    bad = CliRunner().invoke(cli.main, ["query", "run", "members-of-cluster", "--param", "cluster"])
    assert bad.exit_code == 2


# --------------------------------------------------------------------------- a real server


def _normal(result: Result, labels: dict[str, str]) -> list[tuple[str, ...]]:
    """Rows as sorted tuples; GROUP_CONCAT cells sorted too (their order is the engine's)."""
    rows = []
    for row in result.rows:
        cells = []
        for term in row:
            text = "" if term is None else term.value
            cells.append(" ".join(sorted(re.split(r"; |, | ", text))) if " " in text else text)
        rows.append(tuple(cells))
    return sorted(rows)


def test_every_parameter_has_an_example_that_the_header_declares() -> None:
    for query in library():
        assert set(query.example) == {p.name for p in query.params}, query.name


def test_a_malformed_example_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text("# param: cluster — the cluster\n# example: cluster\nSELECT * {}\n")
    with pytest.raises(KgError, match=r"q\.rq:2: example: write it as '# example: name=value'"):
        library(tmp_path)


def test_same_rows_on_a_real_oxigraph_server_after_push(real_build: Path, oxigraph_server: str) -> None:
    assert push(real_build, f"{oxigraph_server}/store") in (200, 201, 204)
    local = Embedded(load_store(real_build))
    remote = Remote(f"{oxigraph_server}/query")
    for query in library():
        params = query.example
        here, there = run(query, params, local), run(query, params, remote)
        assert here.variables == there.variables, query.name
        assert _normal(here, {}) == _normal(there, {}), query.name
        assert here.rows, f"{query.name} answers nothing on the real data"
    labels = labels_for(run(find("bridges"), {}, remote), remote, "it")
    assert labels[iri("organisation", "politecnico-di-milano")] == "Politecnico di Milano"


def test_push_replaces_the_graph_and_a_cut_upload_leaves_it_whole(
    real_build: Path, oxigraph_server: str, tmp_path: Path
) -> None:
    fixture_build = tmp_path / "small"
    from kg.build import write_build

    write_build(fixture_data("good", tmp_path), fixture_build)
    remote = Remote(f"{oxigraph_server}/query")
    count = QueryFile("count", tmp_path / "count.rq", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    push(fixture_build, f"{oxigraph_server}/store")
    small = int(run(count, {}, remote).rows[0][0].value)  # type: ignore[union-attr]
    push(real_build, f"{oxigraph_server}/store")
    full = int(run(count, {}, remote).rows[0][0].value)  # type: ignore[union-attr]
    assert small == len(list(ox.parse(path=str(fixture_build / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)))
    assert full > small  # replaced, not added to
    body = (fixture_build / "kg.nt").read_bytes()
    host, port = oxigraph_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as cut:
        cut.sendall(
            b"PUT /store?default HTTP/1.1\r\nHost: x\r\nContent-Type: application/n-triples\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )
    time.sleep(0.5)
    assert int(run(count, {}, remote).rows[0][0].value) == full  # type: ignore[union-attr]


def _outside_address() -> str | None:
    """This machine's address on its default route, if it has one besides loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent for UDP connect
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_kg_serve_answers_and_stops_on_ctrl_c(real_build: Path, tmp_path: Path) -> None:
    build = shutil.copytree(real_build, tmp_path / "build")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg",
            "serve",
            "--port",
            str(port),
            "--build",
            str(build),
            "--data",
            str(tmp_path / "no-data"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", process)
        rows = rows_of(Remote(f"http://127.0.0.1:{port}/query"), "bridges")
        assert rows[0]["organisation"] == iri("organisation", "politecnico-di-milano")
        update = urllib.request.Request(
            f"http://127.0.0.1:{port}/update",
            data=b"DELETE WHERE { ?s ?p ?o }",
            headers={"Content-Type": "application/sparql-update"},
        )
        with pytest.raises(urllib.error.HTTPError):  # read-only: no update service
            urllib.request.urlopen(update, timeout=10)
        assert rows_of(Remote(f"http://127.0.0.1:{port}/query"), "bridges") == rows
        outside = _outside_address()
        if outside is not None:  # loopback only: the machine's other address does not answer
            with pytest.raises(OSError), socket.create_connection((outside, port), timeout=2):
                pass
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        assert b"stopped" in process.stdout.read()  # type: ignore[union-attr]
    finally:
        if process.poll() is None:
            process.kill()


def test_persisted_store_gives_the_same_answers_and_follows_the_build(tmp_path: Path) -> None:
    from kg.build import write_build

    build = tmp_path / "build"
    write_build(fixture_data("good", tmp_path), build)
    memory, disk = load_store(build, persisted=False), load_store(build, persisted=True)
    query = find("bridges")
    query.text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    assert sorted(map(str, run(query, {}, Embedded(memory)).rows)) == sorted(
        map(str, run(query, {}, Embedded(disk)).rows)
    )
    stamp = (build / "oxigraph" / "loaded-from").read_text()
    (build / "metrics.ttl").write_text("<https://w3id.org/lombardia-kg/id/x> <http://example.org/p> 1 .\n")
    again = load_store(build, persisted=True)  # a new file beside the build: the store is reloaded
    assert (build / "oxigraph" / "loaded-from").read_text() != stamp
    assert len(again) == len(disk) + 1


def test_update_policy_lives_in_the_library(engine: Embedded, tmp_path: Path) -> None:
    """kg.query.execute refuses an update unless allowed; allowed, the embedded store only counts."""
    from kg.errors import KgError
    from kg.query import execute, find

    update = tmp_path / "drop.rq"
    update.write_text("DELETE WHERE { ?m a org:Membership ; org:role ?r }\n")
    query = find(str(update))
    before = len(engine.store)
    with pytest.raises(KgError) as refused:
        execute(query, {}, engine)
    (problem,) = refused.value.problems
    assert problem.path == update and "SPARQL Update (DELETE)" in problem.message
    with pytest.raises(KgError, match="an update takes no parameters"):
        execute(query, {"cluster": "afil"}, engine, allow_update=True)
    said = execute(query, {}, engine, allow_update=True)
    memberships = len(rows_of(engine, "members-of-cluster", cluster="afil"))
    assert said.startswith("0 triples would be added and ") and " 0 removed" not in said
    assert len(engine.store) == before and memberships > 0


def test_national_counterparts_of_each_lombard_cluster(engine: Embedded) -> None:
    rows = rows_of(engine, "national-counterparts")
    lombard = {r["cluster"] for r in rows}
    assert iri("cluster", "cfi") not in lombard  # a national cluster is not listed as Lombard
    ties = {(r["cluster"], r["national"]) for r in rows if r["national"]}
    assert (iri("cluster", "lgca"), iri("cluster", "spring")) in ties
    assert (iri("cluster", "afil"), iri("cluster", "cfi")) in ties
    lgca = next(r for r in rows if r["cluster"] == iri("cluster", "lgca"))
    assert lgca["role"] == LKG + "Member" and "italbiotec.it" in lgca["sources"]


def test_projects_per_cluster_with_their_lead(engine: Embedded) -> None:
    rows = rows_of(engine, "projects-per-cluster")
    leads = {(r["project"], r["lead"]) for r in rows if r["cluster"] == iri("cluster", "scc")}
    assert (iri("project", "smart-land"), iri("organisation", "harpaceas")) in leads
    assert (iri("project", "h2e"), iri("organisation", "techinnova")) in leads
    assert {r["kind"] for r in rows if r["project"] == iri("project", "h2e")} == {LKG + "SupplyChainProject"}


def test_bodies_and_who_sits_on_them(engine: Embedded) -> None:
    rows = rows_of(engine, "bodies")
    committee = iri("unit", "spring--comitato-disseminazione")
    seats = {(r["seat"], r["role"]) for r in rows if r["body"] == committee}
    # a person through a post, an organisation (here a regional cluster) through a membership
    assert (iri("person", "diego-bosco"), LKG + "BoardMember") in seats
    assert (iri("cluster", "lgca"), LKG + "BodyMember") in seats
    assert {r["kind"] for r in rows if r["body"] == committee} == {LKG + "Committee"}


def test_declared_size_over_time(engine: Embedded) -> None:
    rows = rows_of(engine, "declared-size", cluster="afil")
    dates = [r["asOf"] for r in rows]
    assert dates == sorted(dates) and len(set(dates)) >= 2
    assert ("2017-05", "131", "imprese aderenti") in {(r["asOf"], r["count"], r["of"]) for r in rows}
    assert rows_of(engine, "declared-size", cluster="cfi")[0]["count"] == "200"


# ------------------------------------------------------------------------ answers kept beside large builds


def _kg(*args: str | Path) -> str:
    done = CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output


def test_kept_answers_are_the_fresh_answers_and_follow_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large build keeps each answer beside it; a kept answer is byte for byte a fresh run's,
    it is really what `kg query run` prints, and a rebuild drops it."""
    import kg.store
    from kg.query import execute
    from kg.tables import FORMATS
    from kg.vocab import LANGS

    monkeypatch.setattr(kg.store, "PERSIST_ABOVE", 0)  # the real data, treated as a large build
    data, build = tmp_path / "data", tmp_path / "build"
    shutil.copytree(ROOT / "data", data)
    from kg.build import write_build

    write_build(data, build)
    listed = _kg("query", "precompute", "--build", build, "--data", data)
    parameterless = [q.name for q in library() if not q.params]
    assert [line.split()[0] for line in listed.splitlines()[2:]] == parameterless
    kept = set((build / "derived").iterdir())
    assert len(kept) == 1 + len(parameterless) * len(FORMATS) * len(LANGS)  # and the build's stamp

    fresh = Embedded(load_store(build, persisted=False))  # no answers kept: every query runs
    for line in listed.splitlines()[2:]:  # query, rows, seconds
        name, rows, _ = line.split()
        assert int(rows) == len(run(find(name), {}, fresh).rows), name
    for query in library():
        for fmt in FORMATS:
            for lang in LANGS:
                args = ["query", "run", query.name, "--build", build, "--data", data, "--format", fmt]
                args += ["--lang", lang, *[f"--param={k}={v}" for k, v in query.example.items()]]
                assert _kg(*args) == execute(query, query.example, fresh, fmt=fmt, lang=lang) + "\n", (
                    query.name,
                    fmt,
                    lang,
                )
    assert len(set((build / "derived").iterdir())) > len(kept)  # asked with parameters: kept too

    # what is printed is what was kept: a kept file changed by hand shows through
    bridges = ["query", "run", "bridges", "--build", build, "--data", data, "--format", "csv"]
    before = _kg(*bridges)
    for path in (build / "derived").iterdir():
        if path.read_text(encoding="utf-8") + "\n" == before:
            path.write_text("kept,answer\n", encoding="utf-8")
    assert _kg(*bridges) == "kept,answer\n\n"

    # a change to the data rebuilds the build on the next command: the kept answers are dropped
    time.sleep(0.01)
    organisation = next((data / "organisations").glob("*.yaml"))
    organisation.write_text(organisation.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = _kg(*bridges)
    assert after == before
    assert not (build / "derived").exists() or all(
        path.read_text(encoding="utf-8") != "kept,answer\n" for path in (build / "derived").iterdir()
    )


def test_kept_answers_belong_to_the_code_that_made_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.store
    from kg.store import Derived

    (tmp_path / "kg.nt").write_text("")
    Derived(tmp_path).put("bridges", b"old answer")
    assert Derived(tmp_path).get("bridges") == b"old answer"
    monkeypatch.setattr(kg.store, "_CODE_VERSION", ["another version of kg"])
    assert Derived(tmp_path).get("bridges") is None


REFERENCE_QUERIES = ROOT / "tests" / "fixtures" / "reference-queries"


@pytest.fixture(scope="module")
def synthetic_engine(tmp_path_factory: pytest.TempPathFactory) -> Embedded:
    """A synthetic build of 1,000 organisations: end dates, disputed claims, posts of every kind."""
    from kg.build import write_build
    from kg.synth import synthesise

    folder = tmp_path_factory.mktemp("synthetic")
    synthesise(1000, folder / "data", seed=3)
    write_build(folder / "data", folder / "build")
    return Embedded(load_store(folder / "build"))


def _values(engine: Embedded, name: str) -> list[str]:
    """Every value a parameter can take in a build (all clusters, resources), or days for a date."""
    if name == "date":
        return ["2012-01-01", "2015-06-01", "2020-06-01", "2024-05-01", "2026-02-20"]
    kinds = {"cluster": "lkg:Cluster", "organisation": "org:Organization"}
    kind = kinds.get(name, "?any")
    rows = engine.select(f"SELECT DISTINCT ?r WHERE {{ ?r a {kind} }}", {}, source=Path(name)).rows
    found = sorted(str(row[0].value) for row in rows if isinstance(row[0], ox.NamedNode))
    if name == "resource":  # people, organisations and clusters: every tenth one keeps the test short
        found = [r for r in found if "/id/" in r][::10]
    return found


@pytest.mark.parametrize("name", sorted(path.stem for path in REFERENCE_QUERIES.glob("*.rq")))
def test_rewritten_queries_answer_as_their_plain_form(
    name: str, engine: Embedded, synthetic_engine: Embedded
) -> None:
    from itertools import product

    from kg.query import execute

    fast, plain = find(name), find(str(REFERENCE_QUERIES / f"{name}.rq"))
    assert [p.name for p in fast.params] == [p.name for p in plain.params]
    for where in (engine, synthetic_engine):
        choices = [_values(where, p.name) for p in fast.params]
        compared = 0
        for values in product(*choices):
            params = dict(zip([p.name for p in fast.params], values, strict=True))
            expected = execute(plain, params, where, fmt="csv")
            assert execute(fast, params, where, fmt="csv") == expected, (name, params)
            compared += expected.count("\n")
        # the real data has every kind of fact (the synthetic data has no bodies, for one)
        assert compared > 0 or where is synthetic_engine, f"{name}: no rows compared"


def test_an_answer_that_changes_by_itself_is_never_kept(real_build: Path, tmp_path: Path) -> None:
    """A query with NOW() (or RAND(), UUID(), ...) runs every time, even on an engine that keeps answers."""
    from kg.query import execute
    from kg.store import Derived

    build = tmp_path / "build"
    shutil.copytree(real_build, build)
    engine = Embedded(load_store(build), derived=Derived(build))
    today = tmp_path / "today.rq"
    today.write_text("SELECT (COUNT(*) AS ?n) (YEAR(NOW()) > 2000 AS ?now) WHERE { ?s a lkg:Cluster }\n")
    steady = tmp_path / "steady.rq"
    steady.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a lkg:Cluster }\n")
    for _ in range(2):
        assert execute(find(str(today)), {}, engine, fmt="csv").endswith(",true")
    assert not (build / "derived").exists()
    execute(find(str(steady)), {}, engine, fmt="csv")
    assert len(list((build / "derived").iterdir())) == 2  # the steady answer, and the build's stamp
