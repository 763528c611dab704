"""Status-history files (``score --history``): presets, opening, and the row loop.

A history file has one row per change: ticket, instant, field, from, to (the
canonical ``generic`` columns), or the shape of a desk's own export: Jira's
issue history, Zendesk's ticket field history, ServiceNow's ``metric_instance``
list (one row per status interval: the interval's start is the change). The
file is read exactly as an export is read (encoding, delimiter, timestamp
layouts, ``--tz``), by the export reader's own machinery.

``open_history`` raises ``InputError`` for what is wrong with the file as a
whole; iterating a ``History`` never raises: each record is a ``HistoryRow``,
a ``Rejected``, or a change of another field (counted in ``ignored``).
"""
from __future__ import annotations

import csv
import os
from operator import itemgetter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from slactl.core.activity import activity_kind
from slactl.core.tickets import Rejected
from slactl.errors import InputError
from slactl.exports.opening import _seen
from slactl.exports.sniff import zone_hint
from slactl.exports.reader import SAMPLE_RECORDS, _first
from slactl.exports.sniff import EVIDENCE_BYTES, LINE_LIMIT, LONG_LINE, SAMPLE_BYTES, bad_bytes, csv_reason, \
    detect_encoding, field_limit, open_records
from slactl.exports.historypresets import FIELDS, PRESET_NAMES, PRESETS, REQUIRED, HistoryPreset, detect, \
    expected, load_history_mapping
from slactl.exports.quotes import end_of_file, holds_end
from slactl.exports.presets import NULL_MARKERS, is_null, norm
from slactl.exports.timestamps import ColumnFormat, TimestampError, detect_format, parse_slow, zone
from slactl.sanitize import clip

class HistoryRow(NamedTuple):
    row: int  # 1-based record number after the header
    ticket: str
    at: float  # UTC epoch seconds
    to: str
    before: str | None  # the `from` cell, None when absent or empty
    kind: str = ""  # "" a status change; GROUP or COMMENT (see slactl.core.activity)


