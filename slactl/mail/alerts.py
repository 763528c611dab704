"""Breach alerts by e-mail: one message per manager with the new items, and the alert state.

The SMTP session, header hygiene, state file format, lock and write-ahead journal are
:mod:`slactl.notify`'s: the state is read and written under its lock; before the first
message goes out, space in the journal is allocated for every planned alert (a disk that
cannot hold it fails the run there, with nothing sent); each manager's items go into the
journal and then the state file right after their message was accepted, so a crash, a
full disk or a refused recipient never loses an alert and never sends one twice.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import IO, Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

from slactl.mail import notify as mail
from slactl.mail.compose import MailStyle, set_sender
from slactl.core.alerts import (  # line and when of slactl.core.alerts are the English lines of the text output
    AT_RISK, BREACHED, METRIC_WORDS, RETENTION_DAYS, AlertItem, AlertRun, by_recipient, drops_most, news, prune,
)
from slactl.errors import InputError, SlactlError
from slactl.sanitize import header_safe

def when(item: AlertItem, lang: str = "en") -> str:
    """Due time and time left or over, in the message's language."""
    from slactl.i18n import duration, text

    gap = (item.target - item.elapsed) / 60
    rest = (text(lang, "alert_over", duration=duration(lang, -gap)) if item.state == BREACHED
            else text(lang, "alert_left", duration=duration(lang, gap)))
    if item.due is None:
        return rest
    local = datetime.fromtimestamp(round(item.due), ZoneInfo(item.zone))
    return text(lang, "alert_due", time=f"{local:%Y-%m-%d %H:%M} {local.tzname()}") + ", " + rest


def line(item: AlertItem, lang: str = "en") -> str:
    """One item on one line of the message, in its language."""
    from slactl.i18n import duration, text

    return text(lang, "alert_line", ticket=item.ticket, customer=f" ({item.customer})" if item.customer else "",
                agreement=item.agreement, priority=item.priority, metric=text(lang, "metric_" + item.metric),
                when=when(item, lang), target=duration(lang, item.target / 60),
                used=duration(lang, item.elapsed / 60))


def subject(items: list[AlertItem], lang: str = "en") -> str:
    from slactl.i18n import plural, text

    breached = sum(1 for i in items if i.state == BREACHED)
    at_risk = len(items) - breached
    parts = [p for p in (plural(lang, "alert_n_breached", breached) if breached else "",
                         plural(lang, "alert_n_at_risk", at_risk) if at_risk else "") if p]
    joined = parts[0] if len(parts) == 1 else text(lang, "alert_and", a=parts[0], b=parts[1])
    return text(lang, "alert_subject", parts=joined)


def language_of(items: list[AlertItem], languages: Mapping[str, str | None] | None) -> str:
    """The message's language: its agreements' ``spec.language`` when they agree, else English."""
    found = {(languages or {}).get(i.agreement) or "en" for i in items}
    return found.pop() if len(found) == 1 else "en"


