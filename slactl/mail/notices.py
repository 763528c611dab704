"""Lifecycle notices (activation, expiry warning, expiry) as customers read them: in the
agreement's language, signed by the provider, with the agreed service levels, aware of
a renewal, and worded by the provider's own templates when the workspace has them.

Templates: ``WORKSPACE/templates/<kind>.txt`` (or ``<kind>.<lang>.txt``, preferred),
kinds ``activation``, ``expiry``, ``expired`` and ``renewed`` (the manager's line when a
signed successor exists). They are ``string.Template`` text: ``$customer``, ``$agreement``,
``$start``, ``$end`` (dates in the notice's language: "31 December 2026"), ``$days_left``,
``$as_of``, ``$services``, ``$policy``, ``$manager``, ``$successor``, ``$facts``, ``$levels``, ``$signature``; a first line ``Subject: ...`` sets
the subject. ``string.Template`` rather than Jinja2: a template written by a user can
only substitute values (no code, loops or attribute access), and it needs no dependency.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from string import Template
from typing import Callable

from slactl.core.lifecycle import ACTIVATION, CANCEL_BY, EXPIRED, EXPIRING_SOON, Notice
from slactl.core.model import Workspace
from slactl.core.renewal import DRAFT, RENEWED, Renewal, cancel_by, renewal, rolls, service_levels
from slactl.errors import InputError
from slactl.i18n import day_text, days_text, duration, percent, text
from slactl.mail.compose import MailStyle, build_message
from slactl.mail.notify import Outgoing, recipients

TEMPLATE_NAMES = {ACTIVATION: "activation", EXPIRING_SOON: "expiry", EXPIRED: "expired", RENEWED: "renewed",
                  CANCEL_BY: "cancel-by"}
PLACEHOLDERS = frozenset({"customer", "agreement", "start", "end", "days_left", "days_left_number", "as_of", "services", "policy",
                          "manager", "successor", "facts", "levels", "signature", "cancel_by", "next_start"})


@dataclass(frozen=True, slots=True)
class Wording:
    subject: str
    body: str  # plain text


def customer_name(notice: Notice, lang: str) -> str:
    c = notice.agreement.customer
    return text(lang, "all_customers") if c.is_wildcard else (c.name or c.id)


def _facts(ws: Workspace, notice: Notice, lang: str, found: Renewal | None) -> list[tuple[str, str]]:
    ag = notice.agreement
    manager = " ".join(x for x in (ag.manager.name or "", f"<{ag.manager.email}>" if ag.manager.email else "") if x)
    policy = ws.policies.get(ag.policy or "")
    target = ag.compliance_target if ag.compliance_target is not None else policy.compliance_target if policy else None
    facts = [(text(lang, "agreement"), ag.name), (text(lang, "customer"), customer_name(notice, lang)),
             (text(lang, "period"), text(lang, "fact_period_value", start=day_text(lang, ag.start),
                                        end=day_text(lang, ag.end))),
             (text(lang, "services"), ", ".join(ag.services) if ag.services is not None else text(lang, "all_services")),
             (text(lang, "fact_policy"), ag.policy or text(lang, "fact_own_rules"))]
    if target is not None:
        facts.append((text(lang, "fact_compliance_target"), percent(lang, target)))
    if notice.kind == EXPIRING_SOON:
        facts.append((text(lang, "fact_days_left"), str(notice.days_left)))
    day = cancel_by(ag)
    if day is not None and notice.kind in (EXPIRING_SOON, CANCEL_BY):
        facts.append((text(lang, "fact_cancel_by"), day_text(lang, day)))
    if found is not None:
        facts.append((text(lang, "fact_renewal"), f"{found.successor.name} ({day_text(lang, found.successor.start)})"))
    if manager:
        facts.append((text(lang, "fact_manager"), manager))
    return facts


def _levels(ws: Workspace, notice: Notice, lang: str) -> list[str]:
    none = text(lang, "notice_level_none")
    return [text(lang, "notice_level_line", priority=r.priority,
                 first_response=duration(lang, r.first_response / 60) if r.first_response else none,
                 resolution=duration(lang, r.resolution / 60) if r.resolution else none)
            for r in service_levels(ws, notice.agreement)]


def _values(ws: Workspace, notice: Notice, lang: str, found: Renewal | None, style: MailStyle) -> dict[str, str]:
    ag = notice.agreement
    facts = _facts(ws, notice, lang, found)
    width = max(len(k) for k, _ in facts)
    levels = _levels(ws, notice, lang) if notice.kind == ACTIVATION else []
    level_block = (text(lang, "notice_levels") + ":\n" + "\n".join(f"  {line}" for line in levels)) if levels else ""
    return {
        "customer": customer_name(notice, lang), "agreement": ag.name, "start": day_text(lang, ag.start),
        "end": day_text(lang, ag.end), "days_left": days_text(lang, notice.days_left),
        "days_left_number": str(notice.days_left), "as_of": day_text(lang, notice.as_of),
        "services": ", ".join(ag.services) if ag.services is not None else text(lang, "all_services"),
        "policy": ag.policy or text(lang, "fact_own_rules"), "manager": ag.manager.name or ag.manager.email or "",
        "successor": found.successor.name if found else "",
        "successor_start": day_text(lang, found.successor.start) if found else "",
        "facts": "\n".join(f"  {k + ':':<{width + 1}} {v}" for k, v in facts), "levels": level_block,
        "signature": style.from_name or text(lang, "mail_signature"),
        "cancel_by": day_text(lang, cancel_by(ag) or ag.end),
        "next_start": day_text(lang, ag.end + timedelta(days=1)) if ag.end < date.max else "",
    }


def default_wording(kind: str, lang: str, v: dict[str, str], *, draft: bool = False) -> Wording:
    """The built-in subject and text of a notice ``kind`` (a TEMPLATE_NAMES key); ``draft``:
    an unsigned renewal exists, which the expiry warning mentions."""
    if kind == RENEWED:
        subject = text(lang, "notice_subject_renewed", **v)
        lead = text(lang, "notice_lead_expiry_renewed", **v)
    elif kind == EXPIRING_SOON:
        when = text(lang, "notice_when_today") if v["days_left_number"] == "0" else \
            text(lang, "notice_when_days", days=v["days_left"])
        subject = text(lang, "notice_subject_expiry", when=when, **v)
        lead = text(lang, "notice_lead_expiry_draft" if draft else "notice_lead_expiry", days=v["days_left"], **v)
    elif kind == CANCEL_BY:
        when = text(lang, "notice_when_today") if v["days_left_number"] == "0" else \
            text(lang, "notice_when_days", days=v["days_left"])
        subject = text(lang, "notice_subject_cancel_by", when=when, **v)
        lead = text(lang, "notice_lead_cancel_by_auto" if v.get("renews") else "notice_lead_cancel_by",
                    days=v["days_left"], **v)
    elif kind == ACTIVATION:
        subject, lead = text(lang, "notice_subject_activation", **v), text(lang, "notice_lead_activation", **v)
    else:
        subject, lead = text(lang, "notice_subject_expired", **v), text(lang, "notice_lead_expired", **v)
    blocks = [text(lang, "mail_greeting"), lead, v["facts"], v["levels"]]
    body = "\n\n".join(b for b in blocks if b) + f"\n\n-- \n{v['signature']}\n"
    return Wording(subject, body)


def provider_wording(kind: str, lang: str, v: dict[str, str]) -> Wording:
    """A provider-wide agreement (customer ``*``) writes to nobody's customer: its manager
    gets this provider-side notice instead of the customer letter."""
    key = {ACTIVATION: "notice_provider_activation", EXPIRED: "notice_provider_expired"}.get(
        kind, "notice_provider_expiry")
    event = text(lang, key, days=v["days_left"], **v)
    subject = text(lang, "notice_subject_provider", event=event, **v)
    lead = text(lang, "notice_lead_provider", event=event, **v)
    body = "\n\n".join(b for b in (text(lang, "mail_greeting"), lead, v["facts"]) if b)
    return Wording(subject, body + f"\n\n-- \n{v['signature']}\n")


def load_template(root: str | None, kind: str, lang: str) -> tuple[str, str] | None:
    """(path, text) of the workspace's template for ``kind`` in ``lang``, if there is one."""
    if root is None:
        return None
    for name in (f"{TEMPLATE_NAMES[kind]}.{lang}.txt", f"{TEMPLATE_NAMES[kind]}.txt"):
        path = os.path.join(root, "templates", name)
        try:
            with open(path, encoding="utf-8") as fh:
                return path, fh.read()
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    return None


