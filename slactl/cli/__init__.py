"""The command line: a table of contents. Each module is one command group; importing it
registers its commands on the one Typer ``app`` (see ``slactl.cli.base``).

Typer builds every registered command (signatures, type hints) before it runs one, so
``main`` imports just the module of the command on the command line (all of them, in
this order, for a name it does not know): a command starts in the time of its own
options, not of all twenty. Without a command (``slactl --help``, ``--version``) it
imports none: the list of commands is ``SUMMARIES``."""
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
    "calls": "calls",
    "hours": "hours",
    "alert": "alert",
    "report": "report",
    "translations": "translations",
    "diff": "diff",
}
# what ``slactl --help`` says of each command: the first paragraph of its docstring
# (tests/test_startup.py keeps the two the same)
SUMMARIES = {
    "validate": "Check agreement files: structure, references and meaning.",
    "schema": "Print the JSON Schema of the file format (for editors and other tools).",
    "score": "Score a ticket export against the agreements: per ticket and per agreement x priority.",
    "explain": "Explain one ticket's verdicts: every stretch of time counted or not, and why.",
    "list": "List agreements with customer, period, computed status, days left, services and policy.",
    "clone": "Create an agreement for another customer from an existing one, as 'planned'.",
    "renew": "Create the next period's agreement for the same customer, as 'planned'.",
    "expiring": "Active agreements whose end falls within the window: end date, days left, customer, manager.",
    "notify": "Send every due lifecycle notice once: activation, expiry warnings and expiry.",
    "mapping": "Write a starter mapping file: the guessed column of each field (with the evidence) and the "
               "distinct priority, customer and service values as comments, ready to edit.",
    "availability": "Availability per agreement x service x window from an outage log, with error budgets "
                    "and credits.",
    "calls": "Call-centre objectives per agreement x queue x window: service level, abandonment and ASA.",
    "hours": "Support hours per agreement and month (or quarter): logged, billable, included, bank, overage.",
    "alert": "Tickets that became at risk or breached since the last run, each ticket, target and state once.",
    "report": "The customer's SLA report for a period: objectives met, charts and the tickets behind them.",
    "translations": "Write the template of slactl's messages (.pot) to translate reports and mails.",
    "diff": "What changed in agreements, policies, calendars and services since a git revision, in words.",
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

    args = sys.argv[1:] if argv is None else argv
    if command_name(args) is None:  # help, --version or a usage error: names and summaries do
        return base.main(argv, base.listing_app(SUMMARIES))
    load_commands(args)
    return base.main(argv)


def __getattr__(name: str) -> Any:
    if name == "app":  # ``from slactl.cli import app``: the whole command line
        return load_commands()
    raise AttributeError(f"module 'slactl.cli' has no attribute {name!r}")


__all__ = ["COMMANDS", "SUMMARIES", "app", "command_name", "load_commands", "main"]
