"""kg.reason: the real reasoner (HermiT, Java) on the real data and on broken builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import cli
from kg.build import write_build
from kg.errors import KgError
from kg.model import load_data
from kg.query import Embedded, QueryFile, run
from kg.reason import reason, write_inferred
from kg.store import load_store
from kg.vocab import iri
from tests.conftest import ROOT, fixture_data

LKG = "https://w3id.org/lombardia-kg/ontology#"
ORG = "http://www.w3.org/ns/org#"
A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@pytest.fixture(autouse=True)
def java() -> None:
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Java is missing: HermiT needs Java 17")
        pytest.skip("Java is not installed")


def broken(tmp_path: Path, extra: str) -> tuple[Path, Path]:
    """The good fixture's build, with extra N-Triples appended to kg.nt."""
    data = fixture_data("good", tmp_path)
    build = tmp_path / "build"
    write_build(data, build)
    with (build / "kg.nt").open("a") as stream:
        stream.write(extra)
    return data, build


def test_real_data_is_consistent_and_implies_more(real_build: Path, tmp_path: Path) -> None:
    build = shutil.copytree(real_build, tmp_path / "build")
    result = reason(build, data_dir=Path(__file__).resolve().parent.parent / "data")
    assert result.consistent and result.unsatisfiable == []
    counts = result.counts()
    assert counts["a org:FormalOrganization"] > 100  # universities, companies, ... are formal organisations
    # every act is a policy act by inference (the data states only its kind: deliberation, call, ...)
    assert counts["a lkg:PolicyAct"] == len(load_data(ROOT / "data").acts)


def test_inferred_facts_appear_in_sparql_after_write(tmp_path: Path) -> None:
    build = tmp_path / "build"
    write_build(fixture_data("good", tmp_path), build)
    ask = QueryFile("q", tmp_path / "q.rq", "SELECT ?t WHERE { organisation:politecnico-di-milano a ?t }")
    before = {row[0].value for row in run(ask, {}, Embedded(load_store(build))).rows}  # type: ignore[union-attr]
    assert ORG + "FormalOrganization" not in before
    write_inferred(reason(build), build)
    after = {row[0].value for row in run(ask, {}, Embedded(load_store(build))).rows}  # type: ignore[union-attr]
    assert {ORG + "FormalOrganization", "http://xmlns.com/foaf/0.1/Agent"} <= after


def test_disjoint_types_are_explained_at_the_record(tmp_path: Path) -> None:
    data, build = broken(
        tmp_path,
        f"<{iri('organisation', 'lumson')}> {A} <{LKG}University> .\n",
    )
    result = reason(build, data_dir=data)
    assert not result.consistent
    messages = [str(p) for p in result.problems]
    assert (
        f"{data / 'organisations.yaml'}:9: type: 'Lumson' is typed both Company and University,"
        " which are disjoint" in messages
    )


def test_a_person_as_member_of_a_cluster_is_explained(tmp_path: Path) -> None:
    data, build = broken(
        tmp_path, f"<{iri('person', 'ada-rossi')}> <{ORG}memberOf> <{iri('cluster', 'afil')}> .\n"
    )
    result = reason(build, data_dir=data)
    assert not result.consistent
    assert any(
        "'Ada Rossi' is a person but is made a member of 'Associazione Fabbrica Intelligente Lombardia'"
        in str(p)
        and str(p).startswith(f"{data / 'people.yaml'}:2:")
        for p in result.problems
    ), result.problems


def test_reason_command_exit_codes(tmp_path: Path) -> None:
    data, build = broken(
        tmp_path,
        f"<{iri('organisation', 'lumson')}> {A} <{LKG}University> .\n",
    )
    bad = CliRunner().invoke(cli.main, ["reason", "--build", str(build), "--data", str(tmp_path / "nowhere")])
    assert bad.exit_code == 1 and "The graph is inconsistent" in bad.stderr and "Traceback" not in bad.stderr
    assert "lkg:" not in bad.stderr.split("\n")[0]
    good_build = tmp_path / "good-build"
    write_build(data, good_build)
    ok = CliRunner().invoke(
        cli.main, ["reason", "--build", str(good_build), "--write"], catch_exceptions=False
    )
    assert ok.exit_code == 0 and "consistent" in ok.output and (good_build / "inferred.ttl").is_file()


def test_missing_java_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(KgError, match="HermiT needs Java 17: apt-get install openjdk-17-jre-headless"):
        reason(tmp_path)


def _kg(args: list[str], env: dict[str, str], java_exe: str) -> subprocess.CompletedProcess[str]:
    """``kg ARGS`` in a fresh interpreter whose owlready2 runs ``java_exe``."""
    script = (
        f"import sys, owlready2; owlready2.JAVA_EXE = {java_exe!r}\n"
        "from kg.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


def test_no_java_on_the_path_is_one_line_from_reason_and_build(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    missing = str(tmp_path / "no-jdk" / "bin" / "java")
    for args, path, java_exe, named in [  # no java on the PATH; owlready2 told to run a missing one
        (["reason", "--build", str(tmp_path / "b1"), "--data", str(data)], str(empty), "java", ""),
        (
            ["build", "--reason", "--data", str(data), "--out", str(tmp_path / "b2")],
            os.environ["PATH"],
            missing,
            missing,
        ),
    ]:
        env = {**os.environ, "PATH": path}
        done = _kg(args, env, java_exe)
        expected = "java: HermiT needs Java 17: apt-get install openjdk-17-jre-headless" + (
            f" (owlready2.JAVA_EXE {named!r} is missing)" if named else ""
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr.splitlines() == [expected, "1 problem found."]


def test_java_that_fails_is_a_clean_error(tmp_path: Path) -> None:
    build = tmp_path / "build"
    write_build(fixture_data("good", tmp_path), build)
    fake = tmp_path / "java"
    fake.write_text("#!/bin/sh\necho 'Error occurred during initialization of VM' >&2\nexit 1\n")
    fake.chmod(0o755)
    done = _kg(["reason", "--build", str(build)], dict(os.environ), str(fake))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "java: HermiT failed in Java: Error occurred during initialization of VM",
        "1 problem found.",
    ]


def test_an_inconsistency_keeps_the_problems_of_data_that_no_longer_loads(tmp_path: Path) -> None:
    data, build = broken(tmp_path, f"<{iri('organisation', 'lumson')}> {A} <{LKG}University> .\n")
    (data / "people.yaml").write_text("people:\n  - id: x\n    label: [unclosed\n")
    result = reason(build, data_dir=data)
    assert not result.consistent
    located = [p for p in result.problems if p.path == data / "people.yaml"]
    assert located and all(p.line for p in located), result.problems
