"""Reporters for ``slactl diff``: a line per change in words (text, markdown) or JSON."""
from __future__ import annotations

from typing import IO, Callable

from slactl.core.changes import DocumentChange, TermChange
from slactl.reporters.changes import calendar_words, change_words, service_words
from slactl.sanitize import terminal_text
from slactl.usecases.diff import DiffResult


def _words(kind: str, change: TermChange) -> str:
    if kind == "Calendar":
        return calendar_words(change)
    if kind == "Service":
        return service_words(change)
    return change_words(change, "en")


def _subject(doc: DocumentChange) -> str:
    return doc.name if doc.kind == "Agreement" else f"{doc.kind.lower()} {doc.name}"


def lines(result: DiffResult) -> list[str]:
    """One line per change: "acme-support-2026: P2 resolution 16 h → 8 h (policy standard)"."""
    out = []
    for doc in result.changes:
        if doc.state != "changed":
            out.append(f"{doc.kind.lower()} {doc.name} {doc.state}")
            continue
        for change in doc.changes:
            out.append(f"{_subject(doc)}: {_words(doc.kind, change)}")
    return out


def report_text(out: IO[str], result: DiffResult) -> None:
    said = lines(result)
    if not said:
        out.write(f"no changes to agreements, policies, calendars or services from {result.old} to {result.new}\n")
        return
    out.write(f"changes from {result.old} to {result.new}:\n")
    for line in said:
        out.write(terminal_text(line) + "\n")


def report_markdown(out: IO[str], result: DiffResult) -> None:
    from slactl.reporters.markdown import md_cell

    out.write(f"### Agreement changes from {md_cell(result.old)} to {md_cell(result.new)}\n\n")
    said = lines(result)
    out.write("".join(f"- {md_cell(line)}\n" for line in said) if said else "No changes.\n")


def report_json(out: IO[str], result: DiffResult) -> None:
    import json

    docs = []
    for doc in result.changes:
        docs.append({"kind": doc.kind, "name": doc.name, "state": doc.state,
                     "changes": [{**c.as_dict(), "text": _words(doc.kind, c)} for c in doc.changes]})
    json.dump({"from": result.old, "to": result.new, "documents": docs}, out, indent=2, ensure_ascii=False)
    out.write("\n")


REPORTERS: dict[str, Callable[[IO[str], DiffResult], None]] = {
    "text": report_text, "markdown": report_markdown, "json": report_json,
}
