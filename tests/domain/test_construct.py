"""A case built by ``construct`` (the CLI's one-shot path) equals pydantic's own result.

``construct`` may refuse anything (the caller then validates with pydantic), but when it
builds a model, that model must be the one ``model_validate`` returns: same classes, same
values of the same types (a float stays a float, an enum member a member), same fields
set. Checked on every reference input of the golden test (worked examples, demo cases, 300
synthetic cases and their broken variants), on hypothesis cases with one field replaced
by an arbitrary JSON value, and on a table of values near each rule of the validator.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from thyref.domain.case import RawCase, load_case, parse_case
from thyref.domain.construct import construct
from thyref.errors import CaseValidationError

from .golden import AS_OF, inputs
from .strategies import cases, cases_with_scans


def same(a: Any, b: Any, path: str = "") -> None:
    """``a`` and ``b`` are equal and of the same types all the way down."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert a.model_fields_set == b.model_fields_set, path
        assert a.__pydantic_extra__ == b.__pydantic_extra__, path
        for name in type(a).model_fields:
            same(getattr(a, name), getattr(b, name), f"{path}.{name}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for key in a:
            same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, float):
        assert repr(a) == repr(b), path  # -0.0 and 0.0 are told apart
    else:
        assert a == b, path


def validated(data: Any) -> RawCase | None:
    try:
        return RawCase.model_validate(data)
    except ValidationError:
        return None


def agree(data: Any) -> RawCase | None:
    """What construct built (or None), after checking it against the validator."""
    built = construct(RawCase, data)
    reference = validated(data)
    if built is not None:
        assert reference is not None, "construct accepted what the validator rejects"
        same(built, reference)
    return built


REFERENCE = list(inputs())


@pytest.mark.parametrize("raw", [r for _, r in REFERENCE], ids=[n for n, _ in REFERENCE])
def test_reference_inputs(raw: Any) -> None:
    built = agree(raw)
    if validated(raw) is not None and "\\n" not in json.dumps(raw):
        # every valid reference case is in the plain shapes construct handles
        assert built is not None


def test_one_shot_and_validated_cases_agree() -> None:
    """Through the public entry points: the same case, the same derived views, the same
    problems for an invalid one."""
    refused = 0
    for name, raw in REFERENCE:
        if not isinstance(raw, dict):
            continue
        try:
            case = parse_case(raw, today=AS_OF)
        except CaseValidationError as exc:
            with pytest.raises(CaseValidationError) as again_exc:
                parse_case(raw, today=AS_OF, one_shot=True)
            assert again_exc.value.problems == exc.problems, name
            refused += 1
            continue
        again = load_case(json.dumps(raw), today=AS_OF, one_shot=True)
        same(again.raw, case.raw, name)
        assert again.labs == case.labs, name
        assert again.scan_history == case.scan_history, name
    assert refused >= 50  # the broken variants and the invalid examples were compared


def _base() -> dict[str, Any]:
    return {
        "format": "thyref-case/1",
        "id": "T-1",
        "patient": {"sex": "female", "birth_year": 1960},
        "diagnosis": {"histology": "papillary", "date": "2018-03-01"},
        "rai": [{"date": "2018-05-02", "activity": 100, "unit": "mCi"}],
        "lesions": [{"id": "L1", "site": "lung"}],
        "imaging": [{"date": "2019-01-10", "measurements": {"L1": 14.5}}],
        "labs": [{"date": "2019-01-10", "test": "tsh", "value": 0.05, "unit": "mU/L"}],
        "molecular": [{"gene": "BRAF", "alteration": "V600E"}],
        "clinical": {"symptomatic": False},
    }


def _with(path: str, value: Any) -> dict[str, Any]:
    data = _base()
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


_DROP = object()


