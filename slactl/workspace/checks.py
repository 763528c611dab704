"""Cross-reference and semantic checks over a loaded workspace (pure: ``as_of`` is given)."""
from __future__ import annotations

import difflib
from datetime import date
from typing import Iterator, Mapping

from slactl.core.durations import uses_days
from slactl.core.findings import ERROR, WARNING, Finding
from slactl.core.model import BUILTIN_24X7, WEEKDAYS, Agreement, Calendar, Policy, Rule
from slactl.workspace.loader import Entry, Loaded, locate


# Errors a scorer can live with: the model is complete and the scorer reports the
# consequence itself (an overlap makes tickets "ambiguous", never decided silently).
SCORABLE = frozenset({"agreement-overlap", "period-inverted", "response-exceeds-resolution", "hours-overlap",
                      "calendar-closed", "duplicate-priority"})


def check_workspace(loaded: Loaded, as_of: date) -> list[Finding]:
    """Findings beyond structure: names, references and meaning."""
    out: list[Finding] = []
    out += _duplicate_names(loaded)
    for entry in loaded.entries:
        if entry.obj is None:
            continue
        if entry.kind == "Calendar":
            out += _calendar(entry, entry.obj)  # type: ignore[arg-type]
        elif entry.kind == "Policy":
            out += _policy(loaded, entry, entry.obj)  # type: ignore[arg-type]
        elif entry.kind == "Agreement":
            out += _agreement(loaded, entry, entry.obj, as_of)  # type: ignore[arg-type]
    out += _overlapping_agreements(loaded)
    return out


def _at(entry: Entry, severity: str, code: str, message: str, *path: str | int) -> Finding:
    line, col = locate(entry.doc.root, *path)
    return Finding(entry.doc.file, line, col, severity, code, message)


def _duplicate_names(loaded: Loaded) -> Iterator[Finding]:
    first: dict[tuple[str, str], Entry] = {}
    for entry in loaded.entries:
        if entry.kind == "Calendar" and entry.name == BUILTIN_24X7:
            yield _at(entry, ERROR, "duplicate-name", "calendar name '24x7' is reserved for the built-in "
                      "always-open calendar", "metadata", "name")
            continue
        key = (entry.kind, entry.name)
        if key not in first:
            first[key] = entry
            continue
        # Both places are reported: which of the two is the mistake is for a person to say.
        other = first[key]
        for here, there in ((entry, other), (other, entry)):
            line, _ = locate(there.doc.root, "metadata", "name")
            yield _at(here, ERROR, "duplicate-name",
                      f"{here.kind} '{here.name}' is also defined in {there.doc.file}:{line}; names must be "
                      "unique per kind", "metadata", "name")


def _unknown(loaded: Loaded, entry: Entry, kind: str, name: str | None, *path: str | int) -> Iterator[Finding]:
    if name is None:
        return
    ws = loaded.workspace
    pool: Mapping[str, object] = ws.calendars if kind == "Calendar" else ws.policies if kind == "Policy" \
        else ws.services
    known = {e.name for e in loaded.entries if e.kind == kind}  # broken documents still count as defined
    if kind == "Calendar":
        known.add(BUILTIN_24X7)
    if name in known or name in pool:
        return
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    yield _at(entry, ERROR, "unknown-reference", f"{kind.lower()} '{name}' is not defined{hint}", *path)


def _calendar(entry: Entry, cal: Calendar) -> Iterator[Finding]:
    days = [(day, cal.hours[i]) for i, day in enumerate(WEEKDAYS)]
    if cal.workday_hours is not None:
        days.append(("workday_hours", cal.workday_hours))
    for day, spans in days:
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            if s2 < e1:
                path = ("spec", "workday_hours") if day == "workday_hours" else ("spec", "hours", day)
                yield _at(entry, ERROR, "hours-overlap",
                          f"{day}: spans {_hhmm(s1)}-{_hhmm(e1)} and {_hhmm(s2)}-{_hhmm(e2)} overlap", *path)
    if not any(cal.hours) and not (cal.workdays and (cal.workday_hours or cal.hours[0])):
        yield _at(entry, ERROR, "calendar-closed",
                  f"calendar '{cal.name}' has no open hours: no target could ever fall due", "spec", "hours")
    if cal.holiday_country:
        yield from _holiday_country(entry, cal)


