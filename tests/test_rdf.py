"""kg.rdf and the ontology: terms exist, are documented, and dates keep their precision."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given
from hypothesis import strategies as st
from rdflib.namespace import OWL, RDF, RDFS

from kg.model import ACT_TYPES, ORGANISATION_TYPES, ROLES, load_data
from kg.rdf import ACT_CLASSES, LKG, ORGANISATION_CLASSES, ROLE_TERMS, iri, iter_terms, slug_of, to_triples
from kg.vocab import ontology_dir
from tests.conftest import fixture_data

ONTOLOGY = rdflib.Graph().parse(ontology_dir() / "lkg.ttl")
LKG_NS = str(LKG._NS)


def _declared_lkg_terms() -> set[str]:
    return {str(s) for s in ONTOLOGY.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(LKG_NS)}


def test_every_term_the_code_uses_is_declared_in_the_ontology() -> None:
    missing = set(iter_terms()) - _declared_lkg_terms()
    assert not missing


def test_every_ontology_term_has_italian_and_english_label_and_comment() -> None:
    for term in _declared_lkg_terms():
        node = rdflib.URIRef(term)
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in ONTOLOGY.objects(node, prop) if isinstance(o, rdflib.Literal)}
            assert {"it", "en"} <= langs, f"{term} lacks an it/en {prop}"


def test_ontology_has_version_and_disjointness() -> None:
    ontology = rdflib.URIRef("https://w3id.org/lombardia-kg/ontology")
    assert ONTOLOGY.value(ontology, OWL.versionInfo) is not None
    assert (ontology, RDF.type, OWL.Ontology) in ONTOLOGY
    assert (LKG.Company, OWL.disjointWith, LKG.Association) in ONTOLOGY
    assert any(ONTOLOGY.subjects(RDF.type, OWL.AllDisjointClasses))


def test_every_closed_value_of_the_schema_maps_to_a_term() -> None:
    assert set(ROLE_TERMS) == set(ROLES)
    assert set(ORGANISATION_CLASSES) == set(ORGANISATION_TYPES)
    assert set(ACT_CLASSES) == set(ACT_TYPES)
    declared = {str(s) for s in ONTOLOGY.subjects()}
    for term in [*ROLE_TERMS.values(), *ORGANISATION_CLASSES.values(), *ACT_CLASSES.values()]:
        assert str(term) in declared, term


def test_the_kinds_labels_are_the_ontologys_labels() -> None:
    from kg.vocab import CLUSTER_TYPE, ORGANISATION_TYPES

    for kind in (CLUSTER_TYPE, *ORGANISATION_TYPES.values()):
        labels = {(lit.language, str(lit)) for lit in ONTOLOGY.objects(rdflib.URIRef(kind.term), RDFS.label)}
        if kind.slug == "organisation":  # org:Organization is W3C ORG's class, labelled there
            continue
        assert {("it", kind.label_it), ("en", kind.label_en)} <= labels, kind


@pytest.fixture()
def good_graph(tmp_path: Path) -> ox.Store:
    triples, _ = to_triples(load_data(fixture_data("good", tmp_path)))
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def _values(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    rows = store.query(
        "PREFIX org: <http://www.w3.org/ns/org#> PREFIX time: <http://www.w3.org/2006/time#> "
        "PREFIX lkg: <https://w3id.org/lombardia-kg/ontology#> " + query
    )
    return sorted(tuple(str(v.value) if v is not None else "" for v in row) for row in rows)  # type: ignore[union-attr]


def test_dates_keep_their_precision_and_ends_differ(good_graph: ox.Store) -> None:
    rows = _values(
        good_graph,
        """SELECT ?org ?start ?dt ?end ?ongoing WHERE {
             ?m org:member ?org ; org:memberDuring ?p .
             ?p time:hasBeginning/(time:inXSDgYear|time:inXSDgYearMonth|time:inXSDDate) ?start .
             BIND(STR(DATATYPE(?start)) AS ?dt)
             OPTIONAL { ?p time:hasEnd/(time:inXSDgYear|time:inXSDgYearMonth|time:inXSDDate) ?end }
             OPTIONAL { ?p lkg:ongoing ?ongoing }
           }""",
    )
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert rows == [
        (iri("organisation", "lumson"), "2020-05-04", xsd + "date", "2024", "false"),
        (iri("organisation", "politecnico-di-milano"), "2013", xsd + "gYear", "", "true"),
        (iri("organisation", "regione-lombardia"), "2021", xsd + "gYear", "", ""),
    ]


def test_disputed_claim_keeps_both_sources_and_no_shortcut(good_graph: ox.Store) -> None:
    rows = _values(
        good_graph,
        f"""SELECT ?source ?against WHERE {{
             ?m org:member <{iri("organisation", "regione-lombardia")}> ;
                <http://purl.org/dc/terms/source> ?source ; lkg:disputedBy ?against }}""",
    )
    assert rows == [("https://example.org/news", "https://example.org/release")]
    assert not list(
        good_graph.quads_for_pattern(
            ox.NamedNode(iri("organisation", "regione-lombardia")),
            ox.NamedNode("http://www.w3.org/ns/org#memberOf"),
            None,
        )
    )


def test_founding_member_gets_member_and_founding_shortcuts(good_graph: ox.Store) -> None:
    polimi = ox.NamedNode(iri("organisation", "politecnico-di-milano"))
    predicates = {
        q.predicate.value
        for q in good_graph.quads_for_pattern(polimi, None, ox.NamedNode(iri("cluster", "afil")))
    }
    assert predicates == {"http://www.w3.org/ns/org#memberOf", str(LKG.foundingMemberOf)}


@given(
    st.sampled_from(["organisation", "cluster", "act", "person"]),
    st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True),
)
def test_slug_iri_slug_round_trip(kind: str, slug: str) -> None:
    assert slug_of(iri(kind, slug)) == (kind, slug)


