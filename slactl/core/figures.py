"""How figures are shown to people: the one display rounding of a percentage and the one
way a duration is written (README "How figures are shown"). Pure; the words of each
language ("h", "ч") come from the caller (``slactl.i18n``).

* A percentage shows one decimal, or as many as its target has, and is cut towards the
  side that misses, never rounded across it: a compliance, an availability or a service
  level (higher is better) is cut down, 79.17 % shows "79.1", 99.96 % shows "99.9"; an
  abandonment rate (lower is better) is cut up, 5.04 % shows "5.1". A figure that misses
  its target therefore never shows as meeting it. The JSON keeps the figures unrounded
  or at two decimals.
* Business time (open hours on an agreement's calendar) is written in hours and minutes:
  "40 h", "2 h 32 min". Days appear only for calendar time (a 24x7 clock, wall-clock
  time), where a day is 24 hours: "3 d 4 h".
"""
from __future__ import annotations

import math


def decimals_of(target: float | None) -> int:
    """The decimals a percentage is shown with next to ``target``: one, or the target's own."""
    if target is None:
        return 1
    text = f"{target:.6f}".rstrip("0")
    return max(1, len(text.split(".")[1]) if "." in text else 0)


def percent_text(value: float, target: float | None = None, *, higher_is_better: bool = True) -> str:
    """``value`` cut to its display decimals towards the side that misses (see the module):
    ``79.1``, ``100``; cut up for a figure where lower is better (``higher_is_better=False``)."""
    places = decimals_of(target)
    scale = 10 ** places
    cut = math.floor(value * scale + 1e-9) if higher_is_better else math.ceil(value * scale - 1e-9)
    written = f"{cut / scale:.{places}f}"
    return written.rstrip("0").rstrip(".")


UNITS_EN = ("d", "h", "min", "s")


def duration_text(minutes: float, units: tuple[str, str, str, str] = UNITS_EN, *, calendar: bool = False) -> str:
    """A duration in words: business time in hours and minutes ("40 h", "2 h 32 min", "45 min",
    "< 1 min"); with ``calendar`` (24x7 or wall-clock time) days from 48 h on ("3 d 4 h").
    ``units``: the words for day, hour, minute and second."""
    d_, h_, m_, _ = units
    if minutes < 0:
        return "-" + duration_text(-minutes, units, calendar=calendar)
    total = int(round(minutes))
    if total < 60:
        return f"{total} {m_}" if total or minutes == 0 else f"< 1 {m_}"
    hours, mins = divmod(total, 60)
    if calendar and hours >= 48:
        days, hours = divmod(int(round(minutes / 60)), 24)
        return f"{days} {d_} {hours} {h_}" if hours else f"{days} {d_}"
    return f"{hours} {h_} {mins} {m_}" if mins else f"{hours} {h_}"
