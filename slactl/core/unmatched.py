"""Tickets no rule judged, by name (README "score"): uncovered and ambiguous tickets per
customer and reason, and the priorities no rule matches per agreement. Pure.

The scorer feeds it one unmatched ticket at a time; memory stays bounded (counts, and
at most ``IDS_KEPT`` ticket ids per customer and reason).
"""
from __future__ import annotations

from typing import Any

from slactl.core.matching import AMBIGUOUS, NO_RULE
from slactl.core.model import Workspace
from slactl.core.selection import Customers, Zones, uncovered_reason

IDS_KEPT = 10


class Unmatched:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._customers: Customers | None = None
        self._zones: Zones | None = None
        self.uncovered: dict[tuple[str, str], list[Any]] = {}  # (customer key, reason) -> [count, ids, name]
        self.no_rule: dict[tuple[str, str], int] = {}  # (agreement, priority as written) -> count

    def add(self, kind: str, ticket_id: str, customer: str, service: str, priority: str, created: float,
            agreement: str | None) -> None:
        if kind == NO_RULE:
            key = (agreement or "", priority.strip())
            self.no_rule[key] = self.no_rule.get(key, 0) + 1
            return
        if self._customers is None:
            self._customers = Customers(self.ws)
            self._zones = Zones(self.ws, self._customers)
        assert self._zones is not None
        ref = self._customers.resolve(customer)
        reason = "ambiguous" if kind == AMBIGUOUS else uncovered_reason(
            self._customers, self.ws, ref, service, self._zones.day(created, None, ref))
        entry = self.uncovered.setdefault((ref.key, reason), [0, [], ref.name])
        entry[0] += 1
        if len(entry[1]) < IDS_KEPT:
            entry[1].append(ticket_id)

    def state(self) -> dict[str, Any]:
        """Plain data for the two-core merge."""
        return {"uncovered": self.uncovered, "no_rule": self.no_rule}

    def merge(self, other: dict[str, Any]) -> None:
        """Add a later part of the file (its ids come after this part's)."""
        for key, (count, ids, name) in other["uncovered"].items():
            entry = self.uncovered.setdefault(key, [0, [], name])
            entry[0] += count
            entry[1] = (entry[1] + ids)[:IDS_KEPT]
        for key, count in other["no_rule"].items():
            self.no_rule[key] = self.no_rule.get(key, 0) + count

    def uncovered_rows(self) -> list[tuple[str, str, int, list[str]]]:
        """(customer, reason, tickets, first ids), most tickets first."""
        return sorted(((name, r, n, ids) for (_, r), (n, ids, name) in self.uncovered.items()),
                      key=lambda t: (-t[2], t[0].casefold(), t[1]))

    def no_rule_rows(self) -> list[tuple[str, str, int]]:
        """(agreement, priority as written, tickets), most tickets first."""
        return sorted(((a, p, n) for (a, p), n in self.no_rule.items()), key=lambda t: (-t[2], t[0], t[1]))
