"""The breach receipt of one ticket (``slactl explain``): every stretch of time between the
ticket's creation and each metric's stop, counted or not, and why.

Pure: built from a scored ticket (``scoring.TicketResult``), its clock and ``as_of``.
Counted time is the clock's open time outside pauses; time not counted is either
closed time of the calendar (after hours, lunch, weekend, holiday: wall-clock
length) or open time removed by the status history (a pause, or resolved time
before a reopen: open-time length). The counted pieces add up to the metric's
elapsed time and the removed ones to its ``paused_minutes``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from slactl.core.clock import BusinessClock
from slactl.core.pauses import PAUSED, Removed, Segment
from slactl.core.scoring import BREACHED, MET, MISSING, PENDING, UNMEASURED, MetricResult, TicketResult

COUNTED, CLOSED, PAUSE, REOPEN = "counted", "closed", "paused", "reopened"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(slots=True)
class Piece:
    """One stretch of ``[start, end)``; ``seconds`` is open time (counted or removed) or, for
    ``closed``, wall-clock time."""

    start: float
    end: float
    kind: str  # counted | closed | paused | reopened
    seconds: float
    why: str


@dataclass(slots=True)
class MetricReceipt:
    metric: str
    result: MetricResult | None
    stop: float | None  # the instant measured to (None: nothing measured)
    stop_reason: str
    pause_statuses: tuple[str, ...]
    pieces: list[Piece] = field(default_factory=list)


@dataclass(slots=True)
class Receipt:
    result: TicketResult
    as_of: float
    zone: tzinfo  # the agreement's: every instant is shown in it
    rule_home: str  # "policy 'standard'" or "agreement 'acme'"
    segments: list[Segment]  # the status timeline (empty without a history)
    metrics: list[MetricReceipt]


def build_receipt(result: TicketResult, as_of: float, zone: tzinfo, *, has_first_response: bool = True,
                  has_resolution: bool = True) -> Receipt:
    """The receipt of a scored ticket (matched or not)."""
    terms = result.match.terms
    ag = result.match.agreement
    home = ""
    if terms is not None and ag is not None:
        home = f"agreement '{ag.name}'" if terms.rule in ag.rules else f"policy '{ag.policy}'"
    pauses = result.pauses
    segments = pauses.segments if pauses is not None else []
    metrics = []
    if terms is not None:
        row = result.ticket
        for metric, res, measured in (("first_response", result.first_response, has_first_response),
                                      ("resolution", result.resolution, has_resolution)):
            stop, reason = _stop(metric, result, as_of, measured)
            removed: list[Removed] = []
            if pauses is not None:
                removed = pauses.first_response.removed if metric == "first_response" else pauses.resolution.removed
            mr = MetricReceipt(metric, res, stop, reason, tuple(sorted(terms.pauses.pauses(metric))))
            if stop is not None and stop > row.created:
                mr.pieces = _pieces(terms.clock, row.created, stop, removed, zone, TITLE[metric])
            metrics.append(mr)
    return Receipt(result, as_of, zone, home, segments, metrics)


def _stop(metric: str, result: TicketResult, as_of: float, measured: bool) -> tuple[float | None, str]:
    row = result.ticket
    if not measured:
        return None, "not measured: the export has no column for it"
    if metric == "first_response":
        if row.first_response is not None:
            return row.first_response, "first reply"
        if row.resolved is not None:
            return row.resolved, "resolved without a recorded reply: first response stops at the resolution"
        return as_of, "no reply yet: measured up to the as-of time"
    if row.resolved is not None:
        return row.resolved, "resolved"
    return as_of, "not resolved yet: measured up to the as-of time"


TITLE = {"first_response": "first response", "resolution": "resolution"}


def _pieces(clock: BusinessClock, created: float, stop: float, removed: list[Removed], zone: tzinfo,
            metric: str) -> list[Piece]:
    out: list[Piece] = []
    cursor = created
    for r in removed:
        if r.end <= cursor:
            continue
        if r.start >= stop:
            break
        a = max(r.start, cursor)
        out += _calendar_pieces(clock, cursor, a, zone)
        b = min(r.end, stop)
        if r.reason == PAUSED:
            why = f"paused: status '{r.status}'"
            kind = PAUSE
        else:
            why = f"resolved ('{r.status}'), then reopened: {metric} does not count it"
            kind = REOPEN
        out.append(Piece(a, b, kind, clock.open_seconds(a, b), why))
        cursor = b
    out += _calendar_pieces(clock, cursor, stop, zone)
    return out


def _calendar_pieces(clock: BusinessClock, a: float, b: float, zone: tzinfo) -> list[Piece]:
    """Open stretches counted, closed ones named, between ``a`` and ``b``."""
    out: list[Piece] = []
    cursor = a
    for x, y in clock.open_intervals(a, b):
        if x > cursor:
            out.append(Piece(cursor, x, CLOSED, x - cursor, closed_why(clock, cursor, x)))
        out.append(Piece(x, y, COUNTED, y - x, "open hours" if not clock.calendar.is_24x7 else "24x7 clock"))
        cursor = y
    if b > cursor:
        out.append(Piece(cursor, b, CLOSED, b - cursor, closed_why(clock, cursor, b)))
    return out


def closed_why(clock: BusinessClock, a: float, b: float) -> str:
    """Why the calendar is closed from ``a`` to ``b``, in words, day by day where it matters."""
    tz = ZoneInfo(clock.calendar.timezone)
    local_a = datetime.fromtimestamp(a, tz)
    local_b = datetime.fromtimestamp(b, tz)
    parts: list[tuple[str, date]] = []
    d = local_a.date()
    while d <= local_b.date():
        spans, kind = clock.day_spans(d)
        midnight = datetime(d.year, d.month, d.day, tzinfo=tz)
        lo = max(a, midnight.timestamp())
        hi = min(b, (midnight + timedelta(days=1)).timestamp())
        if hi > lo:
            parts.append((_day_label(clock, d, spans, kind, lo - midnight.timestamp(), hi - midnight.timestamp()),
                          d))
        d += timedelta(days=1)
    merged: list[tuple[str, date, date]] = []
    for label, day in parts:
        if merged and merged[-1][0] == label and label in ("weekend", "closed all day"):
            merged[-1] = (label, merged[-1][1], day)
        else:
            merged.append((label, day, day))
    if len(merged) == 1:
        return merged[0][0]
    return " · ".join(f"{label} {_days(first, last)}" for label, first, last in merged)


def _day_label(clock: BusinessClock, d: date, spans: tuple[tuple[int, int], ...], kind: str,
               lo: float, hi: float) -> str:
    if not spans:
        if kind == "holiday":
            name = clock.holiday_name(d)
            return f"public holiday ({name})" if name else "holiday"
        return "weekend" if d.weekday() >= 5 else "closed all day"
    if hi <= spans[0][0] + 1:
        return "before opening"
    if lo >= spans[-1][1] - 1:
        return "after closing"
    return "lunch break" if len(spans) > 1 else "closed"


def _days(first: date, last: date) -> str:
    one = f"{DAYS[first.weekday()]} {first.day} {first:%b}"
    if first == last:
        return one
    return f"{one} – {DAYS[last.weekday()]} {last.day} {last:%b}"


def verdict(m: MetricResult | None) -> str:
    """The metric's verdict in one line of words (durations from ``human``)."""
    if m is None:
        return "not judged: the ticket matched no rule"
    if m.status == UNMEASURED:
        return "UNMEASURED: the export has no column for this metric"
    if m.status == MISSING:
        return "NO TARGET: the rule sets none for this metric"
    assert m.target is not None and m.elapsed is not None
    used, target = human(m.elapsed), human(m.target)
    if m.status == MET:
        return f"MET: {used} counted against a target of {target}, {human(m.target - m.elapsed)} to spare"
    if m.status == BREACHED:
        return f"BREACHED: {used} counted against a target of {target}, over by {human(m.elapsed - m.target)}"
    if m.status == PENDING:
        left = human(m.target - m.elapsed)
        if m.paused:
            return f"PENDING, PAUSED: {used} counted of {target}; {left} left once the clock runs again"
        return f"PENDING: {used} counted of {target}; {left} left"
    return m.status


def human(seconds: float, days: bool = False) -> str:
    """A duration in words: '45 s', '1 h 25 min'; with ``days`` (wall-clock time, never open
    time: a day of open hours is not a day) '3 d 4 h' beyond 48 h
    (:func:`slactl.core.figures.duration_text`)."""
    from slactl.core.figures import duration_text

    s = max(0.0, seconds)
    if 0 < s < 59.5:
        return f"{round(s)} s"
    return duration_text(s / 60, calendar=days)
