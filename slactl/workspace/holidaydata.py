"""The ``holidays`` library's data without the library's import cost.

Importing ``holidays`` costs about as much as a YAML linter's whole run (its
package start-up reads its own distribution metadata and parses dates with
dateutil), and its first country imports ~250 country modules: ~150 ms. So:

* Validation's questions (does a country code exist, what are its
  subdivisions) are answered from two literals in the library's source files,
  found without importing it (the library itself is asked only when the source
  has a shape this reader does not know).
* Those answers and the clock's public holidays (per country, subdivision and
  year: the holidays with their names and the weekend days made working days,
  exactly what ``slactl.core.publicholidays.from_library`` returns) are kept in
  one JSON file, ``holidays.json`` in ``$SLACTL_CACHE_DIR`` (default
  ``$XDG_CACHE_HOME/slactl``, else ``~/.cache/slactl``; ``SLACTL_CACHE_DIR=off``
  turns it off), with the library version they came from: another version
  starts the file afresh. A cache that cannot be read (missing, corrupted,
  edited by hand) is ignored and rewritten; one that cannot be written
  (read-only home) is skipped. Either way the answers are the library's: the
  cache only changes how fast they come. The command line turns it on with
  :func:`install`.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re
from datetime import date
from typing import Any, Callable

from slactl.core import publicholidays
from slactl.core.publicholidays import Days


def package_dir() -> str | None:
    spec = importlib.util.find_spec("holidays")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


def literal(path: str, name: str, in_class: str | None = None) -> object:
    """The literal value assigned to ``name`` at the top of ``path`` (or in class ``in_class``)."""
    import ast

    with open(path, encoding="utf-8") as f:
        source = f.read()
    quick = _assigned_text(source, name, in_class)
    if quick is not None:  # parsing only the value: a tenth of parsing the whole module
        with contextlib.suppress(ValueError, SyntaxError):
            return ast.literal_eval(quick)
    tree = ast.parse(source, path)
    body = tree.body
    bases: list[str] = []
    if in_class is not None:
        cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == in_class)
        body, bases = cls.body, [b.id if isinstance(b, ast.Name) else "?" for b in cls.bases]
    target: ast.expr
    value: ast.expr | None
    for node in body:
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == name and value is not None:
            return ast.literal_eval(value)
    if bases and all(b.endswith(("HolidayBase", "Holidays")) for b in bases):
        return ()  # not a subclass of another country: the library's default, no subdivisions
    raise LookupError(name)


def _assigned_text(source: str, name: str, in_class: str | None) -> str | None:
    """The text of the value of ``name = ...`` (top level, or in the body of class ``in_class``)."""
    indent = ""
    if in_class is not None:
        head = re.search(rf"^class {in_class}\b.*$", source, re.M)
        if head is None:
            return None
        end = re.compile(r"^[^\s)#]", re.M).search(source, head.end() + 1)
        source, indent = source[head.end():end.start() if end else len(source)], "    "
    found = re.search(rf"^{indent}{name}\b[^=\n]*=[ \t]*", source, re.M)
    if found is None:
        return None
    stop = re.compile(rf"^{indent}[^\s)\]}}#]", re.M).search(source, found.end())
    return source[found.end():stop.start() if stop else len(source)]


@functools.lru_cache(maxsize=None)
def country_modules() -> dict[str, tuple[str, str]]:
    """ISO code -> (module name, class name) for every supported country."""
    return _cached("countries", _country_modules, _countries)


def _countries(found: Any) -> dict[str, tuple[str, str]]:
    if not isinstance(found, dict):
        raise TypeError("not a mapping")
    out = {_text(code): (_text(m), _text(c)) for code, (m, c) in found.items()}
    if not out:
        raise ValueError("no countries")
    return out


def _country_modules() -> dict[str, tuple[str, str]]:
    try:
        root = package_dir()
        countries = literal(os.path.join(root, "registry.py"), "COUNTRIES")  # type: ignore[arg-type]
        return {info[1]: (module, info[0]) for module, info in countries.items()}  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - layout changed upstream: take the slow, supported way
        from holidays.registry import COUNTRIES

        return {info[1]: (module, info[0]) for module, info in COUNTRIES.items()}


@functools.lru_cache(maxsize=None)
def subdivisions(code: str) -> tuple[str, ...]:
    """The subdivision codes of country ``code`` (which must be in ``country_modules``)."""
    return _cached(f"subdivisions|{code}", lambda: list(_subdivisions(code)),
                   lambda found: tuple(_text(x) for x in _list(found)))


def _cached(key: str, compute: Callable[[], Any], usable: Callable[[Any], Any]) -> Any:
    file = current()
    return usable(compute()) if file is None else file.remember(key, compute, usable)


def _subdivisions(code: str) -> tuple[str, ...]:
    module, cls = country_modules()[code]
    try:
        path = os.path.join(package_dir(), "countries", f"{module}.py")  # type: ignore[arg-type]
        return tuple(literal(path, "subdivisions", cls))  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - not a literal there: ask the library itself
        import holidays

        return tuple(holidays.country_holidays(code).subdivisions)


FILE = "holidays.json"


def cache_dir() -> str | None:
    """Where the cache lives, or None when it is turned off (or there is no home to keep it in)."""
    chosen = os.environ.get("SLACTL_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no", "false") else chosen
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG rules: a relative path is ignored
        return os.path.join(xdg, "slactl")
    home = os.path.expanduser("~")
    return os.path.join(home, ".cache", "slactl") if os.path.isdir(home) else None


def library_version() -> str | None:
    """The installed library's version, told without importing it: from the name of its
    distribution's metadata folder (``holidays-0.109.dist-info``), else from when its
    country registry was written."""
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


class CacheFile:
    """``holidays.json`` in ``folder``: JSON answers by key, for one version of the library.
    Two lines: a header (the library version and a CRC-32 of the second line) and the
    answers; a file whose checksum does not match (damaged, edited by hand) is not used."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.path = os.path.join(folder, FILE)
        self.version: str | None = None
        self.entries: dict[str, Any] | None = None  # loaded at the first question

    def remember(self, key: str, compute: Callable[[], Any], usable: Callable[[Any], Any]) -> Any:
        """``usable(the cached value)``; when there is none, or ``usable`` raises on it (not the
        shape it checks), ``usable(compute())``, which is cached."""
        if self.entries is None:
            self.version = library_version()
            self.entries = self._load() if self.version is not None else {}
        if key in self.entries:
            try:
                return usable(self.entries[key])
            except Exception:  # noqa: BLE001 - not what this version writes: computed again below
                pass
        value = compute()
        self.entries[key] = value
        if self.version is not None:  # cannot tell which data the file would hold: memory only
            self._save()
        return usable(value)

    def _load(self) -> dict[str, Any]:
        import json
        import zlib

        try:
            with open(self.path, encoding="utf-8") as fh:
                head, body = fh.read(1 << 22).split("\n", 1)
            header = json.loads(head)
            if header != {"holidays_version": self.version, "crc32": zlib.crc32(body.encode("utf-8"))}:
                return {}
            entries = json.loads(body)
        except Exception:  # noqa: BLE001 - unreadable, truncated, damaged or too deep: start afresh
            return {}
        if not isinstance(entries, dict):
            return {}
        kept = _in_years(entries)
        if len(kept) < len(entries):  # written anew without them, so the next run reads less
            self.entries = kept
            self._save()
        return kept

    def _save(self) -> None:
        """Write the whole file anew (atomically: a reader sees the old or the new one)."""
        import json
        import tempfile
        import zlib

        folder = os.path.dirname(self.path)
        tmp = None
        try:
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".holidays.", suffix=".tmp", dir=folder)
            body = json.dumps(self.entries, ensure_ascii=False, separators=(",", ":"))
            header = {"holidays_version": self.version, "crc32": zlib.crc32(body.encode("utf-8"))}
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(header) + "\n" + body)
            os.replace(tmp, self.path)
            tmp = None
        except OSError:
            pass  # a read-only or full disk: no cache, same answers
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def _in_years(entries: dict[str, Any]) -> dict[str, Any]:
    """The entries without the days of years slactl no longer computes in (FIRST_YEAR to
    LAST_YEAR): an older version asked about any year, and the whole file is read on every run."""
    from slactl.core.years import FIRST_YEAR, LAST_YEAR

    def kept(key: str) -> bool:
        parts = key.split("|")
        if parts[0] != "days" or len(parts) != 5:
            return True
        try:
            return FIRST_YEAR <= int(parts[3]) <= LAST_YEAR
        except ValueError:
            return False

    return {k: v for k, v in entries.items() if kept(k)}


