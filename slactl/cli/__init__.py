"""The command line: a table of contents. Each module is one command group; importing it
registers its commands on the one Typer ``app`` (see ``slactl.cli.app``), in this order."""
from slactl.cli import validate  # noqa: F401  (validate, schema)
from slactl.cli import score  # noqa: F401,I001  (score)
from slactl.cli import lifecycle  # noqa: F401,I001  (list, clone, renew, expiring, notify)
from slactl.cli import report  # noqa: F401,I001  (report)
from slactl.cli.app import app, main

__all__ = ["app", "main"]
