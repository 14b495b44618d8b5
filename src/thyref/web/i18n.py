"""User-facing strings, French (default) and English. Every key has both languages."""

from __future__ import annotations

from typing import Final, get_args

from thyref.domain.case import LabUnit

LANGS: Final = ("fr", "en")
DEFAULT_LANG: Final = "fr"

# key -> (fr, en)
STRINGS: Final[dict[str, tuple[str, str]]] = {
    # layout
    "app.name": ("thyref", "thyref"),
    "app.tagline": (
        "Aide à la décision pour les cancers thyroïdiens réfractaires",
        "Decision support for refractory thyroid cancer",
    ),
    "nav.skip": ("Aller au contenu", "Skip to content"),
    "nav.main": ("Navigation principale", "Main navigation"),
    "nav.cases": ("Dossiers", "Cases"),
    "nav.new": ("Nouveau dossier", "New case"),
    "nav.import": ("Importer", "Import"),
    "nav.patient": ("Espace patients", "Patient questions"),
    "nav.audit": ("Journal d'audit", "Audit log"),
    "nav.api": ("API", "API"),
    "nav.login": ("Connexion", "Sign in"),
    "nav.logout": ("Déconnexion", "Sign out"),
    "nav.signed_in_as": ("Connecté : {user} ({centre})", "Signed in: {user} ({centre})"),
    "nav.lang_switch": ("English", "Français"),
    "nav.lang_switch_label": ("Read this page in English", "Lire cette page en français"),
    "footer.disclaimer": (
        "Outil d'aide à la décision pour la RCP : il propose des options et leurs raisons, "
        "il ne prescrit pas.",
        "A decision-support tool for the tumour board: it lists options and their reasons; "
        "it does not prescribe.",
    ),
    # home
    "home.title": ("Bienvenue", "Welcome"),
    "home.clinician": ("Espace clinicien", "Clinician area"),
    "home.clinician_text": (
        "Dossiers de RCP : statut réfractaire, RECIST 1.1, cinétique des marqueurs, options.",
        "Tumour-board cases: refractory status, RECIST 1.1, marker kinetics, options.",
    ),
    "home.patient": ("Espace patients", "Patient area"),
    "home.patient_text": (
        "Vos questions sur le cancer thyroïdien réfractaire, avec les sources.",
        "Your questions about refractory thyroid cancer, with sources.",
    ),
    # login
    "login.title": ("Connexion", "Sign in"),
    "login.username": ("Identifiant", "Username"),
    "login.password": ("Mot de passe", "Password"),
    "login.submit": ("Se connecter", "Sign in"),
    "login.failed": ("Identifiant ou mot de passe incorrect.", "Wrong username or password."),
    "login.limited": (
        "Trop de tentatives. Réessayez dans {seconds} secondes.",
        "Too many attempts. Try again in {seconds} seconds.",
    ),
    "login.required": ("Connectez-vous pour continuer.", "Sign in to continue."),
    # errors
    "error.title": ("Erreur", "Error"),
    "error.not_found": ("Page ou dossier introuvable.", "Page or case not found."),
    "error.forbidden": ("Action non autorisée.", "You may not do this."),
    "error.csrf": (
        "Le formulaire a expiré. Rechargez la page et recommencez.",
        "The form has expired. Reload the page and try again.",
    ),
    "error.server": ("Erreur interne.", "Internal error."),
    "error.back": ("Retour aux dossiers", "Back to cases"),
    # case list
    "list.title": ("Dossiers", "Cases"),
    "list.search": ("Rechercher", "Search"),
    "list.search_hint": (
        "Identifiant, critère ou histologie",
        "Identifier, criterion or histology",
    ),
    "list.status": ("Statut", "Status"),
    "list.category": ("Catégorie", "Category"),
    "list.any": ("Tous", "Any"),
    "list.filter": ("Filtrer", "Filter"),
    "list.case": ("Dossier", "Case"),
    "list.criteria": ("Critères", "Criteria"),
    "list.changed": ("Dernière modification", "Last change"),
    "list.empty": ("Aucun dossier ne correspond.", "No case matches."),
    "list.count": ("{n} dossier(s)", "{n} case(s)"),
    "list.centre": ("Centre", "Centre"),
    # vocabularies: status, category
    "status.refractory": ("Réfractaire", "Refractory"),
    "status.not_refractory": ("Non réfractaire", "Not refractory"),
    "status.indeterminate": ("Indéterminé", "Indeterminate"),
    "category.differentiated": ("Différencié", "Differentiated"),
    "category.anaplastic": ("Anaplasique", "Anaplastic"),
    "category.medullary": ("Médullaire", "Medullary"),
    "priority.urgent": ("Urgent", "Urgent"),
    "priority.high": ("Prioritaire", "High"),
    "priority.routine": ("Courant", "Routine"),
    # case page
    "case.title": ("Dossier {id}", "Case {id}"),
    "case.version": ("Version {n}", "Version {n}"),
    "case.updated": ("modifié le {at} par {by}", "changed on {at} by {by}"),
    "case.edit": ("Modifier", "Edit"),
    "case.history": ("Historique", "History"),
    "case.download_case": ("Télécharger le dossier (JSON)", "Download the case (JSON)"),
    "case.download_assessment": (
        "Télécharger l'évaluation (JSON)",
        "Download the assessment (JSON)",
    ),
    "case.glance": ("En bref", "At a glance"),
    "case.status": ("Statut", "Status"),
    "case.category": ("Catégorie", "Category"),
    "case.criteria": ("Critères remplis", "Criteria met"),
    "case.no_criteria": ("Aucun critère rempli.", "No criterion met."),
    "case.evidence": ("Éléments", "Evidence"),
    "case.notes": ("Remarques", "Notes"),
    "case.missing": ("Données manquantes pour conclure", "Data missing to decide"),
    "case.missing_go": ("Compléter", "Complete"),
    "case.options": ("Options pour la RCP", "Options for the tumour board"),
    "case.no_options": ("Aucune option proposée.", "No option proposed."),
    "case.rationale": ("Pourquoi", "Why"),
    "case.sources": ("Sources", "Sources"),
    "case.recist": ("RECIST 1.1", "RECIST 1.1"),
    "case.baseline": ("Examen de référence", "Baseline"),
    "case.targets": ("Cibles", "Targets"),
    "case.best_response": ("Meilleure réponse", "Best overall response"),
    "case.no_imaging": ("Aucune imagerie enregistrée.", "No imaging recorded."),
    "case.date": ("Date", "Date"),
    "case.sum": ("Somme (mm)", "Sum (mm)"),
    "case.change_baseline": ("Δ référence (%)", "Δ baseline (%)"),
    "case.change_nadir": ("Δ nadir (%)", "Δ nadir (%)"),
    "case.target_response": ("Cibles", "Targets"),
    "case.non_target_response": ("Non-cibles", "Non-targets"),
    "case.new_lesions": ("Nouvelles lésions", "New lesions"),
    "case.overall": ("Réponse globale", "Overall response"),
    "case.asserted": ("(déclarée)", "(asserted)"),
    "case.rai": ("Iode 131", "I-131"),
    "case.cumulative": ("Activité cumulée", "Cumulative activity"),
    "case.administrations": ("{n} administration(s)", "{n} administration(s)"),
    "case.kinetics": ("Cinétique des marqueurs", "Marker kinetics"),
    "case.marker": ("Marqueur", "Marker"),
    "case.doubling": ("Temps de doublement", "Doubling time"),
    "case.halving": ("Temps de demi-vie", "Halving time"),
    "case.r2": ("r²", "r²"),
    "case.points": ("Points", "Points"),
    "case.kinetics_status": ("Tendance", "Trend"),
    "case.warnings": ("Avertissements", "Warnings"),
    "case.days": ("{d} j", "{d} d"),
    "case.plots": ("Graphiques", "Plots"),
    "case.plot_markers": ("Marqueurs (échelle log)", "Markers (log scale)"),
    "case.plot_recist": ("Somme des diamètres", "Sum of diameters"),
    "case.plot_rai": ("Activité cumulée d'iode 131", "Cumulative I-131 activity"),
    "case.plot_timeline": ("Chronologie des traitements", "Treatment timeline"),
    "case.data": ("Données du dossier", "Case data"),
    "case.lesions": ("Lésions", "Lesions"),
    "case.labs": ("Biologie", "Labs"),
    "case.molecular": ("Biologie moléculaire", "Molecular results"),
    "case.engine": ("Moteur {version}, règles {rules}", "Engine {version}, rules {rules}"),
    "case.engine_changed": (
        "Évaluation enregistrée avec le moteur {stored} ; le moteur actuel est {current}.",
        "Assessment stored with engine {stored}; the current engine is {current}.",
    ),
    "case.reassess": ("Réévaluer avec le moteur actuel", "Reassess with the current engine"),
    "case.old_version": (
        "Vous consultez la version {n}, qui n'est pas la version actuelle ({current}).",
        "You are viewing version {n}, which is not the current version ({current}).",
    ),
    "case.view_current": ("Voir la version actuelle", "View the current version"),
    "case.delete": ("Supprimer le dossier", "Delete the case"),
    "case.deleted": ("Dossier {id} supprimé.", "Case {id} deleted."),
    "case.saved": ("Version {n} enregistrée.", "Version {n} saved."),
    # plots
    "plot.date": ("Date", "Date"),
    "plot.no_data": ("Pas assez de données", "Not enough data"),
    "plot.doubling": ("doublement {d} j", "doubling {d} d"),
    "plot.halving": ("demi-vie {d} j", "halving {d} d"),
    "plot.sum_mm": ("Somme des diamètres (mm)", "Sum of diameters (mm)"),
    "plot.baseline": ("Référence", "Baseline"),
    "plot.nadir": ("Nadir", "Nadir"),
    "plot.pr_line": ("RP : −30 % de la référence", "PR: −30% of baseline"),
    "plot.pd_line": ("PD : +20 % du nadir", "PD: +20% of nadir"),
    "plot.gbq": ("Activité cumulée (GBq)", "Cumulative activity (GBq)"),
    "plot.threshold": ("Seuil {gbq} GBq", "{gbq} GBq threshold"),
    "plot.rai_row": ("Iode 131", "I-131"),
    "plot.imaging_row": ("Imagerie", "Imaging"),
    "plot.labs_row": ("Biologie", "Labs"),
    "plot.molecular_row": ("Moléculaire", "Molecular"),
    "plot.diagnosis_row": ("Diagnostic", "Diagnosis"),
    "plot.systemic_row": ("Traitement systémique", "Systemic therapy"),
    "plot.alt_markers": (
        "Marqueurs tumoraux au cours du temps, échelle logarithmique. {detail}",
        "Tumour markers over time, log scale. {detail}",
    ),
    "plot.alt_recist": (
        "Somme des diamètres des cibles au cours du temps, avec la référence, le nadir et les "
        "seuils de réponse partielle et de progression. {detail}",
        "Sum of target diameters over time, with baseline, nadir and the partial-response and "
        "progression lines. {detail}",
    ),
    "plot.alt_rai": (
        "Activité cumulée d'iode 131 : {gbq} GBq en {n} administration(s), seuil {limit} GBq.",
        "Cumulative I-131 activity: {gbq} GBq in {n} administration(s), {limit} GBq threshold.",
    ),
    "plot.alt_timeline": (
        "Chronologie : diagnostic, administrations d'iode 131, imageries avec leur réponse "
        "RECIST, biologie.",
        "Timeline: diagnosis, I-131 administrations, imaging with its RECIST response, labs.",
    ),
    # markers
    "marker.thyroglobulin": ("Thyroglobuline", "Thyroglobulin"),
    "marker.calcitonin": ("Calcitonine", "Calcitonin"),
    "marker.cea": ("ACE", "CEA"),
    "marker.tg_antibodies": ("Anticorps anti-Tg", "Tg antibodies"),
    "marker.tsh": ("TSH", "TSH"),
    "kinetics.rising": ("en hausse", "rising"),
    "kinetics.falling": ("en baisse", "falling"),
    "kinetics.stable": ("stable", "stable"),
    "kinetics.insufficient_data": ("données insuffisantes", "insufficient data"),
    "kinetics.unreliable": ("peu fiable", "unreliable"),
    # missing data calls to action
    "missing.lesions.rai_uptake": (
        "Préciser la fixation de l'iode 131 de chaque lésion (post-thérapeutique).",
        "Give the I-131 uptake of each lesion (post-therapy scan).",
    ),
    "missing.imaging_after_rai": (
        "Ajouter une imagerie dans les 12 mois suivant la dernière administration d'iode 131.",
        "Add imaging within 12 months after the latest I-131 administration.",
    ),
    "missing.rai": (
        "Enregistrer les administrations d'iode 131.",
        "Record the I-131 administrations.",
    ),
    "missing.clinical.standard_treatment_possible": (
        "Indiquer si un traitement standard (chirurgie…) reste possible.",
        "State whether a standard treatment (surgery...) is still possible.",
    ),
    "missing.other": ("Compléter : {item}", "Complete: {item}"),
    # editor
    "editor.new_title": ("Nouveau dossier", "New case"),
    "editor.edit_title": ("Modifier le dossier {id}", "Edit case {id}"),
    "editor.save": ("Enregistrer", "Save"),
    "editor.cancel": ("Annuler", "Cancel"),
    "editor.live": ("Évaluation en direct", "Live assessment"),
    "editor.live_hint": (
        "L'évaluation se met à jour pendant la saisie ; rien n'est enregistré avant "
        "« Enregistrer ».",
        "The assessment updates as you type; nothing is stored until you press Save.",
    ),
    "editor.errors": (
        "{n} problème(s) à corriger avant l'évaluation :",
        "{n} problem(s) to fix before the assessment:",
    ),
    "editor.incomplete": (
        "Renseignez au moins l'identifiant, l'histologie et la date du diagnostic.",
        "Fill in at least the identifier, the histology and the diagnosis date.",
    ),
    "editor.conflict": (
        "Ce dossier a été modifié par {by} le {at} (version {n}) pendant votre saisie. "
        "Vos données sont conservées ci-dessous : comparez avec la version actuelle, puis "
        "enregistrez de nouveau pour la remplacer.",
        "This case was changed by {by} on {at} (version {n}) while you were editing. "
        "Your data are kept below: compare with the current version, then save again to "
        "replace it.",
    ),
    "editor.exists": (
        "Un dossier avec cet identifiant existe déjà.",
        "A case with this identifier exists.",
    ),
    "editor.id_fixed": (
        "L'identifiant d'un dossier enregistré ne change pas.",
        "A stored case keeps its identifier.",
    ),
    "editor.identity": ("Identification", "Identification"),
    "editor.id": (
        "Identifiant (pseudonyme, jamais un nom)",
        "Identifier (a pseudonym, never a name)",
    ),
    "editor.sex": ("Sexe", "Sex"),
    "editor.birth_year": ("Année de naissance", "Birth year"),
    "editor.diagnosis": ("Diagnostic", "Diagnosis"),
    "editor.histology": ("Histologie", "Histology"),
    "editor.diagnosis_date": ("Date du diagnostic", "Diagnosis date"),
    "editor.extent": (
        "Extension (sinon déduite des lésions)",
        "Extent (else derived from lesions)",
    ),
    "editor.primary_sample_date": (
        "Date du prélèvement de la tumeur primitive",
        "Primary tumour sample date",
    ),
    "editor.rai": ("Administrations d'iode 131", "I-131 administrations"),
    "editor.rai_row": ("Administration {n}", "Administration {n}"),
    "editor.activity": ("Activité", "Activity"),
    "editor.unit": ("Unité", "Unit"),
    "editor.response": ("Évolution après administration", "Evolution after this administration"),
    "editor.lesions": ("Lésions", "Lesions"),
    "editor.lesion_row": ("Lésion {n}", "Lesion {n}"),
    "editor.lesion_id": ("Identifiant", "Identifier"),
    "editor.site": ("Site", "Site"),
    "editor.rai_uptake": ("Fixation de l'iode", "Iodine uptake"),
    "editor.recist_role": ("Rôle RECIST", "RECIST role"),
    "editor.innumerable": ("Innombrables (miliaire)", "Innumerable (miliary)"),
    "editor.lesion_symptomatic": ("Symptomatique", "Symptomatic"),
    "editor.lesion_locally_treatable": ("Traitable localement", "Locally treatable"),
    "editor.confirmed": ("Prouvée (cytologie/histologie)", "Proven (cytology/histology)"),
    "editor.imaging": ("Imageries (RECIST)", "Imaging (RECIST)"),
    "editor.imaging_hint": (
        "Une ligne par examen ; une colonne par lésion : diamètre en mm (petit axe pour les "
        "ganglions, 0 = disparue) ou, pour une lésion non cible, son état.",
        "One row per scan; one column per lesion: diameter in mm (short axis for lymph nodes, "
        "0 = disappeared) or, for a non-target lesion, its state.",
    ),
    "editor.imaging_needs_lesions": (
        "Déclarez d'abord les lésions pour saisir leurs mesures.",
        "Declare the lesions first to enter their measurements.",
    ),
    "editor.imaging_row": ("Examen {n}", "Scan {n}"),
    "editor.cell_label": ("{lesion} à l'examen {n}", "{lesion} on scan {n}"),
    "editor.assessed_response": ("Réponse déclarée", "Asserted response"),
    "editor.labs": ("Biologie", "Labs"),
    "editor.lab_row": ("Dosage {n}", "Test {n}"),
    "editor.test": ("Dosage", "Test"),
    "editor.value": ("Valeur", "Value"),
    "editor.positive": ("Positif", "Positive"),
    "editor.below_detection": ("Sous le seuil de détection", "Below detection limit"),
    "editor.upper_limit": ("Seuil du laboratoire", "Lab threshold"),
    "editor.molecular": ("Biologie moléculaire", "Molecular results"),
    "editor.molecular_row": ("Résultat {n}", "Result {n}"),
    "editor.gene": ("Gène", "Gene"),
    "editor.alteration": ("Altération", "Alteration"),
    "editor.kind": ("Type", "Kind"),
    "editor.origin": ("Origine", "Origin"),
    "editor.sample": ("Prélèvement", "Sample"),
    "editor.clinical": ("Données cliniques", "Clinical flags"),
    "editor.symptomatic": ("Maladie symptomatique", "Symptomatic disease"),
    "editor.locally_treatable": (
        "Maladie évolutive traitable localement",
        "Progressing disease locally treatable",
    ),
    "editor.standard_treatment_possible": (
        "Traitement standard possible (médullaire)",
        "Standard treatment possible (medullary)",
    ),
    "editor.brain_bleeding": (
        "Métastases cérébrales à risque hémorragique",
        "Brain metastases with bleeding risk",
    ),
    "editor.on_systemic_therapy": (
        "Traitement systémique en cours (molécule)",
        "Current systemic therapy (drug)",
    ),
    "editor.add": ("Ajouter", "Add"),
    "editor.add_rai": ("Ajouter une administration", "Add an administration"),
    "editor.add_lesion": ("Ajouter une lésion", "Add a lesion"),
    "editor.add_imaging": ("Ajouter un examen", "Add a scan"),
    "editor.add_lab": ("Ajouter un dosage", "Add a test"),
    "editor.add_molecular": ("Ajouter un résultat", "Add a result"),
    "editor.remove": ("Retirer", "Remove"),
    "editor.remove_row": ("Retirer : {what}", "Remove: {what}"),
    "editor.unknown": ("Non renseigné", "Not assessed"),
    "editor.yes": ("Oui", "Yes"),
    "editor.no": ("Non", "No"),
    "editor.none": ("—", "—"),
    "editor.note": ("Note de version (facultative)", "Version note (optional)"),
    "editor.refresh_grid": ("Mettre à jour la grille", "Refresh the grid"),
    "editor.general_errors": ("Autres problèmes", "Other problems"),
    # import
    "import.title": ("Importer un dossier JSON", "Import a JSON case"),
    "import.file": ("Fichier JSON (thyref-case/1)", "JSON file (thyref-case/1)"),
    "import.text": ("… ou collez le JSON", "... or paste the JSON"),
    "import.submit": ("Importer", "Import"),
    "import.empty": ("Choisissez un fichier ou collez un JSON.", "Choose a file or paste JSON."),
    "import.invalid": (
        "Le dossier importé contient des problèmes : corrigez-les ci-dessous puis enregistrez.",
        "The imported case has problems: fix them below, then save.",
    ),
    "import.format_error": ("Import impossible : {message}", "Cannot import: {message}"),
    # history
    "history.title": ("Historique du dossier {id}", "History of case {id}"),
    "history.version": ("Version", "Version"),
    "history.when": ("Date", "Date"),
    "history.author": ("Auteur", "Author"),
    "history.engine": ("Moteur / règles", "Engine / rules"),
    "history.note": ("Note", "Note"),
    "history.view": ("Voir", "View"),
    "history.compare": ("Comparer", "Compare"),
    "history.compare_a": ("Version A", "Version A"),
    "history.compare_b": ("Version B", "Version B"),
    "compare.title": (
        "Dossier {id} : version {a} → version {b}",
        "Case {id}: version {a} → version {b}",
    ),
    "compare.field": ("Champ", "Field"),
    "compare.same": ("Aucune différence dans les données.", "No difference in the data."),
    "compare.status": ("Statut", "Status"),
    "compare.options_added": ("Options ajoutées", "Options added"),
    "compare.options_removed": ("Options retirées", "Options removed"),
    "compare.absent": ("(absent)", "(absent)"),
    # audit
    "audit.title": ("Journal d'audit", "Audit log"),
    "audit.at": ("Date (UTC)", "Date (UTC)"),
    "audit.user": ("Utilisateur", "User"),
    "audit.action": ("Action", "Action"),
    "audit.case": ("Dossier", "Case"),
    "audit.detail": ("Détail", "Detail"),
    "audit.filter": ("Filtrer", "Filter"),
    "audit.empty": ("Aucun événement.", "No event."),
    # patient page
    "patient.title": ("Vos questions", "Your questions"),
    "patient.intro": (
        "Posez une question sur le cancer thyroïdien réfractaire. Les réponses sont générales "
        "et citent leurs sources.",
        "Ask a question about refractory thyroid cancer. The answers are general and cite "
        "their sources.",
    ),
    "patient.disclaimer": (
        "Ces informations ne remplacent pas l'avis de votre équipe soignante. Pour votre "
        "situation, parlez-en avec votre médecin. En cas d'urgence, appelez le 15 (ou le 112).",
        "This information does not replace advice from your care team. For your own "
        "situation, talk to your doctor. In an emergency, call 112 (15 in France).",
    ),
    "patient.question": ("Votre question", "Your question"),
    "patient.ask": ("Demander", "Ask"),
    "patient.answer": ("Réponse", "Answer"),
    "patient.no_answer": (
        "Nous n'avons pas de réponse fiable à cette question. Posez-la à votre équipe soignante.",
        "We have no reliable answer to this question. Please ask your care team.",
    ),
    "patient.sources": ("Sources", "Sources"),
    "patient.reviewed": ("Relu le {date}", "Reviewed on {date}"),
    "patient.related": ("Questions proches", "Related questions"),
    "patient.topics": ("Tous les sujets", "All topics"),
    "patient.glossary": ("Glossaire", "Glossary"),
    "patient.glossary_show": ("Afficher les {n} termes", "Show the {n} terms"),
    "patient.emergency": ("Urgence", "Emergency"),
    # api docs
    "apidocs.title": ("API JSON (v1)", "JSON API (v1)"),
    "apidocs.intro": (
        "Schéma OpenAPI complet : {url}. Authentification : jeton « Bearer » obtenu par "
        "POST /api/v1/auth/token.",
        "Full OpenAPI schema: {url}. Authentication: a bearer token from POST /api/v1/auth/token.",
    ),
    "apidocs.parameters": ("Paramètres", "Parameters"),
    "apidocs.responses": ("Réponses", "Responses"),
    "apidocs.body": ("Corps de la requête", "Request body"),
    "apidocs.auth": ("Authentification requise", "Authentication required"),
}

