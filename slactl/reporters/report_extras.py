"""The report's added sections (``Section.extras``) as tables in the reader's language.

Availability and credits arrive as values (:mod:`slactl.core.report_availability`) and
are written here with :mod:`slactl.i18n`; any other extra is a ready table
``{"title", "headers", "rows", "note"}`` shown as it is (its feature translates it).
A new kind of section: add a function to ``_KINDS`` and its words to the catalogues.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

from slactl.core.report_calls import localized
from slactl.i18n import duration, money, percent, text


class ExtraTable(NamedTuple):
    title: str
    headers: list[tuple[str, bool]]  # (heading, numeric)
    rows: list[list[str]]
    note: str


def _verdict(ok: bool | None, lang: str) -> str:
    return text(lang, "verdict_n/a" if ok is None else "verdict_met" if ok else "verdict_missed")


def _window(lang: str, window: str, partial: bool) -> str:
    """``2026-10`` -> ``October 2026`` / ``октябрь 2026``, ``2026-Q4`` -> ``Q4 2026``; running ones marked."""
    from datetime import date

    from slactl.i18n import period_text

    year, _, rest = window.partition("-")
    shown = window
    if year.isdigit() and rest.isdigit():
        first = date(int(year), int(rest), 1)
        shown = period_text(lang, "month", first, first)
    elif year.isdigit() and rest[:1] == "Q" and rest[1:].isdigit():
        first = date(int(year), 3 * int(rest[1:]) - 2, 1)
        shown = period_text(lang, "quarter", first, first)
    return text(lang, "window_so_far", window=shown) if partial else shown


def _left(lang: str, minutes: float, calendar: bool) -> str:
    if minutes >= 0:
        return duration(lang, minutes, calendar=calendar)
    return text(lang, "over_by_value", duration=duration(lang, -minutes, calendar=calendar))


def _availability(extra: dict[str, Any], lang: str) -> ExtraTable:
    heads = [("service", False), ("window", False), ("availability", True), ("target", True), ("verdict", False),
             ("downtime", True), ("budget_left", True), ("outages", True)]
    rows = []
    for r in extra["rows"]:
        calendar = r.get("calendar", "24x7") == "24x7"  # days only for calendar time
        rows.append([r["service"], _window(lang, r["window"], r["partial"]),
                     percent(lang, r["availability_pct"], r["target_pct"]), percent(lang, r["target_pct"], r["target_pct"]),
                     _verdict(r["ok"], lang), duration(lang, r["downtime_minutes"], calendar=calendar),
                     _left(lang, r["budget_left_minutes"], calendar), str(r["outages"])])
    return ExtraTable(text(lang, "avail_title"), [(text(lang, k), n) for k, n in heads], rows,
                      text(lang, "avail_note"))


def _cause(lang: str, c: dict[str, Any]) -> str:
    values = {"value": percent(lang, c["value"], c["below"]), "threshold": percent(lang, c["below"], c["below"]),
              "credit": percent(lang, c["credit_pct"], c["credit_pct"])}
    if c["kind"] == "availability":
        return text(lang, "credit_reason_availability", service=c["of"], **values)
    return text(lang, "credit_reason_compliance", metric=text(lang, "metric_" + c["of"]), **values)


def _credits(extra: dict[str, Any], lang: str) -> ExtraTable:
    heads = [("month", False), ("credit", True), ("amount", True), ("reasons", False)]
    rows = []
    for c in extra["rows"]:
        credit = percent(lang, c["credit_pct"], c["credit_pct"])
        rows.append([_window(lang, c["window"], c["partial"]),
                     text(lang, "credit_capped", credit=credit) if c["capped"] else credit,
                     money(lang, c["amount"], c["currency"]),
                     "; ".join(_cause(lang, x) for x in c["causes"]) or text(lang, "credit_none")])
    return ExtraTable(text(lang, "credits_title"), [(text(lang, k), n) for k, n in heads], rows,
                      text(lang, "credits_note"))


_KINDS: dict[str, Callable[[dict[str, Any], str], ExtraTable]] = {"availability": _availability,
                                                                  "credits": _credits}


def extra_tables(section: dict[str, Any], lang: str) -> list[ExtraTable]:
    """Every added section of a report section, in order, ready to draw."""
    out = []
    for extra in section.get("extras", {}).values():
        extra = localized(extra, lang)  # calls: made in each language (slactl.core.report_calls)
        kind = _KINDS.get(str(extra.get("kind")))
        if kind is not None:
            out.append(kind(extra, lang))
        else:
            out.append(ExtraTable(str(extra.get("title", "")), [(str(h), False) for h in extra.get("headers", [])],
                                  [[str(c) for c in row] for row in extra.get("rows", [])],
                                  str(extra.get("note") or "")))
    return out
