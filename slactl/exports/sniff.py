"""Sniffing and decoding an export: encoding, delimiter, BOM, and the line stream.

Nothing here changes process-wide state for longer than a read: the CSV field
size limit is raised inside ``field_limit()`` and restored after, and no codec
error handler is registered (undecodable bytes become lone surrogates through
the built-in ``surrogateescape``).

Two things make a record suspect, and both raise ``TextStream.suspect[0]`` so a
clean file pays nothing for them: a byte the codec cannot decode (seen by a
strict decoder that checks the raw bytes as they are read) and a line over
``LINE_LIMIT``, which reaches the CSV parser as the one-cell record
``LONG_LINE`` (the reader rejects it as one row).
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from slactl.errors import InputError

if TYPE_CHECKING:
    from slactl.exports.presets import Preset

SAMPLE_BYTES = 64 * 1024
EVIDENCE_BYTES = 8 * 1024 * 1024  # read this far for UTF-8 evidence when the sample is unclear
FIELD_LIMIT = 16 * 1024 * 1024  # characters in one cell; a runaway quote stops here
LINE_LIMIT = 2 * 1024 * 1024  # characters in one physical line; a longer line is one rejected row
LONG_LINE = "\x00slactl: line over the limit\x00"
END = "\x00slactl: end of file\x00"  # the last line of a reader's records (slactl.exports.quotes)

_find_mark = re.compile("[\udc80-\udcff\ufffd\x00]").search


def has_marks(rec: list[str]) -> bool:
    """Whether a record may hold an undecodable byte or the over-long-line marker."""
    return _find_mark("\x00".join(rec)) is not None


def bad_bytes(value: str, encoding: str) -> bool:
    """Whether a cell holds bytes the codec could not decode."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        return True
    return "\ufffd" in value and not _escapes(encoding)


def _escapes(encoding: str) -> bool:
    """Codecs whose errors ``surrogateescape`` can carry (every undecodable byte is >= 0x80)."""
    return not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


@contextlib.contextmanager
def field_limit(limit: int = FIELD_LIMIT) -> Iterator[None]:
    """Raise the csv module's cell size limit for the time of a read, then restore it."""
    old = csv.field_size_limit()
    if old >= limit:
        yield
        return
    csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


# --------------------------------------------------------------------------- encoding

def _utf8_evidence(data: bytes) -> tuple[int, int]:
    """(valid non-ASCII characters, undecodable bytes) of ``data`` read as UTF-8."""
    text = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(data, final=False)
    bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good, bad


