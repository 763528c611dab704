"""Markdown helpers shared by the reporters."""
from __future__ import annotations

from typing import Iterable

from slactl.sanitize import md_cell


def md_table(headers: list[str], rows: Iterable[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
