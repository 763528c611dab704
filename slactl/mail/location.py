"""Where the state files live: outside the workspace, in the user's state directory.

A workspace is a folder people keep in git; what slactl has sent (notices, reports,
alerts) is this machine's memory, not part of the agreements. So the state files and
their locks and journals go to

1. ``--state FILE`` when given (that file, its ``.lock`` and ``.journal`` beside it);
2. else ``$SLACTL_STATE_DIR/`` (a folder: a CI cache, a volume, a committed path);
3. else ``$XDG_STATE_HOME/slactl/<key>/`` (``~/.local/state`` when XDG_STATE_HOME is
   unset), ``<key>`` being the workspace folder's name and a digest of its absolute
   path, so two workspaces on one machine never share a state.

An upgrade never sends anything twice: a state file at the old place in the workspace
(``.slactl-state.json``, ``.slactl-alerts.json``) is moved to the new place, with its
journal, and the run says so once; where it cannot be moved (a read-only folder, a dry
run), it is used where it is.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from dataclasses import dataclass
from typing import Callable, Mapping

from slactl.errors import InputError

ENV_DIR = "SLACTL_STATE_DIR"
NOTICES = "notices"  # lifecycle notices and mailed reports share one file
ALERTS = "alerts"
FILE_NAMES = {NOTICES: "notices.json", ALERTS: "alerts.json"}
OLD_NAMES = {NOTICES: ".slactl-state.json", ALERTS: ".slactl-alerts.json"}


@dataclass(frozen=True)
class StatePlace:
    path: str
    note: str | None = None  # one line for stderr: the state was moved, or is used where it is

    def told(self, say: Callable[[str], None]) -> str:
        """The path, once ``say`` (stderr) has had the note, if any."""
        if self.note:
            say("slactl: " + self.note)
        return self.path


def workspace_key(workspace: str) -> str:
    """``agreements-1a2b3c4d5e6f``: the folder's name and a digest of its absolute path."""
    absolute = os.path.realpath(os.path.abspath(workspace))
    digest = hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in os.path.basename(absolute))[:40] or "root"
    return f"{name}-{digest}"


def state_dir(workspace: str, env: Mapping[str, str]) -> str:
    """The folder the workspace's state files go to (not created here)."""
    chosen = (env.get(ENV_DIR) or "").strip()
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    base = (env.get("XDG_STATE_HOME") or "").strip()
    if not base or not os.path.isabs(base):  # the XDG spec: a relative value is ignored
        home = env.get("HOME") or os.path.expanduser("~")
        base = os.path.join(home, ".local", "state")
    return os.path.join(base, "slactl", workspace_key(workspace))


def default_path(workspace: str, kind: str, env: Mapping[str, str]) -> str:
    return os.path.join(state_dir(workspace, env), FILE_NAMES[kind])


def resolve(workspace: str, kind: str, explicit: str | None, env: Mapping[str, str], *,
            dry_run: bool = False) -> StatePlace:
    """The state file of ``kind`` for ``workspace``: ``--state``, else the state directory.

    Creates the state directory (0700) unless ``dry_run``; moves a state file left at the
    old place in the workspace (see the module's docstring).
    """
    if explicit:
        return StatePlace(explicit)
    path = default_path(workspace, kind, env)
    old = os.path.join(workspace, OLD_NAMES[kind])
    old_exists = os.path.lexists(old) or os.path.lexists(old + ".journal")
    if os.path.lexists(path) or os.path.lexists(path + ".journal"):
        if old_exists:
            return StatePlace(path, f"note: {old} is left from an older slactl and is not read; the state is "
                                    f"{path} (remove the old file, or pass --state {old} to use it)")
        return StatePlace(path)
    if old_exists and dry_run:
        return StatePlace(old, f"note: using the state file {old} where it is; the next run that is not a "
                               f"dry run moves it to {path}")
    folder = os.path.dirname(path)
    if not dry_run:
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError as exc:
            if old_exists:
                return StatePlace(old, f"note: using the state file {old} where it is: the state directory "
                                       f"{folder} cannot be created ({exc.strerror or exc})")
            raise InputError(f"cannot create the state directory {folder} ({exc.strerror or exc}); "
                             f"set {ENV_DIR} or pass --state FILE") from None
    if not old_exists:
        return StatePlace(path)
    try:
        _move(old, path)
    except OSError as exc:
        if os.path.lexists(path):  # another run moved it a moment ago
            return StatePlace(path)
        return StatePlace(old, f"note: using the state file {old} where it is: it cannot be moved to {path} "
                               f"({exc.strerror or exc})")
    return StatePlace(path, f"note: moved the state file {old} to {path}: state is now kept outside the "
                            f"workspace (set {ENV_DIR} or pass --state to choose the place)")


def _move(old: str, new: str) -> None:
    """The state file and its journal to their new place; the old lock is removed."""
    for suffix in ("", ".journal"):
        if os.path.lexists(old + suffix):
            shutil.move(old + suffix, new + suffix)
    with contextlib.suppress(OSError):
        os.unlink(old + ".lock")
