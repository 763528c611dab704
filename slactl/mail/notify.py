"""Lifecycle notices by e-mail: message composition, SMTP delivery and the state file.

Guarantees:

- One message per notice, to the agreement's customer contacts (To) and its
  manager (Cc), nobody else: the envelope recipients are given explicitly and
  never read back from headers.
- Every header value has CR/LF and other control characters replaced by
  spaces, so a name like ``"ACME\\r\\nBcc: evil@x"`` cannot add a header.
- The state file records each notice right after its delivery succeeded, under
  an exclusive lock held for the whole run: two concurrent runs never send the
  same notice twice, and nothing is recorded that was not delivered.
- A recipient the server refuses is reported and the notice stays unrecorded;
  the recipients that did accept it are remembered (``partial``), so the next
  run retries only the ones that failed.
- Secrets (``SLACTL_SMTP_PASSWORD``) are used for login and never printed.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import IO, Callable, Iterator, Mapping

from slactl.errors import InputError, Refused
from slactl.core.lifecycle import ACTIVATION, EXPIRY, EXPIRY_WARNING, Notice

STATE_NAME = ".slactl-state.json"
LOCK_WAIT_SECONDS = 60.0
SMTP_TIMEOUT_SECONDS = 30.0

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


# ---------------------------------------------------------------- configuration

@dataclass(frozen=True)
class SmtpConfig:
    host: str | None
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never in a repr, a log or an error
    starttls: bool = False
    mail_from: str = "slactl@localhost"

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, dry_run: bool = False) -> SmtpConfig:
        """Contract §4: SLACTL_SMTP_HOST (required unless dry-run), _PORT (25), _USER,
        _PASSWORD, _STARTTLS (0/1) and SLACTL_MAIL_FROM (default slactl@<hostname>)."""
        host = (env.get("SLACTL_SMTP_HOST") or "").strip() or None
        if host is None and not dry_run:
            raise InputError("SLACTL_SMTP_HOST is not set; set it (and SLACTL_SMTP_PORT) or use --dry-run")
        port_text = (env.get("SLACTL_SMTP_PORT") or "25").strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise InputError(f"SLACTL_SMTP_PORT '{port_text}' is not a port number")
        starttls_text = (env.get("SLACTL_SMTP_STARTTLS") or "0").strip().lower()
        if starttls_text not in ("0", "1", "", "true", "false", "yes", "no"):
            raise InputError(f"SLACTL_SMTP_STARTTLS '{starttls_text}' must be 0 or 1")
        mail_from = (env.get("SLACTL_MAIL_FROM") or "").strip() or f"slactl@{socket.gethostname() or 'localhost'}"
        if _CONTROL.search(mail_from) or "@" not in mail_from:
            raise InputError("SLACTL_MAIL_FROM must be one e-mail address on one line")
        return cls(host=host, port=int(port_text), user=(env.get("SLACTL_SMTP_USER") or "").strip() or None,
                   password=env.get("SLACTL_SMTP_PASSWORD") or None,
                   starttls=starttls_text in ("1", "true", "yes"), mail_from=mail_from)


# ---------------------------------------------------------------- messages

def header_safe(value: object) -> str:
    """One line: CR, LF and other control characters become single spaces."""
    return _CONTROL.sub(" ", str(value)).strip()


@dataclass(frozen=True)
class Outgoing:
    notice: Notice
    message: EmailMessage
    to: tuple[str, ...]
    cc: tuple[str, ...]

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.to, *self.cc)))


def recipients(notice: Notice) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(To, Cc): the customer contacts and the manager; the manager is To when there are no contacts."""
    ag = notice.agreement
    to = tuple(dict.fromkeys(a.strip() for a in ag.customer.contacts if a.strip()))
    manager = (ag.manager.email or "").strip()
    cc = (manager,) if manager and manager.casefold() not in {a.casefold() for a in to} else ()
    return (to, cc) if to else (cc, ())


