"""Time ``slactl score --history`` against a bare ``csv.DictReader`` pass over both files.

    .venv/bin/python benchmarks/bench_history.py [TICKETS] [--changes N] [--repeat N] [--keep DIR]

TICKETS defaults to 500000, --changes (status changes per ticket) to 5. The script
writes a generic export (the columns and customer, service and priority spellings
of ``bench_score.py``) and its status history (``ticket_id, changed_at, field,
from, to``; each ticket: open, pending, open again, solved, closed, one assignee
change mixed in every tenth ticket) twice: sorted by ticket (the export's order:
matched in one pass) and newest ticket first (not sorted: matched through the
on-disk index). Then, each in a fresh process, stdout to /dev/null:

  dictreader      for r in csv.DictReader(export): pass; the same over the history
  sorted text     slactl score EXPORT --history SORTED --format text
  sorted json     ... --format json
  indexed text    slactl score EXPORT --history UNSORTED --format text

Wall time and peak RSS per pass as in ``bench_score.py`` (the same wrapper).
"""
from __future__ import annotations

import argparse
import os
import random
import shlex
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_score import AS_OF, CUSTOMERS, PRIORITIES, ROOT, SERVICES, TARGET_H, _weighted, measure  # noqa: E402

DICTREADER = """
import csv, sys
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            pass
"""
STORY = ("open", "pending", "open", "solved", "closed", "reopened", "open", "pending")


def _iso(t: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def generate(folder: str, tickets: int, changes: int, seed: int = 13) -> tuple[str, str, str]:
    """(export, sorted history, unsorted history) paths."""
    rnd = random.Random(seed)
    start, span, as_of = 1790812800, 52 * 86400, 1795348800  # 2026-10-01 .. 2026-11-22 12:00 UTC
    export = os.path.join(folder, f"export-{tickets}.csv")
    sorted_h = os.path.join(folder, f"history-sorted-{tickets}.csv")
    unsorted_h = os.path.join(folder, f"history-unsorted-{tickets}.csv")
    blocks: list[str] = []  # the history, one block of lines per ticket (written twice)
    with open(export, "w", encoding="utf-8", newline="") as f:
        f.write("id,customer,service,priority,created_at,first_response_at,resolved_at,status,subject,assignee\n")
        chunk = 20_000
        for base in range(0, tickets, chunk):
            n = min(chunk, tickets - base)
            custs, svcs = _weighted(rnd, CUSTOMERS, n), _weighted(rnd, SERVICES, n)
            prios = _weighted(rnd, PRIORITIES, n)
            out = []
            for j in range(n):
                i = base + j
                tid = f"T-{i + 1}"
                c = start + rnd.randrange(span)
                tgt = TARGET_H[prios[j]] * 3600
                t, status, lines, resolved = c, "new", [], ""
                for k in range(changes):
                    t += int(tgt * 0.2 * rnd.lognormvariate(-0.7, 0.9)) + 60
                    if t > as_of:
                        break
                    to = STORY[k % len(STORY)]
                    lines.append(f"{tid},{_iso(t)},status,{status},{to}\n")
                    if k == 0 and i % 10 == 0:
                        lines.append(f"{tid},{_iso(t)},assignee,,agent{i % 37}\n")
                    status = to
                    if to == "solved":
                        resolved = _iso(t)
                fr = _iso(c + 600) if c + 600 <= as_of else ""
                out.append(f"{tid},{custs[j]},{svcs[j]},{prios[j]},{_iso(c)},{fr},{resolved},{status},"
                           f"\"Ticket {i + 1}: printer on floor {i % 9} is broken, again\",agent{i % 37}\n")
                blocks.append("".join(lines))
            f.write("".join(out))
    head = "ticket_id,changed_at,field,from,to\n"
    with open(sorted_h, "w", encoding="utf-8", newline="") as f:
        f.write(head)
        f.writelines(blocks)
    with open(unsorted_h, "w", encoding="utf-8", newline="") as f:
        f.write(head)
        f.writelines(reversed(blocks))  # newest ticket first: ascending in no order
    return export, sorted_h, unsorted_h


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tickets", nargs="?", type=int, default=500_000)
    ap.add_argument("--changes", type=int, default=5, help="status changes per ticket (default 5)")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs per pass (default 1)")
    ap.add_argument("--keep", metavar="DIR", help="write the files into DIR and keep them")
    ap.add_argument("--slactl", default=os.path.join(os.path.dirname(sys.executable), "slactl"))
    ap.add_argument("--workspace", default=os.path.join(ROOT, "agreements"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or tmp
        os.makedirs(folder, exist_ok=True)
        t0 = time.perf_counter()
        export, sorted_h, unsorted_h = generate(folder, args.tickets, args.changes)
        gen = time.perf_counter() - t0
        sizes = [os.path.getsize(p) / 2**20 for p in (export, sorted_h)]
        score = [args.slactl, "-w", args.workspace, "score", export, "--as-of", AS_OF, "--no-progress"]
        passes = {
            "dictreader": [sys.executable, "-c", DICTREADER, export, sorted_h],
            "sorted text": [*score, "--history", sorted_h, "--format", "text"],
            "sorted json": [*score, "--history", sorted_h, "--format", "json"],
            "indexed text": [*score, "--history", unsorted_h, "--format", "text"],
        }
        print(f"{args.tickets:,} tickets ({sizes[0]:.1f} MiB export), {args.changes} status changes each "
              f"({sizes[1]:.1f} MiB history), {gen:.1f} s to generate, in {folder}")
        print(f"python {sys.version.split()[0]}, {'best' if args.repeat > 1 else 'one run'} of {args.repeat}, "
              "stdout to /dev/null, peak RSS of the pass's own process\n")
        results = {name: measure(cmd, args.repeat) for name, cmd in passes.items()}
        base = results["dictreader"]["seconds"]
        print(f"{'pass':<13} {'seconds':>8} {'x DictReader':>13} {'peak RSS MiB':>13}")
        for name, r in results.items():
            print(f"{name:<13} {r['seconds']:8.2f} {r['seconds'] / base:13.2f} {r['rss_mib']:13.1f}")
        print("\ncommands:")
        for name, cmd in passes.items():
            shown = shlex.join(cmd) if name != "dictreader" else \
                f"{sys.executable} -c 'for r in csv.DictReader(f): pass' {export} {sorted_h}"
            print(f"  {name:<13} {shown} > /dev/null")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
