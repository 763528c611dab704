"""Hostile input and output safety: formulas, markup, escapes, torn writes, the error boundary.

Every value below comes from input a user does not control (a ticket export, an
agreement file, a file name) and must come out inert in every format.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BUNDLED, ROOT

AS_OF = "2026-11-22T12:00:00Z"
HEADER = ["id", "customer", "service", "priority", "created_at", "first_response_at", "resolved_at", "status"]
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1+1", "@SUM(1)", "\t=1+2", "\r=1+2", "=HYPERLINK(\"http://evil\")"]
HTML = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<img src=x onerror=alert(2)>"]
ESCAPES = ["\x1b[31mRED", "\x1b]8;;http://evil\x07link\x1b]8;;\x07", "\u202eevil\u202c", "\x9b31m", "bell\x07",
           "\x1b[2J\x1b[H"]
MARKUP = "[bold red]x[/]"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PY = sys.executable


def _export(tmp_path: Path, values: list[str], name: str = "hostile.csv") -> Path:
    """Each value as id, customer and status of a scored ticket, and as the id of a rejected one."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")  # "\r\n": the writer then quotes cells holding a CR
    w.writerow(HEADER)
    for i, v in enumerate(values):
        w.writerow([v or f"T-{i}", v, "email", "P1", "2026-10-01T09:00:00Z", "2026-10-01T09:10:00Z",
                    "2026-10-01T20:00:00Z", v])
        w.writerow([f"{v}#{i}", v, "email", "P1", "2026-10-01T09:00:00Z", "2026-10-01T08:00:00Z", "", v])
        w.writerow([f"T-acme-{i}", "acme", v, "P1", "2026-10-02T09:00:00Z", "", "", v])
    p = tmp_path / name
    p.write_bytes(out.getvalue().encode("utf-8"))
    return p


def _score(run_line, path: Path, fmt: str, *extra: str, ws: Path = BUNDLED):
    result = run_line("-w", str(ws), "score", str(path), "--preset", "generic", "--as-of", AS_OF,
                      "--format", fmt, *extra)
    assert result.exit_code == 0, result.stderr
    return result


# =============================================================================== CSV injection

def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _assert_no_formula(rows: list[list[str]]) -> int:
    checked = 0
    for row in rows[1:]:
        for cell in row:
            if re.fullmatch(r"-?\d+(\.\d+)?", cell):
                continue  # a number slactl computed (days left...), not text from the input
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (cell, row)
            checked += cell.startswith("'")
    return checked


