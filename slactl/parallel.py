"""Scoring a big export on several cores (``score --jobs N``).

The file is cut into N byte ranges at record boundaries; this process scores the
first range and N-1 worker processes (``spawn``: nothing is inherited, each opens
the export again with the same arguments, so it reads it the same way) score the
others. Each worker returns its totals (``Scorer.totals()``, added up with
``Scorer.merge``) and, for the per-ticket formats, a part file of framed records:
``"<row> <length>\\n<text>"`` per ticket, where ``text`` is what the reporter's
``part_formatter`` made of it without the row number; the reporter writes each
record with ``emit(row + rows before the part, text)``, in file order.

The cuts are guessed from quote parity and then *verified*: every range but the
last is parsed with a sentinel line after it, which the CSV parser only reads as a
record of its own if the cut really fell between records. Otherwise (a stray quote
fooled the parity) the parallel result is thrown away (``None``) and the caller
scores the file in one pass, so the result is always the one-pass result.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterator

from slactl.core.model import Workspace
from slactl.core.scoring import Scorer
from slactl.core.tickets import Rejected
from slactl.core.totals import Totals
from slactl.exports.reader import Export, RepeatedIds

MIN_BYTES = 24 * 1024 * 1024  # below this, starting workers costs more than they save
MAX_AUTO_JOBS = 4
SENTINEL = "\x00slactl-cut\x00"
_ASCII_COMPATIBLE = ("utf-8", "utf_8", "utf-8-sig", "utf_8_sig", "cp1251", "cp1252", "latin-1", "iso8859-1",
                     "ascii", "iso8859-15")


def jobs_for(export: Export, jobs: int | None) -> int:
    """How many processes score ``export``: ``jobs`` as asked (None: one per usable core,
    at most 4, for exports of 24 MiB and more), 1 when the file cannot be cut safely."""
    try:
        size = os.path.getsize(export.path)
    except OSError:
        return 1
    if jobs is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        jobs = min(cores, MAX_AUTO_JOBS) if size >= MIN_BYTES else 1
    if jobs <= 1 or not export.opened_with or export.encoding.lower() not in _ASCII_COMPATIBLE:
        return 1
    return jobs


@dataclass
class Part:
    """One byte range to score in a worker (picklable)."""

    opened_with: dict[str, Any]
    workspace: Workspace
    scorer: dict[str, Any]  # Scorer keyword arguments (report_zone as a zone name)
    start: int
    end: int
    sentinel: bool  # not the last range: verify the cut
    reporter: Any = None  # a per-ticket reporter class (its part_formatter), None for the summary only
    timezone: str = "UTC"
    out_path: str | None = None


@dataclass
class PartResult:
    rows: int
    rejected: list[Rejected]
    totals: Totals | None
    seen: list[str] = field(default_factory=list)
    clean: bool = True  # the range ended on a record boundary
    repeated: bool = False  # an id repeats inside the range: an event log


def score_part(part: Part) -> PartResult:
    """A worker: score one range (top-level, so ``spawn`` can find it)."""
    from zoneinfo import ZoneInfo

    from slactl.exports.opening import open_export

    with open_export(**part.opened_with) as export:
        args = dict(part.scorer, report_zone=ZoneInfo(part.scorer["report_zone"]))
        scorer = Scorer(part.workspace, **args)
        fmt = part.reporter.part_formatter(part.timezone) if part.reporter is not None else None
        with contextlib.ExitStack() as stack:
            out = None if part.out_path is None else \
                stack.enter_context(open(part.out_path, "w", encoding="utf-8", newline=""))
            try:
                rows, rejected, clean = _score_range(export, scorer, part.start, part.end, part.sentinel,
                                                     _Framed(out, fmt) if out is not None else None)
            except RepeatedIds:
                return PartResult(0, [], None, repeated=True)
        return PartResult(rows, rejected, scorer.totals(), export.range_seen, clean)


class _Framed:
    """Writes a part's records as ``"<row> <length>\\n<text>"`` (see the module docstring)."""

    def __init__(self, out: IO[str], fmt: Any) -> None:
        self.write, self.fmt = out.write, fmt

    def ticket(self, result: Any) -> None:
        text = self.fmt.ticket(result)
        self.write(f"{result.ticket.row} {len(text)}\n{text}")

    def rejected(self, item: Rejected) -> None:
        text = self.fmt.rejected(item)
        if text is not None:
            self.write(f"{item.row} {len(text)}\n{text}")


