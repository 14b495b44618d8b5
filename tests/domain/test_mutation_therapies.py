"""``therapies.py`` pinned exactly (issue 15, mutation run): every error message of the
loader in full, the values each row carries, the entries a drug list names and the
indication a category reads.

Expected values come from the module's contract (its docstrings: "a malformed file raises
TherapyDataError naming the field", "since: a year (YYYY) or an empty string", "the
fixed combination whose drugs are all in drugs, in drugs order", "else the
tumour-agnostic one") and from the packaged ``therapies.toml`` as typed (drug ids, check
dates, notes); never from the loader's output.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from thyref.domain import therapies
from thyref.domain.therapies import (
    IndicationStatus,
    Therapy,
    TherapyDataError,
    entries_for,
    indication_for,
    load_therapies,
    parse_therapies,
)


def _ind(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "status": "authorised",
        "since": "2021",
        "scope_fr": "pour tous",
        "scope_en": "for all",
        "source": "EMA EPAR",
        "cite_fr": "EPAR de l'EMA",
        "cite_en": "EMA EPAR",
        "checked": date(2026, 1, 2),
        "verified": True,
    }
    row.update(over)
    return {key: value for key, value in row.items() if value is not None}


def _entry(**over: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": "drug",
        "brands": ["Brand"],
        "classes": ["RET inhibitor"],
        "atc": {"drug": "L01EX99"},
        "indications": {"medullary": _ind()},
    }
    entry.update(over)
    return {key: value for key, value in entry.items() if value is not None}


def _file(drugs: dict[str, Any], years: Any = 2) -> dict[str, Any]:
    """A therapy file: its header ``status_current_years`` (None: left out), then the drugs."""
    header = {} if years is None else {"status_current_years": years}
    return {**header, **drugs}


def _error(raw: dict[str, Any]) -> str:
    with pytest.raises(TherapyDataError) as info:
        parse_therapies(_file(raw))
    return str(info.value)


ERRORS = [
    # an entry that is not a table
    ({"d": "sorafenib"}, "d: expected a table"),
    # a missing field of the entry, named with its dotted path
    ({"d": _entry(name=None)}, "d.name: missing"),
    # a field of the wrong type names the expected type
    ({"d": _entry(name=3)}, "d.name: expected str"),
    ({"d": _entry(brands="Brand")}, "d.brands: expected list"),
    # a list holding something else than strings
    ({"d": _entry(brands=["Brand", 2])}, "d.brands: expected a list of strings"),
    ({"d": _entry(classes=[None])}, "d.classes: expected a list of strings"),
    # no indication table, an empty one, an indication that is not a table
    ({"d": _entry(indications=None)}, "d.indications: missing"),
    ({"d": _entry(indications={})}, "d.indications: empty"),
    ({"d": _entry(indications={"medullary": "yes"})}, "d.indications.medullary: expected dict"),
    # an indication outside the four kinds
    ({"d": _entry(indications={"thyroid": _ind()})},
     "d.indications.thyroid: unknown indication (expected one of ('differentiated', "
     "'medullary', 'anaplastic', 'tumour-agnostic'))"),
    # status and since missing, or not strings
    ({"d": _entry(indications={"medullary": _ind(status=None)})},
     "d.indications.medullary.status: missing"),
    ({"d": _entry(indications={"medullary": _ind(since=2021)})},
     "d.indications.medullary.since: expected str"),
    # a status outside the four words
    ({"d": _entry(indications={"medullary": _ind(status="approved")})},
     "d.indications.medullary.status: 'approved' is not one of ('authorised', 'opinion', "
     "'not_authorised', 'unknown')"),
    # since: four digits or empty
    ({"d": _entry(indications={"medullary": _ind(since="21")})},
     "d.indications.medullary.since: expected a year (YYYY) or an empty string"),
    ({"d": _entry(indications={"medullary": _ind(since="20211")})},
     "d.indications.medullary.since: expected a year (YYYY) or an empty string"),
    ({"d": _entry(indications={"medullary": _ind(since="abcd")})},
     "d.indications.medullary.since: expected a year (YYYY) or an empty string"),
    # each field of an indication, missing or of the wrong type
    ({"d": _entry(indications={"medullary": _ind(scope_fr=None)})},
     "d.indications.medullary.scope_fr: missing"),
    ({"d": _entry(indications={"medullary": _ind(scope_en=1)})},
     "d.indications.medullary.scope_en: expected str"),
    ({"d": _entry(indications={"medullary": _ind(source=None)})},
     "d.indications.medullary.source: missing"),
    ({"d": _entry(indications={"medullary": _ind(checked="2026-01-02")})},
     "d.indications.medullary.checked: expected date"),
    ({"d": _entry(indications={"medullary": _ind(verified=1)})},
     "d.indications.medullary.verified: expected bool"),
    # ATC codes: absent, empty, not a level-5 code
    ({"d": _entry(atc=None)}, "d.atc: missing"),
    ({"d": _entry(atc={})}, "d.atc: empty"),
    ({"d": _entry(atc={"drug": "L01EX9"})}, "d.atc.drug: expected a level-5 ATC code"),
    ({"d": _entry(atc={"drug": "L01EX099"})}, "d.atc.drug: expected a level-5 ATC code"),
    ({"d": _entry(atc={"drug": 108})}, "d.atc.drug: expected a level-5 ATC code"),
    # the second entry is named when the first is fine
    ({"a": _entry(), "b": _entry(classes="x")}, "b.classes: expected list"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "message"), ERRORS)
def test_errors_name_the_field_in_full(raw: dict[str, Any], message: str) -> None:
    assert _error(raw) == message


def test_a_good_entry_is_read_field_by_field() -> None:
    # one drug, two indications: every value as written
    medullary = _ind(note="conditional")
    anaplastic = _ind(status="opinion", since="", checked=date(2025, 5, 6), verified=False)
    raw = {"d": _entry(indications={"medullary": medullary, "anaplastic": anaplastic})}
    drug = parse_therapies(_file(raw))["d"]
    assert (drug.id, drug.name, drug.brands, drug.classes) == (
        "d",
        "drug",
        ("Brand",),
        ("RET inhibitor",),
    )
    assert drug.atc == {"drug": "L01EX99"}
    assert drug.indications == {
        "medullary": IndicationStatus(
            indication="medullary",
            status="authorised",
            since="2021",
            scope={"fr": "pour tous", "en": "for all"},
            source="EMA EPAR",
            cite={"fr": "EPAR de l'EMA", "en": "EMA EPAR"},
            checked=date(2026, 1, 2),
            verified=True,
            current_years=2,  # the file's header
            note="conditional",
        ),
        "anaplastic": IndicationStatus(
            indication="anaplastic",
            status="opinion",
            since="",  # an empty year is allowed
            scope={"fr": "pour tous", "en": "for all"},
            source="EMA EPAR",
            cite={"fr": "EPAR de l'EMA", "en": "EMA EPAR"},
            checked=date(2025, 5, 6),
            verified=False,
            current_years=2,
            note="",  # no note: an empty string
        ),
    }
    # one unverified row: the drug is not verified; the oldest check date is the drug's
    assert drug.verified is False
    assert drug.checked == date(2025, 5, 6)


@pytest.mark.parametrize(
    ("flags", "verified"),
    [
        ((True, True), True),  # every row confirmed
        ((True, False), False),  # one row not confirmed
        ((False, True), False),  # the other one
        ((False, False), False),  # none
    ],
)
def test_a_drug_is_verified_when_every_row_is(flags: tuple[bool, bool], verified: bool) -> None:
    rows = {"medullary": _ind(verified=flags[0]), "differentiated": _ind(verified=flags[1])}
    assert parse_therapies(_file({"d": _entry(indications=rows)}))["d"].verified is verified


@pytest.mark.parametrize(
    ("days", "oldest"),
    [
        # the first row older
        ((date(2024, 1, 1), date(2026, 1, 1)), date(2024, 1, 1)),
        # the second row older
        ((date(2026, 1, 1), date(2024, 1, 1)), date(2024, 1, 1)),
    ],
)
def test_a_drug_is_as_fresh_as_its_oldest_row(days: tuple[date, date], oldest: date) -> None:
    rows = {"medullary": _ind(checked=days[0]), "differentiated": _ind(checked=days[1])}
    assert parse_therapies(_file({"d": _entry(indications=rows)}))["d"].checked == oldest


def test_the_packaged_file_as_typed() -> None:
    drugs = load_therapies()
    # every drug of therapies.toml, in its order
    assert list(drugs) == [
        "sorafenib",
        "lenvatinib",
        "vandetanib",
        "cabozantinib",
        "selpercatinib",
        "dabrafenib-trametinib",
        "larotrectinib",
        "entrectinib",
        "pralsetinib",
    ]
    # the notes are read: cabozantinib's medullary row has one, its differentiated row none
    cabo = drugs["cabozantinib"]
    assert cabo.indications["medullary"].note.startswith("granted as a conditional")
    assert cabo.indications["differentiated"].note == ""
    assert cabo.brands == ("Cabometyx", "Cometriq")
    # check dates as typed: lenvatinib on 2026-11-28, sorafenib and pralsetinib checked
    # again on 2026-11-30
    assert drugs["lenvatinib"].checked == date(2026, 11, 28)
    assert drugs["sorafenib"].checked == date(2026, 11, 30)
    assert drugs["pralsetinib"].checked == date(2026, 11, 30)
    # a new dict each call, of the same entries
    again = load_therapies()
    assert again == drugs and again is not drugs


def _packaged_from(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The packaged data folder replaced by ``folder``, with no cache folder (a checked
    copy of the real table would be read instead)."""
    from thyref import data
    from thyref.domain import filecache

    monkeypatch.setattr(data, "FOLDER", folder)
    monkeypatch.setenv(filecache.CACHE_ENV, "")


