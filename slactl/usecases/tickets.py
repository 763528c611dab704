"""The one reading of a ticket export that every view shares (README "Reading exports").

``score``, ``report``, ``alert``, ``explain`` and ``hours`` take one :class:`TicketOptions`
(the export, its layout, the status history, exclusions and the selection) and open it
with :func:`open_tickets`: the same tickets, the same pauses (``--history``, or an event
log's own snapshots) and the same selection, so every page counts what ``score`` counts.
A view runs its pass with :meth:`TicketRun.passes`, which starts again when the export
turns out to be an event log or the history is out of order.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

from slactl.core.model import Workspace
from slactl.core.pauses import Change, from_snapshots
from slactl.core.period import Period
from slactl.core.selection import Selection, TicketFilter
from slactl.core.tickets import Rejected, TicketRow
from slactl.errors import InputError

if TYPE_CHECKING:
    from slactl.exports.historyjoin import HistoryLookup
    from slactl.exports.reader import Export

T = TypeVar("T")
Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class TicketOptions:
    """How to read a ticket export and which of its tickets to keep (the options every
    ticket-reading command declares, ``slactl.cli.tickets``)."""

    export: str
    preset: str = "auto"
    mapping: str | None = None
    tz: str = "UTC"
    encoding: str | None = None
    dayfirst: bool | None = None
    sheet: str | None = None
    history: str | None = None
    history_mapping: str | None = None
    exclude: str | None = None
    jobs: int | None = None
    customer: str | None = None
    agreement: str | None = None
    service: str | None = None
    period: str | None = None

    @property
    def selection(self) -> Selection:
        return Selection(self.customer, self.agreement, self.service)

    @property
    def selects(self) -> bool:
        return any(v is not None for v in (self.customer, self.agreement, self.service, self.period))


@dataclass(slots=True)
class TicketRun:
    """An export opened the one way: the source, its status history, the exclusions and the
    selection, with ``as_of`` read in the export's zone."""

    options: TicketOptions
    source: Export
    as_of: float
    history: HistoryLookup | None = None
    exclusions: dict[str, str] = field(default_factory=dict)
    period: Period | None = None
    filter: TicketFilter | None = None

    def changes(self, row: TicketRow) -> list[Change] | None:
        """The ticket's status changes: the history's, else an event log's snapshots."""
        if self.history is not None:
            return self.history.changes(row.id)
        snaps = row.snapshots
        return from_snapshots(snaps) if snaps else None

    @property
    def paused_by_history(self) -> bool:
        """True when pauses come from a history (a ticket without changes never paused)."""
        return self.history is not None or (self.source.collapse and self.source.snapshot_column is not None)

    def keep(self, row: TicketRow) -> bool:
        """The selection (``--customer/--agreement/--service/--period``) and ``--exclude``."""
        if row.id in self.exclusions:
            return False
        f = self.filter
        return f is None or f.keep(row.customer, row.service, row.priority, row.created)

    def passes(self, one_pass: Callable[[Iterable[TicketRow | Rejected]], T]) -> T:
        """``one_pass(every row)``, started again (from the top) when the export is an event
        log or the history is out of order; the history is drained at the end of a pass."""
        from slactl.exports.historyjoin import OutOfOrder
        from slactl.exports.reader import RepeatedIds

        for _ in range(2):
            try:
                done = one_pass(self.source)
                if self.history is not None:
                    self.history.drain()
                return done
            except RepeatedIds:
                self.source.collapse = True
                if self.history is not None:
                    self.history.restart()
            except OutOfOrder:
                assert self.history is not None
                self.history.restart(indexed=True)
            if self.filter is not None:
                self.filter.left_out = 0
        return one_pass(self.source)  # collapsed and indexed: raises neither


