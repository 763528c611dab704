"""Mail transport and state durability against real SMTP servers on loopback (aiosmtpd):
STARTTLS and implicit TLS with a throwaway certificate, no password in clear text, a
non-ASCII sender name, a reconnect after a timeout, a full disk after delivery, and
hand-edited state files."""
from __future__ import annotations

import asyncio
import datetime as dt
import errno
import ipaddress
import json
import os
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.conftest import state_file, run_in_workspace as run
from tests.test_notify import ACME, AS_OF, GLOBEX, Recorder, free_port, state

SMTP_VARS = ("SLACTL_SMTP_USER", "SLACTL_SMTP_PASSWORD", "SLACTL_SMTP_STARTTLS", "SLACTL_SMTP_TLS",
             "SLACTL_SMTP_ALLOW_PLAIN_AUTH", "SLACTL_SMTP_CA_FILE", "SLACTL_SMTP_TIMEOUT")


# ----------------------------------------------------------------- a throwaway CA and certificate

@dataclass
class Certs:
    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(self.cert), str(self.key))
        return ctx


def _local_ip() -> str | None:
    """This machine's non-loopback address (a UDP connect sends nothing), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            ip = s.getsockname()[0]
        except OSError:
            return None
    return None if ipaddress.ip_address(ip).is_loopback else ip


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("certs")
    now = dt.datetime.now(dt.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("slactl test CA")).issuer_name(name("slactl test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    sans: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    ip = _local_ip()
    if ip:
        sans.append(x509.IPAddress(ipaddress.ip_address(ip)))
    cert = (x509.CertificateBuilder().subject_name(name("localhost")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    out = Certs(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    out.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    out.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    out.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return out


# ----------------------------------------------------------------- servers

@dataclass
class TlsRecorder(Recorder):
    """Also remembers whether each login and message came over TLS."""

    login_tls: list[bool] = field(default_factory=list)
    message_tls: list[bool] = field(default_factory=list)
    delay_first_data: float = 0.0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.message_tls.append(_encrypted(server, session))
        if self.delay_first_data and len(self.message_tls) == 1:
            await asyncio.sleep(self.delay_first_data)  # the client times out waiting for the reply
        return await super().handle_DATA(server, session, envelope)

    def authenticate(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        self.login_tls.append(_encrypted(server, session))
        return super().authenticate(server, session, envelope, mechanism, auth_data)


def _encrypted(server: Any, session: Any) -> bool:
    """STARTTLS sets ``session.ssl``; implicit TLS shows on the transport."""
    transport = getattr(server, "transport", None)
    return bool(session.ssl) or (transport is not None and transport.get_extra_info("ssl_object") is not None)


def serve(monkeypatch: pytest.MonkeyPatch, *, host: str = "127.0.0.1", auth: bool = False,
          **kw: Any) -> Iterator[TlsRecorder]:
    recorder = TlsRecorder()
    port = free_port() if host == "127.0.0.1" else _free_port_on(host)
    if auth:
        kw.update(authenticator=recorder.authenticate)
        kw.setdefault("auth_require_tls", False)
    controller = Controller(recorder, hostname=host, port=port, **kw)
    controller.start()
    monkeypatch.setenv("SLACTL_SMTP_HOST", host)
    monkeypatch.setenv("SLACTL_SMTP_PORT", str(port))
    monkeypatch.setenv("SLACTL_MAIL_FROM", "slactl@provider.example")
    for var in SMTP_VARS:
        monkeypatch.delenv(var, raising=False)
    try:
        yield recorder
    finally:
        controller.stop()


def _free_port_on(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def login_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACTL_SMTP_USER", "mailer")
    monkeypatch.setenv("SLACTL_SMTP_PASSWORD", "s3cret-pw")


# ----------------------------------------------------------------- item: STARTTLS, implicit TLS, no clear-text password

def test_starttls_is_used_whenever_offered(ws: Path, certs: Certs, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing set but host and port: the server offers STARTTLS, so login and mail go encrypted."""
    for server in serve(monkeypatch, auth=True, tls_context=certs.server_context(), auth_require_tls=True):
        login_env(monkeypatch)
        monkeypatch.setenv("SLACTL_SMTP_CA_FILE", str(certs.ca))
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 0, result.output
        assert server.login_tls == [True] and server.message_tls == [True, True]
        assert "s3cret-pw" not in result.output


def test_starttls_on_loopback_needs_no_ca(ws: Path, certs: Certs, monkeypatch: pytest.MonkeyPatch) -> None:
    """A local relay with a self-signed certificate keeps working (and is now encrypted)."""
    for server in serve(monkeypatch, tls_context=certs.server_context()):
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 0, result.output
        assert server.message_tls == [True, True]


