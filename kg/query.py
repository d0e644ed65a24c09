"""The saved-query library (queries/*.rq): headers, bound parameters, engines, output.

A library query opens with comment lines::

    # title: Membri di un cluster
    # title@en: Members of a cluster
    # description: ...
    # description@en: ...
    # param: cluster — il cluster (id, nome o IRI) / the cluster (id, name or IRI)
    # example: cluster=cosmetica

``example`` gives values that make the query answer on the real data: ``kg query
list`` prints them as a command to copy, and the tests and benchmarks run them.
Parameters are bound as RDF terms, never pasted into the query as text: each value
becomes an Oxigraph term (a literal, a date, an IRI found in the graph), written by
Oxigraph's own escaping serialiser into a ``VALUES`` block that opens the query's
WHERE group, the same on the embedded store and on a remote endpoint. (Oxigraph's
``substitutions`` would be the other way, but it only binds variables that the query
projects, and most library queries aggregate over their parameter.) What a parameter is
follows from its name: ``cluster``, ``organisation``, ``person``, ``act`` and
``resource`` name a resource by id, label or IRI; ``date`` is an ``xsd:date``;
``top``, ``limit`` and ``min`` are integers; anything else is a plain string.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.names import did_you_mean, resolve, suggest
from kg.tables import Cell, Named, render
from kg.vocab import BASE, LANGS, PREFIXES, expand, ontology_dir, queries_dir

if TYPE_CHECKING:
    from kg.store import Derived

__all__ = [
    "Engine",
    "Param",
    "QueryFile",
    "Result",
    "apply_update",
    "bind",
    "execute",
    "find",
    "library",
    "library_table",
    "list_columns",
    "ontology_labels",
    "precompute",
    "precompute_table",
    "answers",
    "open_engine",
    "render_result",
    "run",
    "sorted_lists",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal
XSD = PREFIXES["xsd"]
_HEADER = re.compile(r"^#\s*(title|title@en|description|description@en|param|example)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(?:—|--|-|:)\s*(.*)$")

# What a parameter name asks for: an rdf:type its value must have, or a datatype.
RESOURCE_KINDS: dict[str, tuple[str, ...]] = {
    "cluster": (expand("lkg:Cluster"),),
    "organisation": (expand("org:Organization"),),
    "person": (expand("foaf:Person"),),
    "act": (expand("eli:LegalResource"),),
    "resource": (),
}
INTEGER_PARAMS = ("top", "limit", "min")


@dataclass(frozen=True)
class Param:
    """A declared parameter: its name and what the header says of it."""

    name: str
    description: str


@dataclass
class QueryFile:
    """A saved query and its header."""

    name: str
    path: Path
    text: str
    title: str = ""
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    params: list[Param] = field(default_factory=list)
    example: dict[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (``it`` or ``en``), the other language's when it has none."""
        return (self.title_en or self.title) if lang == "en" else (self.title or self.title_en)

    def description_in(self, lang: str) -> str:
        """The description in ``lang``, the other language's when it has none."""
        if lang == "en":
            return self.description_en or self.description
        return self.description or self.description_en

    def example_command(self) -> str:
        """The ``kg query run`` command line of the header's example.

        Examples
        --------
        >>> q = QueryFile("members-of-cluster", Path("q.rq"), "", example={"cluster": "AFIL 2"})
        >>> q.example_command()
        "kg query run members-of-cluster --param 'cluster=AFIL 2'"
        """
        import shlex

        params = "".join(f" --param {shlex.quote(f'{k}={v}')}" for k, v in self.example.items())
        return f"kg query run {self.name}{params}"


@dataclass
class Result:
    """Variables and rows (RDF terms or None) of a SELECT query."""

    variables: list[str]
    rows: list[list[Term | None]]


