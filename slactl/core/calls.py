"""Call-centre objectives measured against a call log: one row per agreement x queue x
window (README "Calls"). Pure: the calls and ``as_of`` are given, nothing is read here.

For callers (the ``calls`` command, the customer report)::

    result = evaluate_calls(workspace, calls, period, as_of, agreements)

``calls`` is any iterable of :class:`Call` (``slactl.exports.calllog`` streams them from
an Asterisk ``queue_log`` or a call CSV); it is consumed once, and only per-window tallies
are kept, so a log of millions of calls takes no more memory than a few.

How the figures are read, per agreement x queue x window:

* A call belongs to the window (month, quarter, week from Monday) of its offered time in
  the agreement's time zone, inside what the agreement covers, the period and ``as_of``.
  A call offered after ``as_of`` does not exist yet; a call without its outcome by
  ``as_of`` is *in progress* and left out.
* Counted calls are those offered inside the objective calendar's open hours (24x7 counts
  all) that are not short abandons (abandoned after waiting less than ``short_abandon``).
* offered = answered + abandoned (counted calls); ASA = mean seconds held of the answered
  calls; abandonment % = abandoned / offered; service level % = calls answered after
  holding ``answered_within`` or less / offered.
* The service level is met at or above its target, abandonment at or below
  ``abandonment_max``, ASA at or below ``asa_max``; a figure with nothing to judge (no
  offered call, no answered call for ASA) is neither (None).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Iterable
from zoneinfo import ZoneInfo

from slactl.core.availability import measured_span
from slactl.core.clock import BusinessClock, clock_for
from slactl.core.coverage import agreement_zone
from slactl.core.model import Agreement, CallObjective, Workspace
from slactl.core.period import Period
from slactl.core.windows import window_label, windows

__all__ = ["Call", "CallRow", "CallsResult", "QueueCount", "evaluate_calls", "named_queues", "open_at"]


@dataclass(frozen=True, slots=True)
class Call:
    """One call offered to a queue, as the log tells it (instants: UTC epoch seconds)."""

    line: int  # where the call entered the queue in the log
    queue: str
    offered: float
    decided: float | None = None  # when it was answered or abandoned; None: no outcome in the log
    held: float | None = None  # answered after holding this many seconds
    waited: float | None = None  # abandoned after waiting this many seconds

    @property
    def answered(self) -> bool:
        return self.held is not None


@dataclass(slots=True)
class _Tally:
    answered: int = 0
    abandoned: int = 0
    held_total: float = 0.0
    within: int = 0  # answered within answered_within
    short_abandons: int = 0
    out_of_hours: int = 0
    in_progress: int = 0


@dataclass(slots=True)
class CallRow:
    """The figures of one queue in one window of one agreement's call objective."""

    agreement: str
    customer: str
    queue: str
    window: str  # 2026-11, 2026-Q4, 2026-W48
    window_kind: str
    start: float  # the window as measured (clipped), UTC epoch seconds
    end: float
    partial: bool  # as_of cuts the window
    objective: CallObjective
    index: int  # of the objective in the agreement's list
    answered: int = 0
    abandoned: int = 0
    asa_seconds: float | None = None
    service_level_pct: float | None = None
    short_abandons: int = 0
    out_of_hours: int = 0
    in_progress: int = 0

    @property
    def offered(self) -> int:
        return self.answered + self.abandoned

    @property
    def abandonment_pct(self) -> float | None:
        return 100 * self.abandoned / self.offered if self.offered else None

    @property
    def met(self) -> dict[str, bool | None]:
        """Verdict per objective the agreement sets: True met, False missed, None nothing to judge."""
        o, out = self.objective, {}
        if o.answered_within is not None and o.service_level_target is not None:
            sl = self.service_level_pct
            out["service_level"] = None if sl is None else sl >= o.service_level_target
        if o.abandonment_max is not None:
            ab = self.abandonment_pct
            out["abandonment"] = None if ab is None else ab <= o.abandonment_max
        if o.asa_max is not None:
            out["asa"] = None if self.asa_seconds is None else self.asa_seconds <= o.asa_max
        return out

    @property
    def ok(self) -> bool | None:
        """False when one objective is missed, True when all judged ones are met, None when none is judged."""
        verdicts = [v for v in self.met.values() if v is not None]
        return None if not verdicts else all(verdicts)

    def as_dict(self) -> dict[str, object]:
        """The row as the calls JSON carries it (figures unrounded: the human formats round)."""
        o = self.objective
        return {
            "agreement": self.agreement, "customer": self.customer, "queue": self.queue, "window": self.window,
            "partial": self.partial, "offered": self.offered, "answered": self.answered,
            "abandoned": self.abandoned, "asa_seconds": self.asa_seconds, "abandonment_pct": self.abandonment_pct,
            "service_level_pct": self.service_level_pct, "met": self.met,
            "short_abandons": self.short_abandons, "out_of_hours": self.out_of_hours,
            "in_progress": self.in_progress,
            "targets": {"answered_within_seconds": o.answered_within, "service_level_pct": o.service_level_target,
                        "abandonment_max_pct": o.abandonment_max, "asa_max_seconds": o.asa_max,
                        "short_abandon_seconds": o.short_abandon},
            "window_kind": self.window_kind, "calendar": o.calendar or "24x7",
        }


