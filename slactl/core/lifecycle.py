"""Agreement lifecycle (README, "Lifecycle"): computed status, days left, what is expiring
and which notices are due. Pure: ``as_of`` is always given, nothing here reads
the clock, the disk or the network.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable

from slactl.core.model import Agreement, Workspace
from slactl.core.renewal import cancel_by, rolls, term_in_force

PLANNED, ACTIVE, EXPIRING, EXPIRED = "planned", "active", "expiring", "expired"
SUSPENDED, TERMINATED = "suspended", "terminated"
LIST_STATUSES = (PLANNED, ACTIVE, EXPIRING, EXPIRED, SUSPENDED, TERMINATED)

ANNOUNCE_WITHIN_DAYS = 7
"""Activation and expiry are announced only while this fresh (days since the
start, or since the first day after the end). Pointing slactl at an old
workspace must not mail every customer about years-old events."""

# notice kinds (the state file keys by them): activation, expiry warning, EXPIRED itself, and the
# manager's reminder that the cancel-by date of a renewing agreement approaches
ACTIVATION, EXPIRING_SOON, CANCEL_BY = "activation", "expiry", "cancel-by"

_WITHIN = re.compile(r"(\d{1,5})\s*([dw]?)|P(\d{1,5})([DW])", re.IGNORECASE)


def status(ag: Agreement, as_of: date) -> str:
    """planned | active | expired | suspended | terminated, as the README's "Lifecycle" section computes it."""
    if ag.status in (SUSPENDED, TERMINATED):
        return ag.status
    if ag.status in (PLANNED, ACTIVE):  # set by hand: overrides the dates
        return ag.status
    if as_of < ag.start:
        return PLANNED
    if as_of > ag.end:
        return EXPIRED
    return ACTIVE


def days_left(ag: Agreement, as_of: date) -> int:
    """Days from ``as_of`` to the (inclusive) end date: 0 on the last day, negative after it."""
    return (ag.end - as_of).days


def window(ag: Agreement, within: int | None = None) -> int:
    """The expiry window in days: ``within`` when given, else the largest notice_days."""
    return within if within is not None else max(ag.effective_notice_days)


def is_expiring(ag: Agreement, as_of: date, within: int | None = None) -> bool:
    """Active and its end falls within the window (0 <= days left <= window)."""
    return status(ag, as_of) == ACTIVE and 0 <= days_left(ag, as_of) <= window(ag, within)


def _cancel_soon(ag: Agreement, as_of: date, within: int | None) -> bool:
    day = cancel_by(ag)
    return day is not None and status(ag, as_of) == ACTIVE and 0 <= (day - as_of).days <= window(ag, within)


def display_status(ag: Agreement, as_of: date) -> str:
    """The status ``list`` shows: ``expiring`` for active agreements inside their notice window."""
    return EXPIRING if is_expiring(ag, as_of) else status(ag, as_of)


