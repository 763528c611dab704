"""Write the example exports of the osTicket, GLPI, OTRS, Zammad, HubSpot and Russian-language
presets and a ServiceNow incident event log (synthetic rows under each product's documented header).

    .venv/bin/python examples/make_preset_examples.py

Seeded: the CSV files come out the same every time (the .xlsx carries its creation time).
"""
from __future__ import annotations

import csv
import os
import random
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
START = datetime(2026, 10, 1, 8, 0)
CUSTOMERS = ["ACME Corp", "ACME Corporation", "Globex Corporation", "Initech LLC", "Umbrella Pharma", "Hooli"]
SERVICES = ["Email", "VPN", "ERP", "Hardware"]


def _tickets(seed: int, n: int = 24) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        created = START + timedelta(days=rnd.randrange(0, 50), hours=rnd.randrange(0, 9),
                                    minutes=rnd.randrange(0, 60))
        first = created + timedelta(minutes=rnd.randrange(5, 600)) if i % 7 else None
        resolved = (first or created) + timedelta(hours=rnd.randrange(1, 60)) if i % 4 else None
        out.append({"n": i, "created": created, "first": first, "resolved": resolved,
                    "customer": CUSTOMERS[i % len(CUSTOMERS)], "service": SERVICES[i % len(SERVICES)],
                    "level": i % 4})  # 0 = most urgent
    return out


