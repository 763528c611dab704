"""Time-entry files (what engineers log on tickets): presets, durations, rows in, entries out.

The file is opened, decoded and sniffed by the ticket-export reader's own code
(:mod:`slactl.exports.reader`), and timestamps are read by its column parsers
(:mod:`slactl.exports.timestamps`): one decision per column, never per value.
Every non-blank record becomes exactly one :class:`TimeEntry` or ``Rejected``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import tzinfo

from slactl.core.hours import TimeEntry
from slactl.errors import InputError
from slactl.exports import presets as P
from slactl.core.tickets import Rejected
from slactl.exports.mapping import load_mapping
from slactl.exports.quotes import CUT, Guarded
from slactl.exports.reader import SAMPLE_RECORDS
from slactl.exports.sniff import LONG_LINE, bad_bytes, choose_delimiter, detect_encoding, has_marks, open_records, \
    read_sample, zone_hint
from slactl.exports.timestamps import ColumnFormat, TimestampError, detect_format, parse_slow, zone
from slactl.sanitize import clip

# canonical fields; a duration field's name says how its cells are read
TEXT_FIELDS = ("ticket_id", "customer", "service", "author", "note")
DURATION_FIELDS = ("duration", "duration_seconds", "duration_hours", "billable_seconds", "billable_hours")
FIELDS = (*TEXT_FIELDS, "started_at", *DURATION_FIELDS, "billable")
SPENT = ("duration", "duration_seconds", "duration_hours")
MAX_SECONDS = 1000 * 3600  # one entry of more than 1000 hours is a typo, not work

GENERIC = P.Preset("generic", "generic time entries", {
    "ticket_id": ("ticket_id", "ticket"), "customer": ("customer",), "service": ("service",),
    "started_at": ("started_at",), "duration": ("duration",), "billable": ("billable",),
    "author": ("author",), "note": ("note",),
}, signature=("started_at", "duration"))

FRESHDESK = P.Preset("freshdesk", "Freshdesk time entries", {
    "ticket_id": ("Ticket ID", "ticket_id", "Ticket"), "customer": ("Company Name", "Company", "Customer Name"),
    "author": ("Agent", "agent", "Agent Name"), "billable": ("Billable", "billable", "Billable/Non-Billable"),
    "duration": ("Time spent", "time_spent", "Hours"), "started_at": ("Executed at", "executed_at", "Date"),
    "note": ("Note", "note", "Notes"),
}, signature=("Time spent",), any_of=("Executed at", "Date"))

JIRA = P.Preset("jira", "Jira worklogs (Tempo too)", {
    "ticket_id": ("Issue key", "Issue Key", "issueKey", "issueId", "Issue id"),
    "customer": ("Customer", "Account Name", "Organizations"),
    "author": ("Author", "author", "Full name", "Username"),
    "started_at": ("Started", "started", "Work date", "Start date"),
    "duration_seconds": ("Time spent (seconds)", "timeSpentSeconds", "Time Spent (seconds)"),
    "duration_hours": ("Hours", "Logged hours"),
    "billable_seconds": ("billableSeconds", "Billable seconds"),
    "billable_hours": ("Billed hours", "Billed Hours", "Billable hours"),
    "note": ("Comment", "comment", "Work description", "Work Description"),
}, signature=(), any_of=("Started", "started", "Work date"))

ZENDESK = P.Preset("zendesk", "Zendesk time tracking", {
    "ticket_id": ("Ticket ID", "Id", "Ticket id"), "customer": ("Organization", "Ticket organization name"),
    "author": ("Updater name", "Agent", "Assignee"),
    "started_at": ("Update - Timestamp", "Updated at", "Update timestamp", "Date"),
    "duration_seconds": ("Time spent last update (sec)", "Time spent (sec)", "Time spent (seconds)"),
}, signature=(), any_of=("Time spent last update (sec)", "Time spent (sec)"))

PRESETS: dict[str, P.Preset] = {p.name: p for p in (FRESHDESK, JIRA, ZENDESK, GENERIC)}
PRESET_NAMES = ("auto", *PRESETS, "mapping")


@dataclass(slots=True)
class TimeEntryFile:
    """A time-entry file read whole: entries and rejected rows in file order."""

    path: str
    preset: str
    timezone: str
    encoding: str
    columns: dict[str, str]  # field -> header as written
    entries: list[TimeEntry] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.entries) + len(self.rejected)


# ---------------------------------------------------------------- cells

_UNIT = re.compile(r"(?:(\d+(?:[.,]\d+)?)\s*h)?\s*(?:(\d+(?:[.,]\d+)?)\s*m(?:in)?)?\s*(?:(\d+(?:[.,]\d+)?)\s*s)?",
                   re.IGNORECASE)
_DECIMAL = re.compile(r"\d*[.,]\d+")
_CLOCK = re.compile(r"(\d+):([0-5]?\d)(?::([0-5]?\d))?")
_TRUE = {"true", "yes", "y", "1", "billable", "t", "x"}
_FALSE = {"false", "no", "n", "0", "non-billable", "nonbillable", "non billable", "not billable", "f"}


def _number(s: str) -> float:
    return float(s.replace(",", ".")) if s.count(",") == 1 and "." not in s else float(s)


def parse_duration_cell(text: str, unit: str = "auto") -> float:
    """Seconds in a duration cell; ``ValueError`` with the reason otherwise.

    ``auto`` (the generic ``duration`` column) takes ``1:30`` (h:mm, also h:mm:ss),
    ``90m``, ``1.5h``, ``1h30m`` and an integer number of seconds; ``seconds`` and
    ``hours`` take a plain number in that unit.
    """
    s = text.strip()
    shown = f"'{clip(s)}'"
    value: float | None = None
    if unit in ("seconds", "hours"):
        try:
            value = _number(s) * (3600 if unit == "hours" else 1)
        except ValueError:
            raise ValueError(f"{shown} is not a number of {unit}") from None
    elif s.isdecimal():
        value = float(s)
        if value <= MAX_SECONDS:
            return value
    elif m := _CLOCK.fullmatch(s):
        value = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3) or 0)
    elif (m := _UNIT.fullmatch(s)) and any(m.groups()):
        h, mi, se = (_number(g) if g else 0.0 for g in m.groups())
        value = h * 3600 + mi * 60 + se
    elif _DECIMAL.fullmatch(s):
        raise ValueError(f"{shown} has no unit: write 1.5h for hours or 90m for minutes "
                         "(a whole number alone means seconds)")
    else:
        raise ValueError(f"{shown} is not a duration (use 1:30, 90m, 1.5h or seconds)")
    if value != value:
        raise ValueError(f"{shown} is not a duration")
    if value < 0:
        raise ValueError(f"{shown} is not a duration (negative)")
    if value > MAX_SECONDS:
        raise ValueError(f"{shown} is more than {MAX_SECONDS // 3600} hours for one entry")
    return round(value, 3)


def parse_billable(text: str) -> bool:
    """``true/false/yes/no/1/0`` (and Freshdesk's ``Billable``/``Non-Billable``); empty is true."""
    s = text.strip().casefold()
    if not s or s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(f"billable '{clip(text.strip())}' is not true/false, yes/no or 1/0")


# ---------------------------------------------------------------- the file

def _detect(text: str, path: str) -> tuple[P.Preset, str]:
    """The preset and delimiter that recognise most of the header."""
    best: tuple[int, P.Preset, str] | None = None
    for pre in PRESETS.values():
        delimiter = choose_delimiter(text, pre)
        names = {P.norm(h) for h in _header(text, delimiter)}
        if not _usable(pre, names):
            continue
        score = P.score(pre, names) + (100 if P.matches(pre, names) else 0)
        if best is None or score > best[0]:
            best = (score, pre, delimiter)
    if best is None:
        shown = ", ".join(f"'{clip(h, 40)}'" for h in _header(text, choose_delimiter(text, GENERIC))[:25])
        raise InputError(f"{path}: no recognisable time-entry columns. Columns seen: {shown}. Expected "
                         "the generic columns (ticket_id, customer, started_at, duration, billable, author, note), "
                         "a Freshdesk, Jira/Tempo or Zendesk time export; use --preset or --mapping FILE")
    return best[1], best[2]


def _header(text: str, delimiter: str) -> list[str]:
    import csv
    import io

    try:
        return next((r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r), [])
    except csv.Error:
        return []


def _usable(pre: P.Preset, names: set[str]) -> bool:
    has = {f for f, cols in pre.columns.items() if any(P.norm(c) in names for c in cols)}
    return "started_at" in has and bool(has & set(SPENT)) and bool(has & {"ticket_id", "customer"})


def read_time_entries(path: str, *, preset: str = "auto", tz: str = "UTC", encoding: str | None = None,
                      mapping: str | None = None) -> TimeEntryFile:
    """Read a whole time-entry file; ``InputError`` when it cannot be read at all."""
    import codecs

    preset = preset.strip().lower()
    if preset not in PRESET_NAMES:
        raise InputError(f"unknown time-entry preset '{preset}'; choose one of {', '.join(PRESET_NAMES[:-1])} "
                         "(or give --mapping FILE)")
    pre: P.Preset | None = None
    if mapping is not None:
        pre = load_mapping(mapping, fields=FIELDS, required=("started_at",))
    elif preset == "mapping":
        raise InputError("preset 'mapping' needs a mapping file: give --mapping FILE")
    elif preset != "auto":
        pre = PRESETS[preset]
    tz_name = pre.timezone if pre is not None and pre.timezone and tz == "UTC" else tz
    try:
        tzi = zone(tz_name)
    except Exception:
        raise InputError(f"unknown time zone '{tz_name}'{zone_hint(tz_name)}") from None
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'; try utf-8, utf-8-sig, cp1251 or cp1252") from None
    sample, more = read_sample(path, what="time entries")
    enc = encoding or detect_encoding(sample, path, more)
    try:
        text = codecs.getincrementaldecoder(enc)("replace").decode(sample, final=False)
    except UnicodeError as e:
        raise InputError(f"{path} cannot be read as {enc} ({e}); check --encoding") from None
    if pre is None:
        pre, delimiter = _detect(text, path)
    else:
        delimiter = choose_delimiter(text, pre)
    fh, plain, header = open_records(path, enc, delimiter, mark_end=True)
    records = Guarded(plain, path, enc, delimiter)  # a quote never closed swallows nothing
    cuts: dict[int, Rejected] = {}  # record number -> its rejection (a quote never closed)
    try:
        if not any(h.strip() for h in header):
            raise InputError(f"{path} has no header line; the first line must name the columns")
        indices = _columns(pre, header, path)
        try:
            raw: list[list[str]] = []
            for rec in records:
                if rec is CUT:
                    cuts[len(raw) + 1] = records.rejected(len(raw) + 1)
                if rec:
                    raw.append(rec)
        except Exception as e:  # csv.Error or a read error: the rows read so far stay readable
            raise InputError(f"{path}: not readable as CSV ({e})") from None
    finally:
        fh.close()
    out = TimeEntryFile(path, pre.name, tz_name, enc, {f: header[ix[0]].strip() for f, ix in indices.items()})
    starts = indices["started_at"]
    values = [r[starts[0]] for r in raw[: SAMPLE_RECORDS] if len(r) > starts[0] and r is not CUT]
    fmt = detect_format(values, tzi, dayfirst=pre.dayfirst, strptime_format=pre.timestamp_format)
    out.warnings.extend(f"{out.columns['started_at']}: {n}" for n in fmt.notes)
    marked = True  # each row is checked for undecodable bytes below
    for n, rec in enumerate(raw, 1):
        if n in cuts:
            out.rejected.append(cuts[n])
            continue
        if len(rec) > len(header) and not any(c.strip() for c in rec[len(header):]):
            rec = rec[:len(header)]
        item = _entry(n, rec, len(header), indices, out.columns, fmt, tzi, marked, enc)
        (out.entries if isinstance(item, TimeEntry) else out.rejected).append(item)  # type: ignore[arg-type]
    return out


def _columns(pre: P.Preset, header: list[str], path: str) -> dict[str, tuple[int, ...]]:
    normed = [P.norm(h) for h in header]
    indices: dict[str, tuple[int, ...]] = {}
    for f, names in pre.columns.items():
        ix = tuple(i for name in names for i, h in enumerate(normed) if h == P.norm(name))
        if ix:
            indices[f] = ix
    seen = ", ".join(f"'{clip(h.strip(), 40)}'" for h in header[:25])
    if pre.source is not None:
        absent = [f"'{pre.labels[f]}' ({f})" for f in pre.columns if f not in indices]
        if absent:
            raise InputError(f"{path}: the mapping file {pre.source} names column(s) the file does not have: "
                             f"{', '.join(absent)}. Columns seen: {seen}")
    missing = []
    if "started_at" not in indices:
        missing.append(f"started_at ('{pre.columns.get('started_at', ('started_at',))[0]}')")
    if not any(f in indices for f in SPENT):
        missing.append("a duration ('" + "', '".join(n for f in SPENT for n in pre.columns.get(f, ())[:1]) + "')")
    if not any(f in indices for f in ("ticket_id", "customer")):
        missing.append("a ticket or customer column")
    if missing:
        raise InputError(f"{path}: required column(s) missing for the {pre.title} layout: {', '.join(missing)}. "
                         f"Columns seen: {seen}. Use --preset to choose another layout or --mapping FILE")
    return indices


def _cell(rec: list[str], ix: tuple[int, ...] | None) -> str:
    for i in ix or ():
        if rec[i].strip():
            return rec[i].strip()
    return ""


def _entry(n: int, rec: list[str], ncols: int, indices: dict[str, tuple[int, ...]], columns: dict[str, str],
           fmt: ColumnFormat, tzi: tzinfo, marked: bool, enc: str) -> TimeEntry | Rejected:
    if len(rec) != ncols:
        return Rejected(n, "", f"row has {len(rec)} cells, the header has {ncols}")
    cell = {f: _cell(rec, ix) for f, ix in indices.items()}
    ticket = cell.get("ticket_id", "")
    if len(ticket) > 200:
        ticket = clip(ticket, 200)
    if rec == [LONG_LINE]:
        return Rejected(n, "", "the line is longer than 2 MiB; it is not a time entry")
    if marked and has_marks(rec) and any(bad_bytes(c, enc) for c in rec):
        return Rejected(n, ticket, f"undecodable bytes: the row is not valid {enc}; name the file's "
                                   "encoding with --encoding")
    started_text = cell["started_at"]
    if not started_text:
        return Rejected(n, ticket, f"{columns['started_at']} is empty")
    try:
        started = fmt.parse(started_text)
    except Exception:  # the careful path says why, or reads another layout
        try:
            started = parse_slow(started_text, fmt, tzi)
        except TimestampError as e:
            return Rejected(n, ticket, f"{columns['started_at']} {e}")
    seconds: float | None = None
    billable_seconds: float | None = None
    try:
        for f, unit in (("duration", "auto"), ("duration_seconds", "seconds"), ("duration_hours", "hours")):
            if cell.get(f):
                seconds = parse_duration_cell(cell[f], unit)
                break
        for f, unit in (("billable_seconds", "seconds"), ("billable_hours", "hours")):
            if cell.get(f):
                billable_seconds = parse_duration_cell(cell[f], unit)
                break
        billable = parse_billable(cell.get("billable", ""))
    except ValueError as e:
        return Rejected(n, ticket, str(e))
    if seconds is None:
        spent = [columns[f] for f in SPENT if f in columns]
        return Rejected(n, ticket, f"{' / '.join(spent)} is empty")
    if billable_seconds is not None and "billable" not in indices:
        billable = billable_seconds > 0
    return TimeEntry(n, ticket, cell.get("customer", ""), started, seconds, billable, cell.get("author", ""),
                     cell.get("note", ""), cell.get("service", ""), billable_seconds)
