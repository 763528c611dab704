"""The disk cache of the holidays library's answers (slactl.workspace.holidaydata): the same
answers, from disk the second time, and never a reason to fail (corrupted, another library
version, read-only)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from slactl.core import publicholidays
from slactl.workspace import holidaydata
from slactl.workspace.holidaydata import FILE, CacheFile, HolidayCache
from tests.conftest import BUNDLED

CASES = [("US", "NY", 2026), ("RU", None, 2026), ("RU", None, 2021), ("DE", "BY", 2027), ("FR", None, 2025)]


def _no_library(monkeypatch):
    def refuse(*args):
        raise AssertionError(f"the library was asked for {args}")

    monkeypatch.setattr(publicholidays, "from_library", refuse)


def test_the_cache_gives_the_library_answers_and_reads_them_back(tmp_path, monkeypatch):
    first = HolidayCache(CacheFile(str(tmp_path)))
    answers = {case: first(*case) for case in CASES}
    for case, (names, workdays) in answers.items():
        assert (names, workdays) == publicholidays.from_library(*case)
    assert answers[("RU", None, 2021)][1], "Russia's transferred working days are part of the answer"
    assert answers[("US", "NY", 2026)][0][date(2026, 7, 3)]  # Independence Day observed on the Friday
    _no_library(monkeypatch)
    again = HolidayCache(CacheFile(str(tmp_path)))
    assert {case: again(*case) for case in CASES} == answers


@pytest.mark.parametrize("content", ["{not json", "[]", '{"holidays_version": 1, "entries": []}',
                                     '{"holidays_version": "%s", "entries": {"days|US|NY|2026": [["x"], 5]}}'])
def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path, content):
    (tmp_path / FILE).write_text(content % holidaydata.library_version() if "%s" in content else content,
                                 encoding="utf-8")
    assert HolidayCache(CacheFile(str(tmp_path)))("US", "NY", 2026) == publicholidays.from_library("US", "NY", 2026)
    data = json.loads((tmp_path / FILE).read_text(encoding="utf-8"))
    assert data["holidays_version"] == holidaydata.library_version() and "days|US|NY|2026" in data["entries"]


def test_another_library_version_starts_afresh(tmp_path):
    HolidayCache(CacheFile(str(tmp_path)))("US", "NY", 2026)
    data = json.loads((tmp_path / FILE).read_text(encoding="utf-8"))
    data["holidays_version"] = "0.1"
    data["entries"]["days|US|NY|2026"][0] = [["2026-03-03", "Not a holiday in this version"]]
    (tmp_path / FILE).write_text(json.dumps(data), encoding="utf-8")
    names, _ = HolidayCache(CacheFile(str(tmp_path)))("US", "NY", 2026)
    assert date(2026, 3, 3) not in names and date(2026, 1, 1) in names


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_only_costs_speed(tmp_path):
    tmp_path.chmod(0o500)
    try:
        assert HolidayCache(CacheFile(str(tmp_path)))("FR", None, 2025) == publicholidays.from_library("FR", None, 2025)
        assert not (tmp_path / FILE).exists()
    finally:
        tmp_path.chmod(0o700)


def test_a_file_where_the_folder_should_be_only_costs_speed(tmp_path):
    (tmp_path / "slactl").write_text("not a folder", encoding="utf-8")
    cache = HolidayCache(CacheFile(str(tmp_path / "slactl")))
    assert cache("FR", None, 2025) == publicholidays.from_library("FR", None, 2025)


@pytest.mark.parametrize("value, expected", [("off", None), ("", None), ("/somewhere", "/somewhere")])
def test_where_the_cache_lives(monkeypatch, value, expected):
    monkeypatch.setenv("SLACTL_CACHE_DIR", value)
    assert holidaydata.cache_dir() == expected


def test_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("SLACTL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert holidaydata.cache_dir() == str(tmp_path / "slactl")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert holidaydata.cache_dir() == os.path.join(os.path.expanduser("~"), ".cache", "slactl")


_SCORE = """
import sys
from slactl.cli import main
code = main(["-w", sys.argv[1], "score", "examples/generic.csv", "--as-of", "2026-11-22T12:00:00Z", "--format", "json"])
sys.stderr.write("holidays imported: %s\\n" % ("holidays" in sys.modules))
sys.exit(code)
"""


def _score(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _SCORE, str(BUNDLED)], capture_output=True, text=True,
                          env=env, cwd=Path(__file__).resolve().parents[1])


def test_a_second_score_does_not_import_the_library_and_scores_the_same(tmp_path):
    env = dict(os.environ, SLACTL_CACHE_DIR=str(tmp_path / "cache"))
    first, second = _score(env), _score(env)
    assert first.returncode in (0, 1) and "holidays imported: True" in first.stderr
    assert "holidays imported: False" in second.stderr
    assert second.stdout == first.stdout and second.returncode == first.returncode
    off = _score(dict(env, SLACTL_CACHE_DIR="off"))
    assert off.stdout == first.stdout and "holidays imported: True" in off.stderr


def test_validation_reads_the_country_list_from_the_cache(tmp_path, monkeypatch):
    from slactl.workspace import holidaydata as hd

    monkeypatch.setenv("SLACTL_CACHE_DIR", str(tmp_path))
    hd.install()
    hd.country_modules.cache_clear()
    hd.subdivisions.cache_clear()
    first = (hd.country_modules(), hd.subdivisions("US"), hd.subdivisions("DE"))
    assert "US" in first[0] and "NY" in first[1] and "BY" in first[2]
    hd.country_modules.cache_clear()
    hd.subdivisions.cache_clear()

    def no_source(*args):
        raise AssertionError("the library's source was read again")

    monkeypatch.setattr(hd, "literal", no_source)
    hd.install()  # a new run: the answers come from the file
    assert (hd.country_modules(), hd.subdivisions("US"), hd.subdivisions("DE")) == first
    hd.country_modules.cache_clear()
    hd.subdivisions.cache_clear()
