"""The therapy data file and its loader (EU status per indication, source, check date)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from thyref.domain.therapies import TherapyDataError, load_therapies, parse_therapies


def test_issue_8_drugs_and_statuses() -> None:
    # the statuses issue 8 asks for, each with a source and a check date
    drugs = load_therapies()
    sel = drugs["selpercatinib"]
    assert sel.indications["differentiated"].status == "authorised"
    assert sel.indications["differentiated"].since == "2021"  # EU since 2021 (issue 8)
    assert sel.indications["medullary"].status == "authorised"
    assert "Retsevmo" in sel.brands
    cabo = drugs["cabozantinib"].indications["differentiated"]
    assert cabo.status == "authorised"  # iodine-refractory DTC after prior therapy
    assert "antérieur" in cabo.scope["fr"] and "previous" in cabo.scope["en"]
    assert "anaplastic" in drugs["dabrafenib-trametinib"].indications


def test_every_row_is_sourced_and_dated() -> None:
    for therapy in load_therapies().values():
        for ind in therapy.indications.values():
            assert ind.source.strip(), therapy.id
            assert ind.checked <= date.today()
            # an unverified row never claims a verified check
            assert isinstance(ind.verified, bool)


def test_therapy_verified_means_all_indications_verified() -> None:
    dt = load_therapies()["dabrafenib-trametinib"]
    assert not dt.verified  # the anaplastic EU status could not be confirmed


def _row(**over: Any) -> dict[str, Any]:
    ind = {
        "status": "authorised",
        "since": "2021",
        "scope_fr": "x",
        "scope_en": "x",
        "source": "s",
        "cite_fr": "s",
        "cite_en": "s",
        "checked": date(2026, 1, 1),
        "verified": True,
    }
    ind.update(over)
    entry = {"name": "d", "brands": [], "classes": [], "atc": {"d": "L01EX99"}}
    return {"status_current_years": 2, "d": {**entry, "indications": {"medullary": ind}}}


@pytest.mark.parametrize(
    ("over", "path"),
    [
        ({"status": "approved"}, "d.indications.medullary.status"),  # unknown status word
        ({"since": "21"}, "d.indications.medullary.since"),  # not a year
        ({"checked": "2026-01-01"}, "d.indications.medullary.checked"),  # string, not a date
        ({"verified": "yes"}, "d.indications.medullary.verified"),  # not a boolean
    ],
)
def test_bad_rows_name_the_field(over: dict[str, Any], path: str) -> None:
    with pytest.raises(TherapyDataError, match=path.replace(".", r"\.")):
        parse_therapies(_row(**over))


# WHO ATC/DDD Index 2024, typed from the index (L01E: protein kinase inhibitors)
ATC_2024 = {
    "L01EX02": "sorafenib", "L01EX08": "lenvatinib", "L01EX04": "vandetanib",
    "L01EX07": "cabozantinib", "L01EX22": "selpercatinib", "L01EX23": "pralsetinib",
    "L01EC02": "dabrafenib", "L01EE01": "trametinib", "L01EX12": "larotrectinib",
    "L01EX14": "entrectinib",
}  # fmt: skip


def test_atc_codes_of_every_substance() -> None:
    found = {code: s for t in load_therapies().values() for s, code in t.atc.items()}
    assert found == ATC_2024


@pytest.mark.parametrize(
    "atc",
    [
        {},  # a therapy with no code: an EHR order could not name it
        {"d": "L01EX8"},  # six characters, not a level-5 code
        {"d": "l01ex08"},  # lower case
        {"d": 1},  # not a string
    ],
)
def test_bad_atc_is_named(atc: dict[str, Any]) -> None:
    raw = _row()
    raw["d"]["atc"] = atc
    with pytest.raises(TherapyDataError, match=r"d\.atc"):
        parse_therapies(raw)


def test_missing_field_is_named() -> None:
    raw = _row()
    del raw["d"]["indications"]["medullary"]["source"]
    with pytest.raises(TherapyDataError, match=r"d\.indications\.medullary\.source: missing"):
        parse_therapies(raw)


# The engine's TARGETED-THERAPY text reads the drug status from the therapy data file
# (issue 8: answers and options read the same facts).
@pytest.mark.parametrize(
    ("drugs", "category", "lang", "expected", "absent"),
    [
        # RET-mutant medullary cancer: selpercatinib's medullary row (EU 2021, verified)
        (
            ("selpercatinib",),
            "medullary",
            "en",
            "selpercatinib: EU authorised since 2021",
            "to be confirmed",
        ),
        # BRAF V600E anaplastic: the combination entry, its anaplastic row, unverified
        (("dabrafenib", "trametinib"), "anaplastic", "fr", "dabrafenib + trametinib\u00a0:", None),
        # NTRK fusion in a differentiated cancer: the tumour-agnostic rows
        (("larotrectinib",), "differentiated", "en", "larotrectinib: EU authorised", None),
        # a drug the therapy file does not hold: said as recorded nowhere, never invented
        (("crizotinib",), "differentiated", "en", "crizotinib: no authorisation recorded", "since"),
    ],
)
def test_option_text_reads_the_therapy_file(
    drugs: tuple[str, ...], category: str, lang: str, expected: str, absent: str | None
) -> None:
    from thyref.domain.assessment import therapy_status

    said = therapy_status(drugs, category, lang)  # type: ignore[arg-type]
    assert expected in said
    if absent:
        assert absent not in said


def test_unverified_rows_are_marked_for_a_clinician() -> None:
    from thyref.domain.assessment import therapy_status

    # dabrafenib + trametinib for anaplastic cancer is `verified = false` in the file
    assert "(to be confirmed; " in therapy_status(("dabrafenib", "trametinib"), "anaplastic", "en")
    assert "(à confirmer\u00a0; " in therapy_status(
        ("dabrafenib", "trametinib"), "anaplastic", "fr"
    )
