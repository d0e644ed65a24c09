"""Read every YAML file of a data directory, validate each record, cross-check them all.

`load_data` is the one entry: files are read (in worker processes when there is
enough YAML, see `_read_all`), each top-level section's items validated into records
(`kg.model.records`) that remember file and line, then `kg.model.checks` checks
references across files. Every problem is collected and raised at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar, cast

import yaml
from pydantic import ValidationError

from kg.errors import KgError, Problem
from kg.model.checks import _Checker
from kg.model.messages import _describe, _field_name, _plain
from kg.model.records import (
    Act,
    Cluster,
    Dataset,
    Organisation,
    Person,
    PostOf,
    Project,
    Scheme,
    Source,
    StandaloneMembership,
    _Record,
)
from kg.model.yaml_lines import LineMap, LineSeq, _line_of, _Loader, _plain_data, _Unsafe
from kg.names import did_you_mean, suggest

__all__ = ["PARALLEL_BYTES", "load_data"]

# What each top-level key of a file holds; ``cluster`` is one mapping, the rest lists.
_SECTIONS: dict[str, tuple[type[_Record], str]] = {
    "sources": (Source, "sources"),
    "organisations": (Organisation, "organisations"),
    "cluster": (Cluster, "clusters"),
    "clusters": (Cluster, "clusters"),
    "people": (Person, "people"),
    "acts": (Act, "acts"),
    "schemes": (Scheme, "schemes"),
    # facts about records described elsewhere, as `kg ingest` drafts them
    "memberships": (StandaloneMembership, "memberships"),
    "posts": (PostOf, "posts"),
    "projects": (Project, "projects"),
}


def _read(path: Path, shown: Path, problems: list[Problem]) -> LineMap | None:
    try:
        raw = path.read_bytes()
    except OSError as error:  # unreadable (permissions), or a folder named like a YAML file
        problems.append(Problem(shown, None, "-", f"cannot read the file: {error.strerror or error}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte_line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(shown, byte_line, "-", f"not UTF-8 text ({error.reason}); save the file as UTF-8")
        )
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)  # noqa: S506 - a safe loader, composing nodes only
        document = None if root is None else _plain_data(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(filter(None, [error.context, error.problem])) or "invalid YAML"
        problems.append(Problem(shown, line, "-", f"invalid YAML: {what}"))
        return None
    except _Unsafe as error:
        problems.append(Problem(shown, error.line + 1, "-", f"invalid YAML: {error}"))
        return None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, e.g. NUL
        char_line = text[: error.position].count("\n") + 1
        what = (
            f"character U+{error.character:04X} is not allowed in YAML"
            if isinstance(error.character, int)
            else str(error)
        )
        problems.append(Problem(shown, char_line, "-", f"invalid YAML: {what}; delete it"))
        return None
    except (yaml.YAMLError, RecursionError) as error:
        problems.append(Problem(shown, None, "-", f"invalid YAML: {error}"))
        return None
    if document is None:
        return None
    if not isinstance(document, LineMap):
        problems.append(Problem(shown, 1, "-", f"expected a mapping with keys {', '.join(_SECTIONS)}"))
        return None
    return document


R = TypeVar("R", bound=_Record)


def _validate(model: type[R], node: object, shown: Path, problems: list[Problem]) -> R | None:
    try:
        record = model.model_validate(node)
    except ValidationError as error:
        for item in error.errors():
            loc = tuple(item["loc"])
            problems.append(
                Problem(
                    shown,
                    _line_of(node, loc),
                    _field_name(loc),
                    _plain(cast(dict[str, object], item), model, loc),
                )
            )
        return None
    _place(record, shown, node)
    return record


def _place(record: _Record, shown: Path, node: object) -> None:
    """Remember where each record (and each nested record) was read."""
    record._path = shown
    record._node = node
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, list) and isinstance(node, LineMap):
            items = node.get(name)
            for index, item in enumerate(value):
                if isinstance(item, _Record) and isinstance(items, LineSeq):
                    _place(item, shown, items[index])


PARALLEL_BYTES = 8_000_000
"""From this much YAML on, files are parsed in worker processes, one per core."""


def _read_one(path: Path) -> tuple[LineMap | None, list[Problem]]:
    problems: list[Problem] = []
    return _read(path, path, problems), problems


def _read_all(files: list[Path]) -> Iterator[tuple[LineMap | None, list[Problem]]]:
    """Each file's document and problems, in the order of ``files``.

    Parsing is libyaml's C parser building Python objects, one core's work per file: with
    several cores and enough YAML the files go to a process pool (biggest first, so no
    worker is left with one huge file at the end) and come back pickled, which costs a
    tenth of parsing them. Where forking is unsafe (another thread runs) or unavailable,
    the files are read one after the other.
    """
    import multiprocessing
    import threading

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    sizes = {path: path.stat().st_size for path in files}
    forkable = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if not forkable or cores < 2 or len(files) < 2 or sum(sizes.values()) < PARALLEL_BYTES:
        yield from map(_read_one, files)
        return
    from concurrent.futures import ProcessPoolExecutor

    biggest_first = sorted(files, key=lambda p: -sizes[p])
    # fork, not spawn: spawn re-imports the caller's main module, which breaks any script
    # without a __main__ guard; fork is safe here because no other thread runs.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(cores, len(files)), mp_context=context) as pool:
        futures = {path: pool.submit(_read_one, path) for path in biggest_first}
        for path in files:
            yield futures[path].result()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_data(root: Path | str) -> Dataset:
    """Read, validate and cross-check every YAML file under ``root``.

    Parameters
    ----------
    root : pathlib.Path or str
        The data directory (``data/``). Paths in problems start with it as given.

    Returns
    -------
    Dataset
        All records, in sorted file order then file order.

    Raises
    ------
    KgError
        With every problem found, one per line, when anything is wrong.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "o.yaml").write_text("organisations:\\n  - id: x\\n    label: X\\n    type: company\\n")
    >>> load_data(d)
    Traceback (most recent call last):
    ...
    kg.errors.KgError: .../o.yaml:2: sources: missing: every record needs a source ...
    """
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise KgError([Problem(root, None, "-", "data directory not found")])
    dataset = Dataset(root=root)
    files = _files(root)
    if not files:
        raise KgError([Problem(root, None, "-", "no .yaml files in the data directory")])
    broken: dict[str, set[str]] = {}
    unreadable = False
    for path, (document, read_problems) in zip(files, _read_all(files), strict=True):
        problems.extend(read_problems)
        if document is None:
            unreadable = unreadable or bool(read_problems)
            continue
        for key, node in document.items():
            if key not in _SECTIONS:
                hint = suggest(str(key), _SECTIONS, n=1)
                problems.append(
                    Problem(
                        path,
                        document.key_lines[key] + 1,
                        str(key),
                        f"unknown section '{key}'"
                        + (did_you_mean(hint) if hint else f"; use one of {', '.join(_SECTIONS)}"),
                    )
                )
                continue
            model, attr = _SECTIONS[key]
            if key == "cluster":
                items = [node]
            elif isinstance(node, LineSeq):
                items = list(node)
            else:
                line = document.key_lines[key] + 1
                problems.append(
                    Problem(path, line, str(key), f"wrong type: expected a list, got {_describe(node)}")
                )
                continue
            for item in items:
                record = _validate(model, item, path, problems)
                if record is not None:
                    getattr(dataset, attr).append(record)
                elif isinstance(item, LineMap) and isinstance(item.get("id"), str):
                    broken.setdefault(attr, set()).add(item["id"])
    _Checker(dataset, problems, broken, unreadable).run()
    if problems:
        raise KgError(sorted(set(problems), key=lambda p: (str(p.path), p.line or 0, p.field, p.message)))
    _attach(dataset)
    return dataset


def _attach(dataset: Dataset) -> None:
    """Memberships and posts written apart (``memberships:``, ``posts:``) join their cluster and person."""
    clusters = {cluster.id: cluster for cluster in dataset.clusters}
    people = {person.id: person for person in dataset.people}
    for member in dataset.memberships:
        clusters[member.cluster].members.append(member)
    for post in dataset.posts:
        people[post.person].posts.append(post)
