"""Public identifiers of organisations, checked offline: shape and check digits.

Each scheme has a checker that returns the identifier in its canonical form or raises
``ValueError`` with a message a curator can act on (which digit fails, what it should
be). Partita IVA, codice fiscale and LEI use python-stdnum; ROR ids are checked with
ISO 7064 Mod 97-10 as ror.org specifies; ATECO codes against ISTAT's 2025 list (the
``ateco`` package); REA numbers against the provinces of ISTAT's list of comuni.

Examples
--------
>>> check("piva", "04376620151")
'04376620151'
>>> check("piva", "04376620152")
Traceback (most recent call last):
...
ValueError: partita IVA 04376620152: the check digit (the 11th) is 2, but the first ten digits give 1
>>> check("ror", "https://ror.org/01nffqt88")
'01nffqt88'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.places import provinces

__all__ = ["SCHEMES", "check", "iri_of"]

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def _verify(what: str, given: str, expected: str, basis: str) -> None:
    """Raise unless the check digits ``given`` are the ``expected`` ones; ``what`` names them."""
    if given != expected:
        raise ValueError(f"{what} {'is' if len(given) == 1 else 'are'} {given}, but {basis} {expected}")


def _digits_check(name: str, value: str, length: int) -> str:
    if not value.isdigit() or len(value) != length:
        raise ValueError(f"{name} {value!r}: {length} digits expected, got {len(value)} characters")
    return value


def _piva(value: str) -> str:
    from stdnum import luhn

    number = _digits_check("partita IVA", value.replace(" ", "").removeprefix("IT"), 11)
    if number[:7] == "0000000":
        raise ValueError(f"partita IVA {number}: the first seven digits cannot all be zero")
    expected = luhn.calc_check_digit(number[:10])
    _verify(
        f"partita IVA {number}: the check digit (the 11th)", number[10], expected, "the first ten digits give"
    )
    return number


def _cf(value: str) -> str:
    from stdnum.it import codicefiscale

    number = value.replace(" ", "").upper()
    if len(number) == 11:  # a legal person's codice fiscale: the partita IVA's algorithm
        try:
            return _piva(number)
        except ValueError as error:
            raise ValueError(str(error).replace("partita IVA", "codice fiscale")) from None
    if not re.fullmatch(
        r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]", number
    ):
        raise ValueError(
            f"codice fiscale {value!r}: 11 digits (organisation) or 16 characters (person) expected"
        )
    expected = codicefiscale.calc_check_digit(number[:15])
    _verify(
        f"codice fiscale {number}: the check character (the 16th)",
        number[15],
        expected,
        "the first fifteen give",
    )
    return number


def _lei(value: str) -> str:
    from stdnum.iso7064 import mod_97_10

    number = value.replace(" ", "").upper()
    if not re.fullmatch(r"[0-9A-Z]{18}[0-9]{2}", number):
        raise ValueError(f"LEI {value!r}: 18 letters or digits and 2 check digits expected")
    expected = mod_97_10.calc_check_digits(number[:18])
    _verify(f"LEI {number}: the check digits (the last two)", number[18:], expected, "ISO 7064 gives")
    return number


def _ror(value: str) -> str:
    ident = value.strip().lower().removeprefix("https://ror.org/").removeprefix("ror.org/")
    if not re.fullmatch(r"0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}", ident):
        raise ValueError(
            f"ROR id {value!r}: '0', six letters or digits (no i, l, o, u) and two check digits expected, "
            "e.g. 01nffqt88"
        )
    number = 0
    for char in ident[:7]:
        number = number * 32 + _CROCKFORD.index(char)
    expected = f"{98 - (number * 100) % 97:02d}"  # ISO 7064 Mod 97-10, as ror.org specifies
    _verify(f"ROR id {ident}: the check digits (the last two)", ident[7:], expected, "ISO 7064 gives")
    return ident


def _wikidata(value: str) -> str:
    ident = (
        value.strip()
        .removeprefix("http://www.wikidata.org/entity/")
        .removeprefix("https://www.wikidata.org/wiki/")
    )
    if not re.fullmatch(r"Q[1-9][0-9]*", ident):
        raise ValueError(f"Wikidata item {value!r}: Q followed by digits expected, e.g. Q1234")
    return ident


def _pic(value: str) -> str:
    return _digits_check("PIC", value.strip(), 9)


def _rea(value: str) -> str:
    match = re.fullmatch(r"([A-Za-z]{2})\s*-?\s*([0-9]{1,7})", value.strip())
    if not match:
        raise ValueError(
            f"REA number {value!r}: the province's two letters, a dash and the number expected, "
            "e.g. MI-1234567"
        )
    province = match[1].upper()
    if province not in provinces():
        raise ValueError(f"REA number {value!r}: {province} is not an Italian province's code")
    return f"{province}-{match[2]}"


def _ateco(value: str) -> str:
    import ateco

    code = value.strip()
    if ateco.validate(code, edition="2025"):
        return code
    older = next((e for e in ("2022", "2007") if ateco.validate(code, edition=e)), None)
    if older:
        raise ValueError(f"ATECO {code!r} is a code of the {older} edition; give its ATECO 2025 code")
    raise ValueError(f"ATECO {code!r} is not in ISTAT's ATECO 2025 list (write it dotted, e.g. 20.42.00)")


def _eccp(value: str) -> str:
    url = value.strip()
    if not re.fullmatch(r"https://(www\.)?clustercollaboration\.eu/[^\s<>\"]+", url):
        raise ValueError(f"ECCP profile {value!r}: a https://clustercollaboration.eu/... address expected")
    return url


SCHEMES: dict[str, tuple[str, Callable[[str], str]]] = {
    "piva": ("partita IVA", _piva),
    "cf": ("codice fiscale", _cf),
    "rea": ("REA number", _rea),
    "ror": ("ROR id", _ror),
    "wikidata": ("Wikidata item", _wikidata),
    "pic": ("EU Participant Identification Code", _pic),
    "lei": ("Legal Entity Identifier", _lei),
    "ateco": ("ATECO 2025 activity code", _ateco),
    "eccp": ("European Cluster Collaboration Platform profile", _eccp),
}
"""Scheme name in data/ -> (what it is, its checker)."""


def check(scheme: str, value: str) -> str:
    """The identifier in canonical form, or ``ValueError`` saying what is wrong."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown identifier scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    return SCHEMES[scheme][1](value)


def iri_of(scheme: str, value: str) -> str | None:
    """The IRI the identifier stands for, where the scheme has one (ROR, Wikidata, ECCP).

    Examples
    --------
    >>> iri_of("wikidata", "Q1234")
    'http://www.wikidata.org/entity/Q1234'
    >>> iri_of("piva", "04376620151") is None
    True
    """
    if scheme == "ror":
        return f"https://ror.org/{value}"
    if scheme == "wikidata":
        return f"http://www.wikidata.org/entity/{value}"
    if scheme == "eccp":
        return value
    return None
