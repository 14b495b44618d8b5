"""Metamorphic tests: the engine's answer must not move when the case says the same thing
another way (case-format.md, clinical-rules.md).

Each relation transforms a generated valid case (``strategies.cases``) into one the spec
says is equivalent, and compares the two assessments:

- every date shifted by the same number of days (today too: the 10-year-old sample is
  judged against it), dates in the output shifted back, whenever no calendar-month
  window of the rules (12, 14, 24 and 120 months) changes its verdict across the shift
  (clinical-rules.md: "R + 12 calendar months"; a whole number of 28-year cycles keeps
  every one);
- lists given in another order (case-format.md: ``rai[]``, ``imaging[]``, ``scans[]`` "any
  order"; lesions, labs, molecular results and the keys of the maps);
- the same I-131 activity in mCi, GBq or MBq ("1 mCi = 37 MBq exactly") and the same lab
  value in another accepted unit ("converted to canonical units");
- the measurements of declared non-nodal targets scaled by a whole factor (percentages
  are ratios) and a non-target lesion added that stays present (target response);
- ``en`` and ``fr`` differ only in sentences;
- the same case assessed twice, or after another case, gives the same bytes; the FHIR
  export then import gives the same assessment.

``THYREF_METAMORPHIC_EXAMPLES`` raises the number of examples for a longer search.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from thyref.domain import assess, parse_case
from thyref.domain.dates import add_months

from .strategies import cases, cases_with_scans

EXAMPLES = int(os.environ.get("THYREF_METAMORPHIC_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TODAY = dt.date.today()  # the strategies draw dates up to the real today
EARLIEST = dt.date(1900, 1, 1)
Json = dict[str, Any]

any_case = st.one_of(cases(), cases_with_scans())


def _out(case: Json, lang: str = "en", today: dt.date = TODAY) -> Json:
    parsed = parse_case(copy.deepcopy(case), today=today)
    return assess(parsed, lang, today=today).to_json()  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Dates

ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# calendar-month windows of the rules data file: progression and imaging after I-131 (12),
# "progressive" (14 before the latest imaging), calcitonin/CEA span (24), sample age (120)
MONTH_WINDOWS = (12, -14, 24, 120)


def _shift_day(text: str, days: int) -> str:
    return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()


def _case_dates(case: Json) -> list[dt.date]:
    found: list[dt.date] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in ("date", "rai_date", "primary_sample_date") and isinstance(value, str):
            found.append(dt.date.fromisoformat(value))

    walk(case)
    return found


def shift_case(case: Json, days: int) -> Json:
    """Every date of the case moved by ``days`` (the spec's date fields only)."""

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if key in ("date", "rai_date", "primary_sample_date") and isinstance(value, str):
            return _shift_day(value, days)
        return value

    return walk(case)  # type: ignore[no-any-return]


def shift_output(value: Any, days: int, known: set[str]) -> Any:
    """Every ISO date of ``known`` in the output (fields and sentences) moved by ``days``;
    other dates (the check date of the therapy data file) are not the case's."""
    if isinstance(value, dict):
        return {k: shift_output(v, days, known) for k, v in value.items()}
    if isinstance(value, list):
        return [shift_output(v, days, known) for v in value]
    if isinstance(value, str):
        return ISO.sub(
            lambda m: _shift_day(m.group(0), days) if m.group(0) in known else m.group(0), value
        )
    return value


def _checked_phrases() -> list[str]:
    """The "(status as of <date>, source: ...)" phrases of the therapy data file, current or
    said to have maybe changed (that depends on today, which the shifts move): their dates
    are not the case's and stay as they are."""
    from thyref.domain.messages import day, text
    from thyref.domain.therapies import load_therapies

    rows = {
        (i.checked, lang, i.cite[lang], i.verified)
        for t in load_therapies().values()
        for i in t.indications.values()
        for lang in ("en", "fr")
    }
    return [
        text(  # type: ignore[arg-type]
            f"therapy.as_of{'' if verified else '.unverified'}{changed}",
            lang,  # type: ignore[arg-type]
            {"date": day(checked), "source": cite},
        )
        for checked, lang, cite, verified in rows
        for changed in ("", ".changed")
    ]


def _unchecked(value: Any, phrases: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _unchecked(v, phrases) for k, v in value.items()}
    if isinstance(value, list):
        return [_unchecked(v, phrases) for v in value]
    if isinstance(value, str):
        for phrase in phrases:
            value = value.replace(phrase, "<checked>")
    return value


def _back(after: Json, case: Json, days: int, today: dt.date) -> Json:
    """The output of the shifted case with the case's dates (and today) moved back."""
    known = {d.isoformat() for d in _case_dates(case)} | {today.isoformat()}
    return shift_output(_unchecked(after, _checked_phrases()), -days, known)  # type: ignore[no-any-return]


def _sign(a: dt.date, b: dt.date) -> int:
    return (a > b) - (a < b)


def month_windows_kept(dates: list[dt.date], days: int) -> bool:
    """Whether every calendar-month comparison between two of ``dates`` (b against a + k
    months) keeps its sign when both move by ``days``: only then must nothing change."""
    delta = dt.timedelta(days=days)
    for a in set(dates):
        for k in MONTH_WINDOWS:
            edge, moved = add_months(a, k), add_months(a + delta, k)
            for b in set(dates):
                if _sign(b, edge) != _sign(b + delta, moved):
                    return False
    return True


SHIFTS = st.one_of(
    st.sampled_from([1, -1, 365, -365, 366, -366, 1461, -1461, 10227, -10227]),
    st.integers(min_value=-20000, max_value=20000),
)


@SETTINGS
@given(case=any_case, days=SHIFTS)
def test_shifting_every_date_changes_only_the_dates(case: Json, days: int) -> None:
    dates = _case_dates(case)
    if dates and min(dates) + dt.timedelta(days=days) < EARLIEST:
        days = (EARLIEST - min(dates)).days  # as far back as the spec allows
    today = TODAY + dt.timedelta(days=days)
    before = _unchecked(_out(case), _checked_phrases())
    shifted = shift_case(case, days)
    after = _out(shifted, today=today)
    kept = month_windows_kept([*dates, TODAY], days)
    event("month windows kept" if kept else "a month window crossed (not compared)")
    if not kept:
        return  # a calendar-month window of the rules is crossed: a change is allowed
    assert _back(after, shifted, days, today) == before


EDGE_DAYS = [
    dt.date(2016, 2, 29), dt.date(2016, 2, 28), dt.date(2017, 2, 28), dt.date(2016, 3, 1),
    dt.date(2017, 3, 1), dt.date(2015, 12, 31), dt.date(2016, 1, 1), dt.date(2016, 1, 31),
    dt.date(2016, 4, 30), dt.date(2016, 5, 31), dt.date(2017, 4, 30), dt.date(2018, 2, 28),
]  # fmt: skip


@st.composite
def edge_cases(draw: st.DrawFn) -> Json:
    """Cases whose I-131, imaging and lab dates sit on month ends, 29 February and year
    ends, a few days apart: where calendar-month windows are decided."""
    case = draw(cases())
    near = st.builds(
        lambda day, k, d: add_months(day, k) + dt.timedelta(days=d),
        st.sampled_from(EDGE_DAYS),
        st.sampled_from([0, 12, 14, 24, -12]),
        st.integers(-2, 2),
    ).filter(lambda day: day <= TODAY)
    for row in case["rai"]:
        row["date"] = draw(near).isoformat()
    days = draw(
        st.lists(near, min_size=len(case["imaging"]), max_size=len(case["imaging"]), unique=True)
    )
    for shot, day in zip(case["imaging"], days, strict=True):
        shot["date"] = day.isoformat()
    for row in case["labs"]:
        row["date"] = draw(near).isoformat()
    return case


@SETTINGS
@given(case=edge_cases(), days=SHIFTS)
def test_shifting_dates_at_month_ends_changes_only_the_dates(case: Json, days: int) -> None:
    dates = _case_dates(case)
    if min(dates) + dt.timedelta(days=days) < EARLIEST:
        days = (EARLIEST - min(dates)).days
    before = _unchecked(_out(case), _checked_phrases())
    shifted, today = shift_case(case, days), TODAY + dt.timedelta(days=days)
    after = _out(shifted, today=today)
    kept = month_windows_kept([*dates, TODAY], days)
    event("month windows kept" if kept else "a month window crossed (not compared)")
    if kept:
        assert _back(after, shifted, days, today) == before


@SETTINGS
@given(case=any_case, cycles=st.sampled_from([-1, 1]))
def test_shifting_by_28_years_changes_only_the_dates(case: Json, cycles: int) -> None:
    """28 years (10,227 days) keep every weekday, month and 29 February from 1901 to 2099:
    no window can move."""
    days = 10227 * cycles
    dates = _case_dates(case)
    if any(
        not dt.date(1901, 3, 1) <= d + dt.timedelta(days=days) <= dt.date(2099, 12, 31)
        or not dt.date(1901, 3, 1) <= d
        for d in dates
    ):
        days = -days
        if any(d + dt.timedelta(days=days) < EARLIEST for d in dates):
            return
    assert month_windows_kept([*dates, TODAY], days)
    before = _unchecked(_out(case), _checked_phrases())
    shifted, today = shift_case(case, days), TODAY + dt.timedelta(days=days)
    assert _back(_out(shifted, today=today), shifted, days, today) == before


def _without(out: Json, option_id: str, key: str) -> Json:
    """The output with one parameter-dependent option's sentences and ``as_of`` left out."""
    out = copy.deepcopy(out)
    out["engine"].pop("as_of")
    for rec in out["recommendations"]:
        if rec["id"] == option_id:
            rec.pop(key)
    return out


@SETTINGS
@given(case=any_case, later=st.integers(min_value=1, max_value=20000))
def test_a_later_today_changes_only_the_sample_age(case: Json, later: int) -> None:
    """Only one rule reads the current date: MOLECULAR-TESTING's "primary sample more
    than 10 years old" (clinical-rules.md section 4). Assessed on a later day, the
    output differs only by ``engine.as_of``, that option's rationale and the drugs'
    statuses (said to have maybe changed two years after their check)."""
    before = _out(case)
    after = _out(case, today=TODAY + dt.timedelta(days=later))
    assert after["engine"]["as_of"] == (TODAY + dt.timedelta(days=later)).isoformat()
    phrases = _checked_phrases()
    assert _without(_unchecked(after, phrases), "MOLECULAR-TESTING", "rationale") == _without(
        _unchecked(before, phrases), "MOLECULAR-TESTING", "rationale"
    )


# --------------------------------------------------------------------------------------
# Order of the lists


def _permute(case: Json, data: st.DataObject, keys: tuple[str, ...]) -> Json:
    out = copy.deepcopy(case)
    for key in keys:
        if out.get(key):
            out[key] = data.draw(st.permutations(out[key]), label=key)
    for shot in out.get("imaging", []):
        for key in ("measurements", "non_target"):
            items = list(shot.get(key, {}).items())
            shot[key] = dict(data.draw(st.permutations(items), label=key))
    for item in out.get("scans", []):
        items = list(item.get("findings", {}).items())
        item["findings"] = dict(data.draw(st.permutations(items), label="findings"))
    return out


def _crowd(case: Json, data: st.DataObject) -> Json:
    """Some I-131 administrations and lab results moved to the date of an earlier one:
    ties on a date are where an order could leak in."""
    out = copy.deepcopy(case)
    # (post-therapy scans name their administration's date: kept as it is)
    for key in ("labs",) if out.get("scans") else ("rai", "labs"):
        rows = out.get(key, [])
        for i in range(1, len(rows)):
            if data.draw(st.booleans(), label=f"{key} tie"):
                rows[i]["date"] = rows[data.draw(st.integers(0, i - 1))]["date"]
    free = [s for s in out.get("scans", []) if s["kind"] != "post_therapy"]
    for i in range(1, len(free)):
        if data.draw(st.booleans(), label="scan tie"):
            free[i]["date"] = free[data.draw(st.integers(0, i - 1))]["date"]
    return out


@SETTINGS
@given(case=any_case, data=st.data())
def test_permuting_the_lists_changes_nothing(case: Json, data: st.DataObject) -> None:
    """case-format.md: ``rai[]``, ``imaging[]`` and ``scans[]`` "any order"; labs are
    read by date. (Lesions and molecular results are named in the order given: below.)"""
    if data.draw(st.booleans(), label="ties"):
        case = _crowd(case, data)
    before = _out(case)
    after = _out(_permute(case, data, ("rai", "imaging", "labs", "scans")))
    assert after == before


ID_LISTS = {"targets", "non_targets", "missing_targets", "lesions"}


def _ids_as_sets(value: Any) -> Any:
    """Codes only (sentences name lesions in declaration order), lists of lesion ids
    sorted."""
    if isinstance(value, dict):
        return {
            k: sorted(v) if k in ID_LISTS else _ids_as_sets(v)
            for k, v in value.items()
            if k not in SENTENCES
        }
    if isinstance(value, list):
        return [_ids_as_sets(v) for v in value]
    return value


@SETTINGS
@given(case=any_case, data=st.data())
def test_permuting_lesions_and_results_changes_no_code(case: Json, data: st.DataObject) -> None:
    """Lesions and molecular results given in another order: the same verdicts,
    responses, numbers and options; only the order in which they are named may follow
    the input."""
    before = _ids_as_sets(_out(case))
    after = _ids_as_sets(_out(_permute(case, data, ("lesions", "molecular"))))
    assert after == before


# --------------------------------------------------------------------------------------
# Units

MBQ_PER = {"mCi": Decimal(37), "GBq": Decimal(1000), "MBq": Decimal(1)}
LAB_FACTORS = {  # to the canonical unit (rules data file, [labs])
    "thyroglobulin": {"ng/mL": "1", "ug/L": "1", "pg/mL": "0.001", "ng/L": "0.001"},
    "cea": {"ng/mL": "1", "ug/L": "1", "pg/mL": "0.001", "ng/L": "0.001"},
    "calcitonin": {"pg/mL": "1", "ng/L": "1", "ng/mL": "1000", "ug/L": "1000"},
    "tsh": {"mU/L": "1", "mUI/L": "1", "m[IU]/L": "1"},
    "tg_antibodies": {"IU/mL": "1", "UI/mL": "1", "[IU]/mL": "1"},
}


def _as_float(value: Decimal) -> float | None:
    """``value`` as a JSON float that means exactly it (None when none does)."""
    number = float(value)
    if value.is_zero() or abs(number) > 1e300 or Decimal(repr(number)) != value:
        return None
    return number


def _reunit(value: Any, factor: Decimal, new_factor: Decimal) -> float | None:
    return _as_float(Decimal(repr(value)) * factor / new_factor)


# amounts written with few digits, so that each unit's figure is an exact JSON number
nice_activity = st.one_of(
    st.sampled_from(["100", "150", "200", "3.7", "5.55", "7.4", "11", "11000", "22", "0.5"]),
    st.integers(min_value=1, max_value=50000).map(lambda n: str(Decimal(n) / 1000)),
    st.integers(min_value=1, max_value=13510).map(lambda n: str(Decimal(n) / 10)),
)
nice_value = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(str),
    st.decimals(min_value=0, max_value=10**4, places=3).map(str),
)


