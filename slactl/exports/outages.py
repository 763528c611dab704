"""Streaming reader of outage logs (README "Availability and credits").

Columns, header names case-insensitive: ``service`` (name or alias of a
Service), ``start``, ``end`` (empty: still going on), ``impact`` (``full``
default, ``partial``), ``kind`` (``outage`` default, ``maintenance``), ``ref``
(free text). A mapping file (``--mapping``, the same format as for ticket
exports) names other headers. The file is opened like a ticket export (the
same encoding and delimiter sniffing, timestamp detection and ``--tz``):
``open_outages`` raises ``InputError`` for what spoils the whole file, and
iterating an :class:`OutageLog` yields one :class:`Outage` or ``Rejected`` per
record, never raising.
"""
from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping
from datetime import tzinfo
from types import TracebackType

from slactl.core.availability import Outage
from slactl.errors import InputError
from slactl.core.tickets import Rejected
from slactl.exports import presets as P
from slactl.exports.mapping import load_mapping
from slactl.exports.quotes import CUT, Guarded
from slactl.exports.reader import SAMPLE_RECORDS
from slactl.exports.rowcheck import fit_record
from slactl.exports.sniff import (
    FIELD_LIMIT, TextStream, choose_delimiter, csv_reason, detect_encoding,
    field_limit, open_records as open_stream, read_sample, zone_hint,
)
from slactl.exports.timestamps import ColumnFormat, TimestampError, detect_format, parse_slow, zone
from slactl.sanitize import clip
from slactl.suggest import closest, hint

__all__ = ["OUTAGE_FIELDS", "OutageLog", "open_outages", "Rejected"]

OUTAGE_FIELDS = ("service", "start", "end", "impact", "kind", "ref")
REQUIRED = ("service", "start")
_TIMES = ("start", "end")
_IMPACTS = {"full": False, "partial": True}
_KINDS = {"outage": False, "maintenance": True}
_EXAMPLE = "columns: {service: Component, start: Began, end: Resolved}"


class OutageLog:
    """An opened outage log; iterate it for ``Outage`` / ``Rejected`` in file order."""

    def __init__(self, path: str, services: Mapping[str, str], tz_name: str, tz: tzinfo, encoding: str,
                 delimiter: str, header: list[str], indices: dict[str, int], dayfirst: bool | None,
                 timestamp_format: str | None) -> None:
        self.path = path
        self.timezone = tz_name
        self.encoding = encoding
        self.delimiter = delimiter
        self.header = header
        self.warnings: list[str] = []
        self._services = services
        self._tz = tz
        self._indices = indices
        self._dayfirst = dayfirst
        self._strptime = timestamp_format
        self._fmt: dict[str, ColumnFormat] = {}
        self._file: TextStream | None = None
        self._reader: Guarded | None = None

    # the file is opened by open_outages and closed when iteration ends
    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> OutageLog:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _label(self, f: str) -> str:
        name = self.header[self._indices[f]].strip()
        return f if name.lower() == f else f"{name} ({f})"

    def _detect(self, sample: list[list[str]]) -> None:
        for f in _TIMES:
            ix = self._indices.get(f)
            if ix is None:
                continue
            values = [r[ix] for r in sample if len(r) > ix]
            fmt = detect_format(values, self._tz, dayfirst=self._dayfirst, strptime_format=self._strptime)
            self._fmt[f] = fmt
            self.warnings.extend(f"{self._label(f)}: {note}" for note in fmt.notes)

    def __iter__(self) -> Iterator[Outage | Rejected]:
        reader = self._reader
        if reader is None:
            raise RuntimeError("an outage log is read once")
        self._reader = None
        n = 0
        limit = field_limit()  # the csv module's cell limit is the process's: raised while reading
        limit.__enter__()
        try:
            while True:
                try:
                    rec = next(reader)
                except StopIteration:
                    return
                except csv.Error as e:
                    n += 1
                    yield Rejected(n, "", csv_reason(e))
                    continue
                except Exception as e:  # a read error: the rest is lost, and said so
                    n += 1
                    yield Rejected(n, "", f"could not read the rest of the file ({e}); nothing after this was read")
                    return
                if not rec:
                    continue  # a truly blank line; a line of empty cells is a row (and rejected)
                n += 1
                yield reader.rejected(n) if rec is CUT else self._row(n, rec)
        finally:
            limit.__exit__(None, None, None)
            self.close()

    def _cell(self, rec: list[str], f: str) -> str:
        ix = self._indices.get(f)
        return rec[ix].strip() if ix is not None and ix < len(rec) else ""

    def _row(self, n: int, rec: list[str]) -> Outage | Rejected:
        ref = clip(self._cell(rec, "ref"), 80)
        fitted = fit_record(n, ref, rec, len(self.header), self.encoding, "an outage row")
        if isinstance(fitted, Rejected):
            return fitted
        rec = fitted
        spelled = self._cell(rec, "service")
        if not spelled:
            return Rejected(n, ref, f"{self._label('service')} is empty")
        service = self._services.get(spelled.casefold())
        if service is None:
            return Rejected(n, ref, f"unknown service '{clip(spelled)}'{self._did_you_mean(spelled)}")
        times: list[float | None] = []
        for f in _TIMES:
            value = self._cell(rec, f)
            if not value:
                times.append(None)
                continue
            try:
                times.append(parse_slow(value, self._fmt[f], self._tz))
            except TimestampError as e:
                return Rejected(n, ref, f"{self._label(f)} {e}")
        start, end = times
        if start is None:
            return Rejected(n, ref, f"{self._label('start')} is empty")
        if end is not None and end < start:
            return Rejected(n, ref, f"{self._label('end')} is before {self._label('start')}")
        impact = self._cell(rec, "impact").casefold() or "full"
        kind = self._cell(rec, "kind").casefold() or "outage"
        if impact not in _IMPACTS:
            return Rejected(n, ref, f"{self._label('impact')} '{clip(impact)}' is not full or partial")
        if kind not in _KINDS:
            return Rejected(n, ref, f"{self._label('kind')} '{clip(kind)}' is not outage or maintenance")
        return Outage(n, service, start, end, _IMPACTS[impact], _KINDS[kind], self._cell(rec, "ref"))

    def _did_you_mean(self, spelled: str) -> str:
        folded = closest(spelled.casefold(), self._services)
        return hint(None if folded is None else self._services[folded])


