"""Status history and the pauses of an SLA clock (README "Pauses and status history").

Pure: a ticket's status changes in; its status timeline, the intervals each
metric does not count, the reopens, the paused elapsed time and the due
instant out. Instants are UTC epoch seconds, durations open seconds of the
rule's clock (anything with ``open_seconds`` and ``due``, see
``slactl.clock.BusinessClock``).

The rules, as the README states them:

* The timeline starts at ``created_at`` with the ``from`` of the earliest
  change (a status that pauses nothing when unknown) and takes each change's
  ``to`` at its instant, in time order (ties: the order given). A change
  before the creation sets the status at the creation.
* A metric does not count the intervals spent in a status of its pause list.
  ``resolution`` does not count either the intervals spent in a resolved
  status that a later change to a non-resolved status (a reopen) follows.
* Status names compare trimmed and case-insensitively (``status_key``).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import NamedTuple, Protocol

__all__ = [
    "Change", "Segment", "Removed", "PauseTerms", "NO_PAUSES", "DEFAULT_RESOLVED", "status_key",
    "timeline", "removed_intervals", "reopens", "status_at", "measure", "due", "paused_seconds",
    "MetricPauses", "TicketPauses", "ticket_pauses", "from_snapshots",
]

INF = float("inf")
PAUSED = "paused"
REOPENED = "resolved, then reopened"
DEFAULT_RESOLVED = ("resolved", "solved", "closed", "done", "cancelled")


class Clock(Protocol):
    def open_seconds(self, start: float, end: float) -> float: ...

    def due(self, start: float, seconds: float) -> float | None: ...


def status_key(name: str) -> str:
    """How status names compare: trimmed, case-insensitive."""
    key = _KEYS.get(name)
    if key is None:
        key = name.strip().casefold()
        if len(_KEYS) < 10_000:  # a history repeats a few status names millions of times
            _KEYS[name] = key
    return key


_KEYS: dict[str, str] = {}


class Change(NamedTuple):
    """One status change: at ``at`` the status became ``to`` (``before``: the ``from``, if recorded)."""

    at: float
    to: str
    before: str | None = None


class Segment(NamedTuple):
    """The ticket was in ``status`` from ``start`` to ``end`` (``inf``: still is)."""

    start: float
    end: float
    status: str  # as written
    key: str  # status_key(status)


class Removed(NamedTuple):
    """An interval a metric does not count, and why (``PAUSED`` or ``REOPENED``)."""

    start: float
    end: float
    status: str
    reason: str


class PauseTerms(NamedTuple):
    """What pauses each metric of one rule (keys already ``status_key``-ed)."""

    first_response: frozenset[str] = frozenset()
    resolution: frozenset[str] = frozenset()
    resolved: frozenset[str] = frozenset(DEFAULT_RESOLVED)
    first_response_reopened: bool = False  # first response drops resolved-then-reopened time too

    def pauses(self, metric: str) -> frozenset[str]:
        return self.first_response if metric == "first_response" else self.resolution

    @property
    def any(self) -> bool:
        return bool(self.first_response or self.resolution)


NO_PAUSES = PauseTerms()
_AT = itemgetter(0)  # Change.at
_NEW = tuple.__new__  # tuple.__new__(Segment, (...)): the named tuple without its Python-level __new__


def from_snapshots(snapshots: Iterable[tuple[float | None, str]]) -> list[Change]:
    """An event log's (time, status) snapshots as status changes: each snapshot's status holds
    from its time on; before the first one the status pauses nothing. Snapshots without a
    time cannot be placed and give nothing."""
    return [Change(at, status) for at, status in snapshots if at is not None]


def timeline(created: float, changes: Iterable[Change]) -> list[Segment]:
    """The status segments from ``created`` on; the last one never ends."""
    ordered = sorted(changes, key=_AT)  # stable: ties keep the order given
    first = ordered[0].before if ordered else None
    status = first.strip() if first and first.strip() else ""
    segments: list[Segment] = []
    add, new, key = segments.append, _NEW, status_key
    start = created
    for at, to, _ in ordered:
        if at < created:
            at = created
        add(new(Segment, (start, at, status, key(status))))
        start, status = at, to.strip()
    add(new(Segment, (start, INF, status, key(status))))
    return segments


def removed_intervals(segments: Sequence[Segment], pause: frozenset[str],
                      resolved: frozenset[str] | None = None) -> list[Removed]:
    """The intervals a metric does not count, in time order (empty ones left out).

    ``resolved``: the resolved statuses when the metric drops resolved-then-reopened
    time (``resolution``; ``first_response`` under ``exclude_resolved_from_first_response``);
    None for a metric that does not.
    """
    last_open = -1
    if resolved is not None:
        for i in range(len(segments) - 1, -1, -1):
            if segments[i].key not in resolved:
                last_open = i
                break
    out: list[Removed] = []
    for i, seg in enumerate(segments):
        if seg.end <= seg.start:
            continue
        if seg.key in pause:
            out.append(_NEW(Removed, (seg.start, seg.end, seg.status, PAUSED)))
        elif i < last_open and seg.key in resolved:  # type: ignore[operator]  # last_open >= 0 needs resolved
            out.append(_NEW(Removed, (seg.start, seg.end, seg.status, REOPENED)))
    return out


def reopens(segments: Sequence[Segment], resolved: frozenset[str]) -> int:
    """Changes from a resolved status to one that is not."""
    n = 0
    was = False
    for seg in segments:
        now = seg.key in resolved
        if was and not now:
            n += 1
        was = now
    return n


def status_at(segments: Sequence[Segment], t: float) -> Segment:
    """The segment in force at ``t`` (the first one before ``created``)."""
    found = segments[0]
    for seg in segments:
        if seg.start > t:
            break
        found = seg
    return found


def paused_seconds(clock: Clock, created: float, stop: float, removed: Sequence[Removed]) -> float:
    """Open seconds of ``removed`` between ``created`` and ``stop``."""
    paused = 0.0
    for r in removed:
        if r.start >= stop:
            break
        a = r.start if r.start > created else created
        b = r.end if r.end < stop else stop
        if b > a:
            paused += clock.open_seconds(a, b)
    return paused


def measure(clock: Clock, created: float, stop: float, removed: Sequence[Removed]) -> tuple[float, float]:
    """(elapsed, paused) open seconds between ``created`` and ``stop``: elapsed excludes ``removed``."""
    if stop <= created:
        return 0.0, 0.0
    paused = paused_seconds(clock, created, stop, removed)
    elapsed = clock.open_seconds(created, stop) - paused
    return (elapsed if elapsed > 0.0 else 0.0), paused


class MetricPauses(NamedTuple):
    removed: list[Removed]  # the whole known timeline, for the due time and ``explain``
    paused: float  # open seconds removed up to the metric's stop
    paused_now: bool  # the status at ``as_of`` is in the metric's pause list


_NOTHING = MetricPauses([], 0.0, False)  # shared: nobody appends to its list


class TicketPauses(NamedTuple):
    segments: list[Segment]
    reopens: int
    first_response: MetricPauses
    resolution: MetricPauses


def ticket_pauses(clock: Clock, terms: PauseTerms, created: float, changes: Iterable[Change],
                  fr_stop: float | None, res_stop: float | None, as_of: float) -> TicketPauses:
    """Everything the status history changes for one ticket; a stop of None means ``as_of``."""
    segments = timeline(created, changes)
    now = status_at(segments, as_of).key
    out = []
    fr_reopened = terms.first_response_reopened
    for metric, stop in (("first_response", fr_stop), ("resolution", res_stop)):
        pause = terms.first_response if metric == "first_response" else terms.resolution
        if not pause and not fr_reopened and metric == "first_response":  # nothing to remove: the common case
            out.append(_NOTHING)
            continue
        # resolved, then reopened: resolution never counts that time; first response only when
        # exclude_resolved_from_first_response is set (the whole timeline is read, so a reopen
        # after --as-of is treated as one before it)
        removed = removed_intervals(segments, pause, terms.resolved if metric == "resolution" or fr_reopened
                                    else None)
        end = as_of if stop is None else stop
        out.append(_NEW(MetricPauses, (removed, paused_seconds(clock, created, end, removed) if end > created
                                       else 0.0, now in pause)))
    return _NEW(TicketPauses, (segments, reopens(segments, terms.resolved), out[0], out[1]))


def due(clock: Clock, created: float, target: float, removed: Sequence[Removed]) -> float | None:
    """The earliest instant at which the counted open time since ``created`` reaches ``target``,
    the status staying as it last changed to; None when it never does (paused for good, or the
    calendar does not open enough)."""
    if target <= 0:
        return created
    counted = 0.0
    cursor = created
    for r in removed:
        if r.end <= cursor:
            continue
        a = r.start if r.start > cursor else cursor
        free = clock.open_seconds(cursor, a)
        if counted + free >= target:
            return clock.due(cursor, target - counted)
        counted += free
        if r.end == INF:
            return None
        cursor = r.end
    return clock.due(cursor, target - counted)
