"""The one "did you mean" (slactl.suggest): the hint's exact text and its lazy difflib."""
from __future__ import annotations

import subprocess
import sys

from slactl.exports.sniff import zone_hint
from slactl.suggest import close_matches, closest, did_you_mean, hint


def test_hint_text() -> None:
    assert did_you_mean("acme-suport", ["acme-support", "globex"]) == " (did you mean 'acme-support'?)"
    assert did_you_mean("zzz", ["acme-support"]) == ""
    assert did_you_mean("zzz", ["acme-support"], otherwise="; none") == "; none"
    assert hint(None) == "" and hint("x") == " (did you mean 'x'?)"


def test_closest_ignores_the_order_of_the_choices() -> None:
    choices = ["abcx", "abcy", "abcz"]
    assert closest("abc", choices) == closest("abc", reversed(choices)) == close_matches("abc", choices, n=3)[0]
    assert closest("abc", {}) is None


def test_zone_hint_prefers_the_zone_in_another_case() -> None:
    assert zone_hint("europe/moscow") == " (did you mean 'Europe/Moscow'?)"
    assert zone_hint("Europe/Moskow") == " (did you mean 'Europe/Moscow'?)"
    assert zone_hint("qqqqqqqq") == "; use an IANA name such as Europe/Moscow or UTC"


def test_difflib_is_imported_only_when_a_name_is_wrong() -> None:
    code = "import sys, slactl.suggest; print('difflib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