def _holiday_country(entry: Entry, cal: Calendar) -> Iterator[Finding]:
    from slactl.workspace.holidaydata import country_modules, subdivisions

    codes = sorted(country_modules())
    country = cal.holiday_country or ""
    if country not in codes:
        close = difflib.get_close_matches(country, codes, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        yield _at(entry, ERROR, "invalid-value",
                  f"holidays.country '{country}' is not a country the holidays library knows{hint}",
                  "spec", "holidays", "country")
        return
    subdivision = cal.holiday_subdivision
    if subdivision:
        known = subdivisions(country)
        if subdivision not in known:
            yield _at(entry, ERROR, "invalid-value",
                      f"holidays.subdivision '{subdivision}' is not a subdivision of {country} "
                      f"(known: {', '.join(known[:12])}{'...' if len(known) > 12 else ''})",
                      "spec", "holidays", "subdivision")


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _rules(loaded: Loaded, entry: Entry, rules: tuple[Rule, ...], default_calendar: str | None) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        where = ("spec", "rules", i)
        for spelling in rule.names():
            if spelling in seen and seen[spelling] != i:
                yield _at(entry, ERROR, "duplicate-priority",
                          f"priority '{spelling}' is matched by rules {seen[spelling] + 1} and {i + 1}",
                          *where, "priority")
            seen.setdefault(spelling, i)
        yield from _unknown(loaded, entry, "Calendar", rule.calendar, *where, "calendar")
        if rule.first_response and rule.resolution and rule.first_response > rule.resolution:
            yield _at(entry, ERROR, "response-exceeds-resolution",
                      f"rule {rule.priority}: first_response is longer than resolution", *where, "first_response")
        clock = rule.calendar or default_calendar
        if clock and clock != BUILTIN_24X7:
            raw = entry.data["spec"]["rules"][i] if entry.data else {}
            for metric in ("first_response", "resolution"):
                if metric in raw and uses_days(raw[metric]):
                    yield _at(entry, WARNING, "days-on-business-clock",
                              f"rule {rule.priority}: {metric} '{raw[metric]}' counts days of 24 open hours on "
                              f"calendar '{clock}', not business days; write hours (e.g. 9h per business day)",
                              *where, metric)


def _policy(loaded: Loaded, entry: Entry, policy: Policy) -> Iterator[Finding]:
    yield from _unknown(loaded, entry, "Calendar", policy.calendar, "spec", "calendar")
    yield from _rules(loaded, entry, policy.rules, policy.calendar)


def _agreement(loaded: Loaded, entry: Entry, ag: Agreement, as_of: date) -> Iterator[Finding]:
    yield from _unknown(loaded, entry, "Policy", ag.policy, "spec", "policy")
    yield from _unknown(loaded, entry, "Calendar", ag.calendar, "spec", "calendar")
    for i, service in enumerate(ag.services or ()):
        yield from _unknown(loaded, entry, "Service", service, "spec", "services", i)
    policy = loaded.workspace.policies.get(ag.policy or "")
    default_calendar = ag.calendar or (policy.calendar if policy else None)
    yield from _rules(loaded, entry, ag.rules, default_calendar)
    if ag.end < ag.start:
        yield _at(entry, ERROR, "period-inverted",
                  f"period ends ({ag.end}) before it starts ({ag.start})", "spec", "period", "end")
    if ag.policy is None and not ag.rules:
        yield _at(entry, WARNING, "no-rules", "agreement has neither a policy nor rules: every ticket would be "
                  "'no_rule'", "spec")
    if ag.status == "active" and ag.end < as_of:
        yield _at(entry, WARNING, "active-past-end",
                  f"status is 'active' but the period ended on {ag.end}; set 'auto' or renew it",
                  "spec", "status")


def _overlapping_agreements(loaded: Loaded) -> Iterator[Finding]:
    """Two agreements of the same specificity that could both cover one ticket: a shared
    customer spelling (id, name or alias), a shared service scope and overlapping coverage
    measured in instants (so two zones' midnights are compared correctly)."""
    from slactl.core.matching import coverage

    built = []
    for e in loaded.entries:
        ag = e.obj
        if not isinstance(ag, Agreement) or ag.end < ag.start:
            continue
        try:
            window = coverage(loaded.workspace, ag)
        except Exception:  # noqa: BLE001 - an unknown zone is reported elsewhere
            continue
        if window is not None:
            names = {"*"} if ag.customer.is_wildcard else set(ag.customer.names())
            built.append((e, ag, window, names))
    for i, (a_entry, a, a_win, a_names) in enumerate(built):
        for b_entry, b, b_win, b_names in built[:i]:
            shared_names = a_names & b_names
            if not shared_names or (a.services is None) != (b.services is None):
                continue  # different customers, or different specificity: no tie
            shared = set(a.services or ()) & set(b.services or ())
            if a.services is not None and not shared:
                continue
            if a_win[0] < b_win[1] and b_win[0] < a_win[1]:
                scope = f" for services {', '.join(sorted(shared))}" if shared else ""
                # Dates that do not overlap can still overlap in time when the two agreements
                # live in different zones (Dec 31 in New York is Jan 1 in Tokyo): only hours of
                # tickets are ambiguous then, worth a warning rather than a failed CI run.
                dates_overlap = a.start <= b.end and b.start <= a.end
                hours = (min(a_win[1], b_win[1]) - max(a_win[0], b_win[0])) / 3600
                severity = ERROR if dates_overlap else WARNING
                extent = "" if dates_overlap else f" by {hours:g} h across time zones"
                for here, mine, there, other in ((a_entry, a, b_entry, b), (b_entry, b, a_entry, a)):
                    line, _ = locate(there.doc.root, "spec", "period")
                    yield _at(here, severity, "agreement-overlap",
                              f"agreement '{mine.name}' overlaps '{other.name}' ({there.doc.file}:{line}){extent} "
                              f"for customer '{sorted(shared_names)[0]}'{scope}: tickets in the overlap would be "
                              "ambiguous", "spec", "period")