def _parse(path: Path) -> QueryFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KgError([Problem(path, None, "-", f"cannot read the query: {error}")]) from None
    query = QueryFile(name=path.stem, path=path, text=text)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            param = _PARAM.match(value)
            if not param:
                raise KgError([Problem(path, number, "param", "write it as '# param: name — description'")])
            query.params.append(Param(*param.groups()))
        elif key == "example":
            name, sep, example = value.partition("=")
            if not sep or not name.strip():
                raise KgError([Problem(path, number, "example", "write it as '# example: name=value'")])
            query.example[name.strip()] = example.strip()
        else:
            setattr(query, key.replace("@en", "_en"), value)
    return query


def library(directory: Path | None = None) -> list[QueryFile]:
    """Every saved query in ``queries/``, sorted by name."""
    folder = directory or queries_dir()
    return [_parse(path) for path in sorted(folder.glob("*.rq"))]


def find(name_or_file: str, directory: Path | None = None) -> QueryFile:
    """A library query by name (``bridges``), or any ``.rq`` file by path.

    Raises
    ------
    KgError
        When neither exists; names the closest library queries.
    """
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        return _parse(path)
    folder = directory or queries_dir()
    candidate = folder / f"{path.stem if path.suffix == '.rq' else name_or_file}.rq"
    if candidate.is_file():
        return _parse(candidate)
    close = suggest(name_or_file, [q.stem for q in folder.glob("*.rq")], cutoff=0.5)
    hint = did_you_mean(close) if close else "; see `kg query list`"
    raise KgError([Problem(None, None, "query", f"{name_or_file!r}: no such query or .rq file{hint}")])


# --------------------------------------------------------------------------- engines


class Engine:
    """Runs SELECT queries; `Embedded` over an Oxigraph store, `Remote` over HTTP."""

    def select(self, query: str, bindings: dict[str, Term], *, source: Path) -> Result:
        raise NotImplementedError


def _syntax_problem(source: Path, message: str, line_offset: int = 0) -> Problem:
    match = re.search(r"(\d+):(\d+)", message)
    if match:
        line = int(match[1]) - line_offset
        return Problem(source, line, "query", f"SPARQL syntax error at column {match[2]}: {message}")
    return Problem(source, None, "query", f"SPARQL syntax error: {message}")


def _locate_syntax_error(source: Path, text: str, message: str) -> Problem:
    """The error at the token where it is, not where Oxigraph's parser gave up.

    Oxigraph reports the furthest point its parser reached (often the end of the
    query); rdflib's parser, asked only once Oxigraph has refused the query, names
    the offending token and its line and column.
    """
    from pyparsing import ParseException  # rdflib's parser: imported only on this error path
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(text, initNs=PREFIXES)
    except ParseException as error:
        found = (
            error.line[error.col - 1 :].split()[0] if error.line[error.col - 1 :].strip() else "end of line"
        )
        return Problem(
            source,
            error.lineno,
            "query",
            f"SPARQL syntax error at column {error.col}, near {found!r} ({message})",
        )
    except Exception:  # noqa: BLE001, S110 - rdflib accepts or fails otherwise: keep Oxigraph's position
        pass
    return _syntax_problem(source, message)


