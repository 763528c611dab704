"""``slactl calls`` on a generated Asterisk queue_log of a million lines: time and peak memory.

    .venv/bin/python benchmarks/bench_calls.py [--lines N] [--runs R] [--keep DIR]

Writes a workspace (the bundled workspace: acme's agreement measures the queues
acme-support on Moscow business hours and acme-vip 24x7) and a queue_log of about N lines
(default 1,000,000) over three months: about 200,000 calls on five queues (three named by
no agreement), each an ENTERQUEUE, often a RINGNOANSWER, its outcome (CONNECT, ABANDON or
EXITWITHTIMEOUT) and a COMPLETECALLER, plus agent pauses, interleaved in time order as
Asterisk writes them. Then it times, as fresh processes with output to /dev/null,
interleaved R times (default 3):

  slactl calls LOG --format json     (wall time and peak RSS of the process)
  python: read the lines and split them on '|'   (the floor: reading the file at all)

and prints the best of each, slactl's ratio to the floor and its peak RSS. The memory
figure is the point: only calls still waiting for their outcome are held.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
QUEUES = ("acme-support", "acme-vip", "sales", "billing", "partners")
START = 1790812800  # 2026-10-01T00:00:00Z
FLOOR = """
import sys
n = 0
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        n += len(line.split("|"))
print(n)
"""


def write_log(path: str, lines: int, seed: int = 29) -> int:
    """About ``lines`` lines of queue_log; returns the lines written."""
    rng = random.Random(seed)
    calls = lines * 10 // 34  # about 3.4 lines a call
    span = 92 * 86400
    events: list[tuple[int, str]] = []
    for n in range(calls):
        at = START + n * span // calls + rng.randint(0, 30)
        queue = QUEUES[n % len(QUEUES)]
        callid = f"{1790000000 + n}.{n}"
        events.append((at, f"{callid}|{queue}|NONE|ENTERQUEUE||+7495{n:07d}|1"))
        roll = rng.random()
        wait = rng.randint(1, 90)
        if roll < 0.8:
            if rng.random() < 0.5:
                events.append((at + wait - 1, f"{callid}|{queue}|PJSIP/a{n % 40}|RINGNOANSWER|1000"))
            events.append((at + wait, f"{callid}|{queue}|PJSIP/a{n % 40}|CONNECT|{wait}|{callid}9|3"))
            events.append((at + wait + 240, f"{callid}|{queue}|PJSIP/a{n % 40}|COMPLETECALLER|{wait}|240|1"))
        elif roll < 0.95:
            events.append((at + wait, f"{callid}|{queue}|NONE|ABANDON|2|1|{wait}"))
            events.append((at + wait, f"{callid}|{queue}|NONE|INFO|x"))
        else:
            events.append((at + 300, f"{callid}|{queue}|NONE|EXITWITHTIMEOUT|1|1|300"))
            events.append((at + 300, f"{callid}|{queue}|NONE|INFO|y"))
        if n % 50 == 0:
            events.append((at, f"NONE|{queue}|PJSIP/a{n % 40}|PAUSE|lunch"))
    events.sort(key=lambda e: e[0])
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(f"{START - 60}|NONE|NONE|NONE|QUEUESTART|\n")
        f.writelines(f"{at}|{rest}\n" for at, rest in events)
    return len(events) + 1


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one fresh process."""
    pid_start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - pid_start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="write the files here and keep them")
    parser.add_argument("--write", help=argparse.SUPPRESS)  # the child that writes the log
    args = parser.parse_args()
    if args.write:
        print(write_log(args.write, args.lines))
        return
    folder = args.keep or tempfile.mkdtemp(prefix="bench-calls-")
    try:
        ws = os.path.join(folder, "agreements")
        if not os.path.isdir(ws):
            shutil.copytree(os.path.join(ROOT, "agreements"), ws)
        log = os.path.join(folder, "queue_log")
        # written by a child: a child process's peak RSS counts what its parent held when it
        # started it, and the log's events are a few hundred MB of Python objects
        written = int(subprocess.run([sys.executable, __file__, "--write", log, "--lines", str(args.lines)],
                                     check=True, capture_output=True, text=True).stdout)
        size = os.path.getsize(log) / 1e6
        print(f"queue_log: {written:,} lines, {size:.1f} MB")
        slactl = [os.path.join(BIN, "slactl"), "-w", ws, "calls", log, "--as-of", "2027-01-01T00:00:00Z",
                  "--format", "json"]
        floor = [sys.executable, "-c", FLOOR, log]
        best: dict[str, tuple[float, int]] = {}
        for _ in range(args.runs):
            for name, cmd in (("slactl calls", slactl), ("python split floor", floor)):
                elapsed, rss = timed(cmd)
                seen = best.get(name)
                best[name] = (min(elapsed, seen[0]) if seen else elapsed, max(rss, seen[1]) if seen else rss)
        for name, (elapsed, rss) in best.items():
            print(f"{name:20s} best {elapsed:6.2f} s   peak RSS {rss / 1024:6.1f} MiB")
        ratio = best["slactl calls"][0] / best["python split floor"][0]
        print(f"slactl calls / floor: {ratio:.2f}x ({written / best['slactl calls'][0]:,.0f} lines/s)")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
