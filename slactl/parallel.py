"""Scoring a big export on two cores: the file is cut in two at a record boundary
and the halves are scored at once, the second in a forked process. The summary
formats only need the merged totals; json and csv get each half's tickets from a
temporary file, in file order.

The cut is guessed from quote parity and then *verified*: the first half is parsed
with a sentinel line after it, which the CSV parser only reads as a record of its
own if the cut really fell between records. Otherwise (a stray quote fooled the
parity) the parallel results are thrown away and the file is scored in one pass,
so the result is always exactly what the sequential pass gives.
"""
from __future__ import annotations

import contextlib
import csv
import heapq
import io
import multiprocessing
import os
import tempfile
from typing import Any, Callable, Iterator, Protocol

from slactl.core.scoring import Group, Scorer
from slactl.exports.ranges import range_records
from slactl.exports.reader import Export, Rejected, RepeatedIds

MIN_BYTES = 24 * 1024 * 1024  # below this, forking costs more than it saves
SENTINEL = "\x00slactl-cut\x00"
_ASCII_COMPATIBLE = ("utf-8", "utf_8", "utf-8-sig", "utf_8_sig", "cp1251", "cp1252", "latin-1", "iso8859-1",
                     "ascii", "iso8859-15")


def worth_it(export: Export) -> bool:
    """Big enough, more than one core, a byte-splittable encoding; SLACTL_JOBS=1 turns it off."""
    if os.environ.get("SLACTL_JOBS", "").strip() == "1":
        return False
    try:
        size = os.path.getsize(export.path)
    except OSError:
        return False
    return (size >= MIN_BYTES and (os.cpu_count() or 1) >= 2 and export.encoding.lower() in _ASCII_COMPATIBLE
            and "fork" in multiprocessing.get_all_start_methods())


def _data_start(export: Export) -> int | None:
    """Byte offset just after the header record (None if it cannot be told)."""
    with open(export.path, "rb") as fh:
        consumed = 0
        lines = []
        for raw in fh:
            lines.append(raw)
            consumed += len(raw)
            if consumed > 4 * 1024 * 1024:
                return None
            try:
                text = b"".join(lines).decode(export.encoding)
            except UnicodeDecodeError:
                return None
            recs = list(csv.reader(io.StringIO(text, newline=""), delimiter=export.delimiter))
            if any(recs) and text.endswith(("\n", "\r")) and text.count('"') % 2 == 0:
                return consumed
    return None


def _cut(path: str, start: int, size: int) -> int | None:
    """A newline near the middle with an even number of quotes before it."""
    mid = start + (size - start) // 2
    quotes = 0
    with open(path, "rb") as fh:
        fh.seek(start)
        left = mid - start
        while left > 0:
            block = fh.read(min(left, 1 << 22))
            if not block:
                return None
            quotes += block.count(b'"')
            left -= len(block)
        pos = mid
        while True:
            block = fh.read(1 << 16)
            if not block:
                return None
            i = 0
            while True:
                nl = block.find(b"\n", i)
                q = block.count(b'"', i, len(block) if nl < 0 else nl)
                quotes += q
                if nl < 0:
                    break
                if quotes % 2 == 0:
                    return pos + nl + 1
                i = nl + 1
            pos += len(block)


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


class Sink(Protocol):
    """Where one half writes its tickets (the per-ticket formats), see ``reporters.score``."""

    def ticket(self, result: Any) -> None: ...

    def rejected(self, item: Rejected) -> None: ...


def _run(export: Export, scorer: Scorer, start: int, end: int, sentinel: bool, sink: Sink | None,
         update: Callable[[float], None] | None = None) -> tuple[int, list[Rejected], bool]:
    """Score the records in bytes [start, end): tallied, and written to ``sink`` when given.
    Returns (rows, rejected, whether the range ended on a record boundary)."""
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
            if update is not None and n % 20000 == 0:  # this half's share of the work
                update(raw.consumed / max(end - start, 1))
    finally:
        text.close()
    return n, rejected, (records.clean if sentinel else True)  # type: ignore[union-attr]


def _state(scorer: Scorer) -> dict[str, Any]:
    return {"groups": scorer.groups, "by": scorer.by, "targets": scorer.targets,
            "match_counts": scorer.match_counts, "worst": scorer.worst, "seq": scorer._seq,
            "created_after_as_of": scorer.created_after_as_of, "no_rule_priorities": scorer.no_rule_priorities,
            "pauses_not_applied": scorer.pauses_not_applied, "unmatched": scorer.unmatched.state()}


