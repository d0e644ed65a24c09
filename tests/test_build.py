"""kg.build: outputs are complete, identical for the same data, atomic, and checked by SHACL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.build import OUTPUTS, validate, write_build
from kg.errors import KgError
from kg.store import ensure_build
from tests.conftest import ROOT, fixture_data

FORMATS = {
    "kg.ttl": ("turtle", ox.RdfFormat.TURTLE),
    "kg.nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "kg.jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
}


def test_build_writes_three_files_that_parse_to_the_same_triples(tmp_path: Path) -> None:
    report = write_build(fixture_data("good", tmp_path), tmp_path / "out")
    assert sorted(p.name for p in report.files) == sorted([*OUTPUTS, "catalog.ttl"])
    for name, (rdflib_format, ox_format) in FORMATS.items():
        path = tmp_path / "out" / name
        by_rdflib = rdflib.Graph().parse(path, format=rdflib_format)
        by_oxigraph = list(ox.parse(path=str(path), format=ox_format))
        assert len(by_rdflib) == len(by_oxigraph) == report.triples, name
    assert report.counts["lkg:Cluster"] == 1
    assert report.counts["org:Membership"] == 4


def test_turtle_is_isomorphic_to_ntriples(tmp_path: Path) -> None:
    write_build(fixture_data("good", tmp_path), tmp_path / "out")
    turtle = rdflib.Graph().parse(tmp_path / "out" / "kg.ttl", format="turtle")
    ntriples = rdflib.Graph().parse(tmp_path / "out" / "kg.nt", format="nt")
    assert isomorphic(turtle, ntriples)


def _build_in_subprocess(data: Path, out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--data", str(data), "--out", str(out)],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )


def test_same_data_gives_byte_identical_files(tmp_path: Path) -> None:
    data = ROOT / "data"
    _build_in_subprocess(data, tmp_path / "a", "1")
    _build_in_subprocess(data, tmp_path / "b", "2")
    for name in OUTPUTS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_failed_build_leaves_previous_outputs_untouched(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    out = tmp_path / "out"
    write_build(data, out)
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    (data / "organisations.yaml").write_text("organisations:\n  - id: Bad Id\n")
    with pytest.raises(KgError):
        write_build(data, out)
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*OUTPUTS, "catalog.ttl"]
    )  # no temporary files left


@pytest.mark.parametrize(
    ("case", "line", "field", "message"),
    [
        ("call_without_closes", 2, "closes", "a call needs its closing date"),
        ("act_without_date", 7, "date", "needs its date"),
    ],
)
def test_shacl_warning_is_reported_at_the_record_and_strict_fails(
    case: str, line: int, field: str, message: str, tmp_path: Path
) -> None:
    data = fixture_data(case, tmp_path)
    expected = f"{data / 'acts.yaml'}:{line}: {field}: {message}"
    report = validate(data)
    assert any(str(p).startswith(expected) for p in report.warnings), report.warnings
    with pytest.raises(KgError) as caught:
        validate(data, strict=True)
    assert any(str(p).startswith(expected) for p in caught.value.problems)


def test_shapes_catch_a_membership_without_role(tmp_path: Path) -> None:
    from kg.build import check_shapes
    from kg.model import load_data
    from kg.rdf import to_triples

    triples, origins = to_triples(load_data(fixture_data("good", tmp_path)))
    role = "http://www.w3.org/ns/org#role"
    stripped = [t for t in triples if t.predicate.value != role]
    problems, warnings = check_shapes(stripped, origins)
    assert warnings == []
    assert {(p.path.name, p.line, p.field) for p in problems} == {
        ("afil.yaml", 10, "members[0].role"),
        ("afil.yaml", 15, "members[1].role"),
        ("afil.yaml", 20, "members[2].role"),
        ("organisations.yaml", 33, "members[0].role"),
        ("people.yaml", 6, "posts[0].role"),
    }


def test_ensure_build_rebuilds_only_when_data_is_newer(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    out = tmp_path / "out"
    ensure_build(out, data)
    nt = out / "kg.nt"
    first = nt.stat().st_mtime_ns
    ensure_build(out, data)
    assert nt.stat().st_mtime_ns == first
    os.utime(data / "people.yaml", ns=(first + 10**9, first + 10**9))
    ensure_build(out, data)
    assert nt.stat().st_mtime_ns > first


@pytest.mark.parametrize("case", ["good", "call_without_closes", "act_without_date", "no-roles", "real"])
def test_shapes_compiled_to_sparql_agree_with_pyshacl(case: str, tmp_path: Path) -> None:
    from kg.build import check_shapes
    from kg.model import load_data
    from kg.rdf import to_triples

    data = ROOT / "data" if case == "real" else fixture_data("good" if case == "no-roles" else case, tmp_path)
    triples, origins = to_triples(load_data(data))
    if case == "no-roles":  # violations, not only warnings
        triples = [t for t in triples if t.predicate.value != "http://www.w3.org/ns/org#role"]
    reference = check_shapes(triples, origins, engine="pyshacl")
    compiled = check_shapes(triples, origins, engine="sparql")
    assert compiled == reference
    if case != "good":
        assert reference[0] or reference[1]  # the case does find something


def test_failed_first_build_leaves_no_directory(tmp_path: Path) -> None:
    data = fixture_data("unknown_role", tmp_path)
    with pytest.raises(KgError):
        write_build(data, tmp_path / "new" / "out")
    assert not (tmp_path / "new" / "out").exists()


def test_progress_is_drawn_on_a_terminal_and_not_when_piped(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    data = fixture_data("good", tmp_path)
    command = [sys.executable, "-m", "kg", "build", "--data", str(data), "--out", str(tmp_path / "out")]
    piped = subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    assert b"kg build" not in piped.stderr and b"\r" not in piped.stderr
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    with subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower
    ) as run:
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closes with the process
                break
            if not chunk:
                break
            drawn += chunk
        assert run.wait() == 0
    os.close(leader)
    assert b"kg build" in drawn and b"checking shapes and writing" in drawn


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("kg.nt", 0, "not valid N-Triples: "),
        ("metrics.ttl", 1, "not valid Turtle: "),
    ],
)
def test_a_damaged_build_file_is_a_clean_error_at_its_line(
    name: str, line: int, message: str, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from kg import cli

    build = tmp_path / "build"
    write_build(fixture_data("good", tmp_path), build)
    target = build / name
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(old + '<a> <b> "cut short .\n', encoding="utf-8")
    where = line or old.count("\n") + 1
    readers = [["query", "run", "bridges"], ["stats"]] + ([["reason"]] if name == "kg.nt" else [])
    for args in readers:  # the reasoner reads kg.nt only
        result = CliRunner().invoke(
            cli.main, [*args, "--build", str(build), "--data", str(tmp_path / "none")]
        )
        assert result.exit_code == 1, result.output
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"{target}:{where}: -: {message}") and first.endswith("run `kg build` again")
