"""SMTP transport: configuration from the environment, encryption, login and one
reconnect after a lost connection.

Security rules (README, "Notices by mail", which also has the upgrade notes):

- ``SLACTL_SMTP_TLS=1`` speaks TLS from the first byte (port 465 by default).
- Otherwise the session is upgraded with STARTTLS whenever the server offers
  it; ``SLACTL_SMTP_STARTTLS=1`` makes the upgrade mandatory.
- Certificates are verified against the system's CAs (plus
  ``SLACTL_SMTP_CA_FILE``). A server on loopback that was not asked for TLS
  is upgraded without checking its certificate (a local relay's self-signed
  one): the traffic never leaves the machine, and it is no worse than plain.
- A password is never sent over an unencrypted connection to a host other
  than loopback, unless ``SLACTL_SMTP_ALLOW_PLAIN_AUTH=1``.
- The envelope sender is the bare address of ``SLACTL_MAIL_FROM``; a display
  name goes only into the From header (which the message encodes by RFC 2047
  when it is not ASCII), so a server without SMTPUTF8 accepts
  "Jürgen Support <support@example.org>".
"""
from __future__ import annotations

import contextlib
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any, Mapping

from slactl.errors import InputError
from slactl.sanitize import breaks_header, header_safe

SMTP_TIMEOUT_SECONDS = 30.0
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _flag(env: Mapping[str, str], name: str) -> bool:
    text = (env.get(name) or "").strip().lower()
    if text not in _TRUE + _FALSE:
        raise InputError(f"{name} '{text}' must be 0 or 1")
    return text in _TRUE


@dataclass(frozen=True)
class SmtpConfig:
    host: str | None
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never in a repr, a log or an error
    starttls: bool = False  # STARTTLS required (it is used whenever offered anyway)
    mail_from: str = "slactl@localhost"  # the From header as configured, display name included
    tls: bool = False  # implicit TLS (SMTPS, port 465)
    allow_plain_auth: bool = False
    ca_file: str | None = None
    timeout: float = SMTP_TIMEOUT_SECONDS

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, dry_run: bool = False) -> SmtpConfig:
        """SLACTL_SMTP_HOST (required unless dry-run), _PORT (25, or 465 with _TLS=1), _USER,
        _PASSWORD, _STARTTLS, _TLS, _ALLOW_PLAIN_AUTH (0/1), _CA_FILE, _TIMEOUT (seconds) and
        SLACTL_MAIL_FROM (default slactl@<hostname>)."""
        from email.utils import parseaddr

        host = (env.get("SLACTL_SMTP_HOST") or "").strip() or None
        if host is None and not dry_run:
            raise InputError("SLACTL_SMTP_HOST is not set; set it (and SLACTL_SMTP_PORT) or use --dry-run")
        tls = _flag(env, "SLACTL_SMTP_TLS")
        starttls = _flag(env, "SLACTL_SMTP_STARTTLS")
        if tls and starttls:
            raise InputError("SLACTL_SMTP_TLS=1 (TLS from the start, port 465) and SLACTL_SMTP_STARTTLS=1 "
                             "(upgrade on port 25/587) exclude each other; set one")
        port_text = (env.get("SLACTL_SMTP_PORT") or ("465" if tls else "25")).strip()
        if not port_text.isdecimal() or not 0 < int(port_text) < 65536:
            raise InputError(f"SLACTL_SMTP_PORT '{port_text}' is not a port number")
        timeout_text = (env.get("SLACTL_SMTP_TIMEOUT") or "").strip()
        try:
            timeout = float(timeout_text) if timeout_text else SMTP_TIMEOUT_SECONDS
            if not 0 < timeout <= 3600:
                raise ValueError
        except ValueError:
            raise InputError(f"SLACTL_SMTP_TIMEOUT '{timeout_text}' must be a number of seconds (1 to 3600)") from None
        ca_file = (env.get("SLACTL_SMTP_CA_FILE") or "").strip() or None
        mail_from = (env.get("SLACTL_MAIL_FROM") or "").strip() or f"slactl@{socket.gethostname() or 'localhost'}"
        _, address = parseaddr(mail_from)
        if breaks_header(mail_from) or "@" not in address or breaks_header(address) or " " in address:
            raise InputError(f"SLACTL_MAIL_FROM '{header_safe(mail_from)}' must be one e-mail address on one line "
                             "(optionally with a name: Support <support@example.org>)")
        return cls(host=host, port=int(port_text), user=(env.get("SLACTL_SMTP_USER") or "").strip() or None,
                   password=env.get("SLACTL_SMTP_PASSWORD") or None, starttls=starttls, mail_from=mail_from,
                   tls=tls, allow_plain_auth=_flag(env, "SLACTL_SMTP_ALLOW_PLAIN_AUTH"), ca_file=ca_file,
                   timeout=timeout)

    @property
    def envelope_from(self) -> str:
        """The bare address for MAIL FROM (never the display name)."""
        from email.utils import parseaddr

        return parseaddr(self.mail_from)[1] or self.mail_from

    @property
    def domain(self) -> str | None:
        return self.envelope_from.rpartition("@")[2] or None


