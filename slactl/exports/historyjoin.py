"""Matching a status history to the export's tickets without holding every timeline in memory.

Two ways, chosen before scoring (README "Pauses and status history"):

* **sorted**: when the history lists each ticket's rows together and the
  tickets in ascending order of their ids (as text, or with numbers compared as
  numbers: ``T-9`` before ``T-10``), it is read once, in step with the export,
  one ticket's rows at a time. The order is guessed from the history's first
  records and checked on every ticket of both files; at the first ticket out of
  order the run starts again through the index below (said in the run's notes).
* **indexed**: otherwise the history is copied once into an on-disk SQLite
  file (standard library ``sqlite3``, in the temporary directory, removed
  afterwards) and each ticket's rows are looked up by id.

Either way the order of a ticket's rows is their file order, and status
changes of tickets the export does not hold are counted, never fatal.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from slactl.core.activity import Event
from slactl.core.pauses import Change
from slactl.errors import InputError
from slactl.exports.history import History, HistoryRow, HistoryStats
from slactl.exports.reader import Rejected

if TYPE_CHECKING:
    import sqlite3

_DIGITS = re.compile(r"(\d+)")
Key = Callable[[str], Any]
_NEW = tuple.__new__  # _NEW(Change, (...)): the named tuple without its Python-level __new__


_ONE_NUMBER = re.compile(r"(\D*)(\d+)\Z").match


def _natural(ticket: str) -> tuple[list[object], str]:
    m = _ONE_NUMBER(ticket)  # the common shape (PREFIX-123, 123): the same key, faster
    if m is not None:
        return [m[1], int(m[2]), ""], ticket
    parts: list[object] = _DIGITS.split(ticket)
    for i in range(1, len(parts), 2):
        parts[i] = int(parts[i])  # type: ignore[call-overload]
    return parts, ticket


def _plain(ticket: str) -> str:
    return ticket


def ticket_order(ids: Iterator[str]) -> Key | None:
    """The order the ids ascend in (``str`` or numbers-as-numbers), or None when they do not."""
    plain_ok = natural_ok = True
    prev: str | None = None
    prev_nat: Any = None
    for ticket in ids:
        if ticket == prev:
            continue
        if prev is not None:
            if plain_ok and ticket < prev:
                plain_ok = False
            if natural_ok:
                nat = _natural(ticket)
                if nat < prev_nat:
                    natural_ok = False
                prev_nat = nat
            if not (plain_ok or natural_ok):
                return None
        else:
            prev_nat = _natural(ticket)
        prev = ticket
    return _plain if plain_ok else _natural


class OutOfOrder(Exception):
    """Raised by ``changes`` when the files turn out not to share one ticket order: the caller
    reads the export again after ``restart(indexed=True)`` (see ``slactl.usecases.score``)."""


class HistoryLookup:
    """``changes(ticket_id)`` for each export ticket in export order; then ``finish()``."""

    def __init__(self, history: History, *, index_dir: str | None = None) -> None:
        self.history = history
        self.notes: list[str] = []
        self._index_dir = index_dir
        self._key = ticket_order(iter(history.sample_ids))
        self._db: sqlite3.Connection | None = None
        self._tmp: str | None = None
        self._hits: list[tuple[str]] = []
        self._indexed: tuple[int, list[Rejected]] = (0, [])
        self.extras: list[Event] | None = None  # the group and comment rows of the ticket last asked for
        self.stats = HistoryStats(history.path, history.preset)
        self.restart(indexed=self._key is None)

    def restart(self, indexed: bool = False) -> None:
        """From the top again: the export is read again (an event log, or out of order)."""
        if indexed and self._key is not None:
            self.notes.append("the history is not sorted by ticket in the export's order: "
                              "matched through an on-disk index instead")
        if indexed:
            self._key = None
        self.stats = HistoryStats(self.history.path, self.history.preset)
        self.history.ignored = 0
        if self._key is None:
            self.stats.method = "indexed"
            if self._db is None:
                self._build_index()
            else:
                self._flush_hits()
                self._db.execute("DELETE FROM h")
            self.stats.changes, rejected = self._indexed
            self.stats.activity = self._activity
            self.stats.rejected = list(rejected)
            self.stats.ignored = self._ignored
        else:
            self.stats.method = "sorted"
            self._rows = self._status_rows()
            self._next: HistoryRow | None = next(self._rows, None)
            self._last: Any = None  # key of the export's last ticket
            self._group: Any = None  # key of the history's last ticket passed

    def _status_rows(self) -> Iterator[HistoryRow]:
        """The readable status rows; rejected ones go to the stats."""
        stats = self.stats
        for item in self.history:
            if type(item) is Rejected:
                stats.rejected.append(item)
            else:
                if item[5]:  # type: ignore[index]  # a group or comment row
                    stats.activity += 1
                else:
                    stats.changes += 1
                yield item  # type: ignore[misc]  # the type() check narrowed it

    def changes(self, ticket: str) -> list[Change] | None:
        """The status changes of ``ticket`` in file order, or None when it has none; its group and
        comment rows are left in ``extras`` (None when it has none)."""
        self.extras = None
        if self._key is None:
            return self._lookup(ticket)
        key_of = self._key
        key = key_of(ticket)
        if self._last is not None and key <= self._last:
            raise OutOfOrder(f"the export lists ticket {ticket} out of order")
        self._last = key
        rows = self._rows
        nxt = self._next
        while nxt is not None:
            here = nxt.ticket
            if here == ticket:  # the common case: in order by construction (see below)
                group = key
            else:
                group = key_of(here)
                if group > key:
                    break
                if self._group is not None and group <= self._group:
                    raise OutOfOrder(f"the history lists ticket {here} out of order (row {nxt.row})")
            # every group passed so far is <= the previous export ticket < key: no check needed
            self._group = group
            out: list[Change] = []
            extra: list[Event] = []
            while nxt is not None and nxt.ticket == here:
                if nxt[5]:
                    extra.append(_NEW(Event, nxt[2:]))  # (at, to, before, kind)
                else:
                    out.append(_NEW(Change, nxt[2:5]))  # (at, to, before)
                nxt = next(rows, None)
            if here == ticket:
                self._next = nxt
                self.extras = extra or None
                return out or None
            self.stats.unknown_tickets += len(out) + len(extra)  # a ticket the export does not hold
        self._next = nxt
        return None

    def skip(self, ticket: str) -> None:
        """Pass over the rows of an export ticket the selection leaves out (counted as such, not
        as rows of tickets the export does not hold)."""
        found = self.changes(ticket)
        self.stats.outside += len(found or ()) + len(self.extras or ())
        self.extras = None

    def drain(self) -> None:
        """Read the history past the export's last ticket (tickets the export does not hold),
        still checking the order: ``OutOfOrder`` when a ticket passed comes back."""
        if self._key is None:
            return
        nxt, prev = self._next, None
        while nxt is not None:
            if nxt.ticket != prev:
                group = self._key(nxt.ticket)
                if self._group is not None and group <= self._group:
                    raise OutOfOrder(f"the history lists ticket {nxt.ticket} out of order (row {nxt.row})")
                self._group, prev = group, nxt.ticket
            self.stats.unknown_tickets += 1
            nxt = next(self._rows, None)
        self._next = None

    def finish(self) -> HistoryStats:
        """Count what is left, close the index; the stats of the whole run."""
        import sqlite3

        stats = self.stats
        if self._key is None:
            self._flush_hits()
            assert self._db is not None
            try:
                (matched,) = self._db.execute("SELECT COUNT(*) FROM c WHERE t IN (SELECT t FROM h)").fetchone()
            except sqlite3.Error as exc:
                raise self._index_failed(exc) from None
            stats.unknown_tickets = stats.changes + stats.activity - matched
            self.close()
        else:
            self.drain()
            stats.ignored = self.history.ignored
        stats.rows = stats.changes + stats.activity + stats.ignored + len(stats.rejected)
        return stats

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    # ------------------------------------------------------------------ the index

    def _build_index(self) -> None:
        import sqlite3  # only a history out of order needs it

        try:
            self._write_index()
        except (sqlite3.Error, OSError) as exc:  # a full or read-only temporary directory
            raise self._index_failed(exc) from None
        except BaseException:  # an unreadable history, Ctrl-C: no index folder left behind either
            self.close()
            raise

    def _index_failed(self, exc: Exception) -> InputError:
        """The one message of an index that cannot be written or read; the index folder is removed."""
        where = self._index_dir or tempfile.gettempdir()
        self.close()
        return InputError(f"{self.history.path}: the status history could not be indexed in {where} "
                          f"({exc}): free space there, or set TMPDIR to a folder with room")

    def _write_index(self) -> None:
        import sqlite3

        self._tmp = tempfile.mkdtemp(prefix="slactl-history-", dir=self._index_dir)
        self._db = db = sqlite3.connect(os.path.join(self._tmp, "history.sqlite3"), isolation_level=None)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-32000")  # 32 MB
        db.execute("PRAGMA temp_store=FILE")
        db.execute("CREATE TABLE c (t TEXT NOT NULL, n INTEGER NOT NULL, at REAL, s TEXT, b TEXT, k TEXT)")
        db.execute("CREATE TABLE h (t TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("BEGIN")
        batch: list[tuple[str, int, float, str, str | None, str]] = []
        for row in self._status_rows():
            batch.append((row.ticket, row.row, row.at, row.to, row.before, row.kind))
            if len(batch) >= 50_000:
                db.executemany("INSERT INTO c VALUES (?, ?, ?, ?, ?, ?)", batch)
                batch.clear()
        db.executemany("INSERT INTO c VALUES (?, ?, ?, ?, ?, ?)", batch)
        db.execute("CREATE INDEX c_t ON c (t, n)")
        db.execute("COMMIT")
        self._db = db
        self._indexed = (self.stats.changes, list(self.stats.rejected))
        self._activity = self.stats.activity
        self._ignored = self.history.ignored

    def _lookup(self, ticket: str) -> list[Change] | None:
        import sqlite3

        assert self._db is not None
        try:
            rows = self._db.execute("SELECT at, s, b, k FROM c WHERE t = ? ORDER BY n", (ticket,)).fetchall()
        except sqlite3.Error as exc:
            raise self._index_failed(exc) from None
        if not rows:
            return None
        self._hits.append((ticket,))
        if len(self._hits) >= 50_000:
            self._flush_hits()
        self.extras = [_NEW(Event, r) for r in rows if r[3]] or None
        return [_NEW(Change, r[:3]) for r in rows if not r[3]] or None

    def _flush_hits(self) -> None:
        import sqlite3

        if self._db is not None and self._hits:
            try:
                self._db.executemany("INSERT OR IGNORE INTO h VALUES (?)", self._hits)
            except sqlite3.Error as exc:
                raise self._index_failed(exc) from None
        self._hits.clear()
