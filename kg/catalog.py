"""catalog.ttl: the build described as open data (DCAT-AP_IT, with VoID statistics).

A portal that republishes the graph needs a catalogue record: title and description in
Italian and English, publisher and rights holder, licence, issued and modified dates, one
distribution per output file with its media type, format and byte size, and VoID counts
(triples, instances per class, sources). No package on PyPI ships the DCAT-AP_IT SHACL
shapes, so ``ontology/catalog-shapes.ttl`` holds ours for the properties DCAT-AP_IT makes
mandatory, and every build checks the record against them with pySHACL. The record also
conforms to the official DCAT-AP 3.0.0 shapes (tests/test_catalog.py runs SEMIC's own file):
the values it points to (languages, themes, places, formats) carry the classes DCAT-AP
requires, and its ``dct:source`` is ISTAT's list of comuni described as a dataset.

The record is deterministic: ``modified`` is the newest date among the sources in data/,
not the clock, so the same data still gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.model import Dataset
from kg.vocab import BASE, LKG_NS, PREFIXES, expand, ontology_dir

__all__ = ["CATALOG", "DATASET", "LICENCE", "catalog_triples", "check_catalog"]

ROOT = BASE.removesuffix("id/")
CATALOG = ROOT + "catalog"
DATASET = ROOT + "dataset"
PUBLISHER = ROOT + "contributors"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
ISSUED = "2026-11-25"
"""The first release of the dataset with a catalogue record."""

EU = "http://publications.europa.eu/resource/authority/"
FORMATS = {
    "kg.ttl": ("text/turtle", "RDF_TURTLE", "Turtle"),
    "kg.nt": ("application/n-triples", "RDF_N_TRIPLES", "N-Triples"),
    "kg.jsonld": ("application/ld+json", "JSON_LD", "JSON-LD"),
}

IANA = "https://www.iana.org/assignments/media-types/"
ISTAT_COMUNI = "https://w3id.org/lombardia-kg/dataset/source/istat-comuni"
"""ISTAT's list of comuni as a dataset (its web page is the landing page)."""

_N = ox.NamedNode