class Embedded(Engine):
    """The embedded Oxigraph store; a query still running after ``timeout`` seconds is abandoned.

    With ``derived`` (`open_engine` gives it for a build large enough to be queried from
    disk), `execute` keeps each answer beside the build and gives it again, unchanged,
    until the build changes.
    """

    def __init__(
        self, store: ox.Store, *, timeout: float | None = None, derived: Derived | None = None
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.derived = derived
        """Where answers are kept beside a large build (`execute`), or None: always run."""

    def select(self, query: str, bindings: dict[str, Term], *, source: Path) -> Result:
        try:
            text = inline_values(query, bindings)
        except ValueError as error:
            raise KgError([Problem(source, None, "query", str(error))]) from None
        if self.timeout is None:
            return self._evaluate(text, source)
        return _within(self.timeout, source, lambda: self._evaluate(text, source))

    def _evaluate(self, text: str, source: Path) -> Result:
        try:
            solutions = self.store.query(text, prefixes=PREFIXES)
        except SyntaxError as error:
            raise KgError([_locate_syntax_error(source, text, str(error))]) from None
        except (RuntimeError, OSError, ValueError) as error:
            raise KgError([Problem(source, None, "query", f"the query failed: {error}")]) from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise KgError([Problem(source, None, "query", "only SELECT queries can be run and tabulated")])
        variables = [v.value for v in solutions.variables]
        rows = [[solution[name] for name in variables] for solution in solutions]
        return Result(variables, rows)  # type: ignore[arg-type]

    def update(self, text: str, *, source: Path) -> tuple[int, int]:
        """What a SPARQL Update would change here: (triples added, triples removed).

        The update runs on an in-memory copy, so this store (which may be a read-only
        on-disk one) is left as it was: the build is made from data/, and a change
        written here would be lost at the next build without a word.
        """
        before = set(self.store)
        scratch = ox.Store()
        scratch.bulk_extend(before)
        try:
            scratch.update(text, prefixes=PREFIXES)
        except SyntaxError as error:
            raise KgError([_syntax_problem(source, str(error))]) from None
        except (RuntimeError, OSError, ValueError) as error:
            raise KgError([Problem(source, None, "query", f"the update failed: {error}")]) from None
        after = set(scratch)
        return len(after - before), len(before - after)


T = TypeVar("T")


def _within(seconds: float, source: Path, work: Callable[[], T]) -> T:
    """``work()``, or a `KgError` once ``seconds`` have passed.

    Oxigraph evaluates without holding the GIL but cannot be interrupted, so the work
    runs in a daemon thread that is left behind (and ends with the process) on timeout.

    Examples
    --------
    >>> import time
    >>> _within(5, Path("q.rq"), lambda: 42)
    42
    >>> _within(0.05, Path("q.rq"), lambda: time.sleep(1))
    Traceback (most recent call last):
    ...
    kg.errors.KgError: q.rq:?: query: stopped after 0.05 s (--timeout); narrow the query or raise the limit
    """
    import threading

    outcome: list[tuple[bool, object]] = []

    def target() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as error:  # noqa: BLE001 - handed back to the waiting thread
            outcome.append((False, error))

    worker = threading.Thread(target=target, name="kg-query", daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        message = f"stopped after {seconds:g} s (--timeout); narrow the query or raise the limit"
        raise KgError([Problem(source, None, "query", message)])
    ok, value = outcome[0]
    if not ok:
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]


_UPDATE = re.compile(
    r"^(?:\s|#[^\n]*\n|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


def update_keyword(text: str) -> str | None:
    r"""The operation a SPARQL Update opens with, or None for a query.

    Examples
    --------
    >>> update_keyword("# add\nPREFIX ex: <http://e/>\ninsert data { ex:a ex:b ex:c }")
    'INSERT'
    >>> update_keyword("SELECT * { ?s ?p ?o }") is None
    True
    """
    match = _UPDATE.match(text)
    return match[1].upper() if match else None


_SKIPPED = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n]*"
)
"""What a scan of a query steps over whole: long and short strings, IRIs, comments."""

_TOKENS = re.compile(_SKIPPED + r"|\{")


def inline_values(query: str, bindings: dict[str, Term]) -> str:
    """``query`` with a VALUES block of the bound terms opening its WHERE group.

    The terms are written by Oxigraph (escaped N-Triples syntax), so a value such as
    ``x" } ; DROP ALL ; #`` stays a string literal.

    Examples
    --------
    >>> print(inline_values('SELECT ?x WHERE { ?x ?p ?o }', {"o": ox.Literal('a" }')}))
    SELECT ?x WHERE { VALUES (?o) { ("a\\" }") } ?x ?p ?o }
    """
    if not bindings:
        return query
    names = sorted(bindings)
    block = (
        f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(bindings[n]) for n in names)}) }}"
    )
    for token in _TOKENS.finditer(query):
        if token.group() == "{":
            return query[: token.end()] + block + query[token.end() :]
    raise ValueError("the query has no group pattern to bind parameters in")


