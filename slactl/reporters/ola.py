"""Reporters for ``slactl score --ola``: the OLAs' figures per OLA x team x priority x stage,
in every format of ``score`` (table, text, markdown, html, json, csv). Summary only: the
per-ticket stages are in the score JSON's ``ola_stages``."""
from __future__ import annotations

import html
import json
from typing import Any

from slactl.console import inert
from slactl.core.scoring import Scorer, iso
from slactl.core.totals import summary_row
from slactl.reporters.score import _SummaryOnly
from slactl.reporters.score_data import Meta

HEADERS = ["OLA", "team", "priority", "stage", "tickets", "met", "breached", "pending", "at risk", "compl. %",
           "target %", "median", "p90", "verdict"]
CSV_COLUMNS = ["ola", "team", "priority", "metric", "tickets", "met", "breached", "pending", "at_risk",
               "compliance_pct", "target_pct", "ok", "median_minutes", "p90_minutes", "mean_minutes"]


def ola_rows(scorer: Scorer) -> list[dict[str, object]]:
    """One row per OLA x team x priority x metric (resolution, response) with tickets."""
    olas = scorer.behind.olas if scorer.behind is not None else None
    if olas is None:
        return []
    score = olas.score
    order = {"resolution": 0, "response": 1}
    rows = []
    for (ola, team, prio, metric), g in sorted(score.groups.items(), key=lambda kv: (*kv[0][:3], order[kv[0][3]])):
        if g.tickets:
            row = summary_row({"ola": ola, "team": team, "priority": prio, "metric": metric}, g,
                              score.targets.get(ola))
            rows.append({k: row[k] for k in CSV_COLUMNS})
    return rows


def _cells(r: dict[str, object]) -> list[object]:
    from slactl.reporters.score import _pct, _time, _verdict

    return [r["ola"], r["team"], r["priority"], r["metric"], r["tickets"], r["met"], r["breached"], r["pending"],
            r["at_risk"], _pct(r["compliance_pct"], r["target_pct"]), _pct(r["target_pct"]),
            _time(r["median_minutes"]), _time(r["p90_minutes"]), _verdict(r)]


def _headline(meta: Meta, scorer: Scorer) -> list[str]:
    from slactl.reporters.score import _headline as sla_headline

    return sla_headline(meta, scorer)


class _OlaReporter(_SummaryOnly):
    """The OLA rows are totals: tickets are ignored, the table is written at the end."""


class OlaTextReporter(_OlaReporter):
    def finish(self, meta: Meta, scorer: Scorer) -> None:
        from slactl.reporters.score import _plain_table

        w = self.out.write
        for line in _headline(meta, scorer):
            w(inert(line) + "\n")
        rows = ola_rows(scorer)
        w("\nOLAs\n" + (_plain_table(HEADERS, [_cells(r) for r in rows]) if rows else
                        "no ticket was held by a team with an OLA") + "\n")


class OlaTableReporter(_OlaReporter):
    """A Rich table (plain text when the output is not a terminal, as ``score`` does)."""

    def finish(self, meta: Meta, scorer: Scorer) -> None:
        from rich.text import Text

        from slactl.console import make_console
        from slactl.reporters.score import TableReporter

        console = make_console(self.out)
        for line in _headline(meta, scorer):
            console.print(Text(inert(line)))
        rows = ola_rows(scorer)
        body = [_cells(r) for r in rows]
        if not body:
            console.print(Text("no ticket was held by a team with an OLA"))
            return
        # one block per OLA x team under its name, columns of one width throughout (fits 80 columns)
        rest = [c[2:] for c in body]
        widths = TableReporter._widths(HEADERS[2:], rest)
        console.print(Text("OLA compliance", style="bold"))
        first = True
        for key in dict.fromkeys((c[0], c[1]) for c in body):
            idx = [i for i, c in enumerate(body) if (c[0], c[1]) == key]
            console.print(TableReporter._table(inert(f"{key[0]} · team {key[1]}"), HEADERS[2:], [rest[i] for i in idx],
                                               [rows[i].get("ok") for i in idx], widths=widths, header=first))
            first = False


class OlaMarkdownReporter(_OlaReporter):
    def finish(self, meta: Meta, scorer: Scorer) -> None:
        from slactl.reporters.markdown import md_cell, md_table
        from slactl.reporters.score import _fmt

        w = self.out.write
        w("### OLA report\n\n" + "  \n".join(md_cell(line) for line in _headline(meta, scorer)) + "\n\n")
        w(md_table(HEADERS, [[_fmt(c) for c in _cells(r)] for r in ola_rows(scorer)]))


class OlaHtmlReporter(_OlaReporter):
    def finish(self, meta: Meta, scorer: Scorer) -> None:
        from slactl.reporters.score import _CSS, HtmlReporter, _verdict

        e = html.escape
        rows = ola_rows(scorer)
        parts = ["<!doctype html><html><head><meta charset=\"utf-8\"><title>OLA report</title>",
                 f"<style>{_CSS}</style></head><body><h1>OLA report</h1>"]
        parts += [f"<p>{e(line)}</p>" for line in _headline(meta, scorer)]
        parts.append(HtmlReporter._table(HEADERS, [_cells(r) for r in rows], verdicts=[_verdict(r) for r in rows]))
        parts.append("</body></html>\n")
        self.out.write("\n".join(parts))


class OlaJsonReporter(_OlaReporter):
    def finish(self, meta: Meta, scorer: Scorer) -> None:
        olas = scorer.behind.olas if scorer.behind is not None else None
        data: dict[str, Any] = {
            "as_of": iso(meta.as_of), "timezone": meta.timezone, "preset": meta.preset, "file": meta.path,
            "rows": meta.rows, "scored": meta.scored,
            "rejected": [{"row": x.row, "id": x.id, "reason": x.reason} for x in meta.rejected or ()],
            "notes": list(meta.notes or ()) + meta.pause_notes,
            "olas": ola_rows(scorer),
            "no_rule_priorities": [{"ola": o, "priority": p, "tickets": n}
                                   for (o, p), n in sorted((olas.score.no_rule if olas else {}).items())],
        }
        self.out.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


class OlaCsvReporter(_OlaReporter):
    def finish(self, meta: Meta, scorer: Scorer) -> None:
        import csv

        from slactl.reporters.cells import csv_cell

        w = csv.writer(self.out, lineterminator="\r\n")
        w.writerow(CSV_COLUMNS)
        for r in ola_rows(scorer):
            w.writerow([csv_cell(r[k]) if isinstance(r[k], str) else ("" if r[k] is None else r[k])
                        for k in CSV_COLUMNS])


OLA_REPORTERS = {"table": OlaTableReporter, "text": OlaTextReporter, "json": OlaJsonReporter,
                 "csv": OlaCsvReporter, "markdown": OlaMarkdownReporter, "html": OlaHtmlReporter}
