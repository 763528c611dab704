"""Service credits: what a provider owes per agreement and calendar month (README
"Availability and credits"). Pure.

Per month the largest tier whose condition holds gives the credit, capped by
``cap``. Availability tiers are judged against the worst service of the
agreement's monthly objectives; compliance tiers against that month's
compliance of the named metric, when the caller knows it (``score``/``report``
have the ticket export, ``availability`` alone does not). "Below" is strict.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from slactl.core.model import Credits

__all__ = ["CreditEntry", "judge_credits", "format_pct"]


@dataclass(slots=True)
class CreditEntry:
    agreement: str
    window: str  # the month: 2026-11
    credit_pct: float
    amount: float | None
    currency: str | None
    reasons: list[str] = field(default_factory=list)
    partial: bool = False  # the month is still running at as_of
    capped: bool = False  # the tiers asked for more than ``cap``
    causes: list[tuple[str, str, float, float, float]] = field(default_factory=list)
    """The reasons as values, for pages in any language: (``availability`` or ``compliance``,
    the service or metric, the value, the threshold it is below, the tier's credit %)."""

    def as_dict(self) -> dict[str, object]:
        """The credit as the availability JSON carries it."""
        return {"agreement": self.agreement, "window": self.window, "credit_pct": self.credit_pct,
                "amount": None if self.amount is None else round(self.amount, 2), "currency": self.currency,
                "reasons": list(self.reasons), "partial": self.partial,
                "capped": self.capped}


def format_pct(value: float, target: float | None = None) -> str:
    """98.5 -> '98.5 %', 99.91234 next to 99.95 -> '99.91 %': as every percentage is shown
    (:func:`slactl.core.figures.percent_text`, never across its target)."""
    from slactl.core.figures import percent_text

    return f"{percent_text(value, target)} %"


def judge_credits(agreement: str, terms: Credits, worst: Mapping[str, tuple[str, float]],
                  months: Iterable[tuple[str, bool]],
                  compliance: Mapping[tuple[str, str, str], float]) -> list[CreditEntry]:
    """One entry per month in ``months`` ((label, still running)) for ``agreement``.

    ``worst`` maps a month to its worst (service, availability %) over the
    agreement's monthly objectives; ``compliance`` maps (agreement, month,
    metric) to percent.
    """
    out: list[CreditEntry] = []
    for label, running in months:
        low = worst.get(label)  # (service, pct)
        best = 0.0
        reasons: list[str] = []
        causes: list[tuple[str, str, float, float, float]] = []
        for tier in terms.tiers:
            if tier.availability_below is not None:
                if low is None or not low[1] < tier.availability_below:
                    continue
                below = tier.availability_below
                reasons.append(f"{low[0]} availability {format_pct(low[1], below)} is below "
                               f"{format_pct(below, below)}: {format_pct(tier.credit)} credit")
                causes.append(("availability", low[0], low[1], tier.availability_below, tier.credit))
            elif tier.compliance_below is not None and tier.metric is not None:
                value = compliance.get((agreement, label, tier.metric))
                if value is None or not value < tier.compliance_below:
                    continue
                below = tier.compliance_below
                reasons.append(f"{tier.metric.replace('_', ' ')} compliance {format_pct(value, below)} is below "
                               f"{format_pct(below, below)}: {format_pct(tier.credit)} credit")
                causes.append(("compliance", tier.metric, value, tier.compliance_below, tier.credit))
            else:
                continue
            best = max(best, tier.credit)
        pct = min(best, terms.cap)
        amount = terms.monthly_fee * pct / 100 if terms.monthly_fee is not None else None
        out.append(CreditEntry(agreement, label, pct, amount, terms.currency, reasons, running, pct < best,
                               causes))
    return out
