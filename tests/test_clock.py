"""Tests of slactl.core.clock against an independent brute-force reference.

The reference (``ref_open``) walks every local date in range, resolves each
span endpoint with ``datetime(..., tzinfo=ZoneInfo(tz))`` (fold=0), takes the
union of the resulting intervals and intersects it with the query range: no
prefix sums, no bisect, no per-year cache.
"""
from __future__ import annotations

import functools
import math
import os
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from slactl.core.clock import HORIZON_YEARS, BusinessClock, clock_for
from slactl.core.model import CALENDAR_24X7, Calendar

H = 3600
DAY = 86400
UTC = timezone.utc

# --------------------------------------------------------------------------- reference


@functools.lru_cache(maxsize=None)
def _library(country: str | None, subdiv: str | None, year: int):
    if not country:
        return frozenset(), frozenset()
    h = holidays.country_holidays(country, subdiv=subdiv, years=year)
    return frozenset(h), frozenset(h.weekend_workdays)


def ref_day_spans(cal: Calendar, d: date):
    """Spans of local date ``d``: explicit workday > explicit holiday > library workday > library holiday."""
    lib_hol, lib_work = _library(cal.holiday_country, cal.holiday_subdivision, d.year)
    workday = cal.workday_hours if cal.workday_hours is not None else cal.hours[0]
    if d in cal.workdays:
        return workday
    if d in cal.holiday_dates:
        return ()
    if d in lib_work:
        return workday
    if d in lib_hol:
        return ()
    return cal.hours[d.weekday()]


def ref_instant(tz: ZoneInfo, d: date, sec: int) -> float:
    if sec == DAY:
        d, sec = d + timedelta(days=1), 0
    hh, rest = divmod(sec, 3600)
    mm, ss = divmod(rest, 60)
    return datetime(d.year, d.month, d.day, hh, mm, ss, tzinfo=tz).timestamp()


def ref_intervals(cal: Calendar, a: float, b: float) -> list[tuple[float, float]]:
    tz = ZoneInfo(cal.timezone)
    d = datetime.fromtimestamp(a, UTC).date() - timedelta(days=3)
    last = datetime.fromtimestamp(b, UTC).date() + timedelta(days=3)
    out = []
    while d <= last:
        for s, e in ref_day_spans(cal, d):
            x, y = ref_instant(tz, d, s), ref_instant(tz, d, e)
            if y > x:
                out.append((x, y))
        d += timedelta(days=1)
    return out


def ref_open(cal: Calendar, a: float, b: float) -> float:
    """Length of (union of open intervals) intersected with [a, b]."""
    if cal.is_24x7:
        return max(0.0, b - a)
    if b <= a:
        return 0.0
    total = 0.0
    reach = a  # everything before `reach` is already counted (or outside [a, b])
    for x, y in sorted(ref_intervals(cal, a, b)):
        x, y = max(x, reach), min(y, b)
        if y > x:
            total += y - x
            reach = y
    return total


# --------------------------------------------------------------------------- helpers


def msk(*args) -> float:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()


def local(tzname: str, *args) -> float:
    return datetime(*args, tzinfo=ZoneInfo(tzname)).timestamp()


def day_of(tzname: str, y: int, m: int, d: int) -> tuple[float, float]:
    """Local midnight to next local midnight (fold=0) as epoch instants."""
    tz = ZoneInfo(tzname)
    nxt = date(y, m, d) + timedelta(days=1)
    return (
        datetime(y, m, d, tzinfo=tz).timestamp(),
        datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz).timestamp(),
    )


LUNCH = ((9 * H, 13 * H), (14 * H, 18 * H))
MSK = Calendar(name="msk", timezone="Europe/Moscow", hours=(LUNCH,) * 5 + ((), ()))
MSK_RU = Calendar(
    name="msk-ru", timezone="Europe/Moscow", hours=(LUNCH,) * 5 + ((), ()), holiday_country="RU"
)
ALL_DAY = ((0, DAY),)


def whole_week(tzname: str, spans=ALL_DAY) -> Calendar:
    return Calendar(name="w", timezone=tzname, hours=(spans,) * 7)


# --------------------------------------------------------------------------- examples


