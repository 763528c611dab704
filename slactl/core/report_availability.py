"""The customer report's availability section: each agreement's objectives from an outage log
and the credit due, as ``Section.extras`` (README, "Availability and credits")."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slactl.core.availability import Outage, availability_for
from slactl.core.model import Workspace


def availability_extras(ws: Workspace, sections: Iterable[Any], outages: list[Outage], period: Any,
                        as_of: float) -> None:
    """Attach, to every section whose agreement has objectives or credits, its ``availability``
    rows (per service and window, as the availability JSON has them) and its ``credits`` (per
    month, with the reasons as values); the page writes them in its language. Compliance tiers
    are judged on the section's own tickets of each month."""
    for section in sections:
        ag = section.agreement
        compliance = {}
        for month, metrics in section.trend.items():
            for metric, (met, breached) in metrics.items():
                if met + breached:
                    compliance[(ag.name, month, metric)] = 100.0 * met / (met + breached)
        rows, credits = availability_for(ws, ag, outages, period, as_of, compliance)
        if rows:
            section.extras["availability"] = {"kind": "availability", "rows": [r.as_dict() for r in rows]}
        if credits:
            section.extras["credits"] = {"kind": "credits", "rows": [
                {**c.as_dict(), "causes": [{"kind": k, "of": of, "value": round(value, 5), "below": below,
                                            "credit_pct": credit} for k, of, value, below, credit in c.causes]}
                for c in credits]}
