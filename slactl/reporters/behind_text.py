"""What ``explain`` (and ``score``'s human pages) say of a ticket's OLA stages, reply cycles
and update gaps, in lines of text."""
from __future__ import annotations

from collections.abc import Callable

from slactl.core.behind import Behind
from slactl.core.replies import Gauge


def _dur(seconds: float | None) -> str:
    from slactl.core.figures import duration_text

    return "-" if seconds is None else duration_text(seconds / 60)


def behind_lines(b: Behind, when: Callable[[float], str]) -> list[str]:
    """Blank-line-separated blocks: the OLA stages, the next replies, the updates."""
    out: list[str] = []
    if b.stages is not None:
        out += ["", "OLA stages" + ("" if b.stages else ": no team with an OLA held the ticket")]
        for s in b.stages:
            res = s.resolution
            target = "no target" if res.target is None else f"target {_dur(res.target)}"
            out.append(f"  {s.ola} · team {s.team} · {s.priority}: held {_dur(res.elapsed)} ({target}) - "
                       f"{res.status}{' (holds it now)' if s.holds else ''}")
            if s.response is not None:
                r = s.response
                out.append(f"      response {_dur(r.elapsed)} (target {_dur(r.target)}) - {r.status}")
    for title, g in (("Next replies", b.next_reply), ("Updates", b.update_every)):
        if g is None:
            continue
        out += ["", f"{title}" + (": unmeasured (no comment rows in the history)" if not isinstance(g, Gauge)
                                  else f" (target {_dur(g.target)}): {g.status}")]
        if isinstance(g, Gauge):
            if not g.spans:
                out.append("  no customer message after the first: nothing to judge")
            for a, z, e, status in g.spans:
                out.append(f"  {when(a)} - {when(z)}  {_dur(e)}  {status}")
    return out
