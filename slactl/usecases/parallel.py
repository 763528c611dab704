"""Scoring a big export on several cores (``score --jobs N``).

The file is cut into N byte ranges at record boundaries; this process scores the
first range and N-1 worker processes (``spawn``: nothing is inherited, each opens
the export again with the same arguments, so it reads it the same way) score the
others. Each worker returns its totals (``Scorer.totals()``, added up with
``Scorer.merge``) and, for the per-ticket formats, a part file: its records exactly
as the reporter writes them (its ``part_writer``), numbered after the records before
the range, which the worker counts first (``ranges.count_records``, parsed as the
reader parses them). This process then copies the parts after its own output
(``append_part``), in file order, once it has checked each count against the rows it
and the earlier parts actually read (``counts_agree``).

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
from dataclasses import dataclass
from typing import Any, Callable

from slactl.core.model import Workspace
from slactl.core.scoring import Scorer
from slactl.core.tickets import Rejected
from slactl.core.totals import Totals, sort_groups
from slactl.exports.reader import Export, RepeatedIds

MIN_BYTES = 24 * 1024 * 1024  # below this, starting workers costs more than they save
MAX_AUTO_JOBS = 4
FIRST_SHARE = 1.06  # the first range's share of the bytes, in equal shares (see score_parallel)
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
    reporter: Any = None  # a per-ticket reporter class (its part_writer), None for the summary only
    timezone: str = "UTC"
    out_path: str | None = None
    data_start: int = 0  # where the first range starts: the records before ``start`` are counted from it
    holiday_cache: str | None = None  # the folder of this process's holiday cache (None: not cached)


@dataclass
class PartResult:
    rows: int
    rejected: list[Rejected]
    totals: Totals | None
    ids: str | list[str] = ""  # the range's ticket ids (see pack_ids; "" only with repeated)
    clean: bool = True  # the range ended on a record boundary
    offset: int = 0  # records before the range, as counted (its part file is numbered after them)
    repeated: bool = False  # an id repeats inside the range: an event log
    dst: dict[str, tuple[int, int]] | None = None  # per timestamp column, its DST gap and fold values


def score_part(part: Part) -> PartResult:
    """A worker: score one range (top-level, so ``spawn`` can find it)."""
    from zoneinfo import ZoneInfo

    from slactl.exports.explain import dst_counts
    from slactl.exports.opening import open_export
    from slactl.workspace import holidaydata

    holidaydata.install(part.holiday_cache)  # the cache the calling process uses, if any
    with open_export(**part.opened_with) as export:
        args = dict(part.scorer, report_zone=ZoneInfo(part.scorer["report_zone"]))
        scorer = Scorer(part.workspace, **args)
        with contextlib.ExitStack() as stack:
            writer, offset = None, 0
            if part.out_path is not None:
                from slactl.exports.ranges import count_records

                offset = count_records(export, part.data_start, part.start)
                out = stack.enter_context(open(part.out_path, "w", encoding="utf-8", newline=""))
                writer = part.reporter.part_writer(out, part.timezone, offset)
            try:
                rows, rejected, clean = _score_range(export, scorer, part.start, part.end, part.sentinel, writer)
            except RepeatedIds:
                return PartResult(0, [], None, repeated=True)
        totals = scorer.totals()
        sort_groups(totals.groups, totals.by)  # here, in parallel, rather than all at the end
        return PartResult(rows, rejected, totals, pack_ids(export.range_ids), clean, offset=offset,
                          dst=dst_counts(export))


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
    from slactl.workspace.holidaydata import current

    per_ticket = reporter if reporter is not None and hasattr(reporter, "append_part") else None
    # this process starts scoring ~0.15 s before the workers (they spawn, import and load
    # first): its range is a little larger (measured, 500k rows on 2 CPUs: text 5-8 % faster)
    ranges = cuts.plan(export.path, export.encoding, export.delimiter, jobs, FIRST_SHARE / jobs)
    if ranges is None:
        return None
    args = dict(scorer_args, report_zone=getattr(scorer_args["report_zone"], "key", "UTC"))
    cache = current()  # the workers use the same holiday cache, or none
    with tempfile.TemporaryDirectory(prefix="slactl-parts-") as tmp:
        parts = [Part(export.opened_with, workspace, args, s, e, i < len(ranges) - 1,
                      type(per_ticket) if per_ticket is not None else None, export.timezone,
                      os.path.join(tmp, f"part-{i}") if per_ticket is not None else None, ranges[0][0],
                      cache.folder if cache is not None else None)
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
            sort_groups(scorer.groups, scorer.by)  # while the workers finish
            try:
                results = pending.get()
            except Exception:  # noqa: BLE001 - a worker failed: score in one pass instead
                return None
        if not all(r.clean for r in results):
            return None
        if any(r.repeated for r in results):
            raise RepeatedIds(rows, "")
        if per_ticket is not None and not counts_agree(rows, results):
            return None  # a part's numbers are off: the one-pass result instead
        _check_repeats(export.range_ids, [unpack_ids(r.ids) for r in results], rows)
        from slactl.exports.explain import add_dst

        for part, result in zip(parts[1:], results):
            assert result.totals is not None
            scorer.merge(result.totals)
            if result.dst:
                add_dst(export, result.dst)
            for item in result.rejected:
                item.row += rows
            if per_ticket is not None and part.out_path is not None:
                with open(part.out_path, encoding="utf-8", newline="") as fh:
                    per_ticket.append_part(fh)
            rejected += result.rejected
            rows += result.rows
    return scorer, rows, rejected


def counts_agree(first_rows: int, results: list[PartResult]) -> bool:
    """Each part counted as many records before it as the parts before it read."""
    before = first_rows
    for result in results:
        if result.offset != before:
            return False
        before += result.rows
    return True


_SEP = "\x00"


def pack_ids(ids: set[str]) -> str | list[str]:
    """A range's ids for the trip back to this process: one string joined with NULs (pickled
    at the speed of a copy; a set of 250,000 ids took ~130 ms to pickle and unpickle), or
    the list when an id holds a NUL itself."""
    if len(ids) < 2:
        return list(ids)
    joined = _SEP.join(ids)
    return joined if joined.count(_SEP) == len(ids) - 1 else list(ids)


def unpack_ids(packed: str | list[str]) -> list[str]:
    return packed if isinstance(packed, list) else packed.split(_SEP)


def _check_repeats(first: set[str], others: list[list[str]], rows: int) -> None:
    """An id in two ranges: an event log after all (see slactl.exports.collapse).
    ``first`` (this process's own ids, no longer needed) collects the others'."""
    for k, ids in enumerate(others):
        if not first.isdisjoint(ids):
            raise RepeatedIds(rows, "")
        if k < len(others) - 1:
            first.update(ids)
