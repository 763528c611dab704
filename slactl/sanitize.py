"""The one output sanitiser: what each way out of slactl neutralises in text that
came from outside (an export cell, a YAML value, a file name, a server's reply).

One function per destination, each saying what it neutralises and why:

- :func:`terminal_text`: a terminal or a text file (shown as escapes);
- :func:`one_line`: a line that must stay one line (validate's findings);
- :func:`clip`: a cell quoted in a message (cut short, escaped);
- :func:`header_safe` / :func:`breaks_header`: a mail header (and a server reply in an error);
- :func:`yaml_double_quoted`: a value written into a YAML file (clone, renew);
- :func:`csv_cell`: a spreadsheet cell (formulas);
- :func:`md_cell`: a Markdown table cell;
- :func:`html_text`: HTML text and attribute values.

The tests in ``tests/test_hostile.py`` feed every reporter such input.
"""
from __future__ import annotations

import re

# C0 but tab and line feed, DEL, C1, the Unicode line/paragraph separators, and the
# bidi embeddings, overrides and isolates ("Trojan Source", CVE-2021-42574)
_TERMINAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# everything that ends or breaks a header line, tab and line feed included
_HEADER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# what YAML cannot print in a double-quoted scalar that JSON leaves as it is
# (YAML's printable set, and its line breaks U+2028/U+2029)
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# what a spreadsheet reads as the start of a formula (OWASP "CSV injection")
FORMULA_STARTS = frozenset("=+-@\t\r")


def terminal_text(value: object) -> str:
    """``value`` as text whose control characters are shown as ``\\x1b`` / ``\\u202e`` escapes.

    An ANSI escape in a ticket subject cannot recolour, clear or retitle the
    terminal, a CR cannot overwrite the start of a line, and a bidi override
    cannot make a line read differently from its bytes. Tab and line feed stay.
    """
    return _TERMINAL.sub(_escape, str(value))


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(value: object) -> str:
    """:func:`terminal_text` with line feeds shown as ``\\n``: a newline in a key or file name
    cannot forge a line of its own (validate's ``file:line:col`` findings)."""
    return terminal_text(value).replace("\n", "\\n")


def clip(value: str, limit: int = 40) -> str:
    """A cell value fit for a message: at most ``limit`` characters (then ``…``), and every
    character Python does not call printable (controls, separators, non-breaking
    spaces) written as ``repr`` writes it, so an error shows what the cell really holds."""
    s = value if len(value) <= limit else value[:limit] + "…"
    if not s.isprintable():
        s = "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)
    return s


def header_safe(value: object) -> str:
    """One line for a mail header: each run of control characters (CR and LF first) is one
    space, so a name like ``"ACME\\r\\nBcc: evil@x"`` cannot add a header. The SMTP
    transport flattens a server's reply the same way before quoting it in an error."""
    return _HEADER.sub(" ", str(value)).strip()


def breaks_header(text: str) -> bool:
    """Whether :func:`header_safe` would have to change more than the ends of ``text``."""
    return _HEADER.search(text) is not None


def yaml_double_quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar: JSON's string escapes (a JSON string is
    one), plus ``\\uXXXX`` for what YAML may not hold as it is (C1, U+2028/U+2029,
    lone surrogates, BOM, U+FFFE/U+FFFF), which PyYAML would refuse to read back."""
    import json

    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def csv_cell(value: object) -> object:
    """Neutralise spreadsheet formulas (OWASP CSV injection); numbers pass as they are.

    A bare CR becomes a line break, so no writer setting can leave it unquoted for a
    spreadsheet to start a new row (with an unchecked first cell) there."""
    if isinstance(value, str) and value:
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if value[0] in FORMULA_STARTS:
            return "'" + value
    return value


def md_cell(value: object) -> str:
    """A table cell that cannot break the table or smuggle HTML into a job summary."""
    text = terminal_text("" if value is None else value)
    for ch, rep in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("\n", " "), ("\r", " ")):
        text = text.replace(ch, rep)
    return text


def html_text(value: object) -> str:
    """Escaped for HTML text and attribute values; '=' too, so hostile text cannot even look like markup."""
    from html import escape

    return escape(str(value), quote=True).replace("=", "&#61;")
