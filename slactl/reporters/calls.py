"""Reporters for ``slactl calls``: table, text, json, csv, markdown and html.

Each is a function ``(out, report) -> None``; the report is small (one row per
agreement x queue x window), so every format renders it whole.
"""
from __future__ import annotations

import html
import json
from typing import IO, Callable

from slactl.core.calls import CallRow
from slactl.core.figures import percent_text
from slactl.core.report_calls import judged_number
from slactl.reporters.htmltable import CSS, html_table
from slactl.sanitize import terminal_text
from slactl.usecases.calls import CallsReport

ROW_HEADERS = ["agreement", "queue", "window", "offered", "answered", "abandoned", "ASA", "abandonment",
               "service level", "verdict", "not counted"]
_NUMERIC = {3, 4, 5, 6, 7, 8}
_VERDICT = ROW_HEADERS.index("verdict")
_LISTED = 20  # rejected lines the human formats show


def _iso(epoch: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(round(epoch), timezone.utc).isoformat()


def seconds_text(seconds: float | None, bound: float | None = None) -> str:
    """``12 s``, ``30.4 s`` (a decimal only where it decides the verdict), ``1 min 5 s``, ``-`` for nothing."""
    if seconds is None:
        return "-"
    if seconds < 60 or (bound is not None and round(seconds) == round(bound) and seconds != bound):
        return judged_number(seconds, bound, higher_is_better=False, digits=0) + " s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def pct_text(value: float | None, bound: float | None = None, *, higher_is_better: bool = True) -> str:
    """One decimal, more where one would hide which side of ``bound`` the value is on."""
    return "-" if value is None else percent_text(value, bound, higher_is_better=higher_is_better) + " %"


def verdict(row: CallRow) -> str:
    """OK / MISSED / n/a (nothing to judge), "so far" while the window is running."""
    word = "n/a" if row.ok is None else "OK" if row.ok else "MISSED"
    return f"{word} so far" if row.partial and row.ok is not None else word


def objective_line(row: CallRow) -> str:
    """What the row is judged against: ``support: service level 80 % within 20 s, abandonment at most
    5 %, ASA at most 30 s; abandons under 5 s not counted; calendar ny-desk``."""
    o = row.objective
    goals = []
    if o.answered_within is not None and o.service_level_target is not None:
        goals.append(f"service level {pct_text(o.service_level_target)} within {seconds_text(o.answered_within)}")
    if o.abandonment_max is not None:
        goals.append(f"abandonment at most {pct_text(o.abandonment_max)}")
    if o.asa_max is not None:
        goals.append(f"ASA at most {seconds_text(o.asa_max)}")
    tail = f"; abandons under {seconds_text(o.short_abandon)} not counted" if o.short_abandon else ""
    return f"{row.queue} (per {o.window}): {', '.join(goals)}{tail}; calendar {o.calendar or '24x7'}"


def _mark(text: str, ok: bool | None) -> str:
    return f"{text} ✘" if ok is False else text


def row_cells(row: CallRow) -> list[str]:
    o, met = row.objective, row.met
    asa = _mark(seconds_text(row.asa_seconds, o.asa_max), met.get("asa"))
    ab = _mark(pct_text(row.abandonment_pct, o.abandonment_max, higher_is_better=False), met.get("abandonment"))
    sl = _mark(pct_text(row.service_level_pct, o.service_level_target), met.get("service_level"))
    window = f"{row.window} (running)" if row.partial else row.window
    left_out = [f"{n} {what}" for n, what in ((row.short_abandons, "short"), (row.out_of_hours, "out of hours"),
                                               (row.in_progress, "in progress")) if n]
    return [row.agreement, row.queue, window, str(row.offered), str(row.answered), str(row.abandoned), asa, ab, sl,
            verdict(row), ", ".join(left_out) or "-"]


def _objectives(rows: list[CallRow]) -> list[str]:
    return list(dict.fromkeys(objective_line(r) for r in rows))


def _headline(r: CallsReport) -> list[str]:
    kind = "Asterisk queue_log" if r.log_kind == "queue_log" else f"call CSV, naive times read as {r.timezone}"
    lines = [f"{r.path}: {kind}, {r.lines} lines, {r.calls} calls, {r.rejected_total} lines rejected "
             f"(encoding {r.encoding}, as of {_iso(r.as_of)})"]
    lines.append(f"period {r.period}" if r.period else "period: each agreement's whole period up to as of")
    if not r.rows:
        lines.append("no call objective has calls in the log (agreements name their queues under 'calls')")
    return lines


def _unnamed(report: CallsReport) -> list[list[str]]:
    return [[q.queue, str(q.calls), str(q.answered), str(q.abandoned), str(q.in_progress)] for q in report.unnamed]


_UNNAMED_HEADERS = ["queue", "calls", "answered", "abandoned", "in progress"]


def _rejected(report: CallsReport, limit: int | None = _LISTED) -> list[list[str]]:
    shown = report.rejected if limit is None else report.rejected[:limit]
    return [[str(x.row), x.reason] for x in shown]


# --------------------------------------------------------------------------- machine formats

def as_json(report: CallsReport) -> dict[str, object]:
    """The calls JSON (README "Calls")."""
    return {
        "as_of": _iso(report.as_of), "period": report.period, "file": report.path, "log": report.log_kind,
        "timezone": report.timezone, "rows": [r.as_dict() for r in report.rows],
        "rejected": [{"line": x.row, "reason": x.reason} for x in report.rejected],
        "rejected_total": report.rejected_total,
        "unnamed_queues": [{"queue": q.queue, "calls": q.calls, "answered": q.answered, "abandoned": q.abandoned,
                            "in_progress": q.in_progress} for q in report.unnamed],
        "calls": report.calls, "lines": report.lines, "warnings": report.warnings,
    }


def write_json(out: IO[str], report: CallsReport) -> None:
    json.dump(as_json(report), out, ensure_ascii=False, indent=1)
    out.write("\n")


CSV_COLUMNS = ["agreement", "customer", "queue", "window", "partial", "offered", "answered", "abandoned",
               "asa_seconds", "abandonment_pct", "service_level_pct", "met_service_level", "met_abandonment",
               "met_asa", "short_abandons", "out_of_hours", "in_progress"]


def write_csv(out: IO[str], report: CallsReport) -> None:
    """One line per row; rejected lines and unnamed queues are in the JSON (and the human formats)."""
    import csv

    from slactl.sanitize import csv_cell

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        d = row.as_dict()
        met = row.met
        d.update({f"met_{k}": met.get(k) for k in ("service_level", "abandonment", "asa")})
        writer.writerow([csv_cell("" if d[k] is None else d[k]) for k in CSV_COLUMNS])


# --------------------------------------------------------------------------- human formats

def _plain(headers: list[str], body: list[list[str]], numeric: set[int]) -> str:
    from tabulate import tabulate

    align = ["right" if i in numeric else "left" for i in range(len(headers))]
    return tabulate([[terminal_text(c) for c in r] for r in body], headers=headers, disable_numparse=True,
                    colalign=align)


def _groups(report: CallsReport) -> list[tuple[str, list[CallRow]]]:
    out: dict[str, list[CallRow]] = {}
    for row in report.rows:
        out.setdefault(row.agreement, []).append(row)
    return [(f"{name} (customer {rows[0].customer})", rows) for name, rows in out.items()]


_GROUP_NUMERIC = {i - 1 for i in _NUMERIC}


def write_text(out: IO[str], report: CallsReport) -> None:
    w = out.write
    for line in _headline(report):
        w(terminal_text(line) + "\n")
    for title, rows in _groups(report):
        w(f"\n{terminal_text(title)}\n" + "".join(f"  {terminal_text(line)}\n" for line in _objectives(rows))
          + _plain(ROW_HEADERS[1:], [row_cells(r)[1:] for r in rows], _GROUP_NUMERIC) + "\n")
    if report.unnamed:
        w("\nQueues no agreement names\n" + _plain(_UNNAMED_HEADERS, _unnamed(report), {1, 2, 3, 4}) + "\n")
    if report.rejected:
        more = "; --format json lists them" if report.rejected_total > _LISTED else ""
        w(f"\nRejected lines ({report.rejected_total}{more})\n")
        for n, reason in _rejected(report):
            w(terminal_text(f"  line {n}: {reason}") + "\n")


def write_table(out: IO[str], report: CallsReport) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from slactl.console import make_console

    console = make_console(out)
    for line in _headline(report):
        console.print(Text(terminal_text(line)))
    for title, rows in _groups(report):
        t = Table(title=terminal_text(title), title_justify="left", title_style="bold", header_style="bold",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
        for i, h in enumerate(ROW_HEADERS[1:-1]):  # "not counted" goes below: the table fits 100 columns
            t.add_column(h, justify="right" if i in _GROUP_NUMERIC else "left", no_wrap=True)
        for r in rows:
            style = "dim" if r.ok is None else "green" if r.ok else "red bold"
            t.add_row(*[Text(terminal_text(c), style=style if i == _VERDICT - 1 else "")
                        for i, c in enumerate(row_cells(r)[1:-1])])
        console.print(t)
        for line in _objectives(rows):
            console.print(Text(terminal_text(f"  {line}"), style="dim"))
        for r in rows:
            if row_cells(r)[-1] != "-":
                console.print(Text(terminal_text(f"  not counted in {r.queue} {r.window}: {row_cells(r)[-1]}"),
                                   style="dim"))
    if report.unnamed:
        console.print(Text("Queues no agreement names", style="bold"))
        for q in report.unnamed:
            console.print(Text(terminal_text(f"  {q.queue}: {q.calls} calls")))
    if report.rejected:
        console.print(Text(f"Rejected lines: {report.rejected_total}", style="yellow"))
        for n, reason in _rejected(report, 10):
            console.print(Text(terminal_text(f"  line {n}: {reason}")))


def _cells(rows: list[list[str]]) -> list[list[object]]:
    return [[*r] for r in rows]


def write_markdown(out: IO[str], report: CallsReport) -> None:
    from slactl.reporters.markdown import md_cell, md_table

    w = out.write
    w("### Calls\n\n" + "  \n".join(md_cell(line) for line in _headline(report)) + "\n\n")
    if report.rows:
        w(md_table(ROW_HEADERS, _cells([row_cells(r) for r in report.rows])))
        w("\n" + "".join(f"- {md_cell(line)}\n" for line in _objectives(report.rows)))
    if report.unnamed:
        w("\n#### Queues no agreement names\n\n" + md_table(_UNNAMED_HEADERS, _cells(_unnamed(report))))
    if report.rejected:
        w(f"\n#### Rejected lines ({report.rejected_total})\n\n"
          + md_table(["line", "reason"], _cells(_rejected(report))))




def write_html(out: IO[str], report: CallsReport) -> None:
    e = html.escape
    parts = ['<!doctype html><html><head><meta charset="utf-8"><title>Calls</title>',
             f"<style>{CSS}</style></head><body><h1>Calls</h1>"]
    parts += [f"<p>{e(line)}</p>" for line in _headline(report)]
    if report.rows:
        classes = ["na" if r.ok is None else "ok" if r.ok else "below" for r in report.rows]
        parts.append(html_table(ROW_HEADERS, [row_cells(r) for r in report.rows], _NUMERIC, classes, _VERDICT))
        parts.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in _objectives(report.rows)) + "</ul>")
    if report.unnamed:
        parts.append("<h2>Queues no agreement names</h2>" + html_table(_UNNAMED_HEADERS, _unnamed(report), {1, 2, 3, 4}))
    if report.rejected:
        parts.append(f"<h2>Rejected lines ({report.rejected_total})</h2>"
                     + html_table(["line", "reason"], _rejected(report), {0}))
    parts.append("</body></html>\n")
    out.write("\n".join(parts))


REPORTERS: dict[str, Callable[[IO[str], CallsReport], None]] = {
    "table": write_table, "text": write_text, "json": write_json, "csv": write_csv,
    "markdown": write_markdown, "html": write_html,
}
