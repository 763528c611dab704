"""Pauses and reopens: `slactl score --history` against an independent reference.

The reference extends the one in ``test_score_reference.py`` (calendars and
matching, written from the contract) with the status-history rules as the
contract words them, and nothing from slactl:

* the timeline starts at ``created_at`` with the ``from`` of the earliest change
  (unknown: a status that pauses nothing) and takes each ``to`` at its
  ``changed_at`` (ties: file order); status names compare trimmed and
  case-insensitively;
* elapsed = open time from creation to the stop, minus the open time of every
  piece of the timeline whose status is in the metric's pause list (rule, else
  agreement, else policy, per metric key), and, for ``resolution`` only, of
  every piece in a resolved status (agreement, else policy, else the default
  list) that some later change to a non-resolved status follows (for
  ``first_response`` too where ``exclude_resolved_from_first_response`` is true:
  agreement, else policy, else false);
* first response stops at the reply, else at the resolution; ``paused`` is
  true for a metric that has not stopped when the status at ``--as-of`` is in
  its pause list; ``reopens`` counts changes from a resolved to a non-resolved
  status.

Random tickets with 0-6 changes each, changes of other fields mixed in and
rows for tickets the export does not hold, written once sorted by ticket (the
one-pass way) and once shuffled (the indexed way); both must agree with the
reference ticket by ticket.
"""
from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from test_score_reference import CAL_24X7, covers, load_reference, norm, run_cli, specificity, ts_of

UTC = timezone.utc
SEED = 20261201
N = 700

WORKSPACE = {
    "calendars.yaml": """
apiVersion: slactl/v1
kind: Calendar
metadata: {name: msk-lunch}
spec:
  timezone: Europe/Moscow
  hours: {mon: ["09:00-13:00", "14:00-18:00"], tue: ["09:00-13:00", "14:00-18:00"],
          wed: ["09:00-13:00", "14:00-18:00"], thu: ["09:00-13:00", "14:00-18:00"],
          fri: ["09:00-13:00", "14:00-17:00"]}
  holidays: {country: RU}
---
apiVersion: slactl/v1
kind: Calendar
metadata: {name: ny}
spec:
  timezone: America/New_York
  hours: {mon: ["00:00-24:00"], tue: ["08:00-20:00"], wed: ["08:00-20:00"], thu: ["08:00-20:00"],
          fri: ["08:00-20:00"], sat: ["01:00-03:30"], sun: ["00:00-24:00"]}
""",
    "policies.yaml": """
apiVersion: slactl/v1
kind: Policy
metadata: {name: standard}
spec:
  calendar: msk-lunch
  pause:
    resolution: [pending, "Waiting for customer"]
  rules:
    - {priority: P1, first_response: 30m, resolution: 4h, calendar: 24x7, pause: {resolution: []}}
    - {priority: P2, first_response: 2h, resolution: 16h}
    - {priority: P3, first_response: 8h, resolution: 40h, pause: {first_response: [on-hold]}}
---
apiVersion: slactl/v1
kind: Policy
metadata: {name: strict}
spec:
  calendar: ny
  resolved_statuses: [done, closed]
  exclude_resolved_from_first_response: true
  rules:
    - {priority: P1, first_response: 1h, resolution: 8h}
    - {priority: P2, first_response: 4h, resolution: 24h}
""",
    "agreements.yaml": """
apiVersion: slactl/v1
kind: Agreement
metadata: {name: acme}
spec:
  customer: {id: acme}
  period: {start: 2026-01-01, end: 2027-12-31}
  policy: standard
  resolved_statuses: [solved, closed, resolved]
  pause:
    resolution: [pending, on-hold]
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: globex}
spec:
  customer: {id: globex}
  period: {start: 2026-01-01, end: 2027-12-31}
  policy: standard
  exclude_resolved_from_first_response: true
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: initech}
spec:
  customer: {id: initech}
  period: {start: 2026-01-01, end: 2027-12-31}
  policy: strict
  rules:
    - {priority: P2, first_response: 3h, resolution: 20h, pause: {resolution: ["waiting for customer"]}}
""",
}
DEFAULT_RESOLVED = ["resolved", "solved", "closed", "done", "cancelled"]
STATUSES = ["open", "In Progress", "pending", " Pending", "Waiting for customer", "on-hold", "solved",
            "Closed", "resolved", "done", "reopened", "cancelled"]

