"""Read the curated YAML in data/ and check it, reporting every problem at once.

This module knows YAML and the schema of the curated records, nothing of RDF.
Each YAML file under the data directory is a mapping whose top-level keys say
what it holds: ``sources``, ``organisations``, ``clusters`` (or one
``cluster``), ``people``, ``acts`` and ``schemes``. A curator may split records
across as many files as they like; ids are global per kind.

Every problem becomes a `kg.errors.Problem` with the file, the line and the
field (relative to the record), for example::

    data/clusters/cosmetica.yaml:14: members[2].organisation: unknown organisation
    'polimi' (did you mean 'politecnico-di-milano'?)
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, TypeVar, Union, cast

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from kg.errors import KgError, Problem
from kg.identifiers import check
from kg.places import comune
from kg.places import suggest as suggest_comune

__all__ = [
    "ACT_TYPES",
    "ORGANISATION_TYPES",
    "PARTNER_TYPES",
    "ROLES",
    "Act",
    "Cluster",
    "DISPUTABLE",
    "Dataset",
    "Dispute",
    "Figure",
    "Identifier",
    "Membership",
    "Organisation",
    "PartialDate",
    "Person",
    "Post",
    "Scheme",
    "Source",
    "load_data",
    "normalise_name",
    "parse_date",
    "problem_at",
]

# --------------------------------------------------------------------------- vocabularies
# Closed lists: each value maps to one term of ontology/lkg.ttl (tests check it).

ORGANISATION_TYPES = (
    "organisation",
    "university",
    "company",
    "research-centre",
    "association",
    "foundation",
    "public-body",
    "regional-government",
    "local-authority",
    "chamber-of-commerce",
    "education-provider",
)
"""Kinds of organisation; ``organisation`` when no source says more."""

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
)
"""Roles an organisation plays in a cluster, or a person in a post."""

ACT_TYPES = ("deliberation", "decree", "call", "strategy", "law", "notice")
"""Kinds of policy act: DGR, decreto, bando, S3 strategy, legge, avviso."""

CLUSTER_STATUSES = ("recognised", "constituted")
"""``recognised`` by the Region, or ``constituted`` and awaiting recognition."""

PARTNER_TYPES = ORGANISATION_TYPES
"""Kinds of partner a source names only as a group ("local authorities")."""

OPEN = "open"
UNKNOWN = "unknown"


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date with the precision its source gives: a year, a month or a day.

    Examples
    --------
    >>> parse_date("2026-02")
    PartialDate(year=2026, month=2, day=None)
    >>> str(parse_date(2026)), parse_date("2026-02-17").precision
    ('2026', 'day')
    """

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        """How much of the date the source states."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(value: object) -> PartialDate:
    """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a year may be a YAML integer).

    Raises
    ------
    ValueError
        When the value is not one of those forms or is not a real calendar date.

    Examples
    --------
    >>> parse_date("2026-02-30")
    Traceback (most recent call last):
    ...
    ValueError: malformed date '2026-02-30': day 30 is not in February 2026
    """
    import calendar

    if isinstance(value, PartialDate):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"malformed date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"malformed date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match[1])
    month = int(match[2]) if match[2] else None
    day = int(match[3]) if match[3] else None
    if year < 1000:
        raise ValueError(f"malformed date {value!r}: the year must have four digits")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"malformed date {value!r}: month {month} does not exist")
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            name = calendar.month_name[month]
            raise ValueError(f"malformed date {value!r}: day {day} is not in {name} {year}")
    return PartialDate(year, month, day)


def _parse_end(value: object) -> PartialDate | str:
    if isinstance(value, str) and value.strip() in (OPEN, UNKNOWN):
        return value.strip()
    try:
        return parse_date(value)
    except ValueError as error:
        raise ValueError(f"{error} (or 'open' if still running, 'unknown' if not stated)") from None


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


def _check_url(value: str) -> str:
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
Url = Annotated[str, AfterValidator(_check_url)]
Date = Annotated[PartialDate, BeforeValidator(parse_date)]
End = Annotated[Union[PartialDate, str], BeforeValidator(_parse_end)]  # noqa: UP007
SourceRefs = Annotated[list[str], Field(min_length=1)]


def slugify(text: str) -> str:
    """A readable ASCII slug for a name.

    Examples
    --------
    >>> slugify("Università degli Studi di Milano-Bicocca")
    'universita-degli-studi-di-milano-bicocca'
    """
    # punctuation and symbols of any script (en dash, curly quote) separate words
    spaced = "".join(" " if unicodedata.category(ch)[0] in "PZS" else ch for ch in text)
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def normalise_name(text: str) -> str:
    """The form under which two names count as the same name.

    Case, accents, punctuation and spacing do not matter.

    Examples
    --------
    >>> normalise_name("Università degli Studi  di Milano–Bicocca") == normalise_name(
    ...     "universita degli studi di milano bicocca")
    True
    """
    return " ".join(slugify(text).split("-"))


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


class Source(_Record):
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


class Membership(_Record):
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


class Organisation(_Named):
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
    members: list[Membership] = Field(default_factory=list)


class Body(_Record):
    """A governing body of a cluster, such as its Consiglio Direttivo."""

    label: Text
    label_en: Text | None = None
    sources: SourceRefs


class Cluster(_Named):
    """A Lombard technology cluster (CTL) with its members."""

    acronym: Text | None = None
    status: Literal[CLUSTER_STATUSES]  # type: ignore[valid-type]
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


class Post(_Record):
    """A position a person holds in an organisation or cluster, over a period."""

    role: Literal[ROLES]  # type: ignore[valid-type]
    organisation: Slug
    label: Text | None = None
    label_en: Text | None = None
    start: Date | None = None
    end: End | None = None
    sources: SourceRefs
    disputed_by: list[str] = Field(default_factory=list)
    note: Text | None = None


class Person(_Record):
    """A person named by a source, with the posts they hold or held."""

    id: Slug
    name: Text
    alt_labels: list[Text] = Field(default_factory=list)
    sources: SourceRefs
    posts: list[Post] = Field(default_factory=list)
    disputes: list[Dispute] = Field(default_factory=list)
    note: Text | None = None


class Act(_Named):
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

    _by_ref: dict[str, Source] = field(default_factory=dict, repr=False)

    def source_for(self, ref: str) -> Source:
        """The source a record cites, by id or URL (references are checked on load)."""
        if len(self._by_ref) < len(self.sources):  # built once, when first asked
            for source in self.sources:
                self._by_ref[source.id] = source
                self._by_ref[source.url] = source
        return self._by_ref[ref]


# What each top-level key of a file holds; ``cluster`` is one mapping, the rest lists.
_SECTIONS: dict[str, tuple[type[_Record], str]] = {
    "sources": (Source, "sources"),
    "organisations": (Organisation, "organisations"),
    "cluster": (Cluster, "clusters"),
    "clusters": (Cluster, "clusters"),
    "people": (Person, "people"),
    "acts": (Act, "acts"),
    "schemes": (Scheme, "schemes"),
}


# --------------------------------------------------------------------------- YAML


class LineMap(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers the line of itself and of each key (0-based)."""

    line: int = 0
    key_lines: dict[object, int]


