#!/usr/bin/env python3
"""Developer tasks that need nothing but Python: ``python3 dev.py demo`` and ``python3 dev.py test``;
``python3 dev.py docs`` rewrites the README's example output from real runs (``docs --check``: only show
what would change).

Creates ``.venv`` on first use and installs slactl into it (editable, with the
test extra), so a fresh clone works on a machine that has only python3.
"""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".slactl-installed"


def ensure_env() -> None:
    if not PY.exists():
        print("dev.py: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pyproject = ROOT / "pyproject.toml"
    if not STAMP.exists() or STAMP.stat().st_mtime < pyproject.stat().st_mtime:
        print("dev.py: installing slactl and its test tools into .venv", flush=True)
        # compat mode: a plain path entry in a .pth file; the default "strict" mode installs an
        # import hook that every slactl command would import first (~15 ms of each start-up)
        run([str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[test]",
             "--config-settings", "editable_mode=compat"])
        # the fast extra (pyarrow), so the columnar engine's byte-for-byte tests run; where it
        # cannot be installed they skip, saying so, and everything else is tested the same
        if subprocess.call([str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "-e", ".[fast]", "--config-settings", "editable_mode=compat"], cwd=ROOT):
            print("dev.py: could not install the fast extra (pyarrow): the columnar engine's tests "
                  "will be skipped", file=sys.stderr, flush=True)
        STAMP.touch()
    # Byte-compile slactl (only what changed): where PYTHONDONTWRITEBYTECODE is set, as on
    # many CI images and containers, Python would otherwise compile every module it imports
    # on every run, ~35 ms of each command's start-up.
    subprocess.call([str(PY), "-m", "compileall", "-q", str(ROOT / "slactl")], cwd=ROOT)


def run(cmd: list[str]) -> None:
    code = subprocess.call(cmd, cwd=ROOT)
    if code:
        sys.exit(code)


def demo() -> None:
    slactl = str(BIN / "slactl")
    steps = [
        [slactl, "-w", "agreements", "validate"],
        [slactl, "-w", "agreements", "list", "--as-of", "2026-11-22"],
        [slactl, "-w", "agreements", "expiring", "--as-of", "2026-11-22", "--within", "30d"],
        [slactl, "-w", "agreements", "score", "examples/generic.csv", "--as-of", "2026-11-22T12:00:00Z"],
    ]
    for step in steps:
        print("\n$ " + " ".join(["slactl", *step[1:]]), flush=True)
        code = subprocess.call(step, cwd=ROOT)
        if code not in (0, 1):
            sys.exit(code)


def test(args: list[str]) -> None:
    run([str(PY), "-m", "pytest", *args])


def main() -> None:
    task = sys.argv[1] if len(sys.argv) > 1 else "help"
    if task not in ("demo", "test", "catalogues", "docs"):
        print("usage: python3 dev.py demo | test [pytest args] | catalogues | docs [--check]")
        sys.exit(2)
    ensure_env()
    if task == "catalogues":  # slactl/locales/*.po -> *.mo and slactl.pot
        run([str(PY), "-m", "slactl.i18n.build"])
        return
    if task == "docs":  # README.md: every console example's output from a real run (tests/readme_runner.py)
        run([str(PY), "-m", "tests.readme_runner", *([] if "--check" in sys.argv[2:] else ["--write"])])
        return
    demo() if task == "demo" else test(sys.argv[2:])


if __name__ == "__main__":
    main()
