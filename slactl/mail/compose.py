"""Message composition shared by every mail slactl sends: headers, sender name,
Reply-To and the text + HTML alternative. Delivery and the state file stay in
:mod:`slactl.mail.notify`.

Settings (environment): ``SLACTL_MAIL_FROM_NAME`` (the sender's display name,
e.g. "ACME Service Desk"; default: the name in ``SLACTL_MAIL_FROM``, if any) and ``SLACTL_MAIL_REPLY_TO`` (where
replies go, e.g. the account team's address; default none).
"""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Mapping

from slactl.errors import InputError
from slactl.sanitize import header_safe


@dataclass(frozen=True, slots=True)
class MailStyle:
    """How messages present themselves: the sender's display name and the Reply-To address."""

    from_name: str | None = None
    reply_to: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MailStyle:
        name = header_safe(env.get("SLACTL_MAIL_FROM_NAME") or "") or None
        reply_to = (env.get("SLACTL_MAIL_REPLY_TO") or "").strip() or None
        if reply_to is not None and (header_safe(reply_to) != reply_to or "@" not in reply_to or "," in reply_to):
            raise InputError("SLACTL_MAIL_REPLY_TO must be one e-mail address on one line")
        return cls(from_name=name, reply_to=reply_to)


def set_sender(msg: EmailMessage, mail_from: str, style: MailStyle) -> str:
    """``From`` with the style's display name (else the one in ``SLACTL_MAIL_FROM``); the address."""
    from email.headerregistry import Address
    from email.utils import parseaddr

    configured_name, address = parseaddr(header_safe(mail_from))  # SLACTL_MAIL_FROM may be "Name <addr>"
    address = address or header_safe(mail_from)
    name = style.from_name or configured_name
    try:
        msg["From"] = Address(display_name=name, addr_spec=address) if name else address
    except (ValueError, IndexError):  # an address the header registry cannot parse: sent as configured
        msg["From"] = header_safe(mail_from)
    return address


def build_message(*, mail_from: str, to: tuple[str, ...], cc: tuple[str, ...], subject: str, text: str,
                  html: str, key: str, style: MailStyle | None = None, domain: str | None = None,
                  lang: str | None = None) -> EmailMessage:
    """A multipart/alternative message (plain text first, HTML second); every header one safe line;
    ``lang`` is its ``Content-Language`` (RFC 3282)."""
    from email.utils import formatdate, make_msgid

    style = style or MailStyle()
    msg = EmailMessage()
    address = set_sender(msg, mail_from, style)
    if to:
        msg["To"] = ", ".join(header_safe(a) for a in to)
    if cc:
        msg["Cc"] = ", ".join(header_safe(a) for a in cc)
    if style.reply_to:
        msg["Reply-To"] = header_safe(style.reply_to)
    msg["Subject"] = header_safe(subject)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid("slactl", domain=domain or address.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    msg["X-Slactl-Notice"] = header_safe(key)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if lang:  # after the content: setting it clears the Content-* headers
        msg["Content-Language"] = header_safe(lang.replace("_", "-"))
    return msg