def render_dry_run(items: list[Outgoing]) -> str:
    """What would be sent: headers and the plain-text part (the HTML part says the same)."""
    from slactl.console import inert

    parts = []
    for i, item in enumerate(items, 1):
        msg = item.message
        head = [f"--- message {i} of {len(items)} (dry run: not sent, not recorded) ---"]
        head += [f"{name}: {msg[name]}" for name in ("From", "To", "Cc", "Subject", "X-Slactl-Notice") if msg[name]]
        body = msg.get_body(("plain",))
        text = body.get_content() if body is not None else ""  # type: ignore[union-attr]
        parts.append(inert("\n".join(head)) + "\n\n" + "\n".join(inert(line) for line in text.splitlines()) + "\n")
    return "\n".join(parts)


# ---------------------------------------------------------------- state

def default_state_path(workspace: str) -> str:
    return os.path.join(workspace, STATE_NAME)


def read_state(path: str) -> dict:  # type: ignore[type-arg]
    """The state file's content; an empty state when it does not exist yet."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return {"version": 1, "sent": {}, "partial": {}}
    except (OSError, ValueError) as exc:
        raise InputError(f"state file {path} cannot be read ({exc}); fix or remove it") from None
    if not isinstance(data, dict) or not isinstance(data.get("sent", {}), dict):
        raise InputError(f"state file {path} is not a slactl state file; fix or remove it")
    data.setdefault("version", 1)
    data.setdefault("sent", {})
    if not isinstance(data.get("partial"), dict):
        data["partial"] = {}
    return data


def write_state(path: str, state: dict) -> None:  # type: ignore[type-arg]
    from slactl.atomic import atomic_writer

    with atomic_writer(path, overwrite=True) as fh:
        json.dump(state, fh, indent=2, sort_keys=True, ensure_ascii=False)
        fh.write("\n")


@contextlib.contextmanager
def state_lock(path: str, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``<path>.lock`` for the whole run; wait up to ``wait`` seconds."""
    import fcntl

    wait = LOCK_WAIT_SECONDS if wait is None else wait
    lock_path = path + ".lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise InputError(f"cannot open lock file {lock_path}: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Refused(f"another slactl run holds {lock_path} (waited {wait:g}s); "
                                  "nothing was sent") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing releases the lock


# ---------------------------------------------------------------- delivery

@dataclass
class Failure:
    notice: Notice
    recipient: str
    reason: str


@dataclass
class Report:
    sent: list[Outgoing] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[tuple[Notice, str]] = field(default_factory=list)  # (notice, why)

    @property
    def ok(self) -> bool:
        return not self.failures


