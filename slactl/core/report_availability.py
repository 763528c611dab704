"""The customer report's availability section: each agreement's objectives from an outage log
and the credit due, as a ``Section.extras`` table (README, "Availability and credits")."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slactl.core.availability import Outage, availability_for
from slactl.core.durations import human_minutes
from slactl.core.model import Workspace


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} %"


def availability_extras(ws: Workspace, sections: Iterable[Any], outages: list[Outage], period: Any,
                        as_of: float) -> None:
    """Attach, to every section whose agreement has objectives or credits, an ``availability``
    table (per service and window) and a ``credits`` table (per month). Compliance tiers are
    judged on the section's own tickets of each month."""
    for section in sections:
        ag = section.agreement
        compliance = {}
        for month, metrics in section.trend.items():
            for metric, (met, breached) in metrics.items():
                if met + breached:
                    compliance[(ag.name, month, metric)] = 100.0 * met / (met + breached)
        rows, credits = availability_for(ws, ag, outages, period, as_of, compliance)
        if rows:
            section.extras["availability"] = {
                "title": "Availability",
                "headers": ["service", "window", "availability", "target", "verdict", "downtime", "budget left",
                            "outages"],
                "rows": [[r.service, r.window + (" (so far)" if r.partial else ""), _pct(r.availability_pct),
                          _pct(r.target_pct), "n/a" if r.ok is None else ("met" if r.ok else "missed"),
                          human_minutes(r.downtime_minutes), human_minutes(r.budget_left_minutes)
                          if r.budget_left_minutes >= 0 else "over by " + human_minutes(-r.budget_left_minutes),
                          r.outages] for r in rows],
                "note": "Availability = (required - downtime) / required, on each objective's calendar.",
            }
        if credits:
            section.extras["credits"] = {
                "title": "Service credits",
                "headers": ["month", "credit", "amount", "reasons"],
                "rows": [[c.window, f"{c.credit_pct:g} %",
                          "-" if c.amount is None else f"{c.amount:,.2f} {c.currency or ''}".strip(),
                          "; ".join(c.reasons) or "no tier applies"] for c in credits],
                "note": "The largest tier whose condition holds each month, capped.",
            }
