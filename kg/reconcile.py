"""``kg reconcile``: organisations that are likely one, or a part and its whole, with the evidence.

As curators add organisations from many pages, the same organisation creeps in under two
names ("Lumson" and "Lumson S.p.A.", an acronym and the full name) and a department
appears beside its university. The loader already refuses two records with the same
normalised name or the same identifier; this finds what it cannot be sure of and leaves
the decision to a curator, who records it on one of the two records::

    same_as:        [{organisation: other-id, sources: [...]}]   # one organisation
    distinct_from:  [{organisation: other-id, note: "..."}]      # two, despite the names
    part_of: other-id                                            # a part and its whole

and a decided pair is never suggested again. Candidate pairs are found through shared
name words (an index, not every pair), so the cost grows with the number of organisations
that share a word, not with its square.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from kg.model import Dataset, Organisation, normalise_name

__all__ = ["Suggestion", "render_suggestions", "suggest"]

LEGAL_FORMS = {
    "spa", "s", "p", "a", "srl", "r", "l", "scarl", "sc", "scrl", "snc", "sas", "soc", "coop",
    "societa", "per", "azioni", "cooperativa", "consortile", "responsabilita", "limitata",
    "group", "gruppo", "holding", "italia", "italy", "ltd", "inc", "gmbh", "ag", "sa", "bv", "nv",
}  # fmt: skip
"""Words that do not tell two organisations apart (legal forms, "group", "Italia")."""

STOP = {
    "di",
    "del",
    "della",
    "dei",
    "degli",
    "delle",
    "e",
    "ed",
    "the",
    "of",
    "and",
    "for",
    "per",
    "la",
    "il",
    "lo",
}
PARTS = re.compile(
    r"^(dipartimento|department|dip|dg|direzione generale|facolta|faculty|scuola|school|istituto|institute"
    r"|laboratorio|lab|centro|centre|center|sede|campus)\b"
)
"""Names that open this way name a unit of something else."""


@dataclass
class Suggestion:
    """Two organisations and why they may be one (``kind`` "same") or a part and its whole ("part")."""

    first: str
    second: str
    kind: str
    score: float
    evidence: list[str] = field(default_factory=list)


def _words(name: str) -> list[str]:
    return [w for w in normalise_name(name).split() if w not in STOP]


def _core(name: str) -> str:
    """The name without legal forms and filler words: "Lumson S.p.A." -> "lumson"."""
    return " ".join(w for w in _words(name) if w not in LEGAL_FORMS)


def _acronym(name: str) -> str:
    """Initials of the significant words: "Politecnico di Milano" -> "pm"."""
    return "".join(w[0] for w in _words(name) if w not in LEGAL_FORMS)


def _names(record: Organisation) -> list[str]:
    names = [record.label, *record.alt_labels]
    if record.label_en:
        names.append(record.label_en)
    return names


def _decided(data: Dataset) -> set[frozenset[str]]:
    pairs: set[frozenset[str]] = set()
    for org in data.organisations:
        for decision in (*org.same_as, *org.distinct_from):
            pairs.add(frozenset((org.id, decision.organisation)))
        if org.part_of:
            pairs.add(frozenset((org.id, org.part_of)))
    return pairs


def _is_unit(org: Organisation) -> bool:
    return any(PARTS.match(_core(name)) for name in _names(org))


def _compare(a: Organisation, b: Organisation) -> Suggestion | None:
    both_units = _is_unit(a) and _is_unit(b)  # two departments are not parts of each other
    evidence: list[str] = []
    score = 0.0
    unit: tuple[str, str] | None = None  # (part, whole) when one looks like a unit of the other
    for name_a in _names(a):
        for name_b in _names(b):
            core_a, core_b = _core(name_a), _core(name_b)
            if not core_a or not core_b:
                continue
            if core_a == core_b:
                evidence.append(f"'{name_a}' and '{name_b}' differ only in legal form or filler words")
                score = max(score, 0.95)
                continue
            ratio = difflib.SequenceMatcher(None, core_a, core_b).ratio()
            if ratio >= 0.9:
                evidence.append(f"'{name_a}' and '{name_b}' are spelt alike ({ratio:.0%})")
                score = max(score, ratio * 0.9)
            short, long_ = sorted((core_a, core_b), key=len)
            if len(short) >= 2 and " " not in short and short == _acronym(long_) and len(long_.split()) >= 2:
                evidence.append(
                    f"'{short.upper()}' is the initials of '{name_b if short == core_a else name_a}'"
                )
                score = max(score, 0.8)
            for part, whole, part_name, whole_name, ids in (
                (core_a, core_b, name_a, name_b, (a.id, b.id)),
                (core_b, core_a, name_b, name_a, (b.id, a.id)),
            ):
                if not both_units and PARTS.match(part) and part.endswith(" " + whole):
                    evidence.append(f"'{part_name}' looks like a unit of '{whole_name}'")
                    unit = ids
                    score = max(score, 0.75)
    if not evidence:
        return None
    first, second = unit or (a.id, b.id)
    return Suggestion(first, second, "part" if unit else "same", round(score, 2), sorted(set(evidence)))


def suggest(data: Dataset, *, min_score: float = 0.7) -> list[Suggestion]:
    """Pairs of organisations that may be one, or a part and its whole, best first.

    Examples
    --------
    >>> from pathlib import Path
    >>> from kg.model import Organisation
    >>> a = Organisation(id="lumson", label="Lumson", type="company", sources=["s"])
    >>> b = Organisation(id="lumson-spa", label="Lumson S.p.A.", type="company", sources=["s"])
    >>> [(s.first, s.second, s.kind) for s in suggest(Dataset(root=Path("."), organisations=[a, b]))]
    [('lumson', 'lumson-spa', 'same')]
    """
    decided = _decided(data)
    by_word: dict[str, list[int]] = defaultdict(list)
    organisations = data.organisations
    for index, org in enumerate(organisations):
        keys = {w for name in _names(org) for w in _core(name).split()} | {
            _acronym(name) for name in _names(org) if len(_core(name).split()) >= 2
        }
        for key in keys:
            by_word[key].append(index)
    seen: set[tuple[int, int]] = set()
    found: list[Suggestion] = []
    for indices in by_word.values():
        if len(indices) > 200:  # a word shared by hundreds of names ("lombardia") tells nothing
            continue
        for i, left in enumerate(indices):
            for right in indices[i + 1 :]:
                pair = (min(left, right), max(left, right))
                if pair in seen:
                    continue
                seen.add(pair)
                a, b = organisations[pair[0]], organisations[pair[1]]
                if frozenset((a.id, b.id)) in decided:
                    continue
                suggestion = _compare(a, b)
                if suggestion is not None and suggestion.score >= min_score:
                    found.append(suggestion)
    return sorted(found, key=lambda s: (-s.score, s.first, s.second))


def render_suggestions(found: list[Suggestion], fmt: str = "table") -> str:
    """The suggested pairs with their kind, score and evidence, in ``fmt`` (see `kg.tables`)."""
    from kg.tables import render

    rows = [[s.first, s.second, s.kind, f"{s.score:.2f}", "; ".join(s.evidence)] for s in found]
    return render(["first", "second", "kind", "score", "evidence"], rows, fmt)
