#!/usr/bin/env python3
"""Blind forum-style patient questions for issue 8 -> forum.jsonl (300 lines).

Written without looking at the engine, its tests or its docs; topic ids from
/work/shared/spec/faq-topics.md only. Plain Python 3, no dependencies.
"""
import json
import os
import random
from collections import Counter

SEED = 20261128
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "forum.jsonl")

# (topic, lang, question)  topic None = off-topic
Q = []


def add(topic, lang, *qs):
    for q in qs:
        Q.append((topic, lang, q))


# ---------------------------------------------------------------- refractory-definition
T = "refractory-definition"
add(T, "fr",
    "bonjour a tous, on m a dit cancer papillaire refractaire a l iode mais ca veut dire koi exactement refractaire ??",
    "mon endoc parle de cancer \"refractaire\" dans son courrier, jcomprend pas le mot, c quoi un cancer refractaire de la thyroide",
    "Bonsoir, ma mere a un cancer medullaire avec des metastases au foie, est ce qu on le classe aussi dans les cancers refractaires ou c est que pour les papillaires ?",
    "un cancer anaplasique est il toujours considere comme refractaire meme sans avoir eu d iode ?",
    "jai un peu differencie (c est ecrit \"peu differencie\" sur le compte rendu) avec metastases osseuses, est ce que ca rentre dans les refractaires ou pas",
    "A partir de quand on dit qu un cancer de la thyroide devient refractaire ? jai eu 2 IRA et on commence a en parler",
    "vesiculaire avec metas, l iode ne fixe plus sur une lesion... c est ca etre refractaire ? c quoi la definition officielle svp",
)
add(T, "en",
    "hi all, my husband's oncologist keeps saying his papillary cancer is now 'RAI refractory'. what does refractory actually mean?",
    "is medullary thyroid cancer considered refractory? my dad has MTC with lymph nodes and bone spots",
    "what makes a thyroid cancer count as radioiodine-refractory, is there an official definition? just diagnosed w/ follicular mets",
    "does anaplastic always count as refractory, even before any treatment?",
    "Long story short: total thyroidectomy 2019, 3 rounds of RAI, new spots in lungs. The report said 'iodine-refractory differentiated carcinoma'. What does that term mean exactly?",
)

# ---------------------------------------------------------------- refractory-criteria-tg
T = "refractory-criteria-tg"
add(T, "fr",
    "ma Tg remonte a 45 alors qu elle etait a 2, est ce que ca veut dire que je suis devenue refractaire ??",
    "c est le taux de thyroglobuline qui decide si on est refractaire ou pas ? mon medecin dit que non mais jcomprend pas",
    "comment les medecins voient ils concretement qu un cancer est devenu refractaire, sur quel examen ils se basent",
    "certaines de mes metastases fixent l iode et d autres non d apres le scanner, est ce que ca suffit pour dire refractaire ?",
    "Bonjour, mon pere a eu 3 cures, ses lesions fixaient au debut mais grossissent quand meme. Ma tension va bien, pas de souci de ce cote, mais est ce que ca le rend refractaire meme si ca fixe ?",
    "jai entendu parler des criteres RECIST pour dire si c est refractaire, c koi le rapport avec la Tg",
    "Tg a 300 mais le scanner dit stable... on parle de refractaire ou pas ? qui compte le plus la prise de sang ou l imagerie",
)
add(T, "en",
    "my Tg keeps creeping up (0.8 -> 6 -> 19) but scans look the same. is it the thyroglobulin level that decides if I'm refractory?",
    "how do doctors actually tell that the cancer has become refractory? blood test, scan, something else?",
    "some of my lung mets lit up on the post-RAI scan and some didn't. does that mixed picture mean refractory?",
    "my wife's spots took up iodine at first but kept growing after 2 treatments. does that count as refractory even though they absorbed the iodine?",
)

# ---------------------------------------------------------------- epidemiology
T = "epidemiology"
add(T, "fr",
    "est ce que c est rare un cancer de la thyroide refractaire ? jme sens tres seule avec ca",
    "combien de personnes par an en France ont un cancer thyroidien refractaire a l iode",
    "ya combien de cas de cancers anaplasiques par an en france a peu pres ?",
    "c est frequent ou pas les cancers refractaires de la thyroide ? mon entourage n en a jamais entendu parler",
)
add(T, "en",
    "how common is refractory thyroid cancer? feels like nobody has ever heard of it",
    "roughly how many new patients a year get RAI-refractory thyroid cancer in France?",
    "is medullary refractory cancer rarer than the differentiated kind? how many cases are there each year",
)

