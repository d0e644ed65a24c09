"""kg.files: atomic writes under concurrency, failures and foreign filesystems."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import cli
from kg.errors import KgError
from kg.files import atomic_open, atomic_write
from kg.viz import chromium

SIZE = 1 << 20


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_concurrent_writers_never_collide_and_the_target_is_always_one_whole_version(
    tmp_path: Path,
) -> None:
    target = tmp_path / "shared.txt"
    atomic_write(target, b"0" * SIZE)
    errors: list[BaseException] = []
    seen: set[bytes] = set()
    done = threading.Event()

    def writer(mark: bytes) -> None:
        try:
            for _ in range(15):
                atomic_write(target, mark * SIZE)
        except BaseException as error:  # noqa: BLE001 - any error of a writer fails the test
            errors.append(error)

    def reader() -> None:
        while not done.is_set():
            content = target.read_bytes()
            seen.add(content if len(set(content)) != 1 or len(content) != SIZE else content[:1])

    watching = threading.Thread(target=reader)
    watching.start()
    writers = [threading.Thread(target=writer, args=(str(i).encode(),)) for i in range(1, 7)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    watching.join()
    assert errors == []
    assert seen and all(len(version) == 1 for version in seen), "a reader saw a mixed or partial file"
    assert target.read_bytes()[:1] in {str(i).encode() for i in range(1, 7)}
    assert _leftovers(tmp_path) == []


def test_an_error_mid_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "kg.ttl"
    atomic_write(target, "old\n")
    with pytest.raises(RuntimeError, match="serialiser failed"), atomic_open(target, "wb") as stream:
        stream.write(b"new, but only half")
        raise RuntimeError("serialiser failed")
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_a_refused_write_mid_file_is_a_clean_error_and_keeps_the_old_file(tmp_path: Path) -> None:
    # A real write(2) failure: the file-size limit makes the kernel refuse the rest (EFBIG),
    # as a full disk would (ENOSPC), after part of the data has gone into the temporary file.
    target = tmp_path / "kg.nt"
    target.write_text("old\n")
    script = (
        "import resource, signal, sys\n"
        "from kg.errors import KgError\n"
        "from kg.files import atomic_write\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    atomic_write(sys.argv[1], b'x' * 100_000)\n"
        "except KgError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{target}:?: -: cannot write the file: File too large"
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_a_path_under_a_file_or_a_folder_in_the_way_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("a file, not a folder")
    with pytest.raises(KgError) as caught:
        atomic_write(tmp_path / "plain" / "out.ttl", "x")
    [problem] = caught.value.problems
    assert problem.path == tmp_path / "plain" / "out.ttl" and problem.line is None
    assert problem.message.startswith("cannot write the file: ")
    (tmp_path / "folder.ttl").mkdir()
    with pytest.raises(KgError) as caught:
        atomic_write(tmp_path / "folder.ttl", "x")
    assert str(caught.value) == f"{tmp_path / 'folder.ttl'}:?: -: cannot write the file: Is a directory"
    assert _leftovers(tmp_path) == []


def test_a_read_only_folder_is_a_clean_error_naming_the_path(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder: chmod cannot make the case")
    folder = tmp_path / "locked"
    folder.mkdir()
    atomic_write(folder / "kg.ttl", "old\n")
    folder.chmod(0o555)
    try:
        with pytest.raises(KgError) as caught:
            atomic_write(folder / "kg.ttl", "new\n")
    finally:
        folder.chmod(0o755)
    assert str(caught.value) == f"{folder / 'kg.ttl'}:?: -: cannot write the file: Permission denied"
    assert (folder / "kg.ttl").read_text() == "old\n"


def test_a_png_map_is_written_to_another_filesystem(real_build: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == Path(tempfile.gettempdir()).stat().st_dev:
        pytest.skip("no second filesystem beside the temporary folder")
    if chromium() is None and os.environ.get("CI") != "true":
        pytest.skip("Chromium is not installed: no PNG")
    with tempfile.TemporaryDirectory(dir=shm) as folder:
        out = Path(folder) / "maps" / "ecosystem.png"
        result = CliRunner().invoke(
            cli.main,
            ["viz", "clusters", "--format", "png", "--build", str(real_build), "--out", str(out)],
        )
        assert result.exit_code == 0, result.output + str(result.exception)
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert _leftovers(out.parent) == []
