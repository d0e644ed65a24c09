"""Turn checked records into RDF triples with the ontology's terms and stable IRIs.

This module knows the ontology (ontology/lkg.ttl) and the reused vocabularies,
nothing of files. Terms come from closed namespace classes (``LKG.Cluster``),
so a misspelt term fails at import time, and a test checks that every ``LKG``
term is declared in the ontology.

Resources get IRIs ``https://w3id.org/lombardia-kg/id/{kind}/{slug}``; slugs
come from data/, so an IRI does not change when a label does.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    RDF,
    RDFS,
    SDO,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
    Namespace,
)

from kg.identifiers import SCHEMES, iri_of
from kg.model import (
    OPEN,
    Act,
    Body,
    Cluster,
    Dataset,
    Identifier,
    Membership,
    Organisation,
    PartialDate,
    Person,
    Post,
    Project,
    Scheme,
    slugify,
)
from kg.places import comune
from kg.vocab import (
    BASE,
    BODY_KINDS,
    LKG_NS,
    ORGANISATION_TYPES,
    PREFIXES,
    PROJECT_KINDS,
    compact,
    expand,
    iri,
    slug_of,
)

ADMS = PREFIXES["adms"]
NUTS = PREFIXES["nuts"]
ISTAT_COMUNI = "https://www.istat.it/classificazione/codici-dei-comuni-delle-province-e-delle-regioni/"
"""ISTAT's page of the list of comuni (CC BY 4.0), the source of derived codes."""

_Disputable = Organisation | Cluster | Person | Act | Project

__all__ = [
    "BASE",
    "ELI",
    "FRAPO",
    "LKG",
    "PREFIXES",
    "Origin",
    "compact",
    "expand",
    "iri",
    "slug_of",
    "to_triples",
]


class LKG(DefinedNamespace):
    """Terms of the project's ontology (ontology/lkg.ttl)."""

    _fail = True
    _NS = Namespace(LKG_NS)

    # classes
    Cluster: str
    NationalCluster: str
    Counterpart: str
    Project: str
    SupplyChainProject: str
    ResearchProject: str
    FundedProject: str
    Board: str
    Assembly: str
    Committee: str
    WorkingGroup: str
    BoardOfAuditors: str
    SteeringCommittee: str
    University: str
    Company: str
    ResearchCentre: str
    Association: str
    Foundation: str
    PublicBody: str
    RegionalGovernment: str
    LocalAuthority: str
    ChamberOfCommerce: str
    EducationProvider: str
    PolicyAct: str
    Deliberation: str
    Decree: str
    Call: str
    Strategy: str
    Law: str
    Notice: str
    Municipality: str
    RecognitionStatus: str
    # roles (org:Role individuals)
    FoundingMember: str
    Member: str
    Coordinator: str
    Proposer: str
    Partner: str
    BoardMember: str
    President: str
    VicePresident: str
    Director: str
    ClusterManager: str
    SecretaryGeneral: str
    Treasurer: str
    ScientificCommitteeChair: str
    ScientificCommitteeMember: str
    Assessore: str
    Auditor: str
    BodyMember: str
    # recognition statuses
    Recognised: str
    Constituted: str
    # properties
    foundingMemberOf: str
    hasFoundingMember: str
    coordinates: str
    coordinatedBy: str
    proposed: str
    proposedBy: str
    nationalCounterpart: str
    qualifiedCounterpart: str
    counterpart: str
    inUnit: str
    projectCluster: str
    acronym: str
    legalForm: str
    city: str
    Province: str
    province: str
    istatCode: str
    nuts3: str
    sourceCount: str
    recognitionStatus: str
    thematicArea: str
    partnerType: str
    heldDuring: str
    ongoing: str
    concerns: str
    openingDate: str
    closingDate: str
    budget: str
    disputedBy: str
    DeclaredFigure: str
    declaredSize: str
    count: str
    countOf: str
    asOf: str
    DisputedClaim: str
    claimSubject: str
    claimField: str
    claimProperty: str
    claimedValue: str
    # network measures (written by kg.network, declared here with the other terms)
    NetworkMetrics: str
    networkMetrics: str
    degreeCentrality: str
    betweennessCentrality: str
    eigenvectorCentrality: str
    clusterCount: str
    partnerClusterCount: str


