"""The score loop: export rows in, reporter out. Kept apart from the CLI so it can be
driven (and benchmarked) without Typer."""
from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Callable, Iterator

from slactl.core.model import Workspace
from slactl.core.pauses import from_snapshots
from slactl.core.tickets import Rejected, TicketRow
from slactl.exports.reader import Export, RepeatedIds
from slactl.reporters.score import Meta
from slactl.core.scoring import Scorer

if TYPE_CHECKING:
    from slactl.exports.historyjoin import HistoryLookup
    from slactl.usecases.tickets import TicketRun


@dataclass(slots=True)
class ScoreResult:
    """What one ``score`` run counted: the scorer's totals, the run's facts, and what to say."""

    scorer: Scorer
    meta: Meta
    left_out: int | None = None  # tickets outside the selection (None: no selection)
    warnings: list[str] = field(default_factory=list)


def score_tickets(ws: Workspace, run: TicketRun, reporter_cls: Any, out: IO[str], *,
                  group_by: str = "agreement", progress: bool | None = None, engine: str = "python",
                  say: Callable[[str], None] | None = None) -> ScoreResult:
    """``score`` over the one reading of the export (:mod:`slactl.usecases.tickets`); ``engine``
    and ``say``: see ``run_score``."""
    from slactl.usecases.tickets import check_customer_seen, customer_known, service_notice

    selecting = run.filter is not None or bool(run.exclusions)
    customer = run.options.customer
    with _held(out, customer is not None and not customer_known(ws, customer)) as (target, hold):
        scorer, meta = run_score(ws, run.source, run.as_of, reporter_cls, target, group_by=group_by,
                                 progress=progress, history=run.history, with_meta=True,
                                 keep=run.keep if selecting else None, jobs=run.options.jobs,
                                 engine=engine, say=say)
        check_customer_seen(ws, run)  # a misspelt customer: an error, and nothing written
        hold()
    result = ScoreResult(scorer, meta, run.filter.left_out if run.filter is not None else None)
    took = sorted({name for (name, _, _), g in scorer.groups.items() if g.tickets})
    notice = service_notice(ws, run.source, took)
    if notice:
        result.warnings.append(notice)
    return result


def _selected(items: Iterator[TicketRow | Rejected], keep: Callable[[TicketRow], bool],
              history: HistoryLookup | None) -> Iterator[TicketRow | Rejected]:
    """The rejected rows and the tickets ``keep`` takes; the history rows of the others are passed
    over as rows outside the selection."""
    for item in items:
        if type(item) is Rejected or keep(item):  # type: ignore[arg-type]
            yield item
        elif history is not None:
            history.skip(item.id)  # type: ignore[union-attr]


@contextlib.contextmanager
def _held(out: IO[str], holding: bool) -> Iterator[tuple[IO[str], Callable[[], None]]]:
    """``out``, or (``holding``: a ``--customer`` only the export can confirm) a temporary
    file copied to ``out`` by the function yielded with it, once the customer is confirmed."""
    if not holding:
        yield out, lambda: None
        return
    import shutil
    import tempfile

    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        def release() -> None:
            spool.seek(0)
            shutil.copyfileobj(spool, out)
        yield spool, release


def below_target(scorer: Scorer, threshold: float | str) -> tuple[list[str], bool]:
    """``--fail-under``: one line in words per failing group, and whether any group was judged.
    'target' judges each agreement x priority against its own target; a percentage judges
    the rows shown (the --group-by groups)."""
    rows = scorer.summary() if threshold == "target" else scorer.grouped()
    judged = [r for r in rows if r.get("compliance_pct") is not None]
    lines = []
    for r in judged:
        goal = r["target_pct"] if threshold == "target" else threshold
        failing = r.get("ok") is False if threshold == "target" else r["compliance_pct"] < goal  # type: ignore[operator]
        if failing:
            what = ", ".join(f"{key} {r[key]}" for key in ("agreement", *GROUP_KEYS) if r.get(key) not in (None, ""))
            lines.append(below_line(what, str(r["metric"]), r["compliance_pct"], r["met"], r["breached"],  # type: ignore[arg-type]
                                    goal, threshold == "target"))  # type: ignore[arg-type]
    return lines, bool(judged)


def below_line(what: str, metric: str, compliance: float, met: int, breached: int, goal: float,
               own_target: bool) -> str:
    """``agreement acme, priority P2, resolution: 87.5 % compliance (14 met, 2 breached of 16
    judged) is below the agreement target of 95 %`` (the display rounding of every page)."""
    from slactl.core.figures import percent_text

    return (f"{what}, {metric.replace('_', ' ')}: {percent_text(compliance, goal)} % compliance ({met} met, "
            f"{breached} breached of {met + breached} judged) is below the "
            f"{'agreement' if own_target else '--fail-under'} target of {percent_text(goal)} %")


