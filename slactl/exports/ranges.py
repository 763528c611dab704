"""Byte ranges of an export, parsed exactly as a whole-file pass parses them (two-core scoring)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from itertools import chain
from typing import Any

from slactl.exports.reader import Export
from slactl.exports.sniff import TextStream, field_limit


class _Range(io.RawIOBase):
    """Bytes [start, end) of a file, as a raw stream."""

    def __init__(self, path: str, start: int, end: int) -> None:
        super().__init__()
        self._f = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._f.seek(start)
        self._left = end - start
        self._size = end - start

    @property
    def consumed(self) -> int:
        """Bytes of the range read so far."""
        return self._size - self._left

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def,override]
        if self._left <= 0:
            return 0
        view = memoryview(b)[: min(len(b), self._left)]
        n = self._f.readinto(view) or 0
        self._left -= n
        return n

    def close(self) -> None:
        self._f.close()
        super().close()



def range_records(export: Export, start: int, end: int,
                  tail: Iterable[str] = ()) -> tuple[Any, io.TextIOWrapper]:
    """A CSV reader over the records in bytes [start, end) of ``export``'s file (then the
    ``tail`` lines, e.g. a sentinel), and the text stream to close afterwards (its
    ``buffer.raw.consumed`` counts the bytes read). Feed it to ``Export.rows``: when
    ``start`` is a record boundary the rows are parsed exactly as a whole-file pass
    parses them, numbered from 1."""
    stream = TextStream(_Range(export.path, start, end), export.encoding)
    export.range_suspect = stream.suspect  # one range at a time per process
    return csv.reader(chain(stream.lines(), tail), delimiter=export.delimiter), stream.text


def count_records(export: Export, start: int, end: int) -> int:
    """The records in bytes [start, end) as ``Export.rows`` numbers them: parsed the same
    way, blank lines skipped, a record the CSV parser rejects counted as one row."""
    if end <= start:
        return 0
    reader, text = range_records(export, start, end)
    n, last_line = 0, -1
    try:
        with field_limit():
            while True:
                try:
                    for rec in reader:
                        if rec:
                            n += 1
                    return n
                except csv.Error:
                    n += 1
                    if reader.line_num == last_line:  # no progress: the reader gives up here too
                        return n
                    last_line = reader.line_num
    finally:
        text.close()