class SessionError(ConnectionError):
    """The SMTP session could not be set up or was lost; ``str()`` says why, without secrets."""


def describe(exc: BaseException) -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    return header_safe(getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)


def reason(code: int | None, text: bytes | str | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return header_safe(f"{code or ''} {text or ''}")


def _loopback(smtp: Any) -> bool:
    """Whether the connected peer is this machine (judged by the socket, not by the name)."""
    try:
        peer = smtp.sock.getpeername()[0]
        return ipaddress.ip_address(peer.split("%", 1)[0]).is_loopback
    except (OSError, ValueError, AttributeError, IndexError):
        return False


def _context(config: SmtpConfig, *, verify: bool) -> Any:
    import ssl

    if not verify:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    try:
        return ssl.create_default_context(cafile=config.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise SessionError(f"SLACTL_SMTP_CA_FILE {config.ca_file} cannot be read: {describe(exc)}") from None


def connect(config: SmtpConfig) -> Any:
    """An ``smtplib`` session, encrypted whenever the server allows, logged in when configured."""
    import smtplib
    import ssl

    where = f"{config.host}:{config.port}"
    context = _context(config, verify=True) if config.tls else None
    try:
        if config.tls:
            smtp: Any = smtplib.SMTP_SSL(config.host or "", config.port, timeout=config.timeout, context=context)
        else:
            smtp = smtplib.SMTP(config.host or "", config.port, timeout=config.timeout)
    except ssl.SSLError as exc:
        raise SessionError(f"TLS with SMTP server {where} failed: {_tls_reason(exc, config)}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise SessionError(f"cannot connect to SMTP server {where}: {describe(exc)}") from None
    try:
        smtp.ehlo()
        encrypted = config.tls
        if not encrypted and smtp.has_extn("starttls"):
            verify = config.starttls or not _loopback(smtp)
            smtp.starttls(context=_context(config, verify=verify))
            smtp.ehlo()
            encrypted = True
        elif not encrypted and config.starttls:
            raise SessionError(f"SMTP server {where} does not offer STARTTLS (SLACTL_SMTP_STARTTLS=1); "
                               "nothing was sent")
        if config.user:
            if not encrypted and not config.allow_plain_auth and not _loopback(smtp):
                raise SessionError(
                    f"refusing to send the password for {config.user} unencrypted to {where} (the server does "
                    "not offer STARTTLS); use SLACTL_SMTP_TLS=1 with port 465, or set "
                    "SLACTL_SMTP_ALLOW_PLAIN_AUTH=1 to allow it")
            smtp.login(config.user, config.password or "")
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise SessionError(f"SMTP login as {config.user} refused: {reason(exc.smtp_code, exc.smtp_error)}") from None
    except SessionError:
        _close(smtp)
        raise
    except ssl.SSLError as exc:
        _close(smtp)
        raise SessionError(f"STARTTLS with SMTP server {where} failed: {_tls_reason(exc, config)}") from None
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)
        raise SessionError(f"SMTP session with {where} failed: {describe(exc)}") from None
    return smtp


_NAME_MISMATCH = {62, 64}  # OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH


def _tls_reason(exc: BaseException, config: Any) -> str:
    """Why TLS failed, with the advice that fits: a certificate issued for another name needs the
    name it was issued for in SLACTL_SMTP_HOST; an unknown CA needs SLACTL_SMTP_CA_FILE (or
    another one, when it is set already)."""
    import ssl

    if isinstance(exc, ssl.SSLCertVerificationError):
        why = f"the server's certificate cannot be verified ({header_safe(exc.verify_message or exc)}); "
        if exc.verify_code in _NAME_MISMATCH or "mismatch" in str(exc.verify_message or "").lower():
            return why + (f"it was not issued for {config.host}: set SLACTL_SMTP_HOST to a name the certificate "
                          "names (the server's own host name)")
        if config.ca_file:
            return why + (f"SLACTL_SMTP_CA_FILE ({config.ca_file}) does not hold the CA that signed it: point it "
                          "at that CA's certificate")
        return why + "set SLACTL_SMTP_CA_FILE to the certificate of the CA that signed it"
    return describe(exc)


def _close(smtp: Any) -> None:
    with contextlib.suppress(Exception):
        smtp.close()


class SmtpSender:
    """One SMTP session for the run. A connection lost mid-run (a timeout, the server hanging
    up) is re-established once for the notices that follow; the notice that was being sent is
    reported as failed (the server may or may not have taken it) and retried on the next run."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self.smtp: Any = None
        self.reconnects_left = 1
        self.lost: str | None = None  # why the connection is gone and may not come back

    def __enter__(self) -> SmtpSender:
        self.smtp = connect(self.config)
        return self

    def __exit__(self, *exc: object) -> None:
        import smtplib

        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            _close(self.smtp)
            self.smtp = None

    def _ensure(self) -> str | None:
        """None when a session is up; else why not."""
        if self.smtp is not None:
            return None
        if self.lost is not None and self.reconnects_left <= 0:
            return self.lost
        self.reconnects_left -= 1
        try:
            self.smtp = connect(self.config)
        except SessionError as exc:
            self.lost = f"{self.lost}; reconnecting failed: {exc}" if self.lost else str(exc)
            self.reconnects_left = 0
            return self.lost
        return None

    def send(self, item: Any, rcpts: tuple[str, ...]) -> dict[str, str]:
        """Deliver ``item`` (a message, or anything with a ``message``) to ``rcpts``; the refused
        ones with their reason (empty: all accepted)."""
        import smtplib

        message = getattr(item, "message", item)
        problem = self._ensure()
        if problem is not None:
            return {r: problem for r in rcpts}
        try:
            refused = self.smtp.send_message(message, from_addr=self.config.envelope_from, to_addrs=list(rcpts))
        except smtplib.SMTPRecipientsRefused as exc:
            return {r: reason(*exc.recipients[r]) for r in exc.recipients}
        except smtplib.SMTPServerDisconnected as exc:
            return self._lost(rcpts, describe(exc) if str(exc) else "the server closed the connection")
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing the session
                return self._lost(rcpts, reason(exc.smtp_code, exc.smtp_error))
            return {r: reason(exc.smtp_code, exc.smtp_error) for r in rcpts}
        except (OSError, smtplib.SMTPException) as exc:
            return self._lost(rcpts, describe(exc))
        return {r: reason(*refused[r]) for r in refused}

    def _lost(self, rcpts: tuple[str, ...], why: str) -> dict[str, str]:
        _close(self.smtp)
        self.smtp = None
        self.lost = f"connection to SMTP server {self.config.host}:{self.config.port} lost ({why})"
        return {r: self.lost for r in rcpts}