def parse_within(text: str) -> int:
    """Days in ``30d``, ``30``, ``2w``, ``P30D`` or ``P2W``; ValueError otherwise."""
    m = _WITHIN.fullmatch(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not a number of days (use 30d, 30 or 2w)")
    number, unit = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
    return int(number) * (7 if unit.lower() == "w" else 1)


# ---------------------------------------------------------------- selections

@dataclass(frozen=True, slots=True)
class Row:
    """One agreement as ``list`` and ``expiring`` report it."""

    agreement: Agreement  # with the dates of the term in force (an auto-renewing one rolls on)
    status: str
    days_left: int
    cancel_by: date | None = None  # the end less the renewal notice


def _sorted(agreements: Iterable[Agreement]) -> list[Agreement]:
    return sorted(agreements, key=lambda a: (a.customer.id.casefold(), a.start, a.name))


def list_rows(ws: Workspace, as_of: date, statuses: Iterable[str] = (),
              customer: str | None = None) -> list[Row]:
    """Every agreement with its computed status, filtered.

    ``statuses``: any of :data:`LIST_STATUSES`; ``active`` also selects the
    expiring ones (they are active). ``customer``: id, name or alias,
    case-insensitively.
    """
    wanted = {s.lower() for s in statuses}
    if ACTIVE in wanted:
        wanted.add(EXPIRING)
    who = customer.strip().casefold() if customer else None
    rows = []
    for ag in _sorted(in_force(ws, as_of)):
        st = display_status(ag, as_of)
        if wanted and st not in wanted:
            continue
        if who is not None and who not in ag.customer.names():
            continue
        rows.append(Row(ag, st, days_left(ag, as_of), cancel_by(ag)))
    return rows


def in_force(ws: Workspace, as_of: date) -> list[Agreement]:
    """Every agreement with the dates of its term in force on ``as_of`` (see ``renewal.term_in_force``)."""
    return [term_in_force(ws, ag, as_of) for ag in ws.agreements.values()]


def expiring(ws: Workspace, as_of: date, within: int | None = None) -> list[Row]:
    """Active agreements ending, or to be cancelled, within ``within`` days (or each one's own
    window), soonest first; an auto-renewing one by the end of its term in force."""
    found = [ag for ag in in_force(ws, as_of) if is_expiring(ag, as_of, within) or _cancel_soon(ag, as_of, within)]
    found.sort(key=lambda a: (a.end, a.name))
    return [Row(ag, ACTIVE, days_left(ag, as_of), cancel_by(ag)) for ag in found]


# ---------------------------------------------------------------- notices

@dataclass(frozen=True, slots=True)
class Notice:
    """One message that is due: ``key`` identifies it in the state file.

    ``supersedes`` are keys to record as done along with this one without
    sending them (the larger thresholds a late run has already passed).
    """

    kind: str  # activation | expiry | expired | cancel-by
    key: str
    agreement: Agreement
    as_of: date
    days_left: int
    threshold: int | None = None
    supersedes: tuple[str, ...] = field(default=())


def expiry_key(ag: Agreement, threshold: int) -> str:
    return f"{EXPIRING_SOON}:{ag.name}:{ag.end.isoformat()}:{threshold}"


def activation_key(ag: Agreement) -> str:
    return f"{ACTIVATION}:{ag.name}:{ag.start.isoformat()}"


def expired_key(ag: Agreement) -> str:
    return f"{EXPIRED}:{ag.name}:{ag.end.isoformat()}"


def expiry_notice(ag: Agreement, as_of: date, sent: set[str] | frozenset[str],
                  within: int | None = None) -> Notice | None:
    """The expiry warning due today for ``ag``, if any.

    Thresholds are the agreement's notice_days (plus ``within`` when given).
    The one due is the smallest threshold at or above the days left; if it has
    not gone out yet it is sent, and every larger threshold is recorded with it,
    so a job that did not run for a while catches up with one message, not three.
    """
    if not is_expiring(ag, as_of, within):
        return None
    left = days_left(ag, as_of)
    thresholds = set(ag.effective_notice_days) | ({within} if within is not None else set())
    due = min((t for t in thresholds if t >= left), default=None)
    if due is None:
        return None
    key = expiry_key(ag, due)
    if key in sent:
        return None
    larger = tuple(expiry_key(ag, t) for t in sorted(thresholds) if t > due and expiry_key(ag, t) not in sent)
    return Notice(EXPIRING_SOON, key, ag, as_of, left, due, larger)


def activation_notice(ag: Agreement, as_of: date, sent: set[str] | frozenset[str]) -> Notice | None:
    """Announce an agreement that came into force in the last :data:`ANNOUNCE_WITHIN_DAYS` days."""
    if status(ag, as_of) != ACTIVE or not 0 <= (as_of - ag.start).days <= ANNOUNCE_WITHIN_DAYS:
        return None
    key = activation_key(ag)
    return None if key in sent else Notice(ACTIVATION, key, ag, as_of, days_left(ag, as_of))


def expired_notice(ag: Agreement, as_of: date, sent: set[str] | frozenset[str]) -> Notice | None:
    """Announce an ``auto`` agreement whose period ended in the last :data:`ANNOUNCE_WITHIN_DAYS` days."""
    if ag.status != "auto" or status(ag, as_of) != EXPIRED:
        return None
    if (as_of - (ag.end + timedelta(days=1))).days > ANNOUNCE_WITHIN_DAYS:
        return None
    key = expired_key(ag)
    return None if key in sent else Notice(EXPIRED, key, ag, as_of, days_left(ag, as_of))


def cancel_by_key(ag: Agreement, day: date, threshold: int) -> str:
    return f"{CANCEL_BY}:{ag.name}:{day.isoformat()}:{threshold}"


def cancel_by_notice(ag: Agreement, as_of: date, sent: set[str] | frozenset[str]) -> Notice | None:
    """The manager's "cancel-by date approaching" reminder due today for ``ag`` (its term in force),
    at the agreement's notice_days thresholds before the cancel-by date, each once, as
    :func:`expiry_notice` (``days_left``: days to the cancel-by date)."""
    day = cancel_by(ag)
    if day is None or status(ag, as_of) != ACTIVE:
        return None
    left = (day - as_of).days
    thresholds = sorted(set(ag.effective_notice_days))
    due = min((t for t in thresholds if t >= left), default=None)
    if left < 0 or due is None:
        return None
    key = cancel_by_key(ag, day, due)
    if key in sent:
        return None
    larger = tuple(cancel_by_key(ag, day, t) for t in thresholds if t > due and cancel_by_key(ag, day, t) not in sent)
    return Notice(CANCEL_BY, key, ag, as_of, left, due, larger)


def due_expiry_notices(ws: Workspace, as_of: date, sent: set[str] | frozenset[str],
                       within: int | None = None) -> list[Notice]:
    """The expiry warnings due today (what ``expiring --notify`` sends); an auto-renewing
    agreement does not expire (its manager gets the cancel-by reminders instead)."""
    out = [expiry_notice(row.agreement, as_of, sent, within) for row in expiring(ws, as_of, within)
           if not rolls(ws, row.agreement)]
    return [n for n in out if n is not None]


def due_notices(ws: Workspace, as_of: date, sent: set[str] | frozenset[str]) -> list[Notice]:
    """Every lifecycle notice due today (what ``notify`` sends): activations, warnings, cancel-by
    reminders, expiries."""
    out: list[Notice | None] = []
    for ag in _sorted(ws.agreements.values()):
        out.append(activation_notice(ag, as_of, sent))
    out += due_expiry_notices(ws, as_of, sent)
    current = _sorted(in_force(ws, as_of))
    for ag in current:
        out.append(cancel_by_notice(ag, as_of, sent))
    for ag in current:
        out.append(expired_notice(ag, as_of, sent))
    return [n for n in out if n is not None]
