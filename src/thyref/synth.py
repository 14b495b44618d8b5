"""Synthetic patients: plausible thyroid-cancer histories in the ``thyref-case/1`` format.

``synth_case(seed, index)`` builds one patient from its own random stream (seeded with
``"{seed}:{index}"``), so a cohort is the same for a seed whatever its size, and any slice
of it can be generated in parallel. Nothing depends on today's date: every event falls
between 2005 and ``LAST_DAY``, so the same seed gives byte-identical output on any day.

The mix follows the French figures for new refractory cases (about 250 differentiated,
50 medullary and 100 anaplastic a year: seed document, TuThyRef network) and adds
non-refractory and undecided patients (locoregional disease, avid disease that responds,
missing uptake status, disease cured after ablation). The scenario decides the history;
the engine alone decides the status: a scenario is an intent, never a label.
"""

from __future__ import annotations

import importlib
import math
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO

FIRST_YEAR = 2005
LAST_YEAR = 2024
LAST_DAY = date(2025, 12, 31)

Case = dict[str, Any]

# scenario -> relative weight; the refractory-intended ones keep 250 : 50 : 100
SCENARIOS: dict[str, int] = {
    "dtc_no_uptake": 110,
    "dtc_progression": 80,
    "dtc_cumulative": 60,
    "mtc_advanced": 50,
    "atc": 100,
    "dtc_locoregional": 250,
    "dtc_avid_responding": 80,
    "dtc_uptake_unknown": 40,
    "dtc_no_disease": 80,
    "mtc_local": 40,
    "mtc_undecided": 10,
}
_NAMES = tuple(SCENARIOS)
_WEIGHTS = tuple(SCENARIOS.values())

_DTC_HISTOLOGY = (("papillary", 75), ("follicular", 12), ("oncocytic", 7),
                  ("poorly_differentiated", 6))  # fmt: skip
_MCI_CHOICES = (30, 100, 150, 200)
_GBQ_CHOICES = (1.1, 3.7, 5.55, 7.4)


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _day(d: date) -> str:
    return d.isoformat()


def _after(d: date, lo: int, hi: int, rng: random.Random) -> date:
    return d + timedelta(days=rng.randint(lo, hi))


