"""One run, one truth: every view reads the tickets the one way and shows ``score``'s figures.

For each customer x period, the report's objective rows are ``score --customer C --period P``
summary rows (tickets, met, breached, pending, compliance, median, p90, paused), with
``--history`` and on the event-log form of the same export; every histogram adds up to the
judged tickets of its row; a property test does the same on random exports and histories.
Selection mistakes are usage errors naming the closest name; the ticket-reading commands
share their options; durations are business hours; ``--fail-under`` speaks in words.
"""
from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from test_score_reference_pauses import STATUSES, WORKSPACE
from tests.conftest import run_in_workspace

UTC = timezone.utc
AS_OF = "2026-12-20T12:00:00Z"
FIGURES = ("tickets", "met", "breached", "pending", "compliance_pct", "median_minutes", "p90_minutes",
           "paused_tickets", "median_paused_minutes")


def ts(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())


def iso(t: int | None) -> str:
    return "" if t is None else datetime.fromtimestamp(t, UTC).isoformat()


def random_tickets(rng: random.Random, n: int, as_of: int) -> list[dict]:
    out = []
    lo = ts(2026, 9, 1)
    for i in range(1, n + 1):
        created = rng.randint(lo, as_of - 3600)
        span = min(as_of - created, rng.choice([3600 * 6, 86400 * 2, 86400 * 9]))
        moments = sorted(created + rng.randint(1, span) for _ in range(rng.randint(0, 5)))
        changes = [(at, rng.choice(STATUSES)) for at in moments]
        fr = created + rng.randint(60, span) if rng.random() < 0.5 else None
        resolved = created + rng.randint(fr - created if fr else 60, span) if rng.random() < 0.6 else None
        out.append({"id": f"T-{i}", "customer": rng.choice(["acme", "globex", "initech", "ACME"]),
                    "priority": rng.choice(["P1", "P2", "P3"]), "created": created, "fr": fr,
                    "resolved": resolved, "changes": changes})
    return out


def write_files(tmp: Path, tickets: list[dict]) -> tuple[Path, Path, Path]:
    """The export, its status history, and the event-log form (one row per status change)."""
    export, history, log = tmp / "export.csv", tmp / "history.csv", tmp / "event-log.csv"
    head = ["id", "customer", "priority", "created_at", "first_response_at", "resolved_at"]
    with export.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(head)
        for t in tickets:
            w.writerow([t["id"], t["customer"], t["priority"], iso(t["created"]), iso(t["fr"]), iso(t["resolved"])])
    with history.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ticket_id", "changed_at", "field", "from", "to"])
        for t in tickets:
            w.writerows([t["id"], iso(at), "status", "", to] for at, to in t["changes"])
    with log.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([*head, "status", "updated_at"])
        for t in tickets:
            snaps = [(t["created"], "open"), *t["changes"]]
            w.writerows([t["id"], t["customer"], t["priority"], iso(t["created"]), iso(t["fr"]), iso(t["resolved"]),
                         status, iso(at)] for at, status in snaps)
    return export, history, log


def make_workspace(root: Path) -> Path:
    ws = root / "ws"
    ws.mkdir(exist_ok=True)
    for name, text in WORKSPACE.items():
        (ws / name).write_text(text.lstrip(), encoding="utf-8")
    return ws


def cli(ws: Path, *args: str) -> tuple[int, str, str]:
    res = run_in_workspace(ws, *args)
    return res.exit_code, res.stdout, res.stderr


