"""User mapping files: a YAML file naming the export's column of each canonical field.

``load_mapping`` reads one into a ``Preset``; ``slactl mapping EXPORT`` writes a
starter file (``slactl.exports.starter``).
"""
from __future__ import annotations

import difflib

from slactl.errors import InputError
from slactl.exports.presets import FIELDS, REQUIRED, Preset

_MAPPING_KEYS = ("columns", "timestamp_format", "dayfirst", "timezone")


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


_TICKET_EXAMPLE = "columns: {id: \"Ticket #\", priority: Priority, created_at: Opened}"


def load_mapping(path: str, fields: tuple[str, ...] = FIELDS, required: tuple[str, ...] = REQUIRED,
                 example: str = _TICKET_EXAMPLE) -> Preset:
    """Read a YAML mapping file; any problem is an ``InputError`` naming the file.

    ``fields``/``required``/``example``: what the columns may, must and might name
    (ticket fields by default; the outage log passes its own)."""
    import yaml

    where = f"mapping file {path}"
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise InputError(f"{where} does not exist; check the --mapping path") from None
    except IsADirectoryError:
        raise InputError(f"{where} is a directory; give a YAML file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {where}: {e}") from None
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        doc = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise InputError(f"{where} is not valid YAML: {e}") from None
    if not isinstance(doc, dict):
        raise InputError(f"{where} must be a mapping with a 'columns' key, for example\n  {example}")
    for key in doc:
        if key not in _MAPPING_KEYS:
            raise InputError(f"{where}: unknown key '{key}'{_did_you_mean(str(key), _MAPPING_KEYS)}; "
                             f"allowed: {', '.join(_MAPPING_KEYS)}")
    cols = doc.get("columns")
    if not isinstance(cols, dict) or not cols:
        raise InputError(f"{where}: 'columns' must map fields to header names, for example\n  {example}")
    columns: dict[str, tuple[str, ...]] = {}
    labels: dict[str, str] = {}
    for key, value in cols.items():
        if key not in fields:
            raise InputError(f"{where}: unknown field '{key}' under columns"
                             f"{_did_you_mean(str(key), fields)}; fields: {', '.join(fields)}")
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
    return Preset("mapping", f"mapping file {path}", columns, signature=(),
                  timestamp_format=fmt, dayfirst=dayfirst, timezone=tz, source=path, labels=labels)
