"""The reader of requests to act on a medicine (thyref.answers.medicine, kb/medicine.toml):
an action verb in no past form, a request before it, a medicine near it, no question for
information."""

from __future__ import annotations

import pytest

from thyref.answers import AnswerEngine
from thyref.answers.kb import load_knowledge_base
from thyref.answers.medicine import MedicineActions


@pytest.mark.parametrize(
    ("question", "concepts"),
    [
        # a strong verb with leave asked and a drug named after it
        ("je peux sauter mon Lenvima ce week-end ?", ["medicine-action"]),
        # a conditional and a relative, the drug before the verb ("le ... par deux")
        ("et si on divisait les comprimés de Lenvima par deux ?", ["medicine-action"]),
        # an English past form after "what if" is a conditional, not a story
        ("what if I skipped a couple of sorafenib doses?", ["medicine-action"]),
        # a pronoun after the verb stands for the drug named in the other sentence
        ("I'm on cabozantinib. Can I just stop it?", ["medicine-action"]),
        # a French pronoun before the verb does too
        ("Le Nexavar me fatigue. Je peux l'arrêter ?", ["medicine-action"]),
        # a weak verb with leave asked right before it and a quantity after it
        ("I forgot my Lenvima yesterday, can I take two today?", ["medicine-take"]),
        # a first person right before a strong verb in the present
        ("mon endocrino est absent, je baisse mon Euthyrox tout seul ?", ["medicine-action"]),
        # a past action told: an auxiliary before a participle
        ("j'ai arrêté le cabozantinib l'an dernier, y a-t-il des essais ?", []),
        # an English past form without a conditional
        ("I stopped lenvatinib last year because of side effects", []),
        # the drug is the subject: it stops working
        ("if Lenvima stops working, are there other approved drugs?", []),
        # "peut-elle" stands for the mutation, not a person
        ("la mutation peut-elle changer mon traitement ?", []),
        # a weak verb whose object is a vaccine, the drug only in the scene
        ("Can I take the Covid vaccine while on a targeted therapy?", []),
        # "je prends..." tells a story; no leave asked
        ("je prends du lenvatinib et j'ai des ampoules sous les pieds", []),
        # a question for information ("why")
        ("why do they wait before starting a kinase inhibitor?", []),
        # no medicine named: stopping something else
        ("can I stop the low-iodine diet after the scan?", []),
        # a blood test is no dose ("prise de sang")
        ("je peux décaler ma prise de sang à jeudi ?", []),
        # someone outside the care team giving the patient their own medicine (blind8
        # tuning: both were answered with targeted-therapy-access)
        ("mon voisin a du cabometyx en trop, il peut me le donner ?", ["medicine-action"]),
        ("can my friend give me a few of her lenvima pills till my refill", ["medicine-action"]),
        # a doctor giving a drug is prescribing it: ranked as usual
        ("can my doctor give me lenvatinib?", []),
        ("mon médecin peut-il me donner du lenvatinib ?", []),
        # a giving told in the past is a story
        ("my brother gave me some of his pills last year, was that dangerous?", []),
        # "jen" is "j'en": taking a dose again after vomiting it
        ("jai vomi mon cachet de lenvatinib, jen reprends un ?", ["medicine-action"]),
        # taking one drug without its partner, supposed: a change, not a scene (blind8
        # holdout's miss, then blind9 tuning rows; all got anaplastic-treatment)
        ("si je prend le trametinib sans le dabrafenib ca marche pareil ?", ["medicine-action"]),
        ("ca marche aussi si on prend le dabrafenib seul, sans trametinib ?", ["medicine-action"]),
        (
            "what if I only take trametinib without the dabrafenib, does it still work?",
            ["medicine-action"],
        ),
        # a conditional before a negated or restricted taking (blind9 tuning:
        # targeted-therapy-access before); "prenais" is a form of "prendre"
        ("si ma mere ne prend pas son sorafenib le dimanche, c'est grave ?", ["medicine-action"]),
        ("what if I just don't take the vandetanib when I have plans?", ["medicine-action"]),
        ("et si je prenais le selpercatinib un jour sur trois ?", ["medicine-action"]),
        ("et si je prenais le lenvima que les jours ou je me sens bien ?", ["medicine-action"]),
        # "supposing" is a conditional: the English past form is no story
        ("supposing I doubled the sorafenib for a week?", ["medicine-action"]),
        # two drugs together, supposed or asked (blind9 tuning)
        (
            "si je prends du pralsetinib et du cabozantinib en meme temps ca marche mieux ?",
            ["medicine-action"],
        ),
        (
            "l'équipe de l'essai me propose un nouveau médicament, je peux le prendre en plus "
            "du lenvatinib ?",
            ["medicine-action"],
        ),
        ("can I take the trial drug and keep my sorafenib too?", ["medicine-action"]),
        # a conditional alone still sets a scene
        ("si je prends du lenvatinib, est-ce que je peux me faire vacciner contre le covid ?", []),
        # the pair given together, supposed: an information question
        ("si on prend le dabrafenib avec le trametinib, est-ce que l'iode peut refixer ?", []),
        # session 14 mutation run (each row fails on a mutant of `_changes_taking`):
        # the medicine named right after "sans", without an article
        ("si je prends le trametinib sans dabrafenib, ça marche pareil ?", ["medicine-action"]),
        # a conditional of two words ("au cas") as the first words
        (
            "au cas où je prendrais le trametinib sans le dabrafenib, ça marche ?",
            ["medicine-action"],
        ),
        # "only" first, before the conditional, restricts the taking (within 3 words)
        ("Only if I take lenvatinib at night, will the fatigue be better?", ["medicine-action"]),
        # a negated taking without a conditional nor leave asked tells what is done
        ("je ne prends jamais mon sorafenib le dimanche, c'est normal ?", []),
        # a conditional of another clause, more than `window` words before the verb
        (
            "Au cas où ça intéresse le médecin pour la suite, je ne prends plus de lenvatinib "
            "depuis mars.",
            [],
        ),
        # a weak verb acting on something else, the medicine 5 words after it
        ("si je prends le soleil sans protection sous lenvatinib, c'est grave ?", []),
        # a restriction 8 words after the verb belongs to another verb (outside `after` + 2)
        ("si je prends le lenvatinib, est-ce que je peux sortir le week-end ?", []),
        # a restriction before the verb is no restriction of it
        (
            "Le week-end, si je prends mon lenvatinib, est-ce que je peux boire un verre de vin ?",
            [],
        ),
        # "sans" with a medicine 4 words after it leaves no medicine out
        (
            "si je prends le lenvatinib sans souci avec le levothyrox, faut-il quand même une "
            "prise de sang ?",
            [],
        ),
        # a change read, the verbs after it are read too: leave to take another drug
        (
            "if I take trametinib without dabrafenib, can I take my levothyroxine?",
            ["medicine-action", "medicine-take"],
        ),
        # a negation 4 words before the verb is another verb's ("don't eat")
        ("what if I don't eat then take my sorafenib?", []),
    ],
)
def test_medicine_requests(engine: AnswerEngine, question: str, concepts: list[str]) -> None:
    assert engine.medicine_action(question) == concepts


