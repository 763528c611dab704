"""The explain command: one ticket's breach receipt."""

from typing import Annotated, Optional

import typer

from slactl.cli.base import ForceOpt, OutputOpt, WorkspaceOpt, app, choose_format, err, load, output_to, require_clean
from slactl.cli.base import as_of_value


@app.command()
def explain(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(help="The ticket's id, as the export writes it.", metavar="TICKET_ID",
                                          show_default=False)],
    export: Annotated[str, typer.Argument(help="Ticket export (CSV).", metavar="EXPORT.csv", show_default=False)],
    history: Annotated[Optional[str], typer.Option("--history", help="Status history (as for score).", show_default=False)] = None,
    history_mapping: Annotated[Optional[str], typer.Option("--history-mapping", help="YAML file naming the history's columns.", show_default=False)] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Measure an open ticket up to this instant (default now).", show_default=False)] = None,
    preset: Annotated[str, typer.Option("--preset", "-p", help="The export's layout, as for score.")] = "auto",
    mapping: Annotated[Optional[str], typer.Option("--mapping", help="YAML file mapping the export's columns.")] = None,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of timestamps without an offset.")] = "UTC",
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Force the files' encoding.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="text or json.")] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Explain one ticket's verdicts: every stretch of time counted or not, and why.

    The breach receipt to show a customer: the agreement, rule and calendar used,
    each metric's target, due time and verdict, and every interval between creation
    and the stop: open hours counted; closed hours, lunch, weekends, holidays,
    pauses (with their status) and resolved-then-reopened time not counted.

    Example:  slactl explain ITSD-1203 examples/jira.csv --history examples/jira-history.csv --as-of 2026-01-31T12:00:00Z
    """
    from slactl.exports import open_export
    from slactl.usecases.explain import explain_ticket
    from slactl.reporters.explain import write_json, write_text

    chosen = choose_format(fmt, output, ("text", "json"))
    moment = as_of_value(as_of)
    loaded = load(ctx, workspace)
    require_clean(loaded, moment.day())
    with open_export(export, preset=preset, tz=tz, encoding=encoding, mapping=mapping) as source:
        as_of_t = moment.instant(source.timezone)
        opened = None
        if history is not None:
            from slactl.exports.history import open_history

            opened = open_history(history, tz=source.timezone, encoding=encoding, mapping=history_mapping)
        elif history_mapping is not None:
            from slactl.errors import InputError

            raise InputError("--history-mapping needs --history FILE")
        explained = explain_ticket(loaded.workspace, source, ticket, as_of_t, opened)
    for note in explained.notes:
        err(f"slactl: {note}")
    with output_to(output, force) as out:
        (write_json if chosen == "json" else write_text)(out, explained)
