"""The calls workflow: a call log in (Asterisk queue_log or call CSV), rows per agreement x
queue x window out. Kept apart from the CLI so the customer report and tests can drive it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from slactl.core.calls import Call, CallRow, QueueCount, evaluate_calls
from slactl.core.model import Agreement, Workspace
from slactl.core.period import Period
from slactl.core.tickets import Rejected
from slactl.usecases.availability import select_agreements

__all__ = ["CallsReport", "REJECTED_KEPT", "add_calls_section", "beside_mapping", "measure_calls", "run_calls"]

REJECTED_KEPT = 10_000
"""Rejected lines listed one by one; beyond them a file of garbage is counted, not held in memory."""


@dataclass(slots=True)
class CallsReport:
    """Everything a reporter shows."""

    path: str
    as_of: float
    period: str | None
    log_kind: str  # queue_log | csv
    timezone: str
    encoding: str
    rows: list[CallRow] = field(default_factory=list)
    unnamed: list[QueueCount] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)  # the first REJECTED_KEPT
    rejected_total: int = 0
    calls: int = 0  # calls read, offered by as_of
    lines: int = 0
    warnings: list[str] = field(default_factory=list)


def measure_calls(ws: Workspace, path: str, agreements: list[Agreement], *, as_of: float,
                  period: Period | None = None, tz: str = "UTC", encoding: str | None = None,
                  mapping: str | None = None) -> CallsReport:
    """Stream the call log at ``path`` once through the call objectives of ``agreements``;
    ``InputError`` when the file cannot be read at all."""
    from slactl.exports.calllog import open_calls

    log = open_calls(path, tz=tz, encoding=encoding, mapping=mapping)
    rejected: list[Rejected] = []
    total = [0]

    def calls() -> Iterator[Call]:
        for item in log:
            if isinstance(item, Call):
                yield item
            else:
                total[0] += 1
                if total[0] <= REJECTED_KEPT:
                    rejected.append(item)

    result = evaluate_calls(ws, calls(), period, as_of, agreements)
    warnings = list(log.warnings)
    if total[0] > REJECTED_KEPT:
        warnings.append(f"{total[0]:,} lines rejected; the first {REJECTED_KEPT:,} are listed")
    warnings += [f"queue '{queue}' of agreement {name} has no call in the log in the period measured"
                 for name, queue in result.silent]
    return CallsReport(path=path, as_of=as_of, period=period.text if period else None, log_kind=log.kind,
                       timezone=log.timezone, encoding=log.encoding, rows=result.rows, unnamed=result.unnamed,
                       rejected=rejected, rejected_total=total[0], calls=result.calls, lines=log.lines, warnings=warnings)


def run_calls(ws: Workspace, path: str, *, as_of: float, period: Period | None = None,
              agreement: str | None = None, customer: str | None = None, tz: str = "UTC",
              encoding: str | None = None, mapping: str | None = None) -> CallsReport:
    """Read the call log at ``path`` and measure the selected agreements' call objectives."""
    chosen = select_agreements(ws, agreement, customer)
    return measure_calls(ws, path, chosen, as_of=as_of, period=period, tz=tz, encoding=encoding, mapping=mapping)


def beside_mapping(path: str) -> str | None:
    """``CALL_LOG.mapping.yaml`` next to the log, when there is one (used without ``--mapping``)."""
    import os

    beside = os.path.splitext(path)[0] + ".mapping.yaml"
    return beside if os.path.isfile(beside) else None


def add_calls_section(ws: Workspace, report: Any, path: str, *, period: Period, as_of: float,
                      tz: str = "UTC") -> list[str]:
    """``report --calls``: every section of ``report`` whose agreement has call objectives gains a
    phone table; returns the warnings to show (rejected lines summed up, the log's own)."""
    from slactl.core.report_calls import calls_extras

    sections = [s for c in report.customers for s in c.sections]
    agreements = list({s.agreement.name: s.agreement for s in sections}.values())
    measured = measure_calls(ws, path, agreements, as_of=as_of, period=period, tz=tz, mapping=beside_mapping(path))
    calls_extras(sections, measured.rows)
    warnings = list(measured.warnings)
    if measured.rejected:
        first = measured.rejected[0]
        warnings.append(f"{measured.rejected_total} line(s) rejected (first: line {first.row}: {first.reason}); "
                        "'slactl calls --format json' lists them all")
    return warnings
