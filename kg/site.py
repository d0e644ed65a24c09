"""The ecosystem site: the whole graph as static, bilingual, offline HTML pages (`kg site`).

`write_site` reads a build through a handful of bulk SPARQL queries (labels, properties,
memberships, posts, the sources behind every fact), then renders one page per cluster,
organisation, person, act and source with compiled Jinja2 templates (``kg/templates``,
autoescaping on), one page at a time, written as it is rendered: no page's HTML is kept.
Above a few thousand pages the pages are shared among worker processes (fork), one per core.

Layout (Italian at the root, English under ``en/``)::

    index.html                       home: clusters, counts, search, licence
    cluster/afil.html                https://w3id.org/lombardia-kg/id/cluster/afil
    organisation/politecnico-di-milano.html, person/..., act/...   (paths mirror the IRIs)
    source/<id>.html                 a source page: every fact it backs (reverse index)
    organisations.html, people.html, acts.html, sources.html       lists of every page
    queries.html, coverage.html, catalogue.html
    en/...                           the same pages in English
    cluster/afil.ttl, .jsonld        the triples whose subject is the resource (Italian tree only;
                                     English pages link the same files)
    queries/<name>.csv               each saved query's result on this build
    maps/ecosystem.html, maps/cluster-<slug>.html (and en/maps/)   kg.viz maps
    assets/site.css, assets/search.js, assets/search-index.js (and en/assets/search-index.js)

Sources are identified by their URL, not by one of our IRIs, so their pages are named
after the source's data id (``dcterms:identifier``, e.g. ``source/lombardianotizie-2026-02-17.html``),
or ``source/h-<sha1 of the URL, 12 digits>.html`` when it has none usable.

Every text from the data reaches a page through autoescaping, or, in JSON-LD and the
search index, as JSON with ``<``, ``>`` and ``&`` escaped. The build date shown is the
catalogue's ``dcterms:modified``, never the clock: the same data gives byte-identical files.
The site is written into a temporary folder beside ``out_dir`` and renamed into place, so a
failed build leaves the previous site as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.names import normalise_name
from kg.viz import script_json
from kg.vocab import BASE, CLUSTER_TYPE, LANGS, ORGANISATION_TYPES, PREFIXES, compact, expand

__all__ = ["PAGE_KINDS", "SiteReport", "page_path", "write_site"]

PAGE_KINDS = ("cluster", "organisation", "person", "act")
"""Kinds of resource IRI that get a page at ``<kind>/<slug>.html``."""

POOL_ABOVE = 4000
"""Above this many pages, pages are rendered by worker processes (one per core)."""
MAP_MAX_NODES = 3000
"""Maps are drawn up to this many organisations; beyond, a canvas map is of no use to a reader."""
QUERY_ROWS_SHOWN = 200
PATH_TOP = 8
NATIONAL_CLUSTER = expand("lkg:NationalCluster")
"""Explained paths are precomputed among this many top bridges (organisations in most clusters)."""

LICENCE = "https://creativecommons.org/licenses/by/4.0/"

REGISTERS = {
    "ror": "https://ror.org/{}",
    "wikidata": "https://www.wikidata.org/wiki/{}",
    "lei": "https://search.gleif.org/#/record/{}",
    "pic": "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/how-to-participate/org-details/{}",
    "eccp": "{}",
}
"""Links to public registers by identifier scheme; schemes without a public page show the value."""

P = {name: expand(name) for name in (
    "rdf:type", "rdfs:label", "skos:altLabel", "dcterms:source", "dcterms:title", "dcterms:publisher",
    "dcterms:date", "dcterms:identifier", "dcterms:description", "eli:date_document", "eli:id_local",
    "eli:passed_by", "eli:title", "eli:based_on", "lkg:concerns", "lkg:openingDate", "lkg:closingDate",
    "foaf:homepage", "foaf:page", "foaf:name", "schema:foundingDate", "lkg:city", "adms:identifier",
    "lkg:recognitionStatus", "lkg:legalForm", "org:subOrganizationOf", "org:unitOf", "org:hasUnit",
    "lkg:coordinatedBy", "lkg:thematicArea", "owl:sameAs", "lkg:acronym", "lkg:declaredSize",
    "lkg:istatCode", "lkg:province", "lkg:nuts3", "skos:notation", "adms:schemeAgency", "dcterms:type",
    "lkg:count", "lkg:countOf", "lkg:asOf", "schema:vatID", "skos:prefLabel", "lkg:claimSubject",
    "lkg:claimField", "lkg:claimedValue", "lkg:disputedBy", "skos:editorialNote",
)}  # fmt: skip

_DATE = "(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear)"
_TIED = """
SELECT ?f ?who ?in ?role ?start ?end ?ongoing
       (GROUP_CONCAT(DISTINCT STR(?src); SEPARATOR=" ") AS ?sources)
       (GROUP_CONCAT(DISTINCT STR(?against); SEPARATOR=" ") AS ?disputed)
