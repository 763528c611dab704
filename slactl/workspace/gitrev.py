"""A workspace as it was at a git revision, read through ``git`` itself (no library): the
workspace's folder inside its repository, its YAML files at the revision (``git ls-tree``,
then every blob in one ``git cat-file --batch``), copied to a temporary folder and loaded
as any workspace is."""
from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator

from slactl.errors import InputError
from slactl.workspace.loader import SKIPPED_FOLDERS, YAML_SUFFIXES, Loaded, load_workspace


def _git(root: str, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", root, *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed (or not on PATH): comparing with a revision needs it") from None
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, args, done.stdout, done.stderr)
    return done.stdout


def repository(root: str) -> tuple[str, str]:
    """(top folder of the repository, the workspace's path inside it with a trailing '/', or '')."""
    if not os.path.isdir(root):
        raise InputError(f"workspace {root} is not a folder")
    try:
        top = _git(root, "rev-parse", "--show-toplevel").decode("utf-8", "replace").strip()
        prefix = _git(root, "rev-parse", "--show-prefix").decode("utf-8", "replace").strip()
    except subprocess.CalledProcessError:
        raise InputError(f"workspace {root} is not in a git repository: 'diff' and '--compare REV' compare "
                         "with a git revision (git init, commit, then compare; or give another workspace "
                         "folder)") from None
    return top, prefix


def resolve(root: str, rev: str) -> str:
    """The commit ``rev`` names; a clear error when it names none."""
    if rev.startswith("-"):
        raise InputError(f"'{rev}' is not a git revision")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", rev + "^{commit}").decode().strip()
    except subprocess.CalledProcessError:
        raise InputError(f"'{rev}' is not a revision of the repository of {root} (a commit, branch or tag, "
                         "e.g. HEAD~1)") from None


def _files(top: str, commit: str, prefix: str) -> list[tuple[str, str]]:
    """(path inside the workspace, blob id) of each YAML file at ``commit``, skipping what discovery skips."""
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or ".")
    out = []
    for item in listing.split(b"\0"):
        if not item:
            continue
        meta, _, raw = item.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        path = raw.decode("utf-8", "surrogateescape")
        rel = path[len(prefix):] if prefix and path.startswith(prefix) else path
        parts = rel.split("/")
        if kind != "blob" or mode == "120000" or not rel.endswith(YAML_SUFFIXES) or parts[-1].startswith("."):
            continue
        if any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts[:-1]):
            continue
        out.append((rel, blob))
    return out


@contextlib.contextmanager
def workspace_at(root: str, rev: str) -> Iterator[tuple[str, Loaded]]:
    """(commit, the workspace loaded as it was at ``rev``); the copy is removed afterwards."""
    top, prefix = repository(root)
    commit = resolve(root, rev)
    files = _files(top, commit, prefix)
    with tempfile.TemporaryDirectory(prefix="slactl-rev-") as tmp:
        if files:
            batch = _git(top, "cat-file", "--batch", stdin=b"".join(blob.encode() + b"\n" for _, blob in files))
            at = 0
            for rel, _blob in files:
                header_end = batch.index(b"\n", at)
                size = int(batch[at:header_end].split()[2])
                content = batch[header_end + 1:header_end + 1 + size]
                at = header_end + 1 + size + 1
                target = os.path.join(tmp, *rel.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as fh:
                    fh.write(content)
        yield commit, load_workspace(tmp)
