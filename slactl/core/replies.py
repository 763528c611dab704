"""Next reply and status updates, from a ticket's comment rows (README "Replies and updates"). Pure.

The rules, as the file format states them:

* **Reply cycles.** The ticket's creation is its first customer comment. A
  cycle starts at a customer comment that arrives while no customer comment is
  waiting for an answer, and ends at the next agent comment. The first cycle is
  the first response; ``next_reply`` judges every later one. A cycle still
  waiting at the resolution ends there; one still waiting at ``as_of`` is
  ``pending`` (``breached`` once over the target). The ticket's verdict:
  ``breached`` if any cycle is, else ``pending`` if any is, else ``met``.
* **Updates.** While the ticket is open, the time from its creation and from
  each agent comment to the next agent comment (or to the resolution, or
  ``as_of``) never exceeds ``update_every``.
* Times are open time of the rule's clock less the intervals in a status of
  the rule's resolution pause list. Comments after the resolution (or
  ``as_of``) do not count; ties keep the order given.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slactl.core.activity import AGENT, COMMENT, CUSTOMER, Event, of_kind, who
from slactl.core.pauses import Clock, Removed, paused_seconds
from slactl.core.totals import BREACHED, MET, PENDING

Span = tuple[float, float, bool]
"""(start, end, ended): ``ended`` False for a span still running at ``as_of``."""


def reply_cycles(created: float, stop: float, resolved: bool, comments: Sequence[Event]) -> list[Span]:
    """Every reply cycle, the first response first. ``stop``: the resolution (``resolved``) or as_of."""
    out: list[Span] = []
    waiting: float | None = created
    for ev in comments:
        if ev.at > stop:
            break
        at = max(ev.at, created)
        side = who(ev)
        if side == CUSTOMER and waiting is None:
            waiting = at
        elif side == AGENT and waiting is not None:
            out.append((waiting, at, True))
            waiting = None
    if waiting is not None:
        out.append((waiting, max(stop, waiting), resolved))
    return out


def update_gaps(created: float, stop: float, resolved: bool, comments: Sequence[Event]) -> list[Span]:
    """The gaps between agent comments while open: from the creation and each agent comment to the
    next agent comment, the last one to ``stop``."""
    out: list[Span] = []
    start = created
    for ev in comments:
        if ev.at > stop:
            break
        if who(ev) == AGENT:
            at = max(ev.at, created)
            out.append((start, at, True))
            start = at
    out.append((start, max(stop, start), resolved))
    return out


@dataclass(slots=True)
class Gauge:
    """A metric judged over spans: the verdict, the worst span, and every span judged."""

    status: str
    target: float  # seconds
    worst: float | None  # open seconds of the worst span (None: no span judged)
    spans: list[tuple[float, float, float, str]]  # (start, end, open seconds, status)

    def as_dict(self, iso: object = None) -> dict[str, object]:
        fmt = iso if callable(iso) else (lambda t: t)
        return {"status": self.status,
                "elapsed_minutes": None if self.worst is None else round(self.worst / 60, 4),
                "target_minutes": round(self.target / 60, 4),
                "cycles": [{"start": fmt(a), "end": fmt(b), "elapsed_minutes": round(e / 60, 4), "status": s}
                           for a, b, e, s in self.spans]}


def gauge(clock: Clock, spans: Sequence[Span], target: float, removed: Sequence[Removed]) -> Gauge:
    """Judge each span against ``target``: ended ones met or breached, running ones pending or breached."""
    judged = []
    worst: float | None = None
    for a, b, ended in spans:
        e = clock.open_seconds(a, b) - (paused_seconds(clock, a, b, removed) if removed else 0.0)
        e = max(e, 0.0)
        status = BREACHED if e > target else (MET if ended else PENDING)
        judged.append((a, b, e, status))
        worst = e if worst is None or e > worst else worst
    statuses = {s for *_, s in judged}
    verdict = BREACHED if BREACHED in statuses else PENDING if PENDING in statuses else MET
    return Gauge(verdict, target, worst, judged)


def measure(clock: Clock, created: float, resolved: float | None, as_of: float, events: Sequence[Event] | None,
            next_reply: float | None, update_every: float | None, removed: Sequence[Removed]
            ) -> tuple[Gauge | None, Gauge | None, int]:
    """(next reply, updates, agent comments) of one ticket with comment rows; a gauge is None
    when its rule sets no target."""
    comments = of_kind(events, COMMENT)
    stop = resolved if resolved is not None else as_of
    done = resolved is not None
    reply = updates = None
    if next_reply is not None:
        reply = gauge(clock, reply_cycles(created, stop, done, comments)[1:], next_reply, removed)
    if update_every is not None:
        updates = gauge(clock, update_gaps(created, stop, done, comments), update_every, removed)
    agents = sum(1 for e in comments if e.at <= stop and who(e) == AGENT)
    return reply, updates, agents


__all__ = ["reply_cycles", "update_gaps", "Gauge", "gauge", "measure"]
