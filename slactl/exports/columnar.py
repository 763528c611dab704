"""The columnar reader of ``score --engine columnar``: an opened CSV export read by pyarrow
(``pip install 'slactl[fast]'``) in record batches, as the same ``TicketRow`` values the
streaming reader (``slactl.exports.reader``) makes.

It takes only what it can read exactly as the streaming reader would: a CSV in UTF-8
(or ASCII) whose records all have the header's width, one column per field, timestamps
its columns' own parsers accept, no repeated ids. Anything else (a record to rescue or
reject, an odd byte, a long cell) raises ``NotColumnar`` and the caller scores the file
with the streaming engine from the top, so the result is always the streaming result.

ISO timestamp columns are computed a batch at a time from the very caches the streaming
loop reads (``slactl.exports.timeformats.make_iso``: epoch of each local hour, seconds of
``:MM:SS``, offset of each suffix); a value they miss goes through the column's parser,
which fills them. pyarrow is imported here only, when the engine runs.
"""
from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from typing import Any

from slactl.core.tickets import TicketRow
from slactl.exports.explain import dst_warnings
from slactl.exports.reader import ORDER, Export
from slactl.exports.sniff import LINE_LIMIT

BLOCK_BYTES = 1024 * 1024  # one record batch (pyarrow reads a few ahead): memory stays bounded (~110 MiB peak)
ENCODINGS = ("utf-8", "utf_8", "utf-8-sig", "utf_8_sig", "ascii")
NO_PYARROW_ENV = "SLACTL_NO_PYARROW"  # set (to anything but "" or 0): act as if pyarrow were not installed


class NotColumnar(Exception):
    """The export holds something only the streaming reader reads exactly (the message says what)."""


def pyarrow_missing() -> str | None:
    """Why the columnar engine cannot run at all (None: pyarrow is importable)."""
    if os.environ.get(NO_PYARROW_ENV, "") not in ("", "0"):
        return f"pyarrow is not installed ({NO_PYARROW_ENV} is set)"
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None:
        return "pyarrow is not installed (pip install 'slactl[fast]')"
    return None


def refusal(export: Export) -> str | None:
    """Why the columnar reader does not take this export's shape (None: it does)."""
    if export.encoding == "xlsx":
        return "an .xlsx workbook"
    if export.encoding.lower() not in ENCODINGS:
        return f"encoding {export.encoding_name} (the columnar reader reads UTF-8)"
    if export.collapse:
        return "ticket ids repeat (an event log)"
    indices = export._indices  # noqa: SLF001 - the reader's own column plan
    if indices.get("first_response_minutes") or indices.get("resolution_minutes"):
        return "durations in minutes instead of timestamps"
    if len(export.delimiter) != 1:
        return "a delimiter of more than one character"
    return None


