"""Reporters for ``slactl validate``: one function per format, chosen by name."""
from __future__ import annotations

from typing import IO, Callable

from slactl.core.findings import ERROR, WARNING, Finding
from slactl.reporters.sarif import report_sarif
from slactl.sanitize import one_line, terminal_text


def _counts(findings: list[Finding]) -> tuple[int, int]:
    errors = sum(f.severity == ERROR for f in findings)
    return errors, sum(f.severity == WARNING for f in findings)


def _summary(files: int, findings: list[Finding]) -> str:
    errors, warnings = _counts(findings)
    if not findings:
        return f"{files} file(s) checked: no problems"
    return f"{files} file(s) checked: {errors} error(s), {warnings} warning(s)"


def report_json(out: IO[str], files: int, findings: list[Finding]) -> None:
    import json

    errors, warnings = _counts(findings)
    json.dump({"files": files, "errors": errors, "warnings": warnings,
               "findings": [f.as_dict() for f in findings]}, out, indent=2, ensure_ascii=False)
    out.write("\n")


def report_text(out: IO[str], files: int, findings: list[Finding]) -> None:
    """One ``file:line:col: severity[code] message`` line each (grep- and editor-friendly)."""
    for f in findings:
        out.write(one_line(f) + "\n")
    out.write(_summary(files, findings) + "\n")


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def report_github(out: IO[str], files: int, findings: list[Finding]) -> None:
    """GitHub Actions workflow commands: annotations on the pull request's diff."""
    for f in findings:
        level = "error" if f.severity == ERROR else "warning"
        out.write(f"::{level} file={_gh_escape(terminal_text(f.file), True)},line={f.line},col={f.column},"
                  f"title={_gh_escape('slactl ' + f.code, True)}::{_gh_escape(terminal_text(f.message))}\n")
    out.write(_summary(files, findings) + "\n")


def report_table(out: IO[str], files: int, findings: list[Finding]) -> None:
    from rich.table import Table
    from rich.text import Text

    from slactl.console import make_console

    console = make_console(out)
    if findings:
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
        for col in ("location", "severity", "code", "message"):
            table.add_column(col, overflow="fold")
        for f in findings:
            style = "red" if f.severity == ERROR else "yellow"
            table.add_row(Text(one_line(f"{f.file}:{f.line}:{f.column}")), Text(f.severity, style=style),
                          Text(f.code), Text(one_line(f.message)))
        console.print(table)
    errors, _ = _counts(findings)
    console.print(Text(_summary(files, findings), style="red bold" if errors else "green"))


def report_markdown(out: IO[str], files: int, findings: list[Finding]) -> None:
    from slactl.reporters.markdown import md_table

    out.write(f"### slactl validate\n\n{_summary(files, findings)}\n\n")
    if findings:
        out.write(md_table(["location", "severity", "code", "message"],
                           [[f"{f.file}:{f.line}:{f.column}", f.severity, f.code, f.message] for f in findings]))


REPORTERS: dict[str, Callable[[IO[str], int, list[Finding]], None]] = {
    "table": report_table,
    "text": report_text,
    "json": report_json,
    "github": report_github,
    "markdown": report_markdown,
    "sarif": report_sarif,
}
