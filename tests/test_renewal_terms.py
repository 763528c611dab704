"""Renewal terms (``spec.renewal``): cancel-by dates in ``list`` and ``expiring``, auto-renewing
agreements rolling into their next term (never "expired"), cancel-by reminders once per
threshold through a real SMTP server, and ``renew`` writing the term's file."""
from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from slactl.core.renewal import parse_interval, shift, term_in_force
from slactl.core.model import Agreement, Customer, RenewalTerms
from tests.conftest import copy_bundled, BUNDLED, run_in_workspace as run
from tests.test_notify import Recorder, smtp  # noqa: F401  (the loopback SMTP fixture)

RENEWING = """apiVersion: slactl/v1
kind: Agreement
metadata:
  name: umbra-2025
spec:
  customer: {id: umbra, name: Umbra Ltd, contacts: [cio@umbra.example]}
  manager: {name: Irina, email: irina@provider.example}
  period: {start: 2025-07-01, end: 2026-06-30}
  policy: standard
  notice_days: [30, 7]
  renewal: {auto: true, term: 12 months, notice: 60 days}
---
apiVersion: slactl/v1
kind: Agreement
metadata:
  name: fixed-2026
spec:
  customer: {id: fixed, contacts: [it@fixed.example]}
  manager: {email: boss@provider.example}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: standard
  renewal: {notice: 60 days}
"""


@pytest.fixture
def rws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    for folder in ("calendars", "policies", "services"):
        copy_bundled(root / folder, folder)
    (root / "renewing.yaml").write_text(RENEWING, encoding="utf-8")
    return root


def _by_name(result) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return {a["name"]: a for a in json.loads(result.stdout)["agreements"]}


def test_list_shows_an_auto_renewing_agreement_past_its_end_active_in_its_next_term(rws: Path) -> None:
    rows = _by_name(run(rws, "list", "--as-of", "2026-08-01", "--format", "json"))
    umbra = rows["umbra-2025"]
    assert (umbra["status"], umbra["start"], umbra["end"]) == ("active", "2026-07-01", "2027-06-30")
    assert umbra["cancel_by"] == "2027-05-01" and umbra["days_left"] == (date(2027, 6, 30) - date(2026, 8, 1)).days
    assert umbra["renewal"] == {"auto": True, "term": "12 months", "notice": "60 days"}
    # the one that does not renew by itself expires as before, with its cancel-by date
    later = _by_name(run(rws, "list", "--as-of", "2027-01-15", "--format", "json"))
    assert later["fixed-2026"]["status"] == "expired" and later["fixed-2026"]["cancel_by"] == "2026-11-01"
    assert later["umbra-2025"]["status"] == "active"
    text = run(rws, "list", "--as-of", "2026-08-01", "--format", "text").stdout
    assert "cancel by" in text and "2027-05-01" in text


def test_expiring_shows_cancel_by_dates(rws: Path) -> None:
    # 60 days before 2026-12-31 is 2026-11-01; the default 30-day window from 2026-10-20
    rows = _by_name(run(rws, "expiring", "--as-of", "2026-10-20", "--format", "json"))
    assert rows["fixed-2026"]["cancel_by"] == "2026-11-01"
    text = run(rws, "expiring", "--as-of", "2026-10-20", "--format", "text").stdout
    assert "2026-11-01" in text and "cancel by" in text
    # an auto-renewing agreement is listed when its cancel-by date comes near, not only its end
    rows = _by_name(run(rws, "expiring", "--as-of", "2027-04-20", "--format", "json"))
    assert list(rows) == ["umbra-2025"] and rows["umbra-2025"]["cancel_by"] == "2027-05-01"


def test_notify_dry_run_lists_a_cancel_by_reminder_to_the_manager(rws: Path, smtp: Recorder) -> None:  # noqa: F811
    result = run(rws, "notify", "--dry-run", "--as-of", "2027-04-20")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("--- message") == 1
    assert "X-Slactl-Notice: cancel-by:umbra-2025:2027-05-01:30" in result.stdout
    assert "To: irina@provider.example" in result.stdout and "cio@umbra.example" not in result.stdout
    # dates written as the notice's language writes them, like its other dates
    assert "renews by itself on 1 July 2027 unless it is cancelled by 1 May 2027" in result.stdout
    assert "2027-05-01 (" not in result.stdout.split("\n\n", 1)[1]
    assert smtp.messages == []


def test_cancel_by_reminders_go_once_per_threshold_and_never_an_expiry(rws: Path, smtp: Recorder) -> None:  # noqa: F811
    start = date(2027, 3, 1)
    for offset in range(0, 75):
        day = (start + timedelta(days=offset)).isoformat()
        assert run(rws, "notify", "--as-of", day).exit_code == 0
    keys = [r.message["X-Slactl-Notice"] for r in smtp.messages if "umbra" in r.message["X-Slactl-Notice"]]
    assert keys == ["cancel-by:umbra-2025:2027-05-01:30", "cancel-by:umbra-2025:2027-05-01:7"]
    assert all(r.rcpt_tos == ["irina@provider.example"] for r in smtp.messages if "umbra" in r.message["X-Slactl-Notice"])
    assert not any(k.startswith(("expiry:", "expired:")) for k in keys)