class Remote(Engine):
    """A SPARQL 1.1 Protocol query endpoint (Oxigraph /query, Fuseki, Virtuoso, GraphDB)."""

    def __init__(self, endpoint: str, *, timeout: float = 60.0) -> None:
        from kg.store import check_endpoint

        self.endpoint = check_endpoint(endpoint)
        self.timeout = timeout

    def select(self, query: str, bindings: dict[str, Term], *, source: Path) -> Result:
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        try:
            text = prologue + inline_values(query, bindings)
        except ValueError as error:
            raise KgError([Problem(source, None, "query", str(error))]) from None
        request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode({"query": text}).encode(),
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.load(response)
        except urllib.error.HTTPError as error:
            message = error.read().decode("utf-8", "replace").strip()
            if error.code == 400 and re.search(r"\d+:\d+", message):
                raise KgError([_syntax_problem(source, message, line_offset=len(PREFIXES))]) from None
            raise KgError(
                [Problem(source, None, "endpoint", f"{self.endpoint} answered {error.code}: {message}")]
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
                message = f"stopped after {self.timeout:g} s (--timeout); narrow the query or raise the limit"
                raise KgError([Problem(source, None, "query", message)]) from None
            raise KgError(
                [Problem(source, None, "endpoint", f"cannot query {self.endpoint}: {error}")]
            ) from None
        variables = list(payload.get("head", {}).get("vars", []))
        rows = [
            [_from_json(binding.get(name)) for name in variables]
            for binding in payload["results"]["bindings"]
        ]
        return Result(variables, rows)

    def update(self, text: str, *, source: Path) -> int:
        """Send a SPARQL Update to the endpoint (SPARQL 1.1 Protocol); the HTTP status."""
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        request = urllib.request.Request(
            self.endpoint,
            data=(prologue + text).encode(),
            headers={"Content-Type": "application/sparql-update"},
            method="POST",
        )
        from kg.store import send

        return send(request, endpoint=self.endpoint, timeout=self.timeout, source=source, doing="update")


def _from_json(value: dict[str, str] | None) -> Term | None:
    """An RDF term from a SPARQL JSON results binding."""
    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        text = value["value"]
        if value["datatype"] == XSD + "boolean":  # Virtuoso writes true as 1: the canonical form is true
            text = {"1": "true", "0": "false"}.get(text, text)
        return ox.Literal(text, datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


# --------------------------------------------------------------------------- parameters


def _resolve(engine: Engine, name: str, value: str, source: Path) -> ox.NamedNode:
    """The IRI a parameter value names: an IRI, an id (slug) or a label."""
    types = RESOURCE_KINDS.get(name, ())
    # an id or an IRI names one resource directly: look it up before scanning every label
    kinds = ("organisation", "cluster", "person", "act", "concept") if name == "resource" else (name,)
    direct = [value] if value.startswith(("http://", "https://")) else [BASE + f"{k}/{value}" for k in kinds]
    valid = []
    for candidate in direct:
        try:
            valid.append(str(ox.NamedNode(candidate)))
        except ValueError:  # not an IRI at all (spaces, quotes): only a label can match it
            continue
    listed = " ".join(valid)
    if listed:
        check = (
            f"{{ VALUES ?type {{ {' '.join(f'<{t}>' for t in types)} }} ?s a ?type }}"
            if types
            else "{ ?s ?p ?o }"
        )
        hits = engine.select(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {listed} }} {check} }}", {}, source=source
        )
        found = sorted({row[0].value for row in hits.rows if isinstance(row[0], ox.NamedNode)})
        if len(found) == 1:
            return ox.NamedNode(found[0])
    type_filter = " ".join(f"<{t}>" for t in types)
    # any named thing: everything a user can name has a label (scanning labels, not every triple)
    pattern = f"VALUES ?type {{ {type_filter} }} ?s a ?type ." if types else "?s rdfs:label ?anyLabel ."
    rows = engine.select(
        f"""SELECT DISTINCT ?s ?label WHERE {{ {pattern}
              OPTIONAL {{ {{ ?s rdfs:label ?label }} UNION {{ ?s skos:altLabel ?label }} }} }}""",
        {},
        source=source,
    ).rows
    candidates: dict[str, set[str]] = {}
    for subject, label in rows:
        if isinstance(subject, ox.NamedNode):
            names = candidates.setdefault(subject.value, set())
            if label is not None:
                names.add(label.value)
    return ox.NamedNode(resolve(value, candidates, what=name, field=f"--param {name}"))


