"""Streaming reader of ticket exports.

``open_export`` does everything that can fail for the file as a whole (exists,
encoding, delimiter, header, preset, time zone) and raises ``InputError`` for
it. Iterating the returned ``Export`` never raises: every non-blank record
after the header becomes exactly one ``TicketRow`` or ``Rejected``, so
rows = scored + rejected holds whatever the file contains.

The loop has a strict fast path (the column's own timestamp parser, no
checks beyond what it needs) and hands any record it cannot take as is to
``_explain``, which either rescues it (stray blanks, another date layout,
trailing empty cells) or says exactly why it is rejected.
"""
from __future__ import annotations

import codecs
import csv
import functools
import io
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from dataclasses import dataclass
from datetime import tzinfo
from itertools import chain
from operator import itemgetter
from types import TracebackType

from slactl.errors import InputError
from slactl.exports import presets as P
from slactl.exports.timestamps import ColumnFormat, TimestampError, clip, detect_format, parse_slow, zone

SAMPLE_RECORDS = 1000  # records buffered to decide each timestamp column's format
SAMPLE_BYTES = 64 * 1024
SAMPLE_CHARS = 8 * 1024 * 1024  # and at most this much of them
FIELD_LIMIT = 16 * 1024 * 1024  # characters in one cell; a runaway quote stops here
MAX_MINUTES = 1e8  # ~190 years: anything larger is not a duration

# Fields in the order the loop unpacks them.
ORDER = ("id", "customer", "service", "priority", "status",
         "created_at", "first_response_at", "resolved_at",
         "first_response_minutes", "resolution_minutes")


@dataclass(slots=True)
class TicketRow:
    row: int  # 1-based record number after the header
    id: str
    customer: str  # "" when absent
    service: str  # "" when absent
    priority: str
    status: str
    created: float  # UTC epoch seconds
    first_response: float | None  # None: not happened yet (empty cell)
    resolved: float | None


@dataclass(slots=True)
class Rejected:
    row: int
    id: str  # "" if unknown
    reason: str


# --------------------------------------------------------------------------- decoding

# Undecodable bytes become lone surrogates U+DC00+byte (like surrogateescape,
# but for any codec and byte) and bump this counter: rows are scanned for
# them only once the counter has moved, so a clean file pays nothing.
_DECODE_ERRORS = [0]
_ERRORS = "slactl-mark"


def _mark(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeDecodeError):
        _DECODE_ERRORS[0] += 1
        return "".join(chr(0xDC00 + b) for b in exc.object[exc.start:exc.end]), exc.end
    raise exc


codecs.register_error(_ERRORS, _mark)


_find_mark = re.compile("[\udc00-\udcff]").search


def _has_marks(rec: list[str]) -> bool:
    return _find_mark("\x00".join(rec)) is not None