def ticket_rows(export: Export, update: Callable[[float], None] | None = None) -> Iterator[TicketRow]:
    """The export's rows as the streaming reader reads them; ``NotColumnar`` on the first
    record it cannot take exactly (nothing is skipped). ``update``: the fraction read, per batch."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    ends_with_newline = _check_bytes(export.path)
    ncols = len(export.header)
    names = [f"c{i}" for i in range(ncols)]
    options = dict(
        read_options=pacsv.ReadOptions(column_names=names, block_size=BLOCK_BYTES, use_threads=False),
        parse_options=pacsv.ParseOptions(delimiter=export.delimiter, newlines_in_values=True,
                                         ignore_empty_lines=True),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
    for f in export._fmt.values():  # noqa: SLF001 - DST gap / fold counts of this pass
        dst = getattr(f.parse, "dst", None)
        if dst is not None:
            dst[:] = [0, 0]
    end = ("" if ends_with_newline else "\n") + export.delimiter.join([END] * ncols) + "\n"
    stream = _Ended(export.path, end.encode())
    try:
        yield from _read(export, stream, pacsv.open_csv, options, pa, update)
    finally:
        stream.close()


def _read(export: Export, stream: _Ended, open_csv: Any, options: dict[str, Any], pa: Any,
          update: Callable[[float], None] | None) -> Iterator[TicketRow]:
    ncols = len(export.header)
    try:
        reader = open_csv(stream, **options)
    except (pa.ArrowInvalid, OSError, ValueError) as e:
        raise NotColumnar(f"pyarrow cannot read it ({_first_line(e)})") from None
    batches = _batches(reader, pa)
    n = 0
    seen: list[str] = []
    header_seen = ended = False
    for batch in batches:
        if ended:
            raise NotColumnar("records after the end")  # cannot happen: the end line is the last one
        last = batch.num_rows - 1
        if last >= 0 and all(batch.column(i)[last].as_py() == END for i in range(ncols)):
            batch, ended = batch.slice(0, last), True
        if not header_seen:
            if batch.num_rows == 0:
                continue
            first = [batch.column(i)[0].as_py() for i in range(ncols)]
            if first != export.header:
                raise NotColumnar("its header is not the first line pyarrow reads")
            batch = batch.slice(1)
            header_seen = True
        if batch.num_rows:
            rows = _batch_rows(export, batch, n)
            n += len(rows)
            seen.extend(row.id for row in rows)
            yield from rows
        if update is not None:
            update(stream.consumed / stream.size)
    if not ended:
        raise NotColumnar("a quoted field is never closed (the file ends inside it)")
    if len(set(seen)) != len(seen):
        raise NotColumnar("ticket ids repeat (an event log)")
    dst_warnings(export)


def _batches(reader: Any, pa: Any) -> Iterator[Any]:
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, OSError, ValueError) as e:  # a record of another width, bad UTF-8...
            raise NotColumnar(f"pyarrow cannot read it ({_first_line(e)})") from None
        yield batch


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:200]


END = "\x00slactl-end\x00"  # the cells of the line after the file's last (the file holds no NUL)


class _Ended(io.RawIOBase):
    """The file, then one line of ``END`` cells: a quote the file never closes swallows that
    line, which then does not arrive as a record of its own (the streaming reader's
    end-of-file marker, ``slactl.exports.quotes``, the same way)."""

    def __init__(self, path: str, end: bytes) -> None:
        super().__init__()
        self._fh = open(path, "rb")  # noqa: SIM115 - closed with this stream
        self._end = end
        self.size = max(os.fstat(self._fh.fileno()).st_size, 1)
        self.consumed = 0  # bytes of the file read so far (pyarrow reads a little ahead)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        got = self._fh.readinto(buffer)
        if got:
            self.consumed += got
            return got
        n = min(len(buffer), len(self._end))
        buffer[:n], self._end = self._end[:n], self._end[n:]
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def _check_bytes(path: str) -> bool:
    """NUL bytes and carriage returns without a line feed: bytes the two CSV parsers may
    read differently, left to the streaming reader. Returns whether the file ends with a
    line feed."""
    tail = b""
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(8 * 1024 * 1024)
            if not chunk:
                break
            data = tail + chunk
            if b"\x00" in chunk:
                raise NotColumnar("it holds NUL bytes")
            if data.count(b"\r") != data.count(b"\r\n") + data.endswith(b"\r"):
                raise NotColumnar("it holds carriage returns without a line feed")
            tail = data[-1:]
    if tail == b"\r":
        raise NotColumnar("it holds carriage returns without a line feed")
    return tail == b"\n"


def _batch_rows(export: Export, batch: Any, before: int) -> list[TicketRow]:
    """The ``TicketRow`` of every record of ``batch`` (numbered after ``before`` records)."""
    import pyarrow.compute as pc

    ncols = batch.num_columns
    cell_limit = LINE_LIMIT // (4 * max(ncols, 1))  # no record near the streaming reader's line limit
    for i in range(ncols):
        longest = pc.max(pc.binary_length(batch.column(i))).as_py()
        if longest is not None and longest >= cell_limit:
            raise NotColumnar(f"a cell of {longest} characters")
    size = batch.num_rows
    indices = export._indices  # noqa: SLF001
    fmt = export._fmt  # noqa: SLF001

    def column(field: str) -> Any:
        ix = indices.get(field)
        if not ix:
            return None
        if len(ix) == 1:
            return batch.column(ix[0])
        return _first_filled([batch.column(i).to_pylist() for i in ix])

    ids = column("id").to_pylist()
    texts = [_texts(export, column(f), size) for f in ORDER[1:5]]
    created = _epochs(column("created_at"), size, fmt["created_at"].parse, required=True)
    stops = [_epochs(column(f), size, fmt[f].parse if f in fmt else fmt["created_at"].parse)
             for f in ("first_response_at", "resolved_at")]
    gi = export.group_index
    groups = _texts(export, batch.column(gi), size) if gi >= 0 else None
    out = []
    Row = TicketRow
    n = before
    for k, (i, cu, sv, pp, st, c, fr, rs) in enumerate(zip(ids, *texts, created, *stops)):
        n += 1
        i = i.strip()
        if not i or c is None:
            raise NotColumnar(f"row {n} has no id or no creation time")
        if (fr is not None and fr < c) or (rs is not None and rs < c):
            raise NotColumnar(f"row {n} has an event before its creation")
        row = Row(n, i, cu, sv, pp, st, c, fr, rs)
        if groups is not None:
            row.group = groups[k]
        out.append(row)
    return out


def _first_filled(columns: list[list[str]]) -> Any:
    """One field carried by several columns: in each record the first value not blank (the
    first column's when all are), as ``slactl.exports.reader`` reads it."""
    import pyarrow as pa

    out = []
    for values in zip(*columns):
        for v in values:
            if v and not v.isspace():
                break
        else:
            v = values[0]
        out.append(v)
    return pa.array(out, pa.string())


def _texts(export: Export, values: Any, size: int) -> list[str]:
    """A text column as the streaming reader reads it (``Export.text``), each distinct value once."""
    if values is None:
        return [""] * size
    coded = values.dictionary_encode()
    cache = export._texts  # noqa: SLF001 - the streaming reader's cache of the same values
    read = [cache[v] if v in cache else export.text(v) for v in coded.dictionary.to_pylist()]
    return [read[j] for j in coded.indices.to_pylist()]


_tables: dict[int, tuple[dict[str, float], Any, Any]] = {}


def _table(mmss: dict[str, float], pa: Any) -> tuple[Any, Any]:
    """``mmss`` (``:MM:SS`` -> seconds, a constant of ``make_iso``) as arrow arrays, built once."""
    got = _tables.get(id(mmss))
    if got is None or got[0] is not mmss:
        got = _tables[id(mmss)] = (mmss, pa.array(list(mmss), pa.string()),
                                   pa.array(list(mmss.values()), pa.float64()))
    return got[1], got[2]


def _epochs(values: Any, size: int, parse: Any, required: bool = False) -> list[float | None]:
    """A timestamp column as UTC epoch seconds (None for an empty cell; ``required``: every
    cell is parsed, as the streaming reader parses the creation time)."""
    if values is None:
        return [None] * size
    import pyarrow as pa
    import pyarrow.compute as pc

    fast = getattr(parse, "fast", None)
    got: list[Any] | None = None
    if fast is not None and pc.all(pc.string_is_ascii(values)).as_py() is not False:
        local, naive, suffixes, mmss, cut = fast
        key = pc.utf8_slice_codeunits(values, 0, 13).dictionary_encode()
        mid = pc.utf8_slice_codeunits(values, 13, cut)
        rest = pc.utf8_slice_codeunits(values, cut, 1 << 30)
        rest_coded = rest.dictionary_encode()
        keys = key.dictionary.to_pylist()
        hour_local = pa.array([local.get(k) for k in keys], pa.float64()).take(key.indices)
        hour_naive = pa.array([naive.get(k) for k in keys], pa.float64()).take(key.indices)
        names, seconds = _table(mmss, pa)
        into = seconds.take(pc.index_in(mid, value_set=names))
        offset = pa.array([suffixes.get(s) for s in rest_coded.dictionary.to_pylist()],
                          pa.float64()).take(rest_coded.indices)
        # the streaming loop's sums, in its order: hour + minutes:seconds (- offset)
        aware = pc.subtract(pc.add(hour_local, into), offset)
        plain = pc.add(hour_naive, into)
        epochs = pc.if_else(pc.equal(pc.binary_length(rest), 0), plain, aware)
        missed = epochs.null_count if required else \
            pc.sum(pc.and_(pc.is_null(epochs), pc.greater(pc.binary_length(values), 0))).as_py() or 0
        got = epochs.to_pylist()
        if not missed:  # every value from the caches (or empty): no cell to parse one by one
            return got
    raw = values.to_pylist()
    if got is None:
        got = [None] * len(raw)
    out: list[float | None] = []
    for value, epoch in zip(raw, got):
        if epoch is not None:
            out.append(epoch)
        elif value or required:
            try:
                out.append(parse(value))  # a cache miss, or another layout the parser takes
            except Exception:
                raise NotColumnar(f"a timestamp the column's parser does not take: {value[:40]!r}") from None
        else:
            out.append(None)
    return out
