"""The alert workflow's first half: an export scored at ``as_of`` into the metrics at risk or
breached now (:func:`scan`); :func:`slactl.mail.alerts.run` then decides what is new."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator

from slactl.core.alerts import AlertItem, current
from slactl.core.model import Workspace
from slactl.core.tickets import Rejected, TicketRow

if TYPE_CHECKING:
    from slactl.usecases.tickets import TicketRun


@dataclass(slots=True)
class Scan:
    as_of: float
    items: list[AlertItem] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)  # every id in the export, rejected rows too
    warnings: list[str] = field(default_factory=list)


def scan(ws: Workspace, run: TicketRun) -> Scan:
    """Score every ticket of the run the way ``score --format json`` does (same pauses, same
    selection) at ``run.as_of``, and keep the metrics at risk or breached."""
    from slactl.core.scoring import Scorer, TicketResult
    from slactl.core.tickets import Rejected

    source = run.source

    def one_pass(items: Iterable[TicketRow | Rejected]) -> Scan:
        result = Scan(run.as_of)
        scorer = Scorer(ws, result.as_of, has_first_response=source.has_first_response,
                        has_resolution=source.has_resolution, history=run.paused_by_history)
        selecting = run.filter is not None or bool(run.exclusions)

        def results() -> Iterator[TicketResult]:
            for row in items:
                if row.id:
                    result.tickets.append(row.id)
                if type(row) is not Rejected and (not selecting or run.keep(row)):  # type: ignore[arg-type]
                    yield scorer.score(row, run.changes(row))  # type: ignore[arg-type]

        result.items = current(ws, results())
        return result

    return run.passes(one_pass)
