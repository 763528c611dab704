"""Excel workbooks (``.xlsx``) as exports: one sheet streamed row by row.

``openpyxl`` in read-only mode reads the sheet's XML as it goes, so memory
stays flat whatever the number of rows (imported only when a workbook is
read). Cells become the text a CSV export would hold: dates and times as ISO
8601 (naive, read in ``--tz`` like any naive timestamp), whole numbers without
``.0``, empty cells as "". The row reader then treats the records exactly as
CSV records. A report sheet's title rows above the header and its footer
(``Timezone: Europe/Berlin``) are found by ``slactl.exports.sheetlayout``.
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
        found, rows = find_header(_records(ws), looks_like, stream.layout)
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


def _records(ws: Any) -> Iterator[list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for values in ws.iter_rows(values_only=True):
            rec = [cell_text(v) for v in values]
            if not any(rec):
                yield []  # a blank row: not a record, like a blank CSV line
                continue
            yield rec


def _padded(rows: Iterator[list[str]], width: int) -> Iterator[list[str]]:
    """Records cut or padded to the header's width where the cells beyond it are empty."""
    for rec in rows:
        if rec and len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        elif len(rec) > width and not any(rec[width:]):
            del rec[width:]
        yield rec
