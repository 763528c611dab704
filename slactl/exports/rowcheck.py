"""The checks every record of a CSV log passes before its cells are read (outage logs, call CSVs).

``fit_record`` gives the record cut to the header's width, or the ``Rejected`` that says why
it is no row: a line over the length limit, bytes the encoding could not decode, or a number
of cells other than the header's (empty cells past the header's width are trailing
delimiters, as some spreadsheets write them, and are dropped).
"""
from __future__ import annotations

from slactl.core.tickets import Rejected
from slactl.exports.sniff import LINE_LIMIT, LONG_LINE, bad_bytes, has_marks

__all__ = ["fit_record"]


def fit_record(n: int, ref: str, rec: list[str], ncols: int, encoding: str, what: str) -> list[str] | Rejected:
    """``rec`` (record ``n``, shown as ``ref``) cut to ``ncols`` cells, or why it is not ``what``."""
    if rec == [LONG_LINE]:
        return Rejected(n, "", f"the line is longer than {LINE_LIMIT // (1024 * 1024)} MiB; it is not {what}")
    if has_marks(rec) and any(bad_bytes(c, encoding) for c in rec):
        return Rejected(n, ref, f"undecodable bytes: the row is not valid {encoding}; "
                                "name the file's encoding with --encoding")
    if len(rec) > ncols and not "".join(rec[ncols:]).strip():
        rec = rec[:ncols]  # trailing delimiters
    if len(rec) != ncols:
        return Rejected(n, ref, f"row has {len(rec)} cells, the header has {ncols}")
    return rec
