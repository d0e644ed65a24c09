"""Names every module shares, with no heavy import: IRIs, prefixes, project folders.

kg.rdf builds on these; kg.store and kg.query use them directly, so commands that only
read the graph start without loading rdflib or pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BASE",
    "BODY_KINDS",
    "CLUSTER_TYPE",
    "NATIONAL_CLUSTER_TYPE",
    "EXTRAS",
    "LANGS",
    "GRAPHS",
    "LKG_NS",
    "ORGANISATION_TYPES",
    "PREFIXES",
    "PROJECT_KINDS",
    "Kind",
    "compact",
    "expand",
    "iri",
    "ontology_dir",
    "queries_dir",
    "slug_of",
]

BASE = "https://w3id.org/lombardia-kg/id/"
LKG_NS = "https://w3id.org/lombardia-kg/ontology#"

PREFIXES: dict[str, str] = {
    "adms": "http://www.w3.org/ns/adms#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "dcterms": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "frapo": "http://purl.org/cerif/frapo/",
    "lkg": LKG_NS,
    "nuts": "http://data.europa.eu/nuts/code/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "act": BASE + "act/",
    "cluster": BASE + "cluster/",
    "organisation": BASE + "organisation/",
    "person": BASE + "person/",
}
"""Prefixes written in kg.ttl and predeclared in every query."""

LANGS = ("it", "en")
"""The languages of labels, pages and maps: Italian first (the default), then English."""

GRAPHS = ("organisations", "clusters", "two-mode")
"""The network graphs a command may measure: the two projections and the two-mode graph."""

EXTRAS = ("metrics.ttl", "inferred.ttl")
"""Files computed beside a build (network measures, inferred facts): queries load them with
the build, and a new build removes them, since they were computed from the previous one."""


def _package_folder(package: str) -> Path:
    """The folder of an installed data subpackage, through ``importlib.resources``.

    The package is always installed as files (editable, ``pip install .`` or a wheel;
    setuptools does not zip it), so the resource is a real folder that pyoxigraph,
    rdflib and owlready2 can open by path.
    """
    from importlib.resources import files

    return Path(str(files(package)))


def ontology_dir() -> Path:
    """The ontology: ``lkg.ttl``, ``shapes.ttl`` and ``catalog-shapes.ttl``.

    In a checkout this is the repository's ontology/ folder; installed, the package
    data ``kg.ontology``.

    Examples
    --------
    >>> sorted(p.name for p in ontology_dir().glob("*.ttl"))
    ['catalog-shapes.ttl', 'lkg.ttl', 'shapes.ttl']
    """
    return _package_folder("kg.ontology")


def queries_dir() -> Path:
    """The library of saved SPARQL queries (``*.rq``), the package data ``kg.queries``."""
    return _package_folder("kg.queries")


def iri(kind: str, slug: str) -> str:
    """The IRI of a resource of ``kind`` with data id ``slug``.

    Examples
    --------
    >>> iri("cluster", "afil")
    'https://w3id.org/lombardia-kg/id/cluster/afil'
    >>> slug_of(iri("organisation", "politecnico-di-milano"))
    ('organisation', 'politecnico-di-milano')
    """
    return f"{BASE}{kind}/{slug}"


def slug_of(resource: str) -> tuple[str, str]:
    """The ``(kind, slug)`` of one of our IRIs; the inverse of `iri`.

    Raises
    ------
    ValueError
        If the IRI is not one of ours.
    """
    if not resource.startswith(BASE) or resource.count("/", len(BASE)) != 1:
        raise ValueError(f"not a resource IRI of this graph: {resource}")
    kind, slug = resource[len(BASE) :].split("/")
    return kind, slug


def compact(term: str) -> str:
    """``lkg:Cluster`` for the full IRI of a term, when a prefix covers it.

    Examples
    --------
    >>> compact("https://w3id.org/lombardia-kg/ontology#Cluster")
    'lkg:Cluster'
    """
    for prefix, namespace in PREFIXES.items():
        if term.startswith(namespace) and "/" not in term[len(namespace) :]:
            return f"{prefix}:{term[len(namespace) :]}"
    return term


def expand(name: str) -> str:
    """The full IRI of a compact name such as ``org:Membership``.

    Examples
    --------
    >>> expand("org:Membership")
    'http://www.w3.org/ns/org#Membership'
    """
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


@dataclass(frozen=True)
class Kind:
    """A kind of organisation (or the cluster kind): its data/ value, class, labels and colour.

    ``slug`` is the value of ``type:`` in data/; ``term`` the class in the ontology (its
    ``rdfs:label``s are ``label_it`` and ``label_en``, a test checks they agree); ``colour``
    the fill on maps (a colour-blind-aware palette readable on white).
    """

    slug: str
    term: str
    label_it: str
    label_en: str
    colour: str

    def label(self, lang: str) -> str:
        """The label in ``lang`` (``it`` or ``en``).

        Examples
        --------
        >>> ORGANISATION_TYPES["company"].label("it")
        'impresa'
        """
        return self.label_en if lang == "en" else self.label_it


def _kinds(*rows: tuple[str, str, str, str, str]) -> dict[str, Kind]:
    return {slug: Kind(slug, expand(term), it, en, colour) for slug, term, it, en, colour in rows}


ORGANISATION_TYPES: dict[str, Kind] = _kinds(
    ("university", "lkg:University", "università", "university", "#d55e00"),
    ("research-centre", "lkg:ResearchCentre", "centro di ricerca", "research centre", "#009e73"),
    ("company", "lkg:Company", "impresa", "company", "#0072b2"),
    ("association", "lkg:Association", "associazione", "association", "#e69f00"),
    ("foundation", "lkg:Foundation", "fondazione", "foundation", "#cc79a7"),
    ("education-provider", "lkg:EducationProvider", "ente di formazione", "education provider", "#a6761d"),
    (
        "regional-government",
        "lkg:RegionalGovernment",
        "amministrazione regionale",
        "regional government",
        "#555555",
    ),
    ("public-body", "lkg:PublicBody", "ente pubblico", "public body", "#777777"),
    ("local-authority", "lkg:LocalAuthority", "ente locale", "local authority", "#8c8c8c"),
    (
        "chamber-of-commerce",
        "lkg:ChamberOfCommerce",
        "camera di commercio",
        "chamber of commerce",
        "#999999",
    ),
    ("organisation", "org:Organization", "organizzazione", "organisation", "#b3b3b3"),
)
"""The kinds of organisation, in legend order; ``organisation`` when no source says more.