class ELI(DefinedNamespace):
    """The European Legislation Identifier ontology terms we use."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/eli/ontology#")

    LegalResource: str
    title: str
    date_document: str
    id_local: str
    passed_by: str
    based_on: str


class FRAPO(DefinedNamespace):
    """The Funding, Research Administration and Projects Ontology terms we use."""

    _fail = True
    _NS = Namespace(PREFIXES["frapo"])

    Project: str
    isFundedBy: str


PROJECT_CLASSES: dict[str, str] = {slug: kind.term for slug, kind in PROJECT_KINDS.items()}
"""The class of each kind of project (`kg.vocab.PROJECT_KINDS`), each under lkg:Project."""

BODY_CLASSES: dict[str, str] = {slug: kind.term for slug, kind in BODY_KINDS.items()}
"""The class of each kind of body (`kg.vocab.BODY_KINDS`), each under org:OrganizationalUnit."""

ORGANISATION_CLASSES: dict[str, str] = {slug: kind.term for slug, kind in ORGANISATION_TYPES.items()}
"""The class of each kind of organisation (defined once, in `kg.vocab.ORGANISATION_TYPES`)."""

ROLE_TERMS: dict[str, str] = {
    "founding-member": LKG.FoundingMember,
    "member": LKG.Member,
    "coordinator": LKG.Coordinator,
    "proposer": LKG.Proposer,
    "partner": LKG.Partner,
    "board-member": LKG.BoardMember,
    "president": LKG.President,
    "vice-president": LKG.VicePresident,
    "director": LKG.Director,
    "cluster-manager": LKG.ClusterManager,
    "secretary-general": LKG.SecretaryGeneral,
    "treasurer": LKG.Treasurer,
    "scientific-committee-chair": LKG.ScientificCommitteeChair,
    "scientific-committee-member": LKG.ScientificCommitteeMember,
    "assessore": LKG.Assessore,
    "auditor": LKG.Auditor,
    "body-member": LKG.BodyMember,
}

# A role that also gives a direct shortcut from member to cluster (and back).
ROLE_SHORTCUTS: dict[str, tuple[str, str]] = {
    "founding-member": (LKG.foundingMemberOf, LKG.hasFoundingMember),
    "coordinator": (LKG.coordinates, LKG.coordinatedBy),
    "proposer": (LKG.proposed, LKG.proposedBy),
}

ACT_CLASSES: dict[str, str] = {
    "deliberation": LKG.Deliberation,
    "decree": LKG.Decree,
    "call": LKG.Call,
    "strategy": LKG.Strategy,
    "law": LKG.Law,
    "notice": LKG.Notice,
}

STATUS_TERMS: dict[str, str] = {"recognised": LKG.Recognised, "constituted": LKG.Constituted}

DISPUTE_PREDICATES: dict[str, str] = {
    "label": RDFS.label,
    "label_en": RDFS.label,
    "name": FOAF.name,
    "city": LKG.city,
    "website": FOAF.homepage,
    "part_of": ORG.subOrganizationOf,
    "founded": SDO.foundingDate,
    "acronym": LKG.acronym,
    "status": LKG.recognitionStatus,
    "legal_form": LKG.legalForm,
    "number": ELI.id_local,
    "date": ELI.date_document,
    "passed_by": ELI.passed_by,
    "opens": LKG.openingDate,
    "closes": LKG.closingDate,
    "budget_eur": LKG.budget,
}
"""The property each disputable field of data/ stands for."""


@dataclass(frozen=True)
class Origin:
    """Where a resource came from: the record and, for nested ones, its list field."""

    record: object
    loc: tuple[str | int, ...] = ()


_DATATYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}
_INSTANT_PROPERTY = {"year": TIME.inXSDgYear, "month": TIME.inXSDgYearMonth, "day": TIME.inXSDDate}


class _Remembered:
    """An rdflib namespace whose terms, once looked up, are plain attributes.

    rdflib's closed namespaces check every attribute access (about a microsecond each);
    a build of 2 million triples looks terms up millions of times.
    """

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        value = getattr(self._namespace, name)
        setattr(self, name, value)
        return value  # type: ignore[no-any-return]


_LKG, _ELI, _DCTERMS, _FOAF, _ORG, _OWL, _RDF, _RDFS, _SDO, _SKOS, _TIME, _XSD, _FRAPO = map(
    _Remembered, (LKG, ELI, DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SDO, SKOS, TIME, XSD, FRAPO)
)


@functools.lru_cache(maxsize=100_000)
def _n(term: str) -> ox.NamedNode:
    return ox.NamedNode(term)


def _it(text: str) -> ox.Literal:
    return ox.Literal(text, language="it")


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _date(date: PartialDate) -> ox.Literal:
    return ox.Literal(str(date), datatype=_n(_DATATYPES[date.precision]))


def _euros(amount: float) -> ox.Literal:
    """An amount in euro, as the xsd:decimal with cents that acts and projects state."""
    return ox.Literal(f"{amount:.2f}", datatype=_n(_XSD.decimal))


class _Writer:
    """Collects triples and the origin of each resource."""

    def __init__(self, data: Dataset) -> None:
        self.data = data
        self.triples: set[ox.Triple] = set()
        self.origins: dict[str, Origin] = {}
        self.organisation_ids = {o.id for o in data.organisations}
        self.party_ids = self.organisation_ids | {c.id for c in data.clusters}

    def add(self, subject: str, predicate: str, obj: ox.NamedNode | ox.Literal | str) -> None:
        node = _n(obj) if isinstance(obj, str) else obj
        self.triples.add(ox.Triple(_n(subject), _n(predicate), node))

    def labels(self, subject: str, label: str, label_en: str | None, alt: list[str]) -> None:
        self.add(subject, _RDFS.label, _it(label))
        if label_en:
            self.add(subject, _RDFS.label, _en(label_en))
        for name in alt:
            self.add(subject, _SKOS.altLabel, ox.Literal(name))

    def sources(self, subject: str, refs: list[str]) -> None:
        for ref in refs:
            self.add(subject, _DCTERMS.source, self.data.source_for(ref).url)

    def disputed_by(self, subject: str, refs: list[str]) -> None:
        for ref in refs:
            self.add(subject, _LKG.disputedBy, self.data.source_for(ref).url)

    def note(self, subject: str, note: str | None) -> None:
        if note:
            self.add(subject, _SKOS.editorialNote, ox.Literal(note, language="en"))

    def place(self, subject: str, city: str | None) -> None:
        """The seat's comune, with the ISTAT code, province and NUTS 3 (2024) derived from ISTAT's list."""
        if not city:
            return
        place = iri("place", slugify(city))
        self.add(subject, _LKG.city, place)
        self.add(place, _RDF.type, _LKG.Municipality)
        found = comune(city)
        if found is None:  # the loader reports unknown comuni; kept for records built by hand
            self.add(place, _RDFS.label, _it(city))
            return
        self.add(place, _RDFS.label, _it(found.name))
        self.add(place, _LKG.istatCode, ox.Literal(found.code))
        province = iri("province", found.province.lower())
        self.add(place, _LKG.province, province)
        self.add(place, _LKG.nuts3, NUTS + found.nuts3)
        self.add(province, _RDF.type, _LKG.Province)
        self.add(province, _RDFS.label, _it(found.province_name))
        self.add(province, _SKOS.notation, ox.Literal(found.iso_province))
        self.add(province, _DCTERMS.source, ISTAT_COMUNI)

    def identifiers(self, subject: str, owner_slug: str, ids: list[Identifier]) -> None:
        """adms:identifier nodes with their sources; owl:sameAs for ROR and Wikidata, schema:vatID."""
        for ident in ids:
            node = iri("identifier", f"{owner_slug}--{ident.scheme}--{slugify(ident.value)}")
            self.origins[node] = self.origins[subject]
            self.add(subject, ADMS + "identifier", node)
            self.add(node, _RDF.type, ADMS + "Identifier")
            self.add(node, _SKOS.notation, ox.Literal(ident.value))
            self.add(node, ADMS + "schemeAgency", ox.Literal(SCHEMES[ident.scheme][0]))
            self.add(node, _DCTERMS.type, LKG_NS + "scheme-" + ident.scheme)
            self.sources(node, ident.sources)
            target = iri_of(ident.scheme, ident.value)
            if ident.scheme in ("ror", "wikidata") and target:
                self.add(subject, _OWL.sameAs, target)
            elif target:
                self.add(subject, _RDFS.seeAlso, target)
            if ident.scheme == "piva":
                self.add(subject, _SDO.vatID, ox.Literal(ident.value))

    def instant(self, date: PartialDate) -> str:
        node = iri("instant", str(date))
        self.add(node, _RDF.type, _TIME.Instant)
        self.add(node, _INSTANT_PROPERTY[date.precision], _date(date))
        return node

    def interval(
        self, owner_slug: str, start: PartialDate | None, end: PartialDate | str | None
    ) -> str | None:
        """A time:Interval; an end of 'open' is marked ongoing, an unknown end is left out."""
        if start is None and end is None:
            return None
        node = iri("period", owner_slug)
        self.add(node, _RDF.type, _TIME.Interval)
        if start is not None:
            self.add(node, _TIME.hasBeginning, self.instant(start))
        if isinstance(end, PartialDate):
            self.add(node, _TIME.hasEnd, self.instant(end))
            self.add(node, _LKG.ongoing, ox.Literal("false", datatype=_n(_XSD.boolean)))
        elif end == OPEN:
            self.add(node, _LKG.ongoing, ox.Literal("true", datatype=_n(_XSD.boolean)))
        return node

    def party(self, slug: str) -> str:
        """An organisation's or a cluster's IRI (their ids share one space)."""
        return iri("organisation" if slug in self.organisation_ids else "cluster", slug)


def _party(w: _Writer, node: str, record: Organisation | Cluster) -> None:
    """What organisations and clusters both state: names, sources, note, seat, identifiers."""
    w.labels(node, record.label, record.label_en, record.alt_labels)
    w.sources(node, record.sources)
    w.note(node, record.note)
    w.place(node, record.city)
    w.identifiers(node, record.id, record.ids)


def _organisation(w: _Writer, org: Organisation) -> None:
    node = iri("organisation", org.id)
    w.origins[node] = Origin(org)
    w.add(node, _RDF.type, ORGANISATION_CLASSES[org.type])
    if org.type != "organisation":
        w.add(node, _RDF.type, _ORG.Organization)
    _party(w, node, org)
    for decision in org.same_as:  # a curator's kg reconcile decision
        w.add(node, _OWL.sameAs, iri("organisation", decision.organisation))
    for decision in org.distinct_from:
        w.add(node, _OWL.differentFrom, iri("organisation", decision.organisation))
    if org.website:
        w.add(node, _FOAF.homepage, org.website)
    if org.part_of:
        w.add(node, _ORG.subOrganizationOf, iri("organisation", org.part_of))
    if org.founded:
        w.add(node, _SDO.foundingDate, _date(org.founded))
    _bodies(w, org, node)
    _members(w, org)
    _figures(w, org)
    _disputes(w, org, node)


def _claim(w: _Writer, node: str, slug: str, claim: Membership | Post, during: str) -> None:
    """What a membership and a post both state: sources, note, disputes, and their period."""
    w.sources(node, claim.sources)
    w.note(node, claim.note)
    w.disputed_by(node, claim.disputed_by)
    period = w.interval(slug, claim.start, claim.end)
    if period:
        w.origins[period] = w.origins[node]
        w.add(node, during, period)


def _membership(w: _Writer, origin: Origin, group: str, member: Membership, slug: str) -> None:
    node = iri("membership", slug)
    w.origins[node] = origin
    org = w.party(member.organisation)  # a national cluster, a body or a project may have a cluster
    w.add(node, _RDF.type, _ORG.Membership)
    w.add(node, _ORG.member, org)
    w.add(node, _ORG.organization, group)
    w.add(node, _ORG.role, ROLE_TERMS[member.role])
    _claim(w, node, slug, member, _ORG.memberDuring)
    if member.disputed_by:
        # A disputed claim keeps its sources on the membership, beside the disputing
        # ones; it gets no unqualified shortcut that would state it as plain fact.
        return
    w.add(org, _ORG.memberOf, group)
    w.add(group, _ORG.hasMember, org)
    if member.role in ROLE_SHORTCUTS:
        forward, backward = ROLE_SHORTCUTS[member.role]
        w.add(org, forward, group)
        w.add(group, backward, org)


def _members(
    w: _Writer,
    owner: Cluster | Organisation | Project,
    *,
    group: str | None = None,
    members: list[Membership] | None = None,
    prefix: tuple[str | int, ...] = (),
    key: str | None = None,
) -> None:
    """The memberships of an owner, or (``group``, ``members``, ``prefix``) of one of its bodies."""
    seen: set[str] = set()
    key = key or owner.id
    for index, member in enumerate(owner.members if members is None else members):
        slug = f"{key}--{member.organisation}--{member.role}"
        if slug in seen:  # the same role again, in another period
            slug += f"--{member.start}"
        seen.add(slug)
        target = group or w.party(owner.id)
        _membership(w, Origin(owner, (*prefix, "members", index)), target, member, slug)


def _unit(owner_id: str, body: Body) -> str:
    """A body's IRI: its id when it has one, else its label, within its owner."""
    return iri("unit", f"{owner_id}--{body.id or slugify(body.label)}")