def test_a_topic_asking_leave_to_take_a_drug_does_not_answer_stopping_one(
    engine: AnswerEngine,
) -> None:
    # targeted-therapy-when's own question asks leave to take a drug beside brain
    # metastases: a request to stop one beside metastases is still declined
    assert engine.ask("Can I take a targeted drug with brain metastases?").topic == (
        "targeted-therapy-when"
    )
    assert (
        engine.ask("can I stop my lenvatinib now that the brain metastases are stable?").topic
        is None
    )


def test_without_a_change_table_no_change_is_read() -> None:
    # `[change]` of kb/medicine.toml is optional (session 14 mutation run): without it,
    # the change fields keep their "nothing" values, and taking one drug without its
    # partner is read as any weak verb (no leave asked: no request)
    kb = load_knowledge_base()
    raw = {k: v for k, v in kb.medicine.items() if k != "change"}
    actions = MedicineActions.from_config(raw, kb.lexicon, kb.drug_names)
    assert (
        actions.change_window,
        actions.change_before,
        actions.change_restrict,
        actions.change_without,
        actions.change_combine,
    ) == (0, frozenset(), frozenset(), frozenset(), frozenset())
    sentence = ["si", "je", "prends", "le", "trametinib", "sans", "le", "dabrafenib"]
    assert actions.asks([sentence]) == []
    full = MedicineActions.from_config(kb.medicine, kb.lexicon, kb.drug_names)
    assert full.asks([sentence]) == ["medicine-action"]
