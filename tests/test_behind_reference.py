"""OLA stages, next reply and updates: ``slactl score --history`` against a minute-stepping reference.

Seeded tickets with group, status and comment histories (some with no group
rows: they take the export's group column; some with no comment rows: their
reply metrics are ``unmeasured``), for two teams with OLAs on two calendars
(24x7, and Moscow business hours with a lunch break and Russian holidays),
with OLA pause statuses. The history is written once sorted by ticket (the
one-pass join) and once shuffled (the on-disk index): both must agree with
``behind_reference`` ticket by ticket, and the OLA report must count them.
Plus hypothesis properties of the core functions against the same reference.
"""
from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import behind_reference as R
from test_score_reference import load_reference, run_cli

UTC = timezone.utc
SEED = 20261207
N = 160
AS_OF = int(datetime(2026, 3, 20, 12, 0, tzinfo=UTC).timestamp())

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
""",
    "policy.yaml": """
apiVersion: slactl/v1
kind: Policy
metadata: {name: standard}
spec:
  calendar: msk-lunch
  pause: {resolution: [pending]}
  rules:
    - {priority: P1, first_response: 1h, resolution: 8h, next_reply: 2h, update_every: 6h}
    - {priority: P2, first_response: 4h, resolution: 24h, next_reply: 8h}
""",
    "agreement.yaml": """
apiVersion: slactl/v1
kind: Agreement
metadata: {name: acme}
spec:
  customer: {id: acme}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: standard
""",
    "olas.yaml": """
apiVersion: slactl/v1
kind: OLA
metadata: {name: first-line}
spec:
  team: {name: 1st line, aliases: [L1, "Service Desk"]}
  supports: [acme]
  rules:
    - {priority: P1, response: 15m, resolution: 2h}
    - {priority: P2, aliases: [normal], response: 1h, resolution: 6h}
---
apiVersion: slactl/v1
kind: OLA
metadata: {name: second-line}
spec:
  team: {name: 2nd line, aliases: [L2]}
  calendar: msk-lunch
  pause: {resolution: ["waiting for supplier"], response: [pending]}
  rules:
    - {priority: P1, resolution: 6h, response: 1h}
    - {priority: P2, resolution: 16h}