def test_friday_evening_to_monday_morning_is_one_hour():
    c = BusinessClock(MSK)
    # 2026-03-13 is a Friday, 2026-03-16 a Monday (no RU holiday in between)
    assert c.open_seconds(msk(2026, 3, 13, 17, 30), msk(2026, 3, 16, 9, 30)) == 60 * 60
    assert clock_for(MSK_RU).open_seconds(msk(2026, 3, 13, 17, 30), msk(2026, 3, 16, 9, 30)) == 3600


def test_lunch_break_and_weekday_hours():
    c = BusinessClock(MSK)
    assert c.open_seconds(msk(2026, 3, 11, 12, 0), msk(2026, 3, 11, 15, 0)) == 2 * H
    assert c.open_seconds(*day_of("Europe/Moscow", 2026, 3, 11)) == 8 * H
    assert c.open_seconds(msk(2026, 3, 9), msk(2026, 3, 16)) == 40 * H  # a whole week
    assert c.open_seconds(msk(2026, 3, 11, 15), msk(2026, 3, 11, 12)) == 0.0  # reversed


def test_ru_new_year_holidays_closed():
    c = clock_for(MSK_RU)
    for day in range(1, 9):
        assert c.open_seconds(*day_of("Europe/Moscow", 2026, 1, day)) == 0, day
    # the same days without the country are normal weekdays
    assert BusinessClock(MSK).open_seconds(*day_of("Europe/Moscow", 2026, 1, 5)) == 8 * H
    assert c.open_seconds(*day_of("Europe/Moscow", 2026, 1, 12)) == 8 * H  # Monday after
    # a ticket opened on 31 Dec at 17:00 with 2 h of resolution time
    start = msk(2025, 12, 31, 17, 0)
    first_open = next(
        d for d in (date(2026, 1, 1) + timedelta(days=i) for i in range(20)) if c.open_seconds(*day_of("Europe/Moscow", d.year, d.month, d.day))
    )
    due = c.due(start, 2 * H)
    open_dec31 = c.open_seconds(start, msk(2026, 1, 1))
    assert due == msk(first_open.year, first_open.month, first_open.day, 9, 0) + (2 * H - open_dec31)


def test_russian_transferred_working_saturday():
    sats = sorted(d for d in holidays.country_holidays("RU", years=2025).weekend_workdays)
    assert date(2025, 11, 1) in sats
    sat = date(2025, 11, 1)
    assert sat.weekday() == 5
    span = day_of("Europe/Moscow", 2025, 11, 1)
    assert clock_for(MSK_RU).open_seconds(*span) == 8 * H  # Monday hours, lunch included
    assert BusinessClock(MSK).open_seconds(*span) == 0  # no country: an ordinary Saturday
    custom = Calendar(
        name="c", timezone="Europe/Moscow", hours=MSK_RU.hours, holiday_country="RU",
        workday_hours=((10 * H, 12 * H),),
    )
    assert BusinessClock(custom).open_seconds(*span) == 2 * H
    # a plain Sunday stays closed
    assert clock_for(MSK_RU).open_seconds(*day_of("Europe/Moscow", 2025, 11, 2)) == 0


def test_explicit_workdays_and_holiday_dates():
    cal = Calendar(
        name="c", timezone="Europe/Moscow", hours=MSK.hours, holiday_country="RU",
        holiday_dates=frozenset({date(2026, 3, 11), date(2026, 3, 12)}),
        workdays=frozenset({date(2026, 1, 5), date(2026, 3, 14), date(2026, 3, 12)}),
    )
    c = BusinessClock(cal)
    d = lambda *a: c.open_seconds(*day_of("Europe/Moscow", *a))  # noqa: E731
    assert d(2026, 3, 11) == 0  # extra closed date
    assert d(2026, 3, 12) == 8 * H  # explicit workday wins over explicit holiday
    assert d(2026, 1, 5) == 8 * H  # explicit workday wins over the library holiday
    assert d(2026, 3, 14) == 8 * H  # Saturday made a workday: Monday hours
    assert d(2026, 3, 15) == 0


def test_workday_uses_workday_hours_even_on_normally_open_weekday():
    cal = Calendar(
        name="c", timezone="UTC", hours=(((0, 4 * H),),) * 7,
        workdays=frozenset({date(2026, 3, 11)}), workday_hours=((10 * H, 11 * H),),
    )
    c = BusinessClock(cal)
    assert c.open_seconds(*day_of("UTC", 2026, 3, 11)) == H
    assert c.open_seconds(*day_of("UTC", 2026, 3, 12)) == 4 * H


