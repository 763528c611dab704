"""Event-log exports: repeated ids are snapshots of one ticket (the score JSON's ``collapsed``)."""
from __future__ import annotations

import json
from pathlib import Path

from slactl.exports import TicketRow, open_export
from tests.conftest import BUNDLED

AS_OF = "2026-11-22T12:00:00Z"
HEAD = "number,company,priority,state,opened_at,resolved_at,sys_updated_on\n"
# 6 incidents in 16 rows; INC3's rows are out of time order in the file
LOG = HEAD + (
    "INC1,ACME Corporation,1 - Critical,New,2026-10-01 09:00:00,,2026-10-01 09:00:00\n"
    "INC2,ACME Corporation,3 - Moderate,New,2026-10-01 10:00:00,,2026-10-01 10:00:00\n"
    "INC1,ACME Corporation,1 - Critical,In Progress,2026-10-01 09:00:00,,2026-10-01 09:20:00\n"
    "INC3,ACME Corporation,2 - High,Resolved,2026-10-02 09:00:00,2026-10-02 12:00:00,2026-10-02 12:00:00\n"
    "INC1,ACME Corporation,1 - Critical,Resolved,2026-10-01 09:00:00,2026-10-01 11:00:00,2026-10-01 11:00:00\n"
    "INC3,ACME Corporation,2 - High,New,2026-10-02 09:00:00,,2026-10-02 09:00:00\n"
    "INC4,ACME Corporation,4 - Low,New,2026-10-03 09:00:00,,2026-10-03 09:00:00\n"
    "INC3,ACME Corporation,2 - High,On Hold,2026-10-02 09:00:00,,2026-10-02 10:00:00\n"
    "INC5,ACME Corporation,3 - Moderate,New,2026-10-04 09:00:00,,2026-10-04 09:00:00\n"
    "INC2,ACME Corporation,3 - Moderate,In Progress,2026-10-01 10:00:00,,2026-10-01 12:00:00\n"
    "INC6,ACME Corporation,3 - Moderate,New,2026-10-05 09:00:00,,2026-10-05 09:00:00\n"
    "INC5,ACME Corporation,3 - Moderate,Resolved,2026-10-04 09:00:00,2026-10-04 10:00:00,2026-10-04 10:00:00\n"
    "INC6,ACME Corporation,3 - Moderate,In Progress,2026-10-05 09:00:00,,2026-10-05 09:30:00\n"
    "INC4,ACME Corporation,4 - Low,In Progress,2026-10-03 09:00:00,,2026-10-03 11:00:00\n"
    "INC2,ACME Corporation,3 - Moderate,Resolved,2026-10-01 10:00:00,2026-10-01 15:00:00,2026-10-01 15:00:00\n"
    "INC6,ACME Corporation,3 - Moderate,Resolved,2026-10-05 09:00:00,2026-10-05 13:00:00,2026-10-05 13:00:00\n"
)


def _score(run_line, path: Path, *extra: str):
    return run_line("-w", str(BUNDLED), "score", str(path), "--as-of", AS_OF, *extra)


def test_event_log_collapses_to_one_ticket_per_id(run_line, tmp_path):
    p = tmp_path / "incident_log.csv"
    p.write_text(LOG, encoding="utf-8")
    result = _score(run_line, p, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["rows"], report["scored"], report["collapsed"], report["rejected"]) == (16, 6, 10, [])
    assert report["rows"] == report["scored"] + len(report["rejected"]) + report["collapsed"]
    tickets = {t["id"]: t for t in report["tickets"]}
    assert [t["id"] for t in report["tickets"]] == ["INC1", "INC2", "INC3", "INC4", "INC5", "INC6"]
    # INC3: the last snapshot by time is the Resolved one (row 4), not the last in the file (row 8)
    assert tickets["INC3"]["status"] == "Resolved" and tickets["INC3"]["row"] == 4
    assert tickets["INC3"]["resolved_at"] == "2026-10-02T12:00:00+00:00"
    assert tickets["INC4"]["status"] == "In Progress" and tickets["INC4"]["resolved_at"] is None
    assert "16 rows collapsed into 6 tickets" in result.stderr


