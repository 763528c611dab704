"""The calendar years slactl computes in: 1970 to 2200.

Export timestamps outside these years are rejected (``exports.timeformats``
MIN_YEAR/MAX_YEAR hold the same numbers), and so are an ``--as-of`` or a
``--period`` outside them: the business-hours clock builds each year it is
asked about, so a far-future "now" (``--as-of 9999-12-31``) would cost minutes
and gigabytes for one open ticket, and year 1 or 9999 cannot be moved into
every time zone. Pure.
"""
from __future__ import annotations

from datetime import date

__all__ = ["FIRST_YEAR", "LAST_YEAR", "outside"]

FIRST_YEAR = 1970
LAST_YEAR = 2200


def outside(*days: date) -> str | None:
    """None when every day is inside the supported years, else the words saying which are."""
    if all(FIRST_YEAR <= d.year <= LAST_YEAR for d in days):
        return None
    return f"outside the years slactl computes in ({FIRST_YEAR} to {LAST_YEAR})"
