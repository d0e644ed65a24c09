"""What changed in the ecosystem between two builds: ``kg diff OLD NEW``.

Each side is a build folder (``kg build --out DIR``) or a git revision of the
repository, whose data/ is exported into a temporary folder and built there with the
current code. The two builds' N-Triples are compared as sets of lines (they are sorted
and deterministic, and every resource has a stable IRI made of data/ ids, never a blank
node), and the triples that differ are read back as the ecosystem's own facts: clusters,
organisations, memberships, posts, acts, identifiers, disputed claims, sources. Every
differing triple is accounted for: one that no rule explains is listed under "other
changes", in words, never dropped.

Lines are looked up by subject with a binary search in the sorted lines of each build,
so the work grows with the size of the change, not with the size of the graph (beyond
reading and comparing the two files).
"""

from __future__ import annotations

import bisect
import io
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.tables import Cell, Named, render
from kg.vocab import BASE, LKG_NS, PREFIXES, compact, slug_of

__all__ = ["DIFF_FORMATS", "GROUPS", "Change", "Diff", "diff", "render_diff"]

DIFF_FORMATS = ("table", "md", "json")

GROUPS: dict[str, str] = {
    "clusters": "Clusters",
    "organisations": "Organisations",
    "people": "People",
    "memberships": "Memberships",
    "posts": "Posts",
    "acts": "Acts",
    "identifiers": "Identifiers",
    "disputes": "Disputed claims",
    "sources": "Sources",
    "other": "Other changes",
}
"""The groups of a report, in the order they are shown, with their headings."""

_ORDER = [
    "added",
    "removed",
    "renamed",
    "retyped",
    "status",
    "president",
    "begun",
    "taken",
    "ended",
    "left",
    "role changed",
    "raised",
    "settled",
    "declared size",
    "body",
    "changed",
    "unclassified",
]

_P = {
    name: PREFIXES[prefix] + local
    for name, prefix, local in [
        ("type", "rdf", "type"),
        ("label", "rdfs", "label"),
        ("seeAlso", "rdfs", "seeAlso"),
        ("source", "dcterms", "source"),
        ("title", "dcterms", "title"),
        ("member", "org", "member"),
        ("organization", "org", "organization"),
        ("role", "org", "role"),
        ("memberDuring", "org", "memberDuring"),
        ("memberOf", "org", "memberOf"),
        ("hasMember", "org", "hasMember"),
        ("heldBy", "org", "heldBy"),
        ("postIn", "org", "postIn"),
        ("holds", "org", "holds"),
        ("hasPost", "org", "hasPost"),
        ("hasUnit", "org", "hasUnit"),
        ("sameAs", "owl", "sameAs"),
        ("vatID", "schema", "vatID"),
        ("identifier", "adms", "identifier"),
        ("name", "foaf", "name"),
        ("Document", "foaf", "Document"),
        ("hasBeginning", "time", "hasBeginning"),
        ("hasEnd", "time", "hasEnd"),
        ("notation", "skos", "notation"),
        ("schemeAgency", "adms", "schemeAgency"),
    ]
}
_L = {name: LKG_NS + name for name in (
    "recognitionStatus", "disputedBy", "heldDuring", "ongoing", "declaredSize", "count", "countOf", "asOf",
    "claimSubject", "claimField", "claimedValue", "President", "Cluster", "city", "province",
)}  # fmt: skip
_SHORTCUTS = {_P["memberOf"], _P["hasMember"]} | {
    LKG_NS + name
    for name in (
        "foundingMemberOf",
        "hasFoundingMember",
        "coordinates",
        "coordinatedBy",
        "proposed",
        "proposedBy",
    )
}
"""Direct links from member to group and back, implied by the memberships."""
_IMPLIED = _SHORTCUTS | {_P["hasPost"], _P["holds"], _P["identifier"], _L["declaredSize"], _P["hasUnit"]}
"""Properties of an entity that only point at a membership, post, identifier, figure or body:
explained by that node's change, never reported as the entity's own."""
_CLASSES = {
    PREFIXES["foaf"] + "Person": "person",
    PREFIXES["foaf"] + "Document": "page",
    PREFIXES["skos"] + "Concept": "theme",
    PREFIXES["skos"] + "ConceptScheme": "scheme of themes",
}
"""Words for the classes of reused vocabularies (the ontology labels its own)."""
_LONG = {PREFIXES["skos"] + "editorialNote", PREFIXES["dcterms"] + "description"}
"""Properties whose values are paragraphs: a change says which, not the whole text."""
_SUPERCLASSES = {PREFIXES["org"] + "Organization", PREFIXES["org"] + "FormalOrganization"}
_DERIVED_KINDS = {"instant", "place", "province", "agent", "period"}
"""Nodes that hold no fact of their own: explained when a changed triple points at them."""
_WORDS = {
    _P["type"]: "type",
    _P["label"]: "name",
    PREFIXES["skos"] + "altLabel": "other name",
    PREFIXES["skos"] + "prefLabel": "name",
    PREFIXES["skos"] + "editorialNote": "note",
    PREFIXES["skos"] + "broader": "broader theme",
    PREFIXES["skos"] + "inScheme": "scheme",
    PREFIXES["skos"] + "hasTopConcept": "top theme",
    PREFIXES["skos"] + "notation": "code",
    _P["source"]: "source",
    _P["title"]: "title",
    PREFIXES["dcterms"] + "date": "date",
    PREFIXES["dcterms"] + "publisher": "publisher",
    PREFIXES["dcterms"] + "identifier": "id",
    PREFIXES["dcterms"] + "description": "summary",
    PREFIXES["foaf"] + "homepage": "website",
    PREFIXES["foaf"] + "page": "web page",
    _P["name"]: "name",
    PREFIXES["schema"] + "foundingDate": "founded",
    _P["vatID"]: "VAT number",
    PREFIXES["org"] + "subOrganizationOf": "part of",
    _P["memberOf"]: "member of",
    _P["hasMember"]: "has member",
    _P["member"]: "member",
    _P["organization"]: "organisation",
    _P["role"]: "role",
    _P["memberDuring"]: "period",
    _P["heldBy"]: "held by",
    _P["postIn"]: "post in",
    _P["holds"]: "holds",
    _P["hasPost"]: "has post",
    _P["hasUnit"]: "body",
    PREFIXES["org"] + "unitOf": "body of",
    _P["identifier"]: "identifier",
    _P["sameAs"]: "same as",
    PREFIXES["owl"] + "differentFrom": "distinct from",
    _P["seeAlso"]: "see also",
    PREFIXES["eli"] + "title": "title",
    PREFIXES["eli"] + "date_document": "date",
    PREFIXES["eli"] + "id_local": "number",
    PREFIXES["eli"] + "passed_by": "passed by",
    PREFIXES["eli"] + "based_on": "based on",
}


