"""The package installs as a wheel: ontology, shapes and saved queries travel as package data.

The wheel is built from a copy of the files a release holds (no checkout beside it), and
installed into a fresh virtual environment; its `kg` then builds the real data and runs a
saved query. An editable install would hide a missing package-data entry, so this test
does not use one.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT

RELEASE_FILES = ("pyproject.toml", "README.md", "kg", "ontology", "queries")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in RELEASE_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(source)],
        check=True,
        cwd=source,
    )
    (built,) = out.glob("lombardia_kg-*.whl")
    return built


def test_the_wheel_holds_the_ontology_shapes_queries_and_page_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"kg/ontology/{p.name}" for p in (ROOT / "ontology").glob("*.ttl")}
    expected |= {f"kg/queries/{p.name}" for p in (ROOT / "queries").glob("*.rq")}
    expected.add("kg/viz_page.html")
    expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "kg").rglob("*.py")}  # subpackages too
    expected |= {f"kg/templates/{p.name}" for p in (ROOT / "kg" / "templates").iterdir() if p.is_file()}
    assert len(expected) > 20
    assert expected <= names, sorted(expected - names)


def test_the_installed_wheel_builds_and_answers_a_query(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, str(wheel)], check=True, cwd=tmp_path)
    kg = str(venv / "bin" / "kg")
    probe = "import kg.vocab as v; print(v.__file__); print(v.ontology_dir())"
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.split()
    assert all(line.startswith(str(venv)) for line in where), where  # not the checkout

    out = tmp_path / "out"
    built = subprocess.run(
        [kg, "build", "--data", str(DATA), "--out", str(out)], capture_output=True, text=True, cwd=tmp_path
    )
    assert built.returncode == 0, built.stderr
    assert (out / "kg.nt").stat().st_size > 100_000
    assert "lkg:Cluster" in built.stdout

    answer = subprocess.run(
        [kg, "query", "run", "bridges", "--build", str(out), "--data", str(DATA), "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert answer.returncode == 0, answer.stderr
    rows = list(csv.DictReader(io.StringIO(answer.stdout)))
    polimi = next(r for r in rows if r["organisation"].endswith("/organisation/politecnico-di-milano"))
    assert int(polimi["clusters"]) >= 2