def _nice(case: Json, data: st.DataObject) -> Json:
    """The case with its activities and lab values written with few digits."""
    out = copy.deepcopy(case)
    for row in out.get("rai", []):
        row["activity"] = float(data.draw(nice_activity, label="activity"))
        top = {"mCi": 1351, "GBq": 50, "MBq": 50000}[row["unit"]]
        row["activity"] = min(max(row["activity"], 0.001), top)
    for row in out.get("labs", []):
        row["value"] = float(data.draw(nice_value, label="value"))
    return out


@SETTINGS
@given(case=any_case, data=st.data())
def test_the_same_amounts_in_other_units_change_nothing(case: Json, data: st.DataObject) -> None:
    case = _nice(case, data)
    other = copy.deepcopy(case)
    for row in other.get("rai", []):
        unit = data.draw(st.sampled_from(sorted(MBQ_PER)), label="rai unit")
        amount = _reunit(row["activity"], MBQ_PER[row["unit"]], MBQ_PER[unit])
        if amount is not None:
            row["activity"], row["unit"] = amount, unit
    for row in other.get("labs", []):
        factors = LAB_FACTORS[row["test"]]
        unit = data.draw(st.sampled_from(sorted(factors)), label="lab unit")
        old, new = Decimal(factors[row["unit"]]), Decimal(factors[unit])
        amount = _reunit(row["value"], old, new)
        limit = row.get("upper_limit")
        bound = None if limit is None else _reunit(limit, old, new)
        if amount is not None and (limit is None or bound is not None):
            row["value"], row["unit"] = amount, unit
            if bound is not None:
                row["upper_limit"] = bound
    assert _out(other) == _out(case)


