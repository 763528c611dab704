"""Typed model of a workspace: what the loader produces and every command consumes.

All objects are immutable. Durations are whole seconds; open hours are seconds
from local midnight (0..86400); dates are ``datetime.date``. Every object keeps
the ``Loc`` of the document it came from so findings can point at it.
"""
from __future__ import annotations

from slactl.core.records import field, record
from datetime import date

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BUILTIN_24X7 = "24x7"


@record
class Loc:
    """A position in a file; line and column are 1-based."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


Span = tuple[int, int]
"""Open interval of a day in local wall time: (start, end) seconds from midnight, end <= 86400."""


@record
class Calendar:
    name: str
    timezone: str
    # index 0 = Monday ... 6 = Sunday; each a sorted tuple of non-overlapping spans
    hours: tuple[tuple[Span, ...], ...] = ((),) * 7
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    holiday_dates: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    workday_hours: tuple[Span, ...] | None = None  # None: the Monday hours
    loc: Loc | None = None

    @property
    def is_24x7(self) -> bool:
        return self.name == BUILTIN_24X7


CALENDAR_24X7 = Calendar(name=BUILTIN_24X7, timezone="UTC", hours=(((0, 86400),),) * 7)


@record
class Pause:
    """Statuses that stop each metric's clock; None: not set at this level (the next level decides)."""

    first_response: tuple[str, ...] | None = None
    resolution: tuple[str, ...] | None = None

    def get(self, metric: str) -> tuple[str, ...] | None:
        return self.first_response if metric == "first_response" else self.resolution


NO_PAUSE = Pause()


@record
class Rule:
    priority: str
    aliases: tuple[str, ...] = ()
    first_response: int | None = None  # seconds of open time on the rule's clock
    resolution: int | None = None
    calendar: str | None = None
    pause: Pause = NO_PAUSE
    loc: Loc | None = None
    alert_at: float | None = None  # percent of the target that makes a pending metric "at risk"
    next_reply: int | None = None  # seconds: every customer message after the first is answered within
    update_every: int | None = None  # seconds: the longest gap between agent comments while open

    def names(self) -> tuple[str, ...]:
        """Every spelling that selects this rule, case-folded and trimmed."""
        return tuple(dict.fromkeys(n.strip().casefold() for n in (self.priority, *self.aliases)))


@record
class Objective:
    """An availability objective: ``target`` percent of each window, on ``calendar``'s open hours."""

    target: float
    services: tuple[str, ...] | None = None  # None: every service the agreement covers
    window: str = "month"  # month | quarter | week
    calendar: str | None = None  # None: 24x7
    maintenance: str = "excluded"  # excluded | counted
    partial_weight: float = 0.5


@record
class CallObjective:
    """Phone objectives of one or more call queues (README "Calls"); durations in seconds.

    ``None`` leaves a figure unjudged; ``short_abandon`` 0 counts every abandon."""

    queues: tuple[str, ...]
    answered_within: int | None = None  # the service level: calls answered within this ...
    service_level_target: float | None = None  # ... are at least this percent of offered calls
    abandonment_max: float | None = None  # percent of offered calls
    asa_max: int | None = None  # average speed of answer, seconds
    short_abandon: int = 0  # abandons that waited less than this are left out of every figure
    calendar: str | None = None  # None: 24x7, every call counts
    window: str = "month"  # month | quarter | week


@record
class CreditTier:
    """One condition -> credit: availability below a percent, or a metric's compliance below one."""

    credit: float
    availability_below: float | None = None
    metric: str | None = None  # first_response | resolution (compliance tiers)
    compliance_below: float | None = None


@record
class Credits:
    tiers: tuple[CreditTier, ...] = ()
    monthly_fee: float | None = None
    currency: str | None = None
    cap: float = 100.0


@record
class Policy:
    name: str
    rules: tuple[Rule, ...] = ()
    calendar: str | None = None
    compliance_target: float | None = None
    pause: Pause = NO_PAUSE
    resolved_statuses: tuple[str, ...] | None = None  # None: the default list
    availability: tuple[Objective, ...] | None = None  # None: not set
    credits: Credits | None = None
    loc: Loc | None = None
    alert_at: float | None = None


@record
class Service:
    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    loc: Loc | None = None


@record
class Customer:
    id: str
    name: str | None = None
    aliases: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()

    @property
    def is_wildcard(self) -> bool:
        return self.id == "*"

    def names(self) -> tuple[str, ...]:
        """id, name and aliases, case-folded and trimmed (how the export is matched)."""
        raw = (self.id, self.name or "", *self.aliases)
        return tuple(dict.fromkeys(n.strip().casefold() for n in raw if n and n.strip()))