def _bodies(w: _Writer, owner: Cluster | Organisation, node: str) -> None:
    for index, body in enumerate(owner.bodies):
        unit = _unit(owner.id, body)
        w.origins[unit] = Origin(owner, ("bodies", index))
        w.add(unit, _RDF.type, _ORG.OrganizationalUnit)
        if body.kind:
            w.add(unit, _RDF.type, BODY_CLASSES[body.kind])
        w.add(unit, _ORG.unitOf, node)
        w.add(node, _ORG.hasUnit, unit)
        w.labels(unit, body.label, body.label_en, [])
        w.sources(unit, body.sources)
        w.note(unit, body.note)
        _members(
            w,
            owner,
            group=unit,
            members=body.members,
            prefix=("bodies", index),
            key=unit.rsplit("/", 1)[1],
        )


def _figures(w: _Writer, owner: Cluster | Organisation) -> None:
    subject = w.party(owner.id)
    for index, figure in enumerate(owner.declared_size):
        node = iri("figure", f"{owner.id}--{slugify(figure.of)}--{figure.date}")
        w.origins[node] = Origin(owner, ("declared_size", index))
        w.add(subject, _LKG.declaredSize, node)
        w.add(node, _RDF.type, _LKG.DeclaredFigure)
        w.add(node, _LKG.count, ox.Literal(str(figure.count), datatype=_n(_XSD.integer)))
        w.add(node, _LKG.countOf, _it(figure.of))
        if figure.of_en:
            w.add(node, _LKG.countOf, _en(figure.of_en))
        w.add(node, _LKG.asOf, _date(figure.date))
        w.sources(node, figure.sources)
        w.note(node, figure.note)


