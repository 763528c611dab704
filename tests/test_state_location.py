"""The notices' and alerts' state live outside the workspace; an old state in it is moved, never lost."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from slactl.mail import location
from tests.conftest import run_in_workspace as run, state_file
from tests.test_notify import AS_OF, Recorder, smtp  # noqa: F401  (the fixture)

SENT_BEFORE = {"expiry:globex-premium-2026:2026-11-30:14": {"at": "2026-11-21T07:00:00+00:00"},
               "expiry:acme-support-2026:2026-12-31:60": {"at": "2026-11-21T07:00:00+00:00"}}


def files_of(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_notify_leaves_no_file_in_the_workspace(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    before = files_of(ws)
    result = run(ws, "notify", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert len(smtp.messages) == 2
    assert files_of(ws) == before
    where = Path(os.environ["XDG_STATE_HOME"]) / "slactl" / location.workspace_key(str(ws)) / "notices.json"
    assert where == state_file(ws)
    assert set(json.loads(where.read_text())["sent"]) >= set(SENT_BEFORE)
    assert Path(str(where) + ".lock").exists() and not any(n.startswith(".") for n in files_of(ws))
    again = run(ws, "notify", "--as-of", AS_OF)
    assert again.exit_code == 0 and len(smtp.messages) == 2  # remembered: nothing sent twice


def test_alert_state_goes_to_the_state_directory(ws: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    result = run(ws, "alert", str(examples / "generic.csv"), "--as-of", "2026-11-23T09:00:00Z")
    assert result.exit_code == 0, result.output
    assert "T-10297" in result.output
    assert json.loads(state_file(ws, "alerts").read_text())["sent"]
    assert not any(n.startswith(".") for n in files_of(ws))
    again = run(ws, "alert", str(examples / "generic.csv"), "--as-of", "2026-11-23T09:00:00Z")
    assert "T-10297" not in again.output


def test_environment_and_option_choose_the_place(ws: Path, smtp: Recorder, tmp_path: Path,  # noqa: F811
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACTL_STATE_DIR", str(tmp_path / "ci-cache"))
    assert run(ws, "notify", "--as-of", AS_OF).exit_code == 0
    assert set(json.loads((tmp_path / "ci-cache" / "notices.json").read_text())["sent"]) >= set(SENT_BEFORE)
    explicit = tmp_path / "mine.json"
    assert run(ws, "notify", "--as-of", AS_OF, "--state", str(explicit)).exit_code == 0
    assert len(smtp.messages) == 4  # a new, empty state: sent again
    assert explicit.exists() and Path(str(explicit) + ".lock").exists()


def test_an_old_state_in_the_workspace_is_moved_once_and_nothing_is_sent_again(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    old = ws / ".slactl-state.json"
    old.write_text(json.dumps({"version": 1, "sent": SENT_BEFORE, "partial": {}}))
    (ws / ".slactl-state.json.lock").write_text("")
    result = run(ws, "notify", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert smtp.messages == []  # both notices were sent by the older slactl
    assert result.output.count("moved the state file") == 1 and str(state_file(ws)) in result.output
    assert not old.exists() and not (ws / ".slactl-state.json.lock").exists()
    assert set(json.loads(state_file(ws).read_text())["sent"]) == set(SENT_BEFORE)
    later = run(ws, "notify", "--as-of", AS_OF)
    assert "moved" not in later.output and "note" not in later.output


def test_a_dry_run_reads_the_old_state_where_it_is(ws: Path) -> None:
    old = ws / ".slactl-state.json"
    old.write_text(json.dumps({"version": 1, "sent": SENT_BEFORE, "partial": {}}))
    result = run(ws, "notify", "--as-of", AS_OF, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "using the state file" in result.output and "message 1 of" not in result.output
    assert old.exists() and not state_file(ws).exists()


def test_an_old_journal_moves_with_its_state(tmp_path: Path) -> None:
    ws = tmp_path / "agreements"
    ws.mkdir()
    (ws / ".slactl-alerts.json").write_text("{}")
    (ws / ".slactl-alerts.json.journal").write_text('{"key": "k", "sent": {}}\n')
    env = {"XDG_STATE_HOME": str(tmp_path / "state")}
    place = location.resolve(str(ws), location.ALERTS, None, env)
    assert place.path == location.default_path(str(ws), location.ALERTS, env) and "moved" in (place.note or "")
    assert Path(place.path + ".journal").read_text().startswith('{"key"')
    assert sorted(os.listdir(ws)) == []


def test_both_places_holding_a_state_keeps_the_new_one_and_says_so(tmp_path: Path) -> None:
    ws = tmp_path / "agreements"
    ws.mkdir()
    env = {"XDG_STATE_HOME": str(tmp_path / "state")}
    new = Path(location.default_path(str(ws), location.NOTICES, env))
    new.parent.mkdir(parents=True)
    new.write_text("{}")
    (ws / ".slactl-state.json").write_text("{}")
    place = location.resolve(str(ws), location.NOTICES, None, env)
    assert place.path == str(new) and "is not read" in (place.note or "")
    assert (ws / ".slactl-state.json").exists()


def test_workspaces_of_the_same_name_do_not_share_a_state(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    (tmp_path / "a" / "agreements").mkdir(parents=True)
    (tmp_path / "b" / "agreements").mkdir(parents=True)
    one = location.default_path(str(tmp_path / "a" / "agreements"), location.NOTICES, env)
    two = location.default_path(str(tmp_path / "b" / "agreements"), location.NOTICES, env)
    assert one != two and os.path.basename(os.path.dirname(one)).startswith("agreements-")
    rel = os.path.relpath(tmp_path / "a" / "agreements")
    assert location.default_path(rel, location.NOTICES, env) == one  # relative or absolute: one key
    home = location.default_path(str(tmp_path / "a" / "agreements"), location.NOTICES, {"HOME": str(tmp_path)})
    assert home.startswith(str(tmp_path / ".local" / "state" / "slactl"))


def test_a_state_directory_that_cannot_be_made_is_exit_2(ws: Path, smtp: Recorder, tmp_path: Path,  # noqa: F811
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SLACTL_STATE_DIR", str(blocker / "state"))
    result = run(ws, "notify", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "cannot create the state directory" in result.output and "SLACTL_STATE_DIR" in result.output
    assert smtp.messages == []
