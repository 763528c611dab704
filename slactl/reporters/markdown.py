"""Markdown helpers shared by the reporters."""
from __future__ import annotations

from typing import Iterable

from slactl.console import inert


def md_cell(value: object) -> str:
    """A table cell that cannot break the table or smuggle HTML into a job summary."""
    text = inert("" if value is None else value)
    for ch, rep in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("\n", " "), ("\r", " ")):
        text = text.replace(ch, rep)
    return text


def md_table(headers: list[str], rows: Iterable[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
