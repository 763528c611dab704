"""HTML helpers shared by the reporters of logs (availability, calls): the page style and a table."""
from __future__ import annotations

import html

CSS = """body{font-family:system-ui,Segoe UI,Arial,sans-serif;color:#222;margin:1.5em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f3f3}td.n{text-align:right}.ok{color:#176317;font-weight:bold}
.below{color:#b00020;font-weight:bold}.na{color:#777}"""


def html_table(headers: list[str], body: list[list[str]], numeric: set[int], classes: list[str] | None = None,
               verdict_col: int = -1) -> str:
    """A table; the columns in ``numeric`` align right, column ``verdict_col`` of row k takes ``classes[k]``."""
    e = html.escape
    out = ["<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>"]
    for k, row in enumerate(body):
        cells = []
        for i, c in enumerate(row):
            cls = classes[k] if classes and i == verdict_col else ("n" if i in numeric else "")
            cells.append(f'<td class="{cls}">{e(c)}</td>' if cls else f"<td>{e(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out) + "</table>"
