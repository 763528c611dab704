"""Call-centre objectives (``slactl calls``, ``report --calls``): a seeded month of calls as an
Asterisk queue_log and as its CSV twin against the independent reference in
tests/calls_reference.py, a property test over random logs, the report section in English
and Russian, validation of ``spec.calls`` and hostile input."""
from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calls_reference import RefObjective, figures, parse_call_csv, parse_queue_log

NY = ZoneInfo("America/New_York")
AS_OF = "2026-12-01T06:00:00Z"  # 01:00 on 1 December in New York
AS_OF_T = datetime(2026, 12, 1, 6, tzinfo=timezone.utc).timestamp()
THANKSGIVING = date(2026, 11, 26)

WORKSPACE = {
    "calendar.yaml": """
apiVersion: slactl/v1
kind: Calendar
metadata: {name: ny-desk}
spec:
  timezone: America/New_York
  hours:
    mon: ["08:00-12:00", "13:00-18:00"]
    tue: ["08:00-12:00", "13:00-18:00"]
    wed: ["08:00-12:00", "13:00-18:00"]
    thu: ["08:00-12:00", "13:00-18:00"]
    fri: ["08:00-16:00"]
  holidays:
    dates: [2026-11-26]
""",
    "policy.yaml": """
apiVersion: slactl/v1
kind: Policy
metadata: {name: basic}
spec:
  calendar: ny-desk
  rules:
    - {priority: P1, first_response: 1h, resolution: 8h}
""",
    "agreement.yaml": """
apiVersion: slactl/v1
kind: Agreement
metadata: {name: hooli-2026}
spec:
  customer: {id: hooli, name: Hooli}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: basic
  calendar: ny-desk
  language: en
  calls:
    - queue: support
      service_level: {answered_within: 20s, target: 80}
      abandonment_max: 5
      asa_max: 30s
      short_abandon: 5s
      calendar: ny-desk
    - queue: [billing]
      service_level: {answered_within: 30s, target: 90}
      abandonment_max: 8
""",
}
WEEK = {d: [(8 * 3600, 12 * 3600), (13 * 3600, 18 * 3600)] for d in range(4)} | {4: [(8 * 3600, 16 * 3600)]}
OBJECTIVES = [
    RefObjective("support", 20, 80, 5, 30, 5, ("America/New_York", WEEK, {THANKSGIVING})),
    RefObjective("billing", 30, 90, 8, None, 0, None),
]
QUEUES = ("support", "billing", "sales")  # sales: named by no agreement


