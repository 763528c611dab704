"""Time the export reader against a bare ``csv.DictReader`` pass.

    .venv/bin/python benchmarks/bench_read.py [ROWS]      (default 500000)

Generates a generic export (10 columns; ISO timestamps, some with offsets and
some naive) into a temporary file, then runs each pass in a fresh subprocess
so the peak RSS printed is that pass's own.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PASSES = {
    "dictreader": """
import csv
with open(PATH, encoding="utf-8", newline="") as f:
    n = 0
    for r in csv.DictReader(f):
        n += 1
""",
    "reader": """
from slactl.exports import open_export, TicketRow
with open_export(PATH, tz=TZ) as e:
    n = bad = 0
    for r in e:
        n += 1
        if type(r) is not TicketRow:
            bad += 1
""",
}

CHILD = """
import resource, sys, time
PATH, TZ = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
{body}
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{dt:.3f}} {{rss:.1f}} {{n}} {{locals().get('bad', 0)}}")
"""


def generate(path: str, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    customers = ["acme", "globex", "initech", "umbrella", "Hooli Inc", "Контора"]
    services = ["email", "erp", "vpn", "crm", ""]
    prios = ["P1", "P2", "P3", "urgent", "high"]
    statuses = ["open", "solved", "closed", "pending"]
    base = 1767225600  # 2026-01-01
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,customer,service,priority,created_at,first_response_at,resolved_at,status,subject,agent\r\n")
        out = []
        for i in range(1, rows + 1):
            c = base + rnd.randrange(0, 300 * 86400)
            fr = c + rnd.randrange(60, 8 * 3600)
            rs = fr + rnd.randrange(60, 5 * 86400)
            if i % 2:
                fmt = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S+03:00", time.gmtime(t + 3 * 3600))  # noqa: E731
            else:
                fmt = lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))  # noqa: E731
            fr_s = fmt(fr) if i % 10 else ""
            rs_s = fmt(rs) if i % 4 else ""
            out.append(f"T-{i},{rnd.choice(customers)},{rnd.choice(services)},{rnd.choice(prios)},"
                       f"{fmt(c)},{fr_s},{rs_s},{rnd.choice(statuses)},"
                       f"\"Printer on floor {i % 9} is broken, again\",agent{i % 37}\r\n")
            if len(out) >= 10000:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))


def run(name: str, path: str, tz: str) -> tuple[float, float, int, int]:
    code = CHILD.format(body=PASSES[name])
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code, path, tz], capture_output=True, text=True, env=env,
                         check=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), int(out[3])


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    tz = sys.argv[2] if len(sys.argv) > 2 else "Europe/Moscow"
    repeat = 3
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "export.csv")
        generate(path, rows)
        size = os.path.getsize(path) / 2**20
        print(f"{rows} rows, {size:.1f} MiB, naive times in {tz}, best of {repeat}")
        res = {}
        for name in PASSES:
            runs = [run(name, path, tz) for _ in range(repeat)]
            res[name] = min(runs)
            t, rss, n, bad = res[name]
            extra = f", rejected {bad}" if name == "reader" else ""
            print(f"  {name:<11} {t:7.3f} s  peak RSS {rss:6.1f} MiB  ({n} rows{extra})")
        ratio = res["reader"][0] / res["dictreader"][0]
        print(f"  ratio reader/DictReader: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
