"""Reporting periods (core.period) against a day-by-day reference, and score's filters."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from slactl.core.period import last_complete_month, months, months_back, parse_period
from tests.conftest import BUNDLED, ROOT, run_in_workspace as run

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


def days_of(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@settings(max_examples=200, deadline=None)
@given(DAYS)
def test_month_quarter_year_hold_exactly_their_days(day: date) -> None:
    month = parse_period(f"{day.year}-{day.month:02d}")
    quarter = parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    year = parse_period(str(day.year))
    for p, same in ((month, lambda d: (d.year, d.month) == (day.year, day.month)),
                    (quarter, lambda d: d.year == day.year and (d.month - 1) // 3 == (day.month - 1) // 3),
                    (year, lambda d: d.year == day.year)):
        assert p.contains(day)
        around = days_of(p.first - timedelta(days=3), p.last + timedelta(days=3))
        assert [d for d in around if p.contains(d)] == [d for d in around if same(d)]


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(0, 800))
def test_months_partition_a_range(first: date, length: int) -> None:
    last = first + timedelta(days=length)
    parts = months(first, last)
    assert [d for p in parts for d in days_of(p.first, p.last)] == days_of(first, last)
    assert all(p.first.month == p.last.month and p.first.year == p.last.year for p in parts)
    whole = parse_period(f"{first.isoformat()}..{last.isoformat()}")
    assert whole.months() == parts


@settings(max_examples=100, deadline=None)
@given(DAYS, st.sampled_from(["UTC", "Europe/Moscow", "America/New_York", "Pacific/Auckland"]))
def test_bounds_are_local_midnights(day: date, zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    begin, end = parse_period(f"{day.year}-{day.month:02d}").bounds(zone)
    start = datetime.fromtimestamp(begin, zone)
    stop = datetime.fromtimestamp(end, zone)
    assert (start.day, start.hour, start.minute) == (1, 0, 0) and (start.year, start.month) == (day.year, day.month)
    assert stop.day == 1 and stop.hour == 0 and (stop.year * 12 + stop.month) == day.year * 12 + day.month + 1


def test_labels_defaults_and_trend_months() -> None:
    assert parse_period(" 2026-q4 ").label == "2026-Q4"
    assert parse_period("2026-3").label == "2026-03"
    assert parse_period("2026-10-01 .. 2026-12-31").label == "2026-10-01..2026-12-31"
    day = parse_period("2026-11-05")
    assert (day.first, day.last, day.kind, day.text) == (date(2026, 11, 5), date(2026, 11, 5), "day", "2026-11-05")
    assert last_complete_month(date(2026, 12, 1)).label == "2026-11"
    assert last_complete_month(date(2026, 1, 31)).label == "2025-12"
    assert [m.label for m in months_back(parse_period("2026-02"), 3)] == ["2025-12", "2026-01", "2026-02"]


@pytest.mark.parametrize("text,words", [
    ("2026-13", "there is no month 13"), ("2026-Q5", "is not a period"), ("2026-12-31..2026-01-01", "ends before"),
    ("2026-02-30..2026-03-01", "is not a valid period"), ("2026-02-30", "is not a valid period"), ("", "is not a period"), ("0000", "is not a valid period"),
])
def test_bad_periods_say_why(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_period(text)


def test_score_filters_match_the_report(workspace: Path) -> None:
    export = str(ROOT / "examples" / "generic.csv")
    scored = run(workspace, "score", export, "--as-of", "2026-12-01T06:00:00Z", "-c", "ACME", "--period", "2026-11",
                 "--format", "json")
    assert scored.exit_code == 0, scored.output
    data = json.loads(scored.stdout[scored.stdout.index("{"):])
    reported = json.loads(run(workspace, "report", export, "--as-of", "2026-12-01T06:00:00Z", "-c", "acme",
                              "--period", "2026-11", "--format", "json").stdout)
    assert {t["agreement"] for t in data["tickets"]} == {"acme-support-2026"}
    assert data["scored"] == reported["sections"][0]["tickets"]
    got = {(r["priority"], r["metric"]): r["compliance_pct"] for r in data["summary"]}
    assert got == {(o["priority"], o["metric"]): o["compliance_pct"] for o in reported["sections"][0]["objectives"]}
    assert "ticket(s) outside the selection left out" in scored.output
    only = run(workspace, "score", export, "--as-of", "2026-12-01T06:00:00Z", "--agreement", "corporate-network-2026",
               "--format", "json")
    assert {t["agreement"] for t in json.loads(only.stdout[only.stdout.index("{"):])["tickets"]} == \
        {"corporate-network-2026"}
    bad = run(workspace, "score", export, "--period", "last month")
    assert bad.exit_code == 2 and "--period: 'last month' is not a period" in bad.output


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "table"])
def test_score_names_uncovered_tickets_and_priorities_without_a_rule(workspace: Path, tmp_path: Path,
                                                                    fmt: str) -> None:
    export = tmp_path / "e.csv"
    export.write_text(
        "id,customer,service,priority,created_at,first_response_at,resolved_at,status\n"
        "U-1,ACME Corp,erp,P3,2025-12-10T10:00:00+03:00,,,open\n"
        "U-2,Pied Piper,erp,P3,2025-12-11T10:00:00+03:00,,,open\n"
        "N-1,acme,erp,Minor,2026-11-10T10:00:00+03:00,,,open\n"
        "N-2,acme,erp,Minor,2026-11-11T10:00:00+03:00,,,open\n", encoding="utf-8")
    result = run(workspace, "score", str(export), "--as-of", "2026-12-01T00:00:00Z", "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for words in ("Uncovered tickets", "ACME Corp", "agreement not yet in force", "U-1", "Pied Piper",
                  "no agreement", "U-2", "Priorities with no rule", "acme-support-2026", "Minor"):
        assert words in out, (fmt, words)


def test_unmatched_halves_merge_in_file_order() -> None:
    from slactl.core.unmatched import IDS_KEPT, Unmatched
    from slactl.workspace.loader import load_workspace

    ws = load_workspace(str(BUNDLED)).workspace
    first, second = Unmatched(ws), Unmatched(ws)
    created = datetime(2025, 12, 10, tzinfo=ZoneInfo("UTC")).timestamp()
    for i in range(7):
        first.add("uncovered", f"A-{i}", "Pied Piper", "erp", "P3", created, None)
        second.add("uncovered", f"B-{i}", "pied piper", "erp", "P3", created, None)
    second.add("no_rule", "C-1", "acme", "erp", " Minor ", created, "acme-support-2026")
    first.merge(second.state())
    ((customer, reason, count, ids),) = first.uncovered_rows()
    assert (customer, reason, count) == ("Pied Piper", "no agreement", 14)
    assert ids == [f"A-{i}" for i in range(7)] + [f"B-{i}" for i in range(IDS_KEPT - 7)]
    assert first.no_rule_rows() == [("acme-support-2026", "Minor", 1)]
