"""Identifiers checked offline, seats tied to ISTAT's comuni, licences, curators' decisions."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import write_build
from kg.errors import KgError
from kg.identifiers import check
from kg.model import load_data
from kg.places import comune
from kg.vocab import iri
from tests.conftest import ROOT, fixture_data

GOOD = [
    ("piva", "04376620151", "04376620151"),  # Politecnico di Milano's partita IVA
    ("cf", "80057930150", "80057930150"),
    ("cf", "RSSMRA85T10A562S", "RSSMRA85T10A562S"),
    ("rea", "mi - 317232", "MI-317232"),
    ("ror", "https://ror.org/01nffqt88", "01nffqt88"),
    ("wikidata", "http://www.wikidata.org/entity/Q392904", "Q392904"),
    ("pic", "999879881", "999879881"),
    ("lei", "815600A0C9AFC1F2A709", "815600A0C9AFC1F2A709"),
    ("ateco", "20.42.00", "20.42.00"),
    ("eccp", "https://clustercollaboration.eu/cluster-organisations/afil", None),
]
BAD = [
    ("piva", "04376620152", "the check digit (the 11th) is 2, but the first ten digits give 1"),
    ("piva", "0437662015", "11 digits expected"),
    ("cf", "80057930151", "codice fiscale 80057930151: the check digit"),
    ("cf", "RSSMRA85T10A562T", "the check character (the 16th) is T, but the first fifteen give S"),
    ("rea", "ZZ-1234", "ZZ is not an Italian province's code"),
    ("ror", "01nffqt89", "the check digits (the last two) are 89, but ISO 7064 gives 88"),
    ("ror", "01nffqt8", "two check digits expected"),
    ("wikidata", "P31", "Q followed by digits"),
    ("lei", "815600A0C9AFC1F2A708", "the check digits (the last two) are 08, but ISO 7064 gives 09"),
    ("ateco", "72.19.09", "ATECO '72.19.09' is a code of the"),
    ("ateco", "99.99.99", "not in ISTAT's ATECO 2025 list"),
    ("eccp", "https://example.org/afil", "clustercollaboration.eu"),
]


@pytest.mark.parametrize(("scheme", "value", "canonical"), GOOD)
def test_good_identifiers_pass_in_canonical_form(scheme: str, value: str, canonical: str | None) -> None:
    assert check(scheme, value) == (canonical or value)


@pytest.mark.parametrize(("scheme", "value", "words"), BAD)
def test_bad_identifiers_say_what_fails(scheme: str, value: str, words: str) -> None:
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        check(scheme, value)


def _add(data: Path, text: str) -> None:
    (data / "extra.yaml").write_text(text, encoding="utf-8")


ORG = "organisations:\n  - id: acme\n    label: Acme\n    type: company\n    sources: [release]\n"


def test_a_wrong_check_digit_is_an_error_at_its_file_and_line(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    _add(
        data,
        ORG + '    ids:\n      - scheme: piva\n        value: "04376620152"\n        sources: [release]\n',
    )
    with pytest.raises(KgError) as caught:
        load_data(data)
    assert [str(p) for p in caught.value.problems] == [
        f"{data / 'extra.yaml'}:8: ids[0].value: partita IVA 04376620152: the check digit (the 11th) is 2,"
        " but the first ten digits give 1"
    ]


def test_an_unquoted_identifier_is_refused_and_a_shared_one_named(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    _add(
        data, ORG + "    ids:\n      - scheme: piva\n        value: 04376620151\n        sources: [release]\n"
    )
    with pytest.raises(KgError, match=r"extra.yaml:8: ids\[0\].value: .*write the identifier in quotes"):
        load_data(data)
    twice = '    ids:\n      - scheme: cf\n        value: "80057930150"\n        sources: [release]\n'
    _add(data, ORG + twice + ORG.replace("organisations:\n", "").replace("acme", "other") + twice)
    with pytest.raises(KgError, match=r"cf 80057930150 is also 'acme''s"):
        load_data(data)


def test_identifiers_in_rdf(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    ids = (
        '    ids:\n      - scheme: ror\n        value: "01nffqt88"\n        sources: [release]\n'
        '      - scheme: piva\n        value: "04376620151"\n        sources: [news]\n'
    )
    _add(data, ORG + ids)
    write_build(data, tmp_path / "out")
    store = ox.Store()
    store.bulk_load(path=str(tmp_path / "out" / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
    acme = iri("organisation", "acme")
    rows = list(
        store.query(
            f"""SELECT ?same ?vat ?notation ?source WHERE {{
              <{acme}> owl:sameAs ?same ; schema:vatID ?vat ; adms:identifier ?id .
              ?id skos:notation ?notation ; dcterms:source ?source }}""",
            prefixes={
                "owl": "http://www.w3.org/2002/07/owl#",
                "schema": "https://schema.org/",
                "adms": "http://www.w3.org/ns/adms#",
                "skos": "http://www.w3.org/2004/02/skos/core#",
                "dcterms": "http://purl.org/dc/terms/",
            },
        )
    )
    assert {r["same"].value for r in rows} == {"https://ror.org/01nffqt88"}
    assert {r["vat"].value for r in rows} == {"04376620151"}
    assert {r["notation"].value for r in rows} == {"01nffqt88", "04376620151"}
    assert len({r["source"].value for r in rows}) == 2  # each identifier keeps its own page


@pytest.mark.parametrize(
    ("city", "code", "province", "nuts3"),
    [
        ("Milano", "015146", "IT-MI", "ITC4C"),
        ("Brescia", "017029", "IT-BS", "ITC47"),
        ("Crema", "019035", "IT-CR", "ITC4A"),
    ],
)
def test_istat_codes_of_real_comuni(city: str, code: str, province: str, nuts3: str) -> None:
    place = comune(city)
    assert place is not None
    assert (place.code, place.iso_province, place.nuts3) == (code, province, nuts3)


def test_the_real_seats_get_codes_province_and_nuts3(real_build: Path) -> None:
    store = ox.Store()
    store.bulk_load(path=str(real_build / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
    lkg = "https://w3id.org/lombardia-kg/ontology#"
    rows = list(
        store.query(
            f"""SELECT ?org ?code ?iso ?nuts WHERE {{
              ?org <{lkg}city> ?place .
              OPTIONAL {{ ?place <{lkg}istatCode> ?code ; <{lkg}nuts3> ?nuts ; <{lkg}province> ?province .
                          ?province <http://www.w3.org/2004/02/skos/core#notation> ?iso }} }}"""
        )
    )
    data = load_data(ROOT / "data")
    seated = {iri("organisation", o.id) for o in data.organisations if o.city}
    seated |= {iri("cluster", c.id) for c in data.clusters if c.city}
    assert len(seated) >= 15 and {r["org"].value for r in rows} == seated  # every seat in data/, nothing else
    assert all(r["code"] is not None and r["iso"] is not None and r["nuts"] is not None for r in rows)
    by_org = {r["org"].value: (r["iso"].value, r["nuts"].value) for r in rows}
    polo = iri("organisation", "polo-tecnologico-della-cosmesi")
    assert by_org[polo] == ("IT-CR", "http://data.europa.eu/nuts/code/ITC4A")  # seat in Crema


def test_an_unknown_comune_gets_suggestions(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    _add(data, ORG + "    city: Milan\n")
    with pytest.raises(
        KgError, match=r"extra.yaml:6: city: 'Milan' is not a comune in ISTAT's list \(did you mean 'Milano'"
    ):
        load_data(data)


def test_a_share_alike_source_cannot_feed_the_build(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    _add(
        data,
        "sources:\n  - id: osm\n    url: https://www.openstreetmap.org/x\n    title: '[OSM]'\n"
        "    publisher: OpenStreetMap\n    licence: ODbL 1.0\n",
    )
    with pytest.raises(KgError, match=r"extra.yaml:6: licence: 'ODbL 1.0' is share-alike"):
        load_data(data)


def test_a_decision_needs_a_known_organisation_and_a_reason(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    _add(data, ORG + "    distinct_from:\n      - organisation: lumsn\n")
    with pytest.raises(KgError) as caught:
        load_data(data)
    messages = " | ".join(str(p) for p in caught.value.problems)
    assert "unknown organisation 'lumsn' (did you mean 'lumson'?)" in messages
    assert "say why: give sources or a note" in messages