class LineSeq(list):  # type: ignore[type-arg]
    """A YAML sequence that remembers the line of itself and of each item (0-based)."""

    line: int = 0
    item_lines: list[int]


_PLAIN = "tag:kg,plain"
_INT = re.compile(r"^[-+]?[0-9][0-9_]*$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9_]+([eE][-+]?[0-9]+)?$")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's C parser, with scalar types left to `_scalar` (PyYAML's regex resolver is slow)."""

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:map" if kind is yaml.MappingNode else "tag:yaml.org,2002:seq"


MAX_ALIASES = 1000
"""Aliases allowed in one file: enough for a curator's anchors, too few for a YAML bomb."""


class _Unsafe(ValueError):
    """A document we refuse to read, at a line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _scalar(node: yaml.ScalarNode) -> object:
    """A scalar as YAML 1.2's core schema reads it: yes/no/on/off stay text, dates stay text.

    Examples
    --------
    >>> [_scalar(yaml.ScalarNode(_PLAIN, v)) for v in ("2026", "1.5", "true", "~", "no", "2026-02-17")]
    [2026, 1.5, True, None, 'no', '2026-02-17']
    """
    value = node.value
    if node.tag != _PLAIN:  # quoted, or with an explicit tag: text
        return value
    if _INT.match(value):
        return int(value.replace("_", ""), 10)
    if _FLOAT.match(value):
        return float(value.replace("_", ""))
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return value.lower() == "true"
    return value


def _plain_data(root: yaml.Node) -> object:
    """Python values with line numbers from a composed YAML node tree.

    Duplicate keys are errors; an alias may be used at most `MAX_ALIASES` times in a
    file, so a "billion laughs" document stops at once instead of filling memory.
    """
    seen: set[int] = set()
    aliases = 0

    def convert(node: yaml.Node) -> object:
        nonlocal aliases
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in seen:
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _Unsafe(node.start_mark.line, f"more than {MAX_ALIASES} YAML aliases: not read")
            seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            mapping = LineMap()
            mapping.line = node.start_mark.line
            mapping.key_lines = {}
            for key_node, value_node in node.value:
                key = convert(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise _Unsafe(key_node.start_mark.line, "a key must be plain text")
                if key in mapping:
                    raise _Unsafe(key_node.start_mark.line, f'duplicate key: found duplicate key "{key}"')
                mapping.key_lines[key] = key_node.start_mark.line
                mapping[key] = convert(value_node)
            return mapping
        if isinstance(node, yaml.SequenceNode):
            sequence = LineSeq(convert(item) for item in node.value)
            sequence.line = node.start_mark.line
            sequence.item_lines = [item.start_mark.line for item in node.value]
            return sequence
        return _scalar(node)  # type: ignore[arg-type]

    return convert(root)


def _line_of(node: object, loc: Sequence[str | int]) -> int | None:
    """1-based line of the deepest part of ``loc`` present in ``node``."""
    if not isinstance(node, (LineMap, LineSeq)):
        return None
    line: int = node.line
    current: object = node
    for part in loc:
        if isinstance(current, LineMap) and part in current:
            line = current.key_lines[part]
            current = current[part]
        elif isinstance(current, LineSeq) and isinstance(part, int) and 0 <= part < len(current):
            line = current.item_lines[part]
            current = current[part]
        else:
            break
    return line + 1


def _field_name(loc: Sequence[str | int]) -> str:
    """``('members', 2, 'organisation')`` -> ``members[2].organisation``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "-"


