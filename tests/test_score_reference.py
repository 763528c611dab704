"""`slactl score --format json` against an independent, brute-force reference scorer.

The reference below is written from the public contract (contract-v1.md §1, §2,
§3, §5) only; it does not import or mirror slactl's matching, scoring or clock
code.  It is deliberately simple and slow:

* business time: walk every local calendar date, turn each open span's local
  endpoints into UTC instants with ``datetime(..., tzinfo=ZoneInfo(tz))``
  (fold=0), clip to the measured range and add up; due instants by walking the
  same spans forward;
* holidays from ``holidays.country_holidays(country, subdiv, years=...)`` plus
  ``dates``; transferred working days (the library's ``weekend_workdays`` plus
  ``workdays``) open with ``workday_hours``, default the Monday hours;
* matching exactly as §2 reads (customer id/name/alias case-insensitive and
  trimmed or ``*``; period coverage in the agreement's time zone; services;
  specificity; ties are ``ambiguous``; agreement rule, else policy rule).

Random tickets (seeded, reproducible with ``SLACTL_REF_SEED``) are written as a
UTF-8 ISO-8601 CSV with offsets, a ``;``-delimited cp1251 CSV with naive
``dd.mm.yyyy`` Moscow times, and a naive New York CSV (DST gap and fold, no
first-response column), scored by the real CLI in a subprocess and compared
ticket by ticket.  Only what the contract fixes is compared; open points (e.g.
``priority``/metrics of uncovered tickets) are skipped.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
import yaml

UTC = timezone.utc
SLACTL = str(Path(sys.executable).with_name("slactl"))
SEED = int(os.environ.get("SLACTL_REF_SEED", "20261122"))
N_TICKETS = int(os.environ.get("SLACTL_REF_TICKETS", "3000"))
# §2.4 read literally: a priority found only among the policy rule's aliases gets the policy rule even when the
# agreement overrides that priority.  The product (and §1's "override ... matched by priority") resolves the
# alias to its canonical priority first and then takes the agreement's rule; default: the product's reading.
LITERAL_RULE_LOOKUP = os.environ.get("SLACTL_REF_LITERAL_RULES") == "1"

# --------------------------------------------------------------------------- workspace

WORKSPACE: dict[str, str] = {
    "calendars.yaml": """
apiVersion: slactl/v1
kind: Calendar
metadata: {name: msk-lunch}
spec:
  timezone: Europe/Moscow
  hours:
    mon: ["09:00-13:00", "14:00-18:00"]
    tue: ["09:00-13:00", "14:00-18:00"]
    wed: ["09:00-13:00", "14:00-18:00"]
    thu: ["09:00-13:00", "14:00-18:00"]
    fri: ["09:00-13:00", "14:00-16:45"]
  holidays:
    country: RU
    dates: [2026-07-15, 2026-12-30]
  workdays: [2026-06-27, 2026-11-07]       # Saturdays made working days
  workday_hours: ["10:00-12:00", "12:30-15:00"]
---
apiVersion: slactl/v1
kind: Calendar
metadata: {name: msk-ext}
spec:
  timezone: Europe/Moscow
  hours:
    mon: ["08:00-20:00"]
    tue: ["08:00-20:00"]
    wed: ["08:00-20:00"]
    thu: ["08:00-20:00"]
    fri: ["08:00-20:00"]
    sat: ["10:00-14:00"]
  holidays: {country: RU}
  workdays: [2026-03-15]                   # a Sunday: Monday hours
---
apiVersion: slactl/v1
kind: Calendar
metadata: {name: ny-dst}
spec:
  timezone: America/New_York
  hours:
    mon: ["07:30-12:00", "12:30-19:00"]
    tue: ["07:30-12:00", "12:30-19:00"]
    wed: ["07:30-12:00", "12:30-19:00"]
    thu: ["07:30-12:00", "12:30-19:00"]
    fri: ["07:30-12:00", "12:30-19:00"]
    sat: ["10:00-14:00"]
    sun: ["00:00-24:00"]                   # 23 h / 25 h on DST Sundays
  holidays:
    country: US
    subdivision: NY
    dates: [2026-11-27]
---
apiVersion: slactl/v1
kind: Calendar
metadata: {name: berlin}
spec:
  timezone: Europe/Berlin
  hours:
    mon: ["08:00-16:00"]
    tue: ["08:00-16:00"]
    wed: ["08:00-16:00"]
    thu: ["08:00-16:00"]
    fri: ["08:00-16:00"]
    sun: ["01:30-02:30", "10:00-16:00"]    # crosses the DST gap and fold
  holidays: {country: DE, subdivision: BE}
""",
    "policies.yaml": """
apiVersion: slactl/v1
kind: Policy
metadata: {name: standard}
spec:
  calendar: msk-lunch
  compliance_target: 95
  rules:
    - priority: P1
      aliases: [urgent, "1 - Critical", "Срочный"]
      first_response: 30m
      resolution: 4h
      calendar: 24x7
    - priority: P2
      aliases: [high, "Высокий"]
      first_response: 2h
      resolution: 16h
    - priority: P3
      aliases: [normal, medium, "Средний"]
      first_response: 8h
      resolution: 2d
    - priority: P4
      aliases: [low, "Низкий"]
      resolution: 1w
    - priority: P5
      aliases: [planning]
      first_response: 1h30m
---
apiVersion: slactl/v1
kind: Policy
metadata: {name: premium}
spec:
  calendar: ny-dst
  compliance_target: 97
  rules:
    - priority: P1
      aliases: [urgent, critical]
      first_response: 15m
      resolution: 2h
      calendar: 24x7
    - priority: P2
      aliases: [high, "2 - High"]
      first_response: 1h
      resolution: PT8H
    - priority: P3
      aliases: [normal]
      first_response: 4h
      resolution: 24h
      calendar: berlin
---
apiVersion: slactl/v1
kind: Policy
metadata: {name: basic}
spec:
  compliance_target: 90
  rules:
    - priority: P1
      aliases: [urgent]
      first_response: 1h
      resolution: 8h
    - priority: P2
      aliases: [high]
      first_response: 4h
      resolution: P1DT12H
    - priority: P3
      aliases: [normal, "Средний"]
      first_response: 1d
      resolution: 1w
""",
    "services.yaml": """
