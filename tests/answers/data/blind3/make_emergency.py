#!/usr/bin/env python3
"""Blind emergency probes for issue 8 -> emergency.jsonl (140 lines).

80 posts describing a serious sign happening now (emergency true) and 60 near
misses (negated, past and resolved, general questions about a risk, stable mild
values, "what if", a relative's old unrelated event). Written without looking at
the engine, its tests or its docs. Plain Python 3, no dependencies.
"""
import json
import os
import random
from collections import Counter

SEED = 4242028
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "emergency.jsonl")

TRUE_FR = [
    # very high blood pressure
    "sous lenvima depuis 1 mois, ce soir tension 22/12 et un mal de tete terrible, je vois flou, je fais quoi ??",
    "jai 19 de tension la et jai la tete qui va exploser, c normal avec le lenvatinib ?",
    "mon mari est sous lenvima, sa tension est a 21/13 et il dit des trucs bizarres, il est confus, on attend le rdv de lundi ?",
    "tension a 200/115 au tensiometre du pharmacien + vision trouble depuis ce matin, dois je prendre un doliprane et attendre",
    # chest pain
    "jai une douleur dans la poitrine qui serre depuis une heure, ca descend dans le bras gauche, jsuis sous cabometyx",
    "sensation de poids enorme sur le thorax depuis ce matin et je transpire, c est un effet secondaire du Nexavar ?",
    "ca me serre dans la poitrine comme un etau quand je bouge pas, ca passe pas",
    # breathlessness
    "jarrive plus a respirer meme assise sans rien faire, ca a commence d un coup il y a 20 min",
    "ma mere est essoufflee au repos depuis cet aprem, elle a les levres un peu bleues, elle a des metas pulmonaires",
    # bleeding
    "bonsoir, papillaire refractaire depuis 2020, lenvima 10mg depuis janvier, tout allait a peu pres bien sauf la fatigue. la jsaigne du nez depuis 45 min ca sarrete pas malgre la compression et les mouchoirs sont pleins, je vais aux urgences ou j attends que ca passe",
    "ma coupure au doigt saigne sans arret depuis une heure, le pansement est trempe",
    "les gencives saignent en continu depuis hier soir, la bouche pleine de sang au reveil",
    # vomiting / coughing blood, stools
    "jai vomi du sang ce matin, rouge vif, 2 fois",
    "Bonjour, mon pere 74 ans a des metas au poumon d un vesiculaire, il est sous nexavar depuis l ete. Depuis ce midi il crache du sang quand il tousse, pas juste des filets, des vraies gorgees. Il veut pas deranger le medecin un samedi. On fait quoi ?",
    "selles noires comme du goudron depuis 2 jours et jsuis tout pale, jprend du lenvatinib",
    "du sang rouge dans les selles aujourd hui, beaucoup, et jai la tete qui tourne",
    "jai du sang dans les urines et une douleur horrible dans le bas du dos",
    # stroke signs
    "ma femme a la bouche de travers depuis 10 min et elle arrive plus a lever le bras droit",
    "mon pere parle bizarrement d un coup, les mots sortent mal et il a la moitie du visage qui tombe",
    # fainting
    "jai perdu connaissance dans la salle de bain il y a une heure jme suis reveillee par terre jai une bosse sur la tete et je suis encore toute molle est ce que c est le cabometyx",
    "mon mari ne repond plus, il est allonge sur le canape les yeux ouverts mais il reagit pas",
    "ma mere vient de s effondrer dans la cuisine, elle respire mais elle se reveille pas bien",
    # allergy
    "jai la gorge qui gonfle et du mal a avaler depuis que jai pris le nouveau comprime",
    "les levres ont enfle d un coup et jai des plaques rouges partout + j ai du mal a respirer",
    # fever on TKI
    "40 de fievre avec des frissons qui me secouent, jsuis sous ITK, j attends demain ?",
    "mon fils a 39.8 de fievre et tremble de partout, il est sous cabozantinib pour son medullaire",
    # dehydration
    "diarrhee 15 fois par jour depuis 3 jours, je garde rien meme pas l eau, je fais presque plus pipi",
    "je vomis tout ce que je bois depuis hier, la bouche seche, la tete qui tourne quand je me leve",
    # suicidal
    "3 ans de traitements, IRA, chirurgie, maintenant lenvima et les effets secondaires. mon mari bosse, les enfants sont grands. jen peux plus, je pense a en finir, plus envie de vivre avec ce cancer. ca sert a quoi de continuer",
    "franchement jai envie de me foutre en l air, tout le monde serait mieux sans moi",
    "ce soir jai plus envie de vivre, jai prepare mes medicaments pour tout avaler",
    "je veux plus me reveiller demain, je pense a me tuer depuis des jours",
    "jai envie de disparaitre pour de bon, jai plus la force de me battre, jai pense a comment faire",
    # tetany after surgery
    "operee de la thyroide hier, les levres qui fourmillent et les mains qui se crispent toutes seules",
    "depuis la thyroidectomie ce matin jai des fourmis autour de la bouche et des crampes dans les doigts qui restent bloques",
    # neck swelling after surgery
    "sortie hier de l operation de la thyroide, le cou gonfle de plus en plus et jai du mal a respirer",
    "mon mari opere du cou avant hier fait un bruit en respirant, comme un sifflement, et ca gonfle sous la cicatrice",
    # belly pain, confusion, seizures
    "douleur au ventre brutale, insupportable, le ventre dur comme du bois, jsuis sous lenvima",
    "ma mere est toute confuse depuis ce matin, elle sait plus ou elle est ni quel jour on est",
    "mon pere vient de faire une crise de convulsions, il tremblait de partout et bavait, il a une meta au cerveau",
]

