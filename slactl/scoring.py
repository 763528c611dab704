"""Scoring tickets against their terms (contract §5). Pure: ``as_of`` is injected.

``Scorer.score`` turns one ticket into a :class:`TicketResult`; the summary
accumulates in bounded memory except for the elapsed times kept for the
median / p90 (8 bytes per event, in ``array('d')``).
"""
from __future__ import annotations

import heapq
import math
from array import array
from dataclasses import dataclass, field
from datetime import datetime, timezone

from slactl.exports.reader import TicketRow
from slactl.matching import MATCHED, Match, Matcher
from slactl.model import Workspace

MET, BREACHED, PENDING, MISSING, UNMEASURED = "met", "breached", "pending", "missing", "unmeasured"
METRICS = ("first_response", "resolution")
AT_RISK_SHARE = 0.75
GROUP_BYS = ("agreement", "customer", "priority", "service", "month")


@dataclass(slots=True)
class MetricResult:
    status: str
    target: float | None  # seconds
    elapsed: float | None  # open seconds
    due: float | None  # epoch seconds

    def as_dict(self, zone: timezone | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "target_minutes": None if self.target is None else round(self.target / 60, 4),
            "elapsed_minutes": None if self.elapsed is None else round(self.elapsed / 60, 4),
            "status": self.status,
        }
        if self.target is not None:
            out["due_at"] = iso(self.due, zone)
        return out


@dataclass(slots=True)
class TicketResult:
    row: TicketRow
    match: Match
    first_response: MetricResult | None
    resolution: MetricResult | None

    @property
    def agreement(self) -> str | None:
        return self.match.agreement.name if self.match.agreement else None


