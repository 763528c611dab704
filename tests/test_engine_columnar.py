"""``score --engine columnar`` (pyarrow, ``slactl[fast]``) writes the bytes ``--engine python``
writes: on the bundled examples and on generated exports, in every format; and where it
cannot take a run it says so once on stderr and streams."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from slactl.exports.columnar import NO_PYARROW_ENV, NotColumnar, ticket_rows  # noqa: E402
from slactl.exports.opening import open_export  # noqa: E402
from tests.conftest import BUNDLED, ROOT  # noqa: E402

AS_OF = "2026-11-22T12:00:00Z"
EXAMPLES = ROOT / "examples"
SAID = "--engine columnar"
FORMATS = ("json", "text", "csv", "markdown")


def _score(run_line, path: Path, engine: str, fmt: str, *more: str, env: dict[str, str] | None = None):
    result = run_line("-w", str(BUNDLED), "score", str(path), "--as-of", AS_OF, "--format", fmt,
                      "--engine", engine, "--jobs", "1", *more, env=env)
    return result


def _both(run_line, path: Path, fmt: str, *more: str) -> tuple[str, str]:
    """(python's stdout, columnar's stderr) once both engines gave the same exit code and stdout."""
    python = _score(run_line, path, "python", fmt, *more)
    columnar = _score(run_line, path, "columnar", fmt, *more)
    assert columnar.exit_code == python.exit_code
    assert columnar.stdout == python.stdout, f"{path} --format {fmt}: the engines differ"
    return python.stdout, columnar.stderr


# every CSV example the streaming engine scores (workbooks and event logs stream: see below)
CSV_EXAMPLES = [("generic.csv", ()), ("jira.csv", ()), ("freshdesk.csv", ()), ("glpi.csv", ()),
                ("hubspot.csv", ()), ("osticket.csv", ()), ("otrs.csv", ()), ("servicenow.csv", ()),
                ("zendesk.csv", ()), ("generic-cp1251.csv", ()), ("russian-cp1251.csv", ()),
                ("custom-desk.csv", ("--mapping", str(EXAMPLES / "custom-desk.mapping.yaml"))),
                ("servicenow-event-log.csv", ())]


@pytest.mark.parametrize("name,more", CSV_EXAMPLES, ids=[n for n, _ in CSV_EXAMPLES])
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_examples_score_to_the_same_bytes(run_line, name, more, fmt):
    _both(run_line, EXAMPLES / name, fmt, *more)


# examples whose every record the columnar reader takes: it must not have fallen back
TAKEN = ["jira.csv", "freshdesk.csv", "glpi.csv", "hubspot.csv", "osticket.csv", "otrs.csv", "servicenow.csv"]


@pytest.mark.parametrize("name", TAKEN)
def test_the_columnar_reader_takes_the_clean_examples(run_line, name):
    _, said = _both(run_line, EXAMPLES / name, "json")
    assert SAID not in said
    with open_export(str(EXAMPLES / name)) as export:
        streamed = [r for r in export]
    with open_export(str(EXAMPLES / name)) as export:
        assert list(ticket_rows(export)) == streamed


def test_a_record_it_cannot_take_stops_it_and_the_streaming_engine_scores(run_line, tmp_path):
    path = _export(tmp_path / "odd.csv", 300)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("T-odd,acme,email,P1,yesterday,,,open,s\n")
    _, said = _both(run_line, path, "json")
    assert said.count(SAID) == 1 and "yesterday" in said and "streaming engine" in said
    with open_export(str(path)) as export, pytest.raises(NotColumnar):
        list(ticket_rows(export))


def test_history_streams_and_says_why_once(run_line):
    more = ("--history", str(EXAMPLES / "jira-history.csv"))
    _, said = _both(run_line, EXAMPLES / "jira.csv", "json", *more)
    assert said.count(SAID) == 1
    assert "--history" in said and "streaming engine" in said


def test_without_pyarrow_it_says_so_once_and_streams(run_line, tmp_path):
    path = _export(tmp_path / "t.csv", 200)
    python = _score(run_line, path, "python", "json")
    missing = _score(run_line, path, "columnar", "json", env={NO_PYARROW_ENV: "1"})
    assert missing.exit_code == python.exit_code == 0
    assert missing.stdout == python.stdout
    assert missing.stderr.count(SAID) == 1 and "pyarrow is not installed" in missing.stderr
    present = _score(run_line, path, "columnar", "json")
    assert SAID not in present.stderr  # with pyarrow it reads the file itself


def test_auto_takes_columnar_only_for_a_large_export(run_line, tmp_path, monkeypatch):
    from slactl.usecases import engine

    path = _export(tmp_path / "t.csv", 200)
    calls: list[str] = []
    real = engine.columnar_rows
    monkeypatch.setattr(engine, "columnar_rows", lambda source, *more: calls.append(source.path) or real(source, *more))
    small = _score(run_line, path, "auto", "json")
    assert calls == []
    monkeypatch.setattr(engine, "AUTO_MIN_BYTES", 1)
    large = _score(run_line, path, "auto", "json")
    assert calls == [str(path)] and large.stdout == small.stdout and SAID not in large.stderr
    _score(run_line, path, "auto", "json", env={NO_PYARROW_ENV: "1"})
    assert len(calls) == 1  # no pyarrow: auto streams, silently
    two = run_line("-w", str(BUNDLED), "score", str(path), "--as-of", AS_OF, "--format", "json", "--jobs", "2")
    assert len(calls) == 1 and two.stdout == small.stdout  # several cores: the streaming engine's parallel path


def test_an_unknown_engine_is_an_error(run_line, tmp_path):
    result = _score(run_line, _export(tmp_path / "t.csv", 5), "turbo", "json")
    assert result.exit_code != 0 and "--engine turbo" in result.output


HEADER = "id,customer,service,priority,created_at,first_response_at,resolved_at,status,subject\n"
CUSTOMERS = ["acme", "ACME Corp", "globex", "Инитех", "umbrella", "nobody", ""]
PRIORITIES = ["P1", "P2", "P3", "high", "low", "P9", ""]


def _export(path: Path, n: int) -> Path:
    base = datetime(2026, 10, 1, tzinfo=timezone.utc)
    lines = [HEADER]
    for i in range(n):
        c = base + timedelta(seconds=i * 7919 % (50 * 86400))
        fr = (c + timedelta(seconds=600 + i * 31 % 9000)).isoformat() if i % 9 else ""
        rs = (c + timedelta(seconds=3600 + i * 977 % 400000)).isoformat() if i % 5 else ""
        lines.append(f"T-{i},{CUSTOMERS[i % 7]},email,{PRIORITIES[i % 6]},{c.isoformat()},{fr},{rs},open,"
                     f"\"s {i}, \"\"quoted\"\"\"\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _stamp(draw, when: datetime, style: int) -> str:
    """One timestamp as exports write them: offsets, Z, naive local time, fractions, a space."""
    if style == 0:
        return when.isoformat()
    if style == 1:
        return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 2:
        return when.astimezone(timezone(timedelta(hours=3))).isoformat()
    if style == 3:
        return when.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S")
    if style == 4:
        return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.250Z")
    return when.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M")


@st.composite
def exports(draw) -> str:
    """A generic export: mostly clean rows (which the columnar reader takes), sometimes odd
    ones (which stop it), around DST changes in Europe/Berlin."""
    n = draw(st.integers(1, 40))
    base = datetime(2026, 3, 28, 22, tzinfo=timezone.utc) if draw(st.booleans()) else \
        datetime(2026, 10, 24, 23, tzinfo=timezone.utc)
    odd = draw(st.booleans())
    style = draw(st.integers(0, 5))
    lines = [HEADER.replace(",subject", ",subject" if draw(st.booleans()) else ",note")]
    for i in range(n):
        c = base + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)), seconds=draw(st.integers(0, 59)))
        fr = "" if draw(st.integers(0, 4)) == 0 else _stamp(draw, c + timedelta(minutes=draw(st.integers(0, 600))),
                                                           style)
        rs = "" if draw(st.integers(0, 3)) == 0 else _stamp(draw, c + timedelta(hours=draw(st.integers(0, 90))),
                                                           style if not odd else draw(st.integers(0, 5)))
        text = draw(st.sampled_from(["s", "a, b", '"q ""x"""', '"two\nlines"', " padded ", "N/A", "-"]))
        tid = f"T-{i}" if not (odd and draw(st.integers(0, 9)) == 0) else draw(st.sampled_from(["", " ", f"T-{i - 1}"]))
        created = _stamp(draw, c, style) if not (odd and draw(st.integers(0, 9)) == 0) else \
            draw(st.sampled_from(["", "2026-13-01T00:00:00Z", "soon"]))
        lines.append(f"{tid},{draw(st.sampled_from(CUSTOMERS))},{draw(st.sampled_from(['email', 'VPN', '']))},"
                     f"{draw(st.sampled_from(PRIORITIES))},{created},{fr},{rs},"
                     f"{draw(st.sampled_from(['open', 'solved', 'pending']))},{text}"
                     + (draw(st.sampled_from(["", ",", ",x"])) if odd else "") + "\n")
    return "".join(lines)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=exports(), fmt=st.sampled_from(FORMATS), zone=st.sampled_from(["UTC", "Europe/Berlin"]))
