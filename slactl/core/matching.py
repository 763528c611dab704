"""Which agreement and rule govern a ticket (README, "The file format"). Pure; instants are UTC epoch seconds."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slactl.core.amendments import Versions
from slactl.core.clock import BusinessClock, clock_for
from slactl.core.coverage import agreement_zone, coverage
from slactl.core.model import DEFAULT_COMPLIANCE_TARGET, Agreement, Calendar, Policy, Rule, Workspace
from slactl.core.pauses import DEFAULT_RESOLVED, NO_PAUSES, PauseTerms, status_key

MATCHED, UNCOVERED, AMBIGUOUS, NO_RULE = "matched", "uncovered", "ambiguous", "no_rule"


@dataclass(frozen=True, slots=True)
class Terms:
    """What one agreement promises for one priority: the rule, its clock and the target."""

    agreement: Agreement
    rule: Rule
    clock: BusinessClock
    target_pct: float
    pauses: PauseTerms = NO_PAUSES
    pause_sources: tuple[str, ...] = ()  # where non-empty pause lists came from, e.g. "policy 'standard'"


@dataclass(frozen=True, slots=True)
class Match:
    kind: str  # matched | uncovered | ambiguous | no_rule
    priority: str  # canonical when a rule matched, else the export's value (trimmed)
    agreement: Agreement | None = None
    terms: Terms | None = None
    candidates: tuple[str, ...] = ()  # the tied agreements when ambiguous


@dataclass(frozen=True, slots=True)
class _Candidate:
    agreement: Agreement
    rank: int  # 4 customer+services, 3 customer, 2 *+services, 1 *
    begin: float  # coverage [begin, end) in epoch seconds
    end: float


def service_spellings(ws: Workspace) -> dict[str, str]:
    """Every name and alias of the workspace's services, case-folded and trimmed -> the service's name."""
    out: dict[str, str] = {}
    for svc in ws.services.values():
        for spelling in (svc.name, *svc.aliases):
            out.setdefault(spelling.strip().casefold(), svc.name)
    return out


class Matcher:
    """Resolves (customer, service, priority, created) to a :class:`Match`, with caches so a
    million-row export costs a dictionary lookup and a few comparisons per ticket."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._service_names = service_spellings(ws)
        self._by_customer: dict[str, list[Agreement]] = {}
        self._wildcard: list[Agreement] = []
        self._windows: dict[tuple[str, date | None], tuple[float, float]] = {}  # (name, version)
        self._customer_ids: dict[str, str] = {}  # every spelling any agreement knows, covering or not
        for ag in ws.agreements.values():
            if not ag.customer.is_wildcard:
                for key in ag.customer.names():
                    self._customer_ids.setdefault(key, ag.customer.id)
        for ag in ws.agreements.values():
            window = coverage(ws, ag)
            if window is None:
                continue
            # an amended agreement takes part as its versions, each covering its own stretch
            parts = [(ag, *window)] if not ag.amendments else \
                Versions(ws, ag, agreement_zone(ws, ag)).windows(*window)
            for version, begin, end in parts:
                self._windows[(ag.name, version.version)] = (begin, end)
                if ag.customer.is_wildcard:
                    self._wildcard.append(version)
                else:
                    for key in version.customer.names():
                        self._by_customer.setdefault(key, []).append(version)
        self._candidates: dict[tuple[str, str], tuple[_Candidate, ...]] = {}
        self._terms: dict[tuple[str, date | None, str], Terms | None] = {}
        # (customer, service, priority) as written -> (choices, the uncovered match)
        self._choices: dict[tuple[str, str, str], tuple[tuple[tuple[int, float, float, Match], ...], Match]] = {}

    def customer_id(self, value: str) -> str | None:
        """The id of the customer an agreement knows by this spelling (id, name or alias), whether or
        not that agreement covers anything (a suspended or expired one still names its customer)."""
        key = value.strip().casefold()
        known = self._by_customer.get(key)
        return known[0].customer.id if known else self._customer_ids.get(key)

    def service_name(self, value: str) -> str | None:
        return self._service_names.get(value.strip().casefold())

    def candidates(self, customer: str, service: str) -> tuple[_Candidate, ...]:
        """Agreements that may cover a ticket of this customer and service, most specific first."""
        key = (customer, service)
        found = self._candidates.get(key)
        if found is not None:
            return found
        svc = self.service_name(service) if service else None
        out = []
        for ag, base in [(a, 3) for a in self._by_customer.get(customer.strip().casefold(), ())] + \
                        [(a, 1) for a in self._wildcard]:
            if ag.services is not None:
                if svc is None or svc not in ag.services:
                    continue
                rank = base + 1
            else:
                rank = base
            begin, end = self._windows[(ag.name, ag.version)]
            out.append(_Candidate(ag, rank, begin, end))
        out.sort(key=lambda c: -c.rank)
        found = self._candidates[key] = tuple(out)
        return found

    def terms(self, ag: Agreement, priority: str) -> Terms | None:
        """The rule for ``priority`` (name or alias): the agreement's own, else its policy's.
        An agreement rule overrides the policy rule of the same canonical priority, whichever
        spelling the export used."""
        key = (ag.name, ag.version, priority)
        if key in self._terms:
            return self._terms[key]
        wanted = priority.strip().casefold()
        policy = self.ws.policies.get(ag.policy or "")
        rule = _find(ag.rules, wanted)
        if rule is None and policy is not None:
            rule = _find(policy.rules, wanted)
            if rule is not None:  # same canonical priority overridden by the agreement?
                rule = _find(ag.rules, rule.priority.strip().casefold()) or rule
        terms = None
        if rule is not None:
            name = rule.calendar or ag.calendar or (policy.calendar if policy else None)
            calendar: Calendar = self.ws.calendar(name)
            target = ag.compliance_target
            if target is None and policy is not None:
                target = policy.compliance_target
            pauses, source = pause_terms(ag, policy, rule, self._rule_home(ag, rule))
            terms = Terms(ag, rule, clock_for(calendar), DEFAULT_COMPLIANCE_TARGET if target is None else target,
                          pauses, source)
        self._terms[key] = terms
        return terms

    def _rule_home(self, ag: Agreement, rule: Rule) -> str:
        return f"agreement '{ag.name}'" if rule in ag.rules else f"policy '{ag.policy}'"

    def match(self, customer: str, service: str, priority: str, created: float) -> Match:
        """The agreement and rule governing a ticket created at ``created``: the most specific
        agreement covering that instant (two equally specific ones: ambiguous). Matches are
        built once per (customer, service, priority) as written; a ticket costs a lookup
        and a comparison or two."""
        key = (customer, service, priority)
        found = self._choices.get(key)
        if found is None:
            found = self._choices_for(key)
        choices, uncovered = found
        chosen = None
        rank = 0
        for c_rank, begin, end, m in choices:
            if c_rank < rank:
                break
            if begin <= created < end:
                if chosen is not None:
                    return self._ambiguous(choices, c_rank, created, priority)
                chosen, rank = m, c_rank
        return uncovered if chosen is None else chosen

    def _choices_for(self, key: tuple[str, str, str]
                     ) -> tuple[tuple[tuple[int, float, float, Match], ...], Match]:
        customer, service, priority = key
        raw = priority.strip()
        out = []
        for cand in self.candidates(customer, service):
            terms = self.terms(cand.agreement, raw)
            m = Match(NO_RULE, raw, cand.agreement) if terms is None else \
                Match(MATCHED, terms.rule.priority, cand.agreement, terms)
            out.append((cand.rank, cand.begin, cand.end, m))
        if len(self._choices) > 100_000:  # hostile exports: every ticket a new customer
            self._choices.clear()
        found = self._choices[key] = (tuple(out), Match(UNCOVERED, raw))
        return found

    @staticmethod
    def _ambiguous(choices: tuple[tuple[int, float, float, Match], ...], rank: int, created: float,
                   priority: str) -> Match:
        tied = sorted(m.agreement.name for r, begin, end, m in choices  # type: ignore[union-attr]
                      if r == rank and begin <= created < end)
        return Match(AMBIGUOUS, priority.strip(), candidates=tuple(tied))


