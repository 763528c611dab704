"""Behind the SLA: OLA stages, next reply, updates and first-contact resolution of each ticket.

The scorer (``slactl.core.scoring``) judges a ticket's SLA metrics; this module
adds, for the same ticket, what its group and comment rows say: one stage per
OLA whose team held it (``slactl.core.ola``), the reply cycles and update gaps
its rule asks for (``slactl.core.replies``), and whether it was resolved on first
contact. It keeps its own totals; ``summary`` adds them to the scorer's rows.
Pure: ``as_of`` is given.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slactl.core.activity import COMMENT, Event
from slactl.core.matching import MATCHED, Match
from slactl.core.model import Workspace
from slactl.core.ola import OLAScorer, Stage
from slactl.core.pauses import Change, removed_intervals, timeline
from slactl.core.replies import Gauge, measure
from slactl.core.totals import UNMEASURED, Group, summary_row

REPLY_METRICS = ("next_reply", "update_every")


def wanted(ws: Workspace) -> bool:
    """Whether the workspace has anything this module measures (OLAs or reply/update targets)."""
    if ws.olas:
        return True
    rules = [r for p in ws.policies.values() for r in p.rules]
    rules += [r for a in ws.agreements.values() for r in a.rules]
    rules += [ar.rule for a in ws.agreements.values() for am in a.amendments for ar in am.rules]
    return any(r.next_reply is not None or r.update_every is not None for r in rules)


@dataclass(slots=True)
class Behind:
    """One ticket's figures beyond its SLA metrics (None / empty: not measured)."""

    stages: list[Stage] | None = None  # None: the workspace has no OLA
    next_reply: Gauge | str | None = None  # UNMEASURED without comment rows; None: no target
    update_every: Gauge | str | None = None

    def as_dict(self, stamp: Callable[[float | None], str | None]) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.stages is not None:
            out["ola_stages"] = [s.as_dict() for s in self.stages]
        for key, g in (("next_reply", self.next_reply), ("update_every", self.update_every)):
            if isinstance(g, Gauge):
                out[key] = g.as_dict(stamp)
            elif g is not None:
                out[key] = {"status": g, "elapsed_minutes": None, "cycles": []}
        return out

    def json_tail(self, stamp: Callable[[float | None], str | None]) -> str:
        """``, "ola_stages": [...], ...`` for the score JSON's streamed ticket ("" when empty)."""
        import json

        data = self.as_dict(stamp)
        return ", " + json.dumps(data, ensure_ascii=False)[1:-1] if data else ""


@dataclass(slots=True)
class _Fcr:
    resolved: int = 0  # resolved tickets with comment rows
    first_contact: int = 0  # ... with exactly one agent comment and no reopen


