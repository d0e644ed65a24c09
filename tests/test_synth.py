"""kg synth: deterministic, marked synthetic, and valid data in data/'s own format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kg import cli
from kg.build import validate
from kg.model import load_data


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    """Each generation runs in its own process with its own hash seed, as two users' runs would."""
    for name, seed, hash_seed in (("a", "3", "1"), ("b", "3", "2"), ("c", "4", "1")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        command = ["synth", "--organisations", "300", "--seed", seed, "--out", str(tmp_path / name)]
        result = subprocess.run(
            [sys.executable, "-m", "kg", *command], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0 and "300 organisations" in result.stdout, result.stderr
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_synthetic_data_validates_and_says_it_is_synthetic(tmp_path: Path) -> None:
    CliRunner().invoke(
        cli.main, ["synth", "--organisations", "500", "--out", str(tmp_path / "d")], catch_exceptions=False
    )
    report = validate(tmp_path / "d")
    assert report.counts["lkg:Cluster"] == 5 and report.triples > 5_000
    data = load_data(tmp_path / "d")
    assert all(o.label.startswith("Synthetic ") for o in data.organisations)
    assert all(s.url.startswith("https://example.org/synthetic/") for s in data.sources)
    memberships = [len(c.members) for c in data.clusters]
    assert max(memberships) > 3 * min(memberships)  # clusters of very uneven size
