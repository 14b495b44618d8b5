"""Options for the tumour board (RCP): each with priority, reason, data and sources.

Decision support only: every option is something for the board to discuss, never an
order. The triggers follow ``clinical-rules.md`` section 4; numbers come from the rules
data file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from thyref.domain.case import RESULT_PARTS, Case, Category, Extent, Lesion, Molecular, Site
from thyref.domain.dates import add_months
from thyref.domain.definitions import definition_of, differ
from thyref.domain.kinetics import Kinetics
from thyref.domain.messages import Num, Phrase, Said, Term, day, has
from thyref.domain.rai import RaiSummary
from thyref.domain.recist import RecistResult
from thyref.domain.refractoriness import Refractoriness, missing_term
from thyref.domain.rules import Rules
from thyref.domain.therapies import load_therapies

PRIORITY_ORDER = {"urgent": 0, "high": 1, "routine": 2}


@dataclass(slots=True)
class Option:
    id: str
    priority: str
    reason: str  # message key of the specific reason
    params: dict[str, Any]
    sources: tuple[str, ...]
    lesions: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class Context:
    case: Case
    rules: Rules
    rai: RaiSummary
    recist: RecistResult | None
    refractory: Refractoriness
    kinetics: dict[str, Kinetics]
    today: date
    verdicts: list[Refractoriness] = field(default_factory=list)  # every definition
    # derived views, without cached_property (whose lock costs more than the work here)
    _molecular: list[tuple[Molecular, bool, bool]] = field(init=False, repr=False)
    _pd: date | None = field(default=None, init=False, repr=False)
    _pd_known: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        # positive findings only: a negative result ("NRAS wild-type") opens no option
        self._molecular = [
            (m, m.is_fusion, m.is_mutation)
            for m in self.case.raw.molecular
            if not is_negative_result(m.alteration, self.rules)
        ]

    @property
    def anaplastic(self) -> bool:
        return self.case.category is Category.anaplastic

    @property
    def is_refractory(self) -> bool:
        return self.refractory.status == "refractory"

    def current_drug(self) -> str:
        """``clinical.on_systemic_therapy`` as written, or "" when it names no drug: empty,
        no letter at all ("-"), or words of the rules' ``no_current_drug`` ("none",
        "aucun")."""
        return current_drug(self.case.raw.clinical.on_systemic_therapy, self.rules)

    def progressive_on(self) -> date | None:
        """The latest PD within the progression window before the latest imaging date."""
        if not self._pd_known:
            self._pd = self._progressive_on()
            self._pd_known = True
        return self._pd

    def _progressive_on(self) -> date | None:
        if self.recist is None:
            return None
        latest = self.recist.latest_date
        start = add_months(latest, -self.rules.options.progressive_window_months)
        pds = [d for d in self.recist.dates_with("PD") if start <= d <= latest]
        return pds[-1] if pds else None

    def alterations(
        self, gene: str, alteration: str | None = None, kind: str | None = None
    ) -> bool:
        """Some molecular result on ``gene`` (``kind``: "fusion" or "mutation" if given)."""
        return bool(self.matching(gene, alteration, kind))

    def matching(
        self, gene: str, alteration: str | None = None, kind: str | None = None
    ) -> list[Molecular]:
        """The molecular results on ``gene`` (of ``kind`` if given), in the case's order."""
        found = []
        for m, fusion, mutation in self._molecular:
            if (kind == "fusion" and not fusion) or (kind == "mutation" and not mutation):
                continue
            if m.matches(gene, alteration):
                found.append(m)
        return found

    def ras(self) -> list[str]:
        return [
            f"{m.gene_upper} {m.alteration or ''}".strip()
            for m, _, mutation in self._molecular
            if m.gene_upper in self.rules.options.ras_genes and mutation
        ]


def _named(m: Molecular) -> str:
    """``RET M918T``: the gene and its alteration, if any."""
    return f"{m.gene_upper} {m.alteration or ''}".strip()


def _words(text: str | None) -> str:
    """``"Wild-Type"`` -> ``"wild type"``: lower case, one space for spaces, - and _."""
    return " ".join((text or "").lower().replace("-", " ").replace("_", " ").split())


