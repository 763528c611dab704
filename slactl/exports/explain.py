"""The careful path of the row reader: rescue a record the fast loop could not take, or
say exactly why it is rejected (``explain_row``). Functions of the ``Export`` (typed ``Any``:
the reader imports this module)."""
from __future__ import annotations

from typing import Any

from slactl.core.tickets import Rejected, TicketRow
from slactl.exports.presets import is_null
from slactl.exports.sniff import LINE_LIMIT, LONG_LINE, bad_bytes
from slactl.exports.timestamps import TimestampError, parse_slow
from slactl.sanitize import clip

MAX_MINUTES = 1e8  # ~190 years: anything larger is not a duration


class Broken(list):  # type: ignore[type-arg]
    """A record the csv module could not parse; the loop turns it into a Rejected."""

    def __init__(self, reason: str) -> None:
        super().__init__([None])
        self.reason = reason


def explain_row(self: Any, n: int, rec: list[str]) -> TicketRow | Rejected:
    """The careful path: rescue the record or say exactly why it is rejected."""
    if isinstance(rec, Broken):
        return Rejected(n, "", rec.reason)
    ncols = self._ncols
    id_ix = self._indices["id"]
    guess = next((rec[i].strip() for i in id_ix if i < len(rec) and rec[i].strip()), "")
    shown_id = clip(guess, 80)
    if LONG_LINE in rec:
        return Rejected(n, shown_id if rec[0] != LONG_LINE else "",
                        f"a line is longer than {LINE_LIMIT // (1024 * 1024)} MiB; the whole line is "
                        "rejected as one row (its text was not read)")
    if any(bad_bytes(c, self.encoding) for c in rec):
        return Rejected(n, shown_id, f"undecodable bytes: the row is not valid {self.encoding_name} "
                                     f"(the encoding read); fix the bytes or name the file's encoding "
                                     "with --encoding")
    if len(rec) > ncols and not any(c.strip() for c in rec[ncols:]):
        rec = rec[:ncols]  # trailing delimiters
    if len(rec) != ncols:
        return Rejected(n, shown_id, f"row has {len(rec)} cells, the header has {ncols}")
    i, cu, sv, pp, st, c, fr, rs, frm, rsm = self._get([*rec, ""])
    i = i.strip()
    if not i:
        return Rejected(n, "", "id is empty")
    shown_id = clip(i, 80)
    lab = self._labels
    created = _time(self, "created_at", c)
    if created is None:
        return Rejected(n, shown_id, f"{lab['created_at']} is empty")
    if isinstance(created, str):
        return Rejected(n, shown_id, created)
    events: list[float | None] = []
    for tf, mf, tv, mv in (("first_response_at", "first_response_minutes", fr, frm),
                           ("resolved_at", "resolution_minutes", rs, rsm)):
        t = _time(self, tf, tv)
        if isinstance(t, str):
            return Rejected(n, shown_id, t)
        if t is None and mv.strip() and not is_null(mv):
            m = _minutes(self, mf, mv)
            if isinstance(m, str):
                return Rejected(n, shown_id, m)
            t = created + m * 60.0
        elif t is not None and t < created:
            return Rejected(n, shown_id, f"{lab[tf]} precedes {lab['created_at']}")
        events.append(t)
    row = TicketRow(n, i, self.text(cu), self.text(sv), self.text(pp), self.text(st), created, events[0], events[1])
    gi = self.group_index
    if gi >= 0:
        row.group = self.text(rec[gi])
    return row

def explain_again(self: Any, n: int, rec: list[str]) -> TicketRow | Rejected:
    """``explain_row`` for a record the fast loop began to parse and gave up on. The loop has
    counted the DST gap/fold values it parsed, so the careful path's second parse of them must
    not count again: a rejected record keeps the loop's counts, a rescued one the careful path's."""
    counts = list({id(d): d for d in (getattr(f.parse, "dst", None) for f in self._fmt.values())
                   if d is not None}.values())
    if not counts:
        return explain_row(self, n, rec)
    before = [d[:] for d in counts]  # the loop's, this record's partial parse included
    row = explain_row(self, n, rec)
    careful = [[a - b for a, b in zip(d, was)] for d, was in zip(counts, before)]
    for d, was in zip(counts, before):
        d[:] = was
    if type(row) is TicketRow:  # what the loop counted of it goes; what the careful path read counts
        partial = _fast_prefix(self, rec, counts)
        for d, was, p, c in zip(counts, before, partial, careful):
            d[:] = [w - x + y for w, x, y in zip(was, p, c)]
    return row


