"""`slactl report`: what one customer's page may and must contain, in both languages."""
from __future__ import annotations

import csv
import json
import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, ROOT, run_in_workspace as run

GENERIC = ROOT / "examples" / "generic.csv"
AS_OF = "2026-12-01T06:00:00Z"
ACME_SPELLINGS = {"acme", "acme corp", "acme corporation"}
OTHER_NAMES = ["Globex", "Initech", "Инитех", "Umbrella", "Hooli", "Pied Piper", "Stark", "Vandelay", "Wayne"]
EXTERNAL = re.compile(r"<script|<link|<img|<iframe|<object|\bsrc\s*=|href\s*=\s*[\"']?(?:https?:|//)|"
                      r"url\(\s*[\"']?(?:https?:|//)|@import", re.I)


def markup(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of ``page`` with its attributes, as a browser's tokenizer reads them."""
    from html.parser import HTMLParser

    tags: list[tuple[str, dict[str, str | None]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.append((tag, dict(attrs)))

    Collect().feed(page)
    return tags


def assert_inert(page: str) -> None:
    """No script, no event handler, nothing fetched from elsewhere."""
    assert not EXTERNAL.search(page)
    for tag, attrs in markup(page):
        assert tag not in ("script", "link", "img", "iframe", "object", "embed", "base", "meta") or \
            (tag == "meta" and set(attrs) <= {"charset", "name", "content"}), tag
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        assert "src" not in attrs and not (attrs.get("href") or "").startswith(("http", "//")), (tag, attrs)


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_customer_page_shows_nothing_of_other_customers(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "acme.html"
    result = run(workspace, "report", str(GENERIC), "--customer", "acme", "--period", "2026-11", "--as-of", AS_OF,
                 "--output", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    others = [r["id"] for r in rows_of(GENERIC) if r["customer"].strip().casefold() not in ACME_SPELLINGS and r["id"]]
    assert len(others) > 100
    leaked = [i for i in others if re.search(rf"\b{re.escape(i)}\b", page)]
    assert leaked == []
    for name in OTHER_NAMES:
        assert name.casefold() not in page.casefold(), name
    mine = [r["id"] for r in rows_of(GENERIC) if r["customer"].strip().casefold() in ACME_SPELLINGS]
    assert any(i in page for i in mine), "the page lists none of ACME's own tickets"


def test_page_is_self_contained_with_charts_and_human_durations(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "acme.html"
    assert run(workspace, "report", str(GENERIC), "-c", "ACME Corp", "--period", "2026-11", "--as-of", AS_OF,
               "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<title>SLA report: ACME Corp, November 2026</title>" in page
    assert page.count("<svg") >= 2 and page.count("<svg") == page.count("<title id=")
    assert_inert(page)
    assert "@page" in page and "@media print" in page
    assert re.search(r">\d+ h \d+ min<", page)
    assert not re.search(r">\d+ d( \d+ h)?<", page)  # business time is never written in 24-hour days
    assert not re.search(r"\d+\.\d+ ?min|_minutes|first_response", page)
    assert "4 of 8 objectives met" in page
    assert '<th scope="col"' in page and '<th scope="row"' in page


def test_hostile_values_are_escaped(workspace: Path, tmp_path: Path) -> None:
    path = workspace / "customers" / "acme.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: ACME Corp", "name: 'ACME <b>Corp</b> & \"Co\"'"),
                    encoding="utf-8")
    export = tmp_path / "hostile.csv"
    export.write_text(
        "id,customer,service,priority,created_at,first_response_at,resolved_at,status\n"
        '"<script>alert(1)</script>",acme,erp,P2,2026-11-10T09:00:00+03:00,2026-11-12T09:00:00+03:00,,open\n'
        '"x\\"><svg onload=alert(2)>",acme,erp,"<img src=x onerror=alert(3)>",2026-11-10T09:00:00+03:00,,,open\n'
        "T-ok,acme,erp,P3,2026-11-10T09:00:00+03:00,2026-11-10T09:30:00+03:00,2026-11-10T10:00:00+03:00,done\n",
        encoding="utf-8")
    out = tmp_path / "page.html"
    result = run(workspace, "report", str(export), "-c", "acme", "--period", "2026-11", "--as-of", AS_OF,
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src&#61;x onerror&#61;alert(3)&gt;" in page  # the priority with no rule, named
    assert "ACME &lt;b&gt;Corp&lt;/b&gt; &amp; &quot;Co&quot;" in page
    assert_inert(page)


def test_russian_labels_month_names_and_durations(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "ru.html"
    assert run(workspace, "report", str(GENERIC), "-c", "acme", "--period", "2026-11", "--as-of", AS_OF,
               "--lang", "ru", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "ноябрь 2026" in page and "Выполнено целей: 4 из 8" in page
    assert "Соблюдение" in page and "Приоритет" in page and re.search(r">\d+ ч \d+ мин<", page)
    for english in ("objectives met", "Breached tickets", "November", "Compliance", " min<"):
        assert english not in page, english


def test_language_defaults_to_the_agreement(workspace: Path) -> None:
    result = run(workspace, "report", str(GENERIC), "-c", "Инитех", "--period", "2026-11", "--as-of", AS_OF,
                 "--format", "markdown")
    assert result.exit_code == 0
    assert "ноябрь 2026" in result.stdout and "Соглашение initech-erp-2026" in result.stdout
    english = run(workspace, "report", str(GENERIC), "-c", "initech", "--period", "2026-11", "--as-of", AS_OF,
                  "--lang", "en", "--format", "text")
    assert "November 2026" in english.stdout and "ноябрь" not in english.stdout


def test_json_carries_figures_charts_and_lists(workspace: Path) -> None:
    result = run(workspace, "report", str(GENERIC), "-c", "acme", "--period", "2026-11", "--as-of", AS_OF,
                 "--format", "json")
    data = json.loads(result.stdout)
    assert data["period"] == {"label": "2026-11", "kind": "month", "start": "2026-11-01", "end": "2026-11-30"}
    (section,) = data["sections"]
    assert section["agreement"] == "acme-support-2026" and section["objectives_total"] == 8
    charts = section["charts"]
    assert len(charts["compliance"]) == 8 and charts["trend"]["months"][-1] == "2026-11"
    assert {d["priority"] for d in charts["distribution"]} == {"P1", "P2", "P3", "P4"}
    breached = section["lists"]["breached"]["items"]
    assert breached and all(b["over_by_minutes"] > 0 for b in breached)
    assert breached == sorted(breached, key=lambda b: -b["over_by_minutes"])
    total = sum(o["breached"] for o in section["objectives"])
    assert len(breached) + section["lists"]["breached"]["more"] == total


def test_provider_wide_agreement_is_split_per_customer(workspace: Path) -> None:
    data = json.loads(run(workspace, "report", str(GENERIC), "--agreement", "corporate-baseline-2026", "--period",
                          "2026-11", "--as-of", AS_OF, "--format", "json").stdout)
    customers = [s["customer"]["id"] for s in data["sections"]]
    assert len(customers) == len(set(customers)) > 2
    assert all(s["agreement"] == "corporate-baseline-2026" and s["provider_wide"] for s in data["sections"])


def test_exclusions_leave_compliance_and_are_listed(workspace: Path, tmp_path: Path) -> None:
    before = json.loads(run(workspace, "report", str(GENERIC), "-c", "acme", "--period", "2026-11", "--as-of",
                            AS_OF, "--format", "json").stdout)
    worst = before["sections"][0]["lists"]["breached"]["items"][0]
    exclude = tmp_path / "exclude.csv"
    exclude.write_text(f"ticket_id,reason\n{worst['id']},waiting for the customer's vendor\n", encoding="utf-8")
    after = json.loads(run(workspace, "report", str(GENERIC), "-c", "acme", "--period", "2026-11", "--as-of",
                           AS_OF, "--format", "json", "--exclude", str(exclude)).stdout)
    section = after["sections"][0]
    assert section["lists"]["excluded"]["items"] == [
        {"id": worst["id"], "priority": worst["priority"], "reason": "waiting for the customer's vendor"}]
    assert section["tickets"] == before["sections"][0]["tickets"] - 1
    assert worst["id"] not in {b["id"] for b in section["lists"]["breached"]["items"]}
    bad = tmp_path / "bad.csv"
    bad.write_text("ticket_id,reason\n,no id here\n", encoding="utf-8")
    result = run(workspace, "report", str(GENERIC), "--exclude", str(bad), "--as-of", AS_OF)
    assert result.exit_code == 2 and f"{bad}:2: no ticket id" in result.output


def test_default_period_is_the_last_complete_month(workspace: Path) -> None:
    data = json.loads(run(workspace, "report", str(GENERIC), "-c", "acme", "--as-of", "2026-12-15T00:00:00Z",
                          "--format", "json").stdout)
    assert data["period"]["label"] == "2026-11"


@pytest.mark.parametrize("args,message", [
    (["--period", "2026-13"], "--period: '2026-13': there is no month 13"),
    (["--period", "Nov"], "--period: 'Nov' is not a period"),
    (["--lang", "fr"], "--lang: language 'fr' is not available"),
    (["--agreement", "acme-support-2025"], "did you mean 'acme-support-2026'"),
    (["-c", "acme", "--agreement", "acme-support-2026"], "not both"),
    (["--dry-run"], "go with --mail"),
])
def test_bad_options_are_one_line_exit_2(workspace: Path, args: list[str], message: str) -> None:
    result = run(workspace, "report", str(GENERIC), "--as-of", AS_OF, *args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_fail_under_target(workspace: Path) -> None:
    result = run(workspace, "report", str(GENERIC), "-c", "acme", "--period", "2026-11", "--as-of", AS_OF,
                 "--format", "json", "--fail-under", "target")
    assert result.exit_code == 1 and \
        "below target: agreement acme-support-2026, customer ACME Corp, priority P2, " in result.output
    assert run(workspace, "report", str(GENERIC), "-c", "acme", "--period", "2026-11", "--as-of", AS_OF,
               "--fail-under", "50").exit_code == 0


def big_export(path: Path, n: int) -> None:
    """``n`` ACME tickets in November 2026 (a share breached or open) plus other customers' tickets."""
    rng = random.Random(7)
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "customer", "service", "priority", "created_at", "first_response_at", "resolved_at",
                    "status"])
        for i in range(n):
            created = start + timedelta(seconds=rng.randrange(29 * 86400))
            fr = created + timedelta(minutes=rng.choice([5, 30, 90, 300, 2000]))
            res = fr + timedelta(minutes=rng.choice([30, 600, 3000, 9000])) if rng.random() < 0.9 else None
            who = "ACME Corp" if i % 5 else rng.choice(["Globex Inc", "Hooli", "Initech LLC"])
            w.writerow([f"B-{i}", who, rng.choice(["erp", "email", "network"]), rng.choice(["P1", "P2", "P3", "P4"]),
                        created.isoformat(), fr.isoformat(), res.isoformat() if res else "", "open"])


def test_page_for_100k_tickets_is_under_1_mb(workspace: Path, tmp_path: Path) -> None:
    export = tmp_path / "big.csv"
    big_export(export, 100_000)
    out = tmp_path / "big.html"
    result = run(workspace, "report", str(export), "-c", "acme", "--period", "2026-11", "--as-of", AS_OF,
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    size = out.stat().st_size
    assert size < 1_000_000, size
    page = out.read_text(encoding="utf-8")
    assert re.search(r"… and \d+ more", page)
    listed = {int(n) for n in re.findall(r"\bB-(\d+)\b", page)}
    assert listed and all(i % 5 for i in listed)  # every fifth ticket is another customer's


def test_json_for_one_customer_holds_no_other_customers_ids(workspace: Path) -> None:
    result = run(workspace, "report", str(GENERIC), "-c", "acme", "--period", "2026-11", "--as-of", AS_OF,
                 "--format", "json")
    others = [r["id"] for r in rows_of(GENERIC) if r["customer"].strip().casefold() not in ACME_SPELLINGS and r["id"]]
    assert [i for i in others if re.search(rf'"{re.escape(i)}"', result.stdout)] == []
    assert json.loads(result.stdout)["rejected_rows"] == 3


def test_outages_add_availability_and_the_credit_due(run_line) -> None:  # type: ignore[no-untyped-def]
    """--outages: the section shows each objective's availability and the month's credit. ACME's
    October: one 40-minute email outage in a 31-day 24x7 month (44,640 min): 99.910 %, 4.64 min of
    the 44.64-min budget left; resolution compliance below 95 % earns the 5 % tier of 12,000 EUR."""
    result = run_line("-w", str(BUNDLED), "report", str(GENERIC), "--customer", "acme",
                      "--period", "2026-10", "--as-of", "2026-11-22T12:00:00Z",
                      "--outages", str(ROOT / "examples" / "outages.csv"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    extras = json.loads(result.stdout)["sections"][0]["extras"]
    rows = {(r["service"], r["window"]): r for r in extras["availability"]["rows"]}
    email = rows[("email", "2026-10")]
    assert (round(email["availability_pct"], 3), email["target_pct"], email["ok"]) == (99.91, 99.9, True)
    assert email["downtime_minutes"] == 40 and email["outages"] == 1
    (credit,) = extras["credits"]["rows"]
    assert (credit["window"], credit["credit_pct"], credit["amount"], credit["currency"]) == ("2026-10", 5, 600, "EUR")
    assert [c["kind"] for c in credit["causes"]] == ["compliance"] and credit["causes"][0]["of"] == "resolution"
    html_page = run_line("-w", str(BUNDLED), "report", str(GENERIC), "--customer", "acme",
                         "--period", "2026-10", "--as-of", "2026-11-22T12:00:00Z",
                         "--outages", str(ROOT / "examples" / "outages.csv"), "--format", "html").stdout
    assert "Service credits" in html_page and "€600.00" in html_page and "99.9%" in html_page
    assert "October 2026" in html_page and "resolution compliance" in html_page