def current_drug(written: str | None, rules: Rules) -> str:
    """A case's ``clinical.on_systemic_therapy`` as written, or "" when it names no drug:
    empty, no letter at all ("-"), or words of the rules' ``no_current_drug`` ("none",
    "aucun"). Every reader of the field asks here (the options, the patient letter, the
    FHIR export)."""
    written = (written or "").strip()
    if not re.search(r"[^\W\d_]", written):
        return ""
    return "" if _words(written) in rules.options.no_current_drug else written


def is_negative_result(alteration: str | None, rules: Rules) -> bool:
    """Whether a molecular ``alteration`` says the test found nothing (``"wild-type"``):
    its words are one of the rules' ``negative_results``, or begin or end with one
    ("no fusion detected", "fusion non détectée", "RET fusion negative"). A negative
    word inside a positive result ("CCDC6::RET (TERT negative)") does not count: the
    result still names what was found first and last. A result in several parts ("BRAF
    V600E, TERT negative", "V600E; TERT non détecté") is negative only when every part
    is: one negative part does not hide the alteration found."""
    parts = [_words(part) for part in RESULT_PARTS.split(alteration or "")]
    parts = [part for part in parts if part]
    return bool(parts) and all(_negative_words(part, rules) for part in parts)


def _negative_words(words: str, rules: Rules) -> bool:
    return any(
        words == phrase or words.startswith(phrase + " ") or words.endswith(" " + phrase)
        for phrase in rules.options.negative_results
    )


# ":" and ";" inside a sentence, written the reader's way ("poumon : P1" in French)
_COLON = Term("punct.colon")
_SEMICOLON = Term("punct.semicolon")
_LESIONS = "word.lesions"
_MANY = "word.innumerable_lesions"
_WITH_GROUP = "word.including_a_group"


def _src(ctx: Context, option_id: str) -> tuple[str, ...]:
    return tuple(ctx.rules.option_sources(option_id))


def _actionable(ctx: Context) -> list[tuple[str, str, list[str]]]:
    """(label, drug group, the case's results it matched) of every ``[[targeted]]`` row
    the case matches, groups once."""
    found: list[tuple[str, str, list[str]]] = []
    histology = ctx.case.histology.value
    for row in ctx.rules.targeted:
        if row.histologies and histology not in row.histologies:
            continue
        if any(row.drugs == group for _, group, _ in found):
            continue
        matched = [
            _named(m) for gene in row.genes for m in ctx.matching(gene, row.alteration, row.kind)
        ]
        if matched:
            found.append((row.label, row.drugs, list(dict.fromkeys(matched))))
    return found


def _word(prefix: str, name: str) -> str | Term:
    """``name`` in the reader's words when the catalogue has ``<prefix>.<name>`` (a row
    label of the rules file, "RET fusion" -> "fusion RET"), else as the rules file has it."""
    key = f"{prefix}.{name}"
    return Term(key) if has(key) else name


def drug_word(name: str) -> str | Term:
    """A drug of the rules file in the reader's words ("ALK inhibitor ..." has some)."""
    return _word("drug", name)


def drug_phrase(rules: Rules, group: str) -> tuple[str | Term, ...]:
    """The drugs of ``group`` as the board reads them: "dabrafenib + trametinib" for a
    combination, "larotrectinib or entrectinib" for alternatives (was always "+": two
    alternatives read as a combination)."""
    names = rules.drug_names(group)
    join: str | Term = " + " if rules.drugs[group].combination else Term("word.drug_or")
    parts: list[str | Term] = []
    for i, name in enumerate(names):
        if i:
            parts.append(join)
        parts.append(drug_word(name))
    return tuple(parts)


def _targeted(ctx: Context) -> Option | None:
    rules = ctx.rules
    found = _actionable(ctx)
    if not found:
        return None
    drugs = tuple(d for _, group, _ in found for d in rules.drug_names(group))
    parts: list[str | Term] = []
    for i, (label, group, matched) in enumerate(found):
        if i:
            parts.append(_SEMICOLON)
        word = _word("targeted", label)
        parts.append(word)
        if matched != [label]:  # the case's own result beside the row: "mutation RET (RET M918T)"
            parts.append(f" ({', '.join(matched)})")
        parts += [" -> ", *drug_phrase(rules, group)]
    return Option(
        "TARGETED-THERAPY",
        "urgent" if ctx.anaplastic else "high",
        "reason.targeted",
        {"alterations": tuple(parts), "n": len(found)},
        _src(ctx, "TARGETED-THERAPY"),
        drugs=drugs,
    )