class _History:
    """One patient under construction: events are dropped when they fall after LAST_DAY."""

    def __init__(self, rng: random.Random, case_id: str, scenario: str) -> None:
        self.rng = rng
        self.scenario = scenario
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        self.dx = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        self.case: Case = {"format": "thyref-case/1", "id": case_id}
        self.rai: list[dict[str, Any]] = []
        self.lesions: list[dict[str, Any]] = []
        self.imaging: list[dict[str, Any]] = []
        self.labs: list[dict[str, Any]] = []
        self.molecular: list[dict[str, Any]] = []
        self.clinical: dict[str, Any] = {}

    # ---------------------------------------------------------------- building blocks

    def patient(self, female_share: float, age_mean: float, age_sd: float) -> None:
        rng = self.rng
        sex = "female" if rng.random() < female_share else "male"
        if rng.random() < 0.01:
            sex = "unknown"
        age = min(92, max(18, round(rng.gauss(age_mean, age_sd))))
        self.case["patient"] = {"sex": sex, "birth_year": self.dx.year - age}

    def diagnosis(self, histology: str) -> None:
        self.case["diagnosis"] = {"histology": histology, "date": _day(self.dx)}

    def give_rai(self, when: date, gbq: float, response: str | None = None) -> bool:
        if when > LAST_DAY:
            return False
        rng = self.rng
        unit = rng.choices(("mCi", "GBq", "MBq"), weights=(45, 45, 10))[0]
        if unit == "mCi":
            activity: float = round(gbq * 1000 / 37 / 5) * 5 or 30
        elif unit == "MBq":
            activity = round(gbq * 1000 / 50) * 50
        else:
            activity = gbq
        item: dict[str, Any] = {"date": _day(when), "activity": activity, "unit": unit}
        if response is not None:
            item["response"] = response
        self.rai.append(item)
        return True

    def lesion(self, lid: str, site: str, **extra: Any) -> dict[str, Any]:
        item: dict[str, Any] = {"id": lid, "site": site, **extra}
        self.lesions.append(item)
        return item

    def scan(
        self,
        start: date,
        count: int,
        sizes: dict[str, float],
        growth: dict[str, float],
        *,
        non_target: dict[str, str] | None = None,
        step: tuple[int, int] = (90, 200),
        new_at: int | None = None,
        progression_at: int | None = None,
    ) -> list[date]:
        """``count`` CT timepoints from ``start``: sizes grow by ``growth`` (per year, log)."""
        rng = self.rng
        when = start
        dates: list[date] = []
        for k in range(count):
            if when > LAST_DAY:
                break
            years = (when - start).days / 365.25
            shot: dict[str, Any] = {"date": _day(when), "measurements": {}}
            for lid, s0 in sizes.items():
                size = s0 * math.exp(growth.get(lid, 0.0) * years) + rng.uniform(-0.6, 0.6)
                shot["measurements"][lid] = float(max(0, round(size)))
            if non_target:
                statuses = dict(non_target)
                if progression_at is not None and k >= progression_at:
                    first = next(iter(statuses))
                    statuses[first] = "unequivocal_progression"
                shot["non_target"] = statuses
            if new_at is not None and k >= new_at:
                shot["new_lesions"] = True
            elif k and rng.random() < 0.5:
                shot["new_lesions"] = False
            self.imaging.append(shot)
            dates.append(when)
            when = _after(when, *step, rng)
        return dates

    def marker(
        self,
        test: str,
        start: date,
        count: int,
        value0: float,
        doubling_years: float | None,
        units: tuple[str, ...],
        *,
        step: tuple[int, int] = (90, 180),
        with_tsh: bool = False,
    ) -> None:
        """A marker series; ``doubling_years`` < 0 halves, None stays flat (noisy)."""
        rng = self.rng
        when = start
        rate = 0.0 if doubling_years is None else math.log(2) / doubling_years
        unit = rng.choice(units)
        scale = 1000.0 if unit in ("ng/L", "pg/mL") and test in ("thyroglobulin", "cea") else 1.0
        if test == "calcitonin" and unit in ("ng/mL", "ug/L"):
            scale = 0.001
        for _ in range(count):
            if when > LAST_DAY:
                break
            years = (when - start).days / 365.25
            value = value0 * math.exp(rate * years) * rng.uniform(0.92, 1.08)
            lab: dict[str, Any] = {"date": _day(when), "test": test,
                                   "value": round(value * scale, 3), "unit": unit}  # fmt: skip
            if value < 0.1 and test == "thyroglobulin":
                lab["value"] = round(0.1 * scale, 3)
                lab["below_detection"] = True
            self.labs.append(lab)
            if with_tsh:
                tsh = rng.choice((0.02, 0.05, 0.08, 0.1, 0.3, 0.6)) if rng.random() < 0.9 else 2.1
                tsh_unit = rng.choice(("mU/L", "mUI/L", "m[IU]/L"))
                self.labs.append({"date": _day(when), "test": "tsh", "value": tsh,
                                  "unit": tsh_unit})  # fmt: skip
            when = _after(when, *step, rng)

    def antibodies(self, when: date, positive: bool) -> None:
        if when > LAST_DAY:
            return
        value = round(self.rng.uniform(40, 400), 1) if positive else 0.0
        unit = self.rng.choice(("IU/mL", "UI/mL", "[IU]/mL"))
        self.labs.append({"date": _day(when), "test": "tg_antibodies", "value": value,
                          "unit": unit, "positive": positive})  # fmt: skip

    def molecule(self, gene: str, alteration: str, kind: str, **extra: str) -> None:
        when = _after(self.dx, 20, 400, self.rng)
        item: dict[str, Any] = {"gene": gene, "alteration": alteration, "kind": kind,
                                "origin": extra.get("origin", "somatic"),
                                "sample": extra.get("sample", "primary")}  # fmt: skip
        if when <= LAST_DAY:
            item["date"] = _day(when)
        self.molecular.append(item)

    def dtc_molecular(self, histology: str) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.28:
            return  # not tested (yet)
        if histology == "papillary" and roll < 0.7:
            self.molecule("BRAF", rng.choice(("V600E", "p.Val600Glu")), "mutation")
        elif roll < 0.86:
            gene = rng.choice(("NRAS", "HRAS", "KRAS"))
            self.molecule(gene, {"NRAS": "Q61R", "HRAS": "Q61K", "KRAS": "G12V"}[gene], "mutation")
        elif roll < 0.93:
            self.molecule("RET", rng.choice(("CCDC6::RET", "NCOA4::RET")), "fusion")
        elif roll < 0.97:
            self.molecule("NTRK3", "ETV6::NTRK3", "fusion")
        elif roll < 0.98:
            self.molecule("ALK", "STRN::ALK", "fusion")
        else:
            self.molecule("TERT", "C228T", "mutation")

    # ---------------------------------------------------------------- finishing

    def build(self) -> Case:
        case = self.case
        if self.rai:
            case["rai"] = self.rai
        if self.lesions:
            case["lesions"] = self.lesions
        if self.imaging and self.lesions:
            case["imaging"] = self.imaging
        if self.labs:
            case["labs"] = self.labs
        if self.molecular:
            case["molecular"] = self.molecular
        if self.clinical:
            case["clinical"] = self.clinical
        return case


