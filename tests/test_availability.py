"""Availability objectives and credits: worked examples, property tests against the
brute-force reference (tests/availability_reference.py) and the command as users run it."""
from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from availability_reference import RefOutage, reference
from slactl.core.availability import Outage, evaluate, measure, subtract_intervals
from slactl.core.clock import BusinessClock, merge_intervals
from slactl.core.model import CALENDAR_24X7, Objective
from slactl.core.period import parse_period
from slactl.core.windows import windows
from slactl.workspace.loader import load_workspace

UTC = timezone.utc
H = 3600.0

WORKSPACE = {
    "calendars.yaml": """
apiVersion: slactl/v1
kind: Calendar
metadata: {name: berlin-business}
spec:
  timezone: Europe/Berlin
  hours:
    mon: ["09:00-12:00", "13:00-17:00"]
    tue: ["09:00-12:00", "13:00-17:00"]
    wed: ["09:00-12:00", "13:00-17:00"]
    thu: ["09:00-12:00", "13:00-17:00"]
    fri: ["09:00-15:00"]
  holidays:
    dates: [2026-04-03, 2026-04-06, 2026-12-24]
  workdays: [2026-03-28]
""",
    "services.yaml": """
apiVersion: slactl/v1
kind: Service
metadata: {name: web}
spec: {aliases: [Website, WWW]}
---
apiVersion: slactl/v1
kind: Service
metadata: {name: api}
spec: {aliases: [API]}
---
apiVersion: slactl/v1
kind: Service
metadata: {name: db}
spec: {description: Databases}
""",
    "policy.yaml": """
apiVersion: slactl/v1
kind: Policy
metadata: {name: base}
spec:
  calendar: berlin-business
  rules: [{priority: P1, resolution: 4h}]
  availability:
    - {target: 99.5, window: quarter, calendar: berlin-business, maintenance: counted}
""",
    "agreements.yaml": """
apiVersion: slactl/v1
kind: Agreement
metadata: {name: alpha-2026}
spec:
  customer: {id: alpha, name: Alpha GmbH}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: base
  services: [web, api]
  availability:
    - {services: [web], target: 99.9, window: month, calendar: 24x7, maintenance: excluded}
    - {target: 99.0, window: month, calendar: berlin-business, maintenance: counted, partial_weight: 0.3}
  credits:
    monthly_fee: 1000
    currency: EUR
    cap: 50
    tiers:
      - {availability_below: 99.9, credit: 10}
      - {availability_below: 99.0, credit: 25}
      - {availability_below: 95.0, credit: 100}
      - {metric: resolution, compliance_below: 90, credit: 5}
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: beta-2026}
spec:
  customer: {id: beta}
  period: {start: 2026-03-15, end: 2026-03-27}   # ends inside March and Q1: those windows are complete
  policy: base
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: gamma-2026}
spec:
  customer: {id: gamma}
  period: {start: 2026-01-01, end: 2026-12-31}
  rules: [{priority: P1, resolution: 4h}]
  services: [db]
  availability:
    - {target: 99.0, window: week}
""",
}


