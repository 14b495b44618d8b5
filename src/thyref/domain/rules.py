"""The rule set: thresholds, windows, drug lists and sources, read from a data file.

The engine never hard-codes a clinical number: it reads them from
``thyref/data/rules/<id>.toml`` through the typed ``Rules`` model below.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from thyref.errors import RulesError

DEFAULT_RULES = "tuthyref-2021"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


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
    vegfr_inhibitors: list[str]
    sources: dict[str, list[str]]


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
    status: str


class CaseLimits(_Frozen):
    """Most items one case may hold (bounds on the work of one request, not clinical)."""

    rai: int = 50
    lesions: int = 30
    imaging: int = 60
    labs: int = 600
    molecular: int = 50
    per_scan: int = 30
    depth: int = 16
    number_digits: int = 40


class Rules(_Frozen):
    """A whole rule set, as read from its data file."""

    id: str
    title: str
    sources: dict[str, str]
    units: Units
    labs: dict[str, LabUnits]
    refractoriness: RefractorinessRules
    recist: RecistRules
    kinetics: KineticsRules
    options: OptionRules
    drugs: dict[str, DrugGroup] = Field(default_factory=dict)
    targeted: list[Actionable] = Field(default_factory=list)
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
        wanted = {row.drugs for row in self.targeted}
        wanted |= set(self.options.redifferentiation_drugs.values())
        groups = sorted(wanted - set(self.drugs))
        if groups:
            raise RulesError(f"rules {self.id}: undefined drug groups {', '.join(groups)}")


def rules_text(rules_id: str = DEFAULT_RULES) -> str:
    """The raw text of a shipped rule set."""
    ref = resources.files("thyref.data").joinpath("rules", f"{rules_id}.toml")
    try:
        return ref.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RulesError(f"no rule set named {rules_id!r}") from exc


def parse_rules(text: str) -> Rules:
    """Parse and check a rule set from TOML text."""
    try:
        rules = Rules.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise RulesError(f"invalid rules file: {exc}") from exc
    rules.check()
    return rules


@cache
def load_rules(rules_id: str = DEFAULT_RULES) -> Rules:
    """The shipped rule set ``rules_id`` (read once per process)."""
    return parse_rules(rules_text(rules_id))
