"""What changed between two states of the file format's documents, as structured changes
(README, "diff" and "Amendments"): the terms an agreement promises (its effective rules,
target, policy, services, calendar, period, objectives), a policy's rules, a calendar's hours
and holidays, a service's aliases. Pure: the words are the reporters'.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slactl.core.amendments import apply, ordered, versions
from slactl.core.model import (
    DEFAULT_COMPLIANCE_TARGET, WEEKDAYS, Agreement, Amendment, Calendar, Policy, Rule, Service, Workspace,
)
from slactl.core.renewal import service_levels


@dataclass(frozen=True, slots=True)
class TermChange:
    """One change. ``key``: first_response | resolution (seconds; minutes in ``as_dict``), rule (added/removed),
    compliance_target, policy, services, calendar, period_start, period_end, status, availability,
    credits, hours, renewal, timezone, hours_<weekday>, holiday, workday, holiday_country, aliases,
    description. ``old``/``new`` None: added/removed. ``via``: where the new rule is written."""

    key: str
    old: object = None
    new: object = None
    priority: str | None = None
    via: str | None = None
    changes: tuple[TermChange, ...] = ()  # an amendment's: what it changes from the version before

    def as_dict(self) -> dict[str, object]:
        def plain(v: object) -> object:
            if isinstance(v, (tuple, list, frozenset, set)):
                return sorted(str(x) for x in v) if isinstance(v, (frozenset, set)) else [str(x) for x in v]
            return v if v is None or isinstance(v, (int, float, str, bool)) else str(v)
        if self.key in ("first_response", "resolution"):  # durations in minutes, as the score JSON gives them
            def plain(v: object) -> object:  # noqa: F811
                return v / 60 if isinstance(v, (int, float)) else None
        out = {"key": self.key, "priority": self.priority, "old": plain(self.old), "new": plain(self.new),
               "via": self.via}
        if self.key == "amendment":
            out["changes"] = [c.as_dict() for c in self.changes]
        return out


def _key(priority: str) -> str:
    return priority.strip().casefold()


def _rules_diff(old: list[Rule], new: list[Rule], via: dict[str, str] | None = None) -> list[TermChange]:
    out = []
    before = {_key(r.priority): r for r in old}
    after = {_key(r.priority): r for r in new}
    for k, rule in after.items():
        where = (via or {}).get(k)
        was = before.get(k)
        if was is None:
            out.append(TermChange("rule", None, (rule.first_response, rule.resolution), rule.priority, where))
            continue
        for metric in ("first_response", "resolution"):
            a, b = getattr(was, metric), getattr(rule, metric)
            if a != b:
                out.append(TermChange(metric, a, b, rule.priority, where))
        if was.calendar != rule.calendar:
            out.append(TermChange("calendar", was.calendar, rule.calendar, rule.priority, where))
    for k, rule in before.items():
        if k not in after:
            out.append(TermChange("rule", (rule.first_response, rule.resolution), None, rule.priority))
    return out


def _policy_of(ws: Workspace, ag: Agreement) -> Policy | None:
    return ws.policies.get(ag.policy or "")


def _target(ws: Workspace, ag: Agreement) -> float:
    policy = _policy_of(ws, ag)
    if ag.compliance_target is not None:
        return ag.compliance_target
    if policy is not None and policy.compliance_target is not None:
        return policy.compliance_target
    return DEFAULT_COMPLIANCE_TARGET


def _calendar(ws: Workspace, ag: Agreement) -> str | None:
    policy = _policy_of(ws, ag)
    return ag.calendar or (policy.calendar if policy else None)


def agreement_changes(old_ws: Workspace, old: Agreement, new_ws: Workspace, new: Agreement) -> list[TermChange]:
    """How the terms of ``new`` differ from those of ``old`` (the same agreement, two states)."""
    out: list[TermChange] = []
    if old.policy != new.policy:
        out.append(TermChange("policy", old.policy, new.policy))
    if old.services != new.services:
        out.append(TermChange("services", old.services, new.services))
    if _calendar(old_ws, old) != _calendar(new_ws, new):
        out.append(TermChange("calendar", _calendar(old_ws, old), _calendar(new_ws, new)))
    new_rules = service_levels(new_ws, new)
    via = {_key(r.priority): ("policy " + str(new.policy) if r not in new.rules else
                              "amendment" if new.version is not None and r not in old.rules else "agreement")
           for r in new_rules}
    out += _rules_diff(service_levels(old_ws, old), new_rules, via)
    if _target(old_ws, old) != _target(new_ws, new):
        out.append(TermChange("compliance_target", _target(old_ws, old), _target(new_ws, new)))
    for key in ("start", "end"):
        if getattr(old, key) != getattr(new, key):
            out.append(TermChange("period_" + key, getattr(old, key), getattr(new, key)))
    if old.status != new.status:
        out.append(TermChange("status", old.status, new.status))
    for key in ("availability", "credits"):
        a, b = _effective(old_ws, old, key), _effective(new_ws, new, key)
        if a != b:
            out.append(TermChange(key))
    if old.hours != new.hours:
        out.append(TermChange("hours"))
    if old.renewal != new.renewal:
        out.append(TermChange("renewal"))
    if old.amendments != new.amendments:
        out += _amendments_diff(old_ws, old, new_ws, new)
    return out


def amendment_changes(ws: Workspace, ag: Agreement) -> list[tuple[Amendment, list[TermChange]]]:
    """Each amendment of ``ag`` (by effective date) with what it changed from the version before."""
    chain = versions(ws, ag)
    return [(amendment, agreement_changes(ws, before, ws, after))
            for amendment, before, after in zip(ordered(ag), chain, chain[1:])]


def _amendments_diff(old_ws: Workspace, old: Agreement, new_ws: Workspace, new: Agreement) -> list[TermChange]:
    """Amendments added, removed or changed (by effective date); an added one with what it changes.
    ``key`` amendment, ``old``/``new`` the effective date, ``via`` the changes in words' order."""
    before = dict(amendment_changes(old_ws, old)) if old.amendments else {}
    after = dict(amendment_changes(new_ws, new)) if new.amendments else {}
    by_day_old = {a.effective: (a, c) for a, c in before.items()}
    by_day_new = {a.effective: (a, c) for a, c in after.items()}
    out = []
    for day in sorted(set(by_day_old) | set(by_day_new)):
        if day not in by_day_old:
            out.append(TermChange("amendment", None, day, changes=tuple(by_day_new[day][1])))
        elif day not in by_day_new:
            out.append(TermChange("amendment", day, None))
        else:  # the same day in both: changed when applying either gives other terms (or another note)
            edit = _edit(old_ws, old, new_ws, by_day_old[day][0], by_day_new[day][0])
            if edit:
                out.append(TermChange("amendment", day, day, changes=tuple(edit)))
    return out


