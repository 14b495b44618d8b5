"""The options' words read as a tumour-board clinician reads them (session 12 audit).

The cases are the hand-made histories of ``data/reading/`` (one JSON case each; see its
README). Each row names what a clinician must find in an option's sentence, and what
would mislead them, worked out from clinical-rules.md section 4 and the case itself,
never read from the engine's output.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from .conftest import rec, run

READING = pathlib.Path(__file__).parent / "data" / "reading"


def reading_case(name: str) -> dict[str, Any]:
    return dict(json.loads((READING / f"{name}.json").read_text(encoding="utf-8")))


def rationale(name: str, option_id: str, lang: str) -> str:
    found = rec(run(reading_case(name), lang), option_id)
    assert found is not None, f"{name}: {option_id} not proposed"
    return str(found["rationale"])


SURVEILLANCE = [
    # follicular, RECIST progression 2021-03-15, no `clinical` at all: the kinase inhibitor
    # is not proposed because symptoms and local treatability are not recorded, not
    # because there is "no indication"; the reader must see what would decide it
    (
        "r02-ftc-pd12m-clinical-unknown",
        "en",
        ["RECIST progression on", "symptoms not recorded", "not recorded", "would decide"],
    ),
    (
        "r02-ftc-pd12m-clinical-unknown",
        "fr",
        ["progression RECIST le", "symptômes non renseignés", "décideraient"],
    ),
    # papillary on sorafenib, stable, no symptoms: the drug under way is said, and the
    # option does not claim there is no indication for systemic therapy
    ("r23-ptc-on-sorafenib-stable", "en", ["under way: sorafenib", "no RECIST progression"]),
    (
        "r23-ptc-on-sorafenib-stable",
        "fr",
        ["en cours\u00a0: sorafenib", "pas de progression RECIST"],
    ),
    # follicular with an NTRK fusion: a targeted (systemic) therapy is proposed beside the
    # surveillance, which must not say that no systemic therapy is indicated
    ("r18-ftc-ntrk", "en", ["targeted therapy", "no follow-up imaging"]),
    ("r18-ftc-ntrk", "fr", ["thérapie ciblée", "pas d'imagerie de suivi"]),
    # follicular bone disease, progressive and symptomatic but treatable locally: the
    # local treatment is what stops the kinase inhibitor
    ("r15-ftc-bone-oligo", "en", ["symptomatic disease", "local treatment possible"]),
]

MISLEADING = ("no current indication for systemic therapy", "sans indication actuelle")


@pytest.mark.parametrize(("name", "lang", "expected"), SURVEILLANCE)
def test_surveillance_says_why_no_kinase_inhibitor(
    name: str, lang: str, expected: list[str]
) -> None:
    said = rationale(name, "ACTIVE-SURVEILLANCE", lang)
    for words in expected:
        assert words in said, f"{name} [{lang}]: {words!r} not in {said!r}"
    for words in MISLEADING:
        assert words not in said, f"{name} [{lang}]: {words!r} in {said!r}"


TARGETED = [
    # follicular with an ETV6-NTRK3 fusion: larotrectinib and entrectinib are two
    # alternatives (clinical-rules.md: "larotrectinib or entrectinib"), never "+"
    ("r18-ftc-ntrk", "en", ["larotrectinib or entrectinib", "NTRK3 ETV6-NTRK3 fusion"], [" + "]),
    ("r18-ftc-ntrk", "fr", ["larotrectinib ou entrectinib", "fusion NTRK"], [" + ", "NTRK fusion"]),
    # anaplastic with BRAF V600E: dabrafenib and trametinib are given together
    ("r07-atc-braf", "en", ["BRAF V600E -> dabrafenib + trametinib"], [" or "]),
    ("r07-atc-braf", "fr", ["BRAF V600E -> dabrafenib + trametinib"], [" ou tram"]),
    # medullary with RET M918T: the row's label in French words and the case's own result
    ("r09-mtc-ret-rapid", "fr", ["mutation RET (RET M918T) -> selpercatinib"], ["RET mutation"]),
    ("r09-mtc-ret-rapid", "en", ["RET mutation (RET M918T) -> selpercatinib"], []),
    # papillary with an ALK fusion: an ALK inhibitor "within a trial" (clinical-rules.md),
    # in the reader's words; the English drug label is not shown in French
    (
        "r25-ptc-alk",
        "fr",
        ["fusion ALK (ALK EML4-ALK)", "inhibiteur d'ALK", "dans le cadre d'un essai"],
        ["ALK inhibitor", "ALK fusion"],
    ),
    ("r25-ptc-alk", "en", ["ALK inhibitor", "within a trial"], []),
]


@pytest.mark.parametrize(("name", "lang", "expected", "absent"), TARGETED)
def test_targeted_therapy_names_alteration_and_drugs_in_words(
    name: str, lang: str, expected: list[str], absent: list[str]
) -> None:
    said = rationale(name, "TARGETED-THERAPY", lang)
    for words in expected:
        assert words in said, f"{name} [{lang}]: {words!r} not in {said!r}"
    for words in absent:
        assert words not in said, f"{name} [{lang}]: {words!r} in {said!r}"


NECK_NODE_WASHOUT = [
    # medullary, unconfirmed lateral neck node 17 mm: a C-cell cancer makes calcitonin,
    # not thyroglobulin; a thyroglobulin washout would be falsely reassuring (ATA-MTC2015)
    ("r10-mtc-indeterminate-germline", "en", "calcitonin", "thyroglobulin measured"),
    ("r10-mtc-indeterminate-germline", "fr", "calcitonine", "dosage de thyroglobuline"),
    # papillary, unconfirmed lateral neck node 16 mm: thyroglobulin washout (ATA2015 R71)
    ("r04-ptc-indeterminate-uptake", "en", "thyroglobulin measured", "calcitonin"),
    ("r04-ptc-indeterminate-uptake", "fr", "dosage de thyroglobuline", "calcitonine"),
]


@pytest.mark.parametrize(("name", "lang", "marker", "wrong"), NECK_NODE_WASHOUT)
def test_neck_node_workup_names_the_marker_of_the_histology(
    name: str, lang: str, marker: str, wrong: str
) -> None:
    said = rationale(name, "NECK-NODE-WORKUP", lang)
    assert marker in said
    assert wrong not in said


DATES = [
    # follicular, RECIST progression on 2021-03-15, 278 days after the I-131 of 2020-06-10:
    # French clinicians read 15/03/2021 (a French reader may take 2021-03-15 for a code);
    # English keeps the ISO date, unambiguous
    ("r02-ftc-pd12m-clinical-unknown", "fr", ["15/03/2021", "10/06/2020"], ["2021-03-15"]),
    ("r02-ftc-pd12m-clinical-unknown", "en", ["2021-03-15", "2020-06-10"], ["15/03/2021"]),
    # papillary, 25.9 GBq: threshold reached with the I-131 of 2014-05-01, imaging 2015-04-01
    ("r03-ptc-cumulative-regressing", "fr", ["01/05/2014", "01/04/2015"], ["2014-05-01"]),
]


@pytest.mark.parametrize(("name", "lang", "said", "unsaid"), DATES)
def test_criterion_evidence_dates_are_written_the_readers_way(
    name: str, lang: str, said: list[str], unsaid: list[str]
) -> None:
    out = run(reading_case(name), lang)
    details = " ".join(ev["detail"] for ev in out["refractory"]["evidence"])
    for words in said:
        assert words in details, f"{words!r} not in {details!r}"
    for words in unsaid:
        assert words not in details, f"{words!r} in {details!r}"


def test_french_sentences_of_every_reading_case_carry_no_iso_date() -> None:
    # every sentence of every reading case in French: evidence, notes, warnings, options
    # and missing data; an ISO date there is a date not written the French way
    import re

    iso = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    for path in sorted(READING.glob("*.json")):
        out = run(reading_case(path.stem), "fr")
        texts = [r["rationale"] for r in out["recommendations"]]
        for d in out["definitions"]:
            texts += [ev["detail"] for ev in d["evidence"]] + list(d["notes"])
        if out["recist"]:
            texts += list(out["recist"]["warnings"])
            texts += [r for tp in out["recist"]["timepoints"] for r in tp.get("reasons", [])]
        for said in texts:
            assert not iso.search(said), f"{path.stem}: {said!r}"


LOCAL_VS_SYSTEMIC = [
    # oncocytic on lenvatinib, two lung lesions of 26 and 22 mm, `clinical.locally_treatable`
    # false: LOCAL-TREATMENT (per-lesion trigger) and SYSTEMIC-THERAPY ("not treatable
    # locally") are both proposed; the local option must say the case's judgement
    ("r12-oncocytic-on-lenvatinib-pd", "en", True),
    ("r12-oncocytic-on-lenvatinib-pd", "fr", True),
    # follicular bone disease, `clinical.locally_treatable` true: nothing to reconcile
    ("r15-ftc-bone-oligo", "en", False),
]


@pytest.mark.parametrize(("name", "lang", "flagged"), LOCAL_VS_SYSTEMIC)
def test_local_treatment_says_when_the_case_calls_the_disease_not_local(
    name: str, lang: str, flagged: bool
) -> None:
    said = rationale(name, "LOCAL-TREATMENT", lang)
    words = {"en": "not treatable locally", "fr": "non accessible à un traitement local"}[lang]
    assert (words in said) is flagged, said
