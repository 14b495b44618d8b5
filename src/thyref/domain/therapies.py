"""Therapies and their EU regulatory status, read from ``thyref/data/therapies.toml``.

Pure and typed: ``load_therapies()`` returns ``{drug id: Therapy}``. Each indication
(``differentiated``, ``medullary``, ``anaplastic``, ``tumour-agnostic``) carries its
status, the year of the EU decision when known, the source it was read from, the date it
was checked and whether that source confirmed it (``verified``; unverified rows are for a
clinician to confirm). The file's header key ``status_current_years`` says for how many
years a checked status is shown as current (a display rule of the project, not a clinical
threshold); each row carries it. A malformed file raises ``TherapyDataError`` naming the
field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal, cast, get_args

from thyref import data
from thyref.domain import filecache

Status = Literal["authorised", "opinion", "not_authorised", "unknown"]
IndicationId = Literal["differentiated", "medullary", "anaplastic", "tumour-agnostic"]

STATUSES: tuple[str, ...] = get_args(Status)
INDICATIONS: tuple[str, ...] = get_args(IndicationId)


class TherapyDataError(ValueError):
    """The therapy data file is malformed; the message names the field (dotted path)."""


@dataclass(frozen=True)
class IndicationStatus:
    """The EU status of one drug for one kind of thyroid cancer."""

    indication: IndicationId
    status: Status
    since: str
    scope: Mapping[str, str]
    source: str
    cite: Mapping[str, str]  # the source in a few words, per language (the options say it)
    checked: date
    verified: bool
    # the file's ``status_current_years``: for how many years after ``checked`` the status
    # is shown as current (``may_have_changed``)
    current_years: int
    note: str = ""


@dataclass(frozen=True)
class Therapy:
    """One drug (or fixed combination) used in refractory thyroid cancer."""

    id: str
    name: str
    brands: tuple[str, ...]
    classes: tuple[str, ...]
    indications: Mapping[str, IndicationStatus]
    atc: Mapping[str, str]  # active substance (INN) -> WHO ATC code

    @property
    def verified(self) -> bool:
        """True when every indication's status was confirmed by its source."""
        return all(i.verified for i in self.indications.values())

    @property
    def checked(self) -> date:
        """The oldest check date of its indications (how fresh the whole entry is)."""
        return min(i.checked for i in self.indications.values())


def _field(table: Mapping[str, Any], key: str, path: str, kind: type) -> Any:
    if key not in table:
        raise TherapyDataError(f"{path}.{key}: missing")
    value = table[key]
    if not isinstance(value, kind):
        raise TherapyDataError(f"{path}.{key}: expected {kind.__name__}")
    return value


