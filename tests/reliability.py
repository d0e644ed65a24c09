"""Hostile input and faults, tried on the real code: the harness behind docs/RELIABILITY.md.

Each class of bad input or fault is a function that tries ``examples`` cases (hypothesis
strategies, derandomised, so a run is repeatable) and tallies how each case ended. A case
passes when it ends in a clean error that names the file (and the line, where the problem
has one) or in a correct result; anything else -- a traceback, an output that does not
parse, a store changed by a query, a case slower than `CASE_SECONDS` -- is a failure,
recorded with its detail. tests/test_reliability.py runs every class with few examples
and asserts there is no failure;

    python -m tests.reliability --examples 100 --write docs/RELIABILITY.md

regenerates the table with more.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import OUTPUTS, write_build
from kg.errors import KgError
from kg.model import MAX_ALIASES
from kg.query import Embedded, Remote, bind, library, run, update_keyword
from kg.store import load_store, oxigraph_binary, push
from kg.synth import synthesise
from tests.conftest import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "fixtures" / "good" / "data"
CASE_SECONDS = 10.0
"""No single case may take longer (a build of the small fixture takes well under a second)."""


@dataclass
class Tally:
    """How the cases of one class ended."""

    name: str
    what: str
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return sum(self.outcomes.values())

    def record(self, outcome: str) -> None:
        self.outcomes[outcome] += 1

    def fail(self, detail: str) -> None:
        self.outcomes["FAILED"] += 1
        if len(self.failures) < 20:
            self.failures.append(detail)


def _quiet(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


# --------------------------------------------------------------------------- judging a data directory


def judge_build(data: Path, out: Path, tally: Tally, label: str | None = None) -> None:
    """Build ``data`` into ``out`` and record how it ended (see the module's docstring)."""
    start = time.perf_counter()
    try:
        write_build(data, out)
    except KgError as error:
        nameless = [str(p) for p in error.problems if p.path is None]
        if nameless:
            tally.fail(f"problem without its file: {nameless[0]}")
        elif all(p.line for p in error.problems):
            tally.record("clean error naming file and line")
        else:
            tally.record("clean error naming the file")
    except RecursionError as error:  # a traceback would reach the user
        tally.fail(f"RecursionError: {error}")
    except Exception as error:  # noqa: BLE001 - any other exception is the failure being looked for
        tally.fail(f"{type(error).__name__}: {str(error)[:200]}")
    else:
        problem = _outputs_problem(out, label)
        if problem:
            tally.fail(problem)
        else:
            tally.record("valid build, outputs parse")
    elapsed = time.perf_counter() - start
    if elapsed > CASE_SECONDS:
        tally.fail(f"took {elapsed:.1f} s")


def _outputs_problem(out: Path, label: str | None) -> str | None:
    """Why the written build is not sound, or None: every output parses, the same triples."""
    try:
        nt = list(ox.parse(path=str(out / "kg.nt"), format=ox.RdfFormat.N_TRIPLES))
        turtle = rdflib.Graph().parse(out / "kg.ttl", format="turtle")
        json.loads((out / "kg.jsonld").read_text(encoding="utf-8"))
    except Exception as error:  # noqa: BLE001
        return f"an output does not parse: {type(error).__name__}: {str(error)[:200]}"
    if len(turtle) != len(nt):
        return f"kg.ttl holds {len(turtle)} triples, kg.nt {len(nt)}"
    if label is not None and not any(
        isinstance(t.object, ox.Literal) and t.object.value == label for t in nt
    ):
        return f"the label {label!r} did not come through as a literal"
    return None


def _copy_good(folder: Path) -> Path:
    data = Path(tempfile.mkdtemp(dir=folder)) / "data"
    shutil.copytree(GOOD, data)
    return data


FILES = sorted(str(p.relative_to(GOOD)) for p in GOOD.rglob("*.yaml"))


# --------------------------------------------------------------------------- 1. mutated documents

HOSTILE_CHARS = "\x00\x07\x1b\t\r\n\u202e\u200b\ufeff\u0430\u03bf\uff2c'\"<>&*!%@`{}[]:-#|>?,\\ é😀"
MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "duplicate-line", "swap-lines", "drop-indent"]),
        st.floats(0, 1),
        st.text(alphabet=HOSTILE_CHARS, min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=4,
)


