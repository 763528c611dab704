"""slactl hours against the independent reference (tests/hours_reference.py): a seeded year of
time entries in several duration spellings, run through the CLI as users run it, and random
entry sets through the core."""
from __future__ import annotations

import csv
import json
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hours_reference import month_labels, quarter_of, reference

CAL = """apiVersion: slactl/v1
kind: Calendar
metadata: {name: msk}
spec:
  timezone: Europe/Moscow
  hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
---
apiVersion: slactl/v1
kind: Calendar
metadata: {name: nyc}
spec:
  timezone: America/New_York
  hours: {mon: ["08:00-17:00"], tue: ["08:00-17:00"], wed: ["08:00-17:00"], thu: ["08:00-17:00"], fri: ["08:00-17:00"]}
---
apiVersion: slactl/v1
kind: Policy
metadata: {name: std}
spec:
  rules:
    - {priority: P1, first_response: 30m, resolution: 4h}
    - {priority: P2, first_response: 2h, resolution: 16h}
"""

AGREEMENTS = {
    # name: (customer, calendar or None, hours block, reference terms)
    "alpha-2026": ("alpha", "msk", "{included: 10, per: month, rollover: true, rounding: 15m, rate: 100, currency: EUR}",
                   {"included": 10, "rollover": True, "rounding_minutes": 15, "rate": 100}),
    "beta-2026": ("beta", None, "{bank: 40, rounding: 6m, rate: 80, currency: USD}",
                  {"bank": 40, "rounding_minutes": 6, "rate": 80}),
    "gamma-2026": ("gamma", "nyc", "{included: 4, bank: 12, billable_only: false, rate: 50, currency: EUR}",
                   {"included": 4, "bank": 12, "billable_only": False, "rate": 50}),
    "delta-2026": ("delta", "msk", "{included: 3}", {"included": 3}),
}
ZONES = {"msk": "Europe/Moscow", "nyc": "America/New_York", None: "UTC"}


def _write_workspace(root: Path) -> None:
    root.mkdir()
    (root / "base.yaml").write_text(CAL, encoding="utf-8")
    docs = []
    for name, (cust, cal, hours, _) in AGREEMENTS.items():
        docs.append(f"""apiVersion: slactl/v1
kind: Agreement
metadata: {{name: {name}}}
spec:
  customer: {{id: {cust}, name: {cust.title()} Ltd}}
  period: {{start: 2026-01-01, end: 2026-12-31}}
  policy: std
{f"  calendar: {cal}" if cal else ""}
  hours: {hours}
""")
    (root / "agreements.yaml").write_text("---\n".join(docs), encoding="utf-8")


def _spell(rnd: random.Random, minutes: int) -> str:
    style = rnd.randrange(5)
    if style == 0:
        return f"{minutes // 60}:{minutes % 60:02d}"
    if style == 1:
        return f"{minutes}m"
    if style == 2 and minutes % 6 == 0:
        return f"{minutes / 60:g}h"
    if style == 3 and minutes >= 60:
        return f"{minutes // 60}h{minutes % 60}m" if minutes % 60 else f"{minutes // 60}h"
    return str(minutes * 60)


def _seeded_year(tmp_path: Path, seed: int) -> tuple[Path, Path, Path, dict[str, list[tuple[str, int, bool]]], list[str]]:
    """Workspace, export and entries; the reference's entries per agreement; the unknown tickets."""
    rnd = random.Random(seed)
    ws = tmp_path / "ws"
    _write_workspace(ws)
    tickets = []
    for n in range(160):
        name = rnd.choice(list(AGREEMENTS))
        created = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rnd.randrange(0, 350 * 1440))
        tickets.append((f"K-{n}", name, created))
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "customer", "priority", "created_at", "first_response_at", "resolved_at"])
        for tid, name, created in tickets:
            cust = AGREEMENTS[name][0]
            w.writerow([tid, rnd.choice((cust, cust.title() + " Ltd", cust.upper())), rnd.choice(("P1", "P2")),
                        created.isoformat(), "", ""])
    expected: dict[str, list[tuple[str, int, bool]]] = {name: [] for name in AGREEMENTS}
    unknown = []
    rows = []
    last = datetime(2026, 12, 31, 12, tzinfo=timezone.utc)
    for i in range(900):
        minutes = rnd.randrange(1, 300)
        billable = rnd.random() > 0.2
        bill_text = rnd.choice(("true", "yes", "1", "")) if billable else rnd.choice(("false", "no", "0"))
        kind = rnd.random()
        if kind < 0.05:  # a ticket the export does not have, no customer: unassigned
            tid = f"X-{i}"
            unknown.append(tid)
            started = datetime(2026, 6, 1, tzinfo=timezone.utc)
            rows.append([tid, "", started.isoformat(), _spell(rnd, minutes), bill_text])
            continue
        if kind < 0.12:  # no ticket, the customer's own column
            name = rnd.choice(list(AGREEMENTS))
            started = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rnd.randrange(0, 360 * 1440))
            tid, cust = "", AGREEMENTS[name][0].title() + " Ltd"
        else:
            tid, name, created = rnd.choice(tickets)
            started = min(created + timedelta(minutes=rnd.randrange(0, 30 * 1440)), last)
            # the entry's own customer column is wrong now and then: the ticket wins
            cust = rnd.choice(("", "", "", "Gamma Ltd"))
        zone = ZoneInfo(ZONES[AGREEMENTS[name][1]])
        expected[name].append((started.astimezone(zone).strftime("%Y-%m"), minutes, billable))
        # local wall time with an offset, or UTC with Z: both must land in the agreement's month
        shown = started.astimezone(zone).isoformat() if rnd.random() < 0.5 else started.strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append([tid, cust, shown, _spell(rnd, minutes), bill_text])
    entries = tmp_path / "entries.csv"
    with entries.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ticket_id", "customer", "started_at", "duration", "billable"])
        w.writerows(rows)
    return ws, export, entries, expected, unknown


