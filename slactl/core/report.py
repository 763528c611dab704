"""The customer report (README "Monthly reports"): per customer and agreement, what was
promised, what was delivered, and the tickets behind it. Pure: the ticket rows, the
workspace, ``as_of`` and the period are passed in; nothing here reads a file or the clock.

Built from the scorer's per-ticket results (:meth:`Scorer.score`, the same statuses
``score --format json`` prints), so the report and ``score`` cannot disagree. Only the
figures the page shows are kept: counters, the elapsed times of stopped metrics (for
median, p90 and the distribution chart) and the listed tickets.

Extension point: other measures of an agreement over the same period (availability and
the credit due, support hours) are attached per section as ``Section.extras`` by the
caller once the report is built; every format shows them as a titled table.
"""
from __future__ import annotations

import heapq
from array import array
from bisect import bisect_right
from datetime import date, datetime, time, timezone, tzinfo
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from slactl.core.amendments import later
from slactl.core.matching import AMBIGUOUS, MATCHED, NO_RULE, UNCOVERED
from slactl.core.model import Agreement, Workspace
from slactl.core.pauses import Change
from slactl.core.period import Period, months_back
from slactl.core.scoring import AT_RISK_SHARE, BREACHED, MET, PENDING, MetricResult, Scorer
from slactl.core.totals import Group
from slactl.core.selection import Customers, CustomerRef, Selection, Zones, uncovered_reason
from slactl.core.tickets import Rejected, TicketRow

LIST_LIMIT = 25
"""Listed tickets per list; the rest are counted ("and 120 more")."""
TREND_MONTHS_FOR_ONE_MONTH = 6
"""A one-month period's trend shows this many months ending with it (one point is no trend)."""


@dataclass(slots=True)
class Tally(Group):
    """One priority x metric row of one section: a score group and its targets."""

    target_seconds: float | None = None
    target_pct: float | None = None
    target_version: Any = None  # the agreement version the targets are from (an amendment's date, None: as written)
    judged: array = field(default_factory=lambda: array("d"))
    """Elapsed seconds of every judged ticket (met or breached, open breaches too): the histogram."""

    @property
    def other(self) -> int:
        """Tickets with no target for the metric, or whose export does not measure it."""
        return self.missing + self.unmeasured


@dataclass(frozen=True, slots=True)
class Listed:
    """A ticket in one of the lists: breached (target, actual, over by), at risk (due), excluded (reason)."""

    ticket_id: str
    priority: str
    metric: str = ""
    target_seconds: float | None = None
    elapsed_seconds: float | None = None
    due: float | None = None
    reason: str = ""
    stages: tuple[Any, ...] = ()  # a breached ticket's OLA stages that overran (slactl.core.ola.Stage)


@dataclass(slots=True)
class Section:
    """One agreement for one customer over the period."""

    agreement: Agreement
    customer: CustomerRef
    zone: str
    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (priority, metric)
    trend: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # month -> metric -> [met, breached]
    breached: list[tuple[float, int, Listed]] = field(default_factory=list)  # heap of (over by, seq, item)
    breached_total: int = 0
    at_risk: list[Listed] = field(default_factory=list)
    no_rule: dict[str, int] = field(default_factory=dict)
    excluded: list[Listed] = field(default_factory=list)
    tickets: int = 0
    extras: dict[str, dict[str, object]] = field(default_factory=dict)
    """Sections other features add (availability and credits, support hours): name -> a table,
    ``{"title", "headers", "rows", "note"}``, shown after the lists and carried in the JSON."""

    def tally(self, priority: str, metric: str) -> Tally:
        found = self.tallies.get((priority, metric))
        if found is None:
            found = self.tallies[(priority, metric)] = Tally()
        return found

    @property
    def objectives(self) -> tuple[int, int]:
        """(met, counted): rows with at least one judged ticket count; met = compliance >= target."""
        counted = [t for t in self.tallies.values() if t.met + t.breached]
        met = sum(1 for t in counted if t.target_pct is not None and (t.compliance or 0) >= t.target_pct)
        return met, len(counted)

    def breaches(self) -> list[Listed]:
        """Breached tickets, the largest overrun first (at most ``LIST_LIMIT``)."""
        return [item for _, _, item in sorted(self.breached, key=lambda t: (-t[0], -t[1]))]  # ties: file order


