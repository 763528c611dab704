"""Reading a file leaves the process as it found it: the csv module's cell size limit is
process-wide, so every reader raises it only while it reads, then puts it back."""
from __future__ import annotations

import csv

import pytest

from tests.conftest import BUNDLED

EXAMPLES = BUNDLED.parent / "examples"


@pytest.fixture
def small_limit():
    old = csv.field_size_limit()
    csv.field_size_limit(1000)
    yield 1000
    csv.field_size_limit(old)


def test_export_reader_restores_the_limit(small_limit):
    from slactl.exports import open_export

    with open_export(str(EXAMPLES / "generic.csv")) as export:
        assert sum(1 for _ in export) > 300
    assert csv.field_size_limit() == small_limit


def test_outage_reader_restores_the_limit(small_limit):
    from slactl.exports.outages import open_outages

    log = open_outages(str(EXAMPLES / "outages.csv"), {})
    assert sum(1 for _ in log) > 0
    assert csv.field_size_limit() == small_limit


def test_history_reader_restores_the_limit(small_limit):
    from slactl.exports.history import open_history

    history = open_history(str(EXAMPLES / "jira-history.csv"))
    assert sum(1 for _ in history) > 0
    assert csv.field_size_limit() == small_limit