@pytest.fixture
def ws_dir(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    for name, text in WORKSPACE.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_logs(seed: int = 29, days: int = 31) -> tuple[str, str, set[int], set[int]]:
    """A month of calls (31 Oct evening to 1 Dec, New York) as a queue_log and its CSV twin,
    with the numbers of the malformed lines of each."""
    rng = random.Random(seed)
    events: list[tuple[float, int, str]] = []  # (time, order, rest of the line)
    twin: list[str] = []  # CSV rows of the same calls
    start = datetime(2026, 10, 31, 20, tzinfo=NY).timestamp()
    events.append((start - 3600, 0, "NONE|NONE|NONE|QUEUESTART|"))
    events.append((start - 3500, 0, "NONE|support|PJSIP/ann|ADDMEMBER|"))
    for n in range(days * 12):
        at = float(int(start + rng.uniform(0, days * 86400 + 4 * 3600)))
        queue = rng.choice(QUEUES)
        callid = f"{1793000000 + n}.{n}"
        events.append((at, 1, f"{callid}|{queue}|NONE|ENTERQUEUE||+1212555{n:04d}|1"))
        kind = rng.choices(["connect", "abandon", "short", "timeout", "empty", "key", "waiting", "late"],
                           [50, 12, 8, 6, 3, 3, 3, 3])[0]
        seconds = rng.choice([1, 3, 4, 5, 6, 10, 15, 19, 20, 21, 30, 31, 45, 90, 300])
        offered_cell = _iso(at)
        if kind == "late":  # decided after as_of: in progress then
            at = AS_OF_T - rng.randint(0, 200)
            events[-1] = (at, 1, events[-1][2])
            offered_cell, seconds = _iso(at), 300
            kind = "connect"
        if kind == "connect":
            if rng.random() < 0.3:
                events.append((at + seconds - 2, 2, f"{callid}|{queue}|PJSIP/bob|RINGNOANSWER|2000"))
            events.append((at + seconds, 3, f"{callid}|{queue}|PJSIP/ann|CONNECT|{seconds}|{callid}7|2"))
            talking = rng.random() < 0.1
            if not talking:
                events.append((at + seconds + 120, 4, f"{callid}|{queue}|PJSIP/ann|COMPLETECALLER|{seconds}|120|1"))
            twin.append(f"{callid},{queue},{offered_cell},{_iso(at + seconds)},{'' if talking else _iso(at + seconds + 120)}")
        elif kind in ("abandon", "short"):
            waited = seconds if kind == "abandon" else rng.choice([1, 2, 3, 4])
            events.append((at + waited, 3, f"{callid}|{queue}|NONE|ABANDON|1|1|{waited}"))
            twin.append(f"{callid},{queue},{offered_cell},,{_iso(at + waited)}")
        elif kind in ("timeout", "empty", "key"):
            event = {"timeout": "EXITWITHTIMEOUT|1|1|", "empty": "EXITEMPTY|1|1|", "key": "EXITWITHKEY|5|1|"}[kind]
            events.append((at + seconds, 3, f"{callid}|{queue}|NONE|{event}{seconds}"))
            twin.append(f"{callid},{queue},{offered_cell},,{_iso(at + seconds)}")
        else:  # still waiting when the log ends
            twin.append(f"{callid},{queue},{offered_cell},,")
        if rng.random() < 0.05:
            events.append((at + 1, 5, "NONE|support|PJSIP/ann|PAUSE|lunch"))
    lines = [f"{int(t)}|{rest}" for t, _, rest in sorted(events)]
    malformed = ["garbage", "1793|x|y", "17930000ab|1.1|support|NONE|ENTERQUEUE||1|1",
                 "1793000000|999.9|support|PJSIP/ann|CONNECT|soon|x|1", "|||||"]
    bad: set[int] = set()
    for text in malformed:
        where = rng.randint(1, len(lines))
        lines.insert(where - 1, text)
    bad = {i for i, line in enumerate(lines, 1) if line in malformed}
    rows = ["call_id,queue,offered_at,answered_at,ended_at", *twin]
    csv_bad = set()
    for text in ("x1,support,not a time,,", "x2,support,2026-11-05T10:00:00Z,2026-11-05T09:00:00Z,"):
        where = rng.randint(2, len(rows))
        rows.insert(where, text)
    csv_bad = {i for i, row in enumerate(rows, 1) if row.startswith(("x1,", "x2,"))}
    return "\n".join(lines) + "\n", "\r\n".join(rows) + "\r\n", bad, csv_bad


def _reference(calls: list, period: tuple[float, float] | None = None) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    begin = datetime(2026, 1, 1, tzinfo=NY).timestamp()
    end = datetime(2027, 1, 1, tzinfo=NY).timestamp()
    if period is not None:
        begin, end = max(begin, period[0]), min(end, period[1])
    out = {}
    for o in OBJECTIVES:
        for month, f in figures(calls, o, "America/New_York", AS_OF_T, begin, end).items():
            out[(o.queue, month)] = f
    return out


def _compare(rows: list[dict], ref: dict[tuple[str, str], dict]) -> None:  # type: ignore[type-arg]
    got = {(r["queue"], r["window"]): r for r in rows}
    assert set(got) == set(ref)
    for key, want in ref.items():
        row = got[key]
        assert row["agreement"] == "hooli-2026"
        for name in ("offered", "answered", "abandoned"):
            assert row[name] == want[name], (key, name)
        for name in ("asa_seconds", "abandonment_pct", "service_level_pct"):
            assert row[name] == (None if want[name] is None else pytest.approx(want[name])), (key, name)
        assert row["met"] == want["met"], key


def _run_json(run_line, ws_dir: Path, path: Path, *extra: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    result = run_line("-w", str(ws_dir), "calls", str(path), "--as-of", AS_OF, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_seeded_month_matches_the_reference_in_both_formats(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log, csv_text, bad, csv_bad = make_logs()
    (tmp_path / "queue_log").write_text(log, encoding="ascii")
    (tmp_path / "calls.csv").write_text(csv_text, encoding="ascii", newline="")
    calls, ref_bad = parse_queue_log(log)
    assert ref_bad == bad  # the generator and the reference agree on what is malformed
    ref = _reference(calls)
    assert {m for _, m in ref} == {"2026-10", "2026-11", "2026-12"}  # the zone decides the month
    assert all(ref[k]["offered"] for k in ref if k[1] == "2026-11")
    data = _run_json(run_line, ws_dir, tmp_path / "queue_log")
    assert data["log"] == "queue_log"
    _compare(data["rows"], ref)
    assert {r["line"] for r in data["rejected"]} == bad
    assert all(r["reason"] for r in data["rejected"])
    assert [q["queue"] for q in data["unnamed_queues"]] == ["sales"]
    assert data["unnamed_queues"][0]["calls"] == sum(1 for c in calls if c.queue == "sales" and c.offered <= AS_OF_T)

    twin = _run_json(run_line, ws_dir, tmp_path / "calls.csv")
    assert twin["log"] == "csv"
    _compare(twin["rows"], ref)
    assert {r["line"] for r in twin["rejected"]} == csv_bad
    # the same calls, whichever way the telephony wrote them
    strip = lambda rows: [{k: v for k, v in r.items() if k != "in_progress"} for r in rows]  # noqa: E731
    assert strip(twin["rows"]) == strip(data["rows"])


def test_period_selects_the_month_in_the_agreement_zone(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log, _, _, _ = make_logs(seed=5)
    (tmp_path / "queue_log").write_text(log, encoding="ascii")
    data = _run_json(run_line, ws_dir, tmp_path / "queue_log", "--period", "2026-11")
    bounds = (datetime(2026, 11, 1, tzinfo=NY).timestamp(), datetime(2026, 12, 1, tzinfo=NY).timestamp())
    _compare(data["rows"], _reference(parse_queue_log(log)[0], bounds))
    assert {r["window"] for r in data["rows"]} == {"2026-11"}


def test_worked_example_definitions(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Four support calls on a Monday in hours: answered after 10 s and 25 s, abandoned after 40 s,
    abandoned after 3 s (short), plus one at 19:00 (out of hours) and one still waiting."""
    t0 = int(datetime(2026, 11, 2, 9, tzinfo=NY).timestamp())
    evening = int(datetime(2026, 11, 2, 19, tzinfo=NY).timestamp())
    log = "\n".join([
        f"{t0}|a|support|NONE|ENTERQUEUE||1|1", f"{t0 + 10}|a|support|ann|CONNECT|10|x|1",
        f"{t0 + 5}|b|support|NONE|ENTERQUEUE||1|1", f"{t0 + 30}|b|support|ann|CONNECT|25|x|1",
        f"{t0 + 7}|c|support|NONE|ENTERQUEUE||1|1", f"{t0 + 47}|c|support|NONE|EXITWITHTIMEOUT|1|1|40",
        f"{t0 + 9}|d|support|NONE|ENTERQUEUE||1|1", f"{t0 + 12}|d|support|NONE|ABANDON|1|1|3",
        f"{evening}|e|support|NONE|ENTERQUEUE||1|1", f"{evening + 2}|e|support|ann|CONNECT|2|x|1",
        f"{t0 + 60}|f|support|NONE|ENTERQUEUE||1|1",
    ]) + "\n"
    (tmp_path / "queue_log").write_text(log, encoding="ascii")
    (row,) = _run_json(run_line, ws_dir, tmp_path / "queue_log")["rows"]
    assert (row["offered"], row["answered"], row["abandoned"]) == (3, 2, 1)
    assert row["asa_seconds"] == 17.5
    assert row["abandonment_pct"] == pytest.approx(100 / 3)
    assert row["service_level_pct"] == pytest.approx(100 / 3)  # only the 10 s answer is within 20 s
    assert row["met"] == {"service_level": False, "abandonment": False, "asa": True}
    assert (row["short_abandons"], row["out_of_hours"], row["in_progress"]) == (1, 1, 1)
    text = run_line("-w", str(ws_dir), "calls", str(tmp_path / "queue_log"), "--as-of", AS_OF, "-f", "text")
    assert "  18 s  " in text.stdout and "33.3 % ✘" in text.stdout and "MISSED" in text.stdout
    assert "1 short, 1 out of hours, 1 in progress" in text.stdout
    assert "support (per month): service level 80 % within 20 s, abandonment at most 5 %, ASA at most 30 s; " \
           "abandons under 5 s not counted; calendar ny-desk" in text.stdout
    failing = run_line("-w", str(ws_dir), "calls", str(tmp_path / "queue_log"), "--as-of", AS_OF,
                       "--fail-under", "target")
    assert failing.exit_code == 1
    assert "below target: hooli-2026 / support / 2026-11: service level, abandonment missed" in failing.stderr
    assert run_line("-w", str(ws_dir), "calls", str(tmp_path / "queue_log"), "--as-of", AS_OF,
                    "--fail-under", "30").exit_code == 0


_CALL = st.tuples(
    st.sampled_from(QUEUES),
    st.integers(0, 40 * 86400),  # offset from 25 Oct
    st.sampled_from(["CONNECT", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY", "", "NOISE"]),
    st.integers(0, 400),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_CALL, max_size=40), st.integers(0, 45 * 86400))
def test_random_logs_agree_with_the_reference(ws_dir, tmp_path, calls, cut) -> None:  # type: ignore[no-untyped-def]
    from slactl.usecases.calls import measure_calls
    from slactl.workspace.loader import load_workspace

    assume(sum(1 for c in calls if c[2] == "NOISE") <= len(calls) // 2)  # mostly a queue_log, or it is not one
    base = datetime(2026, 10, 25, tzinfo=timezone.utc).timestamp()
    as_of = base + cut
    events = []
    twin = ["call_id,queue,offered_at,answered_at,ended_at"]
    for k, (queue, offset, outcome, seconds) in enumerate(calls):
        at = int(base + offset)
        events.append((at, 0, f"c{k}|{queue}|NONE|ENTERQUEUE||1|1"))
        if outcome == "CONNECT":
            events.append((at + seconds, 1, f"c{k}|{queue}|ann|CONNECT|{seconds}|x|1"))
            twin.append(f"c{k},{queue},{_iso(at)},{_iso(at + seconds)},")
        elif outcome == "ABANDON":
            events.append((at + seconds, 1, f"c{k}|{queue}|NONE|ABANDON|1|1|{seconds}"))
        elif outcome == "NOISE":
            events.append((at + seconds, 1, "x|y"))
        elif outcome:
            events.append((at + seconds, 1, f"c{k}|{queue}|NONE|{outcome}|1|1|{seconds}"))
        if outcome in ("ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY"):
            twin.append(f"c{k},{queue},{_iso(at)},,{_iso(at + seconds)}")
        elif outcome in ("", "NOISE"):
            twin.append(f"c{k},{queue},{_iso(at)},,")
    text = "".join(f"{t}|{rest}\n" if rest != "x|y" else "x|y\n" for t, _, rest in sorted(events))
    path = tmp_path / "random_log"
    path.write_text(text or "\n", encoding="ascii")
    ws = load_workspace(str(ws_dir)).workspace
    if not text:
        return
    got = measure_calls(ws, str(path), list(ws.agreements.values()), as_of=as_of)
    parsed, bad = parse_queue_log(text)
    begin = datetime(2026, 1, 1, tzinfo=NY).timestamp()
    want = {}
    for o in OBJECTIVES:
        for month, f in figures(parsed, o, "America/New_York", as_of, begin, float("inf")).items():
            want[(o.queue, month)] = f
    rows = {(r.queue, r.window): r.as_dict() for r in got.rows}
    assert set(rows) == set(want)
    for key, f in want.items():
        for name in ("offered", "answered", "abandoned"):
            assert rows[key][name] == f[name]
        for name in ("asa_seconds", "abandonment_pct", "service_level_pct"):
            assert rows[key][name] == (None if f[name] is None else pytest.approx(f[name]))
        assert rows[key]["met"] == f["met"]
    assert {r.row for r in got.rejected} == bad
    (tmp_path / "random.csv").write_text("\n".join(twin) + "\n", encoding="ascii")
    from_csv = measure_calls(ws, str(tmp_path / "random.csv"), list(ws.agreements.values()), as_of=as_of)
    assert [r.as_dict() for r in from_csv.rows] == [r.as_dict() for r in got.rows]  # the twin says the same


def test_csv_reader_with_a_mapping_and_naive_times(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "phone.csv").write_text(
        "Line;Started;Picked up;Hung up\n"
        "support;02.11.2026 09:00:00;02.11.2026 09:00:12;02.11.2026 09:05:00\n"
        "support;02.11.2026 09:01:00;;02.11.2026 09:01:30\n"
        "support;02.11.2026 09:02:00;02.11.2026 09:02:40;\n", encoding="utf-8")
    (tmp_path / "phone.mapping.yaml").write_text(
        "columns: {queue: Line, offered_at: Started, answered_at: Picked up, ended_at: Hung up}\n"
        "dayfirst: true\n", encoding="utf-8")
    data = _run_json(run_line, ws_dir, tmp_path / "phone.csv", "--tz", "America/New_York")
    (row,) = data["rows"]
    assert (row["offered"], row["answered"], row["abandoned"], row["asa_seconds"]) == (3, 2, 1, 26)
    assert row["service_level_pct"] == pytest.approx(100 / 3)
    assert data["rejected"] == []


def test_report_carries_the_calls_section_in_english_and_russian(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log, _, _, _ = make_logs(seed=3)
    (tmp_path / "queue_log").write_text(log, encoding="ascii")
    (tmp_path / "tickets.csv").write_text(
        "id,customer,priority,created_at,first_response_at,resolved_at\n"
        "T-1,hooli,P1,2026-11-03T14:00:00Z,2026-11-03T14:20:00Z,2026-11-03T16:00:00Z\n", encoding="utf-8")
    args = ["-w", str(ws_dir), "report", str(tmp_path / "tickets.csv"), "--period", "2026-11", "--as-of", AS_OF,
            "--calls", str(tmp_path / "queue_log")]
    en = run_line(*args, "--format", "text")
    assert en.exit_code == 0, en.output
    assert "Phone support" in en.stdout and "Service level" in en.stdout and "Nov 2026" in en.stdout
    assert "line(s) rejected (first: line" in en.stderr
    ru = run_line(*args, "--format", "html", "--lang", "ru")
    assert ru.exit_code == 0, ru.output
    page = ru.stdout
    assert "Телефонная поддержка" in page and "Уровень сервиса" in page and "нояб. 2026" in page
    section = page[page.index("Телефонная поддержка"):]
    section = section[:section.index("</table>")]
    for word in ("Phone", "Queue", "Offered", "Answered", "Abandon", "Service level", "met", "missed", "at most"):
        assert word not in section, word
    md = run_line(*args, "--format", "markdown", "--lang", "ru").stdout
    assert "#### Телефонная поддержка" in md and "цель 80\u00a0% за 20 с" in md
    data = json.loads(run_line(*args, "--format", "json").stdout)
    (section_data,) = data["sections"]
    calls = section_data["extras"]["calls"]  # values, worded when a page is written
    assert calls["kind"] == "calls" and {r["queue"] for r in calls["rows"]} and all(
        r["offered"] == r["answered"] + r["abandoned"] for r in calls["rows"])


def test_the_calls_section_takes_a_workspace_language(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A workspace's own language words the phone section too (it was made only in the shipped ones)."""
    log, _, _, _ = make_logs(seed=3)
    (tmp_path / "queue_log").write_text(log, encoding="ascii")
    (tmp_path / "tickets.csv").write_text(
        "id,customer,priority,created_at,first_response_at,resolved_at\n"
        "T-1,hooli,P1,2026-11-03T14:00:00Z,2026-11-03T14:20:00Z,2026-11-03T16:00:00Z\n", encoding="utf-8")
    (ws_dir / "translations").mkdir(exist_ok=True)
    (ws_dir / "translations" / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "calls_title"\nmsgstr "Assistance téléphonique"\n\n'
        'msgid "calls_offered"\nmsgstr "Présentés"\n', encoding="utf-8")
    result = run_line("-w", str(ws_dir), "report", str(tmp_path / "tickets.csv"), "--period", "2026-11", "--as-of",
                      AS_OF, "--calls", str(tmp_path / "queue_log"), "--format", "text", "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert "Assistance téléphonique" in result.stdout and "Présentés" in result.stdout
    assert "Phone support" not in result.stdout
    assert len([line for line in result.stderr.splitlines() if "not translated" in line]) == 1


@pytest.mark.parametrize("fmt", ["table", "text", "json", "csv", "markdown", "html"])
def test_every_format_renders(run_line, ws_dir, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    log, _, _, _ = make_logs(seed=8, days=3)
    (tmp_path / "queue_log").write_text(log, encoding="ascii")
    result = run_line("-w", str(ws_dir), "calls", str(tmp_path / "queue_log"), "--as-of", AS_OF, "-f", fmt)
    assert result.exit_code == 0, result.output
    assert "support" in result.stdout


def test_validate_checks_call_objectives(run_line, ws_dir) -> None:  # type: ignore[no-untyped-def]
    path = ws_dir / "agreement.yaml"
    path.write_text(WORKSPACE["agreement.yaml"].replace("      asa_max: 30s\n", "      asa_max: 30x\n")
                    .replace("      abandonment_max: 8\n", "      abandonment_maxx: 8\n      calendar: ny-dsk\n"),
                    encoding="utf-8")
    result = run_line("-w", str(ws_dir), "validate")
    assert result.exit_code == 1
    out = result.output
    assert "agreement.yaml:15:" in out and "'30x' is not a duration" in out
    assert "unknown key 'abandonment_maxx'" in out and "did you mean 'abandonment_max'?" in out
    assert "agreement.yaml:20:" in out
    path.write_text(WORKSPACE["agreement.yaml"].replace(
        "      service_level: {answered_within: 30s, target: 90}\n      abandonment_max: 8\n", "      calendar: ny-dsk\n"),
        encoding="utf-8")
    result = run_line("-w", str(ws_dir), "validate")
    assert "call objective 2 sets no target" in result.output
    assert "ny-dsk" in result.output and "did you mean 'ny-desk'?" in result.output


@pytest.mark.parametrize("content", [
    b"", b"\x00\x01\x02\xff" * 100, b"1|2|3\n" * 5, b"a" * (3 * 1024 * 1024) + b"\n",
    b"call_id,queue\n1,support\n", "1793000000|\u0000|support|NONE|ENTERQUEUE\n".encode(),
    b"1793000000|c|support|NONE|ENTERQUEUE||1|1\n1793000001|c|support|NONE|ABANDON|1|1|nan\n",
    b"1e400|c|support|NONE|ENTERQUEUE||1|1\n1793000000|d|support|NONE|CONNECT|-5|x|1\n",
    b"queue,offered_at\nsupport,2026-11-02T09:00:00Z\n\"unterminated,2026\n",
])
def test_hostile_logs_never_raise(run_line, ws_dir, tmp_path, content) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "hostile"
    path.write_bytes(content)
    result = run_line("-w", str(ws_dir), "calls", str(path), "--as-of", AS_OF, "-f", "json")
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("slactl: ") and "Traceback" not in result.stderr


def test_unreadable_inputs_are_usage_errors(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for path in (tmp_path / "missing", tmp_path):
        result = run_line("-w", str(ws_dir), "calls", str(path), "--as-of", AS_OF)
        assert result.exit_code == 2 and str(path) in result.stderr
    result = run_line("-w", str(ws_dir), "calls", str(tmp_path / "x"), "--mapping", str(tmp_path / "none.yaml"))
    assert result.exit_code == 2


def test_a_log_of_garbage_is_counted_not_held(run_line, ws_dir, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import slactl.usecases.calls as use

    monkeypatch.setattr(use, "REJECTED_KEPT", 3)
    good = "1793000000|a|support|NONE|ENTERQUEUE||1|1\n1793000010|a|support|ann|CONNECT|10|x|1\n"
    (tmp_path / "queue_log").write_text(good * 6 + "1|2\n" * 5, encoding="ascii")
    result = run_line("-w", str(ws_dir), "calls", str(tmp_path / "queue_log"), "--as-of", AS_OF, "-f", "json")
    data = json.loads(result.stdout)
    assert [r["line"] for r in data["rejected"]] == [13, 14, 15] and data["rejected_total"] == 5
    assert "5 lines rejected; the first 3 are listed" in result.stderr


def test_outcomes_without_their_enterqueue_are_counted_in_a_warning(run_line, ws_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "queue_log").write_text(
        "1793000010|a|support|ann|CONNECT|10|x|1\n1793000020|b|support|NONE|ABANDON|1|1|7\n"
        "1793000030|c|support|NONE|ENTERQUEUE||1|1\n", encoding="ascii")
    result = run_line("-w", str(ws_dir), "calls", str(tmp_path / "queue_log"), "--as-of", AS_OF, "-f", "json")
    data = json.loads(result.stdout)
    assert data["rejected"] == [] and data["rows"][0]["in_progress"] == 1 and data["rows"][0]["offered"] == 0
    assert "2 outcome line(s) name a call that did not enter a queue earlier in the log (first: line 1)" \
        in result.stderr


def test_a_queue_measured_twice_per_window_warns(run_line, ws_dir) -> None:  # type: ignore[no-untyped-def]
    (ws_dir / "agreement.yaml").write_text(WORKSPACE["agreement.yaml"].replace("queue: [billing]",
                                                                              "queue: [billing, Support]"),
                                           encoding="utf-8")
    result = run_line("-w", str(ws_dir), "validate")
    assert "warning[queue-repeated]" in result.output and "call objectives 1 and 2" in result.output


def test_shown_figures_never_cross_their_bound() -> None:
    from slactl.core.report_calls import judged_number

    assert judged_number(79.96, 80, higher_is_better=True) == "79.96"  # one decimal would say 80
    assert judged_number(79.9996, 80, higher_is_better=True) == "79.999"
    assert judged_number(5.04, 5, higher_is_better=False) == "5.04"
    assert judged_number(52.38, 80, higher_is_better=True) == "52.4"
    assert judged_number(30.4, 30, higher_is_better=False, digits=0) == "30.4"
    assert judged_number(20.0, None, higher_is_better=True, digits=0) == "20"
