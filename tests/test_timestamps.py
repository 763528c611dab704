"""Timestamp format detection and the fast parsers against the datetime reference."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slactl.exports.timestamps import (
    TimestampError,
    detect_format,
    make_dmy,
    make_iso,
    parse_slow,
    zone,
)

ZONES = ["UTC", "Europe/Moscow", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
         "Asia/Kolkata"]


def ref(dt: datetime, tz: str) -> float:
    """What the contract says a naive wall time means: zoneinfo, fold=0."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tz))
    return dt.timestamp()


moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2199, 12, 30))
offsets = st.one_of(st.none(), st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m))))


@settings(max_examples=400, deadline=None)
@given(moments, offsets, st.sampled_from(ZONES), st.sampled_from(["T", " "]), st.booleans())
def test_fast_iso_matches_reference(dt, off, tz, sep, with_seconds):
    dt = dt.replace(microsecond=0, tzinfo=off)
    if not with_seconds:
        dt = dt.replace(second=0)
    text = dt.isoformat(sep=sep, timespec="seconds" if with_seconds else "minutes")
    p = make_iso(zone(tz), seconds=with_seconds)
    # twice: the first call learns, the second takes the cached route
    assert p(text) == ref(dt, tz)
    assert p(text) == ref(dt, tz)


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_dst_gap_and_fold_read_as_zoneinfo_fold0(tz):
    p = make_iso(zone(tz))
    z = ZoneInfo(tz)
    start = datetime(2026, 1, 1)
    # every 10 minutes across a year: all gap and fold minutes are covered
    for i in range(0, 365 * 24 * 6):
        dt = start + timedelta(minutes=10 * i)
        s = dt.isoformat(sep=" ")
        assert p(s) == dt.replace(tzinfo=z).timestamp(), s


