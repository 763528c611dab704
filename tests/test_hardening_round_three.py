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
