"""The curated records: pydantic models of every kind, their closed vocabularies and scalars.

Each kind of record (`Source`, `Organisation`, `Cluster`, `Person`, `Act`, `Scheme` and
the parts nested in them) forbids unknown keys and checks its scalars as it is built:
ids are slugs, text is one clean line, URLs are valid IRIs, dates are `PartialDate`,
identifiers pass kg.identifiers' checks. The closed lists (`ORGANISATION_TYPES`,
`ROLES`, `ACT_TYPES`, ...) each map to terms of ontology/lkg.ttl. A `Dataset` holds every
record of a data directory; each record remembers where it was read (`at`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
)

from kg.identifiers import check
from kg.model.dates import PartialDate, _parse_end, parse_date
from kg.model.yaml_lines import _line_of
from kg.names import slugify
from kg.vocab import BODY_KINDS as _BODY_KINDS
from kg.vocab import ORGANISATION_TYPES as KINDS
from kg.vocab import PROJECT_KINDS as _PROJECT_KINDS

__all__ = [
    "ACT_TYPES",
    "BODY_KINDS",
    "CLUSTER_LEVELS",
    "CLUSTER_STATUSES",
    "DISPUTABLE",
    "ID_SCHEMES",
    "ORGANISATION_TYPES",
    "PARTNER_TYPES",
    "PROJECT_KINDS",
    "ROLES",
    "SHARE_ALIKE",
    "Act",
    "Body",
    "Cluster",
    "Concept",
    "Counterpart",
    "Dataset",
    "Decision",
    "Dispute",
    "Evidence",
    "Figure",
    "Identifier",
    "Membership",
    "Organisation",
    "Person",
    "Post",
    "PostOf",
    "Project",
    "StandaloneMembership",
    "Scheme",
    "Source",
    "check_url",
]

# --------------------------------------------------------------------------- vocabularies
# Closed lists: each value maps to one term of ontology/lkg.ttl (tests check it).

ORGANISATION_TYPES = tuple(KINDS)
"""Kinds of organisation (``type:``), defined with their classes, labels and colours in
`kg.vocab.ORGANISATION_TYPES`; ``organisation`` when no source says more."""

ID_SCHEMES = ("piva", "cf", "rea", "ror", "wikidata", "pic", "lei", "ateco", "eccp")
"""Identifier schemes an organisation may carry (kg.identifiers checks each)."""

ROLES = (
    "founding-member",
    "member",
    "coordinator",
    "proposer",
    "partner",
    "board-member",
    "president",
    "vice-president",
    "director",
    "cluster-manager",
    "secretary-general",
    "treasurer",
    "scientific-committee-chair",
    "scientific-committee-member",
    "assessore",
    "auditor",
    "body-member",
)
"""Roles an organisation plays in a cluster, a project or a body, or a person in a post.

``auditor`` is a sindaco or revisore; ``body-member`` a seat on a body that no other
role names (a working group, a steering committee)."""

ACT_TYPES = ("deliberation", "decree", "call", "strategy", "law", "notice")
"""Kinds of policy act: DGR, decreto, bando, S3 strategy, legge, avviso."""

CLUSTER_STATUSES = ("recognised", "constituted")
"""``recognised`` by the Region, or ``constituted`` and awaiting recognition."""

CLUSTER_LEVELS = ("regional", "national")
"""A Lombard cluster (CTL, the default) or a national technology cluster (CTN)."""

PROJECT_KINDS = tuple(_PROJECT_KINDS)
"""Kinds of project: a regional ``supply-chain`` (filiera), a ``research-project``, a
``funded-project`` (defined with their classes in `kg.vocab.PROJECT_KINDS`)."""

BODY_KINDS = tuple(_BODY_KINDS)
"""Kinds of body: board, assembly, committee, working-group, auditors, steering."""

PARTNER_TYPES = ORGANISATION_TYPES
"""Kinds of partner a source names only as a group ("local authorities")."""


# --------------------------------------------------------------------------- scalar types

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s/?#<>\"{}|\\^`]+[^\s<>\"{}|\\^`]*$")


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        hint = slugify(value)
        raise ValueError(
            f"invalid id {value!r}: use lowercase ASCII letters, digits and hyphens"
            + (f" (e.g. {hint!r})" if hint else "")
        )
    return value


def _check_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("empty text")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("text holds a line break or control character; write it on one line")
    return value


def check_url(value: str) -> str:
    """An http(s) URL that is also a valid IRI (RFC 3987: no control or bidi characters)."""
    import pyoxigraph

    value = value.strip()
    if not _URL.match(value):
        raise ValueError(f"invalid URL {value!r}: give a full http:// or https:// address")
    try:
        pyoxigraph.NamedNode(value)
    except ValueError as error:
        raise ValueError(f"invalid URL {value!r}: {error}; percent-encode the character") from None
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
Text = Annotated[str, AfterValidator(_check_text)]
Url = Annotated[str, AfterValidator(check_url)]
Date = Annotated[PartialDate, BeforeValidator(parse_date)]
End = Annotated[Union[PartialDate, str], BeforeValidator(_parse_end)]  # noqa: UP007
SourceRefs = Annotated[list[str], Field(min_length=1)]


# --------------------------------------------------------------------------- records


class _Record(BaseModel):
    """Fields every curated record has; `at` is where it was read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # None defaults: pydantic deep-copies private defaults for every record
    _path: Path | None = PrivateAttr(default=None)
    _node: object = PrivateAttr(default=None)

    @property
    def at(self) -> tuple[Path, int | None]:
        """File and line of the record's first key."""
        return self._path or Path("?"), _line_of(self._node, ())


