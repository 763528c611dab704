"""Checks of OLA documents beyond their structure: references, rules, the period."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from slactl.core.findings import ERROR, Finding
from slactl.core.model import OLA
from slactl.suggest import did_you_mean

if TYPE_CHECKING:
    from slactl.workspace.loader import Entry, Loaded


Helper = Callable[..., Any]


def check_ola(loaded: Loaded, entry: Entry, ola: OLA, at: Helper, rules: Helper, unknown: Helper) -> Iterator[Finding]:
    """Unknown calendars, policies and agreements (with a "did you mean"), an OLA without
    targets, a period that ends before it starts, two teams claiming one spelling. ``at``,
    ``rules``, ``unknown``: the workspace checks' own finding, rule and reference helpers."""
    _at, _rules, _unknown = at, rules, unknown

    yield from _unknown(loaded, entry, "Calendar", ola.calendar, "spec", "calendar")
    yield from _unknown(loaded, entry, "Policy", ola.policy, "spec", "policy")
    agreements = {e.name for e in loaded.entries if e.kind == "Agreement"}
    for i, name in enumerate(ola.supports or ()):
        if name not in agreements:
            yield _at(entry, ERROR, "unknown-reference",
                      f"agreement '{name}' is not defined{did_you_mean(name, agreements)}", "spec", "supports", i)
    if ola.policy is None and not ola.rules:
        yield _at(entry, ERROR, "no-rules", f"OLA '{ola.name}' has no targets: give spec.rules or spec.policy",
                  "spec")
    yield from _rules(loaded, entry, ola.rules, ola.calendar)
    if ola.start is not None and ola.end is not None and ola.end < ola.start:
        yield _at(entry, ERROR, "invalid-period", f"OLA '{ola.name}': period ends before it starts",
                  "spec", "period", "end")
    for other in loaded.entries:
        if other is entry:
            break
        if other.kind == "OLA" and isinstance(other.obj, OLA) and other.obj.team.name != ola.team.name:
            shared = set(ola.team.names()) & set(other.obj.team.names())
            if shared:
                yield _at(entry, ERROR, "duplicate-team",
                          f"team spelling '{sorted(shared)[0]}' names team '{ola.team.name}' here and team "
                          f"'{other.obj.team.name}' in OLA '{other.name}'", "spec", "team")
