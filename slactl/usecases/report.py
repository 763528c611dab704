"""``slactl report``'s run: the tickets of the one reading (:mod:`slactl.usecases.tickets`)
built into the customer report, so its objective rows are ``score``'s summary rows for
the same selection (same tickets, pauses and figures)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from slactl.core.model import Workspace
from slactl.core.period import Period
from slactl.core.report import Report
from slactl.usecases.tickets import TicketRun


@dataclass(slots=True)
class ReportRun:
    """A built report and what to say about it."""

    report: Report
    warnings: list[str] = field(default_factory=list)


def build(ws: Workspace, run: TicketRun, *, trend: int | None = None) -> ReportRun:
    """The report of ``run.period`` (default: the last complete month before ``run.as_of``)."""
    from slactl.core.period import last_complete_month
    from slactl.core.report import build_report
    from slactl.core.selection import Selection
    from slactl.usecases.tickets import check_customer_seen, service_notice

    period: Period = run.period or last_complete_month(datetime.fromtimestamp(run.as_of, timezone.utc).date())
    opts = run.options
    selection = Selection(opts.customer, opts.agreement, opts.service)
    source = run.source

    def one_pass(items):  # type: ignore[no-untyped-def]
        if run.filter is not None:
            run.filter.seen_customer = 0
        return build_report(ws, _counting(items, run), as_of=run.as_of, period=period, selection=selection,
                            exclusions=run.exclusions, trend=trend, has_first_response=source.has_first_response,
                            has_resolution=source.has_resolution, changes=run.changes,
                            history=run.paused_by_history, stages=_overran(ws, run))

    report = run.passes(one_pass)
    check_customer_seen(ws, run)
    done = ReportRun(report)
    took = sorted({s.agreement.name for c in report.customers for s in c.sections})
    notice = service_notice(ws, source, took)
    if notice:
        done.warnings.append(notice)
    return done


def _overran(ws: Workspace, run: TicketRun) -> Any:
    """``stages(row, result)`` for the report: the ticket's OLA stages that breached (None
    without OLAs), from the group rows the history found with its status changes."""
    if not ws.olas:
        return None
    from slactl.core.behind import BehindScorer
    from slactl.core.pauses import Change
    from slactl.core.totals import BREACHED

    behind = BehindScorer(ws, run.as_of)

    def stages(row: Any, result: Any) -> tuple[Any, ...]:
        events = run.history.extras if run.history is not None else None
        segs = result.pauses.segments if result.pauses is not None else []
        changes = [Change(seg.start, seg.status, segs[0].status if i == 0 else None) for i, seg in enumerate(segs[1:])]
        b = behind.ticket(row, result.match, changes or None, events, result.reopens)
        return tuple(s for s in b.stages or () if s.resolution.status == BREACHED)
    return stages


def _counting(items, run: TicketRun):  # type: ignore[no-untyped-def]
    """``items``, counting the tickets of a ``--customer`` the workspace may not name."""
    f = run.filter
    if f is None or f.wanted is None:
        yield from items
        return
    resolve, wanted = f.customers.resolve, f.wanted
    for item in items:
        customer = getattr(item, "customer", None)
        if customer is not None:
            ref = resolve(customer)
            if ref.key == wanted:
                f.seen_customer += 1
            elif len(f.spellings) < 1000:
                f.spellings.add(ref.name)
        yield item


def add_availability(ws: Workspace, report: Report, path: str, as_of: float, tz: str,
                     encoding: str | None) -> list[str]:
    """``report --outages``: each section gains its availability and credits tables; returns the warnings."""
    from slactl.core.report_availability import availability_extras
    from slactl.usecases.availability import read_outages

    read = read_outages(ws, path, tz=tz, encoding=encoding)
    warnings = []
    if read.rejected:
        first = read.rejected[0]
        warnings.append(f"{len(read.rejected)} row(s) of {path} rejected (first: row {first.row}: {first.reason}); "
                        "'slactl availability --format json' lists them all")
    availability_extras(ws, [s for c in report.customers for s in c.sections], read.outages, report.period, as_of)
    return warnings


def below_target(data: dict[str, Any], threshold: float | str) -> tuple[list[str], bool]:
    """``report --fail-under``: one line in words per objective below (its own target, or the
    percentage), as ``score`` words them; and whether anything was judged."""
    from slactl.usecases.score import below_line

    judged = [(s, o) for s in data["sections"] for o in s["objectives"] if o["compliance_pct"] is not None]
    lines = []
    for s, o in judged:
        goal = o["target_pct"] if threshold == "target" else threshold
        if isinstance(goal, (int, float)) and o["compliance_pct"] < goal:
            what = f"agreement {s['agreement']}, customer {s['customer']['name']}, priority {o['priority']}"
            lines.append(below_line(what, o["metric"], o["compliance_pct"], o["met"], o["breached"], goal,
                                    threshold == "target"))
    return lines, bool(judged)
