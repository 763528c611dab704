"""Hardening, round three (issue 24): each finding's reproduction, built from its description."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import state_file, run_in_workspace as run
from tests.test_alert import WORKSPACE
from tests.test_notify import Recorder, _serve

HEADER = "id,customer,priority,created_at,first_response_at,resolved_at\n"
AS_OF = "2026-11-22T06:00:00Z"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    monkeypatch.setenv("SLACTL_ALERT_TO", "desk@provider.example")
    yield from _serve(monkeypatch)


def _open_tickets(n: int, resolved: bool = False) -> str:
    end = "2026-11-22T05:00:00Z" if resolved else ""
    return HEADER + "".join(f"T-{i},one,P1,2026-11-22T00:00:00Z,,{end}\n" for i in range(n))


@pytest.fixture
def alert_ws(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "all.yaml").write_text(WORKSPACE, encoding="utf-8")
    return ws


def _state(ws: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(state_file(ws, "alerts").read_text(encoding="utf-8"))


# ----------------------------------------------------------------- 1: a bad pull never wipes the alert state

@pytest.mark.parametrize("content", [HEADER, "", HEADER + "T-1,one,P1,not a time,,\n"])
def test_an_export_with_no_judgeable_ticket_is_exit_2_and_the_state_is_untouched(
        alert_ws: Path, tmp_path: Path, smtp: Recorder, content: str) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_open_tickets(20), encoding="utf-8")
    assert run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail").exit_code == 0
    before = state_file(alert_ws, "alerts").read_bytes()
    assert len(_state(alert_ws)["sent"]) == 40  # 20 tickets x (first response, resolution) breached
    export.write_text(content, encoding="utf-8")
    result = run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail")
    assert result.exit_code == 2, result.output
    assert ("no ticket in the export can be judged" in result.stderr and "untouched" in result.stderr) or (
        content == "" and "is empty" in result.stderr)
    assert state_file(alert_ws, "alerts").read_bytes() == before
    # the next good pull mails nothing again
    smtp.messages.clear()
    export.write_text(_open_tickets(20), encoding="utf-8")
    assert run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail").exit_code == 0
    assert smtp.messages == []


def test_a_truncated_export_keeps_the_state_of_the_tickets_it_lost(alert_ws: Path, tmp_path: Path,
                                                                   smtp: Recorder) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_open_tickets(20), encoding="utf-8")
    assert run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail").exit_code == 0
    export.write_text("".join(_open_tickets(20).splitlines(keepends=True)[:4]), encoding="utf-8")  # head -4
    assert run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail").exit_code == 0
    assert len(_state(alert_ws)["sent"]) == 40
    smtp.messages.clear()
    export.write_text(_open_tickets(20), encoding="utf-8")
    assert run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail").exit_code == 0
    assert smtp.messages == []  # nothing mailed twice


def test_a_run_that_would_drop_most_of_the_state_refuses(alert_ws: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(HEADER + "".join(f"T-{i},one,P1,2026-11-22T00:00:00Z,,\n" for i in range(12)),
                      encoding="utf-8")
    assert run(alert_ws, "alert", str(export), "--as-of", "2026-11-22T00:55:00Z").exit_code == 0
    before = state_file(alert_ws, "alerts").read_bytes()
    assert len(_state(alert_ws)["sent"]) == 12  # first response at risk
    # every ticket answered and resolved in time: nothing to report, every record would go
    export.write_text(HEADER + "".join(f"T-{i},one,P1,2026-11-22T00:00:00Z,2026-11-22T00:58:00Z,"
                                       "2026-11-22T01:00:00Z\n" for i in range(12)), encoding="utf-8")
    result = run(alert_ws, "alert", str(export), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "would drop 12 of the 12 records" in result.stderr and "--allow-prune" in result.stderr
    assert state_file(alert_ws, "alerts").read_bytes() == before
    assert run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--allow-prune").exit_code == 0
    assert _state(alert_ws)["sent"] == {}


# ----------------------------------------------------------------- 2: a full disk never mails an alert twice

@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs (root only) to run out of for real."""
    import subprocess

    mnt = tmp_path / "tiny"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(path: Path) -> None:
    try:
        with open(path, "ab", buffering=0) as fh:
            while True:
                fh.write(b"\0" * 4096)
    except OSError:  # ENOSPC: the disk is full now
        pass