def _disputes(w: _Writer, owner: _Disputable, subject: str) -> None:
    kind, slug = slug_of(subject)
    for index, dispute in enumerate(owner.disputes):
        node = iri("claim", f"{kind}--{slug}--{dispute.field.replace('_', '-')}--{index}")
        w.origins[node] = Origin(owner, ("disputes", index))
        w.add(node, _RDF.type, _LKG.DisputedClaim)
        w.add(node, _LKG.claimSubject, subject)
        w.add(node, _LKG.claimField, ox.Literal(dispute.field))
        if dispute.field in DISPUTE_PREDICATES:
            w.add(node, _LKG.claimProperty, DISPUTE_PREDICATES[dispute.field])
        w.add(node, _LKG.claimedValue, ox.Literal(str(dispute.value)))
        w.sources(node, dispute.sources)
        w.disputed_by(node, dispute.against)
        w.note(node, dispute.note)


def _cluster(w: _Writer, cluster: Cluster) -> None:
    node = iri("cluster", cluster.id)
    w.origins[node] = Origin(cluster)
    w.add(node, _RDF.type, _LKG.Cluster)
    if cluster.level == "national":
        w.add(node, _RDF.type, _LKG.NationalCluster)
    w.add(node, _RDF.type, _ORG.FormalOrganization)
    w.add(node, _RDF.type, _ORG.Organization)
    _party(w, node, cluster)
    if cluster.status:
        w.add(node, _LKG.recognitionStatus, STATUS_TERMS[cluster.status])
    if cluster.acronym:
        w.add(node, _LKG.acronym, ox.Literal(cluster.acronym))
        w.add(node, _SKOS.altLabel, ox.Literal(cluster.acronym))
    if cluster.legal_form:
        w.add(node, _LKG.legalForm, _it(cluster.legal_form))
    if cluster.founded:
        w.add(node, _SDO.foundingDate, _date(cluster.founded))
    if cluster.website:
        w.add(node, _FOAF.homepage, cluster.website)
    for theme in cluster.themes:
        w.add(node, _LKG.thematicArea, iri("concept", theme))
    for kind in cluster.partner_types:
        w.add(node, _LKG.partnerType, ORGANISATION_CLASSES[kind])
    _bodies(w, cluster, node)
    _counterparts(w, cluster, node)
    _members(w, cluster)
    _figures(w, cluster)
    _disputes(w, cluster, node)


