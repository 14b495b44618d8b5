"""The editor's form <-> case JSON mapping and problem paths -> fields."""

from __future__ import annotations

import json
from typing import Any

import pytest

from thyref.demo import demo_cases
from thyref.domain import parse_case
from thyref.errors import CaseValidationError, Problem
from thyref.web.forms import EditorState, error_anchor, field_id, problem_field

from .support import demo_case


def _normalised(case: dict[str, Any]) -> dict[str, Any]:
    return parse_case(case).to_json()


@pytest.mark.parametrize("case", demo_cases(), ids=lambda c: str(c["id"]))
def test_every_demo_case_round_trips_through_the_form(case: dict[str, Any]) -> None:
    state = EditorState.from_case(case)
    form = [(name, value) for name, value in state.values.items()]
    form.append(("extra", state.extra_json()))
    again, _ = EditorState.from_form(form).to_case()
    assert _normalised(again) == _normalised(case)


def test_unknown_fields_are_kept() -> None:
    case = demo_case()
    case["source_system"] = "X"
    case["lesions"][1]["note"] = "keep me"
    case["imaging"][0]["measurements"]["L9"] = 4  # undeclared: kept for the validator
    state = EditorState.from_case(case)
    form = [*state.values.items(), ("extra", state.extra_json())]
    rebuilt, index_maps = EditorState.from_form(form).to_case()
    assert rebuilt["source_system"] == "X"
    assert rebuilt["lesions"][1]["note"] == "keep me"
    assert rebuilt["imaging"][0]["measurements"]["L9"] == 4
    with pytest.raises(CaseValidationError) as caught:
        parse_case(rebuilt)
    paths = [p.path for p in caught.value.problems]
    assert paths == ["imaging[0].measurements.L9"]
    assert problem_field(paths[0], EditorState.from_form(form), index_maps) == "imaging[0]"


def test_typed_text_is_kept_and_converted() -> None:
    state = EditorState.from_form(
        [
            ("id", "c-1"),
            ("patient.birth_year", "1957"),
            ("rai[0].activity", "3,7"),
            ("rai[0].unit", "GBq"),
            ("rai[1].date", ""),
            ("rai[1].activity", ""),
            ("rai[2].activity", "lots"),
            ("lesions[0].id", "B1"),
            ("lesions[0].site", "bone"),
            ("lesions[0].symptomatic", "false"),
            ("imaging[0].date", "2020-01-01"),
            ("imaging[0].cell[0]", "présente"),
            ("clinical.symptomatic", ""),
        ]
    )
    case, index_maps = state.to_case()
    assert case["patient"] == {"birth_year": 1957}
    assert case["rai"] == [{"activity": 3.7, "unit": "GBq"}, {"activity": "lots"}]
    assert index_maps["rai"] == {0: 0, 1: 2}  # the empty row 1 is skipped
    assert case["lesions"] == [{"id": "B1", "site": "bone", "symptomatic": False}]
    assert case["imaging"] == [{"date": "2020-01-01", "non_target": {"B1": "present"}}]
    assert "clinical" not in case
    assert state.get("rai[2].activity") == "lots"


def test_problem_paths_map_to_fields() -> None:
    state = EditorState.from_form(
        [("lesions[0].id", "L1"), ("lesions[1].id", "L2"), ("imaging[0].date", "2020-01-01")]
    )
    maps = {"rai": {0: 0, 1: 2}, "imaging": {0: 0}, "lesions": {0: 0, 1: 1}}
    assert problem_field("rai[1].activity", state, maps) == "rai[2].activity"
    assert problem_field("rai[1]", state, maps) == "rai[2]"
    assert problem_field("rai", state, maps) == "rai"
    assert problem_field("imaging[0].measurements.L2", state, maps) == "imaging[0].cell[1]"
    assert problem_field("imaging[0].non_target.L1", state, maps) == "imaging[0].cell[0]"
    assert problem_field("diagnosis.histology", state, maps) == "diagnosis.histology"
    assert problem_field("diagnosis", state, maps) == "diagnosis"
    assert problem_field("id", state, maps) == "id"
    assert problem_field("format", state, maps) == ""
    assert problem_field("", state, maps) == ""
    assert field_id("imaging[0].cell[1]") == "f-imaging-0-cell-1"
    assert Problem("x", "y").as_dict() == {"path": "x", "message": "y"}


def test_removing_a_lesion_shifts_its_grid_column() -> None:
    state = EditorState.from_case(demo_case())
    assert state.get("imaging[1].cell[1]") == "12"
    state.remove_row("lesions", 0)
    assert state.lesion_ids() == ["L2"]
    assert state.get("imaging[1].cell[0]") == "12"
    assert state.get("imaging[1].cell[1]") == ""
    state.remove_row("imaging", 0)
    assert state.counts["imaging"] == 1 and state.get("imaging[0].date") == "2013-09-02"
    added = state.add_row("rai")
    assert state.get(f"rai[{added}].unit") == "mCi"


@pytest.mark.parametrize(
    ("typed", "kind", "stored"),
    [
        ("100", float, 100),  # an integer stays an integer, even for a decimal field
        ("100.0", float, 100.0),  # a decimal stays a decimal
        ("12,5", float, 12.5),  # French decimal comma
        ("1957", int, 1957),  # a year
        ("1e3", float, 1000.0),  # exponent: a decimal
        ("beaucoup", float, "beaucoup"),  # not a number: passed on for the validator
    ],
)
def test_numbers_are_stored_as_typed(typed: str, kind: type, stored: object) -> None:
    from thyref.web.forms import _number

    value = _number(typed, kind)
    assert value == stored and type(value) is type(stored)