# ---------------------------------------------------------------- stereotactic-radiotherapy
T = "stereotactic-radiotherapy"
add(T, "fr",
    "on me propose une radiotherapie stereotaxique pour une meta a la colonne, c est quoi exactement ??",
    "cyberknife c est quoi comme machine ? le chirurgien en a parle pour mon poumon",
    "la radiotherapie stereotaxique ca abime les tissus autour ou c est vraiment precis",
    "ma femme doit avoir de la tomotherapie sur une lesion osseuse, c est different d une radiotherapie normale ?",
)
add(T, "en",
    "what's stereotactic radiotherapy (SBRT)? they want to do it on one bone met",
    "is CyberKnife the same thing as proton therapy? doc mentioned both for my mum's spine lesion",
    "does stereotactic radiation damage the healthy tissue around the target? worried about my spinal cord",
)

# ---------------------------------------------------------------- hand-foot-syndrome
T = "hand-foot-syndrome"
add(T, "fr",
    "sous lenvima depuis 2 mois, jai la plante des pieds toute rouge avec des cloques, c est le syndrome main pied ? koi faire",
    "dois je arreter mon lenvatinib, jai tres mal aux pieds, ca brule et ca craque",
    "des crevasses sur les paumes sous Nexavar, quelle creme vous utilisez ?",
    "c est quoi le syndrome main-pied dont parle la notice du sorafenib",
    "mon mari est sous cabometyx, il a la peau des mains qui pele et qui demange, faut voir un dermato ou un podologue ?",
    "jsuis jardiniere et depuis le lenvima mes mains sont toutes crevassees le soir, ya des choses pour prevenir ca ? gants ? creme ?",
    "quelles chaussures porter avec un syndrome main pied ? les miennes me font des ampoules partout",
    "jai des callosites tres douloureuses sous les pieds depuis l ITK, un podologue peut aider ?",
)
add(T, "en",
    "on lenvatinib 3 months, soles of my feet are red, blistered and cracked. is this hand foot syndrome? what helps??",
    "should I stop my Lenvima? my feet hurt so much I can barely walk to the mailbox",
    "any tips to prevent the palm and sole blisters from Nexavar? I'm a carpenter and use my hands all day",
    "my dad's on Cometriq and his palms itch and peel, would a podiatrist or dermatologist help? what cream?",
)

# ---------------------------------------------------------------- targeted-therapy-access
T = "targeted-therapy-access"
add(T, "fr",
    "les therapies ciblees c est seulement dans les essais cliniques ou on peut les avoir normalement ?",
    "le lenvima a t il une AMM ou faut il rentrer dans un essai pour l avoir ?",
    "est ce que le Retsevmo est accessible hors essai pour un cancer de la thyroide avec RET ?",
    "mon oncologue me parle du Nexavar, c est un traitement courant ou experimental ?",
    "pour le cancer medullaire, le Caprelsa ou le Cometriq sont ils autorises ou c est que dans des etudes",
    "quand le lenvatinib marchera plus, les autres ITK ont ils une AMM ou on les a seulement dans un essai ??",
    "jhabite en province, un ITK peut il etre prescrit par mon hopital ou faut il aller dans un centre qui fait des essais",
)
add(T, "en",
    "are targeted therapies only given in clinical trials or are they standard now?",
    "r Retsevmo or Gavreto approved for RET thyroid cancer or only available in a trial?",
    "my mom has medullary cancer. can she get Caprelsa or Cabometyx normally or only through a study?",
    "if Lenvima stops working, are there other approved drugs or is it trials only after that?",
)

# ---------------------------------------------------------------- targeted-therapy-when
T = "targeted-therapy-when"
add(T, "fr",
    "pk mon medecin veut pas commencer le lenvima tout de suite alors que jai des metas ? jai peur d attendre",
    "quand est ce qu on commence une therapie ciblee ? j ai des petites metas pulmonaires sans symptome",
    "ya t il des cas ou on peut pas donner d ITK ? ma soeur a une meta au cerveau",
    "metastases cerebrales et risque de saignement, est ce une contre indication au lenvatinib ?",
    "pourquoi attendre que les metastases soient symptomatiques avant un ITK, c est pas trop tard ?",
    "mon pere a 82 ans et des metas qui progressent doucement, a quel moment l equipe va proposer un traitement cible",
    "bjr, mes metas osseuses peuvent etre traitees par radiotherapie, est ce que ca veut dire pas d ITK pour le moment ?",
)
add(T, "en",
    "why won't my oncologist start a TKI now? I have lung mets but no symptoms, feels like waiting for it to get worse",
    "when is the right time to start targeted therapy for RAI refractory cancer?",
    "are there situations where kinase inhibitors can't be used at all? my husband has a brain met",
    "is it true they don't start Lenvima too early because of side effects? my BP is fine btw, I just want to know when",
    "my mets are growing slowly and can't be operated on. at what point does systemic treatment become the option?",
)

