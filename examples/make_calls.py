"""Write examples/queue_log (an Asterisk queue log of November 2026) and examples/calls.csv (the
same calls as a generic call CSV). Seeded: running it again writes the same files.

    python3 examples/make_calls.py
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
MSK = timezone(timedelta(hours=3))  # Europe/Moscow has no DST since 2014
QUEUES = ("acme-support", "acme-vip", "sales")


def calls(seed: int = 29) -> list[tuple[str, str, int, str, int]]:
    """(callid, queue, entered, outcome, seconds): outcome CONNECT (seconds held), ABANDON (seconds
    waited), EXITWITHTIMEOUT (waited) or "" (still waiting at the end of the log)."""
    rng = random.Random(seed)
    out = []
    day = datetime(2026, 11, 2, tzinfo=MSK)
    n = 0
    while day.month == 11:
        for _ in range(rng.randint(2, 5) if day.weekday() < 5 else 1):
            hour = rng.choice((8, 10, 11, 12, 15, 16, 17, 19))  # 8 and 19 are out of Moscow hours
            at = int((day + timedelta(hours=hour, minutes=rng.randint(0, 59))).timestamp())
            n += 1
            queue = rng.choice(QUEUES)
            roll = rng.random()
            if roll < 0.72:
                outcome, seconds = "CONNECT", rng.choice((3, 8, 12, 15, 19, 20, 25, 40, 75))
            elif roll < 0.84:
                outcome, seconds = "ABANDON", rng.choice((2, 3, 4, 30, 65))
            else:
                outcome, seconds = "EXITWITHTIMEOUT", 120
            out.append((f"1793{n:06d}.{n}", queue, at, outcome, seconds))
        day += timedelta(days=3 if day.weekday() == 4 else 1)
    last = out[-1][2] + 600
    out.append(("1799000001.1", "acme-support", last, "", 0))  # still waiting when the log ends
    return out


def queue_log(items: list[tuple[str, str, int, str, int]]) -> str:
    events: list[tuple[int, int, str]] = [(items[0][2] - 86400, 0, "NONE|NONE|NONE|QUEUESTART|")]
    for k, (callid, queue, at, outcome, seconds) in enumerate(items):
        events.append((at, 1, f"{callid}|{queue}|NONE|ENTERQUEUE||+7495{k:07d}|1"))
        if outcome == "CONNECT":
            events.append((at + seconds, 2, f"{callid}|{queue}|PJSIP/agent{k % 4}|CONNECT|{seconds}|{callid}9|2"))
            events.append((at + seconds + 180, 3, f"{callid}|{queue}|PJSIP/agent{k % 4}|COMPLETECALLER|{seconds}|180|1"))
        elif outcome == "ABANDON":
            events.append((at + seconds, 2, f"{callid}|{queue}|NONE|ABANDON|1|1|{seconds}"))
        elif outcome:
            events.append((at + seconds, 2, f"{callid}|{queue}|NONE|{outcome}|1|1|{seconds}"))
    lines = [f"{at}|{text}" for at, _, text in sorted(events)]
    # three malformed lines, each rejected with its line number
    lines.insert(40, "1794000000|1794000000.9|acme-support")  # too few fields
    lines.insert(41, "17940000xx|1794000001.1|acme-support|NONE|ENTERQUEUE||+74950000000|1")  # a bad time
    lines.insert(90, "1794500000|1794500000.5|acme-vip|PJSIP/agent1|CONNECT")  # no seconds held
    return "\n".join(lines) + "\n"


def calls_csv(items: list[tuple[str, str, int, str, int]]) -> str:
    def iso(t: int) -> str:
        return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    rows = ["call_id,queue,offered_at,answered_at,ended_at"]
    for callid, queue, at, outcome, seconds in items:
        if outcome == "CONNECT":
            rows.append(f"{callid},{queue},{iso(at)},{iso(at + seconds)},{iso(at + seconds + 180)}")
        elif outcome:
            rows.append(f"{callid},{queue},{iso(at)},,{iso(at + seconds)}")
        else:
            rows.append(f"{callid},{queue},{iso(at)},,")
    return "\r\n".join(rows) + "\r\n"


def main() -> None:
    items = calls()
    (HERE / "queue_log").write_text(queue_log(items), encoding="ascii", newline="")
    (HERE / "calls.csv").write_text(calls_csv(items), encoding="ascii", newline="")


if __name__ == "__main__":
    main()
