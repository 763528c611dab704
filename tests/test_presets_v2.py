"""Exports as real desks write them: the v2 presets, recognition, nulls, timestamps, warnings,
spreadsheets and the starter mapping, through the CLI as users run it."""
from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from slactl.exports import TicketRow, open_export
from tests.conftest import BUNDLED, ROOT

EXAMPLES = ROOT / "examples"
AS_OF = "2026-11-22T12:00:00Z"


def _score(run_line, path: Path | str, *extra: str):
    return run_line("-w", str(BUNDLED), "score", str(path), "--as-of", AS_OF, *extra)


def _json(run_line, path: Path | str, *extra: str) -> tuple[dict, str]:
    result = _score(run_line, path, "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def _ts(*args: int) -> float:
    return datetime(*args, tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize(("name", "preset", "rows", "scored"), [
    ("osticket.csv", "osticket", 24, 24), ("glpi.csv", "glpi", 24, 24), ("otrs.csv", "otrs", 24, 24),
    ("hubspot.csv", "hubspot", 24, 24), ("zammad.xlsx", "zammad", 24, 24),
    ("servicenow-events.csv", "servicenow", 16, 6),
])
def test_every_example_is_recognised_and_scored(run_line, name, preset, rows, scored):
    report, _ = _json(run_line, EXAMPLES / name)
    assert (report["preset"], report["rows"], report["scored"]) == (preset, rows, scored)
    assert report["matches"]["matched"] > 0


def test_closed_time_is_the_resolution_and_the_report_says_so(run_line, tmp_path):
    p = tmp_path / "fd.csv"
    p.write_text("Ticket ID,Subject,Status,Priority,Group,Created time,Closed time,Initial response time,Company Name\n"
                 "7,Mail down,Closed,Urgent,Email,2026-10-05 09:00:00,2026-10-05 11:00:00,2026-10-05 09:10:00,ACME\n",
                 encoding="utf-8")
    report, err = _json(run_line, p)
    assert report["preset"] == "freshdesk" and report["tickets"][0]["resolution"]["status"] == "met"
    assert "closed time 'Closed time' is used as the resolution" in err
    assert any("Closed time" in n for n in report["notes"])
    text = _score(run_line, p, "--format", "text").stdout
    assert "closed time 'Closed time' is used as the resolution" in text
    # a desk whose only end state is closed: used without a note
    _, err = _json(run_line, EXAMPLES / "zammad.xlsx")
    assert "closed time" not in err


def test_a_metric_without_any_column_is_warned_once(run_line, tmp_path):
    p = tmp_path / "jira.csv"
    p.write_text("Issue key,Summary,Priority,Status,Created\nSUP-1,x,High,Open,2026-10-05 09:00\n"
                 "SUP-2,y,High,Open,2026-10-05 10:00\n", encoding="utf-8")
    report, err = _json(run_line, p)
    assert report["tickets"][0]["resolution"]["status"] == "unmeasured"
    assert err.count("resolution is unmeasured") == 1 and err.count("first_response is unmeasured") == 1


def test_an_overlapping_header_is_not_called_a_broken_generic_file(run_line, tmp_path):
    p = tmp_path / "desk.csv"
    p.write_text("ID,Priority,Subject,Opened on,Client\n1,High,x,2026-10-05 09:00,ACME\n", encoding="utf-8")
    result = _score(run_line, p)
    assert result.exit_code == 2
    assert "generic (slactl contract) layout" not in result.stderr
    assert "closest is" in result.stderr and "created_at" in result.stderr
    assert f"slactl mapping {p}" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_glpi_in_english_with_semicolons_and_bom(run_line, tmp_path):
    p = tmp_path / "glpi-en.csv"
    p.write_bytes(("\ufeffID;Title;Entity;Status;Opening date;Last update;Resolution date;Priority;Category\n"
                   "12;Printer;ACME Corp;Solved;2026-10-05 09:00;2026-10-05 12:00;2026-10-05 12:00;High;Hardware\n")
                  .encode("utf-8"))
    report, _ = _json(run_line, p)
    assert report["preset"] == "glpi" and report["encoding"] == "utf-8 with BOM"
    assert report["tickets"][0]["priority"] == "P2" and report["tickets"][0]["resolved_at"].startswith("2026-10-05T12")


def test_null_markers_mean_empty_and_incident_state_is_the_status(run_line, tmp_path):
    p = tmp_path / "sn.csv"
    p.write_text("number,company,priority,incident_state,opened_at,resolved_at,category\n"
                 "INC1,ACME Corporation,2 - High,In Progress,2026-10-05 09:00:00,?,N/A\n"
                 "INC2,(none),2 - High,New,2026-10-05 09:00:00,NULL,-\n", encoding="utf-8")
    report, _ = _json(run_line, p)
    assert report["rejected"] == [] and report["scored"] == 2
    first, second = report["tickets"]
    assert first["status"] == "In Progress" and first["resolved_at"] is None and first["service"] == ""
    assert second["customer"] == "" and second["resolution"]["status"] in ("breached", "pending")


def test_no_break_spaces_are_trimmed(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("id,customer,priority,created_at\nA-1,\u00a0ACME Corp\u00a0,\u00a0P1,\u00a02026-10-05T09:00:00Z\n",
                 encoding="utf-8")
    with open_export(str(p)) as e:
        (row,) = list(e)
    assert isinstance(row, TicketRow) and (row.customer, row.priority) == ("ACME Corp", "P1")
    assert row.created == _ts(2026, 10, 5, 9)


@pytest.mark.parametrize(("cells", "expected"), [
    (["1791190800", "1791194400"], [_ts(2026, 10, 5, 9), _ts(2026, 10, 5, 10)]),            # epoch seconds
    (["1791190800000", "1791194400500"], [_ts(2026, 10, 5, 9), _ts(2026, 10, 5, 10) + 0.5]),  # milliseconds
    (["46300.375", "46300.5"], [_ts(2026, 10, 5, 9), _ts(2026, 10, 5, 12)]),               # Excel serial days
    (["5 octobre 2026 09:00", "5 oct. 2026 10:00"], [_ts(2026, 10, 5, 9), _ts(2026, 10, 5, 10)]),
    (["5. Oktober 2026 09:00", "5 de octubre de 2026 10:00"], [_ts(2026, 10, 5, 9), _ts(2026, 10, 5, 10)]),
    (["5 октября 2026 г. 09:00", "5 октября 2026 10:00"], [_ts(2026, 10, 5, 9), _ts(2026, 10, 5, 10)]),
])
def test_epoch_excel_and_month_names(tmp_path, cells, expected):
    p = tmp_path / "t.csv"
    p.write_text("id,priority,created_at\n" + "".join(f"A-{i},P1,\"{c}\"\n" for i, c in enumerate(cells)),
                 encoding="utf-8")
    with open_export(str(p)) as e:
        rows = list(e)
    assert [r.created for r in rows] == expected, [getattr(r, "reason", r) for r in rows]


def test_dst_gap_and_fold_are_counted_once_per_column(run_line, tmp_path):
    p = tmp_path / "berlin.csv"
    p.write_text("id,customer,priority,created_at,resolved_at\n"
                 "A-1,ACME,P4,2026-03-29 02:30:00,2026-10-25 02:30:00\n"   # a gap, a fold
                 "A-2,ACME,P4,2026-03-29 02:45:00,2026-10-25 02:10:00\n"
                 "A-3,ACME,P4,2026-03-28 09:00:00,2026-03-30 09:00:00\n", encoding="utf-8")
    result = _score(run_line, p, "--tz", "Europe/Berlin", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "created_at: 2 local time(s) fall in a DST gap" in result.stderr
    assert "resolved_at: 0 local time(s) fall in a DST gap (read with the offset before the gap) and 2 in a DST fold" \
        in result.stderr
    assert result.stderr.count("DST gap") == 2


def test_priorities_without_a_rule_are_named_everywhere(run_line, tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("id,customer,priority,created_at\n" + "".join(
        f"A-{i},ACME Corp,{'Minor' if i < 3 else 'Blocker' if i < 4 else 'P2'},2026-10-05T09:00:00Z\n"
        for i in range(6)), encoding="utf-8")
    report, err = _json(run_line, p)
    assert {(x["priority"], x["tickets"]) for x in report["no_rule_priorities"]} == {("Minor", 3), ("Blocker", 1)}
    assert "3 tickets have priority 'Minor', which no rule of policy 'standard' matches" in err
    assert err.count("no rule of policy") == 2 and err.count("slactl: warning: 3 tickets") == 1
    for fmt in ("text", "markdown", "html"):
        out = html.unescape(_score(run_line, p, "--format", fmt).stdout)
        assert "'Minor'" in out and "'Blocker'" in out, fmt


def test_json_tickets_carry_the_timestamps_read(run_line):
    report, _ = _json(run_line, EXAMPLES / "generic.csv")
    t = next(t for t in report["tickets"] if t["id"] == "T-10000")
    assert t["created_at"] == "2025-12-10T10:17:05+00:00" and t["resolved_at"] is None
    assert t["first_response_at"] == "2025-12-10T13:17:05+00:00"
    # the instants are written in UTC whatever --tz (the zone of naive values) says
    moscow, _ = _json(run_line, EXAMPLES / "generic.csv", "--tz", "Europe/Moscow")
    t = next(t for t in moscow["tickets"] if t["id"] == "T-10000")
    assert t["created_at"] == "2025-12-10T10:17:05+00:00"


def test_duplicate_headers_are_warned_with_the_copy_used(run_line, tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("id,customer,priority,created_at,customer\nA-1,ACME Corp,P1,2026-10-05T09:00:00Z,Globex\n",
                 encoding="utf-8")
    report, err = _json(run_line, p)
    assert "the header names 'customer' 2 times (columns 2, 5)" in err
    assert "first non-empty value of columns 2, 5 is read as customer" in err
    assert report["tickets"][0]["customer"] == "ACME Corp"


def test_dayfirst_and_monthfirst_choose_and_the_report_says_which(run_line, tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("id,customer,priority,created_at\nA-1,ACME Corp,P1,03/11/2026 09:00\n", encoding="utf-8")
    for flag, created, said in (("--dayfirst", "2026-11-03", "day-first"), ("--monthfirst", "2026-03-11", "month-first")):
        report, _ = _json(run_line, p, flag)
        assert report["tickets"][0]["created_at"].startswith(created)
        assert any(said in n and "--dayfirst/--monthfirst" in n for n in report["notes"]), report["notes"]
    report, err = _json(run_line, p)
    assert any("a guess" in n for n in report["notes"])
    text = _score(run_line, p, "--format", "text", "--monthfirst").stdout
    assert "dates read month-first" in text


def test_xlsx_sheet_option(run_line, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing here"])
    ws = wb.create_sheet("Tickets")
    ws.append(["id", "customer", "priority", "created_at", "resolved_at"])
    ws.append(["A-1", "ACME Corp", "P2", datetime(2026, 10, 5, 9, 0), None])
    ws.append([2, "ACME Corp", "high", 46300.375, 46300.5])
    p = tmp_path / "book.xlsx"
    wb.save(p)
    report, _ = _json(run_line, p, "--sheet", "Tickets")
    assert [t["id"] for t in report["tickets"]] == ["A-1", "2"] and report["encoding"] == "xlsx"
    assert report["tickets"][1]["resolved_at"] == "2026-10-05T12:00:00+00:00"
    result = _score(run_line, p, "--sheet", "Tickits")
    assert result.exit_code == 2 and "did you mean 'Tickets'" in result.stderr
    assert _score(run_line, p).exit_code == 2  # the first sheet has no ticket columns


def test_mapping_writes_a_starter_file_that_scores(run_line, tmp_path):
    src = tmp_path / "desk.csv"
    src.write_text((EXAMPLES / "custom-desk.csv").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_line("mapping", str(src))
    assert result.exit_code == 0, result.stderr
    written = tmp_path / "desk.mapping.yaml"
    text = written.read_text(encoding="utf-8")
    assert 'id: "Ticket #"' in text and 'priority: "Severity"' in text and 'created_at: "Opened"' in text
    assert "#   Medium" in text and "#   ACME" in text
    again = run_line("mapping", str(src))
    assert again.exit_code != 0 and "already exists" in again.stderr and written.read_text(encoding="utf-8") == text
    assert run_line("mapping", str(src), "--force").exit_code == 0
    report, err = _json(run_line, src)  # the file beside the export is used by itself
    assert report["preset"] == "mapping" and report["scored"] == 150
    out = run_line("mapping", str(src), "--output", "-")
    assert out.stdout.startswith("# Column mapping for")


@pytest.mark.parametrize("name, says", [
    ("jira-history.csv", "looks like a status history, not a ticket export; read it with: score EXPORT --history"),
    ("outages.csv", "looks like an outage log, not a ticket export; read it with: slactl availability"),
    ("time-entries.csv", "looks like a time-entry file, not a ticket export; read it with: slactl hours"),
    ("calls.csv", "looks like a call log, not a ticket export; read it with: slactl calls"),
])
def test_other_inputs_given_to_score_name_the_command_that_reads_them(run_line, name, says):
    """A history, outage log or time-entry file passed to score points at the right command."""
    from tests.conftest import ROOT

    result = run_line("-w", str(BUNDLED), "score", str(ROOT / "examples" / name))
    assert result.exit_code == 2 and says in result.stderr, result.stderr
