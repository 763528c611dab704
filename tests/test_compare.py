"""What-if: ``score EXPORT --compare REF`` against another workspace folder and a git revision:
both compliances per objective equal those of scoring each workspace alone, and the flipped
list is exactly the ticket metrics whose status differs between the two scores."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import copy_bundled, BUNDLED, ROOT, run_in_workspace as run

GENERIC = ROOT / "examples" / "generic.csv"
AS_OF = "2026-11-22T12:00:00Z"


def _tighter(ws: Path) -> None:
    """The standard policy's P2 and P3 resolution halved, P3 first response doubled."""
    path = ws / "policies" / "standard.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (("      resolution: 16h", "      resolution: 8h"), ("      resolution: 40h", "      resolution: 20h"),
                     ("      first_response: 8h", "      first_response: 16h")):
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    here, there = tmp_path / "here", tmp_path / "there"
    copy_bundled(here)
    copy_bundled(there)
    _tighter(here)
    return here, there


def _score(ws: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    result = run(ws, "score", str(GENERIC), "--as-of", AS_OF, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _statuses(data: dict) -> dict[tuple[str, str], str]:  # type: ignore[type-arg]
    out = {}
    for t in data["tickets"]:
        for metric in ("first_response", "resolution"):
            out[(t["id"], metric)] = t[metric]["status"] if t[metric] else t["match"]
    return out


def _check(compared: dict, alone_here: dict, alone_there: dict) -> None:  # type: ignore[type-arg]
    cmp = compared["compare"]
    here = {(r["agreement"], r["priority"], r["metric"]): r["compliance_pct"] for r in alone_here["summary"]}
    there = {(r["agreement"], r["priority"], r["metric"]): r["compliance_pct"] for r in alone_there["summary"]}
    rows = {(r["agreement"], r["priority"], r["metric"]): r for r in cmp["objectives"]}
    assert set(rows) == set(here) | set(there)
    for k, r in rows.items():
        assert (r["compliance_pct"], r["other_compliance_pct"]) == (here.get(k), there.get(k))
    a, b = _statuses(alone_here), _statuses(alone_there)
    expected = sorted((tid, m, a[(tid, m)], b[(tid, m)]) for tid, m in a if a[(tid, m)] != b[(tid, m)])
    assert sorted((f["id"], f["metric"], f["status"], f["other_status"]) for f in cmp["flipped"]) == expected
    assert expected  # the change moved some verdicts
    moved = sum(r["met_to_breached"] + r["breached_to_met"] for r in cmp["objectives"])
    assert moved == sum(1 for _, _, x, y in expected if {x, y} == {"met", "breached"})
    # the score itself is this workspace's, untouched by the comparison
    assert compared["summary"] == alone_here["summary"] and compared["tickets"] == alone_here["tickets"]


def test_compare_with_another_workspace_folder(pair: tuple[Path, Path]) -> None:
    here, there = pair
    compared = _score(here, "--compare", str(there))
    assert compared["compare"]["ref"] == f"workspace {there}"
    _check(compared, _score(here), _score(there))


def test_compare_with_a_git_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    copy_bundled(repo)
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "agreed"], check=True)
    before = _score(repo)
    _tighter(repo)  # the proposal, not committed
    compared = _score(repo, "--compare", "HEAD")
    assert compared["compare"]["ref"].startswith("revision HEAD (")
    _check(compared, _score(repo), before)


def test_compare_text_is_side_by_side(pair: tuple[Path, Path]) -> None:
    here, there = pair
    result = run(here, "score", str(GENERIC), "--as-of", AS_OF, "--format", "text", "--compare", str(there))
    assert result.exit_code == 0
    tail = result.stdout.split("Compared with", 1)[1]
    assert "here %" in tail and "REF %" in tail and "met→breached" in tail
    assert "Verdicts that differ:" in tail


def test_compare_refusals(pair: tuple[Path, Path], tmp_path: Path) -> None:
    here, there = pair
    bad_format = run(here, "score", str(GENERIC), "--as-of", AS_OF, "--format", "csv", "--compare", str(there))
    assert bad_format.exit_code == 2 and "--compare goes with" in bad_format.output
    nowhere = run(here, "score", str(GENERIC), "--as-of", AS_OF, "--format", "json", "--compare", "HEAD")
    assert nowhere.exit_code == 2 and "not in a git repository" in nowhere.output
    broken = tmp_path / "broken"
    copy_bundled(broken)
    (broken / "bad.yaml").write_text("apiVersion: slactl/v1\nkind: Policy\nmetadata: {name: x}\nspec: {rules: 3}\n")
    refused = run(here, "score", str(GENERIC), "--as-of", AS_OF, "--format", "json", "--compare", str(broken))
    assert refused.exit_code == 2 and "do not validate" in refused.output


def test_report_compare_shows_each_objective_under_both_terms(pair: tuple[Path, Path]) -> None:
    from slactl.i18n import percent

    here, there = pair
    args = ("report", str(GENERIC), "--as-of", AS_OF, "--period", "2026-11", "--customer", "acme")
    data = json.loads(run(here, *args, "--format", "json", "--compare", str(there)).stdout)
    alone = json.loads(run(there, *args, "--format", "json").stdout)
    section, other = data["sections"][0], alone["sections"][0]
    table = section["extras"]["compare"]
    assert table["title"] == "Compared with other terms (there)"
    theirs = {(o["priority"], o["metric"]): o["compliance_pct"] for o in other["objectives"]}
    words = {"first response": "first_response", "resolution": "resolution"}
    mine_by = {(o["priority"], o["metric"]): o["compliance_pct"] for o in section["objectives"]}
    for priority, metric, _mine, shown, diff in table["rows"]:
        value = theirs.get((priority, words[metric]))
        assert shown == ("–" if value is None else percent("en", value)), (priority, metric)
        mine = mine_by.get((priority, words[metric]))
        if mine is not None and value is not None:  # percentage points, signed, as the language writes them
            gap = round(mine - value, 1)
            sign = "+" if gap > 0 else "−" if gap < 0 else ""
            assert diff == f"{sign}{abs(gap):g} pp", (priority, metric, diff)
    ru = run(here, *args, "--format", "text", "--lang", "ru", "--compare", str(there)).stdout
    assert "Сравнение с другими условиями (there)" in ru
    assert "п. п." in ru and " pp" not in ru and "+0.0" not in ru
