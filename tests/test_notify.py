"""Notifications against a real SMTP server on loopback (aiosmtpd)."""
from __future__ import annotations

import email
import email.policy
import fcntl
import json
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from slactl import cli
from slactl.cli import lifecycle as cli_lifecycle
from slactl.mail import notify as mail
from slactl.mail import state as mail_state


from tests.conftest import state_file, run_in_workspace as run  # noqa: E402

from tests.conftest import BUNDLED  # noqa: E402
AS_OF = "2026-11-22"
GLOBEX = {"it-director@globex.example", "sam@provider.example"}
ACME = {"ops@acme.example", "cio@acme.example", "irina@provider.example"}


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


@dataclass
class Recorder:
    """An aiosmtpd handler: keeps every message, refuses the addresses in ``refuse``."""

    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        self.logins.append((auth_data.login, auth_data.password))
        ok = auth_data.password == b"s3cret-pw"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    def by_agreement(self) -> dict[str, Received]:
        out = {}
        for r in self.messages:
            name = r.message["X-Slactl-Notice"].split(":")[1]
            assert name not in out, f"two messages for {name}"
            out[name] = r
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(monkeypatch: pytest.MonkeyPatch, **kw: object) -> Iterator[Recorder]:
    recorder = Recorder()
    port = free_port()
    if kw.pop("auth", False):
        kw.update(auth_require_tls=False, authenticator=recorder.authenticate)
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **kw)
    controller.start()
    monkeypatch.setenv("SLACTL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SLACTL_SMTP_PORT", str(port))
    monkeypatch.setenv("SLACTL_MAIL_FROM", "slactl@provider.example")
    for var in ("SLACTL_SMTP_USER", "SLACTL_SMTP_PASSWORD", "SLACTL_SMTP_STARTTLS"):
        monkeypatch.delenv(var, raising=False)
    try:
        yield recorder
    finally:
        controller.stop()


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    yield from _serve(monkeypatch)


