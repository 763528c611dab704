"""Languages: the catalogues are complete and compiled, every page and mail in Russian has no
English word of ours, numbers follow the language, and a workspace adds or rewords a language."""
from __future__ import annotations

import csv
import html
import re
from datetime import date, datetime, timezone
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any, Iterator

import pytest

from slactl.i18n import REGISTRY, money, percent, plural, text, use_workspace
from slactl.i18n.catalogues import LOCALES, SHIPPED, fields, read_po
from tests.conftest import ROOT, run_in_workspace
from tests.test_notify import Recorder, smtp  # noqa: F401  (the loopback SMTP server fixture)

GENERIC = ROOT / "examples" / "generic.csv"
OUTAGES = ROOT / "examples" / "outages.csv"
REPORT = ("report", str(GENERIC), "--customer", "acme", "--period", "2026-10", "--as-of", "2026-11-22T12:00:00Z",
          "--outages", str(OUTAGES))
# abbreviations and names of things, in any language's page
ALLOWED = {"SLA", "UTC", "EUR", "p90", "slactl", "HTML", "Europe", "Moscow", "America", "New_York", "York", "New", "MSK"}


@pytest.fixture(autouse=True)
def _shipped_only() -> Iterator[None]:
    use_workspace(None)
    yield
    use_workspace(None)


# --------------------------------------------------------------------------- the catalogues

@pytest.mark.parametrize("lang", [x for x in SHIPPED if x != "en"])
def test_every_message_is_translated_with_the_same_placeholders(lang: str) -> None:
    english, _ = read_po("en", str(Path(LOCALES) / "en.po"))
    other, lines = read_po(lang, str(Path(LOCALES) / f"{lang}.po"))
    assert sorted(set(english.messages) - set(other.messages)) == [], f"{lang}.po lacks these messages"
    assert sorted(set(english.plurals) - set(other.plurals)) == [], f"{lang}.po lacks these plural messages"
    for key, message in other.messages.items():
        assert fields(message) == fields(english.messages[key]), (lang, key, lines[key])
    for key, forms in other.plurals.items():
        assert all(fields(f) == fields(english.plurals[key][0]) for f in forms), (lang, key)


def test_compiled_catalogues_and_template_are_those_of_the_po_files() -> None:
    """``python3 dev.py catalogues`` was run after the last edit of a .po file."""
    from slactl.i18n.build import template_text
    from slactl.i18n.catalogues import _from_mo

    for lang in SHIPPED:
        source, _ = read_po(lang, str(Path(LOCALES) / f"{lang}.po"))
        compiled = _from_mo(lang, str(Path(LOCALES) / f"{lang}.mo"))
        assert (compiled.messages, compiled.plurals) == (source.messages, source.plurals), \
            f"{lang}.mo is stale: run python3 dev.py catalogues"
        assert [compiled.plural_index(n) for n in range(30)] == [source.plural_index(n) for n in range(30)]
    assert (Path(LOCALES) / "slactl.pot").read_text(encoding="utf-8") == template_text(), \
        "slactl.pot is stale: run python3 dev.py catalogues"


