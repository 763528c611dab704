"""Numbers, percentages, money, dates, plurals and durations as each language writes them.

CLDR data through Babel: "99,83 %" / "99.83%", "3 000,00 €" / "€3,000.00",
"1 декабря 2026" / "1 December 2026". Babel is imported inside the functions, so only
the commands that format pages pay for its locale data. Which figure is shown (how a
percentage is rounded, when a duration has days) is decided here once for every
language; the language decides only how it is written.
"""
from __future__ import annotations

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


def number(lang: str, value: float | int | Decimal, decimals: int = 0) -> str:
    """``1 234,5`` / ``1,234.5``: at most ``decimals`` decimals, trailing zeros dropped."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=_locale(lang)))


def percent(lang: str, value: float | None, target: float | None = None, *, higher_is_better: bool = True) -> str:
    """``97.5%`` / ``97,5 %``: the figure :func:`slactl.core.figures.percent_text` shows (one
    decimal or the target's, cut towards the side that misses: down, or up for a figure where
    lower is better), as the language writes a percentage; ``–`` when there is none."""
    if value is None:
        return DASH
    from babel.numbers import format_percent

    from slactl.core.figures import percent_text

    return str(format_percent(Decimal(percent_text(value, target, higher_is_better=higher_is_better)) / 100,
                              locale=_locale(lang),
                              decimal_quantization=False))


def percent_of(lang: str, shown: Decimal) -> str:
    """The percentage ``shown`` (already rounded as it must be shown) as the language writes it."""
    from babel.numbers import format_percent

    return str(format_percent(shown / 100, locale=_locale(lang), decimal_quantization=False))


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


def window_label(lang: str, window: str) -> str:
    """A measuring window's label in words: ``2026-10`` -> ``October 2026`` / ``октябрь 2026``,
    ``2026-Q4`` -> ``Q4 2026``, ``2026-W45`` -> ``week 45, 2026`` / ``45-я неделя 2026``;
    anything else as it is."""
    year, _, rest = window.partition("-")
    if not year.isdigit():
        return window
    if rest.isdigit():
        first = date(int(year), int(rest), 1)
        return period_text(lang, "month", first, first)
    if rest[:1] == "Q" and rest[1:].isdigit():
        return text(lang, "quarter", q=int(rest[1:]), year=int(year))
    if rest[:1] == "W" and rest[1:].isdigit():
        return text(lang, "week", week=int(rest[1:]), year=int(year))
    return window


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


def duration(lang: str, minutes: float | None, *, calendar: bool = False) -> str:
    """Minutes in words: ``45 min``, ``2 h 32 min`` / ``2 ч 32 мин``, business time in hours
    (``40 h``), days only for ``calendar`` (24x7) time; ``–`` when there is none. What is shown
    is :func:`slactl.core.figures.duration_text`'s decision; the unit words are the language's."""
    if minutes is None:
        return DASH
    from slactl.core.figures import duration_text

    units = (text(lang, "day_short"), text(lang, "hour_short"), text(lang, "minute_short"), text(lang, "second_short"))
    return duration_text(minutes, units, calendar=calendar)


def time_of_day(moment: Any) -> str:
    """``14:05``: every shipped language writes the time of day in 24 hours."""
    return f"{moment:%H:%M}"