# --------------------------------------------------------------------------------------
# RECIST: scale, and a non-target lesion added


@st.composite
def recist_cases(draw: st.DrawFn) -> Json:
    """Non-nodal lesions measured in whole millimetres (at least 10 at baseline) at 2 to 5
    timepoints: all declared targets, or none (then the engine selects up to 5, 2 per
    organ, by size and id, the others being non-targets)."""
    count = draw(st.integers(min_value=1, max_value=7))
    sites = ["lung", "liver", "bone", "pleura", "soft_tissue"]
    declared = draw(st.booleans())
    lesions = [
        {"id": f"T{i}", "site": draw(st.sampled_from(sites))}
        | ({"recist_role": "target"} if declared else {})
        for i in range(count)
    ]
    days = draw(st.lists(st.integers(0, 3000), min_size=2, max_size=5, unique=True))
    start = dt.date(2015, 1, 1)
    imaging = []
    for i, day in enumerate(sorted(days)):
        low = 10 if i == 0 else 0
        sizes = {les["id"]: draw(st.integers(low, 80)) for les in lesions}
        if i and draw(st.integers(0, 5)) == 0:  # a missing measurement (NE) now and then
            sizes.pop(draw(st.sampled_from(sorted(sizes))))
        shot = {"date": (start + dt.timedelta(days=day)).isoformat(), "measurements": sizes}
        if i and draw(st.integers(0, 5)) == 0:
            shot["new_lesions"] = True
        imaging.append(shot)
    return {
        "format": "thyref-case/1",
        "id": "scale",
        "diagnosis": {"histology": "papillary", "date": "2014-06-01"},
        "lesions": lesions,
        "imaging": imaging,
    }


