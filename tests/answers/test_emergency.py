"""The emergency guard: current signs fire; negated, past and general mentions do not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thyref.answers import AnswerEngine

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "question",
    [
        "tension 22/12 et mal de tête terrible",  # very high BP (cmHg) with headache
        "BP 210/120 and worst headache of my life",  # very high BP (mmHg), thunderclap headache
        "ma tension est à 19/11 et je vois flou",  # very high BP with blurred vision
        "hypertension très forte avec maux de tête",  # high BP in words, headache
        "j'ai des selles noires depuis hier",  # black stools (digestive bleed)
        "there's blood in my stool today",  # blood in stools
        "my stool is black since I started lenvima",  # black stools, other word order
        "tight pressure in my chest",  # chest tightness
        "nose wont stop bleeding",  # uncontrolled bleed, no apostrophe
        "mon père saigne du nez sans arrêt",  # uncontrolled bleed
        "thinking about ending my life",  # suicidal ideation
        "j'ai envie de me foutre en l'air",  # suicidal ideation, colloquial French
        "je n'ai plus envie de vivre",  # suicidal ideation with a French negation form
        "no chest pain but I'm coughing up blood right now",  # negation elsewhere, sign reported
        "j'ai eu une hémorragie en 2010 et là je saigne beaucoup du nez",  # past, then current
        "is it normal to have chest pain on lenvatinib?",  # in doubt: fire
        "can lenvatinib cause bleeding? my nose has been bleeding for 2 hours",  # report after
        "I'm coughing up blood, is it my lung mets?",  # report, then a question
    ],
)
def test_fires_on_current_signs(engine: AnswerEngine, question: str) -> None:
    assert engine.guard.is_emergency(question)


@pytest.mark.parametrize(
    "question",
    [
        "no chest pain, no shortness of breath, just wondering how mets are treated",  # negated
        "I'm not suicidal, just tired of the treatment",  # negated
        "je ne suis pas suicidaire, juste fatiguée",  # negated (French)
        "j'ai eu une hémorragie digestive en 2010, puis-je prendre du lenvatinib ?",  # past (year)
        "du sang dans les selles il y a 5 ans, des hémorroïdes",  # past (years ago)
        "les thérapies ciblées peuvent donner des hémorragies ?",  # general question on a risk
        "is chest pain a known side effect of sorafenib?",  # general question on a risk
        "can targeted therapies cause high blood pressure?",  # a risk, no symptom
        "ma tension est bien contrôlée sous traitement",  # BP mentioned, nothing high
        "I've never had a seizure, can I have radiotherapy on a brain met?",  # negated
        "j'ai peur de mourir de ce cancer",  # fear, not an emergency
    ],
)
def test_does_not_fire_on_negated_past_or_general_mentions(
    engine: AnswerEngine, question: str
) -> None:
    assert not engine.guard.is_emergency(question)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_message_names_high_blood_pressure_and_numbers(engine: AnswerEngine, lang: str) -> None:
    message = engine.guard.message("fr" if lang == "fr" else "en")
    assert "15" in message and "112" in message
    assert ("tension artérielle très élevée" if lang == "fr" else "high blood pressure") in message


def test_english_message_gives_the_local_number_first(engine: AnswerEngine) -> None:
    # a reader outside France must not be given only French numbers
    assert "your local emergency number (15 or 112 in France)" in engine.guard.message("en")


def _probes(name: str, split: str) -> list[tuple[str, bool]]:
    rows = [json.loads(line) for line in (DATA / name).read_text().splitlines()]
    return [(r["q"], r["emergency"]) for r in rows if r["split"] == split]


@pytest.mark.parametrize(
    ("name", "split"),
    [
        # 40 emergencies and 40 near misses written before the guard was changed, in halves
        ("emergency.jsonl", "tune"),
        ("emergency.jsonl", "holdout"),
        # 75 + 53 more written while the guard was being changed (all tuning)
        ("emergency-tune2.jsonl", "tune"),
        # third pass: six batches of own wordings, each put to the guard before the
        # changes it prompted (first figures in docs/answers.md)
        ("emergency-tune3.jsonl", "tune"),
    ],
)
def test_probe_sets(engine: AnswerEngine, name: str, split: str) -> None:
    probes = _probes(name, split)
    assert len(probes) >= 40
    wrong = [(q, want) for q, want in probes if engine.guard.is_emergency(q) is not want]
    assert wrong == []


def test_no_ordinary_question_raises_an_emergency(engine: AnswerEngine) -> None:
    # every example question of the knowledge base and of the labelled sets is ordinary
    questions = [
        q for by_lang in engine.kb.topics.values() for t in by_lang.values() for q in t.questions
    ]
    for path in sorted(DATA.glob("*.jsonl")):
        if path.name.startswith("emergency"):
            continue
        rows = [json.loads(line) for line in path.read_text().splitlines() if line]
        # a topic-less question may still report an urgent sign (tingling after neck
        # surgery: low calcium); such rows say so with "emergency": true
        questions += [r["q"] for r in rows if not r.get("emergency")]
    assert len(questions) > 1000
    assert [q for q in questions if engine.guard.is_emergency(q)] == []


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        ("mon cancer ne répond plus à l'iode, que faire ?", False),  # the disease, not a person
        ("mon père ne répond plus", True),  # a person who does not respond
        ("I had a seizure as a child, can I have radioiodine?", False),  # childhood: past
        ("hémorragie cérébrale et thérapie ciblée, est-ce compatible ?", False),  # a risk
        ("BP is 220 over 130 and my head is pounding", True),  # reading said with "over"
        ("je crois que je fais un AVC, ma bouche est de travers", True),  # stroke signs
    ],
)
def test_subjects_and_readings(engine: AnswerEngine, question: str, emergency: bool) -> None:
    assert engine.guard.is_emergency(question) is emergency


def _kb_questions() -> list[str]:
    from thyref.answers import AnswerEngine

    kb = AnswerEngine.default().kb
    return sorted(
        {q for by_lang in kb.topics.values() for t in by_lang.values() for q in t.questions}
    )


_EMERGENCIES = [q for q, want in _probes("emergency.jsonl", "holdout") if want]
_NEGATED = [
    "no chest pain, no bleeding",  # negated signs
    "pas de douleur dans la poitrine, pas de saignement",  # negated signs (French)
    "I'm not suicidal",  # negated ideation
    "j'ai eu une hémorragie en 2010",  # past sign
]


@given(question=st.sampled_from(_kb_questions()), prefix=st.sampled_from(_NEGATED))
@settings(max_examples=60, deadline=None)
def test_negated_or_past_signs_never_make_a_question_urgent(question: str, prefix: str) -> None:
    from thyref.answers import AnswerEngine

    assert not AnswerEngine.default().guard.is_emergency(f"{prefix}. {question}")


@given(question=st.sampled_from(_kb_questions()), sign=st.sampled_from(_EMERGENCIES))
@settings(max_examples=60, deadline=None)
def test_a_reported_sign_fires_wherever_it_stands(question: str, sign: str) -> None:
    from thyref.answers import AnswerEngine

    guard = AnswerEngine.default().guard
    assert guard.is_emergency(f"{question} {sign}")
    assert guard.is_emergency(f"{sign}. {question}")


# Families of urgent signs for a patient on a kinase inhibitor or after thyroid surgery,
# written while widening the guard (issue 8, second pass): one or more wordings each, in
# French and English, with SMS spellings, typos and no accents.
@pytest.mark.parametrize(
    "question",
    [
        "tension a 230/130 ce matin",  # hypertensive crisis: a reading alone (mmHg)
        "ma tenssion est monté a 21 sur 13 avec un mal de crane",  # typo, cmHg, headache
        "bp is 190/110 and i feel dizzy and sick",  # high reading with dizziness
        "douleur au thorax tres forte",  # chest pain: thorax
        "jai mal o thorax depuis ce matin",  # chest pain, SMS "o" for "au"
        "pain in chest spreading to my jaw",  # radiating chest pain
        "it feels like an elephant is sitting on my chest",  # chest pressure image
        "je suis a bout de souffle meme assis",  # breathlessness at rest
        "je suis essouflee meme au repos",  # typo, at rest
        "im out of breath just sitting",  # at rest, "just" does not cut the clause
        "can barely breathe",  # a report, not a question starting with "can"
        "jarrive pas a respirer",  # SMS glued "j"
        "hemoptysie ce matin",  # coughing blood, medical word
        "there's blood when i cough",  # blood with a route
        "mon pere a vomi quelque chose qui ressemble a du marc de cafe",  # haematemesis
        "caca tout noir depuis 2 jours et je suis tres fatigue",  # melaena, slang
        "i have had black diarrhea since yesterday",  # melaena
        "j'urine du sang",  # haematuria
        "my incision is bleeding through the dressing",  # wound bleeding
        "epistaxis qui ne s'arrete pas",  # nosebleed that will not stop
        "j'arrive plus a parler correctement",  # stroke: speech
        "tout le coté gauche faible",  # stroke: one-sided weakness
        "numbness in my face and arm on the right side",  # stroke: one-sided numbness
        "sudden loss of vision in one eye",  # stroke: vision
        "il est tombe dans les pommes",  # fainting, French idiom
        "i blacked out",  # fainting
        "he won't wake up",  # unrousable
        "i have hives everywhere and my throat feels tight",  # anaphylaxis
        "fever of 40C and shaking chills on selpercatinib",  # high fever with chills
        "j'ai 39,8 de temperature",  # decimal comma kept in the number
        "fever 102F on vandetanib",  # Fahrenheit
        "i can't keep any fluids down",  # dehydration
        "diarrhee 10 fois par jour depuis 3 jours je tiens plus debout",  # severe diarrhoea
        "je n'urine plus depuis hier",  # no urine
        "j'ai envie d'en finir",  # suicidal
        "je ne veux plus me reveiller",  # suicidal, indirect
        "i'm going to overdose on my pills",  # suicidal, method
        "i don't see the point of living anymore",  # suicidal, hopelessness
        "jveux mourir",  # suicidal, SMS
        "fourmillements autour de la bouche et crampes dans les mains apres l'operation",  # tetany
        "my hands are spasming and curling after thyroidectomy",  # tetany
        "tetanie",  # the word alone
        "stridor",  # airway
        "respiration sifflante et bruyante",  # airway noise
        "hematome du cou qui grossit",  # neck haematoma after surgery
        "my neck is swelling fast after surgery",  # neck haematoma
        "sudden severe abdominal pain",  # perforation
        "il est tres somnolent et confus",  # sudden confusion
        "palpitations tres fortes et malaise",  # racing heart with faintness
        "crise hypertensive sous lenvatinib",  # hypertensive crisis named
        "ma tension est a 8/5 et je suis tres faible",  # very low blood pressure
        "saturation a 85%",  # low oxygen
        "heart rate 160 and dizzy",  # very fast pulse
        "il est dans le coma",  # coma
        "i am vomiting dark brown stuff like coffee",  # haematemesis described
        "je respire plus",  # not breathing, without "ne"
        "je sens une douleur enorme dans la poitrine",  # chest pain with an adjective
        "mal a la tete comme jamais avec tension 20/11",  # "comme jamais" is no negation
        "je ne sens plus mon bras",  # stroke: lost feeling
        "sa parole est bizarre depuis une heure",  # stroke: speech
        "je me sens partir",  # collapse
        "je ne supporte plus de vivre comme ca",  # suicidal
        "j'ai avale tous mes comprimes",  # overdose
        "je me suis scarifie",  # self-harm
        "coughing up blood on lenvatinib, can it be the drug?",  # a report asked as a question
        "no fever and chest pain since this morning",  # the negation stops at "and"
        "hit my head this morning and now i'm throwing up and confused",  # head injury
        "yeux jaunes et urines foncees depuis 3 jours sous lenvatinib",  # jaundice
        "i keep fainting",  # repeated faints
        "mon mari a des propos incoherents depuis ce matin",  # incoherent speech
        "pas de fievre et une douleur thoracique",  # the negation stops at "et"
        # a loss of sight still fires beside the examination wording (blind5)
        "je ne vois plus rien de l'oeil droit depuis ce matin",  # one eye, now
        "on ne voit plus rien sur le scanner mais ce matin je ne vois plus rien d'un oeil",
        # legs that suddenly cannot be felt or moved: a spinal metastasis on the cord
        # (blind5 holdout missed one; these are new wordings of the family)
        "I have bone mets in my spine and suddenly I can't feel my legs",  # the missed one
        "my mum can't feel her legs anymore and can't pee, she has spine mets",
        "mon pere ne peut plus bouger ses jambes depuis ce midi",
    ],
)
def test_fires_on_every_family_of_urgent_signs(engine: AnswerEngine, question: str) -> None:
    assert engine.guard.is_emergency(question)


@pytest.mark.parametrize(
    "question",
    [
        "comment prendre mes comprimés de lenvatinib ?",  # taking tablets is not an overdose
        "je n'arrive pas a parler de mon cancer a mes enfants",  # talking about it
        "I can't speak French, is there an English speaking specialist?",  # language
        "in the end it was fine, the scan was clean",  # "end it" inside other words
        "I want to end treatment with sorafenib, is there something else?",  # treatment
        "je veux en finir avec ces effets secondaires",  # side effects, not life
        "I don't want to live with this uncertainty, how do I cope?",  # coping
        "est-ce que je vais mourir de ce cancer ?",  # fear of the disease
        "fievre chez un homme de 40 ans sous lenvatinib, est ce grave ?",  # an age
        "I'm really confused about my scan results",  # confused by something
        "plaques rouges sur le visage sous lenvatinib",  # rash, not anaphylaxis
        "essoufflée au moindre effort, est-ce a cause de mes metastases pulmonaires ?",  # effort
        "antecedent d'AVC, puis-je prendre du lenvatinib ?",  # a history
        "les ITK peuvent-ils provoquer des AVC ?",  # a general question
        "j'ai des saignements de nez de temps en temps sous lenvatinib, c'est normal ?",  # mild
        "tingling in my hands and feet on lenvatinib, is this hand-foot syndrome?",  # HFS
        "my hands are peeling and stiff on lenvatinib",  # HFS
        "j'ai une prise de sang demain pour la Tg",  # a blood test
        "Le sang ne circule pas assez dans le ganglion ?",  # blood flow in a node
        "le taux de Tg dans le sang a monte",  # a level in the blood
        "je ne crache pas de sang",  # negated inside the phrase
        "ma tension etait a 18/11 la semaine derniere",  # past reading
        "ma Tg est passee de 25 a 12 mois apres l'ira",  # numbers that are not a pressure
        "la diarrhee peut elle donner des vertiges ?",  # a general question
        "I had tetany after my surgery in 2015, will it come back with RAI?",  # past
        "my neck node is growing fast on ultrasound",  # a node, not a haematoma
        "j'ai du mal a avaler les gros comprimes",  # big tablets
        "I took all my pills this morning as prescribed",  # adherence, not an overdose
        "je meurs d'envie de savoir mes resultats",  # an idiom
        "i'm dying to know my results",  # an idiom
        "my heart rate is 72",  # a normal pulse
        "no chest pain or shortness of breath",  # "or" carries the negation on
        "this report is not making sense to me",  # a report, not a person
        "les ITK peuvent-ils donner une jaunisse ?",  # a general question
        "pas de fievre ni de frissons",  # "ni" negates both
        "j'ai une petite boule sous la cicatrice, est-ce une recidive ?",  # a lump, not swelling
        # nothing seen on an examination is a result, not a loss of sight (blind5: this
        # cure question got the emergency message)
        "On ne voit plus rien sur les examens, ça veut dire guéri ?",
        "le chirurgien dit qu on ne voit plus rien au scanner, je suis gueri ?",  # a scan
        "they see nothing on my last scans anymore, is it gone for good?",  # English
        "nothing shows on the PET now, can it come back?",  # "shows nothing" on a PET
        # legs asked about in general, or numb for a harmless reason
        "can spine mets make you unable to move your legs?",  # a general question
        "can't feel my legs after sitting cross-legged lol",  # pins and needles
    ],
)
def test_does_not_fire_on_ordinary_wordings_of_the_same_words(
    engine: AnswerEngine, question: str
) -> None:
    assert not engine.guard.is_emergency(question)


@pytest.mark.parametrize(
    "question",
    [
        "21 de tension et je vois trouble",  # French reading (cmHg) before the word
        "sa tension a grimpe jusqu a 225 et il a mal au crane",  # words between reading
        "home bp monitor shows 195/125 and my head is pounding",  # mmHg, headache
        "elle repond plus quand on lui parle",  # SMS French drops the "ne"
        "he barely responds when we call his name",  # barely responsive
        "son bras pend et il bafouille",  # stroke signs in plain words
        "my gums have been bleeding nonstop since lunch",  # "gums bleed" inside "bleeding"
        "the cut keeps bleeding through the bandage",  # bleeding that goes on
        "je vais me flinguer",  # slang for suicide
        "i've written a goodbye note",  # farewell letter
        "vomiting everything since last night, so dizzy",  # dehydration across clauses
        "opere hier, le cou gonfle, ca serre",  # neck swelling after surgery
        "lips swelling after the contrast injection",  # allergy cue with face swelling
        "ma jambe est devenue engourdie d un coup",  # sudden onset fallback
        "should i go to the ER? i feel awful",  # asks whether to go now
        "ca serre dans la poitrine, ca passe pas",  # "ca passe pas" is not "it is over"
        "i want to be dead",  # a wish to die in other words
        "I'm peeing blood since this morning",  # "pee" in its own forms still fires
        "pooping blood tonight, feel faint",  # and "poo"
    ],
)
def test_fires_on_third_pass_families(engine: AnswerEngine, question: str) -> None:
    assert engine.guard.is_emergency(question)


@pytest.mark.parametrize(
    "question",
    [
        "what should I do if I get chest pain on cabozantinib?",  # imagined, not reported
        "quand faut-il aller aux urgences sous lenvatinib ?",  # a general question
        "should i go to the ER if i get a fever?",  # hypothetical
        "la tumeur ne repond plus au sorafenib",  # the disease, not a person
        "mon moral est tombe d un coup apres l annonce",  # a mood that falls
        "scinti post-tt blanche, question de resolution ?",  # "tt" is "traitement"
        "je suis toute blanche de peau depuis toujours",  # a skin type
        "the surgeon said my neck might swell a little after the operation, normal?",  # told
        "I was breathless before the treatment, it is better now",  # past
        "i get a bit breathless walking uphill",  # mild, on effort
        "est-ce qu'un saignement de nez sous lenvatinib est grave ?",  # a question on a risk
        "mon oncologue m a dit d un coup que j etais refractaire",  # sudden news, no sign
        "je fume depuis 30 ans, un nodule au poumon, je n'ai pas de cancer de la thyroide",
        "hier soir j'ai eu des crampes aux mains, c'est passé",  # over (the next clause)
        "que faire si je vomis du sang sous cabozantinib ?",  # hypothetical "si je"
        "when should i call an ambulance on lenvima?",  # a general "when" question
        "un peu mal a la tete ce soir, tension 12/8",  # mild, said so
        "my aunt died of a heart attack, is lenvatinib risky for me?",  # a relative's death
        "currently on lenvima, can it cause chest pain?",  # on a drug is not a sign now
        "actuellement sous lenvima, est-ce que ca peut donner des hemorragies ?",  # idem
        "tonight I am wondering whether lenvatinib can cause bleeding?",  # a risk
        # "peeling" is no "pee" (blind6: a hand-foot question raised the alarm)
        "sorafinib gives me peeling red feet, what is this syndrome",
        "my soles peel and are red on lenvatinib, normal?",
        # "poor" is no "poo"
        "poor blood flow to the nodule, does it escape the iodine?",
    ],
)
def test_does_not_fire_on_third_pass_near_misses(engine: AnswerEngine, question: str) -> None:
    assert not engine.guard.is_emergency(question)


# story openings that name a time of today, a call for help or a mild, said-so sign: an
# ordinary question after them stays ordinary (the fallback of a body sign with a recent
# onset looks inside one clause only)
_STORY_OPENINGS = [
    "depuis ce matin je me pose la question",  # a time of today, no sign
    "tonight i was reading about it",  # a time of today, no sign
    "au secours je comprends rien",  # a call for help about understanding
    "what do i do now with these results",  # a call for help about results
    "j'ai la tete qui tourne avec tout ca",  # a figure of speech
    "un peu essoufflée a l'effort",  # mild, on effort
    "ma tension est bonne, 13/8",  # a normal reading
    "mes pieds me font mal sous lenvima",  # hand-foot syndrome
]


@pytest.mark.parametrize("opening", _STORY_OPENINGS)
def test_story_openings_do_not_make_ordinary_questions_urgent(
    engine: AnswerEngine, opening: str
) -> None:
    urgent = [q for q in _kb_questions() if engine.guard.is_emergency(f"{opening}. {q}")]
    assert urgent == []


# general questions about a risk, built from forms x drugs x signs: none is a report
_RISK_FORMS = {
    "fr": [
        "{drug} peut-il donner {sign} ?",  # can the drug give
        "{sign}, est-ce un effet secondaire connu de {drug} ?",  # a known side effect
        "actuellement sous {drug}, y a-t-il un risque de {sign} ?",  # on the drug now
        "{sign} sous {drug}, c'est frequent ?",  # how frequent
    ],
    "en": [
        "can {drug} cause {sign}?",  # can the drug cause
        "is {sign} a known side effect of {drug}?",  # a known side effect
        "currently on {drug}, what is the risk of {sign}?",  # on the drug now
        "how common is {sign} with {drug}?",  # how common
    ],
}
_RISK_SIGNS = {
    "fr": [
        "des saignements",
        "des hemorragies",
        "des douleurs thoraciques",
        "des AVC",
        "des convulsions",
        "des selles noires",
        "des idees suicidaires",
        "une forte fievre",
    ],
    "en": [
        "bleeding",
        "chest pain",
        "strokes",
        "seizures",
        "black stools",
        "suicidal thoughts",
        "high fever",
        "breathing problems",
    ],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_general_questions_about_a_risk_are_not_reports(engine: AnswerEngine, lang: str) -> None:
    drugs = ["le lenvatinib", "les ITK"] if lang == "fr" else ["lenvatinib", "TKIs"]
    questions = [
        form.format(drug=drug, sign=sign)
        for form in _RISK_FORMS[lang]
        for drug in drugs
        for sign in _RISK_SIGNS[lang]
    ]
    assert [q for q in questions if engine.guard.is_emergency(q)] == []


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        # a small child who swallowed the patient's kinase inhibitor: a poisoning
        ("mon fils de 3 ans a avalé un de mes comprimés de lenvatinib", True),
        ("my toddler swallowed one of my sorafenib tablets", True),
        # the patient's treatment named by a possessive, not by the drug
        ("ma fille a mangé deux gélules de mon traitement", True),
        ("my kid ate some of my pills", True),
        ("my grandson got into my meds", True),
        # a brand name, hyphenated relative, another verb
        ("mon petit-fils a croqué un cachet de Lenvima", True),
        ("mon bébé a avalé une pilule de ma plaquette", True),
        # said not to have happened
        ("mon fils n'a pas avalé de comprimé", False),
        ("my son did not swallow any pills", False),
        # a child taking their own medicine, well or with difficulty
        ("mon fils avale mal ses comprimés", False),
        ("my daughter swallowed her pills fine", False),
        ("ma fille avale son Levothyrox le matin", False),
        ("my son swallowed his levothyroxine", False),
        # a question about giving a medicine, not an ingestion
        ("can my child take my medicine", False),
    ],
)
def test_someone_else_swallowing_the_patients_medicine(
    engine: AnswerEngine, question: str, emergency: bool
) -> None:
    # "a child who swallowed tablets is not caught by the emergency guard" (session 12's
    # blind7 report): it had no answer and no alarm, only "ask your care team"
    assert engine.guard.is_emergency(question) is emergency


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        # fingers twitching and stiffening after a thyroidectomy: low calcium (tetany);
        # missed when the stiffness stood more than 20 characters after the fingers
        ("my mum's fingers are twitching and going stiff after her thyroidectomy", True),
        ("since the operation his hands keep twitching", True),
        # a capsule too big to swallow is for the care team, not a closing throat
        ("my mom cant swallow capsules, can we open her lenvatinib into applesauce", False),
        ("elle n'arrive plus à avaler ses gélules", False),
        ("I can't swallow, my throat is closing", True),
        ("he can't swallow anything, even water", True),
        ("il n'arrive plus à avaler, même l'eau", True),
        # a scan "tout blanc" is a result; a person "tout blanc" is not
        ("scan apres iode tout blanc, mais ya des metastases ? c la resolution ?", False),
        ("il est devenu tout blanc et ne répond plus", True),
        # "faint" spots are not "fainted" cut short
        ("small faint nodules on the lungs, is watching them enough?", False),
        ("I feel faint", True),
        ("she fainted in the kitchen", True),
    ],
)
def test_blind8_tuning_signs_and_look_alikes(
    engine: AnswerEngine, question: str, emergency: bool
) -> None:
    # blind8 tuning rows (tests/answers/data/blind8/README.md) and their counterparts
    assert engine.guard.is_emergency(question) is emergency


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        # SMS "plu" for "plus" and "respire" for "respirer" (a blind8 holdout miss, read
        # after its one measured run: "jarrive plu a respire...")
        ("jpeux plu respirer", True),
        ("jarrive plu a respire", True),
        ("mon pere peut plu respire", True),
        ("il arrive pas a respire", True),
        ("elle arrive plu a respirer depuis ce matin", True),
        # "il a plu" (it rained) raises nothing
        ("il a plu toute la journee, question sur la scinti", False),
    ],
)
def test_sms_spellings_of_breathing_difficulty(
    engine: AnswerEngine, question: str, emergency: bool
) -> None:
    assert engine.guard.is_emergency(question) is emergency


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        # how to recognise a sign is a general question (blind10 tuning: it raised the
        # emergency message)
        ("comment reconnaître un AVC quand on est sous lenvatinib ?", False),
        ("how do you recognise a stroke on lenvatinib?", False),
        # a sign told now still raises it
        ("je crois que je fais un AVC, je suis sous lenvatinib", True),
        ("my face is drooping and my arm is weak, I'm on lenvatinib", True),
    ],
)
def test_recognising_a_sign_is_a_general_question(
    engine: AnswerEngine, question: str, emergency: bool
) -> None:
    assert engine.guard.is_emergency(question) is emergency


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        # "avc" written for "avec" before a determiner, with no stroke sign, time or help
        # word after it, is no stroke (blind10 tuning, blind11: three false alarms)
        ("je vis avc des nodules aux poumons depuis 5 ans, c grave de juste surveiller ?", False),
        ("c quoi le syndrome main pied, ma soeur en a avc le lenvatinib", False),
        ("pk on me fé pa le vaxin covid avc le lenvima", False),
        ("je peux voyager avc mes medicaments ?", False),
        ("on peut vivre longtemps avc ce cancer ?", False),
        # a stroke in any spelling still raises it: after an article or a verb
        ("mon mari fait un avc je crois il prend du lenvatinib", True),
        ("c un avc ?? mon pere est sous lenvatinib", True),
        ("suspicion d'avc chez ma mère sous lenvatinib", True),
        ("ma mère a un AVC avec le lenvatinib ?", True),
        # ... at the start or after a name, not before a determiner
        ("AVC !!", True),
        ("papa avc", True),
        ("mon pere avc ce matin", True),
        # ... before a determiner, with a sign, a time or help after it
        ("papa avc la bouche de travers", True),
        ("ma mere avc le visage qui tombe d'un côté", True),
        ("maman avc, le samu arrive", True),
        ("AVC ?? mon mari parle bizarrement depuis une heure", True),
        ("mon mari avc les bras tout mous", True),
        ("mon pere avc des troubles", True),
        ("avc une perte de la vue", True),
        # ... and before or after a person: a relative's stroke (session 16 review: these
        # were read "avec", no alarm)
        ("avc de ma mère, que faire ?", True),
        ("avc de mon pere", True),
        ("avc mon pere", True),
        ("avc du papy", True),
        ("je pense avc de mon mari sous lenvatinib", True),
        ("avc ma mere aide", True),
        ("mon pere avc des la sortie", True),
    ],
)
def test_avc_written_for_avec(engine: AnswerEngine, question: str, emergency: bool) -> None:
    assert engine.guard.is_emergency(question) is emergency


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        # "what to do" closing a question with a sign asks for help now (blind11, found
        # after the freeze: "quoi faire" was read as the "faire" of a question on a risk)
        ("avc les urgences disent quoi faire ?", True),
        ("hémorragie sous lenvatinib, que faire ?", True),
        ("AVC on fait quoi ?", True),
        ("my husband is coughing up blood, what do we do?", True),
        # a general question on a risk still gets its answer, not the alarm
        ("les thérapies ciblées peuvent donner des hémorragies ?", False),
        ("que faire en cas de saignement sous lenvatinib, c'est fréquent ?", False),
    ],
)
def test_what_to_do_asks_for_help_now(engine: AnswerEngine, question: str, emergency: bool) -> None:
    assert engine.guard.is_emergency(question) is emergency


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        # "completely lost" said of oneself is a feeling (blind11: a false alarm)
        ("Je suis complètement perdue, le chirurgien dit qu'on surveille, qui a raison ?", False),
        ("jsuis tout perdu avec tous ces examens", False),
        ("je me sens totalement perdue face à ce cancer", False),
        # said of someone else, it is a sudden confusion
        ("ma mère est complètement perdue depuis ce matin", True),
        ("je suis complètement perdue depuis ce matin, je ne sais plus quel jour on est", True),
        ("il est tout perdu, il ne sait plus où il est", True),
        ("mon père est totalement désorienté", True),
    ],
)
def test_feeling_lost_is_no_confusion(engine: AnswerEngine, question: str, emergency: bool) -> None:
    assert engine.guard.is_emergency(question) is emergency