# ---------------------------------------------------------------- lung-metastases-treatment
T = "lung-metastases-treatment"
add(T, "fr",
    "comment on traite les metastases pulmonaires d un cancer de la thyroide ?",
    "jai 2 grosses metas au poumon, on peut les enlever par chirurgie ou les bruler (radiofrequence) ?",
    "pourquoi on peut pas operer mes metastases pulmonaires ? ya en a des dizaines toutes petites",
    "la radiofrequence pour une meta pulmonaire c est possible dans tous les hopitaux ?",
    "mon mari a une seule lesion au poumon droit qui grossit, les medecins parlent de la retirer, c est courant ?",
    "micrometastases pulmonaires partout, ya t il un traitement local possible ?",
)
add(T, "en",
    "how are lung metastases from thyroid cancer treated?",
    "I have only 3 lung mets, about 2 cm each. can they be removed with surgery or radiofrequency?",
    "why can't they just zap my lung nodules with radiation? there are like 40 tiny ones",
    "my local hospital doesn't do RFA for lung mets, should I go elsewhere? what are the local options",
    "is surgery a real option for a single growing pulmonary met from papillary cancer?",
)

# ---------------------------------------------------------------- lung-nodules-surveillance
T = "lung-nodules-surveillance"
add(T, "fr",
    "peut on vivre des annees avec des nodules pulmonaires sans traitement, juste surveilles ?",
    "jai des petits nodules au poumon depuis 2018, stables, on fait rien, c est normal ou faut s inquieter",
    "tous les combien faut il faire un scanner quand on surveille des metas pulmonaires stables ?",
    "pk je dois garder une TSH super basse (0.05) alors que mes nodules au poumon bougent pas",
    "ma mere a des micronodules pulmonaires qu on surveille depuis 4 ans, quand est ce qu on passera a un traitement ?",
    "simple surveillance des nodules du poumon, c est vraiment sans risque ? jai du mal a dormir",
    "mon Levothyrox a ete augmente pour baisser la TSH a cause de mes nodules pulmonaires, c est pour quoi exactement",
)
add(T, "en",
    "can you live for years with lung nodules from thyroid cancer that are just being watched?",
    "my lung spots have been stable for 3 years and we do nothing but scans. is watch and wait really ok?",
    "why does my endo want my TSH under 0.1 when my lung nodules aren't even growing?",
    "husband has slow tiny lung mets, only monitored. what happens if they start to grow?",
)

# ---------------------------------------------------------------- rai-how-many
T = "rai-how-many"
add(T, "fr",
    "combien de cures d iode on peut faire au maximum ? jen suis a ma 4eme",
    "jai deja recu 550 mCi au total, est ce qu ils vont encore m en donner ?",
    "au dela de 600 mCi on arrete l IRA ? meme si ca marche encore un peu ?",
    "multiplier les traitements a l iode radioactif ca donne pas d autres cancers ? genre leucemie",
    "ma fille a eu 5 irathérapies, le medecin parle d une 6eme, ya une limite ?",
    "22 GBq c est le max de l iode 131 ? jai vu ce chiffre sur un forum",
    "bjr, jsuis a 7 doses d iode et les metas regressent encore, on peut aller jusqu a combien ?",
)
add(T, "en",
    "how many RAI treatments can you have in a lifetime? I'm on my 4th, Thyrogen shots next week",
    "total dose so far is 500 mCi, is there a max before they stop giving radioactive iodine?",
    "does repeated radioiodine raise the risk of leukemia or other cancers?",
    "my mets still shrink after every RAI, can they keep going past 600 mCi?",
)