def _absolute_rule_binds(timepoints: list[Json]) -> bool:
    """A sum (complete or not) at +20 % or more over the nadir but under +5 mm: only the
    absolute rule keeps it from PD, and scaling the sizes changes that (clinical-rules.md
    section 2). Whole millimetres: the sums are exact."""
    return any(
        t["sum_mm"] is not None
        and t["sum_mm"] * 5 >= t["nadir_mm"] * 6
        and t["sum_mm"] - t["nadir_mm"] < 5
        for t in timepoints
    )


@SETTINGS
@given(case=recist_cases(), factor=st.integers(min_value=2, max_value=5))
def test_scaling_the_targets_keeps_the_percentages(case: Json, factor: int) -> None:
    scaled = copy.deepcopy(case)
    for shot in scaled["imaging"]:
        shot["measurements"] = {k: v * factor for k, v in shot["measurements"].items()}
    before, after = _out(case)["recist"], _out(scaled)["recist"]
    assert after["targets"] == before["targets"]
    for key in ("change_from_baseline_pct", "change_from_nadir_pct", "non_target_response"):
        assert [t[key] for t in after["timepoints"]] == [t[key] for t in before["timepoints"]]
    if not _absolute_rule_binds(before["timepoints"]):
        for key in ("target_response", "overall_response"):
            assert [t[key] for t in after["timepoints"]] == [t[key] for t in before["timepoints"]]


