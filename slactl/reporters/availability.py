"""Reporters for ``slactl availability``: table, text, json, csv, markdown, html and
the one-line-per-objective ``budget`` summary for cron mail.

Each is a function ``(out, report) -> None``; the report is small (one row per
agreement x service x window), so every format renders it whole.
"""
from __future__ import annotations

import html
import json
from typing import IO, Callable

from slactl.usecases.availability import AvailabilityReport
from slactl.core.availability import AvailabilityRow
from slactl.core.credits import format_pct
from slactl.core.durations import human_minutes
from slactl.reporters.htmltable import CSS, html_table
from slactl.sanitize import terminal_text

ROW_HEADERS = ["agreement", "service", "window", "availability", "target", "verdict", "downtime",
               "budget used", "budget left", "outages", "MTTR", "MTBF"]
CREDIT_HEADERS = ["agreement", "month", "credit", "amount", "reasons"]


def _iso(epoch: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(round(epoch), timezone.utc).isoformat()


def _headline(r: AvailabilityReport) -> list[str]:
    lines = [f"{r.path}: {r.read + len(r.rejected)} rows, {r.read} read, {len(r.rejected)} rejected "
             f"(encoding {r.encoding}, naive times read as {r.timezone}, as of {_iso(r.as_of)})"]
    lines.append(f"period {r.period}" if r.period else "period: each agreement's whole period up to as of")
    if not r.rows:
        lines.append("no availability objective applies (agreements or their policies have no 'availability')")
    return lines


def verdict(row: AvailabilityRow) -> str:
    """OK / BELOW / n/a (nothing required), "so far" while the window is running."""
    word = "n/a" if row.ok is None else ("OK" if row.ok else "BELOW")
    return f"{word} so far" if row.partial and row.ok is not None else word


def _pct(value: float | None, target: float | None = None) -> str:
    return "-" if value is None else format_pct(value, target)


def _window(row: AvailabilityRow) -> str:
    return f"{row.window} (running)" if row.partial else row.window


def _used(row: AvailabilityRow) -> str:
    return "-" if row.budget_used_pct is None else f"{round(row.budget_used_pct)} %"


def _budget_left(row: AvailabilityRow) -> str:
    left = row.budget_left_minutes
    return f"over by {_time(row, -left)}" if left < 0 else _time(row, left)


def _time(row: AvailabilityRow, minutes: float | None) -> str:
    """Every duration of a row one way: days only on a 24x7 objective (calendar time), hours
    and minutes on a business calendar's open hours."""
    return "-" if minutes is None else human_minutes(minutes, calendar=row.calendar == "24x7")


def row_cells(row: AvailabilityRow) -> list[str]:
    return [row.agreement, row.service, _window(row), _pct(row.availability_pct, row.target_pct),
            _pct(row.target_pct, row.target_pct),
            verdict(row), _time(row, row.downtime_minutes), _used(row), _budget_left(row),
            str(row.outages), _time(row, row.mttr_minutes), _time(row, row.mtbf_minutes)]


def _amount(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "-"
    return f"{amount:,.2f} {currency or ''}".strip()


def credit_cells(report: AvailabilityReport) -> list[list[str]]:
    return [[c.agreement, c.window + (" (running)" if c.partial else ""), _pct(c.credit_pct, c.credit_pct),
             _amount(c.amount, c.currency), "; ".join(c.reasons) or "no tier applies"] for c in report.credits]


def _rejected(report: AvailabilityReport, limit: int | None = 20) -> list[list[str]]:
    shown = report.rejected if limit is None else report.rejected[:limit]
    return [[str(x.row), x.id, x.reason] for x in shown]


# --------------------------------------------------------------------------- machine formats

def as_json(report: AvailabilityReport) -> dict[str, object]:
    """The availability JSON (README "Availability and credits")."""
    return {
        "as_of": _iso(report.as_of), "period": report.period, "timezone": report.timezone,
        "file": report.path, "rows": [r.as_dict() for r in report.rows],
        "rejected": [{"row": x.row, "ref": x.id, "reason": x.reason} for x in report.rejected],
        "credits": [c.as_dict() for c in report.credits],
    }


def write_json(out: IO[str], report: AvailabilityReport) -> None:
    json.dump(as_json(report), out, ensure_ascii=False, indent=1)
    out.write("\n")


CSV_COLUMNS = ["agreement", "customer", "service", "window", "partial", "required_minutes", "downtime_minutes",
               "availability_pct", "target_pct", "ok", "budget_used_pct", "budget_left_minutes", "outages",
               "mttr_minutes", "mtbf_minutes"]


def write_csv(out: IO[str], report: AvailabilityReport) -> None:
    """One line per row; credits and rejected rows are in the JSON (and the human formats)."""
    import csv

    from slactl.sanitize import csv_cell

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        d = row.as_dict()
        writer.writerow([csv_cell("" if d[k] is None else d[k]) for k in CSV_COLUMNS])


# --------------------------------------------------------------------------- human formats

def _plain(headers: list[str], body: list[list[str]], numeric: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    from tabulate import tabulate

    align = ["right" if i in numeric else "left" for i in range(len(headers))]
    return tabulate([[terminal_text(c) for c in r] for r in body], headers=headers, disable_numparse=True,
                    colalign=align)


_ROW_NUMERIC = {3, 4, 6, 7, 8, 9, 10, 11}
# text and table: one block per agreement under its name, without the agreement column
_GROUP_HEADERS = ROW_HEADERS[1:]
_GROUP_NUMERIC = {i - 1 for i in _ROW_NUMERIC}
_GROUP_VERDICT = ROW_HEADERS.index("verdict") - 1


def _groups(report: AvailabilityReport) -> list[tuple[str, list[AvailabilityRow]]]:
    out: dict[str, list[AvailabilityRow]] = {}
    for row in report.rows:
        out.setdefault(row.agreement, []).append(row)
    return [(f"{name} (customer {rows[0].customer})", rows) for name, rows in out.items()]


def write_text(out: IO[str], report: AvailabilityReport) -> None:
    w = out.write
    for line in _headline(report):
        w(terminal_text(line) + "\n")
    for title, rows in _groups(report):
        w(f"\n{terminal_text(title)}\n" + _plain(_GROUP_HEADERS, [row_cells(r)[1:] for r in rows], _GROUP_NUMERIC) + "\n")
    if report.credits:
        w("\nService credits\n" + _plain(CREDIT_HEADERS, credit_cells(report), {2, 3}) + "\n")
    if report.rejected:
        more = "; --format json lists them all" if len(report.rejected) > 20 else ""
        w(f"\nRejected rows ({len(report.rejected)}{more})\n")
        for n, ref, reason in _rejected(report):
            w(terminal_text(f"  row {n}{' ' + ref if ref else ''}: {reason}") + "\n")


def write_table(out: IO[str], report: AvailabilityReport) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from slactl.console import make_console

    console = make_console(out)
    for line in _headline(report):
        console.print(Text(terminal_text(line)))

    def table(title: str, headers: list[str], body: list[list[str]], numeric: set[int],
              styles: list[str] | None = None, verdict_col: int = -1) -> Table:
        t = Table(title=title, title_justify="left", title_style="bold", header_style="bold",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
        for i, h in enumerate(headers):
            t.add_column(h, justify="right" if i in numeric else "left", no_wrap=i in numeric, overflow="fold")
        for k, cells in enumerate(body):
            t.add_row(*[Text(terminal_text(c), style=styles[k] if styles and i == verdict_col else "")
                        for i, c in enumerate(cells)])
        return t

    for title, rows in _groups(report):
        styles = ["dim" if r.ok is None else "green" if r.ok else "red bold" for r in rows]
        console.print(table(terminal_text(title), _GROUP_HEADERS, [row_cells(r)[1:] for r in rows], _GROUP_NUMERIC,
                            styles, _GROUP_VERDICT))
    if report.credits:
        console.print(table("Service credits", CREDIT_HEADERS, credit_cells(report), {2, 3}))
    if report.rejected:
        console.print(Text(f"Rejected rows: {len(report.rejected)}", style="yellow"))
        for n, ref, reason in _rejected(report, 10):
            console.print(Text(terminal_text(f"  row {n}{' ' + ref if ref else ''}: {reason}")))


def _cells(rows: list[list[str]]) -> list[list[object]]:
    out: list[list[object]] = [[*r] for r in rows]
    return out


def write_markdown(out: IO[str], report: AvailabilityReport) -> None:
    from slactl.reporters.markdown import md_cell, md_table

    w = out.write
    w("### Availability\n\n" + "  \n".join(md_cell(line) for line in _headline(report)) + "\n\n")
    if report.rows:
        w(md_table(ROW_HEADERS, _cells([row_cells(r) for r in report.rows])))
    if report.credits:
        w("\n#### Service credits\n\n" + md_table(CREDIT_HEADERS, _cells(credit_cells(report))))
    if report.rejected:
        w(f"\n#### Rejected rows ({len(report.rejected)})\n\n"
          + md_table(["row", "ref", "reason"], _cells(_rejected(report))))




def write_html(out: IO[str], report: AvailabilityReport) -> None:
    e = html.escape
    parts = ['<!doctype html><html><head><meta charset="utf-8"><title>Availability</title>',
             f"<style>{CSS}</style></head><body><h1>Availability</h1>"]
    parts += [f"<p>{e(line)}</p>" for line in _headline(report)]
    if report.rows:
        classes = ["na" if r.ok is None else "ok" if r.ok else "below" for r in report.rows]
        parts.append(html_table(ROW_HEADERS, [row_cells(r) for r in report.rows], _ROW_NUMERIC, classes,
                                 ROW_HEADERS.index("verdict")))
    if report.credits:
        parts.append("<h2>Service credits</h2>" + html_table(CREDIT_HEADERS, credit_cells(report), {2, 3}))
    if report.rejected:
        parts.append(f"<h2>Rejected rows ({len(report.rejected)})</h2>"
                     + html_table(["row", "ref", "reason"], _rejected(report), {0}))
    parts.append("</body></html>\n")
    out.write("\n".join(parts))


# --------------------------------------------------------------------------- budget

def current_rows(report: AvailabilityReport) -> list[AvailabilityRow]:
    """The latest window of each agreement x objective x service (the one a cron job watches)."""
    latest: dict[tuple[str, int, str], AvailabilityRow] = {}
    for row in report.rows:
        key = (row.agreement, row.objective, row.service)
        if key not in latest or row.start > latest[key].start:
            latest[key] = row
    return list(latest.values())


def budget_line(row: AvailabilityRow) -> str:
    """``acme-2026 email 2026-11 (running): budget left 21 min of 43 min (51 % used); 99.95 % of 99.9 %``."""
    used = "" if row.budget_used_pct is None else f" ({_used(row)} used)"
    if row.budget_left_minutes < 0:
        state = f"OVER BUDGET by {human_minutes(-row.budget_left_minutes)} of {human_minutes(row.budget_minutes)}"
    else:
        state = f"budget left {human_minutes(row.budget_left_minutes)} of {human_minutes(row.budget_minutes)}"
    return (f"{row.agreement} {row.service} {_window(row)}: {state}{used}; "
            f"availability {_pct(row.availability_pct, row.target_pct)} of {_pct(row.target_pct, row.target_pct)}")


def over_budget(report: AvailabilityReport) -> bool:
    return any(r.budget_left_minutes < 0 for r in current_rows(report))


def write_budget(out: IO[str], report: AvailabilityReport) -> None:
    for row in current_rows(report):
        out.write(terminal_text(budget_line(row)) + "\n")


REPORTERS: dict[str, Callable[[IO[str], AvailabilityReport], None]] = {
    "table": write_table, "text": write_text, "json": write_json, "csv": write_csv,
    "markdown": write_markdown, "html": write_html, "budget": write_budget,
}
