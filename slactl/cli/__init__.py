"""The command line: a table of contents. Each module is one command group; importing it
registers its commands on the one Typer ``app`` (see ``slactl.cli.base``).

Typer builds every registered command (signatures, type hints) before it runs one, so
``main`` imports just the module of the command on the command line (all of them, in
this order, for ``--help`` or a name it does not know): a command starts in the time
of its own options, not of all twenty."""
from __future__ import annotations

import importlib
from typing import Any

# command -> module under slactl.cli; the order of the modules is the order of --help
COMMANDS = {
    "validate": "validate", "schema": "validate",
    "score": "score",
    "explain": "explain",
    "list": "lifecycle", "clone": "lifecycle", "renew": "lifecycle", "expiring": "lifecycle",
    "notify": "lifecycle",
    "mapping": "mapping",
    "availability": "availability",
    "hours": "hours",
    "alert": "alert",
    "report": "report",
}
_GLOBAL_WITH_VALUE = ("-w", "--workspace")  # the options before the command that take a value


def command_name(argv: list[str]) -> str | None:
    """The command named on a command line (``slactl -w DIR score ...`` -> "score"), if any."""
    args = iter(argv)
    for arg in args:
        if arg in _GLOBAL_WITH_VALUE:
            next(args, None)
        elif arg == "--":
            return next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def load_commands(argv: list[str] | None = None) -> Any:
    """Register the commands ``argv`` needs (every command without ``argv``); returns the app."""
    name = command_name(argv) if argv is not None else None
    modules = [COMMANDS[name]] if name in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        importlib.import_module(f"slactl.cli.{module}")
    from slactl.cli.base import app

    return app


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    import sys

    from slactl.cli import base

    load_commands(sys.argv[1:] if argv is None else argv)
    return base.main(argv)


def __getattr__(name: str) -> Any:
    if name == "app":  # ``from slactl.cli import app``: the whole command line
        return load_commands()
    raise AttributeError(f"module 'slactl.cli' has no attribute {name!r}")


__all__ = ["COMMANDS", "app", "command_name", "load_commands", "main"]
