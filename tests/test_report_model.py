"""The report's pure layers: the catalogue, durations in words, and the extension point."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from slactl.i18n import LANGUAGES, days_text, duration, percent, text
from tests.conftest import BUNDLED, ROOT


@given(st.integers(0, 60 * 24 * 400))
def test_durations_in_words_add_up(minutes: int) -> None:
    """Business time: hours and minutes that sum back to the minutes, never days. Calendar
    time: days from 48 h on, to the hour."""
    units = {"d": 1440, "h": 60, "min": 1}
    words = duration("en", minutes)
    total = sum(int(n) * units[u] for n, u in re.findall(r"(\d+) (d|h|min)\b", words))
    assert total == minutes and " d" not in words
    wall = duration("en", minutes, calendar=True)
    wall_total = sum(int(n) * units[u] for n, u in re.findall(r"(\d+) (d|h|min)\b", wall))
    if minutes >= 2880:
        assert abs(wall_total - minutes) <= 30 and "min" not in wall and " d" in wall
    else:
        assert wall == words
    assert duration("ru", minutes).replace("ч", "h").replace("мин", "min") == words


def test_words_for_people() -> None:
    assert duration("en", 85) == "1 h 25 min" and duration("en", 4560) == "76 h"
    assert duration("en", 2400) == "40 h" and duration("ru", 2400) == "40 ч" and duration("en", 152) == "2 h 32 min"
    assert duration("en", 4560, calendar=True) == "3 d 4 h"
    assert duration("ru", 85) == "1 ч 25 мин" and duration("en", None) == "–"
    assert percent("en", 99.96) == "99.9%" and percent("ru", 84.6) == "84,6\u00a0%" and percent("en", 100.0) == "100%"
    assert [days_text("ru", n) for n in (1, 2, 5, 11, 21, 22, 112)] == [
        "1 день", "2 дня", "5 дней", "11 дней", "21 день", "22 дня", "112 дней"]
    assert text("ru", "subject_report", customer="Инитех", period="2026-11") == "Отчёт SLA: Инитех, 2026-11"


def test_extras_are_shown_escaped_and_carried_in_json() -> None:
    from slactl.core.period import parse_period
    from slactl.core.report import Selection, build_report
    from slactl.core.reportdata import report_data
    from slactl.exports import open_export
    from slactl.reporters.report_html import render_html
    from slactl.reporters.report_text import render_text
    from slactl.workspace.loader import load_workspace

    ws = load_workspace(str(BUNDLED)).workspace
    as_of = datetime(2026, 12, 1, 6, tzinfo=timezone.utc).timestamp()
    with open_export(str(ROOT / "examples" / "generic.csv")) as source:
        report = build_report(ws, source, as_of=as_of, period=parse_period("2026-11"), selection=Selection("acme"))
    (section,) = report.customers[0].sections
    section.extras["availability"] = {"title": "Availability <email>", "headers": ["Service", "Availability"],
                                      "rows": [["email", "99.95 %"]], "note": "No credit due."}
    data = report_data(report)
    assert data["sections"][0]["extras"]["availability"]["rows"] == [["email", "99.95 %"]]
    page = render_html(data, "en")
    assert "Availability &lt;email&gt;" in page and "99.95 %" in page and "No credit due." in page
    assert "Availability <email>" in render_text(data, "en")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_month_names(lang: str) -> None:
    from datetime import date

    from slactl.i18n import day_text, period_text

    names = [period_text(lang, "month", date(2026, m, 1), date(2026, m, 1)) for m in range(1, 13)]
    assert len(set(names)) == 12 and {"ru": "ноябрь 2026", "de": "November 2026"}.get(lang, "November 2026") in names
    assert day_text(lang, date(2026, 12, 1)) == {"ru": "1 декабря 2026", "de": "1. Dezember 2026"}.get(
        lang, "1 December 2026")


def test_priorities_sort_naturally_even_with_superscript_digits() -> None:
    from slactl.core.reportdata import _natural

    assert sorted(["P10", "P2", "1²", "P1"], key=_natural) == ["1²", "P1", "P2", "P10"]
