"""OWL 2 reasoning with owlready2 and HermiT: consistency, plain-words causes, inferred facts.

The reasoner reads ontology/lkg.ttl and the build's kg.nt. HermiT accepts only the
datatypes of the OWL 2 datatype map, and ``xsd:date``, ``xsd:gYear`` and
``xsd:gYearMonth`` are not in it, so the reasoner is given a view of the graph without
date literals (they take part in no axiom of the ontology). When HermiT finds the graph
inconsistent it names no culprit, so `reason` looks for the known causes itself (an
individual of two disjoint classes; a person where the ontology allows only
organisations) and reports each at its YAML record when the data directory is there.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.rdf import Origin
from kg.vocab import BASE, PREFIXES, compact, ontology_dir

__all__ = ["Reasoning", "reason", "write_inferred"]

RDF_TYPE = PREFIXES["rdf"] + "type"
SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
# Datatypes outside the OWL 2 datatype map, which HermiT refuses.
NOT_OWL2 = {XSD + "date", XSD + "gYear", XSD + "gYearMonth"}


@dataclass
class Reasoning:
    """What the reasoner found."""

    consistent: bool
    problems: list[Problem] = field(default_factory=list)
    unsatisfiable: list[str] = field(default_factory=list)
    inferred: list[ox.Triple] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        """Inferred types and property values, counted by type or property."""
        counts: dict[str, int] = defaultdict(int)
        for triple in self.inferred:
            if triple.predicate.value == RDF_TYPE:
                counts[f"a {compact(_v(triple.object))}"] += 1  # type: ignore[union-attr]
            else:
                counts[compact(triple.predicate.value)] += 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def report(self, *, show: bool = False) -> str:
        """What `kg reason` prints of a consistent graph; with ``show``, every inferred triple too."""
        lines = [f"consistent (HermiT, {self.seconds:.1f} s)"]
        lines += [f"unsatisfiable class: {cls}" for cls in self.unsatisfiable]
        lines.append(f"{len(self.inferred)} inferred triples")
        lines += [f"  {what:<40}{count}" for what, count in self.counts().items()]
        if show:
            for triple in self.inferred:
                parts = (triple.subject, triple.predicate, triple.object)
                lines.append(" ".join(compact(_v(term)) for term in parts))
        return "\n".join(lines)


def check(
    build_dir: Path | str, *, data_dir: Path | str | None = None, write: bool = False, show: bool = False
) -> str:
    """Reason over a build (`reason`), save the inferred triples if asked, and report.

    The one path behind ``kg reason`` and ``kg build --reason``.

    Raises
    ------
    KgError
        When the graph is inconsistent (each cause at its record), or Java is missing.
    """
    result = reason(build_dir, data_dir=data_dir)
    if not result.consistent:
        raise KgError(result.problems, headline="The graph is inconsistent:")
    text = result.report(show=show)
    if write:
        text += f"\nwrote {write_inferred(result, build_dir)}"
    return text


def _v(term: object) -> str:
    """The text of a term (its IRI or value)."""
    return str(getattr(term, "value", term))


def _java() -> str:
    """The Java program owlready2 will run (``owlready2.JAVA_EXE``, ``java`` on the PATH by default)."""
    import owlready2

    java = shutil.which(owlready2.JAVA_EXE)
    if java is None:
        named = (
            "" if owlready2.JAVA_EXE == "java" else f" (owlready2.JAVA_EXE {owlready2.JAVA_EXE!r} is missing)"
        )
        raise KgError(
            [
                Problem(
                    None,
                    None,
                    "java",
                    f"HermiT needs Java 17: apt-get install openjdk-17-jre-headless{named}",
                )
            ]
        )
    return java


def _view(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples HermiT can read: no literal of a datatype outside the OWL 2 map."""
    return [
        t for t in triples if not (isinstance(t.object, ox.Literal) and t.object.datatype.value in NOT_OWL2)
    ]


def _ontology_triples() -> list[ox.Triple]:
    from kg.shapes import read_turtle

    return read_turtle(ontology_dir() / "lkg.ttl")