WHERE {{
  ?f a {cls} ; {who} ?who ; {within} ?in ; org:role ?role .
  OPTIONAL {{ ?f dcterms:source ?src }}
  OPTIONAL {{ ?f lkg:disputedBy ?against }}
  OPTIONAL {{ ?f {during}/time:hasBeginning/{date} ?start }}
  OPTIONAL {{ ?f {during}/time:hasEnd/{date} ?end }}
  OPTIONAL {{ ?f {during}/lkg:ongoing ?ongoing }}
}}
GROUP BY ?f ?who ?in ?role ?start ?end ?ongoing
"""
MEMBERSHIPS = _TIED.format(
    cls="org:Membership", who="org:member", within="org:organization", during="org:memberDuring", date=_DATE
)
POSTS = _TIED.format(
    cls="org:Post", who="org:heldBy", within="org:postIn", during="lkg:heldDuring", date=_DATE
)

TEXT: dict[str, dict[str, str]] = {
    "it": {
        "site": "Grafo della conoscenza dell'innovazione lombarda",
        "home": "Home",
        "skip": "Vai al contenuto",
        "lang_other": "English",
        "clusters": "Cluster",
        "organisations": "Organizzazioni",
        "people": "Persone",
        "acts": "Atti",
        "sources": "Fonti",
        "memberships": "Appartenenze",
        "posts": "Incarichi",
        "triples": "Triple",
        "queries": "Domande salvate",
        "coverage": "Copertura",
        "catalogue": "Catalogo (DCAT-AP_IT)",
        "search": "Cerca per nome (senza accenti, maiuscole o minuscole)",
        "search_title": "Cerca",
        "no_results": "Nessun risultato",
        "data_as_of": "Dati al",
        "licence": "Dati pubblicati con licenza CC BY 4.0; ogni fatto cita la pagina che lo afferma.",
        "status": "Stato",
        "founded": "Fondazione",
        "named_declared": "Membri nominati / dichiarati",
        "president": "Presidente",
        "map": "Mappa",
        "ecosystem_map": "Mappa dell'ecosistema",
        "cluster_map": "Mappa del cluster",
        "ego_map": "Le sue relazioni sulla mappa",
        "members": "Membri",
        "member": "Membro",
        "role": "Ruolo",
        "period": "Periodo",
        "disputed_by": "Contestato da",
        "known_declared": "Membri noti e dichiarati",
        "named": "nominati dalle fonti",
        "declared": "dichiarati",
        "as_of": "al",
        "bodies": "Organi",
        "people_posts": "Persone negli incarichi",
        "person": "Persona",
        "in": "Presso",
        "concerning_acts": "Atti che lo riguardano",
        "bridges": "Ponti verso altri cluster",
        "shared": "membri in comune",
        "type": "Tipo",
        "seat": "Sede",
        "istat": "Codice ISTAT",
        "province": "Provincia",
        "nuts3": "NUTS 3",
        "identifiers": "Identificativi",
        "scheme": "Schema",
        "value": "Valore",
        "in_clusters": "Cluster e ruoli nel tempo",
        "group": "Cluster o associazione",
        "posts_of_people": "Incarichi delle sue persone",
        "paths": "Percorsi verso altre organizzazioni",
        "through": "attraverso",
        "homepage": "Sito web",
        "alt_labels": "Altri nomi",
        "description": "Descrizione",
        "number": "Numero",
        "date": "Data",
        "passed_by": "Adottato da",
        "concerns": "Riguarda",
        "opening": "Apertura",
        "closing": "Chiusura",
        "page": "Pagina dell'atto",
        "based_on": "Fondato su",
        "title": "Titolo",
        "publisher": "Editore",
        "url": "Indirizzo",
        "backs": "Fatti che questa fonte sostiene",
        "disputes": "Fatti che questa fonte contesta",
        "fact": "Fatto",
        "machine": "Dati leggibili da macchina",
        "open": "in corso",
        "unknown": "?",
        "part_of": "Parte di",
        "units": "Unità",
        "query_run": "Comando",
        "query_result": "Risultato su questa build",
        "query_csv": "CSV",
        "query_rows": "righe",
        "query_shown": "mostrate le prime",
        "params": "Parametri",
        "notes": "Note",
        "all_of": "Tutti",
        "none": "nessuno",
        "claim": "affermazione contestata",
        "figure": "dimensione dichiarata",
        "identifier": "identificativo",
        "thematic": "Aree tematiche",
        "coordinated_by": "Coordinato da",
        "legal_form": "Forma giuridica",
    },
    "en": {
        "site": "Lombardy innovation knowledge graph",
        "home": "Home",
        "skip": "Skip to content",
        "lang_other": "Italiano",
        "clusters": "Clusters",
        "organisations": "Organisations",
        "people": "People",
        "acts": "Acts",
        "sources": "Sources",
        "memberships": "Memberships",
        "posts": "Posts",
        "triples": "Triples",
        "queries": "Saved questions",
        "coverage": "Coverage",
        "catalogue": "Catalogue (DCAT-AP_IT)",
        "search": "Search by name (accents and case do not matter)",
        "search_title": "Search",
        "no_results": "No results",
        "data_as_of": "Data as of",
        "licence": "Data published under CC BY 4.0; every fact cites the public page that states it.",
        "status": "Status",
        "founded": "Founded",
        "named_declared": "Members named / declared",
        "president": "President",
        "map": "Map",
        "ecosystem_map": "Map of the ecosystem",
        "cluster_map": "Map of the cluster",
        "ego_map": "Its ties on the map",
        "members": "Members",
        "member": "Member",
        "role": "Role",
        "period": "Period",
        "disputed_by": "Disputed by",
        "known_declared": "Known and declared members",
        "named": "named by sources",
        "declared": "declared",
        "as_of": "as of",
        "bodies": "Governing bodies",
        "people_posts": "People in posts",
        "person": "Person",
        "in": "In",
        "concerning_acts": "Acts that concern it",
        "bridges": "Bridges to other clusters",
        "shared": "shared members",
        "type": "Type",
        "seat": "Seat",
        "istat": "ISTAT code",
        "province": "Province",
        "nuts3": "NUTS 3",
        "identifiers": "Identifiers",
        "scheme": "Scheme",
        "value": "Value",
        "in_clusters": "Clusters and roles over time",
        "group": "Cluster or association",
        "posts_of_people": "Posts of its people",
        "paths": "Paths to other organisations",
        "through": "through",
        "homepage": "Website",
        "alt_labels": "Other names",
        "description": "Description",
        "number": "Number",
        "date": "Date",
        "passed_by": "Passed by",
        "concerns": "Concerns",
        "opening": "Opens",
        "closing": "Closes",
        "page": "Page of the act",
        "based_on": "Based on",
        "title": "Title",
        "publisher": "Publisher",
        "url": "Address",
        "backs": "Facts this source backs",
        "disputes": "Facts this source disputes",
        "fact": "Fact",
        "machine": "Machine-readable data",
        "open": "ongoing",
        "unknown": "?",
        "part_of": "Part of",
        "units": "Units",
        "query_run": "Command",
        "query_result": "Result on this build",
        "query_csv": "CSV",
        "query_rows": "rows",
        "query_shown": "showing the first",
        "params": "Parameters",
        "notes": "Notes",
        "all_of": "All",
        "none": "none",
        "claim": "disputed claim",
        "figure": "declared size",
        "identifier": "identifier",
        "thematic": "Thematic areas",
        "coordinated_by": "Coordinated by",
        "legal_form": "Legal form",
    },
}


@dataclass(frozen=True)
class SiteReport:
    """What `write_site` wrote: the folder, its home page, pages and files, bytes on disk."""

    out: Path
    home: Path
    pages: int
    files: int
    size: int


def page_path(resource: str) -> str | None:
    """The page of one of our resource IRIs, relative to the site root; None if it has no page.

    Examples
    --------
    >>> page_path("https://w3id.org/lombardia-kg/id/organisation/politecnico-di-milano")
    'organisation/politecnico-di-milano.html'
    >>> page_path("https://w3id.org/lombardia-kg/id/membership/x") is None
    True
    """
    if not resource.startswith(BASE):
        return None
    kind, _, slug = resource[len(BASE) :].partition("/")
    if kind not in PAGE_KINDS or not slug or "/" in slug:
        return None
    return f"{kind}/{slug}.html"


# --------------------------------------------------------------------------- the data


@dataclass
class Tie:
    """A membership or a post: who, in what, with which role, when, on which sources."""

    iri: str
    who: str
    within: str
    role: str
    start: str
    end: str
    ongoing: bool
    sources: list[str]
    disputed: list[str]


@dataclass
class Data:
    """Everything the pages show, read from the store in bulk."""

    date: str
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    alts: dict[str, list[str]] = field(default_factory=dict)
    props: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = field(default_factory=dict)
    resources: dict[str, list[str]] = field(default_factory=dict)
    memberships: list[Tie] = field(default_factory=list)
    posts: list[Tie] = field(default_factory=list)
    by_source: dict[str, list[str]] = field(default_factory=dict)
    disputed_by_source: dict[str, list[str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    ties_of: dict[str, list[Tie]] = field(default_factory=dict)
    acts_of: dict[str, list[str]] = field(default_factory=dict)
    ontology: dict[str, dict[str, str]] = field(default_factory=dict)
    paths: dict[str, list[tuple[str, list[Any]]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    ties: dict[str, Tie] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    def first(self, subject: str, name: str) -> str:
        """The first value (sorted) of property ``name`` of ``subject``, or ''."""
        values = self.props.get(subject, {}).get(P[name], [])
        return values[0].value if values else ""


def _value(term: object) -> str:
    return str(getattr(term, "value", "")) if term is not None else ""


def _tie(row: dict[str, Any]) -> Tie:
    return Tie(
        iri=_value(row["f"]),
        who=_value(row["who"]),
        within=_value(row["in"]),
        role=_value(row["role"]),
        start=_value(row["start"]),
        end=_value(row["end"]),
        ongoing=_value(row["ongoing"]) == "true",
        sources=sorted(_value(row["sources"]).split()),
        disputed=sorted(_value(row["disputed"]).split()),
    )


def _source_slugs(store: ox.Store) -> dict[str, str]:
    """Each described source's page slug: its data id, or a hash of its URL (see the module doc)."""
    from kg.store import select

    rows = select(store, "SELECT ?d ?id WHERE { ?d a foaf:Document OPTIONAL { ?d dcterms:identifier ?id } }")
    ids: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        ids[_value(row["d"])].add(_value(row["id"]))
    taken: set[str] = set()
    slugs: dict[str, str] = {}
    for url in sorted(ids):
        usable = sorted(i for i in ids[url] if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,100}", i))
        slug = usable[0] if usable else ""
        if not slug or slug in taken or slug.startswith("h-"):
            slug = "h-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]
        taken.add(slug)
        slugs[url] = slug
    return slugs


