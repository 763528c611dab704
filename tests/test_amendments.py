"""Amendments in force by date: tickets judged by the version in force when they were created
(score, report, explain), summary rows per agreement x priority, and validate's checks."""
from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from tests.conftest import copy_bundled, BUNDLED, run_in_workspace as run

AGREEMENT = """apiVersion: slactl/v1
kind: Agreement
metadata:
  name: acme-support-2026
spec:
  customer: {id: acme, name: ACME Corp}
  manager: {name: Irina, email: irina@provider.example}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: standard
  compliance_target: 97
  amendments:
    - effective: 2026-07-01
      note: P2 resolution shortened to 8 h
      rules:
        - priority: P2
          resolution: 8h
    - effective: 2026-10-01
      note: target raised, email only
      compliance_target: 99
      services: [email]
"""
HEADER = "id,customer,service,priority,created_at,first_response_at,resolved_at,status\n"
# Moscow business hours (msk-business); 07:00Z is 10:00 in Moscow
TICKETS = HEADER + (
    "T-1,ACME Corp,Email,P2,2026-06-10T07:00:00Z,2026-06-10T07:30:00Z,2026-06-11T12:00:00Z,resolved\n"  # 12 h
    "T-2,ACME Corp,Email,P2,2026-07-10T07:00:00Z,2026-07-10T07:30:00Z,2026-07-13T12:00:00Z,resolved\n"  # 11 h
    "T-3,ACME Corp,Email,P2,2026-06-30T20:59:00Z,2026-07-01T06:30:00Z,2026-07-01T08:00:00Z,resolved\n"  # 23:59 MSK
    "T-4,ACME Corp,ERP,P3,2026-09-15T07:00:00Z,2026-09-15T08:00:00Z,,open\n"
    "T-5,ACME Corp,ERP,P3,2026-10-15T07:00:00Z,2026-10-15T08:00:00Z,,open\n"
)
AS_OF = "2026-11-01T00:00:00Z"


@pytest.fixture
def aws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    for folder in ("calendars", "policies", "services"):
        copy_bundled(root / folder, folder)
    (root / "acme.yaml").write_text(AGREEMENT, encoding="utf-8")
    (tmp_path / "t.csv").write_text(TICKETS, encoding="utf-8")
    return root


def _score(aws: Path) -> dict:  # type: ignore[type-arg]
    result = run(aws, "score", str(aws.parent / "t.csv"), "--as-of", AS_OF, "--format", "json", "--preset", "generic")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_each_ticket_is_judged_by_the_version_in_force_when_it_was_created(aws: Path) -> None:
    data = _score(aws)
    t = {x["id"]: x for x in data["tickets"]}
    assert (t["T-1"]["agreement_version"], t["T-1"]["resolution"]["target_minutes"]) == (None, 960.0)
    assert t["T-1"]["resolution"]["status"] == "met"  # 12 h within the 16 h then in force
    assert (t["T-2"]["agreement_version"], t["T-2"]["resolution"]["target_minutes"]) == ("2026-07-01", 480.0)
    assert t["T-2"]["resolution"]["status"] == "breached"
    assert t["T-3"]["agreement_version"] is None  # 23:59 in Moscow on the day before: the original terms
    # first response is not amended: the policy's 2 h in every version
    assert {x["first_response"]["target_minutes"] for x in data["tickets"] if x["priority"] == "P2"} == {120.0}
    # services: [email] from 2026-10-01: an ERP ticket after it is no longer covered
    assert (t["T-4"]["match"], t["T-4"]["agreement_version"]) == ("matched", "2026-07-01")
    assert (t["T-5"]["match"], t["T-5"]["agreement_version"]) == ("uncovered", None)


def test_summary_keeps_one_row_per_agreement_and_priority(aws: Path) -> None:
    rows = [r for r in _score(aws)["summary"] if r["priority"] == "P2" and r["metric"] == "resolution"]
    assert len(rows) == 1
    assert (rows[0]["tickets"], rows[0]["met"], rows[0]["breached"]) == (3, 2, 1)
    # the newest version among the row's tickets (2026-07-01: 97 %); 99 % came later, for email
    # tickets created from October, and this row has none
    assert rows[0]["target_pct"] == 97


