"""The disk cache of the holidays library's answers (slactl.workspace.holidaydata): the same
answers, from disk the second time, and never a reason to fail (corrupted, another library
version, read-only)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
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


def _write(folder, entries, version=None):
    """A cache file as this version writes it (right checksum), with ``entries``."""
    body = json.dumps(entries)
    head = {"holidays_version": version or holidaydata.library_version(), "crc32": zlib.crc32(body.encode())}
    (folder / FILE).write_text(json.dumps(head) + "\n" + body, encoding="utf-8")


def _entries(folder):
    head, body = (folder / FILE).read_text(encoding="utf-8").split("\n", 1)
    assert json.loads(head)["crc32"] == zlib.crc32(body.encode())
    return json.loads(body)


US = "days|US|NY|2026|"


@pytest.mark.parametrize("content", ["{not json", "[]", "", "[" * 100_000, '{"holidays_version": 1}\n{}'])
def test_an_unreadable_cache_is_ignored_and_rewritten(tmp_path, content, monkeypatch):
    monkeypatch.delenv("LANGUAGE", raising=False)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / FILE).write_text(content, encoding="utf-8")
    assert HolidayCache(CacheFile(str(tmp_path)))("US", "NY", 2026) == publicholidays.from_library("US", "NY", 2026)
    assert US in _entries(tmp_path)


def test_a_hand_edited_cache_is_not_used(tmp_path, monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    HolidayCache(CacheFile(str(tmp_path)))("US", "NY", 2026)
    text = (tmp_path / FILE).read_text(encoding="utf-8")
    (tmp_path / FILE).write_text(text.replace("2026-07-03", "2026-03-03"), encoding="utf-8")  # valid JSON still
    names, _ = HolidayCache(CacheFile(str(tmp_path)))("US", "NY", 2026)
    assert date(2026, 7, 3) in names and date(2026, 3, 3) not in names


@pytest.mark.parametrize("entries", [
    {US: [["x"], 5]}, {US: "text"}, {US: [[["2026-13-40", "x"]], []]}, {US: [[["2026-01-01", 5]], []]},
    {"countries": []}, {"countries": {}}, {"countries": "US"}, {"countries": {"US": 5}},
    {"subdivisions|US": {"a": 1}}, {"subdivisions|US": [1, 2]},
])
def test_entries_of_another_shape_are_computed_again(tmp_path, monkeypatch, entries):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    _write(tmp_path, entries)
    monkeypatch.setenv("SLACTL_CACHE_DIR", str(tmp_path))
    holidaydata.install()
    for memo in (holidaydata.country_modules, holidaydata.subdivisions):
        memo.cache_clear()
    try:
        assert publicholidays.days("US", "NY", 2026) == publicholidays.from_library("US", "NY", 2026)
        assert "US" in holidaydata.country_modules() and "NY" in holidaydata.subdivisions("US")
    finally:
        for memo in (holidaydata.country_modules, holidaydata.subdivisions):
            memo.cache_clear()


def test_a_broken_cache_never_stops_a_command(tmp_path):
    _write(tmp_path, {"countries": [], US: "text", "subdivisions|US": {"a": 1}})
    env = dict(os.environ, SLACTL_CACHE_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "slactl", "-w", str(BUNDLED), "validate"], capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0 and "no problems" in done.stdout, done.stderr


def test_names_follow_the_locale_of_each_run(tmp_path, monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    answers = {}
    for lang in ("ru_RU.UTF-8", "C.UTF-8", "ru_RU.UTF-8"):
        monkeypatch.setenv("LANG", lang)
        got = HolidayCache(CacheFile(str(tmp_path)))("RU", None, 2026)
        assert got == publicholidays.from_library("RU", None, 2026)
        answers.setdefault(lang, got)
    assert answers["ru_RU.UTF-8"][0][date(2026, 11, 4)] != answers["C.UTF-8"][0][date(2026, 11, 4)]


def test_another_library_version_starts_afresh(tmp_path, monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    _write(tmp_path, {US: [[["2026-03-03", "Not a holiday in this version"]], []]}, version="0.1")
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
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # not absolute: ignored, as XDG says
    assert holidaydata.cache_dir() == os.path.join(os.path.expanduser("~"), ".cache", "slactl")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert holidaydata.cache_dir() == os.path.join(os.path.expanduser("~"), ".cache", "slactl")
    monkeypatch.setenv("HOME", str(tmp_path / "no-such-home"))
    assert holidaydata.cache_dir() is None  # no home: no cache, and no home made for one


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


def test_days_of_years_outside_the_range_are_dropped_when_the_cache_is_read(tmp_path, monkeypatch):
    """A cache an older version filled with far years (any --as-of was accepted) is read whole on
    every run: those entries go, and the file is written without them at its next change."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    HolidayCache(CacheFile(str(tmp_path)))("US", "NY", 2026)
    entries = _entries(tmp_path)
    far = {f"days|US|NY|{year}|": entries[US] for year in (1, 1969, 2201, 9999)}
    _write(tmp_path, {**entries, **far, "days|US|NY|x|": entries[US]})
    _no_library(monkeypatch)
    assert HolidayCache(CacheFile(str(tmp_path)))("US", "NY", 2026)  # read from the file, which is written anew
    kept = _entries(tmp_path)
    assert US in kept and len(kept) == len(entries)
    assert not set(far) & set(kept) and "days|US|NY|x|" not in kept
