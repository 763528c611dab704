"""``slactl validate --format sarif``: SARIF 2.1.0, the static-analysis log GitHub code scanning
reads, so findings show on the lines of the agreement files in a pull request."""
from __future__ import annotations

import os
from typing import IO

from slactl.core.findings import ERROR, Finding

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> tuple[str, bool]:
    """(URI, relative?): a file under the current folder relative to it (what code scanning
    resolves against the checkout), any other as an absolute file URI."""
    from pathlib import Path
    from urllib.parse import quote

    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute)
    if not (rel == os.pardir or rel.startswith(os.pardir + os.sep)) and not os.path.isabs(rel):
        return quote(Path(rel).as_posix()), True
    return Path(absolute).as_uri(), False


def _rule(code: str) -> dict[str, object]:
    words = code.replace("-", " ").replace("_", " ")
    return {"id": code, "name": "".join(w.capitalize() for w in words.split()) or code,
            "shortDescription": {"text": words[:1].upper() + words[1:]}}


def sarif_log(findings: list[Finding]) -> dict[str, object]:
    """The SARIF log of ``findings``: one rule per finding code, one result per finding."""
    from slactl import __version__

    codes = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for f in findings:
        uri, relative = _uri(f.file)
        location: dict[str, object] = {"uri": uri}
        if relative:
            location["uriBaseId"] = "%SRCROOT%"
        results.append({
            "ruleId": f.code, "ruleIndex": index[f.code],
            "level": "error" if f.severity == ERROR else "warning",
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": location,
                "region": {"startLine": max(1, f.line), "startColumn": max(1, f.column)}}}],
        })
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "slactl", "version": __version__,
                                "rules": [_rule(code) for code in codes]}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def report_sarif(out: IO[str], files: int, findings: list[Finding]) -> None:
    import json

    json.dump(sarif_log(findings), out, indent=2, ensure_ascii=False)
    out.write("\n")
