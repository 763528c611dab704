"""The row reader: an opened export turned into ``TicketRow`` / ``Rejected``, streaming.

``slactl.exports.opening.open_export`` does everything that can fail for the
file as a whole and builds an ``Export``. Iterating it never raises: every
non-blank record after the header becomes exactly one ``TicketRow`` or
``Rejected``, so rows = scored + rejected (+ collapsed, see
``slactl.exports.collapse``) holds whatever the file contains.

The loop has a strict fast path (the column's own timestamp parser, no
checks beyond what it needs) and hands any record it cannot take as is to
``_explain``, which either rescues it (stray blanks, another date layout,
trailing empty cells) or says exactly why it is rejected.

Repeated ids: while streaming, the loop keeps every id; a repeat raises
``RepeatedIds`` at the end of the file (the caller starts again with
``collapse = True``, see ``slactl.usecases.score``). A repeat among the sampled
first records sets ``collapse`` before anything is read.
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import tzinfo
from itertools import chain
from operator import itemgetter
from types import TracebackType
from typing import Any

from slactl.core.tickets import Rejected, TicketRow
from slactl.exports import presets as P
from slactl.exports.sniff import FIELD_LIMIT, LINE_LIMIT, LONG_LINE, TextStream, bad_bytes, csv_reason, encoding_name, \
    field_limit, has_marks, open_records
from slactl.exports.quotes import end_of_file, holds_end
from slactl.exports.explain import MAX_MINUTES, Broken, dst_warnings, explain_row
from slactl.exports.timestamps import ColumnFormat, clip, detect_format

SAMPLE_RECORDS = 1000  # records buffered to decide each timestamp column's format
SAMPLE_CHARS = 8 * 1024 * 1024  # and at most this much of them
# Fields in the order the loop unpacks them.
ORDER = ("id", "customer", "service", "priority", "status",
         "created_at", "first_response_at", "resolved_at",
         "first_response_minutes", "resolution_minutes")


class RepeatedIds(Exception):
    """Raised by a streaming pass that saw an id twice, at the end of the file: read again with
    ``collapse = True``. The pass appends each id to a list, checked once at the end (a set
    per row cost 8-10 % of the reader's time, hashing ids into an array 6 %, the list 3 %)."""

    def __init__(self, row: int, ticket_id: str) -> None:
        super().__init__(f"row {row}: ticket id '{clip(ticket_id)}' was seen before")
        self.row, self.ticket_id = row, ticket_id


def _first(idx: tuple[int, ...]) -> Callable[[list[str]], str]:
    """Getter for a field carried by several same-named (or alternative) columns:
    the first non-empty value."""
    def get(rec: list[str]) -> str:
        for i in idx:
            v = rec[i]
            if v and not v.isspace():
                return v
        return rec[idx[0]]
    return get


def _no_collapse(export: Export, records: Iterator[list[str]], reader: Any) -> Iterator[TicketRow | Rejected]:
    raise RepeatedIds(0, "")


Opener = Callable[[], "tuple[Any, Iterator[list[str]], list[str]]"]
"""Opens the export (again): (stream with ``suspect``, ``position()``, ``close()``; records after the header; header)."""


class Export:
    """An opened ticket export; iterate it for ``TicketRow`` / ``Rejected`` in file order."""

    def __init__(self, path: str, preset: P.Preset, tz_name: str, tz: tzinfo, encoding: str,
                 delimiter: str, header: list[str], indices: dict[str, tuple[int, ...]],
                 opener: Opener | None = None, dayfirst: bool | None = None) -> None:
        self.path = path
        self.dayfirst = preset.dayfirst if dayfirst is None else dayfirst  # None: decided from the dates
        self.preset = preset.name
        self.timezone = tz_name
        self.encoding = encoding
        self.delimiter = delimiter
        self.header = header  # column names as written
        self._preset = preset
        self._tz = tz
        self._indices = indices
        self.has_first_response = bool(indices.get("first_response_at") or indices.get("first_response_minutes"))
        self.has_resolution = bool(indices.get("resolved_at") or indices.get("resolution_minutes"))
        self.formats: dict[str, str] = {}  # timestamp field -> detected layout
        self.warnings: list[str] = []
        self.notes: list[str] = []  # said in the report header (and on stderr)
        self.collapse = False  # True: ids repeat, read as an event log (see slactl.exports.collapse)
        self.collapsed = 0  # rows merged into an earlier row's ticket (set by a collapsing pass)
        self.collapsed_tickets = 0  # tickets that had more than one row
        # reads an event log (set by open_export: slactl.exports.collapse.collapsed_rows)
        self.collapser: Callable[[Export, Iterator[list[str]], Any], Iterator[TicketRow | Rejected]] = _no_collapse
        self.range_suspect = [0]  # see slactl.exports.ranges
        self.range_ids: set[str] = set()  # the ids of the last range read with ``rows``
        self.opened_with: dict[str, Any] = {}  # open_export's arguments (see slactl.exports.opening)
        self._opener: Opener = opener or (lambda: open_records(path, encoding, delimiter, mark_end=True))
        self._stream: Any = None
        self._reader: Iterator[list[str]] | None = None
        self._buffer: list[list[str]] = []
        self._again: Any = None  # a quote never closed: the lines to read again (see exports.quotes)
        self._started = False
        ncols = len(header)
        self._ncols = ncols
        # the loop appends one "" to each record: absent fields read that cell
        slots = [indices.get(f, ()) for f in ORDER]
        if all(len(ix) <= 1 for ix in slots):
            self._get: Callable[[list[str]], tuple[str, ...]] = itemgetter(*[ix[0] if ix else ncols for ix in slots])
        else:
            getters = [_first(ix) if len(ix) > 1 else itemgetter(ix[0] if ix else ncols) for ix in slots]
            self._get = lambda rec: tuple([g(rec) for g in getters])
        self._labels, self.group_index = {f: self._label(f) for f in (*ORDER, "updated_at")}, indices.get("group", (-1,))[0]
        self._fmt: dict[str, ColumnFormat] = {}
        self._texts: dict[str, str] = {}  # text cell -> as read (see text())
        self._dst_said: set[str] = set()

    @property
    def encoding_name(self) -> str:
        """The encoding as reports name it (``utf-8``, ``cp1251``, ``xlsx``...)."""
        return self.encoding if self.encoding == "xlsx" else encoding_name(self.encoding)

    @property
    def snapshot_column(self) -> str | None:
        """The header of the snapshot time column of an event log (None without one)."""
        ix = self._indices.get("updated_at")
        return self.header[ix[0]].strip() if ix else None

    def _label(self, f: str) -> str:
        ix = self._indices.get(f)
        name = self.header[ix[0]].strip() if ix else f
        return f if name.lower() == f else f"{name} ({f})"

    def position(self) -> int:
        """Bytes of the file read so far (for a progress bar; read-ahead included)."""
        try:
            return self._stream.position() if self._stream is not None else 0  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def __enter__(self) -> Export:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"Export({self.path!r}, preset={self.preset!r}, encoding={self.encoding!r}, "
                f"delimiter={self.delimiter!r}, timezone={self.timezone!r})")

    def _open(self) -> Iterator[list[str]]:
        """Open the file again and return a csv reader positioned after the header."""
        self.close()
        self._stream, reader, _ = self._opener()
        return reader

    def start(self, stream: Any, reader: Iterator[list[str]]) -> None:
        """Take the opened stream, buffer the first records and decide the column formats."""
        self._stream = stream
        with field_limit(FIELD_LIMIT):
            self._fill_sample(reader)
        self._detect_formats()
        self._check_sample_ids()

    def _fill_sample(self, reader: Iterator[list[str]]) -> None:
        """Buffer the first records (blank ones dropped) to detect timestamp formats."""
        buf = self._buffer
        held = 0  # characters buffered: a few huge records must not fill memory
        while len(buf) < SAMPLE_RECORDS and held < SAMPLE_CHARS:
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                buf.append(Broken(csv_reason(e)))
                continue
            except Exception as e:  # the file went away, a read error...
                buf.append(Broken(f"could not read the rest of the file ({e}); nothing after this was read"))
                reader = iter(())
                break
            if rec:
                buf.append(rec)
                held += sum(map(len, rec))
        self._reader = reader

    def _check_sample_ids(self) -> None:
        """Ids repeating among the sampled records: an event log, collapse from the start."""
        get = _first(self._indices["id"])
        width = max(self._indices["id"])
        seen: set[str] = set()
        for rec in self._buffer:
            if isinstance(rec, Broken) or len(rec) <= width:
                continue
            i = get(rec).strip()
            if not i:
                continue
            if i in seen:
                self.collapse = True
                return
            seen.add(i)

    def _detect_formats(self) -> None:
        pre = self._preset
        orders: set[str] = set()
        for f in (*P.TIME_FIELDS, "updated_at"):
            ix = self._indices.get(f)
            if not ix:
                continue
            get = _first(ix)
            values = [get(r) for r in self._buffer if not isinstance(r, Broken) and len(r) > max(ix)]
            fmt = detect_format(values, self._tz, dayfirst=self.dayfirst, strptime_format=pre.timestamp_format)
            self._fmt[f] = fmt
            self.formats[f] = fmt.description
            self.warnings.extend(f"{self._labels[f]}: {n}" for n in fmt.notes)
            if fmt.kind == "dmy" and fmt.numeric:
                orders.add("day" if fmt.dayfirst else "month")
        if orders:
            how = ("as --dayfirst/--monthfirst or the mapping file says" if self.dayfirst is not None
                   else "told by the dates themselves" if not any(
                       self._fmt[f].ambiguous for f in self._fmt) else
                   "no sampled date tells day from month: a guess; choose with --dayfirst or --monthfirst")
            self.notes.append(f"dates read {' and '.join(sorted(orders))}-first ({how})")

    def _records(self) -> tuple[Iterator[list[str]], Iterator[list[str]]]:
        """(records from the first one on, the csv reader under them)."""
        if self._started or self._reader is None:
            # a second pass: read the file again from the top
            reader = self._open()
            records: Iterator[list[str]] = reader
        else:
            reader = self._reader
            records = chain(self._buffer, reader)
            self._buffer = []
        self._started = True
        return records, reader

    def __iter__(self) -> Iterator[TicketRow | Rejected]:
        """Every record as a ticket or a rejected row. Streaming (``collapse`` False), the
        first repeated id raises ``RepeatedIds``; collapsing, tickets come at the end."""
        records, reader = self._records()
        if self.collapse:
            return self.collapser(self, records, reader)
        return self._rows(records, reader, self._stream.suspect, track=True)

    def rows(self, records: Iterator[list[str]], reader: Any) -> Iterator[TicketRow | Rejected]:
        """Rows of ``records`` (from ``range_records``), numbered from 1; their
        ids end up in ``range_ids`` (ids repeating across ranges are an event log too)."""
        return self._rows(records, reader, self.range_suspect, owned=False, track=True, keep_ids=True)

    def _rows(self, records: Iterator[list[str]], reader: Iterator[list[str]], suspect: list[int],
              owned: bool = True, track: bool = False, keep_ids: bool = False) -> Iterator[TicketRow | Rejected]:
        """The row loop; ``owned``: the records come from this export's own file, close it at the
        end; ``track``: raise ``RepeatedIds`` at the end when an id was repeated. ``suspect[0]`` moves
        when a record may hold undecodable bytes or an over-long line."""
        close = self.close if owned else (lambda: None)
        get = self._get
        ncols = self._ncols
        fmt = self._fmt
        pc = fmt["created_at"].parse
        pf = fmt["first_response_at"].parse if "first_response_at" in fmt else pc
        pr = fmt["resolved_at"].parse if "resolved_at" in fmt else pc
        # ISO columns: the parser's cache lookups are inlined below (a call costs as
        # much as the lookups); any miss goes to the parser, which fills the caches.
        no: tuple[Any, ...] = ({}, {}, {}, {}, 0)
        i: Any
        cu: Any
        sv: Any
        pp: Any
        st: Any
        c: Any
        fr: Any
        rs: Any
        row: TicketRow | Rejected
        fc, ff, fr_ = (getattr(p, "fast", None) for p in (pc, pf, pr))
        iso_c, iso_f, iso_r = fc is not None, ff is not None, fr_ is not None
        L, N, S, _, _ = fc or ff or fr_ or no  # shared by every ISO column of one zone
        Mc, cut_c = (fc or no)[3:]
        Mf, cut_f = (ff or no)[3:]
        Mr, cut_r = (fr_ or no)[3:]
        seen: list[str] = []
        seen_add = seen.append if track else (lambda _: None)
        nrej = 0
        has_marks_ = has_marks
        explain = self._explain
        T = self._texts
        text = self.text
        Row, gi = TicketRow, self.group_index  # gi: the group column (OLAs), -1 without one
        for f in fmt.values():  # DST gap / fold counts of this pass
            dst = getattr(f.parse, "dst", None)
            if dst is not None:
                dst[:] = [0, 0]
        n, last_line, self._reading = 0, -1, None  # self._reading: the lines read again, None: the file
        limit = csv.field_size_limit()  # restored when the loop ends (see sniff.field_limit)
        csv.field_size_limit(max(limit, FIELD_LIMIT))
        try:
            while True:
                try:
                    for rec in records:
                        if not rec:
                            continue  # a truly blank line
                        n += 1
                        if len(rec) > ncols and not "".join(rec[ncols:]).strip():
                            del rec[ncols:]  # trailing delimiters (some spreadsheets write them)
                        if len(rec) == ncols and (not suspect[0] or not has_marks_(rec)):
                            rec.append("")
                            try:
                                i, cu, sv, pp, st, c, fr, rs, frm, rsm = get(rec)
                                i = i.strip()
                                if not i:
                                    raise ValueError
                                if iso_c:
                                    try:
                                        x = c[cut_c:]
                                        c = L[c[:13]] + Mc[c[13:cut_c]] - S[x] if x else N[c[:13]] + Mc[c[13:cut_c]]
                                    except KeyError:
                                        c = pc(c)
                                else:
                                    c = pc(c)
                                if fr:
                                    if iso_f:
                                        try:
                                            x = fr[cut_f:]
                                            fr = (L[fr[:13]] + Mf[fr[13:cut_f]] - S[x] if x
                                                  else N[fr[:13]] + Mf[fr[13:cut_f]])
                                        except KeyError:
                                            fr = pf(fr)
                                    else:
                                        fr = pf(fr)
                                    if fr < c:
                                        raise ValueError
                                elif frm:
                                    m = float(frm)
                                    if not 0 <= m < MAX_MINUTES:
                                        raise ValueError
                                    fr = c + m * 60.0
                                else:
                                    fr = None
                                if rs:
                                    if iso_r:
                                        try:
                                            x = rs[cut_r:]
                                            rs = (L[rs[:13]] + Mr[rs[13:cut_r]] - S[x] if x
                                                  else N[rs[:13]] + Mr[rs[13:cut_r]])
                                        except KeyError:
                                            rs = pr(rs)
                                    else:
                                        rs = pr(rs)
                                    if rs < c:
                                        raise ValueError
                                elif rsm:
                                    m = float(rsm)
                                    if not 0 <= m < MAX_MINUTES:
                                        raise ValueError
                                    rs = c + m * 60.0
                                else:
                                    rs = None
                                # text cells: trimmed, null markers emptied; cached (values repeat)
                                try:
                                    cu = T[cu]
                                except KeyError:
                                    cu = text(cu)
                                try:
                                    sv = T[sv]
                                except KeyError:
                                    sv = text(sv)
                                try:
                                    pp = T[pp]
                                except KeyError:
                                    pp = text(pp)
                                try:
                                    st = T[st]
                                except KeyError:
                                    st = text(st)
                                row = Row(n, i, cu, sv, pp, st, c, fr, rs)
                                if gi >= 0: row.group = text(rec[gi])  # noqa: E701  # (the file's line budget)
                                seen_add(i)
                            except Exception:
                                del rec[ncols:]
                                row = explain(n, rec)
                                if type(row) is Row:
                                    seen_add(row.id)
                                else:
                                    nrej += 1
                        else:
                            row = explain(n, rec)
                            if row is None:  # the end-of-file record (slactl.exports.quotes)
                                n -= 1
                                continue
                            if type(row) is Row:
                                seen_add(row.id)
                            else:
                                nrej += 1
                        yield row
                    if self._again is None:
                        break
                    records = reader = self._again  # the lines a quote never closed swallowed
                    self._again = None
                except csv.Error as e:
                    n += 1
                    nrej += 1
                    line = getattr(reader, "line_num", 0)
                    if line == last_line:  # no progress: give up on the rest
                        yield Rejected(n, "", f"{csv_reason(e)}; the rest of the file could not be read")
                        break
                    last_line = line
                    yield Rejected(n, "", csv_reason(e))
                except Exception as e:  # a read error (file truncated under us, I/O error...)
                    n += 1
                    nrej += 1
                    yield Rejected(n, "", f"could not read the rest of the file ({e}); nothing after this was read")
                    break
            close()
            if track:
                ids = set(seen)
                if len(ids) != len(seen):
                    raise RepeatedIds(n, "")
                self.range_ids = ids if keep_ids else self.range_ids
        finally:
            csv.field_size_limit(limit)
            dst_warnings(self)

    def text(self, value: str) -> str:
        """A text cell as read: trimmed (no-break spaces too), a null marker (``?``, ``NULL``, ``N/A``,
        ``-``, ``(none)``...) emptied; remembered for the loop's cache while it is small."""
        out = value.strip()
        if out.lower() in P.NULL_MARKERS:
            out = ""
        if len(self._texts) < 100_000:
            self._texts[value] = out
        return out

    def _explain(self, n: int, rec: list[str]) -> TicketRow | Rejected:
        if holds_end(rec):  # the end-of-file record (None), or a quote never closed swallowed it
            return end_of_file(self, n, rec)  # type: ignore[return-value]
        try:
            return explain_row(self, n, rec)
        except Exception as e:  # a bug must cost one row, not the run
            return Rejected(n, "", f"row could not be read ({type(e).__name__}: {e})")
