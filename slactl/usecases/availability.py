"""The availability workflow: outage log in, rows and credits out. Kept apart from the
CLI so the customer report and tests can drive it without Typer."""
from __future__ import annotations

from dataclasses import dataclass, field

from slactl.core.availability import AvailabilityRow, Outage, evaluate
from slactl.core.credits import CreditEntry
from slactl.core.matching import service_spellings
from slactl.core.model import Agreement, Workspace
from slactl.core.period import Period
from slactl.errors import InputError
from slactl.exports.reader import Rejected
from slactl.suggest import closest, did_you_mean, hint


@dataclass(slots=True)
class AvailabilityReport:
    """Everything a reporter shows."""

    path: str
    as_of: float
    period: str | None
    timezone: str
    encoding: str
    rows: list[AvailabilityRow] = field(default_factory=list)
    credits: list[CreditEntry] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    read: int = 0  # outage rows read (accepted)
    warnings: list[str] = field(default_factory=list)


def select_agreements(ws: Workspace, agreement: str | None, customer: str | None) -> list[Agreement]:
    """``--agreement`` by name or ``--customer`` by id, name or alias; all when neither."""
    if agreement is not None and customer is not None:
        raise InputError("give --agreement or --customer, not both")
    if agreement is not None:
        found = ws.agreements.get(agreement)
        if found is None:
            names = sorted(ws.agreements)
            match = next((n for n in names if n.startswith(agreement.casefold())), None) or closest(agreement, names)
            raise InputError(f"--agreement '{agreement}' is not an agreement of the workspace{hint(match)}")
        return [found]
    if customer is not None:
        wanted = customer.strip().casefold()
        chosen = [a for a in ws.agreements.values() if wanted in a.customer.names()]
        if not chosen:
            ids = sorted({a.customer.id for a in ws.agreements.values() if not a.customer.is_wildcard})
            raise InputError(f"--customer '{customer}' has no agreement in the workspace{did_you_mean(customer, ids)}")
        return chosen
    return list(ws.agreements.values())


@dataclass(slots=True)
class OutageRead:
    """An outage log, read: the accepted rows, the rejected ones and how the file was read."""

    outages: list[Outage]
    rejected: list[Rejected]
    timezone: str
    encoding: str
    warnings: list[str]


def read_outages(ws: Workspace, path: str, *, tz: str = "UTC", encoding: str | None = None,
                 mapping: str | None = None) -> OutageRead:
    """Every row of the outage log at ``path`` (services matched against ``ws``); ``InputError``
    when the file cannot be read at all. The customer report reads ``--outages`` with this."""
    from slactl.exports.outages import open_outages

    outages: list[Outage] = []
    rejected: list[Rejected] = []
    with open_outages(path, service_spellings(ws), tz=tz, encoding=encoding, mapping=mapping) as log:
        for item in log:
            if isinstance(item, Outage):
                outages.append(item)
            else:
                rejected.append(item)
        return OutageRead(outages, rejected, log.timezone, log.encoding, list(log.warnings))


def run_availability(ws: Workspace, path: str, *, as_of: float, period: Period | None = None,
                     agreement: str | None = None, customer: str | None = None, tz: str = "UTC",
                     encoding: str | None = None, mapping: str | None = None) -> AvailabilityReport:
    """Read the outage log at ``path`` and measure the selected agreements' objectives."""
    chosen = select_agreements(ws, agreement, customer)
    log = read_outages(ws, path, tz=tz, encoding=encoding, mapping=mapping)
    rows, credits = evaluate(ws, log.outages, period, as_of, chosen)
    return AvailabilityReport(path=path, as_of=as_of, period=period.text if period else None,
                              timezone=log.timezone, encoding=log.encoding, rows=rows, credits=credits,
                              rejected=log.rejected, read=len(log.outages), warnings=log.warnings)
