"""The diff command: the changes to the agreements between the workspace and a git revision."""

from typing import Annotated, Optional

import typer

from slactl.cli.base import ForceOpt, OutputOpt, WorkspaceOpt, app, choose_format, output_to, workspace_root


@app.command()
def diff(
    ctx: typer.Context,
    rev: Annotated[str, typer.Argument(help="The git revision to compare with.", metavar="REV")] = "HEAD",
    rev2: Annotated[Optional[str], typer.Argument(
        help="A second revision: compare REV with it instead of with the workspace on disk.", metavar="[REV2]",
        show_default=False)] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="text, markdown or json.")] = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """What changed in agreements, policies, calendars and services since a git revision, in words.

    Compares the workspace on disk with REV (default HEAD), or REV with REV2; each changed target
    on a line ("acme-support-2026: P2 resolution 16 h → 8 h (policy standard)").

    \b
    Example:  slactl diff HEAD~1
    """
    from slactl.reporters.diff import REPORTERS
    from slactl.usecases.diff import run_diff
    from slactl.workspace.loader import load_workspace

    chosen = choose_format(fmt, output, (*REPORTERS, "table"))
    chosen = "text" if chosen == "table" else chosen  # a terminal's default: the same lines
    root = workspace_root(ctx, workspace)
    current = None if rev2 is not None else load_workspace(root)
    result = run_diff(root, current, rev, rev2)
    with output_to(output, force) as out:
        REPORTERS[chosen](out, result)
