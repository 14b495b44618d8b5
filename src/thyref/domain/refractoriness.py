"""Refractoriness under the TuThyRef definition (SEED): status, category, criteria, evidence.

Thyroglobulin never decides (SEED: imaging by RECIST does). When no criterion holds but
one could with the missing data, the status is ``indeterminate`` and ``missing_data``
names each missing item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from thyref.domain.case import Case, Category, Extent, Lesion
from thyref.domain.dates import add_months
from thyref.domain.messages import Phrase, Term
from thyref.domain.rai import RaiSummary
from thyref.domain.recist import RecistResult
from thyref.domain.rules import Rules

CRITERIA_ORDER = (
    "DTC-NO-UPTAKE",
    "DTC-PROGRESSION-12M",
    "DTC-CUMULATIVE-ACTIVITY",
    "ATC-ALWAYS",
    "MTC-ADVANCED",
)
ADVANCED = (Extent.locally_advanced, Extent.metastatic)


@dataclass(slots=True)
class Evidence:
    """Why a criterion holds: a message key and the data it fired on."""

    criterion: str
    message: str
    params: dict[str, Any]
    sources: tuple[str, ...]
    lesions: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()


@dataclass(slots=True)
class Refractoriness:
    status: str
    category: Category
    extent: Extent | None
    criteria_met: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    missing_data: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def _lesion_list(lesions: list[Lesion]) -> Phrase:
    """``L1 (poumon), B1 (os)``: ids with their site said in the reader's language."""
    parts: list[str | Term] = []
    for i, lesion in enumerate(lesions):
        parts += [", " if i else "", f"{lesion.id} (", Term(f"site.{lesion.site}"), ")"]
    return tuple(parts)


def _no_uptake(case: Case, rules: Rules) -> Evidence | None:
    cold = [lesion for lesion in case.raw.lesions if lesion.rai_uptake == "no"]
    if not cold:
        return None
    avid = [lesion.id for lesion in case.raw.lesions if lesion.rai_uptake == "yes"]
    return Evidence(
        "DTC-NO-UPTAKE",
        "evidence.no_uptake.mixed" if avid else "evidence.no_uptake",
        {
            "cold": _lesion_list(cold),
            "avid": ", ".join(avid),
        },
        tuple(rules.criterion_sources("DTC-NO-UPTAKE")),
        lesions=tuple(lesion.id for lesion in cold),
    )


def _progression(rai: RaiSummary, recist: RecistResult | None, rules: Rules) -> Evidence | None:
    if recist is None or not rai.administrations:
        return None
    months = rules.refractoriness.progression_window_months
    for tp in recist.timepoints:
        if tp.overall_response != "PD":
            continue
        for given in reversed(rai.administrations):
            if given.date < tp.date <= add_months(given.date, months):
                return Evidence(
                    "DTC-PROGRESSION-12M",
                    "evidence.progression.asserted" if tp.asserted else "evidence.progression",
                    {
                        "pd_date": tp.date.isoformat(),
                        "rai_date": given.date.isoformat(),
                        "months": months,
                        "days": (tp.date - given.date).days,
                        "sum": "" if tp.sum_mm is None else str(tp.sum_mm),
                        "nadir": "" if tp.nadir_mm is None else str(tp.nadir_mm),
                    },
                    tuple(rules.criterion_sources("DTC-PROGRESSION-12M")),
                    dates=(given.date, tp.date),
                )
    return None


def _cumulative(
    case: Case, rai: RaiSummary, recist: RecistResult | None, rules: Rules
) -> Evidence | None:
    reached = rai.threshold_reached_on
    if reached is None or not case.raw.lesions:
        return None
    after = [tp for tp in (recist.timepoints if recist else ()) if tp.date > reached]
    if after and after[-1].overall_response == "CR":
        return None
    return Evidence(
        "DTC-CUMULATIVE-ACTIVITY",
        "evidence.cumulative.imaging" if after else "evidence.cumulative",
        {
            "gbq": f"{rai.cumulative_gbq:.2f}",
            "mci": f"{rai.cumulative_mci:.0f}",
            "threshold_gbq": f"{rai.threshold_mbq / 1000:g}",
            "reached": reached.isoformat(),
            "latest_date": after[-1].date.isoformat() if after else "",
            "latest_response": Term(f"vocab.response.{after[-1].overall_response}")
            if after
            else "",
            "lesions": len(case.raw.lesions),
        },
        tuple(rules.criterion_sources("DTC-CUMULATIVE-ACTIVITY")),
        dates=(reached,),
    )


def _missing(case: Case, rai: RaiSummary, recist: RecistResult | None, rules: Rules) -> list[str]:
    missing = []
    if any(lesion.rai_uptake == "unknown" for lesion in case.raw.lesions):
        missing.append("lesions.rai_uptake")
    if rai.latest is None:
        missing.append("rai")
    elif case.raw.lesions:
        end = add_months(rai.latest, rules.refractoriness.progression_window_months)
        latest = rai.latest
        shots = [shot.date for shot in case.raw.imaging if latest < shot.date <= end]
        if not shots:
            missing.append("imaging_after_rai")
    return missing


def evaluate(
    case: Case, rai: RaiSummary, recist: RecistResult | None, rules: Rules
) -> Refractoriness:
    category = case.category
    extent = case.extent(rules)
    if category is Category.anaplastic:
        ev = Evidence(
            "ATC-ALWAYS",
            "evidence.atc",
            {},
            tuple(rules.criterion_sources("ATC-ALWAYS")),
        )
        return Refractoriness("refractory", category, extent, ("ATC-ALWAYS",), (ev,), ())
    if category is Category.medullary:
        if extent not in ADVANCED:
            return Refractoriness(
                "not_refractory", category, extent, (), (), (), ("note.mtc_not_advanced",)
            )
        possible = case.raw.clinical.standard_treatment_possible
        if possible is None:
            return Refractoriness(
                "indeterminate",
                category,
                extent,
                (),
                (),
                ("clinical.standard_treatment_possible",),
            )
        if possible:
            return Refractoriness(
                "not_refractory", category, extent, (), (), (), ("note.mtc_standard_possible",)
            )
        ev = Evidence(
            "MTC-ADVANCED",
            "evidence.mtc",
            {"extent": Term(f"extent.{extent.value}") if extent else ""},
            tuple(rules.criterion_sources("MTC-ADVANCED")),
        )
        return Refractoriness("refractory", category, extent, ("MTC-ADVANCED",), (ev,), ())
    # differentiated
    if extent not in ADVANCED:
        return Refractoriness(
            "not_refractory", category, extent, (), (), (), ("note.dtc_locoregional",)
        )
    found = [
        ev
        for ev in (
            _no_uptake(case, rules),
            _progression(rai, recist, rules),
            _cumulative(case, rai, recist, rules),
        )
        if ev is not None
    ]
    if found:
        ids = tuple(ev.criterion for ev in found)
        return Refractoriness("refractory", category, extent, ids, tuple(found), ())
    missing = _missing(case, rai, recist, rules)
    if missing:
        return Refractoriness("indeterminate", category, extent, (), (), tuple(missing))
    return Refractoriness("not_refractory", category, extent, (), (), ())
