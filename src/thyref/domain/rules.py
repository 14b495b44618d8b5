"""The rule set: thresholds, windows, drug lists and sources, read from a data file.

The engine never hard-codes a clinical number: it reads them from
``thyref/data/rules/<id>.toml`` through the typed ``Rules`` model below.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from thyref import data
from thyref.domain import filecache
from thyref.errors import RulesError

DEFAULT_RULES = "tuthyref-2021"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class InputBounds(_Frozen):
    """Plausibility bounds of the case format: beyond them a value is a typing error."""

    min_date: date
    max_rai_activity_mbq: Decimal
    max_measurement_mm: Decimal
    post_therapy_scan_link_days: int
    reasons: dict[str, str]


class Units(_Frozen):
    mbq_per_mci: Decimal
    mbq_per_gbq: Decimal


class LabUnits(_Frozen):
    canonical: str
    factors: dict[str, Decimal]


class RefractorinessRules(_Frozen):
    sources_definition: list[str]
    progression_window_months: int
    cumulative_activity_mbq: Decimal
    locoregional_sites: list[str]
    criteria: dict[str, list[str]]


class RecistRules(_Frozen):
    source: str
    measurable_non_nodal_mm: Decimal
    measurable_nodal_short_axis_mm: Decimal
    pathological_nodal_short_axis_mm: Decimal
    max_targets: int
    max_targets_per_organ: int
    pd_increase: Decimal
    pd_absolute_mm: Decimal
    pr_decrease: Decimal
    cr_nodal_short_axis_mm: Decimal
    best_response_rank: list[str]


class TgBands(_Frozen):
    source: str
    edges_years: list[Decimal]
    labels: list[str]


class MtcBands(_Frozen):
    source: str
    edges_months: list[Decimal]
    labels: list[str]
    min_span_years: Decimal


class Bands(_Frozen):
    thyroglobulin: TgBands
    mtc: MtcBands


class KineticsRules(_Frozen):
    sources: list[str]
    min_points: int
    stable_beyond_days: Decimal
    tsh_unsuppressed_mu_l: Decimal
    days_per_month: Decimal
    days_per_year: Decimal
    bands: Bands


class OptionRules(_Frozen):
    progressive_window_months: int
    national_rcp_per_month: int
    primary_sample_max_age_years: int
    molecular_panel: list[str]
    molecular_panel_medullary: list[str]
    germline_gene: str
    local_min_lesions: int
    local_max_lesions: int
    local_min_size_mm: Decimal
    redifferentiation_min_lesions: int
    redifferentiation_max_size_mm: Decimal
    redifferentiation_genes: list[str]
    redifferentiation_drugs: dict[str, str]
    additional_rai_max_administrations: int
    tsh_target_mu_l: Decimal
    tsh_high_priority_mu_l: Decimal
    neck_node_workup_central_mm: Decimal
    neck_node_workup_lateral_mm: Decimal
    node_surgery_size_mm: Decimal
    node_surgery_growth_mm: Decimal
    ras_genes: list[str]
    trial_genes: list[str]
    mtc_ret_gene: str
    negative_results: list[str]
    vegfr_inhibitors: list[str]
    no_current_drug: list[str]
    sources: dict[str, list[str]]


Block = Literal[
    "always",
    "no_standard_treatment",
    "no_uptake",
    "progression_after_rai",
    "cumulative_activity",
    "never_avid",
    "lost_uptake",
    "mixed_uptake",
    "non_avid",
]
MissingItem = Literal["lesions.rai_uptake", "scans.adequate", "imaging_after_rai", "rai"]


class CriterionSpec(_Frozen):
    """One criterion of a definition: a shared building block and its parameters."""

    id: str
    block: Block
    sources: list[str]
    # what the criterion stands for, read by the options (e.g. REDIFFERENTIATION wants a
    # criterion of the ``no_uptake`` kind, ADDITIONAL-RAI one of ``cumulative_activity``)
    role: Literal["no_uptake", "progression", "cumulative_activity", "always"] | None = None
    message: str  # evidence sentence key in messages.toml
    requires_rai: bool = False  # no_uptake: at least one I-131 administration
    window_months: int | None = None  # progression_after_rai: None = no window
    avid_after_rai: bool = False  # progression_after_rai: avid on a scan after that R
    threshold_mbq: Decimal | None = None  # cumulative_activity
    with_scans: bool | None = None  # True: only with scans[]; False: only without
    note: str | None = None  # note key added when the criterion holds
    checked: str = ""  # what was checked in the source, and where


class MissingSpec(_Frozen):
    item: MissingItem
    window_months: int | None = None  # imaging_after_rai: None = any time after
    requires_avid_lesion: bool = False  # imaging_after_rai: only for an avid lesion


class ScopeSpec(_Frozen):
    category: Literal["differentiated", "anaplastic", "medullary"]
    applies: bool = True  # False: ``not_applicable``
    extents: list[str] = Field(default_factory=list)  # required extent (empty: any)
    requires_lesion: bool = False
    outside_note: str | None = None
    criteria: list[str] = Field(default_factory=list)
    missing: list[MissingSpec] = Field(default_factory=list)


class CountingScans(_Frozen):
    """When a scan's findings count (a scan counts unless a condition below stops it)."""

    min_tsh_mu_l: Decimal | None = None  # recorded TSH below this: does not count
    excluded_contamination: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class Definition(_Frozen):
    """A definition of refractory disease: scope, criteria and missing data, as data."""

    id: str
    title: str
    reads_scans: bool = False  # True: uptake from scans[] only (lesions' own ignored)
    counting_scans: CountingScans = Field(default_factory=CountingScans)
    scope: list[ScopeSpec]
    criteria: list[CriterionSpec]
    not_applicable_note: str | None = None
    checked: str = ""

    def _index(self) -> tuple[dict[str, CriterionSpec], dict[str, ScopeSpec]]:
        # kept beside the model (pydantic private attributes are slow to read)
        found = _INDEX.get(id(self))
        if found is None or found[0] is not self:
            found = _INDEX[id(self)] = (
                self,
                {c.id: c for c in self.criteria},
                {s.category: s for s in self.scope},
            )
        return found[1], found[2]

    def criterion(self, criterion_id: str) -> CriterionSpec:
        return self._index()[0][criterion_id]

    def criteria_by_id(self) -> dict[str, CriterionSpec]:
        """Every criterion by id (shared: do not change it)."""
        return self._index()[0]

    def scope_of(self, category: str) -> ScopeSpec | None:
        return self._index()[1].get(category)

    def check(self, sources: dict[str, str]) -> None:
        """Sources named by the criteria are defined in the file; criteria exist."""
        named = {src for c in self.criteria for src in c.sources}
        named.update(self.counting_scans.sources)
        unknown = sorted(named - set(sources))
        if unknown:
            raise RulesError(f"definition {self.id}: undefined sources {', '.join(unknown)}")
        ids = {c.id for c in self.criteria}
        listed = {cid for scope in self.scope for cid in scope.criteria}
        if listed - ids:
            raise RulesError(f"definition {self.id}: unknown criteria {sorted(listed - ids)}")


