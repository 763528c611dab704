"""What keeps a command's start-up small: one command module imported, the holidays
library read without importing it, and both giving the same answers as the slow way."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from slactl.cli import COMMANDS, command_name


@pytest.mark.parametrize("argv, name", [
    (["-w", "agreements", "score", "x.csv"], "score"),
    (["--workspace", "ws", "--debug", "validate"], "validate"),
    (["--workspace=ws", "list"], "list"),
    (["--help"], None),
    ([], None),
    (["--", "renew"], "renew"),
])
def test_command_name_skips_the_global_options(argv, name):
    assert command_name(argv) == name


def test_every_command_is_in_the_table():
    from typer.main import get_command

    from slactl.cli import app

    assert sorted(get_command(app).commands) == sorted(COMMANDS)  # type: ignore[attr-defined]


def test_validate_imports_only_its_own_command_module(tmp_path):
    code = ("import sys; from slactl.cli import main; code = main(['-w', 'agreements', 'validate']); "
            "print(sorted(m for m in sys.modules if m.startswith('slactl.cli.')), "
            "'holidays' in sys.modules, code, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    last = done.stderr.strip().splitlines()[-1]
    assert last == "['slactl.cli.base', 'slactl.cli.validate'] False 0"


def test_holiday_data_read_from_source_matches_the_library():
    import holidays
    from holidays.registry import COUNTRIES

    from slactl.workspace.holidaydata import country_modules, subdivisions

    assert country_modules() == {info[1]: (module, info[0]) for module, info in COUNTRIES.items()}
    for code in ("US", "DE", "RU", "GB", "AX", "AF", "CA", "PR"):
        assert subdivisions(code) == tuple(holidays.country_holidays(code).subdivisions), code


def test_the_summaries_are_the_commands_own_first_paragraphs():
    from typer.main import get_command

    from slactl.cli import SUMMARIES, app

    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert list(SUMMARIES) == list(COMMANDS)
    for name, summary in SUMMARIES.items():
        assert summary == " ".join((commands[name].help or "").split("\n\n")[0].split()), name


@pytest.mark.parametrize("columns", ["80", "200", "50"])
@pytest.mark.parametrize("argv", [["--help"], [], ["-w", "somewhere", "-h"], ["--version"], ["--bogus"]])
def test_without_a_command_nothing_is_imported_and_the_output_is_the_full_apps(argv, columns):
    listing = ("import sys; from slactl.cli import main; code = main(sys.argv[1:]); "
               "print(sorted(m for m in sys.modules if m.startswith('slactl.cli.')), file=sys.stderr); sys.exit(code)")
    full = ("import sys; from slactl.cli import base, load_commands; load_commands(); "
            "sys.exit(base.main(sys.argv[1:]))")
    env = dict(os.environ, COLUMNS=columns)
    fast, slow = (subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env,
                                 check=False) for code in (listing, full))
    *shown, imported = fast.stderr.splitlines(keepends=True)
    assert imported == "['slactl.cli.base']\n"
    assert (fast.stdout, "".join(shown), fast.returncode) == (slow.stdout, slow.stderr, slow.returncode)