def _write(name: str, header: list[str], rows: list[list[object]], *, delimiter: str = ",",
           bom: bool = False) -> None:
    with open(os.path.join(HERE, name), "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def _t(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return dt.strftime(fmt) if dt else ""


def osticket() -> None:
    header = ["Ticket Number", "Date Created", "Subject", "From", "From Email", "Priority", "Department",
              "Help Topic", "Source", "Current Status", "Last Updated", "Due Date", "Overdue", "Answered",
              "Agent Assigned", "Team Assigned", "Thread Count", "Attachment Count", "Organization", "Closed Date"]
    prios = ["Emergency", "High", "Normal", "Low"]
    rows = []
    for t in _tickets(11):
        closed = t["resolved"]
        rows.append([f"{100231 + t['n']:06d}", _t(t["created"]), "Cannot reach the mail server", "Ann Lee",
                     "ann@example.com", prios[t["level"]], "Support", t["service"], "Email",
                     "Closed" if closed else "Open", _t(closed or t["created"]), "", "0", "1" if t["first"] else "0",
                     "Maria Sokolova", "", "3", "0", t["customer"], _t(closed)])
    _write("osticket.csv", header, rows)


def glpi() -> None:
    header = ["ID", "Titre", "Entité", "Statut", "Date d'ouverture", "Dernière modification",
              "Date de prise en compte", "Date de résolution", "Date de clôture", "Priorité", "Urgence",
              "Demandeur - Demandeur", "Attribué à - Technicien", "Catégorie"]
    prios = ["Très haute", "Haute", "Moyenne", "Basse"]
    rows = []
    for t in _tickets(12):
        resolved = t["resolved"]
        rows.append([str(4100 + t["n"]), "Imprimante hors service", t["customer"],
                     "Résolu" if resolved else "En cours (Attribué)", _t(t["created"], "%Y-%m-%d %H:%M"),
                     _t(resolved or t["created"], "%Y-%m-%d %H:%M"), _t(t["first"], "%Y-%m-%d %H:%M"),
                     _t(resolved, "%Y-%m-%d %H:%M"), "", prios[t["level"]], "Moyenne", "jdupont", "tech1",
                     t["service"]])
    _write("glpi.csv", header, rows, delimiter=";", bom=True)


def otrs() -> None:
    header = ["TicketNumber", "Age", "Created", "Closed", "FirstLock", "FirstResponse", "State", "Priority",
              "Queue", "Lock", "Owner", "CustomerID", "CustomerName", "From", "Subject"]
    prios = ["5 very high", "4 high", "3 normal", "2 low"]
    rows = []
    for t in _tickets(13):
        closed = t["resolved"]
        rows.append([f"2026100110000{t['n']:03d}", "3 d", _t(t["created"]), _t(closed), _t(t["first"]),
                     _t(t["first"]), "closed successful" if closed else "open", prios[t["level"]], t["service"],
                     "unlock", "agent1", t["customer"], t["customer"], "user@example.com", "VPN drops"])
    _write("otrs.csv", header, rows)


def hubspot() -> None:
    header = ["Ticket ID", "Ticket name", "Pipeline", "Ticket status", "Create date", "Close date", "Priority",
              "Ticket owner", "Source", "Category", "First agent reply date", "Last modified date",
              "Associated Company"]
    prios = ["Urgent", "High", "Medium", "Low"]
    rows = []
    for t in _tickets(14):
        closed = t["resolved"]
        rows.append([str(3051200000 + t["n"]), "Invoice export fails", "Support Pipeline",
                     "Closed" if closed else "Waiting on us", _t(t["created"], "%Y-%m-%d %H:%M"),
                     _t(closed, "%Y-%m-%d %H:%M"), prios[t["level"]], "Maria Sokolova", "Email", t["service"],
                     _t(t["first"], "%Y-%m-%d %H:%M"), _t(closed or t["created"], "%Y-%m-%d %H:%M"),
                     t["customer"]])
    _write("hubspot.csv", header, rows)


def zammad() -> None:
    """Zammad's reporting download as it comes: a bold title row, a blank row, the header on
    row 3, date-time cells in the report's zone, a blank row and the zone in a footer."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header = ["#", "Title", "State", "Priority", "Group", "Owner", "Customer", "Organization", "Create Channel",
              "Sender", "Tags", "Time Units Total", "Created At", "Updated At", "Closed At", "Close Escalation At",
              "Close In Min", "Close Diff In Min", "First Response At", "First Response Escalation At",
              "First Response In Min", "First Response Diff In Min", "Update Escalation At", "Update In Min",
              "Update Diff In Min", "Last Contact At", "Last Contact Agent At", "Last Contact Customer At",
              "Article Count", "Escalation At"]
    prios = ["3 high", "3 high", "2 normal", "1 low"]
    open_states = ["open", "pending reminder", "new", "pending close"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Created"
    ws.append(["Tickets: Created (2026-10-01 - 2026-11-30)"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for t in _tickets(15):
        closed = t["resolved"]
        ws.append([str(31001 + t["n"]), "Laptop does not boot", "closed" if closed else open_states[t["n"] % 4],
                   prios[t["level"]], t["service"], "Maria Sokolova", "Ann Lee", t["customer"], "email", "Customer",
                   "", 0.5 * (t["n"] % 3), t["created"], closed or t["created"], closed, None, None, None, t["first"],
                   None, None, None, None, None, None, t["first"] or t["created"], t["first"], t["created"], 3, None])
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    ws.append([])
    ws.append(["Timezone: Europe/Berlin"])
    wb.save(os.path.join(HERE, "zammad.xlsx"))


def russian() -> None:
    """A Russian desk's ticket list saved from Excel: Windows-1251, ';', CRLF, Russian headers,
    dates as 05.11.2026 14:30 in Moscow time (no offset)."""
    header = ["Номер", "Тема", "Контрагент", "Услуга", "Приоритет", "Статус", "Дата создания",
              "Дата первого ответа", "Дата решения", "Дата закрытия", "Ответственный"]
    customers = ["Инитех", "ООО Ромашка", "Инитех", "АО Вектор", "Initech LLC", "ИП Сидоров"]
    services = ["Почта", "1С", "Сеть", "Рабочее место"]
    prios = ["Критический", "Высокий", "Обычный", "Низкий"]
    subjects = ["Не работает почта", "Ошибка при проведении документа", "Нет доступа к VPN", "Не печатает принтер"]
    rows = []
    for t in _tickets(16):
        resolved = t["resolved"]
        closed = resolved + timedelta(hours=24) if resolved and t["n"] % 3 else None
        status = "Закрыта" if closed else "Решена" if resolved else "В работе" if t["first"] else "Открыта"
        rows.append([str(5200 + t["n"]), subjects[t["level"]], customers[t["n"] % len(customers)],
                     services[t["n"] % len(services)], prios[t["level"]], status, _t(t["created"], "%d.%m.%Y %H:%M"),
                     _t(t["first"], "%d.%m.%Y %H:%M"), _t(resolved, "%d.%m.%Y %H:%M"), _t(closed, "%d.%m.%Y %H:%M"),
                     "Соколова М."])
    with open(os.path.join(HERE, "russian-cp1251.csv"), "w", encoding="cp1251", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def servicenow_events() -> None:
    """Six incidents, one row per update, as ServiceNow's incident event log exports them."""
    header = ["number", "company", "priority", "incident_state", "category", "opened_at", "resolved_at",
              "sys_updated_on", "sys_updated_by"]
    steps = {  # incident -> [(minutes after opening, state)]
        "INC0031001": [(0, "New"), (20, "In Progress"), (140, "Resolved")],
        "INC0031002": [(0, "New"), (45, "In Progress"), (300, "On Hold"), (900, "In Progress"), (1500, "Resolved")],
        "INC0031003": [(0, "New"), (30, "In Progress")],
        "INC0031004": [(0, "New"), (60, "Resolved")],
        "INC0031005": [(0, "New"), (10, "In Progress"), (120, "Resolved")],
        "INC0031006": [(0, "New")],
    }
    meta = {"INC0031001": ("ACME Corporation", "1 - Critical", "Email"),
            "INC0031002": ("Globex Corporation", "2 - High", "Network"),
            "INC0031003": ("Initech LLC", "3 - Moderate", "ERP"),
            "INC0031004": ("Umbrella Pharma", "4 - Low", "Hardware"),
            "INC0031005": ("ACME Corporation", "3 - Moderate", "Hardware"),
            "INC0031006": ("Hooli", "3 - Moderate", "Email")}
    events = []
    for k, (number, seq) in enumerate(steps.items()):
        opened = START + timedelta(days=3 * k, hours=k)
        for minutes, state in seq:
            when = opened + timedelta(minutes=minutes)
            company, prio, cat = meta[number]
            resolved = _t(when) if state == "Resolved" else "?"
            events.append((when, [number, company, prio, state, cat, _t(opened), resolved, _t(when), "admin"]))
    events.sort(key=lambda e: e[0])  # the log is in update order: the incidents' rows interleave
    _write("servicenow-events.csv", header, [row for _, row in events])


if __name__ == "__main__":
    osticket()
    glpi()
    otrs()
    hubspot()
    zammad()
    russian()
    servicenow_events()