def test_score_and_report_rows_take_the_same_target_across_an_amendment(aws: Path) -> None:
    """The compliance target of a row is that of the newest version among its tickets, in score and
    report alike (score took the last version's whatever the tickets, report the last ticket's)."""
    export = aws.parent / "t.csv"
    export.write_text(TICKETS + "T-6,ACME Corp,Email,P2,2026-10-12T07:00:00Z,2026-10-12T07:30:00Z,,open\n",
                      encoding="utf-8")
    for period, expected in (("2026-Q3", 97), ("2026-10", 99), ("2026", 99)):
        args = (str(export), "--period", period, "--as-of", AS_OF, "--format", "json")
        summary = json.loads(run(aws, "score", *args, "--customer", "acme").stdout)["summary"]
        score = {r["metric"]: r["target_pct"] for r in summary if r["priority"] == "P2"}
        (section,) = json.loads(run(aws, "report", *args).stdout)["sections"]
        report = {o["metric"]: o["target_pct"] for o in section["objectives"] if o["priority"] == "P2"}
        assert score == report == {"first_response": expected, "resolution": expected}, period


def test_explain_and_report_use_the_version_in_force(aws: Path) -> None:
    export = str(aws.parent / "t.csv")
    got = json.loads(run(aws, "explain", "T-2", export, "--as-of", AS_OF, "--format", "json").stdout)
    assert got["agreement_version"] == "2026-07-01"
    assert got["metrics"]["resolution"]["target_minutes"] == 480.0
    first = json.loads(run(aws, "explain", "T-1", export, "--as-of", AS_OF, "--format", "json").stdout)
    assert first["agreement_version"] is None and first["metrics"]["resolution"]["status"] == "met"
    text = run(aws, "explain", "T-2", export, "--as-of", AS_OF).stdout
    assert "as amended from 2026-07-01" in text
    report = json.loads(run(aws, "report", export, "--period", "2026-06-01..2026-07-31", "--as-of", AS_OF,
                            "--format", "json").stdout)
    section = report["sections"][0]
    assert [b["id"] for b in section["lists"]["breached"]["items"]] == ["T-2"]


def test_validate_checks_amendments_at_their_lines(aws: Path) -> None:
    bad = AGREEMENT.replace("    - effective: 2026-10-01\n", "    - effective: 2027-02-01\n") \
        .replace("      compliance_target: 99\n", "      compliance_target: 99\n      polcy: premum\n")
    bad += "    - effective: 2026-03-01\n      policy: premum\n      services: [emial]\n"
    (aws / "acme.yaml").write_text(bad, encoding="utf-8")
    result = run(aws, "validate", "--format", "json")
    assert result.exit_code == 1
    found = {(f["code"], f["line"]): f["message"] for f in json.loads(result.stdout)["findings"]}
    assert "did you mean 'policy'" in found[("unknown-key", 20)]
    assert "outside the period" in found[("amendment-date", 17)]
    assert "not after amendment 2" in found[("amendment-date", 22)]
    assert "did you mean 'premium'" in found[("unknown-reference", 23)]
    assert "did you mean 'email'" in found[("unknown-reference", 24)]


@settings(max_examples=60, deadline=None)
@given(effective=st.dates(date(2026, 1, 2), date(2026, 12, 31)),
       created=st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31, 23, 59)))
def test_the_version_is_the_last_amendment_on_or_before_the_local_creation_day(effective, created) -> None:
    from slactl.core.matching import Matcher
    from slactl.workspace.loader import load_workspace

    text = AGREEMENT.split("    - effective: 2026-10-01")[0].replace("2026-07-01", effective.isoformat())
    ws = _workspace(text)
    instant = created.replace(tzinfo=ZoneInfo("Europe/Moscow")).timestamp()
    m = Matcher(load_workspace(str(ws)).workspace).match("acme", "email", "P2", instant)
    expected = effective if created.date() >= effective else None
    assert m.agreement.version == expected
    assert m.terms.rule.resolution == (8 * 3600 if expected else 16 * 3600)


_CACHE: dict[str, Path] = {}


def _workspace(text: str) -> Path:
    import tempfile

    if text not in _CACHE:
        root = Path(tempfile.mkdtemp(prefix="slactl-amend-"))
        for folder in ("calendars", "policies", "services"):
            copy_bundled(root / folder, folder)
        (root / "acme.yaml").write_text(text, encoding="utf-8")
        _CACHE[text] = root
    return _CACHE[text]


