"""Streaming reader of Asterisk's ``queue_log`` (README "Calls").

One event a line, ``epoch|callid|queue|agent|event|data1|data2|data3...``:

* ``ENTERQUEUE`` offers a call; ``CONNECT`` answers it (``data1``: seconds held);
  ``ABANDON`` (``data3``: seconds waited), ``EXITWITHTIMEOUT``, ``EXITEMPTY`` and
  ``EXITWITHKEY`` (waited: the event's time less the enter time) abandon it. Other events
  (``RINGNOANSWER``, ``COMPLETEAGENT``, ``TRANSFER``, agent events) do not change it.
* Lines that are not calls (``callid`` ``NONE``: ``QUEUESTART``, ``ADDMEMBER``, pauses)
  are skipped silently; a malformed line (too few fields, a time or a wait that is not a
  number) is one ``Rejected`` with its line number, and the run goes on.

Only calls still waiting for their outcome are held in memory. A call is yielded when
its outcome arrives; calls with none by the end of the file come last, undecided. An
outcome for a call that never entered a queue in this log (the log began mid-call) is
counted in ``orphans``, not rejected: the line itself is well formed.
"""
from __future__ import annotations

import math
from collections.abc import Iterator

from slactl.core.calls import Call
from slactl.core.tickets import Rejected
from slactl.exports.sniff import LINE_LIMIT, LONG_LINE, open_text
from slactl.sanitize import clip

__all__ = ["QueueLog", "EXITS"]

EXITS = frozenset({"EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY"})
_NOT_A_CALL = frozenset({"", "NONE"})
_EVENTS = frozenset({"ENTERQUEUE", "CONNECT", "ABANDON", *EXITS})  # as Asterisk spells them


def _seconds(text: str) -> float | None:
    """A non-negative finite number of seconds (spaces around it allowed), else None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


class QueueLog:
    """An Asterisk queue_log; iterate it once for ``Call`` / ``Rejected``."""

    kind = "queue_log"

    def __init__(self, path: str, encoding: str) -> None:
        self.path = path
        self.encoding = encoding
        self.timezone = "UTC"  # epoch seconds carry no zone
        self.warnings: list[str] = []
        self.orphans = 0
        self.first_orphan = 0
        self.lines = 0

    def __iter__(self) -> Iterator[Call | Rejected]:
        stream = open_text(self.path, self.encoding)
        pending: dict[str, tuple[int, str, float]] = {}  # callid -> (line, queue, entered)
        n = 0
        try:
            for n, raw in enumerate(stream.lines(), 1):
                line = raw.rstrip("\r\n")
                if not line.strip():
                    continue
                item = self._line(n, line, pending)
                if item is not None:
                    yield item
        except OSError as e:  # a read error: the rest is lost, and said so
            yield Rejected(n + 1, "", f"could not read the rest of the file ({e}); nothing after this was read")
        finally:
            stream.close()
            self.lines = n
        for callid, (where, queue, entered) in pending.items():
            yield Call(where, queue, entered)
        if self.orphans:
            self.warnings.append(f"{self.orphans} outcome line(s) name a call that did not enter a queue earlier in "
                                 f"the log (first: line {self.first_orphan}); the log may begin mid-call: those "
                                 "calls are not counted")

    def _line(self, n: int, line: str, pending: dict[str, tuple[int, str, float]]) -> Call | Rejected | None:
        if line == LONG_LINE:
            return Rejected(n, "", f"the line is longer than {LINE_LIMIT // (1024 * 1024)} MiB; it is not a queue_log event")
        parts = line.split("|")
        if len(parts) < 5:
            return Rejected(n, "", f"{len(parts)} field(s); a queue_log line has at least 5 "
                                   "(epoch|callid|queue|agent|event)")
        at = _seconds(parts[0])
        if at is None:
            return Rejected(n, "", f"time '{clip(parts[0].strip())}' is not a number of seconds since 1970")
        callid, event = parts[1].strip(), parts[4]
        if callid in _NOT_A_CALL or callid.upper() == "NONE":
            return None
        if event not in _EVENTS:
            event = event.strip().upper()
        if event == "ENTERQUEUE":
            previous = pending.get(callid)
            pending[callid] = (n, parts[2].strip(), at)
            # entering again without an outcome: the earlier stay has none
            return Call(previous[0], previous[1], previous[2]) if previous is not None else None
        if event == "CONNECT":
            return self._outcome(n, callid, at, parts, 5, "data1 (seconds held)", pending, answered=True)
        if event == "ABANDON":
            return self._outcome(n, callid, at, parts, 7, "data3 (seconds waited)", pending, answered=False)
        if event in EXITS:
            return self._outcome(n, callid, at, parts, None, "", pending, answered=False)
        return None

    def _outcome(self, n: int, callid: str, at: float, parts: list[str], index: int | None, what: str,
                 pending: dict[str, tuple[int, str, float]], *, answered: bool) -> Call | Rejected | None:
        event = parts[4].strip().upper()  # for the messages
        seconds: float | None = None
        if index is not None:
            if len(parts) <= index or not parts[index].strip():
                return Rejected(n, clip(callid), f"{event} has no {what}")
            seconds = _seconds(parts[index])
            if seconds is None:
                return Rejected(n, clip(callid), f"{event} {what} '{clip(parts[index].strip())}' is not a "
                                                 "number of seconds")
        entry = pending.get(callid)
        if entry is None:
            self.orphans += 1
            self.first_orphan = self.first_orphan or n
            return None
        where, queue, entered = entry
        if seconds is None:
            if at < entered:
                return Rejected(n, clip(callid), f"{event} at {at:g} is before the call entered the queue "
                                                 f"(line {where})")
            seconds = at - entered
        del pending[callid]
        if answered:
            return Call(where, queue, entered, decided=at, held=seconds)
        return Call(where, queue, entered, decided=at, waited=seconds)
