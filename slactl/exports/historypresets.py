"""Column layouts of status-history files: the presets, detection from the header, and
``--history-mapping FILE.yaml`` for a history no preset knows:

```yaml
columns: {ticket_id: Key, changed_at: When, field: What, from: Old, to: New}
status_fields: [Status]        # optional: field values that are status changes
timestamp_format: "%d.%m.%Y %H:%M"   # optional, as in an export mapping
dayfirst: true                 # optional
timezone: Europe/Moscow        # optional: zone of naive timestamps
```
"""
from __future__ import annotations

import difflib

from dataclasses import dataclass

from slactl.errors import InputError
from slactl.exports.presets import norm

FIELDS = ("ticket_id", "changed_at", "field", "from", "to")
REQUIRED = ("ticket_id", "changed_at", "to")
STATUS_FIELDS = frozenset({"status", "state", "incident_state", "incident state"})


@dataclass(frozen=True)
class HistoryPreset:
    name: str
    title: str
    columns: dict[str, tuple[str, ...]]  # field -> header names, preferred first
    signature: tuple[tuple[str, ...], ...]  # each group: one of these names present
    field_contains: bool = False  # ServiceNow: a definition *naming* a state is a status row
    timestamp_format: str | None = None
    dayfirst: bool | None = None
    timezone: str | None = None
    source: str | None = None  # the mapping file
    status_fields: frozenset[str] = STATUS_FIELDS


PRESETS = {p.name: p for p in (
    HistoryPreset("servicenow", "ServiceNow metric_instance list", {
        "ticket_id": ("id",), "changed_at": ("start",), "field": ("definition",), "to": ("field_value", "value")},
        (("id",), ("definition",), ("field_value", "value"), ("start",)), field_contains=True),
    HistoryPreset("zendesk", "Zendesk ticket field history", {
        "ticket_id": ("ticket_id",), "changed_at": ("updated", "updated_at"), "field": ("field_name",),
        "to": ("value",)},
        (("ticket_id",), ("field_name",), ("value",), ("updated", "updated_at"))),
    HistoryPreset("jira", "Jira issue history", {
        "ticket_id": ("issue_key", "issue_id"), "changed_at": ("created_date", "created"), "field": ("field",),
        "from": ("from_string",), "to": ("to_string",)},
        (("issue_key", "issue_id"), ("created_date", "created"), ("to_string",))),
    HistoryPreset("generic", "generic history (ticket_id, changed_at, field, from, to)", {
        "ticket_id": ("ticket_id",), "changed_at": ("changed_at",), "field": ("field",), "from": ("from",),
        "to": ("to",)},
        (("ticket_id",), ("changed_at",), ("to",))),
)}
PRESET_NAMES = ("auto", *PRESETS)


def detect(header: set[str]) -> HistoryPreset | None:
    for p in PRESETS.values():
        if all(any(norm(n) in header for n in group) for group in p.signature):
            return p
    return None


def expected() -> str:
    return "; ".join(f"{p.name}: {', '.join('/'.join(g) for g in p.signature)}" for p in PRESETS.values())



KEYS = ("columns", "status_fields", "timestamp_format", "dayfirst", "timezone")
EXAMPLE = "  columns: {ticket_id: Key, changed_at: When, field: What, from: Old, to: New}"


def _hint(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def load_history_mapping(path: str) -> HistoryPreset:
    """Read a history mapping file; any problem is an ``InputError`` naming the file."""
    import yaml

    where = f"history mapping file {path}"
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise InputError(f"{where} does not exist; check the --history-mapping path") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {where}: {e}") from None
    try:
        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise InputError(f"{where} is not valid YAML: {e}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("columns"), dict):
        raise InputError(f"{where} must be a mapping with a 'columns' key, for example\n{EXAMPLE}")
    for key in doc:
        if key not in KEYS:
            raise InputError(f"{where}: unknown key '{key}'{_hint(str(key), KEYS)}; allowed: {', '.join(KEYS)}")
    columns: dict[str, tuple[str, ...]] = {}
    for key, value in doc["columns"].items():
        if key not in FIELDS:
            raise InputError(f"{where}: unknown field '{key}' under columns{_hint(str(key), FIELDS)}; "
                             f"fields: {', '.join(FIELDS)}")
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(n, (str, int)) and str(n).strip() for n in names):
            raise InputError(f"{where}: columns.{key} must be a header name or a list of them")
        columns[key] = tuple(str(n).strip() for n in names)
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise InputError(f"{where}: columns must name {', '.join(missing)} (required)")
    fields = doc.get("status_fields")
    if fields is not None and (not isinstance(fields, list) or not all(isinstance(x, str) for x in fields)):
        raise InputError(f"{where}: status_fields must be a list of field names, e.g. [Status]")
    fmt = doc.get("timestamp_format")
    if fmt is not None and (not isinstance(fmt, str) or "%" not in fmt):
        raise InputError(f"{where}: timestamp_format must be a strptime format like '%d.%m.%Y %H:%M'")
    dayfirst = doc.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise InputError(f"{where}: dayfirst must be true or false")
    tz = doc.get("timezone")
    if tz is not None and not isinstance(tz, str):
        raise InputError(f"{where}: timezone must be an IANA name like Europe/Moscow")
    status = frozenset(x.strip().casefold() for x in fields) if fields else STATUS_FIELDS
    return HistoryPreset("mapping", f"mapping file {path}", columns, (), timestamp_format=fmt,
                         dayfirst=dayfirst, timezone=tz, source=path, status_fields=status)
