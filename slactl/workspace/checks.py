"""Cross-reference and semantic checks over a loaded workspace (pure: ``as_of`` is given)."""
from __future__ import annotations

from datetime import date
from typing import Iterator, Mapping

from slactl.core.durations import uses_days
from slactl.core.findings import ERROR, WARNING, Finding
from slactl.core.model import (
    BUILTIN_24X7, WEEKDAYS, Agreement, Calendar, Credits, CreditTier, Hours, Objective, Pause, Policy, Rule,
)
from slactl.core.pauses import DEFAULT_RESOLVED, status_key
from slactl.suggest import did_you_mean
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
        found: list[Finding] = []
        if entry.kind == "Calendar":
            found += _calendar(entry, entry.obj)  # type: ignore[arg-type]
        elif entry.kind == "Policy":
            found += _policy(loaded, entry, entry.obj)  # type: ignore[arg-type]
        elif entry.kind == "Agreement":
            found += _agreement(loaded, entry, entry.obj, as_of)  # type: ignore[arg-type]
        elif entry.kind == "OLA":
            from slactl.workspace.ola_checks import check_ola

            found += check_ola(loaded, entry, entry.obj, _at, _rules, _unknown)  # type: ignore[arg-type]
        if entry.partial:  # a key dropped for a structural error must not read as "missing"
            found = [f for f in found if f.code not in _ABSENCE]
        out += found
    out += _overlapping_agreements(loaded)
    out += _availability(loaded)
    out += _calls(loaded)
    return out


# Findings that a structurally broken key, dropped from a partly read document, would fake.
_ABSENCE = frozenset({"no-rules", "calendar-closed"})


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
    hint = did_you_mean(name, known)
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
        hint = did_you_mean(country, codes)
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
    yield from _paused_and_resolved(entry, policy.pause, policy.rules, policy.resolved_statuses)


def _paused_and_resolved(entry: Entry, pause: Pause, rules: tuple[Rule, ...],
                         resolved: tuple[str, ...] | None) -> Iterator[Finding]:
    """A status both pausing a metric and meaning resolved is almost always a copy-paste slip."""
    done = {status_key(s) for s in (DEFAULT_RESOLVED if resolved is None else resolved)}
    places: list[tuple[Pause, tuple[str | int, ...]]] = [(pause, ("spec", "pause"))]
    places += [(r.pause, ("spec", "rules", i, "pause")) for i, r in enumerate(rules)]
    for p, path in places:
        for metric in ("first_response", "resolution"):
            for i, status in enumerate(p.get(metric) or ()):
                if status_key(status) in done:
                    yield _at(entry, WARNING, "paused-and-resolved",
                              f"status '{status}' pauses {metric} and is also a resolved status"
                              f"{'' if resolved is not None else ' (by default)'}: time in it is paused, "
                              "never a resolution; remove it from one of the two lists",
                              *path, metric, i)


def _agreement(loaded: Loaded, entry: Entry, ag: Agreement, as_of: date) -> Iterator[Finding]:
    yield from _unknown(loaded, entry, "Policy", ag.policy, "spec", "policy")
    yield from _unknown(loaded, entry, "Calendar", ag.calendar, "spec", "calendar")
    for i, service in enumerate(ag.services or ()):
        yield from _unknown(loaded, entry, "Service", service, "spec", "services", i)
    policy = loaded.workspace.policies.get(ag.policy or "")
    default_calendar = ag.calendar or (policy.calendar if policy else None)
    yield from _rules(loaded, entry, ag.rules, default_calendar)
    resolved = ag.resolved_statuses
    if resolved is None and policy is not None:
        resolved = policy.resolved_statuses
    yield from _paused_and_resolved(entry, ag.pause, ag.rules, resolved)
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
    if ag.hours is not None:
        yield from _hours(entry, ag.hours)
    yield from _amendments(loaded, entry, ag)


def _amendments(loaded: Loaded, entry: Entry, ag: Agreement) -> Iterator[Finding]:
    """Each amendment like the agreement itself: in force inside the period, dates in order
    (each later than the one before), references resolved, its hours sound."""
    previous = None
    for i, amendment in enumerate(ag.amendments):
        at = ("spec", "amendments", i)
        day = amendment.effective
        if not ag.start <= day <= ag.end:
            yield _at(entry, ERROR, "amendment-date", f"amendment {i + 1} takes effect on {day}, outside the period "
                      f"({ag.start} to {ag.end})", *at, "effective")
        elif previous is not None and day <= previous:
            yield _at(entry, ERROR, "amendment-date", f"amendment {i + 1} takes effect on {day}, not after amendment "
                      f"{i} ({previous}): list amendments in the order they take effect", *at, "effective")
        previous = day
        yield from _unknown(loaded, entry, "Policy", amendment.policy, *at, "policy")
        for j, service in enumerate(amendment.services or ()):
            yield from _unknown(loaded, entry, "Service", service, *at, "services", j)
        for j, amended in enumerate(amendment.rules):
            yield from _unknown(loaded, entry, "Calendar", amended.rule.calendar, *at, "rules", j, "calendar")
        if amendment.hours is not None:
            yield from _hours(entry, amendment.hours)
    terms = ag.renewal
    if terms is not None and terms.notice is not None:
        from slactl.core.renewal import cancel_by, interval_text

        cancel = cancel_by(ag)
        if cancel is not None and cancel < ag.start:
            yield _at(entry, WARNING, "renewal-notice", f"the notice of {interval_text(terms.notice)} reaches back "
                      f"before the period starts ({ag.start}): it could never be given in time",
                      "spec", "renewal", "notice")


