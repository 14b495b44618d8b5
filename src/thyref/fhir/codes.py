"""Code systems and the code tables of ``fhir-codes.md``, both directions.

Standard codes first (LOINC, SNOMED CT, ICD-O-3, ATC, UCUM, HGNC); where a concept has no
standard code the project's own CodeSystem ``THYREF`` (documented in docs/fhir-mapping.md).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

LOINC: Final = "http://loinc.org"
SNOMED: Final = "http://snomed.info/sct"
ICDO3: Final = "http://terminology.hl7.org/CodeSystem/icd-o-3"
ATC: Final = "http://www.whocc.no/atc"
UCUM: Final = "http://unitsofmeasure.org"
HGNC: Final = "http://www.genenames.org/geneId"
HGVS: Final = "http://varnomen.hgvs.org"
SEQUENCE_ONTOLOGY: Final = "http://www.sequenceontology.org"
INTERPRETATION: Final = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
INTERPRETATION_V2: Final = "http://terminology.hl7.org/CodeSystem/v2-0078"  # same codes
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"

# The same code systems named by their HL7 OID (``urn:oid:``), as systems converted from
# HL7 v2 or CDA often send them; read as the FHIR URI. Only OIDs checked against a public
# registry: FHIR R4 namingsystem-terminologies (LOINC, SNOMED CT, UCUM) and the HL7
# Terminology NamingSystems icd-o-3 and v3-WC (WHO ATC).
SYSTEM_OF_OID: Final[dict[str, str]] = {
    "urn:oid:2.16.840.1.113883.6.1": LOINC,
    "urn:oid:2.16.840.1.113883.6.96": SNOMED,
    "urn:oid:2.16.840.1.113883.6.8": UCUM,
    "urn:oid:2.16.840.1.113883.6.43.1": ICDO3,
    "urn:oid:2.16.840.1.113883.6.73": ATC,
}

BASE: Final = "https://thyref.org/fhir"
THYREF: Final = f"{BASE}/CodeSystem/thyref"
CASE_ID_SYSTEM: Final = f"{BASE}/NamingSystem/case-id"

MCODE: Final = "http://hl7.org/fhir/us/mcode/StructureDefinition"
HISTOLOGY_EXTENSION: Final = f"{MCODE}/mcode-histology-morphology-behavior"
PROFILE_PRIMARY: Final = f"{MCODE}/mcode-primary-cancer-condition"
PROFILE_SECONDARY: Final = f"{MCODE}/mcode-secondary-cancer-condition"
PROFILE_TUMOR: Final = f"{MCODE}/mcode-tumor"
PROFILE_TUMOR_SIZE: Final = f"{MCODE}/mcode-tumor-size"
PROFILE_GENOMIC_VARIANT: Final = f"{MCODE}/mcode-genomic-variant"
PROFILE_DISEASE_STATUS: Final = f"{MCODE}/mcode-cancer-disease-status"
PROFILE_PATIENT: Final = f"{MCODE}/mcode-cancer-patient"
EVIDENCE_TYPE_EXTENSION: Final = f"{MCODE}/mcode-cancer-disease-status-evidence-type"


def extension_url(name: str) -> str:
    """The URL of one of the project's own extensions."""
    return f"{BASE}/StructureDefinition/{name}"


# --- histology: ICD-O-3 morphology/behaviour -> thyref histology ------------------------
HISTOLOGY_ICDO3: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("8260/3", "8050/3", "8340/3", "8341/3", "8342/3", "8343/3", "8344/3", "8350/3"),
        "papillary",
    ),
    **dict.fromkeys(("8330/3", "8331/3", "8332/3", "8335/3"), "follicular"),
    "8290/3": "oncocytic",
    "8337/3": "poorly_differentiated",
    **dict.fromkeys(("8020/3", "8021/3", "8030/3", "8031/3", "8032/3"), "anaplastic"),
    **dict.fromkeys(("8345/3", "8510/3"), "medullary"),
}
# the code written on export (the first of each list above)
HISTOLOGY_EXPORT: Final[dict[str, tuple[str, str]]] = {
    "papillary": ("8260/3", "Papillary adenocarcinoma, NOS"),
    "follicular": ("8330/3", "Follicular adenocarcinoma, NOS"),
    "oncocytic": ("8290/3", "Oxyphilic adenocarcinoma"),
    "poorly_differentiated": ("8337/3", "Insular carcinoma"),
    "anaplastic": ("8020/3", "Carcinoma, undifferentiated, NOS"),
    "medullary": ("8345/3", "Medullary carcinoma with amyloid stroma"),
}

