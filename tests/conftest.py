"""Shared test helpers.

Fixtures live in tests/fixtures/<case>/data/. ``good`` is a complete small dataset;
every other case holds only the files that differ from it, and `fixture_data`
lays them over a copy of ``good`` in the test's temporary folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA = ROOT / "data"


def fixture_data(case: str, tmp_path: Path) -> Path:
    """A writable data dir for ``case``: ``good`` with the case's files laid over it."""
    target = tmp_path / case / "data"
    shutil.copytree(FIXTURES / "good" / "data", target)
    if case != "good":
        shutil.copytree(FIXTURES / case / "data", target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build of the real data/, made once per test session."""
    from kg.build import write_build

    out = tmp_path_factory.mktemp("real-build")
    write_build(DATA, out)
    return out
