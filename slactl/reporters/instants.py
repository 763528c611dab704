"""ISO 8601 text of epoch seconds in a zone, fast enough for one line per ticket.

``datetime.fromtimestamp(...).isoformat()`` costs about 1.5 µs; a report prints
three timestamps per ticket, most of them in hours it has printed before. The
formatter caches the text of each whole hour whose offset does not change
inside it and adds minutes and seconds to it. Output is byte-identical to
``datetime.fromtimestamp(round(epoch), zone).isoformat()`` for whole seconds; an
instant with a fraction of a second (epoch milliseconds, ISO fractions) keeps its
milliseconds (``2026-02-27T09:00:30.250+00:00``).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo

_MMSS = [f":{m:02d}:{s:02d}" for m in range(60) for s in range(60)]


def iso_formatter(zone: tzinfo | None) -> Callable[[float | None], str | None]:
    """A function: epoch seconds (or None) -> ISO 8601 with offset in ``zone`` (or None)."""
    tz = zone or timezone.utc
    hours: dict[int, tuple[str, str] | None] = {}
    fromts = datetime.fromtimestamp

    def fmt(epoch: float | None) -> str | None:
        if epoch is None:
            return None
        e = int(epoch)  # cheaper than round(); a fraction takes the branch below either way
        if e != epoch:  # a fraction of a second: keep the milliseconds
            ms = round(epoch * 1000)
            if ms % 1000:
                return fromts(ms // 1000, tz).replace(microsecond=ms % 1000 * 1000).isoformat(
                    timespec="milliseconds")
            e = ms // 1000
        h = e - e % 3600
        try:
            parts = hours[h]
        except KeyError:
            a, b = fromts(h, tz), fromts(h + 3599, tz)
            parts = None
            if a.utcoffset() == b.utcoffset() and a.minute == 0 and a.second == 0:
                text = a.isoformat()  # YYYY-MM-DDTHH:00:00+HH:MM
                parts = (text[:13], text[19:])
            if len(hours) > 100_000:
                hours.clear()
            hours[h] = parts
        if parts is None:  # the offset changes inside this hour, or a zone offset with seconds
            return fromts(e, tz).isoformat()
        return parts[0] + _MMSS[e - h] + parts[1]

    return fmt