def test_generated_exports_score_to_the_same_bytes(run_line, tmp_path, text, fmt, zone):
    path = tmp_path / "gen.csv"
    path.write_text(text, encoding="utf-8", newline="")
    python = _score(run_line, path, "python", fmt, "--tz", zone)
    columnar = _score(run_line, path, "columnar", fmt, "--tz", zone)
    assert columnar.exit_code == python.exit_code
    assert columnar.stdout == python.stdout
    ours = [line for line in columnar.stderr.splitlines() if SAID not in line]
    assert ours == python.stderr.splitlines()  # the same warnings (DST notes...), besides its own line


def test_the_engine_does_not_import_pyarrow_at_start(tmp_path):
    import subprocess
    import sys

    code = "import sys, slactl.cli, slactl.usecases.score; print('pyarrow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.stdout.strip() == "False", out.stderr


OPTIONS = [("--customer", "acme"), ("--group-by", "customer"), ("--group-by", "month"), ("--format", "html"),
           ("--format", "junit"), ("--format", "table"), ("--fail-under", "target"), ("--tz", "Europe/Berlin"),
           ("--period", "2026-10")]


@pytest.mark.parametrize("option", OPTIONS, ids=[" ".join(o) for o in OPTIONS])
def test_options_score_to_the_same_bytes_through_the_columnar_reader(run_line, tmp_path, option):
    path = _export(tmp_path / "t.csv", 400)
    fmt = option[1] if option[0] == "--format" else "json"
    more = () if option[0] == "--format" else option
    _, said = _both(run_line, path, fmt, *more)
    assert SAID not in said  # it read the file itself


