"""Which tickets a report or a filtered ``score`` is about: a customer (id, name or
alias, any agreement status), an agreement, and a period read in each agreement's
time zone (tickets count when created in it). Pure.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slactl.core.coverage import agreement_zone
from slactl.core.matching import Matcher
from slactl.core.model import Agreement, Customer, Workspace
from slactl.core.period import Period


@dataclass(frozen=True, slots=True)
class Selection:
    customer: str | None = None
    agreement: str | None = None
    service: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """Who a section is for: a workspace customer (``own``: it has an agreement of its own),
    or a name seen only in the export (tickets that fell to a provider-wide agreement)."""

    key: str  # the customer id, or the export's spelling case-folded
    name: str
    own: bool
    contacts: tuple[str, ...] = ()


class Customers:
    """Every customer the workspace names (any status), by id, name and alias, case-folded."""

    def __init__(self, ws: Workspace) -> None:
        self.by_name: dict[str, Customer] = {}
        self.agreements: dict[str, list[Agreement]] = {}  # newest first
        self.service_names = {n.strip().casefold(): s.name for s in ws.services.values() for n in (s.name, *s.aliases)}
        self._refs: dict[str, CustomerRef] = {}
        for ag in sorted(ws.agreements.values(), key=lambda a: (a.start, a.name), reverse=True):
            c = ag.customer
            if c.is_wildcard:
                continue
            self.agreements.setdefault(c.id, []).append(ag)
            for spelling in c.names():
                self.by_name.setdefault(spelling, c)

    def resolve(self, spelling: str) -> CustomerRef:
        """The customer an export's spelling names (cached: called once per ticket)."""
        found = self._refs.get(spelling)
        if found is not None:
            return found
        c = self.by_name.get(spelling.strip().casefold())
        if c is None:
            raw = spelling.strip() or "(none)"
            found = CustomerRef(raw.casefold(), raw, False)
        else:
            contacts = tuple(dict.fromkeys(a for ag in self.agreements[c.id] for a in ag.customer.contacts))
            found = CustomerRef(c.id, c.name or c.id, True, contacts)
        self._refs[spelling] = found
        return found


def uncovered_reason(customers: Customers, ws: Workspace, ref: CustomerRef, service: str, day: date) -> str:
    """Why no agreement covers a ticket of ``ref`` for ``service`` created on ``day``."""
    own = customers.agreements.get(ref.key, []) if ref.own else []
    if not own:
        return "no agreement"
    svc = customers.service_names.get(service.strip().casefold())
    scoped = [a for a in own if a.services is None or svc in a.services]
    if not scoped:
        return "service not covered"
    for ag in scoped:
        if ag.start <= day <= ag.end and ag.status in ("suspended", "terminated", "planned"):
            return ag.status
    return "planned" if all(ag.start > day for ag in scoped) else "expired"


class Zones:
    """The zone a ticket's dates are read in: its agreement's, else its customer's own
    agreement's, else UTC."""

    def __init__(self, ws: Workspace, customers: Customers) -> None:
        self.ws, self.customers = ws, customers
        self._names: dict[tuple[str, str], str] = {}
        self._zones: dict[str, ZoneInfo] = {}

    def name(self, ag: Agreement | None, ref: CustomerRef) -> str:
        key = (ag.name, "") if ag is not None else ("", ref.key)
        found = self._names.get(key)
        if found is None:
            if ag is None:
                own = self.customers.agreements.get(ref.key) if ref.own else None
                ag = own[0] if own else None
            found = self._names[key] = agreement_zone(self.ws, ag) if ag is not None else "UTC"
        return found

    def of(self, ag: Agreement | None, ref: CustomerRef) -> ZoneInfo:
        name = self.name(ag, ref)
        zone = self._zones.get(name)
        if zone is None:
            zone = self._zones[name] = ZoneInfo(name)
        return zone

    def day(self, created: float, ag: Agreement | None, ref: CustomerRef) -> date:
        return datetime.fromtimestamp(created, self.of(ag, ref)).date()


class TicketFilter:
    """``--customer/--agreement/--service/--period``: keep(row) is True for the selected tickets."""

    def __init__(self, ws: Workspace, selection: Selection, period: Period | None) -> None:
        self.customers = Customers(ws)
        self.zones = Zones(ws, self.customers)
        self.matcher = Matcher(ws)
        self.selection, self.period = selection, period
        self.wanted = self.customers.resolve(selection.customer).key if selection.customer else None
        self.service = self.customers.service_names.get(selection.service.strip().casefold(), selection.service) \
            if selection.service else None
        self.left_out = 0
        self.seen_customer = 0  # tickets of the --customer, kept or not (none: a misspelt name)
        self.spellings: set[str] = set()  # customers the export names (some: to suggest one)

    def wants_service(self, service: str) -> bool:
        """True when ``service`` (as the export writes it) is the selected service (or none is selected)."""
        return self.service is None or self.customers.service_names.get(service.strip().casefold()) == self.service

    def keep(self, customer: str, service: str, priority: str, created: float) -> bool:
        """True for a ticket of the selection; counts the others in ``left_out``."""
        if self._keep(customer, service, priority, created):
            return True
        self.left_out += 1
        return False

    def _keep(self, customer: str, service: str, priority: str, created: float) -> bool:
        ref = self.customers.resolve(customer)
        if self.wanted is not None:
            if ref.key != self.wanted:
                if len(self.spellings) < 1000:
                    self.spellings.add(ref.name)
                return False
            self.seen_customer += 1
        if not self.wants_service(service):
            return False
        if self.selection.agreement is None and self.period is None:
            return True
        ag = self.matcher.match(customer, service, priority, created).agreement
        if self.selection.agreement is not None and (ag is None or ag.name != self.selection.agreement):
            return False
        return self.period is None or self.period.contains(self.zones.day(created, ag, ref))
