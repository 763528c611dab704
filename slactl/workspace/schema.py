"""The JSON Schema of the file format: printed by ``slactl schema`` for editors
and, through :mod:`slactl.workspace.structure`, the very rules ``validate`` enforces.

Only a subset of JSON Schema is used (see ``structure.SUPPORTED_KEYWORDS``);
a test checks the schema against the metaschema and that it stays in the subset.
Custom ``format`` values carry the checks JSON Schema cannot express
(durations, IANA zones, ``HH:MM-HH:MM`` spans); editors ignore them harmlessly.
"""
from __future__ import annotations

from typing import Any

API_VERSION = "slactl/v1"
NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
DURATION_PATTERN = r"^(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?$|^P(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$"
SPAN_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def _str(**extra: Any) -> dict[str, Any]:
    return {"type": "string", **extra}


def _list(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


def _obj(properties: dict[str, Any], required: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


_NAME = _str(format="slactl-name", pattern=NAME_PATTERN, description="lower-case letters, digits and '-', max 63")
_REF = {"$ref": "#/$defs/name"}
_DURATION = _str(format="slactl-duration", pattern=DURATION_PATTERN,
                 description="45m, 4h, 1h30m, 2d (24 h of the rule's clock), 1w or ISO 8601 (PT4H)")
_DATE = _str(format="date", pattern=DATE_PATTERN, description="YYYY-MM-DD")
_SPAN = _str(format="slactl-hours-span", pattern=SPAN_PATTERN, description="HH:MM-HH:MM local wall time")
_SPANS = _list({"$ref": "#/$defs/span"})
_EMAIL = _str(format="email")
_PERCENT = {"type": "number", "minimum": 0, "maximum": 100}
_STRMAP = {"type": "object", "additionalProperties": {"type": "string"}}

RULE = _obj({
    "priority": _str(minLength=1, description="canonical priority name, e.g. P1"),
    "aliases": _list(_str(), description="export values meaning this priority (case-insensitive)"),
    "first_response": {"$ref": "#/$defs/duration"},
    "resolution": {"$ref": "#/$defs/duration"},
    "calendar": _REF,
}, required=("priority",))

CALENDAR_SPEC = _obj({
    "timezone": _str(format="slactl-timezone", description="IANA time zone, e.g. Europe/Moscow"),
    "hours": _obj({day: _SPANS for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}),
    "holidays": _obj({
        "country": {"type": ["string", "null"], "description": "ISO 3166 code for the holidays library"},
        "subdivision": {"type": ["string", "null"]},
        "dates": _list({"$ref": "#/$defs/date"}),
    }),
    "workdays": _list({"$ref": "#/$defs/date"}, description="normally closed dates that are open"),
    "workday_hours": _SPANS,
    "description": _str(),
}, required=("timezone", "hours"))

POLICY_SPEC = _obj({
    "calendar": _REF,
    "rules": _list({"$ref": "#/$defs/rule"}, minItems=1),
    "compliance_target": _PERCENT,
    "description": _str(),
}, required=("rules",))

SERVICE_SPEC = _obj({
    "description": _str(),
    "aliases": _list(_str()),
}, required=())

AGREEMENT_SPEC = _obj({
    "customer": _obj({
        "id": _str(minLength=1, description="matched against the export's customer column; '*' = every customer"),
        "name": _str(),
        "aliases": _list(_str()),
        "contacts": _list({"$ref": "#/$defs/email"}),
    }, required=("id",)),
    "manager": _obj({"name": _str(), "email": {"$ref": "#/$defs/email"}}),
    "period": _obj({"start": {"$ref": "#/$defs/date"}, "end": {"$ref": "#/$defs/date"}}, required=("start", "end")),
    "status": {"type": "string", "enum": ["auto", "planned", "active", "suspended", "terminated"]},
    "services": _list(_REF),
    "policy": _REF,
    "rules": _list({"$ref": "#/$defs/rule"}),
    "calendar": _REF,
    "compliance_target": _PERCENT,
    "notice_days": _list({"type": "integer", "minimum": 0, "maximum": 3650}),
    "language": {"type": "string", "enum": ["en", "ru"],
                 "description": "language of the customer's reports and notices (default en)"},
    "description": _str(),
}, required=("customer", "period"))

SPECS = {"Agreement": AGREEMENT_SPEC, "Policy": POLICY_SPEC, "Calendar": CALENDAR_SPEC, "Service": SERVICE_SPEC}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://slactl.dev/schema/v1.json",
    "title": "slactl document (Agreement, Policy, Calendar or Service)",
    "type": "object",
    "properties": {
        "apiVersion": {"type": "string", "const": API_VERSION},
        "kind": {"type": "string", "enum": list(SPECS)},
        "metadata": _obj({
            "name": {"$ref": "#/$defs/name"},
            "labels": _STRMAP,
            "annotations": _STRMAP,
        }, required=("name",)),
        "spec": {"type": "object"},
    },
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "allOf": [
        {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
         "then": {"properties": {"spec": {"$ref": f"#/$defs/{kind}Spec"}}}}
        for kind in SPECS
    ],
    "$defs": {
        "name": _NAME,
        "duration": _DURATION,
        "date": _DATE,
        "span": _SPAN,
        "email": _EMAIL,
        "rule": RULE,
        **{f"{kind}Spec": spec for kind, spec in SPECS.items()},
    },
}
