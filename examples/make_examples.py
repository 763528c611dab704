#!/usr/bin/env python3
"""Generate the example ticket exports in this folder (deterministic, stdlib only).

    python examples/make_examples.py            # writes examples/*.csv next to this script
    python examples/make_examples.py OUTDIR     # somewhere else

Every file is synthetic: one ticket population per help desk, drawn from the
customers, services and priority spellings of the bundled workspace
(``agreements/``), created in October-November 2026 (plus a few tickets
carried over from late 2025), written with the header spellings, extra
columns, timestamp layouts and quirks of each help desk's own CSV export.
The same seed always gives byte-identical files.
"""
from __future__ import annotations

import csv
import io
import os
import random
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SEED = 20261122
HERE = os.path.dirname(os.path.abspath(__file__))
UTC = timezone.utc
MSK = ZoneInfo("Europe/Moscow")
NYC = ZoneInfo("America/New_York")
AS_OF = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # the instant the README scores at
START = datetime(2026, 10, 1, tzinfo=UTC)
END = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # last ticket created before AS_OF

# --------------------------------------------------------------------------- population

# customer key -> (weight, home zone, services it raises tickets for with weights)
CUSTOMERS = {
    "acme": (34, MSK, {"email": 3, "network": 2, "erp": 2, "workplace": 4}),
    "globex": (20, NYC, {"email": 5, "network": 4, "workplace": 1}),
    "initech": (18, MSK, {"erp": 8, "network": 1, "email": 1}),
    "umbrella": (10, MSK, {"email": 2, "workplace": 3, "network": 1}),
    "other": (18, MSK, {"email": 2, "network": 2, "workplace": 3, "erp": 1}),
}
# unknown customers (no agreement of their own: the provider-wide ones apply)
OTHERS = ["Hooli", "Stark Industries", "Vandelay Industries", "Wayne Enterprises", "Pied Piper"]
PRIORITIES = {"P1": 5, "P2": 20, "P3": 50, "P4": 25}
# nominal targets in wall-clock hours (first response, resolution), to spread met/breached
NOMINAL = {"P1": (0.4, 3.0), "P2": (2.0, 14.0), "P3": (8.0, 40.0), "P4": (16.0, 80.0)}

SUBJECTS = {
    "email": ["Outlook keeps asking for the password", "Shared mailbox not visible",
              "Mail to partners bounces (550 5.7.1)", "Cannot send attachments over 10 MB",
              "Calendar invites arrive twice", "Mailbox full, archive please",
              "Spam filter quarantines invoices", "New distribution list for sales"],
    "network": ["VPN drops every 10 minutes", "Wi-Fi on floor 3 very slow",
                "Cannot reach file server from branch office", "Switch port down in meeting room",
                "Site-to-site tunnel to the warehouse is down", "DNS resolves the intranet wrongly",
                "Guest Wi-Fi portal not loading"],
    "erp": ["Month-end closing job failed", "Cannot post invoice: period locked",
            "1C is slow when opening the ledger", "SAP user locked after password change",
            "Exchange rates not loaded today", "Report 'Sales by region' shows zeros",
            "New warehouse needs to be added"],
    "workplace": ["Laptop does not boot after update", "Printer on 2nd floor jams",
                  "Need Visio installed", "Monitor flickers", "New hire laptop for Monday",
                  "Docking station not detecting screens", "Teams camera not working"],
}
SUBJECTS_RU = {
    "email": ["Не приходит почта от контрагентов", "Outlook просит пароль", "Переполнен ящик",
              "Письма уходят в спам"],
    "network": ["Не работает VPN", "Медленный Wi-Fi в переговорной", "Нет доступа к файловому серверу"],
    "erp": ["Ошибка при закрытии месяца в 1С", "Не проводится счёт-фактура", "1С медленно открывает отчёт",
            "Не загрузились курсы валют", "Добавить склад в справочник"],
    "workplace": ["Не включается ноутбук", "Принтер жуёт бумагу", "Установить Visio", "Мерцает монитор"],
}
FIRST_NAMES = ["Anna", "Boris", "Chloe", "Dmitry", "Elena", "Frank", "Grace", "Hiro", "Ivan", "Julia",
               "Ken", "Laura", "Mikhail", "Nina", "Oleg", "Priya", "Quentin", "Rosa", "Sergey", "Tom"]
LAST_NAMES = ["Ivanova", "Smith", "Petrov", "Garcia", "Kuznetsova", "Brown", "Sato", "Novak",
              "Fischer", "Orlov", "Wilson", "Popova"]
