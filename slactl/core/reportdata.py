"""The customer report as plain data: the figures, chart series and lists every
format shows (the JSON format prints exactly this). Pure.

Durations are minutes (rounded to 0.01) and instants ISO 8601 in the section's
zone; the reporters turn them into words ("1 h 25 min") in the reader's language.
"""
from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from slactl.core.totals import summary_row
from slactl.core.report import LIST_LIMIT, CustomerReport, Listed, Report, Section, Tally

NO_DATA, MET, MISSED = "no data", "met", "missed"
DISTRIBUTION_STEPS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
"""Upper bounds of the resolution-time buckets, as shares of the target (the last bucket is open)."""


def report_data(report: Report) -> dict[str, object]:
    """Everything the page shows, as JSON-ready values."""
    sections = [section_data(s, report) for c in report.customers for s in c.sections]
    return {
        "as_of": _iso(report.as_of, timezone.utc),
        "period": report.period.as_dict(),
        "trend_months": [m.label for m in report.trend_months],
        "customers": [customer_data(c) for c in report.customers],
        "sections": sections,
        "uncovered": [u for c in report.customers for u in uncovered_data(c)],
        "rows": report.rows,
        # a count only: a rejected row's id may be another customer's ticket (score lists them)
        "rejected_rows": len(report.rejected),
    }


def for_customer(data: dict[str, Any], customer: str) -> dict[str, Any]:
    """``data`` cut down to one customer (what that customer's mail holds)."""
    return {**data, "customers": [c for c in data["customers"] if c["id"] == customer],
            "sections": [s for s in data["sections"] if s["customer"]["id"] == customer],
            "uncovered": [u for u in data["uncovered"] if u["customer"] == customer]}


def language(data: dict[str, Any], default: str = "en") -> str:
    """The language the agreements in ``data`` ask for (``spec.language``): the one of the
    customers' own agreements when they agree on one, else ``default``."""
    own = {s["language"] for s in data["sections"] if not s["provider_wide"] and s["language"]}
    if not own:
        own = {s["language"] for s in data["sections"] if s["language"]}
    return own.pop() if len(own) == 1 else default


def customer_data(c: CustomerReport) -> dict[str, object]:
    met = sum(s.objectives[0] for s in c.sections)
    total = sum(s.objectives[1] for s in c.sections)
    return {"id": c.customer.key, "name": c.customer.name, "own_agreement": c.customer.own,
            "agreements": [s.agreement.name for s in c.sections], "objectives_met": met, "objectives_total": total}


def uncovered_data(c: CustomerReport) -> list[dict[str, object]]:
    return [{"customer": c.customer.key, "reason": reason, "tickets": c.uncovered_counts.get(reason, len(ids)),
             "ids": list(ids), "more": c.uncovered_counts.get(reason, len(ids)) - len(ids)}
            for reason, ids in sorted(c.uncovered.items())]


def section_data(s: Section, report: Report) -> dict[str, object]:
    zone = ZoneInfo(s.zone)
    ag = s.agreement
    met, total = s.objectives
    keys = sorted(s.tallies, key=lambda k: (_natural(k[0]), k[1] != "first_response"))
    objectives = [objective(priority, metric, s.tallies[(priority, metric)]) for priority, metric in keys]
    at_risk = sorted(s.at_risk, key=lambda x: (x.due or 0.0, x.ticket_id))
    excluded = sorted(s.excluded, key=lambda x: x.ticket_id)
    return {
        "customer": {"id": s.customer.key, "name": s.customer.name},
        "agreement": ag.name,
        "provider_wide": ag.customer.is_wildcard,
        "language": ag.language,
        "services": list(ag.services) if ag.services is not None else None,
        "agreement_period": {"start": ag.start.isoformat(), "end": ag.end.isoformat()},
        "timezone": s.zone,
        "tickets": s.tickets,
        "objectives_met": met,
        "objectives_total": total,
        "objectives": objectives,
        "charts": {
            "compliance": [{"priority": o["priority"], "metric": o["metric"], "compliance_pct": o["compliance_pct"],
                            "target_pct": o["target_pct"]} for o in objectives],
            "trend": trend(s, report),
            "distribution": distribution(s),
        },
        "lists": {
            "breached": {"items": [_breach(x) for x in s.breaches()], "more": s.breached_total - len(s.breached)},
            "at_risk": {"items": [_risk(x, zone) for x in at_risk[:LIST_LIMIT]],
                        "more": max(0, len(at_risk) - LIST_LIMIT)},
            "no_rule": [{"priority": p, "tickets": n} for p, n in sorted(s.no_rule.items(), key=lambda t: -t[1])],
            "excluded": {"items": [{"id": x.ticket_id, "priority": x.priority, "reason": x.reason}
                                   for x in excluded[:LIST_LIMIT]],
                         "more": max(0, len(excluded) - LIST_LIMIT)},
        },
        "extras": dict(s.extras),
    }


