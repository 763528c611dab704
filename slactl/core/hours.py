"""Support hours against what an agreement includes (README "Support hours"). Pure: no I/O, no clock.

Time entries are assigned to agreements (:func:`assign`), then each agreement's
entries are accounted window by window (:func:`account`): the raw time logged,
the billable time (non-billable entries left out unless ``billable_only`` is
false, each counted entry rounded up to ``rounding``), the included hours plus
what rolled over, the prepaid bank drawn after them, and the overage.

All arithmetic is in seconds; hours appear only in :meth:`WindowRow.as_dict`,
rounded to 0.01.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

from slactl.core.model import Agreement, Hours, Workspace

MONTH, QUARTER = "month", "quarter"
NO_TICKET = "(no ticket)"


@dataclass(frozen=True, slots=True)
class TimeEntry:
    """One time entry as read from the file."""

    row: int  # 1-based record number after the header
    ticket: str  # "" when the entry names no ticket
    customer: str  # "" when the file has no customer column or the cell is empty
    started: float  # UTC epoch seconds
    seconds: float  # time spent
    billable: bool = True
    author: str = ""
    note: str = ""
    service: str = ""
    billable_seconds: float | None = None  # Tempo's billed time, when the file gives it


# ---------------------------------------------------------------- windows

@dataclass(frozen=True, slots=True, order=True)
class Window:
    """A month or quarter of local dates, ``first`` to ``last`` inclusive."""

    first: date
    last: date
    label: str


def window_of(day: date, per: str) -> Window:
    """The month (``2026-03``) or quarter (``2026-Q1``) holding ``day``."""
    if per == QUARTER:
        q = (day.month - 1) // 3
        first = date(day.year, 3 * q + 1, 1)
        label = f"{day.year}-Q{q + 1}"
        months = 3
    else:
        first = date(day.year, day.month, 1)
        label = f"{day.year}-{day.month:02d}"
        months = 1
    y, m = divmod(first.month - 1 + months, 12)
    return Window(first, date(first.year + y, m + 1, 1) - timedelta(days=1), label)


def windows_between(start: date, end: date, per: str) -> list[Window]:
    """Every window overlapping ``start``..``end`` (inclusive), in order."""
    out: list[Window] = []
    if end < start:
        return out
    w = window_of(start, per)
    while w.first <= end:
        out.append(w)
        w = window_of(w.last + timedelta(days=1), per)
    return out


def local_day(instant: float, zone: str) -> date:
    return datetime.fromtimestamp(instant, ZoneInfo(zone)).date()


# ---------------------------------------------------------------- accounting

def counted_seconds(entry: TimeEntry, terms: Hours) -> float:
    """What one entry adds to billable time: 0 when not billable (and only billable counts),
    else its duration rounded up to the rounding step."""
    if terms.billable_only and not entry.billable:
        return 0.0
    spent = entry.billable_seconds if terms.billable_only and entry.billable_seconds is not None else entry.seconds
    step = terms.rounding
    if not step or spent <= 0:
        return max(spent, 0.0)
    # a tolerance of a millisecond keeps 0.25 h written as decimals on its own step
    return math.ceil(spent / step - 1e-3 / step) * step


@dataclass(slots=True)
class TicketHours:
    ticket: str
    entries: int = 0
    logged: float = 0.0
    billable: float = 0.0


@dataclass(slots=True)
class WindowRow:
    """One agreement x window; every amount of time in seconds."""

    agreement: str
    customer: str
    window: Window
    in_period: bool
    entries: int = 0
    logged: float = 0.0
    billable: float = 0.0
    included: float = 0.0  # this window's own included time
    rollover_in: float = 0.0
    from_included: float = 0.0
    bank_used: float = 0.0
    bank_left: float = 0.0
    bank_total: float = 0.0  # the agreement's whole bank (0: none)
    overage: float = 0.0
    unused: float = 0.0  # included time left over (rolled into the next window with rollover)
    rate: float | None = None
    currency: str | None = None
    tickets: dict[str, TicketHours] = field(default_factory=dict)

    @property
    def amount(self) -> float | None:
        return None if self.rate is None else round(self.overage / 3600 * self.rate, 2)

    def as_dict(self) -> dict[str, object]:
        """The row as the hours JSON prints it (hours rounded to 0.01)."""
        return {
            "agreement": self.agreement, "customer": self.customer, "window": self.window.label,
            "logged_hours": hours(self.logged), "billable_hours": hours(self.billable),
            "included_hours": hours(self.included + self.rollover_in),
            "rollover_in_hours": hours(self.rollover_in), "bank_used_hours": hours(self.bank_used),
            "bank_left_hours": hours(self.bank_left), "overage_hours": hours(self.overage),
            "amount": self.amount, "currency": self.currency,
            "unused_hours": hours(self.unused), "entries": self.entries,
        }


def hours(seconds: float) -> float:
    """Seconds as hours rounded to 0.01 (what every report prints)."""
    return round(seconds / 3600 + 0.0, 2)


NO_HOURS = Hours()
"""The terms of an agreement without an ``hours`` block: everything billable is overage."""


def account(ag: Agreement, zone: str, entries: Iterable[TimeEntry], through: date) -> list[WindowRow]:
    """Window rows of one agreement, in order: every window of its period up to the one
    holding ``through`` (the --as-of day), plus any other window that has entries.

    Included hours (and the bank) belong to the period: a window outside it includes
    nothing and draws nothing; rollover never crosses the period's end. A window cut by
    ``through`` keeps its whole included time.
    """
    terms = ag.hours or NO_HOURS
    per = terms.per
    customer = ag.customer.id
    rows: dict[Window, WindowRow] = {}

    def row_for(w: Window) -> WindowRow:
        r = rows.get(w)
        if r is None:
            in_period = w.last >= ag.start and w.first <= ag.end
            r = rows[w] = WindowRow(ag.name, customer, w, in_period, rate=terms.rate, currency=terms.currency)
        return r

    if ag.hours is not None:
        for w in windows_between(ag.start, min(ag.end, through), per):
            row_for(w)
    tz = ZoneInfo(zone)
    window_of_day: dict[date, Window] = {}
    amended = _amended_terms(ag)  # None: one set of terms for the whole period
    for e in entries:
        day = datetime.fromtimestamp(e.started, tz).date()
        window = window_of_day.get(day)
        if window is None:
            window = window_of_day[day] = window_of(day, per)
        r = row_for(window)
        counted = counted_seconds(e, terms if amended is None else amended(day))  # the terms at its start
        r.entries += 1
        r.logged += e.seconds
        r.billable += counted
        key = e.ticket or NO_TICKET
        t = r.tickets.get(key)
        if t is None:
            t = r.tickets[key] = TicketHours(key)
        t.entries += 1
        t.logged += e.seconds
        t.billable += counted
    ordered = [rows[w] for w in sorted(rows)]
    included = (terms.included or 0.0) * 3600
    bank = (terms.bank or 0.0) * 3600
    carry = 0.0
    for r in ordered:
        if r.in_period:
            r.included = included if amended is None else (amended(r.window.first).included or 0.0) * 3600
            r.rollover_in = carry
        available = r.included + r.rollover_in
        r.from_included = min(r.billable, available)
        r.unused = available - r.from_included
        rest = r.billable - r.from_included
        if r.in_period:
            r.bank_used = min(rest, bank)
            bank -= r.bank_used
        r.bank_left = bank
        r.bank_total = (terms.bank or 0.0) * 3600
        r.overage = rest - r.bank_used
        carry = r.unused if terms.rollover and r.in_period else 0.0
    return ordered


def _amended_terms(ag: Agreement) -> Callable[[date], Hours] | None:
    """The hours terms in force on a day, for an agreement whose amendments change them."""
    if not any("hours" in a.given for a in ag.amendments):
        return None
    from slactl.core.amendments import hours_on

    return lambda day: hours_on(ag, day) or NO_HOURS


# ---------------------------------------------------------------- assignment

@dataclass(frozen=True, slots=True)
class Unassigned:
    entry: TimeEntry
    reason: str


@dataclass(slots=True)
class Assignment:
    by_agreement: dict[str, list[TimeEntry]] = field(default_factory=dict)
    unassigned: list[Unassigned] = field(default_factory=list)
    by_ticket: int = 0  # entries assigned through their ticket
    by_customer: int = 0  # ... through their own customer column


def assign(entries: Iterable[TimeEntry], tickets: Mapping[str, tuple[str | None, str]],
           by_customer: Callable[[str, float], tuple[str | None, str]], *,
           unknown: str = "not in the export") -> Assignment:
    """Each entry to an agreement: its ticket's (``tickets``: id -> (agreement, why not)),
    else the one ``by_customer(customer, started)`` names; the rest are unassigned with
    the reason. The ticket wins over the entry's own customer column."""
    out = Assignment()
    for e in entries:
        name: str | None = None
        why = ""
        if e.ticket and e.ticket in tickets:
            name, why = tickets[e.ticket]
            if name is not None:
                out.by_ticket += 1
        if name is None and e.customer:
            name, why_c = by_customer(e.customer, e.started)
            if name is not None:
                out.by_customer += 1
            else:
                why = f"{why}; {why_c}" if why else why_c
        if name is None:
            if not why:
                why = (f"ticket {e.ticket} is {unknown} and the entry names no customer" if e.ticket
                       else "the entry names neither a ticket nor a customer")
            out.unassigned.append(Unassigned(e, why))
        else:
            out.by_agreement.setdefault(name, []).append(e)
    return out