AGENTS = ["Alexei Volkov", "Maria Sokolova", "John Doyle", "Kate Lin", "Pavel Egorov", "Olga Smirnova"]
AGENTS_RU = ["Волков Алексей", "Соколова Мария", "Егоров Павел", "Смирнова Ольга"]
DOMAINS = {"acme": "acme.example", "globex": "globex.example", "initech": "initech.example",
           "umbrella": "umbrella.example"}


@dataclass
class Ticket:
    n: int
    customer: str  # key in CUSTOMERS or an OTHERS name, "" = none
    service: str  # canonical service name, "" = none recorded
    priority: str  # canonical P1..P4
    created: datetime  # aware, UTC
    first_response: datetime | None
    resolved: datetime | None
    subject: str
    requester: str
    agent: str
    rnd: float = 0.0  # a per-ticket draw the writers use for spelling choices
    extra: dict = field(default_factory=dict)

    @property
    def state(self) -> str:
        if self.resolved is not None:
            return "closed" if AS_OF - self.resolved > timedelta(days=4) else "solved"
        if self.first_response is None:
            return "new"
        return "pending" if self.rnd < 0.3 else "open"


def _pick(rnd: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rnd.choices(keys, weights=[weights[k] for k in keys])[0]


def _created(rnd: random.Random, zone: ZoneInfo) -> datetime:
    """A creation instant: mostly working hours on weekdays of the customer's zone."""
    span = int((END - START).total_seconds())
    while True:
        t = START + timedelta(seconds=rnd.randrange(span))
        local = t.astimezone(zone)
        working = local.weekday() < 5 and 8 <= local.hour < 19
        if working or rnd.random() < 0.12:
            return t.replace(microsecond=0)


def _delay(rnd: random.Random, hours: float, spread: float = 1.0) -> timedelta:
    """A reaction time around a nominal target: lognormal, a tail that overruns it."""
    factor = rnd.lognormvariate(-0.9, 0.95 * spread)
    return timedelta(seconds=max(60, int(hours * 3600 * factor)))


def population(rnd: random.Random, count: int, *, carry_over: int = 4) -> list[Ticket]:
    tickets: list[Ticket] = []
    for n in range(count):
        key = _pick(rnd, {k: v[0] for k, v in CUSTOMERS.items()})
        _, zone, services = CUSTOMERS[key]
        customer = rnd.choice(OTHERS) if key == "other" else key
        service = _pick(rnd, services)
        priority = _pick(rnd, PRIORITIES)
        created = _created(rnd, zone)
        fr_h, res_h = NOMINAL[priority]
        fr = created + _delay(rnd, fr_h)
        res = fr + _delay(rnd, res_h, 1.1)
        if rnd.random() < 0.04:
            fr = None  # nobody replied yet (or the reply was not recorded)
        recent = AS_OF - created < timedelta(days=6)
        if rnd.random() < (0.3 if recent else 0.03) or res > AS_OF:
            res = None  # still being worked on
        if fr is not None and fr > AS_OF:
            fr = None
        if res is not None and fr is None:
            fr = created + (res - created) / 3
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        tickets.append(Ticket(n, customer, service, priority, created, fr, res,
                              rnd.choice(SUBJECTS[service]), f"{first} {last}", rnd.choice(AGENTS),
                              rnd.random()))
    # a few tickets still open from before the 2026 contracts (uncovered for most customers)
    for i in range(carry_over):
        key = ["acme", "umbrella", "initech", "other"][i % 4]
        customer = rnd.choice(OTHERS) if key == "other" else key
        service = "erp" if key == "initech" else "workplace"
        created = datetime(2025, 12, 10 + 4 * i, 10 + i, 17, 5, tzinfo=UTC)
        fr = created + timedelta(hours=3 + i)
        tickets.append(Ticket(count + i, customer, service, "P3", created, fr, None,
                              rnd.choice(SUBJECTS[service]), f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}",
                              rnd.choice(AGENTS), 0.5))
    tickets.sort(key=lambda t: t.created)
    for n, t in enumerate(tickets):
        t.n = n  # help desks number tickets in creation order
    return tickets


def spelled(rnd: random.Random, choices: list[tuple[str, int]]) -> str:
    return rnd.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