def disagreements(ws: Path, export: Path, period: str, *extra: str) -> tuple[list[str], int]:
    """Report objective rows against score's summary, per customer of the report."""
    code, out, err = cli(ws, "report", str(export), "--period", period, "--as-of", AS_OF, "-f", "json", *extra)
    assert code == 0, err
    data = json.loads(out)
    problems, compared = [], 0
    for customer in data["customers"]:
        code, out, err = cli(ws, "score", str(export), "--customer", customer["id"], "--period", period,
                             "--as-of", AS_OF, "-f", "json", "--no-progress", *extra)
        assert code == 0, err
        summary = {(r["agreement"], r["priority"], r["metric"]): r for r in json.loads(out)["summary"]}
        for section in (s for s in data["sections"] if s["customer"]["id"] == customer["id"]):
            for o in section["objectives"]:
                row = summary.get((section["agreement"], o["priority"], o["metric"]), {})
                compared += 1
                for key in FIGURES:
                    if o.get(key) != row.get(key):
                        problems.append(f"{customer['id']} {period} {section['agreement']} {o['priority']} "
                                        f"{o['metric']} {key}: report {o.get(key)} != score {row.get(key)}")
            for chart in section["charts"]["distribution"]:
                o = next(x for x in section["objectives"] if x["priority"] == chart["priority"]
                         and x["metric"] == "resolution")
                if sum(b["tickets"] for b in chart["buckets"]) != o["met"] + o["breached"]:
                    problems.append(f"{section['agreement']} {chart['priority']}: histogram != judged")
    return problems, compared


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("one-truth")
    ws = make_workspace(tmp)
    tickets = random_tickets(random.Random(2026_12_07), 400, ts(2026, 12, 20, 12))
    return ws, *write_files(tmp, tickets)


@pytest.mark.parametrize("period", ["2026-10", "2026-11", "2026-Q4"])
def test_report_objectives_are_score_summary_rows_with_history(case, period):
    ws, export, history, _ = case
    problems, compared = disagreements(ws, export, period, "--history", str(history))
    assert compared > 10 and not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("period", ["2026-10", "2026-11"])
def test_report_objectives_are_score_summary_rows_on_an_event_log(case, period):
    ws, _, _, log = case
    problems, compared = disagreements(ws, log, period)
    assert compared > 10 and not problems, "\n".join(problems[:20])


def test_the_history_and_the_event_log_give_the_same_pauses(case):
    ws, export, history, log = case
    _, with_history, _ = cli(ws, "report", str(export), "--history", str(history), "--period", "2026-Q4",
                             "--as-of", AS_OF, "-f", "json")
    _, from_log, _ = cli(ws, "report", str(log), "--period", "2026-Q4", "--as-of", AS_OF, "-f", "json")
    pick = lambda out: [[o[k] for k in FIGURES] for s in json.loads(out)["sections"] for o in s["objectives"]]  # noqa: E731
    assert pick(with_history) == pick(from_log)
    assert any(row[FIGURES.index("paused_tickets")] for row in pick(from_log))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n=st.integers(1, 60), period=st.sampled_from(["2026-11", "2026-Q4", "2026"]),
       event_log=st.booleans())
def test_property_report_objectives_equal_score_summary(tmp_path_factory, seed, n, period, event_log):
    tmp = tmp_path_factory.mktemp("prop")
    ws = make_workspace(tmp)
    export, history, log = write_files(tmp, random_tickets(random.Random(seed), n, ts(2026, 12, 20, 12)))
    if event_log:
        problems, _ = disagreements(ws, log, period)
    else:
        problems, _ = disagreements(ws, export, period, "--history", str(history))
    assert not problems, "\n".join(problems[:20])


def test_business_targets_are_written_in_hours_in_both_languages(case):
    ws, export, history, _ = case
    for lang, words in (("en", "40 h"), ("ru", "40 ч")):
        code, out, err = cli(ws, "report", str(export), "--history", str(history), "--period", "2026-Q4",
                             "--as-of", AS_OF, "--lang", lang)
        assert code == 0, err
        assert f"≤ {words}" in out and "1 d 16 h" not in out and "1 д 16 ч" not in out


def test_a_misspelt_selection_is_a_usage_error_with_a_suggestion(case):
    ws, export, _, _ = case
    for command in ("score", "report", "alert"):
        code, _, err = cli(ws, command, str(export), "--customer", "acmee", "--as-of", AS_OF)
        assert code == 2 and "did you mean 'acme'?" in err, (command, err)
    code, _, err = cli(ws, "score", str(export), "--agreement", "globx", "--as-of", AS_OF)
    assert code == 2 and "did you mean 'globex'?" in err
    code, _, err = cli(ws, "report", str(export), "--service", "networkk", "--as-of", AS_OF)
    assert code == 2 and "--service" in err