def _mutate(text: str, mutations: list[tuple[str, float, str]]) -> str:
    for kind, where, chars in mutations:
        lines = text.split("\n")
        at = int(where * len(text))
        row = int(where * (len(lines) - 1))
        if kind == "delete":
            text = text[:at] + text[at + len(chars) :]
        elif kind == "insert":
            text = text[:at] + chars + text[at:]
        elif kind == "duplicate-line":
            lines.insert(row, lines[row])
            text = "\n".join(lines)
        elif kind == "swap-lines" and row + 1 < len(lines):
            lines[row], lines[row + 1] = lines[row + 1], lines[row]
            text = "\n".join(lines)
        elif kind == "drop-indent":
            lines[row] = lines[row].lstrip()
            text = "\n".join(lines)
    return text


def mutated_documents(examples: int, folder: Path) -> Tally:
    tally = Tally(
        "mutated YAML documents",
        "random deletions, insertions of control, confusable and "
        "YAML-special characters, duplicated, swapped and unindented lines in a fixture file",
    )

    @_quiet(examples)
    @given(st.sampled_from(FILES), MUTATIONS)
    def case(name: str, mutations: list[tuple[str, float, str]]) -> None:
        data = _copy_good(folder)
        target = data / name
        target.write_text(_mutate(target.read_text(encoding="utf-8"), mutations), encoding="utf-8")
        judge_build(data, data.parent / "out", tally)
        shutil.rmtree(data.parent)

    case()
    return tally


# --------------------------------------------------------------------------- 2. wrong values

HOSTILE_VALUES = [
    "[1, 2]",
    "{a: b}",
    "12",
    "-1.5e309",
    "true",
    "null",
    "''",
    "'   '",
    '"a\\nb"',
    '"tab\\there"',
    '"<img src=x onerror=alert(1)>"',
    '"</script><script>alert(1)</script>"',
    "javascript:alert(1)",
    "'data:text/html,<b>x</b>'",
    "ftp://example.org/x",
    "'http://exa mple.org/'",
    "'https://example.org/<x>'",
    '"Lumson\\u202e"',
    '"Lu\\u0000mson"',
    "'Ｌｕｍｓｏｎ'",
    "'Lumsοn'",
    "!!python/object/apply:os.system ['echo pwned']",
    "!!binary aGVsbG8=",
    "*nowhere",
    "&anchor value",
    "2026-02-30",
    "2026-13-01",
    "'0000'",
    ".inf",
    "0x1F",
    "'😀'",
    "|\n  two\n  lines",
]


def wrong_values(examples: int, folder: Path) -> Tally:
    tally = Tally(
        "wrong types and hostile values",
        "one value of a fixture replaced by a list, a mapping, "
        "a number, an empty or control-character string, markup, a non-http URL, a Python "
        "or binary tag, an undefined alias, an impossible date",
    )
    spots = [
        (name, index)
        for name in FILES
        for index, line in enumerate((GOOD / name).read_text(encoding="utf-8").split("\n"))
        if ": " in line and not line.rstrip().endswith(":")
    ]

    @_quiet(examples)
    @given(st.sampled_from(spots), st.sampled_from(HOSTILE_VALUES))
    def case(spot: tuple[str, int], value: str) -> None:
        name, index = spot
        data = _copy_good(folder)
        lines = (data / name).read_text(encoding="utf-8").split("\n")
        key = lines[index].split(": ", 1)[0]
        indent = " " * (len(key) - len(key.lstrip()) + 2)
        lines[index] = f"{key}: " + value.replace("\n", "\n" + indent)
        (data / name).write_text("\n".join(lines), encoding="utf-8")
        judge_build(data, data.parent / "out", tally)
        shutil.rmtree(data.parent)

    case()
    return tally


