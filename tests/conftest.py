"""Shared test helpers.

Fixtures live in tests/fixtures/<case>/data/. ``good`` is a complete small dataset;
every other case holds only the files that differ from it, and `fixture_data`
lays them over a copy of ``good`` in the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA = ROOT / "data"


IN_CI = os.environ.get("CI") == "true"

BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Headless Chromium without the background requests this machine's closed network refuses."""


def missing(what: str) -> None:
    """A tool the test needs is not installed: fail in CI (`.ci/run` installs it), skip elsewhere."""
    if IN_CI:
        pytest.fail(f"{what} is missing in CI: .ci/run and make install it")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (no browser download), for the session."""
    from kg.viz import chromium

    path = chromium()
    if path is None:
        missing("Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=BROWSER_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


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


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 20.0) -> None:
    """Until ``url`` answers; an error if ``process`` exits or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url}")


@pytest.fixture()
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """A real, writable Oxigraph server on 127.0.0.1, stopped after the test."""
    from kg.store import oxigraph_binary

    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real Virtuoso 7 on 127.0.0.1 with a throw-away database and free ports, for the session."""
    import shutil as tools

    if tools.which("virtuoso-t") is None:
        missing("Virtuoso (apt-get install virtuoso-opensource)")
    from tests.virtuoso import scratch_server

    with scratch_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