def templated_wording(path: str, source: str, values: dict[str, str], fallback: Wording) -> Wording:
    """Fill the user's template; an unknown ``$name`` is an error naming the file and line."""
    for number, line in enumerate(source.splitlines(), 1):
        template = Template(line)
        if not template.is_valid():
            raise InputError(f"{path}:{number}: a '$' that is not a placeholder (write $$ for a dollar sign)")
        unknown = sorted(set(template.get_identifiers()) - PLACEHOLDERS - {"successor_start"})
        if unknown:
            raise InputError(f"{path}:{number}: unknown placeholder ${unknown[0]}; "
                             f"known: {', '.join('$' + p for p in sorted(PLACEHOLDERS))}")
    filled = Template(source).substitute(values)
    subject = fallback.subject
    if filled.startswith("Subject:"):
        first, _, filled = filled.partition("\n")
        subject = first[len("Subject:"):].strip() or subject
    return Wording(subject, filled.lstrip("\n"))


def composer_for(ws: Workspace, root: str | None, style: MailStyle | None = None) -> Callable[..., Outgoing]:
    """The composer ``notify.run`` uses for lifecycle notices of workspace ``ws`` (templates under ``root``)."""
    style = style or MailStyle.from_env(os.environ)

    def compose(notice: Notice, mail_from: str, domain: str | None = None) -> Outgoing:
        lang = notice.agreement.language or "en"
        found = renewal(ws, notice.agreement) if notice.kind in (EXPIRING_SOON, EXPIRED) else None
        kind = RENEWED if notice.kind == EXPIRING_SOON and found is not None and found.state == RENEWED \
            else notice.kind
        values = _values(ws, notice, lang, found, style)
        if notice.kind == CANCEL_BY and rolls(ws, notice.agreement):
            values["renews"] = "yes"
        wording = default_wording(kind, lang, values, draft=found is not None and found.state == DRAFT)
        custom = load_template(root, kind, lang) if not notice.agreement.customer.is_wildcard else None
        if custom is not None:
            wording = templated_wording(custom[0], custom[1], values, wording)
        to, cc = recipients(notice)
        if notice.agreement.customer.is_wildcard:  # nobody's customer: a notice to its manager only
            wording = provider_wording(kind, lang, values)
            manager = (notice.agreement.manager.email or "").strip()
            to, cc = ((manager,) if manager else ()), ()
        elif kind in (RENEWED, CANCEL_BY):  # nothing to ask the customer: the manager's decision
            manager = (notice.agreement.manager.email or "").strip()
            to, cc = ((manager,) if manager else ()), ()
        html = (f"<!doctype html><html lang=\"{escape(lang)}\"><body style=\"font-family:Segoe UI,Arial,sans-serif\">"
                + "".join(f"<p style=\"white-space:pre-wrap\">{escape(block)}</p>"
                          for block in wording.body.split("\n\n") if block.strip())
                + "</body></html>\n")
        msg = build_message(mail_from=mail_from, to=to, cc=cc, subject=wording.subject, text=wording.body,
                            html=html, key=notice.key, style=style, domain=domain, lang=lang)
        return Outgoing(notice, msg, to, cc)

    return compose