def test_the_report_says_what_an_amendment_in_its_period_changed_and_from_when(aws: Path) -> None:
    export = str(aws.parent / "t.csv")
    page = run(aws, "report", export, "--period", "2026-Q3", "--as-of", AS_OF, "--format", "text").stdout
    assert "Amendments in this period" in page
    line = next(x for x in page.splitlines() if x.startswith("2026-07-01"))
    assert "P2 resolution shortened to 8 h" in line and "P2 resolution 16 h → 8 h (as amended)" in line
    assert "2026-10-01" not in page  # the second amendment is after the period
    data = json.loads(run(aws, "report", export, "--period", "2026", "--as-of", AS_OF, "--format", "json").stdout)
    rows = data["sections"][0]["extras"]["amendments"]["rows"]
    assert [r[0] for r in rows] == ["2026-07-01", "2026-10-01"]
    assert "services all services → email" in rows[1][2] and "compliance target 97% → 99%" in rows[1][2]
    ru = run(aws, "report", export, "--period", "2026-Q3", "--as-of", AS_OF, "--format", "text", "--lang", "ru").stdout
    assert "Изменения условий в этом периоде" in ru and "P2 решение: 16 ч → 8 ч" in ru
    before = run(aws, "report", export, "--period", "2026-06", "--as-of", AS_OF, "--format", "text").stdout
    assert "Amendments" not in before


def test_outages_and_time_entries_by_the_version_in_force(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    ws = tmp_path / "ws"
    copy_bundled(ws)
    acme = ws / "customers" / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8").replace("  hours:                                # 20", (
        "  amendments:\n    - effective: 2026-11-01\n      note: email objective relaxed, 30 hours a month\n"
        "      availability:\n        - {services: [email], target: 99.0, window: month, calendar: 24x7}\n"
        "      credits: {monthly_fee: 12000, currency: EUR, tiers: [{availability_below: 99.95, credit: 7}]}\n"
        "      hours: {included: 30, per: month, rollover: true, rounding: 15m, rate: 95, currency: EUR}\n"
        "  hours:                                # 20"), 1), encoding="utf-8")
    assert run(ws, "validate").exit_code == 0
    result = run(ws, "availability", str(ROOT / "examples" / "outages.csv"), "--as-of", "2026-11-30T00:00:00Z",
                 "--agreement", "acme-support-2026", "--period", "2026-10-01..2026-11-30", "--format", "json")
    data = json.loads(result.stdout)
    rows = {(r["service"], r["window"]): r["target_pct"] for r in data["rows"]}
    assert rows == {("email", "2026-10"): 99.9, ("erp", "2026-10"): 99.5, ("email", "2026-11"): 99.0}
    # October (99.91 %) under the original tiers (below 99.9: 10 %), November under the amended ones
    credits = {c["window"]: c["credit_pct"] for c in data["credits"]}
    assert credits == {"2026-10": 0.0, "2026-11": 7.0}
    result = run(ws, "hours", str(ROOT / "examples" / "time-entries.csv"), "--as-of", "2026-11-30T00:00:00Z",
                 "--agreement", "acme-support-2026", "--format", "json")
    included = {r["window"]: r["included_hours"] for r in json.loads(result.stdout)["rows"]}
    # included hours roll over: each month adds its own, 20 until October, 30 from November
    assert included["2026-10"] - included["2026-09"] == 20 and included["2026-11"] - included["2026-10"] == 30


def test_an_amendment_of_other_terms_cuts_no_availability_window(tmp_path: Path) -> None:
    """Only P2's resolution changes on 10 November: the month is measured whole, its outage of the
    3rd included (it was measured in two parts, the budget of the second blind to the first)."""
    from tests.conftest import ROOT

    ws = tmp_path / "ws"
    copy_bundled(ws)
    acme = ws / "customers" / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8").replace("  hours:                                # 20", (
        "  amendments:\n    - effective: 2026-11-10\n      note: P2 resolution shortened\n"
        "      rules:\n        - priority: P2\n          resolution: 8h\n"
        "  hours:                                # 20"), 1), encoding="utf-8")
    assert run(ws, "validate").exit_code == 0
    args = ("availability", str(ROOT / "examples" / "outages.csv"), "--as-of", "2026-11-20T00:00:00Z",
            "--agreement", "acme-support-2026", "--period", "2026-11")
    rows = json.loads(run(ws, *args, "--format", "json").stdout)["rows"]
    email = [r for r in rows if r["service"] == "email"]
    assert len(email) == 1 and email[0]["downtime_minutes"] > 0 and email[0]["availability_pct"] < 100
