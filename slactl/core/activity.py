"""A ticket's activity besides its status: who held it (group rows) and who wrote (comment rows).

A status history may carry, besides status changes, rows whose ``field`` is
``group`` or ``assignment_group`` (the team the ticket was handed to: ``to``,
and the team before: ``from``) and rows whose field is ``comment`` (``to`` is
``agent`` or ``customer``: who wrote). OLAs read the first, reply and update
metrics the second. Pure.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

GROUP, COMMENT = "group", "comment"
AGENT, CUSTOMER = "agent", "customer"
GROUP_FIELDS = frozenset({"group", "assignment_group", "assignment group", "group_name", "team"})
COMMENT_FIELDS = frozenset({"comment", "comments"})


def activity_kind(field: str, contains: bool = False) -> str:
    """GROUP, COMMENT or "" (neither) for a history row's ``field`` (trimmed, case-folded);
    ``contains``: a ServiceNow metric definition *naming* an assignment group counts."""
    if field in GROUP_FIELDS:
        return GROUP
    if field in COMMENT_FIELDS:
        return COMMENT
    if contains and "assignment" in field and "group" in field:
        return GROUP
    return ""


class Event(NamedTuple):
    """One group or comment row: at ``at`` the ticket went to team ``to`` (from ``before``), or
    ``to`` (``agent`` / ``customer``) commented."""

    at: float
    to: str
    before: str | None
    kind: str


def of_kind(events: Iterable[Event] | None, kind: str) -> list[Event]:
    """The events of one kind in time order (ties: the order given)."""
    return sorted((e for e in events or () if e.kind == kind), key=lambda e: e.at)


def who(event: Event) -> str:
    """AGENT, CUSTOMER or "" for a comment row's ``to`` (trimmed, case-insensitive)."""
    key = event.to.strip().casefold()
    if key in ("agent", "staff", "internal", "public agent"):
        return AGENT
    if key in ("customer", "requester", "end-user", "end user", "user"):
        return CUSTOMER
    return ""
