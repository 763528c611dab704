"""Lifecycle: computed status, expiring selection, due notices and the list/expiring commands."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from slactl import cli
from slactl.cli import lifecycle as cli_lifecycle
from slactl.core.lifecycle import (
    activation_notice, display_status, due_notices, expired_notice, expiry_notice, is_expiring, parse_within,
    status,
)
from slactl.core.model import Agreement, Customer, Manager


from tests.conftest import run_in_workspace as run  # noqa: E402

from tests.conftest import BUNDLED  # noqa: E402
AS_OF = "2026-11-22"




def ag(start: str = "2026-01-01", end: str = "2026-12-31", st: str = "auto",
       notice: tuple[int, ...] = ()) -> Agreement:
    return Agreement(name="x-2026", customer=Customer("x", "X", contacts=("a@x.example",)),
                     start=date.fromisoformat(start), end=date.fromisoformat(end), status=st,
                     manager=Manager("M", "m@provider.example"), notice_days=notice)


D = date.fromisoformat


# ---------------------------------------------------------------- pure lifecycle

@pytest.mark.parametrize(("declared", "as_of", "expected"), [
    ("auto", "2025-12-31", "planned"),
    ("auto", "2026-01-01", "active"),      # start day is in force
    ("auto", "2026-12-31", "active"),      # so is the end day
    ("auto", "2027-01-01", "expired"),
    ("suspended", "2026-06-01", "suspended"),
    ("suspended", "2027-06-01", "suspended"),  # suspended/terminated win over the dates
    ("terminated", "2025-06-01", "terminated"),
    ("planned", "2026-06-01", "planned"),  # manual override of the dates
    ("active", "2025-06-01", "active"),
    ("active", "2027-06-01", "active"),
])
def test_status(declared: str, as_of: str, expected: str) -> None:
    assert status(ag(st=declared), D(as_of)) == expected


def test_expiring_window_defaults_to_largest_notice_days() -> None:
    a = ag(notice=(7, 60, 30))
    assert is_expiring(a, D("2026-11-01"))          # 60 days left
    assert not is_expiring(a, D("2026-10-31"))      # 61
    assert is_expiring(a, D("2026-12-31"))          # 0: the last day
    assert not is_expiring(a, D("2027-01-01"))      # expired
    assert display_status(a, D("2026-11-01")) == "expiring"
    default = ag()  # no notice_days: 30
    assert is_expiring(default, D("2026-12-01")) and not is_expiring(default, D("2026-11-30"))
    assert is_expiring(default, D("2026-11-30"), within=31)
    assert not is_expiring(ag(st="suspended"), D("2026-12-30"))
    assert not is_expiring(ag(st="planned"), D("2026-12-30"))


@pytest.mark.parametrize(("text", "days"), [("30d", 30), ("30", 30), ("2w", 14), (" 7D ", 7), ("P2W", 14),
                                            ("P10D", 10), ("0", 0)])
def test_parse_within(text: str, days: int) -> None:
    assert parse_within(text) == days


@pytest.mark.parametrize("text", ["", "30h", "-1", "d", "1.5d", "thirty"])
def test_parse_within_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_within(text)


def test_expiry_notice_thresholds_and_catch_up() -> None:
    a = ag(notice=(60, 30, 7))
    assert expiry_notice(a, D("2026-10-31"), set()) is None            # 61 days: not yet
    first = expiry_notice(a, D("2026-11-01"), set())
    assert first is not None and first.threshold == 60 and first.supersedes == ()
    assert expiry_notice(a, D("2026-11-15"), {first.key}) is None      # 46 days: 60 already sent
    late = expiry_notice(a, D("2026-12-28"), set())                    # first run 3 days before the end
    assert late is not None and late.threshold == 7
    assert set(late.supersedes) == {"expiry:x-2026:2026-12-31:30", "expiry:x-2026:2026-12-31:60"}
    assert expiry_notice(a, D("2026-12-29"), {late.key, *late.supersedes}) is None


def test_activation_and_expired_notices_are_fresh_news_only() -> None:
    a = ag()
    assert activation_notice(a, D("2026-01-01"), set()) is not None
    assert activation_notice(a, D("2026-01-08"), set()) is not None
    assert activation_notice(a, D("2026-01-09"), set()) is None         # more than 7 days ago
    assert activation_notice(a, D("2025-12-31"), set()) is None         # not started
    assert activation_notice(ag(st="planned"), D("2026-01-02"), set()) is None
    assert expired_notice(a, D("2026-12-31"), set()) is None            # still in force
    n = expired_notice(a, D("2027-01-01"), set())
    assert n is not None and n.key == "expired:x-2026:2026-12-31"
    assert expired_notice(a, D("2027-01-08"), set()) is not None
    assert expired_notice(a, D("2027-01-09"), set()) is None
    assert expired_notice(a, D("2027-01-02"), {n.key}) is None
    assert expired_notice(ag(st="active"), D("2027-01-02"), set()) is None  # manual active never expires


def test_due_notices_on_bundled_workspace() -> None:
    from slactl.workspace.loader import load_workspace

    w = load_workspace(str(BUNDLED)).workspace
    # An old workspace's first run: no stale activation/expiry news, only the warnings due.
    keys = [n.key for n in due_notices(w, D(AS_OF), set())]
    assert keys == ["expiry:globex-premium-2026:2026-11-30:14", "expiry:acme-support-2026:2026-12-31:60"]
    feb = {n.key for n in due_notices(w, D("2027-02-03"), set())}
    assert "activation:initech-erp-2027:2027-02-01" in feb
    assert "expired:initech-erp-2026:2027-01-31" in feb
    assert not any(k.startswith("expired:initech-erp-2025") for k in feb)


# ---------------------------------------------------------------- expiring command

def expiring_json(ws: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    result = run(ws, "expiring", "--as-of", AS_OF, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_expiring_json_exact(ws: Path) -> None:
    data = expiring_json(ws, "--within", "30d")
    assert data == {"as_of": AS_OF, "within_days": 30, "agreements": [{
        "name": "globex-premium-2026", "customer": "globex", "end": "2026-11-30", "days_left": 8,
        "status": "active", "customer_name": "Globex Corporation", "start": "2025-12-01",
        "manager": {"name": "Sam Carter", "email": "sam@provider.example"},
        "contacts": ["it-director@globex.example"], "notice_days": [30, 14, 3]}]}


@pytest.mark.parametrize("within", ["30d", "30", "4w"])
def test_within_spellings(ws: Path, within: str) -> None:
    assert [a["name"] for a in expiring_json(ws, "--within", within)["agreements"]] == ["globex-premium-2026"]


def test_expiring_default_window_is_each_agreements_notice_days(ws: Path) -> None:
    data = expiring_json(ws)
    assert data["within_days"] is None
    # acme: 39 days left, notice 60 -> in; corporate ones: 39 days left, notice 30 -> out
    assert [(a["name"], a["days_left"]) for a in data["agreements"]] == [
        ("globex-premium-2026", 8), ("acme-support-2026", 39)]


def test_expiring_skips_planned_expired_and_suspended(ws: Path) -> None:
    names = [a["name"] for a in expiring_json(ws, "--within", "500d")["agreements"]]
    assert names == ["globex-premium-2026", "acme-support-2026", "corporate-baseline-2026",
                     "corporate-network-2026", "initech-erp-2026"]  # soonest end first, then by name
    # umbrella (suspended, 98 days), initech-erp-2027 (planned), initech-erp-2025 (expired) are not there


def test_manual_active_counts(ws: Path) -> None:
    f = ws / "customers" / "initech.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("  period: {start: 2027-02-01, end: 2028-01-31}\n",
                              "  period: {start: 2027-02-01, end: 2028-01-31}\n  status: active\n"), encoding="utf-8")
    names = [a["name"] for a in expiring_json(ws, "--within", "500d")["agreements"]]
    assert "initech-erp-2027" in names


def test_expiring_text_is_silent_when_nothing_expires(ws: Path) -> None:
    result = run(ws, "expiring", "--as-of", "2026-06-01", "--within", "7d")
    assert result.exit_code == 0 and result.stdout == ""
    result = run(ws, "expiring", "--as-of", "2026-06-01", "--within", "7d", "--format", "text", "--fail-if-any")
    assert result.exit_code == 0 and result.stdout == ""
    result = run(ws, "expiring", "--as-of", "2026-06-01", "--within", "7d", "--format", "json")
    assert json.loads(result.stdout)["agreements"] == []


def test_expiring_text_and_fail_if_any(ws: Path) -> None:
    result = run(ws, "expiring", "--as-of", AS_OF, "--within", "30d")
    assert result.exit_code == 0
    assert "globex-premium-2026" in result.stdout and "Sam Carter" in result.stdout
    assert "acme-support-2026" not in result.stdout
    assert run(ws, "expiring", "--as-of", AS_OF, "--fail-if-any").exit_code == 1


@pytest.mark.parametrize("fmt", ["table", "text", "json", "csv", "markdown", "html"])
def test_every_format_renders(ws: Path, fmt: str) -> None:
    for command in ("expiring", "list"):
        result = run(ws, command, "--as-of", AS_OF, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "globex-premium-2026" in result.stdout


def test_bad_options_are_usage_errors(ws: Path) -> None:
    assert run(ws, "expiring", "--within", "3h").exit_code == 2
    assert run(ws, "expiring", "--as-of", "2026-13-01").exit_code == 2
    assert run(ws, "list", "--status", "sleeping").exit_code == 2
    assert run(ws, "list", "--format", "yaml").exit_code == 2
    assert run(ws, "expiring", "--dry-run").exit_code == 2


def test_output_file_is_written_once(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert run(ws, "expiring", "--as-of", AS_OF, "-f", "json", "-o", str(out)).exit_code == 0
    first = out.read_text()
    assert json.loads(first)["as_of"] == AS_OF
    assert run(ws, "expiring", "--as-of", "2026-11-23", "-f", "json", "-o", str(out)).exit_code == 1
    assert out.read_text() == first
    assert run(ws, "expiring", "--as-of", "2026-11-23", "-f", "json", "-o", str(out), "--force").exit_code == 0


# ---------------------------------------------------------------- list command

def test_list_json_statuses(ws: Path) -> None:
    result = run(ws, "list", "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.stdout)
    got = {a["name"]: (a["status"], a["days_left"]) for a in data["agreements"]}
    assert got == {
        "acme-support-2026": ("expiring", 39), "globex-premium-2026": ("expiring", 8),
        "corporate-network-2026": ("active", 39), "corporate-baseline-2026": ("active", 39),
        "initech-erp-2025": ("expired", -326), "initech-erp-2026": ("active", 70),
        "initech-erp-2027": ("planned", 435), "umbrella-support-2026": ("suspended", 98)}
    acme = next(a for a in data["agreements"] if a["name"] == "acme-support-2026")
    assert {k: acme[k] for k in ("customer", "customer_name", "start", "end", "services", "policy")} == {
        "customer": "acme", "customer_name": "ACME Corp", "start": "2026-01-01", "end": "2026-12-31",
        "services": None, "policy": "standard"}


def test_list_filters(ws: Path) -> None:
    def names(*args: str) -> list[str]:
        return [a["name"] for a in json.loads(run(ws, "list", "--as-of", AS_OF, "-f", "json", *args).stdout)
                ["agreements"]]

    assert names("--status", "expiring") == ["acme-support-2026", "globex-premium-2026"]
    assert set(names("--status", "active")) == {"acme-support-2026", "globex-premium-2026", "initech-erp-2026",
                                                 "corporate-network-2026", "corporate-baseline-2026"}
    assert names("--customer", "acme corporation") == ["acme-support-2026"]   # an alias, any case
    assert names("--customer", "initech", "--status", "planned", "--status", "expired") == [
        "initech-erp-2025", "initech-erp-2027"]
    assert names("--customer", "nobody") == []


def test_csv_and_html_cannot_carry_formulas_or_markup(ws: Path) -> None:
    f = ws / "customers" / "acme.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("name: ACME Corp", 'name: "=HYPERLINK(\\"x\\")<b>"'),
                 encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run(ws, "list", "--as-of", AS_OF, "-f", "csv").stdout)))
    acme = next(r for r in rows if r["name"] == "acme-support-2026")
    assert acme["customer_name"] == "'=HYPERLINK(\"x\")<b>"
    html = run(ws, "expiring", "--as-of", AS_OF, "-f", "html").stdout
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_terminal_text_is_inert(ws: Path) -> None:
    f = ws / "customers" / "acme.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("name: ACME Corp", 'name: "ACME\\e[31m"'),
                 encoding="utf-8")
    out = run(ws, "list", "--as-of", AS_OF, "-f", "text").stdout
    assert "\x1b" not in out and "\\x1b" in out


def test_broken_workspace_is_refused(ws: Path) -> None:
    f = ws / "customers" / "acme.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("policy: standard", "polcy: standard"), encoding="utf-8")
    result = run(ws, "list")
    assert result.exit_code == 2 and "validate" in result.stderr


def test_every_command_has_an_example() -> None:
    for fn in (cli_lifecycle.list_agreements, cli_lifecycle.clone, cli_lifecycle.renew, cli_lifecycle.expiring,
               cli_lifecycle.notify):
        assert "Example:  slactl " in (fn.__doc__ or "")