@SETTINGS
@given(case=st.one_of(recist_cases(), cases()), site=st.sampled_from(["bone", "liver"]))
def test_a_present_non_target_keeps_the_target_response(case: Json, site: str) -> None:
    if not case.get("imaging"):
        return
    more = copy.deepcopy(case)
    more["lesions"].append({"id": "NT-extra", "site": site, "recist_role": "non_target"})
    for shot in more["imaging"]:
        shot.setdefault("non_target", {})["NT-extra"] = "present"
    before, after = _out(case)["recist"], _out(more)["recist"]
    assert after["targets"] == before["targets"]
    for key in ("target_response", "sum_mm", "change_from_baseline_pct"):
        assert [t[key] for t in after["timepoints"]] == [t[key] for t in before["timepoints"]]


# --------------------------------------------------------------------------------------
# The same facts said explicitly


@SETTINGS
@given(case=cases())
def test_declaring_the_selected_targets_changes_no_response(case: Json) -> None:
    """clinical-rules.md section 2: with no lesion marked ``target`` the engine selects
    them; marking exactly those as targets (the others left as they are: "every other
    declared lesion is non-target") must give the same RECIST result."""
    before = _out(case)["recist"]
    if before is None or not before["targets"] or before["target_selection"] == "declared":
        return
    declared = copy.deepcopy(case)
    for item in declared["lesions"]:
        if item["id"] in before["targets"]:
            item["recist_role"] = "target"
    after = _out(declared)["recist"]
    assert after["target_selection"] == "declared"
    assert {**after, "target_selection": "selected"} == before


def _latest_finding(case: Json) -> dict[str, str]:
    latest: dict[str, tuple[str, str]] = {}
    for item in sorted(case.get("scans", []), key=lambda s: s["date"]):
        for lid, finding in item["findings"].items():
            if finding not in ("yes", "no"):
                continue
            day = item["date"]
            seen = latest.get(lid)
            if seen is None or day > seen[0] or (day == seen[0] and finding == "no"):
                latest[lid] = (day, finding)
    return {lid: finding for lid, (_, finding) in latest.items()}


@SETTINGS
@given(case=cases_with_scans())
def test_uptake_written_as_the_latest_scan_finding_changes_nothing(case: Json) -> None:
    """case-format.md: a lesion without ``rai_uptake`` takes its latest ``yes``/``no`` scan
    finding ("on one date, ``no`` outweighs ``yes``"); writing that value on the lesion
    says the same (ata-2015 does not read lesions' ``rai_uptake`` with ``scans[]``)."""
    written = copy.deepcopy(case)
    latest = _latest_finding(case)
    for item in written["lesions"]:
        if item["id"] in latest:
            item["rai_uptake"] = latest[item["id"]]
    assert _out(written) == _out(case)