apiVersion: slactl/v1
kind: Service
metadata: {name: email}
spec: {description: Mail, aliases: [Email, E-mail, "Почта"]}
---
apiVersion: slactl/v1
kind: Service
metadata: {name: erp}
spec: {aliases: [ERP, 1C, "1С"]}
---
apiVersion: slactl/v1
kind: Service
metadata: {name: network}
spec: {aliases: [VPN, "Сеть"]}
---
apiVersion: slactl/v1
kind: Service
metadata: {name: workplace}
spec: {aliases: [Hardware, "Рабочее место"]}
---
apiVersion: slactl/v1
kind: Service
metadata: {name: printing}
spec: {}
""",
    "agreements.yaml": """
apiVersion: slactl/v1
kind: Agreement
metadata: {name: acme-2026}
spec:
  customer: {id: acme, name: ACME Corp, aliases: ["ACME Corporation", "Акме"]}
  period: {start: 2026-01-01, end: 2026-12-31}
  status: auto
  policy: standard
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: acme-erp-2026}
spec:
  customer: {id: acme, name: ACME Corp, aliases: ["ACME Corporation", "Акме"]}
  period: {start: 2026-03-01, end: 2026-09-30}
  services: [erp, workplace]
  policy: premium
  rules:
    - priority: P2
      aliases: [high]
      first_response: 45m
      resolution: 5h
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: globex-2026}
spec:
  customer: {id: globex, name: "Globex, Inc.", aliases: ["Глобекс", "GLOBEX CORP"]}
  period: {start: 2025-11-01, end: 2026-11-30}
  services: [email, network]
  policy: premium
  rules:
    - priority: P1
      aliases: [urgent, sev1]
      first_response: 10m
      resolution: 90m
    - priority: P9
      aliases: [vip]
      first_response: 20m
      resolution: 1h
      calendar: msk-ext
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: initech-2026}
spec:
  customer: {id: initech, name: "Инитех", aliases: ["Initech LLC"]}
  period: {start: 2026-02-01, end: 2026-10-31}
  policy: premium
  calendar: msk-ext
  compliance_target: 99
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: umbrella-2026}
spec:
  customer: {id: umbrella, name: Umbrella Pharma}
  period: {start: 2026-01-01, end: 2026-12-31}
  status: suspended
  policy: standard
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: hooli-2026}
spec:
  customer: {id: hooli, name: "Хули"}
  period: {start: 2026-01-01, end: 2026-12-31}
  status: planned
  policy: standard
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: cyberdyne-2026}
spec:
  customer: {id: cyberdyne, name: Cyberdyne Systems}
  period: {start: 2026-01-01, end: 2026-12-31}
  status: terminated
  policy: premium
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: wayne-2025}
spec:
  customer: {id: wayne, name: Wayne Enterprises}
  period: {start: 2025-01-01, end: 2025-12-31}
  status: active                          # manual override: covers from start on, whatever the end
  policy: basic
  calendar: msk-ext                       # its own calendar: Moscow dates, RU transferred Saturday 2025-11-01
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: vandelay-2027}
spec:
  customer: {id: vandelay, name: "Vandelay Industries", aliases: ["Ванделай"]}
  period: {start: 2027-01-01, end: 2027-12-31}
  policy: standard
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: corp-network-2026}
spec:
  customer: {id: "*"}
  period: {start: 2026-01-01, end: 2026-12-31}
  services: [network]
  policy: premium
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: corp-baseline-2026}
spec:
  customer: {id: "*"}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: basic
""",
    # Ties that `validate` lets through (it compares customer ids and dates only):
    "ties.yaml": """
apiVersion: slactl/v1
kind: Agreement
metadata: {name: stark-a}
spec:
  customer: {id: stark, name: Stark Industries}
  period: {start: 2026-01-01, end: 2026-06-30}
  policy: standard
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: stark-b}
spec:
  customer: {id: stark-intl, aliases: [" STARK "]}
  period: {start: 2026-06-01, end: 2026-12-31}
  policy: basic
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: oscorp-ny}
spec:
  customer: {id: oscorp, name: "Оскорп"}
  period: {start: 2026-01-01, end: 2026-06-30}
  policy: premium
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: oscorp-utc}
spec:
  customer: {id: oscorp, name: "Оскорп"}
  period: {start: 2026-07-01, end: 2026-12-31}
  policy: basic