def test_an_auto_renewing_agreement_covers_tickets_after_its_end(rws: Path, tmp_path: Path) -> None:
    export = tmp_path / "t.csv"
    export.write_text("id,customer,service,priority,created_at,first_response_at,resolved_at,status\n"
                      "T-1,Umbra Ltd,Email,P3,2026-09-01T10:00:00Z,2026-09-01T11:00:00Z,,open\n"
                      "T-2,fixed,Email,P3,2027-02-01T10:00:00Z,2027-02-01T11:00:00Z,,open\n", encoding="utf-8")
    result = run(rws, "score", str(export), "--as-of", "2026-09-01T12:00:00Z", "--format", "json",
                 "--preset", "generic")
    tickets = {t["id"]: t for t in json.loads(result.stdout)["tickets"]}
    assert tickets["T-1"]["agreement"] == "umbra-2025" and tickets["T-1"]["match"] == "matched"
    assert tickets["T-2"]["match"] == "uncovered"


def test_renew_writes_the_next_term_and_a_signed_successor_stops_the_rolling(rws: Path) -> None:
    result = run(rws, "renew", "umbra-2025", "--format", "json")
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert (made["start"], made["end"]) == ("2026-07-01", "2027-06-30")
    path = Path(made["file"])
    assert run(rws, "validate").exit_code == 0
    path.write_text(path.read_text(encoding="utf-8").replace("status: planned", "status: auto"), encoding="utf-8")
    rows = _by_name(run(rws, "list", "--as-of", "2026-08-01", "--format", "json"))
    assert rows["umbra-2025"]["status"] == "expired" and rows[made["name"]]["status"] == "active"


def test_validate_names_a_mistyped_renewal_key_and_a_bad_length(rws: Path) -> None:
    (rws / "renewing.yaml").write_text(RENEWING.replace("term: 12 months", "tem: 12 months")
                                       .replace("notice: 60 days", "notice: 60 fortnights"), encoding="utf-8")
    result = run(rws, "validate", "--format", "json")
    found = {(f["code"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    messages = " ".join(f["message"] for f in json.loads(result.stdout)["findings"])
    assert result.exit_code == 1
    assert ("unknown-key", 11) in found and "did you mean 'term'" in messages
    assert any(code == "invalid-duration" for code, _ in found) and "60 fortnights" in messages


# ---------------------------------------------------------------- the arithmetic

def test_intervals() -> None:
    assert parse_interval("12 months") == (12, "month") and parse_interval("1 year") == (1, "year")
    assert parse_interval("60 days") == (60, "day") and parse_interval("P8W") == (8, "week")
    for bad in ("12", "0 days", "twelve months", "12 lightyears"):
        with pytest.raises(ValueError):
            parse_interval(bad)
    assert shift(date(2026, 12, 31), (60, "day"), -1) == date(2026, 11, 1)
    assert shift(date(2026, 3, 31), (1, "month"), -1) == date(2026, 2, 28)
    assert shift(date(2024, 2, 29), (1, "year")) == date(2025, 2, 28)


def _agreement(start: date, end: date, term: tuple[int, str] | None) -> Agreement:
    return Agreement(name="a", customer=Customer(id="c"), start=start, end=end,
                     renewal=RenewalTerms(auto=True, term=term))


@settings(max_examples=200, deadline=None)
@given(start=st.dates(date(2020, 1, 1), date(2030, 12, 31)), length=st.integers(0, 800),
       term=st.one_of(st.none(), st.tuples(st.integers(1, 24), st.sampled_from(["day", "week", "month", "year"]))),
       later=st.integers(0, 3000))
def test_the_term_in_force_holds_the_day_and_the_terms_follow_each_other(start, length, term, later) -> None:
    ag = _agreement(start, start + timedelta(days=length), term)
    day = ag.end + timedelta(days=later)
    rolled = term_in_force(None, ag, day)
    assert rolled.start <= day <= rolled.end
    # brute force: walk the terms one by one from the first renewal
    s = ag.end + timedelta(days=1)
    while True:
        e = (shift(ag.end + timedelta(days=1), term, 1 + _index(ag, s, term)) - timedelta(days=1)) if term \
            else s + timedelta(days=length)
        if e >= day:
            break
        s = e + timedelta(days=1)
    if later == 0:
        assert (rolled.start, rolled.end) == (ag.start, ag.end)
    else:
        assert (rolled.start, rolled.end) == (s, e)


def _index(ag: Agreement, s: date, term: tuple[int, str]) -> int:
    first, k = ag.end + timedelta(days=1), 0
    while shift(first, term, k) < s:
        k += 1
    return k
