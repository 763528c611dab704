"""The mapping command: a starter column mapping for an export no preset recognises."""

import os
import sys
from typing import Annotated, Optional

import typer

from slactl.cli.base import ForceOpt, WorkspaceOpt, app, err


@app.command()
def mapping(
    export: Annotated[str, typer.Argument(help="Ticket export (CSV or .xlsx).", metavar="EXPORT.csv", show_default=False)],
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help="Where to write the mapping (default: EXPORT.mapping.yaml beside the export, which score then uses by itself; '-' for stdout).", show_default=False)] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", metavar="ENCODING", help="Force the export's encoding (e.g. cp1251).", show_default=False)] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", metavar="SHEET", help="Sheet of an .xlsx export (default: the first).", show_default=False)] = None,
    force: ForceOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write a starter mapping file: the guessed column of each field (with the evidence) and the
    distinct priority, customer and service values as comments, ready to edit.

    \b
    Example:  slactl mapping examples/custom-desk.csv --output my-desk.mapping.yaml
    """
    from slactl.atomic import atomic_writer
    from slactl.exports.opening import read_table
    from slactl.exports.starter import starter_yaml

    header, rows, enc, delimiter = read_table(export, encoding=encoding, sheet=sheet)
    text = starter_yaml(export, header, rows, enc, delimiter)
    if output == "-":
        sys.stdout.write(text)
        return
    target = output or os.path.splitext(export)[0] + ".mapping.yaml"
    with atomic_writer(target, overwrite=force, to_stdout="give --output - to write to standard output") as fh:
        fh.write(text)
    err(f"slactl: wrote {target}; check the guesses, then: slactl score {export}"
        + ("" if output is None else f" --mapping {target}"))
