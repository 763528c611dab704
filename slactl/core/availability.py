"""Availability objectives measured against an outage log: one row per agreement x
service x window (README "Availability and credits"). Pure: ``as_of`` is given.

For callers (the ``availability`` command, the customer report)::

    rows, credits = availability_for(workspace, agreement, outages, period, as_of,
                                     compliance={("acme-2026", "2026-11", "resolution"): 93.5})

``outages`` are :class:`Outage` values (``slactl.usecases.availability.read_outages``
reads them from a CSV log), ``period`` a :class:`~slactl.core.period.Period` or None for
the agreement's whole period, ``as_of`` UTC epoch seconds. ``compliance``
(optional) feeds the credit tiers on ticket compliance: percent per
(agreement, month label, metric); without it those tiers are not evaluated.
:func:`evaluate` does the same for many agreements at once.

How the figures are read:

* Windows (month, quarter, week from Monday) start at midnights in the
  agreement's zone, whatever the objective's calendar; a window is listed when
  it overlaps the period, clipped to what the agreement covers and to
  ``as_of``. ``partial`` means ``as_of`` cut it (the agreement's end does not).
* Required time is the objective calendar's open time in the window, less
  maintenance when maintenance is ``excluded``. Downtime is the open time
  covered by outages (merged; full beats partial; partial counts
  ``partial_weight``); with ``counted`` a maintenance row is a full outage in
  every respect (downtime, count, MTTR).
* ``outages`` counts rows overlapping the window even with no open time in it;
  MTTR is the mean of each such row's open minutes in the window (partial at
  full length, maintenance not subtracted); MTBF = (required - downtime) / outages.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from slactl.core.amendments import Versions, version_on
from slactl.core.clock import BusinessClock, clock_for, merge_intervals
from slactl.core.credits import CreditEntry, judge_credits
from slactl.core.coverage import agreement_zone, coverage
from slactl.core.model import Agreement, Credits, Objective, Workspace
from slactl.core.period import Period
from slactl.core.windows import windows

__all__ = ["Outage", "AvailabilityRow", "Measured", "availability_for", "evaluate", "measure", "measured_span",
           "objectives_of", "credits_of", "services_of", "subtract_intervals"]

Interval = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Outage:
    """One row of the outage log; ``service`` is the workspace's name for it."""

    row: int  # 1-based record number after the header
    service: str
    start: float  # UTC epoch seconds
    end: float | None  # None: still going on (measured to as_of)
    partial: bool = False
    maintenance: bool = False
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Measured:
    """The figures of one service in one window, in seconds of the objective's calendar."""

    required: float
    downtime: float
    outages: int
    repair_total: float  # open seconds of the counted rows inside the window (MTTR numerator)


