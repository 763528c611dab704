"""The tickets ``score`` could not judge, named in its human formats: uncovered (and
ambiguous) tickets by customer and reason, and the priorities no rule matches."""
from __future__ import annotations

from typing import Any

from slactl.core.unmatched import IDS_KEPT
from slactl.i18n import text


def named_tables(scorer: Any) -> list[tuple[str, list[str], list[list[object]]]]:
    """(title, headers, rows) for each list with something in it."""
    out: list[tuple[str, list[str], list[list[object]]]] = []
    uncovered = scorer.unmatched.uncovered_rows()
    if uncovered:
        out.append(("Uncovered tickets", ["customer", "reason", "tickets", "ticket ids"],
                    [[c, text("en", "reason_" + r), n, ", ".join(ids) + (" ..." if n > IDS_KEPT else "")]
                     for c, r, n, ids in uncovered]))
    no_rule = scorer.unmatched.no_rule_rows()
    if no_rule:
        out.append(("Priorities with no rule", ["agreement", "priority", "tickets"],
                    [[a, p or "(empty)", n] for a, p, n in no_rule]))
    return out
