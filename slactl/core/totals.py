"""The totals of a score: counters per group, the worst breaches, and how they add up.

A :class:`Scorer` keeps them while it scores; ``Scorer.totals()`` hands them out as a
:class:`Totals` and ``Scorer.merge`` adds another part's, so parts of one export scored
apart (``score --jobs``) give the totals of one pass. Pure.
"""
from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from typing import Any


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

    def paused_median(self) -> float | None:
        """Median paused minutes of the tickets whose clock was paused at all."""
        n = len(self.paused)
        if n == 0:
            return None
        ordered = sorted(self.paused)
        mid = n // 2
        return (ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2) / 60

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
