"""Dates as curators write them: a year, a month or a day, and the ends of periods.

``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` become a `PartialDate` that keeps the precision
its source gives; the end of a period may also be ``open`` (still running) or ``unknown``
(not stated). `_earliest` and `_latest` give the first and last day a partial date may
mean, for checks that one date does not come before another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["OPEN", "UNKNOWN", "PartialDate", "parse_date"]

OPEN = "open"
UNKNOWN = "unknown"


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


def _earliest(date: PartialDate) -> tuple[int, int, int]:
    return (date.year, date.month or 1, date.day or 1)


def _latest(date: PartialDate) -> tuple[int, int, int]:
    return (date.year, date.month or 12, date.day or 31)
