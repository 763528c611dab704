"""Reporters for ``slactl hours``: one function per format, all over one :class:`HoursReport`.

JSON carries everything (rows, per-ticket detail, unassigned and rejected
entries); CSV is one line per agreement x window, or per ticket with
``--by ticket``; the human formats show the windows, then what could not be
assigned or read.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import IO, Callable

from slactl.core.hours import WindowRow, hours
from slactl.usecases.hours import HoursReport
from slactl.sanitize import terminal_text

HEADERS = ["agreement", "window", "logged", "billable", "included", "rolled in", "bank used", "bank left",
           "overage", "amount"]
UNIT_NOTE = "Hours in decimals (0.25 = 15 min); included counts the hours rolled in."
CSV_ROW = ["agreement", "customer", "window", "logged_hours", "billable_hours", "included_hours",
           "rollover_in_hours", "bank_used_hours", "bank_left_hours", "overage_hours", "amount", "currency",
           "unused_hours", "entries"]
CSV_TICKET = ["agreement", "customer", "window", "ticket", "entries", "logged_hours", "billable_hours"]


def _h(seconds: float) -> str:
    return f"{hours(seconds):.2f}"


def _amount(r: WindowRow) -> str:
    if r.amount is None:
        return "" if not r.overage else "no rate"
    return f"{r.amount:.2f} {r.currency or ''}".strip()


def cells(r: WindowRow) -> list[str]:
    bank = r.bank_total > 0
    return [r.agreement, r.window.label, _h(r.logged), _h(r.billable), _h(r.included + r.rollover_in),
            _h(r.rollover_in), _h(r.bank_used) if bank else "-", _h(r.bank_left) if bank else "-",
            _h(r.overage), _amount(r)]


def title(report: HoursReport) -> str:
    day = datetime.fromtimestamp(report.as_of, timezone.utc).date().isoformat()
    scope = f" for {report.period}" if report.period else ""
    return f"Support hours{scope} as of {day} ({report.source}, {report.preset} layout)"


def _notes(report: HoursReport) -> list[str]:
    """The lines under the table: unassigned entries and rejected rows, each named."""
    out: list[str] = []
    if report.unassigned:
        total = sum(u.entry.seconds for u in report.unassigned)
        out.append(f"Unassigned entries ({len(report.unassigned)}, {_h(total)} h): no agreement could be found")
        for u in report.unassigned:
            e = u.entry
            what = e.ticket or e.customer or "(no ticket)"
            out.append(f"  row {e.row} {what}: {_h(e.seconds)} h by {e.author or 'unknown'} - {u.reason}")
    if report.rejected:
        out.append(f"Rejected rows ({len(report.rejected)})")
        out += [f"  row {r.row}{' ' + r.id if r.id else ''}: {r.reason}" for r in report.rejected]
    return out


def report_json(out: IO[str], report: HoursReport, by: str = "window") -> None:
    json.dump(report.as_dict(), out, indent=2, ensure_ascii=False)
    out.write("\n")


def report_csv(out: IO[str], report: HoursReport, by: str = "window") -> None:
    import csv

    from slactl.sanitize import csv_cell

    writer = csv.writer(out, lineterminator="\r\n")
    if by == "ticket":
        writer.writerow(CSV_TICKET)
        for r, t in report.tickets():
            writer.writerow([csv_cell(c) for c in (r.agreement, r.customer, r.window.label, t.ticket, t.entries,
                                                   hours(t.logged), hours(t.billable))])
        return
    writer.writerow(CSV_ROW)
    for r in report.rows:
        d = r.as_dict()
        writer.writerow([csv_cell("" if d[k] is None else d[k]) for k in CSV_ROW])


def report_text(out: IO[str], report: HoursReport, by: str = "window") -> None:
    from tabulate import tabulate

    out.write(terminal_text(title(report)) + "\n\n")
    if report.rows:
        body = [[terminal_text(c) for c in cells(r)] for r in report.rows]
        align = ["left", "left"] + ["right"] * (len(HEADERS) - 2)
        out.write(tabulate(body, headers=HEADERS, disable_numparse=True, colalign=align) + "\n")
        out.write(UNIT_NOTE + "\n")
    else:
        out.write("No agreement has hours in this period.\n")
    notes = _notes(report)
    if notes:
        out.write("\n" + "\n".join(terminal_text(n) for n in notes) + "\n")


def report_table(out: IO[str], report: HoursReport, by: str = "window") -> None:
    from rich.table import Table
    from rich.text import Text

    from slactl.console import make_console

    console = make_console(out)
    table = Table(title=title(report), header_style="bold")
    shown = [i for i, h in enumerate(HEADERS) if h != "rolled in"]  # included counts it: room for the names
    for i in shown:
        h = HEADERS[i]
        table.add_column(h, justify="left" if i < 2 else "right", overflow="fold", no_wrap=i > 0)
    for r in report.rows:
        style = "yellow" if r.overage > 0 else ""
        row = cells(r)
        table.add_row(*[Text(terminal_text(row[i]), style=style) for i in shown])
    console.print(table if report.rows else Text("No agreement has hours in this period."))
    console.print(Text(UNIT_NOTE, style="dim"))
    for note in _notes(report):
        console.print(Text(terminal_text(note)))


def report_markdown(out: IO[str], report: HoursReport, by: str = "window") -> None:
    from slactl.reporters.markdown import md_cell, md_table

    out.write(f"### {md_cell(title(report))}\n\n")
    out.write(md_table(HEADERS, [list(cells(r)) for r in report.rows]) if report.rows
              else "No agreement has hours in this period.\n")
    notes = _notes(report)
    if notes:
        out.write("\n" + "\n".join(md_cell(n) + "  " for n in notes) + "\n")


def report_html(out: IO[str], report: HoursReport, by: str = "window") -> None:
    import html

    e = html.escape
    parts = ["<!doctype html><html><head><meta charset=\"utf-8\">", f"<title>{e(title(report))}</title>",
             "<style>body{font-family:system-ui,Arial,sans-serif;margin:1.5em}table{border-collapse:collapse}"
             "th,td{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}th{background:#f3f3f3}</style>",
             f"</head><body><h1>{e(title(report))}</h1>",
             "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in HEADERS) + "</tr>"]
    for r in report.rows:
        parts.append("<tr>" + "".join(f"<td{' class=n' if i > 1 else ''}>{e(c)}</td>"
                                      for i, c in enumerate(cells(r))) + "</tr>")
    parts.append("</table>")
    parts += [f"<p>{e(n)}</p>" for n in _notes(report)]
    parts.append("</body></html>\n")
    out.write("\n".join(parts))


REPORTERS: dict[str, Callable[..., None]] = {
    "table": report_table, "text": report_text, "json": report_json, "csv": report_csv,
    "markdown": report_markdown, "html": report_html,
}
