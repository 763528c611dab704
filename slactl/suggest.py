"""The one "did you mean" of slactl: the closest known name to a misspelt one, and
the hint every message appends, `` (did you mean 'x'?)``.

Closeness is :func:`difflib.get_close_matches`' ratio with its default cutoff
(0.6); difflib is imported only when a name is wrong, not at start-up.
"""
from __future__ import annotations

from collections.abc import Iterable


def close_matches(word: str, choices: Iterable[str], *, n: int = 1) -> list[str]:
    """Up to ``n`` choices like ``word``, the closest first (ties: the greater string first)."""
    import difflib

    return difflib.get_close_matches(word, list(choices), n=n)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word``, None when none is close enough."""
    found = close_matches(word, choices)
    return found[0] if found else None


def hint(match: str | None, otherwise: str = "") -> str:
    """`` (did you mean 'match'?)``, or ``otherwise`` when there is no match."""
    return f" (did you mean '{match}'?)" if match is not None else otherwise


def did_you_mean(word: str, choices: Iterable[str], *, otherwise: str = "") -> str:
    """The hint for the choice closest to ``word``; ``otherwise`` when none is close."""
    return hint(closest(word, choices), otherwise)