def test_the_package_ships_the_catalogues() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locales/*.po", "locales/*.mo", "locales/*.pot"' in pyproject


# --------------------------------------------------------------------------- formats

def test_numbers_money_dates_and_plurals_as_each_language_writes_them() -> None:
    from slactl.i18n import day_text, duration

    assert (percent("ru", 99.8267, 99.95), percent("en", 99.8267, 99.95)) == ("99,82\u00a0%", "99.82%")
    assert percent("en", 99.96) == "99.9%" and percent("en", 100.0) == "100%" and percent("ru", 61.5) == "61,5\u00a0%"
    assert (money("ru", 3000, "EUR"), money("en", 3000, "EUR")) == ("3\u00a0000,00\u00a0€", "€3,000.00")
    assert money("en", 12.5, None) == "12.50"
    assert (day_text("ru", date(2026, 12, 1)), day_text("en", date(2026, 12, 1))) == (
        "1 декабря 2026", "1 December 2026")
    assert [plural("ru", "n_tickets", n) for n in (1, 2, 5, 11, 21, 22, 112)] == [
        "1 заявка", "2 заявки", "5 заявок", "11 заявок", "21 заявка", "22 заявки", "112 заявок"]
    assert [plural("en", "n_tickets", n) for n in (1, 2)] == ["1 ticket", "2 tickets"]
    assert (duration("ru", 152), duration("en", 152)) == ("2 ч 32 мин", "2 h 32 min")
    from slactl.i18n import window_label

    assert [window_label("ru", w) for w in ("2026-W45", "2026-Q4", "2026-11", "all")] == [
        "45-я неделя 2026", "4-й квартал 2026", "ноябрь 2026", "all"]
    assert window_label("en", "2026-W05") == "week 5, 2026"


# --------------------------------------------------------------------------- no English in Russian

def _visible(page: str) -> str:
    """What a reader sees of an HTML page: no styles, no tags, no attribute values."""
    page = re.sub(r"<style\b.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _data_words(ws_root: Path, *files: Path) -> set[str]:
    """Words that are data: names of the workspace's things and the values of the export and log."""
    from slactl.workspace.loader import load_workspace

    ws = load_workspace(str(ws_root)).workspace
    values: list[str] = [*ws.services, *ws.policies, *ws.calendars]
    for ag in ws.agreements.values():
        values += [ag.name, ag.customer.id, ag.customer.name or "", ag.manager.name or "", ag.manager.email or "",
                   *(ag.services or ()), *(r.priority for r in ag.rules)]
        values += list(getattr(ag.customer, "aliases", ()) or ())
    for path in files:
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                values += [row.get(k) or "" for k in ("id", "customer", "service", "priority")]
    return {w for v in values for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", v)}


def _english(shown: str, data: set[str]) -> list[str]:
    """Latin words that are neither data nor an abbreviation: English of slactl's own."""
    shown = re.sub(r"\S+@\S+", " ", shown)  # addresses
    words = re.findall(r"(?<![\w-])[A-Za-z][A-Za-z]+(?![\w-])", shown)
    return sorted({w for w in words if w not in data and w not in ALLOWED})


@pytest.mark.parametrize("fmt", ["html", "text", "markdown"])
def test_the_russian_report_has_no_english_word_and_russian_numbers(workspace: Path, fmt: str) -> None:
    result = run_in_workspace(workspace, *REPORT, "--lang", "ru", "--format", fmt)
    assert result.exit_code == 0, result.output
    page = result.stdout
    shown = _visible(page) if fmt == "html" else page
    assert _english(shown, _data_words(workspace, GENERIC, OUTAGES)) == []
    assert "Доступность" in shown and "Компенсации" in shown and "600,00\u00a0€" in shown
    assert not re.search(r"\d\.\d+\s*%", shown), "a decimal point before a percent sign"
    assert not re.search(r"\d,\d{3}(?!\d)", re.sub(r"\d+,\d{1,2}(?!\d)", "", shown)), "a comma thousands separator"
    if fmt == "html":
        assert '<html lang="ru">' in page
        for svg in re.findall(r"<svg\b.*?</svg>", page, flags=re.S):
            labels = html.unescape(" ".join(re.findall(r"<(?:text|title|desc)[^>]*>([^<]*)<", svg)))
            assert re.search(r"[а-я]", labels) and _english(labels, _data_words(workspace)) == []


def test_counts_are_grouped_as_each_language_writes_them(workspace: Path, tmp_path: Path) -> None:
    export = tmp_path / "many.csv"
    export.write_text("id,customer,priority,created_at,first_response_at\n" + "".join(
        f"M-{i},acme,P2,2026-10-{1 + i % 28:02d}T09:00:00Z,2026-10-{1 + i % 28:02d}T09:10:00Z\n"
        for i in range(1200)), encoding="utf-8")
    args = ("report", str(export), "--customer", "acme", "--period", "2026-10", "--as-of", "2026-11-22T12:00:00Z",
            "--format", "text")
    ru = run_in_workspace(workspace, *args, "--lang", "ru")
    en = run_in_workspace(workspace, *args, "--lang", "en")
    assert ru.exit_code == 0 and en.exit_code == 0, ru.output + en.output
    assert "1\u00a0200" in ru.stdout and "1200" not in ru.stdout
    assert "1,200" in en.stdout and "1200" not in en.stdout


def test_the_english_report_writes_english_numbers(workspace: Path) -> None:
    result = run_in_workspace(workspace, *REPORT, "--lang", "en", "--format", "html")
    shown = _visible(result.stdout)
    assert '<html lang="en">' in result.stdout and "€600.00" in shown and "99.9%" in shown
    assert not re.search(r"\d,\d{1,2}(?!\d)\s*%", shown), "a decimal comma in English"
    assert "Availability" in shown and "Service credits" in shown


def _notices(ws_root: Path) -> list[Any]:
    """Every kind of lifecycle notice of Initech (spec.language: ru), as it would be sent."""
    from slactl.core.lifecycle import ACTIVATION, EXPIRED, EXPIRING_SOON, Notice
    from slactl.mail.notices import composer_for
    from slactl.workspace.loader import load_workspace

    ws = load_workspace(str(ws_root)).workspace
    compose = composer_for(ws, str(ws_root))
    ags = ws.agreements
    cases = [(ACTIVATION, "initech-erp-2026", date(2026, 2, 1), 365), (EXPIRING_SOON, "initech-erp-2026",
             date(2027, 1, 1), 30), (EXPIRING_SOON, "initech-erp-2027", date(2028, 1, 1), 30),
             (EXPIRING_SOON, "initech-erp-2027", date(2028, 1, 31), 0), (EXPIRED, "initech-erp-2025",
             date(2026, 1, 1), -1)]
    return [compose(Notice(kind, f"k{n}", ags[name], day, left), "noc@provider.example")
            for n, (kind, name, day, left) in enumerate(cases)]


def _parts(message: Any) -> list[str]:
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    out = [str(parsed["Subject"])]
    for part in parsed.walk():
        if part.get_content_type() == "text/plain":
            out.append(part.get_content())
        elif part.get_content_type() == "text/html":
            out.append(_visible(part.get_content()))
    return out


def test_every_russian_notice_has_no_english_word(workspace: Path) -> None:
    assert run_in_workspace(workspace, "renew", "initech-erp-2027").exit_code == 0  # a draft successor
    data = _data_words(workspace)
    sent = _notices(workspace)
    leads = set()
    for out in sent:
        assert out.message["Content-Language"] == "ru"
        for part in _parts(out.message):
            assert _english(part, data) == [], part
        leads.add(out.message.get_body(("plain",)).get_content().split("\n\n")[1])
    assert len(leads) == len(sent)  # activation, renewed, draft renewal, expiry today, expired: each its own
    assert any("истекает" in m.message["Subject"] for m in sent)


def test_the_russian_report_mail_has_no_english_word(workspace: Path, smtp: Recorder) -> None:  # noqa: F811
    result = run_in_workspace(workspace, "report", str(GENERIC), "--customer", "initech", "--period", "2026-11",
                              "--as-of", "2026-12-01T06:00:00Z", "--outages", str(OUTAGES), "--mail")
    assert result.exit_code == 0, result.output
    (received,) = smtp.messages
    assert received.message["Content-Language"] == "ru"
    assert '<html lang="ru">' in received.message.get_body(("html",)).get_content()
    data = _data_words(workspace, GENERIC, OUTAGES)
    for part in _parts(received.message):
        assert _english(part, data) == [], part


def _alerts() -> list[Any]:
    from slactl.core.alerts import AT_RISK, BREACHED, AlertItem

    due = datetime(2026, 11, 20, 15, tzinfo=timezone.utc).timestamp()
    return [AlertItem("T-1", "initech-erp-2026", "initech", "P1", "resolution", BREACHED, 5 * 3600, 4 * 3600, due,
                      "Europe/Moscow", "irina@provider.example"),
            AlertItem("T-2", "initech-erp-2026", "initech", "P2", "first_response", AT_RISK, 95 * 60, 120 * 60,
                      due, "Europe/Moscow", "irina@provider.example")]


def test_alert_mails_follow_their_agreements_language(workspace: Path) -> None:
    from slactl.mail.alerts import compose, language_of

    items = _alerts()
    lang = language_of(items, {"initech-erp-2026": "ru"})
    message = compose("irina@provider.example", items, "noc@provider.example", lang)
    assert lang == "ru" and message["Content-Language"] == "ru"
    body = message.get_content()
    assert "превышение на 1 ч" in body and "осталось 25 мин" in body
    assert "1 новое нарушение и 1 заявка под угрозой" in message["Subject"]
    assert _english(str(message["Subject"]) + body, _data_words(workspace) | {"T"}) == []
    assert language_of(items, {"initech-erp-2026": None}) == "en"
    assert "1 newly breached and 1 newly at risk" in compose("a@b.example", items, "noc@x.example")["Subject"]


# --------------------------------------------------------------------------- the workspace's languages

GERMAN = '''msgid ""
msgstr ""
"Language: de\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "report_title"
msgstr "SLA-Bericht"

msgid "compliance"
msgstr "Einhaltung"
'''


def _po(ws: Path, lang: str, body: str) -> Path:
    (ws / "translations").mkdir(exist_ok=True)
    path = ws / "translations" / f"{lang}.po"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_workspace_language_falls_back_per_message_with_one_warning(workspace: Path) -> None:
    _po(workspace, "xx", GERMAN.replace("Language: de", "Language: xx"))
    result = run_in_workspace(workspace, *REPORT, "--lang", "xx", "--format", "text")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("SLA-Bericht: October 2026") and "Einhaltung" in result.stdout
    assert "Customer: ACME Corp" in result.stdout  # not translated: English
    warnings = [line for line in result.stderr.splitlines() if "not translated" in line]
    assert len(warnings) == 1 and "xx.po" in warnings[0] and "customer" in warnings[0]
    assert "report_title" not in warnings[0].split("English:")[1]


def test_a_provider_rewords_one_phrase_of_a_shipped_language(workspace: Path) -> None:
    _po(workspace, "ru", 'msgid ""\nmsgstr ""\n"Language: ru\\n"\n\nmsgid "breached"\nmsgstr "Просрочено"\n')
    result = run_in_workspace(workspace, *REPORT, "--lang", "ru", "--format", "text")
    assert result.exit_code == 0 and "Просрочено" in result.stdout and "Нарушено" not in result.stdout
    assert "Соблюдение" in result.stdout and "not translated" not in result.stderr


def test_a_translation_with_a_placeholder_the_message_lacks_is_refused(workspace: Path) -> None:
    path = _po(workspace, "xx", GERMAN + '\nmsgid "objectives_headline"\nmsgstr "{met} von {alle}"\n')
    result = run_in_workspace(workspace, *REPORT, "--lang", "xx")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{path}:" in result.stderr and "{alle}" in result.stderr and "{met}, {total}" in result.stderr


def test_an_unknown_language_names_the_known_ones(workspace: Path) -> None:
    result = run_in_workspace(workspace, *REPORT, "--lang", "fr")
    assert result.exit_code == 2 and "en, ru" in result.stderr and "translations" in result.stderr


def test_the_template_starts_a_language_that_report_then_uses(workspace: Path, tmp_path: Path) -> None:
    target = workspace / "translations" / "xx.po"
    target.parent.mkdir()
    made = run_in_workspace(workspace, "translations", "--lang", "xx", "-o", str(target))
    assert made.exit_code == 0, made.output
    po = target.read_text(encoding="utf-8")
    assert '"Language: xx\\n"' in po and "#. English: SLA report\nmsgid \"report_title\"\nmsgstr \"\"" in po
    check = run_in_workspace(workspace, "translations", "--check")
    assert check.exit_code == 1 and "not translated" in check.stderr
    again = run_in_workspace(workspace, "translations", "--lang", "xx", "-o", str(target))
    assert again.exit_code != 0 and target.read_text(encoding="utf-8") == po  # never overwritten unasked
    full = run_in_workspace(workspace, "translations")
    assert full.exit_code == 0 and full.stdout == (Path(LOCALES) / "slactl.pot").read_text(encoding="utf-8")
    assert REGISTRY.root is not None


@pytest.mark.parametrize("argv", [["-w", "agreements", "validate"], ["--help"]])
def test_validate_and_help_import_neither_babel_nor_the_catalogues(argv: list[str]) -> None:
    import subprocess
    import sys

    code = ("import sys; from slactl.cli import main; main(sys.argv[1:]); "
            "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('babel')} "
            "| {m for m in sys.modules if m.startswith('slactl.i18n')}), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_a_report_loads_only_the_compiled_catalogues(workspace: Path) -> None:
    """Babel's .po reader is for workspace files; the shipped languages come compiled."""
    import subprocess
    import sys

    code = ("import sys; from slactl.cli import main; main(sys.argv[1:]); "
            "print('babel.messages.pofile' in sys.modules, 'babel.numbers' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, "-w", str(workspace), *REPORT, "--lang", "ru"],
                          capture_output=True, text=True, check=False)
    assert done.stderr.strip().splitlines()[-1] == "False True"
