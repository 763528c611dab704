"""Lifecycle commands: ``list``, ``clone``, ``renew``, ``expiring`` and ``notify``.

Each command is glue over
:mod:`slactl.core.lifecycle`, :mod:`slactl.workspace.clone` and :mod:`slactl.mail.notify`.
"""

import os
import re
import sys
from datetime import date
from typing import IO, TYPE_CHECKING, Annotated, Any, Optional

import typer

from slactl.cli.base import (
    AsOfDateOpt, ForceOpt, OutputOpt, WorkspaceOpt, as_of_value, choose_format, date_value, err, load, output_to,
    require_clean, workspace_root, app,
)
from slactl.errors import InputError, Refused

if TYPE_CHECKING:
    from slactl.core.asof import AsOf

FormatOpt = Annotated[Optional[str], typer.Option(
    "--format", "-f", help="table, text, json, csv, markdown or html.", show_default=False)]
StateOpt = Annotated[Optional[str], typer.Option(
    "--state", metavar="FILE", help="State file recording the notices sent (default: notices.json in "
    "$SLACTL_STATE_DIR, else in ~/.local/state/slactl/<workspace>-<digest>/).",
    show_default=False)]
DryRunOpt = Annotated[bool, typer.Option(
    "--dry-run", help="Print the messages instead of sending them; nothing is recorded.")]

# ---------------------------------------------------------------- helpers

def _within(text: str | None) -> int | None:
    if text is None:
        return None
    from slactl.core.lifecycle import parse_within

    try:
        return parse_within(text)
    except ValueError as exc:
        raise InputError(f"--within: {exc}") from None


def _name(option: str, name: str) -> str:
    from slactl.workspace.schema import NAME_PATTERN

    if not re.fullmatch(NAME_PATTERN, name):
        raise InputError(f"{option} '{name}' is not a valid agreement name "
                         "(lower-case letters, digits and '-', starting with a letter or digit, max 63)")
    return name


def _quiet(chosen: str, output: str | None) -> bool:
    """Text output with nothing to say stays silent when not on a terminal (cron mails only news)."""
    from slactl.console import is_terminal

    return chosen in ("text", "table") and (output is not None or not is_terminal())


# ---------------------------------------------------------------- list

