"""The explain command: one ticket's breach receipt."""

from typing import Annotated, Optional

import typer

from slactl.cli.base import ForceOpt, OutputOpt, WorkspaceOpt, app, choose_format, err, load, output_to, require_clean
from slactl.cli.base import as_of_value
from slactl.cli.tickets import (
    AsOfOpt, DayfirstOpt, EncodingOpt, ExportArg, HistoryMappingOpt, HistoryOpt, MappingOpt, PresetOpt, SheetOpt,
    TzOpt, ticket_options,
)


@app.command()
def explain(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(help="The ticket's id, as the export writes it.", metavar="TICKET_ID",
                                          show_default=False)],
    export: ExportArg,
    history: HistoryOpt = None,
    history_mapping: HistoryMappingOpt = None,
    as_of: AsOfOpt = None,
    preset: PresetOpt = "auto",
    mapping: MappingOpt = None,
    tz: TzOpt = "UTC",
    encoding: EncodingOpt = None,
    dayfirst: DayfirstOpt = None,
    sheet: SheetOpt = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", metavar="FORMAT", help="text or json.", show_default=False)] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Explain one ticket's verdicts: every stretch of time counted or not, and why.

    The breach receipt to show a customer: the agreement, rule and calendar used,
    each metric's target, due time and verdict, and every interval between creation
    and the stop: open hours counted; closed hours, lunch, weekends, holidays,
    pauses (with their status) and resolved-then-reopened time not counted.

    \b
    Example:  slactl explain ITSD-1262 examples/jira.csv --history examples/jira-history.csv --as-of 2026-11-22T12:00:00Z
    """
    from slactl.usecases.explain import explain_run
    from slactl.reporters.explain import write_json, write_text

    chosen = choose_format(fmt, output, ("text", "json"))
    moment = as_of_value(as_of)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    options = ticket_options(export, preset=preset, mapping=mapping, tz=tz, encoding=encoding, dayfirst=dayfirst,
                             sheet=sheet, history=history, history_mapping=history_mapping)
    explained = explain_run(loaded.workspace, options, ticket, moment.instant, lambda m: err(f"slactl: {m}"))
    for note in explained.notes:
        err(f"slactl: {note}")
    with output_to(output, force) as out:
        (write_json if chosen == "json" else write_text)(out, explained)