@pytest.mark.parametrize("case", demo_cases(), ids=lambda c: str(c["id"]))
def test_form_gives_back_the_exact_json(case: dict[str, Any]) -> None:
    case = json.loads(json.dumps(case))
    if case.get("imaging"):
        case["imaging"][0]["new_lesions"] = False  # explicit false kept, not dropped
    state = EditorState.from_case(case)
    again, _ = EditorState.from_form(
        [*state.values.items(), ("extra", state.extra_json())]
    ).to_case()
    assert json.dumps(again, sort_keys=True) == json.dumps(case, sort_keys=True)


def _scans_case() -> dict[str, Any]:
    """Three lesions and three scans: every scan field, one finding per vocabulary value,
    an integer and a decimal TSH, a finding left out (L3 on the second scan)."""
    return {
        "format": "thyref-case/1",
        "id": "form-scans",
        "diagnosis": {"histology": "papillary", "date": "2014-02-01"},
        "rai": [
            {"date": "2014-04-01", "activity": 3.7, "unit": "GBq"},
            {"date": "2015-04-07", "activity": 5.55, "unit": "GBq"},
        ],
        "lesions": [
            {"id": "L1", "site": "lung"},
            {"id": "L2", "site": "lung"},
            {"id": "L3", "site": "bone"},
        ],
        "scans": [
            {
                "date": "2014-04-06",
                "kind": "post_therapy",
                "rai_date": "2014-04-01",
                "preparation": "withdrawal",
                "tsh": 70,
                "iodine_contamination": "none",
                "findings": {"L1": "yes", "L2": "yes", "L3": "equivocal"},
            },
            {
                "date": "2015-04-12",
                "kind": "post_therapy",
                "preparation": "rhtsh",
                "tsh": 110.5,
                "iodine_contamination": "unknown",
                "findings": {"L1": "no", "L2": "not_visualized"},
            },
            {"date": "2015-09-01", "kind": "diagnostic_i123", "findings": {}},
        ],
    }


def test_scans_round_trip_exactly_through_the_form() -> None:
    case = _scans_case()
    parse_case(case)  # the case is valid
    state = EditorState.from_case(case)
    assert state.get("scans[0].finding[2]") == "equivocal"
    assert state.get("scans[1].finding[2]") == ""  # no finding stays no finding
    assert state.get("scans[1].tsh") == "110.5"
    again, _ = EditorState.from_form(
        [*state.values.items(), ("extra", state.extra_json())]
    ).to_case()
    assert json.dumps(again, sort_keys=True) == json.dumps(case, sort_keys=True)


def test_scan_findings_follow_their_lesion_and_errors_their_field() -> None:
    state = EditorState.from_case(_scans_case())
    state.remove_row("lesions", 0)  # L1 goes: its findings go, L2 and L3 shift left
    assert state.get("scans[0].finding[0]") == "yes"  # L2
    assert state.get("scans[0].finding[1]") == "equivocal"  # L3
    case, maps = state.to_case()
    assert case["scans"][0]["findings"] == {"L2": "yes", "L3": "equivocal"}
    assert problem_field("scans[1].findings.L3", state, maps) == "scans[1].finding[1]"
    assert problem_field("scans[0].tsh", state, maps) == "scans[0].tsh"
    assert problem_field("scans[0].findings.L9", state, maps) == "scans[0]"


def test_typed_scan_values_are_kept_for_the_validator() -> None:
    state = EditorState.from_form(
        [
            ("lesions[0].id", "L1"),
            ("lesions[0].site", "lung"),
            ("scans[0].date", "2020-01-01"),
            ("scans[0].kind", "post_therapy"),
            ("scans[0].tsh", "12,5"),  # French decimal comma
            ("scans[1].tsh", "haut"),  # not a number: sent as typed
            ("scans[1].date", "2020-02-01"),
            ("scans[0].finding[0]", "no"),
        ]
    )
    case, _ = state.to_case()
    assert case["scans"][0] == {
        "date": "2020-01-01",
        "kind": "post_therapy",
        "tsh": 12.5,
        "findings": {"L1": "no"},
    }
    assert case["scans"][1]["tsh"] == "haut"
    with pytest.raises(CaseValidationError) as caught:
        parse_case({**case, "diagnosis": {"histology": "papillary", "date": "2019-01-01"}})
    assert any(p.path.startswith("scans[1]") for p in caught.value.problems)


@pytest.mark.parametrize(
    ("name", "anchor"),
    [
        # a field: the field itself (its id, from the `attrs` macro)
        ("rai[0].activity", "f-rai-0-activity"),
        ("diagnosis.date", "f-diagnosis-date"),
        ("imaging[1].cell[0]", "f-imaging-1-cell-0"),
        ("id", "f-id"),
        # a section: no field of that name; its message slot (`errs("diagnosis")`)
        ("diagnosis", "e-f-diagnosis"),
        ("lesions", "e-f-lesions"),
        # a row: its message slot in the row's tools (`errs("rai[2]")`)
        ("rai[2]", "e-f-rai-2"),
        # the whole case: the form
        ("", "editor-form"),
    ],
)
def test_an_error_links_to_an_element_of_the_editor(name: str, anchor: str) -> None:
    """The error summary linked "Diagnostic : champ obligatoire" to `#f-diagnosis`, an
    id no element has (found by tests/web/test_accessibility.py, session 10)."""
    assert error_anchor(name) == anchor