def test_score_csv_neutralises_formulas(run_line, tmp_path):
    p = _export(tmp_path, FORMULAS)
    rows = _cells(_score(run_line, p, "csv").stdout)
    neutralised = _assert_no_formula(rows)
    assert neutralised >= 3 * len(FORMULAS)  # id, customer, status of each scored ticket at least
    ids = {r[1] for r in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in ids and "'+1" in ids and "'-1+1" in ids and "'@SUM(1)" in ids
    # rejected rows keep their (neutralised) id and a reason
    rejected = [r for r in rows[1:] if r[6] == "rejected"]
    assert len(rejected) == len(FORMULAS) and all(r[8] for r in rejected)


def test_score_csv_rejected_id_starting_with_a_formula(run_line, tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(",".join(HEADER) + "\n=2+3,acme,email,P1,not-a-date,,,open\n-9,acme,email,P1,,,,open\n")
    rows = _cells(_score(run_line, p, "csv").stdout)
    assert [r[1] for r in rows[1:]] == ["'=2+3", "'-9"]
    _assert_no_formula(rows)


def _records(text: str) -> list[list[str]]:
    """Records as a spreadsheet reads them: a bare CR ends a record like LF does."""
    return list(csv.reader(io.StringIO(text.replace("\r\n", "\n"), newline="")))


def test_score_csv_a_carriage_return_inside_a_cell_cannot_start_a_row(run_line, tmp_path):
    p = _export(tmp_path, ["x\r=cmd|' /C calc'!A0"])
    text = _score(run_line, p, "csv").stdout
    rows = _records(text)
    assert all(len(r) == len(rows[0]) for r in rows), rows
    _assert_no_formula(rows)


def test_lifecycle_csv_a_carriage_return_inside_a_cell_cannot_start_a_row(run_line, workspace):
    f = workspace / "customers" / "acme.yaml"
    f.write_text(f.read_text().replace("name: ACME Corp", 'name: "ACME\\r=cmd|\' /C calc\'!A0"'))
    for command in (["list", "--as-of", "2026-11-22"], ["expiring", "--as-of", "2026-11-22", "--within", "400d"]):
        result = run_line("-w", str(workspace), *command, "--format", "csv")
        rows = _records(result.stdout)
        assert all(len(r) == len(rows[0]) for r in rows), rows
        _assert_no_formula(rows)


@pytest.mark.parametrize("command", [["list", "--as-of", "2026-11-22"],
                                     ["expiring", "--as-of", "2026-11-22", "--within", "400d"]])
def test_lifecycle_csv_neutralises_formulas(run_line, hostile_ws, command):
    result = run_line("-w", str(hostile_ws), *command, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = _cells(result.stdout)
    _assert_no_formula(rows)
    assert any(c.startswith("'=cmd") for r in rows for c in r)


# =============================================================================== HTML

@pytest.mark.parametrize("group_by", ["agreement", "customer", "service"])
def test_score_html_escapes_every_value(run_line, tmp_path, group_by):
    p = _export(tmp_path, HTML + ESCAPES, name="<script>x<\\script>.csv")
    page = _score(run_line, p, "html", "--group-by", group_by).stdout
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;" in page or "&lt;img" in page


def test_lifecycle_html_escapes_every_value(run_line, hostile_ws):
    for command in (["list", "--as-of", "2026-11-22"], ["expiring", "--as-of", "2026-11-22", "--within", "400d"]):
        page = run_line("-w", str(hostile_ws), *command, "--format", "html").stdout
        assert "<script" not in page.lower() and "<img" not in page.lower(), command
        assert "&lt;script&gt;" in page


# =============================================================================== terminal

def _flat(text: str) -> str:
    """Table output without its frame and wrapping, to find a value Rich folded over lines."""
    return re.sub(r"[\s\u2500-\u257f]", "", text)


def _assert_inert(text: str) -> None:
    assert not RAW_CONTROL.search(text), repr(RAW_CONTROL.search(text).group())


@pytest.mark.parametrize("fmt", ["text", "table"])
@pytest.mark.parametrize("group_by", ["agreement", "customer", "service"])
def test_score_terminal_output_is_inert(run_line, tmp_path, fmt, group_by):
    p = _export(tmp_path, ESCAPES + [MARKUP], name="\x1b[31mexport.csv")
    out = _score(run_line, p, fmt, "--group-by", group_by).stdout
    _assert_inert(out)
    assert "\\x1b[31m" in _flat(out)  # shown escaped, not dropped
    if group_by != "agreement":
        assert "[boldred]x[/]" in _flat(out)  # Rich markup printed literally, not interpreted


@pytest.mark.parametrize("fmt", ["text", "table"])
@pytest.mark.parametrize("command", [["list", "--as-of", "2026-11-22"],
                                     ["expiring", "--as-of", "2026-11-22", "--within", "400d"]])
def test_lifecycle_terminal_output_is_inert(run_line, hostile_ws, fmt, command):
    result = run_line("-w", str(hostile_ws), *command, "--format", fmt, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.stderr
    _assert_inert(result.stdout)
    assert "\\x1b[31m" in _flat(result.stdout) and "[boldred]x[/]" in _flat(result.stdout)


def test_markdown_tables_cannot_be_broken(run_line, tmp_path, hostile_ws):
    p = _export(tmp_path, ["a|b", "c\\|d", "x\ny|z", MARKUP, *HTML, *ESCAPES])
    docs = [_score(run_line, p, "markdown", "--group-by", g).stdout for g in ("agreement", "customer", "service")]
    docs.append(run_line("-w", str(hostile_ws), "list", "--as-of", "2026-11-22", "--format", "markdown").stdout)
    for doc in docs:
        _assert_inert(doc)
        assert "<script" not in doc and "<img" not in doc
        widths = None
        for line in doc.splitlines():
            if not line.startswith("|"):
                widths = None
                continue
            n = len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))
            widths = widths or n
            assert n == widths, line


# ----------------------------------------------------------------------- validate: hostile names

@pytest.fixture
def hostile_names_ws(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # findings show the short relative path
    ws = Path("ws")
    ws.mkdir()
    name = "ev\x1b[31mil|[b]x[i]<script>\u202e.yaml"
    key = "evil\nws/fake.yaml:1:1: error[spoof] gotcha\x1b]8;;http://evil\x07[bold red]R[/]\u202e|<img src=x>"
    doc = {"apiVersion": "slactl/v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {key: 1}}
    (ws / name).write_text(json.dumps(doc), encoding="utf-8")  # JSON is YAML
    return ws


@pytest.mark.parametrize("fmt", ["text", "table", "markdown", "github"])
def test_validate_output_with_hostile_file_and_key_names(run_line, hostile_names_ws, fmt):
    result = run_line("-w", str(hostile_names_ws), "validate", "--format", fmt, env={"COLUMNS": "400"})
    assert result.exit_code == 1
    out = result.stdout
    _assert_inert(out)
    assert "\\x1b[31m" in _flat(out)
    if fmt in ("text", "github"):
        # one line per finding: a newline in a key cannot forge another finding
        assert len(out.splitlines()) == 2, out
        assert not any(line.startswith("ws/fake.yaml") for line in out.splitlines())
    if fmt == "markdown":
        assert "<script" not in out and "<img" not in out
    if fmt == "table":
        assert "[boldred]R[/]" in _flat(out) and "[b]x[i]" in _flat(out)


def test_validate_json_keeps_the_hostile_text_exactly(run_line, hostile_names_ws):
    report = json.loads(run_line("-w", str(hostile_names_ws), "validate", "--format", "json").stdout)
    (finding,) = report["findings"]
    assert finding["code"] == "unknown-key" and "\x1b]8;;http://evil\x07" in finding["message"]


# ----------------------------------------------------------------------- hostile agreement data

@pytest.fixture
def hostile_ws(workspace: Path) -> Path:
    f = workspace / "customers" / "acme.yaml"
    text = f.read_text(encoding="utf-8")
    name = "=cmd|' /C calc'!A0 <script>alert(1)</script> \x1b[31mred \x1b]8;;http://evil\x07 [bold red]x[/] a|b \u202e"
    text = text.replace("name: ACME Corp", "name: " + json.dumps(name))
    text = text.replace("{name: Irina Petrova,", "{name: " + json.dumps("+Irina <img src=x onerror=1>") + ",")
    f.write_text(text, encoding="utf-8")
    return workspace


# =============================================================================== paths

def test_clone_cannot_write_outside_the_workspace(run_line, workspace, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (workspace / "link").symlink_to(outside, target_is_directory=True)
    base = ["-w", str(workspace), "clone", "acme-support-2026", "--customer", "x", "--start", "2027-01-01"]
    cases = [
        (["--name", "x-2027", "--output", str(tmp_path / "escape.yaml")], 1),
        (["--name", "x-2027", "--output", str(workspace / ".." / "escape.yaml")], 1),
        (["--name", "x-2027", "--output", str(workspace / "link" / "escape.yaml")], 1),
        (["--name", "x-2027", "--output", str(workspace / ".hidden.yaml")], 1),
        (["--name", "../../escape"], 2),
        (["--name", "a/b"], 2),
        (["--name", "x\n-2027"], 2),
    ]
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    for extra, code in cases:
        result = run_line(*base, *extra)
        assert result.exit_code == code, (extra, result.stderr)
        assert "Traceback" not in result.stderr
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


# =============================================================================== nothing lost

def _big_export(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(",".join(HEADER) + "\n")
        for i in range(n):
            d = 1 + i % 28
            fh.write(f"T-{i},acme,email,P{1 + i % 4},2026-10-{d:02d}T09:00:00Z,2026-10-{d:02d}T09:20:00Z,"
                     f"2026-10-{d:02d}T15:00:00Z,closed\n")


@pytest.fixture(scope="module")
def big_export(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("big") / "big.csv"
    _big_export(p, 60_000)
    return p


KILLS: list[str] = []


@pytest.mark.parametrize("fmt,point", [("json", 0.0), ("json", 0.3), ("csv", 0.1)])
def test_killed_writer_leaves_the_old_file_or_the_new_one(tmp_path, big_export, fmt, point):
    """SIGKILL while ``--output`` is being written: the target is the old file or a whole new one."""
    out = tmp_path / f"out.{fmt}"
    old = "old content\n"
    out.write_text(old)
    cmd = [PY, "-m", "slactl", "-w", str(BUNDLED), "score", str(big_export), "--as-of", AS_OF,
           "--format", fmt, "--output", str(out), "--force"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        tmp = None
        while time.monotonic() < deadline and proc.poll() is None:  # wait for the temp file to grow
            tmp = next((p for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}.")), None)
            if tmp is not None and tmp.stat().st_size > 0:
                break
            time.sleep(0.005)
        time.sleep(point)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    content = out.read_text()
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != out.name)
    KILLS.append(f"{fmt}+{point}s killed={killed} target={'old' if content == old else 'new'} "
                 f"leftovers={leftovers}")
    print("\n[kill]", KILLS[-1])
    assert killed, "the run ended before it could be killed; make the export bigger"
    assert content == old  # the rename never happened: the old file stands, untouched
    # the killed process's temp file may remain; it must be hidden (never read as a workspace file
    # or mistaken for the report) and carry the target's name
    for name in leftovers:
        assert name.startswith(f".{out.name}.") and name.endswith(".tmp"), leftovers
    # a second, uninterrupted run replaces it with a whole, valid report
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    if fmt == "json":
        report = json.loads(text)
        assert report["rows"] == 60_000 == report["scored"]
    else:
        assert len(text.splitlines()) == 60_001


def test_atomic_writer_leaves_the_target_untouched_on_error(tmp_path):
    from slactl.atomic import atomic_writer

    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_writer(str(target), overwrite=True) as fh:
            fh.write("half of the new")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    missing = tmp_path / "new.json"
    with pytest.raises(KeyboardInterrupt):
        with atomic_writer(str(missing)) as fh:
            fh.write("x" * 100_000)
            raise KeyboardInterrupt
    assert not missing.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temp file left


def test_atomic_writer_never_overwrites_without_permission(tmp_path):
    from slactl.atomic import atomic_writer
    from slactl.errors import Refused

    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(Refused):
        with atomic_writer(str(target)) as fh:
            fh.write("new")
    dangling = tmp_path / "link.txt"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(Refused):
        with atomic_writer(str(dangling)) as fh:
            fh.write("new")
    assert target.read_text() == "old" and not (tmp_path / "nowhere").exists()


def test_force_keeps_the_permissions_of_the_file_it_replaces(run_line, tmp_path):
    """``--output private.json --force`` must not make a 0600 report world-readable."""
    target = tmp_path / "private.json"
    target.write_text("{}")
    target.chmod(0o600)
    assert run_line("schema", "--output", str(target), "--force").exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())


def test_output_refuses_to_overwrite_without_force(run_line, tmp_path):
    target = tmp_path / "r.json"
    target.write_text("keep")
    result = run_line("-w", str(BUNDLED), "validate", "--format", "json", "--output", str(target))
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert target.read_text() == "keep"


# =============================================================================== error boundary

def _boom(*_a, **_k):
    raise RuntimeError("injected failure")


@pytest.fixture
def broken_core(monkeypatch):
    import slactl.workspace.checks

    monkeypatch.setattr(slactl.workspace.checks, "check_workspace", _boom)


def test_internal_error_is_one_line_and_exit_3(run_line, broken_core):
    result = run_line("-w", str(BUNDLED), "validate")
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--debug" in lines[0] and "injected failure" in lines[0], result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("how", ["option", "env"])
def test_debug_shows_the_traceback(run_line, broken_core, how):
    if how == "option":
        result = run_line("--debug", "-w", str(BUNDLED), "validate")
    else:
        result = run_line("-w", str(BUNDLED), "validate", env={"SLACTL_DEBUG": "1"})
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "RuntimeError: injected failure" in result.stderr


def test_ctrl_c_is_130(run_line, monkeypatch):
    import slactl.workspace.checks

    def interrupt(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(slactl.workspace.checks, "check_workspace", interrupt)
    result = run_line("-w", str(BUNDLED), "validate")
    assert result.exit_code == 130 and result.stderr.strip() == "slactl: interrupted"


def _shell(cmd: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(PY).parent}:{os.environ['PATH']}"}
    env.pop("SLACTL_DEBUG", None)
    return subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_broken_pipe_ends_quietly(big_export, fmt):
    result = _shell(f"slactl -w agreements score {big_export} --as-of {AS_OF} --format {fmt} | head -1")
    assert result.stdout.count("\n") == 1
    for bad in ("Traceback", "BrokenPipeError", "Exception ignored", "Error"):
        assert bad not in result.stderr, result.stderr
    assert result.returncode in (0, 141), result.returncode


def test_broken_pipe_on_a_long_validate_report(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "many.yaml").write_text("".join(
        f"---\napiVersion: slactl/v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec: {{bad{i}: 1}}\n"
        for i in range(3000)))
    for fmt in ("text", "json", "table", "markdown"):
        result = _shell(f"slactl -w {ws} validate --format {fmt} | head -2")
        assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, (fmt, result.stderr)
        assert "BrokenPipe" not in result.stderr


# =============================================================================== unreadable input

def test_odd_workspace_entries_are_findings_not_crashes(run_line, workspace):
    (workspace / "dir.yaml").mkdir()
    (workspace / "dangling.yaml").symlink_to(workspace / "nowhere.yaml")
    (workspace / "loop.yaml").symlink_to(workspace / "loop.yaml")
    (workspace / "binary.yaml").write_bytes(bytes(range(256)))
    (workspace / "utf16.yaml").write_bytes("a: 1\n".encode("utf-16"))
    result = run_line("-w", str(workspace), "validate", "--format", "json")
    assert result.exit_code == 1, result.stderr
    codes = {Path(f["file"]).name: f["code"] for f in json.loads(result.stdout)["findings"]}
    assert codes["dangling.yaml"] == "file-unreadable" and codes["loop.yaml"] == "file-unreadable"
    assert codes["binary.yaml"] == "yaml-encoding" and codes["utf16.yaml"] == "yaml-encoding"
    assert "dir.yaml" not in codes


def test_a_fifo_in_the_workspace_does_not_hang(workspace):
    """A named pipe called *.yaml (or a device) must be a finding, not a read that blocks forever."""
    os.mkfifo(workspace / "pipe.yaml")
    result = subprocess.run([PY, "-m", "slactl", "-w", str(workspace), "validate", "--format", "json"],
                            capture_output=True, text=True, timeout=20, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    found = [f for f in json.loads(result.stdout)["findings"] if f["file"].endswith("pipe.yaml")]
    assert [f["code"] for f in found] == ["file-unreadable"]


def test_an_export_that_is_a_pipe_is_answered_clearly(tmp_path):
    """``slactl score <(...)`` or a FIFO: never a hang, never a misleading 'no header line'."""
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    result = subprocess.run([PY, "-m", "slactl", "-w", str(BUNDLED), "score", str(fifo), "--as-of", AS_OF],
                            capture_output=True, text=True, timeout=20, cwd=ROOT)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no header" not in result.stderr and "pipe" in result.stderr, result.stderr
    result = _shell(f"slactl -w agreements score <(cat examples/generic.csv) --as-of {AS_OF} --format json", 20)
    assert result.returncode == 2 and "no header" not in result.stderr and "pipe" in result.stderr, result.stderr


def test_100_mb_yaml_is_refused_quickly(run_line, workspace):
    big = workspace / "huge.yaml"
    with open(big, "wb") as fh:
        fh.write(b"apiVersion: slactl/v1\n")
        fh.truncate(100 * 1024 * 1024)  # sparse: costs no disk
    started = time.perf_counter()
    result = run_line("-w", str(workspace), "validate", "--format", "json")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 1
    codes = [f["code"] for f in json.loads(result.stdout)["findings"] if f["file"].endswith("huge.yaml")]
    assert codes == ["yaml-too-large"] and elapsed < 5, (codes, elapsed)


def test_2_gb_sparse_export_is_refused_quickly(run_line, tmp_path):
    big = tmp_path / "huge.csv"
    with open(big, "wb") as fh:
        fh.write((",".join(HEADER) + "\n").encode())
        fh.truncate(2 * 1024 ** 3)
    started = time.perf_counter()
    result = run_line("-w", str(BUNDLED), "score", str(big), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 2 and "binary" in result.stderr, result.stderr
    assert time.perf_counter() - started < 5


def test_one_huge_line_is_rejected_with_bounded_memory(tmp_path):
    """A 100 MB line (no newline) must cost one rejected row, not its size (several times) in memory."""
    p = tmp_path / "long.csv"
    with open(p, "wb") as fh:
        fh.write((",".join(HEADER) + "\nT-1,acme,email,P1,2026-10-01T09:00:00Z,,,").encode())
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            fh.write(chunk)
        fh.write(b"\nT-2,acme,email,P1,2026-10-01T09:00:00Z,,,open\n")
    code = ("import resource, runpy, sys; sys.argv = ['slactl', '-w', sys.argv[1], 'score', sys.argv[2], "
            "'--as-of', '2026-11-22T12:00:00Z', '--format', 'json', '--output', sys.argv[3]]\n"
            "try:\n    runpy.run_module('slactl', run_name='__main__')\n"
            "except SystemExit as e:\n    code = e.code\n"
            # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking (pytest) process
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
            "print(code, hwm)")
    out = tmp_path / "r.json"
    result = subprocess.run([PY, "-c", code, str(BUNDLED), str(p), str(out)], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    exit_code, peak_kib = result.stdout.split()
    report = json.loads(out.read_text())
    assert exit_code in ("0", "None"), result.stderr
    assert report["rows"] == report["scored"] + len(report["rejected"]) and report["scored"] >= 1
    assert int(peak_kib) < 150 * 1024, f"peak RSS {int(peak_kib) // 1024} MiB for a 100 MiB line"


def test_undecodable_byte_near_the_top_rejects_its_row_not_the_run(run_line, tmp_path):
    """A stray byte in the first block the header read decodes used to slip through as a lone
    surrogate into a scored ticket, and writing the report crashed (exit 3)."""
    p = tmp_path / "e.csv"
    p.write_bytes((",".join(HEADER) + "\nT-1,Умбрелла,email,P1,2026-10-01T09:00:00Z,,,open\n").encode()
                  + b"T-2,acme\x80,email,P1,2026-10-01T09:00:00Z,,,open\n")
    out = tmp_path / "r.json"
    result = run_line("-w", str(BUNDLED), "score", str(p), "--as-of", AS_OF, "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["scored"] == 1 and [r["row"] for r in report["rejected"]] == [2]
    assert "undecodable" in report["rejected"][0]["reason"]
