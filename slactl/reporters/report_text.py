"""``slactl report`` as plain text (also the mail's text part), Markdown and JSON.

The same figures as the HTML page (:mod:`slactl.reporters.report_html`), in the
reader's language; the JSON is :func:`slactl.core.reportdata.report_data` itself
plus the language, so other tools can draw their own charts.
"""
from __future__ import annotations

import json
from typing import IO, Any, Callable

from slactl.i18n import duration, number, percent, text
from slactl.reporters.report_extras import extra_tables
from slactl.reporters.report_html import (
    agreement_period_words, as_of_words, breach_rows, due_words, metric_words, page_title, period_words,
)
from slactl.sanitize import terminal_text

Table = tuple[str, list[str], list[list[str]], int, str]
"""(title, headers, rows, how many more were cut, a note under it)."""


def _objective_rows(s: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    heads = [text(lang, k) for k in ("priority", "metric", "tickets", "met", "breached", "pending", "compliance",
                                     "target", "median", "p90_short", "verdict")]
    rows = [[o["priority"], metric_words(lang, o["metric"], o["target_minutes"]), number(lang, o["tickets"]), number(lang, o["met"]),
             number(lang, o["breached"]), number(lang, o["pending"]), percent(lang, o["compliance_pct"]), percent(lang, o["target_pct"]),
             duration(lang, o["median_minutes"]), duration(lang, o["p90_minutes"]),
             text(lang, "verdict_" + o["verdict"])] for o in s["objectives"]]
    return heads, rows


def _lists(s: dict[str, Any], lang: str) -> list[Table]:
    t = lambda k: text(lang, k)  # noqa: E731 - a local shorthand
    lists = s["lists"]
    out: list[Table] = [
        (t("list_breached"), [t("ticket"), t("priority"), t("metric"), t("target"), t("actual"), t("over_by")],
         breach_rows(lists["breached"]["items"], lang), lists["breached"]["more"], ""),
        (t("list_at_risk"), [t("ticket"), t("priority"), t("metric"), t("elapsed"), t("target"), t("due")],
         [[r["id"], r["priority"], t("metric_" + r["metric"]), duration(lang, r["elapsed_minutes"]),
           duration(lang, r["target_minutes"]), due_words(r["due_at"])] for r in lists["at_risk"]["items"]],
         lists["at_risk"]["more"], "")]
    if lists["no_rule"]:
        out.append((t("list_no_rule"), [t("priority"), t("tickets")],
                    [[r["priority"], number(lang, r["tickets"])] for r in lists["no_rule"]], 0, ""))
    if lists["excluded"]["items"]:
        out.append((t("list_excluded"), [t("ticket"), t("priority"), t("reason")],
                    [[x["id"], x["priority"], x["reason"]] for x in lists["excluded"]["items"]],
                    lists["excluded"]["more"], ""))
    for extra in extra_tables(s, lang):  # availability, credits: see Section.extras
        out.append((extra.title, [h for h, _ in extra.headers], extra.rows, 0, extra.note))
    return out


def _uncovered(data: dict[str, Any], customer: str, lang: str) -> Table | None:
    items = [u for u in data["uncovered"] if u["customer"] == customer]
    if not items:
        return None
    return (text(lang, "list_uncovered"), [text(lang, "reason"), text(lang, "tickets"), text(lang, "ticket")],
            [[text(lang, "reason_" + u["reason"]), number(lang, u["tickets"]),
              ", ".join(u["ids"]) + (" " + text(lang, "list_more", n=number(lang, u["more"])) if u["more"] else "")]
             for u in items], 0, "")


def _walk(data: dict[str, Any], lang: str, heading: Callable[[int, str], str], para: Callable[[str], str],
          table: Callable[[list[str], Any], str]) -> str:
    """The report's structure, written with the format's heading, paragraph and table."""
    out = [heading(1, f"{text(lang, 'report_title')}: {period_words(data, lang)}"),
           para(f"{text(lang, 'as_of')}: {as_of_words(data, lang)}")]

    def add(tab: Table) -> None:
        title, heads, rows, more, note = tab
        out.append(heading(4, title))
        out.append(table(heads, rows) if rows else para(text(lang, "none")))
        if more:
            out.append(para(text(lang, "list_more", n=number(lang, more))))
        if note:
            out.append(para(note))

    for c in data["customers"]:
        out.append(heading(2, c["name"]))
        sections = [s for s in data["sections"] if s["customer"]["id"] == c["id"]]
        if not sections:
            out.append(para(text(lang, "no_sections")))
        for s in sections:
            out.append(heading(3, f"{text(lang, 'agreement')} {s['agreement']}"))
            services = ", ".join(s["services"]) if s["services"] is not None else text(lang, "all_services")
            facts = [(text(lang, "customer"), s["customer"]["name"]), (text(lang, "services"), services),
                     (text(lang, "agreement_period"), agreement_period_words(s, lang)),
                     (text(lang, "timezone"), s["timezone"]), (text(lang, "tickets"), number(lang, s["tickets"]))]
            if s["provider_wide"]:
                facts.append(("", text(lang, "provider_wide")))
            out.append(para("\n".join(f"{k}: {v}" if k else v for k, v in facts)))
            headline = (text(lang, "objectives_headline", met=s["objectives_met"], total=s["objectives_total"])
                        if s["objectives_total"] else text(lang, "no_objectives"))
            out.append(para(headline))
            heads, rows = _objective_rows(s, lang)
            if rows:
                out.append(table(heads, rows))
            for tab in _lists(s, lang):
                add(tab)
        uncovered = _uncovered(data, c["id"], lang)
        if uncovered is not None:
            add(uncovered)
    out.append(para(text(lang, "footer", as_of=as_of_words(data, lang))))
    return "\n".join(x for x in out if x)


def render_text(data: dict[str, Any], lang: str) -> str:
    from tabulate import tabulate

    def heading(level: int, title: str) -> str:
        line = terminal_text(title)
        return "\n" + line + "\n" + ("=" if level <= 2 else "-") * len(line) if level <= 3 else "\n" + line

    def table(heads: list[str], rows: list[list[str]]) -> str:
        return tabulate([[terminal_text(c) for c in r] for r in rows], headers=heads, disable_numparse=True) + "\n"

    return _walk(data, lang, heading, lambda p: terminal_text(p) + "\n", table).lstrip("\n") + "\n"


def render_markdown(data: dict[str, Any], lang: str) -> str:
    from slactl.reporters.markdown import md_cell, md_table

    def para(p: str) -> str:
        return "  \n".join(md_cell(line) for line in p.split("\n")) + "\n"

    return _walk(data, lang, lambda level, title: "#" * level + " " + md_cell(title) + "\n", para,
                 md_table) + "\n"


def render_json(data: dict[str, Any], lang: str) -> str:
    return json.dumps({"lang": lang, "title": page_title(data, lang), **data}, ensure_ascii=False, indent=1) + "\n"


def render_html(data: dict[str, Any], lang: str) -> str:
    from slactl.reporters.report_html import render_html as html

    return html(data, lang)


RENDERERS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "text": render_text, "table": render_text, "markdown": render_markdown, "json": render_json,
    "html": render_html,
}


def write(out: IO[str], fmt: str, data: dict[str, Any], lang: str) -> None:
    out.write(RENDERERS[fmt](data, lang))


FORMATS = tuple(f for f in RENDERERS if f != "table")
"""The report's formats (``report --format``; "table" is the text on a terminal)."""