def _counterparts(w: _Writer, cluster: Cluster, node: str) -> None:
    """``lkg:nationalCounterpart``, and a qualified node (PROV's pattern) carrying its sources."""
    for index, tie in enumerate(cluster.national_counterparts):
        national = iri("cluster", tie.cluster)
        qualified = iri("counterpart", f"{cluster.id}--{tie.cluster}")
        w.origins[qualified] = Origin(cluster, ("national_counterparts", index))
        w.add(node, _LKG.nationalCounterpart, national)
        w.add(node, _LKG.qualifiedCounterpart, qualified)
        w.add(qualified, _RDF.type, _LKG.Counterpart)
        w.add(qualified, _LKG.counterpart, national)
        w.sources(qualified, tie.sources)
        w.note(qualified, tie.note)


def _project(w: _Writer, project: Project) -> None:
    node = iri("project", project.id)
    w.origins[node] = Origin(project)
    for term in (PROJECT_CLASSES[project.kind], _LKG.Project, _FRAPO.Project):
        w.add(node, _RDF.type, term)
    w.labels(node, project.label, project.label_en, project.alt_labels)
    w.sources(node, project.sources)
    w.note(node, project.note)
    for cluster in project.clusters:
        w.add(node, _LKG.projectCluster, iri("cluster", cluster))
    for act in project.funded_by:
        w.add(node, _FRAPO.isFundedBy, iri("act", act))
    if project.start:
        w.add(node, _SDO.startDate, _date(project.start))
    if project.end:
        w.add(node, _SDO.endDate, _date(project.end))
    if project.budget_eur is not None:
        w.add(node, _LKG.budget, _euros(project.budget_eur))
    if project.website:
        w.add(node, _FOAF.homepage, project.website)
    _members(w, project, group=node)
    _disputes(w, project, node)


