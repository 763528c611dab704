"""Structural checks of a composed document, driven by :data:`slactl.workspace.schema.SCHEMA`.

Walks a :class:`~slactl.workspace.yamlsafe.YNode` tree against the schema and returns the
plain Python value (scalars typed the way the schema expects, so ``country: NO``
stays the string "NO" and never turns into YAML 1.1's ``False``) plus findings
that point at the exact line and column.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable

from slactl.core.durations import parse_duration
from slactl.core.findings import ERROR, Finding
from slactl.suggest import did_you_mean
from slactl.workspace.schema import SCHEMA, SPAN_PATTERN
from slactl.workspace.yamlsafe import MAP, SCALAR, SEQ, YNode

SUPPORTED_KEYWORDS = {
    "$schema", "$id", "title", "description", "$defs", "$ref", "type", "properties", "required",
    "additionalProperties", "enum", "const", "pattern", "format", "items", "minItems", "minLength",
    "minimum", "maximum", "allOf", "if", "then",
}

_T = "tag:yaml.org,2002:"
_EMAIL = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"'.]+")
_SPAN = re.compile(SPAN_PATTERN)
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_MISSING = object()


def _timezone_ok(name: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        hint = did_you_mean(name, available_timezones(), otherwise=" (use an IANA name like Europe/Moscow)")
        return f"unknown time zone '{name}'{hint}"


def _span_ok(text: str) -> str | None:
    if not _SPAN.fullmatch(text):
        return f"'{text}' is not an HH:MM-HH:MM span (e.g. 09:00-18:00, 00:00-24:00)"
    start, end = text.split("-")
    if start >= end and end != "24:00":
        return f"span '{text}' ends before it starts"
    return None


def _date_ok(text: str) -> str | None:
    try:
        date.fromisoformat(text)
        return None if len(text) == 10 else f"'{text}' is not a YYYY-MM-DD date"
    except ValueError:
        return f"'{text}' is not a valid YYYY-MM-DD date"


def _duration_ok(text: str) -> str | None:
    try:
        parse_duration(text)
        return None
    except ValueError as exc:
        return str(exc)


def _interval_ok(text: str) -> str | None:
    from slactl.core.renewal import parse_interval

    try:
        parse_interval(text)
        return None
    except ValueError as exc:
        return str(exc)


def _name_ok(text: str) -> str | None:
    if _NAME.fullmatch(text):
        return None
    return f"'{text}' is not a valid name (lower-case letters, digits and '-', starting with a letter or digit, max 63)"


def _email_ok(text: str) -> str | None:
    return None if _EMAIL.fullmatch(text) else f"'{text}' is not an e-mail address"


def _one_line_ok(text: str) -> str | None:
    bad = next((c for c in text if ord(c) < 0x20 or ord(c) == 0x7f), None)
    if bad is None:
        return None
    what = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}.get(bad, f"control character U+{ord(bad):04X}")
    return f"{what} is not allowed here (the value must be one line): {text!r}"


FORMATS: dict[str, tuple[str, Callable[[str], str | None]]] = {
    "slactl-one-line": ("invalid-value", _one_line_ok),
    "slactl-name": ("invalid-name", _name_ok),
    "slactl-duration": ("invalid-duration", _duration_ok),
    "slactl-interval": ("invalid-duration", _interval_ok),
    "slactl-timezone": ("invalid-timezone", _timezone_ok),
    "slactl-hours-span": ("invalid-hours", _span_ok),
    "date": ("invalid-date", _date_ok),
    "email": ("invalid-email", _email_ok),
}

_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "true or false", "null": "null"}


def _describe(node: YNode) -> str:
    if node.kind == MAP:
        return "a mapping"
    if node.kind == SEQ:
        return "a list"
    return {_T + "null": "null (empty)", _T + "int": "an integer", _T + "float": "a number",
            _T + "bool": "a boolean"}.get(node.tag, f"'{node.value}'")


class Checker:
    """Validates one document and collects findings for ``file``."""

    def __init__(self, file: str, *, lenient: bool = False) -> None:
        self.file = file
        self.findings: list[Finding] = []
        self.lenient = lenient  # keep a mapping's valid keys when others are wrong (see readable_part)

    def error(self, node: YNode, code: str, message: str) -> None:
        self.findings.append(Finding(self.file, node.line, node.column, ERROR, code, message))

    def check_document(self, root: YNode) -> Any:
        return self.check(root, SCHEMA, "")

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def check(self, node: YNode, schema: dict[str, Any], where: str) -> Any:
        """The typed value of ``node`` under ``schema``, or _MISSING after an error."""
        schema = self._resolve(schema)
        types = schema.get("type")
        types = [types] if isinstance(types, str) else (types or [])
        value = self._typed(node, types, where)
        if value is _MISSING:
            return _MISSING
        if "const" in schema and value != schema["const"]:
            code = "api-version" if where == "apiVersion" else "invalid-value"
            self.error(node, code, f"{where} must be '{schema['const']}', not {_describe(node)}")
            return _MISSING
        if "enum" in schema and value not in schema["enum"]:
            options = ", ".join(map(str, schema["enum"]))
            hint = did_you_mean(str(value), [str(e) for e in schema["enum"]])
            code = "unknown-kind" if where == "kind" else "invalid-value"
            self.error(node, code, f"{where or 'value'} is '{value}'{hint}; expected one of: {options}")
            return _MISSING
        if isinstance(value, str):
            if len(value) < schema.get("minLength", 0):
                self.error(node, "invalid-value", f"{where} must not be empty")
                return _MISSING
            fmt = schema.get("format")
            if fmt in FORMATS:
                code, ok = FORMATS[fmt]
                problem = ok(value)
                if problem:
                    self.error(node, code, f"{where}: {problem}")
                    return _MISSING
                if fmt == "date":
                    return date.fromisoformat(value)
            elif "pattern" in schema and not re.search(schema["pattern"], value):
                self.error(node, "invalid-value", f"{where}: '{value}' does not match {schema['pattern']}")
                return _MISSING
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            lo, hi = schema.get("minimum"), schema.get("maximum")
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                self.error(node, "invalid-value", f"{where} must be between {lo} and {hi}, not {value}")
                return _MISSING
        if node.kind == MAP:
            return self._object(node, schema, where)
        if node.kind == SEQ:
            return self._array(node, schema, where)
        return value

    def _typed(self, node: YNode, types: list[str], where: str) -> Any:
        if not types:
            return node.value if node.kind == SCALAR else True
        if node.kind == MAP:
            if "object" in types:
                return True
        elif node.kind == SEQ:
            if "array" in types:
                return True
        else:
            tag, text = node.tag, node.value
            if tag == _T + "null" and node.plain:
                if "null" in types:
                    return None
            elif "string" in types:
                return text
            elif tag == _T + "bool" and "boolean" in types:
                return text.lower() in ("true", "yes", "on", "y")  # type: ignore[union-attr]
            elif tag == _T + "int" and ("integer" in types or "number" in types):
                try:
                    return int(text.replace("_", ""), 0)  # type: ignore[union-attr]
                except ValueError:
                    pass
            elif tag == _T + "float" and "number" in types:
                try:
                    return float(text.replace("_", ""))  # type: ignore[union-attr]
                except ValueError:
                    pass
        wanted = " or ".join(_TYPE_WORDS[t] for t in types)
        self.error(node, "wrong-type", f"{where or 'document'} must be {wanted}, not {_describe(node)}")
        return _MISSING

    def _object(self, node: YNode, schema: dict[str, Any], where: str) -> Any:
        props: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        out: dict[str, Any] = {}
        key_nodes: dict[str, YNode] = {}
        ok = True
        for key, val in node.value:  # type: ignore[union-attr]
            if key.kind != SCALAR:
                self.error(key, "wrong-type", f"{where or 'document'}: keys must be plain strings")
                ok = False
                continue
            name = str(key.value)
            if name in key_nodes:  # duplicate: reported by the loader already
                continue
            key_nodes[name] = key
            path = f"{where}.{name}" if where else name
            if name in props:
                sub = props[name]
            elif isinstance(extra, dict):
                sub = extra
            elif extra is False:
                hint = did_you_mean(name, props)
                self.error(key, "unknown-key", f"unknown key '{name}' in {where or 'document'}{hint}")
                ok = False
                continue
            else:
                sub = {}
            value = self.check(val, sub, path)
            if value is _MISSING:
                ok = False
            else:
                out[name] = value
        for req in schema.get("required", []):
            if req not in key_nodes:
                self.error(node, "missing-key", f"{where or 'document'} is missing required key '{req}'")
                ok = False
        for branch in schema.get("allOf", []):
            cond = branch.get("if", {})
            if all(out.get(k) == v.get("const") for k, v in cond.get("properties", {}).items()):
                then_props = branch["then"]["properties"]
                for name, sub in then_props.items():
                    if name in out and name in key_nodes:
                        child = node.get(name)
                        value = self.check(child, sub, name) if child is not None else _MISSING
                        if value is _MISSING:
                            ok = False
                            out.pop(name, None)
                        else:
                            out[name] = value
        return out if ok or self.lenient else _MISSING

    def _array(self, node: YNode, schema: dict[str, Any], where: str) -> Any:
        items = node.value  # type: list[YNode]
        if len(items) < schema.get("minItems", 0):
            self.error(node, "invalid-value", f"{where} needs at least {schema['minItems']} item(s)")
            return _MISSING
        sub = schema.get("items", {})
        out, ok = [], True
        for i, item in enumerate(items):  # type: ignore[arg-type]
            value = self.check(item, sub, f"{where}[{i}]")
            if value is _MISSING:
                ok = False
            else:
                out.append(value)
        return out if ok else _MISSING


def check_document(root: YNode, file: str) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The document as plain data when it is structurally valid, plus findings."""
    checker = Checker(file)
    value = checker.check_document(root)
    return (None if value is _MISSING else value), checker.findings


def readable_part(root: YNode, file: str) -> dict[str, Any] | None:
    """What can still be read of a document with structural errors: every mapping keeps its
    valid keys and drops the wrong ones (lists are all or nothing, so positions stay true).
    Lets ``validate`` check the references and meaning of the rest in the same run."""
    value = Checker(file, lenient=True).check_document(root)
    return value if isinstance(value, dict) else None