def read_data(build: Path, store: ox.Store) -> Data:
    """Everything the pages show, in a few bulk queries over ``store``."""
    from kg.query import ontology_labels
    from kg.store import select
    from kg.viz import data_date

    data = Data(date=data_date(build))
    data.ontology = ontology_labels()
    label, alt = P["rdfs:label"], P["skos:altLabel"]
    for quad in store.quads_for_pattern(None, ox.NamedNode(label), None):
        if isinstance(quad.object, ox.Literal):
            data.labels.setdefault(_value(quad.subject), {}).setdefault(
                quad.object.language or "", _value(quad.object)
            )
    for quad in store.quads_for_pattern(None, ox.NamedNode(alt), None):
        data.alts.setdefault(_value(quad.subject), []).append(_value(quad.object))
    for names in data.alts.values():
        names.sort()
    wanted = set(P.values()) - {label, alt}
    for predicate in sorted(wanted):
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None):
            if isinstance(quad.object, (ox.NamedNode, ox.Literal)):
                data.props.setdefault(_value(quad.subject), {}).setdefault(predicate, []).append(quad.object)
    for props in data.props.values():
        for values in props.values():
            values.sort(key=lambda t: (t.value, getattr(t, "language", None) or ""))
    kinds: dict[str, set[str]] = defaultdict(set)
    for subject, props in data.props.items():
        path = page_path(subject) if P["rdf:type"] in props else None
        if path:
            kinds[path.split("/")[0]].add(subject)
    data.resources = {kind: sorted(kinds.get(kind, ())) for kind in PAGE_KINDS}
    data.memberships = sorted(map(_tie, select(store, MEMBERSHIPS)), key=lambda t: t.iri)
    data.posts = sorted(map(_tie, select(store, POSTS)), key=lambda t: t.iri)
    ties: dict[str, list[Tie]] = defaultdict(list)
    for tie in [*data.memberships, *data.posts]:
        ties[tie.who].append(tie)
        ties[tie.within].append(tie)
    data.ties_of = dict(ties)
    data.ties = {t.iri: t for t in [*data.memberships, *data.posts]}
    for subject, props in data.props.items():
        for name in ("adms:identifier", "lkg:declaredSize"):
            for owned in props.get(P[name], []):
                data.owners[owned.value] = subject
    data.sources = _source_slugs(store)
    backs: dict[str, list[str]] = defaultdict(list)
    for quad in store.quads_for_pattern(None, ox.NamedNode(P["dcterms:source"]), None):
        backs[_value(quad.object)].append(_value(quad.subject))
    data.by_source = {k: sorted(v) for k, v in backs.items()}
    against: dict[str, list[str]] = defaultdict(list)
    for quad in store.quads_for_pattern(None, ox.NamedNode(P["lkg:disputedBy"]), None):
        against[_value(quad.object)].append(_value(quad.subject))
    data.disputed_by_source = {k: sorted(v) for k, v in against.items()}
    acts: dict[str, list[str]] = defaultdict(list)
    for act in data.resources["act"]:
        for concerned in data.props[act].get(P["lkg:concerns"], []):
            acts[concerned.value].append(act)
    data.acts_of = {
        k: sorted(v, key=lambda a: (data.first(a, "eli:date_document"), a)) for k, v in acts.items()
    }
    data.counts = {
        "clusters": sum(not _national(data, c) for c in data.resources["cluster"]),
        "organisations": len(data.resources["organisation"]),
        "people": len(data.resources["person"]),
        "acts": len(data.resources["act"]),
        "sources": len(data.sources),
        "memberships": len(data.memberships),
        "posts": len(data.posts),
        "triples": len(store),
    }
    return data


# --------------------------------------------------------------------------- per-language view


