"""The score command: a ticket export scored against the agreements."""

import contextlib
import os
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, Optional

import typer

from slactl.cli.base import (
    ForceOpt, OutputOpt, WorkspaceOpt, app, as_of_value, choose_format, err, fail_under_value, load, output_to,
    require_clean,
)
from slactl.errors import InputError

@app.command()
def score(
    ctx: typer.Context,
    export: Annotated[str, typer.Argument(help="Ticket export (CSV or .xlsx).", metavar="EXPORT.csv", show_default=False)],
    preset: Annotated[str, typer.Option("--preset", "-p", help="auto, generic, zendesk, jira, freshdesk, servicenow, osticket, glpi, otrs, zammad, hubspot.")] = "auto",
    mapping: Annotated[Optional[str], typer.Option("--mapping", help="YAML file mapping your export's columns (default: EXPORT.mapping.yaml beside the export, if there is one).")] = None,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of timestamps without an offset.")] = "UTC",
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Force the export's encoding (e.g. cp1251).")] = None,
    dayfirst: Annotated[Optional[bool], typer.Option("--dayfirst/--monthfirst", help="Read numeric dates such as 03/11/2026 day-first or month-first (default: told by the dates).", show_default=False)] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Sheet of an .xlsx export (default: the first).", show_default=False)] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Measure open tickets up to this instant (default now).", show_default=False)] = None,
    fail_under: Annotated[Optional[str], typer.Option("--fail-under", help="Exit 1 when a group's compliance is below PCT, or 'target' for each agreement's own target.", show_default=False)] = None,
    group_by: Annotated[str, typer.Option("--group-by", help="agreement, customer, priority, service or month.")] = "agreement",
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="table, text, json, csv, markdown, html or junit.")] = None,
    customer: Annotated[Optional[str], typer.Option("--customer", "-c", help="Only this customer's tickets (id, name or alias).", show_default=False)] = None,
    agreement: Annotated[Optional[str], typer.Option("--agreement", "-a", help="Only the tickets this agreement governs.", show_default=False)] = None,
    period: Annotated[Optional[str], typer.Option("--period", help="Only tickets created in 2026-11, 2026-Q4, 2026 or 2026-10-01..2026-12-31 (each agreement's time zone).", show_default=False)] = None,
    progress: Annotated[Optional[bool], typer.Option("--progress/--no-progress", help="Progress bar on stderr (default: when stderr is a terminal).", show_default=False)] = None,
    history: Annotated[Optional[str], typer.Option("--history", help="Status history (CSV: ticket_id, changed_at, field, from, to; or a Jira, Zendesk or ServiceNow history export): pauses the clocks.", show_default=False)] = None,
    history_mapping: Annotated[Optional[str], typer.Option("--history-mapping", help="YAML file naming the history's columns.", show_default=False)] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, envvar="SLACTL_JOBS", help="Processes to score with (default: one per core, up to 4, for exports of 24 MiB and more; 1 for one process).", show_default=False)] = None,
    compare: Annotated[Optional[str], typer.Option("--compare", help="What-if: score the same tickets under REF too (another workspace folder, or a git revision of this one) and show both side by side, with the tickets whose verdict differs.", metavar="REF", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Score a ticket export against the agreements: per ticket and per agreement x priority.

    Example:  slactl score examples/generic.csv --as-of 2026-11-22T12:00:00Z --fail-under target

    Example:  slactl score examples/jira.csv --history examples/jira-history.csv --format json
    """
    from slactl.reporters.score import REPORTERS
    from slactl.core.scoring import GROUP_BYS
    from slactl.usecases.score import run_score

    chosen = choose_format(fmt, output, tuple(REPORTERS))
    if group_by not in GROUP_BYS:
        raise InputError(f"--group-by {group_by}: choose one of {', '.join(GROUP_BYS)}")
    threshold = fail_under_value(fail_under)
    moment = as_of_value(as_of)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    selected = _filter(loaded.workspace, customer, agreement, period)
    from slactl.exports import open_export

    if mapping is None and preset == "auto":  # EXPORT.mapping.yaml beside the export is used by itself
        beside = os.path.splitext(export)[0] + ".mapping.yaml"
        if os.path.isfile(beside):
            mapping = beside
            err(f"slactl: reading {export} through the column mapping {beside}")
    with open_export(export, preset=preset, tz=tz, encoding=encoding, mapping=mapping, dayfirst=dayfirst,
                     sheet=sheet) as source:
        for warning in source.warnings:
            err(f"slactl: warning: {source.path}: {warning}")
        as_of_t = moment.instant(source.timezone)
        with _history(history, history_mapping, source, encoding) as lookup, \
                _compared(ctx, workspace, compare, REPORTERS[chosen], chosen, history, as_of_t, source) as reporter:
            with output_to(output, force, newline="" if chosen == "csv" else None) as out:
                said = len(source.warnings)
                scorer, meta = run_score(loaded.workspace, source, as_of_t, reporter, out,
                                         group_by=group_by, progress=progress, history=lookup, with_meta=True,
                                         keep=_keep(selected), jobs=jobs)
            for warning in source.warnings[said:]:  # learnt while reading (event-log collapse...)
                err(f"slactl: warning: {source.path}: {warning}")
    if scorer.no_rule_priorities:
        err(f"slactl: warning: {scorer.no_rule_text()}")
    for note in meta.pause_notes:
        err(f"slactl: {note}")
    if meta.history is not None:
        h = meta.history
        err(f"slactl: {h.path}: {h.changes} status changes matched "
            f"{'in one pass (sorted by ticket)' if h.method == 'sorted' else 'through an on-disk index'}; "
            f"{h.unknown_tickets} for tickets not in the export; {len(h.rejected)} rejected")
    if selected is not None:
        err(f"slactl: {selected.left_out} ticket(s) outside the selection left out")
    if scorer.created_after_as_of:
        err(f"slactl: warning: {scorer.created_after_as_of} ticket(s) were created after --as-of "
             f"{as_of or 'now'}; is --as-of right?")
    raise typer.Exit(_score_exit(scorer, threshold))


@contextlib.contextmanager
def _compared(ctx: typer.Context, workspace: str | None, ref: str | None, reporter: Any, chosen: str,
              history: str | None, as_of: float, source: Any) -> Iterator[Any]:
    """The reporter class to score with: ``reporter`` itself, or with --compare REF one that
    scores every ticket under REF too."""
    if ref is None:
        yield reporter
        return
    if history is not None:
        raise InputError("--compare and --history do not go together yet: compare without the history")
    from slactl.cli.base import workspace_root
    from slactl.usecases.compare import comparing, other_workspace

    with other_workspace(workspace_root(ctx, workspace), ref) as (name, other):
        yield comparing(reporter, chosen, name, other, as_of, source)


@contextlib.contextmanager
def _history(path: str | None, mapping: str | None, source: Any, encoding: str | None) -> Iterator[Any]:
    """The status history matched to ``source`` (None without --history); the index is removed after."""
    if path is None:
        if mapping is not None:
            raise InputError("--history-mapping needs --history FILE")
        yield None
        return
    from slactl.exports.history import open_history
    from slactl.exports.historyjoin import HistoryLookup

    history = open_history(path, tz=source.timezone, encoding=encoding, mapping=mapping)
    for warning in history.warnings:
        err(f"slactl: warning: {history.path}: {warning}")
    lookup = HistoryLookup(history)
    try:
        yield lookup
    finally:
        lookup.close()


def _filter(ws: Any, customer: str | None, agreement: str | None, period: str | None) -> Any:
    """The TicketFilter of --customer, --agreement and --period (None without them)."""
    if customer is None and agreement is None and period is None:
        return None
    from slactl.core.period import parse_period
    from slactl.core.selection import Selection, TicketFilter

    if agreement is not None and agreement not in ws.agreements:
        raise InputError(f"--agreement: no agreement named '{agreement}' in the workspace")
    try:
        chosen = parse_period(period) if period else None
    except ValueError as exc:
        raise InputError(f"--period: {exc}") from None
    return TicketFilter(ws, Selection(customer, agreement), chosen)


def _keep(selected: Any) -> Any:
    if selected is None:
        return None
    keep = selected.keep
    return lambda row: keep(row.customer, row.service, row.priority, row.created)


def _score_exit(scorer: Any, threshold: float | str | None) -> int:
    """--fail-under: 'target' judges each agreement x priority against its own target;
    a percentage judges the rows shown (the --group-by groups). Nothing judged fails too."""
    if threshold is None:
        return 0
    rows = scorer.summary() if threshold == "target" else scorer.grouped()
    judged = [r for r in rows if r.get("compliance_pct") is not None]
    if not judged:
        err("slactl: --fail-under: no ticket could be judged (nothing met or breached)")
        return 1
    if threshold == "target":
        below = [r for r in judged if r.get("ok") is False]
    else:
        below = [r for r in judged if r["compliance_pct"] < threshold]  # type: ignore[operator]
    for r in below:
        name = " / ".join(str(v) for k, v in r.items() if k not in _NUMBERS)
        goal = r["target_pct"] if threshold == "target" else threshold
        err(f"slactl: below target: {name}: {r['compliance_pct']}% < {goal}%")
    return 1 if below else 0


_NUMBERS = {"tickets", "met", "breached", "pending", "missing", "unmeasured", "compliance_pct", "target_pct", "ok",
            "at_risk", "median_minutes", "p90_minutes", "mean_minutes"}
