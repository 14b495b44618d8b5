"""The assessment: one call that runs every rule on a case and explains the result.

``assess(case)`` returns an ``Assessment`` whose ``to_json()`` is the output object of
``case-format.md``. The typed dictionaries below document that contract; pydantic reads them
(``pydantic.TypeAdapter(AssessmentJSON)``) to publish its schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict, cast

from thyref import __version__
from thyref.domain import definitions as definitions_mod
from thyref.domain import kinetics as kinetics_mod
from thyref.domain import options as options_mod
from thyref.domain import rai as rai_mod
from thyref.domain import recist as recist_mod
from thyref.domain import refractoriness as refractoriness_mod
from thyref.domain import therapies as therapies_mod
from thyref.domain.case import Case, parse_case
from thyref.domain.messages import Lang, day, has, text
from thyref.domain.rules import Definition, Rules, load_rules
from thyref.errors import CaseFormatError, CaseValidationError, RulesError


class EvidenceOut(TypedDict):
    criterion: str
    detail: str
    rule: str
    sources: list[str]
    lesions: list[str]
    dates: list[str]


class RefractoryOut(TypedDict):
    status: str
    category: str
    extent: str | None
    criteria_met: list[str]
    evidence: list[EvidenceOut]
    missing_data: list[str]
    missing_data_labels: list[str]
    notes: list[str]


class DefinitionOut(TypedDict):
    """One definition's verdict (case-format.md ``definitions``)."""

    rule_set: str
    primary: bool
    status: str
    criteria_met: list[str]
    evidence: list[EvidenceOut]
    missing_data: list[str]
    notes: list[str]


class AdministrationOut(TypedDict):
    date: str
    gbq: float
    cumulative_gbq: float


class RaiOut(TypedDict):
    cumulative_gbq: float
    cumulative_mci: float
    cumulative_mbq: float
    administrations: int
    threshold_gbq: float
    threshold_reached_on: str | None
    history: list[AdministrationOut]


class TimepointOut(TypedDict):
    date: str
    sum_mm: float | None
    change_from_baseline_pct: float | None
    change_from_nadir_pct: float | None
    nadir_mm: float | None
    target_response: str | None
    non_target_response: str | None
    new_lesions: bool
    overall_response: str
    asserted: bool
    missing_targets: list[str]
    reasons: list[str]


class RecistOut(TypedDict):
    baseline_date: str
    baseline_sum_mm: float | None
    targets: list[str]
    non_targets: list[str]
    target_selection: str
    timepoints: list[TimepointOut]
    best_overall_response: str | None
    warnings: list[str]


class KineticsOut(TypedDict):
    doubling_time_days: float | None
    halving_time_days: float | None
    points: int
    r2: float | None
    status: str
    band: str | None
    unit: str
    warnings: list[str]
    warning_text: list[str]
    first_date: str | None
    last_date: str | None
    series: list[list[str | float]]


class RecommendationOut(TypedDict):
    id: str
    priority: str
    title: str
    rationale: str
    rule: str
    sources: list[str]
    lesions: list[str]
    drugs: list[str]


class EngineOut(TypedDict):
    version: str
    rules: str
    lang: str
    as_of: str


class AssessmentJSON(TypedDict):
    """The assessment object of ``case-format.md``."""

    case_id: str
    refractory: RefractoryOut
    rai: RaiOut
    recist: RecistOut | None
    kinetics: dict[str, KineticsOut]
    recommendations: list[RecommendationOut]
    definitions: list[DefinitionOut]
    engine: EngineOut


class Assessment:
    """The result of ``assess``: the contract object, built once as plain JSON types.

    The parts are typed dictionaries (``TypedDict``): ``a.refractory["status"]``. Beside
    them, outside the contract, the missing items of each definition in words
    (``missing_words``).
    """

    __slots__ = ("_data", "_missing_words")

    def __init__(
        self, data: AssessmentJSON, missing_words: tuple[tuple[str, ...], ...] = ()
    ) -> None:
        self._data = data
        self._missing_words = missing_words

    def missing_words(self, index: int) -> list[str] | None:
        """The missing items of ``definitions[index]`` in words, as ``missing_data_labels``
        says the primary's (the lesions of an unknown uptake named); None when not known."""
        if index >= len(self._missing_words):
            return None
        return list(self._missing_words[index])

    def to_json(self) -> dict[str, Any]:
        """The output object (shared: copy it before changing it)."""
        return cast(dict[str, Any], self._data)

    @property
    def case_id(self) -> str:
        return self._data["case_id"]

    @property
    def refractory(self) -> RefractoryOut:
        return self._data["refractory"]

    @property
    def rai(self) -> RaiOut:
        return self._data["rai"]

    @property
    def recist(self) -> RecistOut | None:
        return self._data["recist"]

    @property
    def kinetics(self) -> dict[str, KineticsOut]:
        return self._data["kinetics"]

    @property
    def recommendations(self) -> list[RecommendationOut]:
        return self._data["recommendations"]

    @property
    def definitions(self) -> list[DefinitionOut]:
        return self._data["definitions"]

    @property
    def engine(self) -> EngineOut:
        return self._data["engine"]


