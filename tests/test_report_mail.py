"""`slactl report --mail` against a real SMTP server on loopback (aiosmtpd)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import state_file, ROOT, run_in_workspace as run
from tests.test_notify import Recorder, smtp  # noqa: F401  (the loopback SMTP server fixture)

GENERIC = str(ROOT / "examples" / "generic.csv")
AS_OF = "2026-12-01T06:00:00Z"
BASE = ("report", GENERIC, "--period", "2026-11", "--as-of", AS_OF)
EXPECTED = {  # customer -> (contacts + managers of the agreements in its report)
    "ACME Corp": {"ops@acme.example", "cio@acme.example", "irina@provider.example"},
    "Globex Corporation": {"it-director@globex.example", "sam@provider.example", "noc@provider.example"},
    "Initech LLC": {"helpdesk@initech.example", "irina@provider.example", "noc@provider.example"},
}


def by_customer(recorder: Recorder) -> dict[str, object]:
    out = {}
    for r in recorder.messages:
        customer = r.message["Subject"].split(": ", 1)[1].rsplit(", ", 1)[0]
        assert customer not in out, f"two messages for {customer}"
        out[customer] = r
    return out


def test_one_multipart_message_per_customer_then_nothing(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    first = run(ws, *BASE, "--mail")
    assert first.exit_code == 0, first.output
    got = by_customer(smtp)
    assert set(got) == set(EXPECTED)  # customers with only provider-wide tickets are not mailed
    for customer, received in got.items():
        msg = received.message  # type: ignore[attr-defined]
        assert set(received.rcpt_tos) == EXPECTED[customer]  # type: ignore[attr-defined]
        assert msg.get_content_type() == "multipart/alternative"
        plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
        assert plain is not None and html is not None
        page = html.get_content()
        assert page.count("<svg") >= 2 and "<script" not in page
        for other in EXPECTED:
            if other != customer:
                assert other not in page and other not in plain.get_content()
    assert got["ACME Corp"].message["Subject"] == "SLA report: ACME Corp, 2026-11"  # type: ignore[attr-defined]
    assert got["Initech LLC"].message["Subject"] == "Отчёт SLA: Initech LLC, 2026-11"  # type: ignore[attr-defined]
    assert "ноябрь 2026" in got["Initech LLC"].message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    state = json.loads(state_file(ws).read_text())
    assert {k for k in state["sent"] if k.startswith("report:")} == {
        "report:acme:2026-11", "report:globex:2026-11", "report:initech:2026-11"}
    second = run(ws, *BASE, "--mail")
    assert second.exit_code == 0 and len(smtp.messages) == 3
    assert "nothing to send" in second.output
    again = run(ws, *BASE, "--mail", "--resend", "--customer", "acme")
    assert again.exit_code == 0 and len(smtp.messages) == 4


def test_dry_run_names_recipients_and_sends_nothing(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    result = run(ws, *BASE, "--mail", "--dry-run")
    assert result.exit_code == 0, result.output
    assert smtp.messages == [] and not state_file(ws).exists()
    assert "To: ops@acme.example, cio@acme.example" in result.output and "Cc: irina@provider.example" in result.output
    assert "Subject: SLA report: ACME Corp, 2026-11" in result.output
    assert "Hooli: report not mailed: no agreement of its own" in result.output


def test_review_goes_to_managers_only_as_a_draft_and_records_nothing(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    result = run(ws, *BASE, "--mail", "--review", "--customer", "acme")
    assert result.exit_code == 0, result.output
    (received,) = smtp.messages
    assert received.rcpt_tos == ["irina@provider.example"]
    assert received.message["Subject"].startswith("[DRAFT for review] SLA report: ACME Corp")
    assert "draft for review" in received.message.get_body(("plain",)).get_content()
    assert not state_file(ws).exists()
    assert run(ws, *BASE, "--mail", "--customer", "acme").exit_code == 0 and len(smtp.messages) == 2


def test_sender_name_and_reply_to(ws: Path, smtp: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("SLACTL_MAIL_FROM_NAME", "Сервисная служба Provider")
    monkeypatch.setenv("SLACTL_MAIL_REPLY_TO", "account-team@provider.example")
    assert run(ws, *BASE, "--mail", "--customer", "acme").exit_code == 0
    msg = smtp.messages[0].message
    assert msg["From"].addresses[0].display_name == "Сервисная служба Provider"
    assert msg["From"].addresses[0].addr_spec == "slactl@provider.example"
    assert msg["Reply-To"] == "account-team@provider.example"


def test_failed_delivery_is_retried(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    smtp.refuse.add("cio@acme.example")
    failed = run(ws, *BASE, "--mail", "--customer", "acme")
    assert failed.exit_code == 1 and "not delivered to cio@acme.example" in failed.output
    smtp.refuse.clear()
    retry = run(ws, *BASE, "--mail", "--customer", "acme")
    assert retry.exit_code == 0
    assert smtp.messages[-1].rcpt_tos == ["cio@acme.example"]
