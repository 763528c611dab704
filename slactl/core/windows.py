"""Calendar windows of availability objectives: months, quarters and weeks from Monday,
starting at local midnights of a zone (README "Availability and credits").

Pure. A midnight that falls in a DST gap resolves like every local time in slactl
(``fold=0``, the offset before the gap).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Iterator

from slactl.core.period import add_months, midnight

__all__ = ["local_date", "windows", "window_label"]


def local_date(t: float, tz: tzinfo) -> date:
    """The local date in ``tz`` at instant ``t``."""
    return datetime.fromtimestamp(t, tz).date()


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
    return add_months(start, 3 if kind == "quarter" else 1)


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
