"""Reporters for ``slactl explain``: the breach receipt as a page of text, or as JSON.

The text is meant to be shown to a customer: instants in the agreement's time zone
with the weekday, durations in words ("1 h 25 min"), every stretch of time listed
with whether it counted and why.
"""
from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import IO

from slactl.core.model import WEEKDAYS, Calendar
from slactl.core.pauses import Segment, status_at
from slactl.core.receipt import CLOSED, COUNTED, DAYS, MetricReceipt, Piece, human, verdict
from slactl.core.scoring import iso
from slactl.usecases.explain import Explained
from slactl.sanitize import terminal_text

FOLD_OVER = 40  # pieces; a longer receipt folds runs of plain open/closed hours in the text
TITLES = {"first_response": "First response", "resolution": "Resolution"}


def when(t: float | None, zone: tzinfo, year: int | None = None) -> str:
    """'Mon 2 Nov 10:15' (the year when it is not ``year``; seconds when there are any)."""
    if t is None:
        return "-"
    d = datetime.fromtimestamp(round(t), zone)
    clock = f"{d:%H:%M:%S}" if d.second else f"{d:%H:%M}"
    y = f" {d.year}" if d.year != year else ""
    return f"{DAYS[d.weekday()]} {d.day} {d:%b}{y} {clock}"


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def calendar_words(cal: Calendar) -> str:
    """'msk-business (Europe/Moscow): Mon–Thu 09:00–13:00, 14:00–18:00 · Fri ... · Sat–Sun closed'."""
    if cal.is_24x7:
        return "24x7: every hour of every day counts"
    groups: list[tuple[str, str, str]] = []  # (first day, last day, hours)
    for i, spans in enumerate(cal.hours):
        text = ", ".join(f"{_hhmm(a)}–{_hhmm(b)}" for a, b in spans) or "closed"
        day = WEEKDAYS[i].capitalize()
        if groups and groups[-1][2] == text:
            groups[-1] = (groups[-1][0], day, text)
        else:
            groups.append((day, day, text))
    week = " · ".join(f"{a}{'–' + b if b != a else ''} {text}" for a, b, text in groups)
    extra = []
    if cal.holiday_country:
        extra.append(f"public holidays of {cal.holiday_country}"
                     + (f"-{cal.holiday_subdivision}" if cal.holiday_subdivision else ""))
    if cal.holiday_dates:
        extra.append(f"{len(cal.holiday_dates)} extra closed date(s)")
    if cal.workdays:
        extra.append(f"{len(cal.workdays)} extra working date(s)")
    return f"{cal.name} ({cal.timezone}): {week}" + ("; " + ", ".join(extra) if extra else "")


def write_text(out: IO[str], e: Explained) -> None:
    r = e.receipt
    res = r.result
    row, match = res.ticket, res.match
    z, year = r.zone, datetime.fromtimestamp(r.as_of, r.zone).year
    w = lambda line="": out.write(terminal_text(line) + "\n")  # noqa: E731 - one local writer
    w(f"Ticket {row.id} · explained as of {when(r.as_of, z)} ({getattr(z, 'key', z)})")
    w()
    if match.terms is None or match.agreement is None:
        why = {"uncovered": "no agreement covers this customer and service at the ticket's creation",
               "ambiguous": f"several agreements tie: {', '.join(match.candidates)}",
               "no_rule": f"agreement '{match.agreement.name if match.agreement else ''}' has no rule for "
                          f"priority '{match.priority}'"}.get(match.kind, match.kind)
        w(f"  Not judged: {why}.")
        w(f"  Customer '{row.customer}', service '{row.service}', priority '{row.priority}', "
          f"created {when(row.created, z, year)}.")
        if e.behind is not None:
            from slactl.reporters.behind_text import behind_lines

            for line in behind_lines(e.behind, lambda t: when(t, z, year)):
                w(line)
        return
    terms, ag = match.terms, match.agreement
    amended = f" as amended from {ag.version.isoformat()}" if ag.version is not None else ""
    w(f"  Agreement   {ag.name}{amended} · customer {ag.customer.name or ag.customer.id} · priority {match.priority}"
      f" (rule of {r.rule_home})")
    w(f"  Clock       {calendar_words(terms.clock.calendar)}")
    w(f"  Created     {when(row.created, z, year)}")
    w(f"  Status      {row.status or '-'} (in the export)")
    if e.history is None:
        w("  History     none: the clocks ran without pauses")
    else:
        n = max(len(r.segments) - 1, 0)
        reopens = f", {res.reopens} reopen{'s' if res.reopens != 1 else ''}" if res.reopens else ""
        w(f"  History     {n} status change{'s' if n != 1 else ''} from {e.history}{reopens}")
        for seg in r.segments:
            label = seg.status or "(unknown until the first change: pauses nothing)"
            w(f"              {when(seg.start, z, year):<22} {label}")
        for x in e.history_rejected:
            w(f"              history row {x.row} not used: {x.reason}")
    if e.history is not None:
        w(f"  Resolved    statuses meaning resolved: {', '.join(sorted(terms.pauses.resolved))}")
    for note in e.notes:
        w(f"  Note        {note}")
    now = status_at(r.segments, r.as_of) if r.segments else None
    for m in r.metrics:
        w()
        _metric_text(w, m, z, year, now)
    if e.behind is not None:
        from slactl.reporters.behind_text import behind_lines

        for line in behind_lines(e.behind, lambda t: when(t, z, year)):
            w(line)


