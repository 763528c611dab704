"""The layout of a report sheet around its table: where the header is, and a footer.

A reporting download (Zammad's, for one) is not a plain table: a bold title row, a
blank row, the header on row 3, the records, then a blank row and a footer such as
``Timezone: Europe/Berlin``. ``find_header`` takes the first row, within the first
``HEADER_ROWS`` rows, that looks like a header (of a known preset, when the caller
says how to tell); ``until_footer`` ends the records at such a footer and keeps what
it says (the zone of the sheet's times), so the footer is never read as a ticket.
Both look at each row once, and the footer check costs one string comparison a row.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain

HEADER_ROWS = 30  # rows searched for the header

# "Timezone: Europe/Berlin" (and the words of a localised desk)
_FOOTER = re.compile(r"\s*(?:time\s?zone|zeitzone|fuseau horaire|zona horaria|часовой пояс)\s*:\s*(\S+)\s*$",
                     re.IGNORECASE)
_FIRST = frozenset("TtZzFfЧч")


@dataclass
class Layout:
    """Where the table of a sheet is and what its footer says."""

    header_row: int = 1  # 1-based row of the header in the sheet
    footer: str = ""  # the footer line as written ("" without one)
    footer_zone: str = ""  # the zone the footer names
    after_footer: int = 0  # non-blank rows after the footer (not read)


def footer_zone(rec: list[str]) -> str | None:
    """The zone a footer row names (``Timezone: Europe/Berlin``: its one non-empty cell), else None."""
    first = rec[0] if rec else ""
    if not first or first.lstrip()[:1] not in _FIRST or ":" not in first or any(c.strip() for c in rec[1:]):
        return None
    m = _FOOTER.match(first)
    return m.group(1) if m else None


def _filled(rec: list[str]) -> int:
    return sum(1 for c in rec if c.strip())


def find_header(rows: Iterator[list[str]], looks_like: Callable[[set[str]], bool] | None,
                layout: Layout) -> tuple[list[str], Iterator[list[str]]]:
    """(the header, the records after it). The header is the first of the first ``HEADER_ROWS``
    rows that ``looks_like`` accepts (given the row's normalised names); without one, the first
    row filled at least half as wide as the widest of them (a title row above a table is
    narrower); an empty sheet has the header ``[]``. Blank rows come as ``[]``."""
    from slactl.exports.presets import norm

    held: list[list[str]] = []
    for rec in rows:
        held.append(rec)
        if rec and looks_like is not None and looks_like({norm(c) for c in rec if c.strip()}):
            layout.header_row = len(held)
            return rec, rows
        if len(held) >= HEADER_ROWS:
            break
    filled = [_filled(r) for r in held]
    if not any(filled):
        return [], chain(held, rows)
    widest = max(filled)
    at = next(i for i, n in enumerate(filled) if n and n >= min(widest, max(2, (widest + 1) // 2)))
    layout.header_row = at + 1
    return held[at], chain(held[at + 1:], rows)


def until_footer(rows: Iterator[list[str]], layout: Layout) -> Iterator[list[str]]:
    """The records up to a footer row (``Timezone: ...``); the footer and the rows after it are
    not records (the rows after it are counted in ``layout.after_footer``)."""
    first = _FIRST
    for rec in rows:
        if rec and rec[0][:1] in first:
            z = footer_zone(rec)
            if z is not None:
                layout.footer, layout.footer_zone = rec[0].strip(), z
                layout.after_footer = sum(1 for r in rows if r and any(c.strip() for c in r))
                return
        yield rec