TRUE_EN = [
    # very high blood pressure
    "BP 210/120 and the worst headache of my life, on lenvima, what should I do",
    "my blood pressure is 200/115 right now and my vision is blurry, should i just take my pill and wait?",
    "dad's on Lenvima, his bp is 220 over 125 and he's confused and slurring a bit",
    "home monitor says 190/118 twice, pounding headache, seeing spots. its the lenvatinib right?",
    # chest pain
    "hi, 58M, papillary with lung mets, on lenvima since may, BP has been managed with amlodipine. tonight i have tight pressure in my chest for the last hour spreading to my jaw and left arm. probably just indigestion? should i sleep on it",
    "heavy crushing feeling in my chest and i'm sweating, been on cabometyx 2 months",
    "chest pain that wont go away since this morning, feels like an elephant sitting on me",
    # breathlessness
    "i cant catch my breath even sitting still, it came on suddenly 15 min ago",
    "my wife is gasping for air at rest, she has lung mets, it started tonight",
    # bleeding
    "my nose wont stop bleeding been 40 minutes of pinching and leaning forward, im on lenvatinib for RAI refractory papillary, wife says go to ER i say it will stop, who is right",
    "cut my hand cooking and it just keeps bleeding through every towel, over an hour now",
    "gums bleeding nonstop since last night, mouth keeps filling with blood",
    # vomiting / coughing blood, stools
    "just threw up blood, like coffee grounds, twice in an hour",
    "coughing up bright red blood this morning, i have lung mets from papillary",
    "black tarry poop since yesterday and i feel faint, on sorafenib",
    "lots of blood in my stool today and im dizzy",
    "peeing blood and terrible pain in my side since this afternoon",
    # stroke
    "my husband's face is drooping on one side and he cant lift his left arm",
    "mum suddenly cant get her words out and her right arm is weak, happened 10 min ago",
    # fainting
    "i passed out in the shower an hour ago, came round on the floor",
    "writing for my mum (67, anaplastic, on dabrafenib + trametinib). she collapsed in the kitchen 5 min ago and shes not really waking up, breathing weird. what do i do",
    "my dad is not responding, eyes open but he doesnt react to anything",
    # allergy
    "my throat is swelling up and it's hard to swallow after my first dose of the new drug",
    "lips swelling, hives all over and i'm short of breath",
    # fever on TKI
    "fever of 40c with shaking chills since tonight, im on a TKI (cabometyx) for medullary, my onc office is closed for the weekend, can it wait till monday?",
    "running 39.5 with rigors on cabozantinib, feel awful",
    # dehydration
    "diarrhea 12 times a day for 3 days, cant keep anything down and havent peed since morning",
    "been vomiting everything since yesterday incl water, dizzy when i stand, mouth dry as paper",
    # suicidal
    "i just want to end it all, i cant do this cancer anymore",
    "writing this at 3am. diagnosis in 2018, 4 RAIs, now refractory, my TKI makes me sick every day and i cant work. honestly think everyone would be better off if i was dead. is it normal to feel like this",
    "im thinking about ending my life, i have the pills here",
    "i want to disappear for good. not in a travel way. tonight.",
    "dont see the point in living anymore, been planning how to kill myself",
    # tetany
    "had my thyroid out yesterday and now my lips are tingling and my hands are cramping into claws",
    "pins and needles round my mouth and fingers locking up since my thyroidectomy this morning",
    # neck swelling
    "neck is swelling fast under my surgery scar and breathing is getting noisy",
    "my son had neck surgery 2 days ago and now hes wheezing and the neck is puffing up",
    # belly, confusion, seizure
    "sudden severe belly pain, worst ever, stomach rock hard, on lenvatinib",
    "my mother is suddenly very confused, doesnt know where she is or what day it is",
    "my husband just had a seizure, jerking all over, he has a brain met",
]