# ---------------------------------------------------------------- redifferentiation
T = "redifferentiation"
add(T, "fr",
    "est ce qu un cancer refractaire peut refixer l iode un jour ??",
    "c est quoi la redifferenciation ? mon oncologue en a parle avec Tafinlar et Mekinist",
    "on peut rendre mes metastases a nouveau sensibles a l iode avec un medicament ?",
    "jai lu que le dabrafenib trametinib peut faire refixer l iode, c est vrai ?",
    "mutation BRAF + metas qui fixent plus, ya moyen de les refaire capter l iode radioactif ?",
)
add(T, "en",
    "can a refractory thyroid cancer start taking up iodine again?",
    "what is redifferentiation therapy? heard about it on a patient group",
    "can Tafinlar + Mekinist make my non-iodine-avid mets absorb RAI again?",
)

# ---------------------------------------------------------------- meraiode-results
T = "meraiode-results"
add(T, "fr",
    "les resultats de l essai MERAIODE sont sortis ou pas ?",
    "quand aura t on les resultats de meraiode ?? on en parle depuis longtemps",
    "l etude meraiode a t elle ete publiee, elle etait sous embargo il me semble",
    "Meraiode c etait presente a quel congres ? jaimerais lire les resultats",
)
add(T, "en",
    "are the MERAIODE trial results out yet?",
    "when will MERAIODE be published? my doc mentioned it in 2021",
    "any news on the results of the french MERAIODE redifferentiation study?",
)

# ---------------------------------------------------------------- redifferentiation-eligibility
T = "redifferentiation-eligibility"
add(T, "fr",
    "est ce que tout le monde peut avoir une redifferenciation ? mon oncologue dit que c est pas pour moi",
    "jai des grosses metas qui grossissent vite, pk on me propose directement le lenvima et pas la redifferenciation",
    "qui peut beneficier de la redifferenciation, faut il une mutation particuliere ?",
    "mon mari a plein de petites metas qui fixent pas et une mutation RAS, il est candidat a la redifferenciation ?",
    "c est combien de patients qui peuvent avoir la redifferenciation, une minorite ?",
)
add(T, "en",
    "can everyone get redifferentiation treatment or only some patients?",
    "why did the MDT say I'm not a candidate for redifferentiation? my mets are large and fast growing",
    "do you need a specific mutation and small mets to qualify for redifferentiation?",
)

# ---------------------------------------------------------------- neck-lymph-nodes
T = "neck-lymph-nodes"
add(T, "fr",
    "il me reste des ganglions suspects dans le cou apres la thyroidectomie, que faire ?",
    "l echo montre un ganglion de 8 mm au cou, on va me faire une cytoponction avec dosage de Tg dans le liquide, ca sert a koi",
    "est ce que tous les ganglions du cou visibles a l echo sont des metastases ? jen ai plein",
    "mon ganglion cervical metastatique fait 25 mm, faut il le faire operer ou surveiller ?",
    "c koi le rincage de l aiguille (Tg) lors d une ponction de ganglion ?",
    "on surveille 2 petits ganglions au cou depuis un an, stables, pk on les enleve pas ?",
    "Bonjour, ma fille 24 ans papillaire, le radiologue a vu des ganglions \"atypiques\" dans le cou. Le compte rendu dit aussi que la TSH est bien freinee. C est grave ces ganglions, on fait quoi ?",
)
add(T, "en",
    "there are still suspicious lymph nodes in my neck after surgery. what's usually done?",
    "ultrasound found a few neck nodes, are they all cancer? feels like I have dozens",
    "what is a Tg washout on a fine needle aspiration of a neck node?",
    "my neck node is 2.5 cm and proven metastatic, should it be removed or just watched?",
)

# ---------------------------------------------------------------- mediastinal-lymph-nodes
T = "mediastinal-lymph-nodes"
add(T, "fr",
    "jai des ganglions dans le mediastin, comment on s en debarrasse ?",
    "faut il une sternotomie pour enlever un ganglion mediastinal ? jai peur qu on m ouvre le thorax",
    "ganglions du mediastin petits et stables, on surveille ou on opere ?",
    "le chirurgien dit qu il peut passer par l ancienne cicatrice de la thyroide pour un ganglion du mediastin, c est possible ?",
)
add(T, "en",
    "how are lymph nodes in the mediastinum dealt with in thyroid cancer?",
    "will they need to open my breastbone to remove a growing mediastinal node?",
    "small stable mediastinal nodes, watch or operate?",
)

