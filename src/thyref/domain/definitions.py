"""Definitions side by side (clinical-rules.md section 5): every shipped definition judged
on one case, the primary first; the primary's verdict drives sections 1 and 4."""

from __future__ import annotations

from collections.abc import Iterable

from thyref.domain.case import Case
from thyref.domain.rai import RaiSummary
from thyref.domain.recist import RecistResult
from thyref.domain.refractoriness import Refractoriness, judge
from thyref.domain.rules import (
    DEFAULT_RULES,
    Definition,
    Rules,
    definition_ids,
    load_definition,
)


def judge_all(
    case: Case,
    rai: RaiSummary,
    recist: RecistResult | None,
    rules: Rules,
    primary: str = DEFAULT_RULES,
) -> list[Refractoriness]:
    """One verdict per definition, the primary first, then the others by name."""
    return [
        judge(definition_of(name, rules), case, rai, recist, rules)
        for name in definition_ids(primary)
    ]


def definition_of(rule_set: str, rules: Rules) -> Definition:
    """The definition named ``rule_set``: that of ``rules`` itself when it has that name
    (a rule set given by the caller), else the shipped file's."""
    return rules.definition if rule_set == rules.id else load_definition(rule_set)


def differ(verdicts: list[Refractoriness]) -> bool:
    """Two definitions give different statuses (``not_applicable`` left out)."""
    return statuses_differ(v.status for v in verdicts)


def statuses_differ(statuses: Iterable[object]) -> bool:
    """:func:`differ` on statuses as words (an assessment's JSON ``definitions``)."""
    return len({s for s in statuses if s != "not_applicable"}) > 1
