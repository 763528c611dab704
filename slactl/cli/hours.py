"""The hours command: time logged on tickets against the hours each agreement includes."""

from typing import Annotated, Optional

import typer

from slactl.cli.base import ForceOpt, OutputOpt, WorkspaceOpt, app, choose_format, err, load, output_to, require_clean
from slactl.errors import InputError
from slactl.exports.time_entries import PRESETS as ENTRY_PRESETS


@app.command()
def hours(
    ctx: typer.Context,
    entries: Annotated[str, typer.Argument(help="Time entries (CSV).", metavar="TIME_ENTRIES.csv",
                                           show_default=False)],
    export: Annotated[Optional[str], typer.Option(
        "--export", help="Ticket export giving each entry's ticket its customer, service and agreement.",
        show_default=False)] = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", help="Windows to show: 2026, 2026-03, 2026-Q1 or 2026-01-01..2026-06-30 (default all).",
        show_default=False)] = None,
    customer: Annotated[Optional[str], typer.Option("--customer", help="Only this customer's agreements.",
                                                    show_default=False)] = None,
    agreement: Annotated[Optional[str], typer.Option("--agreement", help="Only this agreement.",
                                                     show_default=False)] = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="List windows up to this instant (default now).", show_default=False)] = None,
    preset: Annotated[str, typer.Option("--preset", "-p", metavar="PRESET", help=f"The time entries' layout: {', '.join(('auto', *ENTRY_PRESETS))}.")] = "auto",
    mapping: Annotated[Optional[str], typer.Option("--mapping", help="YAML file mapping your file's columns.",
                                                   show_default=False)] = None,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of timestamps without an offset.")] = "UTC",
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Force the file's encoding (e.g. cp1251).",
                                                    show_default=False)] = None,
    by: Annotated[str, typer.Option("--by", help="CSV lines per 'window' (agreement x window) or 'ticket'.")] = "window",
    fail_over_bank: Annotated[bool, typer.Option("--fail-over-bank", help="Exit 1 when a prepaid bank is used up.")] = False,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="table, text, json, csv, markdown or html.",
                                               show_default=False)] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Support hours per agreement and month (or quarter): logged, billable, included, bank, overage.

    Entries belong to the agreement their ticket matched (give --export) or,
    without a known ticket, to their customer column's agreement; the others
    are listed as unassigned, never dropped.

    \b
    Example:  slactl hours examples/time-entries.csv --export examples/generic.csv --period 2026-11
    """
    from slactl.cli.base import as_of_value
    from slactl.usecases.hours import hours_report
    from slactl.reporters.hours import REPORTERS

    chosen = choose_format(fmt, output, tuple(REPORTERS))
    if by not in ("window", "ticket"):
        raise InputError(f"--by {by}: choose window or ticket")
    if customer is not None and agreement is not None:
        raise InputError("give --customer or --agreement, not both")
    moment = as_of_value(as_of)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    report = hours_report(loaded.workspace, entries, as_of=moment.instant(tz), export=export, period=period,
                          customer=customer, agreement=agreement, tz=tz, preset=preset, mapping=mapping,
                          encoding=encoding)
    for warning in report.warnings:
        err(f"slactl: warning: {warning}")
    if report.export_rejected:
        err(f"slactl: warning: {export}: {report.export_rejected} row(s) rejected; their tickets are unknown "
            "(run 'slactl score' on the export to see why)")
    if report.after_as_of:
        err(f"slactl: warning: {report.after_as_of} entr{'y starts' if report.after_as_of == 1 else 'ies start'} "
            f"after --as-of {as_of or 'now'}; they are counted in their windows")
    with output_to(output, force, newline="" if chosen == "csv" else None) as out:
        REPORTERS[chosen](out, report, by)
    code = 0
    if fail_over_bank:
        for row in report.exhausted_banks():
            err(f"slactl: {row.agreement}: the bank of {row.bank_total / 3600:g} h is used up in {row.window.label}")
            code = 1
    raise typer.Exit(code)
