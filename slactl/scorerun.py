"""The score loop: export rows in, reporter out. Kept apart from the CLI so it can be
driven (and benchmarked) without Typer."""
from __future__ import annotations

import os
import sys
from typing import IO, Any

from slactl.exports.reader import Export, Rejected
from slactl.model import Workspace
from slactl.reporters.score import Meta
from slactl.scoring import Scorer


def run_score(ws: Workspace, source: Export, as_of: float, reporter_cls: Any, out: IO[str], *,
              group_by: str = "agreement", progress: bool | None = None) -> Scorer:
    """Score every row of ``source`` into ``out``; returns the scorer with the totals."""
    from zoneinfo import ZoneInfo

    meta = Meta(as_of=as_of, timezone=source.timezone, preset=source.preset, path=source.path, rejected=[])

    def make_scorer() -> Scorer:
        return Scorer(ws, as_of, has_first_response=source.has_first_response,
                      has_resolution=source.has_resolution, group_by=group_by,
                      report_zone=ZoneInfo(source.timezone))

    reporter = reporter_cls(out, meta)
    summary_only = getattr(reporter, "summary_only", False)
    if summary_only and not progress:
        from slactl import parallel

        done = parallel.tally_parallel(source, make_scorer) if parallel.worth_it(source) else None
        if done is not None:
            scorer, meta.rows, meta.rejected = done
            meta.scored = meta.rows - len(meta.rejected)
            reporter.finish(meta, scorer)
            return scorer
    scorer = make_scorer()
    on_rejected = getattr(reporter, "rejected", None)
    rejected = meta.rejected
    score, emit = scorer.score, reporter.ticket
    tally = scorer.tally
    rows = _with_progress(source, progress)
    n = 0
    for item in rows:
        n += 1
        if type(item) is Rejected:
            rejected.append(item)  # type: ignore[union-attr]
            if on_rejected is not None:
                on_rejected(item)
            continue
        if summary_only:
            tally(item)  # type: ignore[arg-type]
        else:
            emit(score(item))  # type: ignore[arg-type]
    meta.rows = n
    meta.scored = n - len(rejected)  # type: ignore[arg-type]
    reporter.finish(meta, scorer)
    return scorer


def _with_progress(source: Export, progress: bool | None):  # type: ignore[no-untyped-def]
    """A Rich progress bar on stderr for big files when stderr is a terminal."""
    try:
        size = os.path.getsize(source.path)
    except OSError:
        size = 0
    if progress is None:
        progress = sys.stderr.isatty() and size > 5 * 1024 * 1024
    if not progress:
        return source
    return _progress_iter(source, size)


def _progress_iter(source: Export, size: int):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    from slactl.console import make_console

    with Progress("scoring", BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                  console=make_console(stderr=True), transient=True) as bar:
        task = bar.add_task("score", total=max(size, 1))
        for i, item in enumerate(source, 1):
            if i % 20000 == 0:
                bar.update(task, completed=source.position() if hasattr(source, "position") else 0)
            yield item
