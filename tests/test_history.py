"""`score --history`: the history file as users have it (presets, encodings, delimiters, zones, bad rows)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

EXPORT = """id,customer,priority,created_at,first_response_at,resolved_at
A-1,acme,P2,2026-11-02T09:00:00+03:00,2026-11-02T09:30:00+03:00,2026-11-03T12:00:00+03:00
A-2,acme,P2,2026-11-02T09:00:00+03:00,,
A-3,acme,P1,2026-11-02T09:00:00+03:00,,2026-11-02T10:00:00+03:00
"""
# A-1 waits on the customer 2026-11-02 11:00-15:00 MSK: 3 business hours (lunch 13-14) paused
GENERIC = """ticket_id,changed_at,field,from,to
A-1,2026-11-02T11:00:00+03:00,status,In Progress,Waiting for customer
A-1,2026-11-02T12:00:00+03:00,assignee,,Olga
A-1,2026-11-02T15:00:00+03:00,status,Waiting for customer,In Progress
A-2,2026-11-02T10:00:00+03:00,Status,Open,pending
"""
AS_OF = "2026-11-04T12:00:00+03:00"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def score(run_line, ws: Path, export: Path, *extra: str):
    result = run_line("-w", str(ws), "score", str(export), "--as-of", AS_OF, "--format", "json", *extra)
    data = json.loads(result.stdout) if result.exit_code == 0 else None
    return result, data


def tickets(data: dict) -> dict:
    return {t["id"]: t for t in data["tickets"]}


def test_generic_history_pauses_resolution_on_the_business_clock(run_line, workspace, tmp_path):
    export = write(tmp_path, "export.csv", EXPORT)
    result, data = score(run_line, workspace, export, "--history", str(write(tmp_path, "h.csv", GENERIC)))
    assert result.exit_code == 0, result.output
    t = tickets(data)
    res = t["A-1"]["resolution"]
    assert res["paused_minutes"] == 180.0  # 11:00-13:00 and 14:00-15:00
    # Mon 09:00 -> Tue 12:00 is 8 h + 3 h open = 660 min, less 180 paused
    assert res["elapsed_minutes"] == 480.0 and res["status"] == "met" and res["paused"] is False
    assert t["A-1"]["first_response"]["paused_minutes"] == 0.0  # the policy pauses resolution only
    # A-2 is still pending, paused since 10:00: elapsed stops at 1 h, no due time while paused
    a2 = t["A-2"]["resolution"]
    assert a2["elapsed_minutes"] == 60.0 and a2["paused"] is True and a2["due_at"] is None
    assert a2["status"] == "pending"
    assert t["A-2"]["first_response"]["paused"] is False  # first response does not pause
    h = data["history"]
    assert (h["status_changes"], h["other_fields"], h["unknown_ticket_rows"], h["matched_by"]) == (3, 1, 0, "sorted")


def test_resolved_without_reply_stops_first_response_at_the_resolution(run_line, workspace, tmp_path):
    export = write(tmp_path, "export.csv", EXPORT)
    result, data = score(run_line, workspace, export)
    a3 = tickets(data)["A-3"]["first_response"]
    assert a3["status"] == "breached" and a3["elapsed_minutes"] == 60.0  # P1: 30 min target
    assert "no status history: pauses in policy 'standard' not applied" in result.stderr


def test_export_without_a_first_response_column_keeps_it_unmeasured(run_line, workspace, tmp_path):
    text = "id,customer,priority,created_at,resolved_at\nA-3,acme,P1,2026-11-02T09:00:00+03:00,2026-11-02T10:00:00+03:00\n"
    result, data = score(run_line, workspace, write(tmp_path, "e.csv", text))
    assert data["tickets"][0]["first_response"]["status"] == "unmeasured"


JIRA = """issue_id,issue_key,author,created_date,field,from_string,to_string
31000,A-2,Olga,02.11.2026 10:00,status,Open,Waiting for customer
31000,A-2,Olga,02.11.2026 10:30,priority,P3,P2
31000,A-2,Olga,02.11.2026 12:00,status,Waiting for customer,In Progress
"""
ZENDESK = """ticket_id;field_name;value;updated
A-2;status;pending;2026-11-02 10:00:00
A-2;status;open;2026-11-02 12:00:00
A-2;priority;high;2026-11-02 12:00:00
"""
SERVICENOW = """id,definition,field_value,start,end,duration
A-2,Incident State Duration,Waiting for customer,2026-11-02 10:00:00,2026-11-02 12:00:00,7200
A-2,Assigned to Duration,Olga,2026-11-02 10:00:00,,
A-2,Incident State Duration,In Progress,2026-11-02 12:00:00,,
"""


@pytest.mark.parametrize("text, encoding, preset", [
    (JIRA, "utf-8-sig", "jira"), (ZENDESK, "cp1251", "zendesk"), (SERVICENOW, "utf-8", "servicenow")])
def test_desk_presets_naive_times_in_tz(run_line, workspace, tmp_path, text, encoding, preset):
    export = write(tmp_path, "export.csv", EXPORT)
    history = write(tmp_path, "h.csv", text, encoding)
    result, data = score(run_line, workspace, export, "--history", str(history), "--tz", "Europe/Moscow")
    assert result.exit_code == 0, result.output
    a2 = tickets(data)["A-2"]["resolution"]
    assert a2["paused_minutes"] == 120.0 and a2["paused"] is False, a2
    assert data["history"]["preset"] == preset and data["history"]["status_changes"] == 2


def test_bad_rows_are_rejected_with_row_and_reason_unknown_tickets_counted(run_line, workspace, tmp_path):
    text = GENERIC + "A-1,not a date,status,,pending\n,2026-11-02T11:00:00+03:00,status,,pending\n" \
                     "A-1,2026-11-02T11:00:00+03:00,status,open\nZZ-9,2026-11-02T11:00:00+03:00,status,,pending\n" \
                     "A-2,2026-11-02T11:00:00+03:00,status,open,\n"
    export = write(tmp_path, "export.csv", EXPORT)
    result, data = score(run_line, workspace, export, "--history", str(write(tmp_path, "h.csv", text)))
    assert result.exit_code == 0, result.output
    rejected = {r["row"]: r for r in data["history_rejected"]}
    assert rejected[5]["id"] == "A-1" and "changed_at" in rejected[5]["reason"] \
        and "not a timestamp" in rejected[5]["reason"]
    assert "ticket id) is empty" in rejected[6]["reason"]
    assert rejected[7]["reason"] == "row has 4 cells, the header has 5"
    assert rejected[9]["reason"] == "to (the new status) is empty"
    assert data["history"]["unknown_ticket_rows"] == 1
    assert data["history"]["matched_by"] == "indexed"  # ZZ-9 before A-2: not sorted
    assert tickets(data)["A-1"]["resolution"]["paused_minutes"] == 180.0


def test_mapping_file_names_the_columns(run_line, workspace, tmp_path):
    text = "Key;When;What;New\nA-2;02.11.2026 10:00;Zustand;pending\nA-2;02.11.2026 12:00;Zustand;open\n"
    mapping = write(tmp_path, "m.yaml", "columns: {ticket_id: Key, changed_at: When, field: What, to: New}\n"
                                        "status_fields: [Zustand]\ntimezone: Europe/Moscow\n")
    export = write(tmp_path, "export.csv", EXPORT)
    result, data = score(run_line, workspace, export, "--history", str(write(tmp_path, "h.csv", text)),
                         "--history-mapping", str(mapping))
    assert result.exit_code == 0, result.output
    assert tickets(data)["A-2"]["resolution"]["paused_minutes"] == 120.0


@pytest.mark.parametrize("text, message", [
    ("a,b,c\n1,2,3\n", "not a status history the presets know. Columns seen: 'a', 'b', 'c'"),
    ("", "is empty"),
])
def test_unreadable_history_is_exit_2_with_a_message(run_line, workspace, tmp_path, text, message):
    export = write(tmp_path, "export.csv", EXPORT)
    result = run_line("-w", str(workspace), "score", str(export), "--history", str(write(tmp_path, "h.csv", text)))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_missing_history_file_and_mapping_without_history(run_line, workspace, tmp_path):
    export = write(tmp_path, "export.csv", EXPORT)
    result = run_line("-w", str(workspace), "score", str(export), "--history", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "does not exist; check the --history path" in result.stderr
    result = run_line("-w", str(workspace), "score", str(export), "--history-mapping", "m.yaml")
    assert result.exit_code == 2 and "--history-mapping needs --history FILE" in result.stderr


def test_csv_output_carries_the_new_columns(run_line, workspace, tmp_path):
    export = write(tmp_path, "export.csv", EXPORT)
    history = write(tmp_path, "h.csv", GENERIC)
    result = run_line("-w", str(workspace), "score", str(export), "--as-of", AS_OF, "--format", "csv",
                      "--history", str(history))
    lines = result.stdout.splitlines()
    header = lines[0].split(",")
    assert header[-1] == "reopens" and "resolution_paused_minutes" in header and "resolution_paused" in header
    a2 = dict(zip(header, lines[2].split(",")))
    assert a2["resolution_paused"] == "true" and a2["resolution_due_at"] == "" and a2["reopens"] == "0"


def test_table_shows_median_paused_time_and_the_history_line(run_line, workspace, tmp_path):
    export = write(tmp_path, "export.csv", EXPORT)
    history = write(tmp_path, "h.csv", GENERIC)
    result = run_line("-w", str(workspace), "score", str(export), "--as-of", AS_OF, "--format", "text",
                      "--history", str(history))
    assert "paused med" in result.stdout
    assert ("3 status changes matched, 0 for tickets not in the export, 1 change of other fields, 0 rejected "
            "(4 rows); 0 reopens; matched in one pass") \
        in result.stdout


def test_disorder_found_late_starts_again_through_the_index(run_line, workspace, tmp_path):
    """The order guessed from the first records holds for 1,500 tickets, then one ticket's rows
    come back out of order: the report (streamed JSON) starts again, matched by the index."""
    n = 1600
    export = ["id,customer,priority,created_at,first_response_at,resolved_at"]
    rows = []
    for i in range(1, n + 1):
        export.append(f"T-{i},acme,P3,2026-11-02T09:00:00+03:00,,")
        rows.append(f"T-{i},2026-11-02T10:00:00+03:00,status,open,pending")
    late = rows.pop(4)  # T-5's rows after all the others
    e = write(tmp_path, "e.csv", "\n".join(export) + "\n")
    good = write(tmp_path, "sorted.csv", "ticket_id,changed_at,field,from,to\n" + "\n".join(rows[:4] + [late] + rows[4:]) + "\n")
    bad = write(tmp_path, "late.csv", "ticket_id,changed_at,field,from,to\n" + "\n".join(rows + [late]) + "\n")
    result, sorted_out = score(run_line, workspace, e, "--history", str(good))
    assert sorted_out["history"]["matched_by"] == "sorted"
    result, late_out = score(run_line, workspace, e, "--history", str(bad))
    assert result.exit_code == 0 and late_out["history"]["matched_by"] == "indexed"
    assert "matched through an on-disk index instead" in result.stderr
    assert late_out["tickets"] == sorted_out["tickets"] and len(late_out["tickets"]) == n
    assert late_out["history"]["status_changes"] == n and late_out["history"]["unknown_ticket_rows"] == 0
    # the export in another order than the history: the same
    flipped = write(tmp_path, "flipped.csv", "\n".join([export[0]] + export[:0:-1]) + "\n")
    result, flipped_out = score(run_line, workspace, flipped, "--history", str(good))
    assert flipped_out["history"]["matched_by"] == "indexed"
    assert {t["id"]: t["resolution"] for t in flipped_out["tickets"]} == \
        {t["id"]: t["resolution"] for t in sorted_out["tickets"]}


@pytest.mark.parametrize("selection", [("--period", "2026-10"), ("--customer", "acme")])
def test_history_rows_of_tickets_outside_the_selection_are_counted_as_such(run_line, selection):
    """Rows of export tickets that --period or --customer leave out are not 'tickets not in the
    export' (they were: 365 of them with --period 2026-10, where 1 belongs to no exported ticket)."""
    from tests.conftest import BUNDLED, ROOT

    args = ("-w", str(BUNDLED), "score", str(ROOT / "examples" / "jira.csv"), "--history",
            str(ROOT / "examples" / "jira-history.csv"), "--as-of", "2026-11-22T12:00:00Z", "--format", "json")
    whole = json.loads(run_line(*args).stdout)["history"]
    got = json.loads(run_line(*args, *selection).stdout)["history"]
    assert got["unknown_ticket_rows"] == whole["unknown_ticket_rows"] == 1
    assert got["outside_selection_rows"] > 0 and whole["outside_selection_rows"] == 0
    assert got["matched_rows"] + got["outside_selection_rows"] == whole["matched_rows"]
    assert got["rows"] == got["matched_rows"] + got["unknown_ticket_rows"] + got["outside_selection_rows"] \
        + got["other_fields"]
