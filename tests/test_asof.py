"""One "now" per command: --as-of parsed strictly once (slactl.core.asof), and no clock read in the core."""
from __future__ import annotations

import ast
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from slactl.core.asof import AsOf
from slactl.errors import InputError
from tests.conftest import BUNDLED, ROOT

EXAMPLES = ROOT / "examples"
NOW = datetime(2026, 11, 22, 23, 30, tzinfo=timezone(timedelta(hours=3)))  # 20:30 UTC, the 22nd in Moscow


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=timezone.utc).timestamp()


# ---------------------------------------------------------------- strictness, as a user meets it

BAD = ["2026-11-22garbage", "2026-11-22T25:00", "tomorrow", "", "2026-13-01", "2026-02-30", "2026-11-22T12",
       "2026-11-22T12:00:00+25:00", "2026-11-22x12:00", "20261122", "2026-11-22T12:00:00Zjunk"]


@pytest.mark.parametrize("bad", BAD)
def test_list_refuses_what_is_not_iso_8601(run_line, bad: str) -> None:
    result = run_line("-w", str(BUNDLED), "list", "--as-of", bad)
    assert result.exit_code == InputError.exit_code == 2
    assert f"--as-of '{bad}'" in result.stderr and "2026-11-22T12:00:00Z" in result.stderr  # the value, an example
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["validate"], ["expiring"], ["notify", "--dry-run"],
                                     ["score", str(EXAMPLES / "generic.csv")],
                                     ["availability", str(EXAMPLES / "outages.csv")]])
def test_every_command_refuses_trailing_garbage(run_line, command: list[str]) -> None:
    result = run_line("-w", str(BUNDLED), *command, "--as-of", "2026-11-22garbage")
    assert result.exit_code == 2, result.output
    assert "'2026-11-22garbage'" in result.stderr


def test_list_still_takes_an_instant_as_its_date_as_written(run_line) -> None:
    """The old parser read the first ten characters: a full instant kept working, and still does."""
    by_date = run_line("-w", str(BUNDLED), "list", "--as-of", "2026-11-22", "--format", "json")
    for instant in ("2026-11-22T12:00:00Z", "2026-11-22T23:30:00-05:00", "2026-11-22 08:15"):
        by_instant = run_line("-w", str(BUNDLED), "list", "--as-of", instant, "--format", "json")
        assert by_instant.exit_code == 0, by_instant.output
        assert json.loads(by_instant.stdout) == json.loads(by_date.stdout)
        assert json.loads(by_instant.stdout)["as_of"] == "2026-11-22"


# ---------------------------------------------------------------- what each form means

def test_a_date_is_its_midnight_in_the_zone() -> None:
    as_of = AsOf.parse("2026-11-22", NOW)
    assert as_of.instant("Europe/Moscow") == utc(2026, 11, 21, 21)
    assert as_of.instant("America/New_York") == utc(2026, 11, 22, 5)
    assert as_of.instant("UTC") == utc(2026, 11, 22)
    assert as_of.day() == as_of.day("Asia/Tokyo") == date(2026, 11, 22)


