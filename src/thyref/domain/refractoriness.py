"""Refractoriness under a definition: status, category, criteria, evidence, missing data.

One engine evaluates every definition (clinical-rules.md sections 1 and 5): a definition
is data (``Definition``: scope per category, criteria naming shared building blocks with
their parameters, missing-data items), and the blocks below are the only code. Adding a
definition means a new rules file, not a new branch here.

Thyroglobulin never decides (SEED: imaging by RECIST does). When no criterion holds but
one could with the missing data, the status is ``indeterminate`` and ``missing_data``
names each missing item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from thyref.domain.case import Case, Category, Extent, Lesion, Site
from thyref.domain.dates import add_months
from thyref.domain.messages import Phrase, Said, Term, day, has
from thyref.domain.rai import RaiSummary
from thyref.domain.recist import RecistResult, Timepoint, said
from thyref.domain.rules import CriterionSpec, Definition, MissingSpec, Rules
from thyref.domain.uptake import UptakeHistory, history


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
    notes: tuple[Said, ...] = field(default_factory=tuple)
    rule_set: str = ""
    roles: frozenset[str] = frozenset()
    unknown_uptake: tuple[str, ...] = ()  # the lesions "lesions.rai_uptake" is about


@dataclass(slots=True)
class Outcome:
    """What a criterion block found: evidence when it holds, else what would decide it."""

    evidence: Evidence | None = None
    missing: tuple[str, ...] = ()
    notes: tuple[Said, ...] = ()


class Facts:
    """The case as the blocks read it, each derived view computed once."""

    def __init__(
        self,
        case: Case,
        rai: RaiSummary,
        recist: RecistResult | None,
        rules: Rules,
        definition: Definition,
    ) -> None:
        self.case = case
        self.rai = rai
        self.recist = recist
        self.rules = rules
        self.definition = definition
        self._uptake: UptakeHistory | None = None
        self._order: dict[str, int] | None = None

    @property
    def uptake(self) -> UptakeHistory:
        """The definition's uptake history (built on first use)."""
        if self._uptake is None:
            d = self.definition
            self._uptake = history(self.case, d.counting_scans, d.reads_scans)
        return self._uptake

    @property
    def order(self) -> dict[str, int]:
        """Lesion id -> declaration index."""
        if self._order is None:
            self._order = {lesion.id: i for i, lesion in enumerate(self.case.raw.lesions)}
        return self._order

    def lesions(self, ids: set[str] | list[str]) -> list[Lesion]:
        """Lesions of ``ids`` in declaration order."""
        return [self.case.lesion(lid) for lid in sorted(set(ids), key=self.order.__getitem__)]


_SITE_TERMS = {site: Term(f"site.{site.value}") for site in Site}


def _lesion_list(lesions: list[Lesion]) -> Phrase:
    """``L1 (poumon), B1 (os)``: ids with their site said in the reader's language."""
    parts: list[str | Term] = []
    for i, lesion in enumerate(lesions):
        parts += [", " if i else "", lesion.id + " (", _SITE_TERMS[lesion.site], ")"]
    return tuple(parts)


def _clause(kind: str, lesions: Phrase | str, n: int) -> Said:
    """A clause of an uptake sentence, its verb agreeing with the ``n`` lesions it names
    ("L2 fixe", "L2, L3 fixent"): the catalogue's ``evidence.clause.<kind>``."""
    return Said(f"evidence.clause.{kind}", {"lesions": lesions, "n": n})


def _evidence(spec: CriterionSpec, message: str, params: dict[str, Any], **kw: Any) -> Outcome:
    return Outcome(Evidence(spec.id, message, params, tuple(spec.sources), **kw))


# --------------------------------------------------------------------------------------
# Criterion blocks


def _always(facts: Facts, spec: CriterionSpec) -> Outcome:
    return _evidence(spec, spec.message, {})


def _no_standard_treatment(facts: Facts, spec: CriterionSpec) -> Outcome:
    """Advanced medullary cancer: standard treatment no longer possible."""
    possible = facts.case.raw.clinical.standard_treatment_possible
    if possible is None:
        return Outcome(missing=("clinical.standard_treatment_possible",))
    if possible:
        return Outcome(notes=(Said("note.mtc_standard_possible"),))
    extent = facts.case.extent(facts.rules)
    return _evidence(
        spec, spec.message, {"extent": Term(f"extent.{extent.value}") if extent else ""}
    )


