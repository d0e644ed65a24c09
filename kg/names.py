"""Names as people type them: one normal form, one suggester, one resolver for the package.

A curator, a ``--param`` value and a ``kg network`` argument all name things the same
way: by id (slug), by IRI, or by any of the record's names (label, English label, alt
labels, acronym), with case, accents, punctuation and spacing ignored. A name that
matches nothing gets suggestions: a known alias first, then an abbreviation (``polimi``
for *Politecnico di Milano*), then close spellings.

Only the standard library and `kg.errors`: every module may use this one.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from kg.errors import KgError, Problem

__all__ = ["LEGAL_FORMS", "bare_name", "did_you_mean", "normalise_name", "resolve", "slugify", "suggest"]


def slugify(text: str) -> str:
    """A readable ASCII slug for a name.

    Examples
    --------
    >>> slugify("Università degli Studi di Milano-Bicocca")
    'universita-degli-studi-di-milano-bicocca'
    """
    # punctuation and symbols of any script (en dash, curly quote) separate words; casefold, then
    # upper, so that letters without an ASCII decomposition still find one ("ß" -> "SS", "ı" -> "I")
    spaced = "".join(" " if unicodedata.category(ch)[0] in "PZS" else ch for ch in text.casefold().upper())
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@functools.lru_cache(maxsize=1 << 18)  # the same names are compared again and again
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


LEGAL_FORMS = frozenset(
    {
        "spa",
        "s p a",
        "srl",
        "s r l",
        "srls",
        "sas",
        "snc",
        "scarl",
        "s c a r l",
        "scrl",
        "sc",
        "soc coop",
        "societa cooperativa",
        "societa per azioni",
        "ets",
        "onlus",
        "aps",
        "odv",
        "gmbh",
        "ag",
        "ltd",
        "inc",
        "sa",
    }
)
"""Legal forms a name may carry at its end (normalised), which do not tell two organisations apart."""


@functools.lru_cache(maxsize=1 << 16)
def bare_name(text: str) -> str:
    """`normalise_name` without a trailing legal form: the form under which ingest matches names.

    Examples
    --------
    >>> bare_name("Lumson S.p.A."), bare_name("Regi srl"), bare_name("Wise Spa")
    ('lumson', 'regi', 'wise')
    >>> bare_name("SpA")  # a name that is only a legal form stays as it is
    'spa'
    """
    name = normalise_name(text)
    words = name.split()
    for size in (3, 2, 1):  # "s p a" before "a"
        if len(words) > size and " ".join(words[-size:]) in LEGAL_FORMS:
            return " ".join(words[:-size])
    return name


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


MANY = 5_000
"""Above this many names, close spellings are sought among those of similar length and first letter."""


def suggest(
    value: str,
    candidates: Iterable[str],
    *,
    aliases: Mapping[str, str] | None = None,
    n: int = 3,
    cutoff: float = 0.6,
) -> list[str]:
    """What the user may have meant by ``value``: at most ``n`` of the known names.

    Parameters
    ----------
    value : str
        The name that matched nothing.
    candidates : iterable of str
        The names to offer (ids, labels, keys), compared by spelling.
    aliases : mapping of str to str, optional
        Normalised name (see `normalise_name`) -> what to offer for it. A value that is
        one of these names, or abbreviates one (``polimi``), is offered that.
    n : int, default 3
        How many suggestions at most.
    cutoff : float, default 0.6
        How close (0 to 1, `difflib` ratio) a spelling must be.

    Returns
    -------
    list of str
        The alias the value names; else the names it abbreviates (when no more than
        ``n``); else the closest spellings, closest first. Empty when nothing is close.

    Examples
    --------
    >>> names = {"politecnico di milano": "politecnico-di-milano", "lumson": "lumson"}
    >>> suggest("Politecnico  di Milano", names.values(), aliases=names)
    ['politecnico-di-milano']
    >>> suggest("polimi", names.values(), aliases=names)
    ['politecnico-di-milano']
    >>> suggest("lumsn", ["lumson", "regi"])
    ['lumson']
    >>> suggest("xyz", ["lumson"])
    []
    """
    if aliases:
        alias = aliases.get(normalise_name(value))
        if alias:
            return [alias]
        short = slugify(value).replace("-", "")
        if len(short) >= 3:
            # an abbreviation starts with its name's first letter: only those names are tried
            found = sorted(
                {
                    known
                    for name, known in aliases.items()
                    if name[:1] == short[0] and _abbreviates(short, name.split())
                }
            )
            if 0 < len(found) <= n:
                return found
    pool = sorted(set(candidates))
    if len(pool) > MANY:
        # difflib compares every name; among many, keep those of a similar length and first letter
        first, size = value[:1].casefold(), len(value)
        pool = [c for c in pool if c[:1].casefold() == first and abs(len(c) - size) <= size // 3 + 1]
    return difflib.get_close_matches(value, pool, n=n, cutoff=cutoff)


def did_you_mean(options: Sequence[str]) -> str:
    """`` (did you mean 'a' or 'b'?)`` for a message, or nothing when there is no option.

    Examples
    --------
    >>> did_you_mean(["afil", "aft"])
    " (did you mean 'afil' or 'aft'?)"
    >>> did_you_mean([])
    ''
    """
    if not options:
        return ""
    return " (did you mean " + " or ".join(repr(option) for option in options) + "?)"


def _slug(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def resolve(
    value: str,
    entries: Mapping[str, Collection[str]],
    *,
    what: str,
    field: str,
    source: Path | None = None,
) -> str:
    """The key (an IRI) that ``value`` names among ``entries``.

    Tried in order: the key itself; the slug (the key's last path segment); any of the
    entry's names, equal after `normalise_name`.

    Parameters
    ----------
    value : str
        What the user typed: an IRI, an id or a name.
    entries : mapping of str to collection of str
        Key -> its names (slug, label, English label, alt labels, acronym).
    what : str
        What is named, for messages: ``organisation``, ``cluster``, ...
    field : str
        The problem's field: ``name``, ``--param cluster``.
    source : pathlib.Path, optional
        The problem's file, if the value came from one.

    Returns
    -------
    str
        The one key named.

    Raises
    ------
    KgError
        When several entries carry the name (listing their slugs), or none does
        (with suggestions).

    Examples
    --------
    >>> entries = {
    ...     "https://x/org/polimi": ["Politecnico di Milano", "Milan Polytechnic"],
    ...     "https://x/org/unimi": ["Università degli Studi di Milano", "Università Statale"],
    ... }
    >>> resolve("universita statale", entries, what="organisation", field="name")
    'https://x/org/unimi'
    >>> resolve("polimi", entries, what="organisation", field="name")
    'https://x/org/polimi'
    >>> resolve("Politecnico di Milan", entries, what="organisation", field="name")
    Traceback (most recent call last):
    ...
    kg.errors.KgError: name: unknown organisation 'Politecnico di Milan' (did you mean 'polimi'?)
    """
    if value in entries:
        return value
    by_slug = [key for key in entries if _slug(key) == value]
    if len(by_slug) == 1:
        return by_slug[0]
    wanted = normalise_name(value)
    by_name = (key for key, names in entries.items() if wanted and wanted in map(normalise_name, names))
    matches = sorted({*by_slug, *by_name})
    if len(matches) == 1:
        return matches[0]
    if matches:
        options = ", ".join(_slug(key) for key in matches)
        raise KgError([Problem(source, None, field, f"{value!r} names more than one {what}: {options}")])
    aliases: dict[str, str] = {}
    candidates: set[str] = set()
    for key, names in entries.items():
        slug = _slug(key)
        candidates.add(slug)
        aliases.setdefault(normalise_name(slug), slug)
        for name in filter(None, names):
            candidates.add(name)
            aliases.setdefault(normalise_name(name), slug)
    hint = did_you_mean(suggest(value, candidates, aliases=aliases))
    raise KgError([Problem(source, None, field, f"unknown {what} {value!r}{hint}")])
