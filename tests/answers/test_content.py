"""What the answers say (issue 8): heredity, medicines, current treatments, jargon."""

from __future__ import annotations

import pytest

from thyref.answers import AnswerEngine
from thyref.answers.text import normalised
from thyref.domain.therapies import load_therapies


def _body(engine: AnswerEngine, topic: str, lang: str) -> str:
    return engine.kb.topics[topic]["fr" if lang == "fr" else "en"].body


@pytest.mark.parametrize(
    ("lang", "quarter", "germline", "family"),
    [
        ("fr", "1 cancer médullaire sur 4", "germinale", "enquête familiale"),  # ATA-MTC 2015
        ("en", "1 medullary cancer in 4", "germline", "family testing"),  # ATA-MTC 2015
    ],
)
def test_mutation_testing_says_when_mutations_are_inherited(
    engine: AnswerEngine, lang: str, quarter: str, germline: str, family: str
) -> None:
    body = _body(engine, "mutation-testing", lang)
    assert quarter in body and germline in body and family in body
    assert "RET" in body
    # somatic mutations of the other cancers are said not to be inherited
    assert ("pas héréditaires" if lang == "fr" else "not inherited") in body
    assert "ATA_MTC2015" in engine.kb.topics["mutation-testing"]["fr"].sources


def test_glossary_does_not_call_ret_never_inherited(engine: AnswerEngine) -> None:
    for lang in ("fr", "en"):
        entries = {g.id: g for g in engine.glossary(lang)}  # type: ignore[arg-type]
        somatic = entries["somatic-mutation"].definition
        # RET is named only to say it can be inherited in medullary cancer
        assert "RET" not in somatic.split("(")[1].split(")")[0]
        germline = entries["germline-mutation"].definition
        assert "RET" in germline and ("1" in germline and "4" in germline)


@pytest.mark.parametrize(
    "question",
    [
        "dois-je arrêter mon lenvatinib, j'ai très mal aux pieds",  # issue 8, verbatim
        "should I stop sorafenib? my feet are so sore",  # the same in English
    ],
)
def test_stopping_a_medicine_reaches_side_effect_answer(
    engine: AnswerEngine, question: str
) -> None:
    answer = engine.ask(question)
    assert answer.topic == "hand-foot-syndrome"
    text = normalised(answer.body_markdown or "")
    assert "n arretez pas votre traitement" in text or "do not stop your treatment" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_answer_says_never_to_change_a_medicine_alone(
    engine: AnswerEngine, lang: str
) -> None:
    reminder = engine.kb.messages["care_team_reminder"]["fr" if lang == "fr" else "en"]
    assert (
        ("n'arrêtez" in reminder or "jamais" in reminder) if lang == "fr" else "never" in reminder
    )
    answer = engine.ask(
        "c'est quoi le syndrome main pied" if lang == "fr" else "hand-foot syndrome?"
    )
    assert answer.body_markdown is not None and answer.body_markdown.endswith(reminder)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_access_answer_renders_current_statuses(engine: AnswerEngine, lang: str) -> None:
    body = _body(engine, "targeted-therapy-access", lang)
    assert "{{" not in body
    for drug in ("selpercatinib", "cabozantinib", "lenvatinib", "sorafenib", "vandetanib"):
        assert f"**{drug}**" in body
    sel = load_therapies()["selpercatinib"].indications["differentiated"]
    assert sel.since in body  # the year comes from the data file
    checked = sel.checked.strftime("%d/%m/%Y") if lang == "fr" else sel.checked.isoformat()
    assert checked in body


def test_anaplastic_answer_dates_dabrafenib_trametinib(engine: AnswerEngine) -> None:
    body = _body(engine, "anaplastic-treatment", "en")
    assert "dabrafenib + trametinib" in body
    assert "to be confirmed by your care team" in body  # unverified in the data file
    assert engine.kb.topics["anaplastic-treatment"]["en"].review_date >= "2026-11-28"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_meraiode_results_are_no_longer_pending(engine: AnswerEngine, lang: str) -> None:
    body = _body(engine, "meraiode-results", lang)
    assert "ESMO" in body and "2021" in body
    assert ("présentés" if lang == "fr" else "presented") in body


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cure_after_removal_separates_initial_treatment(engine: AnswerEngine, lang: str) -> None:
    body = _body(engine, "cure-after-removal", lang)
    # the reassurance of the seed is about the initial treatment, not removed metastases
    assert ("traitement initial" if lang == "fr" else "initial treatment") in body
    assert ("promettre" if lang == "fr" else "promise") in body


@pytest.mark.parametrize(
    ("topic", "lang", "term"),
    [
        ("refractory-definition", "fr", "Lésion cible"),  # jargon named in issue 8
        ("iodine-124-scan", "fr", "Histologie"),  # jargon named in issue 8
        ("hand-foot-syndrome", "fr", "Crème kératolytique"),  # jargon named in issue 8
    ],
)
def test_jargon_is_linked_to_the_glossary(
    engine: AnswerEngine, topic: str, lang: str, term: str
) -> None:
    assert term in [g.term for g in engine.kb.linked_glossary(topic, "fr")]


def test_dosage_is_a_blood_test_wherever_it_is_used(engine: AnswerEngine) -> None:
    # "dosage" means a blood measurement in French: every answer using it links the entry
    for tid in engine.topic_ids:
        if " dosage" in normalised(_body(engine, tid, "fr")):
            assert "Dosage" in [g.term for g in engine.kb.linked_glossary(tid, "fr")], tid
    entry = {g.id: g for g in engine.glossary("fr")}["blood-test"]
    assert "prise de sang" in entry.definition


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", "ajustee par le medecin"), ("en", "adjusted by the doctor")],
)
def test_tsh_dose_is_the_doctors_in_both_languages(
    engine: AnswerEngine, lang: str, words: str
) -> None:
    # the English text said "by adjusting the thyroid hormone dose", which a reader could
    # take as an invitation to adjust it (session 8); both now say the doctor adjusts it
    body = engine.kb.topics["lung-nodules-surveillance"]["fr" if lang == "fr" else "en"].body
    assert words in normalised(body)


# Dated facts say their date (developers' guide: "dated facts say their date"). These
# figures come from the January 2021 web conference (the seed): the yearly number of
# patients, the number of TuThyRef centres and how often the national RCP met, and the
# research progress "of the last 10 to 15 years". Blind5 found them shown without a date.
@pytest.mark.parametrize(
    ("topic_id", "fact"),
    [
        ("epidemiology", "350"),  # new patients a year in France
        ("tuthyref-network", "centres"),  # about thirty expert centres
        ("who-decides", "RCP"),  # the national RCP twice a month
        ("clinical-trials", "15"),  # progress over 10 to 15 years
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_figures_of_2021_say_their_date(
    engine: AnswerEngine, topic_id: str, fact: str, lang: str
) -> None:
    body = engine.kb.topics[topic_id][lang].body
    assert fact in body
    assert "2021" in body


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_us_status_of_dabrafenib_trametinib_cites_its_source(
    engine: AnswerEngine, lang: str
) -> None:
    # the anaplastic answer states the US approval since 2018 (therapies.toml: FDA,
    # 4 May 2018): its sources name the FDA decision, with its date
    text = engine.kb.topics["anaplastic-treatment"][lang]
    assert "United States" in text.body or "États-Unis" in text.body
    assert "FDA_ATC2018" in text.sources
    assert "FDA" in engine.kb.sources["FDA_ATC2018"]["title"]
    assert "2018" in engine.kb.sources["FDA_ATC2018"]["title"]
