"""Streaming reader of call CSVs, the generic twin of the Asterisk queue_log (README "Calls").

Columns, header names case-insensitive: ``call_id`` (optional), ``queue``, ``offered_at``,
``answered_at``, ``ended_at``. An empty ``answered_at`` is an abandon at ``ended_at``; an
answered call with an empty ``ended_at`` is still talking and counts as answered; a call
with neither is in progress. A mapping file (``--mapping``, as for ticket exports) names
other headers. The file is opened like a ticket export (encoding and delimiter sniffing,
one timestamp layout per column, ``--tz`` for naive times). Each record is one ``Call`` or
one ``Rejected`` with the line it starts on; nothing raises while iterating.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import tzinfo

from slactl.core.calls import Call
from slactl.core.tickets import Rejected
from slactl.errors import InputError
from slactl.exports import presets as P
from slactl.exports.reader import SAMPLE_RECORDS
from slactl.exports.quotes import CUT, Guarded
from slactl.exports.rowcheck import fit_record
from slactl.exports.sniff import csv_reason, field_limit, open_records
from slactl.exports.timestamps import ColumnFormat, TimestampError, detect_format, parse_slow
from slactl.sanitize import clip

__all__ = ["CALL_FIELDS", "REQUIRED", "CallCsv"]

CALL_FIELDS = ("call_id", "queue", "offered_at", "answered_at", "ended_at")
REQUIRED = ("queue", "offered_at", "answered_at", "ended_at")  # without either end, no verdict
TIMES = ("offered_at", "answered_at", "ended_at")
EXAMPLE = "columns: {call_id: Call, queue: Line, offered_at: Started, answered_at: Answered, ended_at: Ended}"


class CallCsv:
    """A call CSV, opened and sniffed; iterate it once for ``Call`` / ``Rejected``."""

    kind = "csv"

    def __init__(self, path: str, tz_name: str, tz: tzinfo, encoding: str, delimiter: str,
                 mapping: P.Preset | None) -> None:
        self.path = path
        self.timezone = tz_name
        self.encoding = encoding
        self.delimiter = delimiter
        self.warnings: list[str] = []
        self.orphans = 0
        self.lines = 0
        self._tz = tz
        self._mapping = mapping
        self._fmt: dict[str, ColumnFormat] = {}
        stream, reader, self.header = open_records(path, encoding, delimiter)
        try:
            if not any(h.strip() for h in self.header):
                raise InputError(f"{path} has no header line; the first line must name the columns "
                                 f"({', '.join(CALL_FIELDS)})")
            self._indices = self._columns()
            with field_limit():
                sample = _sample(reader)
        finally:
            stream.close()
        for f in TIMES:
            ix = self._indices.get(f)
            if ix is None:
                continue
            fmt = detect_format([r[ix] for r in sample if len(r) > ix], tz,
                                dayfirst=mapping.dayfirst if mapping else None,
                                strptime_format=mapping.timestamp_format if mapping else None)
            self._fmt[f] = fmt
            self.warnings.extend(f"{self._label(f)}: {note}" for note in fmt.notes)

    def _columns(self) -> dict[str, int]:
        normed = [P.norm(h) for h in self.header]
        wanted = self._mapping.columns if self._mapping is not None else {f: (f,) for f in CALL_FIELDS}
        out: dict[str, int] = {}
        for f, names in wanted.items():
            found = next((normed.index(P.norm(n)) for n in names if P.norm(n) in normed), None)
            if found is not None:
                out[f] = found
        seen = ", ".join(f"'{clip(h.strip())}'" for h in self.header[:25])
        if self._mapping is not None:
            absent = [f"'{self._mapping.labels[f]}' ({f})" for f in self._mapping.columns if f not in out]
            if absent:
                raise InputError(f"{self.path}: the mapping file {self._mapping.source} names column(s) the call "
                                 f"log does not have: {', '.join(absent)}. Columns seen: {seen}")
        missing = [f for f in REQUIRED if f not in out]
        if missing:
            raise InputError(f"{self.path}: required column(s) missing: {', '.join(missing)}. Columns seen: {seen}. "
                             f"A call CSV has the columns {', '.join(CALL_FIELDS)} (all but call_id "
                             "required), or is an Asterisk queue_log; --mapping FILE names other headers")
        return out

    def _label(self, f: str) -> str:
        name = self.header[self._indices[f]].strip()
        return f if name.lower() == f else f"{name} ({f})"

    def __iter__(self) -> Iterator[Call | Rejected]:
        stream, raw, _ = open_records(self.path, self.encoding, self.delimiter, mark_end=True)
        reader = Guarded(raw, self.path, self.encoding, self.delimiter)  # a quote never closed swallows nothing
        start = reader.line_num + 1  # type: ignore[attr-defined]  # the line the next record starts on
        limit = field_limit()  # the csv module's cell limit is the process's: raised while reading
        limit.__enter__()
        try:
            while True:
                try:
                    rec = next(reader)
                except StopIteration:
                    return
                except csv.Error as e:
                    yield Rejected(start, "", csv_reason(e))
                    start = reader.line_num + 1  # type: ignore[attr-defined]
                    continue
                except Exception as e:  # a read error: the rest is lost, and said so
                    yield Rejected(start, "", f"could not read the rest of the file ({e}); nothing after this "
                                              "was read")
                    return
                line, start = start, reader.line_num + 1  # type: ignore[attr-defined]
                if rec is CUT:
                    yield reader.rejected(line)
                elif rec:
                    yield self._record(line, rec)
        finally:
            self.lines = start - 1
            limit.__exit__(None, None, None)
            stream.close()

    def _cell(self, rec: list[str], f: str) -> str:
        ix = self._indices.get(f)
        return rec[ix].strip() if ix is not None and ix < len(rec) else ""

    def _record(self, n: int, rec: list[str]) -> Call | Rejected:
        ref = clip(self._cell(rec, "call_id"), 80)
        fitted = fit_record(n, ref, rec, len(self.header), self.encoding, "a call")
        if isinstance(fitted, Rejected):
            return fitted
        rec = fitted
        queue = self._cell(rec, "queue")
        if not queue:
            return Rejected(n, ref, f"{self._label('queue')} is empty")
        times: dict[str, float | None] = {}
        for f in TIMES:
            value = self._cell(rec, f)
            if not value or f not in self._fmt:
                times[f] = None
                continue
            try:
                times[f] = parse_slow(value, self._fmt[f], self._tz)
            except TimestampError as e:
                return Rejected(n, ref, f"{self._label(f)} {e}")
        offered, answered, ended = times["offered_at"], times["answered_at"], times["ended_at"]
        if offered is None:
            return Rejected(n, ref, f"{self._label('offered_at')} is empty")
        for f, t in (("answered_at", answered), ("ended_at", ended)):
            if t is not None and t < offered:
                return Rejected(n, ref, f"{self._label(f)} is before {self._label('offered_at')}")
        if answered is not None:
            if ended is not None and ended < answered:
                return Rejected(n, ref, f"{self._label('ended_at')} is before {self._label('answered_at')}")
            return Call(n, queue, offered, decided=answered, held=answered - offered)
        if ended is not None:
            return Call(n, queue, offered, decided=ended, waited=ended - offered)
        return Call(n, queue, offered)


def _sample(reader: Iterator[list[str]]) -> list[list[str]]:
    """The first records, to decide each timestamp column's layout (unreadable ones skipped)."""
    out: list[list[str]] = []
    while len(out) < SAMPLE_RECORDS:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error:
            continue
        except Exception:  # noqa: BLE001 - the record loop reports a read error with its line
            break
        if rec:
            out.append(rec)
    return out