@dataclass(slots=True)
class CustomerReport:
    customer: CustomerRef
    sections: list[Section] = field(default_factory=list)
    uncovered: dict[str, list[str]] = field(default_factory=dict)  # reason -> ticket ids (cut)
    uncovered_counts: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Report:
    as_of: float
    period: Period
    trend_months: list[Period]
    customers: list[CustomerReport]
    rejected: list[Rejected]
    rows: int = 0


# ---------------------------------------------------------------- the builder

def build_report(ws: Workspace, items: Iterable[TicketRow | Rejected], *, as_of: float, period: Period,
                 selection: Selection = Selection(), exclusions: dict[str, str] | None = None,
                 trend: int | None = None, has_first_response: bool = True,
                 has_resolution: bool = True, changes: Callable[[TicketRow], list[Change] | None] | None = None,
                 history: bool = False, stages: Callable[[TicketRow, Any], tuple[Any, ...]] | None = None) -> Report:
    """Score ``items`` and keep what the report of ``period`` shows, for the selection.

    ``changes(row)``: the ticket's status changes (``--history`` or an event log's snapshots),
    scored exactly as ``score`` scores them (``history``: a history was given, so a ticket
    without changes simply never paused). ``stages(row, result)``: the OLA stages that
    overran, listed under the ticket's breaches."""
    exclusions = exclusions or {}
    if trend is not None:
        trend_months = months_back(period, trend)
    elif len(period.months()) < 2:
        trend_months = months_back(period, TREND_MONTHS_FOR_ONE_MONTH)
    else:
        trend_months = period.months()
    customers = Customers(ws)
    wanted = customers.resolve(selection.customer).key if selection.customer else None
    scorer = Scorer(ws, as_of, has_first_response=has_first_response, has_resolution=has_resolution,
                    history=history)
    service = customers.service_names.get(selection.service.strip().casefold()) if selection.service else None
    zones = Zones(ws, customers)
    edges: dict[str, _Edges] = {}
    first, last = min(period.first, trend_months[0].first), max(period.last, trend_months[-1].last)
    coarse = (_utc_midnight(first) - 86400, _utc_midnight(last) + 2 * 86400)  # zones are within a day of UTC
    sections: dict[tuple[str, str], Section] = {}
    reports: dict[str, CustomerReport] = {}
    rejected: list[Rejected] = []
    rows = 0
    for item in items:
        rows += 1
        if type(item) is Rejected:
            rejected.append(item)
            continue
        row: TicketRow = item  # type: ignore[assignment]
        if not coarse[0] <= row.created < coarse[1]:
            continue
        ref = customers.resolve(row.customer)
        if wanted is not None and ref.key != wanted:
            continue
        if service is not None and customers.service_names.get(row.service.strip().casefold()) != service:
            continue
        result = scorer.score(row, changes(row) if changes is not None else None)
        ag = result.match.agreement
        if selection.agreement is not None and (ag is None or ag.name != selection.agreement):
            continue
        zone_name = zones.name(ag, ref)
        edge = edges.get(zone_name)
        if edge is None:
            edge = edges[zone_name] = _Edges(period, trend_months, zones.of(ag, ref))
        if not edge.lo <= row.created < edge.hi:
            continue
        in_period = edge.period[0] <= row.created < edge.period[1]
        kind = result.match.kind
        if kind in (UNCOVERED, AMBIGUOUS) or ag is None:
            if in_period:
                day = zones.day(row.created, ag, ref)
                reason = "ambiguous" if kind == AMBIGUOUS else uncovered_reason(customers, ws, ref, row.service, day)
                _customer(reports, ref).uncovered.setdefault(reason, []).append(row.id)
            continue
        section = sections.get((ag.name, ref.key))
        if section is None:
            section = sections[(ag.name, ref.key)] = Section(ag, ref, zones.name(ag, ref))
            _customer(reports, ref).sections.append(section)
        if kind == NO_RULE:
            if in_period:
                section.no_rule[result.match.priority] = section.no_rule.get(result.match.priority, 0) + 1
            continue
        assert kind == MATCHED and result.match.terms is not None
        excluded = exclusions.get(row.id)
        if excluded is not None:
            if in_period:
                section.excluded.append(Listed(row.id, result.match.priority, reason=excluded))
            continue
        month = edge.month(row.created)
        pauses = result.pauses
        overran = stages(row, result) if stages is not None and in_period else ()
        for metric, measured in (("first_response", result.first_response), ("resolution", result.resolution)):
            assert measured is not None
            paused = 0.0 if pauses is None else (pauses.first_response if metric == "first_response"
                                                  else pauses.resolution).paused
            if month is not None and measured.status in (MET, BREACHED):
                counts = section.trend.setdefault(month, {}).setdefault(metric, [0, 0])
                counts[measured.status == BREACHED] += 1
            if in_period:
                _count(section, result.match.priority, metric, measured, result.match.terms, row, paused, overran)
        if in_period:
            section.tickets += 1
    for report in reports.values():
        report.sections = [s for s in report.sections if s.tickets or s.no_rule or s.excluded]
        report.sections.sort(key=lambda s: (s.customer.key != s.agreement.customer.id, s.agreement.name))
        for reason, ids in report.uncovered.items():
            report.uncovered_counts[reason] = len(ids)
            del ids[LIST_LIMIT:]
    out = [r for r in reports.values() if r.sections or (r.uncovered and selection.agreement is None)]
    if wanted is not None and not out:
        out = [CustomerReport(customers.resolve(selection.customer or ""))]
    out.sort(key=lambda r: r.customer.name.casefold())
    return Report(as_of, period, trend_months, out, rejected, rows)