def test_alert_mail_on_a_disk_that_fills_while_mailing_is_never_sent_twice(
        alert_ws: Path, tmp_path: Path, tiny_disk: Path, smtp: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_open_tickets(3), encoding="utf-8")
    state_path = tiny_disk / "alerts.json"
    original = smtp.handle_DATA

    async def fill_then_accept(srv, session, envelope):  # type: ignore[no-untyped-def]
        _fill(tiny_disk / "filler")
        return await original(srv, session, envelope)

    monkeypatch.setattr(smtp, "handle_DATA", fill_then_accept)
    result = run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail", "--state", str(state_path),
                 "--format", "json")
    assert result.exit_code == 2, result.output
    assert len(smtp.messages) == 1
    assert "no space left" in result.stderr and "internal error" not in result.stderr
    assert "will not be sent again: mia@provider.example: T-0 first response breached" in result.stderr
    assert len(json.loads(result.stdout)["new"]) == 6  # the JSON still says what was new
    (tiny_disk / "filler").unlink()
    monkeypatch.setattr(smtp, "handle_DATA", original)
    again = run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail", "--state", str(state_path))
    assert again.exit_code == 0, again.output
    assert len(smtp.messages) == 1  # the journal remembered them
    assert len(json.loads(state_path.read_text())["sent"]) == 6
    assert not Path(str(state_path) + ".journal").exists()


def test_alert_mail_on_a_full_disk_sends_nothing(alert_ws: Path, tmp_path: Path, tiny_disk: Path,
                                                 smtp: Recorder) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_open_tickets(3), encoding="utf-8")
    state_path = tiny_disk / "alerts.json"
    _fill(tiny_disk / "filler")
    result = run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail", "--state", str(state_path))
    assert result.exit_code == 2, result.output
    assert "no space left" in result.stderr and "nothing was sent" in result.stderr
    assert smtp.messages == []


# ----------------------------------------------------------------- 9: a state file of another version

