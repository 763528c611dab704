"""An independent reference for support hours, written from the README's rules, not from slactl's code.

Entries are (local month label, minutes, billable); an agreement's terms a plain dict.
Months are walked one by one from the period's first month: included hours plus what
rolled in are used first, then the bank, the rest is overage.
"""
from __future__ import annotations

import math


def month_labels(first: tuple[int, int], last: tuple[int, int]) -> list[str]:
    y, m = first
    out = []
    while (y, m) <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def quarter_of(month_label: str) -> str:
    y, m = month_label.split("-")
    return f"{y}-Q{(int(m) - 1) // 3 + 1}"


def reference(terms: dict, windows: list[str], entries: list[tuple[str, int, bool]]) -> dict[str, dict]:
    """Per window label: logged, billable, included (with rollover), rollover_in, bank_used,
    bank_left, overage and amount, in hours (unrounded)."""
    step = terms.get("rounding_minutes", 0)
    included = terms.get("included", 0)
    bank_left = terms.get("bank", 0)
    rollover = terms.get("rollover", False)
    billable_only = terms.get("billable_only", True)
    carried = 0.0
    out = {}
    for w in windows:
        mine = [(mins, bill) for label, mins, bill in entries if label == w]
        logged = sum(mins for mins, _ in mine) / 60
        counted = 0
        for mins, bill in mine:
            if billable_only and not bill:
                continue
            counted += (math.ceil(mins / step) * step) if step else mins
        billable = counted / 60
        available = included + carried
        from_included = min(billable, available)
        rest = billable - from_included
        bank_used = min(rest, bank_left)
        bank_left -= bank_used
        overage = rest - bank_used
        out[w] = {"logged_hours": logged, "billable_hours": billable, "included_hours": available,
                  "rollover_in_hours": carried, "bank_used_hours": bank_used, "bank_left_hours": bank_left,
                  "overage_hours": overage,
                  "amount": overage * terms["rate"] if terms.get("rate") is not None else None}
        carried = (available - from_included) if rollover else 0.0
    return out
