"""Open the built graph for SPARQL: the embedded Oxigraph store over build/.

kg.query, kg.network and kg.stats query the store that this module opens (`load_store`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import KgError, Problem, syntax_problem

if TYPE_CHECKING:
    import urllib.request
from kg.vocab import EXTRAS, PREFIXES, ontology_dir

OUTPUTS = ("kg.ttl", "kg.nt", "kg.jsonld")

__all__ = [
    "Derived",
    "Row",
    "build_fingerprint",
    "check_endpoint",
    "ensure_build",
    "is_large",
    "load_store",
    "push",
    "select",
    "send",
    "serve",
]

Row = dict[str, "ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None"]


PERSIST_ABOVE = 20_000_000
"""Builds whose kg.nt is larger (bytes; about 100,000 triples) are queried from an on-disk store."""


def is_large(build_dir: Path | str) -> bool:
    """Whether the build is queried from its on-disk store (kg.nt above `PERSIST_ABOVE` bytes)."""
    path = Path(build_dir) / "kg.nt"
    return path.is_file() and path.stat().st_size > PERSIST_ABOVE


def build_fingerprint(build_dir: Path | str) -> str:
    """The build's identity: size and modification time of kg.nt and of the files beside it.

    `kg build` replaces kg.nt by renaming a new file into place, so any rebuild (and any
    change to metrics.ttl or inferred.ttl) gives a new fingerprint; what is derived from
    a build (`persisted_store`, `Derived`) is kept only while the fingerprint matches.
    """
    build = Path(build_dir)
    return " ".join(
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in [build / "kg.nt", *_extras(build)]
    )


_CODE_VERSION: list[str] = []


def code_version() -> str:
    """A digest of the kg package's own source: a value `Derived` kept is not reused by other code."""
    if not _CODE_VERSION:
        import hashlib

        digest = hashlib.sha256()
        for path in sorted(Path(__file__).parent.rglob("*.py")):
            digest.update(path.read_bytes())
        _CODE_VERSION.append(digest.hexdigest())
    return _CODE_VERSION[0]


class Derived:
    """Answers computed from a build, kept in ``build/derived/`` until the build changes.

    A key names what was computed (a query, its parameters, the output format); its
    value is stored in a file named by the key's SHA-256. The folder carries the build's
    fingerprint and the digest of the package's source (`code_version`): when the build
    or the code changes, `get` gives nothing and the next `put` empties the folder.
    Values are written to a temporary file and renamed into place, so a reader never
    sees half a value; a build folder that cannot be written simply keeps nothing (these
    are only shortcuts).

    Examples
    --------
    >>> import tempfile
    >>> build = Path(tempfile.mkdtemp())
    >>> _ = (build / "kg.nt").write_text("")
    >>> derived = Derived(build)
    >>> derived.get("bridges"), derived.put("bridges", b"rows"), derived.get("bridges")
    (None, True, b'rows')
    >>> _ = (build / "kg.nt").write_text("<a:b> <a:c> <a:d> .")  # a new build
    >>> Derived(build).get("bridges") is None
    True
    """

    def __init__(self, build_dir: Path | str) -> None:
        self.folder = Path(build_dir) / "derived"
        # new code empties the folder too, so values of older code do not pile up in it
        self.fingerprint = f"{build_fingerprint(build_dir)} code:{code_version()}"

    def _path(self, key: str) -> Path:
        import hashlib

        return self.folder / hashlib.sha256(key.encode()).hexdigest()

    def _current(self) -> bool:
        stamp = self.folder / "built-from"
        return stamp.is_file() and stamp.read_text(encoding="utf-8") == self.fingerprint

    def get(self, key: str) -> bytes | None:
        """The value kept for ``key`` from this very build, or None."""
        path = self._path(key)
        if not path.is_file() or not self._current():
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def put(self, key: str, value: bytes) -> bool:
        """Keep ``value`` for ``key``; False when the build folder cannot be written."""
        import shutil

        from kg.files import atomic_write

        try:
            if not self._current():
                shutil.rmtree(self.folder, ignore_errors=True)
                self.folder.mkdir(parents=True, exist_ok=True)
                atomic_write(self.folder / "built-from", self.fingerprint)
            atomic_write(self._path(key), value)
        except (KgError, OSError):
            return False
        return True


