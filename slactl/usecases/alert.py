"""The alert workflow's first half: an export scored at ``as_of`` into the metrics at risk or
breached now (:func:`scan`); :func:`slactl.mail.alerts.run` then decides what is new."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterator

from slactl.core.alerts import AlertItem, current
from slactl.core.model import Workspace
from slactl.errors import InputError


@dataclass(slots=True)
class Scan:
    as_of: float
    items: list[AlertItem] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)  # every id in the export, rejected rows too
    resolved: set[str] = field(default_factory=set)  # the ids the export shows resolved
    warnings: list[str] = field(default_factory=list)


def scan(ws: Workspace, export: str, as_of: Callable[[str], float], *, preset: str = "auto", tz: str = "UTC",
         encoding: str | None = None, mapping: str | None = None) -> Scan:
    """Score every ticket of ``export`` the way ``score --format json`` does, at the instant
    ``as_of(timezone of the export)`` gives, and keep the metrics at risk or breached."""
    from slactl.core.scoring import Scorer, TicketResult
    from slactl.exports import Rejected, open_export

    if mapping is None and preset == "auto":  # EXPORT.mapping.yaml beside the export is used by itself
        beside = os.path.splitext(export)[0] + ".mapping.yaml"
        mapping = beside if os.path.isfile(beside) else None
    with open_export(export, preset=preset, tz=tz, encoding=encoding, mapping=mapping) as source:
        result = Scan(as_of(source.timezone), warnings=[f"{source.path}: {w}" for w in source.warnings])
        scorer = Scorer(ws, result.as_of, has_first_response=source.has_first_response,
                        has_resolution=source.has_resolution)

        judged = rows = 0

        def results() -> Iterator[TicketResult]:
            nonlocal judged, rows
            for row in source:
                rows += 1
                if row.id:
                    result.tickets.append(row.id)
                if not isinstance(row, Rejected):
                    judged += 1
                    if row.resolved is not None:
                        result.resolved.add(row.id)
                    yield scorer.score(row)

        result.items = current(ws, results())
        if not judged:  # a failed pull (header only, or nothing but rejected rows) is not "no tickets"
            why = f"all {rows} of its rows were rejected" if rows else "it has no ticket rows"
            raise InputError(f"{source.path}: no ticket in the export can be judged ({why}); "
                             "the alert state is untouched")
    return result
