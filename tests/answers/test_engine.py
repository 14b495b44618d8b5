"""Matching, abstention, the emergency guard and the shape of answers."""

from __future__ import annotations

import pydantic
import pytest

from thyref.answers import Answer, AnswerEngine
from thyref.answers.text import words
from thyref.domain.messages import Lang


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # brand names stand for their molecule
        (
            "le Nexavar se prend-il seulement dans un protocole de recherche ?",
            "targeted-therapy-access",
        ),
        ("Lenvima gave me blisters on my heels", "hand-foot-syndrome"),
        # colloquial French for the iodine treatment
        ("combien d'irathérapies on peut enchaîner ?", "rai-how-many"),
        # abbreviations
        (
            "l'ITK est-il contre-indiqué si j'ai une métastase au cerveau qui saigne facilement ?",
            "targeted-therapy-when",
        ),
        ("does the RCP decide my treatment?", "who-decides"),
        # typos
        ("c quoi la radioterapie stereotaxiqe", "stereotactic-radiotherapy"),
        ("metastazes pulmonaires operation possible ?", "lung-metastases-treatment"),
        ("vacin covid avec le lenvatinib ?", "covid-vaccine"),
        # no accents, sms style
        ("ganglions mediastin chirurgie sternum", "mediastinal-lymph-nodes"),
        # English, plain
        ("how many new patients each year in France have this cancer?", "epidemiology"),
        ("is the tuthyref network national?", "tuthyref-network"),
        ("my father has an anaplastic tumour with a BRAF mutation", "anaplastic-treatment"),
        # an off-topic word does not hide the topic's own subject
        ("diarrhée et crevasses aux pieds sous Lenvima", "hand-foot-syndrome"),
        (
            "TSH basse sous Levothyrox avec des nodules pulmonaires stables",
            "lung-nodules-surveillance",
        ),
        # ...nor a subject the topic's own questions cover
        ("la mutation se transmet-elle à mes enfants ?", "mutation-testing"),
        # "recherche de mutation" is a test, not research
        ("quand fait-on une recherche de mutation ?", "mutation-testing"),
        # a typo is never corrected into an off-topic word ("kinds" is not "kids")
        ("Which kinds of thyroid cancer are called refractory?", "refractory-definition"),
        # EU brand name: the drug's status is in the access answer (issue 8)
        ("Retsevmo for an anaplastic tumour with a RET fusion?", "targeted-therapy-access"),
        # French abbreviation
        ("j'en suis à ma 5e IRA, y a-t-il un maximum ?", "rai-how-many"),
    ],
)
def test_questions_find_their_topic(engine: AnswerEngine, question: str, topic: str) -> None:
    answer = engine.ask(question)
    assert topic in [answer.topic, *answer.related][:3]
    assert answer.topic == topic