def test_iso_variants():
    p = make_iso(zone("Europe/Moscow"))
    base = datetime(2026, 10, 1, 9, 12, 33, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()
    for s in ["2026-10-01T09:12:33", "2026-10-01 09:12:33", "2026-10-01T06:12:33Z",
              "2026-10-01T09:12:33+03:00", "2026-10-01 09:12:33 +0300", "2026-10-01T06:12:33+00:00"]:
        assert p(s) == base, s
    assert p("2026-10-01T09:12:33.250+03:00") == base + 0.25
    assert p("2026-10-01") == datetime(2026, 10, 1, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()
    for bad in ["2026-13-01T00:00:00", "2026-10-01T24:00:00", "2026-10-01T09:60:00", "", "x"]:
        with pytest.raises(ValueError):
            p(bad)


def test_out_of_range_years():
    with pytest.raises(TimestampError, match="out of range"):
        parse_slow("1969-12-31 10:00", detect_format(["2026-01-01"], timezone.utc), timezone.utc)
    with pytest.raises(TimestampError, match="out of range"):
        parse_slow("01.01.2201 10:00", detect_format(["01.01.2026"], timezone.utc), timezone.utc)


def test_dotted_defaults_day_first_and_slash_month_first():
    f = detect_format(["01.02.2026 10:00", "03.04.2026 11:00"], timezone.utc)
    assert f.kind == "dmy" and f.dayfirst and f.ambiguous
    assert f.parse("01.02.2026 10:00") == datetime(2026, 2, 1, 10, tzinfo=timezone.utc).timestamp()
    f = detect_format(["01/02/2026 10:00 AM"], timezone.utc)
    assert not f.dayfirst and f.ambiguous and f.notes
    assert f.parse("01/02/2026 10:00 PM") == datetime(2026, 1, 2, 22, tzinfo=timezone.utc).timestamp()


def test_a_comma_between_date_and_time_keeps_the_columns_day_first():
    """ru-RU writes "05.11.2026, 14:30": it was read month-first by dateutil, --dayfirst ignored."""
    nov5 = datetime(2026, 11, 5, 14, 30, tzinfo=timezone.utc).timestamp()
    f = detect_format(["05.11.2026, 14:30", "13.11.2026, 14:30"], timezone.utc)
    assert f.kind == "dmy" and f.dayfirst and f.parse("05.11.2026, 14:30") == nov5
    f = detect_format(["05.11.2026, 14:30", "06.11.2026, 10:00"], timezone.utc, dayfirst=True)
    assert f.parse("05.11.2026, 14:30") == nov5 and f.parse("05.11.2026,") == nov5 - 14.5 * 3600


def test_one_value_settles_the_whole_column():
    values = ["01/02/2026 9:00"] * 500 + ["25/12/2026 9:00"]
    f = detect_format(values, timezone.utc)
    assert f.dayfirst and not f.ambiguous
    assert f.parse("01/02/2026 9:00") == datetime(2026, 2, 1, 9, tzinfo=timezone.utc).timestamp()
    f = detect_format(["02.01.2026", "12.31.2026"], timezone.utc)
    assert not f.dayfirst
    # a value that contradicts the column's decision is rejected, never silently swapped
    with pytest.raises(TimestampError):
        parse_slow("31.12.2026", f, timezone.utc)


def test_jira_dates():
    f = detect_format(["14/Oct/26 9:05 AM", "01/Nov/26 12:30 PM", "3/Jan/27 12:01 AM"], zone("UTC"))
    assert f.kind == "dmy"
    assert f.parse("14/Oct/26 9:05 AM") == datetime(2026, 10, 14, 9, 5, tzinfo=timezone.utc).timestamp()
    assert f.parse("01/Nov/26 12:30 PM") == datetime(2026, 11, 1, 12, 30, tzinfo=timezone.utc).timestamp()
    assert f.parse("3/Jan/27 12:01 AM") == datetime(2027, 1, 3, 0, 1, tzinfo=timezone.utc).timestamp()
    with pytest.raises(ValueError):
        f.parse("14/Oct/26 13:05 PM")


def test_dmy_with_seconds_fraction_and_offset():
    p = make_dmy(zone("Europe/Moscow"), ".", True)
    want = datetime(2026, 3, 5, 7, 8, 9, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()
    assert p("05.03.2026 07:08:09") == want
    assert p("05.03.2026 07:08:09") == want  # cached
    assert p("05.03.2026 07:08:09.5") == want + 0.5
    assert p("05.03.2026 04:08:09 +00:00") == want
    assert p("05.03.2026") == datetime(2026, 3, 5, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()
    for bad in ["32.03.2026 10:00", "05.13.2026", "05.03.2026 25:00", "05.03.20266", "5.3"]:
        with pytest.raises(Exception):  # noqa: B017 - any failure sends the value to the slow path
            p(bad)


def test_slow_path_falls_back_to_dateutil_for_other_layouts():
    f = detect_format(["2026-10-01T09:00:00Z"], timezone.utc)
    t = parse_slow("Oct 5, 2026 10:30", f, timezone.utc)
    assert t == datetime(2026, 10, 5, 10, 30, tzinfo=timezone.utc).timestamp()
    assert parse_slow(" 2026-10-05T10:30:00Z ", f, timezone.utc) == datetime(
        2026, 10, 5, 10, 30, tzinfo=timezone.utc).timestamp()
    # an ISO column never reads 2026-11-05 day-first
    assert parse_slow("2026-11-05 10:00", f, timezone.utc) == datetime(
        2026, 11, 5, 10, tzinfo=timezone.utc).timestamp()
    for bad in ["yesterday", "October 2026", "10:30", "2026-13-45", "n/a", "12345"]:
        with pytest.raises(TimestampError):
            parse_slow(bad, f, timezone.utc)


def test_strptime_format_from_mapping():
    f = detect_format(["ignored"], zone("Europe/Moscow"), strptime_format="%Y%m%d %H%M")
    assert f.parse("20261001 0900") == datetime(2026, 10, 1, 9, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()
    with pytest.raises(TimestampError, match="mapping"):
        parse_slow("2026-10-01 09:00", f, zone("Europe/Moscow"))


def test_a_whole_column_in_another_layout_gets_a_strptime_format():
    f = detect_format(["Oct 5, 2026 10:30", "Nov 12, 2026 9:05"], timezone.utc)
    assert f.description == "strptime '%b %d, %Y %H:%M'"
    assert f.parse("Oct 5, 2026 10:30") == datetime(2026, 10, 5, 10, 30, tzinfo=timezone.utc).timestamp()
    # other layouts in that column still fall back
    assert parse_slow("2026-10-05T10:30:00Z", f, timezone.utc) == datetime(
        2026, 10, 5, 10, 30, tzinfo=timezone.utc).timestamp()


def test_mapping_dayfirst_overrides_detection():
    f = detect_format(["01/02/2026 10:00"], timezone.utc, dayfirst=True)
    assert f.dayfirst and not f.ambiguous
    assert f.parse("01/02/2026 10:00") == datetime(2026, 2, 1, 10, tzinfo=timezone.utc).timestamp()


def test_superscript_digits_are_not_a_day_or_month():
    # '²'.isdigit() is True but int('²') fails: detection must not crash on such a cell
    f = detect_format(["²2/01/2026 10:00", "25/01/2026 10:00"], timezone.utc)
    assert f.kind == "dmy" and f.dayfirst