def _post(w: _Writer, person: Person, index: int, post: Post, slug: str) -> None:
    node = iri("post", slug)
    holder = iri("person", person.id)
    where = w.party(post.organisation)
    w.origins[node] = Origin(person, ("posts", index))
    w.add(node, _RDF.type, _ORG.Post)
    w.add(node, _ORG.heldBy, holder)
    w.add(holder, _ORG.holds, node)
    w.add(node, _ORG.postIn, where)
    w.add(where, _ORG.hasPost, node)
    w.add(node, _ORG.role, ROLE_TERMS[post.role])
    if post.body:
        w.add(node, _LKG.inUnit, iri("unit", f"{post.organisation}--{post.body}"))
    if post.label:
        w.labels(node, post.label, post.label_en, [])
    _claim(w, node, slug, post, _LKG.heldDuring)


def _person(w: _Writer, person: Person) -> None:
    node = iri("person", person.id)
    w.origins[node] = Origin(person)
    w.add(node, _RDF.type, _FOAF.Person)
    w.add(node, _FOAF.name, ox.Literal(person.name))
    w.labels(node, person.name, None, person.alt_labels)
    w.sources(node, person.sources)
    w.note(node, person.note)
    _disputes(w, person, node)
    seen: set[str] = set()
    for index, post in enumerate(person.posts):
        slug = f"{person.id}--{post.role}--{post.organisation}"
        if slug in seen:
            slug += f"--{post.start}"
        seen.add(slug)
        _post(w, person, index, post, slug)


