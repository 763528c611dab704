"""Which engine reads the export for ``score --engine auto|python|columnar``.

The streaming engine (``python``) is the reference and reads everything. The columnar
engine (``slactl.exports.columnar``, pyarrow from ``slactl[fast]``) only replaces the
reading: its rows go through the same scorer and reporter, one by one, so a run it takes
writes the same bytes. ``auto`` takes it for a large export whose run it handles and
that would run in one process;
``columnar`` asked for a run it does not handle says why, once, and streams. The
columnar engine runs in one process: ``auto`` leaves a run the streaming engine would
score on several cores (``--jobs``) to it.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slactl.core.tickets import TicketRow
    from slactl.exports.reader import Export

ENGINES = ("auto", "python", "columnar")
AUTO_MIN_BYTES = 24 * 1024 * 1024  # where auto takes the columnar reader (as the parallel path starts)

Say = Callable[[str], None]


def columnar_wanted(engine: str, source: Export, *, history: bool, parallel: bool, say: Say | None) -> bool:
    """Whether this run reads ``source`` with the columnar engine; with ``--engine columnar``
    and a run it does not take, says why (once) through ``say``. ``parallel``: the streaming
    engine would score this run on several cores, which auto leaves it to (measured: one
    columnar process is slower than two streaming ones, see docs/drafts/i25.md)."""
    if engine == "python":
        return False
    from slactl.exports.columnar import pyarrow_missing, refusal

    reason = pyarrow_missing() or ("a status history (--history)" if history else None) or refusal(source)
    if engine == "auto":
        return reason is None and not parallel and _size(source.path) >= AUTO_MIN_BYTES
    if reason is not None and say is not None:
        say(f"--engine columnar: not for this run ({reason}); scored with the streaming engine")
    return reason is None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def columnar_rows(source: Export, update: Callable[[float], None] | None = None) -> Iterator[TicketRow]:
    """The export's rows read by the columnar engine (``NotColumnar`` where it stops);
    ``update`` takes the fraction read (the progress bar)."""
    from slactl.exports.columnar import ticket_rows

    return ticket_rows(source, update)


def gave_up(engine: str, source: Export, error: Exception, say: Say | None) -> None:
    """The columnar reader stopped inside the file: said for an explicit ``--engine columnar``."""
    if engine == "columnar" and say is not None:
        say(f"--engine columnar: {source.path}: {error}; scored with the streaming engine")