@pytest.mark.parametrize(
    "question",
    [
        "Quel temps fait-il à Marseille ?",  # weather
        "recette du bœuf bourguignon",  # recipe
        "Who won the football world cup in 2018?",  # sport
        "Le cancer du sein est-il héréditaire ?",  # another cancer
        "How is type 2 diabetes treated?",  # another disease
        "Mon chat ne mange plus",  # pets
        "Faut-il prendre le Levothyrox le matin à jeun ?",  # thyroid, but not a topic
        "bonjour",  # greeting
        "",  # empty question
        "???",  # punctuation only
        # a drug or the iodine treatment named, but about a subject no topic covers
        "puis-je boire de l'alcool sous Lenvima ?",  # alcohol
        "diarrhée sous sorafenib",  # side effect other than the skin
        "my blood pressure is high since I started lenvatinib",  # hypertension
        "sushi avant l'iode ?",  # diet before iodine
        "Can I take ibuprofen with Cabometyx?",  # drug interaction
        "perte de cheveux sous Nexavar",  # hair loss
        "can I hug my grandchildren after radioactive iodine?",  # radiation safety at home
        "voix enrouée depuis ma thyroïdectomie",  # after-surgery complication
        "arrêt de travail pendant le traitement par ITK",  # administrative
        "traitement du mélanome avec mutation BRAF",  # another cancer with a shared gene
        "vaccin contre la fièvre jaune sous Lenvima",  # another vaccine
        "cytoponction d'un nodule thyroïdien bénin",  # general thyroid question
        # fever, chills, an infection or a cough on treatment: were answered with the
        # list of approved drugs (the drug name matched, the symptom was unknown)
        "j'ai de la fièvre sous lenvatinib que faire",  # fever on a kinase inhibitor
        "I have a fever on sorafenib what should I do",  # the same, in English
        "j'ai des frissons sous lenvatinib",  # chills
        "j'ai une infection urinaire, je continue le lenvatinib ?",  # an infection
        "I have an infection can I keep taking sorafenib",  # the same, in English
        "je tousse beaucoup depuis une semaine sous sorafenib",  # a cough
        "j'ai mal à la gorge depuis l'iode",  # sore throat after iodine
        # how much of a drug to take: only the prescriber answers (were matched to the
        # Covid vaccine or hand-foot syndrome topics by the word "dose" or the drug)
        "quelle dose de lenvatinib dois-je prendre",  # a dose asked
        "what dose of sorafenib should I take",  # the same, in English
        "puis-je augmenter ma dose de lenvatinib moi-même",  # changing one's dose
        # side effects no topic covers, named with a drug (were answered with the list of
        # approved drugs)
        "j'ai des vertiges sous Lenvima",  # dizziness
        "I feel dizzy on lenvatinib",  # the same, in English
        "mes jambes gonflent sous sorafenib",  # oedema
        "my ankles are swollen since starting cabozantinib",  # the same, in English
        "j'ai mal au foie sous lenvatinib",  # the liver
        "la lenvatinib peut-elle abîmer les reins ?",  # the kidneys
        "est-ce que l'iode 131 rend stérile",  # fertility (was the scan-resolution topic)
        # getting ready for iodine: decided by the nuclear medicine team
        "should I stop levothyroxine before my iodine treatment",  # was lung nodules
        # remedies outside medicine (was the cure-after-removal topic)
        "les plantes peuvent-elles guérir mon cancer de la thyroïde ?",
        # radiation safety of the family (was the heredity answer of mutation-testing)
        "l'iode radioactif est-il dangereux pour mes enfants",
        # audit probe (session 8): changing one's own thyroid hormone dose or believing
        # one doctor over another is for the care team (were lung-nodules-surveillance,
        # whose TSH subject rescued them)
        "Should I lower my levothyroxine myself?",
        "My TSH is 0.02 and my heart races all the time, cardiologist says afib risk. "
        "Should I lower my levothyroxine myself to get TSH up a bit?",
        "my tsh is 4.5 and my oncologist says fine but the internet says it should be "
        "below 0.1 for mets, should I take extra pills?",  # extra pills
        "mon endocrino veut baisser mon levothyrox car osteoporose, mais la fiche dit tsh "
        "basse, qui croire ?",  # which doctor to believe
        # skipping, pausing or stopping a drug before a procedure or a treatment (were
        # targeted-therapy-access, targeted-therapy-when, redifferentiation, covid-vaccine)
        "depuis que je suis sous cabometyx je suis a plat, est ce que je peux sauter les "
        "week ends ?",  # skipping weekends
        "operation de la hanche programmee, le chirurgien demande d arreter le cabometyx, "
        "combien de jours avant ?",  # stopping before surgery
        "iode radioactif sous lenvima, faut-il l'arrêter avant ?",  # before iodine
        "j ai eu une chirurgie dentaire prevue, faut il arreter le lenvima avant "
        "l extraction ?",  # before a tooth extraction
        "rappel covid sous cabozantinib, je dois faire une pause du traitement avant ?",
        # lowering one's own dose, even with hand-foot syndrome named (was hand-foot)
        "j ai les pieds en sang avec des ampoules sous nexavar, est ce que je peux diminuer "
        "la dose moi meme a 1 comprime au lieu de 2 ?",
        # halving one's own dose (blind4 holdout: "cut my ... dose in half myself" got
        # targeted-therapy-access; these wordings are new)
        "can I halve my Nexavar?",
        "can I take half the dose of Retevmo",
        "prendre une demi dose de lenvima, c'est possible ?",
        "je voudrais diminuer de moitié le Cabometyx, je supporte mal",
        # stopping a drug one cannot bear any more, told in a story
        "Il est sous lenvima 14 mg depuis 8 mois. Il veut tout arreter. Est ce qu on peut "
        "arreter le lenvima si on ne le supporte plus ?",
        # drug interactions (session 8): blood thinners, heart-rhythm drugs and the QT,
        # acid reducers (were targeted-therapy-access or targeted-therapy-when)
        "je prends du kardegic pour le coeur, est ce compatible avec le cabometyx ?",
        "mon pere est sous vandetanib, son cardiologue veut lui donner de l amiodarone, il y "
        "a un souci avec le qt ?",  # antiarrhythmic and QT
        "Im on sorafenib and my doctor wants to start me on warfarin for a clot, is that safe?",
        "lenvima et xarelto en meme temps, risque ?",  # rivaroxaban
        "eliquis et cabometyx, mon cardiologue et mon oncologue ne sont pas d accord",
        "Previscan avec nexavar ?",  # fluindione
        "Lovenox sous cabometyx ?",  # heparin
        "Cordarone et vandetanib",  # amiodarone brand
        "Can I take omeprazole with my lenvima for heartburn?",  # acid reducer
        "Inexium avec cabometyx",  # esomeprazole brand
        "IPP sous lenvima",  # proton pump inhibitor
        # children named without heredity no longer reach mutation-testing (session 8)
        "apres ma cure d iode je peux prendre mes petits enfants dans les bras ?",  # contact
        "Si je fais une scinti a l iode 124 est ce que je serais radioactive pour mes "
        "enfants ?",  # radiation to others, even with the iodine-124 subject named
        "est ce que je suis radioactif pour ma famille avec le lenvima ?",  # the same
        "mama has lung mets from thyroid cancer, can she still breastfeed my newborn "
        "sister? can she hold the baby after RAI?",  # breastfeeding, holding a baby
        "apres combien de temps apres une cure d iode on peut essayer d avoir un enfant",
        "j ai 3 enfants, est ce que mon cancer refractaire change quelque chose pour eux ?",
        "combien coute le lenvima par mois, c est rembourse a 100% ?",  # a drug's price
        # a relative's own risk or screening (were life-expectancy)
        "my dad has refractory thyroid cancer, am I going to get it too? I'm 16",
        "Ma mère est morte d'un cancer de la thyroïde anaplasique, est-ce que je dois me "
        "faire surveiller ?",
        # other confident wrong topics of the audit probe (session 8)
        # a sister's thyroid nodule (was lung-nodules-surveillance)
        "nodule thyroide decouvert chez ma soeur, est ce que ca peut etre refractaire ?",
        # a pain read as a metastasis (was targeted-therapy-when)
        "douleur dans la hanche depuis 2 semaines, est ce une metastase ?",
        "j ai mal partout aux os, est ce que les metas osseuses ca fait mal et quoi prendre",
        # iodinated contrast before an iodine treatment (was scan-resolution)
        "can I have a CT scan with contrast dye, does the iodine in it ruin my next RAI?",
        "scanner injecte avant ma cure d iode, c est un probleme ?",
        # the voice after the operation, even with the neck dissection named (was
        # neck-lymph-nodes)
        "Après ma thyroïdectomie totale et curage, ma voix est restée cassée, et maintenant "
        "on parle de refractaire, est-ce que la voix peut revenir ?",
    ],
)
def test_off_topic_questions_are_declined(engine: AnswerEngine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.topic is None
    assert answer.body_markdown is None
    assert answer.message is not None and answer.care_team_reminder in answer.message
    assert answer.score < 0.5


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # the dose of radioactive iodine is a topic: "dose" alone does not decline
        ("quelle dose d'iode 131 maximum peut-on recevoir", "rai-how-many"),
        ("what dose of radioactive iodine can I receive in total", "rai-how-many"),
        # a French "dosage" is a lab measurement, not a drug dose
        (
            "Quel rôle joue le dosage de thyroglobuline dans le diagnostic ?",
            "refractory-criteria-tg",
        ),
        # swollen neck nodes are a topic: only swollen legs or ankles are off-topic
        ("les ganglions gonflés dans le cou sont-ils des métastases ?", "neck-lymph-nodes"),
        ("swollen lymph nodes in my neck after thyroid cancer", "neck-lymph-nodes"),
        # a fever after the Covid vaccine is the vaccine topic's own question
        ("le vaccin covid donne de la fièvre ?", "covid-vaccine"),
        # whether one's own medullary cancer is refractory (was the epidemiology topic,
        # whose questions count refractory medullary cancers)
        ("j'ai un cancer médullaire, suis-je réfractaire ?", "refractory-definition"),
        ("I have medullary thyroid cancer, am I refractory?", "refractory-definition"),
        # whether one's children inherit the cancer is the mutation-testing topic's
        ("mes enfants risquent-ils d'hériter de mon cancer de la thyroïde ?", "mutation-testing"),
        # stopping a drug asked by a topic's own questions stays answered (session 8)
        ("Faut-il arrêter le lenvatinib pour se faire vacciner ?", "covid-vaccine"),
        ("should I stop sorafenib? my feet are so sore I can barely walk", "hand-foot-syndrome"),
        # heredity beside the children stays mutation-testing's (session 8)
        (
            "la mutation BRAF de ma tumeur, est ce que mes enfants peuvent l'avoir ?",
            "mutation-testing",
        ),
        ("is RET testing useful for my medullary cancer and my kids?", "mutation-testing"),
        (
            "est ce que mes enfants risquent d avoir le meme cancer que moi (papillaire "
            "refractaire) ?",
            "mutation-testing",
        ),
        # ...and so does what a tumour test costs
        ("why isn't everyone tested for tumour mutations, is it expensive?", "mutation-testing"),
        # seeing one's children grow up is a question of time left (was mutation-testing)
        (
            "est ce que j aurai le temps de voir mes enfants grandir avec des metas pulmonaires ?",
            "life-expectancy",
        ),
        # whether a refractory cancer can still be treated is the definition's answer
        # ("réfractaire ne veut pas dire qu'il n'existe plus de traitement"; was
        # tuthyref-network)
        ("est ce que le cancer refractaire se soigne ou c est fini ?", "refractory-definition"),
        ("is refractory curable?", "refractory-definition"),
        # a painful spine metastasis treated by radiotherapy stays answered
        (
            "on m a parle de radiotherapie pour ma meta vertebrale qui fait mal, c est la "
            "stereotaxie ?",
            "stereotactic-radiotherapy",
        ),
        # "lung nodules thyroid cancer" is not a thyroid nodule
        ("active surveillance lung nodules thyroid cancer", "lung-nodules-surveillance"),
        # the TSH target itself stays the lung-nodules topic's
        ("What TSH level should I aim for with lung metastases?", "lung-nodules-surveillance"),
    ],
)
def test_words_of_declined_subjects_leave_covered_questions_answered(
    engine: AnswerEngine, question: str, topic: str
) -> None:
    assert engine.ask(question).topic == topic


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        ("je saigne beaucoup de la bouche depuis ce matin", True),  # heavy bleeding
        ("I'm coughing up blood, is it my lung mets?", True),  # haemoptysis
        ("j'ai du mal à respirer depuis une heure", True),  # breathing difficulty
        ("I can't breathe properly since this morning", True),  # breathing difficulty
        ("douleur dans la poitrine sous lenvatinib", True),  # chest pain
        ("sudden chest pain on sorafenib", True),  # chest pain
        ("mon mari a perdu connaissance", True),  # loss of consciousness
        ("je n'arrive plus à respirer", True),  # breathing difficulty, negative form
        ("saignement de nez qui ne s'arrête pas sous lenvatinib", True),  # uncontrolled bleed
        ("my wound is bleeding and won't stop", True),  # uncontrolled bleed
        ("j'ai peur de mourir de ce cancer", False),  # fear, not an emergency
        ("TKI et métastases cérébrales : quel risque de saignement ?", False),  # a risk question
        ("is there a bleeding risk with brain metastases on TKIs?", False),  # a risk question
        ("combien de cures d'iode maximum ?", False),  # ordinary question
        ("what is hand-foot syndrome?", False),  # ordinary question
        # audit probe (session 8): missed emergencies
        # suicide told as a farewell (letters to the children, "time to go", no strength)
        (
            "j ai preparé des lettres pour mes enfants, je crois que c est le moment de "
            "partir, je n ai plus la force",
            True,
        ),
        ("I wrote letters to my kids, I think it's my time to go", True),  # the same, English
        # noisy breathing (stridor) with a neck mass
        (
            "mon pere anaplasique fait un bruit en respirant comme un sifflement, la masse "
            "dans le cou grossit vite",
            True,
        ),
        ("he makes a whistling sound when he breathes", True),  # stridor, English
        # one leg swollen and painful with breathlessness (clot in the leg, then the lung)
        (
            "je suis essoufflee au moindre effort depuis 3 jours et ma jambe gauche est "
            "gonflee et douloureuse",
            True,
        ),
        ("j ai le mollet gonfle, rouge et chaud depuis hier et je suis sous lenvima", True),
        ("my left calf is swollen and red since yesterday", True),  # leg clot, English
        # near misses of the same words: not emergencies
        ("mes jambes gonflent sous sorafenib, c est grave ?", False),  # both legs: oedema
        ("est-ce que le lenvima peut faire gonfler une jambe ?", False),  # a general question
        ("il y a 2 ans mon mollet etait gonfle et douloureux", False),  # past
        ("c est le moment de partir en vacances ?", False),  # a trip
        ("I have no strength left after the iodine, is fatigue normal?", False),  # fatigue
        # a general question about a sign
        ("est-ce que les metastases pulmonaires donnent un sifflement en respirant ?", False),
        # a letter to explain the illness
        (
            "j ai ecrit une lettre a ma famille pour leur expliquer ma maladie, comment leur "
            "annoncer ?",
            False,
        ),
        # a neck that swells just after an operation (haematoma) is an emergency...
        ("mon cou gonfle, operee il y a 3 jours", True),
        ("my neck is swelling, I had surgery 2 days ago", True),
        # ...a neck node growing for months, with an operation asked about, is not
        ("mon ganglion dans le cou grossit malgre le lenvima, operation possible ?", False),
        (
            "le ganglion dans mon cou grossit doucement depuis 1 an, faut il une nouvelle "
            "operation ?",
            False,
        ),
    ],
)
def test_emergency_guard(engine: AnswerEngine, question: str, emergency: bool) -> None:
    answer = engine.ask(question)
    assert answer.emergency is emergency
    if emergency:
        assert answer.emergency_message is not None
        assert "15" in answer.emergency_message and "112" in answer.emergency_message
    else:
        assert answer.emergency_message is None


