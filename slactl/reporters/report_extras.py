"""The report's added sections (``Section.extras``) as tables in the reader's language.

Availability and credits (:mod:`slactl.core.report_availability`) and calls
(:mod:`slactl.core.report_calls`) arrive as values and are written here with
:mod:`slactl.i18n`, in any language the page takes; any other extra is a ready table
``{"title", "headers", "rows", "note"}`` shown as it is (its feature translates it).
A new kind of section: add a function to ``_KINDS`` and its words to the catalogues.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

from slactl.core.report_calls import judged_number
from slactl.i18n import duration, money, month_label, number, percent, text, window_label


class ExtraTable(NamedTuple):
    title: str
    headers: list[tuple[str, bool]]  # (heading, numeric)
    rows: list[list[str]]
    note: str


def _verdict(ok: bool | None, lang: str) -> str:
    return text(lang, "verdict_n/a" if ok is None else "verdict_met" if ok else "verdict_missed")


def _window(lang: str, window: str, partial: bool) -> str:
    """``2026-10`` -> ``October 2026`` / ``октябрь 2026``, ``2026-Q4`` -> ``Q4 2026``, weeks in words;
    running ones marked."""
    shown = window_label(lang, window)
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
                     _left(lang, r["budget_left_minutes"], calendar), number(lang, r["outages"])])
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


def _call_seconds(lang: str, seconds: float | None, bound: float | None = None) -> str:
    """``27 s``, ``30,4 с`` (a decimal only where it decides the verdict), ``1 min 5 s``."""
    if seconds is None:
        return "–"
    from decimal import Decimal

    s_, min_ = text(lang, "second_short"), text(lang, "minute_short")
    if seconds < 60 or (bound is not None and round(seconds) == round(bound) and seconds != bound):
        shown = judged_number(seconds, bound, higher_is_better=False, digits=0)
        return number(lang, Decimal(shown), decimals=3) + f" {s_}"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} {min_} {rest} {s_}" if rest else f"{minutes} {min_}"


def _call_cells(lang: str, r: dict[str, Any]) -> list[str]:
    sl = percent(lang, r["service_level_pct"], r["service_level_target_pct"])
    if r["answered_within_seconds"] is not None and r["service_level_target_pct"] is not None:
        sl += " (" + text(lang, "calls_target_within", pct=percent(lang, r["service_level_target_pct"]),
                          within=_call_seconds(lang, r["answered_within_seconds"])) + ")"
    ab = percent(lang, r["abandonment_pct"], r["abandonment_max_pct"], higher_is_better=False)
    if r["abandonment_max_pct"] is not None:
        ab += " (" + text(lang, "calls_max", value=percent(lang, r["abandonment_max_pct"])) + ")"
    asa = _call_seconds(lang, r["asa_seconds"], r["asa_max_seconds"])
    if r["asa_max_seconds"] is not None:
        asa += " (" + text(lang, "calls_max", value=_call_seconds(lang, r["asa_max_seconds"])) + ")"
    verdicts = [f"{text(lang, 'calls_' + name)}: "
                f"{text(lang, 'verdict_no data' if ok is None else 'verdict_met' if ok else 'verdict_missed')}"
                for name, ok in r["met"].items()]
    window = month_label(lang, r["window"]) if r["window_kind"] == "month" else window_label(lang, r["window"])
    shown = text(lang, "calls_so_far", window=window) if r["partial"] else window
    return [r["queue"], shown, number(lang, r["offered"]), number(lang, r["answered"]), number(lang, r["abandoned"]),
            asa, ab, sl, "; ".join(verdicts)]


def _calls(extra: dict[str, Any], lang: str) -> ExtraTable:
    heads = ("calls_queue", "period", "calls_offered", "calls_answered", "calls_abandoned", "calls_asa",
             "calls_abandonment", "calls_service_level", "verdict")
    return ExtraTable(text(lang, "calls_title"), [(text(lang, k), False) for k in heads],
                      [_call_cells(lang, r) for r in extra["rows"]], text(lang, "calls_note"))


_KINDS: dict[str, Callable[[dict[str, Any], str], ExtraTable]] = {"availability": _availability,
                                                                  "credits": _credits, "calls": _calls}


def extra_tables(section: dict[str, Any], lang: str) -> list[ExtraTable]:
    """Every added section of a report section, in order, ready to draw."""
    out = []
    for extra in section.get("extras", {}).values():
        kind = _KINDS.get(str(extra.get("kind")))
        if kind is not None:
            out.append(kind(extra, lang))
        else:
            out.append(ExtraTable(str(extra.get("title", "")), [(str(h), False) for h in extra.get("headers", [])],
                                  [[str(c) for c in row] for row in extra.get("rows", [])],
                                  str(extra.get("note") or "")))
    return out