def detect_encoding(sample: bytes, path: str) -> str:
    """The codec of a file from its first bytes (BOM, UTF-8 validity, byte statistics)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise InputError(f"{path} is a spreadsheet (xlsx/xls), not CSV; save or export it as CSV")
    n = len(sample)
    nul = sample.count(0)
    if nul > n // 5:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 3 * even and odd > n // 6:
            return "utf-16-le"
        if even > 3 * odd and even > n // 6:
            return "utf-16-be"
    controls = sum(sample.count(b) for b in range(32) if b not in (9, 10, 13))
    if controls > max(8, n // 10):
        raise InputError(f"cannot determine the text encoding of {path}: it looks like a binary "
                         "file, not a CSV export; if it is text, name its encoding with --encoding")
    if sample.isascii():
        return "utf-8"
    # mostly valid UTF-8: UTF-8 (rows with stray bytes are rejected one by one)
    text = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(sample, final=False)
    bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    good = sum(1 for ch in text if ch > "\x7f" and not "\udc80" <= ch <= "\udcff")
    if bad == 0 or good >= 4 * bad:
        return "utf-8"
    # single-byte: Cyrillic cp1251 is written in runs of high bytes (whole words),
    # Western cp1252 has isolated accented letters between ASCII ones
    high = adjacent = 0
    prev_high = False
    for i, b in enumerate(sample):
        if b >= 0x80:
            high += 1
            if prev_high or (i + 1 < n and sample[i + 1] >= 0x80):
                adjacent += 1
            prev_high = True
        else:
            prev_high = False
    if any(b in sample for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)) and 0x98 not in sample:
        return "cp1251"  # bytes cp1252 does not define
    if 0x98 in sample and not any(b in sample for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)):
        return "cp1252"  # the one byte cp1251 does not define
    return "cp1251" if adjacent * 2 > high else "cp1252"


# --------------------------------------------------------------------------- the export

class _Broken(list):  # type: ignore[type-arg]
    """A record the csv module could not parse; the loop turns it into a Rejected."""

    def __init__(self, reason: str) -> None:
        super().__init__([None])
        self.reason = reason


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


class Export:
    """An opened ticket export; iterate it for ``TicketRow`` / ``Rejected`` in file order."""

    def __init__(self, path: str, preset: P.Preset, tz_name: str, tz: tzinfo, encoding: str,
                 delimiter: str, header: list[str], indices: dict[str, tuple[int, ...]]) -> None:
        self.path = path
        self.preset = preset.name
        self.preset_title = preset.title
        self.timezone = tz_name
        self.encoding = encoding
        self.delimiter = delimiter
        self.header = header  # column names as written
        self._preset = preset
        self._tz = tz
        self._indices = indices
        self.columns = {f: header[ix[0]] for f, ix in indices.items() if ix}  # field -> header name
        self.has_first_response = bool(indices.get("first_response_at") or indices.get("first_response_minutes"))
        self.has_resolution = bool(indices.get("resolved_at") or indices.get("resolution_minutes"))
        self.formats: dict[str, str] = {}  # timestamp field -> detected layout
        self.warnings: list[str] = []
        self._file: io.TextIOWrapper | None = None
        self._reader: Iterator[list[str]] | None = None
        self._buffer: list[list[str]] = []
        self._started = False
        self._err_base = _DECODE_ERRORS[0]
        ncols = len(header)
        self._ncols = ncols
        # the loop appends one "" to each record: absent fields read that cell
        slots = [indices.get(f, ()) for f in ORDER]
        if all(len(ix) <= 1 for ix in slots):
            self._get: Callable[[list[str]], tuple[str, ...]] = itemgetter(*[ix[0] if ix else ncols for ix in slots])
        else:
            getters = [_first(ix) if len(ix) > 1 else itemgetter(ix[0] if ix else ncols) for ix in slots]
            self._get = lambda rec: tuple([g(rec) for g in getters])
        self._labels = {f: self._label(f) for f in ORDER}
        self._fmt: dict[str, ColumnFormat] = {}

    def _label(self, f: str) -> str:
        ix = self._indices.get(f)
        if not ix:
            return f
        name = self.header[ix[0]].strip()
        return f if name.lower() == f else f"{name} ({f})"

    def position(self) -> int:
        """Bytes of the file read so far (for a progress bar; read-ahead included)."""
        try:
            return self._file.buffer.tell() if self._file is not None else 0  # type: ignore[attr-defined]
        except (OSError, ValueError):
            return 0

    # -- context manager ----------------------------------------------------------------

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Export:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"Export({self.path!r}, preset={self.preset!r}, encoding={self.encoding!r}, "
                f"delimiter={self.delimiter!r}, timezone={self.timezone!r})")

    # -- opening ------------------------------------------------------------------------

    def _open(self) -> Iterator[list[str]]:
        """Open the file again and return a csv reader positioned after the header."""
        self.close()
        self._file, reader, _ = _open_stream(self.path, self.encoding, self.delimiter)
        return reader

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
                buf.append(_Broken(_csv_reason(e)))
                continue
            except Exception as e:  # the file went away, a read error...
                buf.append(_Broken(f"could not read the rest of the file ({e}); nothing after this was read"))
                reader = iter(())
                break
            if rec:
                buf.append(rec)
                held += sum(map(len, rec))
        self._reader = reader

    def _detect_formats(self) -> None:
        pre = self._preset
        for f in P.TIME_FIELDS:
            ix = self._indices.get(f)
            if not ix:
                continue
            get = _first(ix)
            values = [get(r) for r in self._buffer if not isinstance(r, _Broken) and len(r) > max(ix)]
            fmt = detect_format(values, self._tz, dayfirst=pre.dayfirst, strptime_format=pre.timestamp_format)
            self._fmt[f] = fmt
            self.formats[f] = fmt.description
            self.warnings.extend(f"{self._labels[f]}: {n}" for n in fmt.notes)

    # -- iterating ----------------------------------------------------------------------

    def __iter__(self) -> Iterator[TicketRow | Rejected]:
        if self._started or self._reader is None:
            # a second pass: read the file again from the top
            reader = self._open()
            records: Iterator[list[str]] = reader
        else:
            reader = self._reader
            records = chain(self._buffer, reader)
            self._buffer = []
        self._started = True
        return self._rows(records, reader)

    def rows(self, records: Iterator[list[str]], reader: Any) -> Iterator[TicketRow | Rejected]:
        """Rows of ``records`` (from ``range_records``), numbered from 1."""
        return self._rows(records, reader, owned=False)

    def _rows(self, records: Iterator[list[str]], reader: Iterator[list[str]],
              owned: bool = True) -> Iterator[TicketRow | Rejected]:
        """The row loop; ``owned``: the records come from this export's own file, close it at the end."""
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
        derr = _DECODE_ERRORS
        base = self._err_base
        has_marks = _has_marks
        explain = self._explain
        Row = TicketRow
        n = 0
        last_line = -1
        while True:
            try:
                for rec in records:
                    if not rec:
                        continue  # a truly blank line
                    n += 1
                    if len(rec) > ncols and not "".join(rec[ncols:]).strip():
                        del rec[ncols:]  # trailing delimiters (some spreadsheets write them)
                    if len(rec) == ncols and (derr[0] == base or not has_marks(rec)):
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
                            row = Row(n, i, cu.strip(), sv.strip(), pp.strip(), st.strip(), c, fr, rs)
                        except Exception:
                            del rec[ncols:]
                            row = explain(n, rec)
                    else:
                        row = explain(n, rec)
                    yield row
                close()
                return
            except csv.Error as e:
                n += 1
                line = getattr(reader, "line_num", 0)
                if line == last_line:  # no progress: give up on the rest
                    yield Rejected(n, "", f"{_csv_reason(e)}; the rest of the file could not be read")
                    close()
                    return
                last_line = line
                yield Rejected(n, "", _csv_reason(e))
            except Exception as e:  # a read error (file truncated under us, I/O error...)
                n += 1
                yield Rejected(n, "", f"could not read the rest of the file ({e}); nothing after this was read")
                close()
                return

    def _explain(self, n: int, rec: list[str]) -> TicketRow | Rejected:
        try:
            return self._explain_row(n, rec)
        except Exception as e:  # a bug must cost one row, not the run
            return Rejected(n, "", f"row could not be read ({type(e).__name__}: {e})")

    def _explain_row(self, n: int, rec: list[str]) -> TicketRow | Rejected:
        """The careful path: rescue the record or say exactly why it is rejected."""
        if isinstance(rec, _Broken):
            return Rejected(n, "", rec.reason)
        ncols = self._ncols
        id_ix = self._indices["id"]
        guess = next((rec[i].strip() for i in id_ix if i < len(rec) and rec[i].strip()), "")
        shown_id = clip(guess, 80)
        if _DECODE_ERRORS[0] != self._err_base and _has_marks(rec):
            return Rejected(n, shown_id, f"undecodable bytes: the row is not valid {self.encoding}; "
                                         "name the file's encoding with --encoding")
        if len(rec) > ncols and not any(c.strip() for c in rec[ncols:]):
            rec = rec[:ncols]  # trailing delimiters
        if len(rec) != ncols:
            return Rejected(n, shown_id, f"row has {len(rec)} cells, the header has {ncols}")
        i, cu, sv, pp, st, c, fr, rs, frm, rsm = self._get([*rec, ""])
        i = i.strip()
        if not i:
            return Rejected(n, "", "id is empty")
        shown_id = clip(i, 80)
        lab = self._labels
        created = self._time("created_at", c)
        if created is None:
            return Rejected(n, shown_id, f"{lab['created_at']} is empty")
        if isinstance(created, str):
            return Rejected(n, shown_id, created)
        events: list[float | None] = []
        for tf, mf, tv, mv in (("first_response_at", "first_response_minutes", fr, frm),
                               ("resolved_at", "resolution_minutes", rs, rsm)):
            t = self._time(tf, tv)
            if isinstance(t, str):
                return Rejected(n, shown_id, t)
            if t is None and mv.strip():
                m = self._minutes(mf, mv)
                if isinstance(m, str):
                    return Rejected(n, shown_id, m)
                t = created + m * 60.0
            elif t is not None and t < created:
                return Rejected(n, shown_id, f"{lab[tf]} precedes {lab['created_at']}")
            events.append(t)
        return TicketRow(n, i, cu.strip(), sv.strip(), pp.strip(), st.strip(), created, events[0], events[1])

    def _time(self, f: str, v: str) -> float | str | None:
        """Epoch seconds, None for an empty cell, or the rejection reason."""
        if not v or v.isspace():
            return None
        try:
            return parse_slow(v, self._fmt[f], self._tz)
        except TimestampError as e:
            return f"{self._labels[f]} {e}"

    def _minutes(self, f: str, v: str) -> float | str:
        s = v.strip()
        try:
            m = float(s.replace(",", ".")) if s.count(",") <= 1 and "." not in s else float(s)
        except ValueError:
            return f"{self._labels[f]} '{clip(s)}' is not a number of minutes"
        if not 0 <= m < MAX_MINUTES:
            return f"{self._labels[f]} '{clip(s)}' is not a plausible number of minutes"
        return m


