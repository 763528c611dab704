"""Encodings, over-long lines and process-wide state: what the reader does with damaged files."""
from __future__ import annotations

import codecs
import csv
import json

import pytest

from slactl.exports import Rejected, TicketRow, open_export
from tests.conftest import BUNDLED

AS_OF = "2026-11-22T12:00:00Z"
HEAD = "id,customer,service,priority,created_at,first_response_at,resolved_at,status\n"


def _score_json(run_line, path) -> tuple[dict, str]:
    result = run_line("-w", str(BUNDLED), "score", str(path), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_a_utf8_file_with_one_bad_byte_stays_utf8(run_line, tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes((HEAD + "T-1,Умбрелла Фарма,email,P1,2026-10-01T09:00:00Z,,,open\n"
                   "T-2,Контора,email,P1,2026-10-01T09:00:00Z,,,open\n").encode()
                  + b"T-3,Initech \xe9,email,P1,2026-10-01T09:00:00Z,,,open\n"
                  + "T-4,Ромашка,email,P1,2026-10-01T09:00:00Z,,,open\n".encode())
    report, _ = _score_json(run_line, p)
    assert report["encoding"] == "utf-8"
    assert [t["customer"] for t in report["tickets"]] == ["Умбрелла Фарма", "Контора", "Ромашка"]
    (bad,) = report["rejected"]
    assert bad["row"] == 3 and "undecodable" in bad["reason"] and "utf-8" in bad["reason"]
    text = run_line("-w", str(BUNDLED), "score", str(p), "--as-of", AS_OF, "--format", "text").stdout
    assert "encoding utf-8" in text.splitlines()[0]


def test_one_bad_byte_in_an_ascii_start_does_not_make_the_file_cp1251(tmp_path):
    """The first block has a bad byte and no other non-ASCII text: the reader looks further."""
    p = tmp_path / "e.csv"
    filler = "".join(f"T-{i},acme,email,P1,2026-10-01T09:00:00Z,,,open\n" for i in range(3000))
    p.write_bytes(HEAD.encode() + b"T-x,acme\xff,email,P1,2026-10-01T09:00:00Z,,,open\n" + filler.encode()
                  + "T-y,Контора,email,P1,2026-10-01T09:00:00Z,,,open\n".encode())
    with open_export(str(p)) as e:
        rows = list(e)
    assert e.encoding == "utf-8"
    assert isinstance(rows[0], Rejected) and rows[-1].customer == "Контора"


def test_cp1251_is_still_cp1251(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes((HEAD + "T-1,Контора Рога и Копыта,email,P1,2026-10-01T09:00:00Z,,,открыт\n").encode("cp1251"))
    with open_export(str(p)) as e:
        (row,) = list(e)
    assert e.encoding == "cp1251" and row.customer == "Контора Рога и Копыта"


def test_a_line_over_the_limit_is_one_rejected_row(run_line, tmp_path):
    p = tmp_path / "long.csv"
    with open(p, "w", encoding="utf-8") as fh:
        fh.write(HEAD + "T-1,acme,email,P1,2026-10-01T09:00:00Z,,,open\n")
        # the tail of this line would read as a P1 ticket if the line were cut into pieces
        fh.write("T-2,acme," + "x" * (3 * 1024 * 1024 - 5) + ",\nT-9,acme,email,P1,2026-10-01T09:00:00Z,,,open")
        fh.write("y" * (2 * 1024 * 1024) + ",email,P1,2026-10-01T09:00:00Z,,,open\n")
        fh.write("T-3,acme,email,P1,2026-10-01T09:00:00Z,,,open\n")
    report, _ = _score_json(run_line, p)
    assert report["rows"] == 4 and report["scored"] == 2
    assert [t["id"] for t in report["tickets"]] == ["T-1", "T-3"]
    assert [r["row"] for r in report["rejected"]] == [2, 3]
    assert all("longer than 2 MiB" in r["reason"] for r in report["rejected"])


def test_a_line_of_exactly_the_limit_at_the_end_is_read(tmp_path):
    from slactl.exports.sniff import LINE_LIMIT

    p = tmp_path / "e.csv"
    last = "T-2,acme,email,P1,2026-10-01T09:00:00Z,,,"
    p.write_text(HEAD + "T-1,acme,email,P1,2026-10-01T09:00:00Z,,,open\n" + last + "o" * (LINE_LIMIT - len(last)),
                 encoding="utf-8")
    with open_export(str(p)) as e:
        rows = list(e)
    assert [type(r) for r in rows] == [TicketRow, TicketRow]


def test_process_wide_state_is_restored(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes((HEAD + "T-1,acme,email,P1,2026-10-01T09:00:00Z,,,open\n").encode() + b"T-2,\xff,,P1,x,,,\n")
    before = csv.field_size_limit()
    with open_export(str(p)) as e:
        assert csv.field_size_limit() == before  # opened, not reading
        rows = list(e)
    assert len(rows) == 2 and csv.field_size_limit() == before
    with pytest.raises(LookupError):
        codecs.lookup_error("slactl-mark")


def test_the_line_guard_passes_every_line_through_unchanged(tmp_path):
    """Lines of every length around the 64 KiB blocks, with LF, CRLF and CR endings, come out
    exactly as Python's own newline='' reading gives them."""
    import io
    import random

    from slactl.exports.sniff import open_text

    rnd = random.Random(5)
    parts = []
    for k in range(400):
        size = rnd.choice([0, 1, 5, 80, 4000, 65535, 65536, 65537, 200_000])
        parts.append("é" * (size // 3) + "x" * (size - size // 3) + rnd.choice(["\n", "\r\n", "\r"]))
    text = "".join(parts) + "tail without newline"
    p = tmp_path / "lines.txt"
    p.write_bytes(text.encode("utf-8"))
    stream = open_text(str(p), "utf-8")
    try:
        got = list(stream.lines())
    finally:
        stream.close()
    assert got == list(io.StringIO(text, newline=""))


def test_the_line_guard_replaces_only_the_long_line(tmp_path):
    from slactl.exports.sniff import LINE_LIMIT, LONG_LINE, open_text

    text = "a\r\n" + "y" * (LINE_LIMIT + 10) + "\r\nb\n" + "z" * (3 * LINE_LIMIT) + "\rc"
    p = tmp_path / "long.txt"
    p.write_bytes(text.encode("utf-8"))
    stream = open_text(str(p), "utf-8")
    try:
        got = [line for line in stream.lines() if line.strip("\r\n")]
    finally:
        stream.close()
    assert got == ["a\r\n", LONG_LINE + "\n", "b\n", LONG_LINE + "\n", "c"]