def _systemic(ctx: Context) -> Option | None:
    clinical = ctx.case.raw.clinical
    if not ctx.is_refractory or ctx.anaplastic:
        return None
    progressive = ctx.progressive_on()
    if clinical.locally_treatable is not False or clinical.symptomatic is not True:
        return None
    if progressive is None:
        return None
    rules = ctx.rules
    taken = drugs_named(ctx.current_drug())
    if ctx.case.category is Category.medullary:
        drugs = list(rules.drug_names("mtc"))
        if ctx.alterations(rules.options.mtc_ret_gene, kind="mutation"):
            drugs = [*rules.drug_names("ret"), *drugs]
    elif taken & set(rules.options.vegfr_inhibitors):
        drugs = list(rules.drug_names("dtc_after_vegfr"))
    else:
        drugs = list(rules.drug_names("dtc_first_line"))
    # the disease progresses on the drug taken now: it is not proposed again (a patient
    # progressing on cabozantinib was offered cabozantinib); when no drug of the list is
    # left, the option says so (CLINICAL-TRIAL is proposed on progression under a drug)
    already = [d for d in drugs if d.lower() in taken]
    drugs = [d for d in drugs if d.lower() not in taken]
    key = "reason.systemic" + (".none_left" if not drugs else ".taken" if already else "")
    # a brain lesion whose bleeding risk was never assessed: SYSTEMIC-THERAPY-CAUTION needs
    # the risk recorded as true, so the drug's own sentence says it is not recorded
    brain = [lesion.id for lesion in ctx.case.raw.lesions if lesion.site is Site.brain]
    unassessed: Said | str = ""
    if brain and clinical.brain_metastases_bleeding_risk is None:
        unassessed = Said(
            "reason.systemic.brain_unassessed", {"lesions": ", ".join(brain), "n": len(brain)}
        )
    return Option(
        "SYSTEMIC-THERAPY",
        "high",
        key,
        {
            "pd_date": day(progressive),
            "drugs": ", ".join(drugs),
            "taken": ", ".join(already),
            "brain": unassessed,
        },
        _src(ctx, "SYSTEMIC-THERAPY"),
        drugs=tuple(drugs),
    )


def drugs_named(written: str | None) -> set[str]:
    """The words of a treatment as the case writes it, in lower case: "lenvatinib 14
    mg/j" -> {"lenvatinib", "mg", "j"}. A drug of the rules is taken when its name is one
    of them (the dose, a brand name in brackets or a "+" do not hide it). A brand name of
    the therapy table adds its drug's name ("Lenvima" -> "lenvatinib")."""
    words = set(re.findall(r"[a-zà-ÿ]+", (written or "").lower()))
    for brand, names in _brand_names().items():
        if brand in words:
            words |= names
    return words


@cache
def _brand_names() -> dict[str, frozenset[str]]:
    """{brand in lower case: the words of its drug's name}, from the therapy table."""
    return {
        brand.lower(): frozenset(re.findall(r"[a-zà-ÿ]+", therapy.name.lower()))
        for therapy in load_therapies().values()
        for brand in therapy.brands
    }


def _sites_phrase(groups: list[tuple[Site, list[Lesion]]]) -> Phrase:
    """``poumon : P1, P2 ; os : B1`` with the organ and the colon said the reader's way."""
    parts: list[str | Term] = []
    for i, (site, lesions) in enumerate(groups):
        ids = ", ".join(lesion.id for lesion in lesions)
        if i:
            parts.append(_SEMICOLON)
        parts += [Term(f"site.{site}"), _COLON, ids]
    return tuple(parts)