@pytest.mark.parametrize("version", ["99", '"1"', "true", "1.0", "null"])
@pytest.mark.parametrize("command", ["alert", "notify", "report"])
def test_a_state_file_of_another_version_is_refused_before_anything_is_sent(
        alert_ws: Path, tmp_path: Path, smtp: Recorder, version: str, command: str) -> None:
    from tests.conftest import BUNDLED

    export = tmp_path / "export.csv"
    export.write_text(_open_tickets(3), encoding="utf-8")
    state = tmp_path / "state.json"
    content = '{"version": %s, "sent": {}, "partial": {}}\n' % version
    state.write_text(content, encoding="utf-8")
    if command == "alert":
        args = [alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail"]
    elif command == "notify":
        args = [BUNDLED, "notify", "--as-of", "2026-11-22"]
    else:
        args = [BUNDLED, "report", str(Path(__file__).parent.parent / "examples" / "generic.csv"), "--period",
                "2026-11", "--as-of", "2026-12-01T06:00:00Z", "--mail"]
    result = run(*args, "--state", str(state))  # type: ignore[arg-type]
    assert result.exit_code == 2, result.output
    assert f'"version": {version}' in result.stderr and "version 1 only" in result.stderr
    assert smtp.messages == []
    assert state.read_text(encoding="utf-8") == content


# ----------------------------------------------------------------- 6: report --mail and a state it cannot write

def test_report_mail_on_a_disk_that_fills_says_what_went_out(ws: Path, tiny_disk: Path, smtp: Recorder,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_report_mail import BASE

    state_path = tiny_disk / "state.json"
    original = smtp.handle_DATA

    async def fill_then_accept(srv, session, envelope):  # type: ignore[no-untyped-def]
        _fill(tiny_disk / "filler")
        return await original(srv, session, envelope)

    monkeypatch.setattr(smtp, "handle_DATA", fill_then_accept)
    result = run(ws, *BASE, "--mail", "--state", str(state_path))
    assert result.exit_code == 2, result.output
    assert "no space left" in result.stderr and "internal error" not in result.stderr
    assert "reports that went out are kept in" in result.stderr
    assert "ACME Corp: report 2026-11 sent to ops@acme.example" in result.stderr
    sent = len(smtp.messages)
    assert sent == 3
    (tiny_disk / "filler").unlink()
    monkeypatch.setattr(smtp, "handle_DATA", original)
    again = run(ws, *BASE, "--mail", "--state", str(state_path))
    assert again.exit_code == 0, again.output
    assert len(smtp.messages) == sent and "nothing to send" in again.output


# ----------------------------------------------------------------- 3: a quote never closed swallows nothing

EXPORT3 = ("id,customer,priority,created_at,first_response_at,resolved_at\n"
           'A-1,"acme,P1,2026-11-02T10:00:00Z,,\n'
           "A-2,acme,P1,2026-11-02T10:00:00Z,2026-11-02T10:10:00Z,\n"
           "A-3,acme,P2,2026-11-02T11:00:00Z,,\n")


def _score(run_line, export: Path, *extra: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    from tests.conftest import BUNDLED

    result = run_line("-w", str(BUNDLED), "score", str(export), "--as-of", "2026-11-04T12:00:00Z",
                      "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("before", [0, 1500])  # in the sampled records, and after them
@pytest.mark.parametrize("last_line", ["\n", ""])
def test_an_unterminated_quote_in_an_export_is_one_rejected_record(run_line, tmp_path: Path, before: int,
                                                                   last_line: str) -> None:
    head, *rest = EXPORT3.splitlines(keepends=True)
    filler = [f"T-{i},acme,P1,2026-11-02T10:00:00Z,2026-11-02T10:10:00Z,\n" for i in range(before)]
    export = tmp_path / "export.csv"
    export.write_text(head + "".join(filler) + "".join(rest).rstrip("\n") + last_line, encoding="utf-8")
    data = _score(run_line, export)
    assert data["rows"] == before + 3 and data["scored"] == before + 2
    opened = before + 2
    assert data["rejected"] == [{"row": before + 1, "id": "A-1", "reason": (
        f"line {opened}: a quoted field opens here and is never closed (the file ends inside it); "
        f"it swallowed lines {opened + 1}-{opened + 2}, read again as records")}]
    assert {t["id"] for t in data["tickets"]} >= {"A-2", "A-3"}


def test_a_quote_never_closed_in_an_unread_last_column(run_line, tmp_path: Path) -> None:
    """The quote opens in a column nothing reads, so every read cell of the record parses."""
    export = tmp_path / "export.csv"
    export.write_text("id,customer,priority,created_at,first_response_at,resolved_at,subject\n"
                      "A-0,acme,P1,2026-11-02T10:00:00Z,,,\"multi\nline\"\n"  # a closed multi-line cell is fine
                      'A-1,acme,P1,2026-11-02T10:00:00Z,,,"printer\n'
                      'A-2,acme,P1,2026-11-02T10:00:00Z,,,""\n'
                      "A-3,acme,P1,2026-11-02T10:00:00Z,,,ok\n", encoding="utf-8")
    data = _score(run_line, export)
    assert data["rows"] == 4 and data["scored"] == 3
    assert data["rejected"] == [{"row": 2, "id": "A-1", "reason": (
        "line 4: a quoted field opens here and is never closed (the file ends inside it); it swallowed "
        "lines 5-6, read again as records")}]


def test_an_unterminated_quote_in_a_status_history_is_rejected_and_the_rest_read(run_line, tmp_path: Path) -> None:
    from tests.test_history import EXPORT, GENERIC

    lines = GENERIC.splitlines(keepends=True)
    lines[1] = lines[1].replace("Waiting for customer\n", '"Waiting for customer\n')
    export, history = tmp_path / "export.csv", tmp_path / "history.csv"
    export.write_text(EXPORT, encoding="utf-8")
    history.write_text("".join(lines), encoding="utf-8")
    data = _score(run_line, export, "--history", str(history))
    h = data["history"]
    assert (h["rows"], h["status_changes"], h["other_fields"]) == (4, 2, 1)  # and one rejected
    from slactl.core.tickets import Rejected
    from slactl.exports.history import open_history

    rows = list(open_history(str(history)))
    assert [(r.row, r.reason) for r in rows if isinstance(r, Rejected)] == [
        (1, "line 2: a quoted field opens here and is never closed (the file ends inside it); it swallowed "
            "lines 3-5, read again as records")]
    assert [r.row for r in rows] == [1, 3, 4]  # row 2 changes another field


# ----------------------------------------------------------------- 4, 5: --as-of and --period inside the clock's years

FAR = ["9999-12-31", "0001-01-01", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+05:00", "2201-01-01",
       "1969-12-31T23:00:00Z"]
_OPEN = HEADER + "T-1,one,P1,2026-11-02T10:00:00Z,,\n"


@pytest.mark.parametrize("command", [["score", "EXPORT"], ["alert", "EXPORT"], ["report", "EXPORT"],
                                     ["explain", "T-1", "EXPORT"], ["expiring"], ["list"], ["validate"]])
@pytest.mark.parametrize("as_of", FAR)
def test_an_as_of_outside_the_clocks_years_is_exit_2_naming_them(alert_ws: Path, tmp_path: Path,
                                                                 command: list[str], as_of: str) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_OPEN, encoding="utf-8")
    args = [str(export) if a == "EXPORT" else a for a in command]
    result = run(alert_ws, *args, "--as-of", as_of)
    assert result.exit_code == 2, result.output
    assert f"--as-of '{as_of}' is outside the years slactl computes in (1970 to 2200)" in result.stderr


@pytest.mark.parametrize("period", ["0001-01", "0001-01-01..0001-01-02", "9999", "2026-01-01..2201-01-01"])
@pytest.mark.parametrize("command", ["score", "report"])
def test_a_period_outside_the_clocks_years_is_exit_2(alert_ws: Path, tmp_path: Path, command: str,
                                                     period: str) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_OPEN, encoding="utf-8")
    result = run(alert_ws, command, str(export), "--period", period, "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert f"'{period}' is outside the years slactl computes in (1970 to 2200)" in result.stderr


def test_the_edges_of_the_clocks_years_are_scored(alert_ws: Path, tmp_path: Path) -> None:
    (alert_ws / "all.yaml").write_text(WORKSPACE.replace("start: 2026-01-01, end: 2026-12-31",
                                                         "start: 1970-01-01, end: 2200-12-31"), encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text(HEADER + "T-1,one,P1,1970-01-01T00:00:00Z,,\n", encoding="utf-8")
    for as_of in ("2200-12-31T23:59:59-12:00", "1970-01-01T00:00:00+05:00"):
        result = run(alert_ws, "score", str(export), "--as-of", as_of, "--format", "json")
        assert result.exit_code == 0, result.output
        ticket = json.loads(result.stdout)["tickets"][0]
        assert ticket["match"] == "matched"
        assert ticket["first_response"]["status"] == ("breached" if as_of.startswith("2200") else "pending")


def test_the_years_match_what_export_timestamps_accept() -> None:
    from slactl.core import years
    from slactl.exports import timeformats

    assert (years.FIRST_YEAR, years.LAST_YEAR) == (timeformats.MIN_YEAR, timeformats.MAX_YEAR)


def test_a_long_open_interval_asks_each_years_holidays_once() -> None:
    """Cost grows with the years at most linearly: one open ticket across the clock's whole
    range asks the holiday source once per year (an earlier cache rebuilt them per year)."""
    from datetime import datetime, timezone

    from slactl.core import publicholidays
    from slactl.core.clock import BusinessClock
    from slactl.core.model import Calendar

    asked: list[int] = []

    def source(country: str, subdivision: str | None, year: int) -> publicholidays.Days:
        asked.append(year)
        return publicholidays.from_library(country, subdivision, year)

    publicholidays.use_source(source)
    try:
        cal = Calendar(name="office", timezone="Europe/Berlin", hours=(((9 * 3600, 17 * 3600),),) * 5 + ((), ()),
                       holiday_country="DE")
        clock = BusinessClock(cal)
        start = datetime(1970, 1, 2, tzinfo=timezone.utc).timestamp()
        end = datetime(2200, 12, 31, tzinfo=timezone.utc).timestamp()
        assert clock.open_seconds(start, end) > 0
    finally:
        publicholidays.use_source(None)
    assert len(asked) == len(set(asked)) and len(asked) <= 2200 - 1970 + 3


def test_score_history_with_a_full_temporary_directory_is_exit_2_and_leaves_nothing(
        alert_ws: Path, tmp_path: Path, tiny_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import random
    import tempfile

    ids = list(range(20_000))
    random.Random(1).shuffle(ids)  # out of order: matched through the on-disk index
    history = tmp_path / "history.csv"
    history.write_text("issue_key,created_date,field,from_string,to_string\n" + "".join(
        f"T-{i},2026-11-02T11:00:00Z,status,Open,Waiting for customer\n" for i in ids), encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text(HEADER + "".join(f"T-{i},one,P1,2026-11-02T10:00:00Z,,\n" for i in range(50)),
                      encoding="utf-8")
    monkeypatch.setenv("TMPDIR", str(tiny_disk))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    result = run(alert_ws, "score", str(export), "--history", str(history), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "could not be indexed in" in result.stderr and "disk is full" in result.stderr
    assert "TMPDIR" in result.stderr
    assert list(tiny_disk.iterdir()) == []  # the index folder is removed


# ----------------------------------------------------------------- 7: a workbook that inflates past the limits

def _workbook(path: Path, rows: int = 1, sheet_tail: bytes | None = None, blank_rows_mib: int = 0) -> Path:
    """A real workbook (openpyxl), its sheet optionally padded with empty rows or broken off."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for i in range(rows):
        sheet.append([f"T-{i}", "one", "P1", "2026-11-22T00:00:00Z", None, None])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                cut = data.index(b"</sheetData>")
                with out.open(info.filename, "w", force_zip64=True) as fh:
                    fh.write(data[:cut])
                    for _ in range(blank_rows_mib):
                        fh.write(b"<row/>" * ((1 << 20) // 6))
                    fh.write(sheet_tail if sheet_tail is not None else data[cut:])
            else:
                out.writestr(info.filename, data)
    return path


def test_a_workbook_that_inflates_a_hundredfold_fails_before_it_is_parsed(alert_ws: Path, tmp_path: Path) -> None:
    bomb = _workbook(tmp_path / "bomb.xlsx", blank_rows_mib=40)  # 40 MiB of empty rows in ~60 KiB
    assert bomb.stat().st_size < 200_000
    result = run(alert_ws, "score", str(bomb), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "xl/worksheets/sheet1.xml inflates from" in result.stderr and "to 40.0 MiB" in result.stderr
    assert "more than 100 times its size" in result.stderr and "SLACTL_XLSX_MAX_RATIO" in result.stderr


def test_the_inflated_size_and_the_cells_have_limits_one_can_raise(alert_ws: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    book = _workbook(tmp_path / "tickets.xlsx", rows=20_000)  # about 2 MiB of sheet XML
    assert run(alert_ws, "score", str(book), "--as-of", AS_OF).exit_code == 0
    monkeypatch.setenv("SLACTL_XLSX_MAX_MB", "1")
    result = run(alert_ws, "score", str(book), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "inflates to more than 1.0 MiB (the limit for a workbook)" in result.stderr
    assert "SLACTL_XLSX_MAX_MB" in result.stderr
    monkeypatch.setenv("SLACTL_XLSX_MAX_MB", "100")
    monkeypatch.setenv("SLACTL_XLSX_MAX_CELLS", "1000")
    result = run(alert_ws, "score", str(book), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "more than 1,000 cells by row 250 (the limit for a sheet)" in result.stderr  # 6 + 249 x 4 cells
    assert "SLACTL_XLSX_MAX_CELLS" in result.stderr


def test_a_sheet_that_breaks_off_after_its_header_is_exit_2_naming_the_row(alert_ws: Path, tmp_path: Path) -> None:
    book = _workbook(tmp_path / "broken.xlsx", rows=3, sheet_tail=b"<row r='5'><c r='A5' t='inlineStr'><is>")
    result = run(alert_ws, "score", str(book), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "broken.xlsx cannot be read as an .xlsx workbook after row 4" in result.stderr


# ----------------------------------------------------------------- 8: counts that add up

_EXPORT8 = HEADER + "T-1,one,P1,2026-11-02T10:00:00Z,,\nT-2,one,P1,2026-11-02T10:00:00Z,,\n"
_HISTORY8 = ("ticket_id,changed_at,from,to\n"
             "T-2,2026-11-02T10:10:00Z,new,open\n"
             "T-9,2026-11-02T10:20:00Z,new,open\n"  # a ticket the export does not hold
             "T-2,not a time,open,pending\n")  # rejected


def test_explain_of_a_ticket_with_no_history_rows_says_so(alert_ws: Path, tmp_path: Path) -> None:
    export, history = tmp_path / "export.csv", tmp_path / "history.csv"
    export.write_text(_EXPORT8, encoding="utf-8")
    history.write_text(_HISTORY8, encoding="utf-8")
    result = run(alert_ws, "explain", "T-1", str(export), "--history", str(history), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "-1 status change" not in result.stdout
    assert f"History     no status change of this ticket in {history}: the clocks ran without pauses" \
        in result.stdout


def test_the_history_figures_add_up_to_its_rows(alert_ws: Path, tmp_path: Path) -> None:
    export, history = tmp_path / "export.csv", tmp_path / "history.csv"
    export.write_text(_EXPORT8, encoding="utf-8")
    history.write_text(_HISTORY8, encoding="utf-8")
    result = run(alert_ws, "score", str(export), "--history", str(history), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (f"{history}: 1 status change matched, 1 for tickets not in the export, 0 changes of other fields, "
            "1 rejected (3 rows)") in result.stderr
    data = json.loads(run(alert_ws, "score", str(export), "--history", str(history), "--as-of", AS_OF,
                          "--format", "json").stdout)["history"]
    assert data["rows"] == 3 and data["status_changes"] == 2
    assert data["matched_rows"] + data["unknown_ticket_rows"] + data["other_fields"] + 1 == data["rows"]


def test_dst_fold_warnings_count_each_rejected_row_once(alert_ws: Path, tmp_path: Path) -> None:
    """Rows the fast loop began and gave up on are parsed again by the careful path: once counted."""
    rows = [f"T-{i},one,P1,2026-10-20 10:00,2026-10-20 11:00,\n" for i in range(3000)]  # past the sample
    rows += ["R-1,one,P1,2026-10-25 02:30,25.10.2026 03:30,\n",  # rescued (another layout)
             "R-2,one,P1,2026-10-25 02:30,2026-10-25 02:40,\n",  # read
             "R-3,one,P1,2026-10-25 02:30,2026-10-25 01:00,\n",  # rejected: reply before creation
             "R-4,one,P1,2026-10-25 02:30,bad,\n",  # rejected: not a time
             "R-5,one,P1,2026-10-25 02:30,,,extra\n"]  # rejected before any time is read
    export = tmp_path / "export.csv"
    export.write_text(HEADER + "".join(rows), encoding="utf-8")
    result = run(alert_ws, "score", str(export), "--tz", "Europe/Berlin", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "created_at: 0 local time(s) fall in a DST gap (read with the offset before the gap) and 4 in a DST " \
           "fold" in result.stderr
    assert "first_response_at: 0 local time(s) fall in a DST gap (read with the offset before the gap) and 1 in " \
           "a DST fold" in result.stderr


# ----------------------------------------------------------------- 10: explain folds a long history

def test_explain_of_a_long_history_folds_it_and_says_how_much(tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from tests.conftest import BUNDLED

    start = datetime(2026, 10, 4, 12, 30, tzinfo=timezone.utc)
    flip = ["open", "waiting for customer"]
    history = tmp_path / "history.csv"
    history.write_text("ticket_id,changed_at,from,to\n" + "".join(
        f"T-10030,{(start + timedelta(seconds=i)).isoformat()},{flip[i % 2]},{flip[(i + 1) % 2]}\n"
        for i in range(20_000)), encoding="utf-8")
    from tests.conftest import ROOT

    result = run(BUNDLED, "explain", "T-10030", str(ROOT / "examples" / "generic.csv"), "--history", str(history),
                 "--as-of", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert "History     20,000 status changes from" in result.stdout
    assert "... 19,981 status changes folded (--format json lists each)" in result.stdout
    assert "stretches of open, paused and closed hours (--format json lists each)" in result.stdout
    assert len(result.stdout) < 10_000
    assert len(result.stdout.splitlines()) < 120


# ----------------------------------------------------------------- 11: first response and a closed stretch before a reopen

_PEER_EXPORT = HEADER + "T-1,one,P1,2026-11-02T10:00:00Z,,\n"
_PEER_HISTORY = ("ticket_id,changed_at,from,to\n"
                 "T-1,2026-11-02T10:20:00Z,new,pending\n"
                 "T-1,2026-11-02T10:40:00Z,pending,closed\n"
                 "T-1,2026-11-02T14:00:00Z,closed,open\n")  # never answered


def _first_response(ws: Path, tmp_path: Path, as_of: str) -> dict:  # type: ignore[type-arg]
    export, history = tmp_path / "export.csv", tmp_path / "history.csv"
    export.write_text(_PEER_EXPORT, encoding="utf-8")
    history.write_text(_PEER_HISTORY, encoding="utf-8")
    result = run(ws, "score", str(export), "--history", str(history), "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["tickets"][0]["first_response"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("as_of", ["2026-11-02T16:00:00Z", "2026-11-02T12:00:00Z"])  # after the reopen, before it
def test_a_policy_can_exclude_the_closed_stretch_from_first_response(alert_ws: Path, tmp_path: Path,
                                                                      as_of: str) -> None:
    (alert_ws / "all.yaml").write_text(WORKSPACE.replace(
        "  alert_at: 80\n", "  alert_at: 80\n  exclude_resolved_from_first_response: true\n", 1), encoding="utf-8")
    assert run(alert_ws, "validate").exit_code == 0
    fr = _first_response(alert_ws, tmp_path, as_of)
    # 10:00-10:40 open, 10:40-14:00 closed (not counted), then open: the hour falls due at 14:20
    assert fr["due_at"].startswith("2026-11-02T14:20:00")
    after = as_of.startswith("2026-11-02T16")
    assert fr["elapsed_minutes"] == (160.0 if after else 40.0)
    assert fr["paused_minutes"] == (200.0 if after else 80.0)
    assert fr["status"] == ("breached" if after else "pending")


def test_by_default_first_response_counts_the_closed_stretch_as_the_file_format_says(
        alert_ws: Path, tmp_path: Path) -> None:
    for as_of in ("2026-11-02T16:00:00Z", "2026-11-02T12:00:00Z"):
        fr = _first_response(alert_ws, tmp_path, as_of)
        assert fr["due_at"].startswith("2026-11-02T11:00:00") and fr["paused_minutes"] == 0.0


# ----------------------------------------------------------------- 10: small inconsistencies

@pytest.mark.parametrize("command", ["hours", "availability"])
def test_a_workbook_given_to_a_csv_only_command_is_told_to_save_it_as_csv(alert_ws: Path, tmp_path: Path,
                                                                          command: str) -> None:
    book = _workbook(tmp_path / "entries.xlsx")
    result = run(alert_ws, command, str(book), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "is a spreadsheet, not CSV; this file is read as CSV only: save the sheet as CSV" in result.stderr
    assert "save it as .xlsx" not in result.stderr


def test_explain_of_an_empty_id_says_it_is_empty(alert_ws: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_OPEN, encoding="utf-8")
    result = run(alert_ws, "explain", "", str(export), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "''" not in result.stderr and "the ticket id is empty" in result.stderr


def test_mapping_to_a_device_gives_mappings_own_advice(alert_ws: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_OPEN, encoding="utf-8")
    result = run(alert_ws, "mapping", str(export), "-o", "/dev/null", "--force")
    assert result.exit_code == 2
    assert "give --output - to write to standard output" in result.stderr
    assert "leave --output out" not in result.stderr  # that writes EXPORT.mapping.yaml


def test_alert_mail_carries_the_sender_name_and_reply_to(alert_ws: Path, tmp_path: Path, smtp: Recorder,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_open_tickets(1), encoding="utf-8")
    monkeypatch.setenv("SLACTL_MAIL_REPLY_TO", "two@addresses.example, b@x.example")
    result = run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail")
    assert result.exit_code == 2 and "SLACTL_MAIL_REPLY_TO must be one e-mail address" in result.stderr
    assert smtp.messages == [] and not state_file(alert_ws, "alerts").exists()
    monkeypatch.setenv("SLACTL_MAIL_REPLY_TO", "desk-team@provider.example")
    monkeypatch.setenv("SLACTL_MAIL_FROM_NAME", "ACME Service Desk")
    result = run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--mail")
    assert result.exit_code == 0, result.output
    assert smtp.messages
    for received in smtp.messages:
        assert received.message["Reply-To"] == "desk-team@provider.example"
        assert str(received.message["From"]).startswith("ACME Service Desk <")
        body = received.message.get_content().replace("\r\n", "\n")
        assert body.rstrip().endswith("-- \nACME Service Desk") and "automatic message" not in body  # signed as notify signs


def test_alert_writes_json_to_an_output_named_json(alert_ws: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(_open_tickets(1), encoding="utf-8")
    target = tmp_path / "alerts.json"
    result = run(alert_ws, "alert", str(export), "--as-of", AS_OF, "--dry-run", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["mode"]


@pytest.mark.parametrize("command,log", [("availability", "outages.csv"), ("calls", "calls.csv"),
                                         ("hours", "time-entries.csv")])
def test_a_quote_never_closed_in_a_log_swallows_nothing(tmp_path: Path, command: str, log: str) -> None:
    """Outage logs, call CSVs and time entries: the record is rejected naming the line its quote
    opens on, and the lines after it are read again (they vanished: 3 rows of 11, 2 calls of 73)."""
    from tests.conftest import BUNDLED, ROOT

    lines = (ROOT / "examples" / log).read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / log
    broken.write_text("".join(lines[:3] + ['"' + lines[3]] + lines[4:]), encoding="utf-8")
    args = ("--as-of", "2026-12-01T00:00:00Z", "--format", "json")
    clean = run(BUNDLED, command, str(ROOT / "examples" / log), *args)
    got = run(BUNDLED, command, str(broken), *args)
    assert clean.exit_code in (0, 1) and got.exit_code in (0, 1), got.output
    data, before = json.loads(got.stdout), json.loads(clean.stdout)
    reasons = [r["reason"] for r in data["rejected"]]
    assert any("line 4: a quoted field opens here and is never closed" in r and "read again" in r for r in reasons)
    assert len(data["rejected"]) == len(before["rejected"]) + 1
    if command == "calls":  # every other call is still read
        assert data["calls"] == before["calls"] - 1
    elif command == "hours":
        assert len(data["unassigned"]) == len(before["unassigned"]) - 1
    else:
        assert sum(r["outages"] for r in data["rows"]) >= sum(r["outages"] for r in before["rows"]) - 1