def test_snapshots_are_the_status_history_in_time_order(tmp_path):
    p = tmp_path / "incident_log.csv"
    p.write_text(LOG, encoding="utf-8")
    with open_export(str(p)) as e:
        rows = [r for r in e if isinstance(r, TicketRow)]
    inc3 = next(r for r in rows if r.id == "INC3")
    assert [s for _, s in inc3.snapshots] == ["New", "On Hold", "Resolved"]
    times = [t for t, _ in inc3.snapshots]
    assert times == sorted(times) and times[0] == inc3.created
    assert e.collapsed == 10 and e.snapshot_column == "sys_updated_on"


def test_bad_snapshot_is_a_rejected_row_not_a_collapsed_one(run_line, tmp_path):
    p = tmp_path / "log.csv"
    p.write_text(HEAD + "INC1,ACME Corporation,1 - Critical,New,2026-10-01 09:00:00,,2026-10-01 09:00:00\n"
                 "INC1,ACME Corporation,1 - Critical,Resolved,2026-10-01 09:00:00,2026-10-01 11:00:00,yesterday\n"
                 "INC1,ACME Corporation,1 - Critical,Closed,2026-10-01 09:00:00,2026-10-01 11:00:00,"
                 "2026-10-01 12:00:00\n", encoding="utf-8")
    report = json.loads(_score(run_line, p, "--format", "json").stdout)
    assert (report["rows"], report["scored"], report["collapsed"]) == (3, 1, 1)
    assert [r["row"] for r in report["rejected"]] == [2] and "snapshot" in report["rejected"][0]["reason"]
    assert report["tickets"][0]["status"] == "Closed"


def test_without_a_time_column_the_last_row_in_file_order_wins(run_line, tmp_path):
    p = tmp_path / "log.csv"
    p.write_text("id,priority,created_at,status\nA,P1,2026-10-01T09:00:00Z,new\nB,P2,2026-10-01T09:00:00Z,new\n"
                 "A,P1,2026-10-01T09:00:00Z,solved\n", encoding="utf-8")
    result = _score(run_line, p, "--format", "json")
    report = json.loads(result.stdout)
    assert [(t["id"], t["status"], t["row"]) for t in report["tickets"]] == [("A", "solved", 3), ("B", "new", 2)]
    assert "no snapshot time column" in result.stderr
    with open_export(str(p)) as e:
        a = next(r for r in e if isinstance(r, TicketRow) and r.id == "A")
    assert a.snapshots == ((None, "new"), (None, "solved"))


def _late_repeat(tmp_path: Path) -> Path:
    """1,500 distinct tickets, then the first one again: the repeat comes after the sample,
    when the streaming pass has already written tickets."""
    p = tmp_path / "late.csv"
    body = "".join(f"T-{i},acme,P2,2026-10-01T09:00:00Z,,open\n" for i in range(1500))
    p.write_text("id,customer,priority,created_at,resolved_at,status\n" + body
                 + "T-0,acme,P2,2026-10-01T09:00:00Z,2026-10-01T10:00:00Z,solved\n", encoding="utf-8")
    return p


def test_a_late_repeat_starts_the_report_again_on_stdout(run_line, tmp_path):
    result = _score(run_line, _late_repeat(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["rows"], report["scored"], report["collapsed"]) == (1501, 1500, 1)
    first = report["tickets"][0]
    assert first["id"] == "T-0" and first["status"] == "solved" and first["row"] == 1501
    assert len({t["id"] for t in report["tickets"]}) == 1500


def test_a_late_repeat_starts_the_report_again_in_an_output_file(run_line, tmp_path):
    out = tmp_path / "report.csv"
    result = _score(run_line, _late_repeat(tmp_path), "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 1500 and lines[1].startswith("1501,T-0,")
