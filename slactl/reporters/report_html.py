"""``slactl report`` as one self-contained HTML page (README "Monthly reports").

No script and no external resource: styles are inline where mail clients need
them (tables, cells, headings) plus one ``<style>`` for screens and A4 print;
charts are inline SVG (:mod:`slactl.reporters.svgchart`). Every value from the
workspace or the export is escaped. Lists are cut (``LIST_LIMIT``), so the page
stays small whatever the size of the export.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slactl.i18n import day_text, duration, month_label, number, percent, period_text, text
from slactl.reporters import svgchart
from slactl.reporters.report_extras import extra_tables
from slactl.sanitize import html_text

_CSS = """body{font-family:"Segoe UI",Arial,sans-serif;color:#222;margin:0;background:#fff;line-height:1.4}
main{max-width:820px;margin:0 auto;padding:16px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 5px;vertical-align:top}
.num{text-align:right;white-space:nowrap}
section.agreement{margin:24px 0;padding-top:8px;border-top:3px solid #1a237e}
figure{margin:12px 0 20px}figcaption{font-weight:bold;margin-bottom:4px}
@page{size:A4;margin:14mm 12mm}
@media print{main{max-width:none;padding:0}section.agreement{break-before:page;border-top:none}
section.agreement:first-of-type{break-before:auto}figure,table,tr{break-inside:avoid}
a{color:inherit;text-decoration:none}}
@media (max-width:600px){th,td{padding:3px}}"""

_TH = 'style="border:1px solid #ccc;padding:3px 5px;background:#f0f2f8;text-align:left"'
_THN = 'style="border:1px solid #ccc;padding:3px 5px;background:#f0f2f8;text-align:right"'
_TD = 'style="border:1px solid #ccc;padding:3px 5px"'
_TDN = 'style="border:1px solid #ccc;padding:3px 5px;text-align:right;white-space:nowrap"'
_TDW = 'style="border:1px solid #ccc;padding:3px 5px;text-align:right"'  # durations may wrap between units
_TABLE = 'style="border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:13px"'
_VERDICT_STYLE = {"met": "color:#2e7d32;font-weight:bold", "missed": "color:#c62828;font-weight:bold",
                  "no data": "color:#666"}


def page_title(data: dict[str, Any], lang: str) -> str:
    names = ", ".join(c["name"] for c in data["customers"]) or text(lang, "none")
    return text(lang, "subject_report", customer=names, period=period_words(data, lang))


def period_words(data: dict[str, Any], lang: str) -> str:
    p = data["period"]
    return period_text(lang, p["kind"], date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))


def as_of_words(data: dict[str, Any], lang: str) -> str:
    moment = datetime.fromisoformat(data["as_of"])
    return text(lang, "at_time", day=day_text(lang, moment.date()), time=f"{moment:%H:%M}")


def agreement_period_words(s: dict[str, Any], lang: str) -> str:
    """The agreement's term: ``1 January 2026 – 31 December 2026``."""
    term = s["agreement_period"]
    return text(lang, "period_range", start=day_text(lang, date.fromisoformat(term["start"])),
                end=day_text(lang, date.fromisoformat(term["end"])))


def render_html(data: dict[str, Any], lang: str, *, draft: bool = False) -> str:
    """The whole page for ``data`` (see :func:`slactl.core.reportdata.report_data`)."""
    title = page_title(data, lang)
    out = [f'<!doctype html>\n<html lang="{html_text(lang.replace("_", "-"))}"><head><meta charset="utf-8">'
           '<meta name="viewport" content="width=device-width,initial-scale=1">'
           f"<title>{html_text(title)}</title><style>{_CSS}</style></head>"
           '<body style="font-family:Segoe UI,Arial,sans-serif;color:#222"><main>']
    if draft:
        out.append(f'<p style="border:2px dashed #c62828;padding:8px;color:#c62828;font-weight:bold">'
                   f'{html_text(text(lang, "draft_note"))}</p>')
    out.append(f'<h1 style="font-size:22px;margin:8px 0">{html_text(text(lang, "report_title"))}: '
               f'{html_text(period_words(data, lang))}</h1>')
    out.append(f'<p style="color:#555">{html_text(text(lang, "as_of"))}: {html_text(as_of_words(data, lang))}</p>')
    n = 0
    for customer in data["customers"]:
        sections = [s for s in data["sections"] if s["customer"]["id"] == customer["id"]]
        out.append(f'<h2 style="font-size:19px;margin:18px 0 4px">{html_text(customer["name"])}</h2>')
        if customer["objectives_total"]:
            out.append(f'<p style="font-size:16px">{html_text(_headline(lang, customer))}</p>')
        if not sections:
            out.append(f"<p>{html_text(text(lang, 'no_sections'))}</p>")
        for s in sections:
            n += 1
            out.append(_section(s, data, lang, f"c{n}"))
        uncovered = [u for u in data["uncovered"] if u["customer"] == customer["id"]]
        if uncovered:
            out.append(_uncovered(uncovered, lang))
    out.append(f'<p style="color:#666;font-size:12px;margin-top:24px">'
               f'{html_text(text(lang, "footer", as_of=as_of_words(data, lang)))}</p></main></body></html>\n')
    return "".join(out)


def _headline(lang: str, block: dict[str, Any]) -> str:
    if not block["objectives_total"]:
        return text(lang, "no_objectives")
    return text(lang, "objectives_headline", met=block["objectives_met"], total=block["objectives_total"])


def _section(s: dict[str, Any], data: dict[str, Any], lang: str, chart_id: str) -> str:
    ag_period = agreement_period_words(s, lang)
    services = ", ".join(s["services"]) if s["services"] is not None else text(lang, "all_services")
    facts = [("customer", s["customer"]["name"]), ("agreement", s["agreement"]), ("services", services),
             ("agreement_period", ag_period), ("period", period_words(data, lang)), ("timezone", s["timezone"]),
             ("as_of", as_of_words(data, lang)), ("tickets", number(lang, s["tickets"]))]
    out = ['<section class="agreement" style="margin:24px 0;padding-top:8px;border-top:3px solid #1a237e">',
           f'<h3 style="font-size:17px;margin:4px 0">{html_text(text(lang, "agreement"))} '
           f'{html_text(s["agreement"])}</h3>']
    if s["provider_wide"]:
        out.append(f'<p style="color:#555">{html_text(text(lang, "provider_wide"))}</p>')
    out.append(f"<table {_TABLE}>" + "".join(
        f'<tr><th scope="row" {_TH}>{html_text(text(lang, k))}</th><td {_TD}>{html_text(v)}</td></tr>'
        for k, v in facts)
        + "</table>")
    met, total = s["objectives_met"], s["objectives_total"]
    colour = "#2e7d32" if total and met == total else "#c62828" if total else "#555"
    mark = "✔ " if total and met == total else "✘ " if total else ""
    out.append(f'<p style="font-size:20px;font-weight:bold;color:{colour};margin:8px 0">'
               f'{html_text(mark + _headline(lang, s))}</p>')
    out.append(_objectives_table(s, lang))
    out.append(_charts(s, lang, chart_id))
    out.append(_lists(s, lang))
    for extra in extra_tables(s, lang):  # availability, credits: see Section.extras
        out.append(_list_table(extra.title, extra.headers, extra.rows, 0, lang))
        if extra.note:
            out.append(f"<p>{html_text(extra.note)}</p>")
    out.append("</section>")
    return "".join(out)


def metric_words(lang: str, metric: str, target_minutes: float | None) -> str:
    words = text(lang, f"metric_{metric}")
    return f"{words} ≤ {duration(lang, target_minutes)}" if target_minutes is not None else words


def _objectives_table(s: dict[str, Any], lang: str) -> str:
    heads = [("priority", False), ("metric", False), ("tickets", True), ("met", True), ("breached", True),
             ("pending", True), ("compliance", True), ("target", True), ("median", True), ("p90", True),
             ("verdict", False)]
    out = [f"<table {_TABLE}><thead><tr>"]
    out += [f'<th scope="col" {_THN if num else _TH}>{html_text(text(lang, k))}</th>' for k, num in heads]
    out.append("</tr></thead><tbody>")
    for o in s["objectives"]:
        verdict = o["verdict"]
        cells = [f'<th scope="row" {_TH}>{html_text(o["priority"])}</th>',
                 f'<td {_TD}>{html_text(metric_words(lang, o["metric"], o["target_minutes"]))}</td>']
        cells += [f"<td {_TDN}>{o[k]}</td>" for k in ("tickets", "met", "breached", "pending")]
        cells += [f"<td {_TDN}>{html_text(percent(lang, o['compliance_pct']))}</td>",
                  f"<td {_TDN}>{html_text(percent(lang, o['target_pct']))}</td>",
                  f"<td {_TDW}>{html_text(duration(lang, o['median_minutes']))}</td>",
                  f"<td {_TDW}>{html_text(duration(lang, o['p90_minutes']))}</td>",
                  f'<td {_TD[:-1]};{_VERDICT_STYLE[verdict]}">{html_text(text(lang, "verdict_" + verdict))}</td>']
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _figure(title: str, svg: str) -> str:
    return f"<figure><figcaption>{html_text(title)}</figcaption>{svg}</figure>"


def _charts(s: dict[str, Any], lang: str, chart_id: str) -> str:
    charts = s["charts"]
    out = []
    bars = []
    for c in charts["compliance"]:
        ok = None if c["compliance_pct"] is None else c["compliance_pct"] >= (c["target_pct"] or 0)
        sign = "" if ok is None else " ✔" if ok else " ✘"
        bars.append(svgchart.Bar(f'{c["priority"]} {text(lang, "metric_" + c["metric"])}', c["compliance_pct"],
                                 c["target_pct"], ok, percent(lang, c["compliance_pct"]) + sign))
    if bars:
        title = text(lang, "chart_compliance")
        target = percent(lang, next((c["target_pct"] for c in charts["compliance"]), None))
        out.append(_figure(title, svgchart.compliance_bars(f"{chart_id}-a", title, text(lang, "chart_compliance_alt"),
                                                           bars, text(lang, "target_line", pct=target),
                                                           lambda v: percent(lang, v))))
    trend = charts["trend"]
    if any(v is not None for vs in trend["series"].values() for v in vs):
        title = text(lang, "chart_trend")
        series = [(text(lang, "metric_" + m), vs) for m, vs in trend["series"].items()]
        out.append(_figure(title, svgchart.trend_lines(
            f"{chart_id}-b", title, text(lang, "chart_trend_alt"), [month_label(lang, m) for m in trend["months"]],
            series, trend["target_pct"], text(lang, "target_line", pct=percent(lang, trend["target_pct"])),
            lambda v: percent(lang, v))))
    for k, d in enumerate(charts["distribution"]):
        target = duration(lang, d["target_minutes"])
        title = text(lang, "chart_distribution", priority=d["priority"], target=target)
        buckets = [(text(lang, "bucket_upto", to=duration(lang, b["to_minutes"])) if b["to_minutes"] is not None
                    else text(lang, "bucket_over", from_=duration(lang, b["from_minutes"])),
                    b["tickets"], b["within_target"]) for b in d["buckets"]]
        out.append(_figure(title, svgchart.histogram(
            f"{chart_id}-d{k}", title, text(lang, "chart_distribution_alt", priority=d["priority"]), buckets,
            text(lang, "within_target"), text(lang, "beyond_target"))))
    return "".join(out)


def _list_table(title: str, heads: list[tuple[str, bool]], rows: list[list[str]], more: int, lang: str) -> str:
    out = [f'<h4 style="font-size:15px;margin:14px 0 4px">{html_text(title)}</h4>']
    if not rows:
        return out[0] + f"<p>{html_text(text(lang, 'none'))}</p>"
    out.append(f"<table {_TABLE}><thead><tr>"
               + "".join(f'<th scope="col" {_THN if num else _TH}>{html_text(h)}</th>' for h, num in heads)
               + "</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td {_TDN if heads[i][1] else _TD}>{html_text(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    if more:
        out.append(f"<p>{html_text(text(lang, 'list_more', n=number(lang, more)))}</p>")
    return "".join(out)


def breach_rows(items: list[dict[str, Any]], lang: str) -> list[list[str]]:
    """The breached tickets' rows, each followed by the team stages that overran their OLA."""
    t = lambda k, **v: text(lang, k, **v)  # noqa: E731 - a local shorthand
    rows, said = [], set()
    for b in items:
        rows.append([b["id"], b["priority"], t("metric_" + b["metric"]), duration(lang, b["target_minutes"]),
                     duration(lang, b["actual_minutes"]), duration(lang, b["over_by_minutes"])])
        if b["id"] in said:
            continue  # the stages of a ticket with two breaches: under the first
        said.add(b["id"])
        for s in b.get("ola_stages", ()):
            rows.append(["", "", t("ola_stage_overran", team=s["team"], ola=s["ola"]),
                         duration(lang, s["target_minutes"]), duration(lang, s["actual_minutes"]),
                         duration(lang, s["over_by_minutes"])])
    return rows


def _lists(s: dict[str, Any], lang: str) -> str:
    t = lambda k: text(lang, k)  # noqa: E731 - a local shorthand
    lists = s["lists"]
    out = [_list_table(t("list_breached"), [(t("ticket"), False), (t("priority"), False), (t("metric"), False),
                                            (t("target"), True), (t("actual"), True), (t("over_by"), True)],
                       breach_rows(lists["breached"]["items"], lang), lists["breached"]["more"], lang)]
    out.append(_list_table(t("list_at_risk"), [(t("ticket"), False), (t("priority"), False), (t("metric"), False),
                                               (t("elapsed"), True), (t("target"), True), (t("due"), True)],
                           [[r["id"], r["priority"], t("metric_" + r["metric"]), duration(lang, r["elapsed_minutes"]),
                             duration(lang, r["target_minutes"]), due_words(r["due_at"])]
                            for r in lists["at_risk"]["items"]], lists["at_risk"]["more"], lang))
    if lists["no_rule"]:
        out.append(_list_table(t("list_no_rule"), [(t("priority"), False), (t("tickets"), True)],
                               [[r["priority"], number(lang, r["tickets"])] for r in lists["no_rule"]], 0, lang))
    if lists["excluded"]["items"]:
        out.append(_list_table(t("list_excluded"), [(t("ticket"), False), (t("priority"), False),
                                                    (t("reason"), False)],
                               [[x["id"], x["priority"], x["reason"]] for x in lists["excluded"]["items"]],
                               lists["excluded"]["more"], lang))
    return "".join(out)


def due_words(iso: str | None) -> str:
    """``2026-11-30 14:00 +03:00``: the agreement's local time with its offset."""
    if iso is None:
        return "–"
    moment = datetime.fromisoformat(iso)
    return f"{moment:%Y-%m-%d %H:%M} {moment:%z}"[:-2] + ":" + f"{moment:%z}"[-2:]


def _uncovered(items: list[dict[str, Any]], lang: str) -> str:
    rows = [[text(lang, "reason_" + u["reason"]), number(lang, u["tickets"]),
             ", ".join(u["ids"]) + (" " + text(lang, "list_more", n=number(lang, u["more"])) if u["more"] else "")] for u in items]
    return _list_table(text(lang, "list_uncovered"), [(text(lang, "reason"), False), (text(lang, "tickets"), True),
                                                      (text(lang, "ticket"), False)], rows, 0, lang)
