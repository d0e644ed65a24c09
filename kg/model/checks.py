"""Checks across records: references resolve, ids and names are unique, dates in order.

`_Checker` runs once every file is read: it reports unknown sources, organisations,
clusters, acts and themes (with suggestions from `kg.names`), duplicate ids and
identifiers, one name used for two ids, seats that are not comuni, periods that end
before they start and share-alike sources. `problem_at` lets later stages (the build,
the reasoner) report a problem at a loaded record's field, with its file and line.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import cast

from kg.errors import Problem
from kg.model.dates import PartialDate, _earliest, _latest
from kg.model.messages import _field_name
from kg.model.records import (
    DISPUTABLE,
    SHARE_ALIKE,
    Body,
    Cluster,
    Dataset,
    Organisation,
    Person,
    Project,
    Source,
    _Named,
    _Record,
)
from kg.model.yaml_lines import _line_of
from kg.names import did_you_mean, normalise_name, suggest
from kg.places import comune
from kg.places import suggest as suggest_comune

__all__ = ["problem_at"]


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
        self.national = {c.id for c in data.clusters if c.level == "national"}
        self.unique(data.projects)
        self.bodies: dict[str, set[str]] = {}  # owner id -> its bodies' ids
        for owner in [*data.organisations, *data.clusters]:
            self.bodies[owner.id] = self.body_ids(cast(Organisation | Cluster, owner))
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
                message = f"unknown source '{ref}'" + did_you_mean(suggest(ref, self.sources))
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
        aliases = {name: key for name, key in self.names.items() if key in known}
        hint = did_you_mean(suggest(value, known, aliases=aliases))
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

    def body_ids(self, owner: Organisation | Cluster) -> set[str]:
        """The ids of the owner's bodies; a second body with one id is reported."""
        ids: dict[str, int] = {}
        for index, body in enumerate(owner.bodies):
            if body.id is None:
                continue
            first = ids.setdefault(body.id, index)
            if first != index:
                self.report(
                    owner, ("bodies", index, "id"), f"duplicate body id '{body.id}' (also bodies[{first}])"
                )
        return set(ids)

    def members(self, record: Organisation | Cluster | Project, prefix: tuple[str | int, ...] = ()) -> None:
        """Each member resolves; clusters may be members of national clusters, bodies and projects."""
        group: Organisation | Cluster | Project | Body = record
        if prefix and not isinstance(record, Project):
            group = record.bodies[cast(int, prefix[1])]
        # a regional cluster's or an association's members are organisations only
        clusters_allowed = bool(prefix) or isinstance(record, Project)
        clusters_allowed = clusters_allowed or (isinstance(record, Cluster) and record.level == "national")
        known: Collection[str] = self.parties if clusters_allowed else self.organisations
        kind = "organisation or cluster" if clusters_allowed else "organisation"
        seen: dict[tuple[str, str, str], int] = {}
        for index, member in enumerate(group.members):
            where = (*prefix, "members", index)
            if member.organisation == record.id:
                self.report(record, (*where, "organisation"), "an organisation cannot be its own member")
            else:
                self.ref(
                    record,
                    (*where, "organisation"),
                    member.organisation,
                    kind,
                    known,
                    "organisations",
                    *(("clusters",) if clusters_allowed else ()),
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
            hint = did_you_mean(suggest_comune(record.city))
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
            self.check_bodies(org)
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
                bodies = self.bodies.get(post.organisation)
                if post.body is not None and bodies is not None and post.body not in bodies:
                    hint = did_you_mean(suggest(post.body, bodies)) if bodies else ""
                    self.report(
                        person,
                        (*where, "body"),
                        f"'{post.organisation}' has no body with id '{post.body}'"
                        + (hint or " (give the body an id: under its bodies)"),
                    )
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
        self.apart()
        self.drafts()
        for project in data.projects:
            self.check_project(project)
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

    def apart(self) -> None:
        """Memberships and posts written apart from their cluster or person (a reviewed `kg ingest` draft)."""
        people = {person.id: person for person in self.data.people}
        clusters = {cluster.id: cluster for cluster in self.data.clusters}
        for member in self.data.memberships:
            self.ref(member, ("cluster",), member.cluster, "cluster", self.clusters, "clusters")
            self.ref(
                member,
                ("organisation",),
                member.organisation,
                "organisation",
                self.organisations,
                "organisations",
            )
            self.cited(member, (), member.sources)
            self.interval(member, (), member.start, member.end)
            cluster = clusters.get(member.cluster)
            if cluster and any(
                (m.organisation, m.role, m.start) == (member.organisation, member.role, member.start)
                for m in cluster.members
            ):
                self.report(
                    member,
                    ("organisation",),
                    f"'{member.organisation}' is already a {member.role} of '{member.cluster}'"
                    f" ({cluster.at[0]}); add this source to that entry instead",
                )
        for post in self.data.posts:
            self.ref(post, ("person",), post.person, "person", set(people), "people")
            self.ref(
                post,
                ("organisation",),
                post.organisation,
                "organisation or cluster",
                self.parties,
                "organisations",
                "clusters",
            )
            self.cited(post, (), post.sources)
            self.interval(post, (), post.start, post.end)

    def drafts(self) -> None:
        """``draft: true`` marks a proposal of `kg ingest` that no curator has checked yet."""
        data = self.data
        owners: list[Cluster | Organisation] = [*data.clusters, *data.organisations]
        nested = [
            *(m for owner in owners for m in owner.members),
            *(p for person in data.people for p in person.posts),
        ]
        for record in [
            *data.sources,
            *data.organisations,
            *data.people,
            *data.acts,
            *data.memberships,
            *data.posts,
            *nested,
        ]:
            if getattr(record, "draft", False):
                self.report(
                    record,
                    ("draft",),
                    "proposed by kg ingest and not reviewed yet: check its evidence against the page,"
                    " then delete 'draft: true' (or the whole record)",
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
        self.check_bodies(cluster)
        for index, tie in enumerate(cluster.national_counterparts):
            where = ("national_counterparts", index)
            self.cited(cluster, where, tie.sources)
            if cluster.level == "national":
                self.report(
                    cluster,
                    where,
                    "a national cluster has no national counterpart; list it on the regional one",
                )
            elif tie.cluster not in self.national and tie.cluster in self.clusters:
                self.report(
                    cluster,
                    (*where, "cluster"),
                    f"'{tie.cluster}' is not a national cluster (level: national)",
                )
            else:
                self.ref(
                    cluster, (*where, "cluster"), tie.cluster, "national cluster", self.national, "clusters"
                )
        if cluster.level == "regional" and cluster.status is None:
            self.report(
                cluster,
                ("status",),
                "missing: a regional cluster needs its status (recognised or constituted)",
            )

    def check_bodies(self, owner: Organisation | Cluster) -> None:
        for index, body in enumerate(owner.bodies):
            self.cited(owner, ("bodies", index), body.sources)
            self.members(owner, ("bodies", index))

    def check_project(self, project: Project) -> None:
        self.cited(project, (), project.sources)
        self.disputes(project)
        self.members(project)
        self.interval(project, (), project.start, project.end)
        for index, cluster in enumerate(project.clusters):
            self.ref(project, ("clusters", index), cluster, "cluster", self.clusters, "clusters")
        for index, act in enumerate(project.funded_by):
            self.ref(project, ("funded_by", index), act, "act", self.acts, "acts")