# -------------------------------------------------------------------- differentiated


def _distant_lesions(
    h: _History, *, uptake: str, mixed: bool
) -> tuple[dict[str, float], dict[str, str]]:
    """Lung (and sometimes bone, mediastinal, brain) metastases: measured sizes, non-targets."""
    rng = h.rng
    sizes: dict[str, float] = {}
    non_target: dict[str, str] = {}
    for k in range(rng.randint(1, 4)):
        lid = f"P{k + 1}"
        h.lesion(lid, "lung", rai_uptake="no" if mixed and k == 0 else uptake)
        sizes[lid] = rng.uniform(9, 28)
    if rng.random() < 0.25:
        h.lesion("M1", "lymph_node_mediastinal_upper", rai_uptake=uptake)
        sizes["M1"] = rng.uniform(15, 26)
    if rng.random() < 0.3:
        h.lesion("B1", "bone", rai_uptake=uptake, recist_role="non_target")
        non_target["B1"] = "present"
    if rng.random() < 0.15:
        h.lesion("MN", "lung", rai_uptake=uptake, innumerable=True)
        non_target["MN"] = "present"
    if rng.random() < 0.05:
        h.lesion("C1", "brain", rai_uptake="unknown", recist_role="non_target")
        non_target["C1"] = "present"
        h.clinical["brain_metastases_bleeding_risk"] = rng.random() < 0.5
    if rng.random() < 0.3:
        h.lesion("N1", "lymph_node_cervical_lateral", rai_uptake=uptake,
                 confirmed=rng.random() < 0.5)  # fmt: skip
        sizes["N1"] = rng.uniform(8, 22)
    return sizes, non_target


