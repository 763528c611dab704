"""The ticket as the scorer sees it: one row of an export, already parsed.

Readers (``slactl.exports``) build these; the scorer and the reporters only
read them. Times are UTC epoch seconds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Snapshot = tuple["float | None", str]
"""(snapshot time as UTC epoch seconds or None when the export has no time column, status)."""


@dataclass(slots=True)
class TicketRow:
    """One ticket. For an event-log export (ids repeat) this is the ticket's last
    snapshot, and ``snapshots`` lists every snapshot's (time, status) in time order
    (file order for equal or missing times); ``()`` for a ticket of an export whose ids do not repeat."""

    row: int  # 1-based record number after the header (of the snapshot giving the fields)
    id: str
    customer: str  # "" when absent
    service: str  # "" when absent
    priority: str
    status: str
    created: float  # UTC epoch seconds
    first_response: float | None  # None: not happened yet (empty cell)
    resolved: float | None
    snapshots: tuple[Snapshot, ...] = ()
    # the export's group column (the team holding it, for OLAs); "" when absent; not part of equality
    group: str = field(default="", compare=False)


@dataclass(slots=True)
class Rejected:
    """A record of the export that is not a ticket, and why."""

    row: int
    id: str  # "" if unknown
    reason: str