The one definition every module uses: kg.model's closed list of ``type:`` values, kg.rdf's
classes, kg.network's node types, kg.viz's colours and legend, kg.stats's counts, kg.synth.
"""

CLUSTER_TYPE = Kind("cluster", LKG_NS + "Cluster", "cluster tecnologico", "technology cluster", "#1f3b73")
"""The cluster kind, drawn beside the organisations on maps."""

NATIONAL_CLUSTER_TYPE = Kind(
    "national-cluster",
    LKG_NS + "NationalCluster",
    "cluster tecnologico nazionale",
    "national technology cluster",
    "#6a51a3",
)
"""The national cluster kind (``level: national``): a cluster too, kept off the Lombard maps."""

PROJECT_KINDS: dict[str, Kind] = _kinds(
    ("supply-chain", "lkg:SupplyChainProject", "progetto di filiera", "supply-chain project", "#117733"),
    ("research-project", "lkg:ResearchProject", "progetto di ricerca", "research project", "#332288"),
    ("funded-project", "lkg:FundedProject", "progetto finanziato", "funded project", "#882255"),
)
"""The kinds of project (``kind:`` of a record under ``projects:``), each a subclass of lkg:Project."""

BODY_KINDS: dict[str, Kind] = _kinds(
    ("board", "lkg:Board", "consiglio direttivo", "board", "#4477aa"),
    ("assembly", "lkg:Assembly", "assemblea", "assembly", "#66ccee"),
    ("committee", "lkg:Committee", "comitato", "committee", "#228833"),
    ("working-group", "lkg:WorkingGroup", "gruppo di lavoro", "working group", "#ccbb44"),
    ("auditors", "lkg:BoardOfAuditors", "collegio dei revisori", "board of auditors", "#ee6677"),
    ("steering", "lkg:SteeringCommittee", "cabina di regia", "steering committee", "#aa3377"),
)
"""The kinds of body (``kind:`` of a body), each a subclass of org:OrganizationalUnit."""
