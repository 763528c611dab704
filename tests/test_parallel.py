"""Scoring in several processes (``score --jobs``) gives exactly the one-process result,
including when a cut falls inside a record or an id repeats across the parts."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from slactl.usecases import parallel
from slactl.exports import cuts
from tests.conftest import BUNDLED

HEADER = "id,customer,service,priority,created_at,first_response_at,resolved_at,status,subject\n"


def _export(path, n=4000, seed=5, stray=False):
    """Quoted fields with newlines and quotes; with ``stray``, quotes inside unquoted fields
    too (which fool the quote-parity cut)."""
    rnd = random.Random(seed)
    base = datetime(2026, 10, 1, tzinfo=timezone.utc)
    lines = [HEADER]
    for i in range(n):
        c = base + timedelta(seconds=rnd.randint(0, 50 * 86400))
        fr = (c + timedelta(seconds=rnd.randint(60, 20000))).isoformat() if rnd.random() < 0.9 else ""
        rs = (c + timedelta(seconds=rnd.randint(3600, 400000))).isoformat() if rnd.random() < 0.8 else ""
        subject = f'"multi\nline ""q"" {i}"' if i % 50 == 0 else (f'5" screen {i}' if stray and i % 77 == 0 else f"s{i}")
        tid = "" if i % 500 == 0 else f"T-{i}"
        cust = rnd.choice(["acme", "globex", "Инитех", "umbrella", "nobody"])
        prio = rnd.choice(["P1", "P2", "high", "low", "P9"])
        lines.append(f"{tid},{cust},{rnd.choice(['email', 'erp', 'VPN', ''])},{prio},{c.isoformat()},{fr},{rs},open,{subject}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _score(run_line, path, jobs, fmt="text", *more):
    result = run_line("-w", str(BUNDLED), "score", str(path), "--as-of", "2026-11-22T12:00:00Z",
                      "--format", fmt, "--jobs", str(jobs), *more)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def spy(monkeypatch):
    """The results of every parallel run (None: fell back to one pass)."""
    results = []
    real = parallel.score_parallel

    def recording(*args, **kwargs):
        results.append(real(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(parallel, "score_parallel", recording)
    return results


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_three_processes_equal_one(run_line, tmp_path, spy, fmt):
    path = _export(tmp_path / "t.csv")
    many = _score(run_line, path, 3, fmt)
    assert len(spy) == 1 and spy[0] is not None, "the parallel path did not run"
    assert _score(run_line, path, 1, fmt) == many
    if fmt == "text":
        assert "4000 rows" in many and "8 rejected" in many


def test_grouped_totals_add_up(run_line, tmp_path, spy):
    path = _export(tmp_path / "t.csv")
    many = _score(run_line, path, 2, "json", "--group-by", "month")
    assert spy and spy[0] is not None
    assert _score(run_line, path, 1, "json", "--group-by", "month") == many


def test_stray_quotes_give_the_one_pass_result(run_line, tmp_path, spy):
    path = _export(tmp_path / "t.csv", stray=True)
    assert _score(run_line, path, 4, "json") == _score(run_line, path, 1, "json")
    assert spy


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_a_cut_inside_a_quoted_field_falls_back_to_one_pass(run_line, tmp_path, spy, monkeypatch, fmt):
    path = _export(tmp_path / "t.csv", stray=True)
    data = path.read_bytes()
    inside = data.index(b"multi\nline", len(data) // 3) + len(b"multi\n")  # just after a newline in quotes
    real = cuts.plan

    def wrong(*args):
        (start, _), *_rest, (_, end) = real(*args)
        return [(start, inside), (inside, end)]

    monkeypatch.setattr(cuts, "plan", wrong)
    fell_back = _score(run_line, path, 2, fmt)
    assert spy == [None], "the wrong cut was not detected"
    assert _score(run_line, path, 1, fmt) == fell_back


def test_an_id_in_two_parts_is_an_event_log(run_line, tmp_path, spy):
    path = _export(tmp_path / "t.csv", n=3000)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    again = lines[10].replace(",open,", ",solved,")  # the same ticket later in the file: an event log
    path.write_text("".join(lines + [again]), encoding="utf-8")
    many = _score(run_line, path, 3)
    assert "collapsed" in many or "event log" in many
    assert _score(run_line, path, 1) == many


def test_auto_takes_one_process_for_a_small_export(tmp_path):
    from slactl.exports import open_export

    path = _export(tmp_path / "t.csv", n=50)
    with open_export(str(path)) as export:
        assert parallel.jobs_for(export, None) == 1
        assert parallel.jobs_for(export, 3) == 3
        assert parallel.jobs_for(export, 1) == 1


def test_cuts_fall_on_record_boundaries(tmp_path):
    path = _export(tmp_path / "t.csv")
    data = path.read_bytes()
    ranges = cuts.plan(str(path), "utf-8", ",", 4)
    assert ranges is not None and len(ranges) == 4
    assert ranges[0][0] == data.index(b"\n") + 1 and ranges[-1][1] == len(data)
    for (_, end), (start, _) in zip(ranges, ranges[1:]):
        assert end == start and data[end - 1:end] == b"\n"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_blank_lines_and_quoted_newlines_before_a_part_keep_its_row_numbers(run_line, tmp_path, spy, fmt):
    path = _export(tmp_path / "t.csv", n=3000)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for at in (400, 90, 7):  # blank lines are no records: the rows after them keep their numbers
        lines.insert(at, "\n" if at != 90 else "\r\n")
    path.write_text("".join(lines), encoding="utf-8")
    many = _score(run_line, path, 2, fmt)
    assert spy and spy[0] is not None, "the parallel path did not run"
    assert _score(run_line, path, 1, fmt) == many
    assert ('"row": 3000,' if fmt == "json" else "\n3000,") in many


def test_stray_quotes_before_a_cut_keep_the_parallel_result(run_line, tmp_path, spy):
    """Two stray quotes a few lines apart leave the cut right (even quotes before it); the
    records before the second part are counted as the reader reads them, not by quotes."""
    path = _export(tmp_path / "t.csv", n=3000)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for at in (100, 105):
        lines[at] = lines[at].replace(",open,", ',open,5" screen ')
    path.write_text("".join(lines), encoding="utf-8")
    many = _score(run_line, path, 2, "json")
    assert spy and spy[0] is not None, "the parallel path fell back"
    assert _score(run_line, path, 1, "json") == many


def test_a_part_that_counted_wrongly_is_caught():
    def part(offset, rows):
        return parallel.PartResult(rows, [], None, offset=offset)

    assert parallel.counts_agree(100, [part(100, 50), part(150, 10)])
    assert not parallel.counts_agree(100, [part(100, 50), part(149, 10)])
    assert not parallel.counts_agree(100, [part(101, 50)])


@pytest.mark.parametrize("ids", [set(), {"T-1"}, {"T-1", "T-2", "Заявка 3"}, {"a\x00b", "c"}, {""}])
def test_ids_make_the_trip_back_whole(ids):
    assert sorted(parallel.unpack_ids(parallel.pack_ids(ids))) == sorted(ids)


def test_the_first_range_can_take_a_larger_share(tmp_path):
    path = _export(tmp_path / "t.csv")
    even = cuts.plan(str(path), "utf-8", ",", 2)
    more = cuts.plan(str(path), "utf-8", ",", 3, 0.4)
    assert even is not None and more is not None and len(more) == 3
    total = even[-1][1] - even[0][0]
    assert abs((even[0][1] - even[0][0]) / total - 0.5) < 0.01
    shares = [(b - a) / total for a, b in more]
    assert abs(shares[0] - 0.4) < 0.01 and abs(shares[1] - 0.3) < 0.01 and abs(shares[2] - 0.3) < 0.01
    assert more[0][0] == even[0][0] and more[-1][1] == even[-1][1]


@pytest.mark.parametrize("jobs", [2, 3])
def test_dst_warnings_count_every_part(run_line, tmp_path, spy, jobs):
    """Naive local times in a DST gap and fold anywhere in the file are counted once each, whichever
    process read them (the warning counted only this process's part)."""
    lines = [HEADER]
    for i in range(3000):
        created = ("2026-10-25 02:%02d:00" % (i % 60) if i % 30 == 0 else
                   "2026-03-29 02:%02d:00" % (i % 60) if i % 30 == 15 else "2026-06-%02d 10:00:00" % (1 + i % 28))
        lines.append(f"T-{i},acme,email,P2,{created},,,open,s{i}\n")
    path = tmp_path / "dst.csv"
    path.write_text("".join(lines), encoding="utf-8")
    result = run_line("-w", str(BUNDLED), "score", str(path), "--as-of", "2026-11-22T12:00:00Z", "--tz",
                      "Europe/Berlin", "--jobs", str(jobs))
    assert result.exit_code == 0 and spy and spy[0] is not None, result.output
    warnings = [line for line in result.stderr.splitlines() if "DST" in line]
    assert len(warnings) == 1 and "100 local time(s) fall in a DST gap" in warnings[0], warnings
    assert "and 100 in a DST fold" in warnings[0]
