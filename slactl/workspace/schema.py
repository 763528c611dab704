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
INTERVAL_PATTERN = r"^(\d{1,4} ?(days?|weeks?|months?|years?)|P\d{1,4}[DWMY])$"
ONE_LINE_PATTERN = r"^[^\u0000-\u001f\u007f]*$"  # no line break, tab or other control character


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
_INTERVAL = _str(format="slactl-interval", pattern=INTERVAL_PATTERN,
                 description="calendar length: 12 months, 1 year, 60 days, 8 weeks or ISO 8601 (P12M)")
_PERCENT = {"type": "number", "minimum": 0, "maximum": 100}
_STRMAP = {"type": "object", "additionalProperties": {"type": "string"}}

_STATUSES = _list(_str(minLength=1), description="status names, matched trimmed and case-insensitively")
PAUSE = _obj({
    "first_response": _STATUSES,
    "resolution": _STATUSES,
}, description="statuses that stop each metric's clock (needs a status history: score --history)")
_RESOLVED = _list(_str(minLength=1), description="statuses that mean resolved; time in them before a reopen "
                  "does not count for resolution (default: resolved, solved, closed, done, cancelled)")

RULE = _obj({
    "priority": _str(minLength=1, description="canonical priority name, e.g. P1"),
    "aliases": _list(_str(), description="export values meaning this priority (case-insensitive)"),
    "first_response": {"$ref": "#/$defs/duration"},
    "resolution": {"$ref": "#/$defs/duration"},
    "calendar": _REF,
    "pause": {"$ref": "#/$defs/pause"},
    "alert_at": {"$ref": "#/$defs/alertAt"},
    "next_reply": {"$ref": "#/$defs/duration", "description": "every later customer message answered by an "
                   "agent within this (needs comment history)"},
    "update_every": {"$ref": "#/$defs/duration", "description": "while open, an agent comment at least this "
                     "often (needs comment history)"},
}, required=("priority",))

OLA_RULE = _obj({
    "priority": _str(minLength=1, description="canonical priority name, e.g. P1"),
    "aliases": _list(_str(), description="export values meaning this priority (case-insensitive)"),
    "response": {"$ref": "#/$defs/duration", "description": "from the ticket reaching the team to its first "
                 "agent comment or status change"},
    "resolution": {"$ref": "#/$defs/duration", "description": "business time the team holds the ticket, "
                   "all its stretches summed"},
    "calendar": _REF,
}, required=("priority",))

OLA_SPEC = _obj({
    "team": _obj({
        "name": _str(minLength=1, format="slactl-one-line", pattern=ONE_LINE_PATTERN,
                     description="the team as the export's group column or the group history names it"),
        "aliases": _list(_str(minLength=1), description="other spellings (trimmed, case-insensitive)"),
    }, required=("name",)),
    "supports": _list(_REF, description="Agreement names it underpins; omitted: every ticket"),
    "policy": {**_REF, "description": "a Policy whose rules give the targets (first_response = response)"},
    "rules": _list({"$ref": "#/$defs/olaRule"}, description="per priority; override the policy's"),
    "calendar": _REF,
    "period": _obj({"start": {"$ref": "#/$defs/date"}, "end": {"$ref": "#/$defs/date"}}, required=("start", "end")),
    "pause": _obj({"response": _STATUSES, "resolution": _STATUSES},
                  description="statuses that stop the team's clocks (needs a status history)"),
    "compliance_target": _PERCENT,
    "description": _str(),
}, required=("team",))

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

OBJECTIVE = _obj({
    "services": _list(_REF, description="Service names; omitted: every service the agreement covers"),
    "target": {"type": "number", "minimum": 0, "maximum": 100, "description": "percent of the window"},
    "window": {"type": "string", "enum": ["month", "quarter", "week"]},
    "calendar": {**_REF, "description": "whose open hours are required time (default 24x7)"},
    "maintenance": {"type": "string", "enum": ["excluded", "counted"]},
    "partial_weight": {"type": "number", "minimum": 0, "maximum": 1,
                       "description": "share of a partial outage counted as down (default 0.5)"},
    "description": _str(),
}, required=("target",))

_QUEUE = _str(minLength=1, format="slactl-one-line", pattern=ONE_LINE_PATTERN)
CALL_OBJECTIVE = _obj({
    "queue": {"type": ["string", "array"], "items": _QUEUE, "minLength": 1, "minItems": 1,
              "description": "the call queue's name in the call log, or a list of names (each measured apart)"},
    "service_level": _obj({
        "answered_within": {"$ref": "#/$defs/duration", "description": "a call answered after holding this "
                            "long or less counts towards the service level (e.g. 20s)"},
        "target": {**_PERCENT, "description": "percent of offered calls answered within that time"},
    }, required=("answered_within", "target")),
    "abandonment_max": {**_PERCENT, "description": "abandoned calls, percent of offered calls, at most"},
    "asa_max": {"$ref": "#/$defs/duration", "description": "average speed of answer at most (e.g. 30s)"},
    "short_abandon": {"$ref": "#/$defs/duration", "description": "abandons that waited less than this are "
                      "left out of every figure (e.g. 5s; default: none)"},
    "calendar": {**_REF, "description": "only calls offered in its open hours count (default 24x7)"},
    "window": {"type": "string", "enum": ["month", "quarter", "week"]},
    "description": _str(),
}, required=("queue",))

