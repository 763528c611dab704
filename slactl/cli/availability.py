"""The availability command: objectives, error budgets and service credits from an outage log."""

import os
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from slactl.cli.base import (
    ForceOpt, OutputOpt, WorkspaceOpt, app, as_of_value, choose_format, err, fail_under_value, load, output_to,
    require_clean,
)
from slactl.cli.logs import LogAgreementOpt, LogCustomerOpt, LogEncodingOpt, LogPeriodOpt
from slactl.errors import InputError

if TYPE_CHECKING:
    from slactl.core.availability import AvailabilityRow

FORMATS = ("table", "text", "json", "csv", "markdown", "html", "budget")


@app.command()
def availability(
    ctx: typer.Context,
    outages: Annotated[str, typer.Argument(help="Outage log (CSV: service, start, end, impact, kind, ref).",
                                           metavar="OUTAGES.csv", show_default=False)],
    period: LogPeriodOpt = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="Measure up to this instant (default now); windows it cuts are marked running.",
        show_default=False)] = None,
    agreement: LogAgreementOpt = None,
    customer: LogCustomerOpt = None,
    fail_under: Annotated[Optional[str], typer.Option(
        "--fail-under", help="Exit 1 when a row's availability is below PCT, or 'target' for each objective's "
        "own target.", show_default=False)] = None,
    budget: Annotated[bool, typer.Option(
        "--budget", help="One line per objective and service: the error budget left in the current window "
        "(silent when nothing is over budget and stdout is not a terminal; for cron mail).")] = False,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of timestamps without an offset.")] = "UTC",
    mapping: Annotated[Optional[str], typer.Option(
        "--mapping", help="YAML file naming the log's columns (default: OUTAGES.mapping.yaml beside it).",
        show_default=False)] = None,
    encoding: LogEncodingOpt = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f",
                                               help="table, text, json, csv, markdown, html or budget.")] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Availability per agreement x service x window from an outage log, with error budgets and credits.

    \b
    Example:  slactl availability examples/outages.csv --period 2026-Q4 --as-of 2026-11-22T12:00:00Z
    """
    from slactl.usecases.availability import run_availability
    from slactl.console import is_terminal
    from slactl.core.period import parse_period
    from slactl.reporters.availability import REPORTERS, over_budget

    chosen = "budget" if budget else choose_format(fmt, output, FORMATS)
    threshold = fail_under_value(fail_under)
    try:
        chosen_period = parse_period(period) if period is not None else None
    except ValueError as exc:
        raise InputError(f"--period: {exc}") from None
    moment = as_of_value(as_of)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    if mapping is None:  # OUTAGES.mapping.yaml beside the log is used by itself
        beside = os.path.splitext(outages)[0] + ".mapping.yaml"
        if os.path.isfile(beside):
            mapping = beside
            err(f"slactl: reading {outages} through the column mapping {beside}")
    report = run_availability(loaded.workspace, outages, as_of=moment.instant(tz), period=chosen_period,
                              agreement=agreement, customer=customer, tz=tz, encoding=encoding, mapping=mapping)
    for warning in report.warnings:
        err(f"slactl: warning: {outages}: {warning}")
    if report.rejected:
        err(f"slactl: warning: {len(report.rejected)} row(s) of {outages} rejected (first: row "
            f"{report.rejected[0].row}: {report.rejected[0].reason})")
    quiet = chosen == "budget" and output is None and not is_terminal() and not over_budget(report)
    if not quiet:
        with output_to(output, force, newline="" if chosen == "csv" else None) as out:
            REPORTERS[chosen](out, report)
    raise typer.Exit(_exit_code(report.rows, threshold))


def _exit_code(rows: "list[AvailabilityRow]", threshold: float | str | None) -> int:
    """--fail-under: 1 when a judged row is below the threshold (or its own target)."""
    if threshold is None:
        return 0
    below = []
    for r in rows:
        goal = r.target_pct if threshold == "target" else float(threshold)
        if r.availability_pct is not None and r.availability_pct < goal:
            below.append(r)
            err(f"slactl: below target: {r.agreement} / {r.service} / {r.window}: "
                f"{round(r.availability_pct, 3)}% < {goal}%")
    return 1 if below else 0
