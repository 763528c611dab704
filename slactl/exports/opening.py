"""Opening an export: the checks that concern the file as a whole.

``open_export`` finds the file, its encoding, delimiter, header and preset,
resolves the columns and the time zone, and raises ``InputError`` (exit 2)
for anything that stops the whole file from being read. What it returns
(``slactl.exports.reader.Export``) reads the rows.
"""
from __future__ import annotations

import codecs
import os
import stat
from datetime import tzinfo

from slactl.errors import InputError
from slactl.exports import presets as P
from slactl.exports.collapse import collapsed_rows
from slactl.exports.mapping import load_mapping
from slactl.exports.reader import Export, Opener
from slactl.exports.sniff import choose_delimiter, detect_encoding, open_records, read_sample, zone_hint
from slactl.exports.timestamps import zone
from slactl.sanitize import clip

SNAPSHOT_TIME = ("updated_at", "updated", "updated at", "sys_updated_at", "sys_updated_on")
"""Headers of an event log's snapshot time column (the last snapshot of a ticket wins)."""


def _resolve_columns(pre: P.Preset, header: list[str], path: str) -> tuple[dict[str, tuple[int, ...]], list[str]]:
    """Field -> column indices, and what the report header must say about them."""
    normed = [P.norm(h) for h in header]
    indices: dict[str, tuple[int, ...]] = {}
    for f, names in pre.columns.items():
        ix = tuple(i for name in names for i, h in enumerate(normed) if h == P.norm(name))
        if ix:
            indices[f] = ix
    if "updated_at" not in indices:
        snap = next((i for name in SNAPSHOT_TIME for i, h in enumerate(normed) if h == P.norm(name)), None)
        if snap is not None:
            indices["updated_at"] = (snap,)
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
                         f"Columns seen: {seen}. Use --preset to choose another layout, --mapping FILE to "
                         f"name the columns, or write one with: slactl mapping {path}")
    notes: list[str] = []
    if "resolved_at" not in indices and "resolution_minutes" not in indices:
        closed = next((i for name in pre.closed for i, h in enumerate(normed) if h == P.norm(name)), None)
        if closed is not None:
            indices["resolved_at"] = (closed,)
            if not pre.closed_is_resolution:
                notes.append(f"no resolved column: the closed time '{header[closed].strip()}' is used as the "
                             "resolution time")
    return indices, notes


def _unmeasured(indices: dict[str, tuple[int, ...]]) -> list[str]:
    """One warning per metric the export has no column for."""
    out = []
    if not indices.get("first_response_at") and not indices.get("first_response_minutes"):
        out.append("no first-response column: first_response is unmeasured for every ticket")
    if not indices.get("resolved_at") and not indices.get("resolution_minutes"):
        out.append("no resolved or closed column: resolution is unmeasured for every ticket")
    return out


def _duplicates(header: list[str], indices: dict[str, tuple[int, ...]]) -> list[str]:
    """Warnings for header names written more than once: which copy is read."""
    by_name: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        if h.strip():
            by_name.setdefault(P.norm(h), []).append(i)
    used = {i: f for f, ix in indices.items() for i in ix}
    out = []
    for places in by_name.values():
        if len(places) > 1:
            cols = ", ".join(str(i + 1) for i in places)
            name = header[places[0]].strip()
            if places[0] in used and len(indices[used[places[0]]]) > 1:
                which = (f"the first non-empty value of columns {cols} is read as {used[places[0]]}")
            elif any(i in used for i in places):
                which = f"column {next(i for i in places if i in used) + 1} is read"
            else:
                which = "none of them is read"
            out.append(f"the header names '{clip(name)}' {len(places)} times (columns {cols}); {which}")
    return out


