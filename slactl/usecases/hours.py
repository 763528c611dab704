"""The hours workflow: a time-entry file (and optionally the ticket export) in, an
:class:`HoursReport` out. The command ``slactl hours`` and the customer report both
call :func:`hours_report`; the arithmetic is in :mod:`slactl.core.hours`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable

from slactl.core.hours import (
    Assignment, TicketHours, Unassigned, WindowRow, account, assign, by_customer_column, hours, local_day,
)
from slactl.errors import InputError
from slactl.core.period import parse_period
from slactl.core.tickets import Rejected, TicketRow
from slactl.core.model import Workspace
from slactl.suggest import did_you_mean


@dataclass(slots=True)
class HoursReport:
    as_of: float
    period: str | None
    rows: list[WindowRow]
    unassigned: list[Unassigned]
    rejected: list[Rejected]
    source: str
    preset: str
    timezone: str
    export: str | None = None
    export_rejected: int = 0
    after_as_of: int = 0
    warnings: list[str] = field(default_factory=list)

    def exhausted_banks(self) -> list[WindowRow]:
        """The first shown window of each agreement whose bank is used up."""
        seen: dict[str, WindowRow] = {}
        for r in self.rows:
            if r.bank_total > 0 and r.bank_left <= 0 and r.agreement not in seen:
                seen[r.agreement] = r
        return list(seen.values())

    def tickets(self) -> list[tuple[WindowRow, TicketHours]]:
        return [(r, t) for r in self.rows for t in sorted(r.tickets.values(), key=lambda t: t.ticket)]

    def as_dict(self) -> dict[str, object]:
        """The hours JSON (README "Support hours")."""
        return {
            "as_of": datetime.fromtimestamp(self.as_of, timezone.utc).isoformat(),
            "period": self.period,
            "rows": [r.as_dict() for r in self.rows],
            "tickets": [{"agreement": r.agreement, "window": r.window.label, "ticket": t.ticket,
                         "entries": t.entries, "logged_hours": hours(t.logged),
                         "billable_hours": hours(t.billable)} for r, t in self.tickets()],
            "unassigned": [unassigned_dict(u) for u in self.unassigned],
            "rejected": [{"row": r.row, "ticket": r.id, "reason": r.reason} for r in self.rejected],
        }


def unassigned_dict(u: Unassigned) -> dict[str, object]:
    e = u.entry
    return {"row": e.row, "ticket": e.ticket or None, "customer": e.customer or None,
            "started_at": datetime.fromtimestamp(e.started, timezone.utc).isoformat(),
            "hours": hours(e.seconds), "billable": e.billable, "author": e.author, "reason": u.reason}


def _ticket_agreements(ws: Workspace, export: str, tz: str, preset: str, encoding: str | None = None,
                       ) -> tuple[dict[str, tuple[str | None, str]], int, list[str]]:
    """Ticket id -> (agreement name, why none) for every ticket of the export, read the one
    way every view reads it (:mod:`slactl.usecases.tickets`)."""
    from slactl.core.matching import AMBIGUOUS, Matcher
    from slactl.usecases.tickets import TicketOptions, open_tickets

    matcher = Matcher(ws)
    warnings: list[str] = []

    def one_pass(items: Iterable[TicketRow | Rejected]) -> tuple[dict[str, tuple[str | None, str]], int]:
        out: dict[str, tuple[str | None, str]] = {}
        rejected = 0
        for row in items:
            if isinstance(row, Rejected):
                rejected += 1
                if row.id and row.id not in out:
                    out[row.id] = (None, f"ticket {row.id}'s row {row.row} in the export was rejected ({row.reason})")
                continue
            m = matcher.match(row.customer, row.service, row.priority, row.created)
            if m.agreement is not None:
                out[row.id] = (m.agreement.name, "")
            elif m.kind == AMBIGUOUS:
                out[row.id] = (None, f"ticket {row.id} matches several agreements ({', '.join(m.candidates)})")
            else:
                who = f"customer '{row.customer}'" if row.customer else "no customer"
                out[row.id] = (None, f"ticket {row.id} ({who}) is covered by no agreement")
        return out, rejected

    options = TicketOptions(export, preset=preset, tz=tz, encoding=encoding)
    with open_tickets(ws, options, lambda zone: 0.0, lambda m: None) as run:
        warnings = [f"{run.source.path}: {w}" for w in run.source.warnings]
        out, rejected = run.passes(one_pass)
    return out, rejected, warnings


def select_agreements(ws: Workspace, customer: str | None, agreement: str | None) -> set[str]:
    """The agreement names --customer / --agreement keep (all by default)."""
    names = set(ws.agreements)
    if agreement is not None:
        if agreement not in ws.agreements:
            raise InputError(f"--agreement {agreement}: no such agreement{did_you_mean(agreement, ws.agreements)}")
        names = {agreement}
    if customer is not None:
        key = customer.strip().casefold()
        names = {n for n in names if key in ws.agreements[n].customer.names()}
        if not names:
            known = sorted({ag.customer.id for ag in ws.agreements.values() if not ag.customer.is_wildcard})
            raise InputError(f"--customer {customer}: no agreement has this customer{did_you_mean(customer, known)}")
    return names


def hours_report(ws: Workspace, entries_path: str, *, as_of: float, export: str | None = None,
                 period: str | None = None, customer: str | None = None, agreement: str | None = None,
                 tz: str = "UTC", preset: str = "auto", mapping: str | None = None,
                 export_preset: str = "auto", encoding: str | None = None) -> HoursReport:
    """Support hours per agreement x window for a time-entry file (README "Support hours")."""
    from slactl.exports.time_entries import read_time_entries
    from slactl.core.coverage import agreement_zone

    bounds: tuple[date, date] | None = None
    if period is not None:
        try:
            chosen = parse_period(period)
            bounds = (chosen.first, chosen.last)
        except ValueError as e:
            raise InputError(f"--period: {e}") from None
    keep = select_agreements(ws, customer, agreement)
    source = read_time_entries(entries_path, preset=preset, tz=tz, encoding=encoding, mapping=mapping)
    tickets: dict[str, tuple[str | None, str]] = {}
    report = HoursReport(as_of, period, [], [], source.rejected, source.path, source.preset, source.timezone,
                         export, warnings=list(source.warnings))
    if export is not None:
        tickets, report.export_rejected, warnings = _ticket_agreements(ws, export, tz, export_preset)
        report.warnings += warnings
    assigned: Assignment = assign(source.entries, tickets, by_customer_column(ws),
                                  unknown="not in the export" if export else "unknown (no --export given)")
    report.unassigned = assigned.unassigned
    report.after_as_of = sum(1 for e in source.entries if e.started > as_of)
    for name in sorted(keep):
        ag = ws.agreements[name]
        entries = assigned.by_agreement.get(name, [])
        if ag.hours is None and not entries:
            continue
        zone = agreement_zone(ws, ag)
        rows = account(ag, zone, entries, local_day(as_of, zone))
        if bounds is not None:
            rows = [r for r in rows if r.window.last >= bounds[0] and r.window.first <= bounds[1]]
        report.rows.extend(rows)
    return report