def _t(s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> ox.Triple:
    return ox.Triple(_N(s), _N(expand(p)), _N(o) if isinstance(o, str) else o)


def _text(value: str, lang: str) -> ox.Literal:
    return ox.Literal(value, language=lang)


def _both(subject: str, predicate: str, italian: str, english: str) -> list[ox.Triple]:
    """A text in Italian and in English."""
    return [_t(subject, predicate, _text(italian, "it")), _t(subject, predicate, _text(english, "en"))]


def _typed(value: str | int, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=_N(expand(datatype)))


def _modified(data: Dataset) -> str:
    """The newest source date, at day precision (the first day of a year or month)."""
    dates = [s.date for s in data.sources if s.date is not None]
    if not dates:
        return ISSUED
    newest = max(dates, key=lambda d: (d.year, d.month or 0, d.day or 0))
    return f"{newest.year:04d}-{newest.month or 1:02d}-{newest.day or 1:02d}"


def catalog_triples(
    data: Dataset, triples: int, counts: dict[str, int], sizes: dict[str, int]
) -> list[ox.Triple]:
    """The catalogue record of a build of ``data``: ``triples`` in all, ``counts`` per class
    (compact names), ``sizes`` in bytes per output file name."""
    modified = _modified(data)
    out = [
        _t(CATALOG, "rdf:type", expand("dcat:Catalog")),
        _t(CATALOG, "rdf:type", expand("dcatapit:Catalog")),
        *_both(
            CATALOG,
            "dcterms:title",
            "Catalogo del grafo della conoscenza dell'innovazione lombarda",
            "Catalogue of the Lombardy innovation knowledge graph",
        ),
        *_both(
            CATALOG,
            "dcterms:description",
            "Il grafo dei cluster tecnologici lombardi, con le sue fonti.",
            "The graph of the Lombard technology clusters, with its sources.",
        ),
        _t(CATALOG, "dcterms:publisher", PUBLISHER),
        _t(CATALOG, "dcterms:modified", _typed(modified, "xsd:date")),
        _t(CATALOG, "dcat:dataset", DATASET),
        _t(PUBLISHER, "rdf:type", expand("dcatapit:Agent")),
        _t(PUBLISHER, "rdf:type", expand("foaf:Agent")),
        *_both(
            PUBLISHER,
            "foaf:name",
            "Contributori del grafo della conoscenza dell'innovazione lombarda",
            "Lombardy innovation knowledge graph contributors",
        ),
        _t(PUBLISHER, "dcterms:identifier", ox.Literal("lombardia-kg")),
        _t(DATASET, "rdf:type", expand("dcat:Dataset")),
        _t(DATASET, "rdf:type", expand("dcatapit:Dataset")),
        _t(DATASET, "rdf:type", expand("void:Dataset")),
        _t(DATASET, "dcterms:identifier", ox.Literal("lombardia-kg")),
        *_both(
            DATASET,
            "dcterms:title",
            "Grafo della conoscenza dell'innovazione lombarda",
            "Lombardy innovation knowledge graph",
        ),
        *_both(
            DATASET,
            "dcterms:description",
            "I cluster tecnologici lombardi, i loro membri, le persone e gli atti che li istituiscono e "
            "finanziano; ogni fatto con la pagina pubblica che lo afferma.",
            "The Lombard technology clusters, their members, people and the policy acts that create and "
            "fund them; every fact with the public page that states it.",
        ),
        _t(DATASET, "dcterms:publisher", PUBLISHER),
        _t(DATASET, "dcterms:rightsHolder", PUBLISHER),
        _t(DATASET, "dcterms:license", LICENCE),
        _t(LICENCE, "rdf:type", expand("dcterms:LicenseDocument")),
        _t(LICENCE, "rdfs:label", ox.Literal("Creative Commons Attribution 4.0 International (CC BY 4.0)")),
        _t(DATASET, "dcterms:issued", _typed(ISSUED, "xsd:date")),
        _t(DATASET, "dcterms:modified", _typed(modified, "xsd:date")),
        _t(DATASET, "dcat:theme", EU + "data-theme/ECON"),
        _t(DATASET, "dcat:theme", EU + "data-theme/TECH"),
        _t(DATASET, "dcterms:language", EU + "language/ITA"),
        _t(DATASET, "dcterms:language", EU + "language/ENG"),
        _t(DATASET, "dcterms:spatial", PREFIXES["nuts"] + "ITC4"),  # Lombardia, NUTS 2
        _t(DATASET, "dcterms:accrualPeriodicity", EU + "frequency/IRREG"),
        _t(DATASET, "dcterms:conformsTo", LKG_NS.removesuffix("#")),
        _t(DATASET, "void:triples", _typed(triples, "xsd:integer")),
        _t(DATASET, "lkg:sourceCount", _typed(len(data.sources), "xsd:integer")),
        _t(DATASET, "dcterms:source", ISTAT_COMUNI),
        *_controlled_values(),
        *_istat_dataset(),
    ]
    for name, count in sorted(counts.items()):
        partition = f"{DATASET}/class/{name.replace(':', '-')}"
        out += [
            _t(DATASET, "void:classPartition", partition),
            _t(partition, "void:class", expand(name)),
            _t(partition, "void:entities", _typed(count, "xsd:integer")),
        ]
    for name, size in sorted(sizes.items()):
        media, file_type, label = FORMATS[name]
        node = f"{DATASET}/{name}"
        out += [
            _t(DATASET, "dcat:distribution", node),
            _t(node, "rdf:type", expand("dcat:Distribution")),
            _t(node, "rdf:type", expand("dcatapit:Distribution")),
            _t(node, "dcterms:title", _text(f"Il grafo in {label}", "it")),
            _t(node, "dcterms:title", _text(f"The graph in {label}", "en")),
            _t(node, "dcat:accessURL", f"{ROOT}build/{name}"),
            _t(node, "dcat:mediaType", f"{IANA}{media}"),
            _t(node, "dcterms:format", EU + "file-type/" + file_type),
            _t(node, "dcat:byteSize", _typed(size, "xsd:nonNegativeInteger")),
            _t(node, "dcterms:license", LICENCE),
        ]
    return out


def _controlled_values() -> list[ox.Triple]:
    """The classes DCAT-AP 3.0.0 requires of the values the record points to.

    Its shapes check ``sh:class`` on the values of dct:language, dct:spatial,
    dct:accrualPeriodicity, dcat:theme, dct:conformsTo, dcat:mediaType, dct:format
    and dcat:accessURL, so the record states each value's class (the EU authority
    tables and IANA define the values; they do not travel with our graph).
    """
    typed = [
        (EU + "data-theme/ECON", "skos:Concept", "Economia e finanze", "Economy and finance"),
        (EU + "data-theme/TECH", "skos:Concept", "Scienza e tecnologia", "Science and technology"),
        (EU + "language/ITA", "dcterms:LinguisticSystem", "italiano", "Italian"),
        (EU + "language/ENG", "dcterms:LinguisticSystem", "inglese", "English"),
        (PREFIXES["nuts"] + "ITC4", "dcterms:Location", "Lombardia", "Lombardy"),
        (EU + "frequency/IRREG", "dcterms:Frequency", "irregolare", "irregular"),
        (LKG_NS.removesuffix("#"), "dcterms:Standard", "Ontologia lkg", "The lkg ontology"),
    ]
    out: list[ox.Triple] = []
    for value, kind, italian, english in typed:
        out.append(_t(value, "rdf:type", expand(kind)))
        if kind == "skos:Concept":
            out += [
                _t(value, "skos:prefLabel", _text(italian, "it")),
                _t(value, "skos:prefLabel", _text(english, "en")),
                _t(value, "skos:inScheme", EU + "data-theme"),
            ]
        else:
            out += _both(value, "rdfs:label", italian, english)
    for name, (media, file_type, _label) in sorted(FORMATS.items()):
        out += [
            _t(f"{ROOT}build/{name}", "rdf:type", expand("rdfs:Resource")),
            _t(f"{IANA}{media}", "rdf:type", expand("dcterms:MediaType")),
            _t(EU + "file-type/" + file_type, "rdf:type", expand("dcterms:MediaTypeOrExtent")),
        ]
    return out


def _istat_dataset() -> list[ox.Triple]:
    """ISTAT's list of comuni, the dataset the seats' codes come from, as a dcat:Dataset.

    DCAT-AP expects dct:source to name a dataset, not a web page: the page becomes
    the dataset's landing page.
    """
    page = "https://www.istat.it/classificazione/codici-dei-comuni-delle-province-e-delle-regioni/"
    return [
        _t(ISTAT_COMUNI, "rdf:type", expand("dcat:Dataset")),
        *_both(
            ISTAT_COMUNI,
            "dcterms:title",
            "Codici statistici delle unità amministrative territoriali: comuni, province e regioni",
            "Statistical codes of the territorial administrative units: municipalities, provinces, regions",
        ),
        *_both(
            ISTAT_COMUNI,
            "dcterms:description",
            "L'elenco ISTAT dei comuni da cui il grafo prende codici, province e NUTS 3 delle sedi.",
            "ISTAT's list of municipalities: the seats' codes, provinces and NUTS 3 come from it.",
        ),
        _t(ISTAT_COMUNI, "dcat:landingPage", page),
        _t(page, "rdf:type", expand("foaf:Document")),
    ]


def check_catalog(turtle: bytes) -> None:
    """Check the record against ontology/catalog-shapes.ttl (pySHACL); `KgError` on a violation."""
    import logging

    import pyshacl
    import rdflib
    from pyshacl.errors import ReportableRuntimeError

    from kg.shapes import read_turtle

    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    path = ontology_dir() / "catalog-shapes.ttl"
    read_turtle(path)  # a syntax error: a KgError at its line, before rdflib's traceback could escape
    shapes = rdflib.Graph().parse(path, format="turtle")
    logging.getLogger("pyshacl-validate").disabled = True  # it prints load errors; they come back as KgError
    try:
        conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    except ReportableRuntimeError as error:  # a shape pySHACL cannot load
        why = (str(error).splitlines() or ["no reason given"])[0]
        raise KgError([Problem(path, None, "-", f"pySHACL cannot use the shapes: {why}")]) from None
    if not conforms:
        raise KgError(
            [Problem(Path("catalog.ttl"), None, "-", f"the catalogue record breaks a shape: {text}")]
        )
