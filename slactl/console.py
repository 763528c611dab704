"""Terminal concerns: consoles and format defaults (what makes input data safe to show is
:mod:`slactl.sanitize`)."""
from __future__ import annotations

import os
import sys
from typing import IO

from slactl.sanitize import terminal_text as inert  # noqa: F401  (the name reporters/score*.py import)


def is_terminal(stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def default_format(output: str | None) -> str:
    """``table`` on a terminal, plain ``text`` when piped or written to a file."""
    return "table" if output is None and is_terminal() else "text"


def make_console(file: IO[str] | None = None, *, stderr: bool = False, width: int | None = None):  # type: ignore[no-untyped-def]
    from rich.console import Console

    target = file or (sys.stderr if stderr else sys.stdout)
    no_color = bool(os.environ.get("NO_COLOR"))
    tty = is_terminal(target)
    return Console(file=target, no_color=no_color, force_terminal=None if tty else False,
                   width=width or (None if tty else 100), highlight=False, emoji=False,
                   soft_wrap=not tty)