@pytest.mark.parametrize(
    "question",
    [
        # an emergency gets the emergency advice and the care-team reminder only, even
        # with a clear topic beside it (session 8: it used to be followed by the topic)
        "je crache du sang, j'ai des métastases pulmonaires : on peut les opérer ?",
        # suicidal thoughts were followed by the hand-foot syndrome answer
        "a quoi bon vivre comme ca avec tous ces effets secondaires, parfois j ai envie de "
        "tout arreter, la vie aussi",
        # ...and by the list of approved drugs
        "I have been thinking that my family would be better off without me, the lenvima "
        "is destroying me",
        # a chest pain was followed by "a common side effect of targeted therapies"
        "depuis ce matin j ai une douleur dans la poitrine qui serre et irradie dans le "
        "bras gauche, je suis sous lenvima, c est un effet secondaire ?",
        "pressure in my chest and sweating right now, on cabozantinib",
        # a brother's threat of suicide was followed by the Tg criteria
        "mon frere 40 ans, cancer refractaire, il dit qu il va se jeter sous un train si le "
        "scanner est mauvais",
    ],
)
def test_emergency_shows_only_the_advice_and_the_reminder(
    engine: AnswerEngine, question: str
) -> None:
    answer = engine.ask(question)
    assert answer.emergency and answer.emergency_message
    assert answer.topic is None and answer.title is None and answer.body_markdown is None
    assert answer.related == [] and answer.related_topics == []
    # the advice cites where its numbers come from (15, 112: service-public.fr; 3114)
    assert answer.sources == ["EMERGENCY_NUMBERS_FR", "PREVENTION_SUICIDE_3114"]
    assert answer.glossary == []
    assert answer.message == answer.care_team_reminder
    assert answer.score < 0.5


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Qu'est-ce que le syndrome main-pied ?", "fr"),  # French in, French out
        ("What is hand-foot syndrome?", "en"),  # English in, English out
    ],
)
def test_answer_in_the_question_language(engine: AnswerEngine, question: str, lang: str) -> None:
    answer = engine.ask(question)
    assert answer.lang == lang
    assert answer.topic == "hand-foot-syndrome"
    assert answer.body_markdown is not None
    marker = "plante des pieds" if lang == "fr" else "soles of the feet"
    assert marker in answer.body_markdown


def test_lang_override(engine: AnswerEngine) -> None:
    answer = engine.ask("What is hand-foot syndrome?", lang="fr")
    assert answer.lang == "fr"
    assert answer.body_markdown is not None and "plante des pieds" in answer.body_markdown


@pytest.mark.parametrize("topic_id", sorted(AnswerEngine.default().topic_ids))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_answer_ends_with_care_team_reminder(
    engine: AnswerEngine, topic_id: str, lang: str
) -> None:
    # ask with the topic's own title: it must come back with the reminder last
    title = engine.kb.topics[topic_id]["fr" if lang == "fr" else "en"].title
    answer = engine.ask(title, lang="fr" if lang == "fr" else "en")
    assert answer.topic == topic_id
    assert answer.body_markdown is not None
    assert answer.body_markdown.endswith(answer.care_team_reminder)
    assert "équipe soignante" in answer.care_team_reminder or "care team" in (
        answer.care_team_reminder
    )
    assert answer.sources and answer.review_date


def test_related_topics(engine: AnswerEngine) -> None:
    answer = engine.ask("rédifférenciation : qui peut en bénéficier ?")
    assert answer.topic is not None
    assert answer.topic not in answer.related
    assert len(answer.related) <= 3
    assert len(set(answer.related)) == len(answer.related)
    assert [t.id for t in answer.related_topics] == answer.related
    assert 0.5 <= answer.score < 1.0


def test_answer_is_frozen(engine: AnswerEngine) -> None:
    answer = engine.ask("c'est quoi TuThyRef ?")
    assert isinstance(answer, Answer)
    with pytest.raises(pydantic.ValidationError):
        answer.topic = "epidemiology"  # type: ignore[misc]


def test_default_engine_is_cached() -> None:
    assert AnswerEngine.default() is AnswerEngine.default()


def test_topics_and_glossary_listing(engine: AnswerEngine) -> None:
    fr = engine.topics("fr")
    en = engine.topics("en")
    assert [t.id for t in fr] == [t.id for t in en] and len(fr) == 27
    assert fr[0].title != en[0].title
    assert all(g.definition for g in engine.glossary("en"))