# --- body sites (SNOMED CT) -----------------------------------------------------------
SITE_SNOMED: Final[dict[str, str]] = {
    "39607008": "lung",
    "3120008": "pleura",
    "10200004": "liver",
    "272673000": "bone",
    "12738006": "brain",
    "39937001": "skin",
    "69748006": "thyroid_bed",
    "87784001": "soft_tissue",
    "81105003": "lymph_node_cervical_lateral",
    "62683002": "lymph_node_mediastinal_upper",
    "59441001": "lymph_node_unspecified",
}
SITE_EXPORT: Final[dict[str, tuple[str, str, str | None]]] = {
    # site -> (SNOMED code, display, qualifier code in QUALIFIER_SNOMED or None)
    "lung": ("39607008", "Lung structure", None),
    "pleura": ("3120008", "Pleural membrane structure", None),
    "liver": ("10200004", "Liver structure", None),
    "bone": ("272673000", "Bone structure", None),
    "brain": ("12738006", "Brain structure", None),
    "skin": ("39937001", "Skin structure", None),
    "thyroid_bed": ("69748006", "Thyroid structure", None),
    "soft_tissue": ("87784001", "Soft tissues", None),
    "lymph_node_cervical_central": ("81105003", "Cervical lymph node structure", "26216008"),
    "lymph_node_cervical_lateral": ("81105003", "Cervical lymph node structure", "49370004"),
    "lymph_node_mediastinal_upper": ("62683002", "Mediastinal lymph node structure", "261183002"),
    "lymph_node_mediastinal_lower": ("62683002", "Mediastinal lymph node structure", "261122009"),
}
# node qualifiers (BodyStructure.locationQualifier), SNOMED CT qualifier values or THYREF
QUALIFIER_SNOMED: Final[dict[str, str]] = {
    "26216008": "central",
    "49370004": "lateral",
    "261183002": "upper",
    "261122009": "lower",
}
QUALIFIER_DISPLAY: Final[dict[str, str]] = {
    "26216008": "Central",
    "49370004": "Lateral",
    "261183002": "Upper",
    "261122009": "Lower",
}
QUALIFIER_THYREF: Final = frozenset({"central", "lateral", "upper", "lower"})

# --- LOINC -------------------------------------------------------------------------------
TUMOR_SIZE: Final = "21889-1"
LONGEST_DIMENSION: Final = "33728-7"
DISEASE_STATUS: Final = "97509-4"
GENOMIC_VARIANT: Final = "69548-6"
GENE_STUDIED: Final = "48018-6"
PROTEIN_CHANGE: Final = "48005-3"
DNA_CHANGE: Final = "48004-6"  # c. HGVS: not read (the protein change says the variant)
DNA_CHANGE_TYPE: Final = "48019-4"
GENOMIC_SOURCE: Final = "48002-0"
# answers of 69548-6 (LOINC answer list LL1971-2)
VARIANT_PRESENT: Final = "LA9633-4"
VARIANT_ABSENT: Final = "LA9634-2"
# "Radionuclide scan of whole body" (LOINC, as listed in DICOM PS3.16 CID 646)
WHOLE_BODY_SCAN: Final = "42175-0"
LAB_LOINC: Final[dict[str, str]] = {
    "3013-0": "thyroglobulin",
    "8098-6": "tg_antibodies",
    "3016-3": "tsh",
    "11580-8": "tsh",  # TSH "by detection limit <= 0.005 mIU/L" (third generation)
    "1992-7": "calcitonin",
    "2039-6": "cea",
}
LAB_EXPORT: Final[dict[str, tuple[str, str]]] = {
    "thyroglobulin": ("3013-0", "Thyroglobulin [Mass/volume] in Serum or Plasma"),
    "tg_antibodies": ("8098-6", "Thyroglobulin Ab [Units/volume] in Serum or Plasma"),
    "tsh": ("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma"),
    "calcitonin": ("1992-7", "Calcitonin [Mass/volume] in Serum or Plasma"),
    "cea": ("2039-6", "Carcinoembryonic Ag [Mass/volume] in Serum or Plasma"),
}