def _plain(error: dict[str, object], model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """Pydantic's message in a curator's words."""
    kind = error["type"]
    name = loc[-1] if loc else ""
    if kind == "missing":
        if name == "sources":
            return "missing: every record needs a source (an id from sources or a cited URL)"
        return "missing: this field is required"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        allowed = ", ".join(owner.model_fields) if owner else ""
        hint = difflib.get_close_matches(str(name), list(owner.model_fields) if owner else [], 1)
        suffix = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {allowed})"
        return f"unknown key '{name}'{suffix}"
    if kind == "too_short" and name == "sources":
        return "empty: every record needs at least one source"
    if kind == "literal_error":
        ctx = error.get("ctx") or {}
        expected = cast(dict[str, str], ctx).get("expected", "")
        got = error.get("input")
        return f"unknown value {got!r}; use one of {expected}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind in ("string_type", "list_type", "model_type", "model_attributes_type", "dict_type"):
        wanted = {
            "string_type": "text",
            "list_type": "a list",
            "model_type": "a mapping of keys",
            "model_attributes_type": "a mapping of keys",
            "dict_type": "a mapping of keys",
        }[str(kind)]
        return f"wrong type: expected {wanted}, got {_describe(error.get('input'))}"
    return str(error["msg"])


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The nested model class that ``loc`` points into."""
    current: type[BaseModel] = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
        inner = getattr(annotation, "__args__", (annotation,))
        found = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if found is None:
            return None
        current = found
    return current


def _read(path: Path, shown: Path, problems: list[Problem]) -> LineMap | None:
    try:
        raw = path.read_bytes()
    except OSError as error:  # unreadable (permissions), or a folder named like a YAML file
        problems.append(Problem(shown, None, "-", f"cannot read the file: {error.strerror or error}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte_line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(shown, byte_line, "-", f"not UTF-8 text ({error.reason}); save the file as UTF-8")
        )
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)  # noqa: S506 - a safe loader, composing nodes only
        document = None if root is None else _plain_data(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(filter(None, [error.context, error.problem])) or "invalid YAML"
        problems.append(Problem(shown, line, "-", f"invalid YAML: {what}"))
        return None
    except _Unsafe as error:
        problems.append(Problem(shown, error.line + 1, "-", f"invalid YAML: {error}"))
        return None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, e.g. NUL
        char_line = text[: error.position].count("\n") + 1
        what = (
            f"character U+{error.character:04X} is not allowed in YAML"
            if isinstance(error.character, int)
            else str(error)
        )
        problems.append(Problem(shown, char_line, "-", f"invalid YAML: {what}; delete it"))
        return None
    except (yaml.YAMLError, RecursionError) as error:
        problems.append(Problem(shown, None, "-", f"invalid YAML: {error}"))
        return None
    if document is None:
        return None
    if not isinstance(document, LineMap):
        problems.append(Problem(shown, 1, "-", f"expected a mapping with keys {', '.join(_SECTIONS)}"))
        return None
    return document


R = TypeVar("R", bound=_Record)


def _validate(model: type[R], node: object, shown: Path, problems: list[Problem]) -> R | None:
    try:
        record = model.model_validate(node)
    except ValidationError as error:
        for item in error.errors():
            loc = tuple(item["loc"])
            problems.append(
                Problem(
                    shown,
                    _line_of(node, loc),
                    _field_name(loc),
                    _plain(cast(dict[str, object], item), model, loc),
                )
            )
        return None
    _place(record, shown, node)
    return record


def _place(record: _Record, shown: Path, node: object) -> None:
    """Remember where each record (and each nested record) was read."""
    record._path = shown
    record._node = node
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, list) and isinstance(node, LineMap):
            items = node.get(name)
            for index, item in enumerate(value):
                if isinstance(item, _Record) and isinstance(items, LineSeq):
                    _place(item, shown, items[index])


PARALLEL_BYTES = 8_000_000
"""From this much YAML on, files are parsed in worker processes, one per core."""


def _read_one(path: Path) -> tuple[LineMap | None, list[Problem]]:
    problems: list[Problem] = []
    return _read(path, path, problems), problems


def _read_all(files: list[Path]) -> Iterator[tuple[LineMap | None, list[Problem]]]:
    """Each file's document and problems, in the order of ``files``.

    Parsing is libyaml's C parser building Python objects, one core's work per file: with
    several cores and enough YAML the files go to a process pool (biggest first, so no
    worker is left with one huge file at the end) and come back pickled, which costs a
    tenth of parsing them. Where forking is unsafe (another thread runs) or unavailable,
    the files are read one after the other.
    """
    import multiprocessing
    import threading

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    sizes = {path: path.stat().st_size for path in files}
    forkable = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if not forkable or cores < 2 or len(files) < 2 or sum(sizes.values()) < PARALLEL_BYTES:
        yield from map(_read_one, files)
        return
    from concurrent.futures import ProcessPoolExecutor

    biggest_first = sorted(files, key=lambda p: -sizes[p])
    # fork, not spawn: spawn re-imports the caller's main module, which breaks any script
    # without a __main__ guard; fork is safe here because no other thread runs.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(cores, len(files)), mp_context=context) as pool:
        futures = {path: pool.submit(_read_one, path) for path in biggest_first}
        for path in files:
            yield futures[path].result()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_data(root: Path | str) -> Dataset:
    """Read, validate and cross-check every YAML file under ``root``.

    Parameters
    ----------
    root : pathlib.Path or str
        The data directory (``data/``). Paths in problems start with it as given.

    Returns
    -------
    Dataset
        All records, in sorted file order then file order.

    Raises
    ------
    KgError
        With every problem found, one per line, when anything is wrong.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "o.yaml").write_text("organisations:\\n  - id: x\\n    label: X\\n    type: company\\n")
    >>> load_data(d)
    Traceback (most recent call last):
    ...
    kg.errors.KgError: .../o.yaml:2: sources: missing: every record needs a source ...
    """
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise KgError([Problem(root, None, "-", "data directory not found")])
    dataset = Dataset(root=root)
    files = _files(root)
    if not files:
        raise KgError([Problem(root, None, "-", "no .yaml files in the data directory")])
    broken: dict[str, set[str]] = {}
    unreadable = False
    for path, (document, read_problems) in zip(files, _read_all(files), strict=True):
        problems.extend(read_problems)
        if document is None:
            unreadable = unreadable or bool(read_problems)
            continue
        for key, node in document.items():
            if key not in _SECTIONS:
                hint = difflib.get_close_matches(str(key), list(_SECTIONS), 1)
                problems.append(
                    Problem(
                        path,
                        document.key_lines[key] + 1,
                        str(key),
                        f"unknown section '{key}'"
                        + (
                            f" (did you mean '{hint[0]}'?)"
                            if hint
                            else f"; use one of {', '.join(_SECTIONS)}"
                        ),
                    )
                )
                continue
            model, attr = _SECTIONS[key]
            if key == "cluster":
                items = [node]
            elif isinstance(node, LineSeq):
                items = list(node)
            else:
                line = document.key_lines[key] + 1
                problems.append(
                    Problem(path, line, str(key), f"wrong type: expected a list, got {_describe(node)}")
                )
                continue
            for item in items:
                record = _validate(model, item, path, problems)
                if record is not None:
                    getattr(dataset, attr).append(record)
                elif isinstance(item, LineMap) and isinstance(item.get("id"), str):
                    broken.setdefault(attr, set()).add(item["id"])
    _Checker(dataset, problems, broken, unreadable).run()
    if problems:
        raise KgError(sorted(set(problems), key=lambda p: (str(p.path), p.line or 0, p.field, p.message)))
    return dataset


# --------------------------------------------------------------------------- cross-checks


def _problem(record: _Record, loc: Sequence[str | int], message: str) -> Problem:
    path, _ = record.at
    return Problem(path, _line_of(record._node, loc), _field_name(loc), message)


def problem_at(record: object, loc: Sequence[str | int], message: str) -> Problem:
    """A problem at the field ``loc`` (e.g. ``("members", 2, "role")``) of a loaded record.

    Where the field itself is absent, the line is that of the nearest enclosing
    item, so a missing ``closes`` points at the act that lacks it.
    """
    if not isinstance(record, _Record):
        raise TypeError(f"not a loaded record: {record!r}")
    return _problem(record, loc, message)


def _abbreviates(short: str, words: Sequence[str]) -> bool:
    """Whether ``short`` is made of word prefixes, starting with the first word.

    Examples
    --------
    >>> _abbreviates("polimi", ["politecnico", "di", "milano"])
    True
    >>> _abbreviates("polimi", ["lumson"])
    False
    """
    if not short:
        return True
    if not words:
        return False
    first, rest = words[0], words[1:]
    for size in range(min(len(first), len(short)), 0, -1):
        if short.startswith(first[:size]) and any(
            _abbreviates(short[size:], rest[skip:]) for skip in range(len(rest) + 1)
        ):
            return True
    return False


def _suggest(value: str, ids: Iterable[str], names: dict[str, str]) -> str:
    """`` (did you mean 'x'?)`` from aliases first, then abbreviations, then close spellings."""
    alias = names.get(normalise_name(value))
    if alias:
        return f" (did you mean '{alias}'?)"
    short = slugify(value).replace("-", "")
    found = sorted(
        {known for name, known in names.items() if len(short) >= 3 and _abbreviates(short, name.split())}
    )
    if not found:
        found = difflib.get_close_matches(value, list(ids), n=2, cutoff=0.6)
    if found and len(found) <= 3:
        return " (did you mean " + " or ".join(f"'{c}'" for c in found) + "?)"
    return ""


def _names(record: _Named) -> Iterator[str]:
    yield record.label
    if record.label_en:
        yield record.label_en
    yield from record.alt_labels
    acronym = getattr(record, "acronym", None)
    if acronym:
        yield acronym


class _Checker:
    """Cross-record checks: references resolve, ids are unique, one name has one id.

    ``broken`` holds the ids of records that failed validation, per section, and
    ``unreadable`` says a file could not be parsed at all: references that may
    point into those are not reported as unknown, so one typo gives one error.
    """

    def __init__(
        self, data: Dataset, problems: list[Problem], broken: dict[str, set[str]], unreadable: bool
    ) -> None:
        self.data = data
        self.problems = problems
        self.broken = broken
        self.unreadable = unreadable
        self.sources = self.unique(data.sources)
        self.id_holders: dict[tuple[str, str], str] = {}
        self.urls: dict[str, Source] = {}
        for source in data.sources:
            first = self.urls.setdefault(source.url, source)
            if first.id != source.id:
                self.report(source, ("url",), f"URL already described as source '{first.id}'; cite that id")
        # organisations and clusters share one id space, so a post can name either
        self.parties = self.unique([*data.organisations, *data.clusters])
        self.unique(data.people)
        self.acts = self.unique(data.acts)
        self.unique(data.schemes)
        self.concepts = self.unique([c for s in data.schemes for c in s.concepts])
        self.organisations = {o.id for o in data.organisations}
        self.clusters = {c.id for c in data.clusters}
        self.names: dict[str, str] = {}  # normalised name -> id
        for record in [*data.organisations, *data.clusters]:
            for name in _names(record):
                other = self.names.setdefault(normalise_name(name), record.id)
                if other != record.id:
                    self.report(
                        record,
                        ("label",),
                        f"the name '{name}' already belongs to '{other}'; one organisation, one id"
                        " (merge the two, or add a distinguishing word)",
                    )

    def report(self, record: _Record, loc: Sequence[str | int], message: str) -> None:
        self.problems.append(_problem(record, loc, message))

    def unique(self, records: Sequence[_Record]) -> dict[str, _Record]:
        seen: dict[str, _Record] = {}
        for record in records:
            key = cast(str, getattr(record, "id"))  # noqa: B009 (only some records have an id)
            first = seen.setdefault(key, record)
            if first is not record:
                where = "{}:{}".format(*first.at)
                self.report(record, ("id",), f"duplicate id '{key}' (first used at {where})")
        return seen

    def cited(
        self, record: _Record, prefix: tuple[str | int, ...], refs: list[str], key: str = "sources"
    ) -> None:
        """Each source reference is a source id or the URL of a described source."""
        for index, ref in enumerate(refs):
            if ref in self.sources or ref in self.urls:
                continue
            if ref.startswith(("http://", "https://")):
                message = (
                    f"source URL {ref!r} is not described in sources; add it there with title and publisher"
                )
            elif self.unreadable or ref in self.broken.get("sources", ()):
                continue
            else:
                names = {url: s.id for url, s in self.urls.items()}
                message = f"unknown source '{ref}'" + _suggest(ref, self.sources, names)
            self.report(record, (*prefix, key, index), message)

    def ref(
        self,
        record: _Record,
        loc: tuple[str | int, ...],
        value: str,
        kind: str,
        known: Collection[str],
        *sections: str,
    ) -> None:
        """``value`` names a record of ``kind`` among ``known`` (a set or a dict: O(1) lookups)."""
        if value in known or self.unreadable or any(value in self.broken.get(s, ()) for s in sections):
            return
        hint = _suggest(value, known, {k: v for k, v in self.names.items() if v in known})
        if kind == "organisation" and value in self.clusters:
            hint = f" ('{value}' is a cluster; this field takes an organisation)"
        self.report(record, loc, f"unknown {kind} '{value}'{hint}")

    def interval(
        self,
        record: _Record,
        prefix: tuple[str | int, ...],
        start: PartialDate | None,
        end: PartialDate | str | None,
    ) -> None:
        if (
            isinstance(start, PartialDate)
            and isinstance(end, PartialDate)
            and _latest(end) < _earliest(start)
        ):
            self.report(record, (*prefix, "end"), f"ends ({end}) before it starts ({start})")

    def disputes(self, record: Person | _Named) -> None:
        allowed = DISPUTABLE.get(type(record), ())
        for index, dispute in enumerate(record.disputes):
            where = ("disputes", index)
            if dispute.field not in allowed:
                choice = ", ".join(allowed) if allowed else "none on this kind of record"
                self.report(record, (*where, "field"), f"cannot dispute '{dispute.field}' (fields: {choice})")
            self.cited(record, where, dispute.sources)
            self.cited(record, where, dispute.against, "against")

    def figures(self, record: Organisation | Cluster) -> None:
        for index, figure in enumerate(record.declared_size):
            self.cited(record, ("declared_size", index), figure.sources)

    def members(self, record: Organisation | Cluster) -> None:
        seen: dict[tuple[str, str, str], int] = {}
        for index, member in enumerate(record.members):
            where = ("members", index)
            if member.organisation == record.id:
                self.report(record, (*where, "organisation"), "an organisation cannot be its own member")
            else:
                self.ref(
                    record,
                    (*where, "organisation"),
                    member.organisation,
                    "organisation",
                    self.organisations,
                    "organisations",
                )
            self.cited(record, where, member.sources)
            self.cited(record, where, member.disputed_by, "disputed_by")
            self.interval(record, where, member.start, member.end)
            first = seen.setdefault((member.organisation, member.role, str(member.start)), index)
            if first != index:
                self.report(
                    record,
                    (*where, "organisation"),
                    f"'{member.organisation}' is listed twice as {member.role} (also members[{first}]);"
                    " merge the two and list both sources",
                )

    def identifiers(self, record: Organisation | Cluster) -> None:
        seen: dict[tuple[str, str], int] = {}
        for index, ident in enumerate(record.ids):
            self.cited(record, ("ids", index), ident.sources)
            first = seen.setdefault((ident.scheme, ident.value), index)
            if first != index:
                self.report(
                    record, ("ids", index, "value"), f"the same {ident.scheme} as ids[{first}]: merge them"
                )
            holder = self.id_holders.setdefault((ident.scheme, ident.value), record.id)
            if holder != record.id:
                self.report(
                    record,
                    ("ids", index, "value"),
                    f"{ident.scheme} {ident.value} is also '{holder}''s: one of the two is wrong, "
                    "or they are one organisation (record same_as)",
                )

    def place(self, record: Organisation | Cluster) -> None:
        """The seat is a comune in ISTAT's list (kg.places), so its codes can be derived."""
        if record.city is None:
            return
        if comune(record.city) is None:
            close = suggest_comune(record.city)
            hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
            self.report(record, ("city",), f"'{record.city}' is not a comune in ISTAT's list{hint}")

    def decisions(self, org: Organisation) -> None:
        for key in ("same_as", "distinct_from"):
            for index, decision in enumerate(getattr(org, key)):
                where = (key, index)
                self.ref(
                    org, (*where, "organisation"), decision.organisation, "organisation", self.organisations
                )
                if decision.organisation == org.id:
                    self.report(org, (*where, "organisation"), "an organisation is trivially itself")
                self.cited(org, where, decision.sources)
                if not decision.sources and decision.note is None:
                    self.report(org, where, "say why: give sources or a note")

    def licences(self) -> None:
        for source in self.data.sources:
            if source.licence and SHARE_ALIKE.search(source.licence):
                self.report(
                    source,
                    ("licence",),
                    f"'{source.licence}' is share-alike: its terms would bind the whole graph, "
                    "so this source cannot feed the main build; cite another page for the facts",
                )

    def run(self) -> None:
        data = self.data
        self.licences()
        for org in data.organisations:
            self.cited(org, (), org.sources)
            self.disputes(org)
            self.figures(org)
            self.members(org)
            self.identifiers(org)
            self.place(org)
            self.decisions(org)
            if org.part_of == org.id:
                self.report(org, ("part_of",), "an organisation cannot be part of itself")
            elif org.part_of is not None:
                self.ref(org, ("part_of",), org.part_of, "organisation", self.organisations, "organisations")
        for cluster in data.clusters:
            self.check_cluster(cluster)
        for person in data.people:
            self.cited(person, (), person.sources)
            self.disputes(person)
            for index, post in enumerate(person.posts):
                where = ("posts", index)
                self.cited(person, where, post.disputed_by, "disputed_by")
                self.ref(
                    person,
                    (*where, "organisation"),
                    post.organisation,
                    "organisation or cluster",
                    self.parties,
                    "organisations",
                    "clusters",
                )
                self.cited(person, where, post.sources)
                self.interval(person, where, post.start, post.end)
        for act in data.acts:
            self.cited(act, (), act.sources)
            self.disputes(act)
            if act.passed_by is not None:
                self.ref(
                    act, ("passed_by",), act.passed_by, "organisation", self.organisations, "organisations"
                )
            for index, target in enumerate(act.concerns):
                self.ref(act, ("concerns", index), target, "cluster", self.clusters, "clusters")
            for index, base in enumerate(act.based_on):
                self.ref(act, ("based_on", index), base, "act", self.acts, "acts")
            if act.opens and act.closes and _latest(act.closes) < _earliest(act.opens):
                self.report(act, ("closes",), f"closes ({act.closes}) before it opens ({act.opens})")
        for scheme in data.schemes:
            self.cited(scheme, (), scheme.sources)
            in_scheme = {c.id for c in scheme.concepts}
            for index, concept in enumerate(scheme.concepts):
                self.cited(scheme, ("concepts", index), concept.sources)
                if concept.broader is not None:
                    self.ref(
                        scheme,
                        ("concepts", index, "broader"),
                        concept.broader,
                        "concept in this scheme",
                        in_scheme,
                    )

    def check_cluster(self, cluster: Cluster) -> None:
        self.cited(cluster, (), cluster.sources)
        self.identifiers(cluster)
        self.place(cluster)
        self.disputes(cluster)
        self.figures(cluster)
        self.members(cluster)
        for index, theme in enumerate(cluster.themes):
            self.ref(cluster, ("themes", index), theme, "thematic area", self.concepts, "schemes")
        for index, body in enumerate(cluster.bodies):
            self.cited(cluster, ("bodies", index), body.sources)


def _earliest(date: PartialDate) -> tuple[int, int, int]:
    return (date.year, date.month or 1, date.day or 1)


def _latest(date: PartialDate) -> tuple[int, int, int]:
    return (date.year, date.month or 12, date.day or 31)
