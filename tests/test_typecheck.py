"""The package stays clean under mypy (types are documentation that the CI checks)."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_mypy_is_clean():
    result = subprocess.run([sys.executable, "-m", "mypy", "slactl"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
