"""Making data cells safe for spreadsheets (shared by the CSV reporters)."""
from __future__ import annotations

FORMULA_STARTS = frozenset("=+-@\t\r")


def csv_cell(value: object) -> object:
    """Neutralise spreadsheet formulas (OWASP CSV injection); numbers pass as they are.

    A bare CR becomes a line break, so no writer setting can leave it unquoted for a
    spreadsheet to start a new row (with an unchecked first cell) there."""
    if isinstance(value, str) and value:
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if value[0] in FORMULA_STARTS:
            return "'" + value
    return value