def test_new_york_dst_days_are_23_and_25_hours():
    c = BusinessClock(whole_week("America/New_York"))
    assert c.open_seconds(*day_of("America/New_York", 2026, 3, 8)) == 23 * H
    assert c.open_seconds(*day_of("America/New_York", 2026, 11, 1)) == 25 * H
    assert c.open_seconds(*day_of("America/New_York", 2026, 11, 2)) == 24 * H
    # a 00:00-24:00 calendar is open all the time: any real range counts fully
    a = local("America/New_York", 2026, 3, 7, 12)
    assert c.open_seconds(a, a + 3 * DAY) == 3 * DAY
    assert c.due(a, 3 * DAY) == a + 3 * DAY


def test_lord_howe_half_hour_dst():
    c = BusinessClock(whole_week("Australia/Lord_Howe"))
    assert c.open_seconds(*day_of("Australia/Lord_Howe", 2026, 10, 4)) == 23.5 * H
    assert c.open_seconds(*day_of("Australia/Lord_Howe", 2026, 4, 5)) == 24.5 * H


def test_spans_inside_the_spring_forward_gap_use_fold0():
    # New York 2026-03-08: 02:00-03:00 local does not exist.  fold=0 reads a
    # gap time with the offset before the gap (EST, UTC-5).
    ny = "America/New_York"

    def only_sunday(span):
        return Calendar(name="g", timezone=ny, hours=((),) * 6 + ((span,),))

    t0 = datetime(2026, 3, 8, 7, 0, tzinfo=UTC).timestamp()  # the transition instant
    # wholly inside the gap: 02:15 EST .. 02:45 EST
    c = BusinessClock(only_sunday((2 * H + 900, 2 * H + 2700)))
    assert c.open_seconds(*day_of(ny, 2026, 3, 8)) == 1800
    assert c.due(local(ny, 2026, 3, 8), 60) == t0 + 900 + 60
    # 01:30 EST .. 02:30 (gap, EST) = one real hour
    assert BusinessClock(only_sunday((5400, 9000))).open_seconds(*day_of(ny, 2026, 3, 8)) == H
    # 02:30 (gap, read as EST = 07:30Z) .. 03:30 EDT (= 07:30Z): empty, dropped
    assert BusinessClock(only_sunday((9000, 12600))).open_seconds(*day_of(ny, 2026, 3, 8)) == 0
    # 02:00 (gap start, EST = 07:00Z) .. 03:00 EDT (07:00Z): empty as well
    assert BusinessClock(only_sunday((2 * H, 3 * H))).open_seconds(*day_of(ny, 2026, 3, 8)) == 0
    # 01:00 .. 04:00 loses the skipped hour
    assert BusinessClock(only_sunday((H, 4 * H))).open_seconds(*day_of(ny, 2026, 3, 8)) == 2 * H


def test_spans_across_the_fall_back_fold_use_first_occurrence():
    ny = "America/New_York"

    def only_sunday(*spans):
        return Calendar(name="f", timezone=ny, hours=((),) * 6 + (spans,))

    day = day_of(ny, 2026, 11, 1)
    # 01:00 EDT (05:00Z) .. 02:00 EST (07:00Z): two real hours
    assert BusinessClock(only_sunday((H, 2 * H))).open_seconds(*day) == 2 * H
    # 01:30 first occurrence (EDT) .. 01:45 first occurrence
    assert BusinessClock(only_sunday((5400, 6300))).open_seconds(*day) == 900
    # 00:00 .. 01:30 EDT and 01:30 EDT .. 03:00 EST are adjacent: 4 h in total
    assert BusinessClock(only_sunday((0, 5400), (5400, 3 * H))).open_seconds(*day) == 4 * H


def test_24x7_is_plain_duration():
    c = clock_for(CALENDAR_24X7)
    assert isinstance(c, BusinessClock)
    a = local("America/New_York", 2026, 3, 7, 12)
    assert c.cumulative(a) == a
    assert c.open_seconds(a, a + 12345.5) == 12345.5
    assert c.open_seconds(a + 5, a) == 0.0
    assert c.due(a, 3600) == a + 3600
    assert c.due(a, 0) == a
    assert BusinessClock(CALENDAR_24X7).open_seconds(0.0, 1e9) == 1e9