@dataclass(slots=True)
class AvailabilityRow:
    agreement: str
    customer: str
    service: str
    window: str  # 2026-11, 2026-Q4, 2026-W48
    window_kind: str  # month | quarter | week
    start: float  # the window as measured (clipped), UTC epoch seconds
    end: float
    partial: bool
    required_minutes: float
    downtime_minutes: float
    availability_pct: float | None
    target_pct: float
    ok: bool | None  # None when nothing was required
    budget_minutes: float  # allowed downtime
    budget_used_pct: float | None
    budget_left_minutes: float
    outages: int
    mttr_minutes: float | None
    mtbf_minutes: float | None
    objective: int = 0  # index of the objective in the agreement's list
    calendar: str = "24x7"
    maintenance: str = "excluded"

    def as_dict(self) -> dict[str, object]:
        """The row as the availability JSON carries it."""
        return {
            "agreement": self.agreement, "customer": self.customer, "service": self.service,
            "window": self.window, "partial": self.partial,
            "required_minutes": _round(self.required_minutes, 3),
            "downtime_minutes": _round(self.downtime_minutes, 3),
            "availability_pct": _round(self.availability_pct, 5), "target_pct": self.target_pct,
            "ok": self.ok, "budget_used_pct": _round(self.budget_used_pct, 4),
            "budget_left_minutes": _round(self.budget_left_minutes, 3), "outages": self.outages,
            "mttr_minutes": _round(self.mttr_minutes, 3), "mtbf_minutes": _round(self.mtbf_minutes, 3),
            "window_kind": self.window_kind, "calendar": self.calendar, "maintenance": self.maintenance,
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


# --------------------------------------------------------------------------- intervals

def subtract_intervals(keep: Sequence[Interval], remove: Sequence[Interval]) -> list[Interval]:
    """``keep`` minus ``remove``; both sorted and merged (as ``merge_intervals`` returns them)."""
    out: list[Interval] = []
    j = 0
    for s, e in keep:
        while j < len(remove) and remove[j][1] <= s:
            j += 1
        k = j
        while k < len(remove) and remove[k][0] < e:
            rs, re_ = remove[k]
            if rs > s:
                out.append((s, rs))
            s = max(s, re_)
            if s >= e:
                break
            k += 1
        if s < e:
            out.append((s, e))
    return out


def _open_total(clock: BusinessClock, intervals: Iterable[Interval]) -> float:
    return sum(clock.open_seconds(s, e) for s, e in intervals)


# --------------------------------------------------------------------------- one window

def measure(objective: Objective, clock: BusinessClock, start: float, end: float,
            outages: Iterable[Outage], as_of: float) -> Measured:
    """Required and down seconds, outage count and repair time of one service in [start, end)."""
    counted = objective.maintenance == "counted"
    full: list[Interval] = []
    part: list[Interval] = []
    maint: list[Interval] = []
    repair = 0.0
    n = 0
    for o in outages:
        o_end = as_of if o.end is None else o.end
        if not (o.start < end and o_end > start) or o_end <= o.start:
            continue  # outside the window, or zero-length: no downtime, and no outage in MTTR/MTBF
        piece = (max(o.start, start), min(o_end, end))
        open_here = clock.open_seconds(*piece)
        if open_here <= 0:
            continue  # wholly outside the calendar's open hours: nothing required was down, no MTTR/MTBF
        if o.maintenance and not counted:
            maint.append(piece)
            continue
        if o.maintenance or not o.partial:
            full.append(piece)
        else:
            part.append(piece)
        n += 1
        repair += open_here
    excluded = merge_intervals(maint)
    down_full = merge_intervals(full)
    down_part = subtract_intervals(merge_intervals(part), down_full)
    required = clock.open_seconds(start, end) - _open_total(clock, excluded)
    downtime = (_open_total(clock, subtract_intervals(down_full, excluded))
                + objective.partial_weight * _open_total(clock, subtract_intervals(down_part, excluded)))
    return Measured(max(required, 0.0), downtime, n, repair)


def _row(ag: Agreement, index: int, objective: Objective, service: str, label: str, kind: str,
         start: float, end: float, partial: bool, m: Measured) -> AvailabilityRow:
    required, down = m.required / 60, m.downtime / 60
    target = objective.target
    pct = 100 * (required - down) / required if required > 0 else None
    budget = required * (1 - target / 100)
    return AvailabilityRow(
        agreement=ag.name, customer=ag.customer.id, service=service, window=label, window_kind=kind,
        start=start, end=end, partial=partial, required_minutes=required, downtime_minutes=down,
        availability_pct=pct, target_pct=target, ok=None if pct is None else pct >= target,
        budget_minutes=budget, budget_used_pct=100 * down / budget if budget > 0 else None,
        budget_left_minutes=budget - down, outages=m.outages,
        mttr_minutes=m.repair_total / 60 / m.outages if m.outages else None,
        mtbf_minutes=(required - down) / m.outages if m.outages else None,
        objective=index, calendar=objective.calendar or "24x7", maintenance=objective.maintenance,
    )


# --------------------------------------------------------------------------- agreements

def objectives_of(ws: Workspace, ag: Agreement) -> tuple[Objective, ...]:
    """The agreement's objectives, else its policy's (an agreement's own list, even empty, wins)."""
    if ag.availability is not None:
        return ag.availability
    policy = ws.policies.get(ag.policy or "")
    return policy.availability if policy is not None and policy.availability is not None else ()


def credits_of(ws: Workspace, ag: Agreement) -> Credits | None:
    """The agreement's credit terms, else its policy's."""
    if ag.credits is not None:
        return ag.credits
    policy = ws.policies.get(ag.policy or "")
    return policy.credits if policy is not None else None


def services_of(ws: Workspace, ag: Agreement, objective: Objective) -> tuple[str, ...]:
    """The objective's services, else the agreement's, else every service of the workspace."""
    if objective.services is not None:
        return objective.services
    if ag.services is not None:
        return ag.services
    return tuple(sorted(ws.services))


@dataclass(slots=True)
class _Log:
    """Outages of one service sorted by start, for a bisect per window."""

    rows: list[Outage] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    longest: float = 0.0  # longest duration; ongoing rows reach as_of

    def touching(self, start: float, end: float) -> list[Outage]:
        lo = bisect_left(self.starts, start - self.longest)
        hi = bisect_left(self.starts, end)
        return self.rows[lo:hi]


def _index(outages: Iterable[Outage], as_of: float) -> dict[str, _Log]:
    by_service: dict[str, _Log] = {}
    for o in sorted(outages, key=lambda o: (o.start, o.row)):
        if o.start >= as_of:
            continue  # not begun yet (planned maintenance ahead)
        log = by_service.setdefault(o.service, _Log())
        log.rows.append(o)
        log.starts.append(o.start)
        log.longest = max(log.longest, (as_of if o.end is None else o.end) - o.start)
    return by_service


def measured_span(ws: Workspace, ag: Agreement, period: Period | None, as_of: float) -> tuple[float, float, float] | None:
    """(selection start, selection end, covered end): what is measured, and where the agreement stops."""
    covered = coverage(ws, ag)
    if covered is None:
        return None
    begin, stop = covered
    sel_begin, sel_end = begin, min(stop, as_of)
    if period is not None:
        p_begin, p_end = period.bounds(ZoneInfo(agreement_zone(ws, ag)))
        sel_begin, sel_end = max(sel_begin, p_begin), min(sel_end, p_end)
    return (sel_begin, sel_end, stop) if sel_begin < sel_end else None


def _rows(ws: Workspace, ag: Agreement, logs: Mapping[str, _Log], period: Period | None,
          as_of: float) -> list[AvailabilityRow]:
    span = measured_span(ws, ag, period, as_of)
    if span is None:
        return []
    sel_begin, sel_end, stop = span
    cov_begin = coverage(ws, ag)[0]  # type: ignore[index]
    zone = agreement_zone(ws, ag)
    tz = ZoneInfo(zone)
    out: list[AvailabilityRow] = []
    # an amended agreement: each version's objectives over its own stretch (a window an
    # amendment cuts is measured in two parts, each by the terms then in force)
    parts = [(ag, cov_begin, stop)] if not ag.amendments else \
        _by_terms(ws, Versions(ws, ag, zone).windows(cov_begin, stop))
    for version, v_begin, v_end in parts:
        for index, objective in enumerate(objectives_of(ws, version)):
            clock = clock_for(ws.calendar(objective.calendar))
            for label, w_start, w_end in windows(objective.window, sel_begin, sel_end, tz):
                start, end = max(w_start, cov_begin, v_begin), min(w_end, stop, as_of, v_end)
                if end <= start:
                    continue
                partial = as_of < min(w_end, stop)
                for service in services_of(ws, version, objective):
                    log = logs.get(service)
                    rows = log.touching(start, end) if log is not None else []
                    m = measure(objective, clock, start, end, rows, as_of)
                    out.append(_row(ag, index, objective, service, label, objective.window, start, end, partial, m))
    return out


def _by_terms(ws: Workspace, parts: list[tuple[Agreement, float, float]]
              ) -> list[tuple[Agreement, float, float]]:
    """Versions in force one after another, with the stretches of those that keep the same
    availability terms joined: an amendment of other keys (rules, hours) cuts no window."""
    def terms(version: Agreement) -> tuple[object, ...]:
        objectives = tuple(objectives_of(ws, version))
        return objectives, tuple(tuple(services_of(ws, version, o)) for o in objectives)

    out: list[tuple[Agreement, float, float]] = []
    for version, begin, end in parts:
        if out and terms(out[-1][0]) == terms(version):
            out[-1] = (out[-1][0], out[-1][1], end)
        else:
            out.append((version, begin, end))
    return out


def _months(ws: Workspace, ag: Agreement, period: Period | None, as_of: float) -> list[tuple[str, bool]]:
    span = measured_span(ws, ag, period, as_of)
    if span is None:
        return []
    sel_begin, sel_end, stop = span
    tz = ZoneInfo(agreement_zone(ws, ag))
    return [(label, as_of < min(w_end, stop)) for label, _, w_end in windows("month", sel_begin, sel_end, tz)]


def worst_monthly(rows: Iterable[AvailabilityRow]) -> dict[str, tuple[str, float]]:
    """Month label -> (service, availability %) of the worst monthly row (rows with nothing required skipped)."""
    worst: dict[str, tuple[str, float]] = {}
    for row in rows:
        if row.window_kind != "month" or row.availability_pct is None:
            continue
        seen = worst.get(row.window)
        if seen is None or row.availability_pct < seen[1]:
            worst[row.window] = (row.service, row.availability_pct)
    return worst


def availability_for(ws: Workspace, agreement: Agreement, outages: Iterable[Outage], period: Period | None,
                     as_of: float, compliance: Mapping[tuple[str, str, str], float] | None = None,
                     ) -> tuple[list[AvailabilityRow], list[CreditEntry]]:
    """Rows and credits of one agreement (see the module docstring)."""
    return evaluate(ws, outages, period, as_of, [agreement], compliance)


def evaluate(ws: Workspace, outages: Iterable[Outage], period: Period | None, as_of: float,
             agreements: Iterable[Agreement] | None = None,
             compliance: Mapping[tuple[str, str, str], float] | None = None,
             ) -> tuple[list[AvailabilityRow], list[CreditEntry]]:
    """Rows (agreement by name, then objective, window, service as listed) and credits (agreement, month)."""
    logs = _index(outages, as_of)
    chosen = sorted(ws.agreements.values() if agreements is None else agreements, key=lambda a: a.name)
    rows: list[AvailabilityRow] = []
    credits: list[CreditEntry] = []
    for ag in chosen:
        mine = _rows(ws, ag, logs, period, as_of)  # by objective, window, service as listed
        rows += mine
        worst, months = worst_monthly(mine), _months(ws, ag, period, as_of)
        # an amended agreement: each month by the credit terms in force on its first day
        parts = [(ag, months)] if not ag.amendments else \
            [(version_on(ws, ag, date(int(label[:4]), int(label[5:7]), 1)), [(label, running)])
             for label, running in months]
        for version, some in parts:
            terms = credits_of(ws, version)
            if terms is not None:
                credits += judge_credits(ag.name, terms, worst, some, compliance or {})
    return rows, credits
