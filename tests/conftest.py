"""Shared fixtures: the CLI invoked as users invoke it, and fresh workspaces on disk."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "agreements"
EXAMPLES = Path(__file__).resolve().parent / "examples"


@pytest.fixture
def run_line():
    """Run ``slactl ARGS...`` in-process; a traceback fails the test (catch_exceptions=False)."""
    from slactl.cli import app

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(app, list(args), catch_exceptions=False, env=env, input=input)

    return run


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the bundled workspace."""
    target = tmp_path / "agreements"
    shutil.copytree(BUNDLED, target)
    return target


@pytest.fixture
def ws(workspace: Path) -> Path:
    """The bundled workspace, copied (the lifecycle tests' name for it)."""
    return workspace


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
    yield
    from slactl.workspace import holidaydata

    holidaydata.uninstall()  # a command installed the cache of this test's HOME