@pytest.mark.parametrize(
    "question",
    [
        "Peut-on dormir dans le même lit que son conjoint après l'iode 131 ?",  # home contact
        "should I keep away from my granddaughter after radioiodine?",  # home contact
        "le cancer de la thyroïde est-il contagieux pour mes proches ?",  # contagion
        "quel est le prix d'une boîte de Nexavar ?",  # money
        "do I have to pay for lenvatinib myself?",  # money
        "ma cicatrice au cou gonfle un peu, est-ce grave ?",  # surgical scar
        "acne on my back since cabozantinib",  # other skin side effect
        "bouche sèche et perte du goût après l'iode radioactif",  # salivary after-effects
        "my eyes are watery since I started sorafenib",  # eyes
        "douleurs musculaires sous Lenvima",  # muscles and joints
        "engourdissement des lèvres après la thyroïdectomie",  # low calcium after surgery
        "je suis déprimée depuis le début du traitement par ITK",  # mood
        "j'ai oublié ma gélule de Lenvima ce matin",  # missed dose
        "where should I store cabozantinib tablets?",  # storage of tablets
        "puis-je garder mon travail sous sorafenib ?",  # work
        "vie sexuelle pendant une thérapie ciblée",  # sexuality
        "Fukushima can cause thyroid cancer?",  # causes
        "can I be a blood donor after thyroid cancer?",  # donation
        "régime sans sucre avec un cancer de la thyroïde",  # food
        # blind9 tuning (each got a topic before): flying and diving, social security,
        # fertility, a relative's death
        "can I fly long haul on sorafenib?",  # was targeted-therapy-access
        # was lung-nodules-surveillance
        "la plongee sous marine avec des metastases aux poumons, c'est dangereux ?",
        "is metastatic thyroid cancer covered 100% by social security?",  # life-expectancy
        "should I freeze my eggs before starting a kinase inhibitor?",  # targeted-therapy-when
        "my dad died of anaplastic thyroid cancer, am I at higher risk?",  # life-expectancy
        "que faire des gelules de cabometyx de ma mere decedee ?",  # targeted-therapy-access
    ],
)
def test_everyday_subjects_are_declined(engine: AnswerEngine, question: str) -> None:
    # subjects of the broader off-topic lexicon (kb/lexicon.toml, "more subjects")
    assert engine.ask(question).topic is None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # cost is a subject of the topic's own questions (molecular tests are costly)
        ("la recherche de mutation coûte-t-elle cher ?", "mutation-testing"),
        # reimbursement is part of the marketing authorisation, not an off-topic money matter
        ("le cabozantinib est-il remboursé hors essai ?", "targeted-therapy-access"),
        # heredity is answered: tumour mutations are not passed on to the children
        ("is this cancer hereditary, can my kids inherit the mutation?", "mutation-testing"),
        # the scar named with the mediastinum stays answerable
        (
            "ganglion du médiastin retiré par la cicatrice de thyroïdectomie ?",
            "mediastinal-lymph-nodes",
        ),
        # family members asking for a patient are not an off-topic subject
        ("my husband's lung metastases, what local treatment?", "lung-metastases-treatment"),
        # a relative's death told beside a heredity question (kb answers it), and dying
        # asked about (the stem of "died" is that of "die")
        (
            "my dad passed away from thyroid cancer in 2015, is it hereditary?",
            "mutation-testing",
        ),
        ("will I die of this thyroid cancer?", "life-expectancy"),
        (
            "je suis morte de peur, combien de temps on vit avec un cancer refractaire ?",
            "life-expectancy",
        ),
    ],
)
def test_everyday_words_do_not_hide_topics(engine: AnswerEngine, question: str, topic: str) -> None:
    assert engine.ask(question).topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # an off-topic subject said to be fine, or negated, does not make it decline
        (
            "my blood pressure is fine, but when should a targeted therapy be started?",
            "targeted-therapy-when",
        ),
        (
            "pas de fatigue, juste une question : quand commencer une thérapie ciblée ?",
            "targeted-therapy-when",
        ),
        # "report" is an English noun, not the French verb "reporter" (to postpone)
        (
            "the report of my last CT says lung nodules stable, can I live with that for years?",
            "lung-nodules-surveillance",
        ),
        # a brand name of a RET inhibitor goes to the answer that gives its status
        ("Retsevmo c'est autorisé pour la thyroïde ?", "targeted-therapy-access"),
        # medullary cancer is part of the refractory definition
        ("is medullary considered refractory?", "refractory-definition"),
        # a smoker who has thyroid-cancer lung metastases is still asking about them
        (
            "je suis fumeur, mes métastases pulmonaires peuvent-elles être opérées ?",
            "lung-metastases-treatment",
        ),
        # a mood negated after "je ne suis pas" is said in passing (blind8 tuning: declined)
        (
            "je ne suis pas deprime mais je voudrais savoir l'esperance de vie",
            "life-expectancy",
        ),
        # a patient who feels fine is no healthy person outside the care (was declined)
        ("Chest xray showed mediastinal nodes, i feel fine, what now?", "mediastinal-lymph-nodes"),
    ],
)
def test_passing_words_do_not_derail(engine: AnswerEngine, question: str, topic: str) -> None:
    assert engine.rank(question).topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # a story's asides (children, blood pressure, mood) are told in passing when the
        # asked sentence does not name them
        (
            "J'ai 50 ans et 3 enfants. Ma tension va bien, le moral aussi. Métastases "
            "pulmonaires réfractaires stables sous lenvatinib : combien de temps peut-on "
            "vivre comme ça ?",
            "life-expectancy",
        ),
        # a short first question takes the sentence after it
        ("Should I stop my Lenvima? My feet hurt so much and blister.", "hand-foot-syndrome"),
        # an English article is not searched as the French "an" (year)
        ("what's an MDT and does my case go to one?", "who-decides"),
        # an asked sentence that ends by pointing back ("... with that?") asks about the
        # sentence before it (faq-topics.md: lung-nodules-surveillance answers "Can one
        # live for years with lung nodules, just watched?"; was life-expectancy)
        (
            "The CT report said lung nodules unchanged. Can people live for years with that?",
            "lung-nodules-surveillance",
        ),
        (
            "The CT shows a few small lung nodules, not growing. Can you live a long time "
            "like that?",
            "lung-nodules-surveillance",
        ),
    ],
)
def test_story_and_short_questions(engine: AnswerEngine, question: str, topic: str) -> None:
    assert engine.rank(question).topic == topic


@pytest.mark.parametrize(
    "question",
    [
        "ma TSH est à 3,2 et je vais très bien, c'est normal ?",  # a healthy person's TSH
        "my healthy husband had a TSH of 4.5 at his checkup, should he worry?",  # healthy
        "je fume un paquet par jour, on m'a trouvé un nodule au poumon, c'est grave ?",  # smoker
        "smoker for 30 years, CT found a lung nodule, do I have cancer?",  # smoker
        "can I drink alcohol on lenvatinib?",  # an off-topic subject in care is still declined
    ],
)
def test_people_outside_thyroid_cancer_care_are_declined(
    engine: AnswerEngine, question: str
) -> None:
    assert engine.rank(question).topic is None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # a question that is only a term is read as "what is it?" (faq-topics.md:
        # refractory-definition answers "What is a refractory thyroid cancer?")
        ("Réfractaire ?", "refractory-definition"),
        ("refractory??", "refractory-definition"),
        # a term that already reached its topic still does
        ("tuthyref ?", "tuthyref-network"),
        ("stéréotaxie", "stereotactic-radiotherapy"),
        # a bare word that no topic defines is still declined to the care team
        ("thyroïde ?", None),
        ("fatigue", None),
        ("bonjour", None),
    ],
)
def test_a_bare_term_is_read_as_what_is_it(
    engine: AnswerEngine, question: str, topic: str | None
) -> None:
    assert engine.rank(question).topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # a verdict asked from one's own results or report is personal: only the care
        # team who knows the file can give it (brief of blind4: personal prognosis is
        # declined with "ask your care team")
        # (each was answered before: life-expectancy, or the MERAIODE trial's results)
        ("avec mes resultats, quelle est mon esperance de vie ?", None),
        ("selon mes resultats, est ce que je vais mourir de ce cancer ?", None),
        ("D'après mon compte rendu de scanner, combien de temps vais-je vivre ?", None),
        ("given my results, what are my chances of survival?", None),
        ("Based on my last CT report, how long will I survive?", None),
        # whatever topic subject the figures name (TSH: was lung-nodules-surveillance)
        ("please interpret my results: TSH 0.03, Tg at 4, lung nodules stable", None),
        ("vu mes derniers examens, est-ce que j'ai une chance de guérir ?", None),
        # "are my results good?" asked with the figures (session 9; was the lung-nodules
        # TSH answer): a verdict on one's own figures
        ("Est-ce que mes analyses sont bonnes ? TSH 0,2 et Tg 3", None),
        ("do my results look ok? Tg 0.4, antibodies negative", None),
        # "my results are good" told before another question is not one
        (
            "après la chirurgie et l'iode mes résultats sont bons à 6 mois, la récidive "
            "est-elle fréquente après ça ?",
            "cure-after-removal",
        ),
        # a report told in a story, then a general question, is still answered
        (
            "Le compte rendu dit ganglion suspect de 9 mm dans le cou. On opère ou on surveille ?",
            "neck-lymph-nodes",
        ),
        # a general question on life expectancy is still answered
        ("quelle est l'espérance de vie avec des métastases réfractaires ?", "life-expectancy"),
    ],
)
def test_reading_ones_own_results_is_for_the_care_team(
    engine: AnswerEngine, question: str, topic: str | None
) -> None:
    assert engine.rank(question).topic == topic


