"""Two-core scoring gives exactly the sequential result, including when the cut is wrong."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from slactl import parallel
from tests.conftest import BUNDLED

HEADER = "id,customer,service,priority,created_at,first_response_at,resolved_at,status,subject\n"


def _export(path, n=4000, seed=5):
    rnd = random.Random(seed)
    base = datetime(2026, 10, 1, tzinfo=timezone.utc)
    lines = [HEADER]
    for i in range(n):
        c = base + timedelta(seconds=rnd.randint(0, 50 * 86400))
        fr = (c + timedelta(seconds=rnd.randint(60, 20000))).isoformat() if rnd.random() < 0.9 else ""
        rs = (c + timedelta(seconds=rnd.randint(3600, 400000))).isoformat() if rnd.random() < 0.8 else ""
        subject = f'"multi\nline ""q"" {i}"' if i % 50 == 0 else (f'5" screen {i}' if i % 77 == 0 else f"s{i}")
        tid = "" if i % 500 == 0 else f"T-{i}"
        cust = rnd.choice(["acme", "globex", "Инитех", "umbrella", "nobody"])
        prio = rnd.choice(["P1", "P2", "high", "low", "P9"])
        lines.append(f"{tid},{cust},{rnd.choice(['email', 'erp', 'VPN', ''])},{prio},{c.isoformat()},{fr},{rs},open,{subject}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _score(run_line, path, env=None, fmt="text"):
    result = run_line("-w", str(BUNDLED), "score", str(path), "--as-of", "2026-11-22T12:00:00Z",
                      "--format", fmt, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_BYTES", 1)


def test_parallel_equals_sequential(run_line, tmp_path, small_threshold, monkeypatch):
    path = _export(tmp_path / "t.csv")
    calls = []
    real = parallel.score_parallel
    monkeypatch.setattr(parallel, "score_parallel", lambda *a: calls.append(1) or real(*a))
    both = _score(run_line, path)
    assert calls, "the parallel path did not run"
    assert _score(run_line, path, env={"SLACTL_JOBS": "1"}) == both
    assert "4000 rows" in both and "8 rejected" in both


def test_a_cut_inside_a_quoted_field_falls_back_to_one_pass(run_line, tmp_path, small_threshold, monkeypatch):
    path = _export(tmp_path / "t.csv")
    data = path.read_bytes()
    inside = data.index(b"multi\nline", len(data) // 2) + len(b"multi\n")  # just after a newline in quotes
    results = []
    real = parallel.score_parallel
    monkeypatch.setattr(parallel, "_cut", lambda *a: inside)
    monkeypatch.setattr(parallel, "score_parallel", lambda *a: results.append(real(*a)) or results[-1])
    fell_back = _score(run_line, path)
    assert results == [None], "the wrong cut was not detected"
    assert _score(run_line, path, env={"SLACTL_JOBS": "1"}) == fell_back


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_per_ticket_formats_are_byte_identical(run_line, tmp_path, small_threshold, monkeypatch, fmt):
    path = _export(tmp_path / "t.csv")
    calls = []
    real = parallel.score_parallel
    monkeypatch.setattr(parallel, "score_parallel", lambda *a: calls.append(a[2]) or real(*a))
    both = _score(run_line, path, fmt=fmt)
    assert calls and calls[0] is not None, "the two-core path did not write tickets"
    assert _score(run_line, path, env={"SLACTL_JOBS": "1"}, fmt=fmt) == both


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_wrong_cut_writes_nothing_twice(run_line, tmp_path, small_threshold, monkeypatch, fmt):
    path = _export(tmp_path / "t.csv")
    data = path.read_bytes()
    inside = data.index(b"multi\nline", len(data) // 2) + len(b"multi\n")
    monkeypatch.setattr(parallel, "_cut", lambda *a: inside)
    fell_back = _score(run_line, path, fmt=fmt)
    assert _score(run_line, path, env={"SLACTL_JOBS": "1"}, fmt=fmt) == fell_back
