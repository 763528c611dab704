"""Reporting periods: ``2026-11``, ``2026-Q4``, ``2026`` or ``2026-10-01..2026-12-31``.

A :class:`Period` is a span of calendar days; it becomes instants only in a
time zone (:meth:`Period.bounds`), because each agreement reads the period in
its own zone (README "Monthly reports"). Pure: nothing here reads the clock.
Used by every ``--period`` (report, score, availability, hours); availability
and hours windows use :func:`months`, :func:`add_months` and :func:`window_label` too.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from slactl.core.records import record
from slactl.core.years import outside

MONTH, QUARTER, YEAR, RANGE, DAY = "month", "quarter", "year", "range", "day"

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
_YEAR = re.compile(r"(\d{4})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
HINT = "use 2026-11 (a month), 2026-Q4, 2026, 2026-11-05 (a day) or 2026-10-01..2026-12-31"


@record
class Period:
    """The days ``first`` to ``last`` (both inclusive), as the user named them."""

    first: date
    last: date
    kind: str  # month | quarter | year | day | range
    label: str  # canonical spelling: 2026-11, 2026-Q4, 2026, 2026-11-05, 2026-10-01..2026-12-31

    @property
    def text(self) -> str:
        """The label (the name the availability and hours code use)."""
        return self.label

    def bounds(self, zone: tzinfo) -> tuple[float, float]:
        """[begin, end) in epoch seconds: midnight of ``first`` to midnight after ``last`` in ``zone``."""
        return midnight(self.first, zone), midnight(self.last + timedelta(days=1), zone)

    def months(self) -> list[Period]:
        """The calendar months the period touches, clipped to it, in order."""
        return months(self.first, self.last)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "kind": self.kind, "start": self.first.isoformat(), "end": self.last.isoformat()}


def midnight(day: date, zone: tzinfo) -> float:
    """The instant local midnight starts ``day`` in ``zone`` (epoch seconds)."""
    return datetime.combine(day, time(0), tzinfo=zone).timestamp()


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    return Period(first, _month_end(first), MONTH, f"{year:04d}-{month:02d}")


def parse_period(text: str) -> Period:
    """The period ``text`` names; ValueError with a readable reason otherwise (a period
    outside the years slactl computes in too)."""
    period = _parse_period(text)
    why = outside(period.first, period.last)
    if why is not None:
        raise ValueError(f"'{text}' is {why}")
    return period


def _parse_period(text: str) -> Period:
    s = text.strip()
    try:
        if m := _QUARTER.fullmatch(s):
            year, q = int(m.group(1)), int(m.group(2))
            first = date(year, 3 * q - 2, 1)
            return Period(first, _month_end(date(year, 3 * q, 1)), QUARTER, f"{year:04d}-Q{q}")
        if m := _MONTH.fullmatch(s):
            year, month = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"'{text}': there is no month {month}; {HINT}")
            return month_period(year, month)
        if m := _YEAR.fullmatch(s):
            year = int(m.group(1))
            return Period(date(year, 1, 1), date(year, 12, 31), YEAR, f"{year:04d}")
        if _DAY.fullmatch(s):
            day = date.fromisoformat(s)
            return Period(day, day, DAY, day.isoformat())
        if m := _RANGE.fullmatch(s):
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if last < first:
                raise ValueError(f"'{text}' ends before it starts; {HINT}")
            return Period(first, last, RANGE, f"{first.isoformat()}..{last.isoformat()}")
    except ValueError as exc:
        if str(exc).startswith(f"'{text}'"):
            raise
        raise ValueError(f"'{text}' is not a valid period ({exc}); {HINT}") from None
    raise ValueError(f"'{text}' is not a period; {HINT}")


def last_complete_month(day: date) -> Period:
    """The month before the one ``day`` falls in: the default period of a report run on ``day``."""
    first = day.replace(day=1) - timedelta(days=1)
    return month_period(first.year, first.month)


def months(first: date, last: date) -> list[Period]:
    """Calendar months from ``first`` to ``last``, the first and last clipped to them."""
    out = []
    cursor = first
    while cursor <= last:
        whole = month_period(cursor.year, cursor.month)
        out.append(Period(max(whole.first, first), min(whole.last, last), MONTH, whole.label))
        cursor = whole.last + timedelta(days=1)
    return out


def months_back(period: Period, count: int) -> list[Period]:
    """The ``count`` whole calendar months ending with the month of the period's last day."""
    year, month = period.last.year, period.last.month
    out = []
    for _ in range(count):
        out.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def window_label(day: date, per: str) -> str:
    """The label of the month (``2026-03``) or quarter (``2026-Q1``) holding ``day``."""
    if per == QUARTER:
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}-{day.month:02d}"


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)