def _hours(entry: Entry, hours: Hours) -> Iterator[Finding]:
    """An hours block that sells something, in a currency people can read."""
    if hours.included is None and hours.bank is None:
        yield _at(entry, ERROR, "hours-empty", "hours names neither 'included' (hours per month or quarter) "
                  "nor 'bank' (prepaid hours for the period)", "spec", "hours")
    if hours.rollover and hours.included is None:
        yield _at(entry, WARNING, "rollover-without-included", "rollover has no effect without 'included' hours",
                  "spec", "hours", "rollover")
    if hours.currency is not None and not (len(hours.currency) == 3 and hours.currency.isascii()
                                           and hours.currency.isupper()):
        yield _at(entry, ERROR, "invalid-currency", f"currency '{hours.currency}' is not a three-letter "
                  f"ISO 4217 code (e.g. EUR, USD, RUB)", "spec", "hours", "currency")
    if hours.rate is not None and hours.currency is None:
        yield _at(entry, WARNING, "rate-without-currency", "rate has no currency: add currency (e.g. EUR)",
                  "spec", "hours", "rate")


def _overlapping_agreements(loaded: Loaded) -> Iterator[Finding]:
    """Two agreements of the same specificity that could both cover one ticket: a shared
    customer spelling (id, name or alias), a shared service scope and overlapping coverage
    measured in instants (so two zones' midnights are compared correctly)."""
    from slactl.core.coverage import coverage
    from slactl.core.renewal import rolls

    built = []
    for e in loaded.entries:
        ag = e.obj
        if not isinstance(ag, Agreement) or ag.end < ag.start or e.partial:
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
                # A manual 'active' covers tickets past its end, and more than a day is more than
                # time zones can explain: both are errors (score would call those tickets ambiguous).
                dates_overlap = a.start <= b.end and b.start <= a.end
                hours = (min(a_win[1], b_win[1]) - max(a_win[0], b_win[0])) / 3600
                manual = [x for x, y in ((a, b), (b, a)) if (x.status == "active" or rolls(loaded.workspace, x))
                          and x.end < y.start]
                severity = ERROR if dates_overlap or manual or hours > 24 else WARNING
                note = ""
                if dates_overlap:
                    extent = ""
                elif manual:
                    extent = f" after {manual[0].end}"
                    note = (f" ('{manual[0].name}' is set to 'active' by hand, so it covers tickets past its end; "
                            "set 'status: auto')") if manual[0].status == "active" else \
                        (f" ('{manual[0].name}' renews by itself, renewal.auto, until a signed successor starts "
                         "the day after its end)")
                elif hours > 24:
                    extent = f" by {hours:g} h"
                else:
                    extent = f" by {hours:g} h across time zones"
                for here, mine, there, other in ((a_entry, a, b_entry, b), (b_entry, b, a_entry, a)):
                    line, _ = locate(there.doc.root, "spec", "period")
                    yield _at(here, severity, "agreement-overlap",
                              f"agreement '{mine.name}' overlaps '{other.name}' ({there.doc.file}:{line}){extent} "
                              f"for customer '{sorted(shared_names)[0]}'{scope}: tickets in the overlap would be "
                              f"ambiguous{note}", "spec", "period")


# ---------------------------------------------------------------- availability and credits

def _availability(loaded: Loaded) -> Iterator[Finding]:
    """Objectives' references, credit tiers that can never apply, credits nothing drives."""
    for entry in loaded.entries:
        obj = entry.obj
        if not isinstance(obj, (Agreement, Policy)):
            continue
        for i, objective in enumerate(obj.availability or ()):
            yield from _objective(loaded, entry, obj, i, objective)
        if obj.credits is not None:
            yield from _tiers(entry, obj.credits)
        if isinstance(obj, Agreement):
            yield from _driven(loaded, entry, obj)


def _objective(loaded: Loaded, entry: Entry, owner: Agreement | Policy, i: int,
               objective: Objective) -> Iterator[Finding]:
    where = ("spec", "availability", i)
    if objective.calendar is not None:
        yield from _unknown(loaded, entry, "Calendar", objective.calendar, *where, "calendar")
    for k, service in enumerate(objective.services or ()):
        path = (*where, "services", k)
        if service not in {e.name for e in loaded.entries if e.kind == "Service"}:
            yield from _unknown(loaded, entry, "Service", service, *path)
        elif isinstance(owner, Agreement) and owner.services is not None and service not in owner.services:
            yield _at(entry, WARNING, "service-not-covered",
                      f"availability objective {i + 1} names service '{service}', which the agreement does not "
                      f"cover (its services: {', '.join(owner.services)})", *path)