def test_calendar_without_open_hours():
    for cal in (
        Calendar(name="never", timezone="Europe/Moscow"),
        # only a workday_hours, but no workday at all
        Calendar(name="never2", timezone="UTC", workday_hours=((0, H),)),
    ):
        c = BusinessClock(cal)
        a = msk(2026, 3, 13, 17, 30)
        assert c.open_seconds(a, a + 400 * DAY) == 0
        assert c.due(a, 1) is None
        assert c.due(a, 0) == a
        assert c.cumulative(a) == c.cumulative(a + 1e6)


def test_due_gives_up_after_the_horizon():
    # one minute a week: 60 years of minutes are out of reach of a 50-year horizon
    cal = Calendar(name="rare", timezone="UTC", hours=(((0, 60),),) + ((),) * 6)
    c = BusinessClock(cal)
    a = local("UTC", 2026, 1, 1)
    assert c.due(a, 60 * 52 * 60) is None
    within = c.due(a, 60 * 52 * 40)  # ~40 years: reachable
    assert within is not None
    assert c.open_seconds(a, within) == 60 * 52 * 40
    assert HORIZON_YEARS == 50
    # a calendar whose only open days are explicit workdays far away
    far = Calendar(name="far", timezone="UTC", workdays=frozenset({date(2070, 6, 1)}),
                   workday_hours=((0, H),))
    c = BusinessClock(far)
    assert c.due(a, 1800) == local("UTC", 2070, 6, 1, 0, 30)
    assert c.due(a, 2 * H) is None


def test_due_examples():
    c = clock_for(MSK_RU)
    fri = msk(2026, 3, 13, 17, 0)
    # the last needed second ends at 18:00 Friday: due then, not on Monday morning
    assert c.due(fri, 3600) == msk(2026, 3, 13, 18, 0)
    assert c.due(fri, 3601) == msk(2026, 3, 16, 9, 0, 1)
    # lunch break: 12:30 + 1 h = 14:30
    assert c.due(msk(2026, 3, 12, 12, 30), 3600) == msk(2026, 3, 12, 14, 30)
    assert c.due(msk(2026, 3, 12, 12, 30), 1800) == msk(2026, 3, 12, 13, 0)
    # starting while closed
    assert c.due(msk(2026, 3, 14, 12, 0), 1800) == msk(2026, 3, 16, 9, 30)
    assert c.due(msk(2026, 3, 14, 12, 0), 0) == msk(2026, 3, 14, 12, 0)
    # 16 open hours from Wednesday 10:00 = Friday 10:00
    assert c.due(msk(2026, 3, 11, 10), 16 * H) == msk(2026, 3, 13, 10)


def test_extreme_years_and_query_order_do_not_change_results():
    a = BusinessClock(MSK_RU)
    x, y = msk(2026, 3, 13, 17, 30), msk(2026, 3, 16, 9, 30)
    first = a.open_seconds(x, y)
    c_before = a.cumulative(x)
    assert a.cumulative(local("UTC", 2200, 6, 1)) > a.cumulative(x)
    assert a.cumulative(0.0) < a.cumulative(x)
    assert a.cumulative(x) == c_before  # the origin never moves
    assert a.open_seconds(x, y) == first == 3600
    # 1970-01-01 was a Thursday: Thu+Fri of the first week, UTC+3 in Moscow
    assert BusinessClock(MSK).open_seconds(0.0, 7 * DAY) == pytest.approx(
        ref_open(MSK, 0.0, 7 * DAY)
    )
    b = BusinessClock(MSK_RU)
    far = (msk(2199, 12, 30, 17), msk(2200, 1, 3, 12))
    assert b.open_seconds(*far) == pytest.approx(ref_open(MSK_RU, *far))
    assert b.open_seconds(*far) == a.open_seconds(*far)


def test_clock_for_is_cached():
    assert clock_for(MSK) is clock_for(MSK)
    twin = Calendar(name="msk", timezone="Europe/Moscow", hours=(LUNCH,) * 5 + ((), ()))
    assert clock_for(twin) is clock_for(MSK)
    assert clock_for(MSK_RU) is not clock_for(MSK)


def test_unsorted_overlapping_spans_are_merged():
    messy = Calendar(
        name="m", timezone="UTC",
        hours=(((14 * H, 18 * H), (9 * H, 13 * H), (12 * H, 15 * H), (18 * H, 19 * H)),) * 7,
    )
    assert BusinessClock(messy).open_seconds(*day_of("UTC", 2026, 3, 11)) == 10 * H