def _local(ctx: Context) -> Option | None:
    if not ctx.is_refractory:
        return None
    progressive = ctx.progressive_on()
    if progressive is None and ctx.case.raw.clinical.symptomatic is not True:
        return None
    opts = ctx.rules.options
    by_site: dict[Site, list[Lesion]] = {}
    for lesion in ctx.case.raw.lesions:
        if ctx.case.is_distant(lesion, ctx.rules):
            by_site.setdefault(lesion.site, []).append(lesion)
    eligible = []
    for site, lesions in by_site.items():
        if not opts.local_min_lesions <= len(lesions) <= opts.local_max_lesions:
            continue
        if any(lesion.innumerable or lesion.locally_treatable is False for lesion in lesions):
            continue
        sizes = [ctx.case.latest_measurement(lesion.id) for lesion in lesions]
        if all(size is not None and size >= opts.local_min_size_mm for size in sizes):
            eligible.append((site, lesions))
    if not eligible:
        return None
    return Option(
        "LOCAL-TREATMENT",
        "high",
        "reason.local",
        {
            "sites": _sites_phrase(eligible),
            "progressive": progressive is not None,
            "symptomatic": ctx.case.raw.clinical.symptomatic is True,
            "local_mm": str(opts.local_min_size_mm),
            "bone": any(site is Site.bone for site, _ in eligible),
            # SYSTEMIC-THERAPY reads the case's judgement "not treatable locally": said
            # here too, so the two options do not contradict each other without a word
            "not_local": ctx.case.raw.clinical.locally_treatable is False,
        },
        _src(ctx, "LOCAL-TREATMENT"),
        lesions=tuple(lesion.id for _, lesions in eligible for lesion in lesions),
    )


def _redifferentiation(ctx: Context) -> Option | None:
    if ctx.case.category is not Category.differentiated:
        return None
    if "no_uptake" not in ctx.refractory.roles:  # DTC-NO-UPTAKE, or its kind in another set
        return None
    if ctx.case.raw.clinical.symptomatic is True:
        return None
    opts = ctx.rules.options
    found: list[str] = []
    group = ""
    for entry in opts.redifferentiation_genes:  # in order of preference of the scheme
        gene, _, alteration = entry.partition(":")
        if ctx.alterations(gene, alteration or "*", kind="mutation"):
            found.append(gene if alteration in ("", "*") else f"{gene} {alteration}")
            group = group or opts.redifferentiation_drugs[gene]
    if not found:
        return None
    lesions = ctx.case.raw.lesions
    # an innumerable group (miliary, micronodules) is many lesions by itself: the seed's
    # "numerous but fairly small metastases" are the candidates for redifferentiation
    many = any(lesion.innumerable for lesion in lesions)
    if not many and len(lesions) < opts.redifferentiation_min_lesions:
        return None
    sizes = [ctx.case.latest_measurement(lesion.id) for lesion in lesions]
    largest = max((s for s in sizes if s is not None), default=None)
    if largest is not None and largest > opts.redifferentiation_max_size_mm:
        return None
    params: dict[str, Any] = {
        "alteration": ", ".join(found),
        "lesions": _lesion_count(lesions, many),
        "drugs": drug_phrase(ctx.rules, group),
        "n": len(_non_avid(ctx)),  # "non-avid lesion(s)": those the verdict found
    }
    if largest is not None:
        params["largest"] = str(largest)
    return Option(
        "REDIFFERENTIATION",
        "high",
        # no lesion measured yet: no lesion is above the limit, and the sentence says so
        "reason.redifferentiation_unmeasured" if largest is None else "reason.redifferentiation",
        params,
        _src(ctx, "REDIFFERENTIATION"),
        drugs=tuple(ctx.rules.drug_names(group)),
    )


def _non_avid(ctx: Context) -> set[str]:
    """The lesions without uptake that the verdict's ``no_uptake`` criteria found."""
    criteria = definition_of(ctx.refractory.rule_set, ctx.rules).criteria_by_id()
    return {
        lesion
        for ev in ctx.refractory.evidence
        if criteria[ev.criterion].role == "no_uptake"
        for lesion in ev.lesions
    }


