"""slactl hours: time-entry files as desks write them, the command as users run it, the agreement keys."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from slactl.core.hours import window_of
from slactl.core.period import parse_period
from slactl.exports.time_entries import parse_billable, parse_duration_cell, read_time_entries
from tests.conftest import BUNDLED, run_in_workspace as run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = "2026-11-30T12:00:00Z"


# ---------------------------------------------------------------- cells

@pytest.mark.parametrize("text, unit, seconds", [
    ("1:30", "auto", 5400), ("0:05", "auto", 300), ("1:30:15", "auto", 5415), ("90m", "auto", 5400),
    ("90 min", "auto", 5400), ("1.5h", "auto", 5400), ("1,5h", "auto", 5400), ("1h30m", "auto", 5400),
    ("2h", "auto", 7200), ("5400", "auto", 5400), ("45s", "auto", 45), ("0", "auto", 0),
    ("3600", "seconds", 3600), ("1.25", "hours", 4500), ("0,5", "hours", 1800),
])
def test_durations_as_people_write_them(text: str, unit: str, seconds: float) -> None:
    assert parse_duration_cell(text, unit) == seconds


@pytest.mark.parametrize("text, reason", [
    ("1.5", "has no unit"), ("abc", "is not a duration"), ("-5m", "is not a duration"),
    ("5000h", "more than 1000 hours"), ("1:75", "is not a duration"), ("²", "is not a duration"),
])
def test_bad_durations_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_duration_cell(text)


def test_billable_spellings() -> None:
    assert [parse_billable(v) for v in ("true", "Yes", "1", "", "Billable")] == [True] * 5
    assert [parse_billable(v) for v in ("false", "NO", "0", "Non-Billable")] == [False] * 4
    with pytest.raises(ValueError, match="billable 'maybe'"):
        parse_billable("maybe")


def test_windows_and_periods() -> None:
    from datetime import date

    assert window_of(date(2026, 3, 31), "month").label == "2026-03"
    w = window_of(date(2026, 2, 14), "quarter")
    assert (w.label, w.first, w.last) == ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
    assert window_of(date(2026, 12, 5), "quarter").last == date(2026, 12, 31)
    for text, first, last in (("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
                              ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
                              ("2026", date(2026, 1, 1), date(2026, 12, 31)),
                              ("2026-01-15..2026-02-10", date(2026, 1, 15), date(2026, 2, 10))):
        assert (parse_period(text).first, parse_period(text).last) == (first, last)
    with pytest.raises(ValueError, match="there is no month 13"):
        parse_period("2026-13")


# ---------------------------------------------------------------- presets

def _write(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding=encoding)
    return path


def test_freshdesk_time_entries(tmp_path: Path) -> None:
    path = _write(tmp_path / "fd.csv", ["Ticket ID", "Agent", "Billable", "Time spent", "Executed at", "Note"], [
        ["10197", "Kate Lin", "Billable", "01:30", "2026-11-03 10:00:00", "call"],
        ["10198", "Kate Lin", "Non-Billable", "00:20", "2026-11-03 11:00:00", ""],
    ], delimiter=";", encoding="utf-8-sig")
    f = read_time_entries(str(path), tz="Europe/Moscow")
    assert f.preset == "freshdesk" and not f.rejected
    a, b = f.entries
    assert (a.ticket, a.seconds, a.billable, a.author, a.note) == ("10197", 5400, True, "Kate Lin", "call")
    assert (b.seconds, b.billable) == (1200, False)
    assert a.started == 1793689200.0  # 10:00 in Moscow = 07:00 UTC


def test_jira_worklogs_plain_and_tempo(tmp_path: Path) -> None:
    plain = _write(tmp_path / "jira.csv", ["issueId", "author", "started", "timeSpentSeconds", "comment"], [
        ["SUP-1", "kate", "2026-11-03T10:00:00.000+0300", "3600", "fix"],
    ])
    f = read_time_entries(str(plain))
    assert f.preset == "jira"
    assert (f.entries[0].ticket, f.entries[0].seconds, f.entries[0].billable_seconds) == ("SUP-1", 3600, None)
    tempo = _write(tmp_path / "tempo.csv", ["Issue Key", "Full name", "Work date", "Hours", "Billed hours"], [
        ["SUP-2", "Kate Lin", "2026-11-04 09:00", "2.5", "2"],
        ["SUP-3", "Kate Lin", "2026-11-04 13:00", "1", "0"],
    ])
    f = read_time_entries(str(tempo))
    assert f.preset == "jira" and not f.rejected
    assert [(e.seconds, e.billable_seconds, e.billable) for e in f.entries] == [(9000, 7200, True), (3600, 0, False)]


def test_zendesk_time_tracking(tmp_path: Path) -> None:
    path = _write(tmp_path / "zd.csv", ["Ticket ID", "Organization", "Updater name", "Update - Timestamp",
                                        "Time spent last update (sec)"], [
        ["4711", "ACME Corp", "Kate", "2026-11-03T10:00:00Z", "1800"],
    ])
    f = read_time_entries(str(path))
    assert f.preset == "zendesk"
    assert (f.entries[0].customer, f.entries[0].seconds) == ("ACME Corp", 1800)


def test_mapping_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "own.csv", ["Case", "When", "Spent"], [["T-10197", "03.11.2026 10:00", "45m"]])
    mapping = tmp_path / "own.mapping.yaml"
    mapping.write_text("columns: {ticket_id: Case, started_at: When, duration: Spent}\ntimezone: Europe/Moscow\n",
                       encoding="utf-8")
    f = read_time_entries(str(path), mapping=str(mapping))
    assert f.timezone == "Europe/Moscow" and f.entries[0].seconds == 2700
    bad = tmp_path / "bad.mapping.yaml"
    bad.write_text("columns: {ticket: Case, started_at: When, duration: Spent}\n", encoding="utf-8")
    from slactl.errors import InputError

    with pytest.raises(InputError, match="unknown field 'ticket' under columns \\(did you mean 'ticket_id'\\?\\)"):
        read_time_entries(str(path), mapping=str(bad))


def test_bad_rows_are_rejected_with_row_and_reason(tmp_path: Path) -> None:
    path = _write(tmp_path / "e.csv", ["ticket_id", "started_at", "duration", "billable"], [
        ["T-1", "2026-11-03T10:00:00Z", "1h", "yes"],
        ["T-2", "", "1h", ""],
        ["T-3", "yesterday", "1h", ""],
        ["T-4", "2026-11-03T10:00:00Z", "1.5", ""],
        ["T-5", "2026-11-03T10:00:00Z", "1h", "perhaps"],
        ["T-6", "2026-11-03T10:00:00Z", "", ""],
        ["T-7", "2026-11-03T10:00:00Z"],
    ])
    f = read_time_entries(str(path))
    assert [e.ticket for e in f.entries] == ["T-1"]
    reasons = {r.row: (r.id, r.reason) for r in f.rejected}
    assert reasons[2] == ("T-2", "started_at is empty")
    assert reasons[3][0] == "T-3" and "'yesterday' is not a timestamp" in reasons[3][1]
    assert "has no unit" in reasons[4][1]
    assert "billable 'perhaps'" in reasons[5][1]
    assert reasons[6][1] == "duration is empty"
    assert reasons[7][1] == "row has 2 cells, the header has 4"
    assert f.rows == 7


def test_a_file_without_time_entry_columns_is_refused(tmp_path: Path, run_line) -> None:
    result = run_line("-w", str(BUNDLED), "hours", str(EXAMPLES / "generic.csv"))
    assert result.exit_code == 2
    assert "no recognisable time-entry columns" in result.stderr and "'created_at'" in result.stderr
    result = run_line("-w", str(BUNDLED), "hours", str(tmp_path / "missing.csv"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


# ---------------------------------------------------------------- the command

def _hours(ws: Path, *args: str):  # type: ignore[no-untyped-def]
    return run(ws, "hours", str(EXAMPLES / "time-entries.csv"), "--export", str(EXAMPLES / "generic.csv"),
               "--as-of", AS_OF, *args)


def test_bundled_example_json(workspace: Path) -> None:
    result = _hours(workspace, "--format", "json", "--period", "2026-11")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"] == "2026-11" and data["as_of"] == "2026-11-30T12:00:00+00:00"
    rows = {r["agreement"]: r for r in data["rows"]}
    acme = rows["acme-support-2026"]
    assert set(acme) >= {"agreement", "customer", "window", "logged_hours", "billable_hours", "included_hours",
                         "rollover_in_hours", "bank_used_hours", "bank_left_hours", "overage_hours", "amount",
                         "currency"}
    assert acme["window"] == "2026-11" and acme["currency"] == "EUR" and acme["customer"] == "acme"
    assert acme["included_hours"] == 20 + acme["rollover_in_hours"]
    initech = rows["initech-erp-2026"]
    assert initech["bank_used_hours"] == initech["billable_hours"] and initech["bank_left_hours"] < 100
    # entries on tickets the export does not have are listed, never dropped
    assert {u["ticket"] for u in data["unassigned"]} == {"T-99001", "T-99002"}
    assert all("not in the export" in u["reason"] for u in data["unassigned"])
    # the workshop entry had no ticket: its customer column found ACME's agreement
    assert any(t["ticket"] == "(no ticket)" and t["agreement"] == "acme-support-2026" for t in data["tickets"])
    assert all(round(v, 2) == v for r in data["rows"] for k, v in r.items() if k.endswith("_hours"))


def test_the_ticket_wins_over_the_entry_customer(workspace: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "e.csv", ["ticket_id", "customer", "started_at", "duration"], [
        ["T-10011", "ACME Corp", "2026-10-05T10:00:00+03:00", "1h"],  # an Initech ticket in the export
    ])
    result = run(workspace, "hours", str(path), "--export", str(EXAMPLES / "generic.csv"), "--as-of", AS_OF,
                 "--format", "json", "--period", "2026-10")
    data = json.loads(result.stdout)
    assert [(t["agreement"], t["ticket"]) for t in data["tickets"]] == [("corporate-baseline-2026", "T-10011")]
    # without the export the entry's customer decides
    result = run(workspace, "hours", str(path), "--as-of", AS_OF, "--format", "json", "--period", "2026-10")
    assert [t["agreement"] for t in json.loads(result.stdout)["tickets"]] == ["acme-support-2026"]


def test_without_export_unknown_tickets_are_unassigned(workspace: Path) -> None:
    result = run(workspace, "hours", str(EXAMPLES / "time-entries.csv"), "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.stdout)
    assert len(data["unassigned"]) > 100
    assert "unknown (no --export given)" in data["unassigned"][0]["reason"]
    assert sum(r["entries"] for r in data["rows"]) == 2  # the two entries carrying a customer


def test_customer_and_agreement_filters(workspace: Path) -> None:
    data = json.loads(_hours(workspace, "--format", "json", "--customer", "ACME Corporation").stdout)
    assert {r["agreement"] for r in data["rows"]} == {"acme-support-2026"}
    data = json.loads(_hours(workspace, "--format", "json", "--agreement", "initech-erp-2026").stdout)
    assert {r["agreement"] for r in data["rows"]} == {"initech-erp-2026"}
    result = _hours(workspace, "--agreement", "initeck-erp-2026")
    assert result.exit_code == 2 and "did you mean 'initech-erp-2026'" in result.stderr
    result = _hours(workspace, "--customer", "acmee")
    assert result.exit_code == 2 and "did you mean 'acme'" in result.stderr
    result = _hours(workspace, "--period", "2026-13")
    assert result.exit_code == 2 and "--period: '2026-13': there is no month 13" in result.stderr
    result = _hours(workspace, "--period", "last month")
    assert result.exit_code == 2 and "'last month' is not a period" in result.stderr


def test_every_format(workspace: Path, tmp_path: Path) -> None:
    text = _hours(workspace, "--format", "text", "--period", "2026-11").stdout
    assert "acme-support-2026" in text and "Unassigned entries (2, 2.25 h)" in text and "T-99001" in text
    for fmt in ("table", "markdown", "html"):
        result = _hours(workspace, "--format", fmt, "--period", "2026-11")
        assert result.exit_code == 0 and "45.90" in result.stdout and "T-99002" in result.stdout, fmt
    rows = list(csv.DictReader(io.StringIO(_hours(workspace, "--format", "csv").stdout)))
    assert rows[0]["agreement"] and "overage_hours" in rows[0]
    tickets = list(csv.DictReader(io.StringIO(_hours(workspace, "--format", "csv", "--by", "ticket").stdout)))
    assert {"agreement", "window", "ticket", "logged_hours", "billable_hours"} <= set(tickets[0])
    assert any(t["ticket"] == "T-10011" for t in tickets)
    out = tmp_path / "hours.json"
    assert _hours(workspace, "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["rows"]
    again = _hours(workspace, "-o", str(out))
    assert again.exit_code == 1 and "already exists; refusing to overwrite it" in again.stderr


def test_fail_over_bank(workspace: Path, tmp_path: Path) -> None:
    path = workspace / "customers" / "initech.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("bank: 100", "bank: 30"), encoding="utf-8")
    assert _hours(workspace, "--format", "json").exit_code == 0
    result = _hours(workspace, "--format", "json", "--fail-over-bank")
    assert result.exit_code == 1
    assert "initech-erp-2026: the bank of 30 h is used up in 2026-10" in result.stderr
    rows = [r for r in json.loads(result.stdout)["rows"] if r["agreement"] == "initech-erp-2026"]
    october = next(r for r in rows if r["window"] == "2026-10")
    assert october["bank_left_hours"] == 0 and october["overage_hours"] > 0
    assert october["amount"] == round(october["overage_hours"] * 110, 2)


# ---------------------------------------------------------------- agreement keys

def test_hours_keys_are_validated_with_positions(workspace: Path) -> None:
    (workspace / "bad.yaml").write_text("""apiVersion: slactl/v1
