"""Whether an agreement has a successor (the next agreement of the same customer and
services starting the day after it ends), and the renewal terms of ``spec.renewal``: the term
an auto-renewing agreement has rolled into and its cancel-by date. Pure.

A signed successor (status ``auto`` or ``active``) means the customer need not be asked
to renew; a ``planned`` one is the draft ``slactl renew`` writes, still awaiting signature.
"""
from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from slactl.core.model import Agreement, Interval, Rule, Workspace
from slactl.core.records import replace

RENEWED, DRAFT = "renewed", "draft"


@dataclass(frozen=True, slots=True)
class Renewal:
    state: str  # renewed | draft
    successor: Agreement


def renewal(ws: Workspace, ag: Agreement) -> Renewal | None:
    """The successor of ``ag`` and whether it is signed, or None when there is none."""
    if ag.customer.is_wildcard:
        return None
    services = None if ag.services is None else frozenset(ag.services)
    found: Renewal | None = None
    for other in sorted(ws.agreements.values(), key=lambda a: a.name):
        if other.name == ag.name or other.customer.id.casefold() != ag.customer.id.casefold():
            continue
        if other.start != ag.end + timedelta(days=1):
            continue
        if (None if other.services is None else frozenset(other.services)) != services:
            continue
        if other.status in ("auto", "active"):
            return Renewal(RENEWED, other)
        if other.status == "planned" and found is None:
            found = Renewal(DRAFT, other)
    return found


def service_levels(ws: Workspace, ag: Agreement) -> list[Rule]:
    """The rules in force for ``ag``: its policy's, each replaced by the agreement's rule of the
    same priority, then the agreement's own extra priorities (what the activation mail lists)."""
    policy = ws.policies.get(ag.policy or "")
    own = {r.priority.strip().casefold(): r for r in ag.rules}
    out: list[Rule] = []
    for rule in policy.rules if policy is not None else ():
        out.append(own.pop(rule.priority.strip().casefold(), rule))
    out += own.values()
    return out


# ---------------------------------------------------------------- renewal terms

UNITS = ("day", "week", "month", "year")
_INTERVAL = re.compile(r"(\d{1,4}) ?(days?|weeks?|months?|years?)|P(\d{1,4})([DWMY])")  # the schema's pattern
_ISO_UNITS = {"D": "day", "W": "week", "M": "month", "Y": "year"}
MAX_TERMS = 100_000  # a one-day term rolled over three centuries: beyond that, no rolling


def parse_interval(text: str) -> Interval:
    """(count, unit) of "12 months", "1 year", "60 days", "8 weeks" or ISO 8601 (P12M, P60D);
    ValueError otherwise."""
    m = _INTERVAL.fullmatch(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not a length such as '12 months', '1 year', '60 days' or '8 weeks'")
    if m.group(1) is not None:
        count, unit = int(m.group(1)), m.group(2).rstrip("s")
    else:
        count, unit = int(m.group(3)), _ISO_UNITS[m.group(4)]
    if count == 0:
        raise ValueError(f"'{text}': a length of zero")
    return count, unit


def interval_text(interval: Interval) -> str:
    count, unit = interval
    return f"{count} {unit}{'' if count == 1 else 's'}"


def shift(day: date, interval: Interval, times: int = 1) -> date:
    """``day`` moved by ``times`` x ``interval`` (negative: back); a month's day past the end of
    the target month falls on its last day (2026-03-31 less one month is 2026-02-28)."""
    count, unit = interval
    n = count * times
    if unit == "day":
        return day + timedelta(days=n)
    if unit == "week":
        return day + timedelta(weeks=n)
    months = n * 12 if unit == "year" else n
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def rolls(ws: Workspace | None, ag: Agreement) -> bool:
    """Whether ``ag`` renews by itself: ``renewal.auto``, in force by its dates or by hand, and no
    signed successor has taken over (a draft ``renew`` wrote does not stop it)."""
    terms = ag.renewal
    if terms is None or not terms.auto or ag.status not in ("auto", "active") or ag.end >= date.max:
        return False
    found = renewal(ws, ag) if ws is not None else None
    return found is None or found.state != RENEWED


def next_term_end(ag: Agreement, start: date) -> date | None:
    """The last day of a renewal term beginning ``start`` (None when no renewal term is set)."""
    terms = ag.renewal
    if terms is None or terms.term is None:
        return None
    try:
        return shift(start, terms.term) - timedelta(days=1)
    except (OverflowError, ValueError):
        return None


def term_in_force(ws: Workspace | None, ag: Agreement, as_of: date) -> Agreement:
    """``ag`` with the dates of the term in force on ``as_of``: an auto-renewing agreement past its
    end has rolled into its next term (and the next...); any other agreement as it is."""
    if as_of <= ag.end or not rolls(ws, ag):
        return ag
    first = ag.end + timedelta(days=1)
    terms = ag.renewal
    try:
        if terms is not None and terms.term is not None:  # counted from the first term: month ends do not drift
            k = 1
            start, end = first, shift(first, terms.term) - timedelta(days=1)
            while end < as_of and k < MAX_TERMS:
                start = shift(first, terms.term, k)
                k += 1
                end = shift(first, terms.term, k) - timedelta(days=1)
        else:
            length = ag.end - ag.start + timedelta(days=1)
            start = first + ((as_of - first) // length) * length
            end = start + length - timedelta(days=1)
    except (OverflowError, ValueError):  # a term rolled past the year 9999
        return ag
    return replace(ag, start=start, end=end)


def cancel_by(ag: Agreement) -> date | None:
    """The last day to cancel the term ``ag`` is in (its end less the notice), None without a notice."""
    terms = ag.renewal
    if terms is None or terms.notice is None:
        return None
    try:
        return shift(ag.end, terms.notice, -1)
    except (OverflowError, ValueError):
        return None
