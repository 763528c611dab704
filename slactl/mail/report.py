"""``slactl report --mail``: one message per customer and period, holding the sections of
all its agreements, to the contacts of those agreements (To) and their managers (Cc).

Delivery, the lock and the state file are :func:`slactl.mail.notify.run`'s: a message is
recorded under ``report:<customer>:<period>`` once delivered, so a second run sends
nothing (``--resend`` repeats). ``--review`` sends each message to the managers only,
marked as a draft, and records nothing. A customer with no agreement of its own in
the report (all its tickets fell to a provider-wide agreement) is never mailed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, Callable

from slactl.core.report import Report
from slactl.core.reportdata import for_customer, language
from slactl.i18n import text
from slactl.mail.compose import MailStyle, build_message
from slactl.mail.notify import Outgoing, SmtpConfig


@dataclass(frozen=True)
class ReportMail:
    """One customer's report for one period, ready to compose."""

    key: str
    customer: str  # id
    customer_name: str
    period: str
    lang: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    data: dict[str, Any] = field(repr=False, compare=False)
    draft: bool = False
    supersedes: tuple[str, ...] = ()


def report_key(customer: str, period: str) -> str:
    return f"report:{customer}:{period}"


def plan(report: Report, data: dict[str, Any], *, lang: str | None = None,
         review: bool = False) -> tuple[list[ReportMail], list[tuple[str, str]]]:
    """The messages to send and the customers skipped with the reason why."""
    mails, skipped = [], []
    for c in report.customers:
        ref = c.customer
        own = [s.agreement for s in c.sections if not s.agreement.customer.is_wildcard]
        if not own:
            why = "no tickets in the period" if ref.own and not c.sections else \
                "no agreement of its own in force in the period (its tickets fell to a provider-wide agreement)"
            skipped.append((ref.name, why))
            continue
        contacts = tuple(dict.fromkeys(a.strip() for ag in own for a in ag.customer.contacts if a.strip()))
        managers = tuple(dict.fromkeys((s.agreement.manager.email or "").strip() for s in c.sections
                                       if (s.agreement.manager.email or "").strip()))
        cut = for_customer(data, ref.key)
        chosen = lang or language(cut)
        to: tuple[str, ...]
        cc: tuple[str, ...]
        if review:
            to, cc = managers, ()
        else:
            folded = {a.casefold() for a in contacts}
            to, cc = contacts, tuple(m for m in managers if m.casefold() not in folded)
            if not to:
                to, cc = cc, ()
        if not to:
            skipped.append((ref.name, "no contacts and no manager e-mail"))
            continue
        mails.append(ReportMail(report_key(ref.key, report.period.label), ref.key, ref.name, report.period.label,
                                chosen, to, cc, cut, draft=review))
    return mails, skipped


def subject(mail: ReportMail) -> str:
    words = text(mail.lang, "subject_report", customer=mail.customer_name, period=mail.period)
    return f"{text(mail.lang, 'draft_marker')} {words}" if mail.draft else words


def compose(mail: ReportMail, mail_from: str, style: MailStyle | None = None, domain: str | None = None) -> Outgoing:
    """The message: the plain-text report with the HTML page as its alternative."""
    from slactl.reporters.report_html import period_words, render_html
    from slactl.reporters.report_text import render_text

    lang = mail.lang
    lead = [text(lang, "mail_greeting"), "",
            text(lang, "mail_report_lead", customer=mail.customer_name, period=period_words(mail.data, lang))]
    if mail.draft:
        lead = [text(lang, "draft_note"), ""] + lead
    body = "\n".join(lead) + "\n\n" + render_text(mail.data, lang) + "\n-- \n" + text(lang, "mail_signature") + "\n"
    page = render_html(mail.data, lang, draft=mail.draft)
    msg = build_message(mail_from=mail_from, to=mail.to, cc=mail.cc, subject=subject(mail), text=body, html=page,
                        key=mail.key + (":draft" if mail.draft else ""), style=style, domain=domain, lang=lang)
    return Outgoing(mail, msg, mail.to, mail.cc)  # type: ignore[arg-type]  # a ReportMail keys like a Notice


def send(mails: list[ReportMail], *, state_path: str, config: SmtpConfig, now: datetime, dry_run: bool = False,
         resend: bool = False, out: IO[str] | None = None, style: MailStyle | None = None) -> Any:
    """Deliver ``mails`` once each (all of them with ``resend``), records stamped ``now``; returns
    notify's delivery report."""
    from slactl.mail import notify

    style = style or MailStyle.from_env(os.environ)

    def due(sent: frozenset[str]) -> list[ReportMail]:
        return list(mails) if resend else [m for m in mails if m.key not in sent]

    def composer(mail: Any, mail_from: str, domain: str | None = None) -> Outgoing:
        return compose(mail, mail_from, style, domain)

    return notify.run(due, state_path=state_path, config=config, dry_run=dry_run, out=out,  # type: ignore[arg-type]
                      now=now, compose=composer)


def review(mails: list[ReportMail], *, config: SmtpConfig, dry_run: bool = False, out: IO[str] | None = None,
           style: MailStyle | None = None,
           sender_factory: Callable[[SmtpConfig], Any] | None = None) -> Any:
    """Send the drafts to the managers; nothing is locked or recorded."""
    from slactl.mail import notify

    style = style or MailStyle.from_env(os.environ)
    report = notify.Report()
    items = [compose(m, config.mail_from, style) for m in mails]
    if dry_run:
        if out is not None and items:
            out.write(notify.render_dry_run(items))
        report.sent = items
        return report
    if not items:
        return report
    try:
        session = (sender_factory or notify.SmtpSender)(config).__enter__()
    except ConnectionError as exc:
        report.failures += [notify.Failure(i.notice, r, str(exc)) for i in items for r in i.recipients]
        return report
    try:
        for item in items:
            refused = session.send(item, item.recipients)
            report.failures += [notify.Failure(item.notice, r, why) for r, why in refused.items()]
            if not refused:
                report.sent.append(item)
            elif len(refused) < len(item.recipients):
                report.partly.append((item, tuple(x for x in item.recipients if x not in refused)))
    finally:
        session.__exit__(None, None, None)
    return report
