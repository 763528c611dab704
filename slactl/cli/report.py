"""The report command: what a customer receives each month (README "Monthly reports")."""

import os
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from slactl.cli.base import ForceOpt, OutputOpt, WorkspaceOpt, app, choose_format, err, load, output_to, \
    require_clean, workspace_root
from slactl.cli.tickets import (
    AgreementOpt, AsOfOpt, CustomerOpt, DayfirstOpt, EncodingOpt, ExcludeOpt, ExportArg, HistoryMappingOpt,
    HistoryOpt, JobsOpt, MappingOpt, PresetOpt, ServiceOpt, SheetOpt, TzOpt, ticket_options,
)
from slactl.errors import InputError
from slactl.i18n import LANGUAGES
from slactl.reporters.report_text import FORMATS

if TYPE_CHECKING:
    from slactl.core.model import Workspace
    from slactl.core.report import Report


@app.command()
def report(
    ctx: typer.Context,
    export: ExportArg,
    customer: CustomerOpt = None,
    agreement: AgreementOpt = None,
    service: ServiceOpt = None,
    period: Annotated[Optional[str], typer.Option("--period", metavar="PERIOD", help="2026-11, 2026-Q4, 2026 or 2026-10-01..2026-12-31, read in each agreement's time zone (default: the last complete month before --as-of).", show_default=False)] = None,
    as_of: AsOfOpt = None,
    lang: Annotated[Optional[str], typer.Option("--lang", metavar="LANGUAGE", help=f"{', '.join(LANGUAGES)} or a language of the workspace's translations/*.po (default: the agreement's spec.language, else en).", show_default=False)] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", metavar="FORMAT", help=f"{', '.join(FORMATS)} (default: from --output's extension, else text).", show_default=False)] = None,
    outages: Annotated[Optional[str], typer.Option("--outages", metavar="OUTAGES.csv", help="Outage log (CSV): adds each agreement's availability and the credit due.", show_default=False)] = None,
    calls: Annotated[Optional[str], typer.Option("--calls", metavar="CALLS", help="Call log (Asterisk queue_log or call CSV): adds each agreement's phone objectives.", show_default=False)] = None,
    exclude: ExcludeOpt = None,
    trend: Annotated[Optional[int], typer.Option("--trend", min=1, max=120, metavar="MONTHS", help="Months in the trend chart, ending with the period (default: the period's months; 6 for a single month).", show_default=False)] = None,
    fail_under: Annotated[Optional[str], typer.Option("--fail-under", metavar="PCT", help="Exit 1 when an objective's compliance is below PCT, or 'target' for its own target.", show_default=False)] = None,
    mail: Annotated[bool, typer.Option("--mail", help="Mail each customer its report (once per customer and period).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --mail: print the messages and recipients; nothing is sent or recorded.")] = False,
    review: Annotated[bool, typer.Option("--review", help="With --mail: send each report to the managers only, marked as a draft; nothing is recorded.")] = False,
    resend: Annotated[bool, typer.Option("--resend", help="With --mail: send again reports already sent for this period.")] = False,
    compare: Annotated[Optional[str], typer.Option("--compare", help="What-if: the same tickets under REF's terms too (another workspace folder or a git revision), side by side per objective.", metavar="REF", show_default=False)] = None,
    state: Annotated[Optional[str], typer.Option("--state", metavar="FILE", help="State file of mails sent (default: notices.json in $SLACTL_STATE_DIR, else in ~/.local/state/slactl/<workspace>-<digest>/).", show_default=False)] = None,
    preset: PresetOpt = "auto",
    mapping: MappingOpt = None,
    tz: TzOpt = "UTC",
    encoding: EncodingOpt = None,
    dayfirst: DayfirstOpt = None,
    sheet: SheetOpt = None,
    history: HistoryOpt = None,
    history_mapping: HistoryMappingOpt = None,
    jobs: JobsOpt = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """The customer's SLA report for a period: objectives met, charts and the tickets behind them.

    One section per agreement (a provider-wide agreement split per customer: nobody
    sees another customer's tickets). --mail sends each customer its report once.
    The objective rows are score's summary rows for the same tickets and selection.

    \b
    Example:  slactl report examples/generic.csv --customer acme --period 2026-11 -o acme-2026-11.html
    """
    from slactl.cli.base import as_of_value, fail_under_value
    from slactl.core.reportdata import language, report_data
    from slactl.i18n import check_language, use_workspace
    from slactl.usecases.report import add_availability, build
    from slactl.usecases.tickets import open_tickets

    if customer and agreement:
        raise InputError("give --customer or --agreement, not both")
    if (dry_run or review or resend) and not mail:
        raise InputError("--dry-run, --review and --resend go with --mail")
    chosen = choose_format(fmt, output, FORMATS + ("table",))
    chosen = "text" if chosen == "table" else chosen
    threshold = fail_under_value(fail_under)
    moment = as_of_value(as_of)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    ws = loaded.workspace
    use_workspace(workspace_root(ctx, workspace), err)  # translations/<lang>.po
    try:
        lang = check_language(lang) if lang is not None else None
    except ValueError as exc:
        raise InputError(f"--lang: {exc}") from None
    options = ticket_options(export, preset=preset, mapping=mapping, tz=tz, encoding=encoding, dayfirst=dayfirst,
                             sheet=sheet, history=history, history_mapping=history_mapping, exclude=exclude,
                             jobs=jobs, customer=customer, agreement=agreement, service=service, period=period)
    with open_tickets(ws, options, moment.instant, lambda m: err(f"slactl: {m}")) as run:
        built = build(ws, run, trend=trend)
        as_of_t = run.as_of
        for note in (run.history.notes if run.history is not None else ()):
            err(f"slactl: {note}")
    result = built.report
    chosen_period = result.period
    for warning in built.warnings:
        err(f"slactl: warning: {warning}")
    if outages is not None:
        for warning in add_availability(ws, result, outages, as_of_t, tz, encoding):
            err(f"slactl: warning: {warning}")
    if calls is not None:
        from slactl.usecases.calls import add_calls_section

        for warning in add_calls_section(ws, result, calls, period=chosen_period, as_of=as_of_t, tz=tz):
            err(f"slactl: warning: {calls}: {warning}")
    if compare is not None:
        from slactl.usecases.compare import compare_report

        def under(other: Any) -> Any:  # the same export and selection under --compare REF's terms
            with open_tickets(other, options, moment.instant, lambda m: None) as again:
                return build(other, again, trend=trend).report

        compare_report(workspace_root(ctx, workspace), compare, result, lang, under)
    from slactl.reporters.changes import amendment_extras  # what an amendment in the period changed, in words

    amendment_extras(ws, [s for c in result.customers for s in c.sections], chosen_period.first,
                     chosen_period.last, lang)
    if result.rejected:
        err(f"slactl: warning: {len(result.rejected)} row(s) of {export} rejected "
            f"(first: row {result.rejected[0].row}: {result.rejected[0].reason}); "
            "'slactl score --format json' lists them all")
    data: dict[str, Any] = report_data(result)
    if customer and not any(c["own_agreement"] or data["sections"] for c in data["customers"]):
        err(f"slactl: warning: no agreement names customer '{customer}' and none of its tickets fell in "
            f"{chosen_period.label}")
    elif customer and not data["sections"]:
        err(f"slactl: warning: none of the tickets of customer '{customer}' fell in {chosen_period.label}")
    if mail:
        code = _mail(ctx, workspace, state, result, data, lang, dry_run, review, resend, output, force, moment.now)
    else:
        from slactl.reporters.report_text import write

        with output_to(output, force) as out:
            write(out, chosen, data, lang or language(data))
        code = 0
    raise typer.Exit(max(code, _exit(data, threshold)))


def _exit(data: dict[str, Any], threshold: float | str | None) -> int:
    """--fail-under, as ``score`` judges it: every judged objective of every section, in words."""
    if threshold is None:
        return 0
    from slactl.usecases.report import below_target

    lines, judged = below_target(data, threshold)
    if not judged:
        err("slactl: --fail-under: no ticket could be judged (nothing met or breached)")
        return 1
    for line in lines:
        err(f"slactl: below target: {line}")
    return 1 if lines else 0


def _mail(ctx: typer.Context, workspace: str | None, state: str | None, result: "Report", data: dict[str, Any],
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
            from slactl.mail import location

            state_path = location.resolve(workspace_root(ctx, workspace), location.NOTICES, state, os.environ,
                                          dry_run=dry_run).told(err)
            delivery = report_mail.send(mails, state_path=state_path, config=config, dry_run=dry_run,
                                        resend=resend, out=out, now=now)
        if not dry_run:
            for item in delivery.sent:
                cc = f"; cc {', '.join(item.cc)}" if item.cc else ""
                what = "draft for review" if review else "report"
                out.write(terminal_text(f"{item.notice.customer_name}: {what} {item.notice.period} sent to "
                                        f"{', '.join(item.to)}{cc}") + "\n")
            for item, got in getattr(delivery, "partly", ()):  # some recipients refused it (said below)
                what = "draft for review" if review else "report"
                out.write(terminal_text(f"{item.notice.customer_name}: {what} {item.notice.period} sent to "
                                        f"{', '.join(got)} only") + "\n")
            if not delivery.sent and not delivery.failures and mails:
                out.write(f"nothing to send: every report of {result.period.label} was sent already "
                          "(--resend sends them again)\n")
    for f in delivery.failures:
        err(f"slactl: {f.notice.customer_name}: not delivered to {f.recipient}: {f.reason}")
    if delivery.failures:
        err(f"slactl: {len(delivery.failures)} delivery failure(s); those reports are not recorded "
            "and will be retried on the next run")
    if getattr(delivery, "state_error", None) is not None:
        def sent_to(item: Any) -> str:
            cc = f"; cc {', '.join(item.cc)}" if item.cc else ""
            return f"{item.notice.customer_name}: report {item.notice.period} sent to {', '.join(item.to)}{cc}"

        err("slactl: " + notify.state_problem(delivery, state_path, sent_to, "reports"))
        return 2
    return 0 if delivery.ok else 1