def _lesion_count(lesions: list[Lesion], many: bool) -> Phrase:
    """The lesions counted ("5 lesions", "5 lesions including an innumerable group"), or
    "numerous lesions (an innumerable group)" for a group alone (never "1 lesions")."""
    if many and len(lesions) == 1:
        return (Term(_MANY),)
    counted: Phrase = (f"{len(lesions)} ", Term(_LESIONS))
    return (*counted, Term(_WITH_GROUP)) if many else counted


def _molecular(ctx: Context) -> Option | None:
    if ctx.case.raw.molecular:
        return None
    extent = ctx.refractory.extent
    if not (ctx.anaplastic or ctx.is_refractory or extent is Extent.metastatic):
        return None
    diagnosis = ctx.case.raw.diagnosis
    sample = diagnosis.primary_sample_date or diagnosis.date
    old = add_months(sample, 12 * ctx.rules.options.primary_sample_max_age_years) < ctx.today
    medullary = ctx.case.category is Category.medullary
    panel = ctx.rules.options.molecular_panel_medullary if medullary else None
    return Option(
        "MOLECULAR-TESTING",
        "urgent" if ctx.anaplastic else "high",
        "reason.molecular",
        {  # each true flag adds its sentence, in this order
            # which of the trigger's conditions the case meets, not "refractory or
            # metastatic" (an anaplastic cancer is always refractory)
            "state": Term(
                "word.refractory_and_metastatic"
                if ctx.is_refractory and extent is Extent.metastatic
                else "word.refractory_disease"
                if ctx.is_refractory
                else "word.metastatic_disease"
            ),
            "panel": ", ".join(panel or ctx.rules.options.molecular_panel),
            "medullary": medullary,
            "anaplastic": ctx.anaplastic,
            "sample_date": day(sample),
            "old_sample": old,
            "years": ctx.rules.options.primary_sample_max_age_years,
        },
        _src(ctx, "MOLECULAR-TESTING"),
    )


def _results(key: str, name: str, named: list[str]) -> Said | str:
    """The counted sentence ``key`` listing the results ``named`` (as ``name``), or nothing
    when there is none."""
    return Said(key, {name: ", ".join(named), "n": len(named)}) if named else ""


def _germline_ret(ctx: Context) -> Option | None:
    """Medullary cancer with no germline RET result (ATA-MTC2015); a somatic one does not count."""
    if ctx.case.category is not Category.medullary:
        return None
    gene = ctx.rules.options.germline_gene.upper()
    tested = ctx.case.raw.molecular  # a negative germline result answers the question too
    for m in tested:
        if m.gene_upper == gene and m.origin == "germline":
            return None
    # the other results on the gene: tumour (somatic) ones, and ones of unrecorded origin
    somatic = [_named(m) for m in tested if m.gene_upper == gene and m.origin == "somatic"]
    unknown = [_named(m) for m in tested if m.gene_upper == gene and m.origin is None]
    return Option(
        "GERMLINE-RET-TESTING",
        "high",
        "reason.germline_ret",
        {  # each kind of result said in a sentence counted by the results it names
            "gene": gene,
            "somatic": _results("reason.germline_ret.somatic", "found", somatic),
            "unknown_origin": _results("reason.germline_ret.unknown_origin", "unknown", unknown),
        },
        _src(ctx, "GERMLINE-RET-TESTING"),
    )


def _additional_rai(ctx: Context) -> Option | None:
    if "cumulative_activity" not in ctx.refractory.roles:  # DTC-CUMULATIVE-ACTIVITY
        return None
    uptake = {lesion.rai_uptake for lesion in ctx.case.raw.lesions}
    # at least one avid lesion and none that is not: never true of an empty set
    if "yes" not in uptake or "no" in uptake:
        return None
    # the responses reported for the latest day's administrations (rai[] is in any order,
    # so two on that day are read together): all of them "regressing"
    latest_day = ctx.rai.latest
    reported = {
        given.response
        for given in ctx.rai.administrations
        if given.date == latest_day and given.response not in (None, "unknown")
    }
    regressing = reported == {"regressing"}
    shrinking = False
    if ctx.recist is not None and ctx.recist.timepoints:
        # the latest imaging itself must have a complete sum, smaller than the one before
        # it: an incomplete or asserted latest imaging says nothing of shrinking
        sums = ctx.recist.sums()
        latest = ctx.recist.timepoints[-1].date
        shrinking = len(sums) >= 2 and sums[-1][0] == latest and sums[-1][1] < sums[-2][1]
    if not (regressing or shrinking):
        return None
    return Option(
        "ADDITIONAL-RAI",
        "routine",
        "reason.additional_rai",
        {
            "gbq": f"{ctx.rai.cumulative_gbq:.2f}",
            "n": ctx.rai.count,
            "max": ctx.rules.options.additional_rai_max_administrations,
            "regressing": regressing,
            "shrinking": shrinking,
        },
        _src(ctx, "ADDITIONAL-RAI"),
    )


