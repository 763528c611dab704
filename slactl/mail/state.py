"""The notice state file, its lock and its write-ahead journal.

Where these files live is :mod:`slactl.mail.location`'s business (outside the workspace).

- the state file (``notices.json``) records every notice delivered (``sent``) and, for a
  notice some recipients refused, the ones that did accept it (``partial``).
- ``<state>.lock`` is held (``flock``) for a whole run.
- ``<state>.journal`` is the write-ahead journal: before the first
  message goes out, space for a record of every planned notice is allocated;
  right after the server accepts a message its record is written into that
  space. Writing into space already allocated cannot fail for want of disk,
  so a notice the server accepted is on disk even when the state file itself
  cannot be rewritten (a full disk); the next run folds the journal into the
  state file and does not send those notices again.
- Nothing here blocks on a pipe or a device: every file is opened without
  blocking and refused unless it is a regular file.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import time
from typing import Any, Iterator

from slactl.errors import InputError, Refused

LOCK_WAIT_SECONDS = 60.0
MAX_STATE_BYTES = 64 * 1024 * 1024
STATE_VERSION = 1

State = dict[str, Any]


def journal_path(path: str) -> str:
    return path + ".journal"


def empty_state() -> State:
    return {"version": STATE_VERSION, "sent": {}, "partial": {}}


def _open_regular(path: str, flags: int, what: str, mode: int = 0o600) -> int:
    """An fd on ``path`` opened without blocking; anything but a regular file is exit 2."""
    fd = os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{what} {path} is not a regular file (a pipe, device or socket?); "
                             "point --state at a file")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_bytes(path: str, what: str) -> bytes | None:
    """The file's bytes, or None when it does not exist."""
    try:
        fd = _open_regular(path, os.O_RDONLY, what)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{what} {path} cannot be read ({exc.strerror or exc}); fix or remove it") from None
    with open(fd, "rb") as fh:
        data = fh.read(MAX_STATE_BYTES + 1)
    if len(data) > MAX_STATE_BYTES:
        raise InputError(f"{what} {path} is larger than {MAX_STATE_BYTES // (1024 * 1024)} MiB; fix or remove it")
    return data


def read_state(path: str) -> State:
    """The state file's content with the journal's records folded in; empty when neither exists."""
    data = _read_bytes(path, "state file")
    state = empty_state() if data is None else _parse(path, data)
    for record in read_journal(path):
        apply_record(state, record)
    return state


def _parse(path: str, data: bytes) -> State:
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested 100,000 deep
        reason = "nested too deep" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"state file {path} cannot be read ({reason}); fix or remove it") from None
    if not isinstance(parsed, dict):
        raise InputError(f"state file {path} is not a slactl state file (not a JSON object); fix or remove it")
    version = parsed.get("version", STATE_VERSION)
    if type(version) is not int or version != STATE_VERSION:  # (True is an int; "1" is not 1)
        raise InputError(f"state file {path} has \"version\": {json.dumps(version)[:40]}; this slactl reads and "
                         f"writes version {STATE_VERSION} only (a newer or another program's file?); nothing was "
                         "sent or changed")
    sent = parsed.setdefault("sent", {})
    partial = parsed.get("partial")
    if partial is None:
        partial = parsed["partial"] = {}
    if not isinstance(sent, dict) or not isinstance(partial, dict):
        bad = "sent" if not isinstance(sent, dict) else "partial"
        raise InputError(f"state file {path}: '{bad}' is not a JSON object; fix or remove it")
    for key, value in partial.items():
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            raise InputError(f"state file {path}: partial entry '{key}' is not a list of e-mail addresses; "
                             "fix or remove it")
    parsed["version"] = STATE_VERSION
    return parsed


def write_state(path: str, state: State) -> None:
    """Replace the state file atomically (OSError or a SlactlError when the disk refuses)."""
    from slactl.atomic import atomic_writer

    with atomic_writer(path, overwrite=True) as fh:
        json.dump(state, fh, indent=2, sort_keys=True, ensure_ascii=False)
        fh.write("\n")