def _customer(reports: dict[str, CustomerReport], ref: CustomerRef) -> CustomerReport:
    found = reports.get(ref.key)
    if found is None:
        found = reports[ref.key] = CustomerReport(ref)
    return found


def _count(section: Section, priority: str, metric: str, measured: MetricResult, terms: Any,
           row: TicketRow, paused: float, overran: tuple[Any, ...] = ()) -> None:
    """Count one metric into its row the way the scorer's summary counts it (first response
    stops at the resolution when there was no reply; paused seconds are kept). The row's targets
    are those of the newest version of the agreement among its tickets, as in score's summary."""
    tally = section.tally(priority, metric)
    version = terms.agreement.version
    if tally.target_pct is None or not later(tally.target_version, version):
        tally.target_pct, tally.target_version = terms.target_pct, version
        if measured.target is not None:
            tally.target_seconds = measured.target
    target = measured.target
    status = measured.status
    at_risk_from = None if target is None else AT_RISK_SHARE * target
    stop = (row.first_response if row.first_response is not None else row.resolved) \
        if metric == "first_response" else row.resolved
    tally.count(status, measured.elapsed, at_risk_from, stop is not None, paused)
    if (status == MET or status == BREACHED) and measured.elapsed is not None:
        tally.judged.append(measured.elapsed)
    elapsed = measured.elapsed or 0.0  # a met, breached or pending metric always has its elapsed time
    if status == BREACHED and target is not None:
        section.breached_total += 1
        item = (elapsed - target, -section.breached_total,
                Listed(row.id, priority, metric, target, measured.elapsed, stages=overran))
        if len(section.breached) < LIST_LIMIT:
            heapq.heappush(section.breached, item)
        elif item > section.breached[0]:
            heapq.heapreplace(section.breached, item)
    elif status == PENDING and at_risk_from is not None and elapsed >= at_risk_from:
        section.at_risk.append(Listed(row.id, priority, metric, target, measured.elapsed, measured.due))


class _Edges:
    """The period and the trend months as instants in one zone: two comparisons and a bisect
    per ticket instead of a local date."""

    def __init__(self, period: Period, months: list[Period], zone: tzinfo) -> None:
        self.period = period.bounds(zone)
        self.edges = [m.bounds(zone)[0] for m in months] + [months[-1].bounds(zone)[1]]
        self.labels = [m.label for m in months]
        self.lo, self.hi = min(self.period[0], self.edges[0]), max(self.period[1], self.edges[-1])

    def month(self, instant: float) -> str | None:
        """The label of the trend month holding ``instant``, None outside them."""
        i = bisect_right(self.edges, instant) - 1
        return self.labels[i] if 0 <= i < len(self.labels) else None


def _utc_midnight(day: date) -> float:
    return datetime.combine(day, time(0), tzinfo=timezone.utc).timestamp()