class View:
    """The data as one language's pages see it: labels, links, dates, rows for the templates."""

    def __init__(self, data: Data, lang: str) -> None:
        self.data = data
        self.lang = lang
        self.t = TEXT[lang]
        self.kind_labels = {k.term: k.label(lang) for k in [CLUSTER_TYPE, *ORGANISATION_TYPES.values()]}

    # names and links ------------------------------------------------------------
    def label(self, iri: str) -> str:
        names = self.data.labels.get(iri) or self.data.ontology.get(iri) or {}
        other = "en" if self.lang == "it" else "it"
        for key in (self.lang, other, ""):
            if key in names:
                return names[key]
        if iri.startswith(PREFIXES["lkg"]):
            return iri[len(PREFIXES["lkg"]) :]
        return next(iter(names.values()), iri.rsplit("/", 1)[-1] if iri.startswith(BASE) else iri)

    def text(self, subject: str, name: str) -> str:
        """A property's literal in this language, else any."""
        values = self.data.props.get(subject, {}).get(P[name], [])
        for value in values:
            if getattr(value, "language", None) == self.lang:
                return value.value
        return values[0].value if values else ""

    def values(self, subject: str, name: str) -> list[str]:
        return [v.value for v in self.data.props.get(subject, {}).get(P[name], [])]

    def link(self, iri: str) -> dict[str, str]:
        """A link to the page of ``iri`` (href relative to the language root) or to the IRI itself."""
        path = page_path(iri)
        if path and iri in self.data.props:
            return {"href": path, "text": self.label(iri)}
        if iri in self.data.sources:
            return {"href": f"source/{self.data.sources[iri]}.html", "text": self.source_title(iri)}
        return {"href": "", "text": self.label(iri)}

    def source_title(self, url: str) -> str:
        return self.data.first(url, "dcterms:title") or url

    def source(self, url: str) -> dict[str, str]:
        slug = self.data.sources.get(url)
        return {"href": f"source/{slug}.html" if slug else "", "text": self.source_title(url), "url": url}

    def sources(self, subject: str) -> list[dict[str, str]]:
        return [self.source(u) for u in self.values(subject, "dcterms:source")]

    def kind(self, iri: str) -> str:
        types = self.values(iri, "rdf:type")
        for term, name in self.kind_labels.items():
            if term in types and term != expand("org:Organization"):
                return name
        for act_type in types:
            if act_type.startswith(PREFIXES["lkg"]):
                return self.label(act_type)
        return self.kind_labels.get(expand("org:Organization"), "") if types else ""

    def period(self, tie: Tie) -> str:
        end = tie.end or (self.t["open"] if tie.ongoing else "")
        if not tie.start and not end:
            return ""
        return f"{tie.start or self.t['unknown']} – {end or self.t['unknown']}"

    def tie_row(self, tie: Tie, *, side: str) -> dict[str, Any]:
        """A membership or post as a table row; ``side`` is the column that names the other party."""
        return {
            "who": self.link(tie.who),
            "within": self.link(tie.within),
            "role": self.label(tie.role),
            "period": self.period(tie),
            "start": tie.start,
            "sources": [self.source(s) for s in tie.sources],
            "disputed": [self.source(s) for s in tie.disputed],
            "side": side,
        }

    def is_post(self, tie: Tie) -> bool:
        return "/post/" in tie.iri

    def tied(self, iri: str, *, posts: bool, as_who: bool) -> list[Tie]:
        found = [
            t
            for t in self.data.ties_of.get(iri, [])
            if self.is_post(t) == posts and (t.who if as_who else t.within) == iri
        ]
        return sorted(found, key=lambda t: (t.start, self.label(t.who if not as_who else t.within), t.iri))

    # schema.org ------------------------------------------------------------------
    def jsonld(self, iri: str, schema_type: str, **extra: object) -> str:
        thing: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": schema_type,
            "@id": iri,
            "name": self.label(iri),
        }
        alts = self.data.alts.get(iri)
        if alts:
            thing["alternateName"] = alts
        sources = self.values(iri, "dcterms:source")
        if sources:
            thing["subjectOf"] = [{"@type": "WebPage", "url": s} for s in sources]
        thing.update({k: v for k, v in extra.items() if v})
        return script_json(thing)


SCHEMA_TYPES = {
    expand("lkg:University"): "CollegeOrUniversity",
    expand("lkg:Company"): "Corporation",
    expand("lkg:ResearchCentre"): "ResearchOrganization",
    expand("lkg:PublicBody"): "GovernmentOrganization",
    expand("lkg:RegionalGovernment"): "GovernmentOrganization",
    expand("lkg:LocalAuthority"): "GovernmentOrganization",
    expand("lkg:EducationProvider"): "EducationalOrganization",
    expand("lkg:Foundation"): "NGO",
}


# --------------------------------------------------------------------------- page contexts


def _cluster_facts(view: View, iri: str) -> dict[str, Any]:
    """A cluster's card: status, founding date, members named against declared, president now."""
    data = view.data
    named = {t.who for t in view.tied(iri, posts=False, as_who=False) if not t.disputed}
    declared = None
    for figure in view.values(iri, "lkg:declaredSize"):
        asof = data.first(figure, "lkg:asOf")
        candidate = (asof, data.first(figure, "lkg:count"))
        if declared is None or candidate > declared:
            declared = candidate
    presidents = [
        t
        for t in view.tied(iri, posts=True, as_who=False)
        if t.role.endswith("#President") and not t.end and not t.disputed
    ]
    president = max(presidents, key=lambda t: (t.start, t.iri)) if presidents else None
    return {
        "link": view.link(iri),
        "status": view.label(view.values(iri, "lkg:recognitionStatus")[0])
        if view.values(iri, "lkg:recognitionStatus")
        else "",
        "founded": data.first(iri, "schema:foundingDate"),
        "named": len(named),
        "declared": declared[1] if declared else "",
        "declared_as_of": declared[0] if declared else "",
        "president": view.link(president.who) if president else None,
        "president_since": president.start if president else "",
    }


def _common(view: View, iri: str, kind: str) -> dict[str, Any]:
    slug = iri.rsplit("/", 1)[-1]
    return {
        "iri": iri,
        "kind": kind,
        "slug": slug,
        "title": view.label(iri),
        "type_label": view.kind(iri),
        "alts": view.data.alts.get(iri, []),
        "description": view.text(iri, "dcterms:description"),
        "homepages": view.values(iri, "foaf:homepage"),
        "sources": view.sources(iri),
        "slice": f"{kind}/{slug}",
        "path": f"{kind}/{slug}.html",
    }


def _units(view: View, iri: str) -> list[dict[str, Any]]:
    units = view.values(iri, "org:hasUnit")
    return [
        {
            "label": view.label(u),
            "posts": [view.tie_row(t, side="who") for t in view.tied(u, posts=True, as_who=False)],
        }
        for u in units
    ]


