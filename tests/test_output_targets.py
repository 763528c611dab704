"""Where ``--output`` may write: only ever a regular file, a full disk is a clear exit 2,
and a killed run's temporary file is swept by the next write to that folder."""
from __future__ import annotations

import json
import os
import resource
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BUNDLED, ROOT

PY = sys.executable
EXPORT = ROOT / "examples" / "generic.csv"
AS_OF = "2026-11-22T12:00:00Z"


def _slactl(*args: str, timeout: float = 60, limit_bytes: int | None = None,
            cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m slactl ARGS`` as a user runs it; ``limit_bytes`` is ``ulimit -f``."""
    def limit() -> None:
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([PY, "-m", "slactl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit)


def _char_device(path: Path) -> bool:
    """A private copy of /dev/null (char 1,3) at ``path``; False when we may not make one."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        return False
    return True


# ----------------------------------------------------------------- item: only a regular file is replaced

@pytest.mark.parametrize("force", [False, True])
def test_output_to_a_fifo_is_refused_and_never_hangs(tmp_path: Path, force: bool) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    args = ["-w", str(BUNDLED), "validate", "--output", str(fifo)] + (["--force"] if force else [])
    result = _slactl(*args, timeout=20)
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr and "Traceback" not in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the pipe
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temp file left behind


@pytest.mark.parametrize("command", [
    ["validate"],
    ["score", str(EXPORT), "--as-of", AS_OF, "--format", "json"],
    ["list", "--format", "csv"],
    ["schema"],
])
def test_output_to_a_device_is_refused_and_the_device_survives(tmp_path: Path, command: list[str]) -> None:
    dev = tmp_path / "null"
    if not _char_device(dev):
        pytest.skip("cannot create a device node here (not root)")
    args = (["-w", str(BUNDLED)] if command[0] != "schema" else []) + command + ["--output", str(dev), "--force"]
    result = _slactl(*args, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr
    st = os.lstat(dev)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)


def test_output_to_a_socket_a_folder_and_a_link_to_a_device(tmp_path: Path, run_line) -> None:
    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_path))
        result = run_line("-w", str(BUNDLED), "validate", "--output", str(sock_path), "--force")
        assert result.exit_code == 2 and "not a regular file" in result.stderr
        assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)
    folder = tmp_path / "dir"
    folder.mkdir()
    result = run_line("-w", str(BUNDLED), "validate", "--output", str(folder), "--force")
    assert result.exit_code == 2 and folder.is_dir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "report.txt"
    link.symlink_to(fifo)  # a link to something that is not a regular file is refused too
    result = run_line("-w", str(BUNDLED), "validate", "--output", str(link), "--force")
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(link).st_mode)


def test_output_replaces_a_regular_file_with_force(tmp_path: Path, run_line) -> None:
    target = tmp_path / "r.json"
    target.write_text("old")
    result = run_line("-w", str(BUNDLED), "validate", "--format", "json", "--output", str(target), "--force")
    assert result.exit_code == 0, result.stderr
    assert json.loads(target.read_text())["files"] > 0


def test_force_through_a_link_replaces_the_file_and_keeps_the_link(tmp_path: Path, run_line) -> None:
    real = tmp_path / "reports" / "latest.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    result = run_line("-w", str(BUNDLED), "validate", "--format", "json", "--output", str(link), "--force")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and json.loads(real.read_text())["files"] > 0
    assert sorted(p.name for p in real.parent.iterdir()) == ["latest.json"]


def test_state_file_that_is_a_fifo_is_exit_2_promptly(workspace: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "state.json"
    os.mkfifo(fifo)
    env_args = ["-w", str(workspace), "notify", "--as-of", "2026-11-22", "--state", str(fifo)]
    started = time.monotonic()
    proc = subprocess.run([PY, "-m", "slactl", *env_args], cwd=ROOT, capture_output=True, text=True, timeout=20,
                          env={**os.environ, "SLACTL_SMTP_HOST": "127.0.0.1", "SLACTL_SMTP_PORT": "9"})
    assert time.monotonic() - started < 15
    assert proc.returncode == 2, proc.stderr
    assert "state file" in proc.stderr and "not a regular file" in proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# ----------------------------------------------------------------- item: a full disk is exit 2, not exit 3

def test_output_over_ulimit_is_no_space_left(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report\n")
    result = _slactl("-w", str(BUNDLED), "score", str(EXPORT), "--as-of", AS_OF, "--format", "json",
                     "--output", str(target), "--force", limit_bytes=64 * 1024)
    assert result.returncode == 2, result.stderr
    assert "no space left" in result.stderr and "internal error" not in result.stderr
    assert target.read_text() == "old report\n"  # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # the partial temp file is gone


def test_clone_over_ulimit_is_no_space_left(workspace: Path) -> None:
    result = _slactl("-w", str(workspace), "clone", "acme-support-2026", "--customer", "hooli",
                     "--name", "hooli-support-2027", "--start", "2027-01-01", limit_bytes=256)
    assert result.returncode == 2, result.stderr
    assert "no space left" in result.stderr and "internal error" not in result.stderr
    assert not list(workspace.rglob("hooli-support-2027.yaml"))
    assert not list(workspace.rglob(".hooli-support-2027.yaml.*"))


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 64 KiB tmpfs (root only): a real ENOSPC."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_output_on_a_full_disk_is_no_space_left(tiny_disk: Path) -> None:
    result = _slactl("-w", str(BUNDLED), "score", str(EXPORT), "--as-of", AS_OF, "--format", "json",
                     "--output", str(tiny_disk / "report.json"))
    assert result.returncode == 2, result.stderr
    assert "no space left" in result.stderr and "internal error" not in result.stderr
    assert list(tiny_disk.iterdir()) == []


# ----------------------------------------------------------------- item: stale temp files are swept

def test_a_stale_temp_file_is_swept_on_the_next_write(tmp_path: Path, run_line) -> None:
    old = time.time() - 2 * 3600
    stale = tmp_path / ".report.json.k3j9_x2a.tmp"  # what a killed run leaves (mkstemp's pattern)
    stale.write_bytes(b"x" * 100_000)
    os.utime(stale, (old, old))
    other_stale = tmp_path / ".other.csv.abcd1234.tmp"  # another target's leftovers in the same folder
    other_stale.write_bytes(b"y")
    os.utime(other_stale, (old, old))
    fresh = tmp_path / ".report.json.zzzzzzzz.tmp"  # a run that may still be writing: kept
    fresh.write_bytes(b"z")
    unrelated = tmp_path / ".notes.tmp"  # not ours: kept
    unrelated.write_bytes(b"n")
    os.utime(unrelated, (old, old))
    result = run_line("-w", str(BUNDLED), "validate", "--format", "json", "--output", str(tmp_path / "report.json"))
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".notes.tmp", ".report.json.zzzzzzzz.tmp", "report.json"]


def test_a_killed_runs_temp_file_is_swept_by_the_next_run(tmp_path: Path) -> None:
    """``kill -9`` while writing, then (an hour later) another run writes to the same folder."""
    target = tmp_path / "report.json"
    proc = subprocess.Popen([PY, "-c", (
        "import time; from slactl.atomic import atomic_writer\n"
        f"with atomic_writer({str(target)!r}) as fh:\n"
        "    fh.write('x' * 3_000_000); fh.flush(); print('written', flush=True); time.sleep(60)\n")],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "written"
        proc.kill()
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].stat().st_size >= 3_000_000
    old = time.time() - 3700
    os.utime(leftovers[0], (old, old))
    result = _slactl("-w", str(BUNDLED), "validate", "--output", str(tmp_path / "other.txt"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt"]

