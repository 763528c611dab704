"""``slactl explain``: find one ticket in an export (and its status history) and build its
receipt. Kept apart from the CLI, like ``usecases.score``, so it can be driven without Typer."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable
from zoneinfo import ZoneInfo

from slactl.core.activity import Event
from slactl.core.behind import Behind
from slactl.core.coverage import agreement_zone
from slactl.core.model import Workspace
from slactl.core.pauses import Change, from_snapshots
from slactl.core.receipt import Receipt, build_receipt
from slactl.core.scoring import Scorer
from slactl.core.tickets import Rejected, TicketRow
from slactl.errors import InputError
from slactl.exports.history import History, HistoryRow
from slactl.exports.reader import Export, RepeatedIds
from slactl.suggest import close_matches

if TYPE_CHECKING:
    from slactl.usecases.tickets import TicketOptions

SUGGEST_FROM = 200_000  # ids kept to suggest a close one when the ticket is not found


@dataclass(slots=True)
class Explained:
    receipt: Receipt
    export: str
    history: str | None  # where the status history came from (a file, the event log's snapshots)
    history_rejected: list[Rejected] = field(default_factory=list)  # the ticket's unreadable history rows
    notes: list[str] = field(default_factory=list)
    behind: Behind | None = None  # OLA stages, next reply, updates (None: nothing to measure)


def explain_run(ws: Workspace, options: TicketOptions, ticket_id: str, as_of: Callable[[str], float],
                warn: Callable[[str], None]) -> Explained:
    """``explain``: the export read the one way (:mod:`slactl.usecases.tickets`), the ticket's
    own history rows read from ``options.history``."""
    from dataclasses import replace

    from slactl.usecases.tickets import open_tickets

    with open_tickets(ws, replace(options, history=None, history_mapping=None), as_of, warn) as run:
        opened = None
        if options.history is not None:
            from slactl.exports.history import open_history

            opened = open_history(options.history, tz=run.source.timezone, encoding=options.encoding,
                                  mapping=options.history_mapping)
        elif options.history_mapping is not None:
            raise InputError("--history-mapping needs --history FILE")
        return explain_ticket(ws, run.source, ticket_id, run.as_of, opened)


def explain_ticket(ws: Workspace, source: Export, ticket_id: str, as_of: float,
                   history: History | None = None) -> Explained:
    """The receipt of ``ticket_id``; ``InputError`` when the export does not hold it."""
    if not ticket_id.strip():
        raise InputError("the ticket id is empty: give the ticket's id as the export writes it "
                         "(slactl explain TICKET_ID EXPORT)")
    row = _find(source, ticket_id.strip())
    changes: list[Change] | None = None
    events: list[Event] = []
    rejected: list[Rejected] = []
    origin = None
    if history is not None:
        changes = []
        for item in history:
            if isinstance(item, HistoryRow):
                if item.ticket == row.id and item.kind:
                    events.append(Event(item.at, item.to, item.before, item.kind))
                elif item.ticket == row.id:
                    changes.append(Change(item.at, item.to, item.before))
            elif item.id == row.id:
                rejected.append(item)
        origin = history.path
    elif row.snapshots and any(t is not None for t, _ in row.snapshots):
        changes = from_snapshots(row.snapshots)
        origin = f"the snapshots of {source.path} (an event log)"
    scorer = Scorer(ws, as_of, has_first_response=source.has_first_response,
                    has_resolution=source.has_resolution, history=origin is not None)
    result = scorer.score(row, changes or None)
    ag = result.match.agreement
    zone = ZoneInfo(agreement_zone(ws, ag) if ag is not None else source.timezone)
    receipt = build_receipt(result, as_of, zone, has_first_response=source.has_first_response,
                            has_resolution=source.has_resolution)
    notes = []
    if row.created > as_of:
        notes.append("the ticket was created after --as-of: nothing of it had happened yet; is --as-of right?")
    if scorer.pauses_not_applied:
        notes.append(f"no status history: pauses in {', '.join(sorted(scorer.pauses_not_applied))} not applied "
                     "(give --history FILE)")
    behind = None
    from slactl.core.behind import BehindScorer, wanted

    if wanted(ws) or events:
        behind = BehindScorer(ws, as_of).ticket(row, result.match, changes or None, events or None, result.reopens)
    return Explained(receipt, source.path, origin, rejected, notes, behind)


def _find(source: Export, wanted: str) -> TicketRow:
    """The ticket's row (its last snapshot in an event log), or an InputError saying why not."""
    try:
        return _scan(source, wanted)
    except RepeatedIds:
        source.collapse = True
        return _scan(source, wanted)


def _scan(source: Export, wanted: str) -> TicketRow:
    seen: list[str] = []
    folded = wanted.casefold()
    loose: TicketRow | None = None
    reasons: list[str] = []
    n = 0
    for item in source:
        if isinstance(item, TicketRow):
            n += 1
            if item.id == wanted:
                return item
            if loose is None and item.id.casefold() == folded:
                loose = item
            if len(seen) < SUGGEST_FROM:
                seen.append(item.id)
        elif item.id == wanted:
            reasons.append(f"row {item.row}: {item.reason}")
    if loose is not None:
        return loose
    if reasons:
        raise InputError(f"ticket '{wanted}' is in {source.path} but its row was rejected: {'; '.join(reasons)}")
    close = close_matches(wanted, seen, n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise InputError(f"ticket '{wanted}' is not in {source.path} ({n} tickets read){hint}")
