"""Definitions side by side (clinical-rules.md section 5): every shipped definition judged
on one case, the primary first; the primary's verdict drives sections 1 and 4."""

from __future__ import annotations

from thyref.domain.case import Case
from thyref.domain.rai import RaiSummary
from thyref.domain.recist import RecistResult
from thyref.domain.refractoriness import Refractoriness, judge
from thyref.domain.rules import DEFAULT_RULES, Rules, definition_ids, load_definition


def judge_all(
    case: Case,
    rai: RaiSummary,
    recist: RecistResult | None,
    rules: Rules,
    primary: str = DEFAULT_RULES,
) -> list[Refractoriness]:
    """One verdict per definition, the primary first, then the others by name."""
    out = []
    for definition_id in definition_ids(primary):
        definition = (
            rules.definition if definition_id == rules.id else load_definition(definition_id)
        )
        out.append(judge(definition, case, rai, recist, rules))
    return out


def differ(verdicts: list[Refractoriness]) -> bool:
    """Two definitions give different statuses (``not_applicable`` left out)."""
    return len({v.status for v in verdicts if v.status != "not_applicable"}) > 1
