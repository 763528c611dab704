"""Operational level agreements: which team held a ticket, and how long (README "OLAs"). Pure.

The rules, as the file format states them:

* The team holding a ticket comes from its group rows (history rows whose
  ``field`` is ``group`` or ``assignment_group``): a stretch runs from one such
  row to the next, the last one to the resolution (or ``as_of`` while it is
  open). Before the first row the ticket is with that row's ``from`` team, or
  with no team when ``from`` is empty. Without group rows the export's group
  column names the team for the ticket's whole life. Rows after the stop are
  left out; rows before the creation count from the creation.
* **resolution**: the open time, on the OLA's clock, of every stretch of the
  team, summed, less the time spent in a status of the OLA's resolution pause
  list.
* **response** (optional): from the start of the team's first stretch to the
  first agent comment, status change or resolution strictly after that start
  and within the stretch; a hand-off without either ends it at the hand-off.
  Still with the team and neither happened: measured to ``as_of``.
* ``met`` within the target, ``breached`` over it, ``pending`` while the team
  holds an unresolved ticket within the target (a response not yet given).

Team names match trimmed and case-insensitively (``Team.names``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from slactl.core.activity import AGENT, COMMENT, GROUP, Event, of_kind, who
from slactl.core.clock import BusinessClock, clock_for
from slactl.core.model import DEFAULT_COMPLIANCE_TARGET, OLA, Rule, Workspace
from slactl.core.pauses import Change, Removed, paused_seconds, removed_intervals, status_key, timeline
from slactl.core.totals import BREACHED, MET, MISSING, PENDING, Group

Stretch = tuple[float, float, str]
"""(start, end, team as written): the ticket was with ``team`` from ``start`` to ``end``."""


def stretches(created: float, stop: float, groups: Sequence[Event], export_group: str = "") -> list[Stretch]:
    """Who held the ticket between ``created`` and ``stop`` (non-empty stretches of a named team,
    in time order). ``groups``: its group rows in time order."""
    if stop < created:
        stop = created
    if not groups:
        team = export_group.strip()
        return [(created, stop, team)] if team and stop > created else []
    first = groups[0].before
    team = first.strip() if first else ""
    out: list[Stretch] = []
    start = created
    for ev in groups:
        at = min(max(ev.at, created), stop)
        if at > start and team:
            out.append((start, at, team))
        if at >= start:
            start = at
        team = ev.to.strip()
    if stop > start and team:
        out.append((start, stop, team))
    return out


@dataclass(slots=True)
class Verdict:
    """One measured stage: status, open seconds counted, target seconds (None: no target)."""

    status: str
    elapsed: float
    target: float | None

    def as_dict(self) -> dict[str, object]:
        return {"elapsed_minutes": round(self.elapsed / 60, 4),
                "target_minutes": None if self.target is None else round(self.target / 60, 4),
                "status": self.status}


@dataclass(slots=True)
class Stage:
    """What one OLA's team did with one ticket: its resolution stage, and its response."""

    ola: str
    team: str
    priority: str
    resolution: Verdict
    response: Verdict | None = None
    holds: bool = False  # the team holds the ticket, unresolved, at as_of

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"ola": self.ola, "team": self.team, "priority": self.priority,
                                  **self.resolution.as_dict()}
        if self.response is not None:
            out["response"] = self.response.as_dict()
        return out


def judge(elapsed: float, target: float | None, open_: bool) -> str:
    """``open_``: the stage has not ended (the team still holds the ticket, or owes a response)."""
    if target is None:
        return MISSING
    if elapsed > target:
        return BREACHED
    return PENDING if open_ else MET


@dataclass(slots=True)
class _Terms:
    ola: OLA
    rule: Rule
    clock: BusinessClock
    pause_resolution: frozenset[str]
    pause_response: frozenset[str]


@dataclass(slots=True)
class OLAScore:
    """The OLA figures of a run: stages counted per OLA x team x priority x metric."""

    groups: dict[tuple[str, str, str, str], Group] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)  # OLA -> compliance target
    no_rule: dict[tuple[str, str], int] = field(default_factory=dict)  # (OLA, priority as written) -> stages