# --------------------------------------------------------------------------- 3. encodings and sizes


def _encodings() -> list[tuple[str, Callable[[bytes], bytes]]]:
    return [
        ("UTF-8 byte order mark", lambda b: b"\xef\xbb\xbf" + b),
        ("CRLF line ends", lambda b: b.replace(b"\n", b"\r\n")),
        ("old Mac CR line ends", lambda b: b.replace(b"\n", b"\r")),
        ("tab indentation", lambda b: b.replace(b"\n  ", b"\n\t")),
        ("invalid UTF-8 byte", lambda b: b[: len(b) // 2] + b"\xff\xfe" + b[len(b) // 2 :]),
        ("UTF-16 file", lambda b: b.decode("utf-8").encode("utf-16")),
        ("NUL byte", lambda b: b[: len(b) // 2] + b"\x00" + b[len(b) // 2 :]),
        ("empty file", lambda b: b""),
        ("a 5 MB label", lambda b: b.replace(b"label: ", b"label: " + b"A" * 5_000_000 + b" ", 1)),
        ("10,000 nested lists", lambda b: b + b"\nextra: " + b"[" * 10_000 + b"]" * 10_000 + b"\n"),
    ]


def encodings_and_sizes(examples: int, folder: Path) -> Tally:
    tally = Tally(
        "encodings, line ends and sizes",
        "each of BOM, CRLF, CR, tabs, invalid UTF-8, UTF-16, "
        "NUL, an empty file, a 5 MB label and 10,000 nested lists, on every fixture file",
    )
    for name in FILES:
        for _, change in _encodings():
            data = _copy_good(folder)
            (data / name).write_bytes(change((data / name).read_bytes()))
            judge_build(data, data.parent / "out", tally)
            shutil.rmtree(data.parent)
    return tally


# --------------------------------------------------------------------------- 4. alias bombs


def alias_bombs(examples: int, folder: Path) -> Tally:
    tally = Tally(
        "YAML alias bombs",
        f"'billion laughs' documents of 2 to 9 levels of 9 aliases each, "
        f"in a source label and as a list of records (at most {MAX_ALIASES:,} aliases a file are read)",
    )
    for levels in range(2, 10):
        for where in ("label", "records"):
            lines = ['a0: &a0 "lol"']
            lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
            data = _copy_good(folder)
            if where == "label":
                text = "\n".join(lines) + f"\nsources:\n  - id: bomb\n    label: *a{levels}\n"
            else:
                text = "\n".join(lines) + f"\norganisations: *a{levels}\n"
            (data / "bomb.yaml").write_text(text, encoding="utf-8")
            judge_build(data, data.parent / "out", tally)
            shutil.rmtree(data.parent)
    return tally


# --------------------------------------------------------------------------- 5. hostile ids, labels, URLs

ID_TEXT = st.text(alphabet="abc-09 éÀ'\"<>\n\t/:#?%&", min_size=1, max_size=12)
LABEL_TEXT = st.text(min_size=1, max_size=40)
URL_TEXT = st.one_of(
    st.sampled_from(["javascript:alert(1)", "data:,x", "ftp://a.b/", "//a.b/", "http://", "https://a b/"]),
    st.builds(lambda s: "https://example.org/" + s, st.text(max_size=12)),
)


def hostile_names(examples: int, folder: Path) -> Tally:
    tally = Tally(
        "hostile ids, labels and URLs",
        "a new organisation whose id, label and website are "
        "arbitrary Unicode (quotes, angle brackets, line breaks, RTL marks, emoji) or "
        "javascript:, data: and malformed URLs; when accepted, the label must come out "
        "intact as a literal in every output",
    )

    @_quiet(examples)
    @given(ID_TEXT, LABEL_TEXT, URL_TEXT)
    def case(ident: str, label: str, url: str) -> None:
        data = _copy_good(folder)
        record = {
            "organisations": [
                {"id": ident, "label": label, "type": "company", "website": url, "sources": ["release"]}
            ]
        }
        (data / "extra.yaml").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        expected = " ".join(label.split()) if label.strip() else None
        judge_build(data, data.parent / "out", tally, label=expected if expected == label.strip() else None)
        shutil.rmtree(data.parent)

    case()
    return tally


# --------------------------------------------------------------------------- 6. query parameters


def _fingerprint(store: ox.Store) -> str:
    lines = sorted(str(q) for q in store)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


PARAM_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            'x" } ; DROP ALL ; #',
            "> } INSERT DATA { <http://e/a> <http://e/b> <http://e/c> } #",
            "?s ?p ?o } DELETE WHERE { ?s ?p ?o",
            "<http://e/a>",
            "https://w3id.org/lombardia-kg/id/cluster/afil> } ; CLEAR ALL ; #",
            "2026-02-30",
            "'; DROP TABLE clusters; --",
            "\\u0022 } #",
            "\x00",
        ]
    ),
)


def query_parameters(examples: int, folder: Path) -> Tally:
    tally = Tally(
        "hostile query parameters",
        "every parameter of every library query given arbitrary "
        "text or SPARQL-injection strings; the store must be unchanged after each",
    )
    build = folder / "params-build"
    write_build(GOOD, build)
    store = load_store(build, persisted=False)
    engine = Embedded(store)
    before = _fingerprint(store)
    queries = [q for q in library() if q.params]

    @_quiet(examples)
    @given(st.sampled_from(queries), st.data())
    def case(query, draw) -> None:  # type: ignore[no-untyped-def]
        params = {**query.example}
        hostile = draw.draw(st.sampled_from([p.name for p in query.params]))
        params[hostile] = draw.draw(PARAM_TEXT)
        try:
            bind(query, params, engine)
            run(query, params, engine)
        except KgError:
            tally.record("clean error (unknown resource, bad date)")
        except Exception as error:  # noqa: BLE001
            tally.fail(f"{query.name} {params!r}: {type(error).__name__}: {error}")
        else:
            tally.record("answered, value bound as data")
        if len(store) and _fingerprint(store) != before:
            tally.fail(f"{query.name} {params!r} changed the store")

    case()
    for text in [
        "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        "# c\nDELETE WHERE { ?s ?p ?o }",
        "PREFIX e: <http://e/>\nCLEAR ALL",
        "DROP GRAPH <http://e/g>",
        "LOAD <http://e/x>",
    ]:
        if update_keyword(text) is None:
            tally.fail(f"update not recognised: {text!r}")
        else:
            tally.record("update refused without --allow-update")
    if _fingerprint(store) != before:
        tally.fail("the store changed")
    return tally


# --------------------------------------------------------------------------- 7. killed builds


def _build_command(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kg", "build", "--data", str(data), "--out", str(out)]


def killed_builds(examples: int, folder: Path) -> Tally:
    tally = Tally(
        "kg build killed (SIGKILL)",
        "a build over a previous one killed at evenly spaced "
        "moments of its run; each output must be the old or the new file whole, and the "
        "next build must succeed and equal an uninterrupted one",
    )
    old, new = folder / "kill-old", folder / "kill-new"
    synthesise(200, old, seed=1)
    synthesise(3000, new, seed=2)
    reference = folder / "kill-reference"
    subprocess.run(_build_command(new, reference), check=True, capture_output=True, cwd=ROOT)
    start = time.perf_counter()
    subprocess.run(_build_command(new, folder / "kill-timing"), check=True, capture_output=True, cwd=ROOT)
    duration = time.perf_counter() - start
    out = folder / "kill-out"
    for index in range(examples):
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(_build_command(old, out), check=True, capture_output=True, cwd=ROOT)
        before = {name: (out / name).read_bytes() for name in OUTPUTS}
        after = {name: (reference / name).read_bytes() for name in OUTPUTS}
        process = subprocess.Popen(
            _build_command(new, out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(duration * (index + 0.5) / examples)
        process.send_signal(signal.SIGKILL)
        process.wait()
        states = {(out / name).read_bytes() in (before[name], after[name]) for name in OUTPUTS}
        kept = all((out / name).read_bytes() == before[name] for name in OUTPUTS)
        if states != {True}:
            tally.fail(f"killed at {index + 0.5}/{examples}: an output is neither the old nor the new one")
            continue
        subprocess.run(_build_command(new, out), check=True, capture_output=True, cwd=ROOT)
        if any((out / name).read_bytes() != after[name] for name in OUTPUTS):
            tally.fail("the build after a killed one differs from an uninterrupted build")
        elif sorted(p.name for p in out.iterdir() if p.name.startswith(".")):
            tally.fail(f"temporary files left after the next build: {sorted(os.listdir(out))}")
        else:
            tally.record("previous outputs intact, rebuilt" if kept else "outputs already new, rebuilt")
    return tally


# --------------------------------------------------------------------------- 8. killed pushes


def _count(endpoint: str) -> int:
    """Triples in the server's default graph, asked through the project's own SPARQL client."""
    result = Remote(f"{endpoint}/query").select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}, source=Path("count")
    )
    return int(result.rows[0][0].value)  # type: ignore[union-attr]


def killed_pushes(examples: int, folder: Path) -> Tally:
    tally = Tally(
        "kg push killed (SIGKILL)",
        "a push of a 200,000-triple build over a smaller graph "
        "on a real Oxigraph server, killed at evenly spaced moments; the server must hold "
        "the old graph or the new one whole, and a second push must succeed",
    )
    small, large = folder / "push-small", folder / "push-large"
    synthesise(200, folder / "push-small-data", seed=3)
    synthesise(10_000, folder / "push-large-data", seed=4)
    write_build(folder / "push-small-data", small)
    write_build(folder / "push-large-data", large)
    sizes = {sum(1 for _ in (b / "kg.nt").open("rb")) for b in (small, large)}
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(folder / "push-db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"{endpoint}/", server)
        start = time.perf_counter()
        push(large, f"{endpoint}/store")
        duration = time.perf_counter() - start
        command = [
            sys.executable,
            "-m",
            "kg",
            "push",
            "--endpoint",
            f"{endpoint}/store",
            "--build",
            str(large),
        ]
        for index in range(examples):
            push(small, f"{endpoint}/store")
            process = subprocess.Popen(
                command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(0.3 + duration * (index + 0.5) / examples)  # 0.3 s: the interpreter starting
            process.send_signal(signal.SIGKILL)
            process.wait()
            time.sleep(0.2)
            held = _count(endpoint)
            if held not in sizes:
                tally.fail(f"the server holds {held} triples, neither graph ({sorted(sizes)})")
                continue
            push(large, f"{endpoint}/store")
            if _count(endpoint) != max(sizes):
                tally.fail("a second push did not replace the graph")
            else:
                tally.record(
                    "old graph kept, next push succeeded"
                    if held == min(sizes)
                    else "new graph already in place, next push succeeded"
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return tally


# --------------------------------------------------------------------------- 9. another filesystem


def _other_filesystem(folder: Path) -> tuple[Path, str]:
    """A folder on another filesystem than ``folder`` (the temporary files' one), if there is one."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shm.stat().st_dev != folder.stat().st_dev:
        return Path(tempfile.mkdtemp(prefix="kg-reliability-", dir=shm)), "tmpfs /dev/shm"
    return Path(tempfile.mkdtemp(dir=folder)), "no second filesystem here: same filesystem"


def foreign_filesystem(examples: int, folder: Path) -> Tally:
    from click.testing import CliRunner

    from kg import cli
    from kg.viz import chromium

    tally = Tally(
        "outputs on another filesystem",
        "kg build (twice, the second over the first), kg build --reason, kg network export, "
        "kg viz as HTML, SVG and PNG (Chromium draws in the temporary folder) into a tmpfs "
        "folder (/dev/shm) while temporary files live on the disk; every output must parse "
        "or be whole, and no temporary file may be left",
    )
    place, where = _other_filesystem(folder)
    try:
        out = place / "build"
        steps: list[tuple[str, list[str], list[Path]]] = [
            ("build", ["build", "--data", str(GOOD), "--out", str(out)], [out / n for n in OUTPUTS]),
            ("rebuild", ["build", "--data", str(GOOD), "--out", str(out)], [out / n for n in OUTPUTS]),
            ("reason", ["build", "--reason", "--data", str(GOOD), "--out", str(out)], [out / "inferred.ttl"]),
            ("export", ["network", "export", "--build", str(out), "--out", str(place / "net")], []),
        ]
        formats = ["html", "svg"] + (["png"] if chromium() else [])
        steps += [
            (
                f"viz {fmt}",
                ["viz", "clusters", "--build", str(out), "--format", fmt, "--out", str(place / f"m.{fmt}")],
                [place / f"m.{fmt}"],
            )
            for fmt in formats
        ]
        for _ in range(max(1, examples // 50)):
            for name, args, files in steps:
                result = CliRunner().invoke(cli.main, args)
                if result.exit_code != 0 or "Traceback" in (result.stderr or ""):
                    tally.fail(
                        f"{name}: exit {result.exit_code}: {(result.stderr or str(result.exception))[-200:]}"
                    )
                    continue
                missing = [str(f) for f in files if not f.is_file() or not f.stat().st_size]
                leftovers = [str(p) for p in place.rglob("*.tmp")]
                if missing or leftovers:
                    tally.fail(f"{name}: missing {missing}, temporary files left {leftovers}")
                elif name in ("build", "rebuild") and (problem := _outputs_problem(out, None)):
                    tally.fail(f"{name}: {problem}")
                else:
                    tally.record(f"written whole ({where})")
    finally:
        shutil.rmtree(place, ignore_errors=True)
    return tally


# --------------------------------------------------------------------------- 10. missing Java

JAVA_SCRIPT = """import sys, owlready2
owlready2.JAVA_EXE = sys.argv[1]
from kg.cli import main
main(sys.argv[2:])
"""


def missing_java(examples: int, folder: Path) -> Tally:
    tally = Tally(
        "Java missing or broken",
        "kg reason and kg build --reason in a fresh interpreter with no java on the PATH, "
        "with owlready2.JAVA_EXE naming a missing file, a folder, a file that cannot be run, "
        "or a java that fails; each must end in one clean line and exit 1",
    )
    data = _copy_good(folder)
    empty = data.parent / "empty-bin"
    empty.mkdir()
    not_runnable = data.parent / "java-not-runnable"
    not_runnable.write_text("not a program\n")
    failing = data.parent / "java-failing"
    failing.write_text("#!/bin/sh\necho 'Error: Could not create the Java Virtual Machine.' >&2\nexit 1\n")
    failing.chmod(0o755)
    needs, fails = (
        "java: HermiT needs Java 17: apt-get install openjdk-17-jre-headless",
        "java: HermiT failed in Java: ",
    )
    cases = [
        ("no java on the PATH", str(empty), "java", needs),
        (
            "JAVA_EXE a missing file",
            os.environ.get("PATH", ""),
            str(data.parent / "jdk" / "bin" / "java"),
            needs,
        ),
        ("JAVA_EXE a folder", os.environ.get("PATH", ""), str(data.parent), needs),
        ("JAVA_EXE not runnable", str(empty), str(not_runnable), needs),
        ("a java that fails", str(empty), str(failing), fails),
    ]
    for label, path, java_exe, expected in cases:
        for command in (
            ["reason", "--data", str(data), "--build"],
            ["build", "--reason", "--data", str(data), "--out"],
        ):
            out = Path(tempfile.mkdtemp(dir=folder)) / "build"
            done = subprocess.run(
                [sys.executable, "-c", JAVA_SCRIPT, java_exe, *command, str(out)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env={**os.environ, "PATH": path},
                timeout=120,
            )
            lines = done.stderr.splitlines()
            if (
                done.returncode == 1
                and len(lines) == 2
                and lines[0].startswith(expected)
                and "Traceback" not in done.stderr
            ):
                tally.record("one clean line, exit 1")
            else:
                tally.fail(f"{label}, kg {command[0]}: exit {done.returncode}: {done.stderr[-300:]}")
    shutil.rmtree(data.parent)
    return tally


# --------------------------------------------------------------------------- 11. broken shapes

SHAPE_BREAKS = [  # (what, text replaced, replacement, which engines must name the shapes file)
    ("Turtle syntax error", 'sh:message "has no type"', 'sh:message "has no type', "both"),
    ("unknown prefix", "lkgsh:CallShape a sh:NodeShape ;", "nowhere:CallShape a sh:NodeShape ;", "both"),
    ("empty file", None, "", None),
    (
        "sequence path",
        'sh:path rdfs:label ; sh:name "label"',
        'sh:path ( rdfs:label ) ; sh:name "label"',
        "sparql",
    ),
    ("count not a number", 'sh:name "type" ; sh:minCount 1', 'sh:name "type" ; sh:minCount "one"', "sparql"),
    (
        "closed shape",
        "lkgsh:CallShape a sh:NodeShape ;",
        "lkgsh:CallShape a sh:NodeShape ; sh:closed true ;",
        "sparql",
    ),
    ("target a literal", "sh:targetSubjectsOf dcterms:source ;", 'sh:targetSubjectsOf "source" ;', "sparql"),
    ("class a literal", "sh:class org:Role", 'sh:class "Role"', "sparql"),
    ("language not a tag", 'sh:languageIn ( "it" )', 'sh:languageIn ( "it\\" }" )', "sparql"),
]


def _with_ontology(ontology: Path) -> Callable[[], None]:
    """Point every kg module's ``ontology_dir`` at ``ontology``; the returned function undoes it."""
    import kg.vocab

    original = kg.vocab.ontology_dir
    patched = [
        m
        for name, m in sys.modules.items()
        if name.startswith("kg.") and getattr(m, "ontology_dir", None) is original
    ]
    for module in patched:
        module.ontology_dir = lambda: ontology  # type: ignore[attr-defined]

    def undo() -> None:
        for module in patched:
            module.ontology_dir = original  # type: ignore[attr-defined]

    return undo


def broken_shapes(examples: int, folder: Path) -> Tally:
    import kg.build  # and with it every module that reads the ontology folder for a build
    from kg.build import validate
    from kg.vocab import ontology_dir

    tally = Tally(
        "broken shapes files",
        "ontology/shapes.ttl (and catalog-shapes.ttl) with a Turtle syntax error, an unknown prefix, "
        "a constraint the SPARQL compiler cannot compile (sequence path, a count that is not a number, "
        "sh:closed, literal targets and classes), emptied, or randomly mutated; checked by pySHACL and "
        "by the compiled SPARQL; a problem must name the shapes file (and its line) or a record",
    )
    shipped = ontology_dir()
    text = (shipped / "shapes.ttl").read_text(encoding="utf-8")

    def judge(shapes_text: str, *, file: str = "shapes.ttl", named: str | None = None) -> None:
        ontology = Path(tempfile.mkdtemp(dir=folder)) / "ontology"
        shutil.copytree(shipped, ontology)
        (ontology / file).write_text(shapes_text, encoding="utf-8")
        undo = _with_ontology(ontology)
        limit = kg.build.PYSHACL_LIMIT
        try:
            for engine, engine_limit in (("pyshacl", limit), ("sparql", 0)):  # the compiled shapes second
                kg.build.PYSHACL_LIMIT = engine_limit
                try:
                    if file == "shapes.ttl":
                        validate(GOOD)
                    else:
                        write_build(GOOD, ontology.parent / "out")
                except KgError as error:
                    nameless = [str(p) for p in error.problems if p.path is None]
                    wrong = named in ("both", engine) and not all(
                        p.path == ontology / file and p.line for p in error.problems
                    )
                    if nameless or wrong:
                        tally.fail(f"problem without the shapes file: {(nameless or [str(error)])[0][:200]}")
                    elif all(p.line for p in error.problems):
                        tally.record("clean error naming file and line")
                    else:
                        tally.record("clean error naming the file")
                except Exception as error:  # noqa: BLE001 - a traceback would reach the user
                    tally.fail(f"{type(error).__name__}: {str(error)[:200]}")
                else:
                    if named in ("both", engine):
                        tally.fail(f"{engine}: a shapes file it cannot use passed: {shapes_text[:80]!r}")
                    else:
                        tally.record("valid: the change checks nothing the data lacks")
        finally:
            kg.build.PYSHACL_LIMIT = limit
            undo()
            shutil.rmtree(ontology.parent)

    for _, old, new, named in SHAPE_BREAKS:
        if old is not None and old not in text:
            tally.fail(f"the case no longer applies: {old!r} is not in shapes.ttl")
            continue
        judge(text.replace(old, new, 1) if old is not None else new, named=named)
    catalog = (shipped / "catalog-shapes.ttl").read_text(encoding="utf-8")
    judge(catalog + "\n<unclosed", file="catalog-shapes.ttl", named="both")

    @_quiet(examples)
    @given(MUTATIONS)
    def case(mutations: list[tuple[str, float, str]]) -> None:
        judge(_mutate(text, mutations))

    case()
    return tally


CLASSES: list[Callable[[int, Path], Tally]] = [
    mutated_documents,
    wrong_values,
    encodings_and_sizes,
    alias_bombs,
    hostile_names,
    query_parameters,
    killed_builds,
    killed_pushes,
    foreign_filesystem,
    missing_java,
    broken_shapes,
]


def table(tallies: list[Tally], examples: int) -> str:
    lines = [
        "# Reliability",
        "",
        "Each class of bad input or fault below was tried on the real code by",
        f"`python -m tests.reliability --examples {examples} --write docs/RELIABILITY.md`",
        "(tests/reliability.py; `make test` runs every class with fewer cases and fails on any",
        "failure). A case passes when it ends in a clean error naming the file, and the line",
        "where the problem has one, or in a correct result; a traceback, an output that does",
        f"not parse, a changed store or a case over {CASE_SECONDS:g} s is a failure.",
        "",
        "| class | what is tried | cases | outcomes | failures |",
        "| --- | --- | ---: | --- | ---: |",
    ]
    for t in tallies:
        outcomes = "; ".join(
            f"{name}: {count}" for name, count in sorted(t.outcomes.items()) if name != "FAILED"
        )
        lines.append(f"| {t.name} | {t.what} | {t.cases} | {outcomes} | {t.outcomes['FAILED']} |")
    failures = [f"- {t.name}: {detail}" for t in tallies for detail in t.failures]
    if failures:
        lines += ["", "## Failures", "", *failures]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=60, help="Cases per class (killed runs: a tenth).")
    parser.add_argument("--write", type=Path, help="Write the Markdown table here.")
    args = parser.parse_args()
    tallies = []
    with tempfile.TemporaryDirectory() as folder:
        for trial in CLASSES:
            many = max(3, args.examples // 10) if trial in (killed_builds, killed_pushes) else args.examples
            tallies.append(trial(many, Path(folder)))
            print(f"{tallies[-1].name}: {dict(tallies[-1].outcomes)}", file=sys.stderr, flush=True)
    text = table(tallies, args.examples)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    else:
        print(text)
    sys.exit(1 if any(t.failures for t in tallies) else 0)


if __name__ == "__main__":
    main()