class Evidence(_Record):
    """Where a page states a fact: the sentence (``quote``) and its character span in the page's text.

    `kg ingest` writes one on every fact it proposes, so a curator checks it in seconds;
    the build ignores it.
    """

    quote: Text
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class _Reviewable(_Record):
    """A record `kg ingest` may propose: ``draft: true`` until a curator has checked it."""

    draft: bool = False
    evidence: Evidence | None = None


class Source(_Reviewable):
    """A public page that states facts; described once, cited by id or URL."""

    id: Slug
    url: Url
    title: Text
    publisher: Text
    date: Date | None = None
    licence: Text | None = None
    note: Text | None = None


SHARE_ALIKE = re.compile(r"\b(ODbL|BY-SA|CC-BY-SA|share[- ]alike|GPL|GFDL)\b", re.IGNORECASE)
"""Licences whose terms would bind the whole graph: such a source cannot feed the build."""


def _identifier_value(value: object) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            "write the identifier in quotes: unquoted, YAML reads a number and drops leading zeros"
        )
    return value


class Identifier(_Record):
    """A public identifier of an organisation (partita IVA, ROR, ...), with the page that states it."""

    scheme: Literal[ID_SCHEMES]  # type: ignore[valid-type]
    value: Annotated[str, BeforeValidator(_identifier_value)]
    sources: SourceRefs
    note: Text | None = None

    @field_validator("value")
    @classmethod
    def _checked(cls, value: str, info: ValidationInfo) -> str:
        """Shape and check digits, offline (kg.identifiers); the error names the failing digit."""
        scheme = info.data.get("scheme")
        return value if scheme is None else check(scheme, value)


class Decision(_Record):
    """A curator's decision on a pair that `kg reconcile` suggested: one organisation, or two."""

    organisation: Slug
    sources: list[str] = Field(default_factory=list)
    note: Text | None = None


class Dispute(_Record):
    """Another value for one field of a record, stated by other sources.

    The record keeps the value its own sources give; the dispute keeps the other
    value with the pages that state it (``sources``) and, where known, the pages
    that state the kept value (``against``). Nothing is silently dropped.
    """

    field: Annotated[str, AfterValidator(lambda v: v.strip())]
    value: Text | int
    sources: SourceRefs
    against: list[str] = Field(default_factory=list)
    note: Text | None = None


class _Named(_Record):
    id: Slug
    label: Text
    label_en: Text | None = None
    alt_labels: list[Text] = Field(default_factory=list)
    sources: SourceRefs
    disputes: list[Dispute] = Field(default_factory=list)
    note: Text | None = None


class Membership(_Reviewable):
    """An organisation's role in a cluster or an association, with its dates where known."""

    organisation: Slug
    role: Literal[ROLES]  # type: ignore[valid-type]
    start: Date | None = None
    end: End | None = None
    sources: SourceRefs
    disputed_by: list[str] = Field(default_factory=list)
    note: Text | None = None


class Figure(_Record):
    """A size a source declares at a date, e.g. 116 member companies in 2025."""

    count: int = Field(ge=0)
    of: Text
    of_en: Text | None = None
    date: Date
    sources: SourceRefs
    note: Text | None = None


class Body(_Record):
    """A body of a cluster or an organisation: its Consiglio Direttivo, a working group.

    ``id`` (unique within its owner) lets a post name the body it sits in; ``members``
    are the organisations with a seat on it.
    """

    id: Slug | None = None
    label: Text
    label_en: Text | None = None
    kind: Literal[BODY_KINDS] | None = None  # type: ignore[valid-type]
    members: list[Membership] = Field(default_factory=list)
    sources: SourceRefs
    note: Text | None = None


class Organisation(_Named, _Reviewable):
    """A university, company, public body or other organisation.

    An association that is not a cluster (such as the Polo Tecnologico della
    Cosmesi) lists its own ``members``.
    """

    type: Literal[ORGANISATION_TYPES]  # type: ignore[valid-type]
    city: Text | None = None
    website: Url | None = None
    part_of: Slug | None = None
    founded: Date | None = None
    ids: list[Identifier] = Field(default_factory=list)
    same_as: list[Decision] = Field(default_factory=list)
    distinct_from: list[Decision] = Field(default_factory=list)
    declared_size: list[Figure] = Field(default_factory=list)
    bodies: list[Body] = Field(default_factory=list)
    members: list[Membership] = Field(default_factory=list)