def detect_encoding(sample: bytes, path: str, more: bytes = b"", *, workbooks: bool = False) -> str:
    """The codec of a file from its first bytes (BOM, UTF-8 validity, byte statistics).

    A spreadsheet is refused with advice that fits: ``workbooks`` for a ticket export (an
    ``.xlsx`` is read directly), else a file that is read as CSV only.

    ``more`` is further text of the file, read when the sample holds undecodable
    UTF-8 but no valid non-ASCII character: a UTF-8 file with a few bad bytes stays
    UTF-8 (its rows with bad bytes are rejected one by one).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        if workbooks:  # a ticket export: an .xlsx workbook is read directly
            raise InputError(f"{path} is a spreadsheet, not CSV; save it as .xlsx (read directly) or CSV")
        raise InputError(f"{path} is a spreadsheet, not CSV; this file is read as CSV only: "
                         "save the sheet as CSV (UTF-8)")
    n = len(sample)
    nul = sample.count(0)
    if nul > n // 5:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 3 * even and odd > n // 6:
            return "utf-16-le"
        if even > 3 * odd and even > n // 6:
            return "utf-16-be"
    controls = sum(sample.count(b) for b in range(32) if b not in (9, 10, 13))
    if controls > max(8, n // 10):
        raise InputError(f"cannot determine the text encoding of {path}: it looks like a binary "
                         "file, not a CSV export; if it is text, name its encoding with --encoding")
    if sample.isascii():
        return "utf-8"
    good, bad = _utf8_evidence(sample)
    if bad and not good and more:
        good, bad = _utf8_evidence(sample + more)
    # Valid multi-byte UTF-8 is rare by chance in cp1251/cp1252 text (a lead byte must be
    # followed by the right number of continuation bytes): where there is as much of it
    # as there are bad bytes, the file is UTF-8 with a few damaged bytes.
    if bad == 0 or good >= bad:
        return "utf-8"
    return _single_byte(sample)


def _single_byte(sample: bytes) -> str:
    # Cyrillic cp1251 is written in runs of high bytes (whole words),
    # Western cp1252 has isolated accented letters between ASCII ones
    n = len(sample)
    high = adjacent = 0
    prev_high = False
    for i, b in enumerate(sample):
        if b >= 0x80:
            high += 1
            if prev_high or (i + 1 < n and sample[i + 1] >= 0x80):
                adjacent += 1
            prev_high = True
        else:
            prev_high = False
    if any(b in sample for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)) and 0x98 not in sample:
        return "cp1251"  # bytes cp1252 does not define
    if 0x98 in sample and not any(b in sample for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)):
        return "cp1252"  # the one byte cp1251 does not define
    return "cp1251" if adjacent * 2 > high else "cp1252"


def encoding_name(enc: str) -> str:
    """How reports name a codec: ``utf-8``, ``utf-8 with BOM``, ``cp1251``..."""
    name = codecs.lookup(enc).name
    return {"utf-8-sig": "utf-8 with BOM"}.get(name, name.replace("_", "-"))


# --------------------------------------------------------------------------- delimiter

def choose_delimiter(text: str, pre: Preset | Callable[[set[str]], int] | None) -> str:
    """The delimiter whose split of the header is the most recognisable (by a preset, by a
    scoring function of the normalised header names, else by every preset)."""
    from slactl.exports import presets as P

    best, best_score = "", 0
    for d in (",", ";", "\t"):
        try:
            head = next((r for r in csv.reader(io.StringIO(text), delimiter=d) if r), [])
        except csv.Error:
            continue
        names = {P.norm(h) for h in head}
        if callable(pre):
            s = pre(names)
        else:
            s = P.score(pre, names) if pre is not None else P.best_score(names)
        if s > best_score:
            best, best_score = d, s
    if best:
        return best
    first = text.split("\n", 1)[0]
    counts = Counter({d: first.count(d) for d in (",", ";", "\t")})
    d, c = counts.most_common(1)[0]
    return d if c else ","


# --------------------------------------------------------------------------- the stream

_MARKER = (LONG_LINE + "\n").encode("ascii")


class _Guarded(io.RawIOBase):
    """The file's bytes on their way to the decoder, with two guards that cost one Python
    call per 64 KiB block, never one per line:

    - a strict decoder checks them: the first undecodable byte raises ``suspect[0]``
      before any record holding it is parsed;
    - (byte-oriented codecs) a line longer than ``LINE_LIMIT`` bytes is replaced by the
      line ``LONG_LINE``: its bytes are skipped, never held, so memory stays bounded and
      the line cannot reach the CSV parser in pieces. Only complete lines are passed on;
      the unfinished last line of a block waits for the next block.
    """

    def __init__(self, raw: io.RawIOBase | io.BufferedIOBase, encoding: str, suspect: list[int],
                 guard_lines: bool) -> None:
        super().__init__()
        self._raw = raw
        self._check: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder(encoding)("strict")
        self._suspect = suspect
        self._guard = guard_lines
        self._out = b""  # bytes ready to pass on
        self._pos = 0  # how much of _out has been passed on
        self._pending = bytearray()  # the unfinished last line
        self._skipping = False  # inside an over-long line: drop bytes up to its end
        self.consumed = 0
        self.long_lines = 0

    def readable(self) -> bool:
        return True

    def _long(self) -> bytes:
        self.long_lines += 1
        self._suspect[0] += 1
        return _MARKER

    def _fill(self) -> bool:
        """Read one block into _out; False at the end of the file."""
        data = self._raw.read(1 << 16)
        if not data:
            self._out, self._pos = bytes(self._pending), 0
            self._pending.clear()
            self._skipping = False
            return bool(self._out)
        self.consumed += len(data)
        if not self._guard:
            self._out, self._pos = data, 0
            return True
        out = bytearray()
        if self._skipping:
            end = _line_end(data, 0)
            if end < 0:
                self._out, self._pos = b"", 0
                return True
            data = data[end:]
            self._skipping = False
        last = max(data.rfind(b"\n"), data.rfind(b"\r"))
        if last < 0:
            self._pending += data
            if len(self._pending) > LINE_LIMIT:
                self._pending.clear()
                self._skipping = True
                out += self._long()
            self._out, self._pos = bytes(out), 0
            return True
        first = _line_end(data, 0)
        if len(self._pending) + first > LINE_LIMIT:
            out += self._long()
        else:
            out += self._pending
            out += data[:first]
        out += data[first:last + 1]
        self._pending[:] = data[last + 1:]
        self._out, self._pos = bytes(out), 0
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def,override]
        while self._pos >= len(self._out):
            if not self._fill():
                if self._check is not None:
                    self._finish_check(b"", True)
                return 0
        n = min(len(b), len(self._out) - self._pos)
        chunk = self._out[self._pos:self._pos + n] if self._pos or n < len(self._out) else self._out
        self._pos += n
        b[:n] = chunk
        if self._check is not None:
            self._finish_check(chunk, False)
        return n

    def _finish_check(self, chunk: bytes, final: bool) -> None:
        try:
            self._check.decode(chunk, final)  # type: ignore[union-attr]
        except UnicodeDecodeError:
            self._suspect[0] += 1
            self._check = None  # one is enough: from here on every record is scanned

    def close(self) -> None:
        self._raw.close()
        super().close()


def _line_end(data: bytes, start: int) -> int:
    """Index just after the first line ending (\\n or \\r) at or after ``start``, or -1."""
    n, r = data.find(b"\n", start), data.find(b"\r", start)
    if n < 0 and r < 0:
        return -1
    return (r if n < 0 else n if r < 0 else min(n, r)) + 1


class TextStream:
    """An export's text, decoded; ``suspect[0]`` moves when a record may need a closer look."""

    def __init__(self, raw: io.RawIOBase | io.BufferedIOBase, encoding: str) -> None:
        self.encoding = encoding
        self.suspect = [0]
        self._bytewise = _escapes(encoding)  # ASCII-compatible: lines can be guarded as bytes
        self._guarded = _Guarded(raw, encoding, self.suspect, self._bytewise)
        errors = "surrogateescape" if self._bytewise else "replace"
        self.text = io.TextIOWrapper(io.BufferedReader(self._guarded, 1 << 16), encoding=encoding,
                                     errors=errors, newline="")
        self.text._CHUNK_SIZE = 1 << 16  # type: ignore[attr-defined]  # fewer, larger decodes
        self.long_lines_text = 0

    @property
    def long_lines(self) -> int:
        return self._guarded.long_lines + self.long_lines_text

    def position(self) -> int:
        """Bytes read from the file so far (read-ahead included)."""
        return self._guarded.consumed

    def close(self) -> None:
        self.text.close()

    def lines(self) -> Iterator[str]:
        """The physical lines, none longer than ``LINE_LIMIT``: a longer one arrives as the
        line ``LONG_LINE`` (its text is skipped without being held in memory)."""
        if self._bytewise:
            return iter(self.text.readline, "")  # the byte guard has done it: C speed
        return self._text_lines()

    def _text_lines(self) -> Iterator[str]:
        readline = self.text.readline
        limit = LINE_LIMIT
        for line in iter(functools.partial(readline, limit), ""):
            if len(line) < limit or line[-1] in "\r\n":
                yield line
                continue
            rest = readline(limit)
            if not rest:  # exactly at the end of the file: not over the limit
                yield line
                return
            while len(rest) == limit and rest[-1] not in "\r\n":
                rest = readline(limit)
            self.long_lines_text += 1
            self.suspect[0] += 1
            yield LONG_LINE + "\n"