# --- lab units ------------------------------------------------------------------------
# Units the case format accepts are kept as sent (the rules file converts them); these
# further UCUM codes are converted on import: UCUM code -> (case unit, factor).
ONE: Final = Decimal(1)
LAB_UNIT_CONVERSIONS: Final[dict[str, dict[str, tuple[str, Decimal]]]] = {
    "tsh": {
        "u[IU]/mL": ("m[IU]/L", ONE),
        "[IU]/L": ("m[IU]/L", Decimal(1000)),
        "mIU/L": ("m[IU]/L", ONE),
        "uIU/mL": ("m[IU]/L", ONE),  # the usual display of u[IU]/mL (also µIU/mL)
        # µU/mL: the older TSH unit, a thousandth of the case format's mU/L per litre
        "uU/mL": ("mU/L", ONE),
    },
    "tg_antibodies": {
        "k[IU]/L": ("[IU]/mL", ONE),
        "[IU]/L": ("[IU]/mL", Decimal("0.001")),
        "kIU/L": ("[IU]/mL", ONE),
        "m[IU]/mL": ("[IU]/mL", Decimal("0.001")),
        "mIU/mL": ("[IU]/mL", Decimal("0.001")),
    },
}
# case unit -> UCUM code written on export (the human unit string keeps the case's spelling)
UCUM_OF_CASE_UNIT: Final[dict[str, str]] = {
    "ng/mL": "ng/mL",
    "ug/L": "ug/L",
    "pg/mL": "pg/mL",
    "ng/L": "ng/L",
    "mU/L": "m[IU]/L",
    "mUI/L": "m[IU]/L",
    "m[IU]/L": "m[IU]/L",
    "IU/mL": "[IU]/mL",
    "UI/mL": "[IU]/mL",
    "[IU]/mL": "[IU]/mL",
}
# Observation.status (R4, a required binding; the structure check does not test codes)
OBSERVATION_STATUSES: Final = frozenset(
    {"registered", "preliminary", "final", "amended", "corrected", "cancelled",
     "entered-in-error", "unknown"}
)  # fmt: skip
POSITIVE_INTERPRETATION: Final = frozenset({"POS", "H", "HH", "HU", "A", "AA", "DET", "R"})
NEGATIVE_INTERPRETATION: Final = frozenset({"NEG", "N", "L", "ND", "S"})
# a result said positive or negative in words (what the export writes): read for every
# test; the other codes above are range flags (H: above the reference range), read as
# positive/negative for Tg antibodies only (a high thyroglobulin is not "positive")
STATED_INTERPRETATION: Final = frozenset({"POS", "NEG"})

# --- I-131 ---------------------------------------------------------------------------------
I131_ATC: Final = "V10XA01"  # WHO ATC: sodium iodide (131I), a therapeutic radiopharmaceutical
# SNOMED CT 111160004 "Sodium iodide I^131^" (a substance), as listed in DICOM PS3.16
# CID 25 "Radiopharmaceutical" (checked in its FHIR rendering, repository
# bvdh/dicom-terminology-in-fhir, input/fsh/ValueSet-dicom-cid-25-Radiopharmaceutical.fsh).
# It names the substance, not its use: the same sodium iodide I-131 is given at 0.2-5 mCi
# for uptake tests and diagnostic scans and at 30-200 mCi as a therapy (Hicon label;
# CAPSION SmPC), and RAI resistance is not diagnosed before a therapeutic activity
# (clinical-rules.md, DTC-NO-UPTAKE, ATA2025 R59A). An administration coded so, without
# ATC V10XA01, is listed naming the code, never read as a therapy.
# RxNorm: no RxCUI for sodium iodide I-131 could be verified offline (session 14: the
# openFDA and DailyMed pages found name the product without its RxCUI), so none is
# listed; an RxNorm-coded administration is named as any other medicine (not_iodine).
I131_SNOMED: Final = "111160004"
ACTIVITY_UNITS: Final = frozenset({"MBq", "GBq", "mCi"})
# further UCUM activity codes (case-sensitive UCUM; Ci is a metric unit there, so mCi and
# uCi are codes and there is no "[mCi]"), converted exactly to the nearest case unit by a
# power of ten: UCUM code -> (case unit, factor). A capitalised "MBQ" is not read: in
# UCUM's case-insensitive form M is milli (mega is MA), so it says millibecquerel.
ACTIVITY_CONVERSIONS: Final[dict[str, tuple[str, Decimal]]] = {
    "Bq": ("MBq", Decimal("0.000001")),
    "kBq": ("MBq", Decimal("0.001")),
    "TBq": ("GBq", Decimal(1000)),
    "uCi": ("mCi", Decimal("0.001")),
    "Ci": ("mCi", Decimal(1000)),
}

