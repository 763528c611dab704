"""Terminal concerns: consoles, format defaults and making input data inert on screen."""
from __future__ import annotations

import os
import re
import sys
from typing import IO

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert(text: object) -> str:
    """``text`` with control characters (ANSI escapes, bidi overrides...) shown as escapes."""
    s = str(text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", s)


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