def load_store(build_dir: Path | str, *, persisted: bool | None = None) -> ox.Store:
    """An Oxigraph store holding the build's kg.nt (and metrics.ttl, inferred.ttl).

    Small builds are loaded in memory (milliseconds). Large ones are opened read-only
    from the on-disk store beside the build (`persisted_store`), which is loaded once and
    reloaded only when the build changes, so a query does not re-parse a million triples.

    Raises
    ------
    KgError
        When the build directory holds no kg.nt.
    """
    path = Path(build_dir) / "kg.nt"
    if not path.is_file():
        raise KgError([Problem(path, None, "-", "no build here; run `kg build` first")])
    if persisted if persisted is not None else is_large(build_dir):
        return ox.Store.read_only(str(persisted_store(build_dir) / "db"))
    store = ox.Store()
    _bulk_load(store, path, ox.RdfFormat.N_TRIPLES)
    for extra in _extras(path.parent):
        _bulk_load(store, extra, ox.RdfFormat.TURTLE)
    return store


def _bulk_load(store: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """Load a file of the build; a damaged or unreadable one is a `KgError` at its line."""
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as error:
        raise KgError([damaged(path, error, fmt)]) from None
    except OSError as error:
        raise KgError(
            [Problem(path, None, "-", f"cannot read the file: {error.strerror or error}")]
        ) from None


def damaged(path: Path, error: SyntaxError, fmt: ox.RdfFormat) -> Problem:
    """The problem of a build file that does not parse: edited or cut short, so build again."""
    problem = syntax_problem(path, error, f"not valid {fmt.name}")
    return Problem(path, problem.line, "-", f"{problem.message}; run `kg build` again")


def _extras(build: Path) -> list[Path]:
    """The files computed beside the build (network measures, inferred facts) that exist."""
    return [build / name for name in EXTRAS if (build / name).is_file()]


def select(store: ox.Store, query: str) -> list[Row]:
    """Rows of a SELECT query, with the project's prefixes predeclared.

    Examples
    --------
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("https://w3id.org/lombardia-kg/id/cluster/afil"),
    ...                   ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("AFIL")))
    >>> [row["l"].value for row in select(store, "SELECT ?l WHERE { cluster:afil rdfs:label ?l }")]
    ['AFIL']
    """
    solutions = store.query(query, prefixes=PREFIXES)
    if not isinstance(solutions, ox.QuerySolutions):  # a caller's mistake, never the user's input
        raise TypeError(f"select() runs SELECT queries, not one that gives {type(solutions).__name__}")
    names = [v.value for v in solutions.variables]
    return [{name: solution[name] for name in names} for solution in solutions]


def _newest(paths: list[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)


def ensure_build(build_dir: Path | str = "build", data_dir: Path | str = "data") -> Path:
    """The build directory, (re)built first when it is missing or older than data/.

    Every command that reads the graph calls this with its ``--build`` option. A
    build directory with no data directory beside it is used as it is.

    Raises
    ------
    KgError
        When the build is missing and cannot be made, or the data is bad.
    """
    build = Path(build_dir)
    data = Path(data_dir)
    outputs = [build / name for name in OUTPUTS]
    if not data.is_dir():
        if all(p.is_file() for p in outputs):
            return build
        raise KgError(
            [Problem(build, None, "-", f"no build here and no data directory '{data}' to build it from")]
        )
    inputs = [*data.rglob("*.y*ml"), *ontology_dir().glob("*.ttl")]
    if not all(p.is_file() for p in outputs) or _newest(inputs) > min(p.stat().st_mtime for p in outputs):
        from kg.build import write_build  # heavy: only when a rebuild is due

        write_build(data, build)
    return build


# --------------------------------------------------------------------------- servers


def oxigraph_binary() -> str:
    """The ``oxigraph`` server program (PyPI package ``oxigraph``, a dependency)."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise KgError(
            [Problem(None, None, "oxigraph", "the server program is missing: pip install oxigraph")]
        )
    return found


def persisted_store(build_dir: Path | str) -> Path:
    """An on-disk Oxigraph store of the build (``build/oxigraph``), reloaded when the build changes.

    It is loaded into a temporary folder and renamed into place, so a server never
    opens a half-loaded store.
    """
    import shutil
    import tempfile

    build = Path(build_dir)
    source = build / "kg.nt"
    target = build / "oxigraph"
    stamp = target / "loaded-from"
    fingerprint = build_fingerprint(build)
    if stamp.is_file() and stamp.read_text() == fingerprint:
        return target
    try:
        staging = Path(tempfile.mkdtemp(prefix=".oxigraph.", dir=build))
    except OSError as error:
        raise KgError([Problem(target, None, "-", f"cannot write the store: {error.strerror}")]) from None
    try:
        store = ox.Store(str(staging / "db"))
        _bulk_load(store, source, ox.RdfFormat.N_TRIPLES)
        for extra in _extras(build):
            _bulk_load(store, extra, ox.RdfFormat.TURTLE)
        store.flush()
        store.optimize()  # compacts what the bulk loader wrote: bridges at 2 M triples 4.1 s -> 2.4 s
        del store  # closes the database before another process opens it
        (staging / "loaded-from").write_text(fingerprint)
        old = build / ".oxigraph.old"
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def serve_command(build_dir: Path | str, *, host: str = "127.0.0.1", port: int = 7878) -> list[str]:
    """The command line that serves the build read-only with Oxigraph's SPARQL server."""
    location = persisted_store(build_dir) / "db"
    return [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"{host}:{port}"]


def serve(
    build_dir: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the build read-only with Oxigraph's server until Ctrl-C or a plain kill.

    ``announce`` is told the endpoint's address once the command is ready to start.

    Raises
    ------
    KgError
        When the server stops by itself with an error.
    """
    import signal
    import subprocess

    command = serve_command(build_dir, host=host, port=port)
    announce(
        f"SPARQL endpoint: http://{host}:{port}/query (query page: http://{host}:{port}/); Ctrl-C stops it"
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, and a plain kill, stop the server cleanly (even when started in the background)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    server = subprocess.Popen(command)
    try:
        code = server.wait()
    except KeyboardInterrupt:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        announce("stopped")
        return
    if code != 0:
        raise KgError([Problem(Path(command[0]), None, "serve", f"the server stopped with code {code}")])


def push(build_dir: Path | str, endpoint: str, *, graph: str | None = None, timeout: float = 600.0) -> int:
    """Replace a graph of a SPARQL 1.1 Graph Store Protocol endpoint with the build.

    One HTTP PUT of kg.nt: the default graph, or ``graph`` when given. The server
    parses the whole body before it replaces the graph, so an upload cut off halfway
    leaves the old graph in place. An endpoint that asks for a login (Virtuoso's
    ``/sparql-graph-crud-auth``, digest or basic) gets the user named in the URL
    (``http://dba@host:8890/...``) and the password after it or, better, in the
    ``KG_ENDPOINT_PASSWORD`` environment variable.

    Returns
    -------
    int
        The HTTP status code (200, 201 or 204).

    Raises
    ------
    KgError
        When the endpoint is not http(s), cannot be reached or refuses the data.
    """
    import urllib.parse
    import urllib.request

    check_endpoint(endpoint)
    endpoint, login = _login(endpoint)
    path = Path(build_dir) / "kg.nt"
    target = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    url = endpoint + ("&" if "?" in endpoint else "?") + target
    with path.open("rb") as body:
        request = urllib.request.Request(
            url,
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples", "Content-Length": str(path.stat().st_size)},
        )
        if login:
            _authorise(request, *login, timeout=timeout, source=path, endpoint=endpoint)
        return send(request, endpoint=endpoint, timeout=timeout, source=path, doing="reach")


def _login(endpoint: str) -> tuple[str, tuple[str, str] | None]:
    """The endpoint without its ``user[:password]@``, and that user and password.

    The password is the URL's, else the ``KG_ENDPOINT_PASSWORD`` environment variable.

    Examples
    --------
    >>> _login("http://dba:s%40cret@127.0.0.1:8890/sparql-graph-crud-auth")
    ('http://127.0.0.1:8890/sparql-graph-crud-auth', ('dba', 's@cret'))
    >>> _login("http://127.0.0.1:7878/store")
    ('http://127.0.0.1:7878/store', None)
    """
    import os
    import urllib.parse

    parts = urllib.parse.urlsplit(endpoint)
    if parts.username is None:
        return endpoint, None
    bare = urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    password = parts.password if parts.password is not None else os.environ.get("KG_ENDPOINT_PASSWORD", "")
    return bare, (urllib.parse.unquote(parts.username), urllib.parse.unquote(password))


def _authorise(
    request: urllib.request.Request, user: str, password: str, *, timeout: float, source: Path, endpoint: str
) -> None:
    """Give ``request`` the Authorization header the endpoint's challenge asks for (digest or basic).

    The challenge comes from a HEAD request first: a server that refuses an upload
    (Virtuoso) closes the connection before reading it, so the 401 of the upload
    itself never arrives.

    Raises
    ------
    KgError
        When the endpoint cannot be reached or asks for no login this knows.
    """
    import base64
    import urllib.error
    import urllib.request

    probe = urllib.request.Request(request.full_url, method="HEAD")
    try:
        urllib.request.urlopen(probe, timeout=timeout).close()
        return  # no login asked for
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
    except (urllib.error.URLError, OSError) as error:
        raise KgError([Problem(source, None, "endpoint", f"cannot reach {endpoint}: {error}")]) from None
    scheme, _, fields = challenge.partition(" ")
    users = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    users.add_password(None, request.full_url, user, password)
    digest = urllib.request.HTTPDigestAuthHandler(users)
    chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(fields))
    for each in (probe, request):  # the probe first: a server that refuses a login drops the upload unread
        if scheme.lower() == "digest" and (answer := digest.get_authorization(each, chal)):
            each.add_unredirected_header("Authorization", f"Digest {answer}")
        elif scheme.lower() == "basic":
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            each.add_unredirected_header("Authorization", f"Basic {token}")
        else:
            message = f"{endpoint} asks for a login kg cannot give: {challenge or 'none named'}"
            raise KgError([Problem(source, None, "endpoint", message)])
    try:
        urllib.request.urlopen(probe, timeout=timeout).close()
    except urllib.error.HTTPError as error:
        if error.code == 401:
            message = f"{endpoint} refused the login of {user!r}: check the password (KG_ENDPOINT_PASSWORD)"
            raise KgError([Problem(source, None, "endpoint", message)]) from None
    except (urllib.error.URLError, OSError) as error:
        raise KgError([Problem(source, None, "endpoint", f"cannot reach {endpoint}: {error}")]) from None


def check_endpoint(endpoint: str) -> str:
    """``endpoint`` if it is an http(s) URL; a KgError naming ``--endpoint`` otherwise."""
    if not endpoint.startswith(("http://", "https://")):
        raise KgError([Problem(None, None, "--endpoint", f"{endpoint!r}: give an http:// or https:// URL")])
    return endpoint


def send(request: urllib.request.Request, *, endpoint: str, timeout: float, source: Path, doing: str) -> int:
    """Send a request that changes a SPARQL service (an update, a graph upload): its HTTP status.

    Raises
    ------
    KgError
        When the service answers with an error (its message quoted) or cannot be reached
        ("cannot {doing} {endpoint}").
    """
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        message = error.read().decode("utf-8", "replace").strip()
        raise KgError(
            [Problem(source, None, "endpoint", f"{endpoint} answered {error.code}: {message}")]
        ) from None
    except (urllib.error.URLError, OSError) as error:
        raise KgError([Problem(source, None, "endpoint", f"cannot {doing} {endpoint}: {error}")]) from None
