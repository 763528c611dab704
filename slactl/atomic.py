"""Atomic file writes: a reader sees the old file or the new one, never a torn one.

Only a regular file is ever replaced: a device, pipe, socket or folder at the
target (or behind a link there) is refused, with or without ``--force``, so
``-o /dev/null --force`` run as root cannot turn the device into a file. A full
disk (or ``ulimit -f``) is "no space left" (exit 2) and leaves the target as it
was. Temporary files a killed run left behind (``.NAME.XXXXXXXX.tmp``, older
than an hour) are removed by the next write to the same folder.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from typing import IO, Iterator

from slactl.errors import InputError, Refused

STALE_TEMP_SECONDS = 3600.0
_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # tempfile.mkstemp(prefix=".NAME.", suffix=".tmp")
_NO_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


STDOUT_HINT = "leave --output out to write to standard output"


@contextlib.contextmanager
def atomic_writer(path: str, *, overwrite: bool = False, encoding: str = "utf-8",
                  newline: str | None = None, to_stdout: str = STDOUT_HINT) -> Iterator[IO[str]]:
    """Write ``path`` through a temporary file in the same folder, then rename it into place.

    With ``overwrite=False`` an existing file is never replaced, not even by a
    race: the final step is ``os.link``, which fails if the name exists.
    If the body raises, the temporary file is removed and ``path`` is untouched.
    ``to_stdout``: how this command writes to standard output instead (said when ``path`` is a
    device, a pipe or a socket).
    """
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"{path}: folder {folder} does not exist")
    check_target(path, to_stdout)
    if not overwrite and os.path.lexists(path):
        raise Refused(f"{path} already exists; refusing to overwrite it")
    if os.path.islink(path) and os.path.exists(path):
        # A link to a regular file: replace that file and keep the link (replacing the link itself
        # would put a plain file where the link stood, /dev/stdout for one).
        path = os.path.realpath(path)
        folder = os.path.dirname(path)
    sweep_stale_temps(folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        try:
            with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _mode(path) if overwrite else 0o644 & ~_umask())
        except OSError as exc:
            if exc.errno in _NO_SPACE:
                raise write_error(path, exc) from None
            raise
        check_target(path, to_stdout)  # nothing swapped a device in while we wrote
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError as exc:
                raise Refused(f"{path} already exists; refusing to overwrite it") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def check_target(path: str, to_stdout: str = STDOUT_HINT) -> None:
    """Refuse (exit 2) anything at ``path`` that is not a regular file or a link to one."""
    try:
        st = os.stat(path)  # follows a link: what would the write really hit?
    except FileNotFoundError:
        return  # nothing there, or a dangling link (refused later unless --force)
    except OSError as exc:
        raise InputError(f"{path}: cannot use it as output: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path} is a folder, not a regular file; give a file name")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else "a pipe (FIFO)" if stat.S_ISFIFO(st.st_mode)
                else "a socket" if stat.S_ISSOCK(st.st_mode) else "special")
        raise InputError(f"{path} is {kind}, not a regular file; --output only ever replaces a regular file "
                         f"({to_stdout})")


def write_error(path: str, exc: OSError) -> InputError:
    """The message for a failed write: a full disk says so (exit 2, never an internal error)."""
    if exc.errno in _NO_SPACE:
        return InputError(f"{path}: no space left on the device (or over the file size limit); "
                          "nothing was written and the old file, if any, is untouched")
    return InputError(f"{path}: cannot write: {exc.strerror or exc}")


def sweep_stale_temps(folder: str, *, now: float | None = None) -> None:
    """Remove ``.NAME.XXXXXXXX.tmp`` regular files older than an hour (a killed run's leftovers)."""
    limit = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    try:
        entries = os.scandir(folder)
    except OSError:
        return
    with entries:
        for entry in entries:
            if not (entry.name.endswith(".tmp") and _TEMP_NAME.fullmatch(entry.name)):
                continue
            with contextlib.suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and st.st_mtime < limit:
                    os.unlink(entry.path)


def _mode(path: str) -> int:
    """The permissions of the file being replaced (a private 0600 report stays private)."""
    try:
        st = os.stat(path)
    except OSError:
        return 0o644 & ~_umask()
    return stat.S_IMODE(st.st_mode) & 0o777 if stat.S_ISREG(st.st_mode) else 0o644 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