@dataclass(frozen=True)
class Change:
    """One change in the ecosystem, in words, with the pages that state it."""

    group: str
    change: str
    subject: Named
    detail: str
    sources: tuple[Named, ...] = ()


@dataclass
class Diff:
    """The changes between two builds, and how many triples differ."""

    old: str
    new: str
    changes: list[Change]
    removed: int
    added: int


class _Triple(NamedTuple):
    """One triple, as plain strings (hashable, typed): the object's value, and whether it is an IRI."""

    subject: str
    predicate: str
    value: str
    iri: bool
    language: str
    datatype: str


def _plain(quad: ox.Quad) -> _Triple:
    subject, obj = quad.subject, quad.object
    if not isinstance(subject, ox.NamedNode | ox.BlankNode) or isinstance(obj, ox.Triple):
        raise SyntaxError("an RDF-star triple, which builds never hold")
    if isinstance(obj, ox.Literal):
        language, datatype = obj.language or "", obj.datatype.value
        return _Triple(subject.value, quad.predicate.value, obj.value, False, language, datatype)
    return _Triple(subject.value, quad.predicate.value, obj.value, True, "", "")


class _Build:
    """The sorted N-Triples lines of one build, looked up by subject."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            lines = path.read_bytes().split(b"\n")
        except OSError as error:
            raise KgError([Problem(path, None, "-", f"cannot read the build: {error.strerror}")]) from None
        lines.sort()  # kg build writes them sorted: then this is one linear pass
        self.lines = lines[bisect.bisect_right(lines, b"") :]
        self._about: dict[str, list[_Triple]] = {}

    def parse(self, lines: list[bytes]) -> list[_Triple]:
        try:
            return [_plain(q) for q in ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as error:
            raise KgError([Problem(self.path, None, "-", f"not N-Triples: {error.msg}")]) from None

    def about(self, subject: str) -> list[_Triple]:
        """Every triple of ``subject`` in this build."""
        if subject not in self._about:
            key = f"<{subject}> ".encode()
            start = end = bisect.bisect_left(self.lines, key)
            while end < len(self.lines) and self.lines[end].startswith(key):
                end += 1
            self._about[subject] = self.parse(self.lines[start:end])
        return self._about[subject]

    def values(self, subject: str, predicate: str) -> list[_Triple]:
        return sorted(t for t in self.about(subject) if t.predicate == predicate)

    def value(self, subject: str, predicate: str) -> str | None:
        found = self.values(subject, predicate)
        return found[0].value if found else None

    def exists(self, subject: str) -> bool:
        return any(t.predicate == _P["type"] for t in self.about(subject))


def _kind(resource: str) -> str:
    try:
        return slug_of(resource)[0]
    except ValueError:
        return "page"  # a source page, or any IRI not minted by this project


def _date_of(instant: str | None) -> str | None:
    return slug_of(instant)[1] if instant and instant.startswith(BASE) else None


class _Differ:
    """Reads the differing triples of two builds as changes in the ecosystem."""

    def __init__(self, old: _Build, new: _Build) -> None:
        self.old, self.new = old, new
        old_lines, new_lines = set(old.lines), set(new.lines)
        self.removed = old.parse([line for line in old.lines if line not in new_lines])
        self.added = new.parse([line for line in new.lines if line not in old_lines])
        self.pending: set[tuple[bool, _Triple]] = {(False, t) for t in self.removed}
        self.pending |= {(True, t) for t in self.added}
        self.by_subject: dict[str, list[tuple[bool, _Triple]]] = defaultdict(list)
        self.by_object: dict[str, list[tuple[bool, _Triple]]] = defaultdict(list)
        for item in sorted(self.pending):
            self.by_subject[item[1].subject].append(item)
            if item[1].iri:
                self.by_object[item[1].value].append(item)
        self.changes: list[Change] = []
        self._labels: dict[str, str | None] = {}

    # -- bookkeeping -------------------------------------------------------------------

    def claim(
        self, subject: str, predicates: Iterable[str] | None = None, objects: str | None = None
    ) -> None:
        """Mark the differing triples of ``subject`` (of ``predicates``, to ``objects``) as explained."""
        wanted = None if predicates is None else set(predicates)
        for item in self.by_subject.get(subject, []):
            triple = item[1]
            if wanted is not None and triple.predicate not in wanted:
                continue
            if objects is not None and triple.value != objects:
                continue
            self.pending.discard(item)

    def subjects(self, kind: str) -> list[str]:
        return [s for s in self.by_subject if _kind(s) == kind]

    def delta(self, subject: str, predicate: str) -> tuple[list[str], list[str]]:
        """Values of ``predicate`` removed and added on ``subject``."""
        removed: list[str] = []
        added: list[str] = []
        for is_added, triple in self.by_subject.get(subject, []):
            if triple.predicate == predicate:
                (added if is_added else removed).append(triple.value)
        return removed, added

    def report(self, group: str, change: str, subject: str, detail: str, sources: Iterable[str]) -> None:
        named = tuple(Named(url, self.title(url)) for url in sorted(set(sources)))
        self.changes.append(Change(group, change, self.named(subject), detail, named))

    # -- words ---------------------------------------------------------------------------

    def label(self, resource: str) -> str | None:
        """The Italian label of a resource in either build (the new one first), or of an ontology term."""
        if resource not in self._labels:
            self._labels[resource] = self._find_label(resource)
        return self._labels[resource]

    def _find_label(self, resource: str) -> str | None:
        from kg.query import labels_for_terms

        if not resource.startswith(BASE):
            term = labels_for_terms([resource], "it").get(resource)
            if term or resource.startswith(LKG_NS):
                return term
        for build in (self.new, self.old):
            found: dict[str, str] = {}
            for t in build.about(resource):
                if t.predicate in (_P["label"], _P["name"], _P["title"]) and not t.iri:
                    found.setdefault(t.language or t.predicate, t.value)
            for key in ("it", _P["label"], _P["name"], _P["title"], "en"):
                if key in found:
                    return found[key]
        return None

    def named(self, resource: str) -> Named:
        return Named(resource, self.label(resource))

    def title(self, url: str) -> str | None:
        return self.new.value(url, _P["title"]) or self.old.value(url, _P["title"])

    def word(self, predicate: str) -> str:
        from kg.query import labels_for_terms

        return (
            _WORDS.get(predicate) or labels_for_terms([predicate], "en").get(predicate) or compact(predicate)
        )

    def text(self, value: str) -> str:
        """A value in words: a resource by its label, a literal as it is."""
        if value.startswith(BASE + "instant/"):
            return _date_of(value) or value
        if value.startswith(("http://", "https://")):
            return self.label(value) or compact(value)
        return value if len(value) <= 120 else value[:119] + "…"

    def sources_of(self, subject: str, *, new: bool) -> list[str]:
        """The pages behind a change: the sources it adds, else those of the side it is read on."""
        removed, added = self.delta(subject, _P["source"])
        given = added if new else removed
        if given:
            return given
        build = self.new if new else self.old
        return [v.value for v in build.values(subject, _P["source"])]

    def period(self, build: _Build, node: str, during: str) -> str:
        """A membership's or post's period in words: '2013 – 2024', 'from 2013, ongoing'."""
        period = build.value(node, during)
        if period is None:
            return ""
        start = _date_of(build.value(period, _P["hasBeginning"]))
        end = _date_of(build.value(period, _P["hasEnd"]))
        ongoing = build.value(period, _L["ongoing"]) == "true"
        if start and end:
            return f"{start} – {end}"
        if end:
            return f"until {end}"
        if start:
            return f"from {start}" + (", ongoing" if ongoing else "")
        return "ongoing" if ongoing else ""

    def it_value(self, build: _Build, node: str, predicate: str) -> str | None:
        """The Italian value of ``predicate`` when there is one, else any."""
        found = build.values(node, predicate)
        italian = [v for v in found if v.language == "it"]
        return (italian or found)[0].value if found else None

    def owner(self, node: str) -> str | None:
        """The resource an identifier, figure or body belongs to: the first part of its slug."""
        slug = slug_of(node)[1].split("--")[0]
        for kind in ("organisation", "cluster", "person", "act"):
            candidate = f"{BASE}{kind}/{slug}"
            if self.new.exists(candidate) or self.old.exists(candidate):
                return candidate
        return None

    def changed_values(self, predicate: str, removed: list[str], added: list[str]) -> str:
        """One property's change in words: 'seat: 'Crema' → 'Cremona'', 'source added: ...'."""
        word = self.word(predicate)
        if predicate in _LONG:  # a paragraph of our own words: that it changed is what a reader needs
            return f"{word} {'changed' if removed and added else 'added' if added else 'removed'}"
        if len(added) > 3 or len(removed) > 3:
            counts = [
                f"{len(values)} {'added' if values is added else 'removed'}" for values in (added, removed)
            ]
            return f"{word}: " + ", ".join(c for c in counts if not c.startswith("0 "))
        if len(removed) == 1 and len(added) == 1:
            return f"{word}: {self.text(removed[0])!r} → {self.text(added[0])!r}"
        parts = [f"{word} added: {self.text(v)!r}" for v in added]
        parts += [f"{word} removed: {self.text(v)!r}" for v in removed]
        return "; ".join(parts)

    # -- memberships and posts --------------------------------------------------------------

    def ties(self, kind: str) -> None:
        """Memberships (``kind`` 'membership') or posts ('post'): begun, ended, role changed, disputed."""
        is_post = kind == "post"
        holder_p, group_p = (_P["heldBy"], _P["postIn"]) if is_post else (_P["member"], _P["organization"])
        during = _L["heldDuring"] if is_post else _P["memberDuring"]
        nodes = set(self.subjects(kind))
        for period in self.subjects("period"):  # a changed period is its membership's or post's change
            node = f"{BASE}{kind}/{slug_of(period)[1]}"
            if self.old.exists(node) or self.new.exists(node):
                nodes.add(node)

        def pair(build: _Build, node: str) -> tuple[str | None, str | None]:
            return build.value(node, holder_p), build.value(node, group_p)

        gone = {n for n in nodes if not self.new.exists(n)}
        free: dict[tuple[str | None, str | None], list[str]] = defaultdict(list)
        for node in sorted(gone):
            free[pair(self.old, node)].append(node)
        replaced: dict[str, str] = {}  # a new node -> the removed one of the same holder and group
        for node in sorted(n for n in nodes if not self.old.exists(n)):
            if free.get(pair(self.new, node)):
                replaced[node] = free[pair(self.new, node)].pop(0)
        for node in sorted(nodes - set(replaced.values())):
            build = self.old if node in gone else self.new
            holder, group = pair(build, node)
            if holder is None or group is None:
                continue  # not a membership or post as kg.rdf writes them: left to "other changes"
            ends = [node, replaced[node]] if node in replaced else [node]
            for end in ends:
                self.claim_tie(
                    end,
                    during,
                    holder,
                    group,
                    is_post,
                    whole=end != node or not self.old.exists(node) or node in gone,
                )
            role = build.value(node, _P["role"]) or ""
            president = is_post and role == _L["President"] and _kind(group) == "cluster"
            out = "clusters" if president else ("posts" if is_post else "memberships")
            who, where, role_text = self.text(holder), self.text(group), self.text(role)
            subject = holder if is_post and not president else group
            head = (
                f"{who}, {role_text}"
                if president
                else (f"{role_text} in {where}" if is_post else f"{who} as {role_text}")
            )
            if node in replaced:
                before = self.text(self.old.value(replaced[node], _P["role"]) or "")
                detail = (
                    f"in {where}: {before} → {role_text}" if is_post else f"{who}: {before} → {role_text}"
                )
                self.report(out, "role changed", subject, detail, self.sources_of(node, new=True))
            elif not self.old.exists(node):
                change = "president" if president else ("taken" if is_post else "begun")
                period = self.period(build, node, during)
                self.report(
                    out,
                    change,
                    subject,
                    f"{head}, {period}" if period else head,
                    self.sources_of(node, new=True),
                )
            elif node in gone:
                change = "president" if president else "removed"
                self.report(
                    out, change, subject, f"{head}: no longer recorded", self.sources_of(node, new=False)
                )
            else:
                self.tie_changed(
                    node, out, subject, head, during, ("left" if is_post else "ended", president)
                )

    def claim_tie(
        self, node: str, during: str, holder: str, group: str, is_post: bool, *, whole: bool
    ) -> None:
        """Explain a membership's or post's own triples, its period and the links it implies."""
        if whole:
            self.claim(node)
        else:  # only what tie_changed describes: anything else stays for "other changes"
            self.claim(
                node,
                (during, _P["source"], _L["disputedBy"], PREFIXES["skos"] + "editorialNote", _P["label"]),
            )
        for side in (self.old, self.new):
            period = side.value(node, during)
            if period:
                self.claim(period)
        if is_post:
            self.claim(holder, (_P["holds"],), node)
            self.claim(group, (_P["hasPost"],), node)
        else:
            self.claim(holder, _SHORTCUTS, group)
            self.claim(group, _SHORTCUTS, holder)

    def tie_changed(
        self, node: str, out: str, subject: str, head: str, during: str, how: tuple[str, bool]
    ) -> None:
        """A membership or post in both builds: its period, disputes, sources, note, title."""
        ended_word, president = how
        before, after = self.period(self.old, node, during), self.period(self.new, node, during)
        if before != after:
            ended = bool(
                self.new.value(self.new.value(node, during) or "", _P["hasEnd"])
            ) and not self.old.value(self.old.value(node, during) or "", _P["hasEnd"])
            change = ("president" if president else ended_word) if ended else "changed"
            detail = (
                f"{head}, {after}"
                if ended
                else f"{head}: period {before or 'unknown'} → {after or 'unknown'}"
            )
            self.report(out, change, subject, detail, self.sources_of(node, new=True))
        gone_by, new_by = self.delta(node, _L["disputedBy"])
        if new_by:
            against = ", ".join(self.title(url) or url for url in new_by)
            self.report(
                "disputes",
                "raised",
                subject,
                f"{head}, disputed by {against}",
                self.sources_of(node, new=True),
            )
        if gone_by and not self.new.values(node, _L["disputedBy"]):
            self.report(
                "disputes", "settled", subject, f"{head}: no longer disputed", self.sources_of(node, new=True)
            )
        cited = before != after or bool(new_by) or bool(gone_by)  # a line above already names the new pages
        for predicate in (_P["source"], PREFIXES["skos"] + "editorialNote", _P["label"]):
            removed, added = self.delta(node, predicate)
            if (removed or added) and not (cited and predicate == _P["source"] and not removed):
                pages = added if predicate == _P["source"] and added else self.sources_of(node, new=True)
                self.report(
                    out,
                    "changed",
                    subject,
                    f"{head}: {self.changed_values(predicate, removed, added)}",
                    pages,
                )

    # -- identifiers, disputed claims, declared figures, bodies ---------------------------

    def identifiers(self) -> None:
        """Identifiers added, removed or re-sourced, under their owner."""
        for node in self.subjects("identifier"):
            owner = self.owner(node)
            if owner is None:
                continue
            build = self.new if self.new.exists(node) else self.old
            scheme = build.value(node, _P["schemeAgency"]) or "identifier"
            words = f"{scheme} {build.value(node, _P['notation'])}"
            self.claim(node)
            self.claim(owner, (_P["identifier"],), node)
            for item in self.by_subject.get(owner, []):  # the links an identifier implies
                predicate, value = item[1].predicate, item[1].value
                if predicate in (_P["sameAs"], _P["seeAlso"], _P["vatID"]) and not value.startswith(BASE):
                    self.pending.discard(item)
            if not self.old.exists(node):
                self.report("identifiers", "added", owner, words, self.sources_of(node, new=True))
            elif not self.new.exists(node):
                self.report("identifiers", "removed", owner, words, self.sources_of(node, new=False))
            else:
                removed, added = self.delta(node, _P["source"])
                self.report(
                    "identifiers",
                    "changed",
                    owner,
                    f"{words}: {self.changed_values(_P['source'], removed, added)}",
                    self.sources_of(node, new=True),
                )

    def claims(self) -> None:
        """Disputed claims raised or settled, compared by what they claim (their IRIs number them)."""
        found: list[dict[tuple[str, str, str], str]] = [{}, {}]
        for node in self.subjects("claim"):
            self.claim(node)
            for index, build in enumerate((self.old, self.new)):
                key = tuple(
                    build.value(node, _L[p]) or "" for p in ("claimSubject", "claimField", "claimedValue")
                )
                if build.exists(node):
                    found[index][key] = node  # type: ignore[index]
        old, new = found
        for key in sorted(set(old) | set(new)):
            subject, name, value = key
            build, node = (self.new, new[key]) if key in new else (self.old, old[key])
            against = [v.value for v in build.values(node, _L["disputedBy"])]
            pages = ", ".join(self.title(u) or u for u in against) or "no page named"
            detail = f"{name} {value!r}, against {pages}"
            if key not in old:
                self.report("disputes", "raised", subject, detail, self.sources_of(node, new=True))
            elif key not in new:
                self.report(
                    "disputes",
                    "settled",
                    subject,
                    f"{name} {value!r}: no longer claimed",
                    self.sources_of(node, new=False),
                )
            else:
                sides = [
                    {(t.predicate, t.value) for t in b.about(n)}
                    for b, n in ((self.old, old[key]), (self.new, new[key]))
                ]
                if sides[0] != sides[1]:
                    self.report(
                        "disputes",
                        "changed",
                        subject,
                        f"{detail} (its sources changed)",
                        self.sources_of(node, new=True),
                    )

    def figures(self) -> None:
        """Declared sizes (how many members a cluster or association says it has)."""
        for node in self.subjects("figure"):
            owner = self.owner(node)
            if owner is None:
                continue
            self.claim(node)
            self.claim(owner, (_L["declaredSize"],), node)
            group = "clusters" if _kind(owner) == "cluster" else "organisations"

            def words(build: _Build, node: str = node) -> str:
                what = self.it_value(build, node, _L["countOf"])
                return f"{build.value(node, _L['count'])} {what} as of {build.value(node, _L['asOf'])}"

            if not self.old.exists(node):
                self.report(
                    group,
                    "declared size",
                    owner,
                    f"{words(self.new)} (new figure)",
                    self.sources_of(node, new=True),
                )
            elif not self.new.exists(node):
                self.report(
                    group,
                    "declared size",
                    owner,
                    f"{words(self.old)}: no longer recorded",
                    self.sources_of(node, new=False),
                )
            elif words(self.old) != words(self.new):
                self.report(
                    group,
                    "declared size",
                    owner,
                    f"{words(self.old)} → {words(self.new)}",
                    self.sources_of(node, new=True),
                )
            else:
                self.report(
                    group,
                    "declared size",
                    owner,
                    f"{words(self.new)}: sources or note changed",
                    self.sources_of(node, new=True),
                )

    def units(self) -> None:
        """A cluster's governing bodies."""
        for node in self.subjects("unit"):
            owner = self.owner(node)
            if owner is None:
                continue
            self.claim(node)
            self.claim(owner, (_P["hasUnit"],), node)
            name = self.label(node) or node
            if not self.old.exists(node):
                self.report("clusters", "body", owner, f"{name} (new)", self.sources_of(node, new=True))
            elif not self.new.exists(node):
                self.report(
                    "clusters", "body", owner, f"{name}: no longer recorded", self.sources_of(node, new=False)
                )
            else:
                self.report(
                    "clusters",
                    "body",
                    owner,
                    f"{name}: name or sources changed",
                    self.sources_of(node, new=True),
                )

    # -- clusters, organisations, people, acts, themes, sources -----------------------------

    def entities(self) -> None:
        """Records of their own: added, removed, renamed, retyped, status, or changed fields."""
        groups = {
            "cluster": "clusters",
            "organisation": "organisations",
            "person": "people",
            "act": "acts",
            "concept": "other",
            "scheme": "other",
            "page": "sources",
        }
        for subject in list(self.by_subject):
            group = groups.get(_kind(subject))
            if group is None or not (self.old.exists(subject) or self.new.exists(subject)):
                continue
            items = [
                i for i in self.by_subject[subject] if i in self.pending and i[1].predicate not in _IMPLIED
            ]
            if not items:
                continue
            if group == "sources" and _P["Document"] not in {
                t.value for b in (self.old, self.new) for t in b.about(subject) if t.predicate == _P["type"]
            }:
                continue  # a page that is not a source record: left to "other changes"
            self.pending.difference_update(items)
            self.entity(subject, group, items)

    def kinds(self, build: _Build, subject: str) -> str:
        """What a record is, in words: its most specific classes ('impresa', 'bando', 'person')."""
        types = [v.value for v in build.values(subject, _P["type"]) if v.value not in _SUPERCLASSES]
        ours = [t for t in types if t.startswith(LKG_NS)] or types
        return ", ".join(sorted(_CLASSES.get(t) or self.text(t) for t in ours)) or "organisation"

    def entity(self, subject: str, group: str, items: list[tuple[bool, _Triple]]) -> None:
        """Report one record from its differing triples that no other rule explained (``items``)."""
        if not self.old.exists(subject):
            detail = self.kinds(self.new, subject)
            extra = [
                self.text(v)
                for p in (
                    _L["recognitionStatus"],
                    _L["city"],
                    PREFIXES["eli"] + "id_local",
                    PREFIXES["eli"] + "date_document",
                )
                for v in [self.new.value(subject, p)]
                if v
            ]
            detail = ", ".join([detail, *extra])
            pages = [subject] if group == "sources" else self.sources_of(subject, new=True)
            self.report(group, "added", subject, subject if group == "sources" else detail, pages)
            return
        if not self.new.exists(subject):
            pages = [subject] if group == "sources" else self.sources_of(subject, new=False)
            self.report(
                group,
                "removed",
                subject,
                subject if group == "sources" else self.kinds(self.old, subject),
                pages,
            )
            return
        pages = [subject] if group == "sources" else self.sources_of(subject, new=True)
        rest: list[str] = []
        for predicate in sorted({t.predicate for _, t in items}):
            removed = [t.value for is_added, t in items if t.predicate == predicate and not is_added]
            added = [t.value for is_added, t in items if t.predicate == predicate and is_added]
            if predicate == _P["label"] and group != "sources":
                before, after = (
                    self.it_value(self.old, subject, predicate),
                    self.it_value(self.new, subject, predicate),
                )
                if before != after:
                    self.report(group, "renamed", subject, f"{before!r} → {after!r}", pages)
                    removed, added = [v for v in removed if v != before], [v for v in added if v != after]
            elif predicate == _P["type"]:
                before, after = self.kinds(self.old, subject), self.kinds(self.new, subject)
                if before != after:
                    self.report(group, "retyped", subject, f"{before} → {after}", pages)
                continue
            elif predicate == _L["recognitionStatus"]:
                self.report(group, "status", subject, self.changed_values(predicate, removed, added), pages)
                continue
            if removed or added:
                rest.append(self.changed_values(predicate, removed, added))
        if rest:
            self.report(group, "changed", subject, "; ".join(rest), pages)

    # -- what is left ---------------------------------------------------------------------

    def derived(self) -> None:
        """Dates, seats, provinces and publishers: explained by the changed triples that point at them."""
        for subject in list(self.by_subject):
            if _kind(subject) in _DERIVED_KINDS and self.by_object.get(subject):
                self.claim(subject)

    def leftovers(self) -> None:
        """Every triple no rule explained, in words, under "other changes"."""
        left: dict[str, list[tuple[bool, _Triple]]] = defaultdict(list)
        for item in self.pending:
            left[item[1].subject].append(item)
        for subject, items in left.items():
            parts = [
                f"{self.word(t.predicate)} {self.text(t.value)!r} " + ("added" if is_added else "removed")
                for is_added, t in sorted(items, key=lambda i: (i[1].predicate, not i[0], i[1].value))
            ]
            pages = self.sources_of(subject, new=True) or self.sources_of(subject, new=False)
            self.report("other", "unclassified", subject, "; ".join(parts), pages)
        self.pending.clear()

    def run(self) -> list[Change]:
        self.ties("membership")
        self.ties("post")
        self.identifiers()
        self.claims()
        self.figures()
        self.units()
        self.entities()
        self.derived()
        self.leftovers()
        groups, order = list(GROUPS), {name: i for i, name in enumerate(_ORDER)}

        def key(c: Change) -> tuple[int, int, str, str]:
            return groups.index(c.group), order.get(c.change, len(order)), str(c.subject).casefold(), c.detail

        return sorted(self.changes, key=key)


