"""Drug statuses are dated data (developers' guide: "say when a fact is dated and keep drug
status as data with its source and date").

Every row of ``data/therapies.toml`` must carry where its status was read (``source``) and
when (``checked``); every option that names drugs says, for each, the status as of that
date and its source; a status checked more than two years before the assessment is said
to have maybe changed. Expected texts are put together from the catalogue's words and the
rows of ``data/therapies.toml``, never from the engine's output.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from thyref.domain import assess, parse_case
from thyref.domain.assessment import therapy_status
from thyref.domain.therapies import (
    IndicationStatus,
    TherapyDataError,
    load_therapies,
    may_have_changed,
    parse_therapies,
)

from .conftest import lesion, make_case, mol, scan
from .test_mutation_therapies import _entry, _file, _ind


def _row(**over: Any) -> dict[str, Any]:
    """A therapy file of one drug whose medullary row takes ``over`` (None: left out)."""
    return _file({"d": _entry(indications={"medullary": _ind(**over)})})


@pytest.mark.parametrize(
    ("row", "message"),
    [
        # no source at all
        (_row(source=None), r"d\.indications\.medullary\.source: missing"),
        # a source that says nothing: empty, or spaces only
        (_row(source=""), r"d\.indications\.medullary\.source: empty"),
        (_row(source="  \t"), r"d\.indications\.medullary\.source: empty"),
        # the short citation the options say, per language: missing or blank
        (_row(cite_fr=None), r"d\.indications\.medullary\.cite_fr: missing"),
        (_row(cite_en=" "), r"d\.indications\.medullary\.cite_en: empty"),
        # no check date
        (_row(checked=None), r"d\.indications\.medullary\.checked: missing"),
        # a check date written as text, not a TOML date
        (_row(checked="2026-01-02"), r"d\.indications\.medullary\.checked: expected date"),
    ],
)
def test_a_status_without_its_source_or_date_is_refused(row: dict[str, Any], message: str) -> None:
    with pytest.raises(TherapyDataError, match=message):
        parse_therapies(row)


def _rows() -> list[tuple[str, str, IndicationStatus]]:
    return [
        (tid, ind, status)
        for tid, therapy in load_therapies().items()
        for ind, status in therapy.indications.items()
    ]


def test_every_packaged_status_has_a_source_and_a_date() -> None:
    for tid, ind, status in _rows():
        assert status.source.strip(), f"{tid}.{ind}: no source"
        assert all(status.cite[lang].strip() for lang in ("fr", "en")), f"{tid}.{ind}: no cite"
        assert type(status.checked) is date, f"{tid}.{ind}: checked is not a date"
        assert status.checked <= date.today(), f"{tid}.{ind}: checked in the future"


def _said_day(day: date, lang: str) -> str:
    # French sentences write a day as clinicians do (day/month/year), English in ISO
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


# the words of the catalogue around a status's date and source (messages.toml, therapy.as_of)
AS_OF = {
    "fr": ("statut au {date}, source\u00a0: {source})", "(à confirmer\u00a0; "),
    "en": ("status as of {date}, source: {source})", "(to be confirmed; "),
}
CHANGED = {"fr": "qui a pu changer depuis", "en": "which may have changed since"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_status_is_said_with_its_date_and_source(lang: str) -> None:
    for tid, ind, status in _rows():
        category = "differentiated" if ind == "tumour-agnostic" else ind
        said = therapy_status(tuple(tid.split("-")), category, lang, date(2026, 11, 30))  # type: ignore[arg-type]
        as_of, unverified = AS_OF[lang]
        expected = as_of.format(date=_said_day(status.checked, lang), source=status.cite[lang])
        assert expected in said, f"{tid}.{ind}"
        assert (unverified in said) is not status.verified, f"{tid}.{ind}"
        assert CHANGED[lang] not in said, f"{tid}.{ind}"


@pytest.mark.parametrize(
    ("today", "changed"),
    [
        # the day of the check: current
        (date(2026, 11, 28), False),
        # two years to the day after the check: still current
        (date(2028, 11, 28), False),
        # the day after two years: may have changed
        (date(2028, 11, 29), True),
        # ten years later
        (date(2036, 1, 1), True),
    ],
)
def test_a_status_checked_over_two_years_ago_may_have_changed(today: date, changed: bool) -> None:
    # lenvatinib's differentiated row was checked on 2026-11-28 (data/therapies.toml)
    for lang in ("fr", "en"):
        said = therapy_status(("lenvatinib",), "differentiated", lang, today)  # type: ignore[arg-type]
        assert (CHANGED[lang] in said) is changed
        assert _said_day(date(2026, 11, 28), lang) in said


@pytest.mark.parametrize(
    ("checked", "today", "changed"),
    [
        # 29 February: its second anniversary is 28 February (2030 has no 29)
        (date(2028, 2, 29), date(2030, 2, 28), False),
        (date(2028, 2, 29), date(2030, 3, 1), True),
        # the day before the second anniversary
        (date(2026, 6, 15), date(2028, 6, 14), False),
    ],
)
def test_may_have_changed_counts_calendar_years(checked: date, today: date, changed: bool) -> None:
    status = IndicationStatus(
        indication="medullary",
        status="authorised",
        since="",
        scope={"fr": "", "en": ""},
        source="EMA",
        cite={"fr": "EMA", "en": "EMA"},
        checked=checked,
        verified=True,
        current_years=2,
    )
    assert may_have_changed(status, today) is changed


KEY = "status_current_years"


@pytest.mark.parametrize(
    ("years", "message"),
    [
        # the header left out: how long a status is shown as current is not in the code
        (None, rf"^{KEY}: missing \(for how many years a checked status is shown as current\)$"),
        # no year at all: every status would be said to have changed the day after its check
        (0, rf"^{KEY}: expected a whole number of years of at least 1, got 0$"),
        # a negative number of years
        (-1, rf"^{KEY}: expected a whole number of years of at least 1, got -1$"),
        # a number written as text
        ("2", rf"^{KEY}: expected a whole number of years of at least 1, got '2'$"),
        # a fraction of a year
        (2.5, rf"^{KEY}: expected a whole number of years of at least 1, got 2\.5$"),
        # true is not a number of years (TOML keeps booleans apart, Python does not)
        (True, rf"^{KEY}: expected a whole number of years of at least 1, got True$"),
    ],
)
def test_the_years_a_status_stays_current_must_be_a_positive_whole_number(
    years: Any, message: str
) -> None:
    with pytest.raises(TherapyDataError, match=message):
        parse_therapies(_file({"d": _entry()}, years=years))


@pytest.mark.parametrize(
    ("years", "changed"),
    [
        # the packaged rule (two years): a status checked 2.5 years earlier may have changed
        (2, True),
        # a file that keeps statuses current three years: the same status is still current
        (3, False),
        # one year, the fewest the file may say: a status 2.5 years old may have changed
        (1, True),
    ],
)
def test_the_files_years_decide_whether_a_status_may_have_changed(
    years: int, changed: bool
) -> None:
    # the row of _ind is checked on 2026-01-02; 2028-07-02 is two and a half years later
    row = parse_therapies(_file({"d": _entry()}, years=years))["d"].indications["medullary"]
    assert row.checked == date(2026, 1, 2)
    assert may_have_changed(row, date(2028, 7, 2)) is changed


def test_the_packaged_file_keeps_a_status_current_two_years() -> None:
    # data/therapies.toml: status_current_years = 2 (docs/answers.md: "more than two years")
    for tid, ind, status in _rows():
        assert status.current_years == 2, f"{tid}.{ind}"


def _mtc_ret() -> dict[str, Any]:
    # refractory medullary cancer (standard treatment not possible), RECIST progression
    # (H1 20 -> 30 mm), symptomatic, not locally treatable, RET mutation: the options
    # SYSTEMIC-THERAPY (selpercatinib, vandetanib, cabozantinib) and TARGETED-THERAPY
    return make_case(
        histology="medullary",
        lesions=[lesion("H1", "liver"), lesion("B1", "bone", recist_role="non_target")],
        imaging=[
            scan("2020-01-10", {"H1": 20}, {"B1": "present"}),
            scan("2020-07-10", {"H1": 30}, {"B1": "present"}),
        ],
        molecular=[mol("RET", "M918T")],
        clinical={
            "standard_treatment_possible": False,
            "symptomatic": True,
            "locally_treatable": False,
        },
    )


@pytest.mark.parametrize(
    ("option", "drugs"),
    [
        # the kinase inhibitors for medullary cancer, the RET inhibitor first
        ("SYSTEMIC-THERAPY", ("selpercatinib", "vandetanib", "cabozantinib")),
        # the RET inhibitor the mutation opens
        ("TARGETED-THERAPY", ("selpercatinib",)),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_options_naming_drugs_carry_their_status_date_and_source(
    option: str, drugs: tuple[str, ...], lang: str
) -> None:
    therapies = load_therapies()
    out = assess(parse_case(copy.deepcopy(_mtc_ret())), lang, today=date(2026, 11, 30)).to_json()  # type: ignore[arg-type]
    rationale = next(r["rationale"] for r in out["recommendations"] if r["id"] == option)
    for drug in drugs:
        status = therapies[drug].indications["medullary"]
        as_of = AS_OF[lang][0].format(
            date=_said_day(status.checked, lang), source=status.cite[lang]
        )
        assert as_of in rationale, drug


def test_the_options_say_an_old_status_may_have_changed() -> None:
    # the same case assessed three years after the rows were checked
    out = assess(parse_case(copy.deepcopy(_mtc_ret())), "en", today=date(2029, 12, 1)).to_json()
    rationale = next(
        r["rationale"] for r in out["recommendations"] if r["id"] == "SYSTEMIC-THERAPY"
    )
    assert rationale.count(CHANGED["en"]) == 3  # one per drug


@pytest.mark.parametrize(
    ("drugs", "entries"),
    [
        # an option naming drugs is keyed by the day too (its statuses may have changed)
        (("selpercatinib",), 2),
        # a text naming no drug is the same every day: one entry for both days
        ((), 1),
    ],
)
def test_the_general_parts_are_cached_by_day_only_when_they_name_drugs(
    drugs: tuple[str, ...], entries: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # session 14 mutation run (`_summary`): the cache key holds the day only with drugs
    from thyref.domain import assessment
    from thyref.domain.rules import load_rules

    monkeypatch.setattr(assessment, "_SUMMARIES", {})
    rules = load_rules()
    for day in (date(2026, 11, 30), date(2026, 12, 1)):
        assessment._summary("summary.TARGETED-THERAPY", drugs, rules, "en", "medullary", day)
    assert len(assessment._SUMMARIES) == entries


def test_the_general_parts_cache_never_holds_more_than_its_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # session 14 mutation run (`_summary`): a server running for years, or a cohort run
    # on many as-of days, keeps at most SUMMARIES_MAX texts (here 3): the fourth day
    # empties the cache before it is written
    from thyref.domain import assessment
    from thyref.domain.rules import load_rules

    monkeypatch.setattr(assessment, "_SUMMARIES", {})
    monkeypatch.setattr(assessment, "SUMMARIES_MAX", 3)
    rules = load_rules()
    held = []
    for day in range(1, 6):
        day_of = date(2026, 12, day)
        assessment._summary(
            "summary.TARGETED-THERAPY", ("selpercatinib",), rules, "en", "medullary", day_of
        )
        held.append(len(assessment._SUMMARIES))
    assert held == [1, 2, 3, 1, 2]