CUSTOMER_SPELLINGS = {
    "acme": [("acme", 2), ("ACME Corp", 3), ("ACME Corporation", 3), ("ACME", 2)],
    "globex": [("globex", 2), ("Globex Corporation", 3), ("Globex Inc", 3), ("Globex", 2)],
    "initech": [("initech", 3), ("Initech LLC", 5)],
    "umbrella": [("umbrella", 3), ("Umbrella Pharma", 5)],
}
SERVICE_SPELLINGS = {
    "email": [("email", 3), ("E-mail", 2), ("Mail", 1), ("Email", 2)],
    "network": [("network", 3), ("VPN", 3), ("WiFi", 1), ("Network", 1)],
    "erp": [("erp", 2), ("SAP", 2), ("1C", 3), ("ERP", 1)],
    "workplace": [("workplace", 2), ("Hardware", 3), ("Desktop", 2)],
}


def customer_name(rnd: random.Random, t: Ticket) -> str:
    if t.customer in CUSTOMER_SPELLINGS:
        return spelled(rnd, CUSTOMER_SPELLINGS[t.customer])
    return t.customer


def service_name(rnd: random.Random, t: Ticket) -> str:
    return spelled(rnd, SERVICE_SPELLINGS[t.service])


def email_of(t: Ticket) -> str:
    first, last = t.requester.split()
    domain = DOMAINS.get(t.customer) or t.customer.lower().replace(" ", "") + ".example"
    return f"{first[0].lower()}.{last.lower()}@{domain}"


# --------------------------------------------------------------------------- writing

def write_csv(path: str, header: list[str], rows: list[list[str]], *, encoding: str = "utf-8",
              delimiter: str = ",", newline: str = "\r\n", bom: bool = False) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode(encoding)
    with open(path, "wb") as f:
        if bom:
            f.write(b"\xef\xbb\xbf")
        f.write(data)


def iso_offset(dt: datetime | None, zone: ZoneInfo) -> str:
    return "" if dt is None else dt.astimezone(zone).isoformat()