GROUP_KEYS = ("customer", "priority", "service", "month")


def run_score(ws: Workspace, source: Export, as_of: float, reporter_cls: Any, out: IO[str], *,
              group_by: str = "agreement", progress: bool | None = None,
              history: HistoryLookup | None = None, with_meta: bool = False,
              keep: Callable[[TicketRow], bool] | None = None, jobs: int | None = 1,
              engine: str = "python", say: Callable[[str], None] | None = None) -> Any:
    """Score every row of ``source`` into ``out``; returns the scorer with the totals.

    With ``history`` each ticket's status changes pause its clocks (one pass, one core).
    With ``keep`` (``score --customer/--agreement/--period``) only the rows it accepts are
    scored and counted; rejected rows are always reported. Filtering runs on one core.
    ``jobs``: processes to score with (None: one per core for a big export, see
    ``slactl.usecases.parallel``); a history, a filter or an event log take one.
    ``engine``: ``python``, ``columnar`` or ``auto`` (see ``slactl.usecases.engine``); ``say``
    tells why an explicit ``columnar`` streams after all.
    """
    from zoneinfo import ZoneInfo

    meta = Meta(as_of=as_of, timezone=source.timezone, preset=source.preset, path=source.path, rejected=[],
                encoding=source.encoding_name)

    scorer_args: dict[str, Any] = {
        "as_of": as_of, "has_first_response": source.has_first_response, "has_resolution": source.has_resolution,
        "group_by": group_by, "report_zone": ZoneInfo(source.timezone), "history": history is not None}

    from slactl.core.behind import wanted

    behind = wanted(ws) or history is not None  # OLAs, replies, first contact (slactl.core.behind)

    def make_scorer() -> Scorer:
        scorer = Scorer(ws, **scorer_args)
        if behind:
            from slactl.core.behind import BehindScorer

            scorer.behind = BehindScorer(ws, as_of)
        return scorer

    summary_only = getattr(reporter_cls, "summary_only", False)
    from slactl.usecases.engine import columnar_wanted

    parallel = history is None and keep is None and not source.collapse and not behind and _jobs(source, jobs) > 1
    columnar = columnar_wanted(engine, source, history=history is not None, parallel=parallel, say=say)
    # An event log is only known at its first repeated id: the report is then started
    # again (see slactl.exports.collapse), so a streamed report must be rewindable.
    with _rewindable(out, summary_only) as (target, rewind):
        reporter = reporter_cls(target, meta)
        with _progress_bar(source, progress) as update:
            from slactl.exports.historyjoin import OutOfOrder

            done = None
            for _ in range(3):  # at most: an event log found, then a history out of order
                try:
                    if columnar:
                        columnar = False  # tried once: a second pass streams
                        done = _columnar_pass(source, make_scorer(), reporter, summary_only, keep, engine, say,
                                              update)
                        if done is None:  # it stopped inside the file: the report from the top
                            rewind()
                            reporter = reporter_cls(target, meta)
                    n = _jobs(source, jobs) if history is None and keep is None and not source.collapse \
                        and not behind else 1
                    if done is None and n > 1 and (summary_only or hasattr(reporter, "append_part")):
                        from slactl.usecases.parallel import score_parallel

                        done = score_parallel(source, n, ws, scorer_args, None if summary_only else reporter, update)
                        if done is None:  # the file could not be cut: one pass, the report from the top
                            rewind()
                            reporter = reporter_cls(target, meta)
                    if done is None:
                        done = _one_pass(source, make_scorer(), reporter, summary_only, update, history, keep)
                    break
                except RepeatedIds:
                    source.collapse = True
                    if history is not None:
                        history.restart()
                except OutOfOrder:
                    assert history is not None
                    history.restart(indexed=True)
                done = None
                rewind()
                reporter = reporter_cls(target, meta)
        assert done is not None  # a third pass raises neither: it collapses and it indexes
        scorer, meta.rows, meta.rejected = done
        meta.collapsed = source.collapsed
        meta.rows += meta.collapsed
        meta.scored = meta.rows - len(meta.rejected) - meta.collapsed
        meta.notes = list(source.notes)
        if history is not None:
            meta.history = history.finish()
            meta.pause_notes.extend(history.notes)
        elif source.collapse and source.snapshot_column is not None:
            scorer.pauses_not_applied.clear()  # the event log's snapshots were the history
        if scorer.pauses_not_applied:
            meta.pause_notes.append(pauses_notice(scorer))
        if scorer.behind is not None:
            from slactl.core.behind import no_rule_notes

            meta.pause_notes.extend(scorer.behind.notes() + no_rule_notes(scorer.behind.olas))
        reporter.finish(meta, scorer)
    return (scorer, meta) if with_meta else scorer


