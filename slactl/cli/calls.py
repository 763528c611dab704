"""The calls command: call-centre objectives from an Asterisk queue_log or a call CSV."""

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from slactl.cli.base import (
    ForceOpt, OutputOpt, WorkspaceOpt, app, as_of_value, choose_format, err, fail_under_value, load, output_to,
    require_clean,
)
from slactl.cli.logs import LogAgreementOpt, LogCustomerOpt, LogEncodingOpt, LogPeriodOpt
from slactl.errors import InputError

if TYPE_CHECKING:
    from slactl.core.calls import CallRow

FORMATS = ("table", "text", "json", "csv", "markdown", "html")


@app.command()
def calls(
    ctx: typer.Context,
    call_log: Annotated[str, typer.Argument(
        help="Call log: Asterisk's queue_log, or a CSV of call_id, queue, offered_at, answered_at, ended_at.",
        metavar="CALL_LOG", show_default=False)],
    period: LogPeriodOpt = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="Measure up to this instant (default now); a call without its outcome by then is in "
        "progress and left out.", show_default=False)] = None,
    agreement: LogAgreementOpt = None,
    customer: LogCustomerOpt = None,
    fail_under: Annotated[Optional[str], typer.Option(
        "--fail-under", help="Exit 1 when a row's service level is below PCT, or 'target' when any objective "
        "(service level, abandonment, ASA) is missed.", show_default=False)] = None,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of a CSV's timestamps without an offset.")] = "UTC",
    mapping: Annotated[Optional[str], typer.Option(
        "--mapping", help="YAML file naming a CSV's columns (default: CALL_LOG.mapping.yaml beside it).",
        show_default=False)] = None,
    encoding: LogEncodingOpt = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f",
                                               help="table, text, json, csv, markdown or html.")] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Call-centre objectives per agreement x queue x window: service level, abandonment and ASA.

    \b
    Example:  slactl calls examples/queue_log --period 2026-11 --as-of 2026-12-01T00:00:00Z
    """
    from slactl.core.period import parse_period
    from slactl.reporters.calls import REPORTERS
    from slactl.usecases.calls import beside_mapping, run_calls

    chosen = choose_format(fmt, output, FORMATS)
    threshold = fail_under_value(fail_under)
    try:
        chosen_period = parse_period(period) if period is not None else None
    except ValueError as exc:
        raise InputError(f"--period: {exc}") from None
    moment = as_of_value(as_of)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    if mapping is None:  # CALL_LOG.mapping.yaml beside the log is used by itself
        mapping = beside_mapping(call_log)
        if mapping is not None:
            err(f"slactl: reading {call_log} through the column mapping {mapping}")
    report = run_calls(loaded.workspace, call_log, as_of=moment.instant(tz), period=chosen_period,
                       agreement=agreement, customer=customer, tz=tz, encoding=encoding, mapping=mapping)
    for warning in report.warnings:
        err(f"slactl: warning: {call_log}: {warning}")
    if report.rejected:
        err(f"slactl: warning: {report.rejected_total} line(s) of {call_log} rejected (first: line "
            f"{report.rejected[0].row}: {report.rejected[0].reason})")
    with output_to(output, force, newline="" if chosen == "csv" else None) as out:
        REPORTERS[chosen](out, report)
    raise typer.Exit(_exit_code(report.rows, threshold))


def _exit_code(rows: "list[CallRow]", threshold: float | str | None) -> int:
    """--fail-under: 1 when a row misses an objective (target) or its service level is below PCT."""
    if threshold is None:
        return 0
    below = 0
    for r in rows:
        where = f"{r.agreement} / {r.queue} / {r.window}"
        if threshold == "target":
            missed = [name.replace("_", " ") for name, ok in r.met.items() if ok is False]
            if missed:
                below += 1
                err(f"slactl: below target: {where}: {', '.join(missed)} missed")
        elif r.service_level_pct is not None and r.service_level_pct < float(threshold):
            below += 1
            err(f"slactl: below target: {where}: service level {round(r.service_level_pct, 3)}% < {threshold}%")
    return 1 if below else 0