def _csv_reason(e: Exception) -> str:
    msg = str(e)
    if "field larger than field limit" in msg:
        return (f"a cell is larger than {FIELD_LIMIT // (1024 * 1024)} MiB ({msg}); "
                "a quote is probably unbalanced")
    return f"not readable as CSV ({msg})"


# --------------------------------------------------------------------------- open_export

def _choose_delimiter(text: str, pre: P.Preset | None) -> str:
    """The delimiter whose split of the header is the most recognisable."""
    best, best_score = "", 0
    for d in (",", ";", "\t"):
        try:
            head = next((r for r in csv.reader(io.StringIO(text), delimiter=d) if r), [])
        except csv.Error:
            continue
        names = {P.norm(h) for h in head}
        s = P.score(pre, names) if pre is not None else P.best_score(names)
        if s > best_score:
            best, best_score = d, s
    if best:
        return best
    first = text.split("\n", 1)[0]
    counts = Counter({d: first.count(d) for d in (",", ";", "\t")})
    d, c = counts.most_common(1)[0]
    return d if c else ","


def _resolve_columns(pre: P.Preset, header: list[str], path: str) -> dict[str, tuple[int, ...]]:
    normed = [P.norm(h) for h in header]
    indices: dict[str, tuple[int, ...]] = {}
    for f, names in pre.columns.items():
        ix = tuple(i for name in names for i, h in enumerate(normed) if h == P.norm(name))
        if ix:
            indices[f] = ix
    seen = _seen(header)
    if pre.source is not None:
        absent = [f"'{pre.labels[f]}' ({f})" for f in pre.columns if f not in indices]
        if absent:
            raise InputError(f"{path}: the mapping file {pre.source} names column(s) the export "
                             f"does not have: {', '.join(absent)}. Columns seen: {seen}")
    missing = [f for f in P.REQUIRED if f not in indices]
    if missing:
        want = ", ".join(f"{f} ('{pre.columns[f][0]}')" if f in pre.columns and pre.name != "generic" else f
                         for f in missing)
        raise InputError(f"{path}: required column(s) missing for the {pre.title} layout: {want}. "
                         f"Columns seen: {seen}. Use --preset to choose another layout or "
                         "--mapping FILE to name the columns")
    return indices


