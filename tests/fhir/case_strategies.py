"""Hypothesis strategies: valid ``thyref-case/1`` cases using every field of the format."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

Json = dict[str, Any]

SITES = [
    "thyroid_bed", "lymph_node_cervical_central", "lymph_node_cervical_lateral",
    "lymph_node_mediastinal_upper", "lymph_node_mediastinal_lower", "lung", "pleura", "bone",
    "brain", "liver", "skin", "soft_tissue", "other",
]  # fmt: skip
LAB_UNITS = {
    "thyroglobulin": ["ng/mL", "ug/L", "pg/mL", "ng/L"],
    "cea": ["ng/mL", "ug/L", "pg/mL", "ng/L"],
    "calcitonin": ["pg/mL", "ng/L", "ng/mL", "ug/L"],
    "tsh": ["mU/L", "mUI/L", "m[IU]/L"],
    "tg_antibodies": ["IU/mL", "UI/mL", "[IU]/mL"],
}
GENES = ["BRAF", "RET", "NRAS", "HRAS", "NTRK3", "ALK", "TERT", "CDKN2A"]
ALTERATIONS = [None, "V600E", "p.Val600Glu", "M918T", "Q61R", "G12V", "fusion", "amplification",
               "c.-124C>T"]  # fmt: skip
FUSIONS = ["CCDC6::RET", "NCOA4::RET", "ETV6::NTRK3", "EML4::ALK", "RET::CCDC6", "fusion"]

START = date(1995, 1, 1)


def days() -> st.SearchStrategy[str]:
    return st.integers(0, 10_000).map(lambda d: (START + timedelta(days=d)).isoformat())


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _drop_none(item: Json) -> Json:
    return {k: v for k, v in item.items() if v is not None}


sizes = st.one_of(
    st.integers(0, 300), st.floats(0, 300, allow_nan=False).map(lambda x: round(x, 1))
)
lab_values = st.one_of(st.integers(0, 5000), st.floats(0, 5000).map(lambda x: round(x, 3)))


# Per unit, activities inside the plausible bound (50 GBq = 1,351 mCi per administration).
_ACTIVITY_RANGE = {"mCi": (1, 300), "GBq": (0.5, 11), "MBq": (100, 11000)}


@st.composite
def activities(draw: st.DrawFn) -> dict[str, Any]:
    unit = draw(st.sampled_from(sorted(_ACTIVITY_RANGE)))
    low, high = _ACTIVITY_RANGE[unit]
    value = draw(
        st.one_of(
            st.integers(int(low) if low >= 1 else 1, int(high)),
            st.floats(low, high).map(lambda x: round(x, 2)),
        )
    )
    return {"activity": value, "unit": unit}


@st.composite
def lesions(draw: st.DrawFn) -> list[Json]:
    count = draw(st.integers(0, 5))
    out = []
    for i in range(count):
        innumerable = draw(st.booleans())
        role = None if innumerable else draw(maybe(st.sampled_from(["target", "non_target"])))
        lesion = {
            "id": draw(st.sampled_from(["L", "N", "B", "lesion-", "M_"])) + str(i + 1),
            "site": draw(st.sampled_from(SITES)),
            "rai_uptake": draw(maybe(st.sampled_from(["yes", "no", "unknown"]))),
            "recist_role": role,
            "innumerable": draw(maybe(st.just(True))) if innumerable else None,
            "symptomatic": draw(maybe(st.booleans())),
            "locally_treatable": draw(maybe(st.booleans())),
            "confirmed": draw(maybe(st.booleans())),
        }
        out.append(_drop_none(lesion))
    return out


@st.composite
def imaging(draw: st.DrawFn, lesion_ids: list[str]) -> list[Json]:
    if not lesion_ids:
        return []
    dates = draw(st.lists(days(), max_size=4, unique=True))
    out = []
    for day in dates:
        measured = draw(st.lists(st.sampled_from(lesion_ids), unique=True))
        others = [x for x in lesion_ids if x not in measured]
        non_target = draw(st.lists(st.sampled_from(others), unique=True)) if others else []
        shot = {
            "date": day,
            "measurements": {lid: draw(sizes) for lid in measured} or None,
            "non_target": {
                lid: draw(st.sampled_from(["present", "absent", "unequivocal_progression"]))
                for lid in non_target
            }
            or None,
            "new_lesions": draw(maybe(st.booleans())),
            "assessed_response": draw(maybe(st.sampled_from(["CR", "PR", "SD", "PD", "NE"]))),
        }
        out.append(_drop_none(shot))
    return out


@st.composite
def labs(draw: st.DrawFn) -> list[Json]:
    out = []
    for _ in range(draw(st.integers(0, 6))):
        test = draw(st.sampled_from(list(LAB_UNITS)))
        lab = {
            "date": draw(days()),
            "test": test,
            "value": draw(lab_values),
            "unit": draw(st.sampled_from(LAB_UNITS[test])),
            "positive": draw(maybe(st.booleans())),
            "below_detection": draw(maybe(st.booleans())),
            "upper_limit": draw(maybe(lab_values)),
        }
        out.append(_drop_none(lab))
    return out


@st.composite
def molecular(draw: st.DrawFn) -> list[Json]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(maybe(st.sampled_from(["mutation", "fusion", "amplification"])))
        gene = draw(st.sampled_from(GENES))
        if kind == "fusion":
            alteration = draw(st.sampled_from(FUSIONS))
            if "::" in alteration and draw(st.booleans()):
                gene = alteration.split("::")[draw(st.integers(0, 1))]
        else:
            alteration = draw(st.sampled_from(ALTERATIONS))
        item = {
            "gene": gene,
            "alteration": alteration,
            "kind": kind,
            "origin": draw(maybe(st.sampled_from(["somatic", "germline"]))),
            "sample": draw(maybe(st.sampled_from(["primary", "metastasis", "blood"]))),
            "date": draw(maybe(days())),
        }
        out.append(_drop_none(item))
    return out


SCAN_FINDINGS = ["yes", "no", "equivocal", "not_visualized"]
DIAGNOSTIC_KINDS = ["diagnostic_i131", "diagnostic_i123", "i124_pet"]


@st.composite
def scans(draw: st.DrawFn, lesion_ids: list[str], rai_dates: list[str]) -> list[Json]:
    """Valid ``scans[]``: a post-therapy scan 0 to 14 days after one of ``rai_dates``
    (its ``rai_date`` given or left to be derived), findings for declared lesions only."""
    out = []
    for _ in range(draw(st.integers(0, 3))):
        kinds = DIAGNOSTIC_KINDS + (["post_therapy"] if rai_dates else [])
        kind = draw(st.sampled_from(kinds))
        rai_date = None
        if kind == "post_therapy":
            given = draw(st.sampled_from(rai_dates))
            day = (date.fromisoformat(given) + timedelta(days=draw(st.integers(0, 14)))).isoformat()
            rai_date = draw(maybe(st.just(given)))
        else:
            day = draw(days())
        findings = {}
        if lesion_ids:
            seen = draw(st.lists(st.sampled_from(lesion_ids), unique=True))
            findings = {lid: draw(st.sampled_from(SCAN_FINDINGS)) for lid in seen}
        scan = {
            "date": day,
            "kind": kind,
            "rai_date": rai_date,
            "preparation": draw(maybe(st.sampled_from(["withdrawal", "rhtsh", "unknown"]))),
            "tsh": draw(
                maybe(st.one_of(st.integers(0, 300), st.floats(0, 300).map(lambda x: round(x, 2))))
            ),
            "iodine_contamination": draw(
                maybe(st.sampled_from(["none", "suspected", "confirmed", "unknown"]))
            ),
            "findings": findings or draw(maybe(st.just({}))),
        }
        out.append(_drop_none(scan))
    return out


def latest_uptake(scan_list: list[Json]) -> dict[str, str]:
    """Per lesion, its latest yes/no finding; on one date ``no`` outweighs ``yes``
    (case-format.md, scans[])."""
    best: dict[str, tuple[str, str]] = {}
    for scan in scan_list:
        for lid, finding in (scan.get("findings") or {}).items():
            if finding not in ("yes", "no"):
                continue
            key = (scan["date"], "1" if finding == "no" else "0")
            if lid not in best or key > (best[lid][0], "1" if best[lid][1] == "no" else "0"):
                best[lid] = (scan["date"], finding)
    return {lid: finding for lid, (_, finding) in best.items()}


@st.composite
def cases(draw: st.DrawFn) -> Json:
    declared = draw(lesions())
    ids = [x["id"] for x in declared]
    rai = [
        _drop_none(
            {
                "date": draw(days()),
                **draw(activities()),
                "response": draw(
                    maybe(st.sampled_from(["regressing", "stable", "progressing", "unknown"]))
                ),
            }
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    scan_list = draw(scans(ids, [x["date"] for x in rai]))
    # a lesion's rai_uptake agrees with its latest finding, or is left to be derived
    for lesion, latest in ((x, latest_uptake(scan_list).get(x["id"])) for x in declared):
        if latest is not None:
            lesion.pop("rai_uptake", None)
            uptake = draw(maybe(st.sampled_from(["unknown", latest])))
            if uptake is not None:
                lesion["rai_uptake"] = uptake
    histology = draw(
        st.sampled_from(
            ["papillary", "follicular", "oncocytic", "poorly_differentiated", "anaplastic",
             "medullary"]
        )
    )  # fmt: skip
    case: Json = {
        "format": "thyref-case/1",
        "id": draw(st.sampled_from(["gen-1", "case_2", "A.b-3"])),
        "patient": _drop_none(
            {
                "sex": draw(maybe(st.sampled_from(["female", "male", "other", "unknown"]))),
                "birth_year": draw(maybe(st.integers(1920, 2000))),
            }
        ),
        "diagnosis": _drop_none(
            {
                "histology": histology,
                "date": draw(days()),
                "extent": draw(
                    maybe(st.sampled_from(["locoregional", "locally_advanced", "metastatic"]))
                ),
                "primary_sample_date": draw(maybe(days())),
            }
        ),
        "rai": rai,
        "lesions": declared,
        "imaging": draw(imaging(ids)),
        "labs": draw(labs()),
        "molecular": draw(molecular()),
        "clinical": _drop_none(
            {
                "symptomatic": draw(maybe(st.booleans())),
                "locally_treatable": draw(maybe(st.booleans())),
                "standard_treatment_possible": draw(maybe(st.booleans())),
                "brain_metastases_bleeding_risk": draw(maybe(st.booleans())),
                "on_systemic_therapy": draw(maybe(st.sampled_from(["lenvatinib", "sorafenib"]))),
            }
        ),
    }
    if scan_list or draw(st.booleans()):
        case["scans"] = scan_list
    return case