def reason(build_dir: Path | str, *, data_dir: Path | str | None = None, memory_mb: int = 2000) -> Reasoning:
    """Run HermiT over the ontology and the build; explain an inconsistency in plain words.

    Parameters
    ----------
    build_dir : pathlib.Path or str
        Holds kg.nt.
    data_dir : pathlib.Path or str, optional
        The curated YAML the build came from, to point each cause at its record.
    memory_mb : int
        Java heap for HermiT.

    Raises
    ------
    KgError
        When Java is missing or the build is not there.
    """
    import time

    import owlready2

    _java()  # after the import: owlready2 sets JAVA_EXE when it loads
    source = Path(build_dir) / "kg.nt"
    if not source.is_file():
        raise KgError([Problem(source, None, "-", "no build here; run `kg build` first")])
    try:
        data = list(ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as error:
        from kg.store import damaged

        raise KgError([damaged(source, error, ox.RdfFormat.N_TRIPLES)]) from None
    ontology = _ontology_triples()
    owlready2.reasoning.JAVA_MEMORY = memory_mb
    world = owlready2.World()
    with tempfile.TemporaryDirectory() as folder:
        for name, triples in (("ontology.nt", ontology), ("data.nt", _view(data))):
            ox.serialize(triples, str(Path(folder) / name), ox.RdfFormat.N_TRIPLES)
        world.get_ontology(Path(folder, "ontology.nt").as_uri()).load(format="ntriples")
        world.get_ontology(Path(folder, "data.nt").as_uri()).load(format="ntriples")
        inferred = world.get_ontology("https://w3id.org/lombardia-kg/inferred/")
        start = time.perf_counter()
        try:
            with inferred:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            problems = explain(data, ontology, data_dir)
            return Reasoning(False, problems=problems, seconds=time.perf_counter() - start)
        except (owlready2.OwlReadyJavaError, OSError) as error:  # Java started but failed, or vanished
            text = str(error).removeprefix("Java error message is:")  # owlready2's heading
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            message = lines[-1] if lines else type(error).__name__
            raise KgError([Problem(None, None, "java", f"HermiT failed in Java: {message}")]) from None
        seconds = time.perf_counter() - start
        unsatisfiable = sorted(
            str(c.iri) for c in world.inconsistent_classes() if str(c.iri) != OWL + "Nothing"
        )
        asserted = {(_v(t.subject), t.predicate.value, _v(t.object)) for t in data}
        triples = _entailed_types(world, {_v(t.subject) for t in data if _v(t.subject).startswith(BASE)})
        for s, p, o in inferred.get_triples():
            subject, predicate = world._unabbreviate(s), world._unabbreviate(p)
            if not isinstance(o, int) or o < 0 or not subject.startswith(BASE):
                continue  # literals and blank nodes: not facts of ours
            obj = world._unabbreviate(o)
            if obj in (OWL + "Thing", OWL + "NamedIndividual") or (subject, predicate, obj) in asserted:
                continue
            triples.append(ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), ox.NamedNode(obj)))
    fresh = {t for t in triples if (_v(t.subject), t.predicate.value, _v(t.object)) not in asserted}
    return Reasoning(True, unsatisfiable=unsatisfiable, inferred=sorted(fresh, key=str), seconds=seconds)


def _entailed_types(world: object, subjects: set[str]) -> list[ox.Triple]:
    """Every class each individual belongs to after classification, superclasses included.

    owlready2 reports only the most specific new types; the graph gets them all, so a
    query for organisations finds a university without knowing the class tree.
    """
    import owlready2

    triples = []
    for subject in sorted(subjects):
        entity = world[subject]  # type: ignore[index]
        if not isinstance(entity, owlready2.Thing):
            continue
        for cls in entity.INDIRECT_is_a:
            if isinstance(cls, owlready2.ThingClass) and cls is not owlready2.Thing:
                triples.append(
                    ox.Triple(ox.NamedNode(subject), ox.NamedNode(RDF_TYPE), ox.NamedNode(cls.iri))
                )
    return triples