def open_text(path: str, encoding: str) -> TextStream:
    """The export as text; ``InputError`` if it cannot be opened."""
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 - TextStream.close closes it
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    return TextStream(raw, encoding)


def open_records(path: str, encoding: str, delimiter: str,
                 mark_end: bool = False) -> tuple[TextStream, Iterator[list[str]], list[str]]:
    """Open the export; return its stream, a csv reader after the header, and the header ([] if none).
    ``mark_end``: the records end with the end-of-file marker of :mod:`slactl.exports.quotes`."""
    stream = open_text(path, encoding)
    lines: Iterator[str] = stream.lines()
    if mark_end:  # the end-of-file line (slactl.exports.quotes): a quote never closed swallows it
        from itertools import chain

        lines = chain(lines, _end_line(stream.suspect))
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] = []
    try:
        with field_limit():
            for rec in reader:
                if rec:
                    header = rec
                    break
    except csv.Error as e:
        stream.close()
        raise InputError(f"{path}: the header line cannot be read as CSV ({e})") from None
    except Exception as e:
        stream.close()
        raise InputError(f"cannot read {path}: {e}") from None
    if mark_end and header and END in header[-1]:
        stream.close()
        if header == [END]:
            return stream, iter(()), []
        raise InputError(f"{path}: a quoted field of the header line is never closed (the file ends inside it); "
                         "the file cannot be read")
    if header == [LONG_LINE]:
        stream.close()
        raise InputError(f"{path}: the header line is longer than {LINE_LIMIT // (1024 * 1024)} MiB; "
                         "this is not a ticket export")
    return stream, reader, header


