"""Reporters for ``slactl score``: the human formats (table, text, markdown, html) here,
the per-ticket ones (JSON, CSV) and ``Meta`` in ``slactl.reporters.score_data``.

Each reporter gets the tickets one by one (``ticket``) and the totals at the
end (``finish``). JSON and CSV stream every ticket straight to the output, so
memory stays flat whatever the size of the export; the human formats show
the summary only.
"""
from __future__ import annotations

import html
from typing import IO

from slactl.console import inert
from slactl.core.scoring import Scorer, TicketResult, iso
from slactl.reporters.junit import JunitReporter
from slactl.reporters.score_data import CSV_COLUMNS, CsvReporter, JsonReporter, Meta, ticket_dict, ticket_json
from slactl.reporters.score_lists import named_tables

__all__ = ["REPORTERS", "Meta", "JsonReporter", "CsvReporter", "CSV_COLUMNS", "ticket_dict", "ticket_json"]


def _fmt(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def _verdict(row: dict[str, object]) -> str:
    ok = row.get("ok")
    return "n/a" if ok is None else ("OK" if ok else "BELOW")


def _headline(meta: Meta, scorer: Scorer) -> list[str]:
    mc = scorer.match_counts
    collapsed = f", {meta.collapsed} collapsed" if meta.collapsed else ""
    return [
        f"{meta.path}: {meta.rows} rows, {meta.scored} scored, {len(meta.rejected or ())} rejected{collapsed} "
        f"(preset {meta.preset}, encoding {meta.encoding}, naive times read as {meta.timezone}, "
        f"as of {iso(meta.as_of)})",
        *(meta.notes or ()),
        f"matched {mc['matched']}, uncovered {mc['uncovered']}, ambiguous {mc['ambiguous']}, "
        f"no_rule {mc['no_rule']}",
        *([f"priorities with no rule: {scorer.no_rule_text()}"] if scorer.no_rule_priorities else []),
    ] + _history_lines(meta, scorer) + meta.pause_notes


def _history_lines(meta: Meta, scorer: Scorer) -> list[str]:
    h = meta.history
    if h is None:
        return []
    return [f"status history {h.path} ({h.preset}): {h.counts_text()}; {scorer.reopens} reopens; "
            f"matched {'in one pass (sorted by ticket)' if h.method == 'sorted' else 'through an on-disk index'}"]


def _summary_rows(scorer: Scorer) -> tuple[list[str], list[list[object]], list[dict[str, object]]]:
    rows = scorer.grouped()
    key = ["agreement", "priority"] if scorer.group_by == "agreement" else [scorer.group_by]
    paused = any(r["paused_tickets"] for r in rows)  # the column only where some clock was paused
    headers = key + ["metric", "tickets", "met", "breached", "pending", "at risk", "compl. %",
                     "target %", "median", "p90"] + (["paused median"] if paused else []) + ["verdict"]
    body = [[r[k] for k in key] + [r["metric"], r["tickets"], r["met"], r["breached"], r["pending"],
                                   r["at_risk"], _pct(r["compliance_pct"], r["target_pct"]), _pct(r["target_pct"]),
                                   _time(r["median_minutes"]), _time(r["p90_minutes"])]
            + ([_time(r["median_paused_minutes"])] if paused else []) + [_verdict(r)] for r in rows]
    return headers, body, rows


def _pct(value: object, target: object = None) -> str | None:
    """The one display rounding (``slactl.core.figures``): cut down, never up to the target."""
    from slactl.core.figures import percent_text

    if not isinstance(value, (int, float)):
        return None
    return percent_text(value, target if isinstance(target, (int, float)) else None)


def _time(minutes: object) -> str | None:
    """Open (business) time in hours and minutes: "2 h 32 min", never decimal minutes."""
    from slactl.core.figures import duration_text

    return duration_text(minutes) if isinstance(minutes, (int, float)) else None


_BREACH_HEADERS = ["ticket", "agreement", "priority", "metric", "target", "elapsed", "over by"]


def _breach_rows(scorer: Scorer) -> list[list[object]]:
    rows: list[list[object]] = []
    for b in scorer.worst_breaches():
        target, elapsed = b.target / 60, b.elapsed / 60
        rows.append([b.ticket_id, b.agreement, b.priority, b.metric, _time(target), _time(elapsed),
                     _time(elapsed - target)])
    return rows


def _rejected_rows(meta: Meta, limit: int = 20) -> list[list[object]]:
    return [[x.row, x.id, x.reason] for x in (meta.rejected or ())[:limit]]


class _SummaryOnly:
    """Human formats ignore tickets and render totals at the end."""

    summary_only = True

    def __init__(self, out: IO[str], meta: Meta) -> None:
        self.out = out

    def ticket(self, r: TicketResult) -> None:
        pass

    def finish(self, meta: Meta, scorer: Scorer) -> None:
        raise NotImplementedError


class TextReporter(_SummaryOnly):
    def finish(self, meta: Meta, scorer: Scorer) -> None:

        w = self.out.write
        for line in _headline(meta, scorer):
            w(inert(line) + "\n")
        headers, body, _ = _summary_rows(scorer)
        w("\n" + _plain_table(headers, body) + "\n")
        if scorer.worst:
            w("\nWorst breaches\n" + _plain_table(_BREACH_HEADERS, _breach_rows(scorer)) + "\n")
        for title, heads, body in named_tables(scorer):
            w(f"\n{title}\n" + _plain_table(heads, body) + "\n")
        _write_rejected_text(w, meta)


def _plain_table(headers: list[str], body: list[list[object]]) -> str:
    """Numbers right-aligned with one decimal, text left-aligned, nothing re-parsed."""
    from tabulate import tabulate

    align = ["right" if body and isinstance(body[0][i], (int, float)) and not isinstance(body[0][i], bool)
             or h in _NUMERIC else "left" for i, h in enumerate(headers)]
    cells = [[inert(_fmt(c)) for c in row] for row in body]
    return tabulate(cells, headers=headers, disable_numparse=True, colalign=align)


_NUMERIC = {"tickets", "met", "breached", "pending", "at risk", "compl. %", "target %", "median", "p90",
            "paused median", "target", "elapsed", "over by"}


def _write_rejected_text(w, meta: Meta) -> None:  # type: ignore[no-untyped-def]
    rejected = meta.rejected or []
    if rejected:
        more = "; --format json or csv lists them all" if len(rejected) > 20 else ""
        w(f"\nRejected rows ({len(rejected)}{more})\n")
        for row, tid, reason in _rejected_rows(meta):
            w(inert(f"  row {row}{' ' + str(tid) if tid else ''}: {reason}") + "\n")


_SHORT = {"tickets": "tix", "breached": "breach", "pending": "pend", "at risk": "risk", "compl. %": "compl%",
          "target %": "target%",
          "paused median": "paused", "first_response": "response", "priority": "prio"}


_NO_VERDICT = object()


class TableReporter(_SummaryOnly):
    """Rich tables that fit an 80-column terminal: short headers, numbers never cut."""

    @staticmethod
    def _cell(c: object) -> str:
        return inert(_SHORT.get(c, c) if isinstance(c, str) else _fmt(c))

    @staticmethod
    def _widths(headers: list[str], body: list[list[object]]) -> list[int]:
        return [max([len(_SHORT.get(h, h))] + [len(TableReporter._cell(row[i])) for row in body])
                for i, h in enumerate(headers)]

    @staticmethod
    def _table(title: str, headers: list[str], body: list[list[object]], verdicts: list[object] | None = None,  # type: ignore[no-untyped-def]
               widths: list[int] | None = None, header: bool = True):
        from rich import box
        from rich.table import Table

        table = Table(title=title, title_justify="left", title_style="bold", header_style="bold",
                      box=box.SIMPLE_HEAD, show_header=header, show_edge=False, pad_edge=False,
                      padding=(0, 1), collapse_padding=True)
        for i, h in enumerate(headers):
            numeric = h in _NUMERIC
            table.add_column(_SHORT.get(h, h), justify="right" if numeric else "left", no_wrap=numeric,
                             overflow="fold", width=widths[i] if widths else None)
        for i, cells in enumerate(body):
            TableReporter._add_row(table, cells, verdicts[i] if verdicts is not None else _NO_VERDICT)
        return table

    @staticmethod
    def _add_row(table, cells: list[object], verdict: object) -> None:  # type: ignore[no-untyped-def]
        from rich.text import Text

        rendered = [Text(TableReporter._cell(c)) for c in cells]
        if verdict is not _NO_VERDICT:
            style = {True: "green", False: "red bold"}.get(verdict, "dim")  # type: ignore[call-overload]
            rendered[-1] = Text(str(cells[-1]), style=style)
        table.add_row(*rendered)

    def finish(self, meta: Meta, scorer: Scorer) -> None:
        from rich.text import Text

        from slactl.console import make_console

        console = make_console(self.out)
        for line in _headline(meta, scorer):
            console.print(Text(inert(line)))
        headers, body, rows = _summary_rows(scorer)
        verdicts = [r.get("ok") for r in rows]
        if scorer.group_by == "agreement":
            # one block per agreement under its name, columns of one width throughout:
            # without the long agreement column the table fits an 80-column terminal
            rest = [["  " + str(c[1])] + c[2:] for c in body]
            widths = self._widths(headers[1:], rest)
            console.print(Text("SLA compliance", style="bold"))
            first = True
            for name in dict.fromkeys(c[0] for c in body):
                idx = [i for i, c in enumerate(body) if c[0] == name]
                console.print(self._table(inert(name), headers[1:], [rest[i] for i in idx],
                                          [verdicts[i] for i in idx], widths=widths, header=first))
                first = False
        else:
            console.print(self._table("SLA compliance", headers, body, verdicts,
                                      widths=self._widths(headers, body)))
        if scorer.worst:
            breaches = _breach_rows(scorer)
            console.print(self._table("Worst breaches", _BREACH_HEADERS, breaches,
                                      widths=self._widths(_BREACH_HEADERS, breaches)))
        for title, heads, body in named_tables(scorer):
            console.print(self._table(title, heads, body, widths=self._widths(heads, body)))
        rejected = meta.rejected or []
        if rejected:
            more = " (--format json or csv lists them all)" if len(rejected) > 10 else ""
            console.print(Text(f"Rejected rows: {len(rejected)}{more}", style="yellow"))
            for row, tid, reason in _rejected_rows(meta, 10):
                console.print(Text(inert(f"  row {row}{' ' + str(tid) if tid else ''}: {reason}")))


class MarkdownReporter(_SummaryOnly):
    def finish(self, meta: Meta, scorer: Scorer) -> None:
        from slactl.reporters.markdown import md_cell, md_table

        w = self.out.write
        w("### SLA report\n\n" + "  \n".join(md_cell(line) for line in _headline(meta, scorer)) + "\n\n")
        headers, body, _ = _summary_rows(scorer)
        w(md_table(headers, [[_fmt(c) for c in row] for row in body]))
        if scorer.worst:
            w("\n#### Worst breaches\n\n" + md_table(_BREACH_HEADERS, _breach_rows(scorer)))
        for title, heads, body in named_tables(scorer):
            w(f"\n#### {title}\n\n" + md_table(heads, body))
        if meta.rejected:
            w(f"\n#### Rejected rows ({len(meta.rejected)})\n\n" + md_table(["row", "id", "reason"],
                                                                         _rejected_rows(meta)))


_CSS = """body{font-family:system-ui,Segoe UI,Arial,sans-serif;color:#222;margin:1.5em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}.ok{color:#176317;font-weight:bold}
.below{color:#b00020;font-weight:bold}.na{color:#777}"""


class HtmlReporter(_SummaryOnly):
    """One self-contained page (inline CSS, no scripts) that mail clients render."""

    def finish(self, meta: Meta, scorer: Scorer) -> None:
        e = html.escape
        parts = ["<!doctype html><html><head><meta charset=\"utf-8\"><title>SLA report</title>",
                 f"<style>{_CSS}</style></head><body><h1>SLA report</h1>"]
        parts += [f"<p>{e(line)}</p>" for line in _headline(meta, scorer)]
        headers, body, rows = _summary_rows(scorer)
        parts.append(self._table(headers, body, verdicts=[_verdict(r) for r in rows]))
        if scorer.worst:
            parts.append("<h2>Worst breaches</h2>" + self._table(_BREACH_HEADERS, _breach_rows(scorer)))
        parts += [f"<h2>{e(title)}</h2>" + self._table(heads, body) for title, heads, body in named_tables(scorer)]
        if meta.rejected:
            parts.append(f"<h2>Rejected rows ({len(meta.rejected)})</h2>"
                         + self._table(["row", "id", "reason"], _rejected_rows(meta)))
        parts.append("</body></html>\n")
        self.out.write("\n".join(parts))

    @staticmethod
    def _table(headers: list[str], body: list[list[object]], verdicts: list[str] | None = None) -> str:
        e = html.escape
        out = ["<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>"]
        for i, row in enumerate(body):
            cells = []
            for j, c in enumerate(row):
                cls = ""
                if verdicts is not None and j == len(row) - 1:
                    cls = {"OK": "ok", "BELOW": "below"}.get(verdicts[i], "na")
                elif isinstance(c, str):
                    cls = "l"
                cells.append(f"<td class=\"{cls}\">{e(_fmt(c))}</td>" if cls else f"<td>{e(_fmt(c))}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        return "".join(out) + "</table>"


REPORTERS = {
    "table": TableReporter, "text": TextReporter, "json": JsonReporter, "csv": CsvReporter,
    "markdown": MarkdownReporter, "html": HtmlReporter, "junit": JunitReporter,
}