def objective(priority: str, metric: str, t: Tally) -> dict[str, object]:
    """One objective row: the figures of ``score``'s summary row for the same tickets
    (:func:`slactl.core.totals.summary_row`: one computation for both), its target and verdict."""
    row = summary_row({}, t, t.target_pct)
    ok = row["ok"]
    return {
        "priority": priority, "metric": metric, "tickets": row["tickets"], "met": row["met"],
        "breached": row["breached"], "pending": row["pending"], "at_risk": row["at_risk"],
        "compliance_pct": row["compliance_pct"], "target_pct": t.target_pct,
        "target_minutes": _minutes(t.target_seconds), "median_minutes": row["median_minutes"],
        "p90_minutes": row["p90_minutes"], "verdict": NO_DATA if ok is None else MET if ok else MISSED,
        "paused_tickets": row["paused_tickets"], "median_paused_minutes": row["median_paused_minutes"],
    }


def trend(s: Section, report: Report) -> dict[str, object]:
    """Compliance per month and metric (met / judged over all priorities) and the target."""
    targets = {t.target_pct for t in s.tallies.values() if t.target_pct is not None}
    series: dict[str, list[float | None]] = {"first_response": [], "resolution": []}
    judged: dict[str, list[int]] = {"first_response": [], "resolution": []}
    for month in report.trend_months:
        counts = s.trend.get(month.label, {})
        for metric in series:
            met, breached = counts.get(metric, (0, 0))
            series[metric].append(_r2(100.0 * met / (met + breached)) if met + breached else None)
            judged[metric].append(met + breached)
    return {"months": [m.label for m in report.trend_months],
            "target_pct": next(iter(targets)) if len(targets) == 1 else None,
            "series": series, "judged": judged}


def distribution(s: Section) -> list[dict[str, object]]:
    """Resolution times per priority in buckets relative to the target (the last one open):
    every judged ticket, met or breached, open breaches at their time so far, so the buckets
    add up to the row's met + breached."""
    out: list[dict[str, object]] = []
    for (priority, metric), t in sorted(s.tallies.items(), key=lambda kv: _natural(kv[0][0])):
        if metric != "resolution" or t.target_seconds is None or not t.judged:
            continue
        edges = [t.target_seconds * step for step in DISTRIBUTION_STEPS]
        counts = [0] * (len(edges) + 1)
        for value in t.judged:
            i = 0
            while i < len(edges) and value > edges[i]:
                i += 1
            counts[i] += 1
        buckets: list[dict[str, object]] = []
        lower: float | None = 0.0
        for i, n in enumerate(counts):
            upper = edges[i] if i < len(edges) else None
            buckets.append({"from_minutes": _minutes(lower), "to_minutes": _minutes(upper), "tickets": n,
                            "within_target": upper is not None and upper <= t.target_seconds})
            lower = upper
        out.append({"priority": priority, "target_minutes": _minutes(t.target_seconds), "buckets": buckets})
    return out


def _breach(x: Listed) -> dict[str, object]:
    over = None if x.elapsed_seconds is None or x.target_seconds is None else x.elapsed_seconds - x.target_seconds
    out: dict[str, object] = {"id": x.ticket_id, "priority": x.priority, "metric": x.metric,
                              "target_minutes": _minutes(x.target_seconds),
                              "actual_minutes": _minutes(x.elapsed_seconds), "over_by_minutes": _minutes(over)}
    if x.stages:  # the team stages that overran their OLA
        out["ola_stages"] = [{"ola": s.ola, "team": s.team, "target_minutes": _minutes(s.resolution.target),
                              "actual_minutes": _minutes(s.resolution.elapsed),
                              "over_by_minutes": _minutes(s.resolution.elapsed - (s.resolution.target or 0.0))}
                             for s in x.stages]
    return out


def _risk(x: Listed, zone: ZoneInfo) -> dict[str, object]:
    return {"id": x.ticket_id, "priority": x.priority, "metric": x.metric,
            "target_minutes": _minutes(x.target_seconds), "elapsed_minutes": _minutes(x.elapsed_seconds),
            "due_at": _iso(x.due, zone)}


def _iso(epoch: float | None, zone: object) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(round(epoch), zone).isoformat()  # type: ignore[arg-type]


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


def _r2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _natural(text: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdecimal() else p.casefold() for p in re.split(r"(\d+)", text))
