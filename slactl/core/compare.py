"""What-if: the same tickets scored under two workspaces (``score --compare``). Pure.

``Comparison`` is fed each ticket's two results as the export streams; it keeps the tickets
whose verdict differs and, per objective (agreement x priority x metric here), how many went
from met to breached and back. ``rows`` joins the two scores' summaries side by side.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from slactl.core.scoring import METRICS, TicketResult
from slactl.core.totals import BREACHED, MET


def status_of(result: TicketResult, metric: str) -> str:
    """A metric's status, or how the ticket failed to match (uncovered, ambiguous, no_rule)."""
    measured = result.first_response if metric == "first_response" else result.resolution
    return measured.status if measured is not None else result.match.kind


@dataclass(frozen=True, slots=True)
class Flip:
    id: str
    metric: str
    status: str
    other_status: str
    agreement: str | None
    other_agreement: str | None
    priority: str

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "metric": self.metric, "status": self.status, "other_status": self.other_status,
                "agreement": self.agreement, "other_agreement": self.other_agreement, "priority": self.priority}


@dataclass(slots=True)
class Comparison:
    flipped: list[Flip] = field(default_factory=list)
    # (agreement, priority, metric) here -> [breached there & met here, met there & breached here]:
    # the moves from REF's terms to this workspace's
    moves: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)

    def add(self, here: TicketResult, there: TicketResult) -> None:
        for metric in METRICS:
            a, b = status_of(here, metric), status_of(there, metric)
            if a == b:
                continue
            self.flipped.append(Flip(here.ticket.id, metric, a, b, here.agreement, there.agreement,
                                     here.match.priority))
            if here.agreement is not None and {a, b} == {MET, BREACHED}:
                counts = self.moves.setdefault((here.agreement, here.match.priority, metric), [0, 0])
                counts[a == BREACHED] += 1

    def rows(self, here: list[dict[str, object]], there: list[dict[str, object]]) -> list[dict[str, object]]:
        """One row per agreement x priority x metric of either side: both compliances, the difference
        (here less there), and how many verdicts went met -> breached and breached -> met from
        there (REF) to here."""
        def key(r: dict[str, object]) -> tuple[str, str, str]:
            return str(r["agreement"]), str(r["priority"]), str(r["metric"])

        mine, theirs = {key(r): r for r in here}, {key(r): r for r in there}
        out = []
        for k in sorted(set(mine) | set(theirs)):
            a, b = mine.get(k, {}), theirs.get(k, {})
            pct, other = a.get("compliance_pct"), b.get("compliance_pct")
            moves = self.moves.get(k, [0, 0])
            out.append({
                "agreement": k[0], "priority": k[1], "metric": k[2],
                "tickets": a.get("tickets", 0), "other_tickets": b.get("tickets", 0),
                "compliance_pct": pct, "other_compliance_pct": other,
                "difference_pct": None if not isinstance(pct, (int, float)) or not isinstance(other, (int, float))
                else round(pct - other, 2),
                "target_pct": a.get("target_pct"), "other_target_pct": b.get("target_pct"),
                "met_to_breached": moves[1], "breached_to_met": moves[0],
            })
        return out
