"""Numbers, percentages, money, dates, plurals and durations as each language writes them.

CLDR data through Babel: "99,83 %" / "99.83%", "3 000,00 €" / "€3,000.00",
"1 декабря 2026" / "1 December 2026". Babel is imported inside the functions, so only
the commands that format pages pay for its locale data. Which figure is shown (how a
percentage is rounded, when a duration has days) is decided here once for every
language; the language decides only how it is written.
"""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from slactl.i18n.catalogues import plural_template, text

DASH = "–"


@lru_cache(maxsize=None)
def _locale(lang: str) -> Any:
    """Babel's locale for ``lang``; English formats for a language CLDR does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _floor(value: float, decimals: int) -> Decimal:
    """Cut (not round) to ``decimals``: 99.96 shown with one decimal is 99.9, never a rounded-up 100."""
    scale = 10 ** decimals
    return Decimal(math.floor(value * scale + 1e-9)) / scale


def number(lang: str, value: float | int | Decimal, decimals: int = 0) -> str:
    """``1 234,5`` / ``1,234.5``: at most ``decimals`` decimals, trailing zeros dropped."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=_locale(lang)))


def _percent(lang: str, shown: Decimal) -> str:
    from babel.numbers import format_percent

    return str(format_percent(shown / 100, locale=_locale(lang), decimal_quantization=False))


def percent(lang: str, value: float | None) -> str:
    """Compliance: ``97.5%`` / ``97,5 %``, one decimal cut, not rounded; ``–`` when there is none."""
    if value is None:
        return DASH
    return _percent(lang, _floor(value, 1).normalize())


def percent_fine(lang: str, value: float | None, decimals: int = 2) -> str:
    """Availability and credits, where hundredths matter: ``99.83%`` / ``99,83 %`` (cut, not rounded)."""
    if value is None:
        return DASH
    shown = _floor(value, decimals)
    return _percent(lang, shown.quantize(Decimal(1)) if shown == shown.to_integral() else shown.normalize())


def money(lang: str, amount: float | None, currency: str | None) -> str:
    """``€3,000.00`` / ``3 000,00 €``; without a currency, the amount with two decimals."""
    if amount is None:
        return DASH
    from babel.numbers import format_currency, format_decimal

    if not currency:
        return str(format_decimal(amount, format="#,##0.00", locale=_locale(lang)))
    try:
        return str(format_currency(amount, currency, locale=_locale(lang)))
    except ValueError:  # a code CLDR does not know: written after the amount
        return f"{format_decimal(amount, format='#,##0.00', locale=_locale(lang))} {currency}"


def day_text(lang: str, day: date) -> str:
    """``30 November 2026`` / ``30 ноября 2026``."""
    from babel.dates import format_date

    return str(format_date(day, text(lang, "date_pattern"), locale=_locale(lang)))


date_text = day_text


def month_year(lang: str, day: date) -> str:
    """``November 2026`` / ``ноябрь 2026`` (the form that stands alone in a heading)."""
    from babel.dates import format_date

    return str(format_date(day, text(lang, "month_pattern"), locale=_locale(lang)))


def month_label(lang: str, label: str) -> str:
    """``2026-11`` -> ``Nov 2026`` / ``нояб. 2026`` (chart axes)."""
    from babel.dates import format_date

    year, month = label.split("-")
    return str(format_date(date(int(year), int(month), 1), text(lang, "month_short_pattern"), locale=_locale(lang)))


def period_text(lang: str, kind: str, first: date, last: date) -> str:
    """A period in words: ``November 2026``, ``Q4 2026``, ``2026``, ``5 November 2026``,
    ``1 October 2026 – 31 December 2026``."""
    if kind == "month":
        return month_year(lang, first)
    if kind == "quarter":
        return text(lang, "quarter", q=(first.month - 1) // 3 + 1, year=first.year)
    if kind == "year":
        return str(first.year)
    if first == last:
        return day_text(lang, first)
    return text(lang, "period_range", start=day_text(lang, first), end=day_text(lang, last))


def plural(lang: str, key: str, n: int, **values: object) -> str:
    """The plural message ``key`` for ``n``: ``1 day``, ``39 days``; ``1 день``, ``3 дня``, ``39 дней``."""
    return plural_template(lang, key, n).format(n=number(lang, n), **values)


def days_text(lang: str, n: int) -> str:
    return plural(lang, "n_days", n)


def duration_parts(minutes: float) -> list[tuple[int, str]]:
    """What a duration shows, for every language: ``[(1, "hour"), (25, "minute")]``;
    ``[]`` for under a minute (shown "< 1 min")."""
    total = int(round(minutes))
    if total < 60:
        return [(total, "minute")] if total or minutes == 0 else []
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return [(days, "day"), (hours, "hour")] if hours else [(days, "day")]
    return [(hours, "hour"), (mins, "minute")] if mins else [(hours, "hour")]


_UNIT_KEYS = {"day": "day_short", "hour": "hour_short", "minute": "minute_short", "second": "second_short"}


def duration(lang: str, minutes: float | None) -> str:
    """Minutes in words: ``45 min``, ``1 h 25 min`` / ``1 ч 25 мин``; ``–`` when there is none."""
    if minutes is None:
        return DASH
    if minutes < 0:
        return "−" + duration(lang, -minutes)
    parts = duration_parts(minutes)
    if not parts:
        return f"< 1 {text(lang, 'minute_short')}"
    return " ".join(f"{number(lang, n)} {text(lang, _UNIT_KEYS[unit])}" for n, unit in parts)


def time_of_day(moment: Any) -> str:
    """``14:05``: every shipped language writes the time of day in 24 hours."""
    return f"{moment:%H:%M}"