# Side effects and symptoms that no topic answers (faq-topics.md: "a question that matches
# nothing well says so and points to the care team, never to a wrong answer"); only
# hand-foot syndrome is a side-effect topic. Rows from tests/answers/data/sideeffects.jsonl,
# each answered with a topic before the change.
@pytest.mark.parametrize(
    "question",
    [
        # the walkthrough question: "tension" alone is blood pressure in French
        "le lenvatinib donne-t-il de la tension ?",
        # "BP" in English
        "my BP has gone up since starting Lenvima, is that the drug?",
        # a symptom said with its own negation is a report, not an aside
        "no appetite since starting cabometyx",
        # a wound that will not heal
        "does lenvatinib slow wound healing?",
        # protein in the urine, in other words than "proteinuria"
        "my urine test shows protein on lenvatinib, what does it mean?",
        # a sore or a burning in the mouth is not hand-foot syndrome
        "sore mouth and painful gums on lenvima",
        "ma bouche me brûle et j'ai des plaies dans la bouche sous sorafenib",
        # nor an itch of the scalp
        "dry itchy scalp since starting sorafenib",
        # the list of a drug's side effects: no topic lists them
        "quels sont les effets secondaires du lenvatinib ?",
        "what are the common side effects of TKIs?",
        # "is it the drug?" about a symptom no topic covers
        "my husband on lenvima has gone very pale and weak, is it the medicine?",
        # blind9 tuning, all four got the hand-foot answer: tingling is a nerve sign, not
        # a skin one of the palms and soles
        "fourmillements dans les mains sous larotrectinib, c'est un effet secondaire ?",
        "pins and needles in my toes on vitrakvi",
        # the skin in the sun, or a rash elsewhere than on the hands and feet
        "my skin goes red and stings in sunlight on caprelsa",
        "red itchy spots on my back since starting nexavar",
    ],
)
def test_side_effects_without_a_topic_go_to_the_care_team(
    engine: AnswerEngine, question: str
) -> None:
    answer = engine.ask(question)
    assert answer.topic is None, answer.topic
    assert not answer.emergency
    assert answer.message is not None
    assert answer.care_team_reminder in answer.message


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # a sore on the soles is hand-foot syndrome (its answer: palms and soles)
        (
            "les plantes de mes pieds sont rouges et douloureuses sous lenvatinib, que faire ?",
            "hand-foot-syndrome",
        ),
        # peeling palms, asked whether the drug causes it
        ("my palms are peeling since I started sorafenib, is it the drug?", "hand-foot-syndrome"),
        # tingling beside a skin sign of the palms is still hand-foot syndrome
        ("tingling and burning in my palms on sorafenib", "hand-foot-syndrome"),
        # the sun on the hands and feet too
        ("my palms and soles burn and peel in the sun on lenvatinib", "hand-foot-syndrome"),
        # a rash named on the palms
        ("itchy red rash on my palms since starting sorafenib", "hand-foot-syndrome"),
        # a condition named as a contraindication: targeted-therapy-when names it
        (
            "quelles sont les contre-indications aux thérapies ciblées, par exemple une "
            "tension mal contrôlée ?",
            "targeted-therapy-when",
        ),
        # side effects named in passing before an on-topic question
        (
            "pas de fatigue, pas de tension, juste une question : combien de cures "
            "d'iode peut-on faire au maximum ?",
            "rai-how-many",
        ),
        # the side effects as the reason to wait (targeted-therapy-when's facts)
        (
            "why do doctors wait before starting a TKI, is it because of the side effects?",
            "targeted-therapy-when",
        ),
    ],
)
def test_side_effect_questions_a_topic_answers(
    engine: AnswerEngine, question: str, topic: str
) -> None:
    assert engine.ask(question).topic == topic


# Blind set 5 (branch answers-blind5): questions that ask the care team's own reading or
# choice. faq-topics.md: "a question that matches nothing well says so and points to the
# care team, never to a wrong answer"; the brief of blind5: interpreting one's own
# results, choosing between treatments and drugs or topics that faq-topics.md does not
# list are declined. Each declined row got a topic before the change (shown after "was").
@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # one's own marker asked about (was epidemiology: "350" met "350 to 400 patients")
        ("is my calcitonin of 350 pg/ml high?", None),
        # a verdict asked beside a marker's value (was lung-nodules / access answers)
        ("calcitonine a 800 apres l'operation, c'est grave ?", None),
        ("calcitonin at 120 six months after surgery, should I worry?", None),
        # a report quoted, then what it means for oneself (was lung-nodules-surveillance)
        ("mon scanner dit 'micronodules stables', ca veut dire quoi pour moi ?", None),
        ("my CT report says 'progression of target lesions', what does this mean for me?", None),
        # choosing between drugs or treatments for oneself (was targeted-therapy-access)
        ("is cabozantinib better than lenvatinib for me?", None),
        ("le sorafenib est il mieux que le lenvatinib ?", None),
        # (was neck-lymph-nodes)
        ("my mum has two neck nodes, should she go for surgery or the tablets?", None),
        # two techniques a topic describes, compared in general, are still answered (a
        # comparison declines only with a targeted drug named)
        (
            "is stereotactic radiotherapy better than normal radiotherapy for bone mets?",
            "stereotactic-radiotherapy",
        ),
        ("is surgery better than radiofrequency for lung metastases?", "lung-metastases-treatment"),
        # a drug's list of side effects asked with "c'est quoi" (was targeted-therapy-access)
        ("c'est quoi les effets secondaires du cabozantinib ?", None),
        # still answered: a verdict word without a marker, "what it means for me" with no
        # report quoted, a Tg told in a question about refractoriness (rows of other sets)
        (
            "certaines lesions fixent l'iode et d'autres non, ca veut dire quoi pour moi",
            "refractory-criteria-tg",
        ),
        ("ma tg est a 50 mais rien au pet, refractaire ou pas ?", "refractory-criteria-tg"),
        (
            "tsh basse et scanner tous les 6 mois pour des petits nodules aux poumons, c normal ?",
            "lung-nodules-surveillance",
        ),
        # answered now: how long one lives, in general (was declined, below the threshold)
        ("en general on vit combien de temps avec ce cancer ?", "life-expectancy"),
        # waiting before starting a drug is the when-to-start question (was
        # lung-metastases-treatment)
        (
            "my dad has lung mets but his team wants to wait before starting tablets, "
            "is that normal?",
            "targeted-therapy-when",
        ),
    ],
)
def test_blind5_care_team_readings_and_choices(
    engine: AnswerEngine, question: str, topic: str | None
) -> None:
    answer = engine.ask(question)
    assert answer.topic == topic
    assert not answer.emergency


# Blind set 5, own probes written after the tune split's fixes (tuning material): asking
# to stop a drug, which dose to take, a verdict on figures handed over, or whether a past
# illness forbids a drug are the prescriber's (the developers' guide: never tell a patient
# to stop, start or change a medicine; faq-topics.md: never a wrong answer). Each declined
# row got a topic before the change (shown after "was").
@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # stopping a drug (was targeted-therapy-access)
        ("is it ok to stop cabozantinib now that my scan is stable?", None),
        # which dose (was covid-vaccine: the vaccine's "dose")
        ("what is the dose of lenvatinib for thyroid cancer?", None),
        ("can I go back to the full dose of lenvatinib myself?", None),
        # figures handed over for a verdict (was lung-nodules-surveillance)
        ("here are my results Tg 8 TSH 0.1 what do you think", None),
        # a calcitonin's meaning (was lung-nodules-surveillance)
        ("my calcitonin doubled in 6 months, what does it mean?", None),
        # a past illness before a drug (was lung-nodules-surveillance, "pulmonaire")
        ("j'ai eu une embolie pulmonaire en 2019, puis-je prendre un ITK ?", None),
        # (was targeted-therapy-access)
        ("my dad had a stroke in 2015, can he take sorafenib?", None),
        # quitting a targeted drug because it is hard (was hand-foot-syndrome, and
        # targeted-therapy-when: a drug named is not the hands or the vaccine)
        ("my wife wants to quit her TKI, it is too hard for her, should she?", None),
        ("mon mari veut arreter son traitement cible, c est trop dur, il a raison ?", None),
        # still answered: stopping for sore feet is the hand-foot answer's own question,
        # a dose told in a story is not a dose asked, a forum "what do you think?" about
        # the vaccine is the vaccine question
        ("can I stop my lenvima for a few days, my feet hurt so much", "hand-foot-syndrome"),
        # stopping a drug for the vaccine is the Covid answer's own question
        (
            "faut-il arreter le lenvatinib quelques jours pour faire le vaccin covid ?",
            "covid-vaccine",
        ),
        (
            "sous Lenvima 14 mg depuis mai, j'ai des ampoules sous les pieds et les mains "
            "qui craquent. Comment gérer le syndrome main pied ?",
            "hand-foot-syndrome",
        ),
        (
            "Mon pere est sous Nexavar. Son medecin hesite pour le vaccin covid. Vous en "
            "pensez quoi, c'est compatible ?",
            "covid-vaccine",
        ),
        # whether to take a drug offered (was targeted-therapy-access)
        ("the hospital offered cabozantinib to my husband, should he take it?", None),
        ("mon oncologue propose le lenvatinib, je dois accepter ?", None),
        # a report quoted, then whether one will die (was life-expectancy: its own
        # question "Am I going to die...?" quotes no report, so it does not cover this)
        ("the CT report says the lung mets progressed, is she going to die?", None),
        # still answered: the same fear asked in general (life-expectancy's own question)
        ("Am I going to die of my thyroid cancer?", "life-expectancy"),
        # answered now: years left asked for a relative, in general (was epidemiology)
        ("how many years does my dad have with anaplastic cancer?", "life-expectancy"),
        # months asked, read after the blind5 holdout (was anaplastic-treatment)
        ("father, 75, anaplastic cancer, how many months does he have?", "life-expectancy"),
    ],
)
def test_blind5_probes_stop_dose_verdicts_and_past_illness(
    engine: AnswerEngine, question: str, topic: str | None
) -> None:
    answer = engine.ask(question)
    assert answer.topic == topic
    assert not answer.emergency