def _dtc(h: _History) -> None:
    rng = h.rng
    histology = _pick(rng, _DTC_HISTOLOGY)
    h.patient(0.75, 51, 15)
    h.diagnosis(histology)
    h.dtc_molecular(histology)
    first = _after(h.dx, 40, 110, rng)
    scenario = h.scenario

    if scenario == "dtc_no_disease":
        h.give_rai(first, rng.choice((1.1, 3.7)))
        h.marker("thyroglobulin", _after(first, 150, 250, rng), rng.randint(2, 5), 0.05, None,
                 ("ng/mL", "ug/L"), step=(180, 400), with_tsh=True)  # fmt: skip
        h.antibodies(_after(first, 150, 250, rng), False)
        return

    if scenario == "dtc_locoregional":
        h.give_rai(first, rng.choice((1.1, 3.7)))
        h.lesion("N1", "lymph_node_cervical_lateral", rai_uptake=rng.choice(("yes", "unknown")),
                 confirmed=rng.random() < 0.4)  # fmt: skip
        sizes = {"N1": rng.uniform(7, 18)}
        if rng.random() < 0.4:
            h.lesion("N2", "lymph_node_cervical_central", rai_uptake="unknown")
            sizes["N2"] = rng.uniform(6, 12)
        if rng.random() < 0.2:
            h.lesion("T1", "thyroid_bed", rai_uptake="unknown")
            sizes["T1"] = rng.uniform(8, 15)
        growth = {lid: rng.uniform(-0.3, 0.25) for lid in sizes}
        h.scan(_after(first, 120, 300, rng), rng.randint(1, 4), sizes, growth, step=(180, 365))
        h.marker("thyroglobulin", _after(first, 90, 200, rng), rng.randint(3, 7),
                 rng.uniform(0.3, 5), rng.choice((None, 3.0, -1.5)), ("ng/mL", "ug/L"),
                 with_tsh=True)  # fmt: skip
        h.antibodies(_after(first, 90, 200, rng), rng.random() < 0.1)
        return

    # metastatic differentiated disease
    uptake = {"dtc_no_uptake": "no", "dtc_uptake_unknown": "unknown"}.get(scenario, "yes")
    mixed = scenario == "dtc_no_uptake" and rng.random() < 0.35
    if mixed:
        uptake = "yes"
    sizes, non_target = _distant_lesions(h, uptake=uptake, mixed=mixed)
    h.clinical["symptomatic"] = rng.random() < 0.3
    h.clinical["locally_treatable"] = rng.choice((True, False, False, None))

    if scenario == "dtc_cumulative":
        courses = rng.randint(5, 8)
        when = first
        last = first
        for k in range(courses):
            if h.give_rai(when, rng.choice((3.7, 5.55)),
                          rng.choice(("regressing", "stable")) if k else None):  # fmt: skip
                last = when
            when = _after(when, 150, 300, rng)
        growth = {lid: rng.uniform(-0.15, 0.05) for lid in sizes}
        h.scan(_after(first, -60, -20, rng), rng.randint(4, 8), sizes, growth,
               non_target=non_target, step=(180, 330))  # fmt: skip
        h.marker("thyroglobulin", _after(last, 60, 150, rng), rng.randint(3, 6),
                 rng.uniform(5, 80), rng.choice((4.0, -3.0, None)), ("ng/mL", "ug/L"),
                 with_tsh=True)  # fmt: skip
        return

    if scenario == "dtc_progression":
        h.give_rai(first, rng.choice((3.7, 5.55)))
        second = _after(first, 150, 300, rng)
        h.give_rai(second, rng.choice((3.7, 5.55)), "progressing")
        growth = {lid: rng.uniform(0.6, 1.2) for lid in sizes}
        start = _after(second, -50, -20, rng)
        n = rng.randint(3, 6)
        new_at = 2 if rng.random() < 0.3 else None
        progress_at = 2 if non_target and rng.random() < 0.3 else None
        dates = h.scan(start, n, sizes, growth, non_target=non_target, step=(100, 160),
                       new_at=new_at, progression_at=progress_at)  # fmt: skip
        h.clinical["symptomatic"] = rng.random() < 0.45
        if rng.random() < 0.25 and dates:
            h.clinical["on_systemic_therapy"] = rng.choice(("lenvatinib", "sorafenib"))
        h.marker("thyroglobulin", _after(second, 60, 120, rng), rng.randint(4, 7),
                 rng.uniform(20, 300), rng.uniform(0.4, 1.5), ("ng/mL", "ug/L"),
                 with_tsh=True)  # fmt: skip
        h.antibodies(_after(second, 60, 120, rng), rng.random() < 0.08)
        return

    # dtc_no_uptake, dtc_avid_responding, dtc_uptake_unknown
    courses = {"dtc_no_uptake": rng.randint(1, 3), "dtc_avid_responding": rng.randint(2, 3)}.get(
        scenario, 1
    )
    when = first
    last = first
    for k in range(courses):
        response = None if k == 0 else ("regressing" if uptake == "yes" else "stable")
        if h.give_rai(when, rng.choice((3.7, 5.55)), response):
            last = when
        when = _after(when, 180, 330, rng)
    if scenario == "dtc_avid_responding":
        growth = {lid: rng.uniform(-0.6, -0.1) for lid in sizes}
        h.scan(_after(first, -40, -10, rng), rng.randint(3, 6), sizes, growth,
               non_target=non_target, step=(150, 240))  # fmt: skip
        h.marker("thyroglobulin", _after(last, 60, 150, rng), rng.randint(4, 6),
                 rng.uniform(5, 50), -rng.uniform(0.5, 2), ("ng/mL", "ug/L"),
                 with_tsh=True)  # fmt: skip
    elif scenario == "dtc_uptake_unknown":
        # imaging before iodine only: nothing tells yet whether the disease takes it up
        h.scan(_after(first, -80, -30, rng), 1, sizes, {}, non_target=non_target)
        h.marker("thyroglobulin", _after(first, 30, 90, rng), rng.randint(1, 3),
                 rng.uniform(5, 50), None, ("ng/mL", "ug/L"), with_tsh=True)  # fmt: skip
    else:
        growth = {lid: rng.uniform(-0.05, 0.35) for lid in sizes}
        h.scan(_after(first, -50, -10, rng), rng.randint(2, 7), sizes, growth,
               non_target=non_target, step=(150, 300))  # fmt: skip
        h.marker("thyroglobulin", _after(last, 60, 150, rng), rng.randint(3, 8),
                 rng.uniform(2, 150), rng.choice((0.8, 1.5, 3.0, None)), ("ng/mL", "ug/L"),
                 with_tsh=True)  # fmt: skip
        h.antibodies(_after(last, 60, 150, rng), rng.random() < 0.1)