def _find(rules: tuple[Rule, ...], wanted: str) -> Rule | None:
    for rule in rules:
        if wanted in rule.names():
            return rule
    return None


def pause_terms(ag: Agreement, policy: Policy | None, rule: Rule, rule_home: str
                ) -> tuple[PauseTerms, tuple[str, ...]]:
    """What pauses each metric under ``rule``: the rule's list, else the agreement's, else the
    policy's, per metric key; resolved statuses from the agreement, else the policy, else the
    default. Also where the non-empty lists came from (for the "no status history" notice)."""
    levels = [(rule.pause, rule_home), (ag.pause, f"agreement '{ag.name}'")]
    if policy is not None:
        levels.append((policy.pause, f"policy '{policy.name}'"))
    lists: dict[str, frozenset[str]] = {}
    sources: list[str] = []
    for metric in ("first_response", "resolution"):
        for pause, where in levels:
            got = pause.get(metric)
            if got is not None:
                lists[metric] = frozenset(status_key(s) for s in got)
                if got and where not in sources:
                    sources.append(where)
                break
        else:
            lists[metric] = frozenset()
    resolved = ag.resolved_statuses
    if resolved is None and policy is not None:
        resolved = policy.resolved_statuses
    keys = frozenset(status_key(s) for s in (DEFAULT_RESOLVED if resolved is None else resolved))
    fr_reopened = ag.exclude_resolved_from_first_response
    if fr_reopened is None and policy is not None:
        fr_reopened = policy.exclude_resolved_from_first_response
    return PauseTerms(lists["first_response"], lists["resolution"], keys, bool(fr_reopened)), tuple(sources)
