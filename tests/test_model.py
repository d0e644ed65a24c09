"""kg.model: every kind of bad input is reported at its file, line and field."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import KgError
from kg.model import PartialDate, load_data, normalise_name, parse_date, slugify
from tests.conftest import fixture_data

# case, file, line, field, words the message must contain
BAD = [
    (
        "unknown_org",
        "clusters/afil.yaml",
        10,
        "members[1].organisation",
        "unknown organisation 'polimi' (did you mean 'politecnico-di-milano'?)",
    ),
    ("no_source", "organisations.yaml", 6, "sources", "every record needs a source"),
    ("bad_body_id", "people-bad.yaml", 8, "posts[0].body", "'afil' has no body with id 'board'"),
    ("duplicate_id", "organisations.yaml", 14, "id", "duplicate id 'lumson'"),
    ("two_ids_one_name", "organisations.yaml", 15, "label", "already belongs to 'politecnico-di-milano'"),
    ("bad_date", "clusters/afil.yaml", 10, "members[0].start", "month 13 does not exist"),
    ("wrong_type", "organisations.yaml", 7, "label", "expected text, got a list"),
    ("unknown_key", "organisations.yaml", 9, "webiste", "unknown key 'webiste' (did you mean 'website'?)"),
    ("invalid_yaml", "organisations.yaml", 6, "-", "invalid YAML"),
    ("duplicate_key", "people.yaml", 5, "-", 'duplicate key: found duplicate key "name"'),
    (
        "unknown_source",
        "people.yaml",
        8,
        "posts[0].sources[0]",
        "unknown source 'relase' (did you mean 'release'?)",
    ),
    ("end_before_start", "people.yaml", 9, "posts[0].end", "ends (2021) before it starts (2022-06)"),
    ("unknown_role", "clusters/afil.yaml", 8, "members[0].role", "unknown value 'sponsor'"),
    ("undescribed_url", "organisations.yaml", 5, "sources[0]", "is not described in sources"),
    ("bad_dispute", "organisations.yaml", 7, "disputes[0].field", "cannot dispute 'sources' (fields: label,"),
]


@pytest.mark.parametrize(("case", "file", "line", "field", "words"), BAD, ids=[b[0] for b in BAD])
def test_load_names_the_spot(case: str, file: str, line: int, field: str, words: str, tmp_path: Path) -> None:
    data = fixture_data(case, tmp_path)
    with pytest.raises(KgError) as caught:
        load_data(data)
    lines = [str(p) for p in caught.value.problems]
    expected = f"{data / file}:{line}: {field}: "
    matching = [text for text in lines if text.startswith(expected)]
    assert matching, f"no problem at {expected!r} in {lines}"
    assert any(words in text for text in matching), matching


def test_good_fixture_loads_with_dates_at_their_precision(tmp_path: Path) -> None:
    data = load_data(fixture_data("good", tmp_path))
    afil = data.clusters[0]
    assert afil.founded == PartialDate(2013, 3)
    first, second, third = afil.members
    assert (first.start, first.end) == (PartialDate(2013), "open")
    assert (second.start, second.end) == (PartialDate(2020, 5, 4), PartialDate(2024))
    assert (third.start, third.end) == (PartialDate(2021), None)
    assert data.people[0].posts[0].end == "unknown"


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    data = fixture_data("unknown_org", tmp_path)
    people = (data / "people.yaml").read_text()
    (data / "people.yaml").write_text(
        people.replace("sources: [news]\n    posts", "sources: [nope]\n    posts")
    )
    (data / "themes.yaml").write_text("schemes:\n  - id: Bad Id\n    label: X\n    sources: [release]\n")
    with pytest.raises(KgError) as caught:
        load_data(data)
    fields = {(p.path.name, p.field) for p in caught.value.problems}
    assert ("afil.yaml", "members[1].organisation") in fields
    assert ("people.yaml", "sources[0]") in fields
    assert ("themes.yaml", "id") in fields


def test_a_list_where_a_mapping_is_expected(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    (data / "acts.yaml").write_text("acts: just text\n")
    with pytest.raises(KgError) as caught:
        load_data(data)
    assert [str(p) for p in caught.value.problems] == [
        f"{data / 'acts.yaml'}:1: acts: wrong type: expected a list, got str 'just text'"
    ]


def test_unknown_section_is_named(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    (data / "extra.yaml").write_text("organisation:\n  - id: x\n")
    with pytest.raises(KgError) as caught:
        load_data(data)
    assert str(caught.value.problems[0]).endswith(
        "extra.yaml:1: organisation: unknown section 'organisation' (did you mean 'organisations'?)"
    )


def test_missing_data_directory(tmp_path: Path) -> None:
    with pytest.raises(KgError, match="data directory not found"):
        load_data(tmp_path / "nowhere")


@pytest.mark.parametrize("text", ["2026-2-17", "26-02-17", "2026/02/17", "February 2026", "2026-02-29"])
def test_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="malformed date"):
        parse_date(text)


@given(st.dates(), st.sampled_from(["year", "month", "day"]))
def test_date_text_round_trips_at_its_precision(date: object, precision: str) -> None:
    full = str(date)
    text = {"year": full[:4], "month": full[:7], "day": full}[precision]
    if int(text[:4]) < 1000:
        with pytest.raises(ValueError, match="the year must have four digits"):
            parse_date(text)
        return
    parsed = parse_date(text)
    assert str(parsed) == text
    assert parsed.precision == precision


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@given(st.text(min_size=1, max_size=40))
def test_slugify_gives_valid_ids_and_names_normalise_alike(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or all(part.isalnum() and part.isascii() for part in slug.split("-"))
    name = normalise_name(text)
    assert normalise_name(text.upper()) == name == normalise_name(text.lower()), "case matters"
    assert normalise_name(_unaccented(text)) == name, "accents matter"


@pytest.mark.parametrize(
    ("one", "other", "slug"),
    [
        ("Großmann GmbH", "GROSSMANN GMBH", "grossmann-gmbh"),
        ("Iğdır", "IĞDIR", "igdir"),
        ("Università degli Studi di Milano–Bicocca", "UNIVERSITA DEGLI STUDI DI MILANO BICOCCA", None),
    ],
)
def test_names_that_differ_in_case_or_accents_normalise_alike(one: str, other: str, slug: str | None) -> None:
    assert normalise_name(one) == normalise_name(other)
    if slug is not None:
        assert slugify(one) == slug


@pytest.mark.parametrize("case", ["good", "invalid_yaml", "unknown_org", "duplicate_key"])
def test_files_read_in_worker_processes_give_what_one_process_gives(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ProcessPoolExecutor

    import kg.model.load

    data = fixture_data(case, tmp_path)

    def outcome() -> object:
        try:
            loaded = load_data(data)
        except KgError as error:
            return [str(p) for p in error.problems]
        kinds = ("sources", "organisations", "clusters", "people", "acts", "schemes")
        return [(r.model_dump(), r.at) for kind in kinds for r in getattr(loaded, kind)]

    one_process = outcome()
    monkeypatch.setattr(kg.model.load, "PARALLEL_BYTES", 0)
    submitted: list[object] = []
    real_submit = ProcessPoolExecutor.submit
    monkeypatch.setattr(
        ProcessPoolExecutor, "submit", lambda pool, fn, *a: submitted.append(a) or real_submit(pool, fn, *a)
    )
    assert outcome() == one_process
    assert len(submitted) == len(list(data.rglob("*.yaml")))  # every file went to a worker


def test_national_clusters_projects_and_bodies_load(tmp_path: Path) -> None:
    data = load_data(fixture_data("national", tmp_path))
    levels = {c.id: c.level for c in data.clusters}
    assert levels == {"afil": "regional", "cfi": "national"}
    afil = next(c for c in data.clusters if c.id == "afil")
    assert [t.cluster for t in afil.national_counterparts] == ["cfi"]
    assert [(b.id, b.kind, [m.organisation for m in b.members]) for b in afil.bodies] == [
        ("board", "board", ["politecnico-di-milano"])
    ]
    (project,) = data.projects
    assert (project.kind, project.clusters) == ("supply-chain", ["afil"])
    assert {(m.organisation, m.role) for m in project.members} == {
        ("lumson", "coordinator"),
        ("politecnico-di-milano", "partner"),
    }
    post = next(p for p in data.people if p.id == "bruno-bianchi").posts[0]
    assert (post.role, post.body) == ("auditor", "auditors")


NATIONAL_BAD = [
    # a regional cluster's members are organisations; only a national one may list a cluster
    (
        "clusters/afil.yaml",
        "    - organisation: lumson",
        "    - organisation: cfi",
        "members[1].organisation",
        "'cfi' is a cluster; this field takes an organisation",
    ),
    (
        "clusters/afil.yaml",
        "    - cluster: cfi",
        "    - cluster: afil",
        "national_counterparts[0].cluster",
        "'afil' is not a national cluster",
    ),
    (
        "projects/filiere.yaml",
        "clusters: [afil]",
        "clusters: [afill]",
        "clusters[0]",
        "unknown cluster 'afill'",
    ),
    ("projects/filiere.yaml", "kind: supply-chain", "kind: filiera", "kind", "filiera"),
    ("clusters/national-cfi.yaml", "kind: auditors", "kind: revisori", "bodies[0].kind", "revisori"),
]


@pytest.mark.parametrize(("file", "old", "new", "field", "words"), NATIONAL_BAD)
def test_national_records_name_the_spot(
    file: str, old: str, new: str, field: str, words: str, tmp_path: Path
) -> None:
    data = fixture_data("national", tmp_path)
    path = data / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    line = text[: text.index(old)].count("\n") + 1
    with pytest.raises(KgError) as caught:
        load_data(data)
    expected = f"{path}:{line}: {field}: "
    matching = [str(p) for p in caught.value.problems if str(p).startswith(expected)]
    assert any(words in text for text in matching), [str(p) for p in caught.value.problems]