def bind(query: QueryFile, params: dict[str, str], engine: Engine) -> dict[str, Term]:
    """RDF terms for the ``--param`` values, checked against the query's header.

    Raises
    ------
    KgError
        For a parameter the query does not declare, a missing one, a malformed
        date or number, or a name that matches no resource (with suggestions).
    """
    declared = {p.name for p in query.params}
    problems = []
    if declared:
        for name in sorted(set(params) - declared):
            problems.append(
                Problem(
                    query.path,
                    None,
                    f"--param {name}",
                    f"not a parameter of this query ({', '.join(sorted(declared))})",
                )
            )
        for name in sorted(declared - set(params)):
            problems.append(Problem(None, None, f"--param {name}", f"missing: add --param {name}=..."))
    if problems:
        raise KgError(problems)
    bound: dict[str, Term] = {}
    for name, value in params.items():
        if name in RESOURCE_KINDS:
            bound[name] = _resolve(engine, name, value, query.path)
        elif name == "date" or name.endswith("_date"):
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise KgError(
                    [Problem(None, None, f"--param {name}", f"{value!r} is not a day: use YYYY-MM-DD")]
                )
            bound[name] = ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
        elif name in INTEGER_PARAMS:
            if not value.isdigit():
                raise KgError([Problem(None, None, f"--param {name}", f"{value!r} is not a whole number")])
            bound[name] = ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
        else:
            bound[name] = ox.Literal(value)
    return bound


def run(query: QueryFile, params: dict[str, str], engine: Engine) -> Result:
    """Bind ``params`` and run ``query`` on ``engine``; list columns sorted (`sorted_lists`)."""
    return run_bound(query, bind(query, params, engine), engine)


def run_bound(query: QueryFile, bindings: dict[str, Term], engine: Engine) -> Result:
    """`run` with the parameters already bound (`bind`)."""
    text, lists = list_columns(query.text)
    return sorted_lists(engine.select(text, bindings, source=query.path), lists)


# --------------------------------------------------------------------------- list columns

LIST_MARK = "\x1f"
"""The separator every GROUP_CONCAT is given when it runs (ASCII unit separator): no label holds it."""

_LIST_TOKENS = re.compile(
    _SKIPPED + r"|\b(?i:GROUP_CONCAT|SEPARATOR|AS)\b"
    r"|\?\w+|[()=]",
)
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def list_columns(query: str) -> tuple[str, dict[str, str]]:
    """The query with each GROUP_CONCAT separated by `LIST_MARK`, and each list column's separator.

    The order of a GROUP_CONCAT is left to the engine by SPARQL (Oxigraph, an Oxigraph
    server and Virtuoso each give their own), so the query runs with a separator no value
    holds, and `sorted_lists` sorts the values and joins them with the query's own.

    Examples
    --------
    >>> text, lists = list_columns('SELECT (GROUP_CONCAT(DISTINCT ?n; SEPARATOR="; ") AS ?names) {}')
    >>> lists
    {'names': '; '}
    >>> text == 'SELECT (GROUP_CONCAT(DISTINCT ?n; SEPARATOR="\x1f") AS ?names) {}'
    True
    >>> list_columns("SELECT (GROUP_CONCAT(?n) AS ?all) {}")[1]
    {'all': ' '}
    """
    edits: list[tuple[int, int, str]] = []
    lists: dict[str, str] = {}
    tokens = [(m.group(), m.start(), m.end()) for m in _LIST_TOKENS.finditer(query) if m.group()[0] != "#"]
    for i, (token, _, _) in enumerate(tokens):
        if token.upper() != "GROUP_CONCAT" or i + 1 >= len(tokens) or tokens[i + 1][0] != "(":
            continue
        depth, separator, j = 0, None, i + 1
        for j in range(i + 1, len(tokens)):
            text, start, end = tokens[j]
            depth += {"(": 1, ")": -1}.get(text, 0)
            if depth == 1 and text.upper() == "SEPARATOR" and j + 2 < len(tokens) and tokens[j + 1][0] == "=":
                literal, lit_start, lit_end = tokens[j + 2]
                separator = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), literal[1:-1])
                edits.append((lit_start, lit_end, f'"{LIST_MARK}"'))
            if depth == 0:
                if separator is None:
                    edits.append((start, start, f'; SEPARATOR="{LIST_MARK}"'))
                break
        if j + 2 < len(tokens) and tokens[j + 1][0].upper() == "AS" and tokens[j + 2][0].startswith("?"):
            lists[tokens[j + 2][0][1:]] = " " if separator is None else separator
    for start, end, replacement in sorted(edits, reverse=True):
        query = query[:start] + replacement + query[end:]
    return query, lists