def _edit(old_ws: Workspace, old: Agreement, new_ws: Workspace, was: Amendment, now: Amendment) -> list[TermChange]:
    """What editing an amendment changed: each version of it applied to the same terms, those in
    force before it (not what the amendment does, nor what later amendments carry on)."""
    chain = versions(old_ws, old)
    base = next(v for v, a in zip(chain, ordered(old)) if a.effective == was.effective)
    out = agreement_changes(old_ws, apply(old_ws, base, was), new_ws, apply(new_ws, base, now))
    if was.note != now.note:
        out.append(TermChange("note", was.note or None, now.note or None))
    return out


def _effective(ws: Workspace, ag: Agreement, key: str) -> object:
    own = getattr(ag, key)
    policy = _policy_of(ws, ag)
    return own if own is not None else (getattr(policy, key) if policy is not None else None)


def policy_changes(old: Policy, new: Policy) -> list[TermChange]:
    out = _rules_diff(list(old.rules), list(new.rules))
    if old.compliance_target != new.compliance_target:
        out.append(TermChange("compliance_target", old.compliance_target, new.compliance_target))
    if old.calendar != new.calendar:
        out.append(TermChange("calendar", old.calendar, new.calendar))
    for key in ("availability", "credits", "pause", "resolved_statuses"):
        if getattr(old, key) != getattr(new, key):
            out.append(TermChange(key))
    return out


def calendar_changes(old: Calendar, new: Calendar) -> list[TermChange]:
    out = []
    if old.timezone != new.timezone:
        out.append(TermChange("timezone", old.timezone, new.timezone))
    for i, day in enumerate(WEEKDAYS):
        if old.hours[i] != new.hours[i]:
            out.append(TermChange("hours_" + day, old.hours[i], new.hours[i]))
    if (old.holiday_country, old.holiday_subdivision) != (new.holiday_country, new.holiday_subdivision):
        out.append(TermChange("holiday_country", old.holiday_country, new.holiday_country))
    for key, a, b in (("holiday", old.holiday_dates, new.holiday_dates), ("workday", old.workdays, new.workdays)):
        out += [TermChange(key, None, d) for d in sorted(b - a)]
        out += [TermChange(key, d, None) for d in sorted(a - b)]
    if old.workday_hours != new.workday_hours:
        out.append(TermChange("workday_hours", old.workday_hours, new.workday_hours))
    return out


def service_changes(old: Service, new: Service) -> list[TermChange]:
    out = []
    if old.aliases != new.aliases:
        out += [TermChange("aliases", None, a) for a in new.aliases if a not in old.aliases]
        out += [TermChange("aliases", a, None) for a in old.aliases if a not in new.aliases]
    if old.description != new.description:
        out.append(TermChange("description", old.description, new.description))
    return out


@dataclass(frozen=True, slots=True)
class DocumentChange:
    """One document of the workspace that differs: ``state`` added | removed | changed."""

    kind: str  # Agreement | Policy | Calendar | Service
    name: str
    state: str
    changes: tuple[TermChange, ...] = ()


KINDS = ("Agreement", "Policy", "Calendar", "Service")


def workspace_changes(old: Workspace, new: Workspace) -> list[DocumentChange]:
    """Every agreement, policy, calendar and service that differs from ``old`` to ``new``, by kind
    and name; an agreement also changes when the policy or calendar it uses does."""
    out: list[DocumentChange] = []
    pairs: tuple[tuple[str, dict[str, Any], dict[str, Any], Callable[[Any, Any], list[TermChange]]], ...] = (
        ("Agreement", old.agreements, new.agreements, lambda a, b: agreement_changes(old, a, new, b)),
        ("Policy", old.policies, new.policies, policy_changes),
        ("Calendar", old.calendars, new.calendars, calendar_changes),
        ("Service", old.services, new.services, service_changes),
    )
    for kind, before, after, compare in pairs:
        for name in sorted(set(before) | set(after)):
            if name not in before:
                out.append(DocumentChange(kind, name, "added"))
            elif name not in after:
                out.append(DocumentChange(kind, name, "removed"))
            else:
                found = compare(before[name], after[name])
                if found:
                    out.append(DocumentChange(kind, name, "changed", tuple(found)))
    return out
