"""slactl diff in a temporary git repository: each changed target named in words."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import copy_bundled, BUNDLED, run_in_workspace as run


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   check=True, capture_output=True)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose folder 'agreements' is the bundled workspace, committed once."""
    root = tmp_path / "repo"
    root.mkdir()
    copy_bundled(root / "agreements")
    (root / "README.txt").write_text("not an agreement\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first")
    return root / "agreements"


def _lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[1:]


def test_diff_names_each_changed_target_against_head(repo: Path) -> None:
    _edit(repo / "policies" / "standard.yaml", "      resolution: 16h", "      resolution: 8h")
    _edit(repo / "calendars" / "msk-business.yaml", "dates: [2026-12-31]", "dates: [2026-12-31, 2027-01-09]")
    _edit(repo / "customers" / "acme.yaml", "compliance_target: 97 ", "compliance_target: 98 ")
    lines = _lines(run(repo, "diff"))
    assert "acme-support-2026: P2 resolution 16 h → 8 h (policy standard)" in lines
    assert "acme-support-2026: compliance target 97% → 98%" in lines
    assert "policy standard: P2 resolution 16 h → 8 h" in lines
    assert "calendar msk-business: holiday 2027-01-09 added" in lines
    # premium-policy agreements are untouched
    assert not any(line.startswith("globex-premium-2026") for line in lines)


def test_diff_between_two_revisions_and_documents_added_or_removed(repo: Path) -> None:
    top = repo.parent
    _edit(repo / "calendars" / "msk-business.yaml", "dates: [2026-12-31]", "dates: []")
    (repo / "services" / "extra.yaml").write_text(
        "apiVersion: slactl/v1\nkind: Service\nmetadata: {name: fax}\nspec: {description: Fax}\n")
    _git(top, "add", "-A")
    _git(top, "commit", "-qm", "second")
    _edit(repo / "policies" / "premium.yaml", "first_response:", "first_response: 5m\n      # was:")
    lines = _lines(run(repo, "diff", "HEAD~1", "HEAD"))
    assert "calendar msk-business: holiday 2026-12-31 removed" in lines
    assert "service fax added" in lines
    assert not any("premium" in line for line in lines)  # the uncommitted edit is not between the revisions
    data = json.loads(run(repo, "diff", "HEAD~1", "--format", "json").stdout)
    kinds = {(d["kind"], d["name"], d["state"]) for d in data["documents"]}
    assert ("Service", "fax", "added") in kinds and ("Calendar", "msk-business", "changed") in kinds


def test_diff_json_gives_minutes_and_where_the_rule_is(repo: Path) -> None:
    _edit(repo / "customers" / "acme.yaml", "  policy: standard\n",
          "  policy: standard\n  rules:\n    - {priority: P2, first_response: 1h, resolution: 16h}\n")
    data = json.loads(run(repo, "diff", "--format", "json").stdout)
    acme = next(d for d in data["documents"] if d["name"] == "acme-support-2026")
    assert acme["changes"] == [{"key": "first_response", "priority": "P2", "old": 120.0, "new": 60.0,
                                "via": "agreement", "text": "P2 first response 2 h → 1 h (the agreement's own rule)"}]


def test_no_changes_and_errors(repo: Path, tmp_path: Path) -> None:
    result = run(repo, "diff")
    assert result.exit_code == 0 and result.stdout.startswith("no changes")
    bad = run(repo, "diff", "no-such-rev")
    assert bad.exit_code == 2 and "'no-such-rev' is not a revision" in bad.output
    loose = tmp_path / "loose"
    copy_bundled(loose)
    out = run(loose, "diff")
    assert out.exit_code == 2 and "is not in a git repository" in out.output
    assert "Traceback" not in out.output


def test_diff_names_an_added_amendment_and_what_it_changes(repo: Path) -> None:
    _edit(repo / "customers" / "acme.yaml", "  policy: standard\n",
          "  policy: standard\n  amendments:\n    - effective: 2026-07-01\n      note: faster P2\n"
          "      rules: [{priority: P2, resolution: 8h}]\n")
    lines = _lines(run(repo, "diff"))
    assert lines == ["acme-support-2026: amendment from 2026-07-01 added: P2 resolution 16 h → 8 h (as amended)"]
    top = repo.parent
    _git(top, "commit", "-qam", "amended")
    _edit(repo / "customers" / "acme.yaml", "resolution: 8h}", "resolution: 6h}")
    # the edit itself (8 h → 6 h), not what the amendment does (16 h → 6 h)
    assert _lines(run(repo, "diff")) == [
        "acme-support-2026: amendment from 2026-07-01 changed: P2 resolution 8 h → 6 h (as amended)"]


def test_diff_of_one_amendment_names_that_edit_alone(repo: Path) -> None:
    """An edit of one amendment leaves the others out (each was listed as changed), and a note's
    edit is said as such."""
    _edit(repo / "customers" / "acme.yaml", "  policy: standard\n",
          "  policy: standard\n  amendments:\n    - effective: 2026-07-01\n      note: faster P2\n"
          "      rules: [{priority: P2, resolution: 8h}]\n    - effective: 2026-10-01\n      note: target raised\n"
          "      compliance_target: 99\n")
    _git(repo.parent, "commit", "-qam", "amended twice")
    _edit(repo / "customers" / "acme.yaml", "compliance_target: 99", "compliance_target: 98")
    assert _lines(run(repo, "diff")) == [
        "acme-support-2026: amendment from 2026-10-01 changed: compliance target 99% → 98%"]
    _git(repo.parent, "commit", "-qam", "98")
    _edit(repo / "customers" / "acme.yaml", "note: faster P2", "note: P2 faster from July")
    (line,) = _lines(run(repo, "diff"))
    assert line.startswith("acme-support-2026: amendment from 2026-07-01 changed: note") and "P2 faster from July" in line
