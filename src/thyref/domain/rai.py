"""Cumulative I-131 activity (exact: 1 mCi = 37 MBq)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from thyref.domain.case import Case
from thyref.domain.rules import Rules


@dataclass(slots=True)
class Administration:
    date: date
    mbq: Decimal
    cumulative_mbq: Decimal
    response: str | None = None


@dataclass(slots=True)
class RaiSummary:
    administrations: tuple[Administration, ...]
    cumulative_mbq: Decimal
    mbq_per_mci: Decimal
    threshold_mbq: Decimal
    threshold_reached_on: date | None

    @property
    def count(self) -> int:
        return len(self.administrations)

    @property
    def cumulative_gbq(self) -> Decimal:
        return self.cumulative_mbq / 1000

    @property
    def cumulative_mci(self) -> Decimal:
        return self.cumulative_mbq / self.mbq_per_mci

    @property
    def latest(self) -> date | None:
        return self.administrations[-1].date if self.administrations else None

    @property
    def dates(self) -> list[date]:
        return [a.date for a in self.administrations]


def to_mbq(activity: float, unit: str, rules: Rules) -> Decimal:
    value = Decimal(repr(activity))
    if unit == "mCi":
        return value * rules.units.mbq_per_mci
    if unit == "GBq":
        return value * rules.units.mbq_per_gbq
    return value


def summarise(case: Case, rules: Rules) -> RaiSummary:
    """Administrations in date order with running totals, and when 22 GBq was reached.

    ``rai[]`` comes in any order (case-format.md): administrations of one day are put in
    the order of their activity, then response, never in the order given."""
    total = Decimal(0)
    rows = []
    reached: date | None = None
    threshold = rules.refractoriness.cumulative_activity_mbq
    given = sorted(
        (g.date, to_mbq(g.activity, g.unit, rules), g.response or "") for g in case.raw.rai
    )
    for day, mbq, response in given:
        total += mbq
        rows.append(Administration(day, mbq, total, response or None))
        if reached is None and total >= threshold:
            reached = day
    return RaiSummary(tuple(rows), total, rules.units.mbq_per_mci, threshold, reached)
