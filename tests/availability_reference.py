"""An independent reference for availability rows and credits, written from the file
format's description (README "Availability and credits"), not from slactl's code.

Brute force: every instant is a whole minute, and every minute of a window is
looked at on its own: is the objective's calendar open, is it in maintenance,
in a full or a partial outage of the service? Outage logs given to it must
have minute-aligned times. Calendars: weekday spans in local wall time
(``fold=0``), explicit holiday dates and workdays; no holidays library
(``holiday_country`` must be unset).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MIN = 60


@dataclass
class RefOutage:
    service: str
    start: int  # epoch seconds, multiple of 60
    end: int | None
    partial: bool = False
    maintenance: bool = False


def _local_midnight(d: date, zone: ZoneInfo) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=zone).timestamp())


class RefCalendar:
    """Open minutes of one calendar (None: 24x7), by brute force over local days."""

    def __init__(self, cal) -> None:  # type: ignore[no-untyped-def]
        self.cal = cal
        self.cache: dict[int, bool] = {}

    def open_minutes(self, start: int, end: int) -> set[int]:
        cal = self.cal
        if cal is None or cal.name == "24x7":
            return set(range(start, end, MIN))
        zone = ZoneInfo(cal.timezone)
        out: set[int] = set()
        day = datetime.fromtimestamp(start, zone).date() - timedelta(days=2)
        last = datetime.fromtimestamp(end, zone).date() + timedelta(days=2)
        while day <= last:
            if day in cal.workdays:
                spans = cal.workday_hours if cal.workday_hours is not None else cal.hours[0]
            elif day in cal.holiday_dates:
                spans = ()
            else:
                spans = cal.hours[day.weekday()]
            for s, e in spans:
                base = datetime(day.year, day.month, day.day, tzinfo=zone)
                a = int((base + timedelta(seconds=s)).timestamp())
                b = int((base + timedelta(seconds=e)).timestamp())
                for m in range(max(a, start), min(b, end), MIN):
                    out.add(m)
            day += timedelta(days=1)
        return out


def _windows(kind: str, zone: ZoneInfo, begin: int, end: int) -> list[tuple[str, int, int]]:
    """Every window of ``kind`` touching [begin, end): label, start, end."""
    d = datetime.fromtimestamp(begin, zone).date()
    if kind == "month":
        d = d.replace(day=1)
    elif kind == "quarter":
        d = date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    else:
        d = d - timedelta(days=d.weekday())
    out = []
    while True:
        if kind == "week":
            nxt = d + timedelta(days=7)
            y, w, _ = d.isocalendar()
            label = f"{y}-W{w:02d}"
        else:
            step = 1 if kind == "month" else 3
            m = d.month - 1 + step
            nxt = date(d.year + m // 12, m % 12 + 1, 1)
            label = f"{d.year}-{d.month:02d}" if kind == "month" else f"{d.year}-Q{(d.month - 1) // 3 + 1}"
        a, b = _local_midnight(d, zone), _local_midnight(nxt, zone)
        if a >= end:
            return out
        if b > begin:
            out.append((label, a, b))
        d = nxt


def agreement_zone(ws, ag) -> ZoneInfo:  # type: ignore[no-untyped-def]
    name = ag.calendar or (ws.policies[ag.policy].calendar if ag.policy in ws.policies else None)
    if name is None or name == "24x7":
        return ZoneInfo("UTC")
    return ZoneInfo(ws.calendars[name].timezone)


def reference(ws, outages: list[RefOutage], as_of: int, period: tuple[date, date] | None = None,  # type: ignore[no-untyped-def]
              compliance: dict | None = None) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    """(rows, credits) as dicts with the JSON's keys, agreements by name."""
    rows: list[dict] = []  # type: ignore[type-arg]
    credits: list[dict] = []  # type: ignore[type-arg]
    for ag in sorted(ws.agreements.values(), key=lambda a: a.name):
        policy = ws.policies.get(ag.policy) if ag.policy else None
        objectives = ag.availability if ag.availability is not None else (policy.availability if policy else None)
        terms = ag.credits if ag.credits is not None else (policy.credits if policy else None)
        zone = agreement_zone(ws, ag)
        cov_a = _local_midnight(ag.start, zone)
        cov_b = _local_midnight(ag.end + timedelta(days=1), zone)
        sel_a, sel_b = cov_a, min(cov_b, as_of)
        if period is not None:
            sel_a = max(sel_a, _local_midnight(period[0], zone))
            sel_b = min(sel_b, _local_midnight(period[1] + timedelta(days=1), zone))
        if sel_a >= sel_b:
            continue
        mine: list[dict] = []  # type: ignore[type-arg]
        for objective in objectives or ():
            cal = RefCalendar(ws.calendars.get(objective.calendar) if objective.calendar else None)
            services = objective.services or ag.services or tuple(sorted(ws.services))
            for label, wa, wb in _windows(objective.window, zone, sel_a, sel_b):
                a, b = max(wa, cov_a), min(wb, cov_b, as_of)
                if b <= a:
                    continue
                open_set = cal.open_minutes(a, b)
                for service in services:
                    mine.append(_one(ag, objective, service, label, a, b, as_of < min(wb, cov_b),
                                     open_set, [o for o in outages if o.service == service and o.start < as_of],
                                     as_of))
        rows += mine
        if terms is None:
            continue
        for label, wa, wb in _windows("month", zone, sel_a, sel_b):
            monthly = [r for r in mine if r["window"] == label and r["window_kind"] == "month"
                       and r["availability_pct"] is not None]
            worst = min((r["availability_pct"] for r in monthly), default=None)
            best = 0.0
            reasons = 0
            for tier in terms.tiers:
                if tier.availability_below is not None:
                    holds = worst is not None and worst < tier.availability_below
                else:
                    value = (compliance or {}).get((ag.name, label, tier.metric))
                    holds = value is not None and value < tier.compliance_below
                if holds:
                    best = max(best, tier.credit)
                    reasons += 1
            pct = min(best, terms.cap)
            credits.append({"agreement": ag.name, "window": label, "credit_pct": pct,
                            "amount": None if terms.monthly_fee is None else terms.monthly_fee * pct / 100,
                            "currency": terms.currency, "reasons": reasons})
    return rows, credits