def _no_uptake(facts: Facts, spec: CriterionSpec) -> Outcome:
    """A lesion with ``rai_uptake: no`` (after some I-131 when required: SEED, ATA2025)."""
    lesions = facts.case.raw.lesions
    cold = [lesion for lesion in lesions if lesion.rai_uptake == "no"]
    if not cold or (spec.requires_rai and not facts.rai.administrations):
        return Outcome()
    avid = [lesion.id for lesion in lesions if lesion.rai_uptake == "yes"]
    params: dict[str, Any] = {"cold": _lesion_list(cold), "n": len(cold)}
    if avid:  # "others take it up (L2, L3)", counted too
        params["others"] = _clause("others_avid", ", ".join(avid), len(avid))
    return _evidence(
        spec,
        spec.message + ".mixed" if avid else spec.message,
        params,
        lesions=tuple(lesion.id for lesion in cold),
    )


def _progression_after_rai(facts: Facts, spec: CriterionSpec) -> Outcome:
    """A RECIST PD at D after an administration R (R < D, within the window if any), R
    followed by uptake when required; the earliest such PD, with the latest such R."""
    recist, rai = facts.recist, facts.rai
    if recist is None or not rai.administrations:
        return Outcome()
    months = spec.window_months
    for tp in recist.timepoints:
        if tp.overall_response != "PD":
            continue
        for given in reversed(rai.administrations):
            if not given.date < tp.date:
                continue
            if months is not None and tp.date > add_months(given.date, months):
                continue
            shown = facts.uptake.avid_after(given.date) if spec.avid_after_rai else None
            if spec.avid_after_rai and shown is None:
                continue
            params = _pd_params(tp, given.date)
            params["months"] = months or ""
            if shown is not None:
                params["avid"] = ", ".join(lesion.id for lesion in facts.lesions(list(shown.yes)))
            message = spec.message + (".asserted" if tp.asserted else "")
            if tp.sum_mm is None and not tp.asserted and has(message + ".no_target"):
                message += ".no_target"  # a new lesion or non-targets only: no sum to state
            elif not tp.asserted and tp.target_response != "PD":
                # the targets did not progress (a smaller sum, or not all measured): the PD
                # is a new lesion's or the non-targets', said so, without a sum that would
                # read as the reason ("sum 24 mm, nadir 40 mm")
                cause = ".new_lesion" if tp.new_lesions else ".non_target"
                message += cause if has(message + cause) else ""
            return _evidence(spec, message, params, dates=(given.date, tp.date))
    return Outcome()


def _pd_params(tp: Timepoint, rai_date: date) -> dict[str, Any]:
    return {
        "pd_date": day(tp.date),
        "rai_date": day(rai_date),
        "days": (tp.date - rai_date).days,
        "sum": "" if tp.sum_mm is None else str(tp.sum_mm),
        "nadir": "" if tp.nadir_mm is None else str(tp.nadir_mm),
    }


def _cumulative_activity(facts: Facts, spec: CriterionSpec) -> Outcome:
    """Cumulative activity at the threshold, and disease persisting after it."""
    rai, case, recist = facts.rai, facts.case, facts.recist
    reached = rai.threshold_reached_on
    if reached is None or not case.raw.lesions:
        return Outcome()
    after = [tp for tp in (recist.timepoints if recist else ()) if tp.date > reached]
    if after and after[-1].overall_response == "CR":
        return Outcome()
    return _evidence(
        spec,
        spec.message + ".imaging" if after else spec.message,
        {
            "gbq": f"{rai.cumulative_gbq:.2f}",
            "mci": f"{rai.cumulative_mci:.0f}",
            "threshold_gbq": f"{rai.threshold_mbq / 1000:g}",
            "reached": day(reached),
            "latest_date": day(after[-1].date) if after else "",
            "latest_response": said(after[-1].overall_response) if after else "",
            "n": len(case.raw.lesions),  # "n lesions still declared"
        },
        dates=(reached,),
    )


def _never_avid(facts: Facts, spec: CriterionSpec) -> Outcome:
    """A lesion ``no`` on a counting scan and never ``yes`` on one (R91 A)."""
    up = facts.uptake
    cold = [lid for lid in up.no_dates if lid not in up.yes_dates]
    if not cold:
        return Outcome()
    lesions = facts.lesions(cold)
    return _evidence(
        spec,
        spec.message,
        {"lesions": _lesion_list(lesions), "n": len(lesions)},
        lesions=tuple(lesion.id for lesion in lesions),
    )