class Counterpart(_Record):
    """A regional cluster's national counterpart (a national cluster id), with its sources."""

    cluster: Slug
    sources: SourceRefs
    note: Text | None = None


class Cluster(_Named):
    """A Lombard technology cluster (CTL) with its members, or a national one (``level: national``).

    A national cluster's ``members`` may name regional clusters as well as organisations.
    """

    acronym: Text | None = None
    level: Literal[CLUSTER_LEVELS] = "regional"  # type: ignore[valid-type]
    status: Literal[CLUSTER_STATUSES] | None = None  # type: ignore[valid-type]
    legal_form: Text | None = None
    founded: Date | None = None
    city: Text | None = None
    website: Url | None = None
    ids: list[Identifier] = Field(default_factory=list)
    themes: list[Slug] = Field(default_factory=list)
    partner_types: list[Literal[PARTNER_TYPES]] = Field(default_factory=list)  # type: ignore[valid-type]
    declared_size: list[Figure] = Field(default_factory=list)
    bodies: list[Body] = Field(default_factory=list)
    members: list[Membership] = Field(default_factory=list)
    national_counterparts: list[Counterpart] = Field(default_factory=list)


class Post(_Reviewable):
    """A position a person holds in an organisation or cluster, over a period."""

    role: Literal[ROLES]  # type: ignore[valid-type]
    organisation: Slug
    body: Slug | None = None
    label: Text | None = None
    label_en: Text | None = None
    start: Date | None = None
    end: End | None = None
    sources: SourceRefs
    disputed_by: list[str] = Field(default_factory=list)
    note: Text | None = None


class Person(_Reviewable):
    """A person named by a source, with the posts they hold or held."""

    id: Slug
    name: Text
    alt_labels: list[Text] = Field(default_factory=list)
    sources: SourceRefs
    posts: list[Post] = Field(default_factory=list)
    disputes: list[Dispute] = Field(default_factory=list)
    note: Text | None = None


class StandaloneMembership(Membership):
    """A membership written outside its cluster's file (``memberships:``), e.g. in a draft of `kg ingest`."""

    cluster: Slug


class PostOf(Post):
    """A post written outside its person's record (``posts:``), e.g. in a draft of `kg ingest`."""

    person: Slug


class Act(_Named, _Reviewable):
    """A policy act: a Giunta deliberation, a decree, a call, a strategy, a law."""

    type: Literal[ACT_TYPES]  # type: ignore[valid-type]
    number: Text | None = None
    date: Date | None = None
    passed_by: Slug | None = None
    concerns: list[Slug] = Field(default_factory=list)
    based_on: list[Slug] = Field(default_factory=list)
    summary: Text | None = None
    summary_en: Text | None = None
    opens: Date | None = None
    closes: Date | None = None
    budget_eur: float | None = Field(default=None, ge=0)
    website: Url | None = None


class Project(_Named):
    """A supply-chain (filiera), research or funded project, with its lead and partners.

    ``clusters`` are the clusters that promote or validate it; the lead is the member in
    the ``coordinator`` role; ``funded_by`` names the acts (calls, decrees) that fund it.
    """

    kind: Literal[PROJECT_KINDS]  # type: ignore[valid-type]
    clusters: list[Slug] = Field(default_factory=list)
    members: list[Membership] = Field(default_factory=list)
    start: Date | None = None
    end: Date | None = None
    budget_eur: float | None = Field(default=None, ge=0)
    funded_by: list[Slug] = Field(default_factory=list)
    website: Url | None = None


DISPUTABLE: dict[type[_Record], tuple[str, ...]] = {
    Organisation: ("label", "label_en", "type", "city", "website", "part_of", "founded"),
    Cluster: ("label", "label_en", "acronym", "status", "legal_form", "founded", "city", "website"),
    Person: ("name",),
    Act: (
        "label",
        "label_en",
        "type",
        "number",
        "date",
        "passed_by",
        "opens",
        "closes",
        "budget_eur",
        "website",
    ),
}
"""The fields a `Dispute` may name, per kind of record."""


class Concept(_Named):
    """A thematic area in a concept scheme."""

    broader: Slug | None = None


class Scheme(_Named):
    """A set of thematic areas (S3 areas, innovation ecosystems)."""

    concepts: list[Concept] = Field(default_factory=list)


@dataclass
class Dataset:
    """Every checked record of a data directory, in file order."""

    root: Path
    sources: list[Source] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)
    schemes: list[Scheme] = field(default_factory=list)
    memberships: list[StandaloneMembership] = field(default_factory=list)
    posts: list[PostOf] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)

    _by_ref: dict[str, Source] = field(default_factory=dict, repr=False)

    def source_for(self, ref: str) -> Source:
        """The source a record cites, by id or URL (references are checked on load)."""
        if len(self._by_ref) < len(self.sources):  # built once, when first asked
            for source in self.sources:
                self._by_ref[source.id] = source
                self._by_ref[source.url] = source
        return self._by_ref[ref]