def _one(ag, objective, service, label, a, b, partial, open_set, outages, as_of) -> dict:  # type: ignore[no-untyped-def,type-arg]
    counted = objective.maintenance == "counted"
    maint: set[int] = set()
    full: set[int] = set()
    part: set[int] = set()
    n = 0
    repair = 0
    for o in outages:
        end = as_of if o.end is None else o.end
        if not (o.start < b and end > a) or end <= o.start:
            continue  # a zero-length outage is no outage: no minute down, not in MTTR/MTBF
        minutes = range(max(o.start, a), min(end, b), MIN)
        if not any(m in open_set for m in minutes):
            continue  # wholly outside the calendar's open hours: nothing required was down
        if o.maintenance and not counted:
            maint.update(minutes)
            continue
        (part if o.partial and not o.maintenance else full).update(minutes)
        n += 1
        repair += sum(1 for m in minutes if m in open_set)
    required = down = 0.0
    for m in open_set:
        if m in maint:
            continue
        required += 1
        if m in full:
            down += 1
        elif m in part:
            down += objective.partial_weight
    target = objective.target
    allowed = required * (1 - target / 100)
    pct = None if required == 0 else 100 * (required - down) / required
    return {"agreement": ag.name, "customer": ag.customer.id, "service": service, "window": label,
            "window_kind": objective.window, "partial": partial, "required_minutes": required,
            "downtime_minutes": down, "availability_pct": pct, "target_pct": target,
            "ok": None if pct is None else pct >= target,
            "budget_used_pct": None if allowed == 0 else 100 * down / allowed,
            "budget_left_minutes": allowed - down, "outages": n,
            "mttr_minutes": repair / n if n else None,
            "mtbf_minutes": (required - down) / n if n else None}