@SETTINGS
@given(case=cases_with_scans(), data=st.data())
def test_scan_conditions_that_let_it_count_are_interchangeable(
    case: Json, data: st.DataObject
) -> None:
    """clinical-rules.md 5.2: a scan counts unless its ``tsh`` is recorded and below 30
    mU/L or its contamination is ``suspected``/``confirmed``; "an absent ``tsh`` or an
    ``unknown`` contamination does not stop it counting", and a post-therapy scan without
    ``rai_date`` belongs to "the latest administration 0 to 14 days before it"
    (case-format.md). Written either way, the same verdicts and options."""
    written = copy.deepcopy(case)
    given = sorted(dt.date.fromisoformat(r["date"]) for r in case["rai"])
    for item in written["scans"]:
        if "tsh" not in item and data.draw(st.booleans(), label="tsh"):
            item["tsh"] = data.draw(st.sampled_from([30, 30.0, 45.5, 120]), label="tsh value")
        contamination = item.get("iodine_contamination")
        if contamination in (None, "none", "unknown"):
            choice = data.draw(st.sampled_from([None, "none", "unknown"]), label="contamination")
            item.pop("iodine_contamination", None)
            if choice is not None:
                item["iodine_contamination"] = choice
        if item["kind"] == "post_therapy" and "rai_date" not in item:
            day = dt.date.fromisoformat(item["date"])
            linked = [r for r in given if 0 <= (day - r).days <= 14]
            item["rai_date"] = max(linked).isoformat()
    assert _codes(_out(written)) == _codes(_out(case))


DISTANT_FREE = {
    "thyroid_bed", "lymph_node_cervical_central", "lymph_node_cervical_lateral",
    "lymph_node_mediastinal_upper",
}  # fmt: skip


@SETTINGS
@given(case=any_case)
def test_defaults_written_out_change_nothing(case: Json) -> None:
    """Every optional field given its default value (case-format.md): ``rai_uptake``
    unknown, ``confirmed`` and ``innumerable`` false, ``new_lesions`` false,
    ``below_detection`` false, ``primary_sample_date`` the diagnosis date, and the extent
    that the lesions give (distant -> metastatic, else locoregional)."""
    written = copy.deepcopy(case)
    for item in written["lesions"]:
        item.setdefault("confirmed", False)
        item.setdefault("innumerable", False)
        if "scans" not in written:
            item.setdefault("rai_uptake", "unknown")
    for shot in written.get("imaging", []):
        shot.setdefault("new_lesions", False)
    for row in written.get("labs", []):
        row.setdefault("below_detection", False)
    diagnosis = written["diagnosis"]
    diagnosis.setdefault("primary_sample_date", diagnosis["date"])
    if "extent" not in diagnosis and written["lesions"]:
        distant = any(item["site"] not in DISTANT_FREE for item in written["lesions"])
        diagnosis["extent"] = "metastatic" if distant else "locoregional"
    assert _codes(_out(written)) == _codes(_out(case))