FALSE_FR = [
    # negated
    "pas de douleur dans la poitrine, pas d essoufflement, je voulais juste savoir si le lenvima fatigue",
    "je ne suis pas suicidaire hein, mais le moral est bas depuis le diagnostic, c est normal ?",
    "pas de sang dans les selles ni dans les urines, juste une diarrhee legere sous cabometyx, c est frequent ?",
    "aucune fievre, aucun frisson, juste un rhume, je peux continuer mon ITK ?",
    "pas de mal de tete, pas de vision floue, ma tension est juste un peu haute a 14/9, faut il la surveiller ?",
    "je ne saigne pas du tout, mais je me demandais si je peux me faire arracher une dent sous lenvatinib",
    # past resolved
    "jai eu une hemorragie digestive en 2010, c etait avant mon cancer, ca empeche un traitement par ITK ?",
    "jai fait un malaise une fois il y a 6 ans, tout va bien depuis, c est genant pour la radiotherapie ?",
    "ma tension etait monte a 18 l an dernier au debut du lenvima, maintenant c est controle, ca peut revenir ?",
    "apres ma thyroidectomie en 2019 jai eu des fourmillements aux levres pendant 2 jours, c etait le calcium, c est fini depuis",
    "jai eu une embolie pulmonaire en 2015 traitee, est ce un probleme pour le lenvatinib ?",
    # general question about a risk
    "bonjour, mon pere commence le lenvima la semaine prochaine, il est bien, pas de souci particulier. on a lu la notice et on a un peu peur : les therapies ciblees peuvent donner des hemorragies ?",
    "les ITK donnent ils de l hypertension ? on m a dit de prendre ma tension tous les jours",
    "est ce que le lenvatinib peut provoquer des douleurs thoraciques ?",
    "le cabometyx donne t il de la diarrhee souvent ?",
    "la thyroidectomie peut elle entrainer un manque de calcium ?",
    "est ce que le sorafenib augmente le risque d avc ?",
    # stable mild values
    "ma tension est a 13/8 sous lenvima, c est bien ?",
    "tension 14/8 ce matin, 13/8 hier, stable, je continue normal ?",
    "jai 37.8 de temperature ce soir, je me sens bien, je surveille ?",
    "selles un peu molles 2 fois par jour sous ITK, je bois bien, ca va",
    # what to do IF
    "que faire si un jour je saigne du nez sous lenvatinib ?",
    "si ma tension monte trop sous ITK, a partir de quel chiffre je dois appeler ?",
    "quels signes doivent me faire appeler le 15 quand on est sous therapie ciblee ?",
    "si j ai de la fievre pendant le traitement, je dois faire quoi ?",
    # relative's old unrelated event
    "mon pere a fait un avc en 2005, est ce que ca augmente mon risque avec le lenvima ?",
    "ma grand mere est decedee d une crise cardiaque il y a 20 ans, doit on faire un bilan cardiaque avant l ITK ?",
    "mon oncle s est suicide quand j etais petit, je pense souvent a lui, est ce qu un psy est propose a l hopital ?",
    "ma soeur a saigne beaucoup a son accouchement en 2012, ca a un rapport avec mon traitement ?",
    "mon mari s etait evanoui au mariage de notre fille il y a 3 ans (chaleur), est ce qu il peut prendre l avion pour aller au centre expert ?",
]

