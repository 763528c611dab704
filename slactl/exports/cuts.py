"""Where to cut a CSV export into byte ranges that start and end on record boundaries
(for scoring the ranges at once, see ``slactl.usecases.parallel``).

A cut is a newline with an even number of quotes before it: right for every file
whose quotes only open and close quoted fields. A stray quote inside an unquoted
field fools it, so the caller verifies each cut while parsing (and falls back to
one pass when one was wrong).
"""
from __future__ import annotations

import csv
import io
import os


def plan(path: str, encoding: str, delimiter: str, parts: int, first: float | None = None
         ) -> list[tuple[int, int]] | None:
    """``parts`` ranges covering the records after the header, in order; None when the
    header's end cannot be told or the file is too small to cut. ``first``: the first
    range's share of the bytes (default an equal share); the others share the rest."""
    start = data_start(path, encoding, delimiter)
    if start is None:
        return None
    size = os.path.getsize(path)
    share = 1 / parts if first is None else first
    bounds = [start]
    with open(path, "rb") as fh:
        fh.seek(start)
        quotes, pos = 0, start
        for k in range(1, parts):
            done = share + (1 - share) * (k - 1) / (parts - 1)  # of the bytes, before range k
            want = start + int((size - start) * done)
            if want <= bounds[-1]:
                continue
            quotes, pos, cut = _next_cut(fh, quotes, pos, want)
            if cut is None or cut >= size:
                break
            bounds.append(cut)
    if len(bounds) < 2:
        return None
    bounds.append(size)
    return list(zip(bounds, bounds[1:]))


def data_start(path: str, encoding: str, delimiter: str) -> int | None:
    """Byte offset just after the header record (None if it cannot be told)."""
    with open(path, "rb") as fh:
        consumed = 0
        lines = []
        for raw in fh:
            lines.append(raw)
            consumed += len(raw)
            if consumed > 4 * 1024 * 1024:
                return None
            try:
                text = b"".join(lines).decode(encoding)
            except UnicodeDecodeError:
                return None
            recs = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
            if any(recs) and text.endswith(("\n", "\r")) and text.count('"') % 2 == 0:
                return consumed
    return None


def _next_cut(fh: io.BufferedReader, quotes: int, pos: int, want: int) -> tuple[int, int, int | None]:
    """From ``pos`` (``quotes`` seen before it): the first newline at or after ``want`` with
    an even number of quotes before it. (quotes before the cut, the cut, the cut or None)."""
    left = want - pos
    while left > 0:
        block = fh.read(min(left, 1 << 22))
        if not block:
            return quotes, pos, None
        quotes += block.count(b'"')
        left -= len(block)
        pos += len(block)
    while True:
        block = fh.read(1 << 16)
        if not block:
            return quotes, pos, None
        i = 0
        while True:
            nl = block.find(b"\n", i)
            quotes += block.count(b'"', i, len(block) if nl < 0 else nl)
            if nl < 0:
                break
            if quotes % 2 == 0:
                cut = pos + nl + 1
                fh.seek(cut)
                return quotes, cut, cut
            i = nl + 1
        pos += len(block)
