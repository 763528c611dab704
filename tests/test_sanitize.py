"""The one output sanitiser (slactl.sanitize): the exact bytes each destination gets."""
from __future__ import annotations

import yaml

from slactl.console import inert
from slactl.sanitize import (
    breaks_header, clip, csv_cell, header_safe, html_text, md_cell, one_line, terminal_text, yaml_double_quoted,
)

HOSTILE = "a\x1b[31mb\tc\nd\re\x85f\u2028g\u202eh\u2066i"


def test_terminal_text_escapes_controls_but_tab_and_newline() -> None:
    assert terminal_text(HOSTILE) == "a\\x1b[31mb\tc\nd\\x0de\\x85f\\u2028g\\u202eh\\u2066i"
    assert inert is terminal_text  # the name reporters/score*.py still import from slactl.console
    assert one_line("x\ny\x1b") == "x\\ny\\x1b"


def test_header_safe_flattens_every_run_of_controls() -> None:
    assert header_safe(" a\r\n\tBcc: x\x85y\u2028z ") == "a Bcc: x y z"
    assert breaks_header("a\u2029b") and not breaks_header("Support <s@x.example>")


def test_clip_cuts_and_shows_what_the_cell_holds() -> None:
    assert clip("x" * 41) == "x" * 40 + "…"
    assert clip("a\tb\xa0c\x1b") == "a\\tb\\xa0c\\x1b"


def test_yaml_double_quoted_reads_back_as_the_value() -> None:
    value = 'q"\\\x00\x7f\x85\u2028\ufeff\uffffé'
    text = yaml_double_quoted(value)
    assert text.isascii() is False and "\\u2028" in text and "\\u007f" in text
    assert yaml.safe_load(text) == value


def test_csv_md_and_html_cells() -> None:
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("a\rb") == "a\nb" and csv_cell(-1) == -1
    assert md_cell("a|b<i>\n\x1b") == "a\\|b&lt;i&gt; \\\\x1b"
    assert html_text('<a href="x">=') == "&lt;a href&#61;&quot;x&quot;&gt;&#61;"