class BehindScorer:
    """Measures each ticket after the scorer has matched it; keeps the run's totals."""

    def __init__(self, ws: Workspace, as_of: float) -> None:
        self.as_of = as_of
        self.olas = OLAScorer(ws, as_of) if ws.olas else None
        self.groups: dict[tuple[str, str, str], Group] = {}  # (agreement, priority, metric)
        self.targets: dict[tuple[str, str], float] = {}
        self.fcr: dict[tuple[str, str], _Fcr] = {}
        self.comments_seen = False
        self.unmeasured: set[str] = set()  # where reply/update targets met a ticket without comment rows
        self.uncommented = 0  # such tickets

    def ticket(self, row: Any, match: Match, changes: Sequence[Change] | None, events: Sequence[Event] | None,
               reopens: int) -> Behind:
        """The figures of one ticket (``row``: a ``TicketRow``) as matched by the scorer."""
        out = Behind()
        ag = match.agreement
        if self.olas is not None:
            out.stages = self.olas.stages(row.created, row.resolved, row.priority, match.priority,
                                          ag.name if ag is not None else None, row.group, changes, events)
        if match.kind is not MATCHED or match.terms is None or ag is None:
            return out
        terms = match.terms
        rule, key = terms.rule, (ag.name, terms.rule.priority)
        has_comments = events is not None and any(e.kind == COMMENT for e in events)
        if has_comments:
            self.comments_seen = True
        fcr = self.fcr.get(key)
        if fcr is None:
            fcr = self.fcr[key] = _Fcr()
        if rule.next_reply is None and rule.update_every is None:
            if has_comments and row.resolved is not None:
                _, _, agents = measure(terms.clock, row.created, row.resolved, self.as_of, events, None, None, ())
                fcr.resolved += 1
                fcr.first_contact += agents == 1 and reopens == 0
            return out
        self.targets[key] = terms.target_pct
        if not has_comments:
            self.unmeasured.add(f"agreement '{ag.name}', priority {rule.priority}")
            self.uncommented += 1
            for metric, target in (("next_reply", rule.next_reply), ("update_every", rule.update_every)):
                if target is not None:
                    setattr(out, metric, UNMEASURED)
                    self._group(key, metric).count(UNMEASURED, None, None, False, 0.0)
            return out
        pause = terms.pauses.resolution
        removed = removed_intervals(timeline(row.created, changes), pause) if changes and pause else []
        reply, updates, agents = measure(terms.clock, row.created, row.resolved, self.as_of, events,
                                         rule.next_reply, rule.update_every, removed)
        if row.resolved is not None:
            fcr.resolved += 1
            fcr.first_contact += agents == 1 and reopens == 0
        for metric, g in (("next_reply", reply), ("update_every", updates)):
            if g is None:
                continue
            setattr(out, metric, g)
            if metric == "next_reply" and not g.spans:
                continue  # no customer message after the first: nothing to judge
            happened = g.status != "pending"
            self._group(key, metric).count(g.status, g.worst, 0.75 * g.target, happened, 0.0)
        return out

    def _group(self, key: tuple[str, str], metric: str) -> Group:
        g = self.groups.get((*key, metric))
        if g is None:
            g = self.groups[(*key, metric)] = Group()
        return g

    def summary(self, rows: list[dict[str, object]]) -> list[dict[str, object]]:
        """The scorer's summary rows with the reply/update rows added (after each agreement x
        priority's own) and ``first_contact_resolution_pct`` on every row."""
        extra: dict[tuple[str, str], list[dict[str, object]]] = {}
        for (name, prio, metric), g in sorted(self.groups.items()):
            if g.tickets:
                extra.setdefault((name, prio), []).append(
                    summary_row({"agreement": name, "priority": prio, "metric": metric}, g,
                                self.targets.get((name, prio))))
        out: list[dict[str, object]] = []
        for i, r in enumerate(rows):
            key = (str(r["agreement"]), str(r["priority"]))
            out.append({**r, "first_contact_resolution_pct": self.fcr_pct(key)})
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            if nxt is None or (nxt["agreement"], nxt["priority"]) != key:
                out += [{**x, "first_contact_resolution_pct": self.fcr_pct(key)} for x in extra.pop(key, [])]
        for key, more in sorted(extra.items()):
            out += [{**x, "first_contact_resolution_pct": self.fcr_pct(key)} for x in more]
        return out

    def fcr_pct(self, key: tuple[str, str]) -> float | None:
        f = self.fcr.get(key)
        if f is None or f.resolved == 0:
            return None
        return round(100.0 * f.first_contact / f.resolved, 2)

    def notes(self) -> list[str]:
        """What to say once: reply/update targets without comment rows."""
        if not self.unmeasured:
            return []
        where = ", ".join(sorted(self.unmeasured)[:3]) + (" ..." if len(self.unmeasured) > 3 else "")
        if not self.comments_seen:
            return [f"no comment history: next_reply and update_every are unmeasured ({where})"]
        n = self.uncommented
        return [f"{n} ticket{'s have' if n != 1 else ' has'} no comment rows: next_reply and update_every "
                f"unmeasured for {'them' if n != 1 else 'it'} ({where})"]


def no_rule_notes(olas: OLAScorer | None) -> list[str]:
    """Stages whose priority no rule of the OLA matches, in one line per OLA."""
    if olas is None:
        return []
    out = []
    for (ola, prio), n in sorted(olas.score.no_rule.items()):
        out.append(f"{n} ticket{'s' if n != 1 else ''} held by the team of OLA '{ola}' "
                   f"{'have' if n != 1 else 'has'} priority '{prio}', which no rule of the OLA matches: "
                   "add it to a rule's aliases")
    return out


__all__ = ["Behind", "BehindScorer", "wanted", "no_rule_notes", "REPLY_METRICS"]