REF = load_reference(WORKSPACE)
DOCS = {(d["kind"], d["metadata"]["name"]): d["spec"] for t in WORKSPACE.values() for d in yaml.safe_load_all(t)}


def pause_lists(agreement: str, priority: str) -> tuple[dict[str, set[str]], set[str]]:
    """Per metric key: rule, else agreement, else policy; resolved: agreement, else policy, else default."""
    ag = DOCS[("Agreement", agreement)]
    pol = DOCS[("Policy", ag["policy"])]
    rule = next((r for r in ag.get("rules", []) if r["priority"] == priority), None) or \
        next(r for r in pol["rules"] if r["priority"] == priority)
    lists = {}
    for metric in ("first_response", "resolution"):
        for level in (rule, ag, pol):
            if metric in level.get("pause", {}):
                lists[metric] = {norm(s) for s in level["pause"][metric]}
                break
        else:
            lists[metric] = set()
    resolved = ag.get("resolved_statuses", pol.get("resolved_statuses", DEFAULT_RESOLVED))
    return lists, {norm(s) for s in resolved}


def status_at(changes: list, t: float, initial: str) -> str:
    s = initial
    for at, to, _ in sorted(changes, key=lambda c: c[0]):
        if at <= t:
            s = norm(to)
    return s


def ref_paused(clock, created: int, stop: int, changes: list, pause: set, resolved: set | None) -> int:
    """Open seconds of [created, stop] the metric does not count."""
    if stop <= created:
        return 0
    ordered = sorted(changes, key=lambda c: c[0])
    initial = norm(ordered[0][2]) if ordered and ordered[0][2] else ""
    cuts = sorted({created, stop, *(min(max(at, created), stop) for at, _, _ in changes)})
    removed = 0
    for a, b in zip(cuts, cuts[1:]):
        s = status_at(changes, a, initial)
        drop = s in pause
        if not drop and resolved is not None and s in resolved:
            drop = any(at > a and norm(to) not in resolved for at, to, _ in changes)
        if drop:
            removed += clock.elapsed(a, b)
    return removed


def fr_excludes_resolved(agreement: str) -> bool:
    ag = DOCS[("Agreement", agreement)]
    pol = DOCS[("Policy", ag["policy"])]
    return bool(ag.get("exclude_resolved_from_first_response", pol.get("exclude_resolved_from_first_response", False)))


def ref_ticket(t: dict, as_of: int) -> dict | None:
    cands = [a for a in REF.agreements if covers(REF, a, t["customer"], "", t["created"])]
    if len(cands) != 1:
        return None
    a = cands[0]
    pol_cal, pol_rules = REF.policies[a.policy]
    p = norm(t["priority"])
    rule = next((r for r in a.rules if p in r.keys), None) or next((r for r in pol_rules if p in r.keys), None)
    if rule is None:
        return None
    clock = REF.cal(rule.calendar or a.calendar or pol_cal) if rule.calendar != "24x7" else CAL_24X7
    lists, resolved = pause_lists(a.name, rule.priority)
    ordered = sorted(t["changes"], key=lambda c: c[0])
    initial = norm(ordered[0][2]) if ordered and ordered[0][2] else ""
    now = status_at(t["changes"], as_of, initial)
    out = {"agreement": a.name}
    fr_stop = t["fr"] if t["fr"] is not None else t["resolved"]
    for metric, target, stop in (("first_response", rule.first_response, fr_stop),
                                 ("resolution", rule.resolution, t["resolved"])):
        end = as_of if stop is None else stop
        paused = ref_paused(clock, t["created"], end, t["changes"], lists[metric],
                            resolved if metric == "resolution" or fr_excludes_resolved(a.name) else None)
        elapsed = max(0, clock.elapsed(t["created"], end) - paused)
        if stop is not None:
            status = "met" if elapsed <= target else "breached"
        else:
            status = "breached" if elapsed > target else "pending"
        out[metric] = {"status": status, "elapsed": elapsed, "paused_s": paused,
                       "paused": stop is None and now in lists[metric]}
    states = [initial] + [norm(to) for _, to, _ in ordered]
    out["reopens"] = sum(1 for x, y in zip(states, states[1:]) if x in resolved and y not in resolved)
    return out