def _end_line(suspect: list[int]) -> Iterator[str]:
    """The line after the last one: raises ``suspect[0]`` (the careful path looks at what follows)."""
    suspect[0] += 1
    yield END + "\n"


def csv_reason(e: Exception) -> str:
    """Why the csv module could not read a record, for a rejected row."""
    msg = str(e)
    if "field larger than field limit" in msg:
        return (f"a cell is larger than {FIELD_LIMIT // (1024 * 1024)} MiB ({msg}); "
                "a quote is probably unbalanced")
    return f"not readable as CSV ({msg})"


def read_sample(path: str, what: str = "export") -> tuple[bytes, bytes]:
    """The first block of the file (at least one line of it), and up to EVIDENCE_BYTES more
    when the block has bytes above ASCII (for the UTF-8 decision)."""
    try:
        with open(path, "rb") as fb:
            sample = fb.read(SAMPLE_BYTES)
            while b"\n" not in sample and len(sample) < 16 * SAMPLE_BYTES:
                block = fb.read(SAMPLE_BYTES)
                if not block:
                    break
                sample += block
            more = b"" if sample.isascii() else fb.read(EVIDENCE_BYTES)
    except FileNotFoundError:
        raise InputError(f"{path} does not exist; check the path of the {what}") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    if not sample.strip(b" \t\r\n\x00") or sample in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise InputError(f"{path} is empty; export the tickets again (a header line and one line per ticket)"
                         if what == "export" else f"{path} is empty; the {what} needs a header line and one line per row")
    return sample, more


def zone_hint(name: str) -> str:
    """What follows "unknown time zone 'x'": the zone spelt in another case, else the closest one."""
    from zoneinfo import available_timezones

    from slactl.suggest import closest, hint

    zones = sorted(available_timezones())
    match = {z.casefold(): z for z in zones}.get(name.casefold()) or closest(name, zones)
    return hint(match, "; use an IANA name such as Europe/Moscow or UTC")
