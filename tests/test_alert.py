"""slactl alert against a real SMTP server on loopback (aiosmtpd): three runs at advancing --as-of."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import state_file, run_in_workspace as run
from tests.test_notify import Recorder, _serve

WORKSPACE = """apiVersion: slactl/v1
kind: Policy
metadata: {name: fast}
spec:
  alert_at: 80
  rules:
    - {priority: P1, first_response: 1h, resolution: 4h}
    - {priority: P2, first_response: 1h, resolution: 4h, alert_at: 50}
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: one-2026}
spec:
  customer: {id: one}
  manager: {name: Mia One, email: mia@provider.example}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: fast
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: two-2026}
spec:
  customer: {id: two}
  manager: {name: Tom Two, email: tom@provider.example}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: fast
  alert_at: 90
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: three-2026}
spec:
  customer: {id: three}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: fast
"""

EXPORT = """id,customer,priority,created_at,first_response_at,resolved_at
A-1,one,P1,2026-11-22T00:00:00Z,,
A-2,one,P1,2026-11-22T00:00:00Z,2026-11-22T00:30:00Z,
A-3,one,P2,2026-11-22T00:00:00Z,2026-11-22T00:10:00Z,
B-1,two,P1,2026-11-22T01:00:00Z,,
C-1,three,P1,2026-11-22T00:00:00Z,,
"""

T1, T2, T4 = "2026-11-22T00:50:00Z", "2026-11-22T01:10:00Z", "2026-11-22T04:00:00Z"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    monkeypatch.setenv("SLACTL_ALERT_TO", "desk@provider.example")
    yield from _serve(monkeypatch)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "all.yaml").write_text(WORKSPACE, encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    return ws, export


def items(rec: Recorder) -> dict[str, list[str]]:
    """Recipient -> the item lines of every message it got, in order."""
    out: dict[str, list[str]] = {}
    for r in rec.messages:
        assert len(r.rcpt_tos) == 1
        body = r.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        lines = [ln.strip()[2:] for ln in body.splitlines() if ln.strip().startswith("- ")]
        out.setdefault(r.rcpt_tos[0], []).extend(lines)
    return out


def keys(lines: list[str]) -> set[tuple[str, str]]:
    return {(ln.split(" ")[0], "first response" if "first response" in ln else "resolution") for ln in lines}


def test_three_runs_mail_each_manager_only_what_is_new(setup: tuple[Path, Path], smtp: Recorder) -> None:
    ws, export = setup
    # 00:50: A-1 has used 50 of 60 min (83 % >= the policy's 80); C-1 too; A-3's P2 rule says 50 %
    # but it was answered; A-2 was answered
    first = run(ws, "alert", str(export), "--as-of", T1, "--mail")
    assert first.exit_code == 0, first.output
    got = items(smtp)
    assert set(got) == {"mia@provider.example", "desk@provider.example"}
    assert keys(got["mia@provider.example"]) == {("A-1", "first response")}
    assert "10 min left" in got["mia@provider.example"][0] and "due 2026-11-22 01:00 UTC" in got["mia@provider.example"][0]
    assert keys(got["desk@provider.example"]) == {("C-1", "first response")}  # no manager: SLACTL_ALERT_TO
    assert smtp.messages[0].message["Subject"] == "[slactl] SLA alert: 1 newly at risk"

    # 01:10: A-1 and C-1 are breached now (new state, so news); B-1 is 10 min old (17 %)
    smtp.messages.clear()
    second = run(ws, "alert", str(export), "--as-of", T2, "--mail")
    assert second.exit_code == 0, second.output
    got = items(smtp)
    assert keys(got["mia@provider.example"]) == {("A-1", "first response")}
    assert "over by 10 min" in got["mia@provider.example"][0]
    assert keys(got["desk@provider.example"]) == {("C-1", "first response")}
    assert "tom@provider.example" not in got

    # the same instant again: nothing new, nothing sent, nothing printed (stdout is not a terminal)
    smtp.messages.clear()
    again = run(ws, "alert", str(export), "--as-of", T2, "--mail")
    assert again.exit_code == 0 and again.stdout == "" and smtp.messages == []

    # 04:00: A-1's resolution has used 240 of 240 min (pending, at risk); A-2's too; B-1's first
    # response is 2 h over (breached) and its resolution at 75 %, under two-2026's own 90 %
    third = run(ws, "alert", str(export), "--as-of", T4, "--mail")
    assert third.exit_code == 0, third.output
    got = items(smtp)
    assert keys(got["mia@provider.example"]) == {("A-1", "resolution"), ("A-2", "resolution"),
                                                   ("A-3", "resolution")}
    assert keys(got["tom@provider.example"]) == {("B-1", "first response")}
    assert keys(got["desk@provider.example"]) == {("C-1", "resolution")}
    assert sum(len(v) for v in got.values()) == 5  # nothing mailed twice
    state = json.loads(state_file(ws, "alerts").read_text(encoding="utf-8"))
    assert "first_response:breached:A-1" in state["sent"] and "first_response:at_risk:A-1" in state["sent"]
    assert state["sent"]["first_response:breached:B-1"]["to"] == "tom@provider.example"


def test_text_output_lists_the_new_items_and_json_has_the_contract_keys(setup: tuple[Path, Path]) -> None:
    ws, export = setup
    result = run(ws, "alert", str(export), "--as-of", T2, "--format", "json")
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-11-22T01:10:00+00:00"
    a1 = next(i for i in data["new"] if i["ticket"] == "A-1")
    assert {k: a1[k] for k in ("agreement", "manager", "metric", "state", "elapsed_minutes", "target_minutes",
                               "due_at")} == {
        "agreement": "one-2026", "manager": "mia@provider.example", "metric": "first_response",
        "state": "breached", "elapsed_minutes": 70.0, "target_minutes": 60.0, "due_at": "2026-11-22T01:00:00+00:00"}
    # listing records too: the next run at the same instant has nothing new
    assert json.loads(run(ws, "alert", str(export), "--as-of", T2, "--format", "json").stdout)["new"] == []
    text = run(ws, "alert", str(export), "--as-of", T4).stdout
    assert text.startswith("New as of 2026-11-22 04:00 UTC: 1 breached, 4 at risk")
    assert "breached: B-1 (two), two-2026 P1: first response - due 2026-11-22 02:00 UTC, over by 2 h" in text


def test_baseline_records_without_mailing(setup: tuple[Path, Path], smtp: Recorder) -> None:
    ws, export = setup
    result = run(ws, "alert", str(export), "--as-of", T2, "--baseline")
    assert result.exit_code == 0 and "Recorded 2 item(s)" in result.stdout
    assert smtp.messages == []
    assert run(ws, "alert", str(export), "--as-of", T2, "--mail").stdout == ""
    assert smtp.messages == []
    run(ws, "alert", str(export), "--as-of", T4, "--mail")
    assert ("A-1", "first response") not in keys(items(smtp).get("mia@provider.example", []))
    assert keys(items(smtp)["tom@provider.example"]) == {("B-1", "first response")}


def test_dry_run_sends_and_records_nothing(setup: tuple[Path, Path], smtp: Recorder) -> None:
    ws, export = setup
    result = run(ws, "alert", str(export), "--as-of", T2, "--mail", "--dry-run")
    assert result.exit_code == 0
    assert "dry run: not sent, not recorded" in result.stdout and "To: mia@provider.example" in result.stdout
    assert smtp.messages == [] and not state_file(ws, "alerts").exists()


def test_only_resolved_tickets_are_pruned_and_absent_ones_after_the_retention(setup: tuple[Path, Path],
                                                                             smtp: Recorder) -> None:
    ws, export = setup
    run(ws, "alert", str(export), "--as-of", T2, "--mail")
    state = state_file(ws, "alerts")
    sent = lambda: json.loads(state.read_text(encoding="utf-8"))["sent"]  # noqa: E731
    assert any(k.endswith(":C-1") for k in sent()) and any(k.endswith(":A-1") for k in sent())
    # C-1 left the export (a partial pull?): its record stays; A-1 is resolved now: its at-risk record
    # goes, its breach (still breached after the fact) stays so it is not mailed again
    lines = [ln for ln in EXPORT.splitlines() if not ln.startswith("C-1")]
    lines = [ln.replace("2026-11-22T00:00:00Z,,", "2026-11-22T00:00:00Z,,2026-11-22T01:05:00Z")
             if ln.startswith("A-1") else ln for ln in lines]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    smtp.messages.clear()
    assert run(ws, "alert", str(export), "--as-of", T2, "--mail").exit_code == 0
    assert smtp.messages == []
    assert {k for k in sent() if k.endswith(":C-1")} == {"first_response:breached:C-1"}
    assert {k for k in sent() if k.endswith(":A-1")} == {"first_response:breached:A-1"}
    # C-1 was recorded more than the retention (180 days) ago and is still absent: its record goes
    data = json.loads(state.read_text(encoding="utf-8"))
    data["sent"]["first_response:breached:C-1"]["at"] = "2020-01-01T00:00:00+00:00"
    state.write_text(json.dumps(data), encoding="utf-8")
    assert run(ws, "alert", str(export), "--as-of", T2).exit_code == 0
    assert not any(k.endswith(":C-1") for k in sent()) and "first_response:breached:A-1" in sent()


def test_the_retention_counts_from_the_last_export_that_showed_the_ticket(setup: tuple[Path, Path],
                                                                          smtp: Recorder) -> None:
    """A long-open breach recorded long ago is kept through one pull that lacks it: its ticket was
    in every export until then (it was dropped, and mailed again on the next full pull)."""
    ws, export = setup
    run(ws, "alert", str(export), "--as-of", T2, "--mail")
    state = state_file(ws, "alerts")
    data = json.loads(state.read_text(encoding="utf-8"))
    for record in data["sent"].values():
        record["at"] = "2020-01-01T00:00:00+00:00"  # recorded years ago, open ever since
    state.write_text(json.dumps(data), encoding="utf-8")
    assert run(ws, "alert", str(export), "--as-of", T2, "--mail").exit_code == 0  # a normal run sees them all
    before = set(json.loads(state.read_text(encoding="utf-8"))["sent"])
    full = export.read_text(encoding="utf-8")
    export.write_text("\n".join(ln for ln in full.splitlines() if not ln.startswith("C-1")) + "\n", encoding="utf-8")
    assert run(ws, "alert", str(export), "--as-of", T2, "--mail").exit_code == 0  # C-1 missing from this pull
    export.write_text(full, encoding="utf-8")
    smtp.messages.clear()
    assert run(ws, "alert", str(export), "--as-of", T2, "--mail").exit_code == 0
    assert smtp.messages == [] and set(json.loads(state.read_text(encoding="utf-8"))["sent"]) == before


def test_a_refused_manager_is_retried_and_the_others_are_not(setup: tuple[Path, Path], smtp: Recorder) -> None:
    ws, export = setup
    smtp.refuse.add("mia@provider.example")
    result = run(ws, "alert", str(export), "--as-of", T2, "--mail")
    assert result.exit_code == 1
    assert "not delivered to mia@provider.example" in result.stderr and "retried on the next run" in result.stderr
    assert set(items(smtp)) == {"desk@provider.example"}
    smtp.refuse.clear()
    smtp.messages.clear()
    assert run(ws, "alert", str(export), "--as-of", T2, "--mail").exit_code == 0
    assert set(items(smtp)) == {"mia@provider.example"}


def test_no_manager_and_no_fallback_is_an_error(setup: tuple[Path, Path], smtp: Recorder,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ws, export = setup
    monkeypatch.delenv("SLACTL_ALERT_TO")
    result = run(ws, "alert", str(export), "--as-of", T2, "--mail")
    assert result.exit_code == 1
    assert "three-2026: ticket C-1 not mailed: the agreement has no manager e-mail and SLACTL_ALERT_TO" in result.stderr
    assert set(items(smtp)) == {"mia@provider.example"}


def test_usage_errors(setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    ws, export = setup
    monkeypatch.delenv("SLACTL_SMTP_HOST", raising=False)
    assert "SLACTL_SMTP_HOST is not set" in run(ws, "alert", str(export), "--mail").stderr
    assert run(ws, "alert", str(export), "--baseline", "--mail").exit_code == 2
    assert run(ws, "alert", str(export), "--format", "csv").exit_code == 2


def test_alert_at_resolves_rule_then_agreement_then_policy_then_75() -> None:
    from slactl.core.alerts import alert_at
    from slactl.core.model import Agreement, Customer, Policy, Rule, Workspace
    from datetime import date

    rule, strict = Rule("P1"), Rule("P2", alert_at=50)
    policy = Policy("p", rules=(rule,), alert_at=80)
    plain = Agreement("a", Customer("c"), date(2026, 1, 1), date(2026, 12, 31), policy="p")
    own = Agreement("b", Customer("c"), date(2026, 1, 1), date(2026, 12, 31), policy="p", alert_at=90)
    ws = Workspace("w", {}, {"p": policy}, {}, {"a": plain, "b": own})
    assert alert_at(ws, plain, rule) == 80
    assert alert_at(ws, own, rule) == 90
    assert alert_at(ws, own, strict) == 50
    bare = Workspace("w", {}, {"p": Policy("p", rules=(rule,))}, {}, {"a": plain})
    assert alert_at(bare, plain, rule) == 75