class History:
    """An opened history file; iterate it for ``HistoryRow`` / ``Rejected`` in file order."""

    def __init__(self, path: str, preset: HistoryPreset, tz_name: str, encoding: str, delimiter: str,
                 header: list[str], indices: dict[str, tuple[int, ...]]) -> None:
        self.path = path
        self.preset = preset.name
        self.timezone = tz_name
        self.encoding = encoding
        self.delimiter = delimiter
        self.header = header
        self.columns = {f: header[ix[0]] for f, ix in indices.items()}
        self.warnings: list[str] = []
        self.ignored = 0  # rows changing another field
        self._preset = preset
        self._tz = zone(tz_name)
        self._indices = indices
        self._ncols = len(header)
        self._fmt: ColumnFormat | None = None
        self.sample_ids: list[str] = []  # ticket ids of the first records, in file order (runs once)
        self._suspect = [0]  # moves when a record may hold undecodable bytes (see sniff.TextStream)
        self._again: Any = None  # a quote never closed: the lines to read again (see exports.quotes)
        self._reading: Any = None

    def _records(self) -> tuple[Any, Iterator[list[str]]]:
        stream, reader, _ = open_records(self.path, self.encoding, self.delimiter, mark_end=True)
        self._suspect = stream.suspect
        return stream, reader

    def _detect(self) -> None:
        """Decide the changed_at column's layout from the first records."""
        f, reader = self._records()
        get = _first(self._indices["changed_at"])
        get_id = _first(self._indices["ticket_id"])
        values: list[str] = []
        ids = self.sample_ids
        try:
            for rec in _limited(reader):
                if len(rec) == self._ncols:
                    values.append(get(rec))
                    ticket = get_id(rec).strip()
                    if not ids or ids[-1] != ticket:
                        ids.append(ticket)
                if len(values) >= SAMPLE_RECORDS:
                    break
        except Exception:  # an unreadable record: the row loop reports it
            pass
        finally:
            f.close()
        pre = self._preset
        self._fmt = detect_format(values, self._tz, dayfirst=pre.dayfirst, strptime_format=pre.timestamp_format)
        label = self.columns["changed_at"]
        self.warnings.extend(f"{label}: {n}" for n in self._fmt.notes)

    def __iter__(self) -> Iterator[HistoryRow | Rejected]:
        f, reader = self._records()
        self._reading = None
        return self._rows(f, reader)

    def _rows(self, f: Any, reader: Iterator[list[str]]) -> Iterator[HistoryRow | Rejected]:
        """The row loop: a strict fast path for clean records, ``_row`` for anything else."""
        ix = self._indices
        get_id, get_at, get_to = (_first(ix[k]) for k in ("ticket_id", "changed_at", "to"))
        get_field = _first(ix["field"]) if "field" in ix else None
        get_from = _first(ix["from"]) if "from" in ix else None
        ncols = self._ncols
        # one getter for (ticket, changed_at, to, from, field); absent fields read an appended ""
        single = all(len(ix.get(k, ())) <= 1 for k in FIELDS)
        fast = itemgetter(*[ix[k][0] if k in ix else ncols for k in ("ticket_id", "changed_at", "to", "from",
                                                                      "field")]) if single else None
        pre = self._preset
        wanted, contains = pre.status_fields, pre.field_contains
        other = activity_kind
        has_field = "field" in ix
        assert self._fmt is not None
        parse = self._fmt.parse
        suspect = self._suspect
        nulls = NULL_MARKERS
        new = tuple.__new__  # the named tuple without its Python-level __new__
        explain = self._row
        n = 0
        last_line = -1
        with field_limit():
            try:
                while True:
                    try:
                        for rec in reader:
                            if not rec:
                                continue
                            n += 1
                            width = len(rec)
                            if width > ncols and not "".join(rec[ncols:]).strip():
                                del rec[ncols:]
                                width = ncols
                            if width == ncols and fast is not None and not suspect[0]:
                                rec.append("")
                                ticket, at, to, before, name = fast(rec)
                                kind = ""
                                if has_field:
                                    key = name.strip().casefold()
                                    if not (key in wanted or (contains and ("state" in key or "status" in key))):
                                        kind = other(key, contains)
                                        if not kind:
                                            self.ignored += 1
                                            continue
                                ticket, to, before = ticket.strip(), to.strip(), before.strip()
                                try:
                                    if not ticket or to.lower() in nulls:
                                        raise ValueError
                                    yield new(HistoryRow, (n, ticket, parse(at), to,
                                                           None if before.lower() in nulls else before, kind))
                                    continue
                                except Exception:
                                    del rec[ncols:]
                            elif get_field is not None and len(rec) == ncols:
                                key = get_field(rec).strip().casefold()
                                kind = ""
                                if not (key in wanted or (contains and ("state" in key or "status" in key))):
                                    kind = other(key, contains)
                                    if not kind:
                                        self.ignored += 1
                                        continue
                            else:
                                kind = ""
                            if holds_end(rec):  # the end of the file, or a quote never closed swallowed it
                                cut = end_of_file(self, n, rec)
                                n -= cut is None
                                yield from () if cut is None else (cut,)
                                continue
                            yield explain(n, rec, get_id, get_at, get_to, get_from, parse, kind)
                        if self._again is None:
                            return
                        reader, self._again = self._again, None  # the lines the quote swallowed
                    except csv.Error as e:
                        n += 1
                        line = getattr(reader, "line_num", 0)
                        if line == last_line:
                            yield Rejected(n, "", f"{csv_reason(e)}; the rest of the file could not be read")
                            return
                        last_line = line
                        yield Rejected(n, "", csv_reason(e))
                    except Exception as e:  # a read error
                        n += 1
                        yield Rejected(n, "", f"could not read the rest of the file ({e}); "
                                              "nothing after this was read")
                        return
            finally:
                f.close()

    def _row(self, n: int, rec: list[str], get_id: Any, get_at: Any, get_to: Any, get_from: Any,
             parse: Any, kind: str = "") -> HistoryRow | Rejected:
        if rec == [LONG_LINE]:
            return Rejected(n, "", f"the line is longer than {LINE_LIMIT // (1024 * 1024)} MiB")
        if len(rec) != self._ncols:
            guess = clip(get_id(rec).strip(), 80) if len(rec) > max(self._indices["ticket_id"]) else ""
            return Rejected(n, guess, f"row has {len(rec)} cells, the header has {self._ncols}")
        ticket = get_id(rec).strip()
        shown = clip(ticket, 80)
        if self._suspect[0] and any(bad_bytes(c, self.encoding) for c in rec):
            return Rejected(n, shown, f"undecodable bytes: the row is not valid {self.encoding}; "
                                      "name the file's encoding with --encoding")
        if not ticket:
            return Rejected(n, "", f"{self.columns['ticket_id']} (ticket id) is empty")
        value = get_at(rec)
        if not value.strip():
            return Rejected(n, shown, f"{self.columns['changed_at']} (changed_at) is empty")
        try:
            at = parse(value)
        except Exception:
            try:
                at = parse_slow(value, self._fmt, self._tz)  # type: ignore[arg-type]
            except TimestampError as e:
                return Rejected(n, shown, f"{self.columns['changed_at']} (changed_at) {e}")
        to = get_to(rec).strip()
        if is_null(to):
            return Rejected(n, shown, f"{self.columns['to']} (the new status) is empty")
        before = get_from(rec).strip() if get_from is not None else ""
        return HistoryRow(n, ticket, at, to, None if is_null(before) else before, kind)