# -------------------------------------------------------------------- medullary


def _mtc(h: _History) -> None:
    rng = h.rng
    h.patient(0.55, 52, 16)
    h.diagnosis("medullary")
    roll = rng.random()
    if roll < 0.45:
        h.molecule("RET", "M918T", "mutation")
    elif roll < 0.6:
        h.molecule("HRAS", "Q61R", "mutation")
    if rng.random() < 0.25:
        h.molecule("RET", rng.choice(("C634R", "C618S")), "mutation", origin="germline",
                   sample="blood")  # fmt: skip
    start = _after(h.dx, 60, 200, rng)
    if h.scenario == "mtc_local":
        h.lesion("N1", "lymph_node_cervical_central", rai_uptake="unknown")
        h.scan(start, rng.randint(1, 3), {"N1": rng.uniform(8, 16)}, {"N1": -0.2},
               step=(180, 365))  # fmt: skip
        h.clinical["standard_treatment_possible"] = True
        h.marker("calcitonin", start, rng.randint(3, 6), rng.uniform(20, 200), -1.0,
                 ("pg/mL", "ng/L"), step=(120, 240))  # fmt: skip
        return
    sizes: dict[str, float] = {}
    h.lesion("M1", "lymph_node_mediastinal_lower", rai_uptake="unknown")
    sizes["M1"] = rng.uniform(15, 30)
    for k in range(rng.randint(1, 3)):
        lid = f"H{k + 1}"
        h.lesion(lid, "liver", rai_uptake="unknown")
        sizes[lid] = rng.uniform(10, 35)
    non_target = {}
    if rng.random() < 0.5:
        h.lesion("B1", "bone", rai_uptake="unknown", recist_role="non_target")
        non_target["B1"] = "present"
    growth = {lid: rng.uniform(0.0, 0.5) for lid in sizes}
    h.scan(start, rng.randint(2, 6), sizes, growth, non_target=non_target, step=(120, 240))
    doubling = rng.choice((0.4, 0.9, 1.8, 3.0))
    h.marker("calcitonin", start, rng.randint(3, 8), rng.uniform(300, 8000), doubling,
             ("pg/mL", "ng/L"), step=(100, 200))  # fmt: skip
    h.marker("cea", start, rng.randint(3, 8), rng.uniform(5, 120), doubling,
             ("ng/mL", "ug/L"), step=(100, 200))  # fmt: skip
    h.clinical["standard_treatment_possible"] = None if h.scenario == "mtc_undecided" else False
    h.clinical["symptomatic"] = rng.random() < 0.4
    h.clinical["locally_treatable"] = rng.choice((False, None))
    if rng.random() < 0.2:
        h.clinical["on_systemic_therapy"] = rng.choice(("vandetanib", "cabozantinib"))


# -------------------------------------------------------------------- anaplastic


