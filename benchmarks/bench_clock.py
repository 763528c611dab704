"""Time BusinessClock.open_seconds: 1,000,000 calls on a Moscow calendar
(09:00-13:00, 14:00-18:00 Mon-Fri, RU public holidays and working Saturdays).

    .venv/bin/python benchmarks/bench_clock.py [N]

Prints the one-off build cost and microseconds per call. The clock is warmed up
(years built) before timing, as it is after the first tickets of a real run.
"""
from __future__ import annotations

import os
import random
import sys
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from slactl.core.clock import clock_for  # noqa: E402
from slactl.core.model import CALENDAR_24X7, Calendar  # noqa: E402

H = 3600
LUNCH = ((9 * H, 13 * H), (14 * H, 18 * H))
MSK = Calendar(
    name="msk-business",
    timezone="Europe/Moscow",
    hours=(LUNCH,) * 5 + ((), ()),
    holiday_country="RU",
)


def main(n: int = 1_000_000) -> None:
    rng = random.Random(42)
    lo = datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp()
    hi = datetime(2026, 12, 31, tzinfo=timezone.utc).timestamp()
    starts = [rng.uniform(lo, hi) for _ in range(n)]
    ends = [s + rng.expovariate(1 / (3 * 86400)) for s in starts]  # ~3-day tickets

    t0 = time.perf_counter()
    clock = clock_for(MSK)
    clock.open_seconds(lo - 86400, hi + 30 * 86400)  # build 2024-2027
    build = time.perf_counter() - t0

    for label, clk in (("msk-business (RU holidays)", clock), ("24x7", clock_for(CALENDAR_24X7))):
        f = clk.open_seconds
        t0 = time.perf_counter()
        total = 0.0
        for s, e in zip(starts, ends):
            total += f(s, e)
        dt = time.perf_counter() - t0
        print(f"{label:28s} open_seconds: {dt / n * 1e6:.3f} us/call ({n:,} calls, {dt:.2f} s)")

    f = clock.cumulative
    t0 = time.perf_counter()
    for s in starts:
        f(s)
    dt = time.perf_counter() - t0
    print(f"{'msk-business (RU holidays)':28s} cumulative:   {dt / n * 1e6:.3f} us/call")
    g = clock.due
    m = n // 10
    t0 = time.perf_counter()
    for s in starts[:m]:
        g(s, 4 * H)
    dt = time.perf_counter() - t0
    print(f"{'msk-business (RU holidays)':28s} due:          {dt / m * 1e6:.3f} us/call ({m:,} calls)")
    print(f"one-off build of 4 years incl. `import holidays`: {build * 1e3:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
