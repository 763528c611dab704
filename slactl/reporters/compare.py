"""``score --compare`` in words: the objectives side by side (compliance here and under REF, the
difference, verdicts moved) and the tickets whose verdict differs."""
from __future__ import annotations

from typing import IO, Any

from slactl.console import inert

_METRIC = {"first_response": "first response", "resolution": "resolution"}
LIST_LIMIT = 50


def _pct(v: object) -> str:
    """As score's table shows a compliance (one display rounding: slactl.core.figures)."""
    from slactl.core.figures import percent_text

    return "-" if not isinstance(v, (int, float)) else percent_text(v)


def _diff(v: object) -> str:
    return "-" if not isinstance(v, (int, float)) else f"{v:+.1f}"


def write_comparison(out: IO[str], data: dict[str, Any], *, markdown: bool = False) -> None:
    headers = ["agreement", "priority", "metric", "here %", "REF %", "diff", "met→breached", "breached→met"]
    body = [[r["agreement"], r["priority"], _METRIC.get(r["metric"], r["metric"]), _pct(r["compliance_pct"]),
             _pct(r["other_compliance_pct"]), _diff(r["difference_pct"]), str(r["met_to_breached"]),
             str(r["breached_to_met"])] for r in data["objectives"]]
    flipped = data["flipped"]
    title = f"Compared with {data['ref']} (REF): the same tickets under both"
    flips = [[f["id"], _METRIC.get(f["metric"], f["metric"]), f["status"], f["other_status"]]
             for f in flipped[:LIST_LIMIT]]
    more = f" (the first {LIST_LIMIT}; --format json lists them all)" if len(flipped) > LIST_LIMIT else ""
    flip_title = f"Verdicts that differ: {len(flipped)}{more}"
    flip_heads = ["ticket", "metric", "here", "REF"]
    if markdown:
        from slactl.reporters.markdown import md_cell, md_table

        out.write(f"\n#### {md_cell(title)}\n\n" + md_table(headers, body))
        out.write(f"\n#### {md_cell(flip_title)}\n\n" + (md_table(flip_heads, flips) if flips else "none\n"))
        return
    from tabulate import tabulate

    align = ["left", "left", "left", "right", "right", "right", "right", "right"]
    out.write("\n" + inert(title) + "\n")
    cells = [[inert(c) for c in row] for row in body]
    out.write((tabulate(cells, headers=headers, disable_numparse=True, colalign=align) if body else "none") + "\n")
    out.write("\n" + inert(flip_title) + "\n")
    if flips:
        out.write(tabulate([[inert(c) for c in row] for row in flips], headers=flip_heads,
                           disable_numparse=True) + "\n")


def compare_extras(sections: list[Any], others: list[Any], ref: str, lang: str | None) -> None:
    """``report --compare``: attach to each section the same objectives under REF's terms
    (``Section.extras["compare"]``), in the section's language."""
    from slactl.i18n import percent, text
    from slactl.i18n.formats import DASH, number

    theirs = {(s.agreement.name, s.customer.key): s for s in others}
    for section in sections:
        said = lang or section.agreement.language or "en"
        other = theirs.get((section.agreement.name, section.customer.key))
        rows = []
        for (priority, metric), tally in sorted(section.tallies.items()):
            mine = tally.compliance
            there = other.tallies.get((priority, metric)).compliance \
                if other is not None and (priority, metric) in other.tallies else None
            gap = None if mine is None or there is None else round(mine - there, 1)
            diff = DASH if gap is None else text(
                said, "points", value=("+" if gap > 0 else "−" if gap < 0 else "") + number(said, abs(gap), 1))
            rows.append([priority, text(said, "metric_" + metric), percent(said, mine), percent(said, there), diff])
        if rows:
            section.extras["compare"] = {
                "title": text(said, "compare_title", ref=ref),
                "headers": [text(said, "priority"), text(said, "metric"), text(said, "compare_here"),
                            text(said, "compare_there"), text(said, "compare_difference")],
                "rows": rows, "note": text(said, "compare_note"),
            }