# ---------------------------------------------------------------- clinical-trials
T = "clinical-trials"
add(T, "fr",
    "quels essais cliniques sont en cours pour les cancers thyroidiens refractaires ?",
    "ou trouver la liste des essais cliniques en France pour mon cancer ? ya un registre ?",
    "pk la recherche est si longue ? phase 1 2 3 ca prend des annees alors qu on attend",
    "ya t il eu des progres ces dernieres annees ou c est toujours pareil quand l iode marche plus ?",
    "jai aucune mutation ciblable d apres l analyse, il existe des essais pour les gens comme moi ?",
)
add(T, "en",
    "which clinical trials are currently open for iodine refractory thyroid cancer?",
    "is there a national registry of cancer trials in France I can search?",
    "has there been real progress in research for RAI-refractory disease or is it still the same as 20 yrs ago?",
    "why are targetable mutations so rare in thyroid cancer, does that limit the trials I can join?",
)

# ---------------------------------------------------------------- covid-vaccine
T = "covid-vaccine"
add(T, "fr",
    "le vaccin covid est il conseille quand on a un cancer de la thyroide ?",
    "je suis sous lenvima, je peux faire mon rappel covid sans risque ?",
    "vaccin anti covid et ITK ca fait bon menage ? mon pharmacien hesite",
    "est ce que le cancer thyroidien rend plus fragile face au covid ?",
)
add(T, "en",
    "r covid shots ok if ur on a kinase inhibitor like Nexavar? plz advise",
    "should thyroid cancer patients get the covid booster? any contraindication?",
    "does having thyroid cancer put me at higher risk from covid?",
)

# ---------------------------------------------------------------- life-expectancy
T = "life-expectancy"
add(T, "fr",
    "c quoi l esperance de vie avec un cancer de la thyroide metastatique refractaire ? soyez honnetes svp",
    "mon pere 68 ans metas pulmonaires et osseuses refractaires, il lui reste combien de temps ??",
    "on peut vivre longtemps avec des metastases de la thyroide ?",
    "jai 35 ans et des metas au poumon depuis 5 ans, est ce que je vais voir grandir mes enfants ?",
    "avec le lenvima on peut stabiliser combien d annees en moyenne ?",
    "le cancer thyroidien refractaire c est mortel ou on vit avec ?",
    "bsr, ma mere vient d apprendre qu elle est refractaire. Elle a bon moral, sa tension est bonne, elle mange bien. Mais moi jai besoin de savoir: c est quoi le pronostic ?",
    "pourquoi on dit que l anaplasique est plus grave que les autres ? ma tante a un papillaire metastatique, son pronostic est il aussi mauvais ?",
)
add(T, "en",
    "what is the life expectancy with metastatic RAI-refractory thyroid cancer?",
    "my wife (52) has lung and bone mets, refractory papillary. how long do people usually live with this?",
    "can u live a normal lifespan w/ stable thyroid cancer mets?? plz be honest",
    "do TKIs like lenvatinib actually add years of life?",
    "just got told my cancer is refractory and I'm freaking out. is this a death sentence? what's the prognosis",
)

# ---------------------------------------------------------------- anaplastic-treatment
T = "anaplastic-treatment"
add(T, "fr",
    "comment on traite un cancer anaplasique de la thyroide ? mon pere vient d etre diagnostique",
    "anaplasique avec mutation BRAF, le tafinlar + mekinist c est efficace ?",
    "faut il chercher une mutation BRAF des le diagnostic d un anaplasique ?",
    "ya t il des traitements cibles pour un anaplasique avec fusion RET ou translocation ALK ?",
    "ma grand mere 79 ans carcinome anaplasique, quels traitements existent ?",
)
add(T, "en",
    "how is anaplastic thyroid cancer treated? my mum (74) was diagnosed last week",
    "my dad's anaplastic tumour is BRAF V600E positive. are dabrafenib + trametinib an option?",
    "are there other targetable changes in anaplastic cancer besides BRAF, like ALK or RET?",
    "what percentage of anaplastic cancers have BRAF and can get the targeted combo?",
    "ATC diagnosed, report said the team will look for mutations. what treatments are there for anaplastic?",
)

# ---------------------------------------------------------------- who-decides
T = "who-decides"
add(T, "fr",
    "qui decide de mon traitement ? mon endoc dit que mon dossier passe en RCP",
    "c est quoi une RCP et qui y participe ?",
    "mon dossier va etre presente en RCP nationale, ca se passe comment ?",
    "dans les cas compliques qui choisit entre chirurgie, radiotherapie et ITK ?",
    "est ce que mon cas sera discute par plusieurs medecins ou juste par mon oncologue ?",
    "la RCP nationale c est tous les combien ? on attend la decision pour mon mari",
)
add(T, "en",
    "who decides the best treatment in complicated thyroid cancer cases?",
    "my case is going to the MDT next week, what does that mean?",
    "is every patient discussed at a multidisciplinary meeting or only the hard cases?",
    "what's a national RCP? my French doctor mentioned it for my mother",
)