@dataclass(frozen=True, slots=True)
class QueueCount:
    """A queue of the log that no agreement names, with its calls up to as_of."""

    queue: str
    calls: int = 0
    answered: int = 0
    abandoned: int = 0
    in_progress: int = 0


@dataclass(slots=True)
class CallsResult:
    rows: list[CallRow] = field(default_factory=list)
    unnamed: list[QueueCount] = field(default_factory=list)
    silent: list[tuple[str, str]] = field(default_factory=list)  # (agreement, queue) without a call
    calls: int = 0  # calls read (any queue, offered by as_of)


def open_at(clock: BusinessClock, t: float) -> bool:
    """Whether ``t`` falls in the clock's open hours (a span's start is open, its end is not)."""
    if clock.calendar.is_24x7:
        return True
    stretch = clock.open_intervals(t, t + 1)
    return bool(stretch) and stretch[0][0] == t


def named_queues(ws: Workspace) -> set[str]:
    """Every queue an agreement of the workspace names, case-folded."""
    return {q.casefold() for ag in ws.agreements.values() for o in ag.calls for q in o.queues}


@dataclass(slots=True)
class _Target:
    """One queue of one objective of one agreement, and its tallies by window label."""

    agreement: Agreement
    index: int
    objective: CallObjective
    queue: str
    clock: BusinessClock
    tz: tzinfo
    begin: float
    end: float
    stop: float  # where the agreement's coverage ends
    tallies: dict[str, _Tally] = field(default_factory=dict)

    def add(self, call: Call, as_of: float) -> None:
        if not self.begin <= call.offered < self.end:
            return
        label = window_label(self.objective.window, datetime.fromtimestamp(call.offered, self.tz).date())
        tally = self.tallies.get(label)
        if tally is None:
            tally = self.tallies[label] = _Tally()
        o = self.objective
        if call.decided is None or call.decided > as_of:
            tally.in_progress += 1
        elif not open_at(self.clock, call.offered):
            tally.out_of_hours += 1
        elif call.held is not None:
            tally.answered += 1
            tally.held_total += call.held
            if o.answered_within is not None and call.held <= o.answered_within:
                tally.within += 1
        elif (call.waited or 0.0) < o.short_abandon:
            tally.short_abandons += 1
        else:
            tally.abandoned += 1

    def rows(self, as_of: float) -> list[CallRow]:
        kind, o, ag = self.objective.window, self.objective, self.agreement
        out = []
        for label, w_start, w_end in windows(kind, self.begin, self.end, self.tz):
            t = self.tallies.get(label)
            if t is None:
                continue
            offered = t.answered + t.abandoned
            out.append(CallRow(
                agreement=ag.name, customer=ag.customer.id, queue=self.queue, window=label, window_kind=kind,
                start=max(w_start, self.begin), end=min(w_end, self.end), partial=as_of < min(w_end, self.stop),
                objective=o, index=self.index, answered=t.answered, abandoned=t.abandoned,
                asa_seconds=t.held_total / t.answered if t.answered else None,
                service_level_pct=100 * t.within / offered if offered and o.answered_within is not None else None,
                short_abandons=t.short_abandons, out_of_hours=t.out_of_hours, in_progress=t.in_progress))
        return out


def _targets(ws: Workspace, agreements: Iterable[Agreement], period: Period | None,
             as_of: float) -> list[_Target]:
    out = []
    for ag in sorted(agreements, key=lambda a: a.name):
        span = measured_span(ws, ag, period, as_of)
        if span is None or not ag.calls:
            continue
        tz = ZoneInfo(agreement_zone(ws, ag))
        for index, objective in enumerate(ag.calls):
            clock = clock_for(ws.calendar(objective.calendar))
            for queue in objective.queues:
                out.append(_Target(ag, index, objective, queue, clock, tz, *span))
    return out


def evaluate_calls(ws: Workspace, calls: Iterable[Call], period: Period | None, as_of: float,
                   agreements: Iterable[Agreement] | None = None) -> CallsResult:
    """Rows (agreement by name, then objective, queue as listed, window) and the queues no agreement names."""
    targets = _targets(ws, ws.agreements.values() if agreements is None else agreements, period, as_of)
    by_queue: dict[str, list[_Target]] = {}
    for target in targets:
        by_queue.setdefault(target.queue.casefold(), []).append(target)
    named = named_queues(ws)
    unnamed: dict[str, list[int]] = {}  # queue -> [calls, answered, abandoned, in progress]
    result = CallsResult()
    for call in calls:
        if call.offered > as_of:
            continue  # not offered yet at as_of
        result.calls += 1
        key = call.queue.casefold()
        for target in by_queue.get(key, ()):
            target.add(call, as_of)
        if key not in named:
            counts = unnamed.setdefault(call.queue, [0, 0, 0, 0])
            counts[0] += 1
            decided = call.decided is not None and call.decided <= as_of
            counts[3 if not decided else 1 if call.answered else 2] += 1
    for target in targets:
        mine = target.rows(as_of)
        result.rows += mine
        if not mine:
            result.silent.append((target.agreement.name, target.queue))
    result.unnamed = [QueueCount(q, *c) for q, c in sorted(unnamed.items())]
    return result