def _closure(ontology: list[ox.Triple]) -> dict[str, set[str]]:
    """Every class with all its superclasses (itself included)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for t in ontology:
        if t.predicate.value == SUBCLASS and isinstance(t.object, ox.NamedNode):
            parents[_v(t.subject)].add(_v(t.object))
    closure: dict[str, set[str]] = {}

    def up(cls: str) -> set[str]:
        if cls not in closure:
            closure[cls] = {cls}
            for parent in parents.get(cls, ()):
                closure[cls] |= up(parent)
        return closure[cls]

    for cls in list(parents):
        up(cls)
    return defaultdict(set, closure)


def _disjoint_pairs(ontology: list[ox.Triple]) -> set[frozenset[str]]:
    """Pairs of classes the ontology declares disjoint (owl:disjointWith, owl:AllDisjointClasses)."""
    pairs: set[frozenset[str]] = set()
    first, rest = PREFIXES["rdf"] + "first", PREFIXES["rdf"] + "rest"
    links = {(t.subject, t.predicate.value): t.object for t in ontology}
    for t in ontology:
        if t.predicate.value == OWL + "disjointWith":
            pairs.add(frozenset((_v(t.subject), _v(t.object))))
        if t.predicate.value == OWL + "members":
            members, node = [], t.object
            while isinstance(node, (ox.BlankNode, ox.NamedNode)) and (node, first) in links:
                members.append(_v(links[(node, first)]))
                node = links[(node, rest)]
            pairs |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :]}
    return pairs


def _label(data: list[ox.Triple], subject: str) -> str:
    label = PREFIXES["rdfs"] + "label"
    names = [_v(t.object) for t in data if _v(t.subject) == subject and t.predicate.value == label]
    return names[0] if names else compact(subject)


def explain(
    data: list[ox.Triple], ontology: list[ox.Triple], data_dir: Path | str | None = None
) -> list[Problem]:
    """The causes of an inconsistency that the graph shows, in plain words, each at its record."""
    closure = _closure(ontology)
    disjoint = _disjoint_pairs(ontology)
    types: dict[str, set[str]] = defaultdict(set)
    for t in data:
        if t.predicate.value == RDF_TYPE:
            types[_v(t.subject)].add(_v(t.object))
    # org:memberOf's objects and a cluster's members must be organisations (lkg:Cluster axiom)
    member_of = PREFIXES["org"] + "memberOf"
    person = PREFIXES["foaf"] + "Person"
    found: list[tuple[str, str]] = []
    for subject, declared in sorted(types.items()):
        every = set().union(*(closure[c] | {c} for c in declared))
        for pair in sorted(disjoint, key=sorted):
            a, b = sorted(pair)
            if a in every and b in every:
                why_a = next(c for c in sorted(declared) if a in closure[c] | {c})
                why_b = next(c for c in sorted(declared) if b in closure[c] | {c})
                found.append(
                    (
                        subject,
                        f"'{_label(data, subject)}' is typed both {compact(why_a).split(':')[-1]}"
                        f" and {compact(why_b).split(':')[-1]}, which are disjoint"
                        + (f" ({compact(a)} and {compact(b)})" if (why_a, why_b) != (a, b) else ""),
                    )
                )
                break
    for t in data:
        if t.predicate.value == member_of and person in types.get(_v(t.subject), set()):
            found.append(
                (
                    _v(t.subject),
                    f"'{_label(data, _v(t.subject))}' is a person but is made a member"
                    f" of '{_label(data, _v(t.object))}', whose members are organisations",
                )
            )
    unread: list[Problem] = []
    try:
        origins = _origins(data_dir)
    except KgError as error:  # the data changed since the build: its own problems, at their lines
        origins, unread = {}, error.problems
    problems = []
    for subject, message in found:
        origin = origins.get(subject)
        if origin is not None:
            from kg.model import problem_at

            field_name = "type" if "typed both" in message else "id"
            problems.append(problem_at(origin.record, (*origin.loc, field_name), message))
        else:
            problems.append(Problem(None, None, compact(subject), message))
    if not problems:
        problems.append(
            Problem(
                None,
                None,
                "reason",
                "HermiT finds the graph inconsistent; no single known cause"
                " (two disjoint types, a person as a member) shows in the data",
            )
        )
    return problems + unread


def _origins(data_dir: Path | str | None) -> dict[str, Origin]:
    """Where each resource was curated, when the data directory is at hand.

    Raises
    ------
    KgError
        With the data's problems, when the data directory no longer loads.
    """
    if data_dir is None or not Path(data_dir).is_dir():
        return {}
    from kg.model import load_data
    from kg.rdf import to_triples

    _, origins = to_triples(load_data(data_dir))
    return dict(origins)


def write_inferred(result: Reasoning, build_dir: Path | str) -> Path:
    """Save the inferred triples as BUILD/inferred.ttl, which queries load with the build."""
    from kg.build import serialize
    from kg.files import atomic_write

    return atomic_write(Path(build_dir) / "inferred.ttl", serialize(result.inferred, ox.RdfFormat.TURTLE))