# -- the two sides --------------------------------------------------------------------------


def _git(top: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(top), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise KgError([Problem(None, None, "git", "git is not installed: a revision needs it")]) from None


def _build_revision(revision: str, data_dir: Path, cwd: Path, into: Path) -> Path:
    """Export ``data_dir`` of ``revision`` into ``into`` and build it there with the current code."""
    from kg.build import write_build

    found = _git(cwd, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        why = f"neither a build folder nor a revision: {cwd.resolve()} is not in a git repository"
        raise KgError([Problem(None, None, revision, why)])
    top = Path(found.stdout.decode().strip())
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if commit.returncode != 0:
        why = "neither a build folder (with kg.nt) nor a revision of the repository"
        raise KgError([Problem(None, None, revision, why)])
    try:
        inside = (cwd / data_dir).resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise KgError(
            [Problem(None, None, "--data", f"{data_dir} is not inside the repository {top}")]
        ) from None
    archive = _git(top, "archive", "--format=tar", commit.stdout.decode().strip(), "--", inside)
    if archive.returncode != 0:
        raise KgError([Problem(None, None, revision, f"this revision has no {inside}/ folder")])
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    try:
        write_build(into / inside, into / "build")
    except KgError as error:
        problems = [
            Problem(Path(f"{revision}:{p.path.relative_to(into).as_posix()}"), p.line, p.field, p.message)
            if p.path is not None and p.path.is_relative_to(into)
            else p
            for p in error.problems
        ]
        headline = f"{revision}: the data of this revision fails the checks of the current code:"
        raise KgError(problems, headline=headline) from None
    return into / "build"


def _side(spec: str, data_dir: Path, cwd: Path, stack: ExitStack) -> _Build:
    folder = cwd / spec
    if folder.is_dir():
        if not (folder / "kg.nt").is_file():
            why = "missing build file (a build folder is made by kg build --out DIR)"
            raise KgError([Problem(folder / "kg.nt", None, "-", why)])
        return _Build(folder / "kg.nt")
    into = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-diff-")))
    return _Build(_build_revision(spec, data_dir, cwd, into) / "kg.nt")


def diff(
    old: str, new: str | None = None, *, data_dir: Path | str = "data", cwd: Path | str | None = None
) -> Diff:
    """The changes in the ecosystem between two builds, each a build folder or a git revision.

    Parameters
    ----------
    old, new : str
        A build folder (holding kg.nt) or a git revision of the repository around ``cwd``
        (``HEAD~5``, a tag, a commit); ``old`` may be a range ``OLD..NEW`` when ``new`` is
        not given. A revision's ``data_dir`` is exported into a temporary folder and built
        there with the current code, then removed.
    data_dir : pathlib.Path or str, default "data"
        Where the curated YAML is in the repository (relative to ``cwd``).
    cwd : pathlib.Path or str, optional
        Where to look for the folders and the repository; the current folder by default.

    Returns
    -------
    Diff
        The changes, grouped and sorted, each with its sources.

    Raises
    ------
    KgError
        A side that is neither a build folder nor a revision, a build folder without
        kg.nt, a revision without data or whose data fails the checks, no git.

    Examples
    --------
    >>> import tempfile
    >>> from kg.build import write_build
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_build(Path(__file__).parent.parent / "tests/fixtures/good/data", folder / "a")
    >>> diff(str(folder / "a"), str(folder / "a")).changes
    []
    """
    if new is None:
        if ".." not in old or "..." in old:
            raise KgError([Problem(None, None, "NEW", "give two sides, OLD NEW, or a range OLD..NEW")])
        old, new = (side or "HEAD" for side in old.split("..", 1))
    with ExitStack() as stack:
        sides = [_side(spec, Path(data_dir), Path(cwd or "."), stack) for spec in (old, new)]
        differ = _Differ(*sides)
        return Diff(old, new, differ.run(), len(differ.removed), len(differ.added))


# -- output ---------------------------------------------------------------------------------


def _md(text: str) -> str:
    for char in "\\*_[]<>|`":
        text = text.replace(char, "\\" + char)
    return text


def render_diff(result: Diff, fmt: str = "table") -> str:
    """The changes as a terminal table, Markdown release notes or JSON.

    Examples
    --------
    >>> lumson = Named("https://w3id.org/lombardia-kg/id/organisation/lumson", "Lumson")
    >>> page = Named("https://example.org/release", "A press release")
    >>> d = Diff("v1", "v2", [Change("organisations", "added", lumson, "impresa", (page,))], 0, 5)
    >>> print(render_diff(d, "md"))
    ## Changes in the ecosystem: v1 → v2
    <BLANKLINE>
    1 change (5 triples added, 0 removed).
    <BLANKLINE>
    ### Organisations
    <BLANKLINE>
    - **Lumson**, added: impresa ([A press release](https://example.org/release))
    """
    if fmt == "json":
        changes = [
            {
                "group": c.group,
                "change": c.change,
                "subject": c.subject.iri,
                "subject_label": c.subject.label,
                "detail": c.detail,
                "sources": [{"url": s.iri, "title": s.label} for s in c.sources],
            }
            for c in result.changes
        ]
        body = {
            "old": result.old,
            "new": result.new,
            "triples_removed": result.removed,
            "triples_added": result.added,
        }
        return json.dumps({**body, "changes": changes}, ensure_ascii=False, indent=2)
    count = len(result.changes)
    summary = (
        f"{count} change{'s' if count != 1 else ''} ({result.added} triples added, {result.removed} removed)."
        if count
        else "No change in the ecosystem: the two builds hold the same triples."
    )
    if fmt == "table":
        rows: list[list[Cell]] = [
            [GROUPS[c.group], c.change, c.subject, c.detail, "; ".join(map(str, c.sources))]
            for c in result.changes
        ]
        table = render(["group", "change", "subject", "detail", "source"], rows) if rows else ""
        return "\n".join(filter(None, [f"{result.old} → {result.new}: {summary}", table]))
    if fmt != "md":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(DIFF_FORMATS)}")
    lines = [f"## Changes in the ecosystem: {_md(result.old)} → {_md(result.new)}", "", summary]
    for group, heading in GROUPS.items():
        chosen = [c for c in result.changes if c.group == group]
        if chosen:
            lines += ["", f"### {heading}", ""]
        for c in chosen:
            pages = "; ".join(f"[{_md(s.label or s.iri)}]({s.iri})" for s in c.sources) or "no source"
            lines.append(f"- **{_md(str(c.subject))}**, {c.change}: {_md(c.detail)} ({pages})")
    return "\n".join(lines)