CREDIT_TIER = _obj({
    "availability_below": {**_PERCENT, "description": "worst monthly availability strictly below this"},
    "metric": {"type": "string", "enum": ["first_response", "resolution"]},
    "compliance_below": {**_PERCENT, "description": "the month's compliance of 'metric' strictly below this"},
    "credit": {**_PERCENT, "description": "percent of the monthly fee"},
}, required=("credit",))

CREDITS = _obj({
    "monthly_fee": {"type": "number", "minimum": 0},
    "currency": _str(minLength=1),
    "cap": {**_PERCENT, "description": "percent of the fee at most (default 100)"},
    "tiers": _list({"$ref": "#/$defs/creditTier"}, minItems=1),
    "description": _str(),
}, required=("tiers",))

POLICY_SPEC = _obj({
    "calendar": _REF,
    "rules": _list({"$ref": "#/$defs/rule"}, minItems=1),
    "compliance_target": _PERCENT,
    "pause": {"$ref": "#/$defs/pause"},
    "resolved_statuses": _RESOLVED,
    "availability": _list({"$ref": "#/$defs/objective"}),
    "credits": {"$ref": "#/$defs/credits"},
    "alert_at": {"$ref": "#/$defs/alertAt"},
    "description": _str(),
}, required=("rules",))

SERVICE_SPEC = _obj({
    "description": _str(),
    "aliases": _list(_str()),
}, required=())

AGREEMENT_SPEC = _obj({
    "customer": _obj({
        "id": _str(minLength=1, format="slactl-one-line", pattern=ONE_LINE_PATTERN,
                   description="matched against the export's customer column; '*' = every customer"),
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
    "pause": {"$ref": "#/$defs/pause"},
    "resolved_statuses": _RESOLVED,
    "availability": _list({"$ref": "#/$defs/objective"}),
    "credits": {"$ref": "#/$defs/credits"},
    "hours": {"$ref": "#/$defs/hours"},
    "calls": _list({"$ref": "#/$defs/callObjective"}, description="call-centre objectives per queue"),
    "alert_at": {"$ref": "#/$defs/alertAt"},
    "language": {"type": "string", "pattern": "^[a-z]{2,3}(_[A-Z]{2,4})?$",
                 "description": "language of the customer's reports and notices: en (default), ru, de, or "
                                "a language of the workspace's translations/<language>.po"},
    "renewal": {"$ref": "#/$defs/renewal"},
    "amendments": _list({"$ref": "#/$defs/amendment"},
                        description="changes in force from a date; tickets are judged by the version in force "
                        "when they were created"),
    "description": _str(),
}, required=("customer", "period"))

RENEWAL = _obj({
    "auto": {"type": "boolean", "description": "renews by itself at its end, term after term, until cancelled"},
    "term": {**_INTERVAL, "description": "length of each renewal term (default: as long as the period)"},
    "notice": {**_INTERVAL, "description": "how long before the end it must be cancelled: the cancel-by date"},
    "description": _str(),
})

AMENDMENT = _obj({
    "effective": {"$ref": "#/$defs/date", "description": "first day in force (00:00 in the agreement's zone)"},
    "note": _str(description="what changed, in words (shown in reports)"),
    "policy": _REF,
    "services": _list(_REF),
    "compliance_target": _PERCENT,
    "rules": _list({"$ref": "#/$defs/rule"}, description="per priority: the keys given replace those in force"),
    "availability": _list({"$ref": "#/$defs/objective"}),
    "credits": {"$ref": "#/$defs/credits"},
    "hours": {"$ref": "#/$defs/hours"},
}, required=("effective",))

_HOURS_NUMBER = {"type": "number", "minimum": 0, "maximum": 100000}
HOURS = _obj({
    "included": {**_HOURS_NUMBER, "description": "hours included per window (omit for a pure bank)"},
    "per": {"type": "string", "enum": ["month", "quarter"], "description": "the window of included hours"},
    "rollover": {"type": "boolean", "description": "unused included hours carry to the next window, "
                 "never past the period"},
    "bank": {**_HOURS_NUMBER, "description": "prepaid hours for the whole period, drawn after included"},
    "rounding": {"$ref": "#/$defs/duration", "description": "each counted entry is rounded up to this step"},
    "billable_only": {"type": "boolean", "description": "count only entries marked billable (default true)"},
    "rate": {"type": "number", "minimum": 0, "description": "price per overage hour"},
    "currency": _str(minLength=1, description="ISO 4217 code, e.g. EUR"),
    "description": _str(),
})
_ALERT_AT = {"type": "number", "minimum": 1, "maximum": 100,
             "description": "percent of a target used that makes a pending ticket 'at risk' (default 75)"}

SPECS = {"Agreement": AGREEMENT_SPEC, "Policy": POLICY_SPEC, "Calendar": CALENDAR_SPEC, "Service": SERVICE_SPEC,
         "OLA": OLA_SPEC}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://slactl.dev/schema/v1.json",
    "title": "slactl document (Agreement, Policy, Calendar, Service or OLA)",
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
        "olaRule": OLA_RULE,
        "pause": PAUSE,
        "objective": OBJECTIVE,
        "callObjective": CALL_OBJECTIVE,
        "creditTier": CREDIT_TIER,
        "credits": CREDITS,
        "hours": HOURS,
        "alertAt": _ALERT_AT,
        "renewal": RENEWAL,
        "amendment": AMENDMENT,
        **{f"{kind}Spec": spec for kind, spec in SPECS.items()},
    },
}
