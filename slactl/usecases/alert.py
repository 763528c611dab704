"""The alert workflow's first half: an export scored at ``as_of`` into the metrics at risk or
breached now (:func:`scan`); :func:`slactl.mail.alerts.run` then decides what is new."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterator

from slactl.core.alerts import AlertItem, current
from slactl.core.model import Workspace


@dataclass(slots=True)
class Scan:
    as_of: float
    items: list[AlertItem] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)  # every id in the export, rejected rows too
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

        def results() -> Iterator[TicketResult]:
            for row in source:
                if row.id:
                    result.tickets.append(row.id)
                if not isinstance(row, Rejected):
                    yield scorer.score(row)

        result.items = current(ws, results())
    return result
