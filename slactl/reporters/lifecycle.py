"""Reporters for ``slactl list`` and ``slactl expiring``: one function per format.

Each takes the output stream, the rows and a small header (``as_of``, the
window); JSON for ``expiring`` as the README shows it (fields may only be added).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import IO, Callable

from slactl.core.lifecycle import Row
from slactl.sanitize import csv_cell, terminal_text

FORMATS = ("table", "text", "json", "csv", "markdown", "html")


def _manager(row: Row) -> str:
    m = row.agreement.manager
    if m.name and m.email:
        return f"{m.name} <{m.email}>"
    return m.name or m.email or ""


def _services(row: Row) -> str:
    s = row.agreement.services
    return "all" if s is None else ", ".join(s)


# ---------------------------------------------------------------- dictionaries (JSON)

def _renewal_dict(row: Row) -> dict[str, object]:
    from slactl.core.renewal import interval_text

    terms = row.agreement.renewal
    if terms is None:  # only agreements with renewal terms have the keys
        return {}
    cancel = row.cancel_by.isoformat() if row.cancel_by else None
    return {"cancel_by": cancel, "renewal": {
        "auto": terms.auto, "term": interval_text(terms.term) if terms.term else None,
        "notice": interval_text(terms.notice) if terms.notice else None}}


def list_dict(row: Row) -> dict[str, object]:
    return {**_list_fields(row), **_renewal_dict(row)}


def _list_fields(row: Row) -> dict[str, object]:
    ag = row.agreement
    return {"name": ag.name, "customer": ag.customer.id, "customer_name": ag.customer.name,
            "start": ag.start.isoformat(), "end": ag.end.isoformat(), "status": row.status,
            "days_left": row.days_left, "services": list(ag.services) if ag.services is not None else None,
            "policy": ag.policy, "manager": {"name": ag.manager.name, "email": ag.manager.email},
            "notice_days": list(ag.effective_notice_days), "declared_status": ag.status,
            "file": ag.loc.file if ag.loc else None}


def expiring_dict(row: Row) -> dict[str, object]:
    ag = row.agreement
    return {"name": ag.name, "customer": ag.customer.id, "end": ag.end.isoformat(),
            "days_left": row.days_left, "status": row.status,
            "customer_name": ag.customer.name, "start": ag.start.isoformat(),
            "manager": {"name": ag.manager.name, "email": ag.manager.email},
            "contacts": list(ag.customer.contacts), "notice_days": list(ag.effective_notice_days),
            **_renewal_dict(row)}


# ---------------------------------------------------------------- columns (everything else)

LIST_HEADERS = ["name", "customer", "start", "end", "status", "days left", "services", "policy"]
EXPIRING_HEADERS = ["name", "customer", "end", "days left", "manager", "contacts"]


def _customer(row: Row) -> str:
    c = row.agreement.customer
    if c.is_wildcard:
        return "* (all customers)"
    return f"{c.id} ({c.name})" if c.name and c.name != c.id else c.id


def list_cells(row: Row) -> list[object]:
    ag = row.agreement
    return [ag.name, _customer(row), ag.start.isoformat(), ag.end.isoformat(), row.status, row.days_left,
            _services(row), ag.policy or ""]


def expiring_cells(row: Row) -> list[object]:
    ag = row.agreement
    return [ag.name, _customer(row), ag.end.isoformat(), row.days_left, _manager(row),
            ", ".join(ag.customer.contacts)]


@dataclass(frozen=True)
class View:
    """What one report shows: its rows and how to turn a row into cells or a dict."""

    kind: str  # "list" | "expiring"
    rows: list[Row]
    as_of: date
    within: int | None = None  # expiring: --within, None for each agreement's own window

    @property
    def with_cancel_by(self) -> bool:
        """The "cancel by" column, only when some agreement has a renewal notice."""
        return any(r.cancel_by is not None for r in self.rows)

    @property
    def headers(self) -> list[str]:
        heads = list(LIST_HEADERS if self.kind == "list" else EXPIRING_HEADERS)
        if self.with_cancel_by:
            heads.insert(heads.index("end") + 1, "cancel by")
        return heads

    def cells(self, row: Row) -> list[object]:
        cells = list_cells(row) if self.kind == "list" else expiring_cells(row)
        if self.with_cancel_by:
            at = (LIST_HEADERS if self.kind == "list" else EXPIRING_HEADERS).index("end") + 1
            cells.insert(at, row.cancel_by.isoformat() if row.cancel_by else "")
        return cells

    @property
    def title(self) -> str:
        if self.kind == "list":
            return f"Agreements as of {self.as_of.isoformat()}"
        return f"Agreements expiring {self.window_words()} as of {self.as_of.isoformat()}"

    def window_words(self) -> str:
        return (f"within {self.within} days" if self.within is not None
                else "within their notice period")

    def empty(self) -> str:
        if self.kind == "list":
            return "No agreement matches."
        return f"No active agreement ends {self.window_words()} as of {self.as_of.isoformat()}."


def report_json(out: IO[str], view: View) -> None:
    if view.kind == "list":
        data: object = {"as_of": view.as_of.isoformat(), "agreements": [list_dict(r) for r in view.rows]}
    else:
        data = {"as_of": view.as_of.isoformat(), "within_days": view.within,
                "agreements": [expiring_dict(r) for r in view.rows]}
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def report_csv(out: IO[str], view: View) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    if view.kind == "list":
        writer.writerow(["name", "customer", "customer_name", "start", "end", "status", "days_left",
                         "services", "policy", "manager", "cancel_by"])
        for r in view.rows:
            ag = r.agreement
            writer.writerow([csv_cell(c) for c in (
                ag.name, ag.customer.id, ag.customer.name or "", ag.start.isoformat(), ag.end.isoformat(),
                r.status, r.days_left, _services(r), ag.policy or "", _manager(r),
                r.cancel_by.isoformat() if r.cancel_by else "")])
    else:
        writer.writerow(["name", "customer", "customer_name", "end", "days_left", "status", "manager",
                         "contacts", "cancel_by"])
        for r in view.rows:
            ag = r.agreement
            writer.writerow([csv_cell(c) for c in (
                ag.name, ag.customer.id, ag.customer.name or "", ag.end.isoformat(), r.days_left, r.status,
                _manager(r), " ".join(ag.customer.contacts), r.cancel_by.isoformat() if r.cancel_by else "")])


def report_text(out: IO[str], view: View) -> None:
    """Plain aligned columns. ``expiring`` with nothing to say says nothing (cron mails only news)."""
    from tabulate import tabulate

    if not view.rows:
        if view.kind == "list":
            out.write(view.empty() + "\n")
        return
    body = [[terminal_text(c) for c in view.cells(r)] for r in view.rows]
    out.write(tabulate(body, headers=view.headers, disable_numparse=True) + "\n")


def report_table(out: IO[str], view: View) -> None:
    from rich.table import Table
    from rich.text import Text

    from slactl.console import make_console

    console = make_console(out)
    if not view.rows:
        console.print(Text(view.empty()))
        return
    styles = {"active": "green", "expiring": "yellow bold", "expired": "dim", "planned": "cyan",
              "suspended": "red", "terminated": "red"}
    table = Table(title=view.title, header_style="bold")
    for h in view.headers:
        table.add_column(h, justify="right" if h == "days left" else "left", overflow="fold",
                         no_wrap=h in ("name", "start", "end", "cancel by", "status", "days left"))
    for r in view.rows:
        cells = [Text(terminal_text(c)) for c in view.cells(r)]
        if view.kind == "list":
            at = view.headers.index("status")
            cells[at] = Text(terminal_text(r.status), style=styles.get(r.status, ""))
        table.add_row(*cells)
    console.print(table)


def report_markdown(out: IO[str], view: View) -> None:
    from slactl.reporters.markdown import md_cell, md_table

    out.write(f"### {md_cell(view.title)}\n\n")
    if not view.rows:
        out.write(md_cell(view.empty()) + "\n")
        return
    out.write(md_table(view.headers, [view.cells(r) for r in view.rows]))


def report_html(out: IO[str], view: View) -> None:
    """One self-contained page (no scripts); every value escaped."""
    import html

    e = html.escape
    parts = ["<!doctype html><html><head><meta charset=\"utf-8\">",
             f"<title>{e(view.title)}</title>",
             "<style>body{font-family:system-ui,Arial,sans-serif;margin:1.5em}table{border-collapse:collapse}"
             "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}</style>",
             f"</head><body><h1>{e(view.title)}</h1>"]
    if not view.rows:
        parts.append(f"<p>{e(view.empty())}</p>")
    else:
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in view.headers) + "</tr>")
        for r in view.rows:
            parts.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in view.cells(r)) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    out.write("\n".join(parts))


REPORTERS: dict[str, Callable[[IO[str], View], None]] = {
    "table": report_table,
    "text": report_text,
    "json": report_json,
    "csv": report_csv,
    "markdown": report_markdown,
    "html": report_html,
}
