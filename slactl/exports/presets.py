"""Column maps of known ticket exports and their recognition from the header.

A preset maps each canonical field (the ``generic`` columns of the README,
plus duration fields for exports that give minutes instead of a timestamp,
and an event log's snapshot time) to the header names that may carry it, in
order of preference; ``closed`` names the closed-time column used when there
is no resolved one. Header names are compared trimmed (no-break spaces too),
case-insensitively, and with words joined by underscores, dots or camelCase
taken as spaced words (``norm``). User mapping files are read by
``slactl.exports.mapping``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


# canonical field -> how messages name it
TEXT_FIELDS = ("id", "customer", "service", "priority", "status")
TIME_FIELDS = ("created_at", "first_response_at", "resolved_at")
DURATION_FIELDS = ("first_response_minutes", "resolution_minutes")
SNAPSHOT_FIELD = "updated_at"  # an event log's snapshot time (see slactl.exports.collapse)
GROUP_FIELD = "group"  # the team holding the ticket (OLAs), when there is no group history
FIELDS = TEXT_FIELDS + TIME_FIELDS + DURATION_FIELDS + (SNAPSHOT_FIELD, GROUP_FIELD)
REQUIRED = ("id", "priority", "created_at")


Names = tuple[str, ...]


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    columns: dict[str, Names]  # field -> header names, preferred first
    signature: tuple[str | Names, ...] = ()  # all present (one name of each tuple): auto picks this preset
    any_of: Names = ()  # ... and at least one of these
    closed: Names = ()  # a closed-time column, the resolution when there is no resolved column
    closed_is_resolution: bool = False  # the desk's only end state is "closed": no note when it is used
    where: str = ""  # where the export is found in the product (README's preset table)
    # the desk's default priority and state values (what a workspace's aliases and pause lists meet)
    priorities: Names = ()
    states: Names = ()
    # mapping files only
    timestamp_format: str | None = None
    dayfirst: bool | None = None
    timezone: str | None = None
    source: str | None = None  # the mapping file
    labels: dict[str, str] = field(default_factory=dict)  # field -> header as the user wrote it

    def names(self) -> set[str]:
        """Every header name the preset knows, normalised."""
        return {norm(n) for names in (*self.columns.values(), self.closed) for n in names}


GENERIC = Preset(
    "generic", "generic (slactl contract)",
    {"id": ("id",), "customer": ("customer",), "service": ("service",), "priority": ("priority",),
     "status": ("status",), "created_at": ("created_at",), "first_response_at": ("first_response_at",),
     "resolved_at": ("resolved_at",), "group": ("group", "assignment_group", "team")},
    signature=("id", "created_at"), closed=("closed_at",),
    where="any tool that can write these columns (a report, a database query)",
)

ZENDESK = Preset(
    "zendesk", "Zendesk (Admin CSV export)",
    {"id": ("Id",), "customer": ("Organization",),
     # a custom Service/Category field says more than the agent group
     "service": ("Service", "Category", "Group"), "priority": ("Priority",), "status": ("Status",),
     "created_at": ("Created at",), "resolved_at": ("Solved at",),
     "first_response_minutes": ("First reply time in minutes",), "group": ("Group",)},
    signature=("Id", "Created at"),
    any_of=("Solved at", "First reply time in minutes", "Requester", "Organization"),
    where="Admin Center > Account > Tools > Reports > Export (CSV), or Explore > Tickets dataset",
)

JIRA = Preset(
    "jira", "Jira (Export CSV, all fields)",
    {"id": ("Issue key",), "customer": ("Custom field (Organizations)",),
     "service": ("Component/s", "Custom field (Request Type)"), "priority": ("Priority",), "status": ("Status",),
     "created_at": ("Created",), "first_response_at": ("Custom field ([CHART] Date of First Response)",),
     "resolved_at": ("Resolved",), "group": ("Team", "Assignee group", "Custom field (Team)")},
    signature=("Issue key", "Created"),
    where="Filters > search > Export > Export Excel CSV (all fields)",
)

FRESHDESK = Preset(
    "freshdesk", "Freshdesk (ticket export)",
    {"id": ("Ticket ID",), "customer": ("Company Name", "Company"),
     "service": ("Group", "Type"),  # the group first: it names the team that owes the SLA
     "priority": ("Priority",), "status": ("Status",), "created_at": ("Created time",),
     "first_response_at": ("Initial response time",), "resolved_at": ("Resolved time",), "group": ("Group",)},
    signature=("Ticket ID", "Created time"), closed=("Closed time",),
    where="Tickets > Export (CSV or Excel)",
)

SERVICENOW = Preset(
    "servicenow", "ServiceNow (incident list export)",
    {"id": ("number",), "customer": ("company",), "service": ("business_service", "category", "cmdb_ci"),
     "priority": ("priority",), "status": ("incident_state", "state"), "created_at": ("opened_at", "opened"),
     "resolved_at": ("resolved_at", "resolved"), "group": ("assignment_group", "assignment group")},
    signature=("number",), any_of=("opened_at", "opened"), closed=("closed_at", "closed"),
    where="Incident list > column menu > Export > CSV (also the incident event log)",
)

OSTICKET = Preset(
    "osticket", "osTicket (ticket export)",
    {"id": ("Ticket Number", "Ticket #"), "customer": ("Organization", "User Organization"),
     "service": ("Help Topic", "Department"), "priority": ("Priority",), "status": ("Current Status", "Status"),
     "created_at": ("Date Created", "Created"), "first_response_at": ("First Response",)},
    signature=(("Ticket Number", "Ticket #"), ("Date Created", "Created")),
    any_of=("Help Topic", "Department", "Current Status", "Last Updated", "Closed Date"),
    closed=("Closed Date", "Date Closed", "Closed"),
    where="Agent Panel > Tickets > (a queue or search) > Export",
)

GLPI = Preset(
    "glpi", "GLPI (ticket list export)",
    {"id": ("ID",), "customer": ("Entité", "Entity"), "service": ("Catégorie", "Category"),
     "priority": ("Priorité", "Priority"), "status": ("Statut", "Status"),
     "created_at": ("Date d'ouverture", "Opening date"),
     "first_response_at": ("Date de prise en compte", "Take into account date"),
     "resolved_at": ("Date de résolution", "Resolution date"),
     "group": ("Attribué à - Groupe", "Assigned to - Group")},
    signature=("ID", ("Date d'ouverture", "Opening date")),
    any_of=("Titre", "Title", "Statut", "Status", "Priorité", "Priority"),
    closed=("Date de clôture", "Closing date", "Close date"),
    where="Assistance > Tickets > search > export (CSV; French or English headers, ';', BOM)",
)

OTRS = Preset(
    "otrs", "OTRS / Znuny (ticket search export, TicketList statistic)",
    {"id": ("TicketNumber", "Ticket#", "Ticket Number"), "customer": ("CustomerID", "Customer ID", "CustomerName",
                                                                        "Customer Name"),
     "service": ("Service", "Queue"), "priority": ("Priority",), "status": ("State",),
     # the statistic's "First Response Time" and "Solution Time" are instants (OTRS's own
     # FirstResponse and SolutionTime); its ...InMin columns are business minutes of the
     # desk's own calendar, never read: the agreement's clock measures
     "created_at": ("Created",), "first_response_at": ("FirstResponse", "First Response", "First Response Time"),
     "resolved_at": ("Solved", "SolutionTime", "Solution Time"), "group": ("Queue",)},
    signature=(("TicketNumber", "Ticket#", "Ticket Number"), "Created"),
    any_of=("Queue", "State", "Age", "Lock", "Owner"),
    closed=("Closed", "Close Time"),
    where="Tickets > Search > output: CSV (Ticket::Frontend::AgentTicketSearch###SearchCSVData); "
          "Reports > Statistics > TicketList, output CSV",
    priorities=("1 very low", "2 low", "3 normal", "4 high", "5 very high"),
    states=("new", "open", "pending reminder", "pending auto close+", "pending auto close-", "closed successful",
            "closed unsuccessful", "merged", "removed"),
)

ZAMMAD = Preset(
    "zammad", "Zammad (reporting XLSX)",
    {"id": ("#", "Number"), "customer": ("Organization",), "service": ("Group",), "priority": ("Priority",),
     "status": ("State",), "created_at": ("Created At",), "first_response_at": ("First Response At",),
     "group": ("Group",)},
    signature=(("#", "Number"), "Created At"), any_of=("Closed At", "First Response At", "Organization"),
    closed=("Closed At", "Close At"), closed_is_resolution=True,
    where="Reporting > (a profile) > Download XLSX: title row, header on row 3, a 'Timezone:' footer "
          "(also ticket list CSV from the search)",
    priorities=("1 low", "2 normal", "3 high"),
    states=("new", "open", "pending reminder", "pending close", "closed", "merged"),
)

HUBSPOT = Preset(
    "hubspot", "HubSpot (tickets export)",
    {"id": ("Ticket ID",), "customer": ("Associated Company", "Company name", "Associated Company (Primary)"),
     "service": ("Category", "Pipeline"), "priority": ("Priority",), "status": ("Ticket status",),
     "created_at": ("Create date",),
     "first_response_at": ("First agent reply date", "First agent email response date", "First agent email reply date",
                           "First agent response date")},
    signature=("Ticket ID", "Create date"), any_of=("Ticket name", "Ticket status", "Pipeline"),
    closed=("Close date",), closed_is_resolution=True,
    where="CRM > Tickets > Export (CSV or XLSX)",
    priorities=("Low", "Medium", "High", "Urgent"),
)

_RU_ID = ("Номер", "№", "Номер заявки", "Номер обращения", "Номер запроса", "Номер инцидента", "Ид", "ID")
_RU_CREATED = ("Дата создания", "Создана", "Создано", "Дата регистрации", "Зарегистрирована", "Дата открытия",
               "Дата поступления")

RUSSIAN = Preset(
    "russian", "Russian-language (ITSM 365, Naumen Service Desk, Okdesk, Bitrix24, a localised desk)",
    {"id": _RU_ID, "customer": ("Клиент", "Контрагент", "Организация", "Компания", "Заказчик"),
     "service": ("Услуга", "Сервис", "Категория", "Тип заявки"), "priority": ("Приоритет", "Важность"),
     "status": ("Статус", "Состояние"), "created_at": _RU_CREATED,
     "first_response_at": ("Дата первого ответа", "Первый ответ", "Дата реакции", "Дата взятия в работу"),
     "resolved_at": ("Дата решения", "Решена", "Решено", "Дата выполнения", "Выполнена")},
    signature=(_RU_ID, _RU_CREATED),
    any_of=("Тема", "Приоритет", "Статус", "Клиент", "Контрагент", "Услуга", "Описание"),
    closed=("Дата закрытия", "Закрыта", "Закрыто"),
    where="the ticket list's export to Excel or CSV with Russian headers (cp1251 or UTF-8, ';'; "
          "dates 05.11.2026 14:30 or 5 нояб. 2026 г.)",
    priorities=("Критический", "Высокий", "Средний", "Обычный", "Низкий"),
)

# specific presets first: auto prefers them to generic
PRESETS: dict[str, Preset] = {p.name: p for p in (ZENDESK, JIRA, FRESHDESK, SERVICENOW, OSTICKET, GLPI, OTRS,
                                                  ZAMMAD, HUBSPOT, RUSSIAN, GENERIC)}
PRESET_NAMES = ("auto", *PRESETS, "mapping")


NULL_MARKERS = frozenset({"", "?", "null", "n/a", "-", "(none)", "none", "nil", "(null)"})
"""Cell values that mean "empty" in any column (matched trimmed, case-insensitively)."""


def is_null(value: str) -> bool:
    """Whether a cell says "no value" (``?``, ``NULL``, ``N/A``, ``-``, ``(none)``, empty...)."""
    return value.strip(" \t\u00a0").lower() in NULL_MARKERS


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_JOINERS = str.maketrans("_.", "  ")


def norm(name: str) -> str:
    """A header name as compared: BOM, quotes and surrounding blanks (no-break spaces too) gone,
    words joined by underscores, dots or camelCase split (``Ticket_ID``, ``ticket.priority``,
    ``FirstResponseTime`` read as ``ticket id``, ``ticket priority``, ``first response time``),
    lower case. Runs once per header name, never per row."""
    text = name.replace("\ufeff", "").strip().strip('"')
    if "_" in text or "." in text:
        text = text.translate(_JOINERS)
    if not text.islower():
        text = _CAMEL.sub(" ", text)
    return " ".join(text.split()).lower().replace("ё", "е")


def _present(name: str | Names, header: set[str]) -> bool:
    return any(norm(n) in header for n in ((name,) if isinstance(name, str) else name))


def score(preset: Preset, header: set[str]) -> int:
    """How many of the preset's column names the header holds."""
    return len(preset.names() & header)


