"""Business-hours clock: open time of a ``Calendar`` between UTC instants.

Pure computation, no I/O. Every instant is a float of UTC epoch seconds (what
``datetime.timestamp()`` returns); every duration is a float of seconds.

Semantics (README "The file format", kind Calendar, and "score": elapsed time is open time):

* A local date is open per its weekday's spans, closed when it is a holiday
  (``holiday_dates`` or the ``holidays`` library's public holidays of
  ``holiday_country``/``holiday_subdivision``), and open with the
  ``workday_hours`` (default: the Monday hours) when it is a workday
  (``workdays`` or the library's transferred working days,
  ``weekend_workdays``), whatever its weekday. Precedence, strongest first:
  the calendar's own ``workdays``, its own ``holiday_dates``, the library's
  working days, the library's holidays (an explicit entry always beats the
  library).
* Spans are local wall time. Each endpoint becomes an instant the way
  ``datetime(..., tzinfo=ZoneInfo(tz))`` with ``fold=0`` does (ambiguous: the
  first occurrence; inside a DST gap: the offset in force before the gap);
  24:00 is the next local midnight. The open time is the real time elapsed
  between the two instants, so ``00:00-24:00`` is 23 h or 25 h on DST change
  days. Empty intervals are dropped, overlapping/adjacent ones merged.
* The built-in ``24x7`` calendar is plain elapsed time.

Implementation: the open intervals of each local year are built once, lazily,
and the years the queries have touched so far are kept as one contiguous range
in flat sorted lists (interval starts, lengths and the cumulative open time at
each start). ``cumulative`` is a ``bisect`` over those lists, O(log n). The
origin of ``cumulative`` is the first instant the clock was asked about and is
fixed for the clock object's lifetime: extending the built range never changes
a value already returned. Only differences of ``cumulative`` are meaningful.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from slactl.core import publicholidays
from slactl.core.model import Calendar, Span

__all__ = ["BusinessClock", "clock_for", "merge_intervals", "HORIZON_YEARS"]

HORIZON_YEARS = 50
"""``due`` gives up (returns None) this many years after the start's year."""

DAY = 86400
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The built range is trusted only this far inside its UTC year boundaries: a
# local year's intervals can spill over a UTC New Year by the zone's offset
# (<= 14 h) plus a DST gap (<= 24 h, Pacific/Apia 2011).
_MARGIN = 3.0 * DAY
_NEG_INF = float("-inf")


