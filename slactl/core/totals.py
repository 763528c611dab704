"""The totals of a score: counters per group, the worst breaches, and how they add up.

A :class:`Scorer` keeps them while it scores; ``Scorer.totals()`` hands them out as a
:class:`Totals` and ``Scorer.merge`` adds another part's, so parts of one export scored
apart (``score --jobs``) give the totals of one pass. Pure.
"""
from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MET, BREACHED, PENDING, MISSING, UNMEASURED = "met", "breached", "pending", "missing", "unmeasured"
"""A metric's status; the scorer judges it (``slactl.core.scoring``), a group counts it."""
GROUP_BYS = ("agreement", "customer", "priority", "service", "month")
"""What ``score --group-by`` groups by (the help lists these)."""


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
    paused: array = field(default_factory=lambda: array("d"))  # open seconds paused, of paused tickets

    def count(self, status: str, elapsed: float | None, at_risk_from: float | None, happened: bool,
              paused: float) -> None:
        """Count one ticket's metric, judged already (``status``).
        ``at_risk_from``: elapsed seconds from which a pending ticket is at risk; ``happened``:
        the event took place (its elapsed time counts for the median); ``paused``: seconds not counted."""
        self.tickets += 1
        if status == MET:
            self.met += 1
        elif status == BREACHED:
            self.breached += 1
        elif status == PENDING:
            self.pending += 1
            if at_risk_from is not None and elapsed is not None and elapsed >= at_risk_from:
                self.at_risk += 1
        elif status == MISSING:
            self.missing += 1
        else:
            self.unmeasured += 1
        if happened and elapsed is not None and (status == MET or status == BREACHED):
            self.elapsed.append(elapsed)
        if paused:
            self.paused.append(paused)

    def sort(self) -> None:
        """Sort the elapsed and paused times (a part does before its totals are merged:
        the medians then sort the merged values in one merge of sorted runs)."""
        self.elapsed = array("d", sorted(self.elapsed))
        self.paused = array("d", sorted(self.paused))

    def paused_median(self) -> float | None:
        """Median paused minutes of the tickets whose clock was paused at all."""
        median = percentiles(self.paused)[0]
        return None if median is None else median / 60

    @property
    def compliance(self) -> float | None:
        judged = self.met + self.breached
        return None if judged == 0 else 100.0 * self.met / judged

    def stats(self) -> tuple[float | None, float | None, float | None]:
        """median, p90 (nearest rank) and mean of happened events, in minutes."""
        ordered = sorted(self.elapsed)
        median, p90 = _of_sorted(ordered)
        if median is None or p90 is None:
            return None, None, None
        return median / 60, p90 / 60, sum(ordered) / len(ordered) / 60


def percentiles(values: Sequence[float]) -> tuple[float | None, float | None]:
    """Median (mean of the middle two for an even count) and p90 (nearest rank)."""
    return _of_sorted(sorted(values))


def _of_sorted(ordered: Sequence[float]) -> tuple[float | None, float | None]:
    n = len(ordered)
    if n == 0:
        return None, None
    mid = n // 2
    median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return median, ordered[max(0, math.ceil(0.9 * n) - 1)]


@dataclass(slots=True)
class Breach:
    overrun: float
    ticket_id: str
    agreement: str
    priority: str
    metric: str
    target: float
    elapsed: float


@dataclass(slots=True)
class Totals:
    """Everything a score counts, as plain data (picklable: it crosses processes)."""

    groups: dict[tuple[str, str, str], Group]
    by: dict[tuple[str, str], Group]
    targets: dict[tuple[str, str], float]
    match_counts: dict[str, int]
    no_rule_priorities: dict[tuple[str, str], int]
    created_after_as_of: int
    worst: list[tuple[float, int, Breach]]  # (overrun, -sequence number, breach): a heap
    seq: int  # breaches seen
    pauses_not_applied: set[str]
    unmatched: dict[str, Any]
    reopens: int
    target_versions: dict[tuple[str, str], Any] = field(default_factory=dict)  # the version of each target


def sort_groups(*groups: dict[Any, Group]) -> None:
    for by in groups:
        for g in by.values():
            g.sort()


def add_groups(mine: dict[Any, Group], other: dict[Any, Group]) -> None:
    for key, g in other.items():
        target = mine.get(key)
        if target is None:
            target = mine[key] = Group()
        target.tickets += g.tickets
        target.met += g.met
        target.breached += g.breached
        target.pending += g.pending
        target.missing += g.missing
        target.unmeasured += g.unmeasured
        target.at_risk += g.at_risk
        target.elapsed.extend(g.elapsed)
        target.paused.extend(g.paused)
        target.targets |= g.targets


def summary_row(head: dict[str, object], g: Group, target: float | None) -> dict[str, object]:
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
        "paused_tickets": len(g.paused), "median_paused_minutes": r2(g.paused_median()),
    }
