"""The options of every command that reads a ticket export, declared once.

``score``, ``report``, ``alert``, ``explain`` and ``hours`` use these declarations and turn
them into one :class:`slactl.usecases.tickets.TicketOptions` with :func:`ticket_options`,
so an option added here is there for every view. Lists in the help come from the
registries (the presets of ``slactl.exports.presets``), never written out by hand.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from slactl.exports.presets import PRESET_NAMES

if TYPE_CHECKING:
    from slactl.usecases.tickets import TicketOptions

_PRESETS = ", ".join(p for p in PRESET_NAMES if p != "mapping")

ExportArg = Annotated[str, typer.Argument(help="Ticket export (CSV or .xlsx).", metavar="EXPORT.csv",
                                          show_default=False)]
PresetOpt = Annotated[str, typer.Option("--preset", "-p", metavar="PRESET", help=f"The export's layout: {_PRESETS}.")]
MappingOpt = Annotated[Optional[str], typer.Option(
    "--mapping", metavar="FILE.yaml", show_default=False,
    help="YAML file mapping your export's columns (default: EXPORT.mapping.yaml beside the export, if there is one).")]
TzOpt = Annotated[str, typer.Option("--tz", metavar="ZONE", help="Time zone of timestamps without an offset.")]
EncodingOpt = Annotated[Optional[str], typer.Option("--encoding", metavar="ENCODING", show_default=False,
                                                    help="Force the files' encoding (e.g. cp1251).")]
DayfirstOpt = Annotated[Optional[bool], typer.Option(
    "--dayfirst/--monthfirst", show_default=False,
    help="Read numeric dates such as 03/11/2026 day-first or month-first (default: told by the dates).")]
SheetOpt = Annotated[Optional[str], typer.Option("--sheet", metavar="SHEET", show_default=False,
                                                 help="Sheet of an .xlsx export (default: the first).")]
HistoryOpt = Annotated[Optional[str], typer.Option(
    "--history", metavar="HISTORY.csv", show_default=False,
    help="Status history (CSV: ticket_id, changed_at, field, from, to; or a Jira, Zendesk or ServiceNow "
         "history export): pauses the clocks.")]
HistoryMappingOpt = Annotated[Optional[str], typer.Option("--history-mapping", metavar="FILE.yaml",
                                                          show_default=False,
                                                          help="YAML file naming the history's columns.")]
ExcludeOpt = Annotated[Optional[str], typer.Option(
    "--exclude", metavar="FILE.csv", show_default=False,
    help="CSV of ticket_id,reason left out of compliance by agreement (a report lists them with the reason).")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", metavar="WHEN", show_default=False,
                                                help="Measure open tickets up to this instant (default now).")]
JobsOpt = Annotated[Optional[int], typer.Option(
    "--jobs", "-j", min=1, envvar="SLACTL_JOBS", metavar="N", show_default=False,
    help="Processes to score with (default: one per core, up to 4, for exports of 24 MiB and more; 1 for one "
         "process).")]
CustomerOpt = Annotated[Optional[str], typer.Option("--customer", "-c", metavar="CUSTOMER", show_default=False,
                                                    help="Only this customer's tickets (id, name or alias).")]
AgreementOpt = Annotated[Optional[str], typer.Option("--agreement", "-a", metavar="AGREEMENT", show_default=False,
                                                     help="Only the tickets this agreement governs.")]
ServiceOpt = Annotated[Optional[str], typer.Option("--service", metavar="SERVICE", show_default=False,
                                                   help="Only the tickets of this service (name or alias).")]
PeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", metavar="PERIOD", show_default=False,
    help="Only tickets created in 2026-11, 2026-Q4, 2026 or 2026-10-01..2026-12-31 (each agreement's time zone).")]

TICKET_OPTIONS = ("--preset", "--mapping", "--tz", "--encoding", "--dayfirst", "--sheet", "--history",
                  "--history-mapping", "--exclude", "--as-of", "--jobs", "--customer", "--agreement", "--service",
                  "--period")
"""What every ticket-reading command accepts (tests/test_one_truth.py checks each has them)."""


def ticket_options(export: str, *, preset: str = "auto", mapping: str | None = None, tz: str = "UTC",
                   encoding: str | None = None, dayfirst: bool | None = None, sheet: str | None = None,
                   history: str | None = None, history_mapping: str | None = None, exclude: str | None = None,
                   jobs: int | None = None, customer: str | None = None, agreement: str | None = None,
                   service: str | None = None, period: str | None = None) -> TicketOptions:
    """The options record of a command line."""
    from slactl.usecases.tickets import TicketOptions

    return TicketOptions(export, preset=preset, mapping=mapping, tz=tz, encoding=encoding, dayfirst=dayfirst,
                         sheet=sheet, history=history, history_mapping=history_mapping, exclude=exclude,
                         jobs=jobs, customer=customer, agreement=agreement, service=service, period=period)
