"""An independent reading of call logs and computation of call-centre figures, written from
issue 29's definitions (not from slactl's code), for tests/test_calls.py.

* ``parse_queue_log(text)``: ENTERQUEUE offers; CONNECT answers (data1 held); ABANDON abandons
  (data3 waited); EXITWITHTIMEOUT / EXITEMPTY / EXITWITHKEY abandon (waited = event - enter);
  callid NONE is not a call; fewer than 5 fields or a non-numeric time (or hold/wait) is malformed.
* ``parse_call_csv(rows)``: the generic CSV, already split into cells.
* ``figures(calls, objective, ...)``: per local window of the agreement's zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass
class RefCall:
    queue: str
    offered: float
    decided: float | None  # None: no outcome in the log
    answered: bool = False
    seconds: float = 0.0  # held (answered) or waited (abandoned)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) and value >= 0 else None


def parse_queue_log(text: str) -> tuple[list[RefCall], set[int]]:
    """The calls of a queue_log and the numbers of its malformed lines."""
    calls: list[RefCall] = []
    bad: set[int] = set()
    waiting: dict[str, RefCall] = {}
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        f = line.split("|")
        if len(f) < 5 or _number(f[0]) is None:
            bad.add(number)
            continue
        t = float(f[0])
        callid, event = f[1], f[4]
        if callid == "NONE":
            continue
        if event == "ENTERQUEUE":
            waiting[callid] = RefCall(f[2], t, None)
            calls.append(waiting[callid])
        elif event in ("CONNECT", "ABANDON"):
            index = 5 if event == "CONNECT" else 7
            value = _number(f[index]) if len(f) > index else None
            if value is None:
                bad.add(number)
                continue
            call = waiting.pop(callid, None)
            if call is not None:
                call.decided, call.answered, call.seconds = t, event == "CONNECT", value
        elif event in ("EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY"):
            call = waiting.pop(callid, None)
            if call is not None:
                call.decided, call.seconds = t, t - call.offered
    return calls, bad


def parse_call_csv(records: list[tuple[int, dict[str, float | None | str]]]) -> list[RefCall]:
    """(line, {queue, offered_at, answered_at, ended_at}) -> calls (rows already valid)."""
    out = []
    for _, r in records:
        offered, answered, ended = r["offered_at"], r["answered_at"], r["ended_at"]
        assert isinstance(offered, float)
        if isinstance(answered, float):
            out.append(RefCall(str(r["queue"]), offered, answered, True, answered - offered))
        elif isinstance(ended, float):
            out.append(RefCall(str(r["queue"]), offered, ended, False, ended - offered))
        else:
            out.append(RefCall(str(r["queue"]), offered, None))
    return out


@dataclass
class RefObjective:
    queue: str
    within: float | None
    sl_target: float | None
    abandon_max: float | None
    asa_max: float | None
    short: float
    # None: 24x7; else (zone, {weekday: [(start s, end s)]}, holidays)
    hours: tuple[str, dict[int, list[tuple[int, int]]], set[date]] | None


def _open(hours: tuple[str, dict[int, list[tuple[int, int]]], set[date]] | None, t: float) -> bool:
    if hours is None:
        return True
    zone, week, holidays = hours
    local = datetime.fromtimestamp(t, ZoneInfo(zone))
    if local.date() in holidays:
        return False
    second = local.hour * 3600 + local.minute * 60 + local.second + (t - int(t))
    return any(a <= second < b for a, b in week.get(local.weekday(), []))


def figures(calls: list[RefCall], o: RefObjective, zone: str, as_of: float, begin: float,
            end: float) -> dict[str, dict[str, object]]:
    """Month label -> the figures of ``o``'s queue (calls offered in [begin, end) and by as_of)."""
    out: dict[str, dict[str, object]] = {}
    for c in calls:
        if c.queue != o.queue or c.offered > as_of or not begin <= c.offered < min(end, as_of):
            continue
        local = datetime.fromtimestamp(c.offered, ZoneInfo(zone))
        month = f"{local.year}-{local.month:02d}"
        f = out.setdefault(month, {"answered": 0, "abandoned": 0, "held": [], "within": 0})
        if c.decided is None or c.decided > as_of or not _open(o.hours, c.offered):
            continue
        if c.answered:
            f["answered"] += 1  # type: ignore[operator]
            f["held"].append(c.seconds)  # type: ignore[attr-defined]
            if o.within is not None and c.seconds <= o.within:
                f["within"] += 1  # type: ignore[operator]
        elif c.seconds >= o.short:
            f["abandoned"] += 1  # type: ignore[operator]
    for f in out.values():
        offered = f["answered"] + f["abandoned"]  # type: ignore[operator]
        held = f.pop("held")
        f["offered"] = offered
        f["asa_seconds"] = sum(held) / len(held) if held else None  # type: ignore[arg-type]
        f["abandonment_pct"] = f["abandoned"] / offered * 100 if offered else None  # type: ignore[operator]
        f["service_level_pct"] = f.pop("within") / offered * 100 if offered and o.within is not None else None  # type: ignore[operator]
        met: dict[str, object] = {}
        if o.within is not None and o.sl_target is not None:
            met["service_level"] = None if not offered else f["service_level_pct"] >= o.sl_target  # type: ignore[operator]
        if o.abandon_max is not None:
            met["abandonment"] = None if not offered else f["abandonment_pct"] <= o.abandon_max  # type: ignore[operator]
        if o.asa_max is not None:
            met["asa"] = None if f["asa_seconds"] is None else f["asa_seconds"] <= o.asa_max  # type: ignore[operator]
        f["met"] = met
    return out