# id(definition) -> (definition, criteria by id, scope by category); the entry keeps the
# definition alive so that its id cannot be reused
_INDEX: dict[int, tuple[Definition, dict[str, CriterionSpec], dict[str, ScopeSpec]]] = {}


class DefinitionFile(_Frozen):
    """A rules file holding only a definition (``ata-2015.toml``)."""

    id: str
    title: str
    sources: dict[str, str]
    definition: Definition


class Actionable(_Frozen):
    """An alteration that opens a targeted therapy (``[[targeted]]`` rows)."""

    label: str
    genes: list[str]
    alteration: str = "*"
    kind: Literal["mutation", "fusion"] | None = None
    histologies: list[str] = Field(default_factory=list)
    drugs: str


class DrugGroup(_Frozen):
    drugs: list[str]
    # given together (dabrafenib + trametinib); otherwise the drugs are alternatives
    # (larotrectinib or entrectinib), said with "or"
    combination: bool = False


class CaseLimits(_Frozen):
    """Most items one case may hold (bounds on the work of one request, not clinical)."""

    rai: int = 50
    lesions: int = 30
    imaging: int = 60
    labs: int = 600
    molecular: int = 50
    scans: int = 60
    per_scan: int = 30
    depth: int = 16
    number_digits: int = 40
    text: int = 2000


