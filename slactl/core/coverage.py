"""When an agreement covers tickets, and in which time zone it reads its dates (README,
"The file format"). Pure; instants are UTC epoch seconds. Validation checks overlaps with
this alone, without the matcher."""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from slactl.core.model import Agreement, Workspace
from slactl.core.period import midnight
from slactl.core.renewal import rolls


def agreement_zone(ws: Workspace, ag: Agreement) -> str:
    """The agreement's time zone: its calendar's, else its policy's, UTC for 24x7 (README, "The file format")."""
    name = ag.calendar
    if name is None and ag.policy in ws.policies:
        name = ws.policies[ag.policy].calendar  # type: ignore[index]
    return ws.calendar(name).timezone if name is None or name in ws.calendars or name == "24x7" else "UTC"


def coverage(ws: Workspace, ag: Agreement) -> tuple[float, float] | None:
    """The instants an agreement covers: auto from start 00:00 to the end of ``end`` in its
    zone; a manual ``active`` or an auto-renewing one (without a signed successor) from start on;
    planned, suspended, terminated nothing."""
    if ag.status not in ("auto", "active"):
        return None
    tz = ZoneInfo(agreement_zone(ws, ag))
    begin = midnight(ag.start, tz)
    if ag.status == "active" or ag.end >= date.max or rolls(ws, ag):  # 9999-12-31 has no next day to end at
        return begin, float("inf")
    return begin, midnight(ag.end + timedelta(days=1), tz)