def _latest_tsh(ctx: Context) -> tuple[date, Decimal] | None:
    tsh = sorted((lab.date, lab.value) for lab in ctx.case.labs_of("tsh"))
    return tsh[-1] if tsh else None


def _tsh(ctx: Context) -> Option | None:
    if ctx.case.category is not Category.differentiated or not ctx.case.raw.lesions:
        return None
    opts = ctx.rules.options
    latest = _latest_tsh(ctx)
    high = latest is not None and latest[1] >= opts.tsh_high_priority_mu_l
    if latest is None:
        key = "reason.tsh.unknown"
    elif latest[1] < opts.tsh_target_mu_l:
        key = "reason.tsh.on_target"
    elif latest[1] == opts.tsh_target_mu_l:
        # the target is "below 0.1 mU/L": 0.1 itself misses it, but is not above it
        key = "reason.tsh.at_limit"
    else:
        key = "reason.tsh.above"
    return Option(
        "TSH-SUPPRESSION",
        "high" if high else "routine",
        key,
        {
            "target": str(opts.tsh_target_mu_l),
            "value": "" if latest is None else f"{latest[1].normalize():f}",
            "date": "" if latest is None else day(latest[0]),
        },
        _src(ctx, "TSH-SUPPRESSION"),
    )


def _growth(ctx: Context, lesion: Lesion) -> tuple[Decimal | None, Decimal | None]:
    series = ctx.case.measurement_series(lesion.id)
    latest = series[-1][1] if series else None
    growth = series[-1][1] - series[-2][1] if len(series) >= 2 else None
    return latest, growth


def _node_options(ctx: Context) -> list[Option]:
    opts = ctx.rules.options
    Row = tuple[str, Decimal | None, Decimal | None]
    workup: list[Row] = []
    neck_surgery: list[Row] = []
    mediastinal: list[Row] = []
    for lesion in ctx.case.raw.lesions:
        site = lesion.site
        cervical = site.startswith("lymph_node_cervical_")
        if not cervical and not site.startswith("lymph_node_mediastinal_"):
            continue  # not a node: nothing below applies
        latest, growth = _growth(ctx, lesion)
        big = latest is not None and latest >= opts.node_surgery_size_mm
        growing = growth is not None and growth >= opts.node_surgery_growth_mm
        if cervical:
            limit = (
                opts.neck_node_workup_central_mm
                if lesion.site is Site.lymph_node_cervical_central
                else opts.neck_node_workup_lateral_mm
            )
            if not lesion.confirmed and latest is not None and latest >= limit:
                workup.append((lesion.id, latest, growth))
            if lesion.confirmed and (big or growing):
                neck_surgery.append((lesion.id, latest, growth))
        elif big or growing:  # a mediastinal node
            mediastinal.append((lesion.id, latest, growth))
    out = []

    def describe(rows: list[tuple[str, Decimal | None, Decimal | None]]) -> Phrase:
        parts: list[str | Term | Num] = []
        for i, (lid, latest, growth) in enumerate(rows):
            parts += [_SEMICOLON if i else "", f"{lid} "]
            parts += [Num(latest), " mm"] if latest is not None else ["–"]
            if growth is not None and growth > 0:
                parts += [", +", Num(growth), " mm"]
        return tuple(parts)

    for option_id, priority, rows in (
        ("NECK-NODE-WORKUP", "routine", workup),
        ("NECK-NODE-SURGERY", "high", neck_surgery),
        ("MEDIASTINAL-NODE-SURGERY", "high", mediastinal),
    ):
        if rows:
            out.append(
                Option(
                    option_id,
                    priority,
                    "reason." + option_id.lower().replace("-", "_"),
                    {"nodes": describe(rows), "n": len(rows)},
                    _src(ctx, option_id),
                    lesions=tuple(r[0] for r in rows),
                )
            )
    return out


