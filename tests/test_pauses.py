"""The pause layer of the clock against a brute-force reference that steps minute by minute.

The reference (``ref_*``) knows nothing of segments or prefix sums: for every
minute between creation and stop it asks whether the calendar is open (from
``test_clock.ref_intervals``, itself built from the calendar definition), which
status the ticket was in (the last change at or before that minute, in time
order, ties in file order) and whether a later change reopens the ticket.
All instants are whole minutes and spans whole minutes, so stepping by
minutes is exact; DST days included.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_clock import ref_intervals

from slactl.core.clock import BusinessClock
from slactl.core.pauses import (
    PAUSED, REOPENED, Change, due, measure, removed_intervals, reopens, status_at, timeline,
)
from slactl.core.model import CALENDAR_24X7, Calendar

H = 3600
M = 60
LUNCH = ((9 * H, 13 * H), (14 * H, 18 * H))
CALENDARS = [
    CALENDAR_24X7,
    Calendar(name="msk", timezone="Europe/Moscow", hours=(LUNCH,) * 5 + ((), ()), holiday_country="RU"),
    # Berlin across the spring-forward night (2026-03-29) and NY across fall-back (2026-11-01)
    Calendar(name="ber", timezone="Europe/Berlin", hours=(((0, 86400),),) * 7),
    Calendar(name="ny", timezone="America/New_York", hours=(((H, 3 * H), (8 * H, 20 * H)),) * 6 + ((),)),
]
STARTS = [
    datetime(2026, 3, 27, 16, 0, tzinfo=ZoneInfo("Europe/Berlin")).timestamp(),
    datetime(2026, 10, 30, 22, 0, tzinfo=ZoneInfo("America/New_York")).timestamp(),
    datetime(2026, 1, 1, 10, 0, tzinfo=ZoneInfo("Europe/Moscow")).timestamp(),
]
STATUSES = ["open", "Pending", "pending ", "on-hold", "solved", "Closed", "reopened", "in progress"]
PAUSE = frozenset({"pending", "on-hold"})
RESOLVED = frozenset({"solved", "closed"})
SPAN = 4 * 24 * 60  # minutes of the window examples live in


def ref_open_minutes(cal: Calendar, a: float, b: float) -> set[float]:
    """Start instants of the minutes in [a, b) during which the calendar is open."""
    if cal.is_24x7:
        return {a + i * M for i in range(int((b - a) // M))}
    ivs = ref_intervals(cal, a, b)
    out = set()
    t = a
    while t < b:
        if any(x <= t and t + M <= y for x, y in ivs):
            out.add(t)
        t += M
    return out


def ref_status(created: float, changes: list[Change], t: float) -> str:
    ordered = sorted(changes, key=lambda c: c.at)
    status = (ordered[0].before or "") if ordered else ""
    for c in ordered:
        if c.at <= t:
            status = c.to
    return status.strip().casefold()


def ref_removed(created: float, changes: list[Change], t: float, reopen_rule: bool) -> bool:
    s = ref_status(created, changes, t)
    if s in PAUSE:
        return True
    if reopen_rule and s in RESOLVED:
        return any(c.at > t and c.to.strip().casefold() not in RESOLVED for c in changes)
    return False


def ref_measure(cal: Calendar, created: float, stop: float, changes: list[Change], reopen_rule: bool):
    opened = ref_open_minutes(cal, created, stop)
    paused = sum(1 for t in opened if ref_removed(created, changes, t, reopen_rule))
    return (len(opened) - paused) * M, paused * M


def ref_due(cal: Calendar, created: float, target: float, changes: list[Change], reopen_rule: bool):
    if target <= 0:
        return created
    horizon = created + (SPAN + 3 * 24 * 60) * M
    opened = ref_open_minutes(cal, created, horizon)
    counted = 0.0
    t = created
    while t < horizon:
        if t in opened and not ref_removed(created, changes, t, reopen_rule):
            counted += M
            if counted >= target:
                return t + M
        t += M
    return None


@st.composite
def tickets(draw):
    cal = draw(st.sampled_from(CALENDARS))
    created = draw(st.sampled_from(STARTS)) + draw(st.integers(0, 24 * 60)) * M
    n = draw(st.integers(0, 6))
    changes = []
    for _ in range(n):
        at = created + draw(st.integers(-60, SPAN)) * M
        before = draw(st.one_of(st.none(), st.sampled_from(STATUSES)))
        changes.append(Change(at, draw(st.sampled_from(STATUSES)), before))
    stop = created + draw(st.integers(0, SPAN)) * M
    target = draw(st.integers(0, 30)) * 30 * M
    return cal, created, changes, stop, target


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tickets(), st.booleans())
def test_measure_and_due_match_minute_stepping(ticket, reopen_rule):
    cal, created, changes, stop, target = ticket
    clock = BusinessClock(cal)
    segs = timeline(created, changes)
    removed = removed_intervals(segs, PAUSE, RESOLVED if reopen_rule else None)
    elapsed, paused = measure(clock, created, stop, removed)
    want_elapsed, want_paused = ref_measure(cal, created, stop, changes, reopen_rule)
    assert abs(elapsed - want_elapsed) < 1e-6
    assert abs(paused - want_paused) < 1e-6
    got_due = due(clock, created, target, removed)
    want_due = ref_due(cal, created, target, changes, reopen_rule)
    if want_due is None:  # never reached inside the reference's horizon
        assert got_due is None or got_due >= created + (SPAN + 3 * 24 * 60) * M - 1e-6
    else:
        assert got_due is not None and abs(got_due - want_due) < 1e-6


def test_seconds_count_inside_a_pause():
    created = 1_000_000_000.0
    changes = [Change(created + 100.5, "pending", "open"), Change(created + 1000.25, "open")]
    clock = BusinessClock(CALENDAR_24X7)
    removed = removed_intervals(timeline(created, changes), PAUSE)
    assert measure(clock, created, created + 2000, removed) == (2000 - 899.75, 899.75)
    assert due(clock, created, 1500, removed) == created + 1500 + 899.75


def test_reopen_counts_and_resolved_time_is_dropped_for_resolution_only():
    created = 0.0
    changes = [Change(10 * M, "solved", "open"), Change(40 * M, "Closed"), Change(60 * M, "reopened"),
               Change(90 * M, "solved")]
    segs = timeline(created, changes)
    assert reopens(segs, RESOLVED) == 1
    clock = BusinessClock(CALENDAR_24X7)
    res = removed_intervals(segs, frozenset(), RESOLVED)
    assert [(r.start, r.end, r.reason) for r in res] == [(10 * M, 40 * M, REOPENED), (40 * M, 60 * M, REOPENED)]
    assert measure(clock, created, 90 * M, res) == (40 * M, 50 * M)
    fr = removed_intervals(segs, frozenset())
    assert measure(clock, created, 90 * M, fr) == (90 * M, 0.0)


def test_paused_for_good_is_never_due_and_status_at():
    segs = timeline(0.0, [Change(60.0, "Waiting for customer ")])
    removed = removed_intervals(segs, frozenset({"waiting for customer"}))
    assert removed[0].reason == PAUSED and removed[0].status == "Waiting for customer"
    assert due(BusinessClock(CALENDAR_24X7), 0.0, 120.0, removed) is None
    assert status_at(segs, 30.0).key == "" and status_at(segs, 60.0).key == "waiting for customer"