def test_reference_against_minute_stepping():
    """The reference itself, checked by counting open minutes one by one."""
    cal = Calendar(
        name="lh", timezone="Australia/Lord_Howe",
        hours=(((0, 2 * H + 900), (2 * H + 1800, 3 * H)),) * 7,
    )
    tz = ZoneInfo(cal.timezone)
    a, b = day_of(cal.timezone, 2026, 10, 4)
    iv = ref_intervals(cal, a, b)
    minutes = sum(
        1 for m in range(int(a), int(b), 60) if any(x <= m < y for x, y in iv)
    )
    assert minutes * 60 == ref_open(cal, a, b) == BusinessClock(cal).open_seconds(a, b)
    assert datetime(2026, 10, 4, 2, 15, tzinfo=tz).utcoffset() == timedelta(hours=10, minutes=30)


# --------------------------------------------------------------------------- properties

ZONES = (
    "Europe/Moscow",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "UTC",
    "Asia/Kolkata",
)
LO = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
HI = datetime(2028, 1, 1, tzinfo=UTC).timestamp()


def _transitions() -> list[float]:
    """UTC instants (to the hour) of every offset change of ZONES in 2024-2027."""
    out = []
    for name in ZONES:
        tz = ZoneInfo(name)
        t = LO
        prev = datetime.fromtimestamp(t, tz).utcoffset()
        while t < HI:
            nxt = t + DAY
            off = datetime.fromtimestamp(nxt, tz).utcoffset()
            if off != prev:
                lo, hi = t, nxt
                while hi - lo > 60:
                    mid = (lo + hi) // 2
                    if datetime.fromtimestamp(mid, tz).utcoffset() == prev:
                        lo = mid
                    else:
                        hi = mid
                out.append(float(hi))
                prev = off
            t = nxt
    return out


TRANSITIONS = _transitions()
assert len(TRANSITIONS) >= 4 * 3 * 2  # NY, Berlin, Lord Howe change twice a year

QUARTER = st.integers(0, 96).map(lambda k: k * 900)
ANY_SECOND = st.integers(0, DAY)
DST_POINTS = st.sampled_from([0, H, 5400, 2 * H, 2 * H + 900, 9000, 3 * H, 4 * H, DAY])


@st.composite
def day_spans(draw):
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return ()
    if kind == 1:
        return draw(st.sampled_from([ALL_DAY, LUNCH, ((H, 3 * H),), ((0, 2 * H + 1800),), ((2 * H, DAY),)]))
    points = st.one_of(QUARTER, DST_POINTS, ANY_SECOND) if kind == 5 else st.one_of(QUARTER, DST_POINTS)
    xs = sorted(draw(st.lists(points, min_size=2, max_size=6, unique=True)))
    if len(xs) % 2:
        xs = xs[:-1]
    return tuple((xs[i], xs[i + 1]) for i in range(0, len(xs), 2))


DATES = st.dates(date(2023, 12, 25), date(2028, 1, 5))


@st.composite
def calendars(draw):
    return Calendar(
        name=draw(st.sampled_from(["gen", "24x7"])) if draw(st.integers(0, 15)) == 0 else "gen",
        timezone=draw(st.sampled_from(ZONES)),
        hours=tuple(draw(day_spans()) for _ in range(7)),
        holiday_country=draw(st.sampled_from([None, None, "RU", "US"])),
        holiday_dates=frozenset(draw(st.lists(DATES, max_size=8))),
        workdays=frozenset(draw(st.lists(DATES, max_size=5))),
        workday_hours=draw(st.one_of(st.none(), day_spans())),
    )


INSTANTS = st.one_of(
    st.floats(LO, HI, allow_nan=False),
    st.integers(int(LO), int(HI)).map(float),
    st.builds(lambda t, d: t + d, st.sampled_from(TRANSITIONS), st.floats(-3 * DAY, 3 * DAY)),
    st.builds(lambda t, d: t + d, st.sampled_from(TRANSITIONS), st.integers(-3 * H, 3 * H).map(float)),
)
SPANS = st.one_of(st.floats(0, 20 * DAY), st.integers(0, 3 * H).map(float), st.floats(0, 200 * DAY))