""",
}
REF = load_reference(WORKSPACE)
TEAMS = ["L1", "l2", " 2nd line ", "Service Desk", "3rd line", "L1"]
STATUSES = ["open", "in progress", "pending", "Waiting for supplier", "open"]
OLAS = {  # name -> (team key, calendar, {priority: (resolution, response)}, pause_res, pause_resp)
    "first-line": ("1st line", ("1st line", "l1", "service desk"), REF.cal("24x7"),
                   {"P1": (2 * 3600, 15 * 60), "P2": (6 * 3600, 3600)}, set(), set()),
    "second-line": ("2nd line", ("2nd line", "l2"), REF.cal("msk-lunch"),
                    {"P1": (6 * 3600, 3600), "P2": (16 * 3600, None)}, {"waiting for supplier"}, {"pending"}),
}
RULES = {"P1": (2 * 3600, 6 * 3600), "P2": (8 * 3600, None)}  # next_reply, update_every


def _tickets(rng: random.Random) -> list[dict]:
    out = []
    lo = int(datetime(2026, 3, 2, 6, 0, tzinfo=UTC).timestamp())
    for i in range(N):
        created = lo + rng.randrange(0, 14 * 24 * 60) * 60
        resolved = created + rng.randrange(10, 5 * 24 * 60) * 60 if rng.random() < 0.7 else None
        end = resolved if resolved is not None else AS_OF
        span = max(end - created, 60)

        def moment() -> int:
            return created + rng.randrange(-30, span // 60 + 90) * 60  # a few before the creation, after the stop
        groups = []
        if rng.random() < 0.75:
            first_from = rng.choice(["", "L1", "Service Desk"])
            for j in range(rng.randrange(1, 5)):
                groups.append((moment(), rng.choice(TEAMS), first_from if j == 0 else None))
        changes = [(moment(), rng.choice(STATUSES), None) for _ in range(rng.randrange(0, 4))]
        comments = [(moment(), rng.choice(["agent", "customer", "Customer", "agent"]))
                    for _ in range(rng.randrange(0, 7))] if rng.random() < 0.8 else []
        for at, _, _ in groups:  # an assignment and a status change or reply at one instant: not a response
            if rng.random() < 0.3:
                changes.append((at, rng.choice(STATUSES), None))
            elif rng.random() < 0.3 and comments:
                comments.append((at, "agent"))
        out.append({"id": f"T-{i:04d}", "priority": rng.choice(["P1", "P2", "normal"]), "created": created,
                    "resolved": resolved, "groups": groups, "changes": changes, "comments": comments,
                    "group": rng.choice(["L1", "L2", "", "3rd line"])})
    return out


def _iso(ts: int | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(tmp: Path, tickets: list[dict], shuffle: random.Random | None) -> tuple[Path, Path]:
    export, history = tmp / "tickets.csv", tmp / ("history-shuffled.csv" if shuffle else "history.csv")
    with export.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "customer", "priority", "created_at", "first_response_at", "resolved_at", "group"])
        for t in tickets:
            w.writerow([t["id"], "acme", t["priority"], _iso(t["created"]), "", _iso(t["resolved"]), t["group"]])
    rows = []
    for t in tickets:
        rows += [(t["id"], _iso(at), "assignment_group" if k % 2 else "group", before or "", to)
                 for k, (at, to, before) in enumerate(t["groups"])]
        rows += [(t["id"], _iso(at), "status", before or "", to) for at, to, before in t["changes"]]
        rows += [(t["id"], _iso(at), "comment", "", who) for at, who in t["comments"]]
        rows.append((t["id"], _iso(t["created"]), "assignee", "", "someone"))  # another field: ignored
    if shuffle is not None:
        shuffle.shuffle(rows)
    with history.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ticket_id", "changed_at", "field", "from", "to"])
        # within a ticket the file order of each kind is its time order's tie-break: keep it stable
        w.writerows(rows if shuffle is not None else sorted(rows, key=lambda r: r[0]))
    return export, history


def _norm_ticket(t: dict) -> dict:
    """The reference's view: comment authors and teams trimmed and case-folded."""
    return {**t, "comments": [(at, w.strip().casefold()) for at, w in t["comments"]]}


def _canonical(prio: str) -> str:
    return "P2" if prio == "normal" else prio


def _expected(t: dict) -> tuple[dict, dict]:
    t = _norm_ticket(t)
    prio = _canonical(t["priority"])
    stages = {}
    for name, (team, spellings, cal, targets, pres, presp) in OLAS.items():
        if prio not in targets:
            continue
        if name == "second-line" and t["priority"] == "normal":
            continue  # "normal" is an alias of first-line's P2 rule only; the SLA's P2 is canonical too
        found = R.ref_stage(cal, t, set(spellings), AS_OF, targets[prio][0], targets[prio][1], pres, presp)
        if found is not None:
            stages[name] = found
    replies = {}
    if t["comments"]:
        nr, ue = RULES[prio]
        cal = REF.cal("msk-lunch")
        cycles = R.ref_cycles(cal, t, AS_OF, {"pending"})
        replies["next_reply"] = (R.verdict(cycles, nr), cycles)
        if ue is not None:
            gaps = R.ref_gaps(cal, t, AS_OF, {"pending"})
            replies["update_every"] = (R.verdict(gaps, ue), gaps)
    return stages, replies