def cluster_context(view: View, iri: str, maps: bool) -> dict[str, Any]:
    data = view.data
    members = view.tied(iri, posts=False, as_who=False)
    bridges: dict[str, int] = defaultdict(int)
    mine = {t.who for t in members if not t.disputed}
    for who in sorted(mine):
        others = {t.within for t in data.ties_of.get(who, []) if not view.is_post(t) and not t.disputed}
        for other in others - {iri}:
            if other in data.props and page_path(other) and other.startswith(BASE + "cluster/"):
                bridges[other] += 1
    acts = data.acts_of.get(iri, [])
    context = _common(view, iri, "cluster")
    units = _units(view, iri)
    context.update(
        facts=_cluster_facts(view, iri),
        members=[
            view.tie_row(t, side="who") for t in sorted(members, key=lambda t: (view.label(t.who), t.iri))
        ],
        bodies=units,
        posts=[view.tie_row(t, side="who") for t in view.tied(iri, posts=True, as_who=False)],
        acts=[_act_row(view, a) for a in acts],
        bridges=[
            (view.link(c), n) for c, n in sorted(bridges.items(), key=lambda x: (-x[1], view.label(x[0])))
        ],
        coordinators=[view.link(o) for o in view.values(iri, "lkg:coordinatedBy")],
        themes=[view.label(c) for c in view.values(iri, "lkg:thematicArea")],
        legal_form=view.text(iri, "lkg:legalForm"),
        # the maps are of the Lombard ecosystem: a national cluster has none (kg.network)
        map=f"maps/cluster-{context['slug']}.html" if maps and not _national(data, iri) else "",
        jsonld=view.jsonld(
            iri,
            "Organization",
            foundingDate=data.first(iri, "schema:foundingDate"),
            member=[{"@id": t.who, "name": view.label(t.who)} for t in members if not t.disputed],
        ),
    )
    return context


def _national(data: Data, iri: str) -> bool:
    """Whether a cluster is a national one (lkg:NationalCluster)."""
    return any(t.value == NATIONAL_CLUSTER for t in data.props.get(iri, {}).get(P["rdf:type"], []))


def _act_row(view: View, act: str) -> dict[str, Any]:
    return {
        "link": view.link(act),
        "type": view.kind(act),
        "date": view.data.first(act, "eli:date_document"),
        "number": view.data.first(act, "eli:id_local"),
    }


def _seat(view: View, iri: str) -> dict[str, str] | None:
    cities = view.values(iri, "lkg:city")
    if not cities:
        return None
    city = cities[0]
    province = view.data.first(city, "lkg:province")
    nuts = view.data.first(city, "lkg:nuts3")
    return {
        "city": view.label(city),
        "istat": view.data.first(city, "lkg:istatCode"),
        "province": f"{view.label(province)} ({view.data.first(province, 'skos:notation')})"
        if province
        else "",
        "nuts3": nuts.rsplit("/", 1)[-1] if nuts else "",
    }


def _identifiers(view: View, iri: str) -> list[dict[str, str]]:
    rows = []
    for ident in view.values(iri, "adms:identifier"):
        scheme = view.data.first(ident, "dcterms:type").rsplit("scheme-", 1)[-1]
        value = view.data.first(ident, "skos:notation")
        pattern = REGISTERS.get(scheme)
        href = pattern.format(value) if pattern else ""
        rows.append(
            {
                "scheme": scheme,
                "agency": view.data.first(ident, "adms:schemeAgency"),
                "value": value,
                "href": href if href.startswith("https://") else "",
            }
        )
    return rows


def organisation_context(view: View, iri: str, maps: bool) -> dict[str, Any]:
    data = view.data
    context = _common(view, iri, "organisation")
    in_groups = view.tied(iri, posts=False, as_who=True)
    own_posts = view.tied(iri, posts=True, as_who=False)
    types = view.values(iri, "rdf:type")
    schema_type = next((SCHEMA_TYPES[t] for t in types if t in SCHEMA_TYPES), "Organization")
    context.update(
        seat=_seat(view, iri),
        identifiers=_identifiers(view, iri),
        groups=[view.tie_row(t, side="within") for t in in_groups],
        members=[view.tie_row(t, side="who") for t in view.tied(iri, posts=False, as_who=False)],
        posts=[view.tie_row(t, side="who") for t in own_posts],
        bodies=_units(view, iri),
        part_of=[view.link(o) for o in view.values(iri, "org:subOrganizationOf")],
        founded=data.first(iri, "schema:foundingDate"),
        acts=[_act_row(view, a) for a in data.acts_of.get(iri, [])],
        paths=[
            (view.link(other), [_step(view, s) for s in steps]) for other, steps in data.paths.get(iri, [])
        ],
        map=f"maps/ecosystem.html#focus={context['slug']}" if maps and in_groups else "",
        jsonld=view.jsonld(
            iri,
            schema_type,
            foundingDate=data.first(iri, "schema:foundingDate"),
            url=(view.values(iri, "foaf:homepage") or [""])[0],
            vatID=data.first(iri, "schema:vatID"),
            sameAs=view.values(iri, "owl:sameAs"),
            memberOf=[{"@id": t.within, "name": view.label(t.within)} for t in in_groups if not t.disputed],
        ),
    )
    return context


def _step(view: View, step: Any) -> dict[str, Any]:
    return {
        "organisation": view.link(step.organisation),
        "cluster": view.link(step.cluster),
        "roles": ", ".join(view.label(r) if r.startswith("http") else r for r in step.roles),
        "sources": [view.source(s) for s in step.sources],
        "towards": step.towards_cluster,
    }


def person_context(view: View, iri: str, maps: bool) -> dict[str, Any]:
    context = _common(view, iri, "person")
    posts = view.tied(iri, posts=True, as_who=True)
    context.update(
        posts=[view.tie_row(t, side="within") for t in posts],
        jsonld=view.jsonld(
            iri,
            "Person",
            affiliation=[{"@id": t.within, "name": view.label(t.within)} for t in posts if not t.disputed],
        ),
    )
    return context


def act_context(view: View, iri: str, maps: bool) -> dict[str, Any]:
    data = view.data
    context = _common(view, iri, "act")
    context.update(
        act_title=view.text(iri, "eli:title"),
        number=data.first(iri, "eli:id_local"),
        date=data.first(iri, "eli:date_document"),
        opening=data.first(iri, "lkg:openingDate"),
        closing=data.first(iri, "lkg:closingDate"),
        passed_by=[view.link(o) for o in view.values(iri, "eli:passed_by")],
        concerns=[view.link(o) for o in view.values(iri, "lkg:concerns")],
        based_on=[view.link(o) for o in view.values(iri, "eli:based_on")],
        pages=[*view.values(iri, "foaf:page")],
        jsonld=view.jsonld(
            iri,
            "Legislation",
            legislationDate=data.first(iri, "eli:date_document"),
            legislationIdentifier=data.first(iri, "eli:id_local"),
        ),
    )
    return context


