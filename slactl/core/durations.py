"""Durations as written in agreements: ``45m``, ``4h``, ``1h30m``, ``2d``, ``1w`` or ISO 8601 ``PT4H``."""
from __future__ import annotations

import re

_SHORT = re.compile(r"(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_ISO = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_UNITS = (7 * 86400, 86400, 3600, 60, 1)


def parse_duration(text: str) -> int:
    """Seconds in ``text``; ValueError with a readable reason otherwise."""
    s = text.strip()
    m = _SHORT.fullmatch(s) or _ISO.fullmatch(s)
    if not s or not m or not any(m.groups()) or s in ("P", "PT") or s.endswith("T"):
        raise ValueError(f"'{text}' is not a duration (use 20s, 45m, 4h, 1h30m, 2d, 1w or ISO 8601 like PT4H)")
    seconds = sum(int(g) * unit for g, unit in zip(m.groups(), _UNITS) if g)
    if seconds <= 0:
        raise ValueError(f"'{text}' is zero; a target must be positive")
    return seconds


def uses_days(text: str) -> bool:
    """True when the duration counts days or weeks (ambiguous on a business clock)."""
    s = text.strip()
    return bool(re.search(r"\d+[dw]", s) or re.match(r"P(\d+W)?(\d+D)", s))


def human_minutes(minutes: float, *, calendar: bool = True) -> str:
    """How people read a duration: 0.5 -> '30 s', 85 -> '1 h 25 min', 3000 -> '2 d 2 h' (calendar
    time; business time, ``calendar=False``, stays in hours: '50 h'), -5 -> '-5 min'.
    The words come from :func:`slactl.core.figures.duration_text`, the one duration writer."""
    from slactl.core.figures import duration_text

    if minutes < 0:
        return "-" + human_minutes(-minutes, calendar=calendar)
    if minutes < 1:
        return f"{round(minutes * 60)} s" if minutes else "0 min"
    return duration_text(minutes, calendar=calendar)