@pytest.fixture
def smtp_auth(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    yield from _serve(monkeypatch, auth=True)




def state(ws: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(state_file(ws).read_text())


# ---------------------------------------------------------------- delivery

def test_expiring_notify_mails_contacts_and_manager_only(ws: Path, smtp: Recorder) -> None:
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert result.exit_code == 0, result.output
    got = smtp.by_agreement()
    assert set(got) == {"globex-premium-2026", "acme-support-2026"}   # one message per agreement
    assert set(got["globex-premium-2026"].rcpt_tos) == GLOBEX
    assert set(got["acme-support-2026"].rcpt_tos) == ACME
    assert len(got["acme-support-2026"].rcpt_tos) == 3
    acme = got["acme-support-2026"].message
    assert acme["To"] == "ops@acme.example, cio@acme.example"
    assert acme["Cc"] == "irina@provider.example"
    assert acme["From"] == "slactl@provider.example"
    assert got["acme-support-2026"].mail_from == "slactl@provider.example"
    subject = acme["Subject"]
    assert "ACME Corp" in subject and "acme-support-2026" in subject and "39 days" in subject
    assert acme.get_content_type() == "multipart/alternative"
    plain, html = acme.get_body(("plain",)), acme.get_body(("html",))
    assert plain is not None and html is not None
    assert "31 December 2026" in plain.get_content() and "Irina Petrova" in plain.get_content()
    assert "&lt;irina@provider.example&gt;" in html.get_content()
    assert "acme-support-2026: expiry warning (60-day notice, 39 days left) sent to" in result.stdout
    recorded = state(ws)["sent"]
    assert set(recorded) == {"expiry:globex-premium-2026:2026-11-30:14", "expiry:acme-support-2026:2026-12-31:60",
                             "expiry:globex-premium-2026:2026-11-30:30"}
    assert recorded["expiry:globex-premium-2026:2026-11-30:30"]["superseded_by"].endswith(":14")


def test_second_run_sends_nothing(ws: Path, smtp: Recorder) -> None:
    assert run(ws, "expiring", "--as-of", AS_OF, "--notify").exit_code == 0
    assert len(smtp.messages) == 2
    again = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert again.exit_code == 0 and again.stdout == ""
    nxt = run(ws, "expiring", "--as-of", "2026-11-23", "--notify")   # next day, same thresholds
    assert nxt.exit_code == 0 and len(smtp.messages) == 2
    assert run(ws, "notify", "--as-of", "2026-11-23").exit_code == 0   # the same notices, shared state
    assert len(smtp.messages) == 2


def test_each_threshold_once_and_catch_up(ws: Path, smtp: Recorder) -> None:
    def acme_thresholds() -> list[str]:
        return [r.message["X-Slactl-Notice"].rsplit(":", 1)[1] for r in smtp.messages
                if "acme-support-2026" in r.message["X-Slactl-Notice"]]

    for day in ("2026-11-01", "2026-11-02", "2026-12-01", "2026-12-02", "2026-12-24", "2026-12-31"):
        assert run(ws, "expiring", "--as-of", day, "--notify").exit_code == 0
    assert acme_thresholds() == ["60", "30", "7"]


def test_late_start_sends_one_message_not_three(ws: Path, smtp: Recorder) -> None:
    assert run(ws, "expiring", "--as-of", "2026-12-27", "--notify").exit_code == 0
    acme = [r for r in smtp.messages if "acme-support-2026" in r.message["X-Slactl-Notice"]]
    assert len(acme) == 1 and acme[0].message["X-Slactl-Notice"].endswith(":7")
    sent = state(ws)["sent"]
    assert {"expiry:acme-support-2026:2026-12-31:30", "expiry:acme-support-2026:2026-12-31:60"} <= set(sent)
    assert run(ws, "expiring", "--as-of", "2026-12-28", "--notify").exit_code == 0
    assert len([r for r in smtp.messages if "acme-support-2026" in r.message["X-Slactl-Notice"]]) == 1


def test_notify_sends_activation_warnings_and_expiry(ws: Path, smtp: Recorder) -> None:
    result = run(ws, "notify", "--as-of", "2027-02-03")
    assert result.exit_code == 0, result.output
    keys = sorted(r.message["X-Slactl-Notice"] for r in smtp.messages)
    assert "activation:initech-erp-2027:2027-02-01" in keys
    assert "expired:initech-erp-2026:2027-01-31" in keys
    assert not any("initech-erp-2025" in k for k in keys)   # old news is not mailed
    assert not any(k.startswith("activation:acme") for k in keys)
    activation = next(r for r in smtp.messages if r.message["X-Slactl-Notice"].startswith("activation:"))
    assert set(activation.rcpt_tos) == {"helpdesk@initech.example", "irina@provider.example"}
    # Initech's agreements say `language: ru`; the activation lists the agreed service levels
    assert activation.message["Subject"].startswith("Initech LLC: соглашение об уровне сервиса initech-erp-2027 "
                                                    "вступило в силу")
    assert "P1: первый ответ в течение 30 мин, решение в течение 4 ч" in \
        activation.message.get_body(("plain",)).get_content()
    count = len(smtp.messages)
    assert run(ws, "notify", "--as-of", "2027-02-04").exit_code == 0
    assert len(smtp.messages) == count


def test_first_run_on_an_old_workspace_sends_only_whats_due(ws: Path, smtp: Recorder) -> None:
    assert run(ws, "notify", "--as-of", AS_OF).exit_code == 0
    assert set(smtp.by_agreement()) == {"globex-premium-2026", "acme-support-2026"}


# ---------------------------------------------------------------- failures

def test_refused_recipient_is_reported_and_not_recorded(ws: Path, smtp: Recorder) -> None:
    smtp.refuse.add("cio@acme.example")
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert result.exit_code == 1
    assert "acme-support-2026: not delivered to cio@acme.example: 550" in result.stderr
    assert "ops@acme.example" not in result.stderr
    recorded = state(ws)
    assert "expiry:acme-support-2026:2026-12-31:60" not in recorded["sent"]
    assert "expiry:globex-premium-2026:2026-11-30:14" in recorded["sent"]
    assert recorded["partial"] == {"expiry:acme-support-2026:2026-12-31:60": ["irina@provider.example",
                                                                              "ops@acme.example"]}
    # The next run retries the failed recipient only, then records the notice.
    smtp.refuse.clear()
    smtp.messages.clear()
    assert run(ws, "expiring", "--as-of", AS_OF, "--notify").exit_code == 0
    assert [r.rcpt_tos for r in smtp.messages] == [["cio@acme.example"]]
    recorded = state(ws)
    assert "expiry:acme-support-2026:2026-12-31:60" in recorded["sent"] and recorded["partial"] == {}


def test_every_recipient_refused(ws: Path, smtp: Recorder) -> None:
    smtp.refuse.update(GLOBEX)
    result = run(ws, "expiring", "--as-of", AS_OF, "--within", "10d", "--notify")
    assert result.exit_code == 1
    assert "not delivered to it-director@globex.example" in result.stderr
    assert "not delivered to sam@provider.example" in result.stderr
    assert smtp.messages == []
    assert state_or_empty(ws)["sent"] == {}


def state_or_empty(ws: Path) -> dict:  # type: ignore[type-arg]
    p = state_file(ws)
    return json.loads(p.read_text()) if p.exists() else {"sent": {}, "partial": {}}


def test_connection_refused(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACTL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SLACTL_SMTP_PORT", str(free_port()))  # nobody listens
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert result.exit_code == 1
    assert "not delivered to ops@acme.example: cannot connect to SMTP server 127.0.0.1" in result.stderr
    assert state_or_empty(ws)["sent"] == {}


def test_starttls_requested_but_not_offered_sends_nothing(ws: Path, smtp: Recorder,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACTL_SMTP_STARTTLS", "1")
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert result.exit_code == 1 and "STARTTLS" in result.stderr.upper()
    assert smtp.messages == []


def test_missing_host_is_a_usage_error(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACTL_SMTP_HOST", raising=False)
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert result.exit_code == 2 and "SLACTL_SMTP_HOST" in result.stderr
    assert run(ws, "notify", "--as-of", AS_OF).exit_code == 2


def test_a_second_concurrent_run_does_not_send(ws: Path, smtp: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail_state, "LOCK_WAIT_SECONDS", 0.3)
    fd = os.open(str(state_file(ws)) + ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another run is in progress
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 1 and "another slactl run holds" in result.stderr
        assert smtp.messages == []
    finally:
        os.close(fd)
    assert run(ws, "expiring", "--as-of", AS_OF, "--notify").exit_code == 0
    assert len(smtp.messages) == 2


# ---------------------------------------------------------------- injection and secrets

def test_newline_in_a_name_cannot_add_a_header_or_recipient(ws: Path, smtp: Recorder) -> None:
    f = ws / "customers" / "acme.yaml"
    text = f.read_text(encoding="utf-8")
    text = text.replace("name: ACME Corp", 'name: "ACME\\r\\nBcc: evil@x.example\\nX-Evil: 1"')
    text = text.replace("{name: Irina Petrova,", '{name: "Irina\\r\\nCc: evil2@x.example",')
    f.write_text(text, encoding="utf-8")
    assert run(ws, "validate").exit_code == 0
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert result.exit_code == 0, result.output
    acme = smtp.by_agreement()["acme-support-2026"]
    assert set(acme.rcpt_tos) == ACME
    assert all("evil" not in r for m in smtp.messages for r in m.rcpt_tos)
    msg = acme.message
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert msg.get_all("Cc") == ["irina@provider.example"]
    assert "\n" not in msg["Subject"] and "ACME Bcc: evil@x.example X-Evil: 1" in msg["Subject"]


def test_dry_run_prints_and_never_shows_the_password(ws: Path, smtp: Recorder,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACTL_SMTP_USER", "mailer")
    monkeypatch.setenv("SLACTL_SMTP_PASSWORD", "s3cret-pw")
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify", "--dry-run")
    assert result.exit_code == 0
    assert "To: ops@acme.example, cio@acme.example" in result.stdout
    assert "Cc: irina@provider.example" in result.stdout
    assert "s3cret-pw" not in result.output
    assert smtp.messages == [] and not state_file(ws).exists()
    monkeypatch.delenv("SLACTL_SMTP_HOST")  # a dry run needs no server
    result = run(ws, "notify", "--as-of", AS_OF, "--dry-run", "--format", "json")
    assert result.exit_code == 0 and "s3cret-pw" not in result.output
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and {s["agreement"] for s in data["sent"]} == {"globex-premium-2026",
                                                                                  "acme-support-2026"}


def test_login_with_user_and_password(ws: Path, smtp_auth: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACTL_SMTP_USER", "mailer")
    monkeypatch.setenv("SLACTL_SMTP_PASSWORD", "s3cret-pw")
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert result.exit_code == 0, result.output
    assert smtp_auth.logins and smtp_auth.logins[0] == (b"mailer", b"s3cret-pw")
    assert len(smtp_auth.messages) == 2 and "s3cret-pw" not in result.output


def test_wrong_password_is_reported_without_the_password(ws: Path, smtp_auth: Recorder,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACTL_SMTP_USER", "mailer")
    monkeypatch.setenv("SLACTL_SMTP_PASSWORD", "wrong-pw-123")
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert result.exit_code == 1 and "login as mailer refused" in result.stderr
    assert "wrong-pw-123" not in result.output and smtp_auth.messages == []


def test_state_file_option_and_json_log(ws: Path, smtp: Recorder, tmp_path: Path) -> None:
    path = tmp_path / "state" / "notices.json"
    path.parent.mkdir()
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify", "--state", str(path), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [s["agreement"] for s in data["sent"]] == ["globex-premium-2026", "acme-support-2026"]
    assert data["failed"] == []
    assert "expiry:acme-support-2026:2026-12-31:60" in json.loads(path.read_text())["sent"]
    assert not state_file(ws).exists()


def test_corrupt_state_file_is_not_overwritten(ws: Path, smtp: Recorder) -> None:
    state_file(ws).write_text("{not json")
    result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
    assert result.exit_code == 2 and "state file" in result.stderr
    assert state_file(ws).read_text() == "{not json" and smtp.messages == []


def test_header_safe() -> None:
    from slactl.sanitize import header_safe

    assert header_safe("a\r\nBcc: x\x00y\u2028z") == "a Bcc: x y z"
