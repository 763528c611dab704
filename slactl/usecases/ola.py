"""``score --ola``: what is checked before the run and ``--fail-under`` over the OLA rows."""
from __future__ import annotations

from slactl.core.model import Workspace
from slactl.core.scoring import Scorer
from slactl.errors import InputError


def check_ola_run(ws: Workspace, chosen: str, compare: str | None) -> None:
    """``InputError`` when ``score --ola`` cannot run: no OLA, a format or option it lacks."""
    from slactl.reporters.ola import OLA_REPORTERS

    if not ws.olas:
        raise InputError("--ola: the workspace has no OLA document (kind: OLA); add one, see the file format")
    if chosen not in OLA_REPORTERS:
        raise InputError(f"--ola --format {chosen}: choose one of {', '.join(OLA_REPORTERS)}")
    if compare is not None:
        raise InputError("--ola and --compare do not go together: compare the SLA scores without --ola")


def ola_below_target(scorer: Scorer, threshold: float | str) -> tuple[list[str], bool]:
    """``--fail-under`` over the OLA rows: one line in words per failing row, and whether any
    row was judged ('target': each OLA's own compliance target)."""
    from slactl.reporters.ola import ola_rows
    from slactl.usecases.score import below_line

    judged = [r for r in ola_rows(scorer) if r.get("compliance_pct") is not None]
    lines = []
    for r in judged:
        goal = r["target_pct"] if threshold == "target" else threshold
        if r["compliance_pct"] < goal:  # type: ignore[operator]
            what = f"OLA {r['ola']}, team {r['team']}, priority {r['priority']}"
            lines.append(below_line(what, str(r["metric"]), r["compliance_pct"], r["met"], r["breached"],  # type: ignore[arg-type]
                                    goal, threshold == "target"))  # type: ignore[arg-type]
    return [line.replace("below the agreement target", "below the OLA target") for line in lines], bool(judged)
