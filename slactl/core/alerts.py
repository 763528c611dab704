"""Which SLA metrics are at risk or breached, and which of those are news (README "Breach alerts").

Pure: the per-ticket results come from the scorer, the keys already reported from
the state file, ``as_of`` from the caller. A metric is *at risk* when it is pending
and has used at least ``alert_at`` percent of its target (the rule's, else the
agreement's, else the policy's, else 75), *breached* when the scorer says so. Each
ticket x metric x state is reported once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from slactl.core.model import Agreement, Rule, Workspace
from slactl.core.scoring import TicketResult

AT_RISK, BREACHED = "at_risk", "breached"
DEFAULT_ALERT_AT = 75.0
METRIC_WORDS = {"first_response": "first response", "resolution": "resolution"}
STATE_WORDS = {AT_RISK: "at risk", BREACHED: "breached"}


@dataclass(frozen=True, slots=True)
class AlertItem:
    ticket: str
    agreement: str
    customer: str
    priority: str
    metric: str  # first_response | resolution
    state: str  # at_risk | breached
    elapsed: float  # open seconds on the rule's clock
    target: float
    due: float | None  # epoch seconds
    zone: str  # the rule's clock's time zone, for showing the due time
    manager: str | None  # the agreement manager's e-mail

    @property
    def key(self) -> str:
        return state_key(self.ticket, self.metric, self.state)

    def as_dict(self, recipient: str | None = None) -> dict[str, object]:
        """One ``new`` item of the alert JSON."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        due = None if self.due is None else datetime.fromtimestamp(round(self.due), ZoneInfo(self.zone)).isoformat()
        return {"ticket": self.ticket, "agreement": self.agreement, "manager": recipient or self.manager,
                "metric": self.metric, "state": self.state, "elapsed_minutes": round(self.elapsed / 60, 2),
                "target_minutes": round(self.target / 60, 2), "due_at": due, "customer": self.customer,
                "priority": self.priority}


def state_key(ticket: str, metric: str, state: str) -> str:
    """The state file's key of one reported ticket x metric x state."""
    return f"{metric}:{state}:{ticket}"


def key_ticket(key: str) -> str:
    return key.split(":", 2)[2] if key.count(":") >= 2 else key


def alert_at(ws: Workspace, ag: Agreement, rule: Rule) -> float:
    """The at-risk threshold in percent: the rule's, else the agreement's, else the policy's, else 75."""
    if rule.alert_at is not None:
        return rule.alert_at
    if ag.alert_at is not None:
        return ag.alert_at
    policy = ws.policies.get(ag.policy or "")
    if policy is not None and policy.alert_at is not None:
        return policy.alert_at
    return DEFAULT_ALERT_AT


def current(ws: Workspace, results: Iterable[TicketResult]) -> list[AlertItem]:
    """Every metric at risk or breached now, from the scorer's per-ticket results, in input order."""
    out: list[AlertItem] = []
    shares: dict[tuple[str, str], float] = {}
    for r in results:
        terms = r.match.terms
        if terms is None:
            continue
        ag, rule = terms.agreement, terms.rule
        key = (ag.name, rule.priority)
        share = shares.get(key)
        if share is None:
            share = shares[key] = alert_at(ws, ag, rule) / 100
        for metric in ("first_response", "resolution"):
            m = r.first_response if metric == "first_response" else r.resolution
            if m is None or m.target is None or m.elapsed is None:
                continue
            if m.status == "breached":
                state = BREACHED
            elif m.status == "pending" and m.elapsed >= share * m.target:
                state = AT_RISK
            else:
                continue
            out.append(AlertItem(r.ticket.id, ag.name, r.ticket.customer, rule.priority, metric, state,
                                 m.elapsed, m.target, m.due, terms.clock.calendar.timezone,
                                 (ag.manager.email or "").strip() or None))
    return out


def news(items: Iterable[AlertItem], reported: Mapping[str, object] | frozenset[str]) -> list[AlertItem]:
    """The items not reported before, each key once."""
    seen = set(reported)
    out = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            out.append(item)
    return out


RETENTION_DAYS = 180
"""How long the record of a ticket absent from the export is kept after the last export that
showed the ticket (README "Breach alerts")."""


