"""``slactl diff``: what changed in the agreements, policies, calendars and services between the
workspace on disk and a git revision, or between two revisions."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from slactl.core.changes import DocumentChange, workspace_changes
from slactl.core.model import Workspace
from slactl.errors import InputError
from slactl.workspace.loader import Loaded


@dataclass(frozen=True, slots=True)
class DiffResult:
    old: str  # "HEAD (3f2a1c0)"
    new: str  # "the workspace" or a revision
    changes: list[DocumentChange]


def _usable(loaded: Loaded, where: str) -> Workspace:
    errors = [f for f in loaded.errors]
    if not loaded.workspace.agreements and not loaded.workspace.policies and errors:
        raise InputError(f"{where}: the workspace does not load ({errors[0].message})")
    return loaded.workspace


@contextlib.contextmanager
def _side(root: str, rev: str | None, current: Loaded | None) -> Iterator[tuple[str, Workspace]]:
    if rev is None:
        assert current is not None
        yield "the workspace", current.workspace
        return
    from slactl.workspace.gitrev import workspace_at

    with workspace_at(root, rev) as (commit, loaded):
        yield f"{rev} ({commit[:7]})", _usable(loaded, f"revision {rev}")


def run_diff(root: str, current: Loaded | None, rev: str = "HEAD", rev2: str | None = None) -> DiffResult:
    """The changes from ``rev`` to ``rev2`` (None: the workspace on disk, ``current``)."""
    from slactl.workspace.gitrev import repository

    repository(root)  # not in git: one clear error before anything else
    with _side(root, rev, None) as (old_name, old), _side(root, rev2, current) as (new_name, new):
        return DiffResult(old_name, new_name, workspace_changes(old, new))
