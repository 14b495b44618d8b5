"""RECIST 1.1 (Eisenhauer et al. 2009): targets, sums, nadir and responses per timepoint.

All comparisons are exact: measurements become ``Decimal`` from their shortest repr, so
25.5 -> 30.6 mm is exactly +20 % and 3.2 -> 8.2 mm exactly +5.0 mm (both PD).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from operator import itemgetter

from thyref.domain.case import Case, Imaging, Lesion
from thyref.domain.messages import Lang, Phrase, Said, Term, day
from thyref.domain.rules import RecistRules, Rules

NODE_ORGAN = "lymph_node"
_ZERO = Decimal(0)
_TENTH = Decimal("0.1")
_SIZE_THEN_ID = itemgetter(0, 1)  # (-size, lesion id): largest first, then by id


@dataclass(slots=True)
class Timepoint:
    date: date
    sum_mm: Decimal | None
    change_from_baseline_pct: Decimal | None
    change_from_nadir_pct: Decimal | None
    nadir_mm: Decimal | None
    target_response: str | None
    non_target_response: str | None
    new_lesions: bool
    overall_response: str
    asserted: bool = False
    missing_targets: tuple[str, ...] = ()
    reasons: tuple[Said, ...] = ()


@dataclass(slots=True)
class RecistResult:
    baseline_date: date
    baseline_sum_mm: Decimal | None
    targets: tuple[str, ...]
    non_targets: tuple[str, ...]
    target_selection: str  # "declared" or "selected"
    timepoints: tuple[Timepoint, ...]
    best_overall_response: str | None
    warnings: tuple[Said, ...] = field(default_factory=tuple)

    def dates_with(self, response: str) -> list[date]:
        return [t.date for t in self.timepoints if t.overall_response == response]

    @property
    def latest_date(self) -> date:
        return self.timepoints[-1].date if self.timepoints else self.baseline_date

    def sums(self) -> list[tuple[date, Decimal]]:
        """Complete sums of diameters, baseline included, in date order."""
        out = []
        if self.baseline_sum_mm is not None and self.targets:
            out.append((self.baseline_date, self.baseline_sum_mm))
        for tp in self.timepoints:
            if tp.sum_mm is not None and not tp.missing_targets and not tp.asserted:
                out.append((tp.date, tp.sum_mm))
        return out


def pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """(part / whole) x 100 rounded half-up to one decimal; None when whole is 0."""
    if whole == 0:
        return None
    ratio = part * 100 / whole
    try:
        return ratio.quantize(_TENTH, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # beyond 28 digits (a sub-micrometre baseline): no decimals
        return ratio if math.isfinite(float(ratio)) else None


def is_measurable(lesion: Lesion, size: Decimal, rules: RecistRules) -> bool:
    if lesion.innumerable:
        return False
    if lesion.is_node:
        return size >= rules.measurable_nodal_short_axis_mm
    return size >= rules.measurable_non_nodal_mm


def organ_of(lesion: Lesion) -> str:
    return NODE_ORGAN if lesion.is_node else lesion.site


def select_targets(case: Case, baseline: Imaging, rules: RecistRules) -> tuple[list[str], str]:
    """Declared targets if any; else the largest measurable lesions (<= 5, <= 2 per organ)."""
    declared = [lesion.id for lesion in case.raw.lesions if lesion.recist_role == "target"]
    if declared:
        return declared, "declared"
    candidates = []
    base_mm = case.shot_mm[0]  # the keys of baseline.measurements
    for lesion in case.raw.lesions:
        if lesion.recist_role == "non_target":
            continue
        size = base_mm.get(lesion.id)
        if size is not None and is_measurable(lesion, size, rules):
            candidates.append((-size, lesion.id, lesion))
    candidates.sort(key=_SIZE_THEN_ID)
    chosen: list[str] = []
    per_organ: dict[str, int] = {}
    max_targets, per_organ_max = rules.max_targets, rules.max_targets_per_organ
    for _, lesion_id, lesion in candidates:
        organ = organ_of(lesion)
        if len(chosen) >= max_targets:
            break
        count = per_organ.get(organ, 0)
        if count >= per_organ_max:
            continue
        per_organ[organ] = count + 1
        chosen.append(lesion_id)
    order = {lesion.id: i for i, lesion in enumerate(case.raw.lesions)}
    return sorted(chosen, key=order.__getitem__), "selected"


def _non_target_status(
    lesion: Lesion, shot: Imaging, sizes: dict[str, Decimal], rules: RecistRules
) -> str | None:
    """Reported status, else derived from a measurement (0 mm, or a node < 10 mm: absent)."""
    if lesion.id in shot.non_target:
        return shot.non_target[lesion.id]
    size = sizes.get(lesion.id)
    if size is not None:
        if lesion.is_node:
            return "absent" if size < rules.pathological_nodal_short_axis_mm else "present"
        return "absent" if size == 0 else "present"
    return None


def non_target_response(
    lesions: list[Lesion], shot: Imaging, sizes: dict[str, Decimal], rules: RecistRules
) -> str:
    if not lesions:
        return "ND"
    statuses = [_non_target_status(lesion, shot, sizes, rules) for lesion in lesions]
    if "unequivocal_progression" in statuses:
        return "PD"
    if None in statuses:
        return "NE"
    if all(s == "absent" for s in statuses):
        return "CR"
    return "NON_CR_NON_PD"


def overall_response(target: str | None, non_target: str, new_lesions: bool) -> str:
    """RECIST 1.1 table 1 (with targets) and table 2 (non-target disease only)."""
    if new_lesions or target == "PD" or non_target == "PD":
        return "PD"
    if target is None:
        return {"CR": "CR", "NON_CR_NON_PD": "NON_CR_NON_PD"}.get(non_target, "NE")
    if target == "CR":
        return "CR" if non_target in ("CR", "ND") else "PR"
    return target  # PR, SD or NE, with non-target not PD


def _target_response(
    sizes: dict[str, Decimal],
    total: Decimal,
    missing: list[str],
    nodal: dict[str, bool],
    nadir: Decimal,
    baseline: Decimal,
    history: list[str],
    rules: RecistRules,
) -> tuple[str, list[Said]]:
    """``total`` is the sum of ``sizes`` (``Decimal(0)`` plus each size, in order)."""
    if sizes and (
        total >= nadir * (1 + rules.pd_increase) and total - nadir >= rules.pd_absolute_mm
    ):
        growth = {"pct": rules.pd_increase * 100, "mm": rules.pd_absolute_mm}
        return "PD", [Said("recist.pd", {"sum": total, "nadir": nadir, **growth})]
    if "CR" in history:
        back = [
            lid
            for lid, size in sizes.items()
            if (size >= rules.cr_nodal_short_axis_mm if nodal[lid] else size > 0)
        ]
        if back:
            return "PD", [Said("recist.reappearance", {"lesions": ", ".join(back)})]
    if missing:
        return "NE", [Said("recist.missing", {"lesions": ", ".join(missing), "n": len(missing)})]
    if all(
        (size < rules.cr_nodal_short_axis_mm if nodal[lid] else size == 0)
        for lid, size in sizes.items()
    ):
        return "CR", [Said("recist.cr", {"mm": rules.cr_nodal_short_axis_mm})]
    if total <= baseline * (1 - rules.pr_decrease):
        shrink = {"pct": rules.pr_decrease * 100}
        return "PR", [Said("recist.pr", {"sum": total, "baseline": baseline, **shrink})]
    if _responding(history):
        return "PR", [Said("recist.sticky")]
    return "SD", []


def said(response: str) -> Phrase:
    """A response in words with its code beside them, in the reader's language:
    "complete response (CR)", "réponse complète (RC)"; ``ND`` (no non-target lesion, no
    code of its own to show) in words only."""
    if response == "ND":
        return (Term("board.response.ND"),)
    return (Term(f"board.response.{response}"), " (", Term(f"vocab.response.{response}"), ")")


def said_text(response: str | None, lang: Lang) -> str:
    """:func:`said` as text in ``lang`` ("" for no response): for the pages and reports."""
    if not response:
        return ""
    parts = said(response)
    return "".join(part.text(lang) if isinstance(part, Term) else str(part) for part in parts)


# the response codes a legend explains, in the order it gives them
LEGEND_ORDER = ("CR", "PR", "SD", "PD", "NE", "NON_CR_NON_PD")


def legend_codes(codes: Iterable[str | None]) -> list[str]:
    """The codes among ``codes`` that a legend under a response table explains, in
    :data:`LEGEND_ORDER`, each once."""
    used = set(codes)
    return [code for code in LEGEND_ORDER if code in used]


def _responding(history: list[str]) -> bool:
    """A PR or CR since the latest progression: a response is kept until progression
    (EORTC RECIST FAQ), and none is left to keep after one (100 -> 60 -> 75 PD -> 71 is SD)."""
    for response in reversed(history):
        if response == "PD":
            return False
        if response in ("PR", "CR"):
            return True
    return False


def evaluate(case: Case, rules: Rules) -> RecistResult | None:
    """RECIST 1.1 over all imaging dates; None when there is no imaging."""
    shots = case.shots
    if not shots:
        return None
    rr = rules.recist
    baseline = shots[0]
    targets, how = select_targets(case, baseline, rr)
    warnings: list[Said] = []
    # a declared target with no baseline measurement cannot be a target: it stays known
    # disease, as a non-target (clinical-rules.md section 2)
    unmeasured = [t for t in targets if t not in baseline.measurements]
    if unmeasured:
        listed = {"lesions": ", ".join(unmeasured), "n": len(unmeasured)}
        warnings.append(Said("recist.unmeasured_targets", listed))
        targets = [t for t in targets if t not in unmeasured]
    if how == "declared":
        # the declared targets are kept as they are; one below the measurable size is said
        small = [
            lesion.id
            for lesion in case.raw.lesions
            if lesion.id in targets and not is_measurable(lesion, case.shot_mm[0][lesion.id], rr)
        ]
        if small:
            sizes = {"mm": rr.measurable_non_nodal_mm, "nodal": rr.measurable_nodal_short_axis_mm}
            listed = {"lesions": ", ".join(small), "n": len(small), **sizes}
            warnings.append(Said("recist.small_targets", listed))
    if baseline.assessed_response is not None:
        # a response needs an earlier examination: the baseline's is not used
        asserted = {"date": day(baseline.date), "asserted": said(baseline.assessed_response)}
        warnings.append(Said("recist.baseline_response", asserted))
    target_set = set(targets)
    # every declared lesion that is not a target is a non-target, imaged at baseline or not
    non_targets = [lesion for lesion in case.raw.lesions if lesion.id not in target_set]
    nodal = {t: t in case.nodes for t in targets}
    base_mm = case.shot_mm[0]
    base_sum = sum((base_mm[t] for t in targets), _ZERO)
    nadir = base_sum  # the smallest complete sum so far (the first one among equals)
    history: list[str] = []
    timepoints: list[Timepoint] = []
    all_shot_mm = case.shot_mm
    for index in range(1, len(shots)):
        shot = shots[index]
        shot_mm = all_shot_mm[index]
        nt = non_target_response(non_targets, shot, shot_mm, rr)
        claimed = shot.assessed_response
        new_lesions = shot.new_lesions
        if (
            claimed is not None
            and not new_lesions
            and nt != "PD"
            and not any(t in shot_mm for t in targets)
        ):
            timepoints.append(
                Timepoint(
                    shot.date, None, None, None, None, None, nt, new_lesions,
                    claimed, asserted=True, reasons=(Said("recist.asserted"),),
                )
            )  # fmt: skip
            if claimed in ("PR", "CR", "PD"):
                history.append("PD" if claimed == "PD" else "PR")
            continue
        sizes = {t: shot_mm[t] for t in targets if t in shot_mm}
        # shot_mm has the keys of shot.measurements
        missing = [t for t in targets if t not in shot_mm] if len(sizes) < len(targets) else []
        total = sum(sizes.values(), _ZERO) if sizes else None
        if targets:
            target, reasons = _target_response(
                sizes,
                _ZERO if total is None else total,
                missing,
                nodal,
                nadir,
                base_sum,
                history,
                rr,
            )
        else:
            target, reasons = None, []
        overall = overall_response(target, nt, new_lesions)
        if claimed is not None and claimed != overall:
            differs = {
                "date": day(shot.date),
                "asserted": said(claimed),
                "computed": said(overall),
            }
            warnings.append(Said("recist.asserted_differs", differs))
        if new_lesions:
            reasons = [*reasons, Said("recist.new_lesions")]
        if nt == "PD":
            reasons = [*reasons, Said("recist.non_target_pd")]
        complete = bool(targets) and not missing and total is not None
        timepoints.append(
            Timepoint(
                shot.date,
                total if targets else None,
                pct(total - base_sum, base_sum) if complete and total is not None else None,
                pct(total - nadir, nadir) if complete and total is not None else None,
                nadir if targets else None,
                target if targets else None,
                nt,
                new_lesions,
                overall,
                False,
                tuple(missing),
                tuple(reasons),
            )
        )
        if target is not None:
            history.append(target)
            if overall == "PD" and target != "PD":
                history.append("PD")  # progression by new lesions or non-targets
        if complete and total is not None and total < nadir:
            nadir = total
    rank = {r: i for i, r in enumerate(rr.best_response_rank)}
    best = (
        min((t.overall_response for t in timepoints), key=lambda r: rank.get(r, len(rank)))
        if timepoints
        else None
    )
    return RecistResult(
        baseline_date=baseline.date,
        baseline_sum_mm=base_sum if targets else None,
        targets=tuple(targets),
        non_targets=tuple(lesion.id for lesion in non_targets),
        target_selection=how,
        timepoints=tuple(timepoints),
        best_overall_response=best,
        warnings=tuple(warnings),
    )
