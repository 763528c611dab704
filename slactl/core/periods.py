"""Reporting periods and calendar windows (month, quarter, week) in an agreement's zone.

Pure: no clock is read. A :class:`Period` is a range of local dates; it becomes
instants only against a zone (``bounds``), because "November" starts at a
different instant in Moscow than in New York. Windows start at local midnights
(the first of a month or quarter, a Monday); a midnight that falls in a DST gap
resolves like every local time in slactl (``fold=0``, the offset before the gap).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Iterator

__all__ = ["Period", "parse_period", "midnight", "local_date", "windows", "window_label", "WINDOW_KINDS"]

WINDOW_KINDS = ("month", "quarter", "week")

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
            return Period(first, _add_months(first, 3) - timedelta(days=1), f"{year}-Q{q}")
        if m := _MONTH.fullmatch(s):
            first = date(int(m.group(1)), int(m.group(2)), 1)
            return Period(first, _add_months(first, 1) - timedelta(days=1), s)
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


def local_date(t: float, tz: tzinfo) -> date:
    """The local date in ``tz`` at instant ``t``."""
    return datetime.fromtimestamp(t, tz).date()


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _window_start(kind: str, day: date) -> date:
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if kind == "week":
        return day - timedelta(days=day.weekday())
    raise ValueError(f"unknown window '{kind}'")


def _next_start(kind: str, start: date) -> date:
    if kind == "week":
        return start + timedelta(days=7)
    return _add_months(start, 3 if kind == "quarter" else 1)


def window_label(kind: str, start: date) -> str:
    """``2026-11`` for a month, ``2026-Q4`` for a quarter, ISO ``2026-W48`` for a week."""
    if kind == "month":
        return f"{start.year}-{start.month:02d}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def windows(kind: str, begin: float, end: float, tz: tzinfo) -> Iterator[tuple[str, float, float]]:
    """(label, start, end) of every ``kind`` window of ``tz`` that overlaps [begin, end), whole."""
    if end <= begin:
        return
    day = _window_start(kind, local_date(begin, tz))
    start = midnight(day, tz)
    while start < end:
        nxt = _next_start(kind, day)
        stop = midnight(nxt, tz)
        if stop > begin:
            yield window_label(kind, day), start, stop
        day, start = nxt, stop
