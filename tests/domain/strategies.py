"""Hypothesis strategies for valid ``thyref-case/1`` cases (case-format.md, "Input").

Every generated case is valid by the spec's rules (declared lesions, unique imaging dates,
ISO dates from 1900-01-01 to today, values within the plausibility bounds), so the engine
must assess it without error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

SITES = [
    "thyroid_bed", "lymph_node_cervical_central", "lymph_node_cervical_lateral",
    "lymph_node_mediastinal_upper", "lymph_node_mediastinal_lower", "lung", "pleura", "bone",
    "brain", "liver", "skin", "soft_tissue", "other",
]  # fmt: skip
HISTOLOGIES = [
    "papillary", "follicular", "oncocytic", "poorly_differentiated", "anaplastic", "medullary",
]  # fmt: skip
EARLIEST = dt.date(1900, 1, 1)

days = st.dates(min_value=EARLIEST, max_value=dt.date.today())
iso = days.map(dt.date.isoformat)
recent = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date.today())
flag = st.one_of(st.none(), st.booleans())
# measurements: whole and fractional millimetres up to the 1,000 mm bound, and 0
millimetres = st.one_of(
    st.integers(min_value=0, max_value=60),
    st.floats(min_value=0, max_value=1000, allow_nan=False, allow_infinity=False),
)
# lab values: tiny to huge, all finite (converted values stay finite: at most x 1000)
lab_values = st.one_of(
    st.floats(min_value=0, max_value=1e300, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**6),
)


@st.composite
def lesions(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=6))
    out = []
    for i in range(count):
        item: dict[str, Any] = {"id": f"L{i}", "site": draw(st.sampled_from(SITES))}
        uptake = draw(st.sampled_from([None, "yes", "no", "unknown"]))
        if uptake is not None:
            item["rai_uptake"] = uptake
        innumerable = draw(st.booleans()) if i == count - 1 else False
        role = draw(st.sampled_from([None, None, "target", "non_target"]))
        if role is not None and not (innumerable and role == "target"):
            item["recist_role"] = role
        if innumerable:
            item["innumerable"] = True
        for key in ("symptomatic", "locally_treatable"):
            value = draw(flag)
            if value is not None:
                item[key] = value
        item["confirmed"] = draw(st.booleans())
        out.append(item)
    return out


@st.composite
def imaging(draw: st.DrawFn, ids: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    dates = draw(st.lists(recent, min_size=0, max_size=5, unique=True))
    out = []
    for day in dates:
        shot: dict[str, Any] = {"date": day.isoformat()}
        measured = draw(st.lists(st.sampled_from(ids), unique=True))
        shot["measurements"] = {lid: draw(millimetres) for lid in measured}
        status = st.sampled_from(["present", "absent", "unequivocal_progression"])
        reported = draw(st.lists(st.sampled_from(ids), unique=True))
        shot["non_target"] = {lid: draw(status) for lid in reported}
        shot["new_lesions"] = draw(st.booleans())
        claimed = draw(st.sampled_from([None, "CR", "PR", "SD", "PD", "NE"]))
        if claimed is not None:
            shot["assessed_response"] = claimed
        out.append(shot)
    return out


@st.composite
def administrations(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for day in draw(st.lists(recent, max_size=5)):
        unit = draw(st.sampled_from(["mCi", "GBq", "MBq"]))
        top = {"mCi": 1351, "GBq": 50, "MBq": 50000}[unit]
        activity = draw(st.floats(min_value=0.001, max_value=top, allow_nan=False))
        row: dict[str, Any] = {"date": day.isoformat(), "activity": activity, "unit": unit}
        response = draw(st.sampled_from([None, "regressing", "stable", "progressing"]))
        if response is not None:
            row["response"] = response
        rows.append(row)
    return rows


LAB_UNITS = {
    "thyroglobulin": ["ng/mL", "ug/L", "pg/mL", "ng/L"],
    "tg_antibodies": ["IU/mL", "UI/mL", "[IU]/mL"],
    "tsh": ["mU/L", "mUI/L", "m[IU]/L"],
    "calcitonin": ["pg/mL", "ng/L"],
    "cea": ["ng/mL", "ug/L"],
}


@st.composite
def labs(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        test = draw(st.sampled_from(sorted(LAB_UNITS)))
        row: dict[str, Any] = {
            "date": draw(recent).isoformat(),
            "test": test,
            "value": draw(lab_values),
            "unit": draw(st.sampled_from(LAB_UNITS[test])),
        }
        if test == "tg_antibodies":
            row["positive"] = draw(st.booleans())
        row["below_detection"] = draw(st.booleans())
        rows.append(row)
    return rows


MOLECULAR = [
    {"gene": "BRAF", "alteration": "V600E", "kind": "mutation"},
    {"gene": "NRAS", "alteration": "Q61R", "kind": "mutation"},
    {"gene": "RET", "alteration": "M918T", "kind": "mutation"},
    {"gene": "RET", "alteration": "C634R", "kind": "mutation", "origin": "germline"},
    {"gene": "RET", "alteration": "fusion", "kind": "fusion"},
    {"gene": "ALK", "alteration": "fusion", "kind": "fusion"},
    {"gene": "NTRK3", "alteration": "ETV6::NTRK3", "kind": "fusion"},
    {"gene": "TERT", "alteration": "C228T"},
]


@st.composite
def cases(draw: st.DrawFn, scans: st.SearchStrategy[Any] | None = None) -> dict[str, Any]:
    """A valid case; ``scans`` (given the lesion ids and administrations) adds ``scans[]``."""
    found = draw(lesions())
    ids = [item["id"] for item in found]
    given = draw(administrations())
    case: dict[str, Any] = {
        "format": "thyref-case/1",
        "id": "prop-case",
        "diagnosis": {"histology": draw(st.sampled_from(HISTOLOGIES)), "date": draw(iso)},
        "rai": given,
        "lesions": found,
        "imaging": draw(imaging(ids)),
        "labs": draw(labs()),
        "molecular": draw(st.lists(st.sampled_from(MOLECULAR), max_size=3)),
        "clinical": {
            "symptomatic": draw(flag),
            "locally_treatable": draw(flag),
            "standard_treatment_possible": draw(flag),
            "brain_metastases_bleeding_risk": draw(flag),
            "on_systemic_therapy": draw(st.sampled_from([None, "lenvatinib", "vandetanib"])),
        },
    }
    extent = draw(st.sampled_from([None, "locoregional", "locally_advanced", "metastatic"]))
    if extent is not None:
        case["diagnosis"]["extent"] = extent
    if scans is not None:
        case["scans"] = draw(scans(ids, given))  # type: ignore[operator]
    return case


FINDINGS = st.sampled_from(["yes", "no", "equivocal", "not_visualized"])


@st.composite
def scan_lists(draw: st.DrawFn, ids: list[str], given: list[dict[str, Any]]) -> list[Any]:
    """Valid ``scans[]``: declared lesions only, an administration behind every
    post-therapy scan (named, or 0 to 14 days before it)."""
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        kinds = ["diagnostic_i131", "diagnostic_i123", "i124_pet"]
        kind = draw(st.sampled_from(kinds + (["post_therapy"] * 2 if given else [])))
        item: dict[str, Any] = {"kind": kind}
        if kind == "post_therapy":
            after = draw(st.sampled_from(given))
            day = dt.date.fromisoformat(after["date"])
            later = day + dt.timedelta(days=draw(st.integers(min_value=0, max_value=14)))
            item["date"] = min(later, dt.date.today()).isoformat()
            if draw(st.booleans()):
                item["rai_date"] = after["date"]
        else:
            item["date"] = draw(recent).isoformat()
        shown = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
        item["findings"] = {lid: draw(FINDINGS) for lid in shown}
        tsh = draw(st.one_of(st.none(), st.floats(min_value=0, max_value=300, allow_nan=False)))
        if tsh is not None:
            item["tsh"] = tsh
        contamination = draw(st.sampled_from([None, "none", "suspected", "confirmed", "unknown"]))
        if contamination is not None:
            item["iodine_contamination"] = contamination
        out.append(item)
    return out


@st.composite
def cases_with_scans(draw: st.DrawFn) -> dict[str, Any]:
    """A valid case with ``scans[]``; lesions' own ``rai_uptake`` left out (it would have
    to agree with the latest finding)."""
    case = draw(cases(scans=scan_lists))
    for item in case["lesions"]:
        item.pop("rai_uptake", None)
    return case