def _metric_text(w, m: MetricReceipt, z: tzinfo, year: int, now: Segment | None) -> None:  # type: ignore[no-untyped-def]
    res = m.result
    w(f"{TITLES[m.metric]}: {verdict(res)}")
    if res is None or m.stop is None:
        return
    w(f"  Stops at    {when(m.stop, z, year)}: {m.stop_reason}")
    if res.target is not None:
        due = when(res.due, z, year) if res.due is not None else \
            "none while the clock is paused" if res.paused else "never within the calendar's horizon"
        w(f"  Due         {due}")
    w(f"  Pauses on   {', '.join(m.pause_statuses) if m.pause_statuses else 'nothing: this clock never pauses'}")
    if res.paused and now is not None:
        w(f"  Paused      since {when(now.start, z, year)}: status '{now.status}'")
    if not m.pieces:
        return
    rows = _fold(m.pieces, z, year)
    head = ("from", "to", "counted", "not counted")
    widths = [max([len(head[i])] + [len(r[i]) for r in rows]) for i in range(4)]
    w()
    w("  " + "  ".join(h.ljust(widths[i]) for i, h in enumerate(head)) + "  why")
    for cells in rows:
        w("  " + "  ".join(c.ljust(widths[i]) if i < 2 else c.rjust(widths[i]) for i, c in enumerate(cells[:4]))
          + "  " + cells[4])
    counted = sum(p.seconds for p in m.pieces if p.kind == COUNTED)
    removed = sum(p.seconds for p in m.pieces if p.kind not in (COUNTED, CLOSED))
    closed = sum(p.seconds for p in m.pieces if p.kind == CLOSED)
    w()
    paused = f" · {human(removed)} of open time not counted (status history)" if removed else ""
    w(f"  Total       {human(counted)} counted{paused} · {human(closed, days=True)} closed")


def _fold(pieces: list[Piece], z: tzinfo, year: int) -> list[tuple[str, str, str, str, str]]:
    """Table rows; in a long receipt, runs of plain open and closed hours become one line."""
    def cells(p: Piece) -> tuple[str, str, str, str, str]:
        counted = human(p.seconds) if p.kind == COUNTED else ""
        return (when(p.start, z, year), when(p.end, z, year), counted,
                "" if p.kind == COUNTED else human(p.seconds, days=p.kind == CLOSED),
                p.why if p.kind != CLOSED else f"closed: {p.why}")
    if len(pieces) <= FOLD_OVER:
        return [cells(p) for p in pieces]
    keep = {i for i in range(len(pieces)) if i < 10 or i >= len(pieces) - 10 or pieces[i].kind not in (COUNTED, CLOSED)}
    out: list[tuple[str, str, str, str, str]] = []
    run: list[Piece] = []
    for i, p in enumerate(pieces):
        if i in keep:
            if run:
                out.append(_folded(run, z, year))
                run = []
            out.append(cells(p))
        else:
            run.append(p)
    if run:
        out.append(_folded(run, z, year))
    return out


def _folded(run: list[Piece], z: tzinfo, year: int) -> tuple[str, str, str, str, str]:
    counted = sum(p.seconds for p in run if p.kind == COUNTED)
    closed = sum(p.seconds for p in run if p.kind == CLOSED)
    return (when(run[0].start, z, year), when(run[-1].end, z, year), human(counted), human(closed, days=True),
            f"{len(run)} stretches of open and closed hours (--format json lists each)")


def as_json(e: Explained) -> dict[str, object]:
    r = e.receipt
    res = r.result
    row, match = res.ticket, res.match
    z = r.zone
    out: dict[str, object] = {
        "ticket": row.id, "as_of": iso(r.as_of, z), "timezone": getattr(z, "key", str(z)), "match": match.kind,
        "agreement": match.agreement.name if match.agreement else None,
        "agreement_version": match.agreement.version.isoformat()
        if match.agreement is not None and match.agreement.version is not None else None,
        "priority": match.priority,
        "rule_of": r.rule_home or None,
        "calendar": match.terms.clock.calendar.name if match.terms else None,
        "created_at": iso(row.created, z), "status": row.status, "history_source": e.history,
        "history": [{"from": iso(s.start, z), "status": s.status or None} for s in r.segments],
        "history_rejected": [{"row": x.row, "reason": x.reason} for x in e.history_rejected],
        "reopens": res.reopens, "notes": e.notes, "metrics": {},
    }
    if e.behind is not None:
        out.update(e.behind.as_dict(lambda t: iso(t, z)))
    for m in r.metrics:
        mr = m.result
        out["metrics"][m.metric] = {  # type: ignore[index]
            "verdict": verdict(mr),
            **(mr.as_dict(z) if mr is not None else {}),
            "stop_at": iso(m.stop, z), "stop_reason": m.stop_reason, "pauses_on": list(m.pause_statuses),
            "intervals": [{"start": iso(p.start, z), "end": iso(p.end, z), "kind": p.kind,
                           "minutes": round(p.seconds / 60, 4), "why": p.why} for p in m.pieces],
        }
    return out


def write_json(out: IO[str], e: Explained) -> None:
    out.write(json.dumps(as_json(e), ensure_ascii=False, indent=1) + "\n")