class Rules(_Frozen):
    """A whole rule set, as read from its data file."""

    id: str
    title: str
    sources: dict[str, str]
    input: InputBounds
    units: Units
    labs: dict[str, LabUnits]
    refractoriness: RefractorinessRules
    recist: RecistRules
    kinetics: KineticsRules
    options: OptionRules
    drugs: dict[str, DrugGroup] = Field(default_factory=dict)
    targeted: list[Actionable] = Field(default_factory=list)
    definition: Definition
    limits: CaseLimits = Field(default_factory=CaseLimits)
    _lab_units: dict[str, tuple[str, dict[str, Decimal | None]]] | None = PrivateAttr(None)

    def option_sources(self, option_id: str) -> list[str]:
        return list(self.options.sources.get(option_id, []))

    def criterion_sources(self, criterion_id: str) -> list[str]:
        return list(self.refractoriness.criteria.get(criterion_id, []))

    def drug_names(self, group: str) -> list[str]:
        return list(self.drugs[group].drugs)

    def lab_units(self) -> dict[str, tuple[str, dict[str, Decimal | None]]]:
        """Per test: canonical unit and factor per unit (None for a factor of 1)."""
        if self._lab_units is None:
            self._lab_units = {
                test: (
                    spec.canonical,
                    {u: (None if f == 1 else f) for u, f in spec.factors.items()},
                )
                for test, spec in self.labs.items()
            }
        return self._lab_units

    def check(self) -> None:
        """Every source named anywhere must be defined in ``sources``."""
        named = set(self.refractoriness.sources_definition)
        for ids in (*self.refractoriness.criteria.values(), *self.options.sources.values()):
            named.update(ids)
        named.update(self.kinetics.sources)
        named.update({self.recist.source, self.kinetics.bands.thyroglobulin.source})
        named.add(self.kinetics.bands.mtc.source)
        unknown = sorted(named - set(self.sources))
        if unknown:
            raise RulesError(f"rules {self.id}: undefined sources {', '.join(unknown)}")
        self.definition.check(self.sources)
        if self.definition.id != self.id:
            raise RulesError(f"rules {self.id}: its definition is named {self.definition.id}")
        # the definition's criteria carry the window, threshold and sources of [refractoriness]
        for c in self.definition.criteria:
            r = self.refractoriness
            if r.criteria.get(c.id) != c.sources:
                raise RulesError(f"rules {self.id}: {c.id} sources differ from [refractoriness]")
            if c.block == "progression_after_rai" and c.window_months != (
                r.progression_window_months
            ):
                raise RulesError(f"rules {self.id}: {c.id} window differs from [refractoriness]")
            if c.block == "cumulative_activity" and c.threshold_mbq != r.cumulative_activity_mbq:
                raise RulesError(f"rules {self.id}: {c.id} threshold differs from [refractoriness]")
        windows = {m.window_months for scope in self.definition.scope for m in scope.missing} - {
            None
        }
        if windows - {self.refractoriness.progression_window_months}:
            raise RulesError(f"rules {self.id}: imaging_after_rai window differs")
        wanted = {row.drugs for row in self.targeted}
        wanted |= set(self.options.redifferentiation_drugs.values())
        groups = sorted(wanted - set(self.drugs))
        if groups:
            raise RulesError(f"rules {self.id}: undefined drug groups {', '.join(groups)}")


def rules_text(rules_id: str = DEFAULT_RULES) -> str:
    """The raw text of a shipped rule set."""
    try:
        return data.text("rules", f"{rules_id}.toml")
    except FileNotFoundError as exc:
        raise RulesError(f"no rule set named {rules_id!r}") from exc


def parse_rules(text: str) -> Rules:
    """Parse and check a rule set from TOML text."""
    import tomllib  # only when the cache folder has no checked copy

    try:
        rules = Rules.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise RulesError(f"invalid rules file: {exc}") from exc
    rules.check()
    return rules


def load_rules(rules_id: str = DEFAULT_RULES) -> Rules:
    """The shipped rule set ``rules_id`` (read once per process; kept in the cache folder).

    ``load_rules()`` and ``load_rules("tuthyref-2021")`` give the same object: the cache is
    keyed by the rule set, not by how the call was spelt."""
    return _load(rules_id)


@cache
def _load(rules_id: str) -> Rules:
    text = rules_text(rules_id)
    return _cached(f"rules-{rules_id}", text, Rules, lambda: parse_rules(text))


# Validating a rules file makes pydantic build the validator of the rules models first:
# about 20 ms of every start of the CLI, more than all the rest of an assessment. The
# checked result is kept as a pickle in the user's private cache folder (``filecache``),
# named by a hash of the file's text, of this module's code and of the pydantic and Python
# versions; any change of one gives a new name. Whatever is read must be exactly the
# expected class, or the file is read and validated again.
_Model = TypeVar("_Model", bound=BaseModel)


def _cached(kind: str, text: str, model: type[_Model], build: Callable[[], _Model]) -> _Model:
    return filecache.pickled(kind, (text,), __file__, lambda found: type(found) is model, build)


@cache
def _shipped() -> tuple[str, ...]:
    return tuple(sorted(name.removesuffix(".toml") for name in data.names("rules", ".toml")))


def definition_ids(primary: str = DEFAULT_RULES) -> list[str]:
    """Every shipped definition (one rules file each), the primary first, then by name."""
    names = _shipped()
    if primary not in names:
        raise RulesError(f"no rule set named {primary!r}; known: {', '.join(names)}")
    return [primary, *(name for name in names if name != primary)]


@cache
def load_definition(definition_id: str) -> Definition:
    """The definition of a shipped rule set (a full rules file, or a definition file)."""
    if definition_id == DEFAULT_RULES:
        return load_rules().definition  # the same cache entry as load_rules()
    text = rules_text(definition_id)
    build = lambda: _definition(definition_id, text)  # noqa: E731
    return _cached(f"definition-{definition_id}", text, Definition, build)


def _definition(definition_id: str, text: str) -> Definition:
    import tomllib

    try:
        table = tomllib.loads(text)
        if "refractoriness" in table:
            return load_rules(definition_id).definition
        parsed = DefinitionFile.model_validate(table)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise RulesError(f"invalid rules file {definition_id}: {exc}") from exc
    parsed.definition.check(parsed.sources)
    if parsed.definition.id != parsed.id:
        raise RulesError(f"rules {parsed.id}: its definition is named {parsed.definition.id}")
    return parsed.definition