def sorted_lists(result: Result, lists: dict[str, str]) -> Result:
    """``result`` with each list column's values sorted and joined by the column's separator.

    Values sort by their text, case-insensitively first (a label, or an IRI's text), so
    every engine gives the same cell.

    Examples
    --------
    >>> r = Result(["names"], [[ox.Literal(f"b{LIST_MARK}A{LIST_MARK}a")], [None]])
    >>> [row[0] and row[0].value for row in sorted_lists(r, {"names": "; "}).rows]
    ['A; a; b', None]
    """
    columns = [(i, lists[name]) for i, name in enumerate(result.variables) if name in lists]
    for row in result.rows:
        for i, separator in columns:
            cell = row[i]
            if isinstance(cell, ox.Literal):
                values = sorted(cell.value.split(LIST_MARK), key=lambda v: (v.casefold(), v))
                row[i] = ox.Literal(separator.join(values))
    return result


# --------------------------------------------------------------------------- output

_ONTOLOGY_LABELS: dict[str, dict[str, str]] = {}


def ontology_labels() -> dict[str, dict[str, str]]:
    """Labels of the ontology's terms (roles, classes), read once from ontology/lkg.ttl."""
    if not _ONTOLOGY_LABELS:
        label = "http://www.w3.org/2000/01/rdf-schema#label"
        for triple in ox.parse(path=str(ontology_dir() / "lkg.ttl"), format=ox.RdfFormat.TURTLE):
            if triple.predicate.value == label and isinstance(triple.object, ox.Literal):
                _ONTOLOGY_LABELS.setdefault(triple.subject.value, {})[triple.object.language or ""] = (
                    triple.object.value
                )
    return _ONTOLOGY_LABELS


def labels_for_terms(terms: list[str], lang: str) -> dict[str, str]:
    """Labels of ontology terms (roles, classes) in ``lang``, falling back to the other language."""
    other = "en" if lang == "it" else "it"
    labels = ontology_labels()
    return {
        term: next(labels[term][k] for k in (lang, other, "") if k in labels[term])
        for term in terms
        if term in labels and labels[term]
    }


def labels_for(result: Result, engine: Engine, lang: str) -> dict[str, str]:
    """A readable label, in ``lang`` where there is one, for each IRI in the result."""
    iris = sorted({c.value for row in result.rows for c in row if isinstance(c, ox.NamedNode)})
    found: dict[str, dict[str, str]] = {k: dict(v) for k, v in ontology_labels().items() if k in iris}
    # Only our resources get a label in place of their IRI: a source page or a website
    # stays its URL, which is what a reader needs to follow it.
    ours = [i for i in iris if i not in found and i.startswith(BASE)]
    if isinstance(engine, Embedded):  # index look-ups: 29,000 labels in 0.2 s, not 1.3 s of VALUES joins
        rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
        for iri in ours:
            for quad in engine.store.quads_for_pattern(ox.NamedNode(iri), rdfs_label, None):
                if isinstance(quad.object, ox.Literal):
                    found.setdefault(iri, {}).setdefault(quad.object.language or "", quad.object.value)
        ours = []
    for start in range(0, len(ours), 500):
        values = " ".join(str(ox.NamedNode(i)) for i in ours[start : start + 500])
        rows = engine.select(
            f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:label ?l }}", {}, source=Path("labels")
        ).rows
        for subject, label in rows:
            if isinstance(subject, ox.NamedNode) and isinstance(label, ox.Literal):
                found.setdefault(subject.value, {}).setdefault(label.language or "", label.value)
    other = "en" if lang == "it" else "it"
    return {
        iri: next((names[k] for k in (lang, other, "") if k in names), next(iter(names.values())))
        for iri, names in found.items()
        if names
    }


