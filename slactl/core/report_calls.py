"""The customer report's phone section: each agreement's call objectives per queue and
window, as a ``Section.extras`` table in every language of the catalogue (README "Calls").

The page's language is chosen when it is written (``--lang``, the agreement's, per mailed
customer), so the table is made in each language and ``localized`` picks one.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from slactl.core.calls import CallRow
from slactl.i18n import LANGUAGES, month_label, text

__all__ = ["calls_extras", "localized", "judged_number"]


def localized(extra: dict[str, Any], lang: str) -> dict[str, Any]:
    """The ``lang`` variant of a report extra that carries ``languages``, else the extra itself."""
    variants = extra.get("languages")
    return variants.get(lang, extra) if isinstance(variants, dict) else extra


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


def _number(lang: str, number: str) -> str:
    """A figure :func:`judged_number` wrote, with the language's decimal sign."""
    from decimal import Decimal

    from slactl.i18n.formats import number as formatted

    return formatted(lang, Decimal(number), decimals=3)


def _pct(lang: str, value: float | None, bound: float | None = None, *, higher_is_better: bool = True) -> str:
    """``79.96%`` / ``79,96 %``: as the language writes a percentage, never on the wrong side of ``bound``."""
    if value is None:
        return "–"
    from decimal import Decimal

    from slactl.i18n.formats import percent_of

    return percent_of(lang, Decimal(judged_number(value, bound, higher_is_better=higher_is_better)))


def _seconds(lang: str, seconds: float | None, bound: float | None = None) -> str:
    """``27 s``, ``30,4 с`` (a decimal only where it decides the verdict), ``1 min 5 s``."""
    if seconds is None:
        return "–"
    s_, min_ = text(lang, "second_short"), text(lang, "minute_short")
    if seconds < 60 or (bound is not None and round(seconds) == round(bound) and seconds != bound):
        return _number(lang, judged_number(seconds, bound, higher_is_better=False, digits=0)) + f" {s_}"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} {min_} {rest} {s_}" if rest else f"{minutes} {min_}"


def _verdict(lang: str, ok: bool | None) -> str:
    return text(lang, "verdict_no data" if ok is None else "verdict_met" if ok else "verdict_missed")


def _window(lang: str, row: CallRow) -> str:
    label = month_label(lang, row.window) if row.window_kind == "month" else row.window
    return text(lang, "calls_so_far", window=label) if row.partial else label


def _cells(lang: str, row: CallRow) -> list[str]:
    o, met = row.objective, row.met
    sl = _pct(lang, row.service_level_pct, o.service_level_target)
    if o.answered_within is not None and o.service_level_target is not None:
        sl += " (" + text(lang, "calls_target_within", pct=_pct(lang, o.service_level_target),
                          within=_seconds(lang, o.answered_within)) + ")"
    ab = _pct(lang, row.abandonment_pct, o.abandonment_max, higher_is_better=False)
    if o.abandonment_max is not None:
        ab += " (" + text(lang, "calls_max", value=_pct(lang, o.abandonment_max)) + ")"
    asa = _seconds(lang, row.asa_seconds, o.asa_max)
    if o.asa_max is not None:
        asa += " (" + text(lang, "calls_max", value=_seconds(lang, o.asa_max)) + ")"
    verdicts = [f"{text(lang, 'calls_' + name)}: {_verdict(lang, ok)}" for name, ok in met.items()]
    return [row.queue, _window(lang, row), str(row.offered), str(row.answered), str(row.abandoned), asa, ab, sl,
            "; ".join(verdicts)]


def _table(lang: str, rows: list[CallRow]) -> dict[str, object]:
    heads = ("calls_queue", "period", "calls_offered", "calls_answered", "calls_abandoned", "calls_asa",
             "calls_abandonment", "calls_service_level", "verdict")
    return {"title": text(lang, "calls_title"), "headers": [text(lang, k) for k in heads],
            "rows": [_cells(lang, r) for r in rows], "note": text(lang, "calls_note")}


def calls_extras(sections: Iterable[Any], rows: list[CallRow]) -> None:
    """Attach, to every section whose agreement has call rows, a ``calls`` table (per queue and
    window) in each language."""
    by_agreement: dict[str, list[CallRow]] = {}
    for row in rows:
        by_agreement.setdefault(row.agreement, []).append(row)
    for section in sections:
        mine = by_agreement.get(section.agreement.name)
        if not mine:
            continue
        extra = _table("en", mine)
        extra["languages"] = {lang: _table(lang, mine) for lang in LANGUAGES}
        section.extras["calls"] = extra
