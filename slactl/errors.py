"""The user-facing error classes; the CLI maps them to exit codes in one place."""
from __future__ import annotations

EXIT_FAILURE = 1  # an expected failure: findings, refused clone, under target
EXIT_USAGE = 2  # usage error or unreadable input
EXIT_INTERNAL = 3  # a bug: one line, --debug for the traceback
EXIT_INTERRUPTED = 130


class SlactlError(Exception):
    """An error the user can act on. ``str()`` is the whole message, no traceback."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Refused(SlactlError):
    """The command understood the request and declines it (exit 1)."""

    exit_code = EXIT_FAILURE


class InputError(SlactlError):
    """Bad usage, a missing file, an unreadable input (exit 2)."""

    exit_code = EXIT_USAGE