def test_required_starttls_verifies_the_certificate(ws: Path, certs: Certs, monkeypatch: pytest.MonkeyPatch) -> None:
    for server in serve(monkeypatch, tls_context=certs.server_context()):
        monkeypatch.setenv("SLACTL_SMTP_STARTTLS", "1")
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 1
        assert "certificate cannot be verified" in result.stderr and "SLACTL_SMTP_CA_FILE" in result.stderr
        assert server.messages == []
        monkeypatch.setenv("SLACTL_SMTP_CA_FILE", str(certs.ca))
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 0, result.output
        assert server.message_tls == [True, True]


def test_implicit_tls(ws: Path, certs: Certs, monkeypatch: pytest.MonkeyPatch) -> None:
    for server in serve(monkeypatch, auth=True, ssl_context=certs.server_context()):
        login_env(monkeypatch)
        monkeypatch.setenv("SLACTL_SMTP_TLS", "1")
        monkeypatch.setenv("SLACTL_SMTP_CA_FILE", str(certs.ca))
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 0, result.output
        assert server.login_tls == [True] and len(server.messages) == 2
        monkeypatch.delenv("SLACTL_SMTP_CA_FILE")  # an unknown CA is refused, nothing sent
        state_file(ws).unlink()
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 1 and "certificate cannot be verified" in result.stderr
        assert len(server.messages) == 2


def test_implicit_tls_defaults_to_port_465_and_excludes_starttls(monkeypatch: pytest.MonkeyPatch) -> None:
    from slactl.errors import InputError
    from slactl.mail.transport import SmtpConfig

    assert SmtpConfig.from_env({"SLACTL_SMTP_HOST": "mail.example", "SLACTL_SMTP_TLS": "1"}).port == 465
    assert SmtpConfig.from_env({"SLACTL_SMTP_HOST": "mail.example"}).port == 25
    with pytest.raises(InputError, match="exclude each other"):
        SmtpConfig.from_env({"SLACTL_SMTP_HOST": "h", "SLACTL_SMTP_TLS": "1", "SLACTL_SMTP_STARTTLS": "1"})