def compose(to: str, items: list[AlertItem], mail_from: str, lang: str = "en",
            style: MailStyle | None = None) -> EmailMessage:
    """The message for one manager: plain text listing the breached, then the at-risk items;
    sender name and Reply-To from ``SLACTL_MAIL_FROM_NAME`` / ``SLACTL_MAIL_REPLY_TO`` (``style``)."""
    from email.utils import formatdate, make_msgid

    from slactl.i18n import text

    style = style or MailStyle()
    msg = EmailMessage()
    set_sender(msg, mail_from, style)
    msg["To"] = header_safe(to)
    if style.reply_to:
        msg["Reply-To"] = header_safe(style.reply_to)
    msg["Subject"] = header_safe(subject(items, lang))
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid("slactl", domain=mail_from.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Slactl-Alert"] = header_safe(f"{len(items)} item(s)")
    body = [text(lang, "alert_greeting"), "", text(lang, "alert_lead"), ""]
    for state, key in ((BREACHED, "alert_breached"), (AT_RISK, "alert_at_risk")):
        chosen = [i for i in items if i.state == state]
        if chosen:
            body.append(f"{text(lang, key)}:")
            body += [f"  - {header_safe(line(i, lang))}" for i in chosen]
            body.append("")
    body += [text(lang, "alert_footer"), "", "-- ", style.from_name or text(lang, "alert_signature"), ""]
    msg.set_content("\n".join(body))
    msg["Content-Language"] = header_safe(lang.replace("_", "-"))  # after the content, which clears Content-*
    return msg


def run(items: list[AlertItem], tickets: Iterable[str], *, state_path: str, send: bool, dry_run: bool = False,
        resolved: Iterable[str] = (), allow_prune: bool = False, baseline: bool = False,
        fallback: str | None = None, config: mail.SmtpConfig | None = None,
        now: datetime, languages: Mapping[str, str | None] | None = None,
        sender_factory: Callable[[mail.SmtpConfig], contextlib.AbstractContextManager] | None = None) -> AlertRun:  # type: ignore[type-arg]
    """Find the new items against the state and record them: mailed (``send``), only
    listed (neither), or silently (``baseline``). A dry run reads the state and nothing else.
    ``now`` (the command's one clock reading) stamps each record, in UTC; ``languages`` (agreement
    name -> ``spec.language``) words each manager's message.

    The state keeps a ticket's keys until the export shows it resolved (``resolved``) or, for a
    ticket absent from the export (``tickets``), for :data:`RETENTION_DAYS` after an export last showed it;
    a run that would drop most of the state refuses (exit 2) unless ``allow_prune``."""
    from datetime import timedelta, timezone

    result = AlertRun()
    style = MailStyle.from_env(os.environ) if send else MailStyle()  # a bad Reply-To: exit 2, nothing sent
    if dry_run:
        result.new = news(items, mail.read_state(state_path)["sent"])
        if send:
            groups, result.unaddressed = by_recipient(result.new, fallback)
            cfg = config or mail.SmtpConfig(host=None)
            result.messages = [(to, compose(to, group, cfg.mail_from, language_of(group, languages), style))
                               for to, group in groups.items()]
            result.dry_run_text = render_dry_run(result.messages)
        return result
    with mail.state_lock(state_path):
        state = mail.read_state(state_path)
        before = len(state["sent"])
        cutoff = (now - timedelta(days=RETENTION_DAYS)).astimezone(timezone.utc).isoformat(timespec="seconds")
        stamp = now.astimezone(timezone.utc).isoformat(timespec="seconds")
        state["sent"] = prune(state["sent"], present=tickets, resolved=resolved,
                              still=[i.key for i in items], cutoff=cutoff, stamp=stamp)
        if not allow_prune and drops_most(before, len(state["sent"])):
            raise InputError(f"this run would drop {before - len(state['sent'])} of the {before} records of "
                             f"{state_path} (their tickets are resolved, or were last in an export over {RETENTION_DAYS} days "
                             "ago): "
                             "more than half, which looks like a wrong export; nothing was sent or changed "
                             "(--allow-prune drops them)")
        state["partial"] = {}
        result.new = news(items, state["sent"])
        folded = bool(mail.read_journal(state_path))  # an earlier run's deliveries, now in ``state``
        if not send or baseline:
            for item in result.new:
                state["sent"][item.key] = _record(item, stamp, "baseline" if baseline else "listed")
            _save(state_path, state, "nothing was recorded")
            if folded:
                mail.clear_journal(state_path)
            return result
        groups, result.unaddressed = by_recipient(result.new, fallback)
        _save(state_path, state, "nothing was sent")  # the pruning and an old journal hold whatever follows
        if folded:
            mail.clear_journal(state_path)
        if not groups:
            return result
        assert config is not None
        # Space for every record before the first message goes out (a full disk fails here, unsent).
        journal = mail.Journal(state_path, sum(mail.record_size(_journal_record(i, stamp, to))
                                               for to, group in groups.items() for i in group))
        factory = sender_factory or mail.SmtpSender
        try:
            session = factory(config).__enter__()
        except ConnectionError as exc:
            journal.close(remove=True)
            result.failed = [(to, group, str(exc)) for to, group in groups.items()]
            return result
        try:
            for to, group in groups.items():
                if not result.journaled:
                    break  # neither the journal nor the state file can be written: stop sending
                message = compose(to, group, config.mail_from, language_of(group, languages), style)
                refused = session.send(_Outgoing(message), (to,))  # type: ignore[arg-type]
                if refused:
                    result.failed.append((to, group, "; ".join(refused.values())))
                    continue
                result.sent.append((to, group))
                records = [_journal_record(item, stamp, to) for item in group]
                try:  # first the journal (its space is allocated), then the state file
                    for record in records:
                        journal.record(record)
                except OSError:
                    result.journaled = False
                for record in records:
                    mail.apply_record(state, record)
                try:
                    mail.write_state(state_path, state)
                except (OSError, SlactlError) as exc:
                    result.state_error = mail.describe_os_error(exc)
        finally:
            session.__exit__(None, None, None)
            journal.close(remove=result.state_error is None)
    return result


def _save(state_path: str, state: dict[str, object], consequence: str) -> None:
    try:
        mail.write_state(state_path, state)
    except (OSError, SlactlError) as exc:
        raise InputError(f"alert state file {state_path} cannot be written ({mail.describe_os_error(exc)}); "
                         f"{consequence}") from None


def _journal_record(item: AlertItem, stamp: str, to: str) -> dict[str, object]:
    return {"key": item.key, "sent": _record(item, stamp, to)}


def state_problem(run: AlertRun, state_path: str) -> str:
    """The error for a run whose state file could not be written: exactly what went out, and
    whether it is safe (in the journal) or will be sent again."""
    went = "; ".join(f"{to}: " + ", ".join(f"{i.ticket} {METRIC_WORDS[i.metric]} {i.state.replace('_', ' ')}"
                                          for i in group) for to, group in run.sent) or "none"
    if run.journaled:
        return (f"alert state file {state_path} could not be written ({run.state_error}); the alerts that went "
                f"out are kept in {state_path}.journal and will not be sent again: {went}")
    return (f"alert state file {state_path} and its journal could not be written ({run.state_error}); sending "
            "stopped; these alerts went out but are not recorded, and the next run will send them again: "
            f"{went}")


@dataclass(frozen=True)
class _Outgoing:
    """What ``SmtpSender.send`` needs of a message."""

    message: EmailMessage


def _record(item: AlertItem, stamp: str, to: str) -> dict[str, object]:
    return {"at": stamp, "ticket": item.ticket, "metric": item.metric, "state": item.state, "to": to}


def render_dry_run(messages: list[tuple[str, EmailMessage]]) -> str:
    """What would be sent, as text (the lifecycle notices' dry-run layout)."""
    return mail.render_dry_run([_Outgoing(m) for _, m in messages])  # type: ignore[misc]