def _f(value: Decimal | None, places: int = 1) -> float | None:
    return None if value is None else round(float(value), places)


def _rai_out(summary: rai_mod.RaiSummary) -> RaiOut:
    return RaiOut(
        cumulative_gbq=round(float(summary.cumulative_gbq), 3),
        cumulative_mci=round(float(summary.cumulative_mci), 1),
        cumulative_mbq=round(float(summary.cumulative_mbq), 1),
        administrations=summary.count,
        threshold_gbq=float(summary.threshold_mbq / 1000),
        threshold_reached_on=(
            summary.threshold_reached_on.isoformat() if summary.threshold_reached_on else None
        ),
        history=[
            {
                "date": a.date.isoformat(),
                "gbq": round(float(a.mbq / 1000), 3),
                "cumulative_gbq": round(float(a.cumulative_mbq / 1000), 3),
            }
            for a in summary.administrations
        ],
    )


def _recist_out(result: recist_mod.RecistResult | None, lang: Lang) -> RecistOut | None:
    if result is None:
        return None
    return RecistOut(
        baseline_date=result.baseline_date.isoformat(),
        baseline_sum_mm=_f(result.baseline_sum_mm),
        targets=list(result.targets),
        non_targets=list(result.non_targets),
        target_selection=result.target_selection,
        timepoints=[
            {
                "date": tp.date.isoformat(),
                "sum_mm": _f(tp.sum_mm),
                "change_from_baseline_pct": _f(tp.change_from_baseline_pct),
                "change_from_nadir_pct": _f(tp.change_from_nadir_pct),
                "nadir_mm": _f(tp.nadir_mm),
                "target_response": tp.target_response,
                "non_target_response": tp.non_target_response,
                "new_lesions": tp.new_lesions,
                "overall_response": tp.overall_response,
                "asserted": tp.asserted,
                "missing_targets": list(tp.missing_targets),
                "reasons": [r.text(lang) for r in tp.reasons],
            }
            for tp in result.timepoints
        ],
        best_overall_response=result.best_overall_response,
        warnings=[w.text(lang) for w in result.warnings],
    )


def _kinetics_out(k: kinetics_mod.Kinetics, rules: Rules, lang: Lang) -> KineticsOut:
    limits = {
        "tsh": rules.kinetics.tsh_unsuppressed_mu_l,
        "years": rules.kinetics.bands.mtc.min_span_years,
    }
    return {
        "doubling_time_days": k.doubling_time_days,
        "halving_time_days": k.halving_time_days,
        "points": k.points,
        "r2": k.r2,
        "status": k.status,
        "band": k.band,
        "unit": k.unit,
        "warnings": list(k.warnings),
        "warning_text": [text(f"warning.{w}", lang, limits) for w in k.warnings],
        "first_date": k.first_date.isoformat() if k.first_date else None,
        "last_date": k.last_date.isoformat() if k.last_date else None,
        "series": [[d.isoformat(), v] for d, v in k.series],
    }


# keyed by id(rules); the entry keeps the rules alive so that id cannot be reused. An
# option naming drugs is also keyed by the day (its statuses may be said to have changed),
# so the cache is emptied when it holds more than SUMMARIES_MAX texts (a server running
# for years, a cohort run on many as-of days).
_SUMMARIES: dict[tuple[int, str, tuple[str, ...], str, str, date | None], tuple[Rules, str]] = {}
SUMMARIES_MAX = 20_000