def test_a_seeded_year_agrees_with_the_reference(tmp_path: Path, run_line) -> None:
    ws, export, entries, expected, unknown = _seeded_year(tmp_path, 2026)
    result = run_line("-w", str(ws), "hours", str(entries), "--export", str(export),
                      "--as-of", "2026-12-31T20:00:00Z", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rejected"] == []
    assert sorted(u["ticket"] for u in data["unassigned"]) == sorted(unknown)
    got = {(r["agreement"], r["window"]): r for r in data["rows"]}
    for name, (_, _, _, terms) in AGREEMENTS.items():
        ref = reference(terms, month_labels((2026, 1), (2026, 12)), expected[name])
        assert {w for (a, w) in got if a == name} == set(ref), name
        for window, want in ref.items():
            row = got[(name, window)]
            for key, value in want.items():
                if value is None:
                    assert row[key] is None, (name, window, key)
                else:
                    assert abs(row[key] - value) <= 0.0051 + 1e-9 * abs(value), (name, window, key, row[key], value)
    # every logged minute is accounted for: assigned rows plus unassigned entries
    total_rows = sum(r["logged_hours"] for r in data["rows"])
    assert abs(total_rows - sum(m for e in expected.values() for _, m, _ in e) / 60) < 0.01 * len(data["rows"])


def test_quarters_agree_with_the_reference(tmp_path: Path, run_line) -> None:
    ws, export, entries, expected, _ = _seeded_year(tmp_path, 7)
    path = ws / "agreements.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{included: 10, per: month, rollover: true", "{included: 30, per: quarter, rollover: true"), encoding="utf-8")
    result = run_line("-w", str(ws), "hours", str(entries), "--export", str(export), "--agreement", "alpha-2026",
                      "--as-of", "2026-12-31T20:00:00Z", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    by_quarter = [(quarter_of(m), mins, bill) for m, mins, bill in expected["alpha-2026"]]
    ref = reference({"included": 30, "rollover": True, "rounding_minutes": 15, "rate": 100},
                    ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"], by_quarter)
    assert [r["window"] for r in rows] == list(ref)
    for r in rows:
        for key in ("billable_hours", "included_hours", "overage_hours", "amount"):
            assert abs(r[key] - ref[r["window"]][key]) <= 0.0051 + 1e-9 * abs(ref[r["window"]][key]), (r, key)


# ---------------------------------------------------------------- the core, property-tested

@settings(max_examples=150, deadline=None)
@given(
    included=st.sampled_from([None, 0, 2, 7.5]),
    bank=st.sampled_from([None, 0, 3, 25]),
    rollover=st.booleans(),
    step=st.sampled_from([0, 6, 15, 60]),
    billable_only=st.booleans(),
    entries=st.lists(st.tuples(st.integers(0, 364 * 24 * 60), st.integers(0, 600), st.booleans()), max_size=60),
)
def test_account_matches_the_reference(included, bank, rollover, step, billable_only, entries) -> None:
    from slactl.core.hours import TimeEntry, account
    from slactl.core.model import Agreement, Customer, Hours

    if included is None and bank is None:
        included = 1
    terms = Hours(included=included, rollover=rollover, bank=bank, rounding=step * 60,
                  billable_only=billable_only, rate=10.0, currency="EUR")
    ag = Agreement("a", Customer("c"), date(2026, 1, 1), date(2026, 12, 31), hours=terms)
    zone = ZoneInfo("Asia/Kathmandu")  # a +05:45 zone: months begin at odd UTC instants
    start = datetime(2026, 1, 1, tzinfo=zone)
    made = [TimeEntry(i, "T", "", (start + timedelta(minutes=at)).timestamp(), mins * 60.0, bill)
            for i, (at, mins, bill) in enumerate(entries)]
    rows = account(ag, "Asia/Kathmandu", made, date(2026, 12, 31))
    ref = reference({"included": included or 0, "bank": bank or 0, "rollover": rollover, "rounding_minutes": step,
                     "billable_only": billable_only, "rate": 10.0},
                    month_labels((2026, 1), (2026, 12)),
                    [((start + timedelta(minutes=at)).strftime("%Y-%m"), mins, bill) for at, mins, bill in entries])
    assert [r.window.label for r in rows] == list(ref)
    for r in rows:
        d, want = r.as_dict(), ref[r.window.label]
        for key, value in want.items():
            assert abs(d[key] - value) <= 0.0051 + 1e-9 * abs(value), (r.window.label, key, d[key], value)
