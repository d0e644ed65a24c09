"""The same answers on every engine: embedded Oxigraph, an Oxigraph server and Virtuoso 7."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import KgError
from kg.query import Embedded, Remote, execute, library, list_columns, run
from kg.store import load_store, push
from tests.virtuoso import GRAPH, Scratch


def test_every_saved_query_gives_byte_identical_csv_on_three_engines(
    real_build: Path, oxigraph_server: str, virtuoso_server: Scratch
) -> None:
    assert push(real_build, f"{oxigraph_server}/store") in (200, 201, 204)
    assert push(real_build, virtuoso_server.store, graph=GRAPH) in (200, 201, 204)
    engines = {
        "embedded": Embedded(load_store(real_build)),
        "oxigraph server": Remote(f"{oxigraph_server}/query"),
        "virtuoso": Remote(virtuoso_server.query),
    }
    for query in library():
        answers = {name: execute(query, query.example, engine, fmt="csv") for name, engine in engines.items()}
        assert answers["embedded"].count("\n") >= 1, f"{query.name} answers nothing on the real data"
        for name, answer in answers.items():
            assert answer == answers["embedded"], f"{query.name}: {name} differs from the embedded engine"


def test_list_columns_are_sorted_with_the_query_separator(real_build: Path) -> None:
    engine = Embedded(load_store(real_build))
    checked = 0
    for query in library():
        lists = list_columns(query.text)[1]
        answer = run(query, query.example, engine)
        for i, name in enumerate(answer.variables):
            for row in answer.rows if name in lists else []:
                items = [] if row[i] is None else row[i].value.split(lists[name])  # type: ignore[union-attr]
                assert items == sorted(items, key=lambda v: (v.casefold(), v)), (query.name, name, items)
                checked += len(items) > 1
    assert checked > 20  # lists of two or more values were there to check


def test_push_to_virtuoso_with_a_wrong_password_is_one_clean_error(
    real_build: Path, virtuoso_server: Scratch
) -> None:
    endpoint = virtuoso_server.store.replace(virtuoso_server.password, "not-the-password")
    with pytest.raises(KgError, match="refused the login of 'dba'") as caught:
        push(real_build, endpoint, graph=GRAPH)
    assert "not-the-password" not in str(caught.value)
