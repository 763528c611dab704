"""Commands about the agreement files themselves: validate and schema."""

import os
from typing import Annotated, Optional

import typer

from slactl.cli.base import (
    AsOfDateOpt, ForceOpt, OutputOpt, WorkspaceOpt, app, as_of_value, choose_format, load, output_to, workspace_root,
)
from slactl.errors import InputError


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files to report on (default: the whole workspace).",
                                                         show_default=False)] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f",
                                               help="table, text, json, github, markdown or sarif.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    as_of: AsOfDateOpt = None,
    workspace: WorkspaceOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Check agreement files: structure, references and meaning.

    The whole workspace is always loaded so references resolve; findings are
    reported for PATHS only when given (what pre-commit passes).

    \b
    Example:  slactl -w agreements validate --format json
    """
    from slactl.workspace.checks import check_workspace
    from slactl.core.findings import ERROR, sort_key
    from slactl.reporters.validate import REPORTERS

    from slactl.workspace.loader import discover

    chosen = choose_format(fmt, output, tuple(REPORTERS))
    day = as_of_value(as_of).day()
    files: list[str] = []
    for p in paths or ():  # pre-commit passes files; people may pass folders
        if os.path.isdir(p):
            root = workspace_root(ctx, workspace)
            if not _inside(p, root):  # `validate /tmp` would walk a whole tree that is not agreements
                raise InputError(f"{p}: a folder outside the workspace {root}; give files from it, or point "
                                 "-w at it")
            files += discover(p)
        elif not os.path.exists(p):
            raise InputError(f"{p}: no such file")
        elif not p.endswith((".yaml", ".yml")):
            raise InputError(f"{p}: not a .yaml or .yml file")
        else:
            files.append(p)
    paths = files if paths else None
    loaded = load(ctx, workspace, list(paths or ()))
    findings = loaded.findings + check_workspace(loaded, day)
    files = loaded.files
    if paths:
        wanted = {os.path.realpath(p) for p in paths}
        findings = [f for f in findings if os.path.realpath(f.file) in wanted]
        files = [f for f in files if os.path.realpath(f) in wanted]
    findings.sort(key=sort_key)
    with output_to(output, force) as out:
        REPORTERS[chosen](out, len(files), findings)
    failed = any(f.severity == ERROR for f in findings) or (strict and bool(findings))
    raise typer.Exit(1 if failed else 0)


def _inside(path: str, root: str) -> bool:
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    return rel == os.curdir or not (rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel))


# ---------------------------------------------------------------- schema

@app.command()
def schema(
    output: OutputOpt = None,
    force: ForceOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Print the JSON Schema of the file format (for editors and other tools).

    \b
    Example:  slactl schema -o slactl.schema.json --force
    """
    import json

    from slactl.workspace.schema import SCHEMA

    with output_to(output, force) as out:
        json.dump(SCHEMA, out, indent=2)
        out.write("\n")