def test_a_bom_and_crlf_lines_read_the_same(run_line, tmp_path):
    path = _export(tmp_path / "t.csv", 300)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    for fmt in ("json", "text"):
        _, said = _both(run_line, path, fmt)
        assert SAID not in said


ROW = "T-{i},acme,email,P1,2026-10-0{d}T10:00:00Z,,,open,{s}\n"
TRICKY = {
    "stray quotes": HEADER + ROW.format(i=1, d=1, s='5" screen') + ROW.format(i=2, d=2, s='a"b'),
    "text after a closing quote": HEADER + ROW.format(i=1, d=1, s='"ab"cd') + ROW.format(i=2, d=2, s='"ab" '),
    "quoted newlines": HEADER + ROW.format(i=1, d=1, s='"a\nb"') + ROW.format(i=2, d=2, s='"a\r\nb"'),
    "no final newline": HEADER + ROW.format(i=1, d=1, s="x").rstrip("\n"),
    "a quote never closed": HEADER + ROW.format(i=1, d=1, s="x") + ROW.format(i=2, d=2, s='"abc'),
    "a quote never closed, no final newline": HEADER + ROW.format(i=1, d=1, s='"abc').rstrip("\n"),
    "a quote closed lines later": HEADER + ROW.format(i=1, d=1, s='"abc') + ROW.format(i=2, d=2, s='x"'),
    "a trailing delimiter": HEADER + ROW.format(i=1, d=1, s="x,"),
    "a lone carriage return": HEADER + ROW.format(i=1, d=1, s="x\ry"),
    "a NUL": HEADER + ROW.format(i=1, d=1, s="x\x00y"),
    "blank lines": HEADER + "\n\n" + ROW.format(i=1, d=1, s="x") + "\n",
    "header only": HEADER,
}


@pytest.mark.parametrize("name", TRICKY)
def test_the_columnar_reader_reads_as_the_streaming_reader_or_stops(tmp_path, run_line, name):
    path = tmp_path / "t.csv"
    path.write_bytes(TRICKY[name].encode("utf-8"))
    with open_export(str(path)) as export:
        streamed = list(export)
    try:
        with open_export(str(path)) as export:
            assert list(ticket_rows(export)) == streamed
    except NotColumnar:
        pass
    for fmt in ("json", "text"):
        _both(run_line, path, fmt)


def test_the_progress_bar_follows_the_columnar_reader(tmp_path, monkeypatch):
    from slactl.exports import columnar

    path = _export(tmp_path / "t.csv", 3000)
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 16 * 1024)  # several batches
    seen: list[float] = []
    with open_export(str(path)) as export:
        rows = list(ticket_rows(export, seen.append))
    assert len(rows) == 3000
    assert len(seen) > 3 and seen == sorted(seen) and seen[-1] == 1.0


def test_progress_with_the_columnar_engine_gives_the_same_bytes(run_line, tmp_path):
    _, said = _both(run_line, _export(tmp_path / "t.csv", 500), "json", "--progress")
    assert SAID not in said


@pytest.mark.parametrize("more", [("--format", "json"), ("--format", "text"), ("--ola", "--format", "json")])
def test_a_workspace_with_olas_scores_to_the_same_bytes(run_line, more):
    ola = EXAMPLES / "ola"
    runs = [run_line("-w", str(ola / "workspace"), "score", str(ola / "tickets.csv"), "--as-of", AS_OF,
                     "--engine", engine, *more) for engine in ("python", "columnar")]
    assert runs[0].exit_code == runs[1].exit_code
    assert runs[1].stdout == runs[0].stdout and runs[0].stdout
    assert SAID not in runs[1].stderr  # the OLA stages were measured on the columnar reader's rows
