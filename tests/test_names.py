"""kg.names: one suggester and one resolver for every name a user types."""

from __future__ import annotations

import pytest

from kg.errors import KgError
from kg.names import did_you_mean, normalise_name, resolve, suggest

ORG = "https://w3id.org/lombardia-kg/id/organisation/"
ENTRIES = {
    ORG + "politecnico-di-milano": [
        "Politecnico di Milano",
        "Polytechnic University of Milan",
        "Politecnico",
    ],
    ORG + "universita-degli-studi-di-milano": ["Università degli Studi di Milano", "Università Statale"],
    ORG + "statale-bis": ["Università Statale"],
    ORG + "lumson": ["Lumson", "Lumson spa"],
}


def test_suggest_alias_then_abbreviation_then_spelling() -> None:
    aliases = {normalise_name("Politecnico di Milano"): "politecnico-di-milano", "lumson": "lumson"}
    ids = ["politecnico-di-milano", "lumson"]
    assert suggest("POLITECNICO di milano", ids, aliases=aliases) == ["politecnico-di-milano"]
    assert suggest("polimi", ids, aliases=aliases) == ["politecnico-di-milano"]
    assert suggest("lumsn", ids, aliases=aliases) == ["lumson"]
    assert suggest("zzz", ids, aliases=aliases) == []


def test_suggest_caps_and_cutoff() -> None:
    assert suggest("afl", ["afil", "aft", "afa", "xyz"]) == ["afil", "aft", "afa"]
    assert suggest("afl", ["afil", "aft", "afa", "xyz"], n=2) == ["afil", "aft"]
    assert suggest("bridge", ["bridges", "brokers"], n=1) == ["bridges"]
    assert suggest("brid", ["bridges"], cutoff=0.9) == []


def test_did_you_mean_quotes_each_option() -> None:
    assert did_you_mean(["a", "b"]) == " (did you mean 'a' or 'b'?)"
    assert did_you_mean(["Sant'Angelo Lodigiano"]) == ' (did you mean "Sant\'Angelo Lodigiano"?)'
    assert did_you_mean([]) == ""


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (ORG + "lumson", ORG + "lumson"),  # the IRI
        ("lumson", ORG + "lumson"),  # the slug
        ("LUMSON  SpA", ORG + "lumson"),  # an alt label, other case and spacing
        ("universita degli studi di MILANO", ORG + "universita-degli-studi-di-milano"),  # no accent
        ("Politecnico", ORG + "politecnico-di-milano"),
        ("politecnico di milano", ORG + "politecnico-di-milano"),  # the slug, spelt as a name
    ],
)
def test_resolve_by_iri_slug_and_any_name(value: str, key: str) -> None:
    assert resolve(value, ENTRIES, what="organisation", field="name") == key


def test_resolve_ambiguous_lists_the_options() -> None:
    with pytest.raises(KgError) as caught:
        resolve("universita statale", ENTRIES, what="organisation", field="--param organisation")
    (problem,) = caught.value.problems
    assert problem.field == "--param organisation"
    assert problem.message == (
        "'universita statale' names more than one organisation: statale-bis, universita-degli-studi-di-milano"
    )


def test_resolve_unknown_suggests() -> None:
    with pytest.raises(KgError) as caught:
        resolve(
            "polimi", {k: v for k, v in ENTRIES.items() if "polit" not in k}, what="cluster", field="name"
        )
    assert str(caught.value) == "name: unknown cluster 'polimi'"
    with pytest.raises(KgError) as caught:
        resolve("Politecnico di Milan", ENTRIES, what="organisation", field="name")
    assert str(caught.value) == (
        "name: unknown organisation 'Politecnico di Milan' (did you mean 'politecnico-di-milano'?)"
    )
    with pytest.raises(KgError) as caught:
        resolve("Lumsom", ENTRIES, what="organisation", field="name")
    assert str(caught.value) == (
        "name: unknown organisation 'Lumsom' (did you mean 'Lumson' or 'lumson' or 'Lumson spa'?)"
    )


def test_resolve_never_matches_an_empty_name() -> None:
    with pytest.raises(KgError, match="unknown organisation '--'"):
        resolve("--", {ORG + "a": ["", "A"], ORG + "b": [""]}, what="organisation", field="name")


def test_suggest_among_many_names_still_finds_the_close_spelling() -> None:
    from kg.names import MANY

    crowd = [f"synthetic organisation {i:07d}" for i in range(MANY + 1000)]
    assert suggest("lumsn", [*crowd, "lumson", "Lombardia"]) == ["lumson"]
    assert suggest("Synthetic Organisation 0000042x", crowd)[0] == "synthetic organisation 0000042"
