"""Reporters for ``slactl alert``: the new items as text or JSON, and what was mailed."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import IO

from slactl.core.alerts import BREACHED, STATE_WORDS, AlertRun, line
from slactl.sanitize import terminal_text


def report_json(out: IO[str], run: AlertRun, as_of: float, *, fallback: str | None, mode: str) -> None:
    data = {
        "as_of": datetime.fromtimestamp(as_of, timezone.utc).isoformat(),
        "mode": mode,
        "new": [i.as_dict(i.manager or fallback) for i in run.new],
        "sent": [{"to": to, "items": len(group)} for to, group in run.sent],
        "failed": [{"to": to, "items": len(group), "reason": why} for to, group, why in run.failed],
        "unaddressed": [i.as_dict() for i in run.unaddressed],
    }
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def report_text(out: IO[str], run: AlertRun, as_of: float, *, fallback: str | None, mode: str,
                terminal: bool = False) -> None:
    """Nothing at all when nothing is new and nobody is watching (a cron job mails only news)."""
    day = datetime.fromtimestamp(as_of, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if not run.new:
        if terminal:
            out.write(f"Nothing new at risk or breached as of {day}.\n")
        return
    if mode == "baseline":
        out.write(f"Recorded {len(run.new)} item(s) at risk or breached as of {day} as already reported; "
                  "nothing was mailed.\n")
        return
    if mode == "dry-run-mail":
        out.write(run.dry_run_text)
        return
    breached = sum(1 for i in run.new if i.state == BREACHED)
    out.write(f"New as of {day}: {breached} breached, {len(run.new) - breached} at risk\n")
    for state in (BREACHED, "at_risk"):
        for item in (i for i in run.new if i.state == state):
            out.write(terminal_text(f"  {STATE_WORDS[state]}: {line(item)}") + "\n")
    for to, group in run.sent:
        out.write(terminal_text(f"Mailed {len(group)} item(s) to {to}") + "\n")