def _indices(header: list[str], mapping: P.Preset | None, path: str) -> dict[str, int]:
    normed = [P.norm(h) for h in header]
    wanted = mapping.columns if mapping is not None else {f: (f,) for f in OUTAGE_FIELDS}
    out: dict[str, int] = {}
    for f, names in wanted.items():
        for name in names:
            if P.norm(name) in normed:
                out[f] = normed.index(P.norm(name))
                break
    seen = ", ".join(f"'{clip(h.strip())}'" for h in header[:25])
    if mapping is not None:
        absent = [f"'{mapping.labels[f]}' ({f})" for f in mapping.columns if f not in out]
        if absent:
            raise InputError(f"{path}: the mapping file {mapping.source} names column(s) the outage log "
                             f"does not have: {', '.join(absent)}. Columns seen: {seen}")
    missing = [f for f in REQUIRED if f not in out]
    if missing:
        raise InputError(f"{path}: required column(s) missing: {', '.join(missing)}. Columns seen: {seen}. "
                         f"An outage log has the columns {', '.join(OUTAGE_FIELDS)} (service and start "
                         "required); --mapping FILE names other headers")
    return out


def open_outages(path: str, services: Mapping[str, str], *, tz: str | None = "UTC",
                 encoding: str | None = None, mapping: str | None = None) -> OutageLog:
    """Open an outage log for streaming; ``InputError`` if it cannot be read at all.

    ``services`` maps every case-folded spelling (name or alias) to the
    Service's name. ``tz`` is the zone of naive timestamps; a mapping file's
    ``timezone`` applies when ``tz`` is None or ``"UTC"``.
    """
    import codecs

    path = os.fspath(path)
    pre = load_mapping(os.fspath(mapping), fields=OUTAGE_FIELDS, required=REQUIRED, example=_EXAMPLE) \
        if mapping is not None else None
    tz_name = tz or "UTC"
    if pre is not None and pre.timezone and tz_name == "UTC":
        tz_name = pre.timezone
    try:
        tzi = zone(tz_name)
    except Exception:
        raise InputError(f"unknown time zone '{tz_name}'{zone_hint(tz_name)}") from None
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'; try utf-8, utf-8-sig, cp1251 or cp1252") from None
    sample, more = read_sample(path, "outage log")
    enc = encoding or detect_encoding(sample, path, more)
    try:
        text = codecs.getincrementaldecoder(enc)("replace").decode(sample, final=False)
    except UnicodeError as e:  # e.g. --encoding utf-16 on a file without its BOM
        raise InputError(f"{path} cannot be read as {enc} ({e}); check --encoding") from None
    known = {P.norm(n) for names in (pre.columns.values() if pre else [(f,) for f in OUTAGE_FIELDS])
             for n in names}
    delimiter = choose_delimiter(text, lambda header: len(header & known))
    f, reader, header = open_stream(path, enc, delimiter)
    try:
        if not any(h.strip() for h in header):
            raise InputError(f"{path} has no header line; the first line must name the columns "
                             f"({', '.join(OUTAGE_FIELDS)})")
        log = OutageLog(path, services, tz_name, tzi, enc, delimiter, header, _indices(header, pre, path),
                        pre.dayfirst if pre else None, pre.timestamp_format if pre else None)
        with field_limit():
            records = _sample(reader)
    finally:
        f.close()
    log._detect(records)
    # read again from the top: the sampled records go through the same loop as the rest
    log._file, raw, _ = open_stream(path, enc, delimiter, mark_end=True)
    log._reader = Guarded(raw, path, enc, delimiter)  # a quote never closed swallows nothing
    return log


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
        except Exception:  # noqa: BLE001 - the row loop reports a read error with its row
            break
        if rec:
            out.append(rec)
    return out
