"""`slactl explain`: the breach receipt adds up, names every stretch, and agrees with `score`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, ROOT

EXAMPLES = ROOT / "examples"
AS_OF = "2026-11-22T12:00:00Z"
EXPORT = """id,customer,priority,created_at,first_response_at,resolved_at
A-1,acme,P2,2026-11-03T17:30:00+03:00,,2026-11-05T10:00:00+03:00
"""
# Tue 3 Nov 17:30 -> Thu 5 Nov 10:00 MSK: Wed 4 Nov is Unity Day; waits on the customer from
# Thu 09:00 to 09:30; resolved too early Tue 17:45, reopened 17:50
HISTORY = """ticket_id,changed_at,from,to
A-1,2026-11-03T17:45:00+03:00,New,Solved
A-1,2026-11-03T17:50:00+03:00,Solved,Reopened
A-1,2026-11-05T09:00:00+03:00,Reopened,Waiting for customer
A-1,2026-11-05T09:30:00+03:00,Waiting for customer,In Progress
A-1,2026-11-05T10:00:00+03:00,In Progress,Solved
"""


def explain(run_line, ws: Path, *args: str):
    return run_line("-w", str(ws), "explain", *args)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "e.csv").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "h.csv").write_text(HISTORY, encoding="utf-8")
    return tmp_path / "e.csv", tmp_path / "h.csv"


def test_receipt_names_every_stretch(run_line, workspace, files):
    export, history = files
    result = explain(run_line, workspace, "A-1", str(export), "--history", str(history), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert "Agreement   acme-support-2026 · customer ACME Corp · priority P2 (rule of policy 'standard')" in page
    assert "First response: MET: 1 h 30 min counted against a target of 2 h, 30 min to spare" in page
    assert "resolved without a recorded reply: first response stops at the resolution" in page
    # resolution: 17:30-17:45 counted, 17:45-17:50 resolved then reopened, 17:50-18:00 counted,
    # Wed closed (holiday), Thu 09:00-09:30 paused, 09:30-10:00 counted
    assert "Resolution: MET: 55 min counted against a target of 16 h" in page
    assert "resolved ('Solved'), then reopened: resolution does not count it" in page
    assert "paused: status 'Waiting for customer'" in page
    assert "public holiday (Unity Day) Wed 4 Nov" in page
    assert "Total       55 min counted · 35 min of open time not counted (status history) · 39 h closed" \
        in page
    assert "1 reopen" in page and "Traceback" not in result.output


def test_json_pieces_add_up_to_score(run_line, workspace, files):
    export, history = files
    result = explain(run_line, workspace, "A-1", str(export), "--history", str(history), "--as-of", AS_OF,
                     "--format", "json")
    got = json.loads(result.stdout)
    scored = json.loads(run_line("-w", str(workspace), "score", str(export), "--history", str(history),
                                 "--as-of", AS_OF, "--format", "json").stdout)["tickets"][0]
    for metric in ("first_response", "resolution"):
        m = got["metrics"][metric]
        counted = sum(i["minutes"] for i in m["intervals"] if i["kind"] == "counted")
        removed = sum(i["minutes"] for i in m["intervals"] if i["kind"] in ("paused", "reopened"))
        assert abs(counted - scored[metric]["elapsed_minutes"]) < 1e-6
        assert abs(removed - scored[metric]["paused_minutes"]) < 1e-6
        assert m["status"] == scored[metric]["status"] and m["due_at"] == scored[metric]["due_at"]
        # the intervals tile creation to the stop without gaps
        ivs = m["intervals"]
        assert ivs[0]["start"] == got["created_at"] and ivs[-1]["end"] == m["stop_at"]
        assert all(a["end"] == b["start"] for a, b in zip(ivs, ivs[1:]))
    assert got["reopens"] == scored["reopens"] == 1


def test_bundled_examples_every_ticket_adds_up(run_line):
    """Every matched ticket of the Jira example with its history: the receipt agrees with score."""
    scored = json.loads(run_line("-w", str(BUNDLED), "score", str(EXAMPLES / "jira.csv"), "--history",
                                 str(EXAMPLES / "jira-history.csv"), "--as-of", AS_OF, "--format", "json").stdout)
    picked = [t for t in scored["tickets"] if t["match"] == "matched"
              and (t["reopens"] or t["resolution"]["paused_minutes"] or t["resolution"]["paused"])][:12]
    assert len(picked) >= 8
    for t in picked:
        got = json.loads(run_line("-w", str(BUNDLED), "explain", t["id"], str(EXAMPLES / "jira.csv"),
                                  "--history", str(EXAMPLES / "jira-history.csv"), "--as-of", AS_OF,
                                  "--format", "json").stdout)
        for metric in ("first_response", "resolution"):
            m = got["metrics"][metric]
            counted = sum(i["minutes"] for i in m["intervals"] if i["kind"] == "counted")
            assert abs(counted - t[metric]["elapsed_minutes"]) < 0.01, (t["id"], metric)
            assert m["paused"] == t[metric]["paused"]


def test_paused_ticket_says_since_when_and_has_no_due_time(run_line, workspace, tmp_path):
    (tmp_path / "e.csv").write_text("id,customer,priority,created_at,first_response_at,resolved_at\n"
                                    "A-2,acme,P3,2026-11-02T10:00:00+03:00,2026-11-02T10:10:00+03:00,\n")
    (tmp_path / "h.csv").write_text("ticket_id,changed_at,to\nA-2,2026-11-02T12:00:00+03:00,pending\n")
    result = explain(run_line, workspace, "A-2", str(tmp_path / "e.csv"), "--history", str(tmp_path / "h.csv"),
                     "--as-of", AS_OF)
    assert "Resolution: PENDING, PAUSED: 2 h counted of 40 h; 38 h left once the clock runs again" in result.stdout
    assert "Due         none while the clock is paused" in result.stdout
    assert "Paused      since Mon 2 Nov 12:00: status 'pending'" in result.stdout


def test_event_log_snapshots_explain_without_history(run_line):
    result = run_line("-w", str(BUNDLED), "explain", "INC0031020",
                      str(EXAMPLES / "servicenow-event-log.csv"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "(an event log)" in result.stdout and "Total" in result.stdout


def test_unknown_and_rejected_tickets(run_line, workspace, files, tmp_path):
    export, _ = files
    result = explain(run_line, workspace, "A-7", str(export))
    assert result.exit_code == 2 and "ticket 'A-7' is not in" in result.stderr and "did you mean 'A-1'" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("id,customer,priority,created_at\nB-1,acme,P2,yesterday\n")
    result = explain(run_line, workspace, "B-1", str(bad))
    assert result.exit_code == 2 and "its row was rejected: row 1: created_at" in result.stderr


def test_without_history_the_page_says_so(run_line, workspace, files):
    export, _ = files
    result = explain(run_line, workspace, "A-1", str(export), "--as-of", AS_OF)
    assert "History     none: the clocks ran without pauses" in result.stdout
    assert "no status history: pauses in policy 'standard' not applied" in result.stdout


def test_a_ticket_created_after_the_as_of_is_said_so(run_line):
    """The receipt of a ticket judged before it existed warns, as score does (it was silently 'met')."""
    args = ("explain", "ITSD-1262", str(ROOT / "examples" / "jira.csv"), "--history",
            str(ROOT / "examples" / "jira-history.csv"))
    early = run_line("-w", str(BUNDLED), *args, "--as-of", "2026-01-31T12:00:00Z")
    assert early.exit_code == 0 and "created after --as-of" in early.stderr and "created after --as-of" in early.stdout
    later = run_line("-w", str(BUNDLED), *args, "--as-of", "2026-11-22T12:00:00Z")
    assert later.exit_code == 0 and "created after --as-of" not in later.stdout + later.stderr