def _lost_uptake(facts: Facts, spec: CriterionSpec) -> Outcome:
    """A lesion ``yes`` on a counting scan and ``no`` on a later one (R91 B)."""
    up = facts.uptake
    lost: dict[str, tuple[date, date]] = {}
    for lid, no_days in up.no_dates.items():
        yes_days = [d for d in up.yes_dates.get(lid, ()) if d is not None]
        first_yes = min(yes_days, default=None)
        later = [d for d in no_days if d is not None and first_yes is not None and d > first_yes]
        if first_yes is not None and later:
            lost[lid] = (first_yes, max(later))
    if not lost:
        return Outcome()
    lesions = facts.lesions(list(lost))
    first = lost[lesions[0].id]
    return _evidence(
        spec,
        spec.message,
        {
            "lesions": _lesion_list(lesions),
            "n": len(lesions),
            "yes_date": day(first[0]),
            "no_date": day(first[1]),
        },
        lesions=tuple(lesion.id for lesion in lesions),
        dates=first,
    )


def _mixed_uptake(facts: Facts, spec: CriterionSpec) -> Outcome:
    """On one counting scan, a lesion ``yes`` and another ``no`` (R91 C)."""
    for scan in facts.uptake.counting:
        if scan.yes and scan.no:
            cold = facts.lesions(list(scan.no))
            avid = facts.lesions(list(scan.yes))
            return _evidence(
                spec,
                spec.message + (".scan" if scan.date else ""),
                {  # "L1 (lung) takes up no iodine, L2 does": each clause counted
                    "cold": _clause("cold", _lesion_list(cold), len(cold)),
                    "avid": _clause("avid", ", ".join(lesion.id for lesion in avid), len(avid)),
                    "date": day(scan.date) if scan.date else "",
                },
                lesions=tuple(lesion.id for lesion in cold),
                dates=(scan.date,) if scan.date else (),
            )
    return Outcome()


def _non_avid(facts: Facts, spec: CriterionSpec) -> Outcome:
    """Without scan history: a lesion with ``rai_uptake: no`` (R91 A or B)."""
    cold = facts.lesions(list(facts.uptake.no_dates))
    if not cold:
        return Outcome()
    return _evidence(
        spec,
        spec.message,
        {"lesions": _lesion_list(cold), "n": len(cold)},
        lesions=tuple(lesion.id for lesion in cold),
    )


BLOCKS: dict[str, Callable[[Facts, CriterionSpec], Outcome]] = {
    "always": _always,
    "no_standard_treatment": _no_standard_treatment,
    "no_uptake": _no_uptake,
    "progression_after_rai": _progression_after_rai,
    "cumulative_activity": _cumulative_activity,
    "never_avid": _never_avid,
    "lost_uptake": _lost_uptake,
    "mixed_uptake": _mixed_uptake,
    "non_avid": _non_avid,
}


# --------------------------------------------------------------------------------------
# Missing-data blocks


def _uptake_unknown(facts: Facts, spec: MissingSpec) -> bool:
    """A lesion whose uptake is not known (from scans only when the definition reads them)."""
    return bool(_unknown_uptake(facts))


def _unknown_uptake(facts: Facts) -> tuple[str, ...]:
    """The lesions whose uptake is not known, in the case's order."""
    return unknown_uptake(facts.case, facts.definition, lambda: facts.uptake)


def unknown_uptake(
    case: Case,
    definition: Definition,
    uptake: Callable[[], UptakeHistory] | None = None,
) -> tuple[str, ...]:
    """The lesions whose uptake ``definition`` does not know, in the case's order (what
    its missing item ``lesions.rai_uptake`` is about): from the scans when it reads them
    and the case has some, else from each lesion's own status. ``uptake``: the
    definition's uptake history when already built."""
    lesions = case.raw.lesions
    if definition.reads_scans and case.has_scans:
        d = definition
        read = uptake() if uptake else history(case, d.counting_scans, d.reads_scans)
        return tuple(lesion.id for lesion in lesions if lesion.id not in read.seen)
    return tuple(lesion.id for lesion in lesions if lesion.rai_uptake == "unknown")


def _scans_inadequate(facts: Facts, spec: MissingSpec) -> bool:
    """A lesion seen only on scans that do not count, or whose ``no`` findings all are."""
    if not (facts.definition.reads_scans and facts.case.has_scans):
        return False
    up = facts.uptake
    counted = set(up.yes_dates) | set(up.no_dates)
    if any(lid not in counted for lid in up.seen):
        return True
    return any(lid not in up.no_dates for lid in up.ignored_no)