kind: Agreement
metadata: {name: bad-hours}
spec:
  customer: {id: bad}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: standard
  alert_at: 180
  hours:
    includd: 10
    per: montly
""", encoding="utf-8")
    result = run(workspace, "validate", "--format", "json")
    found = {(f["line"], f["code"]): f["message"] for f in json.loads(result.stdout)["findings"]}
    assert "did you mean 'included'" in found[(10, "unknown-key")]
    assert "did you mean 'month'" in found[(11, "invalid-value")]
    assert "between 1 and 100" in found[(8, "invalid-value")]


def test_hours_meaning_is_checked(workspace: Path) -> None:
    (workspace / "odd.yaml").write_text("""apiVersion: slactl/v1
kind: Agreement
metadata: {name: odd-hours}
spec:
  customer: {id: odd}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: standard
  hours: {rollover: true, rate: 90, currency: euro}
""", encoding="utf-8")
    result = run(workspace, "validate", "--format", "json")
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {"hours-empty", "rollover-without-included", "invalid-currency"} <= codes
    assert result.exit_code == 1


def test_bundled_agreements_carry_hours() -> None:
    from slactl.workspace.loader import load_workspace

    ws = load_workspace(str(BUNDLED)).workspace
    acme, initech = ws.agreements["acme-support-2026"].hours, ws.agreements["initech-erp-2026"].hours
    assert acme is not None and acme.included == 20 and acme.rollover and acme.rounding == 900
    assert initech is not None and initech.bank == 100 and initech.included is None


# ---------------------------------------------------------------- windows, property-tested

from datetime import date as _date, timedelta as _timedelta  # noqa: E402

from hypothesis import given, strategies as st  # noqa: E402


@given(st.dates(min_value=_date(1990, 1, 1), max_value=_date(2100, 12, 31)), st.sampled_from(["month", "quarter"]))
def test_window_of_agrees_with_walking_the_days(day: _date, per: str) -> None:
    def key(d: _date) -> tuple[int, int]:
        return (d.year, d.month if per == "month" else (d.month - 1) // 3)

    first = day
    while key(first - _timedelta(days=1)) == key(day):
        first -= _timedelta(days=1)
    last = day
    while key(last + _timedelta(days=1)) == key(day):
        last += _timedelta(days=1)
    w = window_of(day, per)
    assert (w.first, w.last) == (first, last)
    assert w.label == (f"{day.year}-{day.month:02d}" if per == "month" else f"{day.year}-Q{key(day)[1] + 1}")


@given(st.integers(0, 10 * 86400))
def test_human_duration_reads_back(seconds: int) -> None:
    from slactl.core.alerts import human_duration

    text = human_duration(seconds)
    units = {"d": 86400, "h": 3600, "min": 60, "s": 1}
    parts = text.split(" ")
    total = sum(int(n) * units[u] for n, u in zip(parts[::2], parts[1::2]))
    # minutes are rounded; with days, minutes are left out
    assert abs(total - seconds) <= (3600 if seconds >= 86400 - 30 else 30)


def test_an_entry_on_a_rejected_export_row_says_so(workspace: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "e.csv", ["ticket_id", "started_at", "duration"], [
        ["T-19002", "2026-11-03T10:00:00Z", "30m"],
    ])
    result = run(workspace, "hours", str(path), "--export", str(EXAMPLES / "generic.csv"), "--as-of", AS_OF,
                 "--format", "json")
    [entry] = json.loads(result.stdout)["unassigned"]
    assert entry["reason"].startswith("ticket T-19002's row 252 in the export was rejected (resolved_at precedes")
    assert "3 row(s) rejected" in result.stderr


_CELLS = st.sampled_from(["T-1", "", "ACME Corp", "2026-11-03T10:00:00Z", "03.11.2026 10:00", "1:30", "90m", "1.5h",
                          "5400", "1.5", "-1", "yes", "no", "maybe", "\x00", "=1+1", '"', "\ufffd", "é", ";", ","])


@given(st.lists(st.lists(_CELLS, min_size=1, max_size=8), max_size=12), st.sampled_from([",", ";"]))
def test_any_time_entry_file_is_read_or_refused_in_words(tmp_path_factory, records, delimiter) -> None:
    from slactl.errors import InputError

    path = tmp_path_factory.mktemp("fuzz") / "e.csv"
    body = [delimiter.join(["ticket_id", "customer", "started_at", "duration", "billable"])]
    body += [delimiter.join(r) for r in records]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    try:
        f = read_time_entries(str(path))
    except InputError:
        return
    assert all(r.reason for r in f.rejected)
    assert all(e.seconds >= 0 for e in f.entries)
    rows = [r for r in f.entries] + [r for r in f.rejected]
    assert sorted(r.row for r in rows) == list(range(1, len(rows) + 1))