# A patient's figure is not a topic word (blind5: "is my calcitonin of 350 pg/ml high?"
# got epidemiology, whose answer says "350 to 400 new patients"); a figure of a lexicon
# term ("iodine 124", "I-131", "600 mCi") still is.
@pytest.mark.parametrize(
    ("content", "kept"),
    [
        (["calcitonin", "350", "high"], ["calcitonin", "high"]),  # a value: dropped
        (["tg", "12", "anticorps"], ["tg", "anticorps"]),  # a Tg value: dropped
        (["iodin", "124", "scan"], ["iodin", "124", "scan"]),  # "iodine 124": kept
        (["600", "mci"], ["600", "mci"]),  # "600 mCi": kept
    ],
)
def test_figures_are_searched_only_in_lexicon_terms(
    engine: AnswerEngine, content: list[str], kept: list[str]
) -> None:
    assert engine._without_figures(content) == kept


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # "124" still tells the iodine-124 scan from the post-therapy scan
        (
            "is an iodine 124 scan better than the post-therapy scan to see uptake?",
            "iodine-124-scan",
        ),
        # a figure of the answer asked in a general question is still found by its words
        ("how common is it, 350 new cases a year?", "epidemiology"),
    ],
)
def test_figures_of_terms_still_rank(engine: AnswerEngine, question: str, topic: str) -> None:
    assert engine.ask(question).topic == topic


# Blind set 6 (tests/answers/data/blind6/): acting on a drug by oneself or for a relative
# is the prescriber's (the developers' guide: never tell a patient to stop, start or
# change a medicine). Each declined row got a topic before the change ("was").
@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # halving a tablet (was targeted-therapy-when)
        ("Can I take half a lenvatinib tablet because of the side effects?", None),
        ("je peux prendre la moitie de mon comprime de lenvima ?", None),
        # buying a drug online (was targeted-therapy-access)
        ("where can I buy cabozantinib online without a prescription?", None),
        # taking it up again without asking (was targeted-therapy-when)
        (
            "est-ce que je peux reprendre le lenvatinib après une semaine d'arrêt sans demander ?",
            None,
        ),
        # someone else's drug (was anaplastic-treatment)
        ("can I start taking the dabrafenib a friend gave me?", None),
        # keeping one drug against the plan (was targeted-therapy-access)
        (
            "mon oncologue veut passer au cabozantinib mais je préfère rester sous "
            "lenvatinib, je peux garder l'ancien ?",
            None,
        ),
        # another drug in its place (was targeted-therapy-access)
        ("I'm abroad and ran out of lenvatinib, can I take sorafenib instead?", None),
        ("my mum ran out of Lenvima, can she take her old Nexavar in its place?", None),
        # own probes after the set: leave asked to take a drug on a schedule of one's own,
        # from a neighbour, beside another (was targeted-therapy-access, -when, hand-foot)
        ("je peux prendre 2 comprimés de lenvima au lieu d'un ?", None),
        ("can I take my lenvatinib every other day to reduce side effects?", None),
        ("je prends le sorafenib un jour sur deux pour les effets, c'est bien ?", None),
        ("puis-je prendre le lenvatinib de mon voisin décédé ?", None),
        ("is it safe to order Lenvima from an Indian website?", None),
        (
            "on m'a prescrit du cabozantinib, je peux le prendre avec mon ancien lenvatinib ?",
            None,
        ),
        # after the holdout's single measure (variants of its two misses, was
        # targeted-therapy-access): a switch made alone, a drug from a pharmacy abroad
        ("my wife wants to switch from lenvatinib to sorafenib herself, is that ok?", None),
        ("mon père peut-il changer de traitement ciblé sans son médecin ?", None),
        ("can I get cabozantinib from a pharmacy abroad without my doctor knowing?", None),
        # own probes after the holdout (15 of 20 declined on their first reading): a
        # pause, a taper, one's drug given away, a time changed, a lowering by oneself
        # (was targeted-therapy-access, hand-foot-syndrome)
        ("can my husband pause cabozantinib while his feet heal?", None),
        ("how do I taper off sorafenib?", None),
        ("can I give my lenvatinib to my brother who has the same cancer?", None),
        ("je prends le lenvima le soir au lieu du matin, c'est grave ?", None),
        ("on peut baisser le cabozantinib soi-même quand on a mal aux pieds ?", None),
        # still answered: a drug the team may give a relative
        ("My mum's nodules grew, will they give her lenvatinib now?", "lung-nodules-surveillance"),
        # still answered: taking the vaccine, or a drug outside a trial (their topics'
        # own questions)
        ("Can I take the Covid vaccine while on lenvatinib?", "covid-vaccine"),
        ("je peux prendre le lenvatinib sans être dans un essai ?", "targeted-therapy-access"),
        # still answered: when to start, and a TKI chosen instead of redifferentiation
        # (that topic's own question), and a relative's access to a drug
        ("when do doctors start lenvatinib for thyroid cancer?", "targeted-therapy-when"),
        (
            "Why did my doctor choose a TKI instead of redifferentiation?",
            "redifferentiation-eligibility",
        ),
        (
            "est-ce que mon père peut avoir une thérapie ciblée sans être dans un essai ?",
            "targeted-therapy-access",
        ),
    ],
)
def test_blind6_acting_on_a_drug_goes_to_the_care_team(
    engine: AnswerEngine, question: str, topic: str | None
) -> None:
    answer = engine.ask(question)
    assert answer.topic == topic
    assert not answer.emergency


# Blind set 6: a sign imagined or past, and the warning signs to watch for, are no topic's
# (the care team gives that list); before, they got a wrong answer ("was")
@pytest.mark.parametrize(
    "question",
    [
        # (was targeted-therapy-when)
        "Que faire si un jour j'ai du mal à respirer sous lenvatinib ?",
        # (was hand-foot-syndrome)
        "what are the warning signs that should make me call an ambulance on a TKI?",
        "quels signes d'alerte doivent me faire appeler le 15 sous sorafenib ?",
        # a heart history before a drug (was hand-foot-syndrome)
        "I used to have chest pain years ago, is lenvatinib allowed for me?",
        "is chest pain a known side effect of sorafenib?",
        # coughing blood imagined (a variant of a holdout miss, was targeted-therapy-access)
        "et si je crache du sang un jour sous sorafenib ?",
        # (already declined before: kept so that the new wording stays so)
        "what happens if I start coughing up blood on lenvatinib one day?",
    ],
)
def test_blind6_imagined_signs_and_warning_lists_are_declined(
    engine: AnswerEngine, question: str
) -> None:
    answer = engine.ask(question)
    assert answer.topic is None
    assert not answer.emergency


