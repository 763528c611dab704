"""A quoted field the file ends inside (a ``"`` opened and never closed).

The CSV module reads such a field to the end of the file: one cell holding every line
after the quote, the records on them gone. So a reader's lines end with one more line,
``END`` (:func:`slactl.exports.sniff.open_records` with ``mark_end``): in a clean file it is a record of its own, which the row loop
drops; a quote never closed swallows it, and the record whose last cell holds it is the
broken one. Either way the check costs the row loop nothing per record: the line also
raises the stream's ``suspect`` count, so the records read after it (only the last
ones) take the careful path, where :func:`unclosed` looks for ``END``.

:func:`unclosed` then reads the lines again (which only a broken file pays for) to find
the record's lines, the line where the quote opened and the lines it swallowed; the
record is rejected with those line numbers and the swallowed lines are read again as
records (:class:`Reread`, which ends with ``END`` too), so ``rows`` counts the records
of the file.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

from slactl.core.tickets import Rejected

from slactl.exports.sniff import END
from slactl.sanitize import clip

END_LINE = END + "\n"


def is_end(rec: list[str]) -> bool:
    """The end-of-file record itself (a clean file's last record: not a row)."""
    return len(rec) == 1 and rec[0] == END


def holds_end(rec: list[str]) -> bool:
    """A record whose last cell swallowed the end of the file."""
    return bool(rec) and isinstance(rec[-1], str) and END in rec[-1]


class Reread:
    """A CSV reader over lines read again (the swallowed ones), numbered as in the file."""

    def __init__(self, lines: list[str], base: int, delimiter: str) -> None:
        self.lines, self.base = lines, base
        self._reader = csv.reader(chain(lines, [END_LINE]), delimiter=delimiter)

    @property
    def line_num(self) -> int:
        return self.base + self._reader.line_num

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        return next(self._reader)


@dataclass(frozen=True, slots=True)
class Swallowed:
    start: int  # the record's first line (1-based, as in the file)
    opened: int  # the line where the quote that is never closed opens
    end: int  # the file's last line
    first_cell: str  # the record's first cell as written (its id, usually)
    rest: list[str]  # the lines after ``opened``

    @property
    def reason(self) -> str:
        swallowed = ("" if self.end <= self.opened else
                     f"; it swallowed line {self.end}" if self.end == self.opened + 1 else
                     f"; it swallowed lines {self.opened + 1}-{self.end}")
        again = ", read again as records" if self.rest else ""
        return (f"line {self.opened}: a quoted field opens here and is never closed (the file ends inside "
                f"it){swallowed}{again}")

    def records(self, delimiter: str) -> Reread:
        return Reread(self.rest, self.opened, delimiter)


def swallowed(lines: Iterable[str], base: int, delimiter: str) -> Swallowed | None:
    """The record that ``lines`` (line ``base + 1`` on) end inside a quoted field of, or None."""
    from slactl.exports.sniff import field_limit

    held: list[str] = []

    def feed() -> Iterator[str]:
        for line in chain(lines, [END_LINE]):
            held.append(line)
            yield line

    reader = csv.reader(feed(), delimiter=delimiter)
    with field_limit():
        while True:
            try:
                for rec in reader:
                    if holds_end(rec) and not is_end(rec):
                        break
                    held.clear()  # the reader pulls one line at a time: these made the record
                else:
                    return None
                break
            except csv.Error:
                held.clear()
    held.pop()  # the end-of-file line
    if not held:
        return None
    end = base + reader.line_num - 1
    start = end - len(held) + 1
    inside, opened = False, 0
    for k, line in enumerate(held):
        if line.count('"') % 2:
            inside = not inside
            if inside:
                opened = k
    first = next(csv.reader([held[0]], delimiter=delimiter), [""])
    return Swallowed(start, start + opened, end, first[0] if first else "", held[opened + 1:])


def unclosed(rec: list[str], reader: object, path: str, encoding: str, delimiter: str) -> Swallowed | None:
    """When ``rec`` swallowed the end of the file: the record of the file at ``path`` (or of the
    lines ``reader`` reads again) that a quote never closed runs to the end of; else None."""
    if not holds_end(rec) or is_end(rec):
        return None
    if isinstance(reader, Reread):
        return swallowed(reader.lines, reader.base, delimiter)
    from slactl.exports.sniff import open_text

    stream = open_text(path, encoding)
    try:
        return swallowed(stream.lines(), 0, delimiter)
    finally:
        stream.close()


def end_of_file(export: Any, n: int, rec: list[str]) -> Rejected | None:
    """For the row loop of an export or a history: None for the end-of-file record; for a record
    a quote never closed swallowed it into, the rejected row naming the lines (the swallowed lines
    become ``export._again``, which the loop reads next)."""
    cut = None if is_end(rec) else unclosed(rec, export._reading, export.path, export.encoding, export.delimiter)
    if cut is None:
        return None
    export._again = export._reading = cut.records(export.delimiter)
    return Rejected(n, clip(cut.first_cell.strip(), 80), cut.reason)  # as every rejected id is shown


CUT = ["\x00slactl: a quote never closed\x00"]
"""The record :class:`Guarded` gives in place of one that a quote never closed ran to the end of."""


class Guarded:
    """The records of a log's reader (outage logs, call CSVs, time entries: opened with
    ``mark_end``) with the end-of-file line dropped and a quote never closed caught: the
    broken record comes out as :data:`CUT` (``cut`` says where and what it swallowed), and
    the lines it swallowed are read again as records."""

    def __init__(self, reader: Iterator[list[str]], path: str, encoding: str, delimiter: str) -> None:
        self._reading: Any = reader
        self.path, self.encoding, self.delimiter = path, encoding, delimiter
        self.cut: Swallowed | None = None

    @property
    def line_num(self) -> int:
        return int(self._reading.line_num)

    def __iter__(self) -> Guarded:
        return self

    def __next__(self) -> list[str]:
        while True:
            rec = next(self._reading)
            if is_end(rec):
                continue  # the end-of-file line of a clean file (or of the lines read again)
            if holds_end(rec):
                cut = unclosed(rec, self._reading, self.path, self.encoding, self.delimiter)
                if cut is not None:
                    self.cut = cut
                    self._reading = cut.records(self.delimiter)
                    return CUT
            return rec

    def rejected(self, n: int) -> Rejected:
        """Record ``n``, the one :data:`CUT` stands for, rejected with where its quote opened."""
        assert self.cut is not None
        return Rejected(n, clip(self.cut.first_cell.strip(), 80), self.cut.reason)