def matches(preset: Preset, header: set[str]) -> bool:
    if not all(_present(n, header) for n in preset.signature):
        return False
    return not preset.any_of or any(norm(n) in header for n in preset.any_of)


def detect(header: set[str]) -> Preset | None:
    """The preset whose signature the header carries (the one knowing most columns wins)."""
    best: Preset | None = None
    for p in PRESETS.values():
        if matches(p, header) and (best is None or score(p, header) > score(best, header)):
            best = p
    return best


def closest(header: set[str]) -> tuple[Preset, list[str]]:
    """The preset nearest to an unrecognised header, and the required columns it lacks there."""
    def lacks(p: Preset) -> list[str]:
        return [f for f in REQUIRED if not any(norm(n) in header for n in p.columns.get(f, ()))]

    best = max(PRESETS.values(), key=lambda p: (-len(lacks(p)), score(p, header), p is GENERIC))
    return best, lacks(best)


def best_score(header: set[str]) -> int:
    """How recognisable a header is under any preset (used to choose the delimiter)."""
    return max(score(p, header) + (100 if matches(p, header) else 0) for p in PRESETS.values())


def expected_text() -> str:
    g = ", ".join(f for f in GENERIC.columns)
    known = ", ".join(p.title.split(" (")[0] for p in PRESETS.values() if p is not GENERIC)
    return f"the generic columns ({g}) or the header of a {known} export"
