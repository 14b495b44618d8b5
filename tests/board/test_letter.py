"""The patient letter: plain words, one page, every code or abbreviation explained."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from thyref.board.decision import Decision
from thyref.board.letter import build_letter, render_letter_pdf, render_letter_text
from thyref.domain.messages import has
from thyref.domain.rules import load_rules

from .conftest import assessed, example_names, load_example, pdf_pages, pdf_text

# Abbreviations a reader may meet; each must be explained by the letter's glossary.
ABBREVIATION = re.compile(r"\b[A-Z][A-Z0-9]{1,}\b|\b[A-Z]-\d+\b")


def _decision_of_everything(assessment: dict[str, object]) -> Decision:
    recs = assessment["recommendations"]
    assert isinstance(recs, list)
    return Decision(
        options=tuple(str(r["id"]) for r in recs),
        specialties=("endocrinology", "nuclear_medicine", "medical_oncology"),
        follow_up=date(2027, 3, 1),
        meeting_kind="national",
        meeting_date=date(2026, 12, 3),
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", example_names())
def test_letter_has_no_code_and_explains_its_abbreviations(
    name: str, lang: str, tmp_path: Path
) -> None:
    case, _ = load_example(name)
    a = assessed(case, lang)
    letter = build_letter(case, a, lang, decision=_decision_of_everything(a))
    body = " ".join([letter["intro"], *(item for s in letter["sections"] for item in s["items"])])
    # no option id (they are rule codes) anywhere in what the patient reads
    for rec in a["recommendations"]:
        assert rec["id"] not in body
    explained = " ".join(g["term"] for g in letter["glossary"])
    for abbreviation in set(ABBREVIATION.findall(body)):
        assert abbreviation in explained, f"{abbreviation} is not explained"
    # what it looked at, what it proposes, what next, whom to call: four parts
    assert len(letter["sections"]) == 4
    assert ("15" in letter["sections"][3]["items"][1]) and (
        "112" in letter["sections"][3]["items"][1]
    )
    pdf = render_letter_pdf(letter)
    assert pdf_pages(pdf, tmp_path) == 1
    assert letter["title"] in pdf_text(pdf)


def test_every_option_has_plain_words_for_the_patient_in_both_languages() -> None:
    for option in load_rules().options.sources:
        for lang in ("fr", "en"):
            assert has(f"board.letter.option.{option}", lang), option


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # a French reader gets day/month/year, an English reader the month's name
        ("fr", "prévu vers le 01/03/2027"),
        ("en", "planned around 1 March 2027"),
    ],
)
def test_follow_up_date_is_written_for_a_patient(lang: str, expected: str) -> None:
    case, _ = load_example("demo-003")
    a = assessed(case, lang)
    text = render_letter_text(build_letter(case, a, lang, decision=_decision_of_everything(a)))
    assert expected in text


def test_letter_never_tells_to_change_a_medicine_and_sends_to_the_team() -> None:
    case, _ = load_example("demo-003")
    a = assessed(case, "en")
    text = render_letter_text(build_letter(case, a, "en", decision=_decision_of_everything(a)))
    lowered = text.lower()
    for forbidden in ("stop taking", "start taking", "increase your dose", "reduce your dose"):
        assert forbidden not in lowered
    assert "without changing anything on your own" in text
    assert "care team" in text


def test_letter_before_the_meeting_says_nothing_is_decided() -> None:
    case, _ = load_example("demo-003")
    text = render_letter_text(build_letter(case, assessed(case, "fr"), "fr"))
    assert "rien n'est encore décidé" in text
    assert "Ce qu'ils vont discuter" in text


@pytest.mark.parametrize(
    ("lang", "meeting_date", "said", "never"),
    [
        # a dated meeting: the letter says its date, the patient's way (human_date)
        ("fr", date(2026, 11, 19), "présenté le 19/11/2026 à la", None),
        ("en", date(2026, 11, 19), "presented on 19 November 2026 at the", None),
        # no meeting date in the record: no date at all, never the day the letter is printed
        ("fr", None, "Votre dossier a été présenté à la", "28/11/2026"),
        ("en", None, "Your case was presented at the", "28 November 2026"),
    ],
)
def test_the_meeting_date_is_the_records_never_invented(
    lang: str, meeting_date: date | None, said: str, never: str | None
) -> None:
    """Facts with dates (the guide): the letter's only date of the meeting is the record's."""
    case, _ = load_example("demo-003")
    decision = Decision(options=("REDIFFERENTIATION",), meeting_date=meeting_date)
    letter = build_letter(case, assessed(case, lang), lang, decision=decision,
                          today=date(2026, 11, 28))  # fmt: skip
    assert said in letter["intro"]
    if never:
        assert never not in letter["intro"]


@pytest.mark.parametrize(
    ("specialties", "claims_several"),
    [
        # three specialties recorded: a multidisciplinary board, the letter may say so
        (("endocrinology", "nuclear_medicine", "medical_oncology"), True),
        # one specialty recorded (the quorum warning of the sheet): the letter does not
        # claim doctors of several specialties studied the case
        (("endocrinology",), False),
        # nobody recorded
        ((), False),
    ],
)
def test_the_letter_claims_no_more_specialties_than_recorded(
    specialties: tuple[str, ...], claims_several: bool
) -> None:
    case, _ = load_example("demo-003")
    decision = Decision(options=("REDIFFERENTIATION",), specialties=specialties)
    letter = build_letter(case, assessed(case, "en"), "en", decision=decision)
    assert ("different specialties" in letter["intro"]) is claims_several


@pytest.mark.parametrize(
    ("lang", "glossary_line"),
    [
        # French typography: a no-break space before the colon
        ("fr", "  RCP\u00a0: Réunion de concertation pluridisciplinaire"),
        # English: none (the PDF had " : " in English, the text ": " in French)
        ("en", "  RCP (tumour board): Multidisciplinary team meeting"),
    ],
)
def test_the_glossary_colon_is_written_the_readers_way(lang: str, glossary_line: str) -> None:
    case, _ = load_example("demo-003")
    a = assessed(case, lang)
    letter = build_letter(case, a, lang, decision=_decision_of_everything(a))
    assert glossary_line in render_letter_text(letter)


@pytest.mark.parametrize(
    ("lang", "on_drug", "later", "already"),
    [
        # a patient on sorafenib is not told that treatment would be talked about later
        ("fr", "sorafenib", "reparler d'un traitement", "le traitement que vous prenez déjà"),
        ("en", "sorafenib", "talk about treatment again", "the treatment you already take"),
        # with no drug recorded, the sentence stays as it was
        ("fr", None, "le traitement que vous prenez déjà", "reparler d'un traitement"),
        ("en", None, "the treatment you already take", "talk about treatment again"),
        # "aucun" / "none" written in the field is no drug (session 16: the letter told a
        # patient on no drug of "the treatment you already take")
        ("fr", "aucun", "le traitement que vous prenez déjà", "reparler d'un traitement"),
        ("en", "none", "the treatment you already take", "talk about treatment again"),
        ("en", "-", "the treatment you already take", "talk about treatment again"),
    ],
)
def test_surveillance_in_the_letter_knows_a_drug_under_way(
    lang: str, on_drug: str | None, later: str, already: str
) -> None:
    # session 12's reading: the letter of a patient on sorafenib said "reparler d'un
    # traitement si la maladie évolue", as if no drug were being taken
    case, _ = load_example("demo-003")
    case = {**case, "clinical": {**(case.get("clinical") or {}), "on_systemic_therapy": on_drug}}
    a = assessed(case, lang)
    decision = Decision(options=("ACTIVE-SURVEILLANCE",), meeting_kind="regional")
    said = render_letter_text(build_letter(case, a, lang, decision=decision))  # type: ignore[arg-type]
    assert later not in said
    assert already in said
