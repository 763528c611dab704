"""The per-ticket reporters of ``slactl score`` (JSON and CSV) and what every score reporter
is given (``Meta``); the human formats are in ``slactl.reporters.score``.

Each reporter gets the tickets one by one (``ticket``) and the totals at the
end (``finish``). JSON and CSV stream every ticket straight to the output, so
memory stays flat whatever the size of the export; the human formats show
the summary only.
"""
from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Callable
from zoneinfo import ZoneInfo

from slactl.core.scoring import METRICS, MetricResult, Scorer, TicketResult, iso
from slactl.core.tickets import Rejected
from slactl.reporters.instants import iso_formatter

if TYPE_CHECKING:
    from slactl.exports.history import HistoryStats


@dataclass(slots=True)
class Meta:
    """What the report is about."""

    as_of: float
    timezone: str
    preset: str
    path: str
    rows: int = 0
    scored: int = 0
    rejected: list[Rejected] | None = None
    encoding: str = ""  # as read, e.g. "utf-8", "cp1251", "xlsx"
    collapsed: int = 0  # rows merged into an earlier row's ticket (event logs)
    notes: list[str] | None = None  # how the export was read, said in the report header
    history: HistoryStats | None = None  # with --history: what was read and how it was matched
    pause_notes: list[str] = field(default_factory=list)  # pauses not applied, history out of order
    extra: dict[str, object] = field(default_factory=dict)  # top-level JSON keys other features add (compare)


_zones: dict[str, ZoneInfo] = {}


def _zone(result: TicketResult) -> ZoneInfo:
    name = result.match.terms.clock.calendar.timezone  # type: ignore[union-attr]
    z = _zones.get(name)
    if z is None:
        z = _zones[name] = ZoneInfo(name)
    return z


def _version(r: TicketResult) -> str | None:
    """The effective date of the agreement's version that judged the ticket (None: as written)."""
    ag = r.match.agreement
    return None if ag is None or ag.version is None else ag.version.isoformat()


def ticket_dict(r: TicketResult, stamp: Callable[[float | None], str | None] = iso) -> dict[str, object]:
    row, m = r.ticket, r.match
    out: dict[str, object] = {
        "row": row.row, "id": row.id, "agreement": r.agreement, "agreement_version": _version(r),
        "priority": m.priority, "match": m.kind,
        "customer": row.customer, "service": row.service, "status": row.status,
        "created_at": stamp(row.created), "first_response_at": stamp(row.first_response),
        "resolved_at": stamp(row.resolved),
    }
    if m.candidates:
        out["candidates"] = list(m.candidates)
    zone = _zone(r) if m.terms is not None else None
    out["first_response"] = r.first_response.as_dict(zone) if r.first_response else None
    out["resolution"] = r.resolution.as_dict(zone) if r.resolution else None
    out["reopens"] = r.reopens
    if r.behind is not None:
        out.update(r.behind.as_dict(stamp))
    return out


try:
    from json.encoder import c_encode_basestring as _jstr  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - CPython always has it
    from json.encoder import py_encode_basestring as _jstr
if _jstr is None:  # pragma: no cover
    from json.encoder import py_encode_basestring as _jstr

_due_stamps: dict[str, Callable[[float | None], str | None]] = {}  # zone name -> cached formatter
_fixed_minutes: dict[float | None, str] = {}  # targets and paused seconds: a few values, printed often


def _due_stamp(result: TicketResult) -> Callable[[float | None], str | None]:
    """Due times are shown in the zone of the ticket's calendar."""
    name = result.match.terms.clock.calendar.timezone  # type: ignore[union-attr]
    f = _due_stamps.get(name)
    if f is None:
        f = _due_stamps[name] = iso_formatter(_zone(result))
    return f


def _jnum(seconds: float | None) -> str:
    return "null" if seconds is None else repr(round(seconds / 60, 4))


def _jfixed(seconds: float | None) -> str:
    text = _fixed_minutes.get(seconds)
    if text is None:
        text = _jnum(seconds)
        if len(_fixed_minutes) < 4096:
            _fixed_minutes[seconds] = text
    return text


_PLAIN_TAIL = ', "paused_minutes": 0.0, "paused": false}'  # no pause: most tickets
_texts: dict[str, str] = {}  # cell text -> its JSON string (customers, services, statuses repeat)
# id of a Match (held, so the id stays its own) -> (the match, the keys it decides, its due stamp)
_matches: dict[int, tuple[object, str, Callable[[float | None], str | None]]] = {}


def _jtext(value: str) -> str:
    """``_jstr(value)``, cached while the cache is small."""
    out = _texts.get(value)
    if out is None:
        out = _jstr(value)
        if len(_texts) < 4096:
            _texts[value] = out
    return out


