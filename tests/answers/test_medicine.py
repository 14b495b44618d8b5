"""The reader of requests to act on a medicine (thyref.answers.medicine, kb/medicine.toml):
an action verb in no past form, a request before it, a medicine near it, no question for
information."""

from __future__ import annotations

import pytest

from thyref.answers import AnswerEngine


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