def _fact(view: View, fact: str) -> dict[str, Any]:
    """One fact a source backs, as a sentence of links."""
    data = view.data
    kind = fact[len(BASE) :].split("/")[0] if fact.startswith(BASE) else ""
    if kind in ("membership", "post"):
        tie = data.ties.get(fact)
        if tie:
            return {
                "parts": [
                    view.link(tie.who),
                    {"href": "", "text": view.label(tie.role)},
                    view.link(tie.within),
                ]
            }
    if kind == "claim":
        subject = data.first(fact, "lkg:claimSubject")
        field_name = data.first(fact, "lkg:claimField")
        value = data.first(fact, "lkg:claimedValue")
        return {
            "parts": [
                view.link(subject),
                {"href": "", "text": f"{view.t['claim']}: {field_name} = {view.label(value)}"},
            ]
        }
    if kind in ("identifier", "figure"):
        owner = data.owners.get(fact, "")
        text = data.first(fact, "skos:notation") or data.first(fact, "lkg:count")
        return {
            "parts": [
                view.link(owner) if owner else {"href": "", "text": fact},
                {"href": "", "text": f"{view.t[kind]}: {text}"},
            ]
        }
    return {"parts": [view.link(fact)]}


def source_context(view: View, url: str) -> dict[str, Any]:
    data = view.data
    slug = data.sources[url]
    publisher = data.first(url, "dcterms:publisher")
    return {
        "iri": url,
        "kind": "source",
        "slug": slug,
        "title": view.source_title(url),
        "url": url,
        "date": data.first(url, "dcterms:date"),
        "publisher": view.link(publisher) if publisher else None,
        "backs": [_fact(view, f) for f in data.by_source.get(url, [])],
        "disputes": [_fact(view, f) for f in data.disputed_by_source.get(url, [])],
        "path": f"source/{slug}.html",
        "slice": "",
        "jsonld": script_json(
            {
                "@context": "https://schema.org",
                "@type": "CreativeWork",
                "@id": url,
                "url": url,
                "name": view.source_title(url),
                "datePublished": data.first(url, "dcterms:date"),
            }
        ),
    }


CONTEXTS = {
    "cluster": cluster_context,
    "organisation": organisation_context,
    "person": person_context,
    "act": act_context,
}


# --------------------------------------------------------------------------- writing


def _environment() -> Any:
    """The compiled templates: Jinja2 with autoescaping on for every template."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kg", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


class Writer:
    """Renders pages of one site build and writes each as soon as it is rendered."""

    def __init__(self, root: Path, data: Data, langs: tuple[str, ...], maps: bool, build: Path) -> None:
        self.root = root
        self.build = build  # kg.nt, which the slices are cut from
        self.data = data
        self.langs = langs
        self.maps = maps
        self.env = _environment()
        self.views = {lang: View(data, lang) for lang in langs}
        self.pages = 0

    def lang_root(self, lang: str) -> Path:
        return self.root if lang == "it" else self.root / "en"

    def write(self, lang: str, path: str, template: str, **context: Any) -> None:
        """Render ``template`` for ``path`` (relative to the language root) and write it."""
        depth = path.count("/")
        up = "../" * depth
        site = up if lang == "it" else up + "../"
        other_lang = "en" if lang == "it" else "it"
        other = (site + "en/" + path) if lang == "it" else (site + path)
        html = self.env.get_template(template).render(
            t=self.views[lang].t,
            lang=lang,
            up=up,
            site=site,
            other=other if other_lang in self.langs else "",
            date=self.data.date,
            licence=LICENCE,
            **context,
        )
        target = self.lang_root(lang) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        self.pages += 1

    def resource_pages(self, jobs: list[tuple[str, str]]) -> None:
        """Write the page of each (kind, IRI) in ``jobs``, in every language."""
        for lang in self.langs:
            view = self.views[lang]
            for kind, iri in jobs:
                if kind == "source":
                    context = source_context(view, iri)
                else:
                    context = CONTEXTS[kind](view, iri, self.maps)
                self.write(lang, context["path"], f"{kind}.html", page=context)


def _jobs(data: Data) -> list[tuple[str, str]]:
    jobs = [(kind, iri) for kind in PAGE_KINDS for iri in data.resources[kind]]
    return jobs + [("source", url) for url in sorted(data.sources)]


_WRITER: Writer | None = None


def _render_share(share: tuple[int, int]) -> int:
    """A worker's share of the pages and slices (every n-th), written by the forked `Writer`."""
    if _WRITER is None:
        raise RuntimeError("_render_share runs only in a worker forked by _ResourcePages")
    index, count = share
    _WRITER.pages = 0
    _WRITER.resource_pages(_jobs(_WRITER.data)[index::count])
    _slices(_WRITER.build, _WRITER.root, _WRITER.data, share)
    return _WRITER.pages


class _ResourcePages:
    """The pages and slices of every resource, written by forked workers while the caller goes on.

    Above `POOL_ABOVE` pages, one worker per core (at most 8) starts at once and writes
    every n-th page and slice, while the main process writes the other pages and the
    query book; `wait` collects the count. Below that, `wait` writes them itself.
    """

    def __init__(self, writer: Writer) -> None:
        global _WRITER
        self.writer = writer
        self.result: Any = None
        self.pool: Any = None
        jobs = _jobs(writer.data)
        workers = min(os.cpu_count() or 1, 8)
        if len(jobs) * len(writer.langs) <= POOL_ABOVE or workers < 2 or os.name != "posix":
            return
        import multiprocessing

        _WRITER = writer  # what the forked workers inherit
        self.pool = multiprocessing.get_context("fork").Pool(workers)
        self.result = self.pool.map_async(_render_share, [(i, workers) for i in range(workers)])

    def wait(self) -> None:
        """Until every resource page is written (here, if no worker was started)."""
        global _WRITER
        if self.pool is None:
            self.writer.resource_pages(_jobs(self.writer.data))
            _slices(self.writer.build, self.writer.root, self.writer.data)
            return
        try:
            self.writer.pages += sum(self.result.get())
            self.pool.close()
        finally:
            self.pool.terminate()
            self.pool.join()
            _WRITER = None

    def stop(self) -> None:
        """Stop the workers (the build failed elsewhere)."""
        global _WRITER
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            _WRITER = None