# --- genomics ------------------------------------------------------------------------------
HGNC_IDS: Final[dict[str, str]] = {
    "BRAF": "HGNC:1097",
    "RET": "HGNC:9967",
    "NRAS": "HGNC:7989",
    "HRAS": "HGNC:5173",
    "KRAS": "HGNC:6407",
    "NTRK1": "HGNC:8031",
    "NTRK2": "HGNC:8032",
    "NTRK3": "HGNC:8033",
    "ALK": "HGNC:427",
    "TERT": "HGNC:11730",
    "TP53": "HGNC:11998",
    "PIK3CA": "HGNC:8975",
    "PTEN": "HGNC:9588",
    "CCDC6": "HGNC:18782",
    "NCOA4": "HGNC:7671",
    "ETV6": "HGNC:3495",
    "PAX8": "HGNC:8622",
    "PPARG": "HGNC:9236",
}
GENE_OF_HGNC: Final[dict[str, str]] = {v: k for k, v in HGNC_IDS.items()}
# genes whose fusions thyroid cancers are treated for: the "gene" of a two-gene fusion
FUSION_DRIVERS: Final = ("RET", "NTRK1", "NTRK2", "NTRK3", "ALK", "BRAF")
KIND_SO: Final[dict[str, tuple[str, str]]] = {
    "mutation": ("SO:0001060", "sequence_variant"),
    "fusion": ("SO:0001565", "gene_fusion"),
    "amplification": ("SO:0001880", "feature_amplification"),
}
KIND_OF_SO: Final[dict[str, str]] = {code: kind for kind, (code, _) in KIND_SO.items()}
ORIGIN_LOINC: Final[dict[str, str]] = {"LA6684-0": "somatic", "LA6683-2": "germline"}
ORIGIN_EXPORT: Final[dict[str, tuple[str, str]]] = {
    "somatic": ("LA6684-0", "Somatic"),
    "germline": ("LA6683-2", "Germline"),
}

# --- disease status (export) ---------------------------------------------------------------
DISEASE_STATUS_SNOMED: Final[dict[str, tuple[str, str]]] = {
    "CR": ("268910001", "Patient's condition improved"),
    "PR": ("268910001", "Patient's condition improved"),
    "SD": ("359746009", "Patient's condition stable"),
    "PD": ("271299001", "Patient's condition worsened"),
    "NE": ("709137006", "Patient condition undetermined"),
    "NON_CR_NON_PD": ("359746009", "Patient's condition stable"),
}
DISEASE_STATUS_UNDETERMINED: Final = ("709137006", "Patient condition undetermined")

# --- the project's own codes (CodeSystem THYREF) ---------------------------------------------
# observation codes holding case inputs that have no standard code
RAI_UPTAKE: Final = "rai-uptake"
NON_TARGET_STATUS: Final = "non-target-status"
NEW_LESIONS: Final = "new-lesions"
ASSESSED_RESPONSE: Final = "assessed-response"
# whole-body iodine scans (case ``scans[]``): the scan, its parts, one finding per lesion
IODINE_SCAN: Final = "iodine-scan"
SCAN_KIND: Final = "scan-kind"
SCAN_PREPARATION: Final = "scan-preparation"
IODINE_CONTAMINATION: Final = "iodine-contamination"
SCAN_FINDING: Final = "scan-finding"
SCAN_RAI_DERIVED: Final = "scan-rai-derived"  # extension: the link was derived, not given
SCAN_KINDS: Final = frozenset({"post_therapy", "diagnostic_i131", "diagnostic_i123", "i124_pet"})
SCAN_PREPARATIONS: Final = frozenset({"withdrawal", "rhtsh", "unknown"})
CONTAMINATIONS: Final = frozenset({"none", "suspected", "confirmed", "unknown"})
SCAN_FINDINGS: Final = frozenset({"yes", "no", "equivocal", "not_visualized"})
CLINICAL_FLAGS: Final[dict[str, str]] = {
    "symptomatic": "symptomatic",
    "locally-treatable": "locally_treatable",
    "standard-treatment-possible": "standard_treatment_possible",
    "brain-metastases-bleeding-risk": "brain_metastases_bleeding_risk",
}
LESION_FLAGS: Final[dict[str, str]] = {
    "symptomatic": "symptomatic",
    "locally-treatable": "locally_treatable",
}
# assessment outputs (export only; the importer skips them)
ASSESSMENT_TAG: Final = "assessment-output"
REFRACTORY_STATUS: Final = "refractory-status"
CRITERION_MET: Final = "criterion-met"
MISSING_DATA: Final = "missing-data"
DOUBLING_TIME: Final = "marker-doubling-time"
HALVING_TIME: Final = "marker-halving-time"
KINETICS_STATUS: Final = "kinetics-status"
RECIST_RESPONSE: Final = "recist-overall-response"
OPTION: Final = "option"

