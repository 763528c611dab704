"""The command line: a table of contents. Each module is one command group; importing it
registers its commands on the one Typer ``app`` (see ``slactl.cli.app``), in this order."""
from slactl.cli import validate  # noqa: F401  (validate, schema)
from slactl.cli import score  # noqa: F401,I001  (score)
from slactl.cli import explain  # noqa: F401,I001  (explain)
from slactl.cli import lifecycle  # noqa: F401,I001  (list, clone, renew, expiring, notify)
from slactl.cli import mapping  # noqa: F401,I001  (mapping)
from slactl.cli import availability  # noqa: F401,I001  (availability)
from slactl.cli import hours  # noqa: F401,I001  (hours)
from slactl.cli import alert  # noqa: F401,I001  (alert)
from slactl.cli import report  # noqa: F401,I001  (report)
from slactl.cli.app import app, main

__all__ = ["app", "main"]
