"""Column maps of known ticket exports, auto-detection, and user mapping files.

A preset maps each canonical field (the contract's ``generic`` columns, plus
duration fields for exports that give minutes instead of a timestamp) to the
header names that may carry it, in order of preference. Header names are
compared trimmed and case-insensitively.
"""
from __future__ import annotations

from dataclasses import dataclass, field


# canonical field -> how messages name it
TEXT_FIELDS = ("id", "customer", "service", "priority", "status")
TIME_FIELDS = ("created_at", "first_response_at", "resolved_at")
DURATION_FIELDS = ("first_response_minutes", "resolution_minutes")
SNAPSHOT_FIELD = "updated_at"  # an event log's snapshot time (see slactl.exports.collapse)
FIELDS = TEXT_FIELDS + TIME_FIELDS + DURATION_FIELDS + (SNAPSHOT_FIELD,)
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


NULL_MARKERS = frozenset({"", "?", "null", "n/a", "-", "(none)", "none", "nil", "(null)"})
"""Cell values that mean "empty" in any column (matched trimmed, case-insensitively)."""


def is_null(value: str) -> bool:
    """Whether a cell says "no value" (``?``, ``NULL``, ``N/A``, ``-``, ``(none)``, empty...)."""
    return value.strip(" \t\u00a0").lower() in NULL_MARKERS


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
