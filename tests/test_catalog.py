"""catalog.ttl: a DCAT-AP_IT record of every build, with VoID counts that match the build."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from kg.catalog import DATASET, check_catalog
from kg.errors import KgError

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def test_the_catalogue_describes_the_build_it_sits_beside(real_build: Path) -> None:
    graph = rdflib.Graph().parse(real_build / "catalog.ttl", format="turtle")
    dataset = rdflib.URIRef(DATASET)
    triples = sum(1 for _ in (real_build / "kg.nt").open("rb"))
    assert int(graph.value(dataset, VOID.triples)) == triples
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == 3
    for node in distributions:
        name = str(graph.value(node, DCAT.accessURL)).rsplit("/", 1)[1]
        assert int(graph.value(node, DCAT.byteSize)) == (real_build / name).stat().st_size
        assert graph.value(node, DCT.license) == graph.value(dataset, DCT.license)
    partitions = {
        str(graph.value(p, VOID["class"])): int(graph.value(p, VOID.entities))
        for p in graph.objects(dataset, VOID.classPartition)
    }
    national = partitions["https://w3id.org/lombardia-kg/ontology#NationalCluster"]
    assert partitions["https://w3id.org/lombardia-kg/ontology#Cluster"] == 10 + national
    assert {str(t) for t in graph.objects(dataset, DCT.title)} >= {"Lombardy innovation knowledge graph"}


def test_a_record_without_its_mandatory_properties_fails_the_shapes(real_build: Path) -> None:
    text = (real_build / "catalog.ttl").read_bytes()
    check_catalog(text)
    graph = rdflib.Graph().parse(data=text, format="turtle")
    graph.remove((rdflib.URIRef(DATASET), DCT.rightsHolder, None))
    with pytest.raises(KgError, match="catalogue record breaks a shape"):
        check_catalog(graph.serialize(format="turtle").encode())


OFFICIAL_SHAPES = Path(__file__).parent / "external" / "dcat-ap-3.0.0-SHACL.ttl"


def _dcat_ap_violations(graph: rdflib.Graph) -> list[tuple[str, str]]:
    """(focus node, path) of each violation of the official DCAT-AP 3.0.0 shapes."""
    import pyshacl

    shapes = rdflib.Graph().parse(OFFICIAL_SHAPES, format="turtle")
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    return sorted(
        (str(report.value(r, sh.focusNode)), str(report.value(r, sh.resultPath)))
        for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
        if report.value(r, sh.resultSeverity) == sh.Violation
    )


def test_the_catalogue_conforms_to_the_official_dcat_ap_3_shapes(real_build: Path) -> None:
    graph = rdflib.Graph().parse(real_build / "catalog.ttl", format="turtle")
    assert _dcat_ap_violations(graph) == []
    # The shapes do bite: the values' classes are what DCAT-AP checks, so dropping them fails.
    for value in set(graph.objects(rdflib.URIRef(DATASET), DCT.language)):
        graph.remove((value, rdflib.RDF.type, None))
    assert [path for _, path in _dcat_ap_violations(graph)] == [str(DCT.language)] * 2
