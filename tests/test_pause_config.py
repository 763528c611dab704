"""`pause` and `resolved_statuses` in the file format: validation, and how a rule's terms resolve them."""
from __future__ import annotations

from pathlib import Path

from slactl.core.matching import Matcher
from slactl.workspace.loader import load_workspace

POLICY = """\
apiVersion: slactl/v1
kind: Policy
metadata:
  name: standard
spec:
  pause:
    resolution: [Pending, "waiting for customer "]
    first_response: [on-hold]
  rules:
    - priority: P1
      resolution: 4h
      pause: {resolution: []}
    - priority: P2
      resolution: 8h
"""
AGREEMENT = """\
apiVersion: slactl/v1
kind: Agreement
metadata:
  name: acme
spec:
  customer: {id: acme}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: standard
  resolved_statuses: [Done]
  pause:
    first_response: [pending]
"""


def write(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_pause_resolves_per_metric_rule_then_agreement_then_policy(tmp_path):
    loaded = load_workspace(str(write(tmp_path, policy=POLICY, agreement=AGREEMENT)))
    assert not loaded.errors
    m = Matcher(loaded.workspace)
    ag = loaded.workspace.agreements["acme"]
    p1, p2 = m.terms(ag, "P1"), m.terms(ag, "p2")
    assert p1 is not None and p2 is not None
    # the rule empties resolution only; first response comes from the agreement
    assert p1.pauses.resolution == frozenset() and p1.pauses.first_response == {"pending"}
    assert p2.pauses.resolution == {"pending", "waiting for customer"}
    assert p2.pauses.resolved == {"done"}  # the agreement's list replaces the default
    assert p2.pause_sources == ("agreement 'acme'", "policy 'standard'")


def test_unknown_metric_under_pause_is_an_error_with_position_and_hint(tmp_path, run_line):
    bad = POLICY.replace("    first_response: [on-hold]", "    first_respons: [on-hold]")
    ws = write(tmp_path, policy=bad)
    result = run_line("-w", str(ws), "validate")
    assert result.exit_code == 1
    assert "policy.yaml:8:5: error[unknown-key] unknown key 'first_respons' in spec.pause " \
           "(did you mean 'first_response'?)" in result.stdout


def test_status_both_paused_and_resolved_is_a_warning(tmp_path, run_line):
    text = AGREEMENT.replace("first_response: [pending]", "first_response: [pending, DONE]")
    ws = write(tmp_path, policy=POLICY, agreement=text)
    result = run_line("-w", str(ws), "validate")
    assert "agreement.yaml:11:31: warning[paused-and-resolved] status 'DONE' pauses first_response" in result.stdout
    assert result.exit_code == 0


def test_pause_must_be_a_list_of_names(tmp_path, run_line):
    ws = write(tmp_path, policy=POLICY.replace("[on-hold]", "on-hold"))
    result = run_line("-w", str(ws), "validate")
    assert result.exit_code == 1
    assert "spec.pause.first_response must be a list" in result.stdout
