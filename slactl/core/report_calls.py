"""The customer report's phone section: each agreement's call objectives per queue and
window, attached to its section as values (``Section.extras["calls"]``, README "Calls");
:mod:`slactl.reporters.report_extras` words them in the page's language, shipped or a
workspace's own, when the page is written.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from slactl.core.calls import CallRow

__all__ = ["calls_extras", "call_values", "judged_number"]


def judged_number(value: float, bound: float | None, *, higher_is_better: bool, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, or more where fewer would hide which side of ``bound``
    it is on (a missed 79.96 % never shows as 80 %); trailing zeros dropped."""
    def good(v: float) -> bool:
        return bound is None or (v >= bound if higher_is_better else v <= bound)

    shown = round(value, digits)
    while good(shown) != good(value) and digits < 3:
        digits += 1
        shown = round(value, digits)
    if good(shown) != good(value):  # still on the wrong side: cut towards the truth
        step = 10 ** digits
        shown = (math.floor if higher_is_better else math.ceil)(value * step) / step
    out = f"{shown:.{digits}f}"
    return out.rstrip("0").rstrip(".") if "." in out else out


def call_values(row: CallRow) -> dict[str, Any]:
    """One queue x window of the phone section: its figures, its objective's targets, its verdicts."""
    o = row.objective
    return {"queue": row.queue, "window": row.window, "window_kind": row.window_kind, "partial": row.partial,
            "offered": row.offered, "answered": row.answered, "abandoned": row.abandoned,
            "asa_seconds": row.asa_seconds, "abandonment_pct": row.abandonment_pct,
            "service_level_pct": row.service_level_pct, "answered_within_seconds": o.answered_within,
            "service_level_target_pct": o.service_level_target, "abandonment_max_pct": o.abandonment_max,
            "asa_max_seconds": o.asa_max, "met": dict(row.met)}


def calls_extras(sections: Iterable[Any], rows: list[CallRow]) -> None:
    """Attach, to every section whose agreement has call rows, its ``calls`` rows (per queue and window)."""
    by_agreement: dict[str, list[CallRow]] = {}
    for row in rows:
        by_agreement.setdefault(row.agreement, []).append(row)
    for section in sections:
        mine = by_agreement.get(section.agreement.name)
        if mine:
            section.extras["calls"] = {"kind": "calls", "rows": [call_values(r) for r in mine]}