# SMS and forum spellings are written out before matching; a French elision glued to its
# word is split off only when the glued word is unknown and the rest is known
@pytest.mark.parametrize(
    ("question", "tokens"),
    [
        ("sa ve dir koi", ["ca", "veut", "dire", "quoi"]),  # SMS words
        ("ya combien de gens ki", ["il", "y", "a", "combien", "de", "gens", "qui"]),
        ("ke liode marche plu", ["que", "l", "iode", "marche", "plus"]),  # "l'iode" glued
        ("apres loperation", ["apres", "l", "operation"]),
        ("lesion depuis stable", ["lesion", "depuis", "stable"]),  # real words: left alone
        ("wat is RAI", ["what", "is", "rai"]),  # English SMS
    ],
)
def test_sms_spellings_are_written_out(
    engine: AnswerEngine, question: str, tokens: list[str]
) -> None:
    assert engine.respelled(words(question)) == tokens


# Voice dictation (blind9 tuning): a domain word cut in pieces is joined again, the
# punctuation said aloud is dropped; real words side by side are left alone
@pytest.mark.parametrize(
    ("question", "tokens"),
    [
        # pieces with an unknown one, spelling a lexicon term
        ("the co vid jab", ["the", "covid", "jab"]),
        # short pieces only ("t'y" is "t y")
        ("le reseau tu t'y ref", ["le", "reseau", "tutyref"]),
        # a misspelt term from short pieces, the speller's word is then found as usual
        ("sous sort a fini b", ["sous", "sortafinib"]),
        # spoken punctuation
        ("ca marche virgule je crois", ["ca", "marche", "je", "crois"]),
        ("what is it question mark", ["what", "is", "it"]),
        ("arreter point d'interrogation", ["arreter"]),
        # a dictated full stop, only as the last word
        ("comment on les traite point", ["comment", "on", "les", "traite"]),
        ("un point sur le scanner", ["un", "point", "sur", "le", "scanner"]),
        # real words are not joined: "cure d" is not "cured", nor "special diet" a term
        ("la cure d'iode", ["la", "cure", "d", "iode"]),
        ("a special diet on lenvatinib", ["a", "special", "diet", "on", "lenvatinib"]),
        # a domain word beside a piece stays whole ("vaccin co vide")
        ("vaccin co vide", ["vaccin", "covide"]),
    ],
)
def test_dictated_words_are_joined(engine: AnswerEngine, question: str, tokens: list[str]) -> None:
    assert engine.respelled(words(question)) == tokens


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # each was declined before (blind9 tuning; blind4 got specialist-service)
        ("c'est quoi le reseau tu t'y ref", "tuthyref-network"),
        ("is the co vid jab ok with leave a tinny b", "covid-vaccine"),
        ("tu thy ref c'est un hopital ?", "tuthyref-network"),
        # was lung-nodules-surveillance (the full stop said aloud)
        ("meta stases pulmonaires comment on les traite point", "lung-metastases-treatment"),
    ],
)
def test_dictated_questions_find_their_topic(
    engine: AnswerEngine, question: str, topic: str
) -> None:
    assert engine.ask(question).topic == topic


# Blind set 6: questions in SMS spelling, from relatives, or told by a specialist, that
# got no answer or a wrong one ("was")
@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # (was declined)
        ("sa ve dir koi refractere", "refractory-definition"),
        ("comment ils savent ke liode marche plu", "refractory-criteria-tg"),
        ("ya combien de gens ki ont ce cancer en france", "epidemiology"),
        ("le cyberknif c koi ce truc", "stereotactic-radiotherapy"),
        # "radio" of "iode radio actif" is no X-ray (was iodine-124-scan)
        ("g deja eu 5 iode radio actif, on peu en refaire une 6eme ?", "rai-how-many"),
        # only watching (was lung-metastases-treatment)
        (
            "ma femme a des métastases pulmonaires, on nous dit de juste surveiller, "
            "c'est normal ?",
            "lung-nodules-surveillance",
        ),
        # a relative cured (was lung-metastases-treatment)
        ("my dad had his lung mets removed, does that mean he's cured?", "cure-after-removal"),
        # a relative's eligibility (was redifferentiation)
        (
            "ma mère n'a plus de fixation sur ses métastases, peut-elle avoir la rediff ?",
            "redifferentiation-eligibility",
        ),
        # the specialist who said it is not the subject (was specialist-service)
        (
            "my endocrinologue said my cancer is réfractaire, what does it mean",
            "refractory-definition",
        ),
        # (was declined)
        ("rediff ?", "redifferentiation"),
        # still answered: which specialist follows the cancer
        (
            "kel service pr suivre un cancer de la thyroide, endoc ou medecine nucleaire ?",
            "specialist-service",
        ),
    ],
)
def test_blind6_spellings_relatives_and_tellers(
    engine: AnswerEngine, question: str, topic: str
) -> None:
    assert engine.ask(question).topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # a fear told before a short question on the outlook: what the fear names (the
        # children, a grandson) is not what is asked (session 14's misses, declined)
        (
            "I'm scared my kids will grow up without me. how long do people usually live "
            "with this?",
            "life-expectancy",
        ),
        (
            "terrified of dying before my grandson is born. what's the life expectancy?",
            "life-expectancy",
        ),
        (
            "I'm afraid I won't see my grandchildren grow up. What's the prognosis?",
            "life-expectancy",
        ),
        # ... and "ça se soigne ?" asked of the disease itself (declined)
        ("J'ai très peur. Est-ce que ça se soigne ?", "life-expectancy"),
        ("Est-ce que ça se soigne ?", "life-expectancy"),
        ("What's the prognosis?", "life-expectancy"),
        # a fear before a question that asks about what the fear names still declines
        ("I'm scared to hug my grandson after the iodine. Is that ok?", None),
        ("j'ai peur pour mes enfants. est-ce qu'ils peuvent m'approcher après l'iode ?", None),
        # "ça" and "it" are another subject when one is named before them
        ("la calvitie, ça se soigne ?", None),
        ("my melanoma, can it be cured?", None),
        ("le cancer du sein, ça se soigne bien ?", None),
        ("j'ai des aphtes plein la bouche, ça se soigne ?", None),
        # the subject named after it keeps its topic
        ("ça se soigne les métas aux poumons ?", "lung-metastases-treatment"),
        # a sentence that tells no fear is taken along with the short question after it:
        # another cancer, another being's tumour (declined)
        ("J'ai un mélanome. Est-ce que ça se soigne ?", None),
        ("I have a melanoma. Can it be cured?", None),
        ("Mon chien a une tumeur. Est-ce que ça se soigne ?", None),
        # nothing but dots before the question: it still begins its sentence
        ("... est-ce que ça se soigne ?", "life-expectancy"),
        ("... what's the prognosis?", "life-expectancy"),
        # a greeting before it does not make the named subject the disease's
        ("Bonjour docteur. La calvitie, ça se soigne ?", None),
        ("Hello doctor. My melanoma, can it be cured?", None),
        # a thanks after the question does not undo that it begins its sentence
        ("Est-ce que ça se soigne ? Merci d'avance.", "life-expectancy"),
        ("What's the prognosis? Thanks in advance.", "life-expectancy"),
        # the subject named before "ça" is what is asked about: its topic, or none
        ("les métas aux poumons, ça se soigne ?", "lung-metastases-treatment"),
        ("mon chat, ça se soigne ?", None),
        # ... and what the dropped term implies goes with it (the outlook, a cure)
        ("my cat, what's the prognosis?", None),
        ("mon chat, quel est le pronostic ?", None),
        ("my cat, can it be cured?", None),
    ],
)
def test_fear_and_the_outlook_asked_of_it(
    engine: AnswerEngine, question: str, topic: str | None
) -> None:
    answer = engine.ask(question)
    assert not answer.emergency
    assert answer.topic == topic


@pytest.mark.parametrize(
    ("misspelt", "spelt"),
    [
        # a fear, then a short question on a cure with two letters swapped: its language
        # is told from the corrected words ("cured", English), not the raw ones, which
        # no language claims (session 15 mutation run: _after_fear__mutmut_15, _17)
        (
            "I'm scared my kids will grow up without me. Cuerd?",
            "I'm scared my kids will grow up without me. Cured?",
        ),
        (
            "I'm scared my kids will grow up without me. Crued?",
            "I'm scared my kids will grow up without me. Cured?",
        ),
    ],
    ids=["cuerd", "crued"],
)
def test_a_misspelt_short_question_after_a_fear_is_read_as_spelt(
    engine: AnswerEngine, misspelt: str, spelt: str
) -> None:
    expected = engine.ask(spelt).topic
    assert expected is not None  # answered, as the fear rows above
    assert engine.ask(misspelt).topic == expected


