"""Amendments in force by date (README, "Amendments"): an agreement resolved into its dated
versions, each a full effective agreement. Pure.

Version 0 is the agreement as written (``version`` None); each amendment, in the order of
its ``effective`` date, makes the next version from the one before: the keys it gives replace
the agreement's own, and its ``rules`` merge per priority over the rules in force (the
agreement's own rule of that priority, else its policy's), key by key.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date
from zoneinfo import ZoneInfo

from slactl.core.model import Agreement, AmendedRule, Amendment, Hours, Rule, Workspace
from slactl.core.period import midnight
from slactl.core.records import replace

_RULE_KEYS = ("priority", "aliases", "first_response", "resolution", "calendar", "pause", "alert_at")


def _same_priority(rule: Rule, names: tuple[str, ...]) -> bool:
    return any(n in names for n in rule.names())


def _merged_rule(ws: Workspace, ag: Agreement, amended: AmendedRule) -> Rule:
    """``amended``'s keys over the rule in force for its priority (the agreement's, else its policy's)."""
    wanted = amended.rule.names()
    base = next((r for r in ag.rules if _same_priority(r, wanted)), None)
    policy = ws.policies.get(ag.policy or "")
    if base is None and policy is not None:
        base = next((r for r in policy.rules if _same_priority(r, wanted)), None)
    if base is None:
        return amended.rule
    return replace(base, **{k: getattr(amended.rule, k) for k in _RULE_KEYS if k in amended.given and k != "priority"})


def apply(ws: Workspace, ag: Agreement, amendment: Amendment) -> Agreement:
    """The version of ``ag`` that ``amendment`` makes, in force from its effective date."""
    changes: dict[str, object] = {"version": amendment.effective}
    for key in amendment.given:
        if key != "rules":
            changes[key] = getattr(amendment, key)
    result = replace(ag, **changes)
    if "rules" in amendment.given:
        rules = list(result.rules)
        for amended in amendment.rules:
            merged = _merged_rule(ws, result, amended)
            at = next((i for i, r in enumerate(rules) if _same_priority(r, merged.names())), None)
            if at is None:
                rules.append(merged)
            else:
                rules[at] = merged
        result = replace(result, rules=tuple(rules))
    return result


def ordered(ag: Agreement) -> list[Amendment]:
    return sorted(ag.amendments, key=lambda a: a.effective)


def versions(ws: Workspace, ag: Agreement) -> tuple[Agreement, ...]:
    """``ag`` as written, then one full agreement per amendment, by effective date."""
    if not ag.amendments:
        return (ag,)
    out = [ag]
    for amendment in ordered(ag):
        out.append(apply(ws, out[-1], amendment))
    return tuple(out)


class Versions:
    """The versions of one agreement and the instants they take effect: ``at(instant)`` is a
    bisect over a list as long as the amendments."""

    __slots__ = ("all", "starts")

    def __init__(self, ws: Workspace, ag: Agreement, zone: str) -> None:
        self.all = versions(ws, ag)
        tz = ZoneInfo(zone)
        self.starts = [midnight(v.version, tz) for v in self.all[1:] if v.version is not None]

    def at(self, instant: float) -> Agreement:
        return self.all[bisect_right(self.starts, instant)]

    def windows(self, begin: float, end: float) -> list[tuple[Agreement, float, float]]:
        """Each version with the part of [begin, end) it is in force (empty parts left out)."""
        bounds = [begin, *(min(max(s, begin), end) for s in self.starts), end]
        return [(v, lo, hi) for v, lo, hi in zip(self.all, bounds, bounds[1:]) if lo < hi]


def later(a: date | None, b: date | None) -> bool:
    """Whether version ``a`` (an amendment's effective date; None: the agreement as written) took
    effect after version ``b``."""
    return a is not None and (b is None or a > b)


def version_on(ws: Workspace, ag: Agreement, day: date) -> Agreement:
    """The version of ``ag`` in force on ``day`` (by dates, for reports and hours)."""
    found = ag
    for v in versions(ws, ag)[1:]:
        if v.version is not None and v.version <= day:
            found = v
    return found


def hours_on(ag: Agreement, day: date) -> Hours | None:
    """The support-hours terms of ``ag`` in force on ``day`` (they need no policy: ``hours``
    is the agreement's own key)."""
    found = ag.hours
    for amendment in ordered(ag):
        if amendment.effective <= day and "hours" in amendment.given:
            found = amendment.hours
    return found