# ---------------------------------------------------------------- mutation-testing
T = "mutation-testing"
add(T, "fr",
    "quand est ce qu on fait une recherche de mutation sur la tumeur ?",
    "ma tumeur a ete operee il y a 12 ans, ils veulent faire une biopsie d une meta pour chercher des mutations, pk pas sur l ancienne tumeur ?",
    "la mutation peut elle etre differente entre la thyroide et les metastases ?",
    "pk on ne cherche pas les mutations chez tout le monde ? c est une question de prix ?",
    "on va rechercher BRAF RAS RET sur ma tumeur, ca sert a koi ce test",
    "medullaire chez mon mari, on cherche une mutation RET sur la tumeur. ca sert a quoi ce test et quand le fait on ?",
)
add(T, "en",
    "when do they test the tumour for mutations like BRAF or RET?",
    "my primary was removed 15 years ago, why biopsy a met for genetic testing instead of using the old sample?",
    "can the mets have different mutations than the original thyroid tumour?",
    "why isn't molecular testing done on every patient? is it a cost thing?",
    "high risk papillary with non avid mets: should my tumour get a mutation panel now?",
)

# ---------------------------------------------------------------- specialist-service
T = "specialist-service"
add(T, "fr",
    "quel service est le mieux pour suivre un cancer de la thyroide ? endoc, medecine nucleaire, onco ?",
    "pk c est la medecine nucleaire qui me suit et pas un oncologue ?",
    "vaut il mieux etre suivi par un oncologue ou un endocrinologue quand on est refractaire",
    "jsais plus qui est mon medecin referent : chirurgien, endoc, nucleaire... qui doit suivre un cancer thyroide ?",
)
add(T, "en",
    "which dept is best to follow thyroid cancer, endo or nuc med or onc? confused who u r supposed to see",
    "should an oncologist take over my follow up now that I'm refractory?",
    "why is nuclear medicine in charge of my thyroid cancer and not an endocrinologist?",
)

# ---------------------------------------------------------------- iodine-124-scan
T = "iodine-124-scan"
add(T, "fr",
    "a quoi sert une scintigraphie a l iode 124 ? pk on m en fait pas ?",
    "l iode 124 pourrait montrer si mes metas fixent sans faire de cure ? pk c est pas fait partout",
    "TEP a l iode 124, c est utile pour savoir si on est refractaire ?",
)
add(T, "en",
    "what's the point of an iodine-124 PET scan? my hospital doesn't offer it",
    "could an I-124 scan show if my mets still take up iodine without a full RAI dose?",
    "why is iodine 124 imaging only done in a few centres?",
)

# ---------------------------------------------------------------- node-vascularisation
T = "node-vascularisation"
add(T, "fr",
    "un petit ganglion peu vascularise peut il echapper a l iode ? c est pour ca qu il a pas fixe ?",
    "mon ganglion a pas fixe a la premiere cure, le radiologue dit qu il est peu vascularise, c est la raison ?",
    "la vascularisation d un ganglion joue t elle sur la captation de l iode radioactif",
)
add(T, "en",
    "can a small node with poor blood supply escape the radioactive iodine?",
    "is it because my lymph node isn't well vascularised that RAI didn't reach it?",
    "a node didn't take up iodine at my first RAI and grew since. does blood flow to the node matter?",
)

# ---------------------------------------------------------------- scan-resolution
T = "scan-resolution"
add(T, "fr",
    "ma scinti post traitement est blanche alors que jai des metas au scanner, c est pas juste une question de resolution ?",
    "l iode 131 voit il les lesions de quelques millimetres sur la scintigraphie ?",
    "scinti blanche mais Tg positive, la machine est peut etre pas assez precise pour voir les petites lesions ?",
)
add(T, "en",
    "my post-therapy scan was 'white' (nothing showed) but CT shows mets. could it just be the scanner resolution?",
    "can a whole body scan after RAI pick up tiny mm sized spots? do they light up if they r that small",
    "what share of metastases take up enough iodine to show on the post treatment scan?",
)