def _trial(ctx: Context, targeted: Option | None) -> Option | None:
    if not ctx.is_refractory:
        return None
    progressive = ctx.progressive_on()
    current = ctx.current_drug()
    on_drug = bool(current)
    ras = ctx.ras()
    others = [g for g in ctx.rules.options.trial_genes if g not in ctx.rules.options.ras_genes]
    other = [g for g in others if ctx.alterations(g)]
    if progressive is not None and on_drug:
        key, params = "reason.trial.on_drug", {"drug": current, "pd_date": day(progressive)}
    elif (ras or other) and targeted is None:  # an approved targeted option comes first
        key, params = (
            "reason.trial.alteration",
            {"alteration": ", ".join([*ras, *other])},
        )
    else:
        return None
    return Option("CLINICAL-TRIAL", "high", key, params, _src(ctx, "CLINICAL-TRIAL"))


def _definitions_differ(ctx: Context) -> Option | None:
    """Two definitions give different verdicts (``not_applicable`` left out)."""
    if not differ(ctx.verdicts):
        return None
    shown = [v for v in ctx.verdicts if v.status != "not_applicable"]
    parts: list[str | Term] = []
    for i, v in enumerate(shown):
        # "ATA 2015 (recommendation 91, ata-2015): refractory — Avid and non-avid lesions
        # on one scan (ATA2015-MIXED-UPTAKE)": the definition and its criteria in words,
        # their codes beside them
        parts += [
            _SEMICOLON if i else "",
            Term(f"definition.coded.{v.rule_set}"),
            _COLON,
            Term(f"status.{v.status}"),
            " — ",
        ]
        for j, criterion in enumerate(v.criteria_met):
            parts += [", " if j else "", Term(f"vocab.criterion.{criterion}"), f" ({criterion})"]
        if not v.criteria_met:
            parts.append(Term("word.no_criterion"))
    return Option(
        "NOTE-DEFINITIONS-DIFFER",
        "routine",
        "reason.definitions_differ",
        {"verdicts": tuple(parts)},
        _src(ctx, "NOTE-DEFINITIONS-DIFFER"),
    )


def _state(key: str, value: bool | None) -> Term:
    """A clinical judgement said as it stands in the case: yes, no or not recorded."""
    return Term(f"{key}.{'unknown' if value is None else 'yes' if value else 'no'}")


def _surveillance_params(ctx: Context, targeted: bool) -> dict[str, Any]:
    """Why no kinase inhibitor is proposed, said from the case: each condition of
    ``SYSTEMIC-THERAPY`` (progression, symptoms, no local treatment) as it stands, a
    drug already taken, a targeted therapy proposed. Without it the option read "no
    current indication for systemic therapy" for a progressing disease whose symptoms
    were simply not recorded, or for a patient on lenvatinib."""
    clinical = ctx.case.raw.clinical
    progressive = ctx.progressive_on()
    if progressive is not None:
        progression = Term("state.progression.yes", (("date", day(progressive)),))
    elif ctx.recist is None or not ctx.recist.timepoints:
        progression = Term("state.progression.no_follow_up")
    else:
        progression = Term(
            "state.progression.no",
            (("months", ctx.rules.options.progressive_window_months),),
        )
    current = ctx.current_drug()
    # the data not recorded would decide: progression there, nothing recorded against it
    undecided = (
        progressive is not None
        and clinical.symptomatic is not False
        and clinical.locally_treatable is not True
        and (clinical.symptomatic is None or clinical.locally_treatable is None)
    )
    return {
        "conditions": (
            progression,
            _SEMICOLON,
            _state("state.symptomatic", clinical.symptomatic),
            _SEMICOLON,
            _state("state.locally_treatable", clinical.locally_treatable),
        ),
        "drug": current,
        "on_drug": bool(current),
        "targeted": targeted,
        "undecided": undecided,
    }


