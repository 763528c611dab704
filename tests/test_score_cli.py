"""slactl score as users run it: formats, exit codes, grouping, and the JSON fast path."""
from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import BUNDLED, ROOT

EXAMPLES = ROOT / "examples"
AS_OF = "2026-11-22T12:00:00Z"


def _score(run_line, *args: str):
    return run_line("-w", str(BUNDLED), "score", *args, "--as-of", AS_OF)


def test_json_counts_add_up(run_line):
    result = _score(run_line, str(EXAMPLES / "generic.csv"), "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert data["rows"] == data["scored"] + len(data["rejected"]) == 307
    assert len(data["tickets"]) == data["scored"]
    assert [t["row"] for t in data["tickets"]] + [r["row"] for r in data["rejected"]] != []
    assert sorted([t["row"] for t in data["tickets"]] + [r["row"] for r in data["rejected"]]) == list(range(1, 308))
    assert {r["reason"] for r in data["rejected"]} == {
        "id is empty", "created_at '2026-10-3? 09:00' is not a timestamp", "resolved_at precedes created_at"}


@pytest.mark.parametrize("name", ["generic.csv", "zendesk.csv", "jira.csv", "freshdesk.csv", "servicenow.csv"])
def test_direct_json_writer_equals_json_dumps(name):
    """The hand-written JSON of a ticket is exactly json.dumps of its dict."""
    from zoneinfo import ZoneInfo

    from slactl.exports import open_export
    from slactl.reporters.score import ticket_dict, ticket_json
    from slactl.core.scoring import Scorer
    from slactl.workspace.loader import load_workspace

    ws = load_workspace(str(BUNDLED)).workspace
    with open_export(str(EXAMPLES / name)) as export:
        scorer = Scorer(ws, 1795089600.0, has_first_response=export.has_first_response,
                        has_resolution=export.has_resolution, report_zone=ZoneInfo("UTC"))
        rows = [r for r in export if hasattr(r, "created")]
    assert rows
    for row in rows:
        row.status = row.status + ' "quoted" \\ \x1b[31m Ünïcode \u2028'
        result = scorer.score(row)
        assert json.loads(ticket_json(result)) == json.loads(json.dumps(ticket_dict(result)))


def test_fail_under_thresholds(run_line):
    path = str(EXAMPLES / "generic.csv")
    assert _score(run_line, path, "--fail-under", "0", "--format", "text").exit_code == 0
    assert _score(run_line, path, "--fail-under", "100", "--format", "text").exit_code == 1
    assert _score(run_line, path, "--fail-under", "target", "--format", "text").exit_code == 1
    assert _score(run_line, path, "--fail-under", "lots", "--format", "text").exit_code == 2


def test_csv_is_one_line_per_row_including_rejected(run_line):
    result = _score(run_line, str(EXAMPLES / "generic.csv"), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 307
    assert sum(r["match"] == "rejected" for r in rows) == 3
    assert {"first_response_due_at", "resolution_elapsed_minutes"} <= set(rows[0])


def test_markdown_and_html(run_line, tmp_path):
    md = _score(run_line, str(EXAMPLES / "generic.csv"), "--format", "markdown").stdout
    assert md.startswith("### SLA report") and "| agreement | priority | metric |" in md
    out = tmp_path / "report.html"
    assert _score(run_line, str(EXAMPLES / "generic.csv"), "--format", "html", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<style>" in page and "<script" not in page
    assert "acme-support-2026" in page


@pytest.mark.parametrize("by", ["agreement", "customer", "priority", "service", "month"])
def test_group_by(run_line, by):
    result = _score(run_line, str(EXAMPLES / "generic.csv"), "--group-by", by, "--format", "json")
    data = json.loads(result.stdout)
    groups = data.get("groups", data["summary"])
    assert groups and all(by in g for g in groups)
    assert sum(g["tickets"] for g in groups if g["metric"] == "resolution") == data["matches"]["matched"]


def test_output_never_overwrites_without_force(run_line, tmp_path):
    out = tmp_path / "r.json"
    out.write_text("keep me", encoding="utf-8")
    refused = _score(run_line, str(EXAMPLES / "generic.csv"), "--format", "json", "-o", str(out))
    assert refused.exit_code == 1 and out.read_text(encoding="utf-8") == "keep me"
    forced = _score(run_line, str(EXAMPLES / "generic.csv"), "--format", "json", "-o", str(out), "--force")
    assert forced.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["rows"] == 307


@pytest.mark.parametrize("args, message", [
    (["no-such.csv"], "does not exist"),
    ([str(EXAMPLES / "generic.csv"), "--preset", "zendeks"], "unknown preset"),
    ([str(EXAMPLES / "generic.csv"), "--tz", "Mars/Olympus"], "unknown time zone"),
    ([str(EXAMPLES / "generic.csv"), "--format", "pdf"], "--format pdf"),
    ([str(EXAMPLES / "generic.csv"), "--group-by", "weather"], "--group-by weather"),
    (["--preset", "generic", str(EXAMPLES / "custom-desk.csv")], "required"),
    (["UNKNOWN_COLUMNS"], "no recognisable columns"),
])
def test_unusable_input_is_exit_2_with_one_message(run_line, tmp_path, args, message):
    unknown = tmp_path / "other.csv"
    unknown.write_text("Ticket #,Opened,Client\n1,2026-10-01,acme\n", encoding="utf-8")
    args = [str(unknown) if a == "UNKNOWN_COLUMNS" else a for a in args]
    result = run_line("-w", str(BUNDLED), "score", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_servicenow_first_response_is_unmeasured(run_line):
    data = json.loads(_score(run_line, str(EXAMPLES / "servicenow.csv"), "--format", "json").stdout)
    assert data["preset"] == "servicenow"
    statuses = {t["first_response"]["status"] for t in data["tickets"] if t["match"] == "matched"}
    assert statuses == {"unmeasured"}


def test_cp1251_semicolon_export_with_naive_moscow_times(run_line):
    data = json.loads(_score(run_line, str(EXAMPLES / "generic-cp1251.csv"), "--tz", "Europe/Moscow",
                             "--format", "json").stdout)
    assert data["timezone"] == "Europe/Moscow" and data["rejected"] == []
    assert any(t["customer"] == "Инитех" and t["agreement"] == "initech-erp-2026" for t in data["tickets"])


def test_a_mapping_file_beside_the_export_is_used(run_line):
    result = _score(run_line, str(EXAMPLES / "custom-desk.csv"), "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["preset"] == "mapping" and data["timezone"] == "America/New_York"
    assert "custom-desk.mapping.yaml" in result.stderr
    assert data["rows"] == 150 and data["matches"]["matched"] == 150


def test_progress_bar_follows_the_file(tmp_path):
    """The bar reads the export's byte position; the report is the same with or without it."""
    from slactl.exports import open_export

    path = tmp_path / "big.csv"
    rows = (EXAMPLES / "generic.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(rows[0] + "".join(rows[1:]) * 200, encoding="utf-8")
    with open_export(str(path)) as export:
        seen = [export.position() for i, _ in enumerate(export) if i % 20000 == 0]
    assert seen[0] > 0 and seen == sorted(seen) and seen[-1] <= path.stat().st_size


def test_progress_option_gives_the_same_report(run_line, tmp_path):
    plain = _score(run_line, str(EXAMPLES / "generic.csv"), "--format", "json", "--no-progress").stdout
    with_bar = _score(run_line, str(EXAMPLES / "generic.csv"), "--format", "json", "--progress").stdout
    assert json.loads(plain) == json.loads(with_bar)
