"""`slactl report --format json` against an independent computation.

The per-ticket statuses come from the brute-force reference scorer of
``test_score_reference`` (written from the file format, not from slactl's code);
the selection is done here from the README's words: a customer's tickets (by id,
name or alias), created in the month in their agreement's time zone, one
section per agreement (a provider-wide one split per customer), compliance =
met / (met + breached) per priority x metric.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.test_score_reference import (
    REF, WORKSPACE, agreement_tz, norm, random_tickets, ref_score, run_cli, sharpen, ts_of, write_iso_csv,
)

AS_OF = ts_of(2026, 12, 3, 9, 30)


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> tuple[Path, Path, list]:
    ws = tmp_path_factory.mktemp("ws")
    for name, text in WORKSPACE.items():
        (ws / name).write_text(text.lstrip(), encoding="utf-8")
    rng = random.Random(20261201)
    tickets = random_tickets(rng, 2500, ts_of(2026, 9, 1), AS_OF, "R")
    sharpen(rng, REF, tickets, AS_OF)
    path = ws.parent / "export.csv"
    write_iso_csv(path, rng, tickets)
    return ws, path, tickets


def reference(tickets: list, customer: str, month: str) -> dict[tuple[str, str, str], float | None]:
    keys = next(a.customer_keys for a in REF.agreements if a.customer_id == customer)
    tally: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for t in tickets:
        if t.reject or norm(t.customer) not in keys:
            continue
        ref = ref_score(REF, t, AS_OF)
        if ref["match"] != "matched":
            continue
        agreement = next(a for a in REF.agreements if a.name == ref["agreement"])
        created = datetime.fromtimestamp(t.created, ZoneInfo(agreement_tz(REF, agreement)))
        if created.strftime("%Y-%m") != month:
            continue
        for metric in ("first_response", "resolution"):
            status = ref[metric]["status"]
            counts = tally[(agreement.name, ref["priority"], metric)]
            if status == "met":
                counts[0] += 1
            elif status == "breached":
                counts[1] += 1
    return {k: (round(100 * met / (met + br), 2) if met + br else None) for k, (met, br) in tally.items()}


@pytest.mark.parametrize("customer,spelling", [("acme", "ACME Corporation"), ("globex", "globex"),
                                               ("initech", "Инитех")])
@pytest.mark.parametrize("month", ["2026-10", "2026-11"])
def test_report_json_compliance_equals_reference(export, customer: str, spelling: str, month: str) -> None:
    ws, path, tickets = export
    res = run_cli("-w", str(ws), "report", str(path), "--customer", spelling, "--period", month, "--preset",
                  "generic", "--as-of", "2026-12-03T09:30:00Z", "--format", "json")
    assert res.returncode == 0, res.stderr[-2000:]
    data = json.loads(res.stdout)
    assert {s["customer"]["id"] for s in data["sections"]} <= {customer}
    got = {(s["agreement"], o["priority"], o["metric"]): o["compliance_pct"]
           for s in data["sections"] for o in s["objectives"]}
    want = reference(tickets, customer, month)
    assert want, "the reference found no ticket: the test would prove nothing"
    assert got == want
    for s in data["sections"]:
        judged = [o for o in s["objectives"] if o["met"] + o["breached"]]
        assert s["objectives_total"] == len(judged)
        assert s["objectives_met"] == sum(1 for o in judged if o["compliance_pct"] >= o["target_pct"])