def _fast_prefix(self: Any, rec: list[str], counts: list[list[int]]) -> list[list[int]]:
    """The DST counts the fast loop's parse of ``rec`` added before it gave up: its parses in
    its order (created, then first response or its minutes, then resolution), up to the first
    that fails (the counters are left as they were)."""
    saved = [d[:] for d in counts]
    for d in counts:
        d[:] = [0, 0]
    try:
        fmt = self._fmt
        pc = fmt["created_at"].parse
        _, _, _, _, _, c, fr, rs, frm, rsm = self._get([*rec, ""])
        steps = ((fmt["first_response_at"].parse if "first_response_at" in fmt else pc, fr, frm),
                 (fmt["resolved_at"].parse if "resolved_at" in fmt else pc, rs, rsm))
        created = pc(c)
        for parse, value, minutes in steps:
            if value:
                if parse(value) < created:
                    break
            elif minutes and not 0 <= float(minutes) < MAX_MINUTES:
                break
    except Exception:  # noqa: BLE001 - where the fast loop gave up
        pass
    partial = [d[:] for d in counts]
    for d, was in zip(counts, saved):
        d[:] = was
    return partial


def _time(self: Any, f: str, v: str) -> float | str | None:
    """Epoch seconds, None for an empty cell, or the rejection reason."""
    if not v or v.isspace() or is_null(v):
        return None
    try:
        return parse_slow(v, self._fmt[f], self._tz)
    except TimestampError as e:
        return f"{self._labels[f]} {e}"

def _minutes(self: Any, f: str, v: str) -> float | str:
    s = v.strip()
    try:
        m = float(s.replace(",", ".")) if s.count(",") <= 1 and "." not in s else float(s)
    except ValueError:
        return f"{self._labels[f]} '{clip(s)}' is not a number of minutes"
    if not 0 <= m < MAX_MINUTES:
        return f"{self._labels[f]} '{clip(s)}' is not a plausible number of minutes"
    return m



def dst_counts(self: Any) -> dict[str, tuple[int, int]]:
    """Per timestamp column: the DST gap and fold values of the last pass (a worker's, for ``add_dst``)."""
    return {f: tuple(getattr(fmt.parse, "dst", (0, 0))) for f, fmt in self._fmt.items()}  # type: ignore[misc]


def add_dst(self: Any, counts: dict[str, tuple[int, int]]) -> None:
    """Add another part's DST counts (``score --jobs``) to this pass's and say the warnings again
    with the sums (the part this process read said them already, with its own counts)."""
    changed = False
    for f, (gaps, folds) in counts.items():
        dst = getattr(self._fmt[f].parse, "dst", None) if f in self._fmt else None
        if dst is not None and (gaps or folds):
            dst[0] += gaps
            dst[1] += folds
            changed = True
            if f in self._dst_said:
                self._dst_said.discard(f)
                prefix = f"{self._labels[f]}: "
                self.warnings[:] = [w for w in self.warnings if not (w.startswith(prefix) and "in a DST gap" in w)]
    if changed:
        dst_warnings(self)


def dst_warnings(self: Any) -> None:
    """Once per column: naive local times that fell in a DST gap or fold."""
    for f, fmt in self._fmt.items():
        gaps, folds = getattr(fmt.parse, "dst", (0, 0))
        if (gaps or folds) and f not in self._dst_said:
            self._dst_said.add(f)
            self.warnings.append(
                f"{self._labels[f]}: {gaps} local time(s) fall in a DST gap (read with the offset before "
                f"the gap) and {folds} in a DST fold (read as the first occurrence) in {self.timezone}")