def _merge_spans(spans: tuple[Span, ...] | None) -> tuple[Span, ...]:
    """Clamp to a day, drop empty, sort and merge overlapping/adjacent spans."""
    out: list[list[int]] = []
    for s, e in sorted((max(0, int(s)), min(DAY, int(e))) for s, e in (spans or ())):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1][1] = e
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def merge_intervals(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted, with overlapping or touching intervals joined and empty ones dropped.

    The one interval merge of slactl: the clock's open hours and the outage log's
    downtime both go through it."""
    merged: list[tuple[float, float]] = []
    for s, e in sorted(intervals):
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


_T_MIN = (datetime(MINYEAR + 1, 1, 1, tzinfo=timezone.utc) - _EPOCH).total_seconds()
_T_MAX = (datetime(MAXYEAR - 1, 1, 1, tzinfo=timezone.utc) - _EPOCH).total_seconds()


def _utc_year(t: float) -> int:
    """The UTC calendar year of instant ``t``, clamped to what ``datetime`` can hold."""
    if t != t:  # NaN
        raise ValueError("instant is NaN")
    t = min(max(t, _T_MIN), _T_MAX)
    return (_EPOCH + timedelta(seconds=t)).year


def _utc_new_year(year: int) -> float:
    return (datetime(year, 1, 1, tzinfo=timezone.utc) - _EPOCH).total_seconds()


class BusinessClock:
    """Open time of ``calendar`` between UTC epoch instants (see module doc).

    ``BusinessClock(CALENDAR_24X7)`` (any calendar with ``is_24x7``) is a
    trivial fast path; a calendar with no open hours at all is always closed.
    Use :func:`clock_for` to share one clock per calendar.
    """

    __slots__ = (
        "calendar",
        "_tz",
        "_week",
        "_workday_spans",
        "_closed_forever",
        "_years",
        "_lib_days",
        "_ylo",
        "_yhi",
        "_lo",
        "_hi",
        "_anchor",
        "_starts",
        "_lens",
        "_cum",
        "_cum_end",
    )

    def __new__(cls, calendar: Calendar) -> BusinessClock:
        if cls is BusinessClock and calendar.is_24x7:
            cls = _WallClock
        return object.__new__(cls)

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self._tz = ZoneInfo(calendar.timezone)
        week = tuple(calendar.hours) + ((),) * 7
        self._week: tuple[tuple[Span, ...], ...] = tuple(_merge_spans(week[i]) for i in range(7))
        wh = calendar.workday_hours if calendar.workday_hours is not None else self._week[0]
        self._workday_spans = _merge_spans(wh)
        self._closed_forever = not any(self._week) and not self._workday_spans
        self._years: dict[int, list[tuple[float, float]]] = {}
        self._lib_days: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
        self._ylo = self._yhi = 0
        # empty valid range: the first query builds
        self._lo = float("inf")
        self._hi = _NEG_INF
        self._anchor: float | None = None
        self._starts: list[float] = [_NEG_INF]
        self._lens: list[float] = [0.0]
        self._cum: list[float] = [0.0]
        self._cum_end: list[float] = [0.0]

    def __repr__(self) -> str:
        return f"BusinessClock({self.calendar.name!r}, {self.calendar.timezone!r})"

    # ------------------------------------------------------------------ queries

    def cumulative(self, t: float) -> float:
        """Open seconds from this clock's fixed origin up to instant ``t``.

        Monotone non-decreasing; negative before the origin.
        """
        if not (self._lo <= t <= self._hi):
            if self._closed_forever:
                return 0.0
            self._cover(t)
        i = bisect_right(self._starts, t) - 1
        d = t - self._starts[i]
        n = self._lens[i]
        return self._cum[i] + (d if d < n else n)

    def open_seconds(self, start: float, end: float) -> float:
        """Open seconds in ``[start, end]``; 0.0 when ``end <= start``."""
        if end <= start:
            return 0.0
        lo = self._lo
        hi = self._hi
        if not (lo <= start and end <= hi):
            if self._closed_forever:
                return 0.0
            return self.cumulative(end) - self.cumulative(start)
        starts = self._starts
        lens = self._lens
        cum = self._cum
        i = bisect_right(starts, end) - 1
        d = end - starts[i]
        n = lens[i]
        c1 = cum[i] + (d if d < n else n)
        i = bisect_right(starts, start, 0, i + 1) - 1
        d = start - starts[i]
        n = lens[i]
        return c1 - (cum[i] + (d if d < n else n))

    def due(self, start: float, seconds: float) -> float | None:
        """Earliest instant ``t >= start`` with ``open_seconds(start, t) >= seconds``.

        ``start`` itself for ``seconds <= 0``. The instant is the end of the
        last open second needed (never later, even before a closed stretch).
        None when the calendar does not open enough within ``HORIZON_YEARS``
        years of the start's year.
        """
        if seconds <= 0:
            return start
        if seconds != seconds:
            raise ValueError("seconds is NaN")
        if self._closed_forever:
            return None
        return self.due_from(start, self.cumulative(start), seconds)

    def due_from(self, start: float, cum_start: float, seconds: float) -> float | None:
        """``due(start, seconds)`` for a caller that already has ``cum_start =
        cumulative(start)`` (the scorer does: it measured the ticket from there)."""
        if seconds <= 0:
            return start
        if self._closed_forever:
            return None
        target = cum_start + seconds
        limit = None
        while True:
            cum_end = self._cum_end
            j = bisect_left(cum_end, target)
            if j < len(cum_end):
                t = self._starts[j] + (target - self._cum[j])
                if t <= self._hi:
                    return t if t > start else start
            if limit is None:
                limit = _utc_year(start) + HORIZON_YEARS
            if self._yhi >= limit:
                return None
            step = max(2, self._yhi - self._ylo + 1)
            self._build(self._ylo, min(limit, self._yhi + step))

    # ----------------------------------------------------------------- building

    def _cover(self, t: float) -> None:
        """Extend the built year range so that ``t`` is inside the trusted range."""
        ylo = _utc_year(t - _MARGIN - 1.0)
        yhi = _utc_year(t + _MARGIN + 1.0)
        if self._anchor is not None:
            ylo = min(ylo, self._ylo)
            yhi = max(yhi, self._yhi)
        self._build(ylo, yhi)

    def _build(self, ylo: int, yhi: int) -> None:
        ivs: list[tuple[float, float]] = []
        for y in range(ylo, yhi + 1):
            block = self._years.get(y)
            if block is None:
                block = self._years[y] = self._year_intervals(y)
            ivs.extend(block)
        starts = [_NEG_INF]
        lens = [0.0]
        cum = [0.0]
        cum_end = [0.0]
        c = 0.0
        for s, e in merge_intervals(ivs):
            n = e - s
            starts.append(s)
            lens.append(n)
            cum.append(c)
            c += n
            cum_end.append(c)
        self._starts, self._lens, self._ylo, self._yhi = starts, lens, ylo, yhi
        self._lo = _utc_new_year(ylo) + _MARGIN
        self._hi = _utc_new_year(yhi + 1) - _MARGIN
        if self._anchor is None:
            self._anchor = self._lo
        # keep the origin fixed: cumulative(anchor) == 0 whatever has been built
        i = bisect_right(starts, self._anchor) - 1
        d = self._anchor - starts[i]
        off = cum[i] + (d if d < lens[i] else lens[i])
        if off:
            cum = [x - off for x in cum]
            cum_end = [x - off for x in cum_end]
        self._cum, self._cum_end = cum, cum_end

    def _library_days(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(public holidays, transferred working days) of the calendar's country in ``year``."""
        got = self._lib_days.get(year)
        if got is None:
            cal = self.calendar
            if not cal.holiday_country:
                got = (frozenset(), frozenset())
            else:
                names, workdays = publicholidays.days(cal.holiday_country, cal.holiday_subdivision, year)
                got = (frozenset(names), workdays)
            self._lib_days[year] = got
        return got

    def day_spans(self, d: date) -> tuple[tuple[Span, ...], str]:
        """The open spans of local date ``d`` and why: ``"hours"`` (its weekday's),
        ``"workday"`` (a closed day made a working day) or ``"holiday"`` (closed)."""
        cal = self.calendar
        lib_hol, lib_work = self._library_days(d.year)
        if d in cal.workdays:
            return self._workday_spans, "workday"
        if d in cal.holiday_dates:
            return (), "holiday"
        if d in lib_work:
            return self._workday_spans, "workday"
        if d in lib_hol:
            return (), "holiday"
        return self._week[d.weekday()], "hours"

    def holiday_name(self, d: date) -> str | None:
        """The name of the public holiday on ``d`` (None for the calendar's own extra dates)."""
        cal = self.calendar
        if d in cal.holiday_dates or not cal.holiday_country:
            return None
        return publicholidays.days(cal.holiday_country, cal.holiday_subdivision, d.year)[0].get(d) or None

    def open_intervals(self, start: float, end: float) -> list[tuple[float, float]]:
        """The open stretches inside ``[start, end]``, in order."""
        if end <= start or self._closed_forever:
            return []
        self.cumulative(start)
        self.cumulative(end)  # both inside the built range now
        starts, lens = self._starts, self._lens
        out = []
        i = max(1, bisect_right(starts, start) - 1)
        while i < len(starts) and starts[i] < end:
            a, b = max(starts[i], start), min(starts[i] + lens[i], end)
            if b > a:
                out.append((a, b))
            i += 1
        return out

    def _year_intervals(self, year: int) -> list[tuple[float, float]]:
        """Open intervals (UTC epoch floats) of the local dates of ``year``, sorted, merged."""
        tz = self._tz
        deltas: dict[int, timedelta] = {}
        out: list[tuple[float, float]] = []
        d = date(year, 1, 1)
        one = timedelta(days=1)
        day_spans = self.day_spans
        while d.year == year:
            spans = day_spans(d)[0]
            if spans:
                midnight = datetime(d.year, d.month, d.day, tzinfo=tz)
                for s, e in spans:
                    ds = deltas.get(s)
                    if ds is None:
                        ds = deltas[s] = timedelta(seconds=s)
                    de = deltas.get(e)
                    if de is None:
                        de = deltas[e] = timedelta(seconds=e)
                    # aware + timedelta is wall-clock arithmetic; fold stays 0
                    a = (midnight + ds).timestamp()
                    b = (midnight + de).timestamp()
                    if b > a:
                        out.append((a, b))
            d += one
        return merge_intervals(out)


class _WallClock(BusinessClock):
    """The built-in 24x7 clock: open time is plain elapsed time."""

    __slots__ = ()

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar

    def __repr__(self) -> str:
        return f"BusinessClock({self.calendar.name!r})"

    def cumulative(self, t: float) -> float:
        return float(t)

    def open_seconds(self, start: float, end: float) -> float:
        return end - start if end > start else 0.0

    def due(self, start: float, seconds: float) -> float | None:
        return start + seconds if seconds > 0 else start

    def due_from(self, start: float, cum_start: float, seconds: float) -> float | None:
        return start + seconds if seconds > 0 else start

    def day_spans(self, d: date) -> tuple[tuple[Span, ...], str]:
        return ((0, DAY),), "hours"

    def holiday_name(self, d: date) -> str | None:
        return None

    def open_intervals(self, start: float, end: float) -> list[tuple[float, float]]:
        return [(start, end)] if end > start else []


_BY_ID: dict[int, tuple[Calendar, BusinessClock]] = {}
_BY_VALUE: dict[Calendar, BusinessClock] = {}


def clock_for(calendar: Calendar) -> BusinessClock:
    """The shared clock of ``calendar`` (one per distinct calendar, built lazily)."""
    hit = _BY_ID.get(id(calendar))
    if hit is not None and hit[0] is calendar:
        return hit[1]
    clock = _BY_VALUE.get(calendar)
    if clock is None:
        clock = _BY_VALUE[calendar] = BusinessClock(calendar)
    _BY_ID[id(calendar)] = (calendar, clock)  # holds a reference: the id stays unique
    return clock