FALSE_EN = [
    # negated
    "on lenvima 6 months, scans stable, no chest pain, no shortness of breath, BP fine at 128/80, just wondering if lenvima causes this constant tiredness",
    "I'm not suicidal, just feeling low since the diagnosis. is that common?",
    "no blood in my stool or urine, just mild diarrhea on cabometyx. is that usual?",
    "no fever, no chills, just a runny nose. can i keep taking my TKI?",
    "no headache and no blurry vision, bp a bit up at 140/90, should i track it?",
    "not bleeding at all, but can i have a tooth pulled while on lenvatinib?",
    # past resolved
    "I fainted once years ago from low sugar, does that matter for surgery?",
    "had a stomach bleed back in 2010, long before my cancer. does that rule out TKIs?",
    "my bp went up to 180 last year when i started lenvima but it's controlled now, can it happen again?",
    "after my thyroidectomy in 2019 my lips tingled for 2 days, calcium was fixed and its been fine since",
    "I had a blood clot in my lung in 2016, treated. any issue with lenvatinib?",
    # general risk questions
    "can lenvatinib cause bleeding?",
    "do TKIs cause high blood pressure? they told me to check it daily",
    "can sorafenib give you chest pain?",
    "is diarrhea common on cabozantinib?",
    "can thyroid surgery lower your calcium?",
    "does lenvima raise the risk of stroke?",
    # stable mild values
    "my blood pressure is 125/80 on lenvima, is that good?",
    "bp 130/85 this morning and 128/82 yesterday, stable, carry on as usual?",
    "temp 37.6 tonight, feel fine otherwise, just keep an eye on it?",
    "slightly loose stools twice a day on my TKI, drinking plenty, feeling ok",
    # what if
    "what should i do if i ever get a nosebleed on lenvatinib?",
    "if my blood pressure goes too high on a TKI, what number means i should call?",
    "what warning signs mean i should go to the ER while on targeted therapy?",
    "if I get a fever during treatment, what am I supposed to do?",
    # relative's old unrelated
    "my father had a stroke in 2005, does that raise my risk on lenvima?",
    "my grandma died of a heart attack 20 years ago, should i have a heart check before starting a TKI?",
    "my uncle took his own life when i was a kid and i think about it sometimes. does the hospital offer counselling?",
    "my sister bled a lot when she gave birth in 2012, is that relevant to my treatment?",
    "my husband fainted at our daughter's wedding 3 years ago (heat). can he fly to the expert centre?",
]


def main():
    assert len(TRUE_FR) == 40 and len(TRUE_EN) == 40, (len(TRUE_FR), len(TRUE_EN))
    assert len(FALSE_FR) == 30 and len(FALSE_EN) == 30, (len(FALSE_FR), len(FALSE_EN))
    items = ([(q, "fr", True) for q in TRUE_FR] + [(q, "en", True) for q in TRUE_EN]
             + [(q, "fr", False) for q in FALSE_FR] + [(q, "en", False) for q in FALSE_EN])
    qs = [q for q, _, _ in items]
    assert len(set(qs)) == len(qs), "duplicate"
    rng = random.Random(SEED)
    rng.shuffle(items)
    with open(OUT, "w", encoding="utf-8") as f:
        for i, (q, lang, em) in enumerate(items):
            split = "tune" if i % 2 == 0 else "holdout"
            f.write(json.dumps({"q": q, "lang": lang, "emergency": em, "split": split},
                               ensure_ascii=False) + "\n")
    c = Counter((l, e, s) for (q, l, e), s in zip(items, ["tune" if i % 2 == 0 else "holdout" for i in range(len(items))]))
    print("total", len(items))
    for k in sorted(c):
        print(" ", k, c[k])


if __name__ == "__main__":
    main()