class OLAScorer:
    """Stages of each ticket against the workspace's OLAs, counted as it goes."""

    def __init__(self, ws: Workspace, as_of: float) -> None:
        self.ws, self.as_of = ws, as_of
        self.teams: dict[str, list[OLA]] = {}
        for ola in ws.olas.values():
            for spelling in ola.team.names():
                self.teams.setdefault(spelling, []).append(ola)
        self._terms: dict[tuple[str, str, str], _Terms | None] = {}
        self._periods: dict[str, tuple[float, float]] = {}
        self.score = OLAScore()
        for ola in ws.olas.values():
            policy = ws.policies.get(ola.policy or "")
            target = ola.compliance_target if ola.compliance_target is not None else \
                policy.compliance_target if policy is not None and policy.compliance_target is not None else \
                DEFAULT_COMPLIANCE_TARGET
            self.score.targets[ola.name] = float(target)

    def _terms_for(self, ola: OLA, priority: str, canonical: str) -> _Terms | None:
        key = (ola.name, priority, canonical)
        if key in self._terms:
            return self._terms[key]
        policy = self.ws.policies.get(ola.policy or "")
        rule = None
        for wanted in dict.fromkeys(p.strip().casefold() for p in (priority, canonical) if p):
            for rules in (ola.rules, policy.rules if policy is not None else ()):
                rule = next((r for r in rules if wanted in r.names()), None)
                if rule is not None:
                    break
            if rule is not None:
                break
        terms = None
        if rule is not None:
            name = rule.calendar or ola.calendar or (policy.calendar if policy is not None else None)
            own, inherited = ola.pause, policy.pause if policy is not None else None

            def keys(mine: tuple[str, ...] | None, theirs: tuple[str, ...] | None) -> frozenset[str]:
                chosen = mine if mine is not None else theirs
                return frozenset(status_key(s) for s in chosen or ())

            terms = _Terms(ola, rule, clock_for(self.ws.calendar(name)),
                           keys(own.resolution, inherited.resolution if inherited else None),
                           keys(own.first_response, inherited.first_response if inherited else None))
        self._terms[key] = terms
        return terms

    def _covers(self, ola: OLA, agreement: str | None, created: float) -> bool:
        if ola.supports is not None and agreement not in ola.supports:
            return False
        if ola.start is None or ola.end is None:
            return True
        span = self._periods.get(ola.name)
        if span is None:
            zone = ZoneInfo(self.ws.calendar(ola.calendar).timezone)
            begin = datetime.combine(ola.start, time(0), zone).timestamp()
            end = datetime.combine(ola.end + timedelta(days=1), time(0), zone).timestamp()
            span = self._periods[ola.name] = (begin, end)
        return span[0] <= created < span[1]

    def stages(self, created: float, resolved: float | None, priority: str, canonical: str,
               agreement: str | None, export_group: str, changes: Sequence[Change] | None,
               events: Sequence[Event] | None) -> list[Stage]:
        """The ticket's stages (one per OLA whose team held it), counted into ``score``."""
        stop = resolved if resolved is not None else self.as_of
        held = stretches(created, stop, of_kind(events, GROUP), export_group)
        if not held:
            return []
        by_ola: dict[str, tuple[OLA, list[Stretch]]] = {}  # every spelling of a team: one stage per OLA
        for s in held:
            for ola in self.teams.get(s[2].casefold(), ()):
                spans = by_ola.setdefault(ola.name, (ola, []))[1]
                if spans and spans[-1][1] == s[0]:  # handed between two spellings of the team: one stretch
                    spans[-1] = (spans[-1][0], s[1], spans[-1][2])
                else:
                    spans.append(s)
        now = {o.name for o in self.teams.get(held[-1][2].casefold(), ())} \
            if resolved is None and held[-1][1] >= stop else set()
        segments = None
        out: list[Stage] = []
        for name, (ola, spans) in by_ola.items():
            if not self._covers(ola, agreement, created):
                continue
            terms = self._terms_for(ola, priority, canonical)
            if terms is None:
                key = (ola.name, priority)
                self.score.no_rule[key] = self.score.no_rule.get(key, 0) + 1
                continue
            if segments is None:
                segments = timeline(created, changes or ())
            out.append(self._stage(terms, spans, name in now, segments, changes, events, resolved))
        return out

    def _stage(self, t: _Terms, spans: list[Stretch], holds: bool, segments: list, changes: Sequence[Change] | None,
               events: Sequence[Event] | None, resolved: float | None) -> Stage:
        clock, rule, ola = t.clock, t.rule, t.ola
        removed: list[Removed] = removed_intervals(segments, t.pause_resolution) if t.pause_resolution else []
        elapsed = 0.0
        for a, b, _ in spans:
            elapsed += clock.open_seconds(a, b) - (paused_seconds(clock, a, b, removed) if removed else 0.0)
        res = Verdict(judge(elapsed, rule.resolution, holds), elapsed, rule.resolution)
        response = None
        if rule.first_response is not None:
            response = self._response(t, spans[0], holds and len(spans) == 1, segments, changes, events, resolved)
        stage = Stage(ola.name, ola.team.name, rule.priority, res, response, holds)
        self._count(stage)
        return stage

    def _response(self, t: _Terms, first: Stretch, still: bool, segments: list, changes: Sequence[Change] | None,
                  events: Sequence[Event] | None, resolved: float | None) -> Verdict:
        a, b, _ = first
        acts = [c.at for c in changes or ()]
        acts += [e.at for e in of_kind(events, COMMENT) if who(e) == AGENT]
        if resolved is not None:
            acts.append(resolved)
        inside = [x for x in acts if a < x <= b]
        stop = min(inside) if inside else (None if still else b)
        end = b if stop is None else stop
        removed = removed_intervals(segments, t.pause_response) if t.pause_response else []
        clock = t.clock
        elapsed = clock.open_seconds(a, end) - (paused_seconds(clock, a, end, removed) if removed else 0.0)
        return Verdict(judge(elapsed, t.rule.first_response, stop is None), elapsed, t.rule.first_response)

    def _count(self, stage: Stage) -> None:
        groups = self.score.groups
        for metric, v, open_ in (("resolution", stage.resolution, stage.holds),
                                 ("response", stage.response, stage.response is not None
                                  and stage.response.status == PENDING)):
            if v is None:
                continue
            g = groups.get((stage.ola, stage.team, stage.priority, metric))
            if g is None:
                g = groups[(stage.ola, stage.team, stage.priority, metric)] = Group()
            g.count(v.status, v.elapsed, None if v.target is None else 0.75 * v.target, not open_, 0.0)


__all__ = ["Stretch", "stretches", "Verdict", "Stage", "OLAScore", "OLAScorer", "judge", "MET"]