def _cell(term: Term | None, labels: dict[str, str], fmt: str) -> Cell:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Named(term.value, labels.get(term.value))
    if fmt in ("table", "md") and isinstance(term, ox.Literal) and term.datatype.value == XSD + "boolean":
        return "yes" if term.value == "true" else ""
    return term.value


def render_result(result: Result, fmt: str, labels: dict[str, str]) -> str:
    """The rows as a table (labels in place of IRIs) or as CSV/JSON (IRIs kept, labels beside).

    Examples
    --------
    >>> r = Result(["org"], [[ox.NamedNode("https://w3id.org/lombardia-kg/id/organisation/x")]])
    >>> print(render_result(r, "csv", {"https://w3id.org/lombardia-kg/id/organisation/x": "X"}))
    org,org_label
    https://w3id.org/lombardia-kg/id/organisation/x,X
    """
    return render(result.variables, [[_cell(c, labels, fmt) for c in row] for row in result.rows], fmt)


def library_table(lang: str = "it", directory: Path | None = None) -> str:
    """The saved queries as a table: name, title in ``lang``, parameters, an example command."""
    rows: list[list[Cell]] = [
        [
            q.name,
            q.title_in(lang),
            ", ".join(p.name for p in q.params),
            q.example_command() if q.example else "",
        ]
        for q in library(directory)
    ]
    return render(["name", "title", "params", "example"], rows)


def open_engine(
    *, endpoint: str | None, timeout: float | None, build_dir: Path, data_dir: Path
) -> Embedded | Remote:
    """The engine ``kg query run`` uses: ``endpoint`` when given, else the build (made if stale).

    An endpoint gets 60 s per query unless ``timeout`` says otherwise; the embedded store
    has no limit unless given one. A large build (`kg.store.is_large`) keeps its answers
    beside it (`kg.store.Derived`): a query asked again answers without running.
    """
    if endpoint:
        return Remote(endpoint, timeout=timeout or 60.0)
    from kg.store import Derived, ensure_build, is_large, load_store

    build = ensure_build(build_dir, data_dir)
    return Embedded(load_store(build), timeout=timeout, derived=Derived(build) if is_large(build) else None)


def execute(
    query: QueryFile,
    params: dict[str, str],
    engine: Embedded | Remote,
    *,
    fmt: str = "table",
    lang: str = "it",
    allow_update: bool = False,
) -> str:
    """Run a saved query or a SPARQL Update (`apply_update`) and render what it gives.

    On an engine that keeps answers (`Embedded.derived`), the answer kept for this query,
    its bound parameters, format and language is given if there is one; otherwise the
    query runs and its answer is kept, unless its answer may change by itself (`volatile`).
    """
    operation = update_keyword(query.text)
    if operation is not None:
        return apply_update(query, operation, engine, allowed=allow_update, with_params=bool(params))
    bindings = bind(query, params, engine)
    derived = engine.derived if isinstance(engine, Embedded) else None
    if derived is None or volatile(query.text):
        return answers(query, bindings, engine, formats=[fmt], langs=[lang])[fmt, lang]
    key = _answer_key(query, bindings, fmt, lang)
    kept = derived.get(key)
    if kept is not None:
        return kept.decode("utf-8")
    answer = answers(query, bindings, engine, formats=[fmt], langs=[lang])[fmt, lang]
    derived.put(key, answer.encode("utf-8"))
    return answer


_VOLATILE = re.compile(_SKIPPED + r"|\b((?i:NOW|RAND|UUID|STRUUID|BNODE))\s*\(")