@pytest.fixture(scope="module")
def ws_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("avws")
    for name, text in WORKSPACE.items():
        (root / name).write_text(text.lstrip(), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def ws(ws_dir: Path):  # type: ignore[no-untyped-def]
    loaded = load_workspace(str(ws_dir))
    assert not loaded.errors, loaded.errors
    return loaded.workspace


def t(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


# --------------------------------------------------------------------------- worked examples

def test_intervals_merge_and_subtract() -> None:
    assert merge_intervals([(5, 7), (1, 3), (2, 4), (4, 4.5), (9, 9)]) == [(1, 4.5), (5, 7)]
    assert subtract_intervals([(0, 10), (20, 30)], [(2, 3), (5, 22), (29, 40)]) == [(0, 2), (3, 5), (22, 29)]
    assert subtract_intervals([(0, 10)], []) == [(0, 10)]


def test_measure_worked_example() -> None:
    """A 24x7 day: maintenance 02:00-04:00, full 03:00-05:00, partial 04:30-06:00 (weight 0.5)."""
    day = t("2026-05-01T00:00:00+00:00")
    log = [Outage(1, "web", day + 2 * H, day + 4 * H, maintenance=True),
           Outage(2, "web", day + 3 * H, day + 5 * H),
           Outage(3, "web", day + 4.5 * H, day + 6 * H, partial=True)]
    clock = BusinessClock(CALENDAR_24X7)
    excluded = measure(Objective(target=99.0), clock, day, day + 24 * H, log, as_of=day + 48 * H)
    # required 24 h - 2 h maintenance; down: 04:00-05:00 full + 05:00-06:00 partial at half weight
    assert excluded.required == 22 * H
    assert excluded.downtime == 1 * H + 0.5 * H
    assert excluded.outages == 2 and excluded.repair_total == 2 * H + 1.5 * H
    counted = measure(Objective(target=99.0, maintenance="counted"), clock, day, day + 24 * H, log, day + 48 * H)
    # maintenance is a full outage: 02:00-05:00 full, 05:00-06:00 partial
    assert counted.required == 24 * H
    assert counted.downtime == 3 * H + 0.5 * H
    assert counted.outages == 3 and counted.repair_total == 2 * H + 2 * H + 1.5 * H
    # a partial outage inside maintenance (excluded) is neither required nor down
    inside = [Outage(1, "web", day + 2 * H, day + 4 * H, maintenance=True),
              Outage(2, "web", day + 3 * H, day + 5 * H, partial=True)]
    m = measure(Objective(target=99.0), clock, day, day + 24 * H, inside, as_of=day + 48 * H)
    assert (m.required, m.downtime, m.outages) == (22 * H, 0.5 * H, 1)


def test_a_zero_length_outage_counts_in_neither_mttr_nor_mtbf() -> None:
    """Issue 24, finding 8: an outage that ends when it starts takes no time and is no outage."""
    day = t("2026-05-01T00:00:00+00:00")
    clock = BusinessClock(CALENDAR_24X7)
    log = [Outage(1, "web", day + 2 * H, day + 3 * H), Outage(2, "web", day + 5 * H, day + 5 * H)]
    m = measure(Objective(target=99.0), clock, day, day + 24 * H, log, as_of=day + 48 * H)
    assert (m.downtime, m.outages, m.repair_total) == (1 * H, 1, 1 * H)  # MTTR 1 h, not 30 min


def test_ongoing_outage_is_measured_to_as_of_and_future_rows_ignored() -> None:
    day = t("2026-05-01T00:00:00+00:00")
    clock = BusinessClock(CALENDAR_24X7)
    log = [Outage(1, "web", day + 10 * H, None)]
    m = measure(Objective(target=99.0), clock, day, day + 12 * H, log, as_of=day + 12 * H)
    assert m.downtime == 2 * H and m.outages == 1


def test_periods_and_windows() -> None:
    from zoneinfo import ZoneInfo

    assert parse_period("2026-Q4").first == date(2026, 10, 1)
    assert parse_period("2026-02").last == date(2026, 2, 28)
    assert parse_period("2026").last == date(2026, 12, 31)
    assert parse_period("2026-10-01..2026-12-31").last == date(2026, 12, 31)
    with pytest.raises(ValueError, match="not a period"):
        parse_period("Q4 2026")
    with pytest.raises(ValueError, match="ends before"):
        parse_period("2026-12-01..2026-11-01")
    berlin = ZoneInfo("Europe/Berlin")
    begin, end = parse_period("2026-03").bounds(berlin)
    (label, a, b), = windows("month", begin, end, berlin)
    assert label == "2026-03" and (b - a) / H == 31 * 24 - 1  # the spring-forward month is an hour short
    weeks = list(windows("week", *parse_period("2026-01-01..2026-01-05").bounds(berlin), berlin))
    assert [w[0] for w in weeks] == ["2026-W01", "2026-W02"]
    assert datetime.fromtimestamp(weeks[0][1], berlin).date() == date(2025, 12, 29)  # a Monday


# --------------------------------------------------------------------------- against the reference

def _compare(rows, credits, ref_rows, ref_credits) -> None:  # type: ignore[no-untyped-def]
    got = [r.as_dict() if hasattr(r, "as_dict") else r for r in rows]
    assert [(r["agreement"], r["service"], r["window"]) for r in got] == \
        [(r["agreement"], r["service"], r["window"]) for r in ref_rows]
    for g, r in zip(got, ref_rows):
        where = f"{r['agreement']}/{r['service']}/{r['window']}"
        assert g["partial"] == r["partial"], where
        for key in ("required_minutes", "downtime_minutes", "budget_left_minutes", "mttr_minutes", "mtbf_minutes"):
            if r[key] is None:
                assert g[key] is None, (where, key)
            else:
                assert g[key] == pytest.approx(r[key], abs=0.02), (where, key)
        for key in ("availability_pct", "budget_used_pct"):
            if r[key] is None:
                assert g[key] is None, (where, key)
            else:
                assert g[key] == pytest.approx(r[key], abs=0.001), (where, key)
        assert (g["ok"], g["outages"], g["target_pct"]) == (r["ok"], r["outages"], r["target_pct"]), where
    got_credits = [c.as_dict() if hasattr(c, "as_dict") else c for c in credits]
    assert [(c["agreement"], c["window"]) for c in got_credits] == \
        [(c["agreement"], c["window"]) for c in ref_credits]
    for g, r in zip(got_credits, ref_credits):
        assert g["credit_pct"] == r["credit_pct"] and g["currency"] == r["currency"], r
        assert g["amount"] == (None if r["amount"] is None else pytest.approx(r["amount"])), r
        assert len(g["reasons"]) == r["reasons"], r


BASE = int(t("2026-03-20T00:00:00+00:00"))
SPAN_MIN = 14 * 24 * 60  # 14 days: a month end, a quarter end, Berlin's spring-forward, Easter holidays

minute = st.integers(0, SPAN_MIN)
outage = st.builds(
    lambda s, length, ongoing, service, partial, maint: RefOutage(
        service, BASE + s * 60, None if ongoing else BASE + (s + length) * 60, partial, maint),
    minute, st.integers(0, 3 * 24 * 60), st.integers(0, 4).map(lambda k: k == 0),
    st.sampled_from(["web", "api", "db"]), st.booleans(), st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(outage, max_size=16), minute, st.sampled_from([None, "2026-03-20..2026-04-08", "2026-04"]))
def test_evaluate_agrees_with_brute_force(ws, outages, cut, period_text) -> None:  # type: ignore[no-untyped-def]
    as_of = BASE + cut * 60
    period = parse_period(period_text) if period_text else parse_period("2026-03-20..2026-04-08")
    product = [Outage(i + 1, o.service, float(o.start), None if o.end is None else float(o.end), o.partial,
                      o.maintenance) for i, o in enumerate(outages)]
    compliance = {("alpha-2026", "2026-03", "resolution"): 85.0, ("alpha-2026", "2026-04", "resolution"): 90.0}
    rows, credits = evaluate(ws, product, period, float(as_of), compliance=compliance)
    ref_rows, ref_credits = reference(ws, outages, as_of, (period.first, period.last), compliance)
    _compare(rows, credits, ref_rows, ref_credits)


def test_as_of_sweep_against_brute_force(ws) -> None:  # type: ignore[no-untyped-def]
    """One seeded log, as_of every 11 hours across the span and on the boundaries that matter
    (beta's end, the month and quarter end in Berlin): hypothesis alone rarely lands there."""
    rng = random.Random(5)
    outages = []
    for _ in range(24):
        s = BASE + rng.randrange(SPAN_MIN) * 60
        outages.append(RefOutage(rng.choice(["web", "api", "db"]), s,
                                 None if rng.random() < 0.1 else s + rng.randrange(3 * 24 * 60) * 60,
                                 rng.random() < 0.4, rng.random() < 0.3))
    product = [Outage(i + 1, o.service, float(o.start), None if o.end is None else float(o.end), o.partial,
                      o.maintenance) for i, o in enumerate(outages)]
    cuts = [BASE + k * 11 * 3600 for k in range(SPAN_MIN // (11 * 60))]
    cuts += [int(t(x)) + d for x in ("2026-03-28T00:00:00+01:00", "2026-04-01T00:00:00+02:00") for d in (-60, 0, 60)]
    period = parse_period("2026-03-20..2026-04-08")
    for as_of in cuts:
        rows, credits = evaluate(ws, product, period, float(as_of))
        _compare(rows, credits, *reference(ws, outages, as_of, (period.first, period.last)))


def test_credits_worked_example(ws) -> None:  # type: ignore[no-untyped-def]
    """alpha, March: web down 60 min on a 24x7 month of 44,580 min (DST: one hour short) -> 99.865 %,
    below 99.9 -> 10 %; with resolution compliance 85 % (< 90) the 5 % tier holds too; largest: 10 %."""
    log = [Outage(1, "web", t("2026-03-10T10:00:00+01:00"), t("2026-03-10T11:00:00+01:00"))]
    rows, credits = evaluate(ws, log, parse_period("2026-03"), t("2026-04-10T00:00:00+00:00"),
                             [ws.agreements["alpha-2026"]],
                             {("alpha-2026", "2026-03", "resolution"): 85.0})
    web = next(r for r in rows if r.service == "web" and r.calendar == "24x7")
    assert web.required_minutes == 44580 and web.downtime_minutes == 60
    assert web.availability_pct == pytest.approx(100 * 44520 / 44580)
    (march,) = credits
    assert (march.window, march.credit_pct, march.amount, march.currency) == ("2026-03", 10, 100.0, "EUR")
    assert len(march.reasons) == 2 and "resolution compliance 85 %" in march.reasons[1]


# --------------------------------------------------------------------------- the command

def _year_log(path: Path, seed: int = 11) -> tuple[list[RefOutage], list[int]]:
    """A seeded year of outages, written as users' logs are (aliases, naive Berlin times, bad rows)."""
    rng = random.Random(seed)
    berlin = __import__("zoneinfo").ZoneInfo("Europe/Berlin")
    start = int(t("2026-01-01T00:00:00+00:00")) // 60
    lines = ["Service,Start,End,Impact,Kind,Ref"]
    ref: list[RefOutage] = []
    bad: list[int] = []
    spell = {"web": ["web", "Website", "WWW"], "api": ["api", "API"], "db": ["db"]}
    for n in range(1, 301):
        if n % 47 == 0:
            lines.append(rng.choice(["cache,2026-02-01 10:00,2026-02-01 11:00,full,outage,X",
                                     "web,2026-02-01 10:00,2026-02-01 09:00,full,outage,X",
                                     "web,soon,,full,outage,X"]))
            bad.append(n)
            continue
        service = rng.choice(["web", "api", "db"])
        s = (start + rng.randrange(365 * 24 * 60)) * 60
        length = rng.choice([5, 30, 90, 240, 600, 3000]) * 60
        e = s + length
        partial, maint = rng.random() < 0.3, rng.random() < 0.2
        as_local = lambda x: datetime.fromtimestamp(x, berlin).strftime("%Y-%m-%d %H:%M")  # noqa: E731
        if datetime.fromtimestamp(s, berlin).fold or datetime.fromtimestamp(e, berlin).fold:
            cell_s, cell_e = (datetime.fromtimestamp(x, UTC).isoformat() for x in (s, e))  # ambiguous locally
        else:
            cell_s, cell_e = as_local(s), as_local(e)
        lines.append(f"{rng.choice(spell[service])},{cell_s},{cell_e},{'partial' if partial else ''},"
                     f"{'maintenance' if maint else ''},R{n}")
        ref.append(RefOutage(service, s, e, partial, maint))
    s = int(t("2026-11-20T08:00:00+00:00"))
    lines.append(f"api,{datetime.fromtimestamp(s, berlin).strftime('%Y-%m-%d %H:%M')},,,,ONGOING")
    ref.append(RefOutage("api", s, None))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ref, bad


def test_command_json_agrees_with_reference_over_a_year(run_line, ws, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "outages.csv"
    ref_outages, bad = _year_log(log)
    as_of = "2026-11-22T12:00:00+00:00"
    result = run_line("-w", str(ws_dir), "availability", str(log), "--period", "2026", "--as-of", as_of,
                      "--tz", "Europe/Berlin", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"] == "2026" and data["as_of"] == as_of
    assert [x["row"] for x in data["rejected"]] == bad
    ref_rows, ref_credits = reference(ws, ref_outages, int(t(as_of)), (date(2026, 1, 1), date(2026, 12, 31)))
    _compare(data["rows"], data["credits"], ref_rows, ref_credits)
    assert any(r["partial"] for r in data["rows"]) and any(r["outages"] for r in data["rows"])


def test_fail_under_target(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "o.csv"
    log.write_text("service,start,end\nweb,2026-05-04T10:00:00Z,2026-05-04T12:00:00Z\n", encoding="utf-8")
    args = ("-w", str(ws_dir), "availability", str(log), "--as-of", "2026-07-01T00:00:00Z", "--fail-under", "target")
    bad = run_line(*args, "--period", "2026-05")
    assert bad.exit_code == 1 and "below target: alpha-2026 / web / 2026-05" in bad.stderr
    assert run_line(*args, "--period", "2026-06").exit_code == 0
    assert run_line(*args[:-1], "50", "--period", "2026-05").exit_code == 0
    assert run_line(*args[:-1], "99.99", "--period", "2026-05").exit_code == 1
    assert run_line(*args[:-1], "lots").exit_code == 2


def test_budget_line_is_silent_for_cron_unless_over(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "o.csv"
    log.write_text("service,start,end\nweb,2026-05-04T10:00:00Z,2026-05-04T10:20:00Z\n", encoding="utf-8")
    base = ("-w", str(ws_dir), "availability", str(log), "--agreement", "alpha-2026", "--budget")
    quiet = run_line(*base, "--as-of", "2026-05-20T00:00:00Z")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    log.write_text("service,start,end\nweb,2026-05-04T10:00:00Z,2026-05-04T11:20:00Z\n", encoding="utf-8")
    loud = run_line(*base, "--as-of", "2026-05-20T00:00:00Z")
    lines = loud.stdout.splitlines()
    assert any(line.startswith("alpha-2026 web 2026-05 (running): OVER BUDGET by") for line in lines), lines
    assert len(lines) == 3  # web on 24x7, web and api on business hours: the current window of each


def test_rejected_rows_and_unreadable_input(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "o.csv"
    log.write_text("service;start;end;impact;kind\n"
                   "Webb;2026-05-04 10:00;2026-05-04 11:00;;\n"
                   "web;2026-05-04 10:00;2026-05-04 09:00;;\n"
                   "web;2026-05-04 10:00;;major;\n"
                   "web;2026-05-04 10:00;;;repair\n"
                   "www;2026-05-04 10:00;2026-05-04 10:30;partial;maintenance\n", encoding="cp1251")
    result = run_line("-w", str(ws_dir), "availability", str(log), "--as-of", "2026-05-05T00:00:00Z", "-f", "json")
    data = json.loads(result.stdout)
    reasons = {x["row"]: x["reason"] for x in data["rejected"]}
    assert reasons == {1: "unknown service 'Webb' (did you mean 'web'?)", 2: "end is before start",
                       3: "impact 'major' is not full or partial", 4: "kind 'repair' is not outage or maintenance"}
    missing = tmp_path / "nope.csv"
    assert run_line("-w", str(ws_dir), "availability", str(missing)).exit_code == 2
    no_start = tmp_path / "x.csv"
    no_start.write_text("service,when\nweb,2026-05-04\n", encoding="utf-8")
    result = run_line("-w", str(ws_dir), "availability", str(no_start))
    assert result.exit_code == 2 and "required column(s) missing: start" in result.stderr


def test_mapping_file_names_other_headers(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "status.csv"
    log.write_text("Component,Began,Resolved\nAPI,04.05.2026 10:00,04.05.2026 12:00\n", encoding="utf-8")
    (tmp_path / "status.mapping.yaml").write_text(
        "columns: {service: Component, start: Began, end: Resolved}\ntimezone: Europe/Berlin\n", encoding="utf-8")
    result = run_line("-w", str(ws_dir), "availability", str(log), "--period", "2026-05", "--agreement",
                      "alpha-2026", "--as-of", "2026-06-01T00:00:00Z", "-f", "json")
    assert result.exit_code == 0, result.output
    api = [r for r in json.loads(result.stdout)["rows"] if r["service"] == "api"]
    assert api[0]["downtime_minutes"] == 120 and api[0]["outages"] == 1


@pytest.mark.parametrize("fmt", ["table", "text", "csv", "markdown", "html", "budget"])
def test_every_format_renders(run_line, ws_dir, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "o.csv"
    log.write_text("service,start,end,impact,ref\nweb,2026-05-04T10:00:00Z,2026-05-04T12:00:00Z,,=HYPERLINK(1)\n"
                   "nope,2026-05-04T10:00:00Z,,,<b>x</b>\n", encoding="utf-8")
    result = run_line("-w", str(ws_dir), "availability", str(log), "--period", "2026-05",
                      "--as-of", "2026-06-01T00:00:00Z", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt != "budget":
        assert "alpha-2026" in result.stdout
    if fmt == "html":
        assert "<b>x</b>" not in result.stdout and "&lt;b&gt;x&lt;/b&gt;" in result.stdout
    if fmt in ("table", "text"):
        assert "2 h" in result.stdout and "10 %" in result.stdout


def test_validate_checks_objectives_and_tiers(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "ws"
    root.mkdir()
    for name in ("calendars.yaml", "services.yaml", "policy.yaml"):
        (root / name).write_text((ws_dir / name).read_text(encoding="utf-8"), encoding="utf-8")
    (root / "a.yaml").write_text("""apiVersion: slactl/v1
kind: Agreement
metadata: {name: delta}
spec:
  customer: {id: delta}
  period: {start: 2026-01-01, end: 2026-12-31}
  rules: [{priority: P1, resolution: 4h}]
  services: [web]
  availability:
    - {services: [wbe], target: 99.9, window: quarter}
    - {services: [api], target: 99.9, windw: month}
    - {services: [api], target: 99.9, window: month, calendar: berlin-busines}
  credits:
    tiers:
      - {availability_below: 99.0, credit: 25}
      - {availability_below: 99.9, credit: 30}
      - {compliance_below: 90, credit: 5}
""", encoding="utf-8")
    result = run_line("-w", str(root), "validate", "--format", "json")
    assert result.exit_code == 1
    messages = [f["message"] for f in json.loads(result.stdout)["findings"]]
    assert "unknown key 'windw' in spec.availability[1] (did you mean 'window'?)" in messages
    (root / "a.yaml").write_text((root / "a.yaml").read_text().replace("windw", "window"))
    messages = [f["message"] for f in json.loads(run_line("-w", str(root), "validate", "-f", "json").stdout)["findings"]]
    assert "service 'wbe' is not defined (did you mean 'web'?)" in messages
    assert "calendar 'berlin-busines' is not defined (did you mean 'berlin-business'?)" in messages
    assert any(m.startswith("availability objective 2 names service 'api', which the agreement does not cover")
               for m in messages)
    assert any(m.startswith("credit tier 1 (availability below 99 %: 25 %) never applies: tier 2 gives 30 %")
               for m in messages)
    assert "credit tier 3 has compliance_below but no metric (first_response or resolution)" in messages


def test_credits_without_monthly_objective_warn(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "ws"
    root.mkdir()
    for name in ("calendars.yaml", "services.yaml", "policy.yaml"):
        (root / name).write_text((ws_dir / name).read_text(encoding="utf-8"), encoding="utf-8")
    (root / "a.yaml").write_text("""apiVersion: slactl/v1
kind: Agreement
metadata: {name: eps}
spec:
  customer: {id: eps}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: base
  credits: {tiers: [{availability_below: 99.0, credit: 10}]}
""", encoding="utf-8")
    result = run_line("-w", str(root), "validate", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [f["code"] for f in findings] == ["credits-without-objective"]
    assert result.exit_code == 0


# --------------------------------------------------------------------------- the README's worked example

def test_readme_worked_example(run_line) -> None:  # type: ignore[no-untyped-def]
    """The numbers README "A worked example you can check by hand" derives, from the command it shows."""
    import re
    import shlex

    from tests.conftest import BUNDLED, ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A worked example you can check by hand", 1)[1]
    command = re.search(r"```sh\n(slactl .*?)\n```", section, re.S).group(1).replace("\\\n", " ")  # type: ignore[union-attr]
    args = shlex.split(command)[1:]
    args[args.index("agreements")] = str(BUNDLED)
    args[args.index("examples/outages.csv")] = str(ROOT / "examples" / "outages.csv")
    result = run_line(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    email, erp = data["rows"]
    assert (email["service"], email["required_minutes"], email["downtime_minutes"]) == ("email", 43080, 75)
    assert round(email["availability_pct"], 3) == 99.826 and email["budget_left_minutes"] == -31.92
    assert (email["outages"], email["mttr_minutes"], email["mtbf_minutes"], email["partial"]) == (3, 45, 14335, False)
    assert (erp["service"], erp["required_minutes"], erp["downtime_minutes"]) == ("erp", 9360, 240)
    assert round(erp["availability_pct"], 3) == 97.436
    assert (erp["outages"], erp["mttr_minutes"], erp["mtbf_minutes"]) == (3, 100, 3040)
    (credit,) = data["credits"]
    assert (credit["window"], credit["credit_pct"], credit["amount"], credit["currency"]) == ("2026-11", 25, 3000, "EUR")
    assert [x["reason"] for x in data["rejected"]] == ["unknown service 'printers'"]
    for figure in ("43,080", "99.826 %", "31.92", "9,360 min", "97.436 %", "3,000 EUR"):
        assert figure in section


@pytest.mark.parametrize("fmt", ["text", "table", "budget"])
def test_terminal_output_is_inert(run_line, ws_dir, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "o.csv"
    log.write_text("service,start,end,ref\n\x1b[31mweb,2026-05-04T10:00:00Z,,\x1b]0;pwned\x07\n"
                   "web,2026-05-04T10:00:00Z,2026-05-04T12:00:00Z,ok\n", encoding="utf-8")
    result = run_line("-w", str(ws_dir), "availability", str(log), "--as-of", "2026-05-20T00:00:00Z",
                      "--period", "2026-05", "--format", fmt)
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x1b" not in result.stderr
    if fmt != "budget":
        assert "\\x1b[31mweb" in result.stdout


def test_durations_read_as_people_write_them() -> None:
    from slactl.core.durations import human_minutes

    assert [human_minutes(m) for m in (0, 0.5, 25, 60, 85, 47 * 60, 3000, -5)] == \
        ["0 min", "30 s", "25 min", "1 h", "1 h 25 min", "47 h", "2 d 2 h", "-5 min"]


def test_agreement_objectives_override_the_policy(ws) -> None:  # type: ignore[no-untyped-def]
    from slactl.core.availability import objectives_of, services_of
    from slactl.core.records import replace

    beta, alpha = ws.agreements["beta-2026"], ws.agreements["alpha-2026"]
    assert [o.window for o in objectives_of(ws, beta)] == ["quarter"]  # the policy's
    assert [o.window for o in objectives_of(ws, alpha)] == ["month", "month"]  # its own
    assert objectives_of(ws, replace(beta, availability=())) == ()  # an empty list of its own wins too
    assert services_of(ws, beta, objectives_of(ws, beta)[0]) == ("api", "db", "web")  # every service
    assert services_of(ws, alpha, objectives_of(ws, alpha)[1]) == ("web", "api")  # the agreement's


def test_an_outage_outside_the_calendars_open_hours_is_no_outage(tmp_path):
    """erp is measured on Moscow business hours: a Saturday outage took nothing required away, so it
    counts in neither MTTR nor MTBF (it halved MTTR as a 0-minute outage)."""
    import json as _json

    from tests.conftest import BUNDLED, ROOT, run_in_workspace

    log = tmp_path / "outages.csv"
    log.write_text((ROOT / "examples" / "outages.csv").read_text(encoding="utf-8")
                   + "erp,2026-11-14T10:00:00+03:00,2026-11-14T12:00:00+03:00,full,outage,INC-300 on a Saturday\n",
                   encoding="utf-8")
    args = ("--period", "2026-11", "--as-of", "2026-12-01T00:00:00+03:00", "--format", "json")
    rows = {}
    for name, path in (("before", ROOT / "examples" / "outages.csv"), ("after", log)):
        data = _json.loads(run_in_workspace(BUNDLED, "availability", str(path), *args).stdout)
        rows[name] = next(r for r in data["rows"] if r["service"] == "erp" and r["window"] == "2026-11")
    for key in ("outages", "mttr_minutes", "mtbf_minutes", "downtime_minutes"):
        assert rows["after"][key] == rows["before"][key], key