def _condition(tier: CreditTier) -> tuple[str, float] | None:
    """(what is measured, threshold) of a well-formed tier."""
    if tier.availability_below is not None and tier.compliance_below is None and tier.metric is None:
        return "availability", tier.availability_below
    if tier.compliance_below is not None and tier.availability_below is None and tier.metric is not None:
        return f"{tier.metric} compliance", tier.compliance_below
    return None


def _tiers(entry: Entry, credits: Credits) -> Iterator[Finding]:
    where = ("spec", "credits", "tiers")
    conditions: list[tuple[int, str, float, float]] = []
    for i, tier in enumerate(credits.tiers):
        cond = _condition(tier)
        if cond is None:
            if tier.availability_below is not None and tier.compliance_below is not None:
                problem = "has both availability_below and compliance_below; give one condition per tier"
            elif tier.compliance_below is not None:
                problem = "has compliance_below but no metric (first_response or resolution)"
            elif tier.metric is not None and tier.availability_below is None:
                problem = f"names metric '{tier.metric}' but no compliance_below"
            elif tier.metric is not None:
                problem = "names a metric but judges availability; drop 'metric' or use compliance_below"
            else:
                problem = "has no condition: give availability_below or metric with compliance_below"
            yield _at(entry, ERROR, "invalid-tier", f"credit tier {i + 1} {problem}", *where, i)
            continue
        conditions.append((i, cond[0], cond[1], tier.credit))
    for a, (i, what_i, below_i, credit_i) in enumerate(conditions):
        for j, what_j, below_j, credit_j in conditions[:a]:
            if what_i != what_j:
                continue
            if below_i == below_j:
                yield _at(entry, WARNING, "tier-overlap",
                          f"credit tiers {j + 1} and {i + 1} have the same condition ({what_i} below "
                          f"{below_i:g} %); only the larger credit can ever apply", *where, i)
                continue
            # the laxer condition (higher threshold) holds whenever the stricter one does
            lax, strict = ((j, below_j, credit_j), (i, below_i, credit_i)) if below_j > below_i \
                else ((i, below_i, credit_i), (j, below_j, credit_j))
            if lax[2] >= strict[2]:
                yield _at(entry, WARNING, "tier-order",
                          f"credit tier {strict[0] + 1} ({what_i} below {strict[1]:g} %: {strict[2]:g} %) never "
                          f"applies: tier {lax[0] + 1} gives {lax[2]:g} % for the laxer condition below "
                          f"{lax[1]:g} %; a stricter condition should earn a larger credit", *where, strict[0])


def _driven(loaded: Loaded, entry: Entry, ag: Agreement) -> Iterator[Finding]:
    """Credits with availability tiers need a monthly objective to judge them."""
    policy = loaded.workspace.policies.get(ag.policy or "")
    credits = ag.credits if ag.credits is not None else (policy.credits if policy else None)
    objectives = ag.availability if ag.availability is not None else (policy.availability if policy else None)
    if credits is None or not any(t.availability_below is not None for t in credits.tiers):
        return
    if any(o.window == "month" for o in objectives or ()):
        return
    path = ("spec", "credits") if ag.credits is not None else ("spec", "policy")
    yield _at(entry, WARNING, "credits-without-objective",
              f"agreement '{ag.name}' has credit tiers on availability but no monthly availability objective: "
              "those tiers can never apply (credits are judged per calendar month)", *path)


# ---------------------------------------------------------------- call objectives

def _calls(loaded: Loaded) -> Iterator[Finding]:
    """Call objectives: a calendar that exists, something to judge, each queue once per window."""
    for entry in loaded.entries:
        ag = entry.obj
        if not isinstance(ag, Agreement):
            continue
        seen: dict[tuple[str, str], int] = {}
        for i, objective in enumerate(ag.calls):
            where = ("spec", "calls", i)
            if objective.calendar is not None:
                yield from _unknown(loaded, entry, "Calendar", objective.calendar, *where, "calendar")
            if objective.answered_within is None and objective.abandonment_max is None and objective.asa_max is None:
                yield _at(entry, ERROR, "calls-without-target",
                          f"call objective {i + 1} sets no target: give service_level, abandonment_max or asa_max",
                          *where)
            for queue in objective.queues:
                key = (queue.casefold(), objective.window)
                if key in seen:
                    yield _at(entry, WARNING, "queue-repeated",
                              f"queue '{queue}' is measured per {objective.window} by call objectives "
                              f"{seen[key] + 1} and {i + 1}; its rows would be listed twice", *where, "queue")
                seen.setdefault(key, i)