def therapy_status(
    drugs: tuple[str, ...], category: str, lang: Lang, today: date | None = None
) -> str:
    """The EU status of each drug for this category of cancer, from the therapy data file
    (``data/therapies.toml``, the same facts as the patient answers): each row says the
    date its status was checked and the source it was read from, and that it may have
    changed since when ``today`` is more years after that date than the file's
    ``status_current_years``."""
    if not drugs:
        return ""
    parts: list[str] = []
    entries = therapies_mod.entries_for(drugs)
    named = {p for t in entries for p in t.id.split("-")}
    for therapy in entries:
        ind = therapies_mod.indication_for(therapy, category)
        if ind is None:
            parts.append(text("therapy.status.none", lang, {"name": therapy.name}))
            continue
        since = text("therapy.since", lang, {"year": ind.since}) if ind.since else ""
        said = text(f"therapy.status.{ind.status}", lang, {"name": therapy.name, "since": since})
        key = "therapy.as_of" + ("" if ind.verified else ".unverified")
        if today is not None and therapies_mod.may_have_changed(ind, today):
            key += ".changed"
        parts.append(said + text(key, lang, {"date": day(ind.checked), "source": ind.cite[lang]}))
    parts.extend(
        text("therapy.status.none", lang, {"name": options_mod.drug_word(d)})
        for d in drugs
        if d.lower() not in named
    )
    return text("therapy.separator", lang).join(parts)


def _summary(
    key_name: str,
    drugs: tuple[str, ...],
    rules: Rules,
    lang: Lang,
    category: str = "",
    today: date | None = None,
) -> str:
    """Text that depends only on the rules (an option's general part, a rule), and on the
    day for the drugs' statuses (said to have maybe changed once old): cached."""
    on = today if drugs else None
    key = (id(rules), key_name, drugs, lang, category, on)
    cached = _SUMMARIES.get(key)
    if cached is not None:
        return cached[1]
    params: dict[str, Any] = {
        "per_month": rules.options.national_rcp_per_month,
        "panel": ", ".join(rules.options.molecular_panel),
        "target": str(rules.options.tsh_target_mu_l),
        "status": therapy_status(drugs, category, lang, on),
        "months": rules.refractoriness.progression_window_months,
        "gbq": f"{rules.refractoriness.cumulative_activity_mbq / 1000:g}",
        "mci": mci_figure(rules.refractoriness.cumulative_activity_mbq, rules),
        **_thresholds(rules),
    }
    # a category may have its own general part (a medullary node is worked up with
    # calcitonin in the washout, not thyroglobulin): ``<key>.<category>`` when given
    specific = f"{key_name}.{category}"
    summary = text(specific if category and has(specific) else key_name, lang, params)
    if len(_SUMMARIES) >= SUMMARIES_MAX:
        _SUMMARIES.clear()
    _SUMMARIES[key] = (rules, summary)
    return summary


def rule_text(rule_id: str, lang: Lang = "fr", rules: Rules | None = None) -> str:
    """The rule of a criterion or option in words, with the numbers of the rule set."""
    return _summary(f"rule.{rule_id}", (), rules or load_rules(), lang)


def mci_figure(mbq: Decimal, rules: Rules) -> str:
    """An activity threshold in mCi as the sources round it: to the nearest hundred from
    100 mCi up (22 GBq is 594.6 mCi, written "600 mCi"), to the unit below."""
    mci = mbq / rules.units.mbq_per_mci
    step = Decimal("1E2") if mci >= 100 else Decimal(1)
    return f"{mci.quantize(step, rounding=ROUND_HALF_UP):f}"


# keyed by id(definition), as _SUMMARIES: a definition given by the caller under a shipped
# name, with other numbers, is said with its own numbers
_CRITERIA: dict[tuple[int, str, Lang], tuple[Definition, str]] = {}


def criterion_text(definition: Definition, criterion_id: str, lang: Lang = "fr") -> str:
    """A criterion of a definition in words, with the numbers of its data file (cached)."""
    key = (id(definition), criterion_id, lang)
    hit = _CRITERIA.get(key)
    if hit is not None:
        return hit[1]
    spec = definition.criterion(criterion_id)
    tsh = definition.counting_scans.min_tsh_mu_l
    threshold = spec.threshold_mbq
    params = {
        "months": spec.window_months or "",
        "gbq": "" if threshold is None else f"{threshold / 1000:g}",
        "mci": "" if threshold is None else mci_figure(threshold, load_rules()),
        "tsh": "" if tsh is None else str(tsh),
    }
    said = text(f"rule.{criterion_id}", lang, params)
    _CRITERIA[key] = (definition, said)
    return said