@contextlib.contextmanager
def open_tickets(ws: Workspace, options: TicketOptions, as_of: Callable[[str], float],
                 warn: Warn) -> Iterator[TicketRun]:
    """Open ``options.export`` (and its history) for one view; ``as_of(zone)`` gives the
    instant in the export's zone. Warnings go to ``warn``; a wrong selection raises."""
    from slactl.exports import open_export

    check_selection(ws, options)
    period = parse_period(options.period)
    exclusions: dict[str, str] = {}
    if options.exclude is not None:
        from slactl.exports.exclusions import read_exclusions

        exclusions = read_exclusions(options.exclude)
    mapping = options.mapping
    if mapping is None and options.preset == "auto":  # EXPORT.mapping.yaml beside the export is used by itself
        beside = os.path.splitext(options.export)[0] + ".mapping.yaml"
        if os.path.isfile(beside):
            mapping = beside
            warn(f"reading {options.export} through the column mapping {beside}")
    if options.history is None and options.history_mapping is not None:
        raise InputError("--history-mapping needs --history FILE")
    with open_export(options.export, preset=options.preset, tz=options.tz, encoding=options.encoding,
                     mapping=mapping, dayfirst=options.dayfirst, sheet=options.sheet) as source:
        for warning in source.warnings:
            warn(f"warning: {source.path}: {warning}")
        selected = Selection(options.customer, options.agreement, options.service)
        chosen = TicketFilter(ws, selected, period) if options.customer or options.agreement or options.service \
            or period is not None else None
        run = TicketRun(options, source, as_of(source.timezone), exclusions=exclusions, period=period,
                        filter=chosen)
        if options.history is None:
            yield run
            return
        from slactl.exports.history import open_history
        from slactl.exports.historyjoin import HistoryLookup

        history = open_history(options.history, tz=source.timezone, encoding=options.encoding,
                               mapping=options.history_mapping)
        for warning in history.warnings:
            warn(f"warning: {history.path}: {warning}")
        run.history = HistoryLookup(history)
        try:
            yield run
        finally:
            run.history.close()


def parse_period(text: str | None) -> Period | None:
    if text is None:
        return None
    from slactl.core.period import parse_period as parse

    try:
        return parse(text)
    except ValueError as exc:
        raise InputError(f"--period: {exc}") from None


def check_selection(ws: Workspace, options: TicketOptions) -> None:
    """An unknown ``--customer``, ``--agreement`` or ``--service`` is a usage error (exit 2)
    naming the closest known one. A customer only a provider-wide agreement covers may be
    named by the export alone: that one is checked once the export is read
    (:func:`check_customer_seen`)."""
    from slactl.suggest import did_you_mean

    if options.agreement is not None and options.agreement not in ws.agreements:
        raise InputError(f"--agreement: no agreement named '{options.agreement}' in the workspace"
                         f"{did_you_mean(options.agreement, ws.agreements)}")
    if options.service is not None:
        names = {n.strip().casefold(): s.name for s in ws.services.values() for n in (s.name, *s.aliases)}
        if options.service.strip().casefold() not in names:
            spellings = [n for s in ws.services.values() for n in (s.name, *s.aliases)]
            raise InputError(f"--service: no service named '{options.service}' in the workspace"
                             f"{did_you_mean(options.service, spellings)}")
    if options.customer is not None and not customer_known(ws, options.customer) and not _provider_wide(ws):
        raise InputError(unknown_customer(ws, options.customer))


def customer_known(ws: Workspace, spelling: str) -> bool:
    wanted = spelling.strip().casefold()
    return any(wanted in ag.customer.names() for ag in ws.agreements.values() if not ag.customer.is_wildcard)


def unknown_customer(ws: Workspace, spelling: str, seen: Iterable[str] = ()) -> str:
    from slactl.suggest import did_you_mean

    spellings = [n for ag in ws.agreements.values() if not ag.customer.is_wildcard
                 for n in (ag.customer.id, ag.customer.name or "", *ag.customer.aliases) if n]
    return (f"--customer: no customer '{spelling}' in the workspace or the export"
            f"{did_you_mean(spelling, [*dict.fromkeys(spellings), *seen])}")


def _provider_wide(ws: Workspace) -> bool:
    return any(ag.customer.is_wildcard for ag in ws.agreements.values())


def check_customer_seen(ws: Workspace, run: TicketRun) -> None:
    """A ``--customer`` the workspace does not name (possible with a provider-wide agreement)
    must be a customer of the export: otherwise it is a misspelling (exit 2)."""
    customer = run.options.customer
    if customer is None or customer_known(ws, customer):
        return
    if run.filter is not None and run.filter.seen_customer == 0:
        raise InputError(unknown_customer(ws, customer, sorted(run.filter.spellings)))


def service_notice(ws: Workspace, source: Export, took: Iterable[str]) -> str | None:
    """One warning when the export has no service column but some agreements scope by
    service: those take none of its tickets; it names the agreements that took them."""
    if source._indices.get("service"):  # the reader's column map: the export has a service column
        return None
    scoped = sorted((ag for ag in ws.agreements.values() if ag.services is not None), key=lambda ag: ag.name)
    if not scoped:
        return None
    taking = [ws.agreements[name] for name in took if name in ws.agreements]
    parts = []
    for ag in scoped:
        instead = [t.name for t in taking if t.customer.id in (ag.customer.id, "*") and t.name != ag.name]
        parts.append(f"{ag.name} ({', '.join(ag.services or ())}) took none of its tickets, "
                     f"{' and '.join(instead) if instead else 'no agreement'} took them")
    return (f"{source.path} has no service column, so the agreements that scope by service match none of its "
            f"tickets: {'; '.join(parts)} (add a service column, or map one with --mapping)")