def open_history(path: str, *, preset: str = "auto", tz: str = "UTC", encoding: str | None = None,
                 mapping: str | None = None) -> History:
    """Open a status-history file; ``InputError`` when it cannot be read at all."""
    path = os.fspath(path)
    preset = preset.strip().lower()
    if preset not in PRESET_NAMES:
        raise InputError(f"unknown history preset '{preset}'; choose one of {', '.join(PRESET_NAMES)} "
                         "(or give --history-mapping FILE)")
    pre: HistoryPreset | None = None
    if mapping is not None:
        pre = load_history_mapping(os.fspath(mapping))
    elif preset != "auto":
        pre = PRESETS[preset]
    tz_name = pre.timezone if pre is not None and pre.timezone and tz == "UTC" else tz
    if os.path.isdir(path):
        raise InputError(f"{path} is a directory; give the path of a status-history CSV file")
    try:
        with open(path, "rb") as fb:
            sample = fb.read(SAMPLE_BYTES)
            more = b"" if sample.isascii() else fb.read(EVIDENCE_BYTES)
    except FileNotFoundError:
        raise InputError(f"{path} does not exist; check the --history path") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    if not sample.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise InputError(f"{path} is empty; a status history needs a header line and one line per change")
    try:
        zone(tz_name)
    except Exception:
        raise InputError(f"unknown time zone '{tz_name}'{zone_hint(tz_name)}") from None
    enc = encoding or detect_encoding(sample, path, more)
    text = sample.decode(enc, errors="replace")
    delimiter = _delimiter(text, pre)
    stream, _, header = open_records(path, enc, delimiter)
    stream.close()
    normed = [norm(h) for h in header]
    if pre is None:
        pre = detect(set(normed))
        if pre is None:
            raise InputError(f"{path}: not a status history the presets know. Columns seen: {_seen(header)}. "
                             f"Expected ({expected()}); or name the columns with --history-mapping FILE")
    indices: dict[str, tuple[int, ...]] = {}
    for f_, names in pre.columns.items():
        found = tuple(i for name in names for i, h in enumerate(normed) if h == norm(name))
        if found:
            indices[f_] = found
    missing = [f_ for f_ in REQUIRED if f_ not in indices]
    if pre.source is not None:
        missing += [f_ for f_ in pre.columns if f_ not in indices and f_ not in missing]
    if missing:
        want = ", ".join(f"{f_} ('{pre.columns[f_][0]}')" for f_ in missing)
        raise InputError(f"{path}: column(s) missing for the {pre.title} layout: {want}. "
                         f"Columns seen: {_seen(header)}")
    history = History(path, pre, tz_name, enc, delimiter, header, indices)
    history._detect()
    return history


def _delimiter(text: str, pre: HistoryPreset | None) -> str:
    best, best_n = ",", -1
    for d in (",", ";", "\t", "|"):
        try:
            head = next((r for r in csv.reader(text.splitlines()[:1], delimiter=d) if r), [])
        except csv.Error:
            continue
        names = {norm(h) for h in head}
        presets = [pre] if pre is not None else list(PRESETS.values())
        n = max(sum(1 for names_ in p.columns.values() if any(norm(x) in names for x in names_)) for p in presets)
        if n > best_n:
            best, best_n = d, n
    return best


@dataclass(slots=True)
class HistoryStats:
    """What the run did with the history file (for the report)."""

    path: str
    preset: str
    rows: int = 0  # records read, every kind
    changes: int = 0  # status changes read
    activity: int = 0  # group and comment rows read (OLAs, replies and updates)
    ignored: int = 0  # changes of other fields
    unknown_tickets: int = 0  # status changes of tickets not in the export
    outside: int = 0  # rows of the export's tickets that the selection left out (--customer, --period ...)
    rejected: list[Rejected] = field(default_factory=list)
    method: str = ""  # "sorted" | "indexed"

    @property
    def matched(self) -> int:
        """Rows (status changes, group and comment rows) of the export's tickets in the selection."""
        return self.changes + self.activity - self.unknown_tickets - self.outside

    def counts_text(self) -> str:
        """The rows in four figures that add up: '3 status changes matched, 1 for tickets not in the
        export, 2 changes of other fields, 0 rejected (6 rows)'; with group and comment rows (OLAs,
        replies) those count among the matched and the unknown."""
        what = (f"status change{'s' if self.matched != 1 else ''}" if not self.activity
                else f"status, group and comment row{'s' if self.matched != 1 else ''}")
        return (f"{self.matched:,} {what} matched, "
                f"{self.unknown_tickets:,} for tickets not in the export, "
                + (f"{self.outside:,} for tickets outside the selection, " if self.outside else "")
                + f"{self.ignored:,} change{'s' if self.ignored != 1 else ''} of other fields, "
                f"{len(self.rejected):,} rejected ({self.rows:,} row{'s' if self.rows != 1 else ''})")

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "preset": self.preset, "rows": self.rows, "status_changes": self.changes,
                "matched_rows": self.matched, "other_fields": self.ignored,
                "group_and_comment_rows": self.activity, "unknown_ticket_rows": self.unknown_tickets,
                "outside_selection_rows": self.outside,
                "matched_by": self.method}


__all__ = ["History", "HistoryRow", "HistoryStats", "open_history", "PRESET_NAMES"]


def _limited(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The records, read with the csv cell limit raised (and restored after)."""
    with field_limit():
        yield from reader
