"""A finding: one problem at one place in one file."""
from __future__ import annotations

from slactl.core.records import record

ERROR = "error"
WARNING = "warning"


@record
class Finding:
    file: str
    line: int
    column: int
    severity: str  # "error" | "warning"
    code: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}[{self.code}] {self.message}"


def sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file, f.line, f.column, f.code)