def _seen(header: list[str], limit: int = 25) -> str:
    names = [clip(h.strip(), 40) for h in header]
    shown = ", ".join(f"'{h}'" for h in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _zone_hint(name: str) -> str:
    import difflib
    from zoneinfo import available_timezones

    zones = sorted(available_timezones())
    by_fold = {z.casefold(): z for z in zones}
    close = [by_fold[name.casefold()]] if name.casefold() in by_fold else difflib.get_close_matches(name, zones, n=1)
    return f" (did you mean '{close[0]}'?)" if close else "; use an IANA name such as Europe/Moscow or UTC"


def open_export(path: str, *, preset: str = "auto", tz: str | None = "UTC",
                encoding: str | None = None, mapping: str | None = None) -> Export:
    """Open a ticket export for streaming; ``InputError`` if it cannot be read at all.

    ``tz`` is the zone of naive timestamps; a mapping file's ``timezone`` applies
    when ``tz`` is None or ``"UTC"`` (the default).
    """
    path = os.fspath(path)
    preset = preset.strip().lower()
    if preset not in P.PRESET_NAMES:
        raise InputError(f"unknown preset '{preset}'; choose one of {', '.join(P.PRESET_NAMES[:-1])} "
                         "(or give --mapping FILE)")
    pre: P.Preset | None = None
    if mapping is not None:
        pre = P.load_mapping(os.fspath(mapping))
    elif preset == "mapping":
        raise InputError("preset 'mapping' needs a mapping file: give --mapping FILE")
    elif preset != "auto":
        pre = P.PRESETS[preset]
    tz_name = tz or "UTC"
    if pre is not None and pre.timezone and tz_name == "UTC":
        tz_name = pre.timezone
    try:
        tzi = zone(tz_name)
    except Exception:
        src = f" (from {pre.source})" if pre is not None and pre.source and tz_name == pre.timezone else ""
        raise InputError(f"unknown time zone '{tz_name}'{src}{_zone_hint(tz_name)}") from None
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'; try utf-8, utf-8-sig, cp1251 or cp1252") from None

    sample = read_sample(path)
    enc = encoding or detect_encoding(sample, path)

    # the header
    try:
        text = codecs.getincrementaldecoder(enc)("replace").decode(sample, final=False)
    except UnicodeError as e:  # e.g. --encoding utf-16 on a file without its BOM
        raise InputError(f"{path} cannot be read as {enc} ({e}); check --encoding") from None
    if not text.strip():
        raise InputError(f"{path} is empty; export the tickets again (a header line and one line per ticket)")
    delimiter = _choose_delimiter(text, pre)
    old_limit = csv.field_size_limit()
    if old_limit < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    err_base = _DECODE_ERRORS[0]  # before the header read decodes the first block of rows
    f, reader, header = _open_stream(path, enc, delimiter)
    try:
        if not any(h.strip() for h in header):
            raise InputError(f"{path} has no header line; the first line must name the columns "
                             f"({P.expected_text()})")
        if pre is None:
            pre = P.detect({P.norm(h) for h in header})
            if pre is None:
                raise InputError(f"{path}: no recognisable columns. Columns seen: {_seen(header)}. "
                                 f"Expected {P.expected_text()}. Use --preset NAME or --mapping FILE "
                                 f"(delimiter read as {delimiter!r}, encoding {enc})")
        indices = _resolve_columns(pre, header, path)
        export = Export(path, pre, tz_name, tzi, enc, delimiter, header, indices)
    except BaseException:
        f.close()
        raise
    export._file = f
    export._err_base = err_base
    export._fill_sample(reader)
    export._detect_formats()
    return export


def read_sample(path: str, what: str = "export") -> bytes:
    """The first bytes of a regular file (at least one whole line when there is one);
    ``InputError`` naming what is wrong with the file itself."""
    if os.path.isdir(path):
        raise InputError(f"{path} is a directory; give the path of a CSV "
                         + ("export file" if what == "export" else f"file of {what}"))
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = stat.S_IFREG  # the open below says what is wrong
    if not stat.S_ISREG(mode):
        # the file is read twice (sample, then stream): a pipe would block or lose its header
        raise InputError(f"{path} is a pipe or device, not a file; save the {what} to a file first "
                         "(e.g. ... > export.csv) and " + ("score that" if what == "export" else "read that"))
    try:
        with open(path, "rb") as fb:
            sample = fb.read(SAMPLE_BYTES)
            while b"\n" not in sample and len(sample) < 16 * SAMPLE_BYTES:
                more = fb.read(SAMPLE_BYTES)
                if not more:
                    break
                sample += more
    except FileNotFoundError:
        raise InputError(f"{path} does not exist; check the path of the {what}") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    if not sample.strip(b" \t\r\n\x00") or sample in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        again = "export the tickets again (a header line and one line per ticket)" if what == "export" \
            else "it needs a header line and one line per entry"
        raise InputError(f"{path} is empty; {again}")
    return sample


LINE_LIMIT = 2 * 1024 * 1024  # characters read at once; a longer line arrives in pieces


def _bounded_lines(f: io.TextIOWrapper) -> Iterator[str]:
    """The file's lines, none longer than LINE_LIMIT: iterating the file itself would read a
    2 GB line whole before the CSV field limit could stop it. A longer line reaches the CSV
    parser in pieces, each a record of its own (rejected like any malformed row). As fast as
    iterating the file: the loop stays in C."""
    return iter(functools.partial(f.readline, LINE_LIMIT), "")


def _open_stream(path: str, enc: str, delimiter: str) -> tuple[io.TextIOWrapper, Iterator[list[str]], list[str]]:
    """Open the text stream; return it, a csv reader after the header, and the header ([] if none)."""
    try:
        f = open(path, encoding=enc, errors=_ERRORS, newline="")  # noqa: SIM115
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    reader = csv.reader(_bounded_lines(f), delimiter=delimiter)
    header: list[str] = []
    try:
        for rec in reader:
            if rec:
                header = rec
                break
    except csv.Error as e:
        f.close()
        raise InputError(f"{path}: the header line cannot be read as CSV ({e})") from None
    except Exception as e:
        f.close()
        raise InputError(f"cannot read {path}: {e}") from None
    return f, reader, header


# --------------------------------------------------------------------------- byte ranges

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
    ``tail`` lines, e.g. a sentinel), and the text stream to close afterwards. Feed it to
    ``Export.rows``: when ``start`` is a record boundary the rows are parsed exactly as a
    whole-file pass parses them, numbered from 1."""
    text = io.TextIOWrapper(io.BufferedReader(_Range(export.path, start, end), 1 << 16),
                            encoding=export.encoding, errors=_ERRORS, newline="")
    return csv.reader(chain(_bounded_lines(text), tail), delimiter=export.delimiter), text
