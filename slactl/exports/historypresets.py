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



EXAMPLE = "columns: {ticket_id: Key, changed_at: When, field: What, from: Old, to: New}"


def load_history_mapping(path: str) -> HistoryPreset:
    """Read a history mapping file (the export mapping's rules, plus ``status_fields``)."""
    from slactl.exports.mapping import read_mapping

    m = read_mapping(path, fields=FIELDS, required=REQUIRED, example=EXAMPLE, extra_keys=("status_fields",),
                     what="history mapping file", option="--history-mapping")
    fields = m.doc.get("status_fields")
    if fields is not None and (not isinstance(fields, list) or not all(isinstance(x, str) for x in fields)):
        raise InputError(f"history mapping file {path}: status_fields must be a list of field names, e.g. [Status]")
    status = frozenset(x.strip().casefold() for x in fields) if fields else STATUS_FIELDS
    return HistoryPreset("mapping", f"mapping file {path}", m.columns, (), timestamp_format=m.timestamp_format,
                         dayfirst=m.dayfirst, timezone=m.timezone, source=path, status_fields=status)
