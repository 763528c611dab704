"""Column maps of known ticket exports, auto-detection, and user mapping files.

A preset maps each canonical field (the contract's ``generic`` columns, plus
duration fields for exports that give minutes instead of a timestamp) to the
header names that may carry it, in order of preference. Header names are
compared trimmed and case-insensitively.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from slactl.errors import InputError

# canonical field -> how messages name it
TEXT_FIELDS = ("id", "customer", "service", "priority", "status")
TIME_FIELDS = ("created_at", "first_response_at", "resolved_at")
DURATION_FIELDS = ("first_response_minutes", "resolution_minutes")
FIELDS = TEXT_FIELDS + TIME_FIELDS + DURATION_FIELDS
REQUIRED = ("id", "priority", "created_at")


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    columns: dict[str, tuple[str, ...]]  # field -> header names, preferred first
    signature: tuple[str, ...] = ()  # all present: auto picks this preset
    any_of: tuple[str, ...] = ()  # ... and at least one of these
    # mapping files only
    timestamp_format: str | None = None
    dayfirst: bool | None = None
    timezone: str | None = None
    source: str | None = None  # the mapping file
    labels: dict[str, str] = field(default_factory=dict)  # field -> header as the user wrote it

    def names(self) -> set[str]:
        """Every header name the preset knows, normalised."""
        return {norm(n) for names in self.columns.values() for n in names}


GENERIC = Preset(
    "generic",
    "generic (slactl contract)",
    {
        "id": ("id",),
        "customer": ("customer",),
        "service": ("service",),
        "priority": ("priority",),
        "status": ("status",),
        "created_at": ("created_at",),
        "first_response_at": ("first_response_at",),
        "resolved_at": ("resolved_at",),
    },
    signature=("id", "created_at"),
)

ZENDESK = Preset(
    "zendesk",
    "Zendesk (Admin CSV export)",
    {
        "id": ("Id",),
        "customer": ("Organization",),
        # a custom Service/Category field says more than the agent group
        "service": ("Service", "Category", "Group"),
        "priority": ("Priority",),
        "status": ("Status",),
        "created_at": ("Created at",),
        "resolved_at": ("Solved at",),
        "first_response_minutes": ("First reply time in minutes",),
    },
    signature=("Id", "Created at"),
    any_of=("Solved at", "First reply time in minutes", "Requester", "Organization"),
)

JIRA = Preset(
    "jira",
    "Jira (Export CSV, all fields)",
    {
        "id": ("Issue key",),
        "customer": ("Custom field (Organizations)",),
        "service": ("Component/s", "Custom field (Request Type)"),
        "priority": ("Priority",),
        "status": ("Status",),
        "created_at": ("Created",),
        "first_response_at": ("Custom field ([CHART] Date of First Response)",),
        "resolved_at": ("Resolved",),
    },
    signature=("Issue key", "Created"),
)

FRESHDESK = Preset(
    "freshdesk",
    "Freshdesk (ticket export)",
    {
        "id": ("Ticket ID",),
        "customer": ("Company Name", "Company"),
        "service": ("Group", "Type"),
        "priority": ("Priority",),
        "status": ("Status",),
        "created_at": ("Created time",),
        "first_response_at": ("Initial response time",),
        "resolved_at": ("Resolved time",),
    },
    signature=("Ticket ID", "Created time"),
)

SERVICENOW = Preset(
    "servicenow",
    "ServiceNow (incident list export)",
    {
        "id": ("number",),
        "customer": ("company",),
        "service": ("business_service", "category", "cmdb_ci"),
        "priority": ("priority",),
        "status": ("state",),
        "created_at": ("opened_at", "opened"),
        "resolved_at": ("resolved_at", "resolved"),
    },
    signature=("number",),
    any_of=("opened_at", "opened"),
)

# specific presets first: auto prefers them to generic
PRESETS: dict[str, Preset] = {p.name: p for p in (ZENDESK, JIRA, FRESHDESK, SERVICENOW, GENERIC)}
PRESET_NAMES = ("auto", *PRESETS, "mapping")


def norm(name: str) -> str:
    """A header name as compared: BOM, quotes and surrounding blanks gone, lower case."""
    return name.replace("\ufeff", "").strip().strip('"').strip().lower()


def score(preset: Preset, header: set[str]) -> int:
    """How many of the preset's column names the header holds."""
    return len(preset.names() & header)


def matches(preset: Preset, header: set[str]) -> bool:
    if not all(norm(n) in header for n in preset.signature):
        return False
    return not preset.any_of or any(norm(n) in header for n in preset.any_of)


def detect(header: set[str]) -> Preset | None:
    """The preset whose signature the header carries (specific before generic)."""
    best: Preset | None = None
    for p in PRESETS.values():
        if matches(p, header) and (best is None or score(p, header) > score(best, header)):
            best = p
    if best is None and score(GENERIC, header):
        return GENERIC  # some contract columns: report exactly which required ones are missing
    return best


def best_score(header: set[str]) -> int:
    """How recognisable a header is under any preset (used to choose the delimiter)."""
    return max(score(p, header) + (100 if matches(p, header) else 0) for p in PRESETS.values())


def expected_text() -> str:
    g = ", ".join(f for f in GENERIC.columns)
    return (f"the generic columns ({g}) or the header of a Zendesk, Jira, Freshdesk "
            "or ServiceNow export")


# --------------------------------------------------------------------------- mapping files

_MAPPING_KEYS = ("columns", "timestamp_format", "dayfirst", "timezone")


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def load_mapping(path: str, *, fields: tuple[str, ...] = FIELDS, required: tuple[str, ...] = REQUIRED) -> Preset:
    """Read a YAML mapping file (of ticket ``fields``, or another file's); any problem is an
    ``InputError`` naming the file."""
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
        raise InputError(f"{where} must be a mapping with a 'columns' key, for example\n"
                         "  columns: {id: \"Ticket #\", priority: Priority, created_at: Opened}")
    for key in doc:
        if key not in _MAPPING_KEYS:
            raise InputError(f"{where}: unknown key '{key}'{_did_you_mean(str(key), _MAPPING_KEYS)}; "
                             f"allowed: {', '.join(_MAPPING_KEYS)}")
    cols = doc.get("columns")
    if not isinstance(cols, dict) or not cols:
        raise InputError(f"{where}: 'columns' must map fields to header names, for example\n"
                         "  columns: {id: \"Ticket #\", priority: Priority, created_at: Opened}")
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