def _evidence_out(
    verdict: refractoriness_mod.Refractoriness, definition: Definition, lang: Lang
) -> list[EvidenceOut]:
    return [
        {
            "criterion": ev.criterion,
            "detail": text(ev.message, lang, ev.params),
            "rule": criterion_text(definition, ev.criterion, lang),
            "sources": list(ev.sources),
            "lesions": list(ev.lesions),
            "dates": [d.isoformat() for d in ev.dates],
        }
        for ev in verdict.evidence
    ]


def _definition_out(
    verdict: refractoriness_mod.Refractoriness, primary: bool, rules: Rules, lang: Lang
) -> DefinitionOut:
    definition = definitions_mod.definition_of(verdict.rule_set, rules)
    return {
        "rule_set": verdict.rule_set,
        "primary": primary,
        "status": verdict.status,
        "criteria_met": list(verdict.criteria_met),
        "evidence": _evidence_out(verdict, definition, lang),
        "missing_data": list(verdict.missing_data),
        "notes": [n.text(lang) for n in verdict.notes],
    }


def missing_label(
    rule_set: str,
    item: str,
    lang: Lang,
    rules: Rules | None = None,
    lesions: tuple[str, ...] = (),
) -> str:
    """A missing item in words, with the numbers its definition sets (imaging window,
    scan TSH) and the lesions it is about, when given."""
    definition = definitions_mod.definition_of(rule_set, rules or load_rules())
    return refractoriness_mod.missing_term(definition, item, lesions).text(lang)


def stored_missing_words(
    case: Mapping[str, Any], assessment: Mapping[str, Any], lang: Lang
) -> list[list[tuple[str, str]]]:
    """Each definition's missing items of a stored assessment (``definitions[i]
    .missing_data``), each as (code, words) in the words ``assess`` says them, the
    lesions of an unknown uptake named.

    The output names those lesions for the primary definition only
    (``refractory.missing_data_labels``, used as they are when said in ``lang``); for the
    others they are read again from ``case``, the case the assessment was made of, as
    the definition reads it (:func:`refractoriness.unknown_uptake`). The words say "at
    least one lesion" when none is found there (the case no longer reads, or this
    version reads it otherwise) and are the item's code when they cannot be said at
    all (a rule set this version does not know)."""
    rules = load_rules()
    entries = [d for d in assessment.get("definitions") or [] if isinstance(d, Mapping)]
    refractory = assessment.get("refractory") or {}
    labels = refractory.get("missing_data_labels") or []
    said_in = (assessment.get("engine") or {}).get("lang")
    parsed: list[Case | None] = []  # the case, parsed on first need

    def lesions_of(definition: Definition) -> tuple[str, ...]:
        if not parsed:
            try:
                parsed.append(parse_case(case, rules=rules))
            except (CaseFormatError, CaseValidationError):
                parsed.append(None)
        return () if parsed[0] is None else refractoriness_mod.unknown_uptake(parsed[0], definition)

    out = []
    for d in entries:
        items = [str(item) for item in d.get("missing_data") or []]
        if (
            d.get("primary")
            and said_in == lang
            and items == [str(i) for i in refractory.get("missing_data") or []]
            and len(labels) == len(items)
        ):
            out.append(list(zip(items, map(str, labels), strict=True)))
            continue
        try:
            definition = definitions_mod.definition_of(str(d.get("rule_set") or ""), rules)
        except (RulesError, KeyError, OSError):  # a rule set this version does not know
            out.append([(item, item) for item in items])
            continue
        words = []
        for item in items:
            lesions = lesions_of(definition) if item == "lesions.rai_uptake" else ()
            term = refractoriness_mod.missing_term(definition, item, lesions)
            words.append((item, term.text(lang)))
        out.append(words)
    return out


def _missing_labels(
    verdict: refractoriness_mod.Refractoriness, rules: Rules, lang: Lang
) -> list[str]:
    """Each missing item of a verdict in words."""
    lesions = verdict.unknown_uptake
    return [
        missing_label(verdict.rule_set, item, lang, rules, lesions) for item in verdict.missing_data
    ]


