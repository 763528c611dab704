"""The score loop's calls when OLAs, replies or first contact are measured (slactl.core.behind):
the scorer's ``score`` and ``tally``, each followed by the ticket's figures beyond its SLA."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from slactl.core.matching import Match

if TYPE_CHECKING:
    from slactl.core.pauses import Change
    from slactl.core.scoring import Scorer, TicketResult
    from slactl.core.tickets import TicketRow
    from slactl.exports.historyjoin import HistoryLookup


def measured(scorer: Scorer, history: HistoryLookup | None) -> tuple[Callable[..., TicketResult], Callable[..., Any]]:
    """(score, tally) that also measure each ticket with ``scorer.behind``; the group and comment
    rows are those ``history`` found with the ticket's status changes."""
    behind = scorer.behind
    assert behind is not None

    def events() -> Any:
        return history.extras if history is not None else None

    def score(row: TicketRow, changes: list[Change] | None = None) -> TicketResult:
        result = scorer.score(row, changes)
        result.behind = behind.ticket(row, result.match, changes, events(), result.reopens)
        return result

    def tally(row: TicketRow, changes: list[Change] | None = None) -> Any:
        out = scorer.tally(row, changes)
        pick, pauses = out[0], out[3]
        match = pick if type(pick) is Match else pick.match  # type: ignore[union-attr]
        behind.ticket(row, match, changes, events(), pauses.reopens if pauses is not None else 0)
        return out

    return score, tally
