"""Shared fixtures: the CLI invoked as users invoke it, and fresh workspaces on disk."""
from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "examples"


@pytest.fixture
def run_line():
    """Run ``slactl ARGS...`` in-process; a traceback fails the test (catch_exceptions=False)."""
    from slactl.cli import app

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(app, list(args), catch_exceptions=False, env=env, input=input)

    return run


@functools.lru_cache(maxsize=None)
def _tracked() -> tuple[str, ...] | None:
    """The repository's own files (``git ls-files``), or None outside a git checkout."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    return tuple(sorted(n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n))


def repository_files(folder: str = "") -> list[str]:
    """The files under ``folder`` (relative to the repository) that the repository holds.

    In a checkout: the files git tracks, so nothing a user or a README example left behind
    (a state file, a cloned agreement, an export written by hand) reaches a test. Elsewhere
    (an unpacked sdist): every file but hidden ones and caches.
    """
    prefix = folder.rstrip("/") + "/" if folder else ""
    tracked = _tracked()
    if tracked is not None:
        return [n[len(prefix):] for n in tracked if n.startswith(prefix) and (ROOT / n).is_file()]
    base = ROOT / folder
    return sorted(str(p.relative_to(base)) for p in base.rglob("*")
                  if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                              for part in p.relative_to(base).parts))


def copy_repository(folder: str, target: Path) -> Path:
    """Copy ``folder`` of the repository (``"agreements"``, ``"examples"``, ``""`` = all) to ``target``."""
    for name in repository_files(folder):
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / folder / name, dest)
    target.mkdir(parents=True, exist_ok=True)
    return target


def copy_bundled(target: Path, sub: str = "") -> Path:
    """A private copy of the bundled workspace (or of its folder ``sub``): the repository's files only."""
    return copy_repository(f"agreements/{sub}".rstrip("/"), target)


def _pristine(folder: str, *beside: str) -> Path:
    """A copy of the repository's ``folder`` (and of the folders ``beside`` it, so the layout is the
    repository's), made once per test run and removed at its end."""
    import atexit
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="slactl-tests-"))
    atexit.register(shutil.rmtree, base, True)
    for other in beside:
        copy_repository(other, base / other)
    return copy_repository(folder, base / folder)


# The bundled workspace as the repository holds it: what a user's runs (README examples,
# a clone, a draft renewal, a state file) leave in ./agreements never reaches a test.
BUNDLED = _pristine("agreements", "examples")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the bundled workspace."""
    return copy_bundled(tmp_path / "agreements")


@pytest.fixture
def ws(workspace: Path) -> Path:
    """The bundled workspace, copied (the lifecycle tests' name for it)."""
    return workspace


def state_file(ws: Path, kind: str = "notices") -> Path:
    """Where slactl keeps ``ws``'s state of ``kind`` (notices, alerts) in this test's state directory."""
    import os

    from slactl.mail import location

    path = Path(location.default_path(str(ws), kind, os.environ))
    path.parent.mkdir(parents=True, exist_ok=True)  # so a test can plant a file there
    return path


def run_in_workspace(ws: Path, *args: str):  # type: ignore[no-untyped-def]
    """``slactl -w WS ARGS...`` in-process; a traceback fails the test."""
    from slactl.cli import app

    return CliRunner().invoke(app, ["-w", str(ws), *args], catch_exceptions=False)


@pytest.fixture(autouse=True)
def _no_home_writes(tmp_path_factory, monkeypatch):
    """Nothing slactl does may write to the real $HOME."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("SLACTL_WORKSPACE", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)  # the holiday cache goes under the test's HOME
    monkeypatch.delenv("SLACTL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))  # notices/alerts state
    monkeypatch.delenv("SLACTL_STATE_DIR", raising=False)
    yield
    from slactl.workspace import holidaydata

    holidaydata.uninstall()  # a command installed the cache of this test's HOME