def test_no_password_in_clear_text_to_another_host(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ip = _local_ip()
    if ip is None:
        pytest.skip("this machine has no address but loopback")
    for server in serve(monkeypatch, host=ip, auth=True):
        login_env(monkeypatch)
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 1
        assert "refusing to send the password for mailer unencrypted" in result.stderr
        assert "SLACTL_SMTP_ALLOW_PLAIN_AUTH=1" in result.stderr and "s3cret-pw" not in result.output
        assert server.logins == [] and server.messages == []
        monkeypatch.setenv("SLACTL_SMTP_ALLOW_PLAIN_AUTH", "1")  # the documented way out
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 0, result.output
        assert server.logins == [(b"mailer", b"s3cret-pw")] and len(server.messages) == 2


def test_plain_login_on_loopback_keeps_working(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for server in serve(monkeypatch, auth=True):
        login_env(monkeypatch)
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 0, result.output
        assert server.logins == [(b"mailer", b"s3cret-pw")] and server.login_tls == [False]


# ----------------------------------------------------------------- item: sender name, timeouts

def test_non_ascii_sender_name_without_smtputf8(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for server in serve(monkeypatch, enable_SMTPUTF8=False):
        monkeypatch.setenv("SLACTL_MAIL_FROM", "Jürgen Support <support@provider.example>")
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 0, result.output
        assert len(server.messages) == 2
        got = server.messages[0]
        assert got.mail_from == "support@provider.example"  # the bare address in the envelope
        assert str(got.message["From"]) == "Jürgen Support <support@provider.example>"
        assert got.message["Message-ID"].endswith("@provider.example>")


def test_mail_from_must_be_an_address(monkeypatch: pytest.MonkeyPatch) -> None:
    from slactl.errors import InputError
    from slactl.mail.transport import SmtpConfig

    config = SmtpConfig.from_env({"SLACTL_SMTP_HOST": "h", "SLACTL_MAIL_FROM": '"Ops, Team" <ops@x.example>'})
    assert config.envelope_from == "ops@x.example"
    for bad in ("Jürgen Support", "a@b\nBcc: c@d", "<>"):
        with pytest.raises(InputError, match="SLACTL_MAIL_FROM"):
            SmtpConfig.from_env({"SLACTL_SMTP_HOST": "h", "SLACTL_MAIL_FROM": bad})


def test_after_a_timeout_the_next_notices_reconnect(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for server in serve(monkeypatch):
        server.delay_first_data = 3.0
        monkeypatch.setenv("SLACTL_SMTP_TIMEOUT", "1")
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 1
        assert "timed out" in result.stderr and "please run connect() first" not in result.stderr
        sent = state(ws)["sent"]
        # the first notice timed out (not recorded, retried next run); the second went out on a new connection
        assert "expiry:acme-support-2026:2026-12-31:60" in sent
        assert "expiry:globex-premium-2026:2026-11-30:14" not in sent
        assert "acme-support-2026: expiry warning" in result.stdout


# ----------------------------------------------------------------- item: a full disk after delivery

def test_state_write_fails_after_delivery(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server took the messages, then the state file cannot be written: nothing is sent twice."""
    from slactl.mail import notify

    def full(path: str, data: dict) -> None:  # type: ignore[type-arg]
        raise OSError(errno.ENOSPC, "No space left on device")

    original = notify.write_state
    for server in serve(monkeypatch):
        monkeypatch.setattr(notify, "write_state", full)
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 2, result.output
        assert "internal error" not in result.stderr and "no space left" in result.stderr
        assert "globex-premium-2026: expiry warning" in result.stderr  # it says which notices went out
        assert "acme-support-2026: expiry warning" in result.stderr
        assert len(server.messages) == 2
        assert Path(str(state_file(ws)) + ".journal").exists()
        monkeypatch.setattr(notify, "write_state", original)  # the disk has room again
        again = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert again.exit_code == 0, again.output
        assert len(server.messages) == 2  # not sent again
        assert set(state(ws)["sent"]) == {"expiry:globex-premium-2026:2026-11-30:14",
                                          "expiry:acme-support-2026:2026-12-31:60",
                                          "expiry:globex-premium-2026:2026-11-30:30"}
        assert not Path(str(state_file(ws)) + ".journal").exists()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs (root only) to run out of for real."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_disk_fills_up_while_mailing(ws: Path, tiny_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real ENOSPC: the server fills the state file's disk the moment it accepts the first message."""
    state_path = tiny_disk / "state.json"
    filler = tiny_disk / "filler"

    for server in serve(monkeypatch):
        original = server.handle_DATA

        async def fill_then_accept(srv, session, envelope):  # type: ignore[no-untyped-def]
            try:
                with open(filler, "ab", buffering=0) as fh:
                    while True:
                        fh.write(b"\0" * 4096)
            except OSError:  # ENOSPC: the disk is full now
                pass
            return await original(srv, session, envelope)

        monkeypatch.setattr(server, "handle_DATA", fill_then_accept)
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify", "--state", str(state_path))
        assert result.exit_code == 2, result.output
        assert "no space left" in result.stderr and "internal error" not in result.stderr
        assert len(server.messages) == 2
        filler.unlink()
        monkeypatch.setattr(server, "handle_DATA", original)
        again = run(ws, "expiring", "--as-of", AS_OF, "--notify", "--state", str(state_path))
        assert again.exit_code == 0, again.output
        assert len(server.messages) == 2  # the journal remembered both
        assert "expiry:acme-support-2026:2026-12-31:60" in json.loads(state_path.read_text())["sent"]


# ----------------------------------------------------------------- item: hand-edited state files

@pytest.mark.parametrize("content,words", [
    ('{"sent": {}, "partial": {"expiry:acme-support-2026:2026-12-31:60": "ops@acme.example"}}',
     "is not a list of e-mail addresses"),
    ('{"sent": {}, "partial": {"k": [1, 2]}}', "is not a list of e-mail addresses"),
    ('{"sent": [], "partial": {}}', "'sent' is not a JSON object"),
    ("[" * 100_000 + "]" * 100_000, "nested too deep"),
    ('{"sent": ' * 50_000 + "{}" + "}" * 50_000, "nested too deep"),
    ("[]", "not a slactl state file"),
])
def test_a_broken_state_file_is_exit_2(ws: Path, content: str, words: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for server in serve(monkeypatch):
        state_file(ws).write_text(content)
        result = run(ws, "expiring", "--as-of", AS_OF, "--notify")
        assert result.exit_code == 2, result.output
        assert "state file" in result.stderr and words in result.stderr
        assert server.messages == []
        assert state_file(ws).read_text() == content  # never overwritten
        dry = run(ws, "notify", "--as-of", AS_OF, "--dry-run")
        assert dry.exit_code == 2


def test_recipients_accounted(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The journal path records exactly who was delivered to (sanity for the fixtures above)."""
    for server in serve(monkeypatch):
        assert run(ws, "expiring", "--as-of", AS_OF, "--notify").exit_code == 0
        assert {tuple(sorted(m.rcpt_tos)) for m in server.messages} == {tuple(sorted(GLOBEX)),
                                                                         tuple(sorted(ACME))}
        assert not Path(str(state_file(ws)) + ".journal").exists()



def test_a_port_in_superscript_digits_is_refused_not_a_crash() -> None:
    from slactl.errors import InputError
    from slactl.mail.transport import SmtpConfig

    with pytest.raises(InputError, match="is not a port number"):
        SmtpConfig.from_env({"SLACTL_SMTP_HOST": "h", "SLACTL_SMTP_PORT": "²⁵"})
