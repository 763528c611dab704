"""Lifecycle notices as customers read them: wording, languages, levels, renewals, templates."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_in_workspace as run
from tests.test_notify import Recorder, smtp  # noqa: F401  (the loopback SMTP server fixture)


def plain(received) -> str:  # type: ignore[no-untyped-def]
    return received.message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def only(recorder: Recorder, agreement: str):  # type: ignore[no-untyped-def]
    (found,) = [r for r in recorder.messages if f":{agreement}:" in r.message["X-Slactl-Notice"]]
    return found


def test_subject_and_signature_name_the_provider_not_the_tool(ws: Path, smtp: Recorder,  # noqa: F811
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACTL_MAIL_FROM_NAME", "Provider Service Desk")
    monkeypatch.setenv("SLACTL_MAIL_REPLY_TO", "accounts@provider.example")
    assert run(ws, "expiring", "--as-of", "2026-11-22", "--notify").exit_code == 0
    acme = only(smtp, "acme-support-2026").message
    assert acme["Subject"] == "ACME Corp: your service agreement acme-support-2026 ends in 39 days (31 December 2026)"
    assert "slactl" not in acme["Subject"].lower() and "slactl" not in plain(only(smtp, "acme-support-2026"))
    assert acme["From"].addresses[0].display_name == "Provider Service Desk"
    assert acme["Reply-To"] == "accounts@provider.example"
    assert plain(only(smtp, "acme-support-2026")).rstrip().endswith("-- \nProvider Service Desk")
    assert "Please contact your account manager about its renewal." in plain(only(smtp, "acme-support-2026"))


def test_activation_lists_the_agreed_service_levels(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    assert run(ws, "notify", "--as-of", "2026-01-02").exit_code == 0
    body = plain(only(smtp, "acme-support-2026"))
    assert "Agreed service levels:" in body
    for line in ("P1: first response within 30 min, resolution within 4 h",
                 "P2: first response within 2 h, resolution within 16 h",
                 "P4: first response within 16 h, resolution within 80 h"):
        assert line in body
    assert "Compliance target: 97%" in body


def test_signed_renewal_tells_the_manager_only(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    # initech-erp-2027 (status auto) starts the day after initech-erp-2026 ends
    assert run(ws, "expiring", "--as-of", "2026-12-20", "--notify").exit_code == 0
    received = only(smtp, "initech-erp-2026")
    assert received.rcpt_tos == ["irina@provider.example"]
    assert "продлено соглашением initech-erp-2027" in received.message["Subject"]
    assert "обратитесь к вашему менеджеру" not in plain(received)


def test_draft_renewal_awaits_signature_and_the_customer_is_still_asked(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    renewed = run(ws, "renew", "acme-support-2026")
    assert renewed.exit_code == 0, renewed.output
    assert run(ws, "expiring", "--as-of", "2026-11-22", "--notify").exit_code == 0
    received = only(smtp, "acme-support-2026")
    assert set(received.rcpt_tos) == {"ops@acme.example", "cio@acme.example", "irina@provider.example"}
    assert "The draft renewal acme-support-2027 awaits signature." in plain(received)
    draft = ws / "customers" / "acme-support-2027.yaml"
    draft.write_text(draft.read_text(encoding="utf-8").replace("status: planned", "status: auto"), encoding="utf-8")
    assert run(ws, "expiring", "--as-of", "2026-12-20", "--notify").exit_code == 0
    signed = [r for r in smtp.messages if r.message["X-Slactl-Notice"].startswith("expiry:acme-support-2026")][-1]
    assert signed.rcpt_tos == ["irina@provider.example"]
    assert signed.message["Subject"] == "ACME Corp: agreement acme-support-2026 ends 31 December 2026, renewed by acme-support-2027"


def test_workspace_templates_override_the_wording(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    (ws / "templates").mkdir()
    (ws / "templates" / "expiry.txt").write_text(
        "Subject: Renewal time for $customer ($agreement, $days_left left)\n"
        "Dear $customer team,\n\nyour agreement $agreement ends on $end. Costs stay at $$0 for a call.\n\n$facts\n"
        "\n$signature\n", encoding="utf-8")
    assert run(ws, "expiring", "--as-of", "2026-11-22", "--notify").exit_code == 0
    acme = only(smtp, "acme-support-2026")
    assert acme.message["Subject"] == "Renewal time for ACME Corp (acme-support-2026, 39 days left)"
    body = plain(acme)
    assert body.startswith("Dear ACME Corp team,") and "$0 for a call" in body and "Days left:" in body


def test_a_template_with_an_unknown_placeholder_is_refused(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    (ws / "templates").mkdir()
    (ws / "templates" / "expiry.txt").write_text("Hello $customer,\nends $ennd\n", encoding="utf-8")
    result = run(ws, "expiring", "--as-of", "2026-11-22", "--notify")
    assert result.exit_code == 2 and "expiry.txt:2: unknown placeholder $ennd" in result.output
    assert smtp.messages == []


def test_a_provider_wide_agreement_sends_no_customer_letter_but_tells_its_manager(ws: Path, smtp: Recorder) -> None:  # noqa: F811
    assert run(ws, "expiring", "--as-of", "2026-12-01", "--notify").exit_code == 0
    received = only(smtp, "corporate-baseline-2026")
    assert received.rcpt_tos == ["noc@provider.example"]
    subject = received.message["Subject"]
    assert subject.startswith("Provider-wide agreement corporate-baseline-2026: ends on 31 December 2026")
    assert "your service agreement" not in subject
    body = plain(received)
    assert "no customer letter was sent" in body and "Please contact your account manager" not in body
