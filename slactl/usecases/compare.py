"""``score --compare REF``: the same tickets scored under the workspace and under REF (another
workspace folder, or a git revision of this one), side by side.

The reporter the user chose is wrapped: each ticket it is given is scored again under REF as
it streams (one pass over the export, one extra scorer), and at the end the comparison joins
the JSON as a top-level ``compare`` object, or follows the text as a table.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import IO, Any

from slactl.core.compare import Comparison
from slactl.core.model import Workspace
from slactl.core.pauses import from_snapshots
from slactl.core.scoring import Scorer, TicketResult
from slactl.errors import InputError

FORMATS = ("json", "text", "table", "markdown")


@contextlib.contextmanager
def other_workspace(root: str, ref: str) -> Iterator[tuple[str, Workspace]]:
    """(how REF is named, its workspace): a folder when one is there, else a git revision of ``root``."""
    if os.path.isdir(ref):
        from slactl.workspace.loader import load_workspace

        loaded = load_workspace(ref)
        if not loaded.files:
            raise InputError(f"--compare {ref}: the folder holds no .yaml or .yml files")
        _refuse_errors(loaded, f"--compare {ref}")
        yield f"workspace {ref}", loaded.workspace
        return
    from slactl.workspace.gitrev import workspace_at

    with workspace_at(root, ref) as (commit, loaded):
        _refuse_errors(loaded, f"--compare {ref}")
        yield f"revision {ref} ({commit[:7]})", loaded.workspace


def _refuse_errors(loaded: Any, where: str) -> None:
    from slactl.workspace.checks import SCORABLE

    errors = [f for f in loaded.errors if f.code not in SCORABLE]
    if errors:
        first = errors[0]
        raise InputError(f"{where}: the agreements there do not validate ({len(errors)} error(s); first: "
                         f"{os.path.basename(first.file)}:{first.line}: {first.message})")


def comparing(inner_cls: Any, fmt: str, ref: str, other: Workspace, as_of: float, source: Any) -> Any:
    """A reporter class like ``inner_cls`` that also scores every ticket under ``other``."""
    if fmt not in FORMATS:
        raise InputError(f"--compare goes with --format {', '.join(FORMATS)}, not {fmt}")

    class CompareReporter:
        summary_only = False  # every ticket is needed, to score it again

        def __init__(self, out: IO[str], meta: Any) -> None:
            self.out = out
            self.inner = inner_cls(out, meta)
            self.other = Scorer(other, as_of, has_first_response=source.has_first_response,
                                has_resolution=source.has_resolution)
            self.comparison = Comparison()
            self.summary_only_inner = getattr(inner_cls, "summary_only", False)

        def ticket(self, r: TicketResult) -> None:
            snaps = r.ticket.snapshots
            self.comparison.add(r, self.other.score(r.ticket, from_snapshots(snaps) if snaps else None))
            if not self.summary_only_inner:
                self.inner.ticket(r)

        def rejected(self, item: Any) -> None:
            handler = getattr(self.inner, "rejected", None)
            if handler is not None:
                handler(item)

        def finish(self, meta: Any, scorer: Scorer) -> None:
            data = {"ref": ref, "objectives": self.comparison.rows(scorer.summary(), self.other.summary()),
                    "flipped": [f.as_dict() for f in self.comparison.flipped]}
            if fmt == "json":
                meta.extra["compare"] = data
                self.inner.finish(meta, scorer)
                return
            self.inner.finish(meta, scorer)
            from slactl.reporters.compare import write_comparison

            write_comparison(self.out, data, markdown=fmt == "markdown")

    return CompareReporter


def compare_report(root: str, ref: str, result: Any, lang: str | None, build: Any) -> None:
    """``report --compare REF``: ``build(workspace)`` scores the export again under REF's terms and
    each section of ``result`` gains the same objectives under them."""
    from slactl.reporters.compare import compare_extras

    with other_workspace(root, ref) as (_, other):
        theirs = build(other)
    shown = os.path.basename(os.path.normpath(ref)) if os.path.isdir(ref) else ref  # a customer reads it
    compare_extras([s for c in result.customers for s in c.sections],
                   [s for c in theirs.customers for s in c.sections], shown, lang)