def _seen(header: list[str], limit: int = 25) -> str:
    names = [clip(h.strip(), 40) for h in header]
    shown = ", ".join(f"'{h}'" for h in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def open_export(path: str, *, preset: str = "auto", tz: str | None = "UTC",
                encoding: str | None = None, mapping: str | None = None, dayfirst: bool | None = None,
                sheet: str | None = None) -> Export:
    """Open a ticket export (CSV, or ``.xlsx``: ``sheet`` or the first one) for streaming;
    ``InputError`` if it cannot be read at all.

    ``tz`` is the zone of naive timestamps; a mapping file's ``timezone`` applies
    when ``tz`` is None or ``"UTC"`` (the default). ``dayfirst`` decides numeric
    dates such as 03/11/2026 (None: from the dates themselves). The export keeps
    these arguments (``opened_with``): opening again with them reads the file the
    same way (the parts of a parallel score do).
    """
    path = os.fspath(path)
    export = _open(path, preset, tz, encoding, mapping, dayfirst, sheet)
    export.opened_with = {"path": path, "preset": preset, "tz": tz, "encoding": encoding, "mapping": mapping,
                          "dayfirst": dayfirst, "sheet": sheet}
    return export


def _open(path: str, preset: str, tz: str | None, encoding: str | None, mapping: str | None,
          dayfirst: bool | None, sheet: str | None) -> Export:
    preset = preset.strip().lower()
    if preset not in P.PRESET_NAMES:
        raise InputError(f"unknown preset '{preset}'; choose one of {', '.join(P.PRESET_NAMES[:-1])} "
                         "(or give --mapping FILE)")
    pre: P.Preset | None = None
    if mapping is not None:
        pre = load_mapping(os.fspath(mapping))
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
        raise InputError(f"unknown time zone '{tz_name}'{src}{zone_hint(tz_name)}") from None
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'; try utf-8, utf-8-sig, cp1251 or cp1252") from None

    # the file itself
    if os.path.isdir(path):
        raise InputError(f"{path} is a directory; give the path of a CSV export file")
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = stat.S_IFREG  # the open below says what is wrong
    if not stat.S_ISREG(mode):
        # the export is read twice (sample, then stream): a pipe would block or lose its header
        raise InputError(f"{path} is a pipe or device, not a file; save the export to a file first "
                         "(e.g. ... > export.csv) and score that")
    sample, more = read_sample(path)
    if sample.startswith(b"PK\x03\x04"):  # a zip: an Excel workbook
        return _workbook_export(path, pre, sheet, tz, tz_name, tzi, dayfirst)
    if sheet is not None:
        raise InputError(f"--sheet {sheet}: {path} is not an .xlsx workbook")
    enc = encoding or detect_encoding(sample, path, more, workbooks=True)

    # the header
    try:
        text = codecs.getincrementaldecoder(enc)("replace").decode(sample, final=False)
    except UnicodeError as e:  # e.g. --encoding utf-16 on a file without its BOM
        raise InputError(f"{path} cannot be read as {enc} ({e}); check --encoding") from None
    if not text.strip():
        raise InputError(f"{path} is empty; export the tickets again (a header line and one line per ticket)")
    delimiter = choose_delimiter(text, pre)
    stream, reader, header = open_records(path, enc, delimiter, mark_end=True)
    try:
        export = _export(path, pre, header, tz_name, tzi, enc, delimiter, dayfirst=dayfirst)
        export.start(stream, reader)
    except BaseException:
        stream.close()
        raise
    return export


def _workbook_export(path: str, pre: P.Preset | None, sheet: str | None, tz: str | None, tz_name: str,
                     tzi: tzinfo, dayfirst: bool | None) -> Export:
    """An ``.xlsx`` export: the header found among the first rows (a report's title rows above
    it), the records up to a footer; a ``Timezone: ...`` footer is the zone of the sheet's times
    unless ``--tz`` names another zone than UTC."""
    from itertools import chain, islice

    from slactl.exports.reader import SAMPLE_RECORDS
    from slactl.exports.xlsx import open_workbook

    def looks_like(names: set[str]) -> bool:
        if pre is None:
            return P.detect(names) is not None
        return (bool(pre.signature) and P.matches(pre, names)) or P.score(pre, names) >= min(2, len(pre.names()))

    def opener() -> tuple[object, object, list[str]]:
        return open_workbook(path, sheet, looks_like)

    book, rows, head = open_workbook(path, sheet, looks_like)
    try:
        layout = book.layout
        held = list(islice(rows, SAMPLE_RECORDS + 1))
        if not layout.footer and len(held) > SAMPLE_RECORDS:  # a long sheet: its footer is further on
            again, rest, _ = open_workbook(path, sheet, looks_like)
            try:
                for _ in rest:  # the records end at the footer, which fills again.layout
                    pass
            finally:
                again.close()
            layout.footer, layout.footer_zone = again.layout.footer, again.layout.footer_zone
        said: list[str] = []
        if layout.header_row > 1:
            said.append(f"the header is on row {layout.header_row} of the sheet (the rows above it are not a table)")
        if layout.footer:
            said.append(f"the sheet ends at its footer '{clip(layout.footer)}'" + (
                f"; {layout.after_footer} row(s) after it are not read" if layout.after_footer else ""))
            fz = layout.footer_zone
            try:
                footer_tz = zone(fz)
            except Exception:
                said.append(f"the footer names an unknown time zone '{clip(fz)}'; times are read in {tz_name}")
            else:
                if tz in (None, "UTC") and tz_name in ("UTC", fz):
                    tz_name, tzi = fz, footer_tz
                    said.append(f"times are read in {fz}, the zone the sheet's footer names")
                elif tz_name != fz:
                    said.append(f"the sheet's footer names the zone {fz}; times are read in {tz_name} as --tz says")
        export = _export(path, pre, head, tz_name, tzi, "xlsx", "", opener, dayfirst)  # type: ignore[arg-type]
        export.notes.extend(said)
        export.start(book, chain(held, rows))
    except BaseException:
        book.close()
        raise
    return export


def _not_an_export(path: str, names: set[str]) -> None:
    """A status history, outage log, time-entry file or call log given where an export belongs: say
    which command reads it (the "closest preset" message would send the user astray)."""
    from slactl.exports import callcsv, historypresets, outages, time_entries

    if historypresets.detect(names) is not None:
        kind, use = "a status history", f"score EXPORT --history {path}"
    elif all(f in names for f in outages.REQUIRED) and names & {"end", "impact", "kind"}:
        kind, use = "an outage log", f"slactl availability {path}"
    elif any(P.matches(p, names) for p in time_entries.PRESETS.values()):
        kind, use = "a time-entry file", f"slactl hours {path} --export EXPORT"
    elif all(P.norm(f) in names for f in callcsv.REQUIRED):
        kind, use = "a call log", f"slactl calls {path}"
    else:
        return
    raise InputError(f"{path} looks like {kind}, not a ticket export; read it with: {use}")


def _export(path: str, pre: P.Preset | None, header: list[str], tz_name: str, tzi: tzinfo, enc: str,
            delimiter: str, opener: Opener | None = None, dayfirst: bool | None = None) -> Export:
    """The Export for a header: preset recognised, columns resolved."""
    if not any(h.strip() for h in header):
        raise InputError(f"{path} has no header line; the first line must name the columns "
                         f"({P.expected_text()})")
    names = {P.norm(h) for h in header}
    if pre is None:
        pre = P.detect(names)
        if pre is None:
            _not_an_export(path, names)
            near, lacks = P.closest(names)
            lacking = ", ".join(f"{f} ('{near.columns[f][0]}')" for f in lacks)
            raise InputError(f"{path}: no recognisable columns: no preset recognises this header (delimiter {delimiter!r}, encoding {enc}); "
                             f"the closest is {near.name} ({near.title}), which lacks {lacking}. Columns seen: "
                             f"{_seen(header)}. Write a starter mapping with: slactl mapping {path} "
                             "(then score with --mapping FILE), or choose --preset NAME")
    indices, notes = _resolve_columns(pre, header, path)
    export = Export(path, pre, tz_name, tzi, enc, delimiter, header, indices, opener, dayfirst)
    export.collapser = collapsed_rows
    export.notes.extend(notes)
    export.warnings.extend(notes)
    export.warnings.extend(_unmeasured(indices))
    export.warnings.extend(_duplicates(header, indices))
    return export


def read_table(path: str, *, encoding: str | None = None, sheet: str | None = None,
               limit: int = 2000) -> tuple[list[str], list[list[str]], str, str]:
    """The header and up to ``limit`` records of an export whatever its columns (for
    ``slactl mapping``): (header, records, encoding, delimiter)."""
    import csv

    from slactl.exports.sniff import field_limit

    path = os.fspath(path)
    if os.path.isdir(path):
        raise InputError(f"{path} is a directory; give the path of a CSV export file")
    sample, more = read_sample(path)
    if sample.startswith(b"PK\x03\x04"):
        from slactl.exports.xlsx import open_workbook

        stream, reader, header = open_workbook(path, sheet, lambda names: P.detect(names) is not None)
        enc, delimiter = "xlsx", ""
    else:
        enc = encoding or detect_encoding(sample, path, more, workbooks=True)
        text = codecs.getincrementaldecoder(enc)("replace").decode(sample, final=False)
        delimiter = choose_delimiter(text, None)
        stream, reader, header = open_records(path, enc, delimiter)  # type: ignore[assignment]
    rows: list[list[str]] = []
    try:
        with field_limit():
            while len(rows) < limit:
                try:
                    rec = next(reader)
                except StopIteration:
                    break
                except csv.Error:
                    continue
                if rec:
                    rows.append(rec)
    finally:
        stream.close()
    if not any(h.strip() for h in header):
        raise InputError(f"{path} has no header line; the first line must name the columns")
    return header, rows, enc, delimiter