@app.command("list")
def list_agreements(
    ctx: typer.Context,
    status: Annotated[Optional[list[str]], typer.Option(
        "--status", "-s", help="Only this computed status (planned, active, expiring, expired, suspended, "
        "terminated); repeatable. 'active' includes 'expiring'.", show_default=False)] = None,
    customer: Annotated[Optional[str], typer.Option(
        "--customer", "-c", help="Only this customer (id, name or alias).", show_default=False)] = None,
    as_of: AsOfDateOpt = None,
    fmt: FormatOpt = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """List agreements with customer, period, computed status, days left, services and policy.

    \b
    Example:  slactl list --status expiring --as-of 2026-11-22 --format json
    """
    from slactl.core.lifecycle import LIST_STATUSES, list_rows
    from slactl.reporters.lifecycle import REPORTERS, View

    chosen = choose_format(fmt, output, tuple(REPORTERS))
    for s in status or ():
        if s.lower() not in LIST_STATUSES:
            raise InputError(f"--status {s}: choose one of {', '.join(LIST_STATUSES)}")
    day = as_of_value(as_of).day()
    loaded = load(ctx, workspace)
    require_clean(loaded, day)
    view = View("list", list_rows(loaded.workspace, day, status or (), customer), day)
    with output_to(output, force, newline="" if chosen == "csv" else None) as out:
        REPORTERS[chosen](out, view)


# ---------------------------------------------------------------- clone and renew

@app.command("clone")
def clone(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Agreement name, or a file holding exactly one agreement.",
                                          show_default=False)],
    customer: Annotated[str, typer.Option("--customer", help="The new customer's id.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="The new agreement's name.", show_default=False)],
    start: Annotated[str, typer.Option("--start", help="First day of the new period (YYYY-MM-DD).",
                                       show_default=False)],
    end: Annotated[Optional[str], typer.Option(
        "--end", help="Last day (default: a period as long as the source's).", show_default=False)] = None,
    customer_name: Annotated[Optional[str], typer.Option(
        "--customer-name", help="The customer's display name (default: the id).", show_default=False)] = None,
    contact: Annotated[Optional[list[str]], typer.Option(
        "--contact", help="A customer contact e-mail; repeatable (default: none).", show_default=False)] = None,
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", help="The new file, inside the workspace (default: NAME.yaml beside the source).",
        show_default=False)] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="text or json.", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Create an agreement for another customer from an existing one, as 'planned'.

    Comments, key order and quoting are kept; the old customer's id, name,
    aliases and contacts are not. Never overwrites; refuses a result that
    would not validate.

    \b
    Example:  slactl clone acme-support-2026 --customer globex --name globex-support-2027 --start 2027-01-01
    """
    from slactl.core.model import Customer

    chosen = (fmt or "text").lower()
    if chosen not in ("text", "json"):
        raise InputError(f"--format {chosen} is not available here; choose one of: text, json")
    _name("--name", name)
    new_start = date_value("--start", start)
    new_end = date_value("--end", end)
    if not customer.strip():
        raise InputError("--customer must not be empty")
    new_customer = Customer(id=customer.strip(), name=customer_name if customer_name is not None else customer.strip(),
                            contacts=tuple(c.strip() for c in contact or ()))
    today = as_of_value(None).day()
    _make(ctx, workspace, source, name, new_start, new_end, new_customer, output, chosen, today)  # type: ignore[arg-type]


@app.command("renew")
def renew(
    ctx: typer.Context,
    agreement: Annotated[str, typer.Argument(help="The agreement to renew.", show_default=False)],
    start: Annotated[Optional[str], typer.Option(
        "--start", help="First day of the new period (default: the day after the end).", show_default=False)] = None,
    end: Annotated[Optional[str], typer.Option(
        "--end", help="Last day (default: the renewal term, else a period as long as the current one).",
        show_default=False)] = None,
    name: Annotated[Optional[str], typer.Option(
        "--name", help="The new agreement's name (default: the year in the name moved on by the period's "
        "length in years, else NAME-YEAR).", show_default=False)] = None,
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", help="The new file, inside the workspace (default: NEW.yaml beside the source).",
        show_default=False)] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="text or json.", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Create the next period's agreement for the same customer, as 'planned'.

    \b
    Example:  slactl renew acme-support-2026
    """
    from datetime import timedelta

    from slactl.workspace.clone import renewed_by, renewed_name

    chosen = (fmt or "text").lower()
    if chosen not in ("text", "json"):
        raise InputError(f"--format {chosen} is not available here; choose one of: text, json")
    new_start = date_value("--start", start)
    new_end = date_value("--end", end)
    if name is not None:
        _name("--name", name)
    today = as_of_value(None).day()
    loaded = load(ctx, workspace)
    require_clean(loaded, today)
    src = loaded.workspace.agreements.get(agreement)
    if src is None:
        raise InputError(f"no agreement named '{agreement}' in the workspace")
    if new_start is None and src.end >= date.max:
        raise Refused(f"agreement '{agreement}' ends on {src.end}, the last date there is; it has no next period "
                      "to renew into")
    given_start = new_start is not None
    new_start = new_start or src.end + timedelta(days=1)
    if new_end is None:  # an agreement with renewal terms renews for its term
        from slactl.core.renewal import next_term_end

        new_end = next_term_end(src, new_start)
    successor = renewed_by(loaded, src, new_start, new_end)
    if successor is not None:
        entry, other = successor
        raise Refused(f"'{src.name}' is already renewed by '{other.name}' ({other.start} to {other.end}, "
                      f"{entry.doc.file}); renew '{other.name}' instead"
                      + ("" if given_start else ", or give --start for another period"))
    new_name = name or _name("the renewed name", renewed_name(src.name, new_start, src.start.year))
    taken = loaded.entry("Agreement", new_name)
    if name is None and taken is not None:
        raise Refused(f"the renewal's default name '{new_name}' is already taken (by {taken.doc.file}); "
                      "choose one with --name")
    _make(ctx, workspace, agreement, new_name, new_start, new_end, None, output, chosen, today, loaded=loaded)