def _as_written(value: Any, data: st.DataObject) -> Any:
    """A whole number written as an integer or as a float, as drawn."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if value != int(value) or abs(value) > 2**53:
        return value
    return data.draw(st.sampled_from([int(value), float(value)]), label="as written")


@SETTINGS
@given(case=any_case, data=st.data())
def test_whole_numbers_written_14_or_14_0_give_the_same_output(
    case: Json, data: st.DataObject
) -> None:
    """JSON has one kind of number: 14 and 14.0 are the same measurement, activity or
    value, and must give the same output, sentences included."""
    written = copy.deepcopy(case)
    for row in written.get("rai", []):
        row["activity"] = _as_written(row["activity"], data)
    for row in written.get("labs", []):
        row["value"] = _as_written(row["value"], data)
    for shot in written.get("imaging", []):
        shot["measurements"] = {k: _as_written(v, data) for k, v in shot["measurements"].items()}
    for item in written.get("scans", []):
        if "tsh" in item:
            item["tsh"] = _as_written(item["tsh"], data)
    assert _out(written) == _out(case)


@SETTINGS
@given(case=cases(), data=st.data())
def test_thyroglobulin_up_to_the_latest_i131_is_not_read(case: Json, data: st.DataObject) -> None:
    """clinical-rules.md section 3: thyroglobulin kinetics "use values after the last
    I-131 administration" (antibodies in that window): values dated on or before it,
    added, change nothing."""
    if not case["rai"]:
        return
    last = max(dt.date.fromisoformat(r["date"]) for r in case["rai"])
    more = copy.deepcopy(case)
    for _ in range(data.draw(st.integers(1, 4), label="added")):
        back = data.draw(st.integers(0, 3000), label="days before")
        test = data.draw(st.sampled_from(["thyroglobulin", "tg_antibodies"]), label="test")
        row = {
            "date": max(last - dt.timedelta(days=back), EARLIEST).isoformat(),
            "test": test,
            "value": data.draw(st.integers(1, 1000), label="value"),
            "unit": "ng/mL" if test == "thyroglobulin" else "IU/mL",
        }
        if test == "tg_antibodies":
            row["positive"] = True
        more["labs"].append(row)
    assert _out(more)["kinetics"]["thyroglobulin"] == _out(case)["kinetics"]["thyroglobulin"]


@SETTINGS
@given(case=cases())
def test_an_unused_assessed_response_changes_no_code(case: Json) -> None:
    """clinical-rules.md section 2: an ``assessed_response`` is used "only when the
    timepoint has no target measurement at all and reports neither a new lesion nor an
    unequivocal non-target progression"; the baseline's is not used either. Removed
    where it is not used, only warnings (sentences) may change."""
    before = _out(case)
    recist = before["recist"]
    if recist is None:
        return
    targets = set(recist["targets"])
    plain = copy.deepcopy(case)
    shots = sorted(plain["imaging"], key=lambda s: s["date"])
    for i, shot in enumerate(shots):
        measured = targets & set(shot["measurements"])
        if i == 0 or measured or shot["new_lesions"]:
            shot.pop("assessed_response", None)
    assert _codes(_out(plain)) == _codes(before)


def _is_node(case: Json, lesion_id: str) -> bool:
    site = next(item["site"] for item in case["lesions"] if item["id"] == lesion_id)
    return bool(site.startswith("lymph_node_"))


@SETTINGS
@given(case=cases())
def test_a_non_target_measurement_reads_as_its_status(case: Json) -> None:
    """clinical-rules.md section 2: "A measured non-target counts as reported: 0 mm, or a
    node < 10 mm short axis, is ``absent``; any other measurement is ``present``". At a
    follow-up, the measurement of a non-target (with no status given) replaced by that
    status gives the same responses."""
    before = _out(case)["recist"]
    if before is None:
        return
    non_targets = set(before["non_targets"])
    said = copy.deepcopy(case)
    shots = sorted(said["imaging"], key=lambda s: s["date"])
    for shot in shots[1:]:  # the baseline's measurements choose the targets
        for lid in sorted(non_targets & set(shot["measurements"])):
            if lid in shot["non_target"]:
                continue
            size = shot["measurements"].pop(lid)
            absent = size < 10 if _is_node(case, lid) else size == 0
            shot["non_target"][lid] = "absent" if absent else "present"
    after = _out(said)["recist"]
    for key in ("non_target_response", "target_response", "overall_response"):
        assert [t[key] for t in after["timepoints"]] == [t[key] for t in before["timepoints"]]


# --------------------------------------------------------------------------------------
# Languages, determinism, FHIR

SENTENCES = {
    "detail", "rule", "notes", "missing_data_labels", "reasons", "warnings",
    "warning_text", "title", "rationale", "lang",
}  # fmt: skip


def _codes(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _codes(v) for k, v in value.items() if k not in SENTENCES}
    if isinstance(value, list):
        return [_codes(v) for v in value]
    return value


@SETTINGS
@given(case=any_case)
def test_english_and_french_differ_only_in_sentences(case: Json) -> None:
    assert _codes(_out(case, "en")) == _codes(_out(case, "fr"))


@SETTINGS
@given(case=any_case)
def test_the_primary_definition_changes_no_verdict(case: Json) -> None:
    """case-format.md: ``definitions`` holds every rule set, the primary first; ``thyref
    assess --definition ata-2015`` makes another primary. Each rule set's verdict is the
    same whichever is primary (only the options follow the primary one)."""
    parsed = parse_case(copy.deepcopy(case), today=TODAY)
    verdicts, differ = [], []
    for primary in ("tuthyref-2021", "ata-2015"):
        out = assess(parsed, "en", today=TODAY, definition=primary).to_json()
        first = out["definitions"][0]
        assert first["rule_set"] == primary
        assert first["primary"] is True
        for key in ("status", "criteria_met", "evidence", "missing_data", "notes"):
            assert out["refractory"][key] == first[key]  # "repeats the primary entry"
        # NOTE-DEFINITIONS-DIFFER: "whichever is primary" (clinical-rules.md 5.3)
        differ.append(any(r["id"] == "NOTE-DEFINITIONS-DIFFER" for r in out["recommendations"]))
        verdicts.append(
            {
                d["rule_set"]: {k: v for k, v in d.items() if k != "primary"}
                for d in out["definitions"]
            }
        )
    assert verdicts[0] == verdicts[1]
    assert differ[0] == differ[1]


@SETTINGS
@given(case=any_case, other=any_case, lang=st.sampled_from(["en", "fr"]))
def test_assessing_twice_gives_the_same_bytes(case: Json, other: Json, lang: str) -> None:
    first = json.dumps(_out(case, lang), ensure_ascii=False)
    _out(other, lang)  # whatever was assessed in between
    assert json.dumps(_out(case, lang), ensure_ascii=False) == first


@SETTINGS
@given(case=any_case)
def test_fhir_round_trip_keeps_the_assessment(case: Json) -> None:
    from thyref.fhir.exporter import case_to_bundle
    from thyref.fhir.importer import bundle_to_case

    before = _out(case)
    result = bundle_to_case(case_to_bundle(copy.deepcopy(case), before))
    assert _out(result.case) == before


# --------------------------------------------------------------------------------------
# Minimised cases of the failures found above, kept as plain tests. Each pair says the
# same thing in two orders (case-format.md: ``rai[]``, ``scans[]`` "any order"; labs are
# read by date), so the two assessments must be equal, byte for byte.

_BASE: Json = {
    "format": "thyref-case/1",
    "id": "tie",
    "diagnosis": {"histology": "papillary", "date": "2010-01-01"},
}
_LUNG = [{"id": "P1", "site": "lung", "rai_uptake": "yes"}]
_MIXED_LESIONS = [
    {"id": "A", "site": "lung"},
    {"id": "B", "site": "lung"},
    {"id": "C", "site": "bone"},
    {"id": "D", "site": "bone"},
]
_TG = [
    {"date": "2020-01-01", "test": "thyroglobulin", "value": 1.0, "unit": "ng/mL"},
    {"date": "2020-01-01", "test": "thyroglobulin", "value": 3.0, "unit": "ng/mL"},
    {"date": "2020-06-01", "test": "thyroglobulin", "value": 2.0, "unit": "ng/mL"},
    {"date": "2021-01-01", "test": "thyroglobulin", "value": 4.1, "unit": "ng/mL"},
]

TIES = [
    # two administrations on one day: the history (running totals) must not follow the
    # input order (found: it did)
    ("rai", {"rai": [
        {"date": "2000-01-01", "activity": 2.0, "unit": "mCi"},
        {"date": "2000-01-01", "activity": 1.0, "unit": "mCi"},
    ]}),
    # 22 GBq reached, every lesion avid, and the latest day's two administrations report
    # "regressing" and "stable": ADDITIONAL-RAI ("the latest rai[].response is
    # regressing", clinical-rules.md section 4) must not depend on which is listed last
    ("rai", {"lesions": _LUNG, "rai": [
        {"date": "2019-01-01", "activity": 20, "unit": "GBq"},
        {"date": "2019-06-01", "activity": 2, "unit": "GBq", "response": "regressing"},
        {"date": "2019-06-01", "activity": 1, "unit": "GBq", "response": "stable"},
    ]}),
    # two thyroglobulin values on one day: the points (and the fit) in date order whatever
    # the input order (clinical-rules.md section 3; found: input order within the day)
    ("labs", {"labs": _TG}),
    # two counting scans on one day, each mixed: ATA2015-MIXED-UPTAKE's evidence (lesions,
    # detail) must not depend on which scan is listed first (section 5.2: scans "in any
    # order", "ordered by date"; found: the first in the input won)
    ("scans", {"lesions": _MIXED_LESIONS, "scans": [
        {"date": "2020-02-01", "kind": "diagnostic_i131", "findings": {"A": "yes", "B": "no"}},
        {"date": "2020-02-01", "kind": "diagnostic_i131", "findings": {"C": "yes", "D": "no"}},
    ]}),
]  # fmt: skip


@pytest.mark.parametrize(("key", "fields"), TIES)
def test_items_on_one_day_in_either_order_give_the_same_assessment(key: str, fields: Json) -> None:
    case = {**_BASE, **copy.deepcopy(fields)}
    reordered = {**case, key: list(reversed(case[key]))}
    for lang in ("en", "fr"):
        assert json.dumps(_out(reordered, lang)) == json.dumps(_out(case, lang))


def _additional_rai_case(responses: list[str | None]) -> Json:
    """22 GBq reached (metastatic, every lesion avid, no imaging: DTC-CUMULATIVE-ACTIVITY
    holds), then two administrations on the latest day with these responses."""
    latest = [
        {"date": "2019-06-01", "activity": 1, "unit": "GBq", **({"response": r} if r else {})}
        for r in responses
    ]
    return {
        **_BASE,
        "lesions": _LUNG,
        "rai": [{"date": "2019-01-01", "activity": 21, "unit": "GBq"}, *latest],
    }


@pytest.mark.parametrize(
    ("responses", "proposed"),
    [
        # the latest day's reports disagree: its response is not "regressing"
        (["regressing", "stable"], False),
        # one report, "regressing", the other left blank: the day's response is regressing
        (["regressing", None], True),
        # both regressing
        (["regressing", "regressing"], True),
    ],
)
def test_additional_rai_reads_every_administration_of_the_latest_day(
    responses: list[str | None], proposed: bool
) -> None:
    # clinical-rules.md section 4, ADDITIONAL-RAI: "the latest rai[].response is
    # regressing"; rai[] is in any order (case-format.md), so two administrations on the
    # latest day are read together, in either order
    for order in (responses, list(reversed(responses))):
        ids = [r["id"] for r in _out(_additional_rai_case(order))["recommendations"]]
        assert ("ADDITIONAL-RAI" in ids) is proposed, order
