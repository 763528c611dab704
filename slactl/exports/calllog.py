"""Call logs: an Asterisk ``queue_log`` or a call CSV, told apart by their content
(README "Calls"). ``open_calls`` raises ``InputError`` for what spoils the whole file;
iterating what it returns yields one ``Call`` or ``Rejected`` at a time
(:mod:`slactl.exports.queuelog`, :mod:`slactl.exports.callcsv`)."""
from __future__ import annotations

import os
import re

from slactl.errors import InputError
from slactl.exports.callcsv import CALL_FIELDS, EXAMPLE, REQUIRED, CallCsv
from slactl.exports.queuelog import QueueLog

__all__ = ["CallLog", "is_queue_log", "open_calls"]

CallLog = QueueLog | CallCsv
# epoch|callid|queue|agent|event: the first field a number of seconds, four bars at least
_EVENT = re.compile(r"\s*\d+(\.\d+)?\s*\|[^|\n]*\|[^|\n]*\|[^|\n]*\|")


def is_queue_log(text: str) -> bool:
    """Whether at least half of the first lines of ``text`` read as queue_log events (a CSV's
    header line never does: its first cell is not a number followed by a bar)."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if lines and not text.endswith(("\n", "\r")) and len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line
    events = sum(1 for line in lines if _EVENT.match(line))
    return events > 0 and events * 2 >= len(lines)


def open_calls(path: str, *, tz: str | None = "UTC", encoding: str | None = None,
               mapping: str | None = None) -> CallLog:
    """Open a call log for streaming; ``InputError`` if it cannot be read at all.

    ``tz`` is the zone of a CSV's naive timestamps (a mapping file's ``timezone`` applies
    when it is None or ``"UTC"``); a queue_log's epoch seconds need none.
    """
    import codecs

    from slactl.exports.mapping import load_mapping
    from slactl.exports.sniff import choose_delimiter, detect_encoding, read_sample, zone_hint
    from slactl.exports.timestamps import zone

    path = os.fspath(path)
    pre = load_mapping(os.fspath(mapping), fields=CALL_FIELDS, required=REQUIRED, example=EXAMPLE) \
        if mapping is not None else None
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'; try utf-8, utf-8-sig, cp1251 or cp1252") from None
    if os.path.isdir(path):
        raise InputError(f"{path} is a directory; give the call log's file")
    sample, more = read_sample(path, "call log")
    enc = encoding or detect_encoding(sample, path, more)
    try:
        text = codecs.getincrementaldecoder(enc)("replace").decode(sample, final=False)
    except UnicodeError as e:  # e.g. --encoding utf-16 on a file without its BOM
        raise InputError(f"{path} cannot be read as {enc} ({e}); check --encoding") from None
    if pre is None and is_queue_log(text):
        return QueueLog(path, enc)
    tz_name = tz or "UTC"
    if pre is not None and pre.timezone and tz_name == "UTC":
        tz_name = pre.timezone
    try:
        tzi = zone(tz_name)
    except Exception:
        raise InputError(f"unknown time zone '{tz_name}'{zone_hint(tz_name)}") from None
    from slactl.exports import presets as P

    known = {P.norm(n) for names in (pre.columns.values() if pre else [(f,) for f in CALL_FIELDS]) for n in names}
    delimiter = choose_delimiter(text, lambda header: len(header & known))
    return CallCsv(path, tz_name, tzi, enc, delimiter, pre)