def random_tickets(rng: random.Random, as_of: int) -> list[dict]:
    out = []
    lo = ts_of(2026, 2, 1)
    for i in range(1, N + 1):
        created = rng.randint(lo, as_of - 3600)
        span = min(as_of - created, rng.choice([3600 * 6, 86400 * 2, 86400 * 9]))
        changes = []
        for _ in range(rng.randint(0, 6)):
            at = created + rng.randint(-1800, span)  # a few before the creation
            before = rng.choice([None, None, rng.choice(STATUSES)])
            changes.append((at, rng.choice(STATUSES), before))
        fr = created + rng.randint(60, span) if rng.random() < 0.5 else None
        resolved = created + rng.randint(fr - created if fr else 60, span) if rng.random() < 0.6 else None
        out.append({"id": f"T-{i}", "customer": rng.choice(["acme", "globex", "initech"]),
                    "priority": rng.choice(["P1", "P2", "P3"]), "created": created, "fr": fr,
                    "resolved": resolved, "changes": changes})
    return out


def iso(ts: int | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()


def write_export(path: Path, tickets: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "customer", "priority", "created_at", "first_response_at", "resolved_at"])
        for t in tickets:
            w.writerow([t["id"], t["customer"], t["priority"], iso(t["created"]), iso(t["fr"]), iso(t["resolved"])])


def history_rows(rng: random.Random, tickets: list[dict]) -> list[list[str]]:
    """Per ticket in export order: its status changes in file order with other fields mixed in,
    and now and then the rows of a ticket the export does not hold."""
    rows = []
    for t in tickets:
        for at, to, before in t["changes"]:
            if rng.random() < 0.3:
                rows.append([t["id"], iso(at + 5), "assignee", "", "Olga"])
            rows.append([t["id"], iso(at), rng.choice(["status", "Status", "state"]), before or "", to])
        if rng.random() < 0.05:
            rows.append([t["id"] + "-gone", iso(t["created"]), "status", "", "pending"])
    return rows


def write_history(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ticket_id", "changed_at", "field", "from", "to"])
        w.writerows(rows)


def compare(tickets: list[dict], out: dict, as_of: int) -> list[str]:
    problems = []
    by_id = {g["id"]: g for g in out["tickets"]}
    for t in tickets:
        ref = ref_ticket(t, as_of)
        if ref is None:
            continue
        g = by_id[t["id"]]
        where = f"{t['id']} ({t['customer']} {t['priority']} changes={t['changes']})"
        if g["agreement"] != ref["agreement"]:
            problems.append(f"{where}: agreement {g['agreement']} != {ref['agreement']}")
            continue
        if g["reopens"] != ref["reopens"]:
            problems.append(f"{where}: reopens {g['reopens']} != {ref['reopens']}")
        for metric in ("first_response", "resolution"):
            r, m = ref[metric], g[metric]
            if m["status"] != r["status"]:
                problems.append(f"{where}: {metric}.status {m['status']} != {r['status']}")
            if abs(m["elapsed_minutes"] - r["elapsed"] / 60) > 0.02:
                problems.append(f"{where}: {metric}.elapsed {m['elapsed_minutes']} != {r['elapsed'] / 60:.4f}")
            if abs(m["paused_minutes"] - r["paused_s"] / 60) > 0.02:
                problems.append(f"{where}: {metric}.paused_minutes {m['paused_minutes']} != {r['paused_s'] / 60:.4f}")
            if m["paused"] != r["paused"]:
                problems.append(f"{where}: {metric}.paused {m['paused']} != {r['paused']}")
            if m["paused"] and m["status"] == "pending" and m["due_at"] is not None:
                problems.append(f"{where}: {metric} pending and paused, due_at {m['due_at']} (want null)")
    return problems


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pauses")
    ws = tmp / "ws"
    ws.mkdir()
    for name, text in WORKSPACE.items():
        (ws / name).write_text(text.lstrip(), encoding="utf-8")
    rng = random.Random(SEED)
    as_of = ts_of(2026, 12, 20, 12, 0)
    tickets = random_tickets(rng, as_of)
    write_export(tmp / "export.csv", tickets)
    rows = history_rows(rng, tickets)
    write_history(tmp / "sorted.csv", rows)
    rng.shuffle(rows)
    write_history(tmp / "shuffled.csv", rows)
    return ws, tmp, tickets, as_of, rows


def run_score(ws: Path, export: Path, *extra: str) -> tuple[dict, str]:
    res = run_cli("-w", str(ws), "score", str(export), "--as-of", "2026-12-20T12:00:00Z", "--format", "json",
                  "--no-progress", *extra)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout), res.stderr


