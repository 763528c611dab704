#!/usr/bin/env python3
"""Writes examples/time-entries.csv: time logged on the tickets of examples/generic.csv.

Deterministic (seeded). Durations are written the ways people write them (1:30,
90m, 1.5h, seconds); a few entries are not billable, a few name a ticket the
export does not have, a few name only a customer (work outside any ticket).
Run from the repository root: python3 examples/make_time_entries.py
"""
from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
AUTHORS = ["Kate Lin", "Pavel Egorov", "Olga Smirnova", "Alexei Volkov"]
NOTES = ["remote session", "call with the user", "log analysis", "config change", "follow-up", "vendor escalation"]


def duration(rnd: random.Random, minutes: int) -> str:
    style = rnd.randrange(4)
    if style == 0:
        return f"{minutes // 60}:{minutes % 60:02d}"
    if style == 1:
        return f"{minutes}m"
    if style == 2:
        return f"{minutes / 60:g}h" if minutes % 6 == 0 else f"{minutes}m"
    return str(minutes * 60)


def main() -> None:
    rnd = random.Random(14)
    with open(HERE / "generic.csv", encoding="utf-8", newline="") as f:
        tickets = [r for r in csv.DictReader(f) if r["created_at"] >= "2026-10"]
    rows = []
    for t in tickets:
        if rnd.random() < 0.45:
            continue
        created = datetime.fromisoformat(t["created_at"])
        for _ in range(rnd.choice((1, 1, 2, 3))):
            start = created + timedelta(minutes=rnd.randrange(20, 60 * 30))
            minutes = rnd.choice((10, 15, 20, 30, 45, 50, 60, 75, 90, 120, 150, 240))
            billable = "false" if rnd.random() < 0.12 else rnd.choice(("true", "yes", "1", ""))
            rows.append([t["id"], "", start.isoformat(timespec="minutes"), duration(rnd, minutes), billable,
                         rnd.choice(AUTHORS), rnd.choice(NOTES)])
    # work for a customer outside any ticket (a workshop), and entries for tickets not in the export
    rows.append(["", "ACME Corp", "2026-11-05T10:00+03:00", "3h", "true", "Kate Lin", "quarterly review workshop"])
    rows.append(["", "Initech LLC", "2026-10-20T14:00+03:00", "2:30", "true", "Olga Smirnova", "SAP upgrade planning"])
    rows.append(["T-99001", "", "2026-11-12T09:30+03:00", "45m", "true", "Pavel Egorov", "ticket from the old desk"])
    rows.append(["T-99002", "", "2026-11-18T16:00+03:00", "1.5h", "true", "Alexei Volkov", "ticket from the old desk"])
    rows.sort(key=lambda r: r[2])
    with open(HERE / "time-entries.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ticket_id", "customer", "started_at", "duration", "billable", "author", "note"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
