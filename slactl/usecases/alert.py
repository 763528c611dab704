"""The alert workflow's first half: an export scored at ``as_of`` into the metrics at risk or
breached now (:func:`scan`); :func:`slactl.mail.alerts.run` then decides what is new."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator

from slactl.core.alerts import AlertItem, current
from slactl.core.model import Workspace
from slactl.core.tickets import Rejected, TicketRow
from slactl.errors import InputError

if TYPE_CHECKING:
    from slactl.usecases.tickets import TicketRun


@dataclass(slots=True)
class Scan:
    as_of: float
    items: list[AlertItem] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)  # every id in the export, rejected rows too
    resolved: set[str] = field(default_factory=set)  # the ids the export shows resolved
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

        judged = rows = 0

        def results() -> Iterator[TicketResult]:
            nonlocal judged, rows
            for row in items:
                rows += 1
                if row.id:
                    result.tickets.append(row.id)
                if type(row) is Rejected:
                    continue
                judged += 1
                if row.resolved is not None:  # type: ignore[union-attr]
                    result.resolved.add(row.id)
                if not selecting or run.keep(row):  # type: ignore[arg-type]
                    yield scorer.score(row, run.changes(row))  # type: ignore[arg-type]

        result.items = current(ws, results())
        if not judged:  # a failed pull (header only, or nothing but rejected rows) is not "no tickets"
            why = f"all {rows} of its rows were rejected" if rows else "it has no ticket rows"
            raise InputError(f"{source.path}: no ticket in the export can be judged ({why}); "
                             "the alert state is untouched")
        return result

    from slactl.usecases.tickets import check_customer_seen

    found = run.passes(one_pass)
    check_customer_seen(ws, run)
    return found