def _atc(h: _History) -> None:
    rng = h.rng
    h.patient(0.6, 70, 9)
    h.diagnosis("anaplastic")
    if rng.random() < 0.85:
        if rng.random() < 0.4:
            h.molecule("BRAF", "V600E", "mutation")
        elif rng.random() < 0.4:
            h.molecule("NRAS", "Q61R", "mutation")
        else:
            h.molecule("TP53", "R273H", "mutation")
    h.lesion("T1", "thyroid_bed", rai_uptake="unknown", symptomatic=True)
    sizes = {"T1": rng.uniform(35, 70)}
    if rng.random() < 0.6:
        h.lesion("P1", "lung", rai_uptake="unknown")
        sizes["P1"] = rng.uniform(10, 25)
    if rng.random() < 0.3:
        h.lesion("N1", "lymph_node_cervical_lateral", rai_uptake="unknown")
        sizes["N1"] = rng.uniform(15, 35)
    growth = {lid: rng.uniform(0.8, 2.5) for lid in sizes}
    h.scan(_after(h.dx, -10, 0, rng), rng.randint(1, 3), sizes, growth, step=(40, 80))
    h.clinical["symptomatic"] = True
    h.clinical["locally_treatable"] = rng.random() < 0.2


# -------------------------------------------------------------------- public API


def scenario_of(seed: int, index: int) -> str:
    """The scenario drawn for patient ``index`` of ``seed`` (for tests and documentation)."""
    rng = random.Random(f"{seed}:{index}")
    return rng.choices(_NAMES, weights=_WEIGHTS)[0]


def synth_case(seed: int, index: int) -> Case:
    """Patient ``index`` of the cohort ``seed``: a ``thyref-case/1`` dictionary."""
    rng = random.Random(f"{seed}:{index}")
    scenario = rng.choices(_NAMES, weights=_WEIGHTS)[0]
    h = _History(rng, f"syn-{seed}-{index:07d}", scenario)
    if scenario.startswith("dtc"):
        _dtc(h)
    elif scenario.startswith("mtc"):
        _mtc(h)
    else:
        _atc(h)
    return h.build()


def synth_cases(n: int, seed: int, start: int = 0) -> Iterator[Case]:
    """Patients ``start`` to ``start + n - 1`` of the cohort ``seed``."""
    for index in range(start, start + n):
        yield synth_case(seed, index)


# -------------------------------------------------------------------- writing


def _dumps(obj: Any) -> bytes:
    import orjson

    return orjson.dumps(obj)


def _bundles(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """FHIR R4 Bundles from the FHIR adapter (imported lazily: cases need none of it)."""
    exporter = importlib.import_module("thyref.fhir.exporter")
    for case in synth_cases(n, seed):
        bundle: dict[str, Any] = exporter.case_to_bundle(case)
        yield bundle


def bulk_resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """A Bundle's resources as a Bulk Data export holds them: a reference to another entry
    (``urn:uuid:<id>``) becomes the server-relative ``<ResourceType>/<id>``."""
    entries = [e for e in bundle.get("entry", []) if isinstance(e.get("resource"), dict)]
    relative = {
        str(e["fullUrl"]): f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in entries
        if e.get("fullUrl") and e["resource"].get("id")
    }

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (relative.get(v, v) if k == "reference" and isinstance(v, str) else rewrite(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    return [rewrite(e["resource"]) for e in entries]


def write(n: int, seed: int, fmt: str, out: Path) -> int:
    """Write ``n`` patients; returns how many files were written.

    - ``case`` to ``FILE.ndjson``: one case a line; to a folder: ``<id>.json`` each;
    - ``fhir`` to ``FILE.ndjson``: one Bundle a line; to a folder: a FHIR Bulk Data export
      (``<ResourceType>.ndjson``, every resource of every patient, patients in order).
    """
    if out.suffix == ".ndjson":
        out.parent.mkdir(parents=True, exist_ok=True)
        items: Iterator[dict[str, Any]] = (
            synth_cases(n, seed) if fmt == "case" else _bundles(n, seed)
        )
        with out.open("wb") as f:
            for item in items:
                f.write(_dumps(item) + b"\n")
        return 1
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "case":
        for case in synth_cases(n, seed):
            (out / f"{case['id']}.json").write_bytes(_dumps(case) + b"\n")
        return n
    files: dict[str, BinaryIO] = {}
    try:
        for bundle in _bundles(n, seed):
            for resource in bulk_resources(bundle):
                kind = str(resource.get("resourceType", "Unknown"))
                if kind not in files:
                    files[kind] = open(out / f"{kind}.ndjson", "wb")  # noqa: SIM115
                files[kind].write(_dumps(resource) + b"\n")
    finally:
        for handle in files.values():
            handle.close()
    return len(files)