def _thresholds(rules: Rules) -> dict[str, str]:
    """Numbers quoted in rule texts, taken from the rules data file."""
    o = rules.options
    return {
        "local_min": str(o.local_min_lesions),
        "local_max": str(o.local_max_lesions),
        "local_mm": str(o.local_min_size_mm),
        "redif_min": str(o.redifferentiation_min_lesions),
        "redif_mm": str(o.redifferentiation_max_size_mm),
        "central_mm": str(o.neck_node_workup_central_mm),
        "lateral_mm": str(o.neck_node_workup_lateral_mm),
        "node_mm": str(o.node_surgery_size_mm),
        "growth_mm": str(o.node_surgery_growth_mm),
    }


def _option_out(
    opt: options_mod.Option, rules: Rules, lang: Lang, category: str, today: date
) -> RecommendationOut:
    key = f"summary.{opt.id}"
    if not opt.drugs and has(key + ".no_drug"):
        key += ".no_drug"  # no drug left to propose: no regulatory status to state
    general = _summary(key, opt.drugs, rules, lang, category, today)
    rationale = general + " " + text(opt.reason, lang, opt.params)
    return {
        "id": opt.id,
        "priority": opt.priority,
        "title": text(f"title.{opt.id}", lang),
        "rationale": rationale,
        "rule": _summary(f"rule.{opt.id}", (), rules, lang),
        "sources": list(opt.sources),
        "lesions": list(opt.lesions),
        "drugs": list(opt.drugs),
    }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Every rule's result on a case, before any sentence is written: what ``assess``
    turns into the output object, and all a caller needs that counts or filters cases
    without reading them (a cohort row: ids, statuses, responses, doubling times)."""

    rules: Rules
    today: date
    rai: rai_mod.RaiSummary
    recist: recist_mod.RecistResult | None
    verdicts: list[refractoriness_mod.Refractoriness]
    kinetics: dict[str, kinetics_mod.Kinetics]
    options: list[options_mod.Option]

    @property
    def refractory(self) -> refractoriness_mod.Refractoriness:
        """The primary definition's verdict (the one that drives the options)."""
        return self.verdicts[0]


def evaluate(
    case: Case,
    *,
    rules: Rules | None = None,
    today: date | None = None,
    definition: str | None = None,
) -> Evaluation:
    """Run every rule on ``case`` (see ``assess``), without writing the explanations."""
    rules = rules or load_rules()
    today = today or date.today()
    rai = rai_mod.summarise(case, rules)
    recist = recist_mod.evaluate(case, rules)
    verdicts = definitions_mod.judge_all(case, rai, recist, rules, definition or rules.id)
    kinetics = kinetics_mod.evaluate(case, rules, rai.latest)
    ctx = options_mod.Context(case, rules, rai, recist, verdicts[0], kinetics, today, verdicts)
    return Evaluation(rules, today, rai, recist, verdicts, kinetics, options_mod.recommend(ctx))


def assess(
    case: Case,
    lang: Lang = "fr",
    *,
    rules: Rules | None = None,
    today: date | None = None,
    definition: str | None = None,
) -> Assessment:
    """Run every rule on ``case``; text in ``lang`` (``fr`` or ``en``).

    Every definition is judged; ``definition`` (default: the rules file's own) is the
    primary one, whose verdict is ``refractory`` and drives the options.
    """
    found = evaluate(case, rules=rules, today=today, definition=definition)
    rules, today, rai, recist = found.rules, found.today, found.rai, found.recist
    verdicts, kinetics, options = found.verdicts, found.kinetics, found.options
    refractory = verdicts[0]
    defined = [_definition_out(v, i == 0, rules, lang) for i, v in enumerate(verdicts)]
    missing_words = tuple(tuple(_missing_labels(v, rules, lang)) for v in verdicts)
    primary = defined[0]
    data = AssessmentJSON(
        case_id=case.id,
        refractory=RefractoryOut(
            status=refractory.status,
            category=refractory.category.value,
            extent=refractory.extent.value if refractory.extent else None,
            criteria_met=primary["criteria_met"],
            evidence=primary["evidence"],
            missing_data=primary["missing_data"],
            missing_data_labels=list(missing_words[0]),
            notes=primary["notes"],
        ),
        rai=_rai_out(rai),
        recist=_recist_out(recist, lang),
        kinetics={m: _kinetics_out(k, rules, lang) for m, k in kinetics.items()},
        recommendations=[_option_out(o, rules, lang, case.category.value, today) for o in options],
        definitions=defined,
        engine=EngineOut(version=__version__, rules=rules.id, lang=lang, as_of=today.isoformat()),
    )
    return Assessment(data, missing_words)