@pytest.mark.parametrize(
    ("question", "lang", "concepts", "kept"),
    [
        # "the prognosis" after another subject: both matches of the leading term go, and
        # with each the life expectancy it implies; the third life expectancy, found by a
        # term of its own, stays (session 15 mutation run)
        (
            "my cat, what's the prognosis?",
            "en",
            [
                "home-contact",
                "prognosis-asked",
                "life-expectancy",
                "prognosis-asked",
                "life-expectancy",
                "life-expectancy",
            ],
            ["home-contact", "life-expectancy"],
        ),
        # a cure asked of "it" after another subject: the question it implies goes too
        (
            "my cat, can it be cured?",
            "en",
            ["home-contact", "treatable-pronoun", "treatable-question", "cure"],
            ["home-contact", "cure"],
        ),
        # the leading term begins the sentence: every concept kept
        (
            "what's the prognosis?",
            "en",
            ["prognosis-asked", "life-expectancy"],
            ["prognosis-asked", "life-expectancy"],
        ),
    ],
    ids=["prognosis-after-a-subject", "cure-after-a-subject", "prognosis-first"],
)
def test_a_leading_term_dropped_takes_what_it_implies(
    engine: AnswerEngine, question: str, lang: Lang, concepts: list[str], kept: list[str]
) -> None:
    assert engine._leading_only(question, lang, concepts) == kept


@pytest.mark.parametrize(
    "question",
    [
        # carrying a medicine on a journey is for the pharmacist and the care team; the
        # "hand" of "hand luggage" is no hand (session 14: targeted-therapy-access)
        "can I carry my lenvima in hand luggage, do I need a letter?",
        "je prends l'avion la semaine prochaine, je mets mon cabometyx en soute ou en cabine ?",
        "faut-il une ordonnance traduite pour passer la douane avec mon vandetanib ?",
        "do I need a doctor's letter to take my retsevmo through airport security?",
    ],
)
def test_a_medicine_on_a_journey_is_declined(engine: AnswerEngine, question: str) -> None:
    answer = engine.ask(question)
    assert not answer.emergency
    assert answer.topic is None


@pytest.mark.parametrize(
    ("question", "condolences"),
    [
        # a relative's death and a family's guilt: declined, condolences first (session
        # 14: "mourir" gave life-expectancy, "became refractory" the definition)
        (
            "mon pere vient de mourir, est-ce que son cancer etait refractaire a cause de nous ?",
            True,
        ),
        ("my mum just passed, was it our fault her cancer became refractory?", True),
        (
            "we lost my father in march. could we have caught it before it stopped "
            "responding to iodine?",
            True,
        ),
        # a guilt without a death is declined without them
        ("is it my fault my cancer became refractory?", False),
    ],
)
def test_a_relatives_death_is_declined_with_condolences(
    engine: AnswerEngine, question: str, condolences: bool
) -> None:
    answer = engine.ask(question)
    assert answer.topic is None and not answer.emergency
    assert answer.message is not None
    said = engine.kb.messages["condolences"][answer.lang]
    assert answer.message.startswith(said) is condolences
    assert engine.kb.messages["abstain"][answer.lang] in answer.message


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # one's own death asked stays the life expectancy; a death beside heredity stays
        # mutation-testing
        ("Je vais mourir de ce cancer ?", "life-expectancy"),
        ("will my dad die from his refractory thyroid cancer?", "life-expectancy"),
        ("my father passed away from thyroid cancer, is it hereditary?", "mutation-testing"),
    ],
)
def test_death_words_that_ask_a_topic(engine: AnswerEngine, question: str, topic: str) -> None:
    answer = engine.ask(question)
    assert answer.topic == topic
    assert not (answer.message or "").startswith(engine.kb.messages["condolences"][answer.lang])


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # a break from a drug and an extra dose asked softly (blind10 tuning: both got
        # targeted-therapy-access)
        (
            "would it be alright to just have a little break from the lenvima over my birthday?",
            None,
        ),
        ("is there any harm in taking an extra sorafenib when I feel the cancer is growing?", None),
        # a question on a drug with "harm in" and no action stays answered
        (
            "is there any harm in lenvatinib for people in their eighties?",
            "targeted-therapy-access",
        ),
    ],
)
def test_soft_requests_to_change_a_medicine(
    engine: AnswerEngine, question: str, topic: str | None
) -> None:
    answer = engine.ask(question)
    assert not answer.emergency
    assert answer.topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # the blind10 holdout's three requests answered on its measured run (fixed after
        # it, so no longer blind for them): a pause said "faire une petite pause" far from
        # the request, SMS "arete" for "arrête", a medicine hidden in a relative's food
        (
            "je me demandais, sans vouloir déranger, si ce serait très grave de faire une "
            "petite pause de mon lenvatinib pendant les fêtes ?",
            None,
        ),
        ("jpeu arete le cabometyx 1 semaine pr mon mariage ?", None),
        (
            "ma mère refuse son lenvatinib depuis une semaine, est-ce que je peux lui en "
            "mettre dans sa soupe sans lui dire ?",
            None,
        ),
        # other wordings
        ("jpeu arete le lenvima 2 semaine ?", None),
        ("je peux areter mon caprelsa ?", None),
        ("mon père ne veut plus de son cabometyx, je peux en mettre dans sa compote ?", None),
        # putting a cream in one's shoes is no medicine hidden in food
        (
            "je peux mettre la crème dans mes chaussures pour le syndrome main pied ?",
            "hand-foot-syndrome",
        ),
    ],
)
def test_requests_the_blind10_holdout_answered(
    engine: AnswerEngine, question: str, topic: str | None
) -> None:
    answer = engine.ask(question)
    assert not answer.emergency
    assert answer.topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # "avc" written for "avec" is read "avec", not a past stroke that declines the
        # question (blind10 tuning, blind11; the stroke side: test_emergency.py)
        (
            "je vis avc des nodules aux poumons depuis 5 ans, c grave de juste surveiller ?",
            "lung-nodules-surveillance",
        ),
        (
            "je vis avc mon cancer depuis 10 ans, les nodules pulmonaires bougent pas, on "
            "continue de surveiller comme ça ?",
            "lung-nodules-surveillance",
        ),
        ("c quoi le syndrome main pied, ma soeur en a avc le lenvatinib", "hand-foot-syndrome"),
        ("pk on me fé pa le vaxin covid avc le lenvima", "covid-vaccine"),
        # a stroke told as a past condition still declines a question about a drug
        ("antécédent d'AVC, puis-je prendre du lenvatinib ?", None),
    ],
)
def test_avc_written_for_avec_is_read_avec(
    engine: AnswerEngine, question: str, topic: str | None
) -> None:
    answer = engine.ask(question)
    assert not answer.emergency
    assert answer.topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # an age or a time in years is no rate: "82 ans" does not take an anaplastic
        # question to the yearly figures (blind11)
        (
            "ma grand-mère a 82 ans et un cancer anaplasique, il existe un traitement ?",
            "anaplastic-treatment",
        ),
        (
            "mon grand-père a 90 ans et un cancer anaplasique, on peut le soigner ?",
            "anaplastic-treatment",
        ),
        # ... while a rate asked still is
        ("combien de cancers anaplasiques par an en France ?", "epidemiology"),
        # the time left asked with "combien" after the verb (blind11)
        (
            "mon papa a un cancer de la thyroïde métastatique résistant à l'iode, on a peur, "
            "il lui reste combien d'années ?",
            "life-expectancy",
        ),
        ("il me reste combien de temps avec des métastases aux poumons ?", "life-expectancy"),
        # whether an advanced medullary cancer is called refractory: the definition, not
        # the yearly figures that name it (blind11)
        (
            "mon mari a un cancer médullaire avancé, est-ce qu'on parle aussi de cancer "
            "réfractaire dans son cas ?",
            "refractory-definition",
        ),
        ("combien de cancers médullaires avancés par an ?", "epidemiology"),
    ],
)
def test_blind11_rankings(engine: AnswerEngine, question: str, topic: str) -> None:
    answer = engine.ask(question)
    assert not answer.emergency
    assert answer.topic == topic
