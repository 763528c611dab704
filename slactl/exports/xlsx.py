"""Excel workbooks (``.xlsx``) as exports: one sheet streamed row by row.

``openpyxl`` in read-only mode reads the sheet's XML as it goes, so memory
stays flat whatever the number of rows (imported only when a workbook is
read). Cells become the text a CSV export would hold: dates and times as ISO
8601 (naive, read in ``--tz`` like any naive timestamp), whole numbers without
``.0``, empty cells as "". The row reader then treats the records exactly as
CSV records. A report sheet's title rows above the header and its footer
(``Timezone: Europe/Berlin``) are found by ``slactl.exports.sheetlayout``.

A workbook is a zip: before anything is parsed, its parts' inflated sizes (as the
zip's directory declares them, which bounds what is read) are checked against
limits, so a small file that inflates to gigabytes (a zip bomb) fails at once:
at most ``SLACTL_XLSX_MAX_MB`` MiB inflated in all (default 1024), no part
inflating more than ``SLACTL_XLSX_MAX_RATIO`` times its compressed size
(default 100, as Apache POI does; parts under 1 MiB are exempt), and at most
``SLACTL_XLSX_MAX_CELLS`` cells read (default 50 million; a row counts as at
least one cell, so millions of empty rows are counted too).
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import Any

from slactl.errors import InputError
from slactl.exports.sheetlayout import Layout, find_header, until_footer
from slactl.suggest import did_you_mean


class WorkbookStream:
    """The open workbook, shaped like a text stream for the reader (nothing is ever suspect)."""

    def __init__(self, workbook: Any, path: str) -> None:
        self.workbook = workbook
        self.suspect = [0]
        self._size = os.path.getsize(path)
        self.layout = Layout()  # where the header is, what the footer says

    def position(self) -> int:
        """An estimate: the reader's progress bar only needs it to grow."""
        return 0

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()
            self.workbook = None


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would carry."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def open_workbook(path: str, sheet: str | None, looks_like: Callable[[set[str]], bool] | None = None
                  ) -> tuple[WorkbookStream, Iterator[list[str]], list[str]]:
    """(stream, records after the header up to a footer, header) of one sheet; ``InputError`` if it
    cannot be read. The header is the first row ``looks_like`` accepts (see ``sheetlayout``)."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError(f"{path} is an .xlsx workbook and the openpyxl package is not installed; "
                         "install it (pip install openpyxl) or save the sheet as CSV") from None
    check_inflation(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles it does not know
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # a damaged zip, an .xlsm with macros, a password...
        raise InputError(f"{path} cannot be read as an .xlsx workbook ({type(e).__name__}: {e}); "
                         "save the sheet as CSV and score that") from None
    stream = WorkbookStream(workbook, path)
    try:
        names = list(workbook.sheetnames)
        if sheet is None:
            if not names:
                raise InputError(f"{path} has no sheet")
            ws = workbook[names[0]]
        elif sheet in names:
            ws = workbook[sheet]
        else:
            raise InputError(f"{path} has no sheet '{sheet}'{did_you_mean(sheet, names)}; "
                             f"its sheets: {', '.join(names)}")
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some writers store wrong dimensions: read what is there
        found, rows = find_header(_records(ws, path), looks_like, stream.layout)
        rows = until_footer(rows, stream.layout)
        header = [c.strip() for c in found]
        while header and not header[-1]:
            header.pop()  # formatted but empty cells right of the table
    except InputError:
        stream.close()
        raise
    except Exception as e:
        stream.close()
        raise InputError(f"{path} cannot be read as an .xlsx workbook ({type(e).__name__}: {e})") from None
    width = len(header)
    return stream, _padded(rows, width), header


def _limit(name: str, default: int) -> int:
    """A limit from the environment (a positive whole number; anything else: the default)."""
    text = os.environ.get(name, "").strip().replace("_", "")
    return int(text) if text.isdigit() and int(text) > 0 else default


def check_inflation(path: str) -> None:
    """``InputError`` when the workbook would inflate past the limits (see the module doc)."""
    import zipfile

    max_bytes = _limit("SLACTL_XLSX_MAX_MB", 1024) << 20
    max_ratio = _limit("SLACTL_XLSX_MAX_RATIO", 100)
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > 1 << 20 and part.file_size > max_ratio * max(part.compress_size, 1):
            raise InputError(
                f"{path}: {part.filename} inflates from {_mib(part.compress_size)} to {_mib(part.file_size)}, "
                f"more than {max_ratio} times its size, as no spreadsheet does (a zip bomb?); if the file is "
                f"genuine, raise the limit with SLACTL_XLSX_MAX_RATIO, or save the sheet as CSV")
        if total > max_bytes:
            raise InputError(
                f"{path} inflates to more than {_mib(max_bytes)} (the limit for a workbook); if the file is "
                "genuine, raise it with SLACTL_XLSX_MAX_MB (in MiB), or save the sheet as CSV")


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.1f} MiB" if n >= 1 << 20 else f"{n / 1024:,.1f} KiB"


def _records(ws: Any, path: str) -> Iterator[list[str]]:
    max_cells = _limit("SLACTL_XLSX_MAX_CELLS", 50_000_000)
    cells = row = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            for values in ws.iter_rows(values_only=True):
                row += 1
                cells += len(values) or 1
                if cells > max_cells:
                    raise InputError(f"{path}: more than {max_cells:,} cells by row {row:,} (the limit for a "
                                     "sheet); if the file is genuine, raise it with SLACTL_XLSX_MAX_CELLS, "
                                     "or save the sheet as CSV")
                rec = [cell_text(v) for v in values]
                if not any(rec):
                    yield []  # a blank row: not a record, like a blank CSV line
                    continue
                yield rec
        except InputError:
            raise
        except Exception as e:  # the sheet's XML breaks off or is not XML past some row
            raise InputError(f"{path} cannot be read as an .xlsx workbook after row {row:,} "
                             f"({type(e).__name__}: {e}); save the sheet as CSV and score that") from None


def _padded(rows: Iterator[list[str]], width: int) -> Iterator[list[str]]:
    """Records cut or padded to the header's width where the cells beyond it are empty."""
    for rec in rows:
        if rec and len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        elif len(rec) > width and not any(rec[width:]):
            del rec[width:]
        yield rec
