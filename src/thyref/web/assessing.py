"""The web layer's door to the domain core: validate, assess in both languages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

import thyref
from thyref.domain import Case, assess
from thyref.domain.rules import DEFAULT_RULES, load_rules
from thyref.errors import CaseFormatError, CaseValidationError, Problem
from thyref.web.case_input import read_case as load_case
from thyref.web.case_input import validate_case as parse_case
from thyref.web.i18n import LANGS

JsonObject = dict[str, Any]

__all__ = [
    "CaseFormatError",
    "CaseValidationError",
    "PlotRules",
    "Problem",
    "assess_all",
    "assess_one",
    "engine_version",
    "load_case",
    "parse_case",
    "plot_rules",
]


def assess_all(case: Case) -> dict[str, JsonObject]:
    """The assessment in every UI language, as stored with each version."""
    return {lang: assess_one(case, lang) for lang in LANGS}


def assess_one(case: Case, lang: str) -> JsonObject:
    return assess(case, cast(Literal["fr", "en"], lang)).to_json()


def engine_version() -> tuple[str, str]:
    """(engine version, rules id) of the running code."""
    return thyref.__version__, DEFAULT_RULES


@dataclass(frozen=True, slots=True)
class PlotRules:
    threshold_gbq: float
    pr_factor: float
    pd_factor: float


@cache
def plot_rules() -> PlotRules:
    """The lines drawn on the plots, read from the rules data file."""
    rules = load_rules()
    return PlotRules(
        threshold_gbq=float(rules.refractoriness.cumulative_activity_mbq / rules.units.mbq_per_gbq),
        pr_factor=float(1 - rules.recist.pr_decrease),
        pd_factor=float(1 + rules.recist.pd_increase),
    )