THYREF_DISPLAY: Final[dict[str, str]] = {
    RAI_UPTAKE: "I-131 uptake of a lesion on the latest scan",
    NON_TARGET_STATUS: "RECIST non-target lesion status",
    NEW_LESIONS: "New lesions at a RECIST timepoint",
    ASSESSED_RESPONSE: "RECIST overall response asserted by the radiologist",
    IODINE_SCAN: "Whole-body iodine scan",
    SCAN_KIND: "Kind of whole-body iodine scan",
    SCAN_PREPARATION: "Preparation for the scan (TSH stimulation)",
    IODINE_CONTAMINATION: "Iodine contamination before the scan",
    SCAN_FINDING: "Iodine uptake of a lesion on one whole-body scan",
    "post-therapy": "Post-therapy scan (after an I-131 administration)",
    "diagnostic-i131": "Diagnostic I-131 scan",
    "diagnostic-i123": "Diagnostic I-123 scan",
    "i124-pet": "I-124 PET",
    "withdrawal": "Thyroid hormone withdrawal",
    "rhtsh": "Recombinant human TSH",
    "none": "None",
    "suspected": "Suspected",
    "confirmed": "Confirmed",
    "unknown": "Unknown",
    "yes": "Uptake seen",
    "no": "No uptake",
    "equivocal": "Equivocal uptake",
    "not-visualized": "Lesion not visualised on the scan",
    "symptomatic": "Disease-related symptoms",
    "locally-treatable": "Progressing disease treatable locally",
    "standard-treatment-possible": "Standard treatment still possible (medullary)",
    "brain-metastases-bleeding-risk": "Brain metastases with bleeding risk",
    REFRACTORY_STATUS: "Radioiodine-refractory status",
    CRITERION_MET: "Refractoriness criterion met",
    MISSING_DATA: "Data missing to decide",
    DOUBLING_TIME: "Tumour marker doubling time",
    HALVING_TIME: "Tumour marker halving time",
    KINETICS_STATUS: "Tumour marker kinetics status",
    RECIST_RESPONSE: "RECIST 1.1 overall response",
    OPTION: "Option for the tumour board",
    ASSESSMENT_TAG: "Computed by thyref (not an input)",
}

# --- conditions ------------------------------------------------------------------------------
VERIFICATION_STATUS: Final = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ICD10: Final = "http://hl7.org/fhir/sid/icd-10"
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
THYROID_CANCER_SNOMED: Final = "363478007"  # malignant tumour of thyroid gland
SECONDARY_SNOMED: Final = "128462008"  # secondary malignant neoplastic disease
# mCODE STU4 BodyLocationQualifier (SD_Extensions.fsh, Id mcode-body-location-qualifier);
# the URL written before session 10, which no mCODE release defines, is still read
LOCATION_QUALIFIER_EXTENSION: Final = f"{MCODE}/mcode-body-location-qualifier"
LOCATION_QUALIFIER_EXTENSION_OLD: Final = f"{MCODE}/mcode-location-qualifier"
CONDITION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"
RESOURCE_TYPES: Final = "http://hl7.org/fhir/resource-types"
DATA_ABSENT_REASON: Final = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
POSITIVE_SNOMED: Final = "10828004"
NEGATIVE_SNOMED: Final = "260385009"
IMAGING_EVIDENCE_SNOMED: Final = "363679005"
