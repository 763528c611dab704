"""The alert command: tickets newly at risk or breached, listed or mailed to their managers once."""

import os
from typing import Annotated, Optional

import typer

from slactl.cli.base import ForceOpt, OutputOpt, WorkspaceOpt, app, err, load, output_to, require_clean, workspace_root
from slactl.cli.tickets import (
    AgreementOpt, AsOfOpt, CustomerOpt, DayfirstOpt, EncodingOpt, ExcludeOpt, ExportArg, HistoryMappingOpt,
    HistoryOpt, JobsOpt, MappingOpt, PeriodOpt, PresetOpt, ServiceOpt, SheetOpt, TzOpt, ticket_options,
)
from slactl.errors import InputError


@app.command()
def alert(
    ctx: typer.Context,
    export: ExportArg,
    as_of: AsOfOpt = None,
    mail: Annotated[bool, typer.Option("--mail", help="Mail each manager the new items (SMTP from SLACTL_SMTP_*; "
                                       "agreements without a manager e-mail go to SLACTL_ALERT_TO).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what is new (and with --mail the messages) "
                                          "without sending or recording anything.")] = False,
    baseline: Annotated[bool, typer.Option("--baseline", help="Record everything at risk or breached now as "
                                           "reported, without mailing (the first run of a new cron job).")] = False,
    allow_prune: Annotated[bool, typer.Option("--allow-prune", help="Let this run drop more than half of the "
                                              "alert state (resolved tickets, or absent past the retention).")] = False,
    state: Annotated[Optional[str], typer.Option("--state", metavar="FILE", help="State file of the items reported (default: "
                                                 "alerts.json in $SLACTL_STATE_DIR, else in "
                                                 "~/.local/state/slactl/<workspace>-<digest>/).", show_default=False)] = None,
    preset: PresetOpt = "auto",
    mapping: MappingOpt = None,
    tz: TzOpt = "UTC",
    encoding: EncodingOpt = None,
    dayfirst: DayfirstOpt = None,
    sheet: SheetOpt = None,
    history: HistoryOpt = None,
    history_mapping: HistoryMappingOpt = None,
    exclude: ExcludeOpt = None,
    jobs: JobsOpt = None,
    customer: CustomerOpt = None,
    agreement: AgreementOpt = None,
    service: ServiceOpt = None,
    period: PeriodOpt = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", metavar="FORMAT", help="text or json.", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Tickets that became at risk or breached since the last run, each ticket, target and state once.

    At risk: pending and at least alert_at % (default 75) of the target used.
    Text output is silent when nothing is new and stdout is not a terminal, so
    an hourly cron job says something only when there is news.

    \b
    Example:  slactl alert examples/generic.csv --as-of 2026-11-22T12:00:00Z --dry-run
    """
    from slactl.usecases.alert import scan
    from slactl.cli.base import as_of_value
    from slactl.console import is_terminal
    from slactl.mail import alerts as alert_mail
    from slactl.mail import notify as smtp
    from slactl.reporters.alerts import report_json, report_text

    chosen = (fmt or ("json" if (output or "").lower().endswith(".json") else "text")).lower()
    if chosen not in ("text", "json"):
        raise InputError(f"--format {chosen} is not available with alerts; choose text or json")
    if baseline and (mail or dry_run):
        raise InputError("--baseline records the present state without mailing; it goes with neither --mail "
                         "nor --dry-run")
    config = smtp.SmtpConfig.from_env(os.environ, dry_run=dry_run) if mail else None
    fallback = (os.environ.get("SLACTL_ALERT_TO") or "").strip() or None
    moment = as_of_value(as_of)
    root = workspace_root(ctx, workspace)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    from slactl.i18n import use_workspace
    from slactl.usecases.tickets import open_tickets

    use_workspace(root, err)  # translations/<lang>.po
    options = ticket_options(export, preset=preset, mapping=mapping, tz=tz, encoding=encoding, dayfirst=dayfirst,
                             sheet=sheet, history=history, history_mapping=history_mapping, exclude=exclude,
                             jobs=jobs, customer=customer, agreement=agreement, service=service, period=period)
    with open_tickets(loaded.workspace, options, moment.instant, lambda m: err(f"slactl: {m}")) as reading:
        found = scan(loaded.workspace, reading)
    for warning in found.warnings:
        err(f"slactl: warning: {warning}")
    mode = "baseline" if baseline else ("dry-run-mail" if dry_run and mail else "dry-run" if dry_run
                                        else "mail" if mail else "list")
    from slactl.mail import location

    state_path = location.resolve(root, location.ALERTS, state, os.environ, dry_run=dry_run).told(err)
    run = alert_mail.run(found.items, found.tickets, state_path=state_path,
                         resolved=found.resolved, allow_prune=allow_prune, send=mail, dry_run=dry_run,
                         baseline=baseline, fallback=fallback, config=config, now=moment.now,
                         languages={n: a.language for n, a in loaded.workspace.agreements.items()})
    with output_to(output, force) as out:
        if chosen == "json":
            report_json(out, run, found.as_of, fallback=fallback, mode=mode)
        else:
            report_text(out, run, found.as_of, fallback=fallback, mode=mode, terminal=output is None and is_terminal())
    for item in run.unaddressed:
        err(f"slactl: {item.agreement}: ticket {item.ticket} not mailed: the agreement has no manager e-mail and "
            "SLACTL_ALERT_TO is not set")
    for to, group, why in run.failed:
        err(f"slactl: not delivered to {to} ({len(group)} item(s)): {why}")
    if run.state_error is not None:
        err("slactl: " + alert_mail.state_problem(run, state_path))
        raise typer.Exit(2)
    if run.failed or (mail and run.unaddressed and not dry_run):
        err("slactl: the items not mailed are not recorded and will be retried on the next run")
        raise typer.Exit(1)
    raise typer.Exit(0)
