"""A valid case's models built without pydantic's validator, for one-shot processes.

``thyref assess FILE`` checks one case and exits. Pydantic builds a model's validator on
its first use: for the case model that costs about 15 ms, and loading pydantic's plugin
machinery on that first build about 10 more, a sixth of the whole start. This module
builds the same models straight from plain JSON values, for the shapes a valid case is
made of, by reading each model's declared fields (``model_fields``): no second copy of the
case format.

It is conservative. Anything it does not recognise exactly (a type, a constraint, a
validator it does not know, an unexpected value) makes :func:`construct` return None, and
the caller validates with pydantic as usual, which also names every problem. When it
returns a model, that model equals what ``model_validate`` returns for the same input:
``tests/domain/test_construct.py`` compares the two on generated valid and invalid cases.
In a long-running process the validator, once built, is faster than this module (about
40 µs against 200 µs for a typical case), so only the CLI's one-shot path uses it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import re
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any, TypeVar

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic.functional_validators import BeforeValidator
from pydantic.types import AllowInfNan, Strict, StringConstraints

_M = TypeVar("_M", bound=BaseModel)


class _Refused(Exception):
    """A value (or a declaration) outside what this module builds."""


Check = Callable[[Any], Any]  # the built value, or raises _Refused
_MISSING = object()


def construct(model: type[_M], data: Any) -> _M | None:
    """``model`` built from ``data`` as ``model.model_validate(data)`` would build it, or
    None when ``data`` (or the model's declaration) is outside the shapes handled here."""
    try:
        built: _M = _model_check(model)(data)
    except _Refused:
        return None
    return built


@cache
def _model_check(model: type[BaseModel]) -> Check:
    config = model.model_config
    decorators = model.__pydantic_decorators__
    if (
        config.get("extra") not in (None, "ignore")
        or config.get("strict")
        or config.get("use_enum_values")
        or config.get("validate_default")
        or config.get("populate_by_name")
        or decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.model_validators
        or decorators.computed_fields
        or model.__pydantic_post_init__ is not None
    ):
        return _refuse
    fields: list[tuple[str, Check, Callable[[], Any] | None]] = []
    for name, info in model.model_fields.items():
        if info.alias is not None or info.validation_alias is not None:
            return _refuse
        try:
            check = _check(info.annotation, list(info.metadata))
            default = _default(info)
        except _Refused:
            return _refuse
        fields.append((name, check, default))

    def build(value: Any) -> BaseModel:
        if type(value) is not dict:
            raise _Refused
        values: dict[str, Any] = {}
        given: set[str] = set()
        for name, check, default in fields:
            item = value.get(name, _MISSING)
            if item is not _MISSING:
                values[name] = check(item)
                given.add(name)
            elif default is None:  # required
                raise _Refused
            else:
                values[name] = default()
        return model.model_construct(_fields_set=given, **values)

    return build


def _default(info: FieldInfo) -> Callable[[], Any] | None:
    """How a missing field gets its default (None: the field is required). A model class
    as factory is built here too: calling it would build its validator."""
    if info.is_required():
        return None
    factory = info.default_factory
    if factory is None:
        return lambda: info.get_default()
    if isinstance(factory, type) and issubclass(factory, BaseModel):
        empty = _model_check(factory)
        return lambda: empty({})
    if factory in (list, dict):
        return factory
    raise _Refused


def _refuse(value: Any) -> Any:
    raise _Refused


def _check(annotation: Any, metadata: list[Any]) -> Check:
    """The check of one declared type with its constraints (raises _Refused if unknown)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *more = typing.get_args(annotation)
        return _check(inner, [*metadata, *more])
    before: list[Callable[[Any], Any]] = []
    limits: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):  # Field(...) inside Annotated
            if item.alias is not None or item.default_factory is not None:
                raise _Refused
            _collect(item.metadata, before, limits)
        else:
            _collect([item], before, limits)
    base = _base_check(annotation, origin, limits)
    if not before:
        return base

    def with_before(value: Any) -> Any:
        for function in before:
            try:
                value = function(value)
            except Exception as exc:
                raise _Refused from exc
        return base(value)

    return with_before


def _collect(items: list[Any], before: list[Callable[[Any], Any]], limits: dict[str, Any]) -> None:
    for item in items:
        if isinstance(item, BeforeValidator):
            if not _value_only(item.func):  # a validator given `info` too
                raise _Refused
            before.append(item.func)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Ge):
            limits["ge"] = item.ge
        elif isinstance(item, annotated_types.Gt):
            limits["gt"] = item.gt
        elif isinstance(item, Strict) and item.strict is True:
            limits["strict"] = True
        elif isinstance(item, AllowInfNan) and item.allow_inf_nan is False:
            limits["finite"] = True
        elif isinstance(item, StringConstraints):
            unknown = (
                item.strip_whitespace,
                item.to_upper,
                item.to_lower,
                item.strict,
                item.ascii_only,
            )
            if any(flag is not None for flag in unknown):
                raise _Refused
            if item.pattern is not None:
                limits["pattern"] = re.compile(str(item.pattern))
            if item.min_length is not None:
                limits["min_length"] = item.min_length
            if item.max_length is not None:
                limits["max_length"] = item.max_length
        else:
            raise _Refused


def _value_only(function: Any) -> bool:
    """The function takes the value alone, as pydantic reads a validator's signature: one
    positional parameter without a default, the first one's default aside. The signature
    is read through ``__wrapped__`` (a decorated function counts as the one it wraps)."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [
        p
        for p in parameters
        if p.kind in positional and (p.default is p.empty or p is parameters[0])
    ]
    return len(required) == 1