def _records(part: IO[str]) -> Iterator[tuple[int, str]]:
    """(row, text) of each record of a part file."""
    while True:
        head = part.readline()
        if not head:
            return
        row, length = head.split()
        yield int(row), part.read(int(length))


def _score_range(export: Export, scorer: Scorer, start: int, end: int, sentinel: bool, sink: Any,
                 update: Callable[[float], None] | None = None) -> tuple[int, list[Rejected], bool]:
    """Score the records in bytes [start, end): tallied, and given to ``sink`` (a reporter
    or a part writer) when there is one. (rows, rejected, ended on a record boundary)."""
    from slactl.exports.ranges import range_records

    reader, text = range_records(export, start, end, [SENTINEL + "\n"] if sentinel else [])
    raw = text.buffer.raw  # type: ignore[attr-defined]
    records = _UntilSentinel(reader) if sentinel else reader
    rejected: list[Rejected] = []
    n = 0
    tally, score = scorer.tally, scorer.score
    try:
        for item in export.rows(records, reader):
            n += 1
            if type(item) is Rejected:
                rejected.append(item)
                if sink is not None:
                    sink.rejected(item)
            elif sink is None:
                tally(item)  # type: ignore[arg-type]
            else:
                sink.ticket(score(item))  # type: ignore[arg-type]
            if update is not None and n % 20000 == 0:
                update(raw.consumed / max(end - start, 1))
    finally:
        text.close()
    return n, rejected, (records.clean if sentinel else True)  # type: ignore[union-attr]


class _UntilSentinel:
    """Passes records through and notes whether the sentinel arrived as a record of its own."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.clean = False

    def __iter__(self) -> _UntilSentinel:
        return self

    def __next__(self) -> list[str]:
        rec = next(self.reader)
        if rec == [SENTINEL]:
            self.clean = True
            raise StopIteration
        return rec


def score_parallel(export: Export, jobs: int, workspace: Workspace, scorer_args: dict[str, Any],
                   reporter: Any = None, update: Callable[[float], None] | None = None
                   ) -> tuple[Scorer, int, list[Rejected]] | None:
    """Score the whole export in ``jobs`` processes: (scorer with the totals, rows, rejected),
    or None when the file cannot be cut safely (the caller then scores it in one pass and
    must start its report again: the first range went to ``reporter`` already). With a
    per-ticket ``reporter`` (json, csv) the tickets reach it in file order."""
    from slactl.exports import cuts

    ranges = cuts.plan(export.path, export.encoding, export.delimiter, jobs)
    if ranges is None:
        return None
    args = dict(scorer_args, report_zone=getattr(scorer_args["report_zone"], "key", "UTC"))
    per_ticket = reporter if reporter is not None and hasattr(reporter, "emit") else None
    with tempfile.TemporaryDirectory(prefix="slactl-parts-") as tmp:
        parts = [Part(export.opened_with, workspace, args, s, e, i < len(ranges) - 1,
                      type(per_ticket) if per_ticket is not None else None, export.timezone,
                      os.path.join(tmp, f"part-{i}") if per_ticket is not None else None)
                 for i, (s, e) in enumerate(ranges)]
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(len(parts) - 1) as pool:
            pending = pool.map_async(score_part, parts[1:])
            scorer = Scorer(workspace, **scorer_args)
            rows, rejected, clean = _score_range(export, scorer, parts[0].start, parts[0].end, True,
                                                 per_ticket, update)
            if not clean:
                pool.terminate()
                return None
            try:
                results = pending.get()
            except Exception:  # noqa: BLE001 - a worker failed: score in one pass instead
                return None
        if not all(r.clean for r in results):
            return None
        if any(r.repeated for r in results):
            raise RepeatedIds(rows, "")
        _check_repeats(export.range_seen, [r.seen for r in results], rows)
        for part, result in zip(parts[1:], results):
            assert result.totals is not None
            scorer.merge(result.totals)
            for item in result.rejected:
                item.row += rows
            if per_ticket is not None and part.out_path is not None:
                emit = per_ticket.emit
                with open(part.out_path, encoding="utf-8", newline="") as fh:
                    for row, text in _records(fh):
                        emit(row + rows, text)
            rejected += result.rejected
            rows += result.rows
    return scorer, rows, rejected


def _check_repeats(first: list[str], others: list[list[str]], rows: int) -> None:
    """An id in two ranges: an event log after all (see slactl.exports.collapse)."""
    seen = set(first)
    for ids in others:
        if not seen.isdisjoint(ids):
            raise RepeatedIds(rows, "")
        seen.update(ids)
