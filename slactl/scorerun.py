"""The score loop: export rows in, reporter out. Kept apart from the CLI so it can be
driven (and benchmarked) without Typer."""
from __future__ import annotations

import contextlib
import os
import sys
from typing import IO, Any, Callable, Iterator

from slactl.exports.reader import Export, Rejected, TicketRow
from slactl.core.model import Workspace
from slactl.reporters.score import Meta
from slactl.core.scoring import Scorer


def run_score(ws: Workspace, source: Export, as_of: float, reporter_cls: Any, out: IO[str], *,
              group_by: str = "agreement", progress: bool | None = None,
              keep: Callable[[TicketRow], bool] | None = None) -> Scorer:
    """Score every row of ``source`` into ``out``; returns the scorer with the totals.

    With ``keep`` (``score --customer/--agreement/--period``) only the rows it accepts are
    scored and counted; rejected rows are always reported. Filtering runs on one core.
    """
    from zoneinfo import ZoneInfo

    meta = Meta(as_of=as_of, timezone=source.timezone, preset=source.preset, path=source.path, rejected=[])

    def make_scorer() -> Scorer:
        return Scorer(ws, as_of, has_first_response=source.has_first_response,
                      has_resolution=source.has_resolution, group_by=group_by,
                      report_zone=ZoneInfo(source.timezone))

    reporter = reporter_cls(out, meta)
    summary_only = getattr(reporter, "summary_only", False)
    with _progress_bar(source, progress) as update:
        from slactl import parallel

        done = None
        if keep is None and parallel.worth_it(source) and (summary_only or hasattr(reporter, "merge")):
            done = parallel.score_parallel(source, make_scorer, None if summary_only else reporter, update)
        if done is None:
            done = _one_pass(source, make_scorer(), reporter, summary_only, update, keep)
    scorer, meta.rows, meta.rejected = done
    meta.scored = meta.rows - len(meta.rejected)
    reporter.finish(meta, scorer)
    return scorer


def _one_pass(source: Export, scorer: Scorer, reporter: Any, summary_only: bool,
              update: Callable[[float], None] | None,
              keep: Callable[[TicketRow], bool] | None = None) -> tuple[Scorer, int, list[Rejected]]:
    """Every row in order, in this process: (scorer, rows, rejected)."""
    on_rejected = getattr(reporter, "rejected", None)
    rejected: list[Rejected] = []
    score, emit, tally = scorer.score, reporter.ticket, scorer.tally
    n = 0
    items: Iterator[TicketRow | Rejected] = _reporting(source, update) if update is not None else iter(source)
    if keep is not None:
        items = (i for i in items if type(i) is Rejected or keep(i))  # type: ignore[arg-type]
    for item in items:
        n += 1
        if type(item) is Rejected:
            rejected.append(item)
            if on_rejected is not None:
                on_rejected(item)
        elif summary_only:
            tally(item)  # type: ignore[arg-type]  # type() above narrowed it to TicketRow
        else:
            emit(score(item))  # type: ignore[arg-type]
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
