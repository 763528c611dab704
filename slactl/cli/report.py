"""The report command: what a customer receives each month (README "Monthly reports")."""

import os
from datetime import datetime, timezone
from typing import Annotated, Any, Optional

import typer

from slactl.cli.base import ForceOpt, OutputOpt, WorkspaceOpt, app, choose_format, err, load, output_to, \
    require_clean, workspace_root
from slactl.errors import InputError

FORMATS = ("html", "markdown", "json", "text")


@app.command()
def report(
    ctx: typer.Context,
    export: Annotated[str, typer.Argument(help="Ticket export (CSV).", metavar="EXPORT.csv", show_default=False)],
    customer: Annotated[Optional[str], typer.Option("--customer", "-c", help="Only this customer (id, name or alias).", show_default=False)] = None,
    agreement: Annotated[Optional[str], typer.Option("--agreement", "-a", help="Only this agreement.", show_default=False)] = None,
    period: Annotated[Optional[str], typer.Option("--period", help="2026-11, 2026-Q4, 2026 or 2026-10-01..2026-12-31, read in each agreement's time zone (default: the last complete month before --as-of).", show_default=False)] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Measure open tickets up to this instant (default now).", show_default=False)] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="en or ru (default: the agreement's spec.language, else en).", show_default=False)] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="html, markdown, json or text (default: from --output's extension, else text).", show_default=False)] = None,
    outages: Annotated[Optional[str], typer.Option("--outages", help="Outage log (CSV): adds each agreement's availability and the credit due.", show_default=False)] = None,
    calls: Annotated[Optional[str], typer.Option("--calls", help="Call log (Asterisk queue_log or call CSV): adds each agreement's phone objectives.", show_default=False)] = None,
    exclude: Annotated[Optional[str], typer.Option("--exclude", help="CSV of ticket_id,reason left out of compliance by agreement (listed with the reason).", show_default=False)] = None,
    trend: Annotated[Optional[int], typer.Option("--trend", min=1, max=120, help="Months in the trend chart, ending with the period (default: the period's months; 6 for a single month).", show_default=False)] = None,
    fail_under: Annotated[Optional[str], typer.Option("--fail-under", help="Exit 1 when an objective's compliance is below PCT, or 'target' for its own target.", show_default=False)] = None,
    mail: Annotated[bool, typer.Option("--mail", help="Mail each customer its report (once per customer and period).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --mail: print the messages and recipients; nothing is sent or recorded.")] = False,
    review: Annotated[bool, typer.Option("--review", help="With --mail: send each report to the managers only, marked as a draft; nothing is recorded.")] = False,
    resend: Annotated[bool, typer.Option("--resend", help="With --mail: send again reports already sent for this period.")] = False,
    state: Annotated[Optional[str], typer.Option("--state", help="State file of mails sent (default: WORKSPACE/.slactl-state.json).", show_default=False)] = None,
    preset: Annotated[str, typer.Option("--preset", "-p", help="auto, generic, zendesk, jira, freshdesk, servicenow.")] = "auto",
    mapping: Annotated[Optional[str], typer.Option("--mapping", help="YAML file mapping your export's columns.", show_default=False)] = None,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of timestamps without an offset.")] = "UTC",
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Force the export's encoding (e.g. cp1251).", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """The customer's SLA report for a period: objectives met, charts and the tickets behind them.

    One section per agreement (a provider-wide agreement split per customer: nobody
    sees another customer's tickets). --mail sends each customer its report once.

    Example:  slactl report examples/generic.csv --customer acme --period 2026-11 -o acme-2026-11.html
    """
    from slactl.cli.base import as_of_value, fail_under_value
    from slactl.core.period import last_complete_month, parse_period
    from slactl.core.report import Selection, build_report
    from slactl.core.reportdata import language, report_data
    from slactl.exports import open_export
    from slactl.i18n import check_language

    if customer and agreement:
        raise InputError("give --customer or --agreement, not both")
    if (dry_run or review or resend) and not mail:
        raise InputError("--dry-run, --review and --resend go with --mail")
    chosen = choose_format(fmt, output, FORMATS + ("table",))
    chosen = "text" if chosen == "table" else chosen
    threshold = fail_under_value(fail_under)
    moment = as_of_value(as_of)
    try:
        lang = check_language(lang) if lang is not None else None
    except ValueError as exc:
        raise InputError(f"--lang: {exc}") from None
    try:
        chosen_period = parse_period(period) if period else None
    except ValueError as exc:
        raise InputError(f"--period: {exc}") from None
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    ws = loaded.workspace
    if agreement is not None and agreement not in ws.agreements:
        from slactl.suggest import did_you_mean

        hint = did_you_mean(agreement, ws.agreements)
        raise InputError(f"--agreement: no agreement named '{agreement}' in the workspace{hint}")
    exclusions = None
    if exclude is not None:
        from slactl.exports.exclusions import read_exclusions

        exclusions = read_exclusions(exclude)
    with open_export(export, preset=preset, tz=tz, encoding=encoding, mapping=mapping) as source:
        for warning in source.warnings:
            err(f"slactl: warning: {source.path}: {warning}")
        as_of_t = moment.instant(source.timezone)
        chosen_period = chosen_period or last_complete_month(datetime.fromtimestamp(as_of_t, timezone.utc).date())
        result = build_report(ws, source, as_of=as_of_t, period=chosen_period,
                              selection=Selection(customer, agreement), exclusions=exclusions, trend=trend,
                              has_first_response=source.has_first_response, has_resolution=source.has_resolution)
    if outages is not None:
        _availability(ws, result, outages, chosen_period, as_of_t, tz, encoding)
    if calls is not None:
        from slactl.usecases.calls import add_calls_section

        for warning in add_calls_section(ws, result, calls, period=chosen_period, as_of=as_of_t, tz=tz):
            err(f"slactl: warning: {calls}: {warning}")
    if result.rejected:
        err(f"slactl: warning: {len(result.rejected)} row(s) of {export} rejected "
            f"(first: row {result.rejected[0].row}: {result.rejected[0].reason}); "
            "'slactl score --format json' lists them all")
    data: dict[str, Any] = report_data(result)
    if customer and not any(c["own_agreement"] or data["sections"] for c in data["customers"]):
        err(f"slactl: warning: no agreement names customer '{customer}' and none of its tickets fell in "
            f"{chosen_period.label}")
    if mail:
        code = _mail(ctx, workspace, state, result, data, lang, dry_run, review, resend, output, force, moment.now)
    else:
        from slactl.reporters.report_text import write

        with output_to(output, force) as out:
            write(out, chosen, data, lang or language(data))
        code = 0
    raise typer.Exit(max(code, _exit(data, threshold)))


def _availability(ws: Any, result: Any, path: str, period: Any, as_of: float, tz: str,
                  encoding: str | None) -> None:
    """--outages: each section gains its availability and credits tables."""
    from slactl.usecases.availability import read_outages
    from slactl.core.report_availability import availability_extras

    read = read_outages(ws, path, tz=tz, encoding=encoding)
    if read.rejected:
        first = read.rejected[0]
        err(f"slactl: warning: {len(read.rejected)} row(s) of {path} rejected (first: row {first.row}: "
            f"{first.reason}); 'slactl availability --format json' lists them all")
    availability_extras(ws, [s for c in result.customers for s in c.sections], read.outages, period, as_of)


def _exit(data: dict[str, Any], threshold: float | str | None) -> int:
    """--fail-under, as ``score`` judges it: every judged objective of every section."""
    if threshold is None:
        return 0
    judged = [(s, o) for s in data["sections"] for o in s["objectives"] if o["compliance_pct"] is not None]
    if not judged:
        err("slactl: --fail-under: no ticket could be judged (nothing met or breached)")
        return 1
    below = [(s, o) for s, o in judged
             if o["compliance_pct"] < (o["target_pct"] if threshold == "target" else threshold)]
    for s, o in below:
        goal = o["target_pct"] if threshold == "target" else threshold
        err(f"slactl: below target: {s['agreement']} / {s['customer']['name']} / {o['priority']} / "
            f"{o['metric']}: {o['compliance_pct']}% < {goal}%")
    return 1 if below else 0


def _mail(ctx: typer.Context, workspace: str | None, state: str | None, result: Any, data: dict[str, Any],
          lang: str | None, dry_run: bool, review: bool, resend: bool, output: str | None, force: bool,
          now: datetime) -> int:
    """Send (or print) one message per customer; one line per message; exit 1 on a failed delivery."""
    from slactl.sanitize import terminal_text
    from slactl.mail import notify
    from slactl.mail import report as report_mail

    config = notify.SmtpConfig.from_env(os.environ, dry_run=dry_run)
    mails, skipped = report_mail.plan(result, data, lang=lang, review=review)
    for name, why in skipped:
        err(f"slactl: {name}: report not mailed: {why}")
    with output_to(output, force) as out:
        if review:
            delivery = report_mail.review(mails, config=config, dry_run=dry_run, out=out)
        else:
            state_path = state or notify.default_state_path(workspace_root(ctx, workspace))
            delivery = report_mail.send(mails, state_path=state_path, config=config, dry_run=dry_run,
                                        resend=resend, out=out, now=now)
        if not dry_run:
            for item in delivery.sent:
                cc = f"; cc {', '.join(item.cc)}" if item.cc else ""
                what = "draft for review" if review else "report"
                out.write(terminal_text(f"{item.notice.customer_name}: {what} {item.notice.period} sent to "
                                        f"{', '.join(item.to)}{cc}") + "\n")
            if not delivery.sent and not delivery.failures and mails:
                out.write(f"nothing to send: every report of {result.period.label} was sent already "
                          "(--resend sends them again)\n")
    for f in delivery.failures:
        err(f"slactl: {f.notice.customer_name}: not delivered to {f.recipient}: {f.reason}")
    if delivery.failures:
        err(f"slactl: {len(delivery.failures)} delivery failure(s); those reports are not recorded "
            "and will be retried on the next run")
    return 0 if delivery.ok else 1