def _base_check(annotation: Any, origin: Any, limits: dict[str, Any]) -> Check:
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) != len(typing.get_args(annotation)) - 1 or len(options) != 1 or limits:
            raise _Refused
        inner = _check(options[0], [])

        def optional(value: Any) -> Any:
            return None if value is None else inner(value)

        return optional
    if origin is typing.Literal:
        allowed = typing.get_args(annotation)
        if limits or not all(type(a) is str for a in allowed):
            raise _Refused
        members = frozenset(allowed)

        def literal(value: Any) -> Any:
            if type(value) is str and value in members:
                return value
            raise _Refused

        return literal
    if origin is list:
        (item_type,) = typing.get_args(annotation)
        item_check = _check(item_type, [])
        if limits:
            raise _Refused

        def listed(value: Any) -> Any:
            if type(value) is not list:
                raise _Refused
            return [item_check(v) for v in value]

        return listed
    if origin is dict:
        key_type, value_type = typing.get_args(annotation)
        value_check = _check(value_type, [])
        if key_type is not str or limits:
            raise _Refused

        def mapping(value: Any) -> Any:
            if type(value) is not dict:
                raise _Refused
            return {_plain_key(k): value_check(v) for k, v in value.items()}

        return mapping
    if origin is not None:
        raise _Refused
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if limits:
            raise _Refused
        return _model_check(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _enum_check(annotation, limits)
    if annotation is bool or annotation is int:
        return _exact_check(annotation, limits)
    if annotation is float:
        return _float_check(limits)
    if annotation is str:
        return _str_check(limits)
    if annotation is dt.date:
        if limits:
            raise _Refused

        def day(value: Any) -> Any:
            if type(value) is dt.date:
                return value
            raise _Refused

        return day
    raise _Refused


# a lone half of a UTF-16 pair (JSON can write one as "\\ud800"): never valid text
SURROGATE = re.compile("[\ud800-\udfff]")


def _plain_key(key: Any) -> str:
    if type(key) is not str or (not key.isascii() and SURROGATE.search(key)):
        raise _Refused
    return key


def _enum_check(enum: type[Enum], limits: dict[str, Any]) -> Check:
    if limits or not all(type(m.value) is str for m in enum):
        raise _Refused
    by_value = {m.value: m for m in enum}

    def member(value: Any) -> Any:
        if type(value) is str and value in by_value:
            return by_value[value]
        raise _Refused

    return member


def _exact_check(kind: type, limits: dict[str, Any]) -> Check:
    """A flag or a whole number: exactly that type (a flag is no number), strict or not."""
    if set(limits) - {"strict"}:
        raise _Refused

    def exact(value: Any) -> Any:
        if type(value) is kind:
            return value
        raise _Refused

    return exact


def _float_check(limits: dict[str, Any]) -> Check:
    if set(limits) - {"strict", "finite", "ge", "gt"}:
        raise _Refused
    finite = limits.get("finite", False)
    ge, gt = limits.get("ge"), limits.get("gt")

    def number(value: Any) -> Any:
        if type(value) is float:
            result = value
        elif type(value) is int:
            try:
                result = float(value)
            except OverflowError as exc:
                raise _Refused from exc
        else:
            raise _Refused
        if (finite and not math.isfinite(result)) or math.isnan(result):
            raise _Refused
        if (ge is not None and not result >= ge) or (gt is not None and not result > gt):
            raise _Refused
        return result

    return number


def _str_check(limits: dict[str, Any]) -> Check:
    if set(limits) - {"pattern", "min_length", "max_length"}:
        raise _Refused
    pattern: re.Pattern[str] | None = limits.get("pattern")
    low, high = limits.get("min_length"), limits.get("max_length")

    def text(value: Any) -> Any:
        if type(value) is not str:
            raise _Refused
        # a lone surrogate (half of a UTF-16 pair) is no text the validator accepts
        if not value.isascii() and SURROGATE.search(value):
            raise _Refused
        if low is not None and len(value) < low:
            raise _Refused
        if high is not None and len(value) > high:
            raise _Refused
        # Python's `$` also matches before a final newline, the validator's does not:
        # a text with a line break is left to the validator
        if pattern is not None and ("\n" in value or pattern.search(value) is None):
            raise _Refused
        return value

    return text