def test_workspace_with_pauses_validates(case):
    ws = case[0]
    res = run_cli("-w", str(ws), "validate")
    assert res.returncode == 0, res.stdout


@pytest.mark.parametrize("name, method", [("sorted.csv", "sorted"), ("shuffled.csv", "indexed")])
def test_history_matches_reference(case, name, method):
    ws, tmp, tickets, as_of, rows = case
    out, err = run_score(ws, tmp / "export.csv", "--history", str(tmp / name))
    problems = compare(tickets, out, as_of)
    assert not problems, f"{len(problems)} disagreement(s), first ones:\n  " + "\n  ".join(problems[:20])
    h = out["history"]
    assert h["matched_by"] == method
    status_rows = sum(1 for r in rows if r[2] != "assignee")
    assert h["status_changes"] == status_rows and h["other_fields"] == len(rows) - status_rows
    assert h["unknown_ticket_rows"] == sum(1 for r in rows if r[0].endswith("-gone"))
    assert out["history_rejected"] == []
    assert sum(t["reopens"] for t in out["tickets"]) == out["reopens"] > 0
    assert ("one pass" if method == "sorted" else "on-disk index") in err
    # the sample really exercises pauses, reopens and the paused flag
    assert sum(1 for t in out["tickets"] if t["resolution"] and t["resolution"]["paused"]) > 5
    assert sum(1 for t in out["tickets"] if t["resolution"] and t["resolution"]["paused_minutes"] > 0) > 50


def test_without_history_the_notice_and_unpaused_clocks(case):
    ws, tmp, tickets, as_of, _ = case
    out, err = run_score(ws, tmp / "export.csv")
    notice = "no status history: pauses in agreement 'acme', agreement 'initech', policy 'standard' not applied"
    assert err.count(notice) == 1 and out["notes"] == [notice]
    for t in tickets[:100]:
        ref = ref_ticket(dict(t, changes=[]), as_of)
        g = next(x for x in out["tickets"] if x["id"] == t["id"])
        if ref is not None:
            assert g["resolution"]["status"] == ref["resolution"]["status"]
            assert g["resolution"]["paused_minutes"] == 0 and g["resolution"]["paused"] is False


def write_event_log(path: Path, tickets: list[dict]) -> int:
    """The tickets as an event log: a row with its first status, then one row per status
    change in time order, every row carrying the ticket's final fields. Returns the row count."""
    rows = []
    for t in tickets:
        ordered = sorted(t["changes"], key=lambda c: c[0])
        snaps = [(at, to) for at, to, _ in ordered]
        first = ordered[0][2] if ordered and ordered[0][2] else "new"
        # the first status at creation, or, when the first change is no later, just before it
        snaps.insert(0, (min(t["created"], ordered[0][0]) if ordered else t["created"], first))
        for at, status in snaps:
            rows.append([t["id"], t["customer"], t["priority"], iso(t["created"]), iso(t["fr"]),
                         iso(t["resolved"]), status, iso(at)])
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "customer", "priority", "created_at", "first_response_at", "resolved_at", "status",
                    "updated_at"])
        w.writerows(rows)
    return len(rows)


def test_event_log_snapshots_are_the_history(case):
    ws, tmp, tickets, as_of, _ = case
    # "new" is no status of the history: a ticket whose history has no `from` starts in it,
    # which pauses nothing, as an unknown first status does
    n_rows = write_event_log(tmp / "event_log.csv", tickets)
    out, err = run_score(ws, tmp / "event_log.csv")
    assert out["rows"] == n_rows == out["scored"] + len(out["rejected"]) + out["collapsed"]
    assert out["scored"] == len(tickets) and [t["id"] for t in out["tickets"]] == [t["id"] for t in tickets]
    assert "no status history" not in err and out["notes"] == []
    problems = compare(tickets, out, as_of)
    assert not problems, f"{len(problems)} disagreement(s), first ones:\n  " + "\n  ".join(problems[:20])
    # --history wins over the snapshots
    with_history, _ = run_score(ws, tmp / "event_log.csv", "--history", str(tmp / "sorted.csv"))
    assert [t["resolution"] for t in with_history["tickets"]] == [t["resolution"] for t in out["tickets"]]
