"""An independent reference for OLA stages, reply cycles and update gaps: minute stepping.

Written from the issue's words, nothing from slactl: every instant is a whole
minute, and each minute [m, m + 60) is asked three questions on its own (is the
calendar open at m, who holds the ticket at m, is its status paused at m); the
open, held, unpaused minutes are summed. The calendar's open hours come from
``test_score_reference.RefCalendar.spans_of`` (the weekly spans, holidays and
transferred workdays as the file format states them), read in local wall time
of a zone without DST so that stepping local minutes is exact.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

MIN = 60


def open_at(cal, m: int) -> bool:
    """Is ``cal`` (a RefCalendar) open during the minute starting at ``m``?"""
    if cal.always:
        return True
    local = datetime.fromtimestamp(m, ZoneInfo(cal.tz))
    minute = local.hour * 60 + local.minute
    return any(a <= minute < b for a, b in cal.spans_of(local.date()))


def holder(created: int, groups: list[tuple[int, str, str | None]], export_group: str, m: int) -> str:
    """Who holds the ticket during minute ``m``: the ``to`` of the last group row at or before
    it (rows before the creation count from the creation; ties: the later row in the list), before
    any row the earliest row's ``from``; no group row: the export's group column."""
    if not groups:
        return export_group.strip().casefold()
    ordered = sorted(range(len(groups)), key=lambda i: (groups[i][0], i))
    team = (groups[ordered[0]][2] or "").strip()
    for i in ordered:
        if max(groups[i][0], created) <= m:
            team = groups[i][1].strip()
    return team.casefold()


def status_at(created: int, changes: list[tuple[int, str, str | None]], m: int) -> str:
    ordered = sorted(range(len(changes)), key=lambda i: (changes[i][0], i))
    status = (changes[ordered[0]][2] or "") if ordered else ""
    for i in ordered:
        if max(changes[i][0], created) <= m:
            status = changes[i][1]
    return status.strip().casefold()


def counted(cal, a: int, b: int, keep) -> int:
    """Seconds of whole minutes in [a, b) that are open and for which ``keep(m)`` holds."""
    return sum(MIN for m in range(a, b, MIN) if open_at(cal, m) and keep(m))


def judge(elapsed: int, target: int | None, still_open: bool) -> str:
    if target is None:
        return "missing"
    if elapsed > target:
        return "breached"
    return "pending" if still_open else "met"


def ref_stage(cal, t: dict, team: set[str], as_of: int, resolution_target: int | None, response_target: int | None,
              pause_res: set[str], pause_resp: set[str]) -> dict | None:
    """The stage of the team spelt any of ``team`` (case-folded) for ticket ``t`` (keys: created,
    resolved, changes, groups, comments, group), or None when the team never held it."""
    created, resolved = t["created"], t["resolved"]
    stop = resolved if resolved is not None else as_of
    stop = max(stop, created)
    mins = range(created, stop, MIN)
    who = {m: holder(created, t["groups"], t["group"], m) in team for m in mins}
    held = [m for m in mins if who[m]]
    if not held:
        return None
    holds = resolved is None and who[stop - MIN]
    res = counted(cal, created, stop, lambda m: who[m] and status_at(created, t["changes"], m) not in pause_res)
    out = {"elapsed": res, "status": judge(res, resolution_target, holds)}
    if response_target is not None:
        a = held[0]
        b = a
        while b < stop and who[b]:
            b += MIN
        acts = [c[0] for c in t["changes"]] + [at for at, w in t["comments"] if w == "agent"]
        if resolved is not None:
            acts.append(resolved)
        inside = sorted(x for x in acts if a < x <= b)
        still = holds and b == stop
        end = inside[0] if inside else b
        e = counted(cal, a, end, lambda m: status_at(created, t["changes"], m) not in pause_resp)
        out["response"] = {"elapsed": e, "status": judge(e, response_target, not inside and still)}
    return out


def ref_cycles(cal, t: dict, as_of: int, pause: set[str]) -> list[dict]:
    """Every reply cycle after the first (the first response), as the issue words them."""
    created, resolved = t["created"], t["resolved"]
    stop = resolved if resolved is not None else as_of
    cycles: list[list] = []
    waiting_since: int | None = created
    for at, w in sorted(t["comments"], key=lambda c: c[0]):  # stable: ties keep the order given
        if at > stop:
            break
        at = max(at, created)
        if w == "customer" and waiting_since is None:
            waiting_since = at
        elif w == "agent" and waiting_since is not None:
            cycles.append([waiting_since, at, True])
            waiting_since = None
    if waiting_since is not None:
        cycles.append([waiting_since, max(stop, waiting_since), resolved is not None])
    return [_span(cal, t, a, b, ended, pause) for a, b, ended in cycles[1:]]


def ref_gaps(cal, t: dict, as_of: int, pause: set[str]) -> list[dict]:
    created, resolved = t["created"], t["resolved"]
    stop = resolved if resolved is not None else as_of
    points = [created] + [max(at, created) for at, w in sorted(t["comments"], key=lambda c: c[0])
                          if w == "agent" and at <= stop]
    spans = [(points[i], points[i + 1], True) for i in range(len(points) - 1)]
    spans.append((points[-1], max(stop, points[-1]), resolved is not None))
    return [_span(cal, t, a, b, ended, pause) for a, b, ended in spans]


def _span(cal, t: dict, a: int, b: int, ended: bool, pause: set[str]) -> dict:
    e = counted(cal, a, b, lambda m: status_at(t["created"], t["changes"], m) not in pause)
    return {"start": a, "end": b, "elapsed": e, "ended": ended}


def verdict(spans: list[dict], target: int) -> tuple[str, list[str]]:
    statuses = ["breached" if s["elapsed"] > target else ("met" if s["ended"] else "pending") for s in spans]
    overall = "breached" if "breached" in statuses else "pending" if "pending" in statuses else "met"
    return overall, statuses