def _jobs(source: Export, jobs: int | None) -> int:
    if jobs == 1:
        return 1
    from slactl.usecases.parallel import jobs_for

    return jobs_for(source, jobs)


def pauses_notice(scorer: Scorer) -> str:
    """The one line said when pauses are configured but no status history was given."""
    return f"no status history: pauses in {', '.join(sorted(scorer.pauses_not_applied))} not applied"


@contextlib.contextmanager
def _rewindable(out: IO[str], summary_only: bool) -> Iterator[tuple[IO[str], Callable[[], None]]]:
    """``out`` (or a temporary file copied to it at the end) and a function that empties
    what was written so far."""
    if summary_only:  # writes only at the end
        yield out, lambda: None
        return
    try:
        start = out.tell() if out.seekable() else -1
    except (OSError, ValueError):
        start = -1
    if start >= 0:
        def rewind() -> None:
            out.seek(start)
            with contextlib.suppress(OSError):  # /dev/null and other devices
                out.truncate()
        yield out, rewind
        return
    import shutil
    import tempfile

    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        def rewind_spool() -> None:
            spool.seek(0)
            spool.truncate()
        yield spool, rewind_spool
        spool.seek(0)
        shutil.copyfileobj(spool, out)


def _columnar_pass(source: Export, scorer: Scorer, reporter: Any, summary_only: bool,
                   keep: Callable[[TicketRow], bool] | None, engine: str,
                   say: Callable[[str], None] | None, update: Callable[[float], None] | None = None
                   ) -> tuple[Scorer, int, list[Rejected]] | None:
    """``_one_pass`` over the rows of the columnar reader; None where it stopped (said by
    ``slactl.usecases.engine.gave_up``)."""
    from slactl.exports.columnar import NotColumnar
    from slactl.usecases.engine import columnar_rows, gave_up

    try:
        return _one_pass(source, scorer, reporter, summary_only, None, None, keep,
                         columnar_rows(source, update))
    except NotColumnar as e:
        gave_up(engine, source, e, say)
        return None


def _one_pass(source: Export, scorer: Scorer, reporter: Any, summary_only: bool,
              update: Callable[[float], None] | None,
              history: HistoryLookup | None = None,
              keep: Callable[[TicketRow], bool] | None = None,
              rows: Iterator[TicketRow] | None = None) -> tuple[Scorer, int, list[Rejected]]:
    """Every row in order, in this process: (scorer, rows, rejected). ``rows``: read by
    another engine than the source's own streaming reader."""
    on_rejected = getattr(reporter, "rejected", None)
    rejected: list[Rejected] = []
    score, emit, tally = scorer.score, reporter.ticket, scorer.tally
    if scorer.behind is not None:
        from slactl.usecases.behind import measured

        score, tally = measured(scorer, history)
    changes = history.changes if history is not None else None
    n = 0
    items: Iterator[TicketRow | Rejected] = (rows if rows is not None else  # type: ignore[assignment]
                                             _reporting(source, update) if update is not None else iter(source))
    if keep is not None:
        items = _selected(items, keep, history)
    for item in items:
        n += 1
        if type(item) is Rejected:
            rejected.append(item)
            if on_rejected is not None:
                on_rejected(item)
        elif changes is not None:
            found = changes(item.id)  # type: ignore[union-attr]
            if summary_only:
                tally(item, found)  # type: ignore[arg-type]
            else:
                emit(score(item, found))  # type: ignore[arg-type]
        else:  # an event log's snapshots are the ticket's history (without --history)
            snaps = item.snapshots  # type: ignore[union-attr]  # type() above narrowed it to TicketRow
            found = from_snapshots(snaps) if snaps else None
            if summary_only:
                tally(item, found)  # type: ignore[arg-type]
            else:
                emit(score(item, found))  # type: ignore[arg-type]
    if history is not None:
        history.drain()  # may still find the history out of order
    return scorer, n, rejected


@contextlib.contextmanager
def _progress_bar(source: Export, progress: bool | None) -> Iterator[Callable[[float], None] | None]:
    """A Rich progress bar on stderr (by default for files over 5 MiB when stderr is a
    terminal); yields a function taking the fraction done, or None without a bar."""
    try:
        size = os.path.getsize(source.path)
    except OSError:
        size = 0
    if progress is None:
        progress = sys.stderr.isatty() and size > 5 * 1024 * 1024
    if not progress:
        yield None
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    from slactl.console import make_console

    with Progress("scoring", BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                  console=make_console(stderr=True), transient=True) as bar:
        task = bar.add_task("score", total=1.0)
        yield lambda fraction: bar.update(task, completed=min(fraction, 1.0))


def _reporting(source: Export, update: Callable[[float], None]) -> Iterator[TicketRow | Rejected]:
    size = max(os.path.getsize(source.path), 1)
    for i, item in enumerate(source, 1):
        if i % 20000 == 0:
            update(source.position() / size)
        yield item
