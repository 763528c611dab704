"""Cheap questions about the ``holidays`` library's data.

Importing ``holidays`` at all costs about as much as a YAML linter's whole run
(its package start-up reads its own distribution metadata and parses dates with
dateutil), and ``import holidays.countries`` imports ~250 country modules.
Validation only needs to know whether a country code exists and what its
subdivisions are, so it reads those two literals from the library's source
files (found without importing it) and imports the library only when the source
has a shape this reader does not know.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re


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
    module, cls = country_modules()[code]
    try:
        path = os.path.join(package_dir(), "countries", f"{module}.py")  # type: ignore[arg-type]
        return tuple(literal(path, "subdivisions", cls))  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - not a literal there: ask the library itself
        import holidays

        return tuple(holidays.country_holidays(code).subdivisions)
