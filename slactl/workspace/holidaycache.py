"""The ``holidays`` library's answers kept on disk, so a command does not pay ~150 ms
to import the library for dates it computed on an earlier run.

One JSON file, ``holidays.json`` in ``$SLACTL_CACHE_DIR`` (default
``$XDG_CACHE_HOME/slactl``, else ``~/.cache/slactl``; ``SLACTL_CACHE_DIR=off``
turns the cache off). It holds, per (country, subdivision, year), the holidays
with their names and the weekend days made working days, exactly what
``slactl.core.publicholidays.from_library`` returns, and the library version they
came from: another version starts the file afresh. A cache that cannot be read
(missing, corrupted, edited by hand, another shape) is ignored and rewritten; one
that cannot be written (read-only home) is skipped. Either way the answers are
the library's: the cache only changes how fast they come.
"""
from __future__ import annotations

import os
from datetime import date
from typing import Any

from slactl.core import publicholidays
from slactl.core.publicholidays import Days

FILE = "holidays.json"


def cache_dir() -> str | None:
    """Where the cache lives, or None when it is turned off."""
    chosen = os.environ.get("SLACTL_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no", "false") else chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "slactl")


def library_version() -> str | None:
    """The installed library's version, told without importing it: from the name of its
    distribution's metadata folder (``holidays-0.109.dist-info``), else from when its
    country registry was written."""
    from slactl.workspace.holidaydata import package_dir

    root = package_dir()
    if root is None:
        return None
    parent = os.path.dirname(root)
    try:
        for name in os.listdir(parent):
            if name.lower().startswith("holidays-") and name.endswith((".dist-info", ".egg-info")):
                return name[len("holidays-"):].rsplit(".", 1)[0]
        return f"registry-{os.stat(os.path.join(root, 'registry.py')).st_mtime_ns}"
    except OSError:
        return None


class HolidayCache:
    """A ``publicholidays.Source``: the cached answer, else the library's (then cached)."""

    def __init__(self, folder: str) -> None:
        self.path = os.path.join(folder, FILE)
        self.version: str | None = None
        self.entries: dict[str, Any] | None = None  # loaded at the first question

    def __call__(self, country: str, subdivision: str | None, year: int) -> Days:
        if self.entries is None:
            self.version = library_version()
            if self.version is None:  # cannot tell which data the file would hold
                publicholidays.use_source(None)
                return publicholidays.from_library(country, subdivision, year)
            self.entries = self._load()
        key = f"{country}|{subdivision or ''}|{year}"
        entry = self.entries.get(key)
        if entry is not None:
            try:
                names, workdays = entry
                return ({date.fromisoformat(d): str(n) for d, n in names},
                        frozenset(date.fromisoformat(d) for d in workdays))
            except (TypeError, ValueError):
                pass  # a damaged entry: ask the library again
        answer = publicholidays.from_library(country, subdivision, year)
        self.entries[key] = [[[d.isoformat(), n] for d, n in sorted(answer[0].items())],
                             sorted(d.isoformat() for d in answer[1])]
        self._save()
        return answer

    def _load(self) -> dict[str, Any]:
        import json

        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("holidays_version") != self.version:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def _save(self) -> None:
        """Write the whole file anew (atomically: a reader sees the old or the new one)."""
        import contextlib
        import json
        import tempfile

        folder = os.path.dirname(self.path)
        tmp = None
        try:
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".holidays.", suffix=".tmp", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"holidays_version": self.version, "entries": self.entries}, fh,
                          ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
            tmp = None
        except OSError:
            pass  # a read-only or full disk: no cache, same answers
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def install() -> None:
    """Serve the clock's public holidays from the cache (when it is on; it reads nothing
    until the first question)."""
    folder = cache_dir()
    if folder is not None:
        publicholidays.use_source(HolidayCache(folder))