def volatile(text: str) -> bool:
    """Whether a query's answer may change without the build changing (NOW(), RAND(), ...): never kept.

    Examples
    --------
    >>> volatile("SELECT ?c WHERE { ?c dcterms:date ?d FILTER(?d < NOW()) }")
    True
    >>> volatile('SELECT ?n WHERE { ?c rdfs:label "now()" }  # rand( in a comment')
    False
    """
    return any(match.group(1) for match in _VOLATILE.finditer(text))


def answers(
    query: QueryFile, bindings: dict[str, Term], engine: Engine, *, formats: list[str], langs: list[str]
) -> dict[tuple[str, str], str]:
    """The query's answer rendered in each of ``formats`` and ``langs``, from one run."""
    result = run_bound(query, bindings, engine)
    rendered: dict[tuple[str, str], str] = {}
    for lang in langs:
        labels = labels_for(result, engine, lang)
        for fmt in formats:
            rendered[fmt, lang] = render_result(result, fmt, labels)
    return rendered


def _answer_key(query: QueryFile, bindings: dict[str, Term], fmt: str, lang: str) -> str:
    """What names a kept answer: the query's text, its bound parameters, format and language."""
    params = " ".join(f"{name}={term}" for name, term in sorted(bindings.items()))
    return f"query\n{query.text}\n{params}\n{fmt}\n{lang}"


def precompute_table(engine: Embedded | Remote, queries: list[QueryFile]) -> str:
    """`precompute` as ``kg query precompute`` prints it: what was kept, or why nothing was."""
    if not isinstance(engine, Embedded) or engine.derived is None:
        return "This build is queried in memory: every query answers in moments, so nothing is kept."
    kept = precompute(engine, queries)
    return render(
        ["query", "rows", "seconds"], [[name, rows, f"{seconds:.2f}"] for name, rows, seconds in kept]
    )


def precompute(engine: Embedded, queries: list[QueryFile]) -> list[tuple[str, int, float]]:
    """Run each parameterless query once and keep its answer in every format and language.

    Updates and queries whose answer may change by itself (`volatile`) are left out.

    Returns
    -------
    list of (name, rows, seconds)
        What was kept: the query's name, the rows of its answer, the seconds it took.
    """
    import time

    from kg.tables import FORMATS

    if engine.derived is None:
        return []
    kept: list[tuple[str, int, float]] = []
    for query in queries:
        if query.params or update_keyword(query.text) is not None or volatile(query.text):
            continue
        start = time.perf_counter()
        rendered = answers(query, {}, engine, formats=list(FORMATS), langs=list(LANGS))
        for (fmt, lang), text in rendered.items():
            engine.derived.put(_answer_key(query, {}, fmt, lang), text.encode("utf-8"))
        rows = len(json.loads(rendered["json", LANGS[0]]))  # a CSV cell may hold a line break
        kept.append((query.name, rows, time.perf_counter() - start))
    return kept


def apply_update(
    query: QueryFile, operation: str, engine: Embedded | Remote, *, allowed: bool, with_params: bool
) -> str:
    """Apply, or refuse, a SPARQL Update: the policy of ``kg query run``.

    Refused unless ``allowed``; on an endpoint it changes that server; on the embedded
    store it only counts what it would change, since the build is made from data/ and
    the next build would silently drop the change.

    Raises
    ------
    KgError
        When the update is not allowed, or comes with parameters.
    """
    where = "the embedded store" if isinstance(engine, Embedded) else engine.endpoint
    if not allowed:
        message = (
            f"this is a SPARQL Update ({operation}) and kg query run only reads {where}; "
            "change data/ and rebuild, or add --allow-update"
        )
        raise KgError([Problem(query.path, None, "query", message)])
    if with_params:
        raise KgError([Problem(query.path, None, "--param", "an update takes no parameters")])
    if isinstance(engine, Embedded):
        added, removed = engine.update(query.text, source=query.path)
        return (
            f"{added} triples would be added and {removed} removed; the build is unchanged "
            "(it is made from data/: change data/ and rebuild to keep a fact)."
        )
    status = engine.update(query.text, source=query.path)
    return f"{engine.endpoint} applied the update (HTTP {status})."
