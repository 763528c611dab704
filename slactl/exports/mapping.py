"""User mapping files: a YAML file naming the export's column of each canonical field.

``load_mapping`` reads one into a ``Preset``; ``slactl mapping EXPORT`` writes a
starter file (``slactl.exports.starter``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slactl.errors import InputError
from slactl.exports.presets import FIELDS, REQUIRED, Preset
from slactl.suggest import did_you_mean

_TICKET_EXAMPLE = "columns: {id: \"Ticket #\", priority: Priority, created_at: Opened}"


@dataclass(frozen=True, slots=True)
class MappingFile:
    """A mapping file, checked: the columns named per field and the optional reading hints."""

    columns: dict[str, tuple[str, ...]]
    labels: dict[str, str]
    timestamp_format: str | None
    dayfirst: bool | None
    timezone: str | None
    doc: dict[str, Any]  # for the keys a caller adds (``extra_keys``)


def _no_repeated_keys(root: Any, where: str) -> None:
    """A key given twice in one mapping is an error naming both lines (PyYAML keeps the last one)."""
    import yaml

    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        raise InputError(f"{where}: line {key.start_mark.line + 1}: the key '{key.value}' is given "
                                         f"twice (first on line {seen[key.value]}); each field names its columns "
                                         "once (a list for several)")
                    seen[key.value] = key.start_mark.line + 1
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def read_mapping(path: str, *, fields: tuple[str, ...], required: tuple[str, ...], example: str,
                 extra_keys: tuple[str, ...] = (), what: str = "mapping file",
                 option: str = "--mapping") -> MappingFile:
    """Read and check a YAML mapping file (export, history, outage log or time entries: the
    fields differ, the rules do not); any problem is an ``InputError`` naming the file."""
    import yaml

    where = f"{what} {path}"
    keys = ("columns", *extra_keys, "timestamp_format", "dayfirst", "timezone")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise InputError(f"{where} does not exist; check the {option} path") from None
    except IsADirectoryError:
        raise InputError(f"{where} is a directory; give a YAML file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {where}: {e}") from None
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        _no_repeated_keys(yaml.compose(text, Loader=loader), where)
        doc = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise InputError(f"{where} is not valid YAML: {e}") from None
    if not isinstance(doc, dict):
        raise InputError(f"{where} must be a mapping with a 'columns' key, for example\n  {example}")
    for key in doc:
        if key not in keys:
            raise InputError(f"{where}: unknown key '{key}'{did_you_mean(str(key), keys)}; "
                             f"allowed: {', '.join(keys)}")
    cols = doc.get("columns")
    if not isinstance(cols, dict) or not cols:
        raise InputError(f"{where}: 'columns' must map fields to header names, for example\n  {example}")
    columns: dict[str, tuple[str, ...]] = {}
    labels: dict[str, str] = {}
    for key, value in cols.items():
        if key not in fields:
            raise InputError(f"{where}: unknown field '{key}' under columns"
                             f"{did_you_mean(str(key), fields)}; fields: {', '.join(fields)}")
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(n, (str, int)) and str(n).strip() for n in names):
            raise InputError(f"{where}: columns.{key} must be a header name or a list of them")
        columns[key] = tuple(str(n).strip() for n in names)
        labels[key] = ", ".join(str(n) for n in names)
    missing = [f for f in required if f not in columns]
    if missing:
        raise InputError(f"{where}: columns must name {', '.join(missing)} (required)")
    fmt = doc.get("timestamp_format")
    if fmt is not None and (not isinstance(fmt, str) or "%" not in fmt):
        raise InputError(f"{where}: timestamp_format must be a strptime format like '%d.%m.%Y %H:%M'")
    dayfirst = doc.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise InputError(f"{where}: dayfirst must be true or false")
    tz = doc.get("timezone")
    if tz is not None and not isinstance(tz, str):
        raise InputError(f"{where}: timezone must be an IANA name like Europe/Moscow")
    return MappingFile(columns, labels, fmt, dayfirst, tz, doc)


def load_mapping(path: str, fields: tuple[str, ...] = FIELDS, required: tuple[str, ...] = REQUIRED,
                 example: str = _TICKET_EXAMPLE) -> Preset:
    """Read a YAML mapping file into a ``Preset``; any problem is an ``InputError`` naming the file.

    ``fields``/``required``/``example``: what the columns may, must and might name
    (ticket fields by default; the outage log and time entries pass their own)."""
    m = read_mapping(path, fields=fields, required=required, example=example)
    return Preset("mapping", f"mapping file {path}", m.columns, signature=(), timestamp_format=m.timestamp_format,
                  dayfirst=m.dayfirst, timezone=m.timezone, source=path, labels=m.labels)
