"""Reporting periods: ``2026-11``, ``2026-Q4``, ``2026``, ``2026-11-05``, ``2026-10-01..2026-12-31``.

Pure: no clock is read. A :class:`Period` is a range of local dates; it becomes
instants only against a zone (``bounds``), because "November" starts at a
different instant in Moscow than in New York.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

__all__ = ["Period", "parse_period", "midnight", "add_months"]

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
_YEAR = re.compile(r"(\d{4})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class Period:
    """Inclusive local dates ``first``..``last``; ``text`` is how it was written."""

    first: date
    last: date
    text: str

    def bounds(self, tz: tzinfo) -> tuple[float, float]:
        """[start, end) in UTC epoch seconds: ``first`` 00:00 to the midnight after ``last``."""
        return midnight(self.first, tz), midnight(self.last + timedelta(days=1), tz)


def parse_period(text: str) -> Period:
    """``2026-11``, ``2026-Q4``, ``2026``, ``2026-11-05`` or ``2026-10-01..2026-12-31``.

    Raises ``ValueError`` with a message that shows the accepted forms.
    """
    s = text.strip()
    try:
        if m := _RANGE.fullmatch(s):
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if last < first:
                raise ValueError(f"period '{text}' ends before it starts")
            return Period(first, last, s)
        if m := _QUARTER.fullmatch(s):
            year, q = int(m.group(1)), int(m.group(2))
            first = date(year, 3 * q - 2, 1)
            return Period(first, add_months(first, 3) - timedelta(days=1), f"{year}-Q{q}")
        if m := _MONTH.fullmatch(s):
            first = date(int(m.group(1)), int(m.group(2)), 1)
            return Period(first, add_months(first, 1) - timedelta(days=1), s)
        if m := _YEAR.fullmatch(s):
            year = int(m.group(1))
            return Period(date(year, 1, 1), date(year, 12, 31), s)
        if len(s) == 10:
            day = date.fromisoformat(s)
            return Period(day, day, s)
    except ValueError as exc:
        if "ends before" in str(exc):
            raise
    raise ValueError(f"period '{text}' is not a month (2026-11), quarter (2026-Q4), year (2026), "
                     "day (2026-11-05) or range (2026-10-01..2026-12-31)")


def midnight(day: date, tz: tzinfo) -> float:
    """The instant local ``day`` begins in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).timestamp()


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