def _strings(table: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    values = _field(table, key, path, list)
    if not all(isinstance(v, str) for v in values):
        raise TherapyDataError(f"{path}.{key}: expected a list of strings")
    return tuple(values)


ATC_CODE = re.compile(r"[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}")  # a level-5 ATC code: L01EX08


def _atc(table: Mapping[str, Any], path: str) -> dict[str, str]:
    codes = _field(table, "atc", path, dict)
    if not codes:
        raise TherapyDataError(f"{path}.atc: empty")
    for substance, code in codes.items():
        if not isinstance(code, str) or not ATC_CODE.fullmatch(code):
            raise TherapyDataError(f"{path}.atc.{substance}: expected a level-5 ATC code")
    return dict(codes)


def _source(raw: Mapping[str, Any], path: str, key: str) -> str:
    """Where the status was read (``source``, or its short ``cite_fr``/``cite_en``): a
    status without its source is not data (a blank one is refused as a missing one)."""
    source = _field(raw, key, path, str)
    if not source.strip():
        raise TherapyDataError(f"{path}.{key}: empty (say where the status was read)")
    return str(source)


# The header key of the file (before the drugs' tables): for how many years a status read
# on its source is shown as current. A display rule of the project, not a clinical
# threshold (docs/answers.md).
CURRENT_YEARS_KEY = "status_current_years"


def _current_years(raw: Mapping[str, Any]) -> int:
    """The file's ``status_current_years``: a whole number of years, at least 1."""
    if CURRENT_YEARS_KEY not in raw:
        raise TherapyDataError(
            f"{CURRENT_YEARS_KEY}: missing (for how many years a checked status is shown"
            " as current)"
        )
    years = raw[CURRENT_YEARS_KEY]
    if type(years) is not int or years < 1:  # a bool is not a number of years
        raise TherapyDataError(
            f"{CURRENT_YEARS_KEY}: expected a whole number of years of at least 1, got {years!r}"
        )
    return years


def _indication(
    raw: Mapping[str, Any], ind: str, path: str, current_years: int
) -> IndicationStatus:
    if ind not in INDICATIONS:
        raise TherapyDataError(f"{path}: unknown indication (expected one of {INDICATIONS})")
    status = _field(raw, "status", path, str)
    if status not in STATUSES:
        raise TherapyDataError(f"{path}.status: {status!r} is not one of {STATUSES}")
    since = _field(raw, "since", path, str)
    if since and not (since.isdigit() and len(since) == 4):
        raise TherapyDataError(f"{path}.since: expected a year (YYYY) or an empty string")
    return IndicationStatus(
        indication=cast(IndicationId, ind),
        status=cast(Status, status),
        since=since,
        scope={
            "fr": _field(raw, "scope_fr", path, str),
            "en": _field(raw, "scope_en", path, str),
        },
        source=_source(raw, path, "source"),
        cite={"fr": _source(raw, path, "cite_fr"), "en": _source(raw, path, "cite_en")},
        checked=_field(raw, "checked", path, date),
        verified=_field(raw, "verified", path, bool),
        current_years=current_years,
        note=str(raw.get("note", "")),
    )


def parse_therapies(raw: Mapping[str, Any]) -> dict[str, Therapy]:
    """Check a decoded therapy file (its header key ``status_current_years``, then one table
    per drug) and build the typed entries."""
    current_years = _current_years(raw)
    out: dict[str, Therapy] = {}
    for tid, entry in raw.items():
        if tid == CURRENT_YEARS_KEY:
            continue
        if not isinstance(entry, dict):
            raise TherapyDataError(f"{tid}: expected a table")
        inds = _field(entry, "indications", tid, dict)
        if not inds:
            raise TherapyDataError(f"{tid}.indications: empty")
        out[tid] = Therapy(
            id=tid,
            name=_field(entry, "name", tid, str),
            brands=_strings(entry, "brands", tid),
            classes=_strings(entry, "classes", tid),
            atc=_atc(entry, tid),
            indications={
                ind: _indication(
                    _field(inds, ind, f"{tid}.indications", dict),
                    ind,
                    f"{tid}.indications.{ind}",
                    current_years,
                )
                for ind in inds
            },
        )
    return out


@cache
def _packaged() -> dict[str, Therapy]:
    """Parsed once per process, and kept checked in the cache folder between runs."""
    text = data.text("therapies.toml")
    return filecache.pickled("therapies", (text,), __file__, _is_table, lambda: _parse(text))


def _parse(text: str) -> dict[str, Therapy]:
    import tomllib  # only when the cache folder has no checked copy

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TherapyDataError(f"therapies.toml: {exc}") from exc
    return parse_therapies(raw)


def _is_table(found: object) -> bool:
    return type(found) is dict and all(
        type(k) is str and type(v) is Therapy for k, v in found.items()
    )


def load_therapies() -> dict[str, Therapy]:
    """The packaged therapy file (``thyref/data/therapies.toml``): ``{drug id: Therapy}``,
    parsed once (each call returns a new dict of the same frozen entries)."""
    return dict(_packaged())


def entries_for(drugs: tuple[str, ...] | list[str]) -> list[Therapy]:
    """The therapy entries that name ``drugs``: a drug's own entry, or the fixed combination
    whose drugs are all in ``drugs`` (``dabrafenib`` + ``trametinib``), in ``drugs`` order."""
    known = _packaged()
    wanted = [d.lower() for d in drugs]
    out: list[Therapy] = []
    for combo in known.values():  # combinations first: their drugs are then covered
        parts = combo.id.split("-")
        if len(parts) > 1 and all(p in wanted for p in parts):
            out.append(combo)
            wanted = [d for d in wanted if d not in parts]
    out.extend(known[d] for d in wanted if d in known)
    return out


def may_have_changed(ind: IndicationStatus, today: date) -> bool:
    """Whether ``today`` is more than ``ind.current_years`` (the file's
    ``status_current_years``) after the status was checked (29 February counts as 28
    February in a year without it). Said wherever the status is shown (the engine's
    options, the patient answers)."""
    year = ind.checked.year + ind.current_years
    try:
        limit = ind.checked.replace(year=year)
    except ValueError:  # 29 February
        limit = ind.checked.replace(year=year, day=28)
    return today > limit


def indication_for(therapy: Therapy, category: str) -> IndicationStatus | None:
    """The status for a category of cancer, else the tumour-agnostic one, else none."""
    return therapy.indications.get(category) or therapy.indications.get("tumour-agnostic")
