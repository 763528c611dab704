"""The docs cannot drift: every command has help with a real example and a README section,
and the README's Quick start is exactly the two commands CI and new users run."""
from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    from slactl.cli import app
    from typer.main import get_command

    return sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_all_commands_are_known():
    assert _commands() == ["alert", "availability", "calls", "clone", "diff", "expiring", "explain", "hours",
                           "list", "mapping", "notify", "renew", "report", "schema", "score", "translations",
                           "validate"]


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example(run_line, command):
    result = run_line(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "slactl " in result.stdout.split("Example:")[1]


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"^#+ .*\b{command}\b", README, re.M), f"no README heading mentions {command}"
    assert f"slactl {command}" in README or f" {command} " in README


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    block = re.search(r"^## Quick start.*?^```[a-z]*\n(.*?)^```", README, re.S | re.M)
    assert block
    commands = [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
    assert commands == ["python3 dev.py demo", "python3 dev.py test"]
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_version(run_line):
    from slactl import __version__

    result = run_line("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"slactl {__version__}"