def prune(reported: Mapping[str, object], *, present: Iterable[str], resolved: Iterable[str],
          still: Iterable[str], cutoff: str, stamp: str) -> dict[str, object]:
    """The reported keys kept: a key goes only when the export shows its ticket resolved and it
    is not reported now (``still``: a resolved ticket still breached keeps its key), or when its
    ticket is absent from the export and was last seen before ``cutoff`` (an ISO UTC instant,
    :data:`RETENTION_DAYS` before now). A record whose ticket the export shows is stamped
    ``seen`` with ``stamp`` (now). Absence alone never drops a key: a failed pull is not news."""
    here, done, now = set(present), set(resolved), set(still)
    kept: dict[str, object] = {}
    for key, value in reported.items():
        ticket = key_ticket(key)
        if ticket in done and key not in now:
            continue
        if ticket in here:
            if isinstance(value, dict):
                value = {**value, "seen": stamp}
        elif _seen_before(value, cutoff):
            continue
        kept[key] = value
    return kept


def _seen_before(value: object, cutoff: str) -> bool:
    """True when the ticket of a record was last seen (``seen``, else recorded: ``at``) before
    ``cutoff``; unknown stamps are kept."""
    from datetime import datetime

    at = (value.get("seen") or value.get("at")) if isinstance(value, dict) else None
    if not isinstance(at, str):
        return False
    try:
        return datetime.fromisoformat(at) < datetime.fromisoformat(cutoff)
    except (ValueError, TypeError):
        return False


def drops_most(before: int, after: int) -> bool:
    """A pruning that drops more than half of a state of ten or more records (a suspicious export)."""
    return before >= 10 and (before - after) * 2 > before


def by_recipient(items: Iterable[AlertItem], fallback: str | None) -> tuple[dict[str, list[AlertItem]], list[AlertItem]]:
    """Items grouped by the address they go to (the agreement's manager, else ``fallback``),
    and the items nobody can be told about."""
    groups: dict[str, list[AlertItem]] = {}
    spelled: dict[str, str] = {}
    orphans = []
    for item in items:
        to = item.manager or fallback
        if not to:
            orphans.append(item)
            continue
        to = spelled.setdefault(to.casefold(), to)
        groups.setdefault(to, []).append(item)
    return groups, orphans


def human_duration(seconds: float) -> str:
    """``1 h 25 min``, ``40 h``, ``40 s``: open (business) time as a report or a mail writes it
    (:func:`slactl.core.figures.duration_text`: hours, never 24-hour days)."""
    from slactl.core.figures import duration_text

    s = int(round(abs(seconds)))
    if s < 60:
        return f"{s} s"
    return duration_text((s + 30) // 60)


def when(item: AlertItem) -> str:
    """Due time and time left or over, in words."""
    due = ""
    if item.due is not None:
        local = datetime.fromtimestamp(round(item.due), ZoneInfo(item.zone))
        due = f"due {local:%Y-%m-%d %H:%M} {local.tzname()}, "
    gap = item.target - item.elapsed
    rest = f"over by {human_duration(-gap)}" if item.state == BREACHED else f"{human_duration(gap)} left"
    return f"{due}{rest} (target {human_duration(item.target)}, used {human_duration(item.elapsed)})"


def line(item: AlertItem) -> str:
    """One item on one line, for the text output and the message."""
    who = f" ({item.customer})" if item.customer else ""
    return f"{item.ticket}{who}, {item.agreement} {item.priority}: {METRIC_WORDS[item.metric]} - {when(item)}"


@dataclass
class AlertRun:
    """What an alert run found and did: the typed result the alert reporters read."""

    new: list[AlertItem] = field(default_factory=list)
    sent: list[tuple[str, list[AlertItem]]] = field(default_factory=list)
    failed: list[tuple[str, list[AlertItem], str]] = field(default_factory=list)
    unaddressed: list[AlertItem] = field(default_factory=list)
    messages: list[tuple[str, Any]] = field(default_factory=list)  # dry run: (recipient, EmailMessage)
    dry_run_text: str = ""  # the dry run's messages as text (rendered by slactl.mail.alerts)
    state_error: str | None = None  # the state file could not be written after a delivery
    journaled: bool = True  # every delivered alert is at least in the journal

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unaddressed and self.state_error is None
