"""Fast parsers of timestamp layouts, one per column; each returns UTC epoch seconds.

Parsing with datetime objects costs 1-1.5 µs a value; an export repeats the
same dates, hours and offsets thousands of times, so these parsers slice the
string and look each part up in small caches filled (validated) by the
datetime route on first sight. ``slactl.exports.timestamps`` picks one per
column and explains the values it rejects. Naive values are wall time in the
export's zone (``zoneinfo``, fold=0); aware values keep their offset.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

MIN_YEAR = 1970
MAX_YEAR = 2200

_MONTH_NAMES = (  # English, French, German, Spanish, Russian (nominative and genitive), lower case
    ("jan", "january", "janv", "janvier", "januar", "jänner", "jaenner", "ene", "enero", "янв", "январь", "января"),
    ("feb", "february", "févr", "fevr", "février", "fevrier", "februar", "febrero", "фев", "февр", "февраль",
     "февраля"),
    ("mar", "march", "mars", "mär", "mrz", "märz", "maerz", "marzo", "мар", "март", "марта"),
    ("apr", "april", "avr", "avril", "abr", "abril", "апр", "апрель", "апреля"),
    ("may", "mai", "mayo", "май", "мая"),
    ("jun", "june", "juin", "juni", "junio", "июн", "июнь", "июня"),
    ("jul", "july", "juil", "juillet", "juli", "julio", "июл", "июль", "июля"),
    ("aug", "august", "août", "aout", "ago", "agosto", "авг", "август", "августа"),
    ("sep", "sept", "september", "septembre", "septiembre", "setiembre", "сен", "сент", "сентябрь", "сентября"),
    ("oct", "october", "octobre", "okt", "oktober", "octubre", "окт", "октябрь", "октября"),
    ("nov", "november", "novembre", "noviembre", "ноя", "нояб", "ноябрь", "ноября"),
    ("dec", "december", "déc", "décembre", "decembre", "dez", "dezember", "dic", "diciembre", "дек", "декабрь",
     "декабря"),
)
MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, start=1) for name in names}
"""Month names and abbreviations (lower case, no trailing dot) -> month number."""


class OutOfRange(ValueError):
    """A well-formed timestamp outside the years we accept."""


class TimestampError(ValueError):
    """A value that is not a timestamp; ``str()`` is the reason without the column name."""


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    """The tzinfo for an IANA name, cached; plain UTC is the fast ``timezone.utc``.

    Raises ``ValueError`` (or ``KeyError``) for an unknown name.
    """
    if name in ("UTC", "Etc/UTC", "utc"):
        return timezone.utc
    return ZoneInfo(name)


Parser = Callable[[str], float]




# --------------------------------------------------------------------------- fast parsers
#
# Parsing a timestamp with datetime objects costs 1-1.5 µs (fromisoformat,
# replace(tzinfo), timestamp()). An export repeats the same dates, hours,
# minutes and offsets thousands of times, so the fast parsers slice the string
# and look each part up in small caches that are filled, validated, by the
# datetime route on first sight. Anything unusual takes the datetime route.

_EPOCH_ORD = date(1970, 1, 1).toordinal()
_MMSS = {f":{m:02d}:{s:02d}": m * 60 + s for m in range(60) for s in range(60)}
_MM = {f":{m:02d}": m * 60 for m in range(60)}
_CACHE_MAX = 100_000
_TRANSITION = None  # zone offset of an hour that holds a DST change: compute exactly


class _Zone:
    """Offset of naive local wall time in a zone, cached per local hour (fold=0)."""

    __slots__ = ("tz", "hours", "iso_local", "iso_naive", "suffixes")

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.hours: dict[int, float | None] = {}
        # caches of the ISO parsers (see make_iso)
        self.iso_local: dict[str, float] = {}
        self.iso_naive: dict[str, float] = {}
        self.suffixes: dict[str, float] = {}

    def offset(self, hour: int) -> float | None:
        """Seconds east of UTC for local hour number ``hour`` (hours since 1970-01-01
        local), or None when the offset changes inside that hour."""
        try:
            return self.hours[hour]
        except KeyError:
            pass
        start = datetime(1970, 1, 1) + timedelta(hours=hour)
        end = start + timedelta(minutes=59, seconds=59)
        a = start.replace(tzinfo=self.tz).utcoffset()
        # fold=1 differs inside a DST gap or fold: those hours take the exact path, which counts them
        same = (a == end.replace(tzinfo=self.tz).utcoffset() == start.replace(tzinfo=self.tz, fold=1).utcoffset()
                == end.replace(tzinfo=self.tz, fold=1).utcoffset())
        off = a.total_seconds() if a is not None and same else _TRANSITION
        if len(self.hours) > _CACHE_MAX:
            self.hours.clear()
        self.hours[hour] = off
        return off

    def epoch(self, local: float, dst: list[int] | None = None) -> float:
        """UTC epoch of ``local`` seconds of naive wall time since 1970-01-01; a time in a
        DST gap or fold is counted in ``dst`` ([gaps, folds])."""
        off = self.offset(int(local // 3600))
        if off is not None:
            return local - off
        dt = (datetime(1970, 1, 1) + timedelta(seconds=local)).replace(tzinfo=self.tz)
        if dst is not None:
            count_dst(dt, dst)
        return dt.timestamp()


def count_dst(dt: datetime, dst: list[int]) -> None:
    """Count an aware wall time (fold=0) that falls in a DST gap (dst[0]) or fold (dst[1])."""
    if dt.replace(fold=1).utcoffset() == dt.utcoffset():
        return
    back = datetime.fromtimestamp(dt.timestamp(), dt.tzinfo).replace(tzinfo=None)
    dst[0 if back != dt.replace(tzinfo=None) else 1] += 1


@lru_cache(maxsize=64)
def _zone_cache(tz: tzinfo) -> _Zone:
    return _Zone(tz)


def _check_year(dt: datetime, s: str) -> None:
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        raise OutOfRange(s)


def make_iso(tz: tzinfo, seconds: bool = True) -> Parser:
    """ISO 8601 (``T`` or space, fractions, ``Z``, offsets, date only).

    Fast for ``YYYY-MM-DD?HH:MM:SS`` (``seconds``) or ``YYYY-MM-DD?HH:MM`` followed
    by nothing or an offset; every other ISO form goes through ``fromisoformat``.
    """
    fromiso = datetime.fromisoformat
    z = _zone_cache(tz)
    # "YYYY-MM-DDTHH" -> epoch of that hour: as written (local) and as UTC for naive
    # values (no entry for an hour with a DST change in it). Shared by the columns.
    local, naive, suffixes = z.iso_local, z.iso_naive, z.suffixes
    mmss, cut = (_MMSS, 19) if seconds else (_MM, 16)
    dst = [0, 0]  # naive values in a DST gap, in a fold

    def general(s: str) -> float:
        dt = fromiso(s)
        _check_year(dt, s)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=tz)
            if tz is not timezone.utc:
                count_dst(dt, dst)
        return dt.timestamp()

    def learn(s: str) -> float:
        """Parse through datetime; remember the hour and suffix for next time."""
        t = general(s)  # raises for anything invalid
        key = s[:13]
        rest = s[cut:]
        if len(key) == 13 and key[10] in "T " and key[11:].isdigit():
            need_naive = not rest and key not in naive
            if key not in local or need_naive:
                if len(local) > _CACHE_MAX:
                    local.clear()
                    naive.clear()
                dt = fromiso(key[:10] + "T" + key[11:] + ":00")
                here = (dt.toordinal() - _EPOCH_ORD) * 86400 + dt.hour * 3600
                local[key] = float(here)
                if need_naive:  # only naive values need the zone's offset
                    off = z.offset(here // 3600)
                    if off is not None:
                        naive[key] = here - off
        if rest and rest not in suffixes and "." not in rest and len(suffixes) < 1000 and s[cut - 3] == ":":
            delta = fromiso("2000-01-01T00:00:00" + rest).utcoffset()
            if delta is not None:
                suffixes[rest] = delta.total_seconds()
        return t

    def parse_iso(s: str) -> float:
        try:
            rest = s[cut:]
            if rest:
                return local[s[:13]] + mmss[s[13:cut]] - suffixes[rest]
            return naive[s[:13]] + mmss[s[13:cut]]
        except KeyError:
            return learn(s)

    # the caches, for a caller that inlines the lookups in its own loop (see reader)
    parse_iso.fast = (local, naive, suffixes, mmss, cut)  # type: ignore[attr-defined]
    parse_iso.dst = dst  # type: ignore[attr-defined]
    return parse_iso


def _offset(tok: str) -> tzinfo:
    """``+0300``, ``+03:00``, ``-05``, ``Z``, ``UTC``, ``GMT`` as a fixed offset."""
    up = tok.upper()
    if up in ("Z", "UTC", "GMT"):
        return timezone.utc
    sign = tok[0]
    if sign not in "+-":
        raise ValueError(tok)
    digits = tok[1:].replace(":", "")
    if not digits.isdigit() or len(digits) not in (2, 4):
        raise ValueError(tok)
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-delta if sign == "-" else delta)


def make_dmy(tz: tzinfo, sep: str, dayfirst: bool) -> Parser:
    """``dd.mm.yyyy``, ``mm/dd/yyyy``, ``dd/Mon/yy``, ``yyyy/mm/dd`` with optional
    ``h:mm[:ss[.ffffff]]``, ``AM``/``PM`` and a trailing offset, for one separator.

    Dates and times are parsed once each and cached; so is the zone offset per hour.
    """
    months = MONTHS
    z = _zone_cache(tz)
    dst = [0, 0]  # values in a DST gap, in a fold
    dates: dict[str, int] = {}  # date text -> local epoch of its midnight
    times: dict[str, tuple[float, float | None]] = {}  # time text -> (seconds, offset or None)

    def parse_date(d: str, s: str) -> int:
        a, b, c = (d[:-1] if d[-1:] == "," else d).split(sep)  # "05.11.2026, 14:30" (ru-RU's style)
        if len(a) == 4:  # year first
            if not b.isdigit():
                raise ValueError(s)
            y, mon, day = int(a), int(b), int(c)
        else:
            if b.isdigit():
                if dayfirst:
                    day, mon = int(a), int(b)
                else:
                    mon, day = int(a), int(b)
            else:
                mon = months[b.lower()]
                day = int(a)
            if len(c) == 4:
                y = int(c)
            elif len(c) == 2:
                y = int(c)
                y += 2000 if y < 69 else 1900  # strptime's %y pivot
            else:
                raise ValueError(s)
        if not (a.isdigit() and c.isdigit()):
            raise ValueError(s)
        dd = date(y, mon, day)
        if not MIN_YEAR <= y <= MAX_YEAR:
            raise OutOfRange(s)
        local = (dd.toordinal() - _EPOCH_ORD) * 86400
        if len(dates) > _CACHE_MAX:
            dates.clear()
        dates[d] = local
        return local

    def parse_time(rest: str, s: str) -> tuple[int, float | None]:
        t, _, more = rest.strip().partition(" ")
        ampm = ""
        if t[-2:].upper() in ("AM", "PM"):
            ampm, t = t[-2:].upper(), t[:-2]
        elif more[:2].upper() in ("AM", "PM") and len(more.split(" ", 1)[0]) == 2:
            ampm, _, more = more.partition(" ")
            ampm = ampm.upper()
        parts = t.split(":")
        if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts[:2]):
            raise ValueError(s)
        hh, mm = int(parts[0]), int(parts[1])
        ss = 0.0
        if len(parts) == 3:
            sec, dot, frac = parts[2].partition(".")
            if not sec.isdigit() or (dot and not frac.isdigit()):
                raise ValueError(s)
            ss = int(sec) + (int(frac) / 10 ** len(frac) if dot else 0)
        if ampm:
            if not 1 <= hh <= 12:
                raise ValueError(s)
            hh = hh % 12 + (12 if ampm == "PM" else 0)
        if not (0 <= hh < 24 and 0 <= mm < 60 and 0 <= ss < 60):
            raise ValueError(s)
        more = more.strip()
        off = None
        if more:
            o = _offset(more).utcoffset(None)
            off = o.total_seconds() if o is not None else 0.0
        secs = hh * 3600 + mm * 60 + ss
        entry = (secs, off)
        if "." not in rest:
            if len(times) > _CACHE_MAX:
                times.clear()
            times[rest] = entry
        return entry  # type: ignore[return-value]

    def parse_dmy(s: str) -> float:
        d, _, rest = s.partition(" ")
        try:
            day = dates[d]
        except KeyError:
            day = parse_date(d, s)
        if not rest:
            return z.epoch(day, dst)
        try:
            secs, off = times[rest]
        except KeyError:
            secs, off = parse_time(rest, s)
        if off is None:
            return z.epoch(day + secs, dst)
        return day + secs - off

    parse_dmy.dst = dst  # type: ignore[attr-defined]
    return parse_dmy


def make_strptime(tz: tzinfo, fmt: str) -> Parser:
    """An explicit ``strptime`` format (from a mapping file)."""
    strptime = datetime.strptime

    def parse_fmt(s: str) -> float:
        dt = strptime(s, fmt)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=tz)
        if MIN_YEAR <= dt.year <= MAX_YEAR:
            return dt.timestamp()
        raise OutOfRange(s)

    return parse_fmt



# --------------------------------------------------------------------------- numbers and month names

_EXCEL_EPOCH = 25569  # 1970-01-01 as an Excel (1900 date system) serial day


def make_epoch(scale: float) -> Parser:
    """Unix epoch seconds (``scale`` 1) or milliseconds (1000): absolute instants."""
    lo, hi = datetime(MIN_YEAR, 1, 1, tzinfo=timezone.utc).timestamp(), \
        datetime(MAX_YEAR, 12, 31, tzinfo=timezone.utc).timestamp()

    def parse_epoch(s: str) -> float:
        t = float(s) / scale
        if not lo <= t <= hi:
            raise OutOfRange(s)
        return t

    return parse_epoch


def make_excel(tz: tzinfo) -> Parser:
    """Excel serial days (1900 date system, fraction = time of day), naive wall time in ``tz``."""
    z = _zone_cache(tz)
    dst = [0, 0]

    def parse_excel(s: str) -> float:
        days = float(s)
        if not 25569 <= days <= 120000:  # 1970 .. 2228
            raise OutOfRange(s)
        return z.epoch(round((days - _EXCEL_EPOCH) * 86400, 3), dst)

    parse_excel.dst = dst  # type: ignore[attr-defined]
    return parse_excel


def make_named(tz: tzinfo) -> Parser:
    """Dates with a month name in English, French, German, Spanish or Russian:
    ``15 mars 2026 10:30``, ``15. März 2026``, ``15 de marzo de 2026``, ``15 марта 2026 г. 10:30``,
    ``Mar 15, 2026 10:30 PM``; naive wall time in ``tz`` unless an offset follows."""
    import re

    pattern = re.compile(
        r"(?:(?P<d1>\d{1,2})\.?\s*(?:de\s+)?(?P<m1>[^\W\d_]+)\.?|(?P<m2>[^\W\d_]+)\.?\s+(?P<d2>\d{1,2})\.?,?)"
        r"\s*(?:de\s+)?[,/-]?\s*(?P<y>\d{4})\s*(?:г\.?|года)?,?"
        r"(?:(?:\s+|T|\s*,\s*|\s*(?:à|um|a las|в)\s*)(?P<h>\d{1,2})[:h](?P<mi>\d{2})(?::(?P<s>\d{2}))?"
        r"\s*(?P<ap>[ap]\.?m\.?)?)?\s*(?P<off>Z|UTC|GMT|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
    z = _zone_cache(tz)
    dst = [0, 0]

    def parse_named(s: str) -> float:
        m = pattern.match(s.strip())
        if m is None:
            raise ValueError(s)
        name = (m.group("m1") or m.group("m2")).lower().rstrip(".")
        month = MONTHS.get(name)
        if month is None:
            raise ValueError(s)
        day, year = int(m.group("d1") or m.group("d2")), int(m.group("y"))
        hh, mm, ss = int(m.group("h") or 0), int(m.group("mi") or 0), int(m.group("s") or 0)
        ap = (m.group("ap") or "").replace(".", "").lower()
        if ap:
            if not 1 <= hh <= 12:
                raise ValueError(s)
            hh = hh % 12 + (12 if ap == "pm" else 0)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise OutOfRange(s)
        local = (date(year, month, day).toordinal() - _EPOCH_ORD) * 86400
        if not (hh < 24 and mm < 60 and ss < 60):
            raise ValueError(s)
        local += hh * 3600 + mm * 60 + ss
        off = m.group("off")
        if off:
            o = _offset(off).utcoffset(None)
            return local - (o.total_seconds() if o is not None else 0.0)
        return z.epoch(local, dst)

    parse_named.dst = dst  # type: ignore[attr-defined]
    return parse_named