def _act(w: _Writer, act: Act) -> None:
    node = iri("act", act.id)
    w.origins[node] = Origin(act)
    w.add(node, _RDF.type, ACT_CLASSES[act.type])
    w.add(node, _RDF.type, _ELI.LegalResource)
    w.labels(node, act.label, act.label_en, act.alt_labels)
    w.add(node, _ELI.title, _it(act.label))
    if act.label_en:
        w.add(node, _ELI.title, _en(act.label_en))
    w.sources(node, act.sources)
    w.note(node, act.note)
    if act.number:
        w.add(node, _ELI.id_local, ox.Literal(act.number))
    if act.date:
        w.add(node, _ELI.date_document, _date(act.date))
    if act.passed_by:
        w.add(node, _ELI.passed_by, iri("organisation", act.passed_by))
    for cluster in act.concerns:
        w.add(node, _LKG.concerns, iri("cluster", cluster))
    for base in act.based_on:
        w.add(node, _ELI.based_on, iri("act", base))
    if act.summary:
        w.add(node, _DCTERMS.description, _it(act.summary))
    if act.summary_en:
        w.add(node, _DCTERMS.description, _en(act.summary_en))
    if act.opens:
        w.add(node, _LKG.openingDate, _date(act.opens))
    if act.closes:
        w.add(node, _LKG.closingDate, _date(act.closes))
    if act.budget_eur is not None:
        w.add(node, _LKG.budget, _euros(act.budget_eur))
    if act.website:
        w.add(node, _FOAF.page, act.website)
    _disputes(w, act, node)


def _scheme(w: _Writer, scheme: Scheme) -> None:
    node = iri("scheme", scheme.id)
    w.origins[node] = Origin(scheme)
    w.add(node, _RDF.type, _SKOS.ConceptScheme)
    w.labels(node, scheme.label, scheme.label_en, scheme.alt_labels)
    w.sources(node, scheme.sources)
    for index, concept in enumerate(scheme.concepts):
        child = iri("concept", concept.id)
        w.origins[child] = Origin(scheme, ("concepts", index))
        w.add(child, _RDF.type, _SKOS.Concept)
        w.add(child, _SKOS.inScheme, node)
        w.add(child, _SKOS.prefLabel, _it(concept.label))
        if concept.label_en:
            w.add(child, _SKOS.prefLabel, _en(concept.label_en))
        w.labels(child, concept.label, concept.label_en, concept.alt_labels)
        w.sources(child, concept.sources)
        if concept.broader:
            w.add(child, _SKOS.broader, iri("concept", concept.broader))
        else:
            w.add(node, _SKOS.hasTopConcept, child)


def _source_documents(w: _Writer) -> None:
    for source in w.data.sources:
        w.origins[source.url] = Origin(source)
        w.add(source.url, _RDF.type, _FOAF.Document)
        w.add(source.url, _DCTERMS.title, ox.Literal(source.title))
        w.add(source.url, _RDFS.label, ox.Literal(source.title))
        w.add(source.url, _DCTERMS.identifier, ox.Literal(source.id))
        if source.date:
            w.add(source.url, _DCTERMS.date, _date(source.date))
        if source.publisher in w.party_ids:
            w.add(source.url, _DCTERMS.publisher, w.party(source.publisher))
        else:
            agent = iri("agent", slugify(source.publisher))
            w.add(source.url, _DCTERMS.publisher, agent)
            w.add(agent, _RDF.type, _FOAF.Agent)
            w.add(agent, _RDFS.label, ox.Literal(source.publisher))


def to_triples(data: Dataset) -> tuple[list[ox.Triple], dict[str, Origin]]:
    """Every triple of the dataset, each once, and the origin of each described resource.

    Parameters
    ----------
    data : kg.model.Dataset
        Records checked by `kg.model.load_data`.

    Returns
    -------
    tuple of (list of pyoxigraph.Triple, dict)
        The triples, in no particular order (`kg.build.canonical` sorts them), and
        for each resource IRI the record it came from.
    """
    w = _Writer(data)
    for org in data.organisations:
        _organisation(w, org)
    for cluster in data.clusters:
        _cluster(w, cluster)
    for person in data.people:
        _person(w, person)
    for act in data.acts:
        _act(w, act)
    for project in data.projects:
        _project(w, project)
    for scheme in data.schemes:
        _scheme(w, scheme)
    _source_documents(w)
    return list(w.triples), w.origins


def iter_terms() -> Iterator[str]:
    """Every LKG term this module can emit (for the ontology test)."""
    for name in LKG.__annotations__:
        yield str(LKG._NS) + name