@record
class Manager:
    name: str | None = None
    email: str | None = None


@record
class Hours:
    """Support hours an agreement includes (README "Support hours"); hours as numbers."""

    included: float | None = None  # per window; None: a pure bank
    per: str = "month"  # month | quarter
    rollover: bool = False
    bank: float | None = None  # prepaid hours for the whole period, drawn after included
    rounding: int = 0  # seconds each counted entry is rounded up to; 0: none
    billable_only: bool = True
    rate: float | None = None  # price per overage hour
    currency: str | None = None


Interval = tuple[int, str]
"""A calendar interval: (count, unit), unit one of day, week, month, year ("12 months" is (12, "month"))."""


@record
class RenewalTerms:
    """``spec.renewal``: whether the agreement renews by itself, for how long, and how early it
    must be cancelled (README "Lifecycle")."""

    auto: bool = False
    term: Interval | None = None  # None: as long as the agreement's own period
    notice: Interval | None = None  # None: no cancel-by date


@record
class AmendedRule:
    """A rule of an amendment: the keys it gives replace those of the rule in force."""

    rule: Rule
    given: tuple[str, ...] = ()  # the rule's keys written in the amendment


AMENDABLE = ("policy", "services", "compliance_target", "rules", "availability", "credits", "hours")


@record
class Amendment:
    """``spec.amendments[i]``: from ``effective`` (00:00 in the agreement's zone) the keys in
    ``given`` replace the agreement's own (``rules`` merge per priority)."""

    effective: date
    note: str = ""
    given: tuple[str, ...] = ()  # which of AMENDABLE the amendment sets
    policy: str | None = None
    services: tuple[str, ...] | None = None
    compliance_target: float | None = None
    rules: tuple[AmendedRule, ...] = ()
    availability: tuple[Objective, ...] | None = None
    credits: Credits | None = None
    hours: Hours | None = None
    loc: Loc | None = None


DEFAULT_COMPLIANCE_TARGET = 95.0
DEFAULT_NOTICE_DAYS = (30,)


@record
class Agreement:
    name: str
    customer: Customer
    start: date
    end: date
    manager: Manager = field(default_factory=Manager)
    status: str = "auto"
    services: tuple[str, ...] | None = None  # None: every service
    policy: str | None = None
    rules: tuple[Rule, ...] = ()
    calendar: str | None = None
    compliance_target: float | None = None
    notice_days: tuple[int, ...] = ()
    language: str | None = None  # of its reports and notices; None: English
    pause: Pause = NO_PAUSE
    resolved_statuses: tuple[str, ...] | None = None  # None: the policy's, else the default list
    availability: tuple[Objective, ...] | None = None  # None: the policy's
    credits: Credits | None = None  # None: the policy's
    loc: Loc | None = None
    hours: Hours | None = None
    alert_at: float | None = None
    renewal: RenewalTerms | None = None
    amendments: tuple[Amendment, ...] = ()
    version: date | None = None  # a version built from an amendment: its effective date (None: as written)
    calls: tuple[CallObjective, ...] = ()

    @property
    def effective_notice_days(self) -> tuple[int, ...]:
        return self.notice_days or DEFAULT_NOTICE_DAYS


@record
class Team:
    """The team an OLA binds: its name and the spellings of the export's group column."""

    name: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Name and aliases, trimmed and case-folded (how group values are matched)."""
        return tuple(dict.fromkeys(n.strip().casefold() for n in (self.name, *self.aliases) if n.strip()))


@record
class OLA:
    """An operational level agreement: what one internal team promises per priority.

    Its rules are ``Rule`` objects whose ``first_response`` is the team's response target;
    ``pause.first_response`` pauses the response, ``pause.resolution`` the resolution stage."""

    name: str
    team: Team
    supports: tuple[str, ...] | None = None  # agreement names; None: every ticket
    policy: str | None = None
    rules: tuple[Rule, ...] = ()
    calendar: str | None = None
    start: date | None = None
    end: date | None = None
    pause: Pause = NO_PAUSE
    compliance_target: float | None = None
    loc: Loc | None = None


@record
class Workspace:
    """Everything that loaded cleanly enough to be used, by kind and name."""

    root: str
    calendars: dict[str, Calendar]
    policies: dict[str, Policy]
    services: dict[str, Service]
    agreements: dict[str, Agreement]
    files: tuple[str, ...] = ()
    olas: dict[str, OLA] = field(default_factory=dict)

    def calendar(self, name: str | None) -> Calendar:
        """The named calendar, the built-in 24x7 for None or '24x7'."""
        if name is None or name == BUILTIN_24X7:
            return CALENDAR_24X7
        return self.calendars[name]