def test_a_valid_but_empty_selection_warns_and_exits_0(case):
    ws, export, _, _ = case
    code, _, err = cli(ws, "report", str(export), "--customer", "acme", "--period", "2025-01", "--as-of", AS_OF)
    assert code == 0 and "warning" in err


def test_an_export_without_service_column_names_the_agreement_that_took_the_tickets(case, tmp_path):
    ws, export, _, _ = case
    scoped = tmp_path / "ws"
    scoped.mkdir()
    for f in ws.iterdir():
        scoped.joinpath(f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (scoped / "services.yaml").write_text(
        "apiVersion: slactl/v1\nkind: Service\nmetadata: {name: erp}\nspec: {description: ERP}\n", encoding="utf-8")
    (scoped / "erp.yaml").write_text(
        "apiVersion: slactl/v1\nkind: Agreement\nmetadata: {name: acme-erp}\nspec:\n  customer: {id: acme}\n"
        "  period: {start: 2026-01-01, end: 2027-12-31}\n  policy: strict\n  services: [erp]\n", encoding="utf-8")
    code, _, err = cli(scoped, "score", str(export), "--as-of", AS_OF)
    warnings = [line for line in err.splitlines() if "no service column" in line]
    assert len(warnings) == 1 and "acme-erp (erp) took none of its tickets, acme took them" in warnings[0], err


def test_the_ticket_reading_commands_share_their_options():
    from typer.main import get_command

    from slactl.cli import app
    from slactl.cli.tickets import TICKET_OPTIONS
    from slactl.exports.presets import PRESET_NAMES

    commands = get_command(app).commands  # type: ignore[attr-defined]
    opts = {name: {o for p in commands[name].params for o in p.opts} for name in ("score", "report", "alert")}
    for name, have in opts.items():
        assert set(TICKET_OPTIONS) <= have, (name, set(TICKET_OPTIONS) - have)
    assert {"--history", "--history-mapping", "--preset", "--dayfirst", "--sheet"} <= \
        {o for p in commands["explain"].params for o in p.opts}
    helps = {name: next(p.help for p in commands[name].params if "--preset" in p.opts)
             for name in ("score", "report", "alert", "explain")}
    assert len(set(helps.values())) == 1 and all(p in helps["score"] for p in PRESET_NAMES if p != "mapping")
    for name in ("score", "report", "alert", "explain"):
        assert all(p.metavar is None or "<" not in p.metavar for p in commands[name].params), name


def test_alert_help_lists_history(workspace):
    res = run_in_workspace(workspace, "alert", "--help")
    assert res.exit_code == 0 and "--history" in res.stdout and "--history-mapping" in res.stdout


def test_fail_under_explains_each_failing_group_in_words(case):
    ws, export, history, _ = case
    code, _, err = cli(ws, "score", str(export), "--history", str(history), "--as-of", AS_OF, "--fail-under", "99")
    lines = [line for line in err.splitlines() if line.startswith("slactl: below target:")]
    assert code == 1 and lines
    for line in lines:
        assert "None" not in line and " / " not in line
        assert "agreement " in line and "priority " in line and "% compliance (" in line and "judged)" in line
        assert "is below the --fail-under target of 99 %" in line


def test_score_shows_durations_not_decimal_minutes(case):
    ws, export, history, _ = case
    code, out, _ = cli(ws, "score", str(export), "--history", str(history), "--as-of", AS_OF, "-f", "text")
    assert code == 0
    table = out.split("\n\n")[1]
    assert " min" in table and " h" in table
    assert "median min" not in table and not any(c.count(".") and c.replace(".", "").isdigit() and len(c) > 5
                                                  for c in table.split())