def _make(ctx: typer.Context, workspace: str | None, source: str, name: str, start: date, end: date | None,
          customer: Any, output: str | None, chosen: str, today: date, loaded: Any = None) -> None:
    """The shared body of clone and renew: find, edit, validate (as of ``today``), write."""
    import json

    from slactl.workspace.clone import CloneError, clone_text, extract_document, mentions, same_length_end, validate_new, \
        write_new
    from slactl.sanitize import terminal_text
    from slactl.core.findings import ERROR
    from slactl.workspace.yamlsafe import decode

    root = workspace_root(ctx, workspace)
    if loaded is None:
        loaded = load(ctx, workspace)
        require_clean(loaded, today)
    path, index, src = _find_source(loaded, source)
    if any(e.kind == "Agreement" and e.name == name for e in loaded.entries):
        raise Refused(f"an agreement named '{name}' already exists; choose another --name")
    target = output or os.path.join(os.path.dirname(path), f"{name}.yaml")
    _check_target(root, target)
    with open(path, "rb") as fh:
        text, problem = decode(fh.read(), path)
    if text is None:
        raise InputError(str(problem))
    try:
        new_end = end or same_length_end(src.start, src.end, start)
    except (ValueError, OverflowError):  # past 9999-12-31
        raise InputError(f"a period from {start} as long as {src.name}'s would end after 9999-12-31, the last "
                         "date there is; give --end") from None
    try:
        new_text, _ = clone_text(extract_document(text, index), name=name, start=start, end=new_end,
                                 customer=customer)
    except (CloneError, ValueError) as exc:
        raise Refused(f"cannot edit {path}: {exc}") from None
    findings = validate_new(root, target, new_text, today)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        shown = "\n".join(f"  {f}" for f in errors[:20])
        raise Refused(f"refused: the new agreement would not validate ({len(errors)} error(s)); "
                      f"nothing was written:\n{shown}")
    write_new(target, new_text)
    if customer is not None and customer.id.casefold() != src.customer.id.casefold():
        for line, term in mentions(new_text, src.customer):
            err(f"slactl: note: {target}:{line} still mentions '{term}' of the source's customer "
                 "(kept as written; review it)")
    result = {"file": target, "name": name, "source": src.name,
              "customer": customer.id if customer is not None else src.customer.id,
              "start": start.isoformat(), "end": new_end.isoformat(), "status": "planned"}
    if chosen == "json":
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(terminal_text(f"created {target}: {name} for customer {result['customer']}, "
                                       f"{result['start']} to {result['end']}, planned") + "\n")
        # planned is a hand-set override (README "Lifecycle"): the draft covers no ticket until signed
        sys.stdout.write("  status is 'planned' (a draft: it covers no tickets); set 'status: auto' once it is "
                         "signed so it turns active on its start date\n")


def _find_source(loaded: Any, source: str) -> tuple[str, int, Any]:
    """(file, document index, Agreement) of SOURCE: an agreement name or a one-agreement file."""
    from slactl.workspace.loader import load_workspace

    entry = loaded.entry("Agreement", source)
    if entry is not None and entry.obj is not None and not entry.partial:
        return entry.doc.file, entry.doc.index, entry.obj
    if os.path.isfile(source):
        alone = load_workspace(source)
        if alone.errors:
            raise InputError(f"{source} does not validate: {alone.errors[0]}")
        found = [e for e in alone.entries if e.kind == "Agreement" and e.obj is not None and not e.partial]
        if len(found) != 1:
            raise InputError(f"{source} holds {len(found)} agreements; name the one to use instead")
        return source, found[0].doc.index, found[0].obj
    raise InputError(f"'{source}' is neither an agreement in the workspace nor a file")


def _check_target(root: str, target: str) -> None:
    """The new file must land inside the workspace, where ``validate`` and every command will see it."""
    from slactl.atomic import check_target
    from slactl.workspace.loader import YAML_SUFFIXES

    real_root = os.path.realpath(root)
    real = os.path.realpath(target)
    rel = os.path.relpath(real, real_root)
    if rel == os.curdir or rel.startswith(os.pardir + os.sep) or rel == os.pardir or os.path.isabs(rel):
        raise Refused(f"{target} is outside the workspace {root}; refusing to write it")
    if not target.endswith(YAML_SUFFIXES):
        raise InputError(f"{target}: the new file must end in .yaml or .yml")
    if any(part.startswith(".") for part in rel.split(os.sep)):
        raise Refused(f"{target}: hidden files and folders are not part of the workspace")
    check_target(target)  # a device or pipe there is exit 2, like every --output
    if os.path.lexists(target):
        raise Refused(f"{target} already exists; refusing to overwrite it")
    if not os.path.isdir(os.path.dirname(os.path.abspath(target))):
        raise InputError(f"{target}: folder {os.path.dirname(os.path.abspath(target))} does not exist")


# ---------------------------------------------------------------- expiring and notify