def _merge(scorer: Scorer, other: dict[str, Any]) -> None:
    for attr in ("groups", "by"):
        mine: dict = getattr(scorer, attr)
        for key, g in other[attr].items():
            target = mine.setdefault(key, Group())
            for name in ("tickets", "met", "breached", "pending", "missing", "unmeasured", "at_risk"):
                setattr(target, name, getattr(target, name) + getattr(g, name))
            target.elapsed.extend(g.elapsed)
            target.paused.extend(g.paused)
            target.targets |= g.targets
    scorer.targets.update(other["targets"])
    scorer.created_after_as_of += other["created_after_as_of"]
    scorer.pauses_not_applied |= other["pauses_not_applied"]
    for key, count in other["no_rule_priorities"].items():
        scorer.no_rule_priorities[key] = scorer.no_rule_priorities.get(key, 0) + count
    for kind, count in other["match_counts"].items():
        scorer.match_counts[kind] += count
    scorer.unmatched.merge(other["unmatched"])
    offset = scorer._seq + 1
    for overrun, neg_seq, breach in other["worst"]:
        item = (overrun, neg_seq - offset, breach)  # later in the file than every first-half breach
        if len(scorer.worst) < scorer._worst_n:
            heapq.heappush(scorer.worst, item)
        elif item > scorer.worst[0]:
            heapq.heapreplace(scorer.worst, item)


def score_parallel(export: Export, make_scorer: Callable[[], Scorer], reporter: Any = None,
                   update: Callable[[float], None] | None = None) -> tuple[Scorer, int, list[Rejected]] | None:
    """Score the whole export on two cores: (scorer, rows, rejected), or None when the
    file cannot be split safely (the caller then takes the one-pass way; nothing has
    been written then). With a per-ticket ``reporter`` (json, csv) each half writes
    its tickets to a temporary file, and the halves reach the reporter in file order."""
    size = os.path.getsize(export.path)
    start = _data_start(export)
    if start is None:
        return None
    cut = _cut(export.path, start, size)
    if cut is None or cut >= size:
        return None
    halves = [tempfile.TemporaryFile(), tempfile.TemporaryFile()] if reporter is not None else [None, None]
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            scorer = make_scorer()
            with _sink(reporter, halves[1]) as sink:
                n, rejected, _ = _run(export, scorer, cut, size, False, sink)
            send.send(("ok", n, rejected, _state(scorer), export.range_seen))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which falls back
            send.send(("error", repr(exc)))
        finally:
            send.close()
            # Leave at once: the normal exit flushes stdout/stderr, whose locks a thread of
            # the parent (the progress bar's refresh) may have held at the fork.
            os._exit(0)

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    send.close()
    message = None
    try:
        scorer = make_scorer()
        with _sink(reporter, halves[0]) as sink:
            n1, rejected1, clean = _run(export, scorer, start, cut, True, sink, update)
        if clean:
            try:
                message = receive.recv()
            except EOFError:
                message = None
    finally:
        if message is None and proc.is_alive():
            proc.terminate()
        proc.join(timeout=30)
        if proc.is_alive():  # never wait on a stuck child: its results are in hand or unwanted
            proc.kill()
            proc.join()
        receive.close()
    try:
        if not clean or message is None or message[0] != "ok":
            return None
        _, n2, rejected2, state, seen2 = message
        if set(seen2).intersection(export.range_seen):  # an id in both halves: an event log (see slactl.scorerun)
            raise RepeatedIds(n1, "")
        _merge(scorer, state)
        for r in rejected2:
            r.row += n1
        if reporter is not None:
            for half, offset in ((halves[0], 0), (halves[1], n1)):
                assert half is not None
                half.seek(0)
                reporter.merge(io.TextIOWrapper(half, encoding="utf-8", newline=""), offset)
        return scorer, n1 + n2, rejected1 + rejected2
    finally:
        for half in halves:
            if half is not None:
                half.close()


@contextlib.contextmanager
def _sink(reporter: Any, half: Any) -> Iterator[Sink | None]:
    """The reporter's writer for one half, over that half's temporary file."""
    if reporter is None:
        yield None
        return
    text = io.TextIOWrapper(half, encoding="utf-8", newline="", write_through=False)
    try:
        yield reporter.sink(text)
    finally:
        text.flush()
        text.detach()  # the binary file stays open for the merge
