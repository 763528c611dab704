"""Real exports, round three: the OTRS TicketList statistic, HubSpot's first agent email response,
Zammad's reporting XLSX (title row, header on row 3, footer zone), epoch milliseconds kept to the
millisecond, underscored and camelCase headers, Russian-language exports. Scored through the CLI
against a permissive workspace (24x7 clock: elapsed minutes are calendar minutes)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from slactl.exports import presets as P
from tests.conftest import BUNDLED, ROOT

AS_OF = "2026-11-22T12:00:00Z"

PERMISSIVE = """apiVersion: slactl/v1
kind: Policy
metadata: {name: open}
spec:
  rules:
    - {priority: urgent, aliases: ["5 very high", Критический], first_response: 1h, resolution: 8h}
    - {priority: high, aliases: ["3 high", "4 high", Высокий], first_response: 2h, resolution: 16h}
    - {priority: normal, aliases: ["2 normal", "3 normal", medium, Обычный], first_response: 4h, resolution: 40h}
    - {priority: low, aliases: ["2 low", Низкий], first_response: 8h, resolution: 80h}
---
apiVersion: slactl/v1
kind: Agreement
metadata: {name: everyone-2026}
spec:
  customer: {id: "*"}
  period: {start: 2025-01-01, end: 2027-12-31}
  policy: open