@app.command("expiring")
def expiring(
    ctx: typer.Context,
    within: Annotated[Optional[str], typer.Option(
        "--within", help="Window: 30d, 30 or 2w (default: each agreement's largest notice_days).",
        show_default=False)] = None,
    as_of: AsOfDateOpt = None,
    fail_if_any: Annotated[bool, typer.Option("--fail-if-any", help="Exit 1 when any agreement is expiring.")] = False,
    notify_: Annotated[bool, typer.Option(
        "--notify", help="Mail each expiring agreement's contacts and manager (SMTP from SLACTL_SMTP_*); "
        "each notice_days threshold once.")] = False,
    dry_run: DryRunOpt = False,
    state: StateOpt = None,
    fmt: FormatOpt = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Active agreements whose end falls within the window: end date, days left, customer, manager.

    Text output prints nothing when nothing is expiring and stdout is not a
    terminal, so a cron job mails only news. With --notify, the output lists
    the notices sent instead.

    \b
    Example:  slactl expiring --within 30d --as-of 2026-11-22 --format json
    """
    from slactl.core.lifecycle import due_expiry_notices
    from slactl.core.lifecycle import expiring as select
    from slactl.reporters.lifecycle import REPORTERS, View

    if dry_run and not notify_:
        raise InputError("--dry-run goes with --notify")
    days = _within(within)
    moment = as_of_value(as_of)
    day = moment.day()
    if notify_:
        code = _send(ctx, workspace, state, dry_run, fmt, output, force, moment,
                     lambda ws, sent: due_expiry_notices(ws, day, sent, days))
        if fail_if_any and code == 0:
            loaded = load(ctx, workspace)
            code = 1 if select(loaded.workspace, day, days) else 0
        raise typer.Exit(code)
    chosen = choose_format(fmt, output, tuple(REPORTERS))
    loaded = load(ctx, workspace)
    require_clean(loaded, day)
    rows = select(loaded.workspace, day, days)
    view = View("expiring", rows, day, days)
    with output_to(output, force, newline="" if chosen == "csv" else None) as out:
        if rows or not _quiet(chosen, output):
            REPORTERS[chosen](out, view)
    raise typer.Exit(1 if fail_if_any and rows else 0)


@app.command("notify")
def notify(
    ctx: typer.Context,
    as_of: AsOfDateOpt = None,
    dry_run: DryRunOpt = False,
    state: StateOpt = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="text or json.", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Send every due lifecycle notice once: activation, expiry warnings and expiry.

    Activations and expiries are announced only within 7 days of the event,
    so a first run on an old workspace does not mail about old news.

    \b
    Example:  slactl notify --dry-run
    """
    from slactl.core.lifecycle import due_notices

    moment = as_of_value(as_of)
    day = moment.day()
    raise typer.Exit(_send(ctx, workspace, state, dry_run, fmt, output, force, moment,
                           lambda ws, sent: due_notices(ws, day, sent)))


def _send(ctx: typer.Context, workspace: str | None, state: str | None, dry_run: bool, fmt: str | None,
          output: str | None, force: bool, moment: "AsOf", plan: Any) -> int:
    """Run the notices ``plan(workspace, sent)`` returns (records stamped ``moment.now``); report; the exit code."""
    from slactl.mail import notify as mail

    chosen = (fmt or "text").lower()
    if chosen not in ("text", "json"):
        raise InputError(f"--format {chosen} is not available with notices; choose text or json")
    config = mail.SmtpConfig.from_env(os.environ, dry_run=dry_run)
    root = workspace_root(ctx, workspace)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    from slactl.mail import location

    state_path = location.resolve(root, location.NOTICES, state, os.environ, dry_run=dry_run).told(err)
    from slactl.i18n import use_workspace

    use_workspace(root, err)  # translations/<lang>.po
    with output_to(output, force) as out:
        from slactl.mail.notices import composer_for

        report = mail.run(lambda sent: plan(loaded.workspace, sent), state_path=state_path, config=config,
                          dry_run=dry_run, out=out if chosen == "text" else None, now=moment.now,
                          compose=composer_for(loaded.workspace, root))
        _report_notices(out, chosen, report, moment.day(), dry_run)
    for notice, why in report.skipped:
        err(f"slactl: {notice.agreement.name}: {notice.kind} notice not sent: {why}")
    for f in report.failures:
        err(f"slactl: {f.notice.agreement.name}: not delivered to {f.recipient}: {f.reason}")
    if report.failures:
        err(f"slactl: {len(report.failures)} delivery failure(s); those notices are not recorded "
             "and will be retried on the next run")
    if report.state_error is not None:
        err("slactl: " + mail.state_problem(report, state_path))
        return 2
    return 0 if report.ok else 1


def _report_notices(out: IO[str], chosen: str, report: Any, day: date, dry_run: bool) -> None:
    import json

    from slactl.mail import notify as mail
    from slactl.sanitize import terminal_text

    if chosen == "json":
        data = {"as_of": day.isoformat(), "dry_run": dry_run,
                "sent": [{"key": i.notice.key, "kind": i.notice.kind, "agreement": i.notice.agreement.name,
                          "to": list(i.to), "cc": list(i.cc), "subject": str(i.message["Subject"])}
                         for i in report.sent],
                "failed": [{"key": f.notice.key, "agreement": f.notice.agreement.name, "recipient": f.recipient,
                            "reason": f.reason} for f in report.failures]}
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif not dry_run:
        for item in report.sent:
            out.write(terminal_text(mail.describe(item)) + "\n")