def recommend(ctx: Context) -> list[Option]:
    """Every option whose trigger holds, most urgent first, then by id."""
    found: list[Option] = []
    targeted = _targeted(ctx)
    systemic = _systemic(ctx)
    redifferentiation = _redifferentiation(ctx)
    trial = _trial(ctx, targeted)
    for opt in (targeted, systemic, redifferentiation, trial, _local(ctx), _molecular(ctx)):
        if opt is not None:
            found.append(opt)
    found.extend(_node_options(ctx))
    for opt in (_additional_rai(ctx), _tsh(ctx), _germline_ret(ctx), _definitions_differ(ctx)):
        if opt is not None:
            found.append(opt)
    category = ctx.case.category
    clinical = ctx.case.raw.clinical

    national = ctx.anaplastic or any(
        o is not None for o in (systemic, redifferentiation, targeted, trial)
    )
    if national:
        because = [o.id for o in (targeted, systemic, redifferentiation, trial) if o is not None]
        found.append(
            Option(
                "RCP-NATIONAL",
                "urgent" if ctx.anaplastic else "high",
                "reason.rcp_national.anaplastic" if ctx.anaplastic else "reason.rcp_national",
                {
                    "because": tuple(  # the options by their titles, not their codes
                        part
                        for i, option_id in enumerate(because)
                        for part in (
                            _SEMICOLON if i else "",
                            Term(f"title.{option_id}", inside=True),
                        )
                    ),
                },
                _src(ctx, "RCP-NATIONAL"),
            )
        )
    elif ctx.refractory.status in ("refractory", "indeterminate"):
        definition = definition_of(ctx.refractory.rule_set, ctx.rules)
        found.append(
            Option(
                "RCP-REGIONAL",
                "high",
                "reason.rcp_regional." + ctx.refractory.status,
                {  # each missing item in words (with its definition's numbers), not its code
                    "definition": Term(f"vocab.definition.{ctx.refractory.rule_set}"),
                    "missing": tuple(
                        part
                        for i, item in enumerate(ctx.refractory.missing_data)
                        for part in (
                            _SEMICOLON if i else "",
                            missing_term(definition, item, ctx.refractory.unknown_uptake),
                        )
                    ),
                },
                _src(ctx, "RCP-REGIONAL"),
            )
        )
    drug_proposed = systemic is not None or targeted is not None
    if drug_proposed and clinical.brain_metastases_bleeding_risk is True:
        brain = [lesion.id for lesion in ctx.case.raw.lesions if lesion.site is Site.brain]
        if brain:
            found.append(
                Option(
                    "SYSTEMIC-THERAPY-CAUTION",
                    "urgent",
                    "reason.caution",
                    {"lesions": ", ".join(brain), "n": len(brain)},
                    _src(ctx, "SYSTEMIC-THERAPY-CAUTION"),
                    lesions=tuple(brain),
                )
            )
    if (
        ctx.is_refractory
        and category in (Category.differentiated, Category.medullary)
        and systemic is None
    ):
        found.append(
            Option(
                "ACTIVE-SURVEILLANCE",
                "routine",
                "reason.surveillance." + category.value,
                _surveillance_params(ctx, targeted is not None),
                _src(ctx, "ACTIVE-SURVEILLANCE"),
            )
        )
    current = ctx.current_drug()
    if systemic is not None or current:
        found.append(
            Option(
                "TKI-SKIN-CARE",
                "routine",
                "reason.skin.proposed" if systemic is not None else "reason.skin.current",
                {"drug": current or ""},
                _src(ctx, "TKI-SKIN-CARE"),
            )
        )
    tg = ctx.kinetics.get("thyroglobulin")
    if tg is not None and tg.status == "rising" and not ctx.refractory.criteria_met:
        found.append(
            Option(
                "NOTE-TG-NOT-CRITERION",
                "routine",
                "reason.tg_note",
                {},
                _src(ctx, "NOTE-TG-NOT-CRITERION"),
            )
        )
    found.sort(key=lambda o: (PRIORITY_ORDER[o.priority], o.id))
    return found