""",
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    for name, text in WORKSPACE.items():
        (ws / name).write_text(text.lstrip(), encoding="utf-8")
    return ws


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    env.pop("SLACTL_WORKSPACE", None)
    return subprocess.run([SLACTL, *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)


# --------------------------------------------------------------------------- reference model


def norm(s: str | None) -> str:
    return (s or "").strip().casefold()


_DUR = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_ISO = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def duration_s(text: str | None) -> int | None:
    if text is None:
        return None
    m = _DUR.match(text) or _ISO.match(text)
    assert m and text, text
    w, d, h, mi, s = (int(g or 0) for g in m.groups())
    return (((w * 7 + d) * 24 + h) * 60 + mi) * 60 + s


def parse_span(span: str) -> tuple[int, int]:
    a, b = span.split("-")
    ha, ma = map(int, a.split(":"))
    hb, mb = map(int, b.split(":"))
    return ha * 60 + ma, hb * 60 + mb


DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True)
class RefCalendar:
    name: str
    tz: str = "UTC"
    always: bool = False
    hours: tuple = ()            # 7 tuples of (start_min, end_min)
    workday_hours: tuple | None = None
    country: str | None = None
    subdiv: str | None = None
    dates: frozenset = frozenset()
    workdays: frozenset = frozenset()

    @functools.lru_cache(maxsize=None)
    def library(self, year: int) -> tuple[frozenset, frozenset]:
        if not self.country:
            return frozenset(), frozenset()
        h = holidays.country_holidays(self.country, subdiv=self.subdiv, years=year)
        return frozenset(h), frozenset(getattr(h, "weekend_workdays", ()) or ())

    def spans_of(self, d: date) -> tuple:
        lib_hol, lib_work = self.library(d.year)
        transferred = self.workday_hours if self.workday_hours is not None else self.hours[0]
        # (the test data never puts a date in two of these sets)
        if d in self.workdays or d in lib_work:
            return transferred
        if d in self.dates or d in lib_hol:
            return ()
        return self.hours[d.weekday()]

    @functools.lru_cache(maxsize=None)
    def intervals(self, d: date) -> tuple:
        """UTC epoch-second intervals of local date ``d`` (each endpoint via zoneinfo, fold=0)."""
        z = ZoneInfo(self.tz)
        out = []
        for a, b in self.spans_of(d):
            s = datetime(d.year, d.month, d.day, a // 60, a % 60, tzinfo=z).timestamp()
            if b == 24 * 60:
                n = d + timedelta(days=1)
                e = datetime(n.year, n.month, n.day, tzinfo=z).timestamp()
            else:
                e = datetime(d.year, d.month, d.day, b // 60, b % 60, tzinfo=z).timestamp()
            if e > s:
                out.append((int(s), int(e)))
        return tuple(sorted(out))

    def local_date(self, ts: int) -> date:
        return datetime.fromtimestamp(ts, ZoneInfo(self.tz)).date()

    def elapsed(self, start: int, end: int) -> int:
        """Open seconds in [start, end]."""
        if end <= start:
            return 0
        if self.always:
            return end - start
        total = 0
        d = self.local_date(start) - timedelta(days=1)
        last = self.local_date(end) + timedelta(days=1)
        while d <= last:
            for s, e in self.intervals(d):
                lo, hi = max(s, start), min(e, end)
                if hi > lo:
                    total += hi - lo
            d += timedelta(days=1)
        return total

    def since(self, end: int, target: int) -> int:
        """Latest instant from which ``target`` open seconds have passed by ``end`` (``due`` backwards)."""
        if self.always:
            return end - target
        left = target
        d = self.local_date(end) + timedelta(days=1)
        for _ in range(3 * 366):
            for s, e in reversed(self.intervals(d)):
                e = min(e, end)
                if e <= s:
                    continue
                if e - s >= left:
                    return e - left
                left -= e - s
            d -= timedelta(days=1)
        raise AssertionError("no start within 3 years")

    def due(self, start: int, target: int) -> int:
        """Earliest instant at which ``target`` open seconds have passed since ``start``."""
        if self.always:
            return start + target
        left = target
        d = self.local_date(start) - timedelta(days=1)
        for _ in range(3 * 366):
            for s, e in self.intervals(d):
                s = max(s, start)
                if e <= s:
                    continue
                if e - s >= left:
                    return s + left
                left -= e - s
            d += timedelta(days=1)
        raise AssertionError("no due date within 3 years")


CAL_24X7 = RefCalendar("24x7", always=True)


@dataclass
class RefRule:
    priority: str
    keys: frozenset
    first_response: int | None
    resolution: int | None
    calendar: str | None


@dataclass
class RefAgreement:
    name: str
    customer_id: str
    customer_keys: frozenset
    start: date
    end: date
    status: str
    services: frozenset | None
    policy: str
    rules: list
    calendar: str | None


@dataclass
class RefWorkspace:
    calendars: dict = field(default_factory=dict)
    policies: dict = field(default_factory=dict)   # name -> (calendar, [RefRule])
    services: dict = field(default_factory=dict)   # normalised name/alias -> service name
    agreements: list = field(default_factory=list)

    def cal(self, name: str | None) -> RefCalendar:
        return CAL_24X7 if name in (None, "24x7") else self.calendars[name]


def _rule(r: dict) -> RefRule:
    return RefRule(r["priority"], frozenset(norm(k) for k in [r["priority"], *r.get("aliases", [])]),
                   duration_s(r.get("first_response")), duration_s(r.get("resolution")), r.get("calendar"))


def load_reference(texts: dict[str, str]) -> RefWorkspace:
    ws = RefWorkspace()
    for text in texts.values():
        for doc in yaml.safe_load_all(text):
            kind, name, spec = doc["kind"], doc["metadata"]["name"], doc["spec"]
            if kind == "Calendar":
                hours = tuple(tuple(parse_span(s) for s in spec["hours"].get(day, [])) for day in DAYS)
                hol = spec.get("holidays") or {}
                wh = spec.get("workday_hours")
                ws.calendars[name] = RefCalendar(
                    name, spec["timezone"], False, hours,
                    tuple(parse_span(s) for s in wh) if wh is not None else None,
                    hol.get("country"), hol.get("subdivision"),
                    frozenset(hol.get("dates", [])), frozenset(spec.get("workdays", [])))
            elif kind == "Policy":
                ws.policies[name] = (spec.get("calendar"), [_rule(r) for r in spec["rules"]])
            elif kind == "Service":
                for k in [name, *spec.get("aliases", [])]:
                    ws.services[norm(k)] = name
            elif kind == "Agreement":
                c = spec["customer"]
                keys = frozenset(norm(k) for k in [c["id"], c.get("name"), *c.get("aliases", [])] if k)
                ws.agreements.append(RefAgreement(
                    name, c["id"], keys, spec["period"]["start"], spec["period"]["end"],
                    spec.get("status", "auto"),
                    frozenset(spec["services"]) if "services" in spec else None,
                    spec["policy"], [_rule(r) for r in spec.get("rules", [])], spec.get("calendar")))
    return ws


def agreement_tz(ws: RefWorkspace, a: RefAgreement) -> str:
    """§2.5: the timezone of the agreement's (or its policy's) calendar, UTC for 24x7."""
    name = a.calendar or ws.policies[a.policy][0]
    return ws.cal(name).tz


def local_midnight(d: date, tz: str) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(tz)).timestamp())


def covers(ws: RefWorkspace, a: RefAgreement, customer: str, service: str, created: int) -> bool:
    if a.status in ("planned", "suspended", "terminated"):
        return False
    if a.customer_id != "*" and norm(customer) not in a.customer_keys:
        return False
    tz = agreement_tz(ws, a)
    if created < local_midnight(a.start, tz):
        return False
    if a.status == "auto" and created >= local_midnight(a.end + timedelta(days=1), tz):
        return False
    if a.services is not None and ws.services.get(norm(service)) not in a.services:
        return False
    return True


def specificity(a: RefAgreement) -> int:
    return (a.customer_id != "*") * 2 + (a.services is not None)


@dataclass
class Ticket:
    row: int
    id: str
    customer: str
    service: str
    priority: str
    created: int | None           # None: row is expected to be rejected
    first_response: int | None
    resolved: int | None
    reject: bool = False
    raw: dict = field(default_factory=dict)   # column -> text written instead of the timestamp


def ref_metric(clock: RefCalendar, target: int | None, created: int, event: int | None, as_of: int,
               has_column: bool) -> dict:
    if not has_column:
        return {"status": "unmeasured", "target": target}
    if target is None:
        return {"status": "missing", "target": None}
    if event is not None:
        el = clock.elapsed(created, event)
        status = "met" if el <= target else "breached"
    else:
        el = clock.elapsed(created, as_of)
        status = "breached" if el > target else "pending"
    return {"status": status, "elapsed": el, "target": target, "due": clock.due(created, target),
            "pending_breach": event is None}


def ref_score(ws: RefWorkspace, t: Ticket, as_of: int, has_fr: bool = True, has_res: bool = True) -> dict:
    cands = [a for a in ws.agreements if covers(ws, a, t.customer, t.service, t.created)]
    if not cands:
        return {"match": "uncovered", "agreement": None}
    best = max(specificity(a) for a in cands)
    top = [a for a in cands if specificity(a) == best]
    if len(top) > 1:
        return {"match": "ambiguous", "agreement": None, "tied": sorted(a.name for a in top)}
    a = top[0]
    pol_cal, pol_rules = ws.policies[a.policy]
    p = norm(t.priority)
    rule = next((r for r in a.rules if p in r.keys), None)
    if rule is None:
        rule = next((r for r in pol_rules if p in r.keys), None)
        if rule is not None and not LITERAL_RULE_LOOKUP:
            # §1 "rules that override the policy's ... matched by priority": an agreement rule replaces the
            # policy rule of the same canonical priority, also for the policy rule's aliases
            rule = next((r for r in a.rules if r.priority == rule.priority), rule)
    if rule is None:
        return {"match": "no_rule", "agreement": a.name}
    clock = ws.cal(rule.calendar or a.calendar or pol_cal)
    return {
        "match": "matched", "agreement": a.name, "priority": rule.priority, "clock": clock.name,
        # v2: a ticket resolved without a recorded reply stops first response at the resolution
        "first_response": ref_metric(clock, rule.first_response, t.created,
                                     t.first_response if t.first_response is not None else t.resolved, as_of, has_fr),
        "resolution": ref_metric(clock, rule.resolution, t.created, t.resolved, as_of, has_res),
    }


# --------------------------------------------------------------------------- random tickets


def ts_of(y, mo, d, h=0, mi=0, tz="UTC") -> int:
    return int(datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(tz)).timestamp())


ANCHORS = [
    # DST changes
    ts_of(2026, 3, 8, 2, 0, "America/New_York"), ts_of(2026, 11, 1, 1, 0, "America/New_York"),
    ts_of(2026, 3, 29, 2, 0, "Europe/Berlin"), ts_of(2026, 10, 25, 2, 0, "Europe/Berlin"),
    ts_of(2025, 11, 2, 1, 0, "America/New_York"),
    # Russian holidays, transferred days, company days off
    *(ts_of(*d, 0, 0, "Europe/Moscow") for d in [
        (2026, 1, 1), (2026, 1, 9), (2026, 1, 12), (2026, 2, 23), (2026, 3, 9), (2026, 5, 1), (2026, 5, 11),
        (2026, 6, 12), (2026, 6, 27), (2026, 7, 15), (2026, 11, 4), (2026, 11, 7), (2026, 12, 30),
        (2026, 12, 31), (2027, 1, 1), (2027, 1, 9), (2025, 11, 1), (2025, 11, 4), (2026, 3, 15)]),
    # the ties: stark-a/stark-b in June, oscorp-ny/oscorp-utc on 2026-07-01 00:00-04:00 UTC
    ts_of(2026, 6, 15), ts_of(2026, 7, 1, 2, 0), ts_of(2026, 7, 1, 2, 0),
    # US holidays
    ts_of(2026, 7, 4, 0, 0, "America/New_York"), ts_of(2026, 11, 26, 0, 0, "America/New_York"),
    ts_of(2026, 11, 27, 0, 0, "America/New_York"), ts_of(2026, 12, 25, 0, 0, "America/New_York"),
    # agreement boundaries in every time zone involved
    *(ts_of(*d, 0, 0, tz) for d in [(2026, 1, 1), (2026, 2, 1), (2026, 3, 1), (2026, 6, 1), (2026, 7, 1),
                                    (2026, 10, 1), (2026, 11, 1), (2026, 12, 1), (2027, 1, 1), (2025, 11, 1)]
      for tz in ("UTC", "Europe/Moscow", "America/New_York")),
]

CUSTOMERS = [
    "acme", "ACME", " Acme Corp ", "acme corporation", "АКМЕ", "акме",
    "globex", "Globex, Inc.", "глобекс", "Globex Corp",
    "initech", "ИНИТЕХ", "Initech LLC",
    "umbrella", "Umbrella Pharma", "cyberdyne", "hooli", "Хули", "wayne", "WAYNE ENTERPRISES",
    "vandelay", "Ванделай", "stark", "Stark Industries", "stark-intl", "oscorp", "оскорп",
    "Nobody Ltd", "acme2", "Неизвестно", "",
]
SERVICES = ["email", "Email", "E-MAIL", " почта ", "erp", "1C", "1с", "network", "vpn", "Сеть", "workplace",
            "hardware", "Рабочее место", "printing", "Printing", "Telephony", "", ""]
PRIORITIES = ["P1", "p1", " urgent ", "URGENT", "1 - Critical", "срочный", "critical", "sev1", "P2", "high",
              "High", "2 - High", "высокий", "P3", "normal", "Medium", "средний", "P4", "low", "Низкий",
              "P5", "planning", "P9", "vip", "P7", "whatever"]


def random_tickets(rng: random.Random, n: int, lo: int, as_of: int, prefix: str, customers=CUSTOMERS) -> list:
    tickets = []
    anchors = [a for a in ANCHORS if lo <= a < as_of]
    for i in range(1, n + 1):
        r = rng.random()
        if r < 0.05:                                  # exactly on a boundary, or one second off
            created = rng.choice(anchors) + rng.choice([-1, 0, 0, 1])
        elif r < 0.45:
            created = rng.choice(anchors) + rng.randint(-3 * 86400, 3 * 86400)
        elif r < 0.6:
            created = as_of - rng.randint(0, 4 * 86400)
        else:
            created = rng.randint(lo, as_of)
        created = min(max(created, lo), as_of)

        def later(base: int) -> int | None:
            if rng.random() < 0.25:
                return None
            scale = rng.choice([0, 300, 3600, 4 * 3600, 86400, 3 * 86400, 14 * 86400])
            ev = base + int(rng.random() * scale)
            return ev if ev <= as_of else None

        fr = later(created)
        res = later(fr if fr is not None else created)
        prio = rng.choice(PRIORITIES[:-2] if rng.random() < 0.9 else PRIORITIES[-2:])
        cust = rng.choice(customers[:-4] if rng.random() < 0.85 else customers[-4:])
        t = Ticket(i, f"{prefix}-{i}", cust, rng.choice(SERVICES), prio, created, fr, res)
        if rng.random() < 0.03:                       # rows the contract says must be rejected
            t.reject = True
            kind = rng.randrange(6)
            if kind == 0:
                t.id = ""
            elif kind == 1:
                t.created = None                       # written unparseable / empty
            elif kind == 2:
                t.first_response = created - rng.randint(1, 7200)
            elif kind == 3:
                t.resolved = created - rng.randint(1, 86400)
            else:
                t.raw["first_response_at" if kind == 4 else "resolved_at"] = rng.choice(
                    ["garbage", "2026-02-30 10:00:00", "31.02.2026 10:00:00", "25:61"])
        tickets.append(t)
    return tickets


def sharpen(rng: random.Random, ws: RefWorkspace, tickets: list, as_of: int, share: float = 0.25) -> None:
    """Move some events exactly onto (or one second off) their due instant, and some creation times so
    that the target falls due exactly at --as-of: the met/breached and pending/breached boundaries."""
    for t in tickets:
        if t.reject or rng.random() > share:
            continue
        ref = ref_score(ws, t, as_of)
        if ref["match"] != "matched":
            continue
        metric = rng.choice(["first_response", "resolution"])
        r = ref[metric]
        if r["target"] is None:
            continue
        delta = rng.choice([0, 0, 1, -1])
        if rng.random() < 0.6:
            ev = r["due"] + delta
            if t.created <= ev <= as_of:
                setattr(t, "resolved" if metric == "resolution" else "first_response", ev)
        else:
            clock = ws.cal(ref["clock"])
            created = clock.since(as_of, r["target"]) + delta
            t2 = Ticket(t.row, t.id, t.customer, t.service, t.priority, created, None, None)
            r2 = ref_score(ws, t2, as_of)
            if r2["match"] == "matched" and r2["clock"] == ref["clock"]:
                t.created, t.first_response, t.resolved = created, None, None


ZONES = [ZoneInfo("UTC"), ZoneInfo("Europe/Moscow"), ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"),
         timezone(timedelta(hours=5, minutes=30))]


def iso_with_offset(rng: random.Random, ts: int | None) -> str:
    if ts is None:
        return ""
    s = datetime.fromtimestamp(ts, rng.choice(ZONES)).isoformat()
    return s[:-6] + "Z" if s.endswith("+00:00") and rng.random() < 0.5 else s


def write_iso_csv(path: Path, rng: random.Random, tickets: list) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "customer", "service", "priority", "created_at", "first_response_at", "resolved_at",
                "status"])
    for t in tickets:
        created = iso_with_offset(rng, t.created) if t.created is not None else rng.choice(["", "not a date"])
        w.writerow([t.id, t.customer, t.service, t.priority, created,
                    t.raw.get("first_response_at", iso_with_offset(rng, t.first_response)),
                    t.raw.get("resolved_at", iso_with_offset(rng, t.resolved)),
                    rng.choice(["open", "solved", "pending"])])
    path.write_text(buf.getvalue(), encoding="utf-8")


def naive(ts: int | None, tz: str, fmt: str) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, ZoneInfo(tz)).strftime(fmt)


def write_cp1251_csv(path: Path, rng: random.Random, tickets: list) -> None:
    fmt = "%d.%m.%Y %H:%M:%S"
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["id", "customer", "service", "priority", "created_at", "first_response_at", "resolved_at",
                "status"])
    for t in tickets:
        created = naive(t.created, "Europe/Moscow", fmt) if t.created is not None else rng.choice(["", "32.13.2026"])
        w.writerow([t.id, t.customer, t.service, t.priority, created,
                    t.raw.get("first_response_at", naive(t.first_response, "Europe/Moscow", fmt)),
                    t.raw.get("resolved_at", naive(t.resolved, "Europe/Moscow", fmt)),
                    rng.choice(["Открыт", "Решён", "В работе"])])
    path.write_bytes(buf.getvalue().encode("cp1251"))


def ny_wall_tickets(rng: random.Random, n: int, as_of: int) -> list:
    """Tickets whose naive New York wall times sit in/around the DST gap and fold (resolved fold=0)."""
    z = ZoneInfo("America/New_York")
    out = []
    for i in range(1, n + 1):
        day = rng.choice([date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 7), date(2026, 10, 31),
                          date(2026, 3, 9), date(2026, 11, 2)])
        wall = datetime(day.year, day.month, day.day, tzinfo=z) + timedelta(seconds=rng.randint(0, 5 * 3600))
        # naive wall clock → the instant zoneinfo gives with fold=0
        w = wall.replace(tzinfo=None)
        if rng.random() < 0.5:
            w = datetime(day.year, day.month, day.day, rng.choice([1, 2, 3]), rng.randint(0, 59), rng.randint(0, 59))
        created = int(w.replace(tzinfo=z).timestamp())
        res = None
        if rng.random() < 0.7:
            rw = w + timedelta(seconds=rng.choice([0, 600, 1800, 3600, 4000, 7200, 30000, 200000]))
            res = int(rw.replace(tzinfo=z).timestamp())
        t = Ticket(i, f"NY-{i}", rng.choice(CUSTOMERS), rng.choice(SERVICES), rng.choice(PRIORITIES), created,
                   None, res if res is None or res <= as_of else None)
        t.wall = (w, res and rw)
        t.reject = res is not None and res < created      # e.g. created 02:30 (gap, EST) vs 03:10 EDT
        out.append(t)
    return out


def write_ny_csv(path: Path, tickets: list) -> None:
    fmt = "%Y-%m-%d %H:%M:%S"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "customer", "service", "priority", "created_at", "resolved_at", "status"])
    for t in tickets:
        cw, rw = t.wall
        w.writerow([t.id, t.customer, t.service, t.priority, cw.strftime(fmt),
                    rw.strftime(fmt) if t.resolved is not None else "", "open"])
    path.write_text(buf.getvalue(), encoding="utf-8")


# --------------------------------------------------------------------------- comparison


def _instant(s: str) -> float:
    d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    assert d.tzinfo is not None, f"due_at without offset: {s}"
    return d.timestamp()


def compare(ws: RefWorkspace, tickets: list, out: dict, as_of: int, has_fr=True, has_res=True) -> tuple[list, dict]:
    problems: list[str] = []
    counts: dict = {}
    expected_rejected = [t for t in tickets if t.reject]
    scored = [t for t in tickets if not t.reject]
    if out["rows"] != len(tickets):
        problems.append(f"rows {out['rows']} != {len(tickets)}")
    if out["rows"] != out["scored"] + len(out["rejected"]):
        problems.append(f"rows {out['rows']} != scored {out['scored']} + rejected {len(out['rejected'])}")
    got_rej = {(r["row"], r["id"]) for r in out["rejected"]}
    want_rej = {(t.row, t.id) for t in expected_rejected}
    for x in sorted(got_rej - want_rej):
        problems.append(f"row {x} rejected but should be scored: "
                        f"{[r['reason'] for r in out['rejected'] if r['row'] == x[0]]}")
    for x in sorted(want_rej - got_rej):
        problems.append(f"row {x} should be rejected")
    if [t["id"] for t in out["tickets"]] != [t.id for t in scored]:
        problems.append("tickets are not the scored rows in input order")
        return problems, counts
    groups: dict = {}
    for t, g in zip(scored, out["tickets"]):
        if "row" in g and g["row"] != t.row:
            problems.append(f"{t.id}: row {g['row']} != {t.row}")
        ref = ref_score(ws, t, as_of, has_fr, has_res)
        key = ref["match"]
        counts[key] = counts.get(key, 0) + 1
        where = f"{t.id} (customer={t.customer!r} service={t.service!r} priority={t.priority!r} created={_iso(t.created)} fr={_iso(t.first_response)} res={_iso(t.resolved)})"
        if g["match"] != ref["match"]:
            problems.append(f"{where}: match {g['match']} != ref {ref['match']} {ref.get('tied', ref['agreement'])}")
            continue
        if ref["match"] != "ambiguous" and g["agreement"] != ref["agreement"]:
            problems.append(f"{where}: agreement {g['agreement']} != ref {ref['agreement']}")
            continue
        if ref["match"] == "ambiguous" and "candidates" in g and sorted(g["candidates"]) != ref["tied"]:
            problems.append(f"{where}: candidates {g['candidates']} != ref {ref['tied']}")
        if ref["match"] != "matched":
            continue
        if g["priority"] != ref["priority"]:
            problems.append(f"{where}: priority {g['priority']} != ref {ref['priority']}")
        for metric in ("first_response", "resolution"):
            r, m = ref[metric], g[metric]
            counts[f"{metric}:{r['status']}"] = counts.get(f"{metric}:{r['status']}", 0) + 1
            groups.setdefault((ref["agreement"], ref["priority"], metric), []).append(r)
            if r["status"] == "unmeasured" and r["target"] is None:
                continue  # open: both "missing" and "unmeasured" apply
            if m is None:
                problems.append(f"{where}: {metric} is null, ref {r}")
                continue
            if m["status"] != r["status"]:
                problems.append(f"{where}: {metric}.status {m['status']} != ref {r['status']} "
                                f"(elapsed {m.get('elapsed_minutes')} vs {r.get('elapsed', 0) / 60:.4f}, "
                                f"target {r['target'] and r['target'] / 60}, clock {ref['clock']})")
            if r["target"] is not None and r["status"] != "unmeasured":
                if m.get("target_minutes") is None or abs(m["target_minutes"] - r["target"] / 60) > 1e-6:
                    problems.append(f"{where}: {metric}.target_minutes {m.get('target_minutes')} != {r['target'] / 60}")
            if "elapsed" in r:
                el = m.get("elapsed_minutes")
                if el is None or abs(el - r["elapsed"] / 60) > 0.02:
                    problems.append(f"{where}: {metric}.elapsed_minutes {el} != ref {r['elapsed'] / 60:.4f} "
                                    f"(clock {ref['clock']})")
            if "due" in r:
                due = m.get("due_at")
                if due is None or abs(_instant(due) - r["due"]) > 1:
                    problems.append(f"{where}: {metric}.due_at {due} != ref {_iso(r['due'])} (clock {ref['clock']})")
    problems += compare_summary(ws, out, groups)
    return problems, counts


def target_pct(ws: RefWorkspace, name: str):
    a = next(a for a in ws.agreements if a.name == name)
    spec = next(d["spec"] for text in WORKSPACE.values() for d in yaml.safe_load_all(text)
                if d["kind"] == "Agreement" and d["metadata"]["name"] == name)
    pol = next(d["spec"] for text in WORKSPACE.values() for d in yaml.safe_load_all(text)
               if d["kind"] == "Policy" and d["metadata"]["name"] == a.policy)
    return spec.get("compliance_target", pol.get("compliance_target"))


def compare_summary(ws: RefWorkspace, out: dict, groups: dict) -> list:
    """§5 summary rows (default --group-by agreement): counts, compliance %, target, mean/median, at_risk."""
    problems = []
    rows = {(r["agreement"], r["priority"], r["metric"]): r for r in out["summary"]}
    for key, refs in sorted(groups.items()):
        st = [r["status"] for r in refs]
        met, breached, pending = st.count("met"), st.count("breached"), st.count("pending")
        if met + breached + pending == 0:
            continue   # open: whether a group with only missing/unmeasured metrics gets a row
        row = rows.get(key)
        if row is None:
            problems.append(f"summary row {key} missing")
            continue
        happened = sorted(r["elapsed"] / 60 for r in refs if r["status"] in ("met", "breached") and "elapsed" in r
                          and not (r["status"] == "breached" and r.get("pending_breach")))
        want = {"met": met, "breached": breached, "pending": pending,
                "at_risk": sum(1 for r in refs if r["status"] == "pending" and r["elapsed"] >= 0.75 * r["target"]),
                "target_pct": target_pct(ws, key[0])}
        for k, v in want.items():
            if row.get(k) != v:
                problems.append(f"summary {key}: {k} {row.get(k)} != ref {v}")
        if row.get("tickets") is not None and row["tickets"] < met + breached + pending:
            problems.append(f"summary {key}: tickets {row['tickets']} < met+breached+pending")
        if met + breached:
            pct = 100 * met / (met + breached)
            if row.get("compliance_pct") is None or abs(row["compliance_pct"] - pct) > 0.051:
                problems.append(f"summary {key}: compliance_pct {row.get('compliance_pct')} != ref {pct:.3f}")
            elif row.get("ok") is not None and row["ok"] != (row["compliance_pct"] >= want["target_pct"]):
                problems.append(f"summary {key}: ok {row['ok']} with {row['compliance_pct']} vs {want['target_pct']}")
        if happened:
            mean = sum(happened) / len(happened)
            mid = len(happened) // 2
            median = happened[mid] if len(happened) % 2 else (happened[mid - 1] + happened[mid]) / 2
            for k, v in (("mean_minutes", mean), ("median_minutes", median)):
                if row.get(k) is None or abs(row[k] - v) > 0.02 + 1e-6 * abs(v):
                    problems.append(f"summary {key}: {k} {row.get(k)} != ref {v:.3f}")
            if row.get("p90_minutes") is None or not happened[0] - 0.02 <= row["p90_minutes"] <= happened[-1] + 0.02:
                problems.append(f"summary {key}: p90_minutes {row.get('p90_minutes')} outside the data")
    return problems


def _iso(ts: int | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()


def score(ws_dir: Path, export: Path, as_of: str, *extra: str) -> dict:
    res = run_cli("-w", str(ws_dir), "score", str(export), "--preset", "generic", "--as-of", as_of,
                  "--format", "json", "--no-progress", *extra)
    assert res.returncode == 0, (res.returncode, res.stderr[-2000:])
    return json.loads(res.stdout)


def _report(name: str, problems: list, counts: dict) -> None:
    print(f"\n{name}: {sum(v for k, v in counts.items() if ':' not in k)} scored tickets compared; "
          f"{dict(sorted(counts.items()))}")
    if problems:
        pytest.fail(f"{name}: {len(problems)} disagreement(s) with the reference, first ones:\n  "
                    + "\n  ".join(problems[:25]), pytrace=False)


# --------------------------------------------------------------------------- tests


def test_workspace_validates(workspace):
    """validate flags exactly the deliberate ties (shared alias, zones overlapping by hours);
    score still runs on them and reports the tickets as ambiguous."""
    res = run_cli("-w", str(workspace), "validate", "--format", "json", "--as-of", "2026-11-22")
    data = json.loads(res.stdout)
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert {f["code"] for f in errors} == {"agreement-overlap"}, data["findings"]
    assert res.returncode == 1
    assert {f["code"] for f in data["findings"] if f["severity"] == "warning"} <= {
        "active-past-end", "days-on-business-clock", "agreement-overlap"}, data
    across_zones = [f for f in data["findings"] if f["code"] == "agreement-overlap" and f["severity"] == "warning"]
    assert across_zones and all("across time zones" in f["message"] for f in across_zones)


REF = load_reference(WORKSPACE)


def test_reference_sanity():
    """The reference itself on hand-checked cases, so a disagreement points at the product."""
    msk = REF.calendars["msk-lunch"]
    # Monday 2026-10-05 09:30 → 14:30 MSK: 3h30 before lunch + 30 min after
    assert msk.elapsed(ts_of(2026, 10, 5, 9, 30, "Europe/Moscow"), ts_of(2026, 10, 5, 14, 30, "Europe/Moscow")) == 4 * 3600
    # 2h from Friday 16:00 → 16:45 Fri (45 min), Mon 09:00 + 1h15
    assert msk.due(ts_of(2026, 10, 9, 16, 0, "Europe/Moscow"), 7200) == ts_of(2026, 10, 12, 10, 15, "Europe/Moscow")
    # New Year holidays: Dec 30 (company), Dec 31 (library), Jan 1-8 2027 closed
    assert msk.elapsed(ts_of(2026, 12, 29, 18, 0, "Europe/Moscow"), ts_of(2027, 1, 10, 0, 0, "Europe/Moscow")) == 0
    # transferred Saturday 2026-06-27 uses workday_hours (2h + 2h30)
    assert msk.elapsed(ts_of(2026, 6, 27, 0, 0, "Europe/Moscow"), ts_of(2026, 6, 28, 0, 0, "Europe/Moscow")) == 4.5 * 3600
    # library transferred Saturday 2025-11-01 on msk-ext: Monday hours (12h); Sunday 2026-03-15 likewise
    ext = REF.calendars["msk-ext"]
    assert ext.elapsed(ts_of(2025, 11, 1, 0, 0, "Europe/Moscow"), ts_of(2025, 11, 2, 0, 0, "Europe/Moscow")) == 12 * 3600
    assert ext.elapsed(ts_of(2026, 3, 15, 0, 0, "Europe/Moscow"), ts_of(2026, 3, 16, 0, 0, "Europe/Moscow")) == 12 * 3600
    ny = REF.calendars["ny-dst"]
    assert ny.elapsed(ts_of(2026, 3, 8, 0, 0, "America/New_York"), ts_of(2026, 3, 9, 0, 0, "America/New_York")) == 23 * 3600
    assert ny.elapsed(ts_of(2026, 11, 1, 0, 0, "America/New_York"), ts_of(2026, 11, 2, 0, 0, "America/New_York")) == 25 * 3600
    be = REF.calendars["berlin"]
    # 01:30-02:30 on the spring-forward Sunday: 02:30 is in the gap, read with the offset before it → 60 min
    assert be.intervals(date(2026, 3, 29))[0] == (ts_of(2026, 3, 29, 0, 30), ts_of(2026, 3, 29, 1, 30))
    # ... and on the fall-back Sunday both ends are the first occurrence → 60 min
    assert be.intervals(date(2026, 10, 25))[0] == (ts_of(2026, 10, 24, 23, 30), ts_of(2026, 10, 25, 0, 30))
    assert duration_s("1h30m") == 5400 and duration_s("PT8H") == 28800 and duration_s("P1DT12H") == 36 * 3600
    assert duration_s("1w") == 7 * 86400


def test_score_iso_utf8_export_matches_reference(workspace, tmp_path):
    rng = random.Random(SEED)
    as_of = ts_of(2027, 1, 20, 9, 30)
    tickets = random_tickets(rng, N_TICKETS, ts_of(2025, 10, 1), as_of, "A")
    sharpen(rng, REF, tickets, as_of)
    path = tmp_path / "export.csv"
    write_iso_csv(path, rng, tickets)
    out = score(workspace, path, "2027-01-20T09:30:00Z")
    assert out["rows"] == out["scored"] + len(out["rejected"])
    problems, counts = compare(REF, tickets, out, as_of)
    _report("iso/utf-8", problems, counts)


def test_score_cp1251_semicolon_naive_moscow_export_matches_reference(workspace, tmp_path):
    rng = random.Random(SEED + 1)
    as_of = ts_of(2026, 11, 6, 10, 0, "Europe/Moscow")
    tickets = random_tickets(rng, N_TICKETS, ts_of(2025, 12, 1), as_of, "Б")
    sharpen(rng, REF, tickets, as_of)
    path = tmp_path / "выгрузка.csv"
    write_cp1251_csv(path, rng, tickets)
    out = score(workspace, path, "2026-11-06T10:00:00+03:00", "--tz", "Europe/Moscow")
    assert out["timezone"] == "Europe/Moscow"
    problems, counts = compare(REF, tickets, out, as_of)
    _report("cp1251/naive Moscow", problems, counts)


def test_score_naive_new_york_dst_without_first_response_column(workspace, tmp_path):
    rng = random.Random(SEED + 2)
    as_of = ts_of(2026, 11, 3, 12, 0, "America/New_York")
    tickets = ny_wall_tickets(rng, max(N_TICKETS // 5, 200), as_of)
    path = tmp_path / "ny.csv"
    write_ny_csv(path, tickets)
    out = score(workspace, path, "2026-11-03T12:00:00-05:00", "--tz", "America/New_York")
    assert out["timezone"] == "America/New_York"
    problems, counts = compare(REF, tickets, out, as_of, has_fr=False)
    _report("naive New York", problems, counts)


# (customer, service, priority, created UTC) -> (match, agreement or tied names, canonical priority)
HANDPICKED = [
    # a tie `validate` does not see: oscorp-ny runs to 2026-06-30 24:00 New York = 07-01 04:00 UTC,
    # oscorp-utc starts 2026-07-01 00:00 UTC
    ("oscorp", "", "P1", "2026-07-01T02:00:00Z", "ambiguous", ["oscorp-ny", "oscorp-utc"], None),
    ("oscorp", "", "P1", "2026-07-01T04:00:00Z", "matched", "oscorp-utc", "P1"),
    ("Оскорп", "", "high", "2026-06-30T23:59:59Z", "matched", "oscorp-ny", "P2"),
    # another: stark-b's alias " STARK " matches customer "stark" (trimmed, case-insensitive) in June
    ("stark", "email", "P1", "2026-06-15T12:00:00Z", "ambiguous", ["stark-a", "stark-b"], None),
    ("Stark Industries", "email", "P1", "2026-06-15T12:00:00Z", "matched", "stark-a", "P1"),
    ("  stark ", "email", "P1", "2026-07-15T12:00:00Z", "matched", "stark-b", "P1"),
    # customer + services beats customer; agreement rule overrides the policy's P2 (alias only in the policy)
    ("ACME", "1C", "2 - High", "2026-05-05T12:00:00Z", "matched", "acme-erp-2026", "P2"),
    ("ACME", "email", "2 - High", "2026-05-05T12:00:00Z", "no_rule", "acme-2026", None),
    ("acme corporation", "E-MAIL", "высокий", "2026-05-05T12:00:00Z", "matched", "acme-2026", "P2"),
    # suspended / terminated / planned cover nothing: provider-wide agreements take over
    ("umbrella", "email", "P1", "2026-05-05T12:00:00Z", "matched", "corp-baseline-2026", "P1"),
    ("cyberdyne", "vpn", "critical", "2026-05-05T12:00:00Z", "matched", "corp-network-2026", "P1"),
    ("hooli", "printing", "normal", "2026-05-05T12:00:00Z", "matched", "corp-baseline-2026", "P3"),
    # manual `active` past its end
    ("Wayne Enterprises", "", "urgent", "2027-01-10T12:00:00Z", "matched", "wayne-2025", "P1"),
    # vandelay-2027 starts at 2027-01-01 00:00 Moscow; the UTC baseline runs to 2027-01-01 00:00 UTC
    ("vandelay", "", "P1", "2026-12-31T20:59:59Z", "matched", "corp-baseline-2026", "P1"),
    ("vandelay", "", "P1", "2026-12-31T21:00:00Z", "matched", "vandelay-2027", "P1"),
    ("", "", "P2", "2026-05-05T12:00:00Z", "matched", "corp-baseline-2026", "P2"),
    ("nobody", "", "P2", "2027-01-01T00:00:00Z", "uncovered", None, None),
    ("globex", "email", "vip", "2026-05-05T12:00:00Z", "matched", "globex-2026", "P9"),
    ("globex", "erp", "vip", "2026-05-05T12:00:00Z", "no_rule", "corp-baseline-2026", None),
]


def test_handpicked_matching_cases(workspace, tmp_path):
    as_of = ts_of(2027, 1, 20, 9, 30)
    tickets = [Ticket(i, f"H-{i}", c, s, p, int(_instant(created)), None, None)
               for i, (c, s, p, created, *_) in enumerate(HANDPICKED, 1)]
    path = tmp_path / "handpicked.csv"
    write_iso_csv(path, random.Random(0), tickets)
    out = score(workspace, path, "2027-01-20T09:30:00Z")
    for t, g, (*_, match, agreement, priority) in zip(tickets, out["tickets"], HANDPICKED):
        ref = ref_score(REF, t, as_of)
        assert ref["match"] == match and ref.get("tied", ref["agreement"]) == agreement, (t, ref)
        assert g["match"] == match, (t, g)
        if match == "ambiguous":
            assert sorted(g.get("candidates", agreement)) == agreement, g
        else:
            assert g["agreement"] == agreement, (t, g)
        if match == "matched":
            assert g["priority"] == priority == ref["priority"], (t, g)
    problems, counts = compare(REF, tickets, out, as_of)
    _report("handpicked", problems, counts)