def _compare(tickets: list[dict], out: dict) -> list[str]:
    problems = []
    got = {t["id"]: t for t in out["tickets"]}
    for t in tickets:
        g = got[t["id"]]
        stages, replies = _expected(t)
        mine = {s["ola"]: s for s in g["ola_stages"]}
        if set(mine) != set(stages):
            problems.append(f"{t['id']}: stages {sorted(mine)} != reference {sorted(stages)}")
            continue
        for name, r in stages.items():
            s = mine[name]
            if abs(s["elapsed_minutes"] - r["elapsed"] / 60) > 0.02 or s["status"] != r["status"]:
                problems.append(f"{t['id']} {name}: {s['elapsed_minutes']} {s['status']} != "
                                f"{r['elapsed'] / 60} {r['status']}")
            if "response" in r:
                sr = s.get("response") or {}
                if abs(sr.get("elapsed_minutes", -1) - r["response"]["elapsed"] / 60) > 0.02 \
                        or sr.get("status") != r["response"]["status"]:
                    problems.append(f"{t['id']} {name} response: {sr} != {r['response']}")
        for metric in ("next_reply", "update_every"):
            if t["priority"] == "normal":  # no SLA rule matches it: nothing beyond the OLA stages
                if metric in g:
                    problems.append(f"{t['id']}: {metric} on a ticket no rule matched")
                continue
            if metric not in replies and metric == "update_every" and _canonical(t["priority"]) == "P2":
                if metric in g:
                    problems.append(f"{t['id']}: {metric} without a target")
                continue
            if metric not in replies:
                if g[metric]["status"] != "unmeasured":
                    problems.append(f"{t['id']}: {metric} {g[metric]['status']} without comment rows")
                continue
            (status, statuses), spans = replies[metric]
            m = g[metric]
            worst = max((s["elapsed"] for s in spans), default=None)
            if m["status"] != status or len(m["cycles"]) != len(spans) or \
                    [c["status"] for c in m["cycles"]] != statuses:
                problems.append(f"{t['id']} {metric}: {m['status']} {[c['status'] for c in m['cycles']]} != "
                                f"{status} {statuses}")
            elif (worst is None) != (m["elapsed_minutes"] is None) or \
                    (worst is not None and abs(m["elapsed_minutes"] - worst / 60) > 0.02):
                problems.append(f"{t['id']} {metric}: worst {m['elapsed_minutes']} != {worst}")
    return problems


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[Path, Path, list[dict]]:
    ws = tmp_path_factory.mktemp("ws")
    for name, text in WORKSPACE.items():
        (ws / name).write_text(text.lstrip(), encoding="utf-8")
    tickets = _tickets(random.Random(SEED))
    return ws, tmp_path_factory.mktemp("data"), tickets


@pytest.mark.parametrize("shuffled", [False, True], ids=["sorted", "indexed"])
def test_stages_and_replies_match_the_reference(seeded, shuffled):
    ws, data, tickets = seeded
    export, history = _write(data, tickets, random.Random(SEED + 1) if shuffled else None)
    r = run_cli("score", str(export), "-w", str(ws), "--history", str(history), "--as-of", _iso(AS_OF),
                "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["history"]["matched_by"] == ("indexed" if shuffled else "sorted")
    problems = _compare(tickets, out)
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:25])
    # the seeded data reaches every verdict, and tickets without group rows took the export's group
    statuses = {s["status"] for t in out["tickets"] for s in t["ola_stages"]}
    assert statuses >= {"met", "breached", "pending"}
    by_export = [t for t in tickets if not t["groups"] and t["group"] in ("L1", "L2")]
    assert len([t for t in by_export if _expected(t)[0]]) >= 5  # compared above, stage by stage