def _metric_json(m: MetricResult | None, due_stamp: Callable[[float | None], str | None]) -> str:
    if m is None:
        return "null"
    e = m.elapsed
    elapsed = "null" if e is None else repr(round(e / 60, 4))
    tail = _PLAIN_TAIL if not m.paused_seconds and not m.paused else \
        f', "paused_minutes": {_jfixed(m.paused_seconds)}, "paused": {"true" if m.paused else "false"}}}'
    if m.target is None:
        return f'{{"target_minutes": null, "elapsed_minutes": {elapsed}, "status": "{m.status}"{tail}'
    due = due_stamp(m.due)
    due = "null" if due is None else f'"{due}"'
    return (f'{{"target_minutes": {_jfixed(m.target)}, "elapsed_minutes": {elapsed}, "status": "{m.status}", '
            f'"due_at": {due}{tail}')


def ticket_json(r: TicketResult, stamp: Callable[[float | None], str | None] = iso) -> str:
    """``json.dumps(ticket_dict(r, stamp))``, written directly: the JSON report's hot path."""
    return f'{{"row": {r.ticket.row}, {ticket_json_tail(r, stamp)}'


def _match_keys(r: TicketResult) -> tuple[str, Callable[[float | None], str | None]]:
    """The keys a match decides (agreement, agreement_version, priority, match) and its due
    stamp: built once per match the matcher hands out (it keeps them; unmatched ones vary)."""
    m = r.match
    hit = _matches.get(id(m))
    if hit is not None and hit[0] is m:
        return hit[1], hit[2]
    agreement = m.agreement.name if m.agreement is not None else None
    version = _version(r)
    keys = (f'"agreement": {"null" if agreement is None else _jstr(agreement)}, '
            f'"agreement_version": {"null" if version is None else _jstr(version)}, '
            f'"priority": {_jstr(m.priority)}, "match": "{m.kind}", ')
    due_stamp = _due_stamp(r) if m.terms is not None else _no_stamp
    if len(_matches) >= 4096:
        _matches.clear()
    _matches[id(m)] = (m, keys, due_stamp)
    return keys, due_stamp


def ticket_json_tail(r: TicketResult, stamp: Callable[[float | None], str | None] = iso) -> str:
    """``ticket_json`` after its first key (the row number), which a part of a parallel
    run only knows at the end (see ``slactl.usecases.parallel``)."""
    row, m = r.ticket, r.match
    keys, due_stamp = _match_keys(r)
    cands = f', "candidates": [{", ".join(_jstr(c) for c in m.candidates)}]' if m.candidates else ""
    created, fr, rs = stamp(row.created), stamp(row.first_response), stamp(row.resolved)
    # ISO 8601 stamps hold no character JSON escapes: quoted as they are
    created = "null" if created is None else f'"{created}"'
    fr = "null" if fr is None else f'"{fr}"'
    rs = "null" if rs is None else f'"{rs}"'
    return (f'"id": {_jstr(row.id)}, {keys}"customer": {_jtext(row.customer)}, '
            f'"service": {_jtext(row.service)}, "status": {_jtext(row.status)}, '
            f'"created_at": {created}, '
            f'"first_response_at": {fr}, '
            f'"resolved_at": {rs}{cands}, '
            f'"first_response": {_metric_json(r.first_response, due_stamp)}, '
            f'"resolution": {_metric_json(r.resolution, due_stamp)}, "reopens": {r.reopens}'
            f'{"" if r.behind is None else r.behind.json_tail(stamp)}}}')


def _json_record(r: TicketResult, row: int, stamp: Callable[[float | None], str | None], first: bool) -> str:
    """One ticket of the JSON report's list, numbered ``row``, with the comma before it unless ``first``."""
    return ('\n  {"row": ' if first else ',\n  {"row": ') + str(row) + ", " + ticket_json_tail(r, stamp)


def _no_stamp(epoch: float | None) -> str | None:
    return None


def _rejected_dicts(meta: Meta) -> list[dict[str, object]]:
    return [{"row": x.row, "id": x.id, "reason": x.reason} for x in meta.rejected or ()]


class JsonReporter:
    """The score JSON (README, "score"), written as it goes: tickets stream, totals come last."""

    def __init__(self, out: IO[str], meta: Meta) -> None:
        self.out, self.first = out, True
        self.stamp = iso_formatter(None)  # instants as read, in UTC (the score JSON), to the millisecond
        head = {"as_of": iso(meta.as_of), "timezone": meta.timezone, "preset": meta.preset, "file": meta.path,
                "encoding": meta.encoding}
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tickets": [')

    def ticket(self, r: TicketResult) -> None:
        self.out.write(_json_record(r, r.ticket.row, self.stamp, self.first))
        self.first = False

    def rejected(self, item: Rejected) -> None:
        pass  # listed with the totals at the end

    @staticmethod
    def part_writer(out: IO[str], timezone: str, offset: int) -> _JsonPart:
        """Writes a later part of the export's tickets for ``append_part`` (see ``slactl.usecases.parallel``)."""
        return _JsonPart(out, timezone, offset)

    def append_part(self, part: IO[str]) -> None:
        """Copy a part written by ``part_writer`` (each of its tickets begins with a comma)."""
        if self.first:
            if not part.read(1):
                return
            self.first = False
        shutil.copyfileobj(part, self.out)

    def finish(self, meta: Meta, scorer: Scorer) -> None:
        tail = {
            "rows": meta.rows, "scored": meta.scored, "collapsed": meta.collapsed, "rejected": _rejected_dicts(meta),
            "notes": list(meta.notes or ()) + meta.pause_notes,
            "matches": scorer.match_counts,
            "no_rule_priorities": [{"priority": p, "policy": pol, "tickets": n}
                                   for (p, pol), n in sorted(scorer.no_rule_priorities.items())],
            "summary": scorer.summary(),
            "worst_breaches": [_breach_dict(b) for b in scorer.worst_breaches()],
            "reopens": scorer.reopens,
        }
        if meta.history is not None:
            tail["history"] = meta.history.as_dict()
            tail["history_rejected"] = [{"row": x.row, "id": x.id, "reason": x.reason}
                                        for x in meta.history.rejected]
        if scorer.group_by != "agreement":
            tail["groups"] = scorer.grouped()
        tail.update(meta.extra)
        self.out.write("\n], " + json.dumps(tail, ensure_ascii=False, indent=1)[1:] + "\n")


