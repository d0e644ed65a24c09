"""A throw-away Virtuoso 7 on 127.0.0.1, for the tests and benchmarks that compare engines (not part of kg).

`kg push` and `kg query run --endpoint` talk to any Virtuoso over HTTP (kg.store,
kg.query); this module only starts a scratch one: Debian's ``virtuoso-t`` on a database
folder of its own, with free ports, stopped when the ``with`` block ends.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError, Problem

__all__ = ["GRAPH", "Scratch", "scratch_server", "virtuoso_binary"]

GRAPH = "https://w3id.org/lombardia-kg/graph"
"""The named graph the build is pushed into (Virtuoso keeps every triple in a named graph)."""

INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = {allowed}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {folder}/www
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


@dataclass(frozen=True)
class Scratch:
    """A running scratch Virtuoso: its ports and the dba password."""

    http: int
    sql: int
    password: str
    folder: Path

    @property
    def query(self) -> str:
        """The SPARQL query endpoint, reading only the build's graph."""
        return f"http://127.0.0.1:{self.http}/sparql?default-graph-uri={GRAPH}"

    @property
    def store(self) -> str:
        """The Graph Store Protocol endpoint that asks for a login (digest), with the user in it."""
        return f"http://dba:{self.password}@127.0.0.1:{self.http}/sparql-graph-crud-auth"

    def isql(self, *statements: str) -> str:
        """Run SQL statements with Virtuoso's ``isql-vt`` as dba; their output.

        Raises
        ------
        KgError
            When a statement fails.
        """
        script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
        done = subprocess.run(
            [virtuoso_binary("isql-vt"), f"127.0.0.1:{self.sql}", "dba", self.password],
            input=script,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise KgError([Problem(self.folder, None, "isql", (done.stdout + done.stderr).strip()[-500:])])
        return done.stdout


def virtuoso_binary(name: str = "virtuoso-t") -> str:
    """A program of Debian's ``virtuoso-opensource`` (``virtuoso-t``, ``isql-vt``).

    Raises
    ------
    KgError
        When it is not installed.
    """
    found = shutil.which(name)
    if not found:
        message = "Virtuoso is not installed: apt-get install virtuoso-opensource"
        raise KgError([Problem(None, None, name, message)])
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def scratch_server(
    folder: Path, *, allowed: tuple[Path, ...] = (), memory_gb: float = 1.0, password: str | None = None
) -> Iterator[Scratch]:
    """A Virtuoso on a new database in ``folder``, on free 127.0.0.1 ports, stopped on exit.

    ``allowed`` are the folders its bulk loader may read; ``memory_gb`` sizes its page
    buffers (Virtuoso's guide: about two thirds of the memory it may use). The dba
    password is changed from the factory one to ``password`` (a random one if None).

    Raises
    ------
    KgError
        When Virtuoso is missing or does not come up within a minute.
    """
    import secrets

    binary = virtuoso_binary()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "www").mkdir(exist_ok=True)
    http, sql = _free_port(), _free_port()
    buffers = int(memory_gb * 1024**3 / 8192 * 0.66)
    ini = folder / "virtuoso.ini"
    ini.write_text(
        INI.format(
            folder=folder,
            sql=sql,
            http=http,
            allowed=", ".join(str(p) for p in (folder, *allowed)),
            buffers=buffers,
            dirty=buffers * 3 // 4,
        )
    )
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log = (folder / "virtuoso.log").read_text(errors="replace")[-500:]
                raise KgError([Problem(ini, None, "virtuoso", f"exited with {process.returncode}: {log}")])
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{http}/sparql?query=ASK%7B%7D", timeout=2).close()
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise KgError([Problem(ini, None, "virtuoso", "no answer within 60 s")]) from None
                time.sleep(0.2)
        chosen = password or secrets.token_hex(12)
        Scratch(http, sql, "dba", folder).isql(f"USER_SET_PASSWORD('dba', '{chosen}')")
        yield Scratch(http, sql, chosen, folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
