"""Scoring tickets against their terms (README, "score"). Pure: ``as_of`` is injected.

``Scorer.score`` turns one ticket into a :class:`TicketResult`; the summary
accumulates in bounded memory except for the elapsed times kept for the
median / p90 (8 bytes per event, in ``array('d')``).
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any
from datetime import datetime, timezone, tzinfo

from slactl.core.tickets import TicketRow
from slactl.core.amendments import later
from slactl.core.clock import BusinessClock
from slactl.core.matching import AMBIGUOUS, MATCHED, NO_RULE, UNCOVERED, Match, Matcher, Terms
from slactl.core.model import Agreement, Workspace
from slactl.core.pauses import Change, TicketPauses, due as paused_due, ticket_pauses
from slactl.core.totals import (BREACHED, GROUP_BYS, MET, MISSING, PENDING, UNMEASURED, Breach, Group, Totals,
                                add_groups, summary_row)
from slactl.core.unmatched import Unmatched

METRICS = ("first_response", "resolution")
AT_RISK_SHARE = 0.75


@dataclass(slots=True)
class MetricResult:
    status: str
    target: float | None  # seconds
    elapsed: float | None  # open seconds
    due: float | None  # epoch seconds; None when paused for good (or never due)
    paused_seconds: float = 0.0  # open time not counted: pauses, resolved-then-reopened
    paused: bool = False  # not stopped, and the status at --as-of pauses this metric

    def as_dict(self, zone: tzinfo | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "target_minutes": None if self.target is None else round(self.target / 60, 4),
            "elapsed_minutes": None if self.elapsed is None else round(self.elapsed / 60, 4),
            "status": self.status,
        }
        if self.target is not None:
            out["due_at"] = iso(self.due, zone)
        out["paused_minutes"] = round(self.paused_seconds / 60, 4)
        out["paused"] = self.paused
        return out


@dataclass(slots=True)
class TicketResult:
    ticket: TicketRow
    match: Match
    first_response: MetricResult | None
    resolution: MetricResult | None
    reopens: int = 0
    pauses: TicketPauses | None = None  # what the status history removed (None without one)
    behind: Any = None  # OLA stages, next reply, updates (slactl.core.behind; None: not measured)

    @property
    def agreement(self) -> str | None:
        return self.match.agreement.name if self.match.agreement else None


def iso(epoch: float | None, zone: tzinfo | None = None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(round(epoch), zone or timezone.utc).isoformat()  # type: ignore[arg-type]


class _Slot:
    """The counters of one matched (agreement, priority) and what scoring needs of its terms."""

    __slots__ = ("agreement", "terms", "clock", "fr", "res", "as_of_cum", "match", "pause_sources")

    def __init__(self, match: Match, fr: Group, res: Group, as_of_cum: float) -> None:
        terms = match.terms
        assert terms is not None and match.agreement is not None
        self.agreement, self.terms, self.match = match.agreement, terms, match
        self.fr, self.res, self.as_of_cum = fr, res, as_of_cum
        self.clock: BusinessClock = terms.clock
        self.pause_sources = terms.pause_sources if terms.pauses.any else ()


Measured = tuple[str, float | None]
"""(status, elapsed open seconds) of one metric."""
_UNMEASURED: Measured = (UNMEASURED, None)


class Scorer:
    """Scores tickets one at a time and keeps the report's totals.

    ``tally`` is the hot path (summary only: no objects, no due times);
    ``score`` adds the per-ticket result the JSON and CSV reporters print.
    """

    def __init__(self, ws: Workspace, as_of: float, *, has_first_response: bool = True,
                 has_resolution: bool = True, group_by: str = "agreement", report_zone: object = None,
                 worst: int = 10, history: bool = False) -> None:
        self.matcher = Matcher(ws)
        self.as_of = as_of
        self._fr_measured, self._res_measured = has_first_response, has_resolution
        self.group_by = group_by
        self._grouped = group_by != "agreement"
        self.report_zone = report_zone or timezone.utc
        self.groups: dict[tuple[str, str, str], Group] = {}  # (agreement, priority, metric)
        self.by: dict[tuple[str, str], Group] = {}  # (group value, metric) for --group-by
        self.targets: dict[tuple[str, str], float] = {}  # (agreement, priority) -> compliance target
        self.target_versions: dict[tuple[str, str], Any] = {}  # ... and the version it is from (see _slot_for)
        self.match_counts = {"matched": 0, "uncovered": 0, "ambiguous": 0, "no_rule": 0}
        self.no_rule_priorities: dict[tuple[str, str], int] = {}  # (priority as written, policy) -> tickets
        self.created_after_as_of = 0  # a sign of a wrong --as-of
        self.worst: list[tuple[float, int, Breach]] = []
        self._worst_n = worst
        self._worst_floor = float("-inf")
        self._seq = 0
        self.unmatched = Unmatched(ws)  # uncovered, ambiguous and no-rule tickets, named
        self._slots: dict[int, _Slot] = {}  # id of a matched Match (the matcher keeps them) -> its slot
        self.history = history  # a status history was given: tickets without rows simply never paused
        self.pauses_not_applied: set[str] = set()  # where pauses were configured, without a history
        self.reopens = 0
        self._start = 0.0  # open seconds up to the last tallied ticket's creation
        self.behind: Any = None  # a slactl.core.behind.BehindScorer when OLAs or reply targets are measured

    # -------------------------------------------------------------- matching

    def _slot_for(self, match: Match) -> _Slot:
        terms = match.terms
        assert terms is not None and match.agreement is not None
        name, prio = match.agreement.name, terms.rule.priority
        fr = self.groups.setdefault((name, prio, "first_response"), Group())
        res = self.groups.setdefault((name, prio, "resolution"), Group())
        # amended: the row's target is that of the newest version among its tickets (the terms
        # agreed now when the row spans an amendment, those then in force when it does not)
        version = terms.agreement.version
        if (name, prio) not in self.targets or later(version, self.target_versions[(name, prio)]):
            self.targets[(name, prio)] = terms.target_pct
            self.target_versions[(name, prio)] = version
        fr.targets.add(terms.target_pct)
        res.targets.add(terms.target_pct)
        slot = self._slots[id(match)] = _Slot(match, fr, res, terms.clock.cumulative(self.as_of))
        return slot

    # -------------------------------------------------------------- scoring

    def tally(self, row: TicketRow, changes: list[Change] | None = None
              ) -> tuple[_Slot | Match, Measured | None, Measured | None, TicketPauses | None]:
        """Count ``row`` into the summary (the hot path: no objects, no due times). Returns its
        slot (or, when there is no rule to score by, its match), (status, elapsed) of both
        metrics when matched, and what the status history paused."""
        created = row.created
        if created > self.as_of:
            self.created_after_as_of += 1
        match = self.matcher.match(row.customer, row.service, row.priority, created)
        if match.kind is not MATCHED:
            kind = match.kind
            self.match_counts[kind] += 1
            ag = match.agreement
            if kind == NO_RULE and ag is not None:  # named in the report: values to add as aliases
                key = (row.priority, ag.policy or ag.name)
                self.no_rule_priorities[key] = self.no_rule_priorities.get(key, 0) + 1
            self.unmatched.add(kind, row.id, row.customer, row.service, row.priority, created,
                               ag.name if kind == NO_RULE and ag is not None else None)
            return match, None, None, None
        chosen = self._slots.get(id(match))
        if chosen is None:
            chosen = self._slot_for(match)
        self.match_counts["matched"] += 1
        clock, rule = chosen.clock, chosen.terms.rule
        start = self._start = clock.cumulative(created)  # score() reuses it for the due times
        # a ticket resolved without a recorded reply: first response stops at the resolution
        resolved = row.resolved
        fr_stop = row.first_response if row.first_response is not None else resolved
        pauses = None
        fr_paused = res_paused = 0.0
        if changes:
            pauses = ticket_pauses(clock, chosen.terms.pauses, created, changes, fr_stop, resolved, self.as_of)
            fr_paused, res_paused = pauses.first_response.paused, pauses.resolution.paused
            self.reopens += pauses.reopens
        elif chosen.pause_sources and not self.history:
            self.pauses_not_applied.update(chosen.pause_sources)
            chosen.pause_sources = ()  # said once per slot
        if self._fr_measured:
            fr = self._judge(chosen.fr, (clock.cumulative(fr_stop) if fr_stop is not None else chosen.as_of_cum)
                             - start - fr_paused, fr_stop is not None, rule.first_response, fr_paused,
                             row, chosen, "first_response")
        else:
            fr = self._unmeasured(chosen.fr)
        if self._res_measured:
            res = self._judge(chosen.res, (clock.cumulative(resolved) if resolved is not None else chosen.as_of_cum)
                              - start - res_paused, resolved is not None, rule.resolution, res_paused,
                              row, chosen, "resolution")
        else:
            res = self._unmeasured(chosen.res)
        if self._grouped:
            self._tally_by(row, chosen, fr, res, fr_stop, fr_paused, res_paused)
        return chosen, fr, res, pauses

    @staticmethod
    def _unmeasured(g: Group) -> Measured:
        """A metric the export has no column for."""
        g.count(UNMEASURED, None, None, False, 0.0)
        return _UNMEASURED

    def _judge(self, g: Group, elapsed: float, happened: bool, target: int | None, paused: float,
               row: TicketRow, slot: _Slot, metric: str) -> Measured:
        """Count one measured metric into ``g``: (status, open seconds less the paused ones).
        ``elapsed``: up to the event when it ``happened``, else up to --as-of."""
        g.tickets += 1
        if elapsed < 0:  # --as-of before the ticket was created, or more paused than open
            elapsed = 0.0
        if paused:
            g.paused.append(paused)
        if target is None:
            g.missing += 1
            return MISSING, elapsed
        if happened:
            g.elapsed.append(elapsed)
            if elapsed <= target:
                g.met += 1
                return MET, elapsed
        elif elapsed <= target:
            g.pending += 1
            if elapsed >= AT_RISK_SHARE * target:
                g.at_risk += 1
            return PENDING, elapsed
        g.breached += 1
        if elapsed - target > self._worst_floor:
            self._breach(row, slot, metric, target, elapsed)
        return BREACHED, elapsed

    def _tally_by(self, row: TicketRow, slot: _Slot, fr: Measured, res: Measured, fr_stop: float | None,
                  fr_paused: float, res_paused: float) -> None:
        value = self._group_value(row, slot)
        rule = slot.terms.rule  # type: ignore[union-attr]  # matched slots have terms
        for metric, (status, elapsed), event, target, paused in (
                ("first_response", fr, fr_stop, rule.first_response, fr_paused),
                ("resolution", res, row.resolved, rule.resolution, res_paused)):
            g = self.by.setdefault((value, metric), Group())
            g.targets.add(slot.terms.target_pct)  # type: ignore[union-attr]  # matched slots have terms
            g.count(status, elapsed, None if target is None else AT_RISK_SHARE * target, event is not None, paused)

    def score(self, row: TicketRow, changes: list[Change] | None = None) -> TicketResult:
        """Tally ``row`` and return its full result (statuses, elapsed and due times)."""
        pick, fr, res, pauses = self.tally(row, changes)
        if type(pick) is Match or fr is None or res is None:
            return TicketResult(row, pick, None, None)  # type: ignore[arg-type]
        assert isinstance(pick, _Slot)
        clock, terms = pick.clock, pick.terms
        created = row.created
        fr_target, res_target = terms.rule.first_response, terms.rule.resolution
        if pauses is None:
            due, start = clock.due_from, self._start
            return TicketResult(
                row, pick.match,
                MetricResult(fr[0], fr_target, fr[1], None if fr_target is None else due(created, start, fr_target)),
                MetricResult(res[0], res_target, res[1],
                             None if res_target is None else due(created, start, res_target)))
        out = []
        fr_stop = row.first_response if row.first_response is not None else row.resolved
        for (status, elapsed), target, mp, stop in ((fr, fr_target, pauses.first_response, fr_stop),
                                                    (res, res_target, pauses.resolution, row.resolved)):
            # paused: the clock has not stopped and the status at --as-of stops it
            paused = mp.paused_now and stop is None and (status == PENDING or status == BREACHED)
            when = None if target is None or (paused and status == PENDING) else \
                paused_due(clock, created, target, mp.removed)
            out.append(MetricResult(status, target, elapsed, when, mp.paused, paused))
        return TicketResult(row, pick.match, out[0], out[1], pauses.reopens, pauses)

    def _group_value(self, row: TicketRow, slot: _Slot) -> str:
        by = self.group_by
        if by == "customer":  # the customer's id wherever some agreement knows the spelling
            customer = slot.agreement.customer
            if not customer.is_wildcard:
                return customer.id
            return self.matcher.customer_id(row.customer) or row.customer.strip() or "(none)"
        if by == "priority":
            return slot.terms.rule.priority  # type: ignore[union-attr]  # matched slots have terms
        if by == "service":
            return self.matcher.service_name(row.service) or row.service.strip() or "(none)"
        if by == "month":
            return datetime.fromtimestamp(row.created, self.report_zone).strftime("%Y-%m")  # type: ignore[arg-type]
        return f"{slot.agreement.name} / {slot.terms.rule.priority}"  # type: ignore[union-attr]  # matched slots have terms

    def _breach(self, row: TicketRow, slot: _Slot, metric: str, target: float, elapsed: float) -> None:
        overrun = elapsed - target
        self._seq += 1
        item = (overrun, -self._seq, Breach(overrun, row.id, slot.agreement.name, slot.terms.rule.priority,  # type: ignore[union-attr]  # matched slots have terms
                                            metric, target, elapsed))
        if len(self.worst) < self._worst_n:
            heapq.heappush(self.worst, item)
        else:
            heapq.heapreplace(self.worst, item)
        if len(self.worst) == self._worst_n:
            self._worst_floor = self.worst[0][0]

    def totals(self) -> Totals:
        """What this scorer has counted (its own containers, not copies)."""
        return Totals(self.groups, self.by, self.targets, self.match_counts, self.no_rule_priorities,
                      self.created_after_as_of, self.worst, self._seq, self.pauses_not_applied,
                      self.unmatched.state(), self.reopens, self.target_versions)

    def merge(self, other: Totals) -> None:
        """Add the totals of a later part of the same export (its tickets come after these)."""
        add_groups(self.groups, other.groups)
        add_groups(self.by, other.by)
        for key, target in other.targets.items():
            version = other.target_versions.get(key)
            if key not in self.targets or later(version, self.target_versions.get(key)):
                self.targets[key], self.target_versions[key] = target, version
        for kind, count in other.match_counts.items():
            self.match_counts[kind] = self.match_counts.get(kind, 0) + count
        for key, count in other.no_rule_priorities.items():
            self.no_rule_priorities[key] = self.no_rule_priorities.get(key, 0) + count
        self.created_after_as_of += other.created_after_as_of
        self.pauses_not_applied |= other.pauses_not_applied
        self.unmatched.merge(other.unmatched)
        self.reopens += other.reopens
        offset = self._seq
        for overrun, neg_seq, breach in other.worst:
            item = (overrun, neg_seq - offset, breach)  # numbered after every breach counted here
            if len(self.worst) < self._worst_n:
                heapq.heappush(self.worst, item)
            elif item > self.worst[0]:
                heapq.heapreplace(self.worst, item)
        self._seq += other.seq
        if len(self.worst) == self._worst_n:
            self._worst_floor = self.worst[0][0]

    def no_rule_text(self) -> str:
        """The priorities no rule matched, in one sentence ("" when there are none)."""
        parts = []
        for (prio, policy), n in sorted(self.no_rule_priorities.items(), key=lambda kv: (-kv[1], kv[0])):
            what = f"{n} ticket{'s have' if n != 1 else ' has'} priority '{prio}'" if prio else \
                f"{n} ticket{'s have' if n != 1 else ' has'} no priority"
            parts.append(f"{what}, which no rule of policy '{policy}' matches")
        return "; ".join(parts) + (": add it to a rule's aliases" if parts else "")

    def worst_breaches(self) -> list[Breach]:
        return [b for _, _, b in sorted(self.worst, key=lambda t: (-t[0], -t[1]))]

    def summary(self) -> list[dict[str, object]]:
        """The summary rows: agreement x priority x metric (those with tickets)."""
        rows = []
        for (name, prio, metric), g in sorted(self.groups.items()):
            if g.tickets:
                rows.append(summary_row({"agreement": name, "priority": prio, "metric": metric}, g,
                                 self.targets[(name, prio)]))
        return rows if self.behind is None else self.behind.summary(rows)

    def grouped(self) -> list[dict[str, object]]:
        """Rows for ``--group-by`` (the summary itself when grouping by agreement)."""
        if self.group_by == "agreement":
            return self.summary()
        rows = []
        for (value, metric), g in sorted(self.by.items()):
            target = next(iter(g.targets)) if len(g.targets) == 1 else None
            rows.append(summary_row({self.group_by: value, "metric": metric}, g, target))
        return rows
