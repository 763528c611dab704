"""Event-log exports: rows that repeat a ticket id are snapshots of one ticket.

Some desks export one row per update (ServiceNow's incident event log, audit
exports). ``collapsed_rows`` reads such a file whole and yields one
``TicketRow`` per ticket:

- the ticket's fields come from its last snapshot: the latest by the snapshot
  time column (``updated_at``, ``updated``, ``Updated at``, ``sys_updated_at``
  or ``sys_updated_on``; equal times keep file order), or the last in file
  order when the export has no such column (or a snapshot's time is empty);
- ``TicketRow.snapshots`` is the public status history: every snapshot's
  ``(time, status)`` in that order, time as UTC epoch seconds (``None`` when
  the export has no snapshot time column: then the snapshots give no history).
  A ticket on one row of an event log has its one snapshot;
- a snapshot that cannot be read (or whose time cannot be parsed) is a
  rejected row, not a collapsed one;
- tickets keep the order of their first row; rejected rows and tickets come
  out merged in row order, so a file without repeats reads exactly as the
  streaming pass reads it.

Afterwards ``export.collapsed`` = rows merged into an earlier row's ticket, so
rows = tickets + rejected + collapsed, and a warning says
``N rows collapsed into M tickets`` (the rows read as tickets, and the tickets they make).

The streaming reader (``slactl.exports.reader``) switches to this at the first
repeated id; the tickets are held in memory, one entry per ticket.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from slactl.core.tickets import Rejected, Snapshot, TicketRow
from slactl.exports.timestamps import TimestampError, parse_slow

if TYPE_CHECKING:
    from slactl.exports.reader import Export


class _Tap:
    """Passes records through, remembering the last one (the record behind the row just read).
    A class, not a generator: a csv error raised by ``next`` must not end the iteration."""

    __slots__ = ("it", "rec")

    def __init__(self, it: Iterator[list[str]]) -> None:
        self.it = it
        self.rec: list[str] = []

    def __iter__(self) -> _Tap:
        return self

    def __next__(self) -> list[str]:
        rec = next(self.it)
        self.rec = rec
        return rec


class _Ticket:
    """What is kept of one ticket's snapshots: the candidates for its fields and the
    (time, status) pairs, not every row (an event log is held in memory)."""

    __slots__ = ("first", "count", "last", "latest", "latest_time", "timed", "snaps")

    def __init__(self, first: int) -> None:
        self.first = first  # row number of its first snapshot
        self.count = 0
        self.last: TicketRow | None = None  # the last snapshot in file order
        self.latest: TicketRow | None = None  # the latest by time (the later one on equal times)
        self.latest_time = float("-inf")
        self.timed = True  # every snapshot has a time
        self.snaps: list[Snapshot] = []

    def add(self, row: TicketRow, when: float | None) -> None:
        self.count += 1
        self.last = row
        self.snaps.append((when, row.status))
        if when is None:
            self.timed = False
        elif when >= self.latest_time:
            self.latest, self.latest_time = row, when


def collapsed_rows(export: Export, records: Iterator[list[str]], reader: Any) -> Iterator[TicketRow | Rejected]:
    """Every ticket once (its last snapshot) and every rejected row, in row order."""
    tap = _Tap(records)
    ix = export._indices.get("updated_at")
    fmt = export._fmt.get("updated_at")
    label = export._labels["updated_at"]
    tickets: dict[str, _Ticket] = {}
    rejected: list[Rejected] = []
    rows = 0
    for item in export._rows(tap, reader, export._stream.suspect):
        rows += 1
        if type(item) is Rejected:
            rejected.append(item)
            continue
        row: TicketRow = item  # type: ignore[assignment]
        when: float | None = None
        if ix is not None and fmt is not None:
            rec = tap.rec
            cell = rec[ix[0]] if ix[0] < len(rec) else ""
            if cell and not cell.isspace() and not _is_null(cell):
                try:
                    when = parse_slow(cell, fmt, export._tz)
                except TimestampError as e:
                    rejected.append(Rejected(row.row, row.id, f"{label} {e}: a snapshot that cannot be placed"))
                    continue
        t = tickets.get(row.id)
        if t is None:
            t = tickets[row.id] = _Ticket(row.row)
        t.add(row, when)
    out = [_final(t) for t in tickets.values()]
    repeated = [t for t in tickets.values() if t.count > 1]
    export.collapsed = sum(t.count - 1 for t in repeated)
    export.collapsed_tickets = len(repeated)
    if repeated:
        many = sum(t.count for t in tickets.values())
        how = (f"the last snapshot of each by '{export.snapshot_column}' gives its fields" if ix is not None
               else "no snapshot time column: the last row of each in file order gives its fields, "
                    "and the snapshots give no status history")
        export.warnings.append(f"{many} rows collapsed into {len(tickets)} tickets ({len(repeated)} ticket ids "
                               f"repeat: read as an event log; {how})")
    yield from _merge(out, [t.first for t in tickets.values()], rejected)


def _is_null(cell: str) -> bool:
    from slactl.exports.presets import is_null

    return is_null(cell)


def _final(t: _Ticket) -> TicketRow:
    """The ticket's last snapshot, carrying every snapshot's (time, status) in order."""
    if t.count == 1:
        row = t.last
        assert row is not None
        if t.timed:  # one snapshot is history too: its status holds from its time on
            row.snapshots = tuple(t.snaps)
        return row
    last = t.latest if t.timed else t.last
    assert last is not None
    snaps = sorted(t.snaps, key=lambda sn: sn[0]) if t.timed else t.snaps  # type: ignore[arg-type,return-value]
    return TicketRow(last.row, last.id, last.customer, last.service, last.priority, last.status,
                     last.created, last.first_response, last.resolved, tuple(snaps), last.group)


def _merge(tickets: list[TicketRow], firsts: list[int], rejected: list[Rejected]) -> Iterator[TicketRow | Rejected]:
    """Tickets (at their first row) and rejected rows, in row order."""
    j = 0
    for ticket, first in zip(tickets, firsts):
        while j < len(rejected) and rejected[j].row < first:
            yield rejected[j]
            j += 1
        yield ticket
    yield from rejected[j:]