def by_customer_column(ws: Workspace) -> Callable[[str, float], tuple[str | None, str]]:
    """The agreement an entry's own customer column points to at ``started``.

    The agreements of that customer (id, name or alias, case-insensitively) that cover
    the instant; else the provider-wide (``*``) ones. An entry names no service, so an
    agreement's services list does not rule it out; when several remain, those with an
    ``hours`` block are preferred, and a remaining tie is left unassigned, never decided.
    """
    from slactl.core.coverage import coverage

    spans = {name: coverage(ws, ag) for name, ag in ws.agreements.items()}
    own: dict[str, list[Agreement]] = {}
    wildcard: list[Agreement] = []
    for ag in ws.agreements.values():
        if spans[ag.name] is None:
            continue
        if ag.customer.is_wildcard:
            wildcard.append(ag)
        else:
            for key in ag.customer.names():
                own.setdefault(key, []).append(ag)

    def find(customer: str, started: float) -> tuple[str | None, str]:
        for group in (own.get(customer.strip().casefold(), []), wildcard):
            found = [ag for ag in group if spans[ag.name][0] <= started < spans[ag.name][1]]  # type: ignore[index]
            if len(found) > 1:
                found = [ag for ag in found if ag.hours is not None] or found
            if len(found) > 1:
                found = [ag for ag in found if ag.services is None] or found
            if len(found) == 1:
                return found[0].name, ""
            if found:
                names = ", ".join(sorted(ag.name for ag in found))
                return None, f"customer '{customer}' has several agreements then ({names})"
        return None, f"no agreement covers customer '{customer}' at that time"
    return find