# ---------------------------------------------------------------- cure-after-removal
T = "cure-after-removal"
add(T, "fr",
    "si on enleve mes metastases par chirurgie, est ce que je peux esperer etre gueri ?",
    "on m a retire mes ganglions metastatiques et le scanner est propre, est ce que je suis guerie pour de bon ?",
    "plus rien de visible a l imagerie, ca veut dire zero cellule cancereuse ?",
    "une recidive 10 ans apres c est possible meme si tout a ete enleve ?",
    "mon mari a eu sa meta pulmonaire enlevee, le chirurgien est content. On peut parler de guerison ou pas ?",
)
add(T, "en",
    "if they surgically remove all my secondary lesions, can I hope to be cured?",
    "scans show nothing after my mets were removed. does that mean I'm cancer-free for sure?",
    "can thyroid cancer come back years later even when the imaging is clear?",
    "my neck mets were taken out last month and the report said no residual disease. is this a cure?",
)

# ---------------------------------------------------------------- tuthyref-network
T = "tuthyref-network"
add(T, "fr",
    "c est quoi tuthyref ? c est ecrit sur mon courrier de l hopital",
    "le reseau tuthyref regroupe combien de centres ?",
    "comment fonctionne le reseau TuThyRef, c est national ?",
    "mon hopital fait il partie de tuthyref ? c est quoi exactement ce reseau",
)
add(T, "en",
    "what is TuThyRef? keep seeing it in my French hospital letters",
    "is TuThyRef a national network of expert centres for refractory thyroid tumours?",
    "how many centres r in the TuThyRef network?",
)

# ---------------------------------------------------------------- off-topic (None)
T = None
add(T, "fr",
    "ma soeur a une TSH a 5.2 sur sa prise de sang de routine, elle est en bonne sante, c grave ?",
    "mon fils de 16 ans a fait une prise de sang, TSH a 0.3, faut il s inquieter ? il a aucun cancer",
    "basedow et grossesse c est compatible ? jsuis enceinte de 2 mois",
    "Hashimoto et fatigue, vous faites comment au quotidien ?",
    "jai un nodule thyroidien benin de 1 cm (cytoponction ok), faut il l operer ?",
    "je fume depuis 30 ans et le scanner a trouve un nodule au poumon de 6 mm, on fait quoi ? jai pas de cancer de la thyroide",
    "ma mere a un cancer du sein avec des metastases pulmonaires, comment on les traite ?",
    "quelle est l esperance de vie pour un cancer du colon stade 3 ?",
    "quelles vitamines prendre pendant la grossesse ? acide folique ?",
    "comment renouveler ma carte vitale perdue ?",
    "combien coute le parking de l hopital pour une journee ?",
    "mon levothyrox a change de marque a la pharmacie, le generique c est pareil ?",
    "quelle est la meilleure creme solaire pour l ete ?",
    "comment faire une demande de RQTH a la MDPH, c est long ?",
    "recette de soupe facile quand on a pas d appetit ?",
    "ma voiture fait un bruit bizarre au freinage, c est les plaquettes ?",
    "mon chien a vomi 2 fois ce matin, je l amene chez le veto ?",
    "le temps de doublement du PSA pour un cancer de la prostate ca veut dire quoi ?",
    "quel est le prix d une perruque apres une chimio et c est rembourse ?",
    "jai pris 5 kg depuis ma thyroidectomie pour un nodule benin, normal ?",
    "mon mari a des calculs renaux, quoi manger pour eviter ca ?",
    "horaires d ouverture de la pharmacie de garde dimanche ?",
    "ma mere a une hypothyroidie, elle peut prendre de l ibuprofene ?",
    "comment remplir le formulaire d arret maladie pour mon employeur ?",
    "mon fils a le covid, combien de jours il doit rester a la maison ?",
    "c quoi la difference entre un scanner et une IRM en general ?",
    "mon frere a un cancer du pancreas, c est hereditaire ?",
)
add(T, "en",
    "my sister's TSH came back at 4.8 on a routine check, she's healthy, is that normal?",
    "my mum has Graves and her eyes look bulgy, is that part of it?",
    "Hashimoto's and weight gain, does selenium help?",
    "benign thyroid nodule 1.5cm, biopsy negative, do I need surgery?",
    "I'm a smoker and they found an 8mm lung nodule on CT, I've never had cancer. what happens next?",
    "my aunt has breast cancer that spread to her lungs, how are those lung mets treated?",
    "what is the 5 year survival rate for colon cancer?",
    "what does PSA doubling time mean for my dad's prostate cancer?",
    "which prenatal vitamins are best during pregnancy?",
    "how do I renew my passport online?",
    "how much does a hospital parking permit cost usually?",
    "pharmacy switched my levothyroxine to a generic, is that ok?",
    "best way to get rid of a cold quickly?",
    "how long should I boil an egg for a runny yolk?",
    "my kid has head lice again, what shampoo works?",
    "is it safe to fly with a cast on my leg?",
    "my husband snores terribly, any tips?",
    "how do I fill in a disability benefit form for work?",
)


