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


def human_minutes(minutes: float) -> str:
    """How people read a duration: 0.5 -> '30 s', 85 -> '1 h 25 min', 3000 -> '2 d 2 h', -5 -> '-5 min'."""
    if minutes < 0:
        return "-" + human_minutes(-minutes)
    if minutes < 1:
        return f"{round(minutes * 60)} s" if minutes else "0 min"
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    if whole < 48 * 60:
        h, m = divmod(whole, 60)
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(round(minutes / 60), 24)
    return f"{d} d {h} h" if h else f"{d} d"