def _reason(code: int | None, text: bytes | str | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return header_safe(f"{code or ''} {text or ''}")


class SmtpSender:
    """One SMTP session for the run (STARTTLS and login when configured)."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self.smtp = None

    def __enter__(self) -> SmtpSender:
        import smtplib
        import ssl

        c = self.config
        try:
            smtp = smtplib.SMTP(c.host or "", c.port, timeout=SMTP_TIMEOUT_SECONDS)
        except (OSError, smtplib.SMTPException) as exc:
            raise ConnectionError(f"cannot connect to SMTP server {c.host}:{c.port}: {_describe(exc)}") from None
        try:
            smtp.ehlo()
            if c.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if c.user:
                smtp.login(c.user, c.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            smtp.close()
            raise ConnectionError(f"SMTP login as {c.user} refused: {_reason(exc.smtp_code, exc.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            smtp.close()
            raise ConnectionError(f"SMTP session with {c.host}:{c.port} failed: {_describe(exc)}") from None
        self.smtp = smtp  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        import smtplib

        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            with contextlib.suppress(OSError):
                self.smtp.close()

    def send(self, item: Outgoing, rcpts: tuple[str, ...]) -> dict[str, str]:
        """Deliver to ``rcpts``; the refused ones with their reason (empty: all accepted)."""
        import smtplib

        assert self.smtp is not None
        try:
            refused = self.smtp.send_message(item.message, from_addr=self.config.mail_from, to_addrs=list(rcpts))
        except smtplib.SMTPRecipientsRefused as exc:
            return {r: _reason(*exc.recipients[r]) for r in exc.recipients}
        except smtplib.SMTPResponseException as exc:
            return {r: _reason(exc.smtp_code, exc.smtp_error) for r in rcpts}
        except (OSError, smtplib.SMTPException) as exc:
            return {r: _describe(exc) for r in rcpts}
        return {r: _reason(*refused[r]) for r in refused}


def _describe(exc: BaseException) -> str:
    return header_safe(getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)


Sender = Callable[[Outgoing, tuple[str, ...]], dict[str, str]]


def run(plan: Callable[[frozenset[str]], list[Notice]], *, state_path: str, config: SmtpConfig,
        dry_run: bool = False, out: IO[str] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        sender_factory: Callable[[SmtpConfig], contextlib.AbstractContextManager] | None = None,  # type: ignore[type-arg]
        compose: Callable[..., Outgoing]) -> Report:
    """Send what ``plan(sent keys)`` says is due, recording each notice once delivered.

    ``compose(item, mail_from, domain=None)`` turns an item of the plan into its message:
    :func:`slactl.mail.notices.composer_for` for lifecycle notices, the report's for
    ``report --mail`` (any item with a ``key`` and ``supersedes`` works).
    In a dry run nothing is locked, sent or written: the messages are printed to ``out``.
    """
    report = Report()
    if dry_run:
        state = read_state(state_path)
        items = [compose(n, config.mail_from) for n in plan(frozenset(state["sent"]))]
        for item in items:
            if not item.recipients:
                report.skipped.append((item.notice, "no contacts and no manager e-mail"))
        items = [i for i in items if i.recipients]
        if out is not None and items:
            out.write(render_dry_run(items))
        report.sent = items
        return report
    with state_lock(state_path):
        state = read_state(state_path)  # read under the lock: the other run may just have written it
        notices = plan(frozenset(state["sent"]))
        items = []
        for n in notices:
            item = compose(n, config.mail_from)
            if item.recipients:
                items.append(item)
            else:
                report.skipped.append((n, "no contacts and no manager e-mail"))
        if not items:
            return report
        factory = sender_factory or SmtpSender
        try:
            session = factory(config).__enter__()
        except ConnectionError as exc:
            for item in items:
                for r in item.recipients:
                    report.failures.append(Failure(item.notice, r, str(exc)))
            return report
        try:
            for item in items:
                _deliver(item, session, state, state_path, report, now)
        finally:
            session.__exit__(None, None, None)
    return report


def _deliver(item: Outgoing, session, state: dict, state_path: str, report: Report,  # type: ignore[no-untyped-def,type-arg]
             now: Callable[[], datetime]) -> None:
    key = item.notice.key
    already = set(state["partial"].get(key, ()))
    todo = tuple(r for r in item.recipients if r not in already)
    refused = session.send(item, todo) if todo else {}
    delivered = already | {r for r in todo if r not in refused}
    for r, why in refused.items():
        report.failures.append(Failure(item.notice, r, why))
    stamp = now().isoformat(timespec="seconds")
    if refused:
        if delivered != already:
            state["partial"][key] = sorted(delivered)
            write_state(state_path, state)
        return
    state["partial"].pop(key, None)
    state["sent"][key] = {"at": stamp, "to": sorted(delivered), "subject": str(item.message["Subject"])}
    for extra in item.notice.supersedes:
        state["sent"].setdefault(extra, {"at": stamp, "superseded_by": key})
        state["partial"].pop(extra, None)
    write_state(state_path, state)  # right after the delivery: a crash later cannot resend it
    report.sent.append(item)


KIND_WORDS = {EXPIRY_WARNING: "expiry warning", ACTIVATION: "activation", EXPIRY: "expiry"}


def describe(item: Outgoing) -> str:
    """One log line for a delivered notice."""
    n = item.notice
    what = KIND_WORDS[n.kind] + (f" ({n.threshold}-day notice, {n.days_left} days left)"
                                 if n.kind == EXPIRY_WARNING else "")
    cc = f"; cc {', '.join(item.cc)}" if item.cc else ""
    return f"{n.agreement.name}: {what} sent to {', '.join(item.to)}{cc}"