"""


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    d = tmp_path / "ws"
    d.mkdir()
    (d / "all.yaml").write_text(PERMISSIVE, encoding="utf-8")
    return d


def _score(run_line, ws: Path, path: Path, *extra: str):
    result = run_line("-w", str(ws), "score", str(path), "--preset", "auto", "--as-of", AS_OF,
                      "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def _by_id(report: dict) -> dict[str, dict]:
    return {t["id"]: t for t in report["tickets"]}


# --------------------------------------------------------------------------- OTRS TicketList statistic

OTRS_STAT = (
    "Ticket#;Age;Title;Created;Queue;State;Priority;CustomerID;First Response Time;FirstResponseInMin;"
    "FirstResponseDiffInMin;Close Time;Solution Time;SolutionInMin;SolutionDiffInMin\n"
    "2026110510000011;17 d 2 h;VPN down;2026-11-05 09:00:00;Raw;closed successful;5 very high;acme;"
    "2026-11-05 09:20:00;20;40;2026-11-05 12:00:00;2026-11-05 11:30:00;150;330\n"
    "2026110610000022;16 d 1 h;Mail;2026-11-06 10:00:00;Raw;open;3 normal;globex;2026-11-06 11:00:00;60;180;;;;\n"
    "2026110710000033;15 d;Printer;2026-11-07 10:00:00;Raw;new;2 low;initech;;;;;;;\n"
)


def test_otrs_ticketlist_statistic_reads_first_response_time(run_line, ws, tmp_path):
    p = tmp_path / "stat.csv"
    p.write_text(OTRS_STAT, encoding="utf-8")
    report, err = _score(run_line, ws, p)
    assert (report["preset"], report["rows"], report["scored"], report["rejected"]) == ("otrs", 3, 3, [])
    t = _by_id(report)
    assert t["2026110510000011"]["first_response"]["status"] == "met"
    assert t["2026110510000011"]["first_response"]["elapsed_minutes"] == 20.0
    # Solution Time is the resolution (not the later Close Time)
    assert t["2026110510000011"]["resolution"]["elapsed_minutes"] == 150.0
    assert t["2026110610000022"]["first_response"]["elapsed_minutes"] == 60.0
    assert t["2026110610000022"]["resolution"]["status"] == "breached"
    assert t["2026110710000033"]["first_response"]["status"] == "breached"
    assert "first_response is unmeasured" not in err


# --------------------------------------------------------------------------- HubSpot

HUBSPOT = (
    '"Ticket ID","Ticket name","Pipeline","Ticket status","Priority","Create date",'
    '"First agent email response date","Close date","Associated Company","Ticket owner"\n'
    '"9001","VPN down","Support Pipeline","Closed","HIGH","2026-10-25 01:50","2026-10-25 02:20",'
    '"2026-10-25 09:00","ACME Corp","Anna"\n'
    '"9002","Mail","Support Pipeline","Waiting on contact","MEDIUM","2026-10-26 10:00","2026-10-26 10:45","",'
    '"Globex",""\n'
    '"9003","Printer","Support Pipeline","New","LOW","2026-10-27 11:00","","","Initech",""\n'
)


def test_hubspot_first_agent_email_response_and_the_dst_fold(run_line, ws, tmp_path):
    p = tmp_path / "hubspot.csv"
    p.write_text(HUBSPOT, encoding="utf-8")
    report, err = _score(run_line, ws, p, "--tz", "Europe/Berlin")
    assert (report["preset"], report["rows"], report["scored"]) == ("hubspot", 3, 3)
    t = _by_id(report)
    # 01:50 CEST to 02:20 in the repeated hour, read as its first occurrence (CEST): 30 minutes
    assert t["9001"]["first_response"]["elapsed_minutes"] == 30.0
    assert t["9001"]["first_response_at"] == "2026-10-25T00:20:00+00:00"
    assert t["9002"]["first_response"] == {**t["9002"]["first_response"], "status": "met", "elapsed_minutes": 45.0}
    assert t["9003"]["first_response"]["status"] == "breached"
    fold = [line for line in err.splitlines() if "DST fold" in line]
    assert len(fold) == 1 and "First agent email response date (first_response_at)" in fold[0]
    assert "1 in a DST fold" in fold[0]


# --------------------------------------------------------------------------- Zammad reporting XLSX

ZAMMAD_HEADER = [
    "#", "Title", "State", "Priority", "Group", "Owner", "Customer", "Organization", "Create Channel", "Sender",
    "Tags", "Time Units Total", "Created At", "Updated At", "Closed At", "Close Escalation At", "Close In Min",
    "Close Diff In Min", "First Response At", "First Response Escalation At", "First Response In Min",
    "First Response Diff In Min", "Update Escalation At", "Update In Min", "Update Diff In Min", "Last Contact At",
    "Last Contact Agent At", "Last Contact Customer At", "Article Count", "Escalation At"]


def _zammad_row(number: str, state: str, prio: str, created: datetime, first: datetime | None,
                closed: datetime | None, org: str = "ACME Corp") -> list[object]:
    return [number, "Laptop does not boot", state, prio, "Users", "Maria Sokolova", "Ann Lee", org, "email",
            "Customer", "hardware", 0.5, created, closed or first or created, closed, None, None, None, first, None,
            None, None, None, None, None, first or created, first, created, 3, None]


def write_zammad_report(path: Path, rows: list[list[object]], footer: str = "Timezone: Europe/Berlin") -> None:
    """A workbook shaped as Zammad's Reporting > Download: bold title, blank row, bold header on row 3,
    date-time cells (number format), blank row, footer."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Created"
    ws.append(["Tickets: Created (2026-10-01 - 2026-11-30)"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(ZAMMAD_HEADER)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
    if footer:
        ws.append([])
        ws.append([footer])
    wb.save(path)


ZAMMAD_ROWS = [
    _zammad_row("31001", "closed", "3 high", datetime(2026, 11, 2, 9, 0), datetime(2026, 11, 2, 9, 20),
                datetime(2026, 11, 2, 12, 0)),
    _zammad_row("31002", "pending reminder", "2 normal", datetime(2026, 11, 3, 10, 0),
                datetime(2026, 11, 3, 11, 0), None),
    _zammad_row("31003", "pending close", "1 low", datetime(2026, 11, 4, 10, 0), None, None, "Globex"),
    _zammad_row("31004", "open", "2 normal", datetime(2026, 10, 25, 1, 40), datetime(2026, 10, 25, 2, 40), None),
    _zammad_row("31005", "new", "1 low", datetime(2026, 11, 5, 8, 0, 0, 250000), None, None),
]


def test_zammad_report_layout_header_row_footer_zone(run_line, ws, tmp_path):
    p = tmp_path / "report.xlsx"
    write_zammad_report(p, ZAMMAD_ROWS)
    report, err = _score(run_line, ws, p)
    assert (report["preset"], report["timezone"]) == ("zammad", "Europe/Berlin")
    # the footer is the end of the data, not a rejected ticket
    assert (report["rows"], report["scored"], report["rejected"]) == (5, 5, [])
    notes = " ".join(report["notes"])
    assert "header is on row 3" in notes and "Timezone: Europe/Berlin" in notes
    t = _by_id(report)
    assert t["31002"]["status"] == "pending reminder" and t["31003"]["status"] == "pending close"
    assert t["31001"]["created_at"] == "2026-11-02T08:00:00+00:00"  # 09:00 in Berlin (CET)
    assert t["31001"]["first_response"]["elapsed_minutes"] == 20.0
    assert t["31001"]["resolution"]["elapsed_minutes"] == 180.0  # Closed At: Zammad's end state
    assert t["31005"]["created_at"] == "2026-11-05T07:00:00.250+00:00"
    # the unmatched priority is named, with its count
    assert {"priority": "1 low", "policy": "open", "tickets": 2} in report["no_rule_priorities"]
    assert "'1 low'" in err
    # a first response in the repeated autumn hour: the fold warning names its column
    fold = [line for line in err.splitlines() if "DST fold" in line]
    assert len(fold) == 1 and "First Response At (first_response_at)" in fold[0], err
    assert t["31004"]["first_response"]["elapsed_minutes"] == 60.0  # 01:40 to 02:40 CEST (first occurrence)


def test_zammad_footer_zone_yields_to_an_explicit_tz(run_line, ws, tmp_path):
    p = tmp_path / "report.xlsx"
    write_zammad_report(p, ZAMMAD_ROWS[:1])
    report, _ = _score(run_line, ws, p, "--tz", "Europe/Moscow")
    assert report["timezone"] == "Europe/Moscow"
    assert report["tickets"][0]["created_at"] == "2026-11-02T06:00:00+00:00"
    assert any("footer names the zone Europe/Berlin" in n for n in report["notes"])


def test_a_long_report_sheet_takes_its_zone_from_the_footer_beyond_the_sample(run_line, ws, tmp_path):
    p = tmp_path / "long.xlsx"
    rows = [_zammad_row(str(40000 + i), "open", "2 normal", datetime(2026, 11, 1 + i % 20, 10, i % 60),
                        None, None) for i in range(1205)]
    write_zammad_report(p, rows)
    report, _ = _score(run_line, ws, p)
    assert (report["timezone"], report["rows"], report["scored"], report["rejected"]) == ("Europe/Berlin", 1205,
                                                                                        1205, [])
    assert _by_id(report)["40000"]["created_at"] == "2026-11-01T09:00:00+00:00"


def test_rows_after_a_footer_are_said_not_dropped_silently(run_line, ws, tmp_path):
    from openpyxl import load_workbook

    p = tmp_path / "report.xlsx"
    write_zammad_report(p, ZAMMAD_ROWS[:2])
    wb = load_workbook(p)
    wb.active.append(["Generated by Zammad"])
    wb.save(p)
    report, _ = _score(run_line, ws, p)
    assert report["rows"] == 2
    assert any("1 row(s) after it are not read" in n for n in report["notes"])


def test_any_spreadsheet_with_title_rows_has_its_header_found(run_line, ws, tmp_path):
    from openpyxl import Workbook

    p = tmp_path / "plain.xlsx"
    wb = Workbook()
    sheet = wb.active
    sheet.append(["Weekly ticket report"])
    sheet.append(["exported 2026-11-20"])
    sheet.append([])
    sheet.append(["id", "customer", "priority", "created_at", "first_response_at"])
    sheet.append(["A-1", "acme", "3 high", datetime(2026, 11, 2, 9, 0), datetime(2026, 11, 2, 9, 45)])
    wb.save(p)
    report, _ = _score(run_line, ws, p)
    assert (report["preset"], report["rows"], report["scored"]) == ("generic", 1, 1)
    assert report["tickets"][0]["first_response"]["elapsed_minutes"] == 45.0
    # and slactl mapping, for a layout no preset knows, skips the title rows too
    sheet.cell(4, 1).value = "Case Number"
    sheet.cell(4, 4).value = "Opened"
    wb.save(p)
    out = tmp_path / "m.yaml"
    result = run_line("mapping", str(p), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert 'id: "Case Number"' in text and 'created_at: "Opened"' in text


def test_the_zammad_example_is_the_report_layout(run_line):
    result = run_line("-w", str(BUNDLED), "score", str(ROOT / "examples" / "zammad.xlsx"), "--as-of", AS_OF,
                      "--format", "json")
    report = json.loads(result.stdout)
    assert (report["preset"], report["timezone"], report["rows"], report["rejected"]) == ("zammad", "Europe/Berlin",
                                                                                        24, [])


# --------------------------------------------------------------------------- sub-second precision

def test_epoch_milliseconds_keep_their_milliseconds_in_utc(run_line, ws, tmp_path):
    p = tmp_path / "epoch.csv"
    p.write_text("id,priority,created_at,first_response_at,resolved_at\n"
                 "E-1,3 high,1772182830250,1772183730250,\n"
                 "E-2,3 high,1772182900000,,\n", encoding="utf-8")
    for extra in ((), ("--tz", "Europe/Berlin")):
        report, _ = _score(run_line, ws, p, *extra)
        t = _by_id(report)
        assert t["E-1"]["created_at"] == "2026-02-27T09:00:30.250+00:00"
        assert t["E-1"]["first_response_at"] == "2026-02-27T09:15:30.250+00:00"
        assert t["E-1"]["first_response"]["elapsed_minutes"] == 15.0
        assert t["E-2"]["created_at"] == "2026-02-27T09:01:40+00:00"


def test_iso_fractions_are_kept_to_the_millisecond(run_line, ws, tmp_path):
    p = tmp_path / "iso.csv"
    p.write_text("id,priority,created_at\nF-1,3 high,2026-11-05T10:00:00.125+03:00\n"
                 "F-2,3 high,05.11.2026 10:00:00.5\n", encoding="utf-8")
    report, _ = _score(run_line, ws, p)
    t = _by_id(report)
    assert t["F-1"]["created_at"] == "2026-11-05T07:00:00.125+00:00"
    assert t["F-2"]["created_at"] == "2026-11-05T10:00:00.500+00:00"


# --------------------------------------------------------------------------- underscored / camelCase headers

@pytest.mark.parametrize(("header", "normed"), [
    ("Ticket_ID", "ticket id"), ("ticket.priority", "ticket priority"), ("FirstResponseTime", "first response time"),
    ("CustomerID", "customer id"), ("  Created At ", "created at"), ("\ufeffcreated_at", "created at"),
    ("Решён", "решен"),
])
def test_header_words_joined_any_way_compare_like_spaced_words(header, normed):
    assert P.norm(header) == normed


UNDERSCORED = (
    "Ticket_ID,Customer_Name,Customer_Email,Customer_Age,Customer_Gender,Product_Purchased,Date_of_Purchase,"
    "Ticket_Type,Ticket_Subject,Ticket_Description,Ticket_Status,Resolution,Ticket_Priority,Ticket_Channel,"
    "First_Response_Time,Time_to_Resolution,Customer_Satisfaction_Rating\n"
    "1,Marisa Obrien,m@example.com,32,Other,GoPro Hero,2021-03-22,Technical issue,Product setup,x,"
    "Pending Customer Response,,Critical,Social media,2023-06-01 12:15:36,,\n"
    "2,Jessica Rios,j@example.com,42,Female,LG Smart TV,2021-05-22,Technical issue,Peripheral compatibility,x,"
    "Closed,Case maybe,Low,Chat,2023-06-01 16:45:38,2023-06-01 18:05:38,3\n"
)


def test_mapping_guesses_underscored_id_and_priority(run_line, tmp_path):
    p = tmp_path / "tickets.csv"
    p.write_text(UNDERSCORED, encoding="utf-8")
    out = tmp_path / "tickets.mapping.yaml"
    result = run_line("mapping", str(p), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    columns = yaml.safe_load(out.read_text(encoding="utf-8"))["columns"]
    assert columns["id"] == "Ticket_ID" and columns["priority"] == "Ticket_Priority"
    assert columns["first_response_at"] == "First_Response_Time"


def test_presets_recognise_underscored_and_camelcase_headers(run_line, ws, tmp_path):
    p = tmp_path / "fd.csv"
    p.write_text("Ticket_ID,Subject,Status,Priority,Group,Created_time,Resolved_time,Initial_response_time,"
                 "Company_Name\n7,Mail down,Closed,3 high,Email,2026-10-05 09:00:00,2026-10-05 11:00:00,"
                 "2026-10-05 09:10:00,ACME\n", encoding="utf-8")
    report, _ = _score(run_line, ws, p)
    assert report["preset"] == "freshdesk"
    assert report["tickets"][0]["first_response"]["elapsed_minutes"] == 10.0
    p = tmp_path / "otrs.csv"
    p.write_text("TicketNumber;Created;Queue;State;Priority;CustomerID;FirstResponseTime;SolutionTime\n"
                 "1001;2026-10-05 09:00:00;Raw;open;3 high;acme;2026-10-05 09:30:00;\n", encoding="utf-8")
    report, _ = _score(run_line, ws, p)
    assert report["preset"] == "otrs" and report["tickets"][0]["first_response"]["elapsed_minutes"] == 30.0


# --------------------------------------------------------------------------- Russian-language exports

RUSSIAN = (
    "№;Тема;Клиент;Услуга;Приоритет;Статус;Создана;Дата первого ответа;Решена;Дата закрытия\n"
    "101;Не работает почта;ООО Ромашка;Почта;Высокий;Закрыта;5 нояб. 2026 г. 14:30;5 нояб. 2026 г. 15:10;"
    "5 нояб. 2026 г. 18:30;6 нояб. 2026 г. 10:00\n"
    "102;Ошибка 1С;АО Вектор;1С;Критический;В работе;12 ноября 2026 г., 09:05;12 ноября 2026 г., 09:35;;\n"
    "103;Принтер;ИП Сидоров;Рабочее место;Низкий;Открыта;1 сент. 2026 г.;;;\n"
)


def test_a_russian_header_export_is_recognised_and_scored(run_line, ws, tmp_path):
    p = tmp_path / "заявки.csv"
    p.write_text(RUSSIAN, encoding="utf-8")
    report, err = _score(run_line, ws, p, "--tz", "Europe/Moscow")
    assert (report["preset"], report["rows"], report["scored"], report["rejected"]) == ("russian", 3, 3, [])
    t = _by_id(report)
    assert t["101"]["created_at"] == "2026-11-05T11:30:00+00:00"
    assert t["101"]["first_response"]["elapsed_minutes"] == 40.0
    assert t["101"]["resolution"]["elapsed_minutes"] == 240.0  # Решена, not the later Дата закрытия
    assert t["102"]["first_response"]["elapsed_minutes"] == 30.0 and t["102"]["status"] == "В работе"
    assert t["103"]["created_at"] == "2026-08-31T21:00:00+00:00"
    assert report["matches"]["matched"] == 3


def test_russian_day_first_dates_are_decided_for_the_whole_column(run_line, ws, tmp_path):
    p = tmp_path / "ru.csv"
    p.write_text("Номер;Тема;Контрагент;Приоритет;Дата регистрации;Дата решения\n"
                 "1;a;x;Высокий;05.11.2026 14:30;05.11.2026 16:30\n"
                 "2;b;x;Высокий;13.11.2026 09:00;\n", encoding="cp1251")
    report, _ = _score(run_line, ws, p, "--tz", "Europe/Moscow")
    t = _by_id(report)
    assert report["preset"] == "russian"
    assert t["1"]["created_at"] == "2026-11-05T11:30:00+00:00"  # 5 November, not 11 May
    assert t["1"]["resolution"]["elapsed_minutes"] == 120.0


def test_the_russian_example_is_recognised(run_line):
    result = run_line("-w", str(BUNDLED), "score", str(ROOT / "examples" / "russian-cp1251.csv"), "--tz",
                      "Europe/Moscow", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["preset"], report["encoding"], report["rows"], report["scored"]) == ("russian", "cp1251", 24, 24)
    assert report["matches"]["matched"] == 24 and report["no_rule_priorities"] == []


# --------------------------------------------------------------------------- the presets' own values

def test_bundled_policies_know_every_presets_default_priorities():
    known: set[str] = set()
    for f in (BUNDLED / "policies").glob("*.yaml"):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        for rule in doc["spec"]["rules"]:
            known |= {str(a).casefold() for a in [rule["priority"], *rule.get("aliases", ())]}
    for preset in P.PRESETS.values():
        missing = [p for p in preset.priorities if p.casefold() not in known]
        assert not missing, (preset.name, missing)
    zammad = P.PRESETS["zammad"]
    assert {"1 low", "2 normal", "3 high"} <= set(zammad.priorities)
    assert {"pending reminder", "pending close"} <= set(zammad.states)