def test_dispute_keeps_both_values_with_their_sources(good_graph: ox.Store) -> None:
    rows = _values(
        good_graph,
        """SELECT ?kept ?claimed ?for ?against WHERE {
             ?claim a lkg:DisputedClaim ; lkg:claimSubject ?s ; lkg:claimProperty lkg:city ;
                    lkg:claimedValue ?claimed ; <http://purl.org/dc/terms/source> ?for ;
                    lkg:disputedBy ?against .
             ?s lkg:city/<http://www.w3.org/2000/01/rdf-schema#label> ?kept }""",
    )
    assert rows == [("Crema", "Cremona", "https://example.org/release", "https://example.org/news")]


def test_declared_size_is_a_dated_sourced_figure(good_graph: ox.Store) -> None:
    rows = _values(
        good_graph,
        f"""SELECT ?n ?of ?date WHERE {{
             <{iri("organisation", "polo-cosmesi")}> lkg:declaredSize ?f .
             ?f lkg:count ?n ; lkg:countOf ?of ; lkg:asOf ?date ; <http://purl.org/dc/terms/source> ?s
             FILTER(LANG(?of) = "it") }}""",
    )
    assert rows == [("70", "aziende associate", "2019")]


def test_association_members_are_memberships_of_the_organisation(good_graph: ox.Store) -> None:
    rows = _values(
        good_graph,
        f"""SELECT ?member WHERE {{ ?m org:organization <{iri("organisation", "polo-cosmesi")}> ;
                                     org:member ?member ; org:role lkg:Member }}""",
    )
    assert rows == [(iri("organisation", "lumson"),)]


@pytest.fixture()
def national_graph(tmp_path: Path) -> ox.Store:
    triples, _ = to_triples(load_data(fixture_data("national", tmp_path)))
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def test_national_cluster_is_a_cluster_with_a_sourced_counterpart(national_graph: ox.Store) -> None:
    afil, cfi = iri("cluster", "afil"), iri("cluster", "cfi")
    types = _values(national_graph, f"SELECT ?t WHERE {{ <{cfi}> a ?t }}")
    assert {(str(LKG.NationalCluster),), (str(LKG.Cluster),)} <= set(types)
    assert (str(LKG.NationalCluster),) not in _values(national_graph, f"SELECT ?t WHERE {{ <{afil}> a ?t }}")
    rows = _values(
        national_graph,
        f"""SELECT ?national ?source WHERE {{
             <{afil}> lkg:nationalCounterpart ?national ; lkg:qualifiedCounterpart ?tie .
             ?tie a lkg:Counterpart ; lkg:counterpart ?national ;
                  <http://purl.org/dc/terms/source> ?source }}""",
    )
    assert rows == [(cfi, "https://example.org/news")]
    # a regional cluster is a member of the national one
    assert _values(national_graph, f"SELECT ?m WHERE {{ ?m org:member <{afil}> ; org:organization <{cfi}> }}")


def test_project_has_kind_lead_partners_and_cluster(national_graph: ox.Store) -> None:
    project = iri("project", "smart-land")
    types = {t for (t,) in _values(national_graph, f"SELECT ?t WHERE {{ <{project}> a ?t }}")}
    assert {str(LKG.Project), str(LKG.SupplyChainProject), "http://purl.org/cerif/frapo/Project"} <= types
    rows = _values(
        national_graph,
        f"""SELECT ?who ?role WHERE {{
             ?m org:organization <{project}> ; org:member ?who ; org:role ?role }}""",
    )
    assert rows == [
        (iri("organisation", "lumson"), str(LKG.Coordinator)),
        (iri("organisation", "politecnico-di-milano"), str(LKG.Partner)),
    ]
    assert _values(national_graph, f"SELECT ?c WHERE {{ <{project}> lkg:projectCluster ?c }}") == [
        (iri("cluster", "afil"),)
    ]


def test_body_is_a_typed_unit_with_members_and_posts(national_graph: ox.Store) -> None:
    board, auditors = iri("unit", "afil--board"), iri("unit", "cfi--auditors")
    rows = _values(
        national_graph,
        f"""SELECT ?owner ?who WHERE {{ <{board}> a lkg:Board ; org:unitOf ?owner .
             ?m org:organization <{board}> ; org:member ?who ; org:role lkg:BodyMember }}""",
    )
    assert rows == [(iri("cluster", "afil"), iri("organisation", "politecnico-di-milano"))]
    rows = _values(
        national_graph,
        f"""SELECT ?post ?in WHERE {{
             ?post lkg:inUnit <{auditors}> ; org:postIn ?in ; org:role lkg:Auditor }}""",
    )
    assert [r[1] for r in rows] == [iri("cluster", "cfi")]


def test_frapo_terms_are_declared_in_the_ontology() -> None:
    from kg.rdf import FRAPO

    declared = {str(s) for s in ONTOLOGY.subjects()}
    for name in FRAPO.__annotations__:
        assert str(FRAPO._NS) + name in declared, name