def naive(dt: datetime | None, zone, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return "" if dt is None else dt.astimezone(zone).strftime(fmt)


# -- generic -------------------------------------------------------------------------

def make_generic(out: str, rnd: random.Random) -> None:
    tickets = population(rnd, 300)
    header = ["id", "customer", "service", "priority", "created_at", "first_response_at", "resolved_at",
              "status", "subject", "assignee"]
    prio = {"P1": [("P1", 6), ("urgent", 2), ("critical", 1)], "P2": [("P2", 6), ("high", 3)],
            "P3": [("P3", 6), ("normal", 2), ("medium", 1)], "P4": [("P4", 6), ("low", 3)]}
    rows = []
    for t in tickets:
        zone = CUSTOMERS.get(t.customer, CUSTOMERS["other"])[1]
        svc = service_name(rnd, t) if rnd.random() > 0.03 else ""
        rows.append([f"T-{10000 + t.n}", customer_name(rnd, t), svc, spelled(rnd, prio[t.priority]),
                     iso_offset(t.created, zone), iso_offset(t.first_response, zone),
                     iso_offset(t.resolved, zone), t.state, t.subject, t.agent])
    # deliberately broken rows: the report lists each with its reason
    broken = [
        ["", "ACME Corp", "email", "P3", "2026-10-14T10:02:00+03:00", "2026-10-14T11:30:00+03:00", "",
         "open", "Ticket id lost in a copy-paste", "Kate Lin"],
        ["T-19001", "Globex Inc", "VPN", "P2", "2026-10-3? 09:00", "", "", "new",
         "Typo in the creation date", "John Doyle"],
        ["T-19002", "Initech LLC", "1C", "P2", "2026-11-05T15:00:00+03:00", "2026-11-05T15:20:00+03:00",
         "2026-11-04T18:00:00+03:00", "solved", "Resolved before it was created (clock skew)", "Pavel Egorov"],
    ]
    for at, row in zip((37, 118, 251), broken):
        rows.insert(at, row)
    write_csv(os.path.join(out, "generic.csv"), header, rows, newline="\n")


# -- generic, Russian desk: cp1251, semicolons, dd.mm.yyyy Moscow time ---------------------

def make_generic_cp1251(out: str, rnd: random.Random) -> None:
    tickets = population(rnd, 180, carry_over=2)
    header = ["id", "customer", "service", "priority", "created_at", "first_response_at", "resolved_at",
              "status", "тема", "исполнитель"]
    cust = {"acme": [("ACME", 1)], "globex": [("Globex", 1)], "initech": [("Инитех", 1)],
            "umbrella": [("Umbrella Pharma", 1)]}
    russian_others = ["ООО Ромашка", "АО Вектор", "ИП Сидоров"]
    svc = {"email": [("Почта", 1)], "erp": [("1С", 3), ("SAP", 1)], "network": [("Сеть", 1)],
           "workplace": [("Рабочее место", 1)]}
    prio = {"P1": "Срочный", "P2": "Высокий", "P3": "Средний", "P4": "Низкий"}
    status = {"new": "Новая", "open": "В работе", "pending": "Ждёт ответа", "solved": "Решена",
              "closed": "Закрыта"}
    fmt = "%d.%m.%Y %H:%M:%S"
    rows = []
    for t in tickets:
        # a Moscow desk: no Globex (a New York customer); small Russian firms instead
        if t.customer == "globex":
            t.customer = rnd.choice(["acme", "initech", "other"])
        if t.customer == "initech" or t.customer in OTHERS or t.customer == "other":
            c = spelled(rnd, cust["initech"]) if t.customer == "initech" else rnd.choice(russian_others)
        else:
            c = spelled(rnd, cust[t.customer])
        subject = rnd.choice(SUBJECTS_RU[t.service])
        rows.append([str(50000 + t.n), c, spelled(rnd, svc[t.service]), prio[t.priority],
                     naive(t.created, MSK, fmt), naive(t.first_response, MSK, fmt),
                     naive(t.resolved, MSK, fmt), status[t.state], subject, rnd.choice(AGENTS_RU)])
    write_csv(os.path.join(out, "generic-cp1251.csv"), header, rows, encoding="cp1251", delimiter=";")


# -- Zendesk ---------------------------------------------------------------------------

def make_zendesk(out: str, rnd: random.Random) -> None:
    tickets = population(rnd, 320)
    header = ["Summation column", "Id", "Requester", "Requester id", "Requester external id", "Requester email",
              "Requester domain", "Submitter", "Assignee", "Group", "Subject", "Tags", "Status", "Priority",
              "Via", "Ticket type", "Created at", "Updated at", "Assigned at", "Organization", "Due date",
              "Initially assigned at", "Solved at", "Resolution time", "Satisfaction Score", "Group stations",
              "Assignee stations", "Reopens", "Replies", "First reply time in minutes",
              "First reply time in minutes within business hours", "First resolution time in minutes",
              "First resolution time in minutes within business hours", "Full resolution time in minutes",
              "Full resolution time in minutes within business hours", "Agent wait time in minutes",
              "Agent wait time in minutes within business hours", "Requester wait time in minutes",
              "Requester wait time in minutes within business hours", "On hold time in minutes",
              "On hold time in minutes within business hours"]
    # agent groups named after the services the desk supports; "Tier 1" triages everything else
    groups = {"email": "Email", "network": "Network", "erp": "ERP", "workplace": "Workplace"}
    prio = {"P1": "Urgent", "P2": "High", "P3": "Normal", "P4": "Low"}
    status = {"new": "New", "open": "Open", "pending": "Pending", "solved": "Solved", "closed": "Closed"}
    orgs = {"acme": "ACME Corporation", "globex": "Globex Inc", "initech": "Initech LLC",
            "umbrella": "Umbrella Pharma"}
    fmt = "%Y-%m-%d %H:%M:%S"
    rows = []
    for t in tickets:
        minutes = lambda a, b: "" if a is None or b is None else str(int((b - a).total_seconds() // 60))  # noqa: E731
        group = groups[t.service] if rnd.random() > 0.08 else "Tier 1"
        priority = prio[t.priority] if rnd.random() > 0.04 else ""  # tickets nobody prioritised
        org = orgs.get(t.customer, t.customer) if rnd.random() > 0.03 else ""
        updated = t.resolved or t.first_response or t.created
        wait = minutes(t.created, t.resolved)
        replies = "0" if t.first_response is None else str(1 + int(t.rnd * 5))
        tags = " ".join(sorted({t.service, "sla_" + t.priority.lower(), "web" if t.rnd < 0.5 else "email_in"}))
        rows.append([
            "1", str(48000 + t.n * 3 + int(t.rnd * 3)), t.requester, str(361000000000 + t.n * 17), "",
            email_of(t), email_of(t).split("@")[1], t.requester, t.agent, group, t.subject, tags,
            status[t.state], priority, "Mail" if t.rnd < 0.5 else "Web form",
            "Incident" if t.rnd < 0.7 else "Question",
            naive(t.created, UTC, fmt), naive(updated, UTC, fmt),
            naive(t.first_response or t.created, UTC, fmt), org, "",
            naive(t.created + timedelta(minutes=2), UTC, fmt), naive(t.resolved, UTC, fmt),
            "" if t.resolved is None else str(int((t.resolved - t.created).total_seconds() // 3600)),
            "Not Offered" if t.rnd < 0.6 else ("Good" if t.rnd < 0.9 else "Bad"), "1", "1",
            "0", replies, minutes(t.created, t.first_response), minutes(t.created, t.first_response),
            wait, wait, wait, wait, wait, wait, "0", "0", "0", "0",
        ])
    write_csv(os.path.join(out, "zendesk.csv"), header, rows, newline="\n")


# -- Jira Service Management -------------------------------------------------------------

def jira_time(dt: datetime | None) -> str:
    """Jira's default CSV date layout, dd/Mon/yy h:mm AM, in the exporting user's zone (UTC here)."""
    if dt is None:
        return ""
    d = dt.astimezone(UTC)
    return f"{d.day:02d}/{d.strftime('%b')}/{d.strftime('%y')} {int(d.strftime('%I'))}:{d.strftime('%M %p')}"


def make_jira(out: str, rnd: random.Random) -> None:
    tickets = population(rnd, 260)
    header = ["Summary", "Issue key", "Issue id", "Parent id", "Issue Type", "Status", "Project key",
              "Project name", "Project type", "Project lead", "Priority", "Resolution", "Assignee",
              "Reporter", "Creator", "Created", "Updated", "Last Viewed", "Resolved", "Component/s",
              "Component/s", "Due Date", "Labels", "Labels", "Labels", "Description", "Environment",
              "Watchers", "Watchers", "Custom field (Organizations)", "Custom field (Request Type)",
              "Custom field (Request participants)", "Custom field ([CHART] Date of First Response)",
              "Custom field (Satisfaction rating)", "Custom field (Time to first response)",
              "Custom field (Time to resolution)", "Comment", "Comment"]
    comps = {"email": ["Email", "Exchange"], "network": ["VPN", "Network"], "erp": ["SAP", "ERP"],
             "workplace": ["Hardware", "Desktop"]}
    request_types = {"email": "Email issue", "network": "Get help with the network",
                     "erp": "ERP / SAP request", "workplace": "Fix a laptop or printer"}
    prio = {"P1": [("Highest", 1)], "P2": [("High", 1)], "P3": [("Medium", 1)], "P4": [("Low", 3), ("Lowest", 1)]}
    status = {"new": "Waiting for support", "open": "In Progress", "pending": "Waiting for customer",
              "solved": "Resolved", "closed": "Closed"}
    orgs = {"acme": "ACME Corporation", "globex": "Globex Corporation", "initech": "Initech LLC",
            "umbrella": "Umbrella Pharma"}
    rows = []
    for t in tickets:
        c = comps[t.service]
        r = rnd.random()
        components = [c[0], ""] if r < 0.6 else ([c[0], c[1]] if r < 0.85 else ["", ""])
        labels = rnd.sample(["customer", "sla", "vip", "remote", "office", "recurring"], k=int(t.rnd * 3))
        labels += [""] * (3 - len(labels))
        desc = (f"Hi team,\r\n\r\n{t.subject}. It started {naive(t.created, UTC, '%A %H:%M')} UTC, "
                f"\"nothing changed\" on our side.\r\n\r\nThanks,\r\n{t.requester}")
        sla_fr = "" if t.first_response is None else ("" if t.rnd < 0.5 else "-15m")
        done = t.resolved is not None
        first_comment = "" if t.first_response is None else \
            f"{jira_time(t.first_response)};{t.agent.lower().replace(' ', '.')};Looking into it now."
        rows.append([
            t.subject, f"ITSD-{1200 + t.n}", str(31000 + t.n), "", "Incident" if t.rnd < 0.75 else "Service Request",
            status[t.state], "ITSD", "IT Service Desk", "service_desk", "Olga Smirnova",
            spelled(rnd, prio[t.priority]), "Done" if done else "", t.agent, t.requester, t.requester,
            jira_time(t.created), jira_time(t.resolved or t.first_response or t.created), "",
            jira_time(t.resolved), *components, "", *labels, desc, "", t.requester, t.agent,
            orgs.get(t.customer, t.customer), request_types[t.service], "", jira_time(t.first_response),
            "" if not done or t.rnd < 0.5 else str(4 + int(t.rnd * 2)), sla_fr, "", first_comment, "",
        ])
    write_csv(os.path.join(out, "jira.csv"), header, rows, bom=True)


# -- Freshdesk -------------------------------------------------------------------------------

def make_freshdesk(out: str, rnd: random.Random) -> None:
    tickets = population(rnd, 240)
    header = ["Ticket ID", "Subject", "Status", "Priority", "Source", "Type", "Agent", "Group", "Created time",
              "Due by Time", "Resolved time", "Closed time", "Last update time", "Initial response time",
              "Time tracked", "First response time (in hrs)", "Resolution time (in hrs)", "Agent interactions",
              "Customer interactions", "Resolution status", "First response status", "Tags", "Survey results",
              "Product", "Full name", "Email", "Contact ID", "Company Name"]
    groups = {"email": "Email", "network": "Network", "erp": "ERP", "workplace": "Hardware"}
    prio = {"P1": "Urgent", "P2": "High", "P3": "Medium", "P4": "Low"}
    status = {"new": "Open", "open": "Open", "pending": "Waiting on Customer", "solved": "Resolved",
              "closed": "Closed"}
    companies = {"acme": "ACME Corp", "globex": "Globex", "initech": "Initech LLC", "umbrella": "Umbrella Pharma"}
    fmt = "%Y-%m-%d %H:%M:%S"
    rows = []
    for t in tickets:
        # Freshdesk's stock ticket types; agents leave it empty on a good share of tickets
        r = rnd.random()
        ttype = "" if r < 0.45 else ("Incident" if r < 0.75 else ("Question" if r < 0.9 else "Problem"))
        hrs = lambda a, b: "" if a is None or b is None else f"{(b - a).total_seconds() / 3600:.2f}"  # noqa: E731
        due = t.created + timedelta(hours=NOMINAL[t.priority][1])
        rows.append([
            str(3100 + t.n), t.subject, status[t.state], prio[t.priority],
            "Email" if t.rnd < 0.5 else ("Portal" if t.rnd < 0.8 else "Phone"), ttype, t.agent,
            groups[t.service], naive(t.created, UTC, fmt), naive(due, UTC, fmt), naive(t.resolved, UTC, fmt),
            naive(t.resolved + timedelta(days=2) if t.resolved and AS_OF - t.resolved > timedelta(days=2) else None,
                  UTC, fmt),
            naive(t.resolved or t.first_response or t.created, UTC, fmt), naive(t.first_response, UTC, fmt),
            "00:00" if t.rnd < 0.5 else f"00:{10 + int(t.rnd * 40):02d}",
            hrs(t.created, t.first_response), hrs(t.created, t.resolved),
            str(int(t.rnd * 4) + (t.first_response is not None)), str(1 + int(t.rnd * 3)),
            "" if t.resolved is None else ("Within SLA" if t.resolved <= due else "SLA Violated"),
            "" if t.first_response is None else "Within SLA",
            t.service if t.rnd < 0.3 else "", "", "", t.requester, email_of(t), str(42000000 + t.n),
            companies.get(t.customer, t.customer),
        ])
    write_csv(os.path.join(out, "freshdesk.csv"), header, rows, newline="\n")


# -- ServiceNow ------------------------------------------------------------------------------

def make_servicenow(out: str, rnd: random.Random) -> None:
    tickets = population(rnd, 280)
    header = ["number", "opened_at", "short_description", "caller_id", "company", "priority", "state",
              "category", "subcategory", "business_service", "cmdb_ci", "assignment_group", "assigned_to",
              "impact", "urgency", "contact_type", "sys_updated_on", "sys_updated_by", "resolved_at",
              "closed_at", "close_code", "reassignment_count", "sys_created_by"]
    prio = {"P1": [("1 - Critical", 1)], "P2": [("2 - High", 1)], "P3": [("3 - Moderate", 1)],
            "P4": [("4 - Low", 4), ("5 - Planning", 1)]}
    impact = {"P1": "1 - High", "P2": "2 - Medium", "P3": "2 - Medium", "P4": "3 - Low"}
    state = {"new": "New", "open": "In Progress", "pending": "On Hold", "solved": "Resolved", "closed": "Closed"}
    companies = {"acme": "ACME Corporation", "globex": "Globex Corporation", "initech": "Initech LLC",
                 "umbrella": "Umbrella Pharma"}
    # business services as the CMDB names them (aliases in the workspace), category, configuration item
    bs = {"email": "Email", "network": "VPN", "erp": "SAP", "workplace": "Desktop"}
    category = {"email": "Software", "network": "Network", "erp": "Software", "workplace": "Hardware"}
    subcat = {"email": "Email", "network": "VPN", "erp": "Operating System", "workplace": "Laptop"}
    ci = {"email": ["EXCH-MBX-01", "EXCH-MBX-02"], "network": ["fw-msk-01", "vpn-gw-02", "sw-flr3-07"],
          "erp": ["SAP ERP PRD", "1C-APP-01"], "workplace": ["LT-00412", "PRN-2F-01", "LT-00977"]}
    groups = {"email": "Messaging", "network": "Network", "erp": "ERP Support", "workplace": "Service Desk"}
    fmt = "%Y-%m-%d %H:%M:%S"
    rows = []
    for t in tickets:
        # the business service is filled on most incidents; the CI and category nearly always
        r = rnd.random()
        service = bs[t.service] if r < 0.8 else ""
        cmdb = rnd.choice(ci[t.service]) if r < 0.95 else ""
        closed = t.resolved + timedelta(days=3) if t.resolved and AS_OF - t.resolved > timedelta(days=3) else None
        st = "Closed" if closed else state[t.state]
        rows.append([
            f"INC00{21000 + t.n}", naive(t.created, UTC, fmt), t.subject, t.requester,
            companies.get(t.customer, t.customer), spelled(rnd, prio[t.priority]), st, category[t.service],
            subcat[t.service], service, cmdb, groups[t.service], t.agent, impact[t.priority],
            impact[t.priority] if t.rnd < 0.7 else "2 - Medium", "Email" if t.rnd < 0.4 else "Self-service",
            naive(closed or t.resolved or t.first_response or t.created, UTC, fmt),
            t.agent.lower().replace(" ", "."), naive(t.resolved, UTC, fmt), naive(closed, UTC, fmt),
            "" if t.resolved is None else ("Solved (Permanently)" if t.rnd < 0.8 else "Solved (Work Around)"),
            str(int(t.rnd * 3)), "admin" if t.rnd < 0.1 else t.requester.lower().replace(" ", "."),
        ])
    write_csv(os.path.join(out, "servicenow.csv"), header, rows, newline="\n")


# -- status histories: a Jira issue history, a ServiceNow event log -------------------------

def status_story(rnd: random.Random, t: Ticket, names: dict[str, str]) -> list[tuple[datetime, str, str]]:
    """The ticket's status changes (instant, from, to) consistent with its export row: a reply
    starts the work, some tickets wait on the customer for a while, a few are resolved too
    early and reopened, resolved tickets are closed four days later. ``names`` spells the
    states (new, work, wait, solved, reopened, closed) as the desk does."""
    out: list[tuple[datetime, str, str]] = []
    status = names["new"]

    def change(at: datetime, to: str) -> None:
        nonlocal status
        out.append((at.replace(microsecond=0), status, to))
        status = to

    if t.first_response is None:
        return out
    change(t.first_response, names["work"])
    end = t.resolved or AS_OF
    room = (end - t.first_response).total_seconds()
    if t.state == "pending":
        change(t.first_response + timedelta(seconds=room * rnd.uniform(0.2, 0.8)), names["wait"])
        return out
    if t.resolved is not None and room > 3600 and rnd.random() < 0.12:  # resolved too early, reopened
        early = t.first_response + timedelta(seconds=room * rnd.uniform(0.2, 0.4))
        change(early, names["solved"])
        change(early + timedelta(seconds=room * rnd.uniform(0.1, 0.3)), names["reopened"])
        change(out[-1][0] + timedelta(minutes=rnd.randint(5, 90)), names["work"])
    elif room > 7200 and rnd.random() < 0.4:  # waits on the customer for a while
        a = rnd.uniform(0.1, 0.5)
        change(t.first_response + timedelta(seconds=room * a), names["wait"])
        change(t.first_response + timedelta(seconds=room * rnd.uniform(a + 0.1, 0.9)), names["work"])
    if t.resolved is not None:
        change(t.resolved, names["solved"])
        if t.state == "closed":
            change(t.resolved + timedelta(days=4), names["closed"])
    return out


JIRA_STATES = {"new": "Waiting for support", "work": "In Progress", "wait": "Waiting for customer",
               "solved": "Resolved", "reopened": "Reopened", "closed": "Closed"}


def jira_stamp(dt: datetime) -> str:
    """The issue-history export's layout: ISO 8601 with milliseconds and a +0000 offset."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def make_jira_history(out: str, rnd: random.Random) -> None:
    """The status history of the tickets in jira.csv, in the shape of a Jira issue-history
    export (one row per changed field, sorted by issue), other fields mixed in."""
    tickets = population(random.Random(SEED + 3), 260)  # exactly jira.csv's tickets
    header = ["issue_id", "issue_key", "author", "created_date", "field", "field_type", "from", "from_string",
              "to", "to_string"]
    ids = {name: str(10000 + i) for i, name in enumerate(JIRA_STATES.values())}
    rows = [["30990", "ITSD-1190", "olga.smirnova", jira_stamp(datetime(2025, 12, 1, 9, 0, tzinfo=UTC)),
             "status", "jira", ids["Waiting for support"], "Waiting for support", ids["In Progress"],
             "In Progress"]]  # an issue deleted since: not in the export
    for t in tickets:
        key, issue, who = f"ITSD-{1200 + t.n}", str(31000 + t.n), t.agent.lower().replace(" ", ".")
        changes = [(at, "status", ids[a], a, ids[b], b) for at, a, b in status_story(rnd, t, JIRA_STATES)]
        changes.append((t.created + timedelta(minutes=rnd.randint(1, 20)), "assignee", "", "", who, t.agent))
        if rnd.random() < 0.15:
            changes.append((t.created + timedelta(minutes=rnd.randint(20, 300)), "priority", "3", "Medium",
                            "2", "High"))
        for at, field_, a_id, a, b_id, b in sorted(changes, key=lambda c: c[0]):
            rows.append([issue, key, who, jira_stamp(at), field_, "jira", a_id, a, b_id, b])
    write_csv(os.path.join(out, "jira-history.csv"), header, rows)


def make_servicenow_event_log(out: str, rnd: random.Random) -> None:
    """A ServiceNow incident event log: one row per update of an incident, all incidents
    interleaved in update order; the status column across an incident's rows is its history."""
    tickets = population(rnd, 60, carry_over=0)
    names = {"new": "New", "work": "In Progress", "wait": "On Hold", "solved": "Resolved",
             "reopened": "In Progress", "closed": "Closed"}
    prio = {"P1": "1 - Critical", "P2": "2 - High", "P3": "3 - Moderate", "P4": "4 - Low"}
    companies = {"acme": "ACME Corporation", "globex": "Globex Corporation", "initech": "Initech LLC",
                 "umbrella": "Umbrella Pharma"}
    fmt = "%Y-%m-%d %H:%M:%S"
    header = ["number", "company", "priority", "state", "opened_at", "resolved_at", "sys_updated_on",
              "sys_updated_by", "short_description"]
    events = []
    for t in tickets:
        base = [f"INC00{31000 + t.n}", companies.get(t.customer, t.customer), prio[t.priority]]
        snaps = [(t.created, "New")] + [(at, to) for at, _, to in status_story(rnd, t, names)]
        for at, state in snaps:
            resolved = t.resolved if t.resolved is not None and at >= t.resolved else None
            events.append((at, [*base, state, naive(t.created, UTC, fmt), naive(resolved, UTC, fmt),
                                naive(at, UTC, fmt), t.agent.lower().replace(" ", "."), t.subject]))
    events.sort(key=lambda e: e[0])
    write_csv(os.path.join(out, "servicenow-event-log.csv"), header, [row for _, row in events], newline="\n")


# -- a home-grown desk that needs a mapping file ---------------------------------------------

def make_custom(out: str, rnd: random.Random) -> None:
    """An in-house desk: its own column names, US dates, minutes instead of a reply time."""
    tickets = population(rnd, 150, carry_over=0)
    header = ["Ticket #", "Opened", "Client", "Product Area", "Severity", "Minutes to First Reply",
              "Closed On", "State", "Title", "Owner"]
    sev = {"P1": "Critical", "P2": "High", "P3": "Medium", "P4": "Low"}
    area = {"email": "Mail", "network": "VPN", "erp": "ERP", "workplace": "Hardware"}
    clients = {"acme": "ACME", "globex": "Globex", "initech": "Initech LLC", "umbrella": "Umbrella Pharma"}
    fmt = "%m/%d/%Y %I:%M %p"  # the desk runs in New York, 12-hour clock
    rows = []
    for t in tickets:
        frm = "" if t.first_response is None else str(int((t.first_response - t.created).total_seconds() // 60))
        rows.append([f"CS-{7000 + t.n}", naive(t.created, NYC, fmt), clients.get(t.customer, t.customer),
                     area[t.service], sev[t.priority], frm, naive(t.resolved, NYC, fmt),
                     "Closed" if t.resolved else "Open", t.subject, t.agent])
    write_csv(os.path.join(out, "custom-desk.csv"), header, rows)


def main(argv: list[str]) -> int:
    out = argv[1] if len(argv) > 1 else HERE
    os.makedirs(out, exist_ok=True)
    makers = (make_generic, make_generic_cp1251, make_zendesk, make_jira, make_freshdesk, make_servicenow,
              make_custom, make_jira_history, make_servicenow_event_log)
    for i, make in enumerate(makers):
        make(out, random.Random(SEED + i))  # one stream per file: editing one leaves the others alone
    print(f"wrote {len(makers)} files to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
