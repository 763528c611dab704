"""Whether an agreement has a successor: the next agreement of the same customer and
services starting the day after it ends. Pure.

A signed successor (status ``auto`` or ``active``) means the customer need not be asked
to renew; a ``planned`` one is the draft ``slactl renew`` writes, still awaiting signature.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from slactl.core.model import Agreement, Rule, Workspace

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