def _slices(build: Path, root: Path, data: Data, share: tuple[int, int] = (0, 1)) -> int:
    """``<kind>/<slug>.ttl`` and ``.jsonld`` for every page's resource, streamed from kg.nt.

    kg.nt is sorted, so a subject's triples are consecutive: one pass, one subject at a time.
    The Turtle slice is written as N-Triples, which is Turtle. ``share`` ``(i, n)`` writes
    only every n-th resource from the i-th (a worker's part).
    """
    index, count = share
    every = sorted(iri for kind in PAGE_KINDS for iri in data.resources[kind])
    wanted = set(every[index::count])
    written = 0
    current: str | None = None
    triples: list[ox.Triple] = []

    def flush() -> None:
        nonlocal written
        if current is None or current not in wanted:
            return
        path = root / page_path(current)[: -len(".html")]  # type: ignore[index]
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = "a" if path.with_suffix(".ttl").exists() else "w"
        with open(path.with_suffix(".ttl"), mode, encoding="utf-8") as out:
            out.writelines(f"{t} .\n" for t in triples)
        node: dict[str, Any] = {"@id": current}
        for t in triples:
            o = t.object
            if isinstance(o, ox.Literal):
                value: dict[str, str] = {"@value": o.value}
                if o.language:
                    value["@language"] = o.language
                elif o.datatype.value != PREFIXES["xsd"] + "string":
                    value["@type"] = o.datatype.value
            else:
                value = {"@id": _value(o)}
            key = "@type" if t.predicate.value == P["rdf:type"] else t.predicate.value
            node.setdefault(key, []).append(value["@id"] if key == "@type" else value)
        path.with_suffix(".jsonld").write_text(
            json.dumps(node, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8"
        )
        written += 2

    for triple in ox.parse(path=str(build / "kg.nt"), format=ox.RdfFormat.N_TRIPLES):
        subject = _value(triple.subject)
        if subject != current:
            flush()
            current, triples = subject, []
        triples.append(triple)
    flush()
    return written


def _search_index(writer: Writer, lang: str) -> None:
    """``assets/search-index.js``: every label and alternative label, normalised, as a global."""
    view = writer.views[lang]
    data = writer.data
    entries = []
    items = [(iri, page_path(iri) or "") for kind in PAGE_KINDS for iri in data.resources[kind]]
    items += [(url, f"source/{slug}.html") for url, slug in sorted(data.sources.items())]
    for iri, path in items:
        names = [*data.labels.get(iri, {}).values(), *data.alts.get(iri, [])]
        if iri in data.sources:
            names.append(view.source_title(iri))
        keys = sorted({normalise_name(n) for n in names if n.strip()})
        entries.append(
            [
                "\n".join(keys),
                view.label(iri) if iri not in data.sources else view.source_title(iri),
                view.kind(iri) or path.split("/")[0],
                path,
            ]
        )
    target = writer.lang_root(lang) / "assets" / "search-index.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("window.KG_SEARCH = " + script_json(entries) + ";\n", encoding="utf-8")


def _maps(build: Path, root: Path, data: Data, langs: tuple[str, ...], store: ox.Store) -> bool:
    """The ecosystem map and one map per cluster (kg.viz), in each language; False when too big."""
    if len(data.resources["organisation"]) > MAP_MAX_NODES:
        return False
    from kg.network import two_mode
    from kg.viz import caption_text, cluster_map, ecosystem_map, write

    two = two_mode(store, disputed=True)
    for lang in langs:
        folder = (root if lang == "it" else root / "en") / "maps"
        caption = caption_text(lang, date=data.date, sources=len(data.sources))
        write(ecosystem_map(two, lang=lang, caption=caption), folder / "ecosystem.html")
        for cluster in data.resources["cluster"]:
            if cluster in two:
                spec = cluster_map(two, cluster, lang=lang, caption=caption)
                write(spec, folder / f"cluster-{cluster.rsplit('/', 1)[-1]}.html")
    return True


def _paths(data: Data, store: ox.Store) -> None:
    """Explained paths among the top bridges (organisations in most clusters), precomputed."""
    from kg.network import explain_paths

    clusters = {c for c in data.resources["cluster"] if not _national(data, c)}  # as kg.network
    count: dict[str, int] = defaultdict(int)
    for tie in data.memberships:
        if tie.within in clusters and not tie.disputed:
            count[tie.who] += 1
    top = sorted((o for o in count if o in data.props), key=lambda o: (-count[o], o))[:PATH_TOP]
    if len(top) < 2:
        return
    two = _tie_graph(data, clusters)
    for source in top:
        for target in top:
            if source == target or source not in two or target not in two:
                continue
            try:
                found = explain_paths(two, source, target, limit=1)
            except KgError:  # no chain of shared clusters links the two
                continue
            if found:
                data.paths.setdefault(source, []).append((target, found[0]))


def _tie_graph(data: Data, clusters: set[str]) -> Any:
    """`kg.network.two_mode`'s graph, made from the memberships already read (not asked again).

    Nodes and edges go in in the same sorted order as there, so a search walks them alike
    and finds the same paths; disputed memberships are left out, as there.
    """
    import networkx as nx

    from kg.network import CLUSTER_KIND, ORG_KIND

    edges: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for tie in data.memberships:
        if tie.within in clusters and not tie.disputed:
            edge = edges[(tie.who, tie.within)]
            edge["roles"].add(tie.role)
            edge["sources"].update(tie.sources)
    graph = nx.Graph()
    for node in sorted({n for pair in edges for n in pair} | clusters):
        label = data.labels.get(node, {})
        kind = CLUSTER_KIND if node in clusters else ORG_KIND
        graph.add_node(node, kind=kind, label=label.get("it") or label.get("en") or node)
    for (org, cluster), values in sorted(edges.items()):
        graph.add_edge(org, cluster, weight=1, **{k: sorted(v) for k, v in sorted(values.items())})
    return graph


def _query_book(writer: Writer, store: ox.Store) -> None:
    """queries.html (each language) and queries/<name>.csv: every saved query, run on this build."""
    from kg.query import Embedded, labels_for, library, render_result, run

    engine = Embedded(store)
    books: dict[str, list[dict[str, Any]]] = {lang: [] for lang in writer.langs}
    (writer.root / "queries").mkdir(parents=True, exist_ok=True)
    for query in library():
        try:
            result = run(query, dict(query.example), engine)
            error = ""
        except KgError as problem:
            result, error = None, str(problem)
        if result is not None:
            csv_text = render_result(result, "csv", labels_for(result, engine, "it"))
            (writer.root / "queries" / f"{query.name}.csv").write_text(csv_text, encoding="utf-8")
        for lang in writer.langs:
            view = writer.views[lang]
            rows = []
            if result is not None:
                for row in result.rows[:QUERY_ROWS_SHOWN]:
                    rows.append([_cell(view, c) for c in row])
            books[lang].append(
                {
                    "name": query.name,
                    "title": query.title_in(lang),
                    "description": query.description_in(lang),
                    "params": [(p.name, p.description) for p in query.params],
                    "text": query.text,
                    "command": query.example_command() if query.example else f"kg query run {query.name}",
                    "variables": result.variables if result else [],
                    "rows": rows,
                    "total": len(result.rows) if result else 0,
                    "csv": f"queries/{query.name}.csv" if result is not None else "",
                    "error": error,
                }
            )
    for lang in writer.langs:
        writer.write(lang, "queries.html", "queries.html", queries=books[lang], shown=QUERY_ROWS_SHOWN)


def _cell(view: View, term: object) -> dict[str, str]:
    if term is None:
        return {"href": "", "text": ""}
    if isinstance(term, ox.NamedNode):
        return (
            view.link(term.value)
            if term.value.startswith(BASE) or term.value in view.data.sources
            else {"href": "", "text": term.value}
        )
    return {"href": "", "text": _value(term)}


def _catalogue(build: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """build/catalog.ttl as (subject, [(property, value)]) groups, sorted."""
    path = build / "catalog.ttl"
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if path.is_file():
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            value = compact(t.object.value) if isinstance(t.object, ox.NamedNode) else t.object.value
            if isinstance(t.object, ox.Literal) and t.object.language:
                value += f" @{t.object.language}"
            groups[t.subject.value].append((compact(t.predicate.value), value))
    return [(s, sorted(groups[s])) for s in sorted(groups)]


def _other_pages(writer: Writer, build: Path, store: ox.Store, maps: bool) -> None:
    """Home, the lists of every page, the coverage and catalogue pages, in each language."""
    from kg.stats import coverage

    data = writer.data
    report = coverage(store)
    catalogue = _catalogue(build)
    if (build / "catalog.ttl").is_file():
        shutil.copyfile(build / "catalog.ttl", writer.root / "catalog.ttl")
    for lang in writer.langs:
        view = writer.views[lang]
        # the home page's cards are the Lombard clusters; national ones have their own pages
        cards = [_cluster_facts(view, c) for c in data.resources["cluster"] if not _national(data, c)]
        cards.sort(key=lambda c: c["link"]["text"].lower())
        home_ld = script_json(
            {
                "@context": "https://schema.org",
                "@type": "Dataset",
                "name": TEXT[lang]["site"],
                "license": LICENCE,
                "dateModified": data.date,
            }
        )
        writer.write(
            lang,
            "index.html",
            "home.html",
            cards=cards,
            counts=data.counts,
            map="maps/ecosystem.html" if maps else "",
            jsonld=home_ld,
        )
        for kind, name in (
            ("organisation", "organisations"),
            ("person", "people"),
            ("act", "acts"),
            ("cluster", "clusters"),
        ):
            items = sorted(
                (view.link(i) | {"type": view.kind(i)} for i in data.resources[kind]),
                key=lambda x: (x["text"].lower(), x["href"]),
            )
            writer.write(lang, f"{name}.html", "list.html", heading=TEXT[lang][name], items=items)
        sources = sorted(
            (view.source(u) | {"date": data.first(u, "dcterms:date")} for u in data.sources),
            key=lambda x: (x["text"].lower(), x["url"]),
        )
        writer.write(lang, "sources.html", "list.html", heading=TEXT[lang]["sources"], items=sources)
        writer.write(lang, "coverage.html", "coverage.html", sections=report.sections)
        writer.write(lang, "catalogue.html", "catalogue.html", catalogue=catalogue)


def _assets(root: Path) -> None:
    folder = root / "assets"
    folder.mkdir(parents=True, exist_ok=True)
    templates = Path(__file__).resolve().parent / "templates"
    for name in ("site.css", "search.js"):
        shutil.copyfile(templates / name, folder / name)


def _tree_size(root: Path) -> tuple[int, int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    pages = sum(1 for p in files if p.suffix == ".html" and "maps" not in p.parts)
    return pages, len(files), sum(p.stat().st_size for p in files)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise KgError([Problem(out, None, "--out", "is a file, not a folder: name a folder for the site")])
    parent = out.resolve().parent
    if not parent.is_dir():
        raise KgError([Problem(out, None, "--out", f"its parent folder {parent} does not exist")])
    if not os.access(parent, os.W_OK | os.X_OK):
        raise KgError([Problem(out, None, "--out", f"cannot write into {parent}: permission denied")])


def write_site(build_dir: Path | str, out_dir: Path | str, *, lang: str = "both") -> SiteReport:
    """Write the static site of a build into ``out_dir``, atomically.

    Parameters
    ----------
    build_dir : Path
        A build (kg.nt, catalog.ttl), as `kg build` writes it.
    out_dir : Path
        The site folder; replaced as a whole only once every file is written.
    lang : {"both", "it", "en"}
        Italian at the root and English under ``en/``, or one language only (at its place).

    Raises
    ------
    KgError
        When the build is missing, or ``out_dir`` is a file or cannot be written.
    """
    from kg.store import load_store

    build, out = Path(build_dir), Path(out_dir)
    langs = LANGS if lang == "both" else (lang,)
    if lang not in (*LANGS, "both"):
        raise KgError([Problem(None, None, "--lang", f"{lang!r}: use it, en or both")])
    _check_out(out)
    store = load_store(build)
    data = read_data(build, store)
    temp = out.resolve().parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        if temp.exists():
            shutil.rmtree(temp)
        temp.mkdir()
        maps = _maps(build, temp, data, langs, store)
        _paths(data, store)
        writer = Writer(temp, data, langs, maps, build)
        resource_pages = _ResourcePages(writer)  # in worker processes, while the rest is written here
        try:
            _assets(temp)
            for one in langs:
                _search_index(writer, one)
            _other_pages(writer, build, store, maps)
            _query_book(writer, store)
        except BaseException:
            resource_pages.stop()
            raise
        resource_pages.wait()
        _replace(temp, out)
    except OSError as error:
        shutil.rmtree(temp, ignore_errors=True)
        raise KgError(
            [Problem(out, None, "--out", f"cannot write the site: {error.strerror or error}")]
        ) from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    pages, files, size = _tree_size(out)
    return SiteReport(out=out, home=out / "index.html", pages=pages, files=files, size=size)


def _replace(temp: Path, out: Path) -> None:
    """Put the new site in place of the old one: two renames, then the old tree is removed."""
    old = temp.with_name(temp.name.replace(".tmp-", ".old-"))
    if out.exists():
        os.rename(out, old)
    os.rename(temp, out)
    if old.exists():
        shutil.rmtree(old)


def _iter_pages(root: Path) -> Iterator[Path]:
    """Every HTML page of a written site, sorted (for tests and checks)."""
    yield from sorted(root.rglob("*.html"))