class _JsonPart:
    """A part's tickets as ``JsonReporter.ticket`` writes them after a first one, numbered
    from ``offset`` + 1; rejected rows are listed with the totals at the end."""

    def __init__(self, out: IO[str], timezone: str, offset: int) -> None:
        self.write, self.offset = out.write, offset
        self.stamp = iso_formatter(None)  # as JsonReporter: UTC

    def ticket(self, r: TicketResult) -> None:
        self.write(_json_record(r, r.ticket.row + self.offset, self.stamp, False))

    def rejected(self, item: Rejected) -> None:
        pass


def _breach_dict(b) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"id": b.ticket_id, "agreement": b.agreement, "priority": b.priority, "metric": b.metric,
            "target_minutes": round(b.target / 60, 2), "elapsed_minutes": round(b.elapsed / 60, 2),
            "overrun_minutes": round(b.overrun / 60, 2)}


from slactl.reporters.cells import csv_cell  # noqa: E402


_NO_METRIC = ["", "", "", "", "", ""]


def _minutes(seconds: float | None) -> object:
    return "" if seconds is None else round(seconds / 60, 4)


CSV_COLUMNS = ["row", "id", "customer", "service", "priority", "status", "match", "agreement", "reason"] + [
    f"{m}_{k}" for m in METRICS for k in ("target_minutes", "elapsed_minutes", "status", "due_at",
                                          "paused_minutes", "paused")] + ["reopens"]


class CsvReporter:
    """One line per ticket (rejected rows included, with their reason) for spreadsheets."""

    def __init__(self, out: IO[str], meta: Meta | None = None, header: bool = True) -> None:
        self.out = out
        self.writer = csv.writer(out, lineterminator="\r\n")
        if header:
            self.writer.writerow(CSV_COLUMNS)

    def ticket(self, r: TicketResult) -> None:
        self.writer.writerow(_ticket_cells(r))

    def rejected(self, x: Rejected) -> None:
        self.writer.writerow(_rejected_cells(x))

    @staticmethod
    def part_writer(out: IO[str], timezone: str, offset: int) -> _CsvPart:
        """Writes a later part of the export's records for ``append_part`` (see ``slactl.usecases.parallel``)."""
        return _CsvPart(out, offset)

    def append_part(self, part: IO[str]) -> None:
        shutil.copyfileobj(part, self.out)

    def finish(self, meta: Meta, scorer: Scorer) -> None:
        pass


def _ticket_cells(r: TicketResult) -> list[object]:
    row, m = r.ticket, r.match
    safe = csv_cell  # only text from the export can carry a formula; numbers and enums cannot
    cells: list[object] = [row.row, safe(row.id), safe(row.customer), safe(row.service), safe(m.priority),
                           safe(row.status), m.kind, m.agreement.name if m.agreement is not None else "", ""]
    due_stamp = _due_stamp(r) if m.terms is not None else _no_stamp
    for res in (r.first_response, r.resolution):
        if res is None:
            cells += _NO_METRIC
        else:
            cells += [_minutes(res.target), _minutes(res.elapsed), res.status,
                      "" if res.target is None else due_stamp(res.due) or "",
                      _minutes(res.paused_seconds), "true" if res.paused else "false"]
    cells.append(r.reopens)
    return cells


def _rejected_cells(x: Rejected) -> list[object]:
    cells = [x.row, x.id, "", "", "", "", "rejected", "", x.reason] + [""] * (len(CSV_COLUMNS) - 9)
    return [csv_cell(c) for c in cells]


class _CsvPart:
    """A part's records as ``CsvReporter`` writes them, numbered from ``offset`` + 1."""

    def __init__(self, out: IO[str], offset: int) -> None:
        self.writerow, self.offset = csv.writer(out, lineterminator="\r\n").writerow, offset

    def ticket(self, r: TicketResult) -> None:
        cells = _ticket_cells(r)
        cells[0] = r.ticket.row + self.offset
        self.writerow(cells)

    def rejected(self, item: Rejected) -> None:
        cells = _rejected_cells(item)
        cells[0] = item.row + self.offset
        self.writerow(cells)