# ---------------------------------------------------------------- extra long French stories
add("lung-nodules-surveillance", "fr",
    "Bonjour. Ancien fumeur (arrete en 2015), opere d un papillaire en 2017, 2 IRA. Depuis 2020 on voit des petits nodules aux 2 poumons, confirmes comme metas thyroidiennes, stables a chaque scanner. Mon pneumologue voulait me rassurer mais jai du mal. On peut vraiment vivre des annees comme ca juste avec une surveillance ?",
)
add("refractory-definition", "fr",
    "bjr jsuis la fille d une patiente de 71 ans. Elle a ete operee en 2016 (vesiculaire), puis IRA en 2016, 2017 et 2019. Le dernier courrier dit \"maladie refractaire, a presenter en RCP\". Ma mere me demande ce que veut dire refractaire et moi jsais pas lui expliquer. C est quoi la definition ?",
)
add("targeted-therapy-access", "fr",
    "Mon mari a un cancer medullaire depuis 2012, operations multiples, et la il progresse au foie. Sa tension est normale et il a pas d autres soucis de sante. L oncologue a cite le Caprelsa et le Cometriq. Est ce que ce sont des medicaments qu on peut avoir en pharmacie hospitaliere normalement ou faut passer par un essai clinique ?",
)
add("hand-foot-syndrome", "fr",
    "Bonsoir a tous, jsuis sous Lenvima 14 mg depuis mars. Au debut tout allait bien a part la fatigue. Depuis 3 semaines jai des ampoules sous les talons et les mains qui craquent au niveau des doigts, jpeux plus porter mes baskets. Jai pas envie d arreter le traitement mais c est dur. Comment vous gerez le syndrome main pied ? cremes, podologue ?",
)
add("who-decides", "fr",
    "Ma femme a un peu differencie avec metas osseuses et pulmonaires. Le chirurgien veut operer la meta du bassin, la radiotherapeute propose des rayons, l oncologue parle d ITK. Chacun dit son truc et on est perdus. Qui prend la decision finale dans ce genre de cas ?",
)
add("life-expectancy", "fr",
    "Jai 44 ans, 2 enfants. Papillaire depuis 2014, metas pulmonaires refractaires depuis 2019, sous lenvatinib depuis 2021 et ca a bien diminue puis stabilise. Ma tension est controlee avec un medicament. Je n ose pas demander a mon oncologue : combien de temps on peut vivre comme ca, stabilise sous ITK ?",
)
add("rai-how-many", "fr",
    "Bonjour, ma mere a eu sa 1ere IRA a 100 mCi en 2018, puis 150, 150 et 100. Le scanner montre que ses metas fixent toujours et diminuent un peu. Elle a peur qu on lui dise stop. Jusqu a combien de cures d iode elle peut aller ? et ca fait pas d autres cancers a force ?",
)
add("mutation-testing", "fr",
    "mon frere 39 ans a un cancer medullaire, on lui a fait une analyse sur la tumeur et une prise de sang pour RET. Les resultats sont pas encore la. Ma question : a quoi ca sert de rechercher une mutation dans sa tumeur et pourquoi on le fait chez lui et pas chez tous les patients ?",
)


def main():
    rng = random.Random(SEED)
    assert len(Q) == 300, len(Q)
    qs = [q for _, _, q in Q]
    assert len(set(qs)) == len(qs), "duplicate question"
    items = list(Q)
    rng.shuffle(items)
    with open(OUT, "w", encoding="utf-8") as f:
        for i, (topic, lang, q) in enumerate(items):
            split = "tune" if i % 2 == 0 else "holdout"
            f.write(json.dumps({"q": q, "lang": lang, "topic": topic, "split": split},
                               ensure_ascii=False) + "\n")
    lang = Counter(l for _, l, _ in Q)
    on = sum(1 for t, _, _ in Q if t)
    print("total", len(Q), "lang", dict(lang), "on-topic", on, "off-topic", len(Q) - on)
    for t, n in sorted(Counter(t for t, _, _ in Q if t).items(), key=lambda x: x[0]):
        print(f"  {t:32s} {n}")


if __name__ == "__main__":
    main()