# CLOCK_EXAMPLES=5000 pytest tests/test_clock.py for a longer soak
EXAMPLES = int(os.environ.get("CLOCK_EXAMPLES", "300"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(cal=calendars(), a=INSTANTS, length=SPANS)
def test_open_seconds_matches_reference(cal, a, length):
    b = a + length
    clock = BusinessClock(cal)
    got = clock.open_seconds(a, b)
    assert got == pytest.approx(ref_open(cal, a, b), abs=1e-6)
    assert got >= 0
    assert clock.open_seconds(b, a) == 0.0
    assert clock.cumulative(b) - clock.cumulative(a) == pytest.approx(got, abs=1e-6)


@PROPERTY
@given(cal=calendars(), xs=st.lists(INSTANTS, min_size=3, max_size=3))
def test_additivity_and_monotonicity(cal, xs):
    a, b, c = sorted(xs)
    clock = BusinessClock(cal)
    # query the far end first so the built range grows backwards as well
    ac = clock.open_seconds(a, c)
    assert clock.open_seconds(a, b) + clock.open_seconds(b, c) == pytest.approx(ac, abs=1e-6)
    assert clock.cumulative(a) <= clock.cumulative(b) <= clock.cumulative(c)
    assert min(clock.open_seconds(a, b), clock.open_seconds(b, c)) >= 0


@PROPERTY
@given(
    cal=calendars(),
    start=INSTANTS,
    seconds=st.one_of(st.floats(0, 5 * DAY), st.integers(0, 20 * H).map(float), st.just(0.0)),
)
def test_due_is_the_earliest_instant_reaching_the_target(cal, start, seconds):
    clock = BusinessClock(cal)
    due = clock.due(start, seconds)
    if due is None:
        assert seconds > 0
        horizon = datetime(datetime.fromtimestamp(start, UTC).year + HORIZON_YEARS - 1, 1, 1, tzinfo=UTC)
        assert clock.open_seconds(start, horizon.timestamp()) < seconds
        return
    assert due >= start
    assert clock.open_seconds(start, due) == pytest.approx(seconds, abs=1e-6)
    if seconds == 0:
        assert due == start
        return
    # earliest: a hundredth of a second earlier is not enough (nor a second); a target
    # below the float resolution of an epoch instant (~2e-7 s today) has no earlier instant
    eps = min(0.01, seconds / 2)
    resolved = eps > 8 * math.ulp(due)
    if resolved:
        assert clock.open_seconds(start, due - eps) < seconds - eps / 2
    assert clock.open_seconds(start, due - 1) < seconds
    if due - start < 120 * DAY:
        assert ref_open(cal, start, due) == pytest.approx(seconds, abs=1e-6)
        if resolved:
            assert ref_open(cal, start, due - eps) < seconds - eps / 2


@settings(max_examples=max(1, EXAMPLES // 3), deadline=None)
@given(cal=calendars(), a=INSTANTS, length=SPANS)
def test_shared_clock_agrees_with_fresh_clock(cal, a, length):
    """Many queries on one clock (growing its cache both ways) = fresh clocks."""
    shared = clock_for(cal)
    far_before = a - 2 * 365 * DAY
    got = shared.open_seconds(a, a + length)
    shared.cumulative(far_before)
    assert shared.open_seconds(a, a + length) == pytest.approx(got, abs=1e-6)
    assert BusinessClock(cal).open_seconds(a, a + length) == pytest.approx(got, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([MSK, MSK_RU, whole_week("Europe/Berlin"), CALENDAR_24X7]),
       st.integers(0, 400 * DAY), st.integers(0, 9 * DAY))
def test_open_intervals_add_up_to_open_seconds_and_are_open(cal, offset, length):
    start = msk(2025, 12, 1) + offset
    end = start + length
    clock = clock_for(cal)
    ivs = clock.open_intervals(start, end)
    assert abs(sum(b - a for a, b in ivs) - ref_open(cal, start, end)) < 1e-6
    assert all(start <= a < b <= end for a, b in ivs)
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(ivs, ivs[1:]))  # separated by closed time


def test_day_spans_say_why():
    c = clock_for(MSK_RU)
    assert c.day_spans(date(2026, 1, 1)) == ((), "holiday")
    assert c.holiday_name(date(2026, 1, 7)) and c.holiday_name(date(2026, 1, 12)) is None
    assert c.day_spans(date(2025, 11, 1))[1] == "workday"
    assert c.day_spans(date(2026, 3, 11)) == (LUNCH, "hours")