def apply_record(state: State, record: dict[str, Any]) -> None:
    """Fold one journal record (what :meth:`Journal.record` wrote) into ``state``."""
    key = record.get("key")
    if not isinstance(key, str):
        return
    if isinstance(record.get("sent"), dict):
        state["partial"].pop(key, None)
        state["sent"][key] = record["sent"]
        for extra in record.get("supersedes") or ():
            if isinstance(extra, str):
                state["sent"].setdefault(extra, {"at": record["sent"].get("at"), "superseded_by": key})
                state["partial"].pop(extra, None)
    elif isinstance(record.get("partial"), list):
        state["partial"][key] = [a for a in record["partial"] if isinstance(a, str)]


# ---------------------------------------------------------------- lock

@contextlib.contextmanager
def state_lock(path: str, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``<path>.lock`` for the whole run; wait up to ``wait`` seconds."""
    import fcntl

    wait = LOCK_WAIT_SECONDS if wait is None else wait
    lock_path = path + ".lock"
    try:
        fd = _open_regular(lock_path, os.O_RDWR | os.O_CREAT, "lock file")
    except OSError as exc:
        raise InputError(f"cannot open lock file {lock_path}: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Refused(f"another slactl run holds {lock_path} (waited {wait:g}s); "
                                  "nothing was sent") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# ---------------------------------------------------------------- journal

def clear_journal(path: str) -> None:
    """Remove ``<path>.journal`` once the state file holds its records."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal_path(path))


def read_journal(path: str) -> list[dict[str, Any]]:
    """The records of ``<path>.journal``; a torn last record (a crash mid-write) is ignored."""
    data = _read_bytes(journal_path(path), "state journal")
    if not data:
        return []
    records = []
    for line in data.split(b"\n"):
        line = line.strip(b"\0 \r")
        if not line:
            continue
        try:
            record = json.loads(line.decode("utf-8"))
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


class Journal:
    """Preallocated, append-only records of deliveries; see the module's docstring."""

    def __init__(self, path: str, capacity: int) -> None:
        self.path = journal_path(path)
        self.offset = 0
        self.fd = -1
        try:
            self.fd = _open_regular(self.path, os.O_RDWR | os.O_CREAT, "state journal")
            os.ftruncate(self.fd, 0)
            size = max(4096, -(-capacity // 4096) * 4096)
            _reserve(self.fd, 0, size)
            os.fsync(self.fd)
            _fsync_dir(self.path)
        except OSError as exc:
            self.close(remove=True)
            raise InputError(f"cannot prepare the state journal {self.path}: {describe_os_error(exc)}; "
                             "nothing was sent") from None
        self.capacity = size

    def record(self, record: dict[str, Any]) -> None:
        """Write one record into the allocated space and flush it to disk (OSError if that fails)."""
        line = json.dumps(record, ensure_ascii=True, sort_keys=True).encode("ascii") + b"\n"
        if self.offset + len(line) > self.capacity:  # more than planned: grow (may fail on a full disk)
            _reserve(self.fd, self.capacity, self.offset + len(line) - self.capacity)
            self.capacity = self.offset + len(line)
        os.pwrite(self.fd, line, self.offset)
        getattr(os, "fdatasync", os.fsync)(self.fd)  # (macOS has no fdatasync)
        self.offset += len(line)

    def close(self, *, remove: bool) -> None:
        """Close; ``remove`` once the state file holds every record (truncating needs no space)."""
        if self.fd < 0:
            return
        if remove:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        os.close(self.fd)
        self.fd = -1


def _reserve(fd: int, offset: int, length: int) -> None:
    """Allocate ``length`` bytes at ``offset``: ``posix_fallocate`` where the system has it and the
    file system supports it, else by writing zeros (either way the blocks exist afterwards)."""
    fallocate = getattr(os, "posix_fallocate", None)
    if fallocate is not None:
        try:
            fallocate(fd, offset, length)
            return
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)):
                raise
    zeros = b"\0" * 65536
    end = offset + length
    while offset < end:
        offset += os.pwrite(fd, zeros[: min(len(zeros), end - offset)], offset)


def record_size(record: dict[str, Any]) -> int:
    return len(json.dumps(record, ensure_ascii=True, sort_keys=True)) + 1


def _fsync_dir(path: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def describe_os_error(exc: BaseException) -> str:
    """"no space left on the device" for ENOSPC/EFBIG/EDQUOT, else the system's words."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        return "no space left on the device"
    return str(getattr(exc, "message", None) or getattr(exc, "strerror", None) or exc or type(exc).__name__)