def test_a_date_in_a_non_utc_tz_through_the_cli(run_line) -> None:
    result = run_line("-w", str(BUNDLED), "availability", str(EXAMPLES / "outages.csv"), "--tz", "Europe/Moscow",
                      "--as-of", "2026-11-22", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == "2026-11-21T21:00:00+00:00"


def test_a_naive_time_is_read_in_the_zone() -> None:
    as_of = AsOf.parse("2026-11-22T12:00", NOW)
    assert as_of.instant("America/New_York") == utc(2026, 11, 22, 17)
    assert as_of.instant("UTC") == utc(2026, 11, 22, 12)
    assert AsOf.parse("2026-11-22T12:00:30.25", NOW).instant("UTC") == utc(2026, 11, 22, 12, 0, 30) + 0.25
    assert as_of.day("Asia/Tokyo") == date(2026, 11, 22)  # naive: as written


def test_a_naive_time_in_tz_through_the_cli(run_line) -> None:
    result = run_line("-w", str(BUNDLED), "availability", str(EXAMPLES / "outages.csv"), "--tz", "America/New_York",
                      "--as-of", "2026-11-22T12:00:00", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == "2026-11-22T17:00:00+00:00"


@pytest.mark.parametrize("text", ["2026-11-22T15:00:00+03:00", "2026-11-22T15:00+0300", "2026-11-22T15:00:00+03",
                                  "2026-11-22T12:00:00Z", "2026-11-22t12:00:00z"])
def test_an_instant_with_an_offset_ignores_the_zone(text: str) -> None:
    as_of = AsOf.parse(text, NOW)
    assert as_of.instant("UTC") == as_of.instant("Asia/Tokyo") == as_of.instant("Mars/Olympus") == utc(2026, 11, 22, 12)


def test_an_offset_instant_through_the_cli_ignores_tz(run_line) -> None:
    seen = set()
    for tz in ("UTC", "Asia/Tokyo"):
        result = run_line("-w", str(BUNDLED), "availability", str(EXAMPLES / "outages.csv"), "--tz", tz,
                          "--as-of", "2026-11-22T15:00:00+03:00", "--format", "json")
        assert result.exit_code == 0, result.output
        seen.add(json.loads(result.stdout)["as_of"])
    assert seen == {"2026-11-22T12:00:00+00:00"}


def test_the_day_of_an_instant() -> None:
    late = AsOf.parse("2026-11-22T23:30:00-05:00", NOW)
    assert late.day() == date(2026, 11, 22)  # as written
    assert late.day("UTC") == date(2026, 11, 23)
    assert late.day("America/Los_Angeles") == date(2026, 11, 22)


def test_without_as_of_it_is_the_clock_reading_passed_in() -> None:
    as_of = AsOf.parse(None, NOW)
    assert as_of.instant("America/New_York") == NOW.timestamp()
    assert as_of.day() == date(2026, 11, 22)  # the reading's own offset
    assert as_of.day("UTC") == date(2026, 11, 22) and as_of.day("Asia/Tokyo") == date(2026, 11, 23)
    with pytest.raises(ValueError):
        AsOf.parse(None, datetime(2026, 11, 22))  # a naive reading is a bug in the caller


def test_an_unknown_zone_is_an_input_error_with_the_hint() -> None:
    from slactl.cli.base import as_of_value

    with pytest.raises(InputError, match=r"unknown time zone 'europe/moscow' \(did you mean 'Europe/Moscow'\?\)"):
        as_of_value("2026-11-22").instant("europe/moscow")
    with pytest.raises(InputError, match="unknown time zone 'Mars/Olympus'"):
        AsOf.parse("2026-11-22T12:00", NOW).instant("Mars/Olympus")


def test_a_date_out_of_range_in_a_zone_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"outside the years slactl computes in \(1970 to 2200\)"):
        AsOf.parse("0001-01-01T00:00:00Z", NOW).day("America/New_York")


# ---------------------------------------------------------------- the core reads no clock

CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
               ("time", "time"), ("time", "time_ns"), ("time", "localtime")}


def clock_reads(source: str) -> list[str]:
    """``name.attr()`` calls that read the clock (``datetime.now(...)``, ``dt.date.today()``...)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if (name, node.func.attr) in CLOCK_CALLS:
                found.append(f"{node.lineno}: {name}.{node.func.attr}()")
    return found


def test_the_check_finds_a_clock_read() -> None:
    assert clock_reads("import datetime as dt\nx = dt.datetime.now(dt.timezone.utc)\n") == ["2: datetime.now()"]
    assert clock_reads("from datetime import date\ny = date.today()\n") == ["2: date.today()"]


def test_no_core_module_reads_the_clock() -> None:
    core = sorted((ROOT / "slactl" / "core").glob("*.py"))
    assert Path(ROOT / "slactl" / "core" / "asof.py") in core
    reads = {f.name: clock_reads(f.read_text(encoding="utf-8")) for f in core}
    assert {name: found for name, found in reads.items() if found} == {}
