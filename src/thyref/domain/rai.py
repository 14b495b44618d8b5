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
    """Administrations in date order with running totals, and when 22 GBq was reached."""
    total = Decimal(0)
    rows = []
    reached: date | None = None
    threshold = rules.refractoriness.cumulative_activity_mbq
    for given in case.rai_sorted():
        total += to_mbq(given.activity, given.unit, rules)
        rows.append(Administration(given.date, to_mbq(given.activity, given.unit, rules), total))
        if reached is None and total >= threshold:
            reached = given.date
    return RaiSummary(tuple(rows), total, rules.units.mbq_per_mci, threshold, reached)