def _imaging_after_rai(facts: Facts, spec: MissingSpec) -> bool:
    """Lesions (avid ones when required), I-131 given, and no imaging after the latest
    administration (within the window, if any)."""
    latest = facts.rai.latest
    if latest is None or not facts.case.raw.lesions:
        return False
    if spec.requires_avid_lesion and not facts.uptake.yes_dates:
        return False
    end = add_months(latest, spec.window_months) if spec.window_months is not None else None
    return not any(
        latest < shot.date and (end is None or shot.date <= end) for shot in facts.case.shots
    )


def _no_rai(facts: Facts, spec: MissingSpec) -> bool:
    # with no lesion declared, no criterion that needs I-131 could hold once it is given
    return facts.rai.latest is None and bool(facts.case.raw.lesions)


MISSING: dict[str, Callable[[Facts, MissingSpec], bool]] = {
    "lesions.rai_uptake": _uptake_unknown,
    "scans.adequate": _scans_inadequate,
    "imaging_after_rai": _imaging_after_rai,
    "rai": _no_rai,
}


def missing_term(definition: Definition, item: str, lesions: tuple[str, ...] = ()) -> Term:
    """A missing item in words, with the numbers ``definition`` sets for it: the imaging
    window of the item (``missing.imaging_after_rai.any_time`` when it has none) and the
    TSH a scan needs to count; the lesions of unknown uptake named when given."""
    if item == "lesions.rai_uptake" and lesions:
        return Term(f"missing.{item}.named", (("lesions", ", ".join(lesions)), ("n", len(lesions))))
    months = next(
        (m.window_months for scope in definition.scope for m in scope.missing if m.item == item),
        None,
    )
    if item == "imaging_after_rai" and not months:
        return Term("missing.imaging_after_rai.any_time")
    params: list[tuple[str, Any]] = []
    if months:
        params.append(("months", months))
    tsh = definition.counting_scans.min_tsh_mu_l
    if tsh is not None:
        params.append(("tsh", str(tsh)))
    return Term(f"missing.{item}", tuple(params))


# --------------------------------------------------------------------------------------
# The engine


def judge(
    definition: Definition,
    case: Case,
    rai: RaiSummary,
    recist: RecistResult | None,
    rules: Rules,
) -> Refractoriness:
    """The verdict of ``definition`` on ``case``."""
    category = case.category
    extent = case.extent(rules)
    scope = definition.scope_of(category.value)
    criteria = definition.criteria_by_id()  # looked up once for the loop and the verdict

    def verdict(
        status: str,
        found: list[Evidence] | None = None,
        missing: list[str] | None = None,
        notes: list[Said] | None = None,
        unknown_uptake: tuple[str, ...] = (),
    ) -> Refractoriness:
        evidence = tuple(found or ())
        roles = frozenset(criteria[ev.criterion].role or "" for ev in evidence)
        return Refractoriness(
            status,
            category,
            extent,
            tuple(ev.criterion for ev in evidence),
            evidence,
            tuple(dict.fromkeys(missing or ())),
            tuple(notes or ()),
            definition.id,
            roles - {""},
            unknown_uptake,
        )

    if scope is None or not scope.applies:
        note = definition.not_applicable_note
        return verdict("not_applicable", notes=[Said(note)] if note else [])
    outside = (scope.extents and (extent is None or extent.value not in scope.extents)) or (
        scope.requires_lesion and not case.raw.lesions
    )
    if outside:
        return verdict(
            "not_refractory", notes=[Said(scope.outside_note)] if scope.outside_note else []
        )
    facts = Facts(case, rai, recist, rules, definition)
    found: list[Evidence] = []
    missing: list[str] = []
    notes: list[Said] = []
    for criterion_id in scope.criteria:
        spec = criteria[criterion_id]
        if spec.with_scans is not None and spec.with_scans != case.has_scans:
            continue
        outcome = BLOCKS[spec.block](facts, spec)
        if outcome.evidence is not None:
            found.append(outcome.evidence)
            if spec.note:
                notes.append(Said(spec.note))
        missing.extend(outcome.missing)
        notes.extend(outcome.notes)
    if definition.reads_scans and case.has_scans:
        notes.extend(facts.uptake.notes)
    if found:
        return verdict("refractory", found, notes=notes)
    missing.extend(item.item for item in scope.missing if MISSING[item.item](facts, item))
    unknown = _unknown_uptake(facts) if "lesions.rai_uptake" in missing else ()
    status = "indeterminate" if missing else "not_refractory"
    return verdict(status, missing=missing, notes=notes, unknown_uptake=unknown)


def evaluate(
    case: Case, rai: RaiSummary, recist: RecistResult | None, rules: Rules
) -> Refractoriness:
    """The verdict of the rules file's own definition (``tuthyref-2021``)."""
    return judge(rules.definition, case, rai, recist, rules)
