"""Changes to agreements, policies, calendars and services in words (``slactl diff`` and the
report's "Amendments in this period" table): "P2 resolution 16 h → 8 h (policy standard)"."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from slactl.core.changes import TermChange
from slactl.i18n import duration, percent, text

_METRICS = ("first_response", "resolution")


def _minutes(lang: str, seconds: object) -> str:
    return duration(lang, seconds / 60) if isinstance(seconds, (int, float)) else text(lang, "notice_level_none")


def _value(lang: str, key: str, value: object) -> str:
    if value is None:
        return text(lang, "all_services") if key == "services" else text(lang, "what_none")
    if key == "compliance_target" and isinstance(value, (int, float)):
        return percent(lang, value)
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _via(lang: str, via: str | None) -> str:
    if via is None:
        return ""
    if via.startswith("policy "):
        return f" ({text(lang, 'via_policy', name=via[len('policy '):])})"
    return f" ({text(lang, 'via_amendment' if via == 'amendment' else 'via_agreement')})"


def change_words(change: TermChange, lang: str = "en") -> str:
    """One agreement or policy change in words, in ``lang``."""
    k = change.key
    if k in _METRICS:
        metric = text(lang, "metric_" + k)
        values = {"priority": change.priority, "metric": metric, "old": _minutes(lang, change.old),
                  "new": _minutes(lang, change.new)}
        which = "change_metric" if change.old is not None and change.new is not None else \
            "change_metric_set" if change.new is not None else "change_metric_unset"
        return text(lang, which, **values) + _via(lang, change.via)
    if k == "rule":
        which = "change_rule_added" if change.new is not None else "change_rule_removed"
        said = text(lang, which, priority=change.priority)
        if isinstance(change.new, tuple):
            fr, res = change.new
            said += (f": {text(lang, 'metric_first_response')} {_minutes(lang, fr)}, "
                     f"{text(lang, 'metric_resolution')} {_minutes(lang, res)}")
        return said + _via(lang, change.via)
    if k == "amendment":
        day = change.new if change.new is not None else change.old
        state = "added" if change.old is None else "removed" if change.new is None else "changed"
        said = text(lang, "change_amendment_" + state, day=day)
        return said + (": " + "; ".join(change_words(c, lang) for c in change.changes) if change.changes else "")
    what = text(lang, "what_" + k) if k in _WHATS else k.replace("_", " ")
    if k == "calendar" and change.priority is not None:
        what = f"{change.priority} {what}"
    if change.old is None and change.new is None:
        return text(lang, "change_other", what=what)
    return text(lang, "change_value", what=what, old=_value(lang, k, change.old), new=_value(lang, k, change.new))


_WHATS = frozenset({"compliance_target", "policy", "services", "calendar", "period_start", "period_end", "status",
                    "availability", "credits", "hours", "renewal", "amendments", "pause", "resolved_statuses"})


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _spans(spans: object) -> str:
    if not spans:
        return "closed"
    return ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in spans)  # type: ignore[attr-defined]


def calendar_words(change: TermChange) -> str:
    """A calendar's change in words (English, as the command line speaks)."""
    k = change.key
    if k in ("holiday", "workday"):
        day = change.new if change.new is not None else change.old
        return f"{k} {day} {'added' if change.new is not None else 'removed'}"
    if k.startswith("hours_") or k == "workday_hours":
        day = "workday hours" if k == "workday_hours" else f"{k[len('hours_'):].capitalize()} hours"
        return f"{day} {_spans(change.old)} → {_spans(change.new)}"
    if k == "holiday_country":
        return f"public holidays of {change.old or 'no country'} → {change.new or 'no country'}"
    return f"{k.replace('_', ' ')} {change.old} → {change.new}"


def service_words(change: TermChange) -> str:
    if change.key == "aliases":
        return f"alias '{change.new or change.old}' {'added' if change.new is not None else 'removed'}"
    return "description changed"


def amendment_extras(ws: Any, sections: Iterable[Any], first: date, last: date, lang: str | None) -> None:
    """Attach to each report section whose agreement was amended inside ``first``..``last`` the
    table of what changed and from when, in words (``Section.extras["amendments"]``)."""
    from slactl.core.changes import amendment_changes

    for section in sections:
        base = ws.agreements.get(section.agreement.name)
        if base is None or not base.amendments:
            continue
        said = lang or base.language or "en"
        rows = []
        for amendment, changes in amendment_changes(ws, base):
            if first <= amendment.effective <= last:
                rows.append([amendment.effective.isoformat(), amendment.note or "",
                             "; ".join(change_words(c, said) for c in changes)])
        if rows:
            section.extras["amendments"] = {
                "title": text(said, "amendments_title"),
                "headers": [text(said, "amendment_from"), text(said, "amendment_note"),
                            text(said, "amendment_changes")],
                "rows": rows, "note": text(said, "amendment_intro"),
            }
