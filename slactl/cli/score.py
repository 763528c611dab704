"""The score command: a ticket export scored against the agreements."""

import contextlib
from typing import TYPE_CHECKING, Annotated, Any, Iterator, Optional

import typer

from slactl.cli.base import (
    ForceOpt, OutputOpt, WorkspaceOpt, app, as_of_value, choose_format, err, fail_under_value, load, output_to,
    require_clean,
)
from slactl.cli.tickets import (
    AgreementOpt, AsOfOpt, CustomerOpt, DayfirstOpt, EncodingOpt, ExcludeOpt, ExportArg, HistoryMappingOpt,
    HistoryOpt, JobsOpt, MappingOpt, PeriodOpt, PresetOpt, ServiceOpt, SheetOpt, TzOpt, ticket_options,
)
from slactl.core.totals import GROUP_BYS
from slactl.errors import InputError
from slactl.reporters.score import REPORTERS
from slactl.usecases.engine import ENGINES

if TYPE_CHECKING:
    from slactl.core.scoring import Scorer
    from slactl.usecases.tickets import TicketRun


@app.command()
def score(
    ctx: typer.Context,
    export: ExportArg,
    preset: PresetOpt = "auto",
    mapping: MappingOpt = None,
    tz: TzOpt = "UTC",
    encoding: EncodingOpt = None,
    dayfirst: DayfirstOpt = None,
    sheet: SheetOpt = None,
    as_of: AsOfOpt = None,
    fail_under: Annotated[Optional[str], typer.Option("--fail-under", metavar="PCT", help="Exit 1 when a group's compliance is below PCT, or 'target' for each agreement's own target.", show_default=False)] = None,
    group_by: Annotated[str, typer.Option("--group-by", metavar="KEY", help=f"{', '.join(GROUP_BYS)}.")] = "agreement",
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", metavar="FORMAT", help=f"{', '.join(REPORTERS)}.")] = None,
    customer: CustomerOpt = None,
    agreement: AgreementOpt = None,
    service: ServiceOpt = None,
    period: PeriodOpt = None,
    progress: Annotated[Optional[bool], typer.Option("--progress/--no-progress", help="Progress bar on stderr (default: when stderr is a terminal).", show_default=False)] = None,
    history: HistoryOpt = None,
    history_mapping: HistoryMappingOpt = None,
    exclude: ExcludeOpt = None,
    jobs: JobsOpt = None,
    ola: Annotated[bool, typer.Option("--ola", help="Score the OLAs (kind OLA: each team's stages) instead of the agreements, per OLA x team x priority.")] = False,
    engine: Annotated[str, typer.Option("--engine", metavar="ENGINE", help="auto, python (streaming) or columnar (pyarrow: pip install 'slactl[fast]'); auto takes columnar for an export of 24 MiB and more that it reads, the same bytes either way.")] = "auto",
    compare: Annotated[Optional[str], typer.Option("--compare", metavar="REF", help="What-if: score the same tickets under REF too (another workspace folder, or a git revision of this one) and show both side by side, with the tickets whose verdict differs.", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Score a ticket export against the agreements: per ticket and per agreement x priority.

    \b
    Example:  slactl score examples/generic.csv --as-of 2026-11-22T12:00:00Z --fail-under target

    \b
    Example:  slactl score examples/jira.csv --history examples/jira-history.csv --format json

    \b
    Example:  slactl score examples/ola/tickets.csv -w examples/ola/workspace --tz Europe/Moscow --history examples/ola/history.csv --ola --fail-under target
    """
    from slactl.usecases.score import score_tickets
    from slactl.usecases.tickets import open_tickets

    chosen = choose_format(fmt, output, tuple(REPORTERS))
    if group_by not in GROUP_BYS:
        raise InputError(f"--group-by {group_by}: choose one of {', '.join(GROUP_BYS)}")
    if engine not in ENGINES:
        raise InputError(f"--engine {engine}: choose one of {', '.join(ENGINES)}")
    if compare is not None and engine == "columnar":
        say("--engine columnar: not for this run (--compare); scored with the streaming engine")
    threshold = fail_under_value(fail_under)
    moment = as_of_value(as_of)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    if ola:
        from slactl.usecases.ola import check_ola_run

        check_ola_run(loaded.workspace, chosen, compare)
    options = ticket_options(export, preset=preset, mapping=mapping, tz=tz, encoding=encoding, dayfirst=dayfirst,
                             sheet=sheet, history=history, history_mapping=history_mapping, exclude=exclude,
                             jobs=jobs, customer=customer, agreement=agreement, service=service, period=period)
    with open_tickets(loaded.workspace, options, moment.instant, say) as run:
        with _compared(ctx, workspace, compare, chosen, run, ola) as reporter, \
                output_to(output, force, newline="" if chosen == "csv" else None) as out:
            said = len(run.source.warnings)
            result = score_tickets(loaded.workspace, run, reporter, out, group_by=group_by, progress=progress,
                                   engine="python" if compare is not None else engine, say=say)
        for warning in run.source.warnings[said:]:  # learnt while reading (event-log collapse...)
            err(f"slactl: warning: {run.source.path}: {warning}")
    scorer, meta = result.scorer, result.meta
    if scorer.no_rule_priorities:
        err(f"slactl: warning: {scorer.no_rule_text()}")
    for note in meta.pause_notes:
        err(f"slactl: {note}")
    if meta.history is not None:
        h = meta.history
        err(f"slactl: {h.path}: {h.counts_text()}; matched "
            f"{'in one pass (sorted by ticket)' if h.method == 'sorted' else 'through an on-disk index'}")
    for warning in result.warnings:
        err(f"slactl: warning: {warning}")
    if result.left_out is not None:
        err(f"slactl: {result.left_out} ticket(s) outside the selection left out")
        if not sum(scorer.match_counts.values()):
            err("slactl: warning: no ticket of the export is in the selection")
    if scorer.created_after_as_of:
        err(f"slactl: warning: {scorer.created_after_as_of} ticket(s) were created after --as-of "
             f"{as_of or 'now'}; is --as-of right?")
    raise typer.Exit(_score_exit(scorer, threshold, ola))


def say(message: str) -> None:
    err(f"slactl: {message}")


@contextlib.contextmanager
def _compared(ctx: typer.Context, workspace: str | None, ref: str | None, chosen: str,
              run: "TicketRun", ola: bool = False) -> Iterator[Any]:
    """The reporter class to score with: the chosen format's (the OLA report's with --ola), or
    with --compare REF one that scores every ticket under REF too."""
    if ola:
        from slactl.reporters.ola import OLA_REPORTERS

        yield OLA_REPORTERS[chosen]
        return
    if ref is None:
        yield REPORTERS[chosen]
        return
    if run.history is not None:
        raise InputError("--compare and --history do not go together yet: compare without the history")
    from slactl.cli.base import workspace_root
    from slactl.usecases.compare import comparing, other_workspace

    with other_workspace(workspace_root(ctx, workspace), ref) as (name, other):
        yield comparing(REPORTERS[chosen], chosen, name, other, run.as_of, run.source)


def _score_exit(scorer: "Scorer", threshold: float | str | None, ola: bool = False) -> int:
    """--fail-under: exit 1 when a group is below (or nothing could be judged), each said in words."""
    if threshold is None:
        return 0
    from slactl.usecases.ola import ola_below_target
    from slactl.usecases.score import below_target

    lines, judged = (ola_below_target if ola else below_target)(scorer, threshold)
    if not judged:
        err("slactl: --fail-under: no ticket could be judged (nothing met or breached)")
        return 1
    for line in lines:
        err(f"slactl: below target: {line}")
    return 1 if lines else 0
