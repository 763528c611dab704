"""Atomic file writes: a reader sees the old file or the new one, never a torn one."""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from typing import IO, Iterator

from slactl.errors import InputError, Refused


@contextlib.contextmanager
def atomic_writer(path: str, *, overwrite: bool = False, encoding: str = "utf-8",
                  newline: str | None = None) -> Iterator[IO[str]]:
    """Write ``path`` through a temporary file in the same folder, then rename it into place.

    With ``overwrite=False`` an existing file is never replaced, not even by a
    race: the final step is ``os.link``, which fails if the name exists.
    If the body raises, the temporary file is removed and ``path`` is untouched.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"{path}: folder {folder} does not exist")
    if os.path.isdir(path):
        raise InputError(f"{path} is a folder; give a file name")
    if not overwrite and os.path.lexists(path):
        raise Refused(f"{path} already exists; refusing to overwrite it")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode(path) if overwrite else 0o644 & ~_umask())
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