def iso(epoch: float | None, zone: object | None = None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(round(epoch), zone or timezone.utc).isoformat()  # type: ignore[arg-type]


@dataclass(slots=True)
class Group:
    """Counts and elapsed times of one metric of one group of tickets."""

    tickets: int = 0
    met: int = 0
    breached: int = 0
    pending: int = 0
    missing: int = 0
    unmeasured: int = 0
    at_risk: int = 0
    elapsed: array = field(default_factory=lambda: array("d"))
    targets: set = field(default_factory=set)

    @property
    def compliance(self) -> float | None:
        judged = self.met + self.breached
        return None if judged == 0 else 100.0 * self.met / judged

    def stats(self) -> tuple[float | None, float | None, float | None]:
        """median, p90 (nearest rank) and mean of happened events, in minutes."""
        n = len(self.elapsed)
        if n == 0:
            return None, None, None
        ordered = sorted(self.elapsed)
        mid = n // 2
        median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        p90 = ordered[max(0, math.ceil(0.9 * n) - 1)]
        return median / 60, p90 / 60, sum(ordered) / n / 60


@dataclass(slots=True)
class Breach:
    overrun: float
    ticket_id: str
    agreement: str
    priority: str
    metric: str
    target: float
    elapsed: float


class Scorer:
    """Scores tickets one at a time and keeps the report's totals."""

    def __init__(self, ws: Workspace, as_of: float, *, has_first_response: bool = True,
                 has_resolution: bool = True, group_by: str = "agreement", report_zone: object = None,
                 worst: int = 10) -> None:
        self.matcher = Matcher(ws)
        self.as_of = as_of
        self.measured = {"first_response": has_first_response, "resolution": has_resolution}
        self.group_by = group_by
        self.report_zone = report_zone or timezone.utc
        self.groups: dict[tuple[str, str, str], Group] = {}  # (agreement, priority, metric)
        self.by: dict[tuple[str, str], Group] = {}  # (group value, metric) for --group-by
        self.targets: dict[tuple[str, str], float] = {}  # (agreement, priority) -> compliance target
        self.match_counts = {"matched": 0, "uncovered": 0, "ambiguous": 0, "no_rule": 0}
        self.worst: list[tuple[float, int, Breach]] = []
        self._worst_n = worst
        self._seq = 0
        self._as_of_cum: dict[int, float] = {}

    def score(self, row: TicketRow) -> TicketResult:
        m = self.matcher.match(row.customer, row.service, row.priority, row.created)
        self.match_counts[m.kind] += 1
        if m.kind != MATCHED:
            return TicketResult(row, m, None, None)
        terms = m.terms
        clock = terms.clock  # type: ignore[union-attr]
        key = id(clock)
        as_of_cum = self._as_of_cum.get(key)
        if as_of_cum is None:
            as_of_cum = self._as_of_cum[key] = clock.cumulative(self.as_of)
        start = clock.cumulative(row.created)
        rule = terms.rule  # type: ignore[union-attr]
        fr = self._metric(clock, start, as_of_cum, row.created, row.first_response, rule.first_response,
                          self.measured["first_response"])
        res = self._metric(clock, start, as_of_cum, row.created, row.resolved, rule.resolution,
                           self.measured["resolution"])
        result = TicketResult(row, m, fr, res)
        self._count(result)
        return result

    @staticmethod
    def _metric(clock, start: float, as_of_cum: float, created: float, event: float | None,  # type: ignore[no-untyped-def]
                target: int | None, measured: bool) -> MetricResult:
        if not measured:
            due = clock.due(created, target) if target is not None else None
            return MetricResult(UNMEASURED, target, None, due)
        if event is not None:
            elapsed = clock.cumulative(event) - start
            if elapsed < 0:
                elapsed = 0.0
        else:
            elapsed = as_of_cum - start if as_of_cum > start else 0.0
        if target is None:
            return MetricResult(MISSING, None, elapsed, None)
        if event is not None:
            status = MET if elapsed <= target else BREACHED
        else:
            status = BREACHED if elapsed > target else PENDING
        return MetricResult(status, target, elapsed, clock.due(created, target))

    def _group_value(self, r: TicketResult) -> str:
        by = self.group_by
        if by == "customer":
            ag = r.match.agreement
            return r.row.customer.strip() or (ag.customer.id if ag else "")
        if by == "priority":
            return r.match.priority
        if by == "service":
            return self.matcher.service_name(r.row.service) or r.row.service.strip() or "(none)"
        if by == "month":
            return datetime.fromtimestamp(r.row.created, self.report_zone).strftime("%Y-%m")  # type: ignore[arg-type]
        return f"{r.agreement} / {r.match.priority}"

    def _count(self, r: TicketResult) -> None:
        name, prio = r.agreement or "", r.match.priority
        self.targets[(name, prio)] = r.match.terms.target_pct  # type: ignore[union-attr]
        by_value = self._group_value(r) if self.group_by != "agreement" else None
        for metric, res in (("first_response", r.first_response), ("resolution", r.resolution)):
            assert res is not None
            groups = [self.groups.setdefault((name, prio, metric), Group())]
            if by_value is not None:
                groups.append(self.by.setdefault((by_value, metric), Group()))
            for g in groups:
                g.tickets += 1
                status = res.status
                if status == MET:
                    g.met += 1
                elif status == BREACHED:
                    g.breached += 1
                elif status == PENDING:
                    g.pending += 1
                    if res.elapsed >= AT_RISK_SHARE * res.target:  # type: ignore[operator]
                        g.at_risk += 1
                elif status == MISSING:
                    g.missing += 1
                else:
                    g.unmeasured += 1
                if res.elapsed is not None and status in (MET, BREACHED) and (
                        metric == "first_response" and r.row.first_response is not None
                        or metric == "resolution" and r.row.resolved is not None):
                    g.elapsed.append(res.elapsed)
                g.targets.add(r.match.terms.target_pct)  # type: ignore[union-attr]
            if res.status == BREACHED:
                self._breach(r, metric, res)

    def _breach(self, r: TicketResult, metric: str, res: MetricResult) -> None:
        overrun = res.elapsed - res.target  # type: ignore[operator]
        self._seq += 1
        item = (overrun, -self._seq, Breach(overrun, r.row.id, r.agreement or "", r.match.priority, metric,
                                            res.target, res.elapsed))  # type: ignore[arg-type]
        if len(self.worst) < self._worst_n:
            heapq.heappush(self.worst, item)
        elif overrun > self.worst[0][0]:
            heapq.heapreplace(self.worst, item)

    def worst_breaches(self) -> list[Breach]:
        return [b for _, _, b in sorted(self.worst, key=lambda t: (-t[0], -t[1]))]

    def summary(self) -> list[dict[str, object]]:
        """Contract §5 summary rows: agreement x priority x metric."""
        rows = []
        for (name, prio, metric), g in sorted(self.groups.items()):
            rows.append(_row({"agreement": name, "priority": prio, "metric": metric}, g,
                             self.targets[(name, prio)]))
        return rows

    def grouped(self) -> list[dict[str, object]]:
        """Rows for ``--group-by`` (the summary itself when grouping by agreement)."""
        if self.group_by == "agreement":
            return self.summary()
        rows = []
        for (value, metric), g in sorted(self.by.items()):
            target = next(iter(g.targets)) if len(g.targets) == 1 else None
            rows.append(_row({self.group_by: value, "metric": metric}, g, target))
        return rows


def _row(head: dict[str, object], g: Group, target: float | None) -> dict[str, object]:
    compliance = g.compliance
    median, p90, mean = g.stats()
    r2 = (lambda v: None if v is None else round(v, 2))
    return {
        **head,
        "tickets": g.tickets, "met": g.met, "breached": g.breached, "pending": g.pending,
        "missing": g.missing, "unmeasured": g.unmeasured,
        "compliance_pct": r2(compliance),
        "target_pct": target,
        "ok": None if compliance is None or target is None else compliance >= target,
        "at_risk": g.at_risk,
        "median_minutes": r2(median), "p90_minutes": r2(p90), "mean_minutes": r2(mean),
    }