def test_the_ola_report_counts_the_stages(seeded):
    ws, data, tickets = seeded
    export, history = _write(data, tickets, None)
    r = run_cli("score", str(export), "-w", str(ws), "--history", str(history), "--as-of", _iso(AS_OF),
                "--ola", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {(x["ola"], x["priority"], x["metric"]): x for x in json.loads(r.stdout)["olas"]}
    expected: dict = {}
    for t in tickets:
        stages, _ = _expected(t)
        prio = _canonical(t["priority"])
        for name, s in stages.items():
            for metric, v in (("resolution", s), ("response", s.get("response"))):
                if v is not None:
                    c = expected.setdefault((name, prio, metric), {"met": 0, "breached": 0, "pending": 0})
                    c[v["status"]] += 1
    assert set(rows) == set(expected)
    for key, c in expected.items():
        assert {k: rows[key][k] for k in c} == c, key


# ----------------------------------------------------------------- hypothesis: the core functions

from slactl.core.activity import Event  # noqa: E402
from slactl.core.clock import clock_for  # noqa: E402
from slactl.core.model import CALENDAR_24X7, Calendar  # noqa: E402
from slactl.core.ola import stretches  # noqa: E402
from slactl.core.pauses import Change, removed_intervals, timeline  # noqa: E402
from slactl.core.replies import gauge, reply_cycles, update_gaps  # noqa: E402

T0 = int(datetime(2026, 3, 6, 7, 0, tzinfo=UTC).timestamp())  # a Friday; Monday 9 March is a holiday in Russia
MSK = Calendar("msk-lunch", "Europe/Moscow",
               hours=(((32400, 46800), (50400, 64800)),) * 4 + (((32400, 46800), (50400, 61200)),) + ((), ()),
               holiday_country="RU")
CLOCKS = [(clock_for(CALENDAR_24X7), REF.cal("24x7")), (clock_for(MSK), REF.cal("msk-lunch"))]

minutes = st.integers(min_value=-20, max_value=6 * 24 * 60)
teams = st.sampled_from(["L1", "L2", "l1", ""])


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(minutes, teams, teams), max_size=5), teams, st.integers(0, 6 * 24 * 60),
       st.sampled_from([0, 1]))
def test_team_stretches_match_minute_stepping(rows, export_group, stop_min, which):
    clock, cal = CLOCKS[which]
    created, stop = T0, T0 + stop_min * 60
    groups = [(T0 + m * 60, to, before or None) for m, to, before in rows]
    events = sorted((Event(at, to, before, "group") for at, to, before in groups), key=lambda e: e.at)
    held = stretches(created, stop, events, export_group)
    for team in ("l1", "l2"):
        mine = sum(clock.open_seconds(a, b) for a, b, name in held if name.casefold() == team)
        t = {"created": created, "groups": groups, "group": export_group}
        ref = R.counted(cal, created, stop, lambda m: R.holder(created, groups, export_group, m) == team)
        assert abs(mine - ref) < 1e-6, (team, held)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(minutes, st.sampled_from(["agent", "customer"])), max_size=7),
       st.lists(st.tuples(minutes, st.sampled_from(["open", "pending"])), max_size=3),
       st.integers(0, 6 * 24 * 60), st.booleans(), st.sampled_from([0, 1]), st.integers(1, 600))
def test_reply_cycles_and_update_gaps_match_minute_stepping(comments, statuses, stop_min, resolved, which, target_min):
    clock, cal = CLOCKS[which]
    created = T0
    stop = T0 + stop_min * 60
    t = {"created": created, "resolved": stop if resolved else None,
         "comments": [(T0 + m * 60, w) for m, w in comments],
         "changes": [(T0 + m * 60, s, None) for m, s in statuses]}
    events = sorted((Event(at, w, None, "comment") for at, w in t["comments"]), key=lambda e: e.at)
    segs = timeline(created, [Change(at, s, b) for at, s, b in t["changes"]])
    removed = removed_intervals(segs, frozenset({"pending"}))
    target = target_min * 60
    for mine_spans, ref_spans in ((reply_cycles(created, stop, resolved, events)[1:],
                                   R.ref_cycles(cal, t, stop, {"pending"})),
                                  (update_gaps(created, stop, resolved, events), R.ref_gaps(cal, t, stop, {"pending"}))):
        g = gauge(clock, mine_spans, target, removed)
        status, statuses_ref = R.verdict(ref_spans, target)
        assert [s for *_, s in g.spans] == statuses_ref
        assert g.status == status
        for (a, b, e, _), r in zip(g.spans, ref_spans):
            assert (a, b) == (r["start"], r["end"])
            assert abs(e - r["elapsed"]) < 1e-6
