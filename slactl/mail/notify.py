"""Lifecycle notices by e-mail: message composition, SMTP delivery and the state file.

Guarantees:

- One message per notice, to the agreement's customer contacts (To) and its
  manager (Cc), nobody else: the envelope recipients are given explicitly and
  never read back from headers.
- Every header value has CR/LF and other control characters replaced by
  spaces, so a name like ``"ACME\\r\\nBcc: evil@x"`` cannot add a header
  (:func:`slactl.sanitize.header_safe`).
- The state file records each notice right after its delivery succeeded, under
  an exclusive lock held for the whole run: two concurrent runs never send the
  same notice twice, and nothing is recorded that was not delivered. A
  delivered notice goes first into a preallocated write-ahead journal
  (:mod:`slactl.mail.state`), so a full disk cannot lose it.
- A recipient the server refuses is reported and the notice stays unrecorded;
  the recipients that did accept it are remembered (``partial``), so the next
  run retries only the ones that failed.
- Secrets (``SLACTL_SMTP_PASSWORD``) are used for login and never printed;
  transport security is :mod:`slactl.mail.transport`'s.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import IO, Callable

from slactl.core.lifecycle import ACTIVATION, CANCEL_BY, EXPIRED, EXPIRING_SOON, Notice
from slactl.errors import InputError, SlactlError
from slactl.mail.state import (
    Journal, apply_record, clear_journal, describe_os_error, read_journal, read_state,
    record_size, state_lock, write_state,
)
from slactl.mail.transport import SmtpConfig, SmtpSender  # noqa: F401  (the CLI's names)


# ---------------------------------------------------------------- messages

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
    from slactl.sanitize import terminal_text

    parts = []
    for i, item in enumerate(items, 1):
        msg = item.message
        head = [f"--- message {i} of {len(items)} (dry run: not sent, not recorded) ---"]
        head += [f"{name}: {msg[name]}" for name in ("From", "To", "Cc", "Subject", "X-Slactl-Notice") if msg[name]]
        body = msg.get_body(("plain",))
        text = body.get_content() if body is not None else ""  # type: ignore[union-attr]
        lines = "\n".join(terminal_text(line) for line in text.splitlines())
        parts.append(terminal_text("\n".join(head)) + "\n\n" + lines + "\n")
    return "\n".join(parts)


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
    state_error: str | None = None  # the state file could not be written (what went out is in ``sent``)
    journaled: bool = True  # every delivered notice is at least in the journal

    @property
    def ok(self) -> bool:
        return not self.failures and self.state_error is None


def run(plan: Callable[[frozenset[str]], list[Notice]], *, state_path: str, config: SmtpConfig,
        dry_run: bool = False, out: IO[str] | None = None,
        now: datetime,
        sender_factory: Callable[[SmtpConfig], contextlib.AbstractContextManager] | None = None,  # type: ignore[type-arg]
        compose: Callable[..., Outgoing]) -> Report:
    """Send what ``plan(sent keys)`` says is due, recording each notice once delivered.

    ``compose(item, mail_from, domain=None)`` turns an item of the plan into its message:
    :func:`slactl.mail.notices.composer_for` for lifecycle notices, the report's for
    ``report --mail`` (any item with a ``key`` and ``supersedes`` works).
    In a dry run nothing is locked, sent or written: the messages are printed to ``out``.
    ``now`` (the command's one clock reading) stamps each record, in UTC.
    """
    report = Report()
    if dry_run:
        state = read_state(state_path)
        items = [compose(n, config.mail_from, domain=config.domain) for n in plan(frozenset(state["sent"]))]
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
        if read_journal(state_path):  # a run before could not write the state file: fold its journal in
            _save(state_path, state, "the journal of an earlier run could not be folded into it; nothing was sent")
            clear_journal(state_path)
        notices = plan(frozenset(state["sent"]))
        items = []
        for n in notices:
            item = compose(n, config.mail_from, domain=config.domain)
            if item.recipients:
                items.append(item)
            else:
                report.skipped.append((n, "no contacts and no manager e-mail"))
        if not items:
            return report
        # Space for every record before the first message goes out (a full disk fails here, unsent).
        journal = Journal(state_path, sum(record_size(_record(i, i.recipients, "9999-12-31T23:59:59+00:00"))
                                          for i in items))
        factory = sender_factory or SmtpSender
        try:
            session = factory(config).__enter__()
        except ConnectionError as exc:
            journal.close(remove=True)
            for item in items:
                for r in item.recipients:
                    report.failures.append(Failure(item.notice, r, str(exc)))
            return report
        try:
            for item in items:
                if not report.journaled:
                    break  # neither the journal nor the state file can be written: stop sending
                _deliver(item, session, state, state_path, journal, report, now)
        finally:
            session.__exit__(None, None, None)
            journal.close(remove=report.state_error is None)
    return report


def state_problem(report: Report, state_path: str, describe_item: Callable[[Outgoing], str] | None = None,
                  what: str = "notices") -> str:
    """The error for a run whose state file could not be written: what went out (each item in
    ``describe_item``'s words, :func:`describe` by default), and whether it is safe (in the
    journal) or will be sent again."""
    went = "; ".join((describe_item or describe)(item) for item in report.sent) or "none"
    if report.journaled:
        return (f"state file {state_path} could not be written ({report.state_error}); the {what} that went "
                f"out are kept in {state_path}.journal and will not be sent again: {went}")
    return (f"state file {state_path} and its journal could not be written ({report.state_error}); sending "
            f"stopped; these {what} went out but are not recorded, and the next run will send them again "
            f"unless you add them to the state file: {went}")


def _save(state_path: str, state: dict, consequence: str) -> None:  # type: ignore[type-arg]
    try:
        write_state(state_path, state)
    except (OSError, SlactlError) as exc:
        raise InputError(f"state file {state_path} cannot be written ({describe_os_error(exc)}); "
                         f"{consequence}") from None


def _record(item: Outgoing, delivered: tuple[str, ...], stamp: str) -> dict:  # type: ignore[type-arg]
    return {"key": item.notice.key, "supersedes": list(item.notice.supersedes),
            "sent": {"at": stamp, "to": sorted(delivered), "subject": str(item.message["Subject"])}}


def _deliver(item: Outgoing, session, state: dict, state_path: str, journal: Journal,  # type: ignore[no-untyped-def,type-arg]
             report: Report, now: datetime) -> None:
    key = item.notice.key
    already = set(state["partial"].get(key, ()))
    todo = tuple(r for r in item.recipients if r not in already)
    refused = session.send(item, todo) if todo else {}
    delivered = already | {r for r in todo if r not in refused}
    for r, why in refused.items():
        report.failures.append(Failure(item.notice, r, why))
    if refused:
        if delivered == already:
            return
        record: dict = {"key": key, "partial": sorted(delivered)}  # type: ignore[type-arg]
    else:
        record = _record(item, tuple(delivered), now.astimezone(timezone.utc).isoformat(timespec="seconds"))
        report.sent.append(item)
    try:  # first the journal (its space is allocated: a full disk cannot refuse it), then the state file
        journal.record(record)
    except OSError:
        report.journaled = False
    apply_record(state, record)
    try:
        write_state(state_path, state)
    except (OSError, SlactlError) as exc:
        report.state_error = describe_os_error(exc)


KIND_WORDS = {EXPIRING_SOON: "expiry warning", ACTIVATION: "activation", EXPIRED: "expiry",
              CANCEL_BY: "cancel-by reminder"}


def describe(item: Outgoing) -> str:
    """One log line for a delivered notice."""
    n = item.notice
    what = KIND_WORDS[n.kind] + (f" ({n.threshold}-day notice, {n.days_left} days left)"
                                 if n.kind == EXPIRING_SOON else
                                 f" ({n.threshold}-day notice, {n.days_left} days to the cancel-by date)"
                                 if n.kind == CANCEL_BY else "")
    cc = f"; cc {', '.join(item.cc)}" if item.cc else ""
    return f"{n.agreement.name}: {what} sent to {', '.join(item.to)}{cc}"