class HolidayCache:
    """A ``publicholidays.Source``: the cached answer, else the library's (then cached)."""

    def __init__(self, file: CacheFile) -> None:
        self.file = file

    def __call__(self, country: str, subdivision: str | None, year: int) -> Days:
        def compute() -> list[Any]:
            names, workdays = publicholidays.from_library(country, subdivision, year)
            return [[[d.isoformat(), n] for d, n in sorted(names.items())], sorted(d.isoformat() for d in workdays)]

        def usable(entry: Any) -> Days:
            names, workdays = _list(entry)
            return ({date.fromisoformat(d): _text(n) for d, n in map(_list, _list(names))},
                    frozenset(date.fromisoformat(d) for d in _list(workdays)))

        # the names are in the language of the locale (as gettext picks it), so it is part of the key
        language = next((os.environ[v] for v in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(v)), "")
        key = f"days|{country}|{subdivision or ''}|{year}|{language}"
        return self.file.remember(key, compute, usable)  # type: ignore[no-any-return]


def _list(value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        raise TypeError("not a list")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a text")
    return value


_file: list[CacheFile | None] = [None]


def current() -> CacheFile | None:
    """The cache ``install`` put in place (None: off, or not installed)."""
    return _file[0]


def install(folder: str | None = "") -> None:
    """Serve the clock's public holidays (and validation's country list) from the cache in
    ``folder`` (default ``cache_dir()``; None: no cache); nothing is read until the first question."""
    folder = cache_dir() if folder == "" else folder
    _file[0] = CacheFile(folder) if folder is not None else None
    publicholidays.use_source(HolidayCache(_file[0]) if _file[0] is not None else None)


def uninstall() -> None:
    """The library answers again, uncached (for tests and embedding programs)."""
    _file[0] = None
    publicholidays.use_source(None)