def test_a_broken_packaged_file_is_a_therapy_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a therapies.toml that is not TOML: TherapyDataError naming the file, not a traceback
    (tmp_path / "therapies.toml").write_text("[sorafenib\n", encoding="utf-8")

    therapies._packaged.cache_clear()
    _packaged_from(tmp_path, monkeypatch)
    try:
        with pytest.raises(TherapyDataError, match=r"^therapies\.toml: ") as info:
            load_therapies()
        assert isinstance(info.value.__cause__, ValueError)  # the TOML error is chained
    finally:
        monkeypatch.undo()
        therapies._packaged.cache_clear()
    assert "sorafenib" in load_therapies()


def test_the_packaged_file_is_read_as_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a French scope with accents, written in UTF-8, read back as written
    text = (
        "status_current_years = 2\n"
        '[d]\nname = "d"\nbrands = []\nclasses = []\natc = { d = "L01EX99" }\n'
        "[d.indications.medullary]\n"
        'status = "authorised"\nsince = ""\nscope_fr = "après échec"\nscope_en = "x"\n'
        'source = "s"\ncite_fr = "s"\ncite_en = "s"\nchecked = 2026-01-02\nverified = true\n'
    )
    (tmp_path / "therapies.toml").write_bytes(text.encode("utf-8"))

    therapies._packaged.cache_clear()
    _packaged_from(tmp_path, monkeypatch)
    try:
        scope = load_therapies()["d"].indications["medullary"].scope
    finally:
        monkeypatch.undo()
        therapies._packaged.cache_clear()
    assert scope == {"fr": "après échec", "en": "x"}