@pytest.mark.parametrize(
    ("path", "value", "built"),
    [
        ("id", "T-1", True),  # the base case itself is built
        ("rai.0.activity", 100, True),  # a whole number for a float: built as 100.0
        ("rai.0.activity", True, False),  # a flag is no number (strict)
        ("rai.0.activity", "100", False),  # a number as text is left to the validator
        ("rai.0.activity", 0, False),  # activity must be above 0
        ("rai.0.activity", 10**400, False),  # beyond any float
        ("imaging.0.measurements.L1", 0, True),  # zero mm is allowed (ge=0)
        ("imaging.0.measurements.L1", -0.5, False),  # below zero
        ("labs.0.value", -0.0, True),  # minus zero is >= 0: kept as -0.0
        ("id", "T-1\n", False),  # a final line break: Python's `$` would accept it
        ("id", "T 1", False),  # outside the id pattern
        ("id", "x" * 65, False),  # longer than the pattern allows
        ("patient.birth_year", 1960.0, False),  # a float for a strict whole number
        ("patient.birth_year", False, False),  # a flag for a whole number
        ("patient.sex", "f", False),  # not one of the listed values
        ("diagnosis.histology", "Papillary", False),  # enum values are case-sensitive
        ("diagnosis.date", "2018-02-30", False),  # no such day
        ("diagnosis.date", "2018-3-1", False),  # not YYYY-MM-DD
        ("clinical.symptomatic", 0, False),  # strict flag
        ("clinical.symptomatic", None, True),  # an optional flag left empty
        ("lesions.0.innumerable", None, False),  # a required-typed flag cannot be null
        ("lesions", {}, False),  # an object where a list is expected
        ("imaging.0.measurements", [], False),  # a list where an object is expected
        ("molecular.0.gene", "-BRAF", False),  # gene pattern: no leading dash
        ("patient", None, False),  # null for an object
        ("unknown_key", {"any": 1}, True),  # extra keys are ignored, as by the validator
        ("lesions.0.id", "L\ud800", False),  # a lone surrogate: the validator refuses it
        ("clinical.on_systemic_therapy", "lenva\ud800", False),  # in any text: left to it
        ("clinical.on_systemic_therapy", "l\u00e9nva", True),  # other non-ASCII text is built
    ],
)
def test_values_near_each_rule(path: str, value: Any, built: bool) -> None:
    data = _with(path, value)
    assert (agree(data) is not None) is built


@pytest.mark.parametrize("key", ["format", "id", "diagnosis"])
def test_a_missing_required_field_is_refused(key: str) -> None:
    data = _base()
    del data[key]
    assert agree(data) is None


def test_defaults_are_those_of_the_validator() -> None:
    data = {"format": "thyref-case/1", "id": "T-2", "diagnosis": _base()["diagnosis"]}
    built = agree(data)
    assert built is not None
    assert built.model_fields_set == {"format", "id", "diagnosis"}
    assert built.patient.model_fields_set == set()
    assert built.lesions == [] and built.clinical.symptomatic is None


def test_the_built_floats_and_dates_have_their_types() -> None:
    built = agree(_base())
    assert built is not None
    assert type(built.rai[0].activity) is float and built.rai[0].activity == 100.0
    assert built.diagnosis.date == date(2018, 3, 1)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=False)
    | st.sampled_from([math.inf, -math.inf, -0.0, 0.0])
    | st.text(max_size=12)
    | st.sampled_from(["2019-01-10", "lung", "present", "mCi", "yes", "T-1\n", "PD"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(cases(), cases_with_scans()), st.data())
def test_one_field_replaced_by_any_json_value(case: dict[str, Any], data: st.DataObject) -> None:
    """construct never accepts what the validator rejects, nor builds anything else."""
    agree(case)
    mutated = copy.deepcopy(case)
    paths = _paths(mutated)
    path = data.draw(st.sampled_from(paths))
    value = data.draw(st.one_of(JSON_VALUES, st.just(_DROP)))
    node: Any = mutated
    for part in path[:-1]:
        node = node[part]
    if value is _DROP:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    agree(mutated)


def _one(value: Any) -> Any:
    return value


def _with_info(value: Any, info: Any) -> Any:
    return value


def _info_optional(value: Any, info: Any = None) -> Any:
    return value


def _anything(*args: Any, **kwargs: Any) -> Any:
    return args[0]


@functools.wraps(_one)
def _wrapped(*args: Any, **kwargs: Any) -> Any:  # as mutmut's trampolines are
    return _one(*args, **kwargs)


@pytest.mark.parametrize(
    ("function", "value_only"),
    [
        (_one, True),  # the value alone
        (_with_info, False),  # pydantic would pass `info` too
        (_info_optional, True),  # a second parameter with a default is not counted
        (_anything, False),  # no positional parameter at all: pydantic refuses it
        (_wrapped, True),  # read through __wrapped__, as pydantic reads it
        (float, True),  # a builtin: (x=0, /), the first default counts
        (int, False),  # no readable signature: refused, pydantic validates instead
    ],
)
def test_which_before_validators_are_followed(function: Any, value_only: bool) -> None:
    from thyref.domain.construct import _value_only

    assert _value_only(function) is value_only