# Vocabulary labels of the case format: (fr, en) per value.
VOCAB: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "histology": {
        "papillary": ("Papillaire", "Papillary"),
        "follicular": ("Vésiculaire (folliculaire)", "Follicular"),
        "oncocytic": ("Oncocytaire", "Oncocytic"),
        "poorly_differentiated": ("Peu différencié", "Poorly differentiated"),
        "anaplastic": ("Anaplasique", "Anaplastic"),
        "medullary": ("Médullaire", "Medullary"),
    },
    "sex": {
        "female": ("Femme", "Female"),
        "male": ("Homme", "Male"),
        "other": ("Autre", "Other"),
        "unknown": ("Inconnu", "Unknown"),
    },
    "extent": {
        "locoregional": ("Locorégionale", "Locoregional"),
        "locally_advanced": ("Localement avancée", "Locally advanced"),
        "metastatic": ("Métastatique", "Metastatic"),
    },
    "unit": {"mCi": ("mCi", "mCi"), "GBq": ("GBq", "GBq"), "MBq": ("MBq", "MBq")},
    "rai_response": {
        "regressing": ("En régression", "Regressing"),
        "stable": ("Stable", "Stable"),
        "progressing": ("En progression", "Progressing"),
        "unknown": ("Inconnue", "Unknown"),
    },
    "site": {
        "thyroid_bed": ("Loge thyroïdienne", "Thyroid bed"),
        "lymph_node_cervical_central": (
            "Ganglion cervical central",
            "Cervical lymph node, central",
        ),
        "lymph_node_cervical_lateral": (
            "Ganglion cervical latéral",
            "Cervical lymph node, lateral",
        ),
        "lymph_node_mediastinal_upper": (
            "Ganglion médiastinal haut",
            "Mediastinal lymph node, upper",
        ),
        "lymph_node_mediastinal_lower": (
            "Ganglion médiastinal bas",
            "Mediastinal lymph node, lower",
        ),
        "lung": ("Poumon", "Lung"),
        "pleura": ("Plèvre", "Pleura"),
        "bone": ("Os", "Bone"),
        "brain": ("Cerveau", "Brain"),
        "liver": ("Foie", "Liver"),
        "skin": ("Peau", "Skin"),
        "soft_tissue": ("Tissus mous", "Soft tissue"),
        "other": ("Autre", "Other"),
    },
    "rai_uptake": {
        "unknown": ("Inconnue", "Unknown"),
        "yes": ("Fixe", "Avid"),
        "no": ("Ne fixe pas", "Not avid"),
    },
    "recist_role": {
        "target": ("Cible", "Target"),
        "non_target": ("Non cible", "Non-target"),
    },
    "non_target": {
        "present": ("Présente", "Present"),
        "absent": ("Absente", "Absent"),
        "unequivocal_progression": ("Progression franche", "Unequivocal progression"),
    },
    "response": {
        "CR": ("RC", "CR"),
        "PR": ("RP", "PR"),
        "SD": ("MS", "SD"),
        "PD": ("PD", "PD"),
        "NE": ("NE", "NE"),
        "NON_CR_NON_PD": ("Ni RC ni PD", "Non-CR/non-PD"),
        "ND": ("Aucune", "None"),
    },
    "test": {
        "thyroglobulin": ("Thyroglobuline", "Thyroglobulin"),
        "tg_antibodies": ("Anticorps anti-Tg", "Tg antibodies"),
        "tsh": ("TSH", "TSH"),
        "calcitonin": ("Calcitonine", "Calcitonin"),
        "cea": ("ACE", "CEA"),
    },
    "lab_unit": {u: (u, u) for u in get_args(LabUnit)},
    "kind": {
        "mutation": ("Mutation", "Mutation"),
        "fusion": ("Fusion", "Fusion"),
        "amplification": ("Amplification", "Amplification"),
    },
    "origin": {"somatic": ("Somatique", "Somatic"), "germline": ("Constitutionnelle", "Germline")},
    "sample": {
        "primary": ("Tumeur primitive", "Primary tumour"),
        "metastasis": ("Métastase", "Metastasis"),
        "blood": ("Sang", "Blood"),
    },
    "criterion": {
        "DTC-NO-UPTAKE": ("Lésion ne fixant pas l'iode 131", "A lesion without I-131 uptake"),
        "DTC-PROGRESSION-12M": (
            "Progression dans les 12 mois suivant l'iode 131",
            "Progression within 12 months after I-131",
        ),
        "DTC-CUMULATIVE-ACTIVITY": (
            "Maladie persistante malgré une forte activité cumulée d'iode 131",
            "Disease persisting after a high cumulative I-131 activity",
        ),
        "ATC-ALWAYS": ("Cancer anaplasique", "Anaplastic cancer"),
        "MTC-ADVANCED": (
            "Médullaire avancé sans traitement standard possible",
            "Advanced medullary beyond standard treatment",
        ),
    },
    "audit_action": {
        "view": ("Consultation", "Viewed"),
        "create": ("Création", "Created"),
        "update": ("Modification", "Changed"),
        "delete": ("Suppression", "Deleted"),
        "import": ("Import", "Imported"),
        "download": ("Téléchargement", "Downloaded"),
        "login": ("Connexion", "Signed in"),
        "login_failed": ("Échec de connexion", "Failed sign-in"),
        "logout": ("Déconnexion", "Signed out"),
    },
}


def normalise_lang(value: str | None) -> str | None:
    """'fr' or 'en' when ``value`` names one of them (e.g. 'en-GB'), else None."""
    if not value:
        return None
    code = value.strip().lower()[:2]
    return code if code in LANGS else None


class Translator:
    """Strings and vocabulary labels in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else DEFAULT_LANG
        self._index = LANGS.index(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        pair = STRINGS.get(key)
        if pair is None:
            return key
        text = pair[self._index]
        return text.format(**values) if values else text

    def label(self, vocabulary: str, value: object) -> str:
        """The label of a vocabulary value; the value itself when it is not known."""
        if value is None or value == "":
            return ""
        pair = VOCAB.get(vocabulary, {}).get(str(value))
        return pair[self._index] if pair else str(value)

    def options(self, vocabulary: str) -> list[tuple[str, str]]:
        """(value, label) pairs of a vocabulary, in declaration order."""
        return [(value, pair[self._index]) for value, pair in VOCAB[vocabulary].items()]
