"""The one "now" of a command: ``--as-of`` parsed once (README "Commands", ``--as-of``).

Pure: the caller reads the clock once and passes it in; nothing here reads the
clock or the disk. An :class:`AsOf` is a calendar date, an instant with an
offset, a naive wall time (read in a zone given later) or, without
``--as-of``, the caller's clock reading. Lifecycle commands ask it for a
:meth:`AsOf.day`, scoring commands for an :meth:`AsOf.instant` in the export's zone.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from slactl.core.years import outside
from slactl.errors import InputError

__all__ = ["AsOf", "EXAMPLE"]

EXAMPLE = "2026-11-22, 2026-11-22T12:00:00Z or 2026-11-22T15:00:00+03:00"

# YYYY-MM-DD, then optionally [T ]HH:MM[:SS[.fraction]] and Z or an offset (+HH:MM, +HHMM, +HH)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})"
                  r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
                  r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?")


def _no_hint(name: str) -> str:
    return ""


@dataclass(frozen=True)
class AsOf:
    """``value``: what ``--as-of`` said (a ``date``, a naive or an aware ``datetime``), or
    ``now`` when it was not given; ``now``: the caller's one clock reading (aware);
    ``text``: ``--as-of`` as written (None when not given)."""

    value: date | datetime
    now: datetime
    text: str | None = None
    zone_hint: Callable[[str], str] = field(default=_no_hint, compare=False, repr=False)

    @classmethod
    def parse(cls, text: str | None, now: datetime, *,
              zone_hint: Callable[[str], str] = _no_hint) -> AsOf:
        """``--as-of`` as written (None: ``now``). Strict ISO 8601; anything else is an InputError.

        ``zone_hint(name)`` completes the "unknown time zone" message (a "did you mean").
        """
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("AsOf.parse needs an aware 'now'")
        if text is None:
            return cls(now, now, None, zone_hint)
        return cls(_parse(text), now, text, zone_hint)

    def instant(self, zone: str) -> float:
        """UTC epoch seconds: a date is its midnight in ``zone``, a naive time is read in
        ``zone`` (fold 0, as export timestamps are), an instant with an offset ignores ``zone``."""
        value = self.value
        if not isinstance(value, datetime):
            value = datetime.combine(value, time())
        if value.tzinfo is None:
            value = value.replace(tzinfo=self._zone(zone))
        try:
            return value.timestamp()
        except (OverflowError, ValueError):
            raise InputError(f"--as-of '{self.text}' is out of range in {zone}") from None

    def day(self, zone: str | None = None) -> date:
        """The calendar date: a date or a naive time as written; an instant with an offset
        as written, or its date in ``zone`` when one is given."""
        value = self.value
        if not isinstance(value, datetime):
            return value
        if zone is None or value.tzinfo is None:
            return value.date()
        try:
            return value.astimezone(self._zone(zone)).date()
        except (OverflowError, ValueError):
            raise InputError(f"--as-of '{self.text}' is out of range in {zone}") from None

    def _zone(self, name: str) -> tzinfo:
        from zoneinfo import ZoneInfo

        try:
            return ZoneInfo(name)
        except (ValueError, OSError, LookupError):  # ZoneInfoNotFoundError is a KeyError
            raise InputError(f"unknown time zone '{name}'{self.zone_hint(name)}") from None


def _parse(text: str) -> date | datetime:
    found = _ISO.fullmatch(text.strip())
    try:
        if found is None:
            raise ValueError(text)
        year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = found.groups()
        on = date(int(year), int(month), int(day))
    except ValueError:
        raise InputError(f"--as-of '{text}' is not an ISO 8601 date or time (e.g. {EXAMPLE})") from None
    why = outside(on)
    if why is not None:
        raise InputError(f"--as-of '{text}' is {why}")
    try:
        if hour is None:
            return on
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        at = time(int(hour), int(minute), int(second or 0), micro)
        offset: tzinfo | None = None
        if zulu:
            offset = timezone.utc
        elif sign:
            delta = timedelta(hours=int(off_h), minutes=int(off_m or 0))
            offset = timezone(-delta if sign == "-" else delta)  # ValueError past 24 hours
        return datetime.combine(on, at, offset)
    except ValueError:
        raise InputError(f"--as-of '{text}' is not an ISO 8601 date or time (e.g. {EXAMPLE})") from None
