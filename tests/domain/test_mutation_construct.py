"""``construct`` on small models of its own, one declaration at a time (issue 15, mutants).

The contract (construct.py's docstring): for a declaration and a value it knows, the model
built is the one ``model_validate`` returns (same values, same types, same fields set);
for anything else it returns None and the caller validates. So each row below says
"built" (then the result is compared with pydantic's, field by field) or "refused".
These models use validators defined here: under mutmut the domain's own validators are
trampolines that construct refuses (see test_construct.py), these are not.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Annotated, Any, Literal, Optional, Union

import annotated_types
import pytest
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    computed_field,
    field_validator,
    model_validator,
)

from thyref.domain.construct import construct

from .test_construct import same


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _boom(value: Any) -> Any:
    raise ValueError("refused by the validator")


def _with_info(value: Any, info: Any) -> Any:
    return value


class Colour(Enum):
    red = "red"
    blue = "blue"


class Level(IntEnum):
    low = 1
    high = 2


class Inner(BaseModel):
    n: int = 0


# ---------------------------------------------------------------------------------------
# one field at a time: (annotation, value, built?)


def _one(annotation: Any, **field: Any) -> type[BaseModel]:
    """A model with a single field ``x`` of ``annotation`` (``Field(**field)`` if given)."""
    namespace: dict[str, Any] = {"__annotations__": {"x": annotation}}
    if field:
        namespace["x"] = Field(**field)
    return type("One", (BaseModel,), namespace)


def _built(model: type[BaseModel], data: Any) -> BaseModel | None:
    """construct's result, checked against pydantic's when it builds something."""
    built = construct(model, data)
    if built is not None:
        reference = model.model_validate(data)
        same(built, reference)
    return built


Strict = Field(strict=True)
Text = StringConstraints
Finite = Field(allow_inf_nan=False)


ROWS: list[tuple[str, Any, Any, bool]] = [
    # (id, annotation, value of x, built?)
    ("int", int, 3, True),  # a whole number
    ("int-bool", int, True, False),  # a flag is no whole number here
    ("int-float", int, 3.0, False),  # a float is left to the validator
    ("int-str", int, "3", False),  # text is left to the validator
    ("int-strict", Annotated[int, Strict], 3, True),  # strict whole number
    ("int-ge", Annotated[int, Field(ge=0)], 3, False),  # a bound on a whole number: unknown
    ("bool", bool, False, True),  # a flag
    ("bool-int", bool, 0, False),  # 0 is not a flag for construct
    ("bool-strict", Annotated[bool, Strict], True, True),  # strict flag
    ("bool-ge", Annotated[bool, Field(ge=0)], True, False),  # a bound on a flag: unknown
    ("float", float, 1.5, True),  # a float
    ("float-int", float, 2, True),  # a whole number for a float: 2.0
    ("float-bool", float, True, False),  # a flag is no number
    ("float-str", float, "1.5", False),  # text is left to the validator
    ("float-nan", float, math.nan, False),  # NaN is never built
    ("float-inf", float, math.inf, True),  # infinity allowed unless finite is asked
    ("float-inf-finite", Annotated[float, Finite], math.inf, False),  # finite asked
    ("float-minus-inf-finite", Annotated[float, Finite], -math.inf, False),  # finite asked
    ("float-finite", Annotated[float, Finite], 2.5, True),  # a finite float
    ("float-huge-int", float, 10**400, False),  # beyond any float
    ("float-ge-edge", Annotated[float, Field(ge=1)], 1.0, True),  # ge: the edge is in
    ("float-ge-below", Annotated[float, Field(ge=1)], 0.999, False),  # ge: below it
    ("float-gt-edge", Annotated[float, Field(gt=1)], 1.0, False),  # gt: the edge is out
    ("float-gt-above", Annotated[float, Field(gt=1)], 1.001, True),  # gt: above it
    ("float-gt-zero-int", Annotated[float, Field(gt=0)], 1, True),  # a whole number above 0
    ("float-le", Annotated[float, Field(le=1)], 0.5, False),  # le: a constraint not handled
    ("float-strict", Annotated[float, Strict], 0.5, True),  # strict float
    ("str", str, "abc", True),  # plain text
    ("str-int", str, 1, False),  # a number for text
    ("str-min-edge", Annotated[str, Text(min_length=2)], "ab", True),  # exactly the minimum
    ("str-min-below", Annotated[str, Text(min_length=2)], "a", False),  # one short
    ("str-max-edge", Annotated[str, Text(max_length=2)], "ab", True),  # exactly the maximum
    ("str-max-above", Annotated[str, Text(max_length=2)], "abc", False),  # one too many
    ("str-both", Annotated[str, Text(min_length=1, max_length=3)], "ab", True),  # in between
    ("str-pattern", Annotated[str, Text(pattern=r"^a+$")], "aaa", True),  # matches
    ("str-pattern-no", Annotated[str, Text(pattern=r"^a+$")], "ab", False),  # does not match
    ("str-pattern-nl", Annotated[str, Text(pattern=r"^a+$")], "aa\n", False),  # final break
    ("str-pattern-search", Annotated[str, Text(pattern=r"b")], "abc", True),  # searched
    ("str-field-min", Annotated[str, Field(min_length=2)], "ab", False),  # MinLen: not handled
    ("str-strip", Annotated[str, StringConstraints(strip_whitespace=True)], "a", False),
    ("str-upper", Annotated[str, StringConstraints(to_upper=True)], "a", False),
    ("str-lower", Annotated[str, StringConstraints(to_lower=True)], "a", False),
    ("str-sc-strict", Annotated[str, StringConstraints(strict=True)], "a", False),
    ("str-ascii", Annotated[str, StringConstraints(ascii_only=True)], "a", False),
    ("str-strict", Annotated[str, Strict], "a", False),  # strict text: not handled
    ("str-ge", Annotated[str, Field(ge="a")], "b", False),  # a bound on text: not handled
    ("date", dt.date, dt.date(2020, 1, 2), True),  # a date object
    ("date-text", dt.date, "2020-01-02", False),  # a date as text: left to the validator
    ("date-datetime", dt.date, dt.datetime(2020, 1, 2), False),  # a datetime is no date
    ("date-strict", Annotated[dt.date, Strict], dt.date(2020, 1, 2), False),  # constrained
    ("decimal", Decimal, 1, False),  # a type construct does not know
    ("enum", Colour, "red", True),  # a member by its value
    ("enum-unknown", Colour, "green", False),  # not a member
    ("enum-member", Colour, Colour.red, False),  # a member object is not JSON
    ("enum-strict", Annotated[Colour, Strict], "red", False),  # a constrained enum
    ("int-enum", Level, 1, False),  # members that are not text
    ("literal", Literal["a", "b"], "b", True),  # a listed text
    ("literal-no", Literal["a", "b"], "c", False),  # not listed
    ("literal-int", Literal[1, 2], 1, False),  # listed values that are not text
    ("literal-sc", Annotated[Literal["a"], Text(min_length=1)], "a", False),  # constrained
    ("optional-none", Optional[int], None, True),  # noqa: UP045 (typing.Optional form)
    ("optional-value", Optional[int], 4, True),  # noqa: UP045 (typing.Optional form)
    ("pipe-none", int | None, None, True),  # the X | None form
    ("pipe-value", int | None, 4, True),  # the X | None form with a value
    ("pipe-bad", int | None, "4", False),  # the inner check still applies
    ("none-first", None | int, 4, True),  # None first in the union
    ("union-two", Union[int, str], 4, False),  # noqa: UP007 (two types: not handled)
    ("union-three", int | str | None, None, False),  # two types and None: not handled
    ("optional-strict", Annotated[int | None, Strict], 4, False),  # constrained union
    ("list", list[int], [1, 2], True),  # a list of whole numbers
    ("list-empty", list[int], [], True),  # an empty list
    ("list-bad-item", list[int], [1, "2"], False),  # one item refused
    ("list-tuple", list[int], (1, 2), False),  # a tuple is no JSON list
    ("list-strict", Annotated[list[int], Strict], [1], False),  # a constrained list
    ("dict", dict[str, int], {"a": 1}, True),  # text keys, whole values
    ("dict-bad-value", dict[str, int], {"a": "1"}, False),  # one value refused
    ("dict-int-key", dict[str, int], {1: 1}, False),  # a key that is not text
    ("dict-accented-key", dict[str, int], {"Poumon-é": 1}, True),  # non-ASCII text key
    ("dict-surrogate-key", dict[str, int], {"L\ud800": 1}, False),  # a lone surrogate key
    ("dict-surrogate-ascii", dict[str, int], {"\udfff": 1}, False),  # the surrogate alone
    ("dict-list", dict[str, int], [("a", 1)], False),  # pairs are no object
    ("dict-int-keys", dict[int, int], {"1": 1}, False),  # keys declared as numbers
    ("dict-strict", Annotated[dict[str, int], Strict], {"a": 1}, False),  # constrained
    ("tuple", tuple[int, int], [1, 2], False),  # another generic type
    ("set", set[int], [1], False),  # another generic type
    ("model", Inner, {"n": 2}, True),  # a nested model
    ("model-not-dict", Inner, [], False),  # a list for a model
    ("model-strict", Annotated[Inner, Strict], {"n": 2}, False),  # a constrained model
    ("before", Annotated[str, BeforeValidator(_upper)], "ab", True),  # run before: "AB"
    ("before-then-check", Annotated[int, BeforeValidator(_upper)], "ab", False),  # then int
    ("before-raises", Annotated[str, BeforeValidator(_boom)], "ab", False),  # it fails
    ("before-info", Annotated[str, BeforeValidator(_with_info)], "ab", False),  # takes info
    ("before-builtin", Annotated[str, BeforeValidator(str.strip)], " a", True),  # value alone
    ("after", Annotated[str, AfterValidator(_upper)], "ab", False),  # not handled
    ("gt-meta", Annotated[float, annotated_types.Gt(0)], 0.5, True),  # Gt as metadata
    ("ge-meta", Annotated[float, annotated_types.Ge(0)], 0.0, True),  # Ge as metadata
    ("le-meta", Annotated[float, annotated_types.Le(1)], 0.5, False),  # Le: not handled
    ("nested-annotated", Annotated[Annotated[float, Field(gt=0)], Finite], 1.0, True),
    ("nested-annotated-out", Annotated[Annotated[float, Field(gt=0)], Finite], 0.0, False),
    ("list-annotated", list[Annotated[float, Field(gt=0)]], [1.5], True),  # Field in an item
    ("list-annotated-out", list[Annotated[float, Field(gt=0)]], [0.0], False),  # its bound
    ("list-alias-inside", list[Annotated[int, Field(alias="n")]], [1], False),  # an alias
    ("optional-annotated", Annotated[int, Strict] | None, 3, True),  # a constrained option
    ("nested-inner-inf", Annotated[Annotated[float, Finite], Field(gt=0)], math.inf, False),
]


@pytest.mark.parametrize(
    ("annotation", "value", "built"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
@pytest.mark.filterwarnings("ignore::pydantic.warnings.UnsupportedFieldAttributeWarning")
def test_one_field(annotation: Any, value: Any, built: bool) -> None:
    # (the warning: pydantic ignores the alias of the "list-alias-inside" row)
    model = _one(annotation)
    assert (_built(model, {"x": value}) is not None) is built


def test_a_before_validator_runs_first() -> None:
    model = _one(Annotated[str, BeforeValidator(_upper)])
    built = _built(model, {"x": "ab"})
    assert built is not None and built.x == "AB"  # type: ignore[attr-defined]


def test_values_keep_their_built_types() -> None:
    model = _one(dict[str, float])
    built = _built(model, {"x": {"a": 2, "b": 0.5}})
    assert built is not None
    assert built.x == {"a": 2.0, "b": 0.5}  # type: ignore[attr-defined]
    assert type(built.x["a"]) is float  # type: ignore[attr-defined]
    member = _built(_one(Colour), {"x": "blue"})
    assert member is not None and member.x is Colour.blue  # type: ignore[attr-defined]
    nested = _built(_one(list[Inner]), {"x": [{"n": 5}, {}]})
    assert nested is not None
    assert [i.n for i in nested.x] == [5, 0]  # type: ignore[attr-defined]
    assert [i.model_fields_set for i in nested.x] == [{"n"}, set()]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------
# whole models: configuration, validators, aliases, defaults


class Plain(BaseModel):
    a: int
    b: str = "b"
    c: list[int] = Field(default_factory=list)
    d: dict[str, int] = Field(default_factory=dict)
    e: Inner = Field(default_factory=Inner)
    f: int | None = None


class Ignored(Plain):
    model_config = ConfigDict(extra="ignore")


class Forbidden(Plain):
    model_config = ConfigDict(extra="forbid")


class Allowed(Plain):
    model_config = ConfigDict(extra="allow")


class StrictModel(Plain):
    model_config = ConfigDict(strict=True)


class EnumValues(Plain):
    model_config = ConfigDict(use_enum_values=True)


class ValidateDefault(Plain):
    model_config = ConfigDict(validate_default=True)


class ByName(Plain):
    model_config = ConfigDict(populate_by_name=True)


class WithFieldValidator(Plain):
    @field_validator("a")
    @classmethod
    def _a(cls, value: int) -> int:
        return value


class WithModelValidator(Plain):
    @model_validator(mode="after")
    def _all(self) -> WithModelValidator:
        return self


class WithComputed(Plain):
    @computed_field  # type: ignore[prop-decorator]
    @property
    def twice(self) -> int:
        return 2 * self.a


class WithPostInit(Plain):
    def model_post_init(self, context: Any) -> None:
        pass


class WithAlias(BaseModel):
    a: int = Field(alias="A")


class WithValidationAlias(BaseModel):
    a: int = Field(validation_alias="A")


class WithAliasInside(BaseModel):
    a: Annotated[int, Field(alias="A")]


class WithFactory(BaseModel):
    a: list[int] = Field(default_factory=lambda: [1])


class WithUnknownType(BaseModel):
    a: int = 0
    b: Decimal = Decimal(0)


MODELS: list[tuple[str, type[BaseModel], bool]] = [
    # (id, model, built from {"a": 1}?)
    ("plain", Plain, True),  # no configuration: extra keys ignored
    ("extra-ignore", Ignored, True),  # extra="ignore" said explicitly
    ("extra-forbid", Forbidden, False),  # extra keys would be errors
    ("extra-allow", Allowed, False),  # extra keys would be kept
    ("strict", StrictModel, False),  # a strict model
    ("use-enum-values", EnumValues, False),  # enums stored as values
    ("validate-default", ValidateDefault, False),  # defaults validated too
    ("populate-by-name", ByName, False),  # names or aliases
    ("field-validator", WithFieldValidator, False),  # a field validator
    ("model-validator", WithModelValidator, False),  # a model validator
    ("computed-field", WithComputed, False),  # a computed field
    ("post-init", WithPostInit, False),  # model_post_init
    ("alias", WithAlias, False),  # an alias
    ("validation-alias", WithValidationAlias, False),  # a validation alias
    ("alias-inside-annotated", WithAliasInside, False),  # an alias inside Annotated
    ("other-factory", WithFactory, False),  # a default factory that is not list/dict/model
    ("unknown-type", WithUnknownType, False),  # one field of a type not handled
]


@pytest.mark.parametrize(("model", "built"), [m[1:] for m in MODELS], ids=[m[0] for m in MODELS])
def test_model_declarations(model: type[BaseModel], built: bool) -> None:
    assert (_built(model, {"a": 1, "A": 1}) is not None) is built


def test_defaults_and_fields_set() -> None:
    built = _built(Plain, {"a": 1, "f": None, "zz": 3})
    assert built is not None
    assert built.model_fields_set == {"a", "f"}  # only the given fields, not the extra key
    assert built.model_dump() == {"a": 1, "b": "b", "c": [], "d": {}, "e": {"n": 0}, "f": None}
    assert built.e.model_fields_set == set()  # type: ignore[attr-defined]
    # a default factory gives a new object each time (two cases never share a list)
    other = _built(Plain, {"a": 2})
    assert other is not None and other.c is not built.c  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "data",
    [
        {},  # the required field missing
        {"b": "x"},  # the required field missing, another given
        [("a", 1)],  # pairs are no object
        None,  # null for the model
        "a",  # text for the model
    ],
)
def test_refused_data(data: Any) -> None:
    assert construct(Plain, data) is None
    with pytest.raises(ValidationError):
        Plain.model_validate(data)


def test_a_dict_subclass_is_refused() -> None:
    class Ordered(dict[str, Any]):
        pass

    # only plain JSON objects are built; the validator is left to read other mappings
    assert construct(Plain, Ordered(a=1)) is None
    assert construct(_one(dict[str, int]), {"x": Ordered(a=1)}) is None
    assert construct(_one(list[int]), {"x": Ordered()}) is None