ENTRIES = [
    # one drug: its own entry
    (["lenvatinib"], ["lenvatinib"]),
    # capitalised as a clinician may type it: still found
    (["Selpercatinib"], ["selpercatinib"]),
    # two single drugs: in the order given, not the file's
    (["selpercatinib", "sorafenib"], ["selpercatinib", "sorafenib"]),
    # both drugs of the combination, in either order: the combination entry
    (["trametinib", "dabrafenib"], ["dabrafenib-trametinib"]),
    (["DABRAFENIB", "Trametinib"], ["dabrafenib-trametinib"]),
    # one drug of the combination alone: no entry (it is not a drug of the file)
    (["dabrafenib"], []),
    # the combination first, then the other drugs in their order
    (["lenvatinib", "dabrafenib", "trametinib", "cabozantinib"],
     ["dabrafenib-trametinib", "lenvatinib", "cabozantinib"]),
    # a drug the file does not hold: left out
    (["crizotinib", "vandetanib"], ["vandetanib"]),
    # nothing asked
    ([], []),
]  # fmt: skip


@pytest.mark.parametrize(("drugs", "expected"), ENTRIES)
def test_entries_for(drugs: list[str], expected: list[str]) -> None:
    assert [t.id for t in entries_for(drugs)] == expected
    assert [t.id for t in entries_for(tuple(drugs))] == expected  # a tuple works the same


def test_the_combination_drugs_are_not_listed_twice() -> None:
    # the drugs the combination covers are removed from the rest: one entry each
    found = entries_for(["dabrafenib", "trametinib", "larotrectinib"])
    assert [t.id for t in found] == ["dabrafenib-trametinib", "larotrectinib"]


def _therapy(*kinds: str) -> Therapy:
    rows = {kind: _ind(source=f"row {kind}") for kind in kinds}
    return parse_therapies(_file({"d": _entry(indications=rows)}))["d"]


INDICATION_FOR = [
    # the category's own row
    (("medullary", "tumour-agnostic"), "medullary", "row medullary"),
    # no row for the category: the tumour-agnostic one
    (("medullary", "tumour-agnostic"), "differentiated", "row tumour-agnostic"),
    # neither: none
    (("medullary",), "anaplastic", None),
    # only the category's row
    (("anaplastic",), "anaplastic", "row anaplastic"),
]


@pytest.mark.parametrize(("kinds", "category", "source"), INDICATION_FOR)
def test_indication_for(kinds: tuple[str, ...], category: str, source: str | None) -> None:
    found = indication_for(_therapy(*kinds), category)
    assert (found.source if found else None) == source


def test_atc_pattern_is_a_level_5_code() -> None:
    # letter, 2 digits, 2 letters, 2 digits (WHO ATC level 5), nothing more
    assert re.fullmatch(therapies.ATC_CODE, "L01EX08")
    for bad in ("L01EX8", "101EX08", "L0AEX08", "L01E808", "L01EXA8", "L01EX08 "):
        assert not therapies.ATC_CODE.fullmatch(bad), bad
