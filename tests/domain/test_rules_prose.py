"""The prose of the rules files, pinned: titles, source citations, what was checked, why
each input bound. The engine's decisions do not read it, but `thyref rules`, the case
sheet and the definitions table show it to clinicians, so a change must be deliberate:
update this table with the file (issue 15: every value of the rules files is pinned).

Citations were typed from the publications themselves (authors, journal, year, volume,
first page, DOI); the other texts are ours and say what the spec and the seed say.
The file is read where the engine reads it (the installed package's data), so
`scripts/check_rules.py` perturbs exactly what this test reads.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

import pytest

HAUGEN = "Haugen et al., Thyroid 2016;26:1-133, doi:10.1089/thy.2015.0020"

EXPECTED: dict[str, dict[str, Any]] = {
    "tuthyref-2021": {
        "title": "TuThyRef definition of refractory thyroid cancer (2021) with RECIST 1.1",
        "sources": {
            "SEED": "Webconférence «\u00a0Cancers réfractaires de la thyroïde\u00a0», Vivre sans "
            "thyroïde, 16 Jan 2021 (TuThyRef definition and answers)",
            "TUTHYREF": "TuThyRef network presentation, tuthyref.com (three criteria, "
            "anaplastic and medullary scope)",
            "ATA2015": HAUGEN,
            # authors, pages and DOI as session 14 found them (not re-read offline)
            "ATA2025": "Ringel et al., Thyroid 2025;35:841-985, doi:10.1177/10507256251363120 "
            "(2025 American Thyroid Association guideline for differentiated thyroid "
            "cancer, RAI-resistant disease)",
            "ATA-MTC2015": "Wells et al., Thyroid 2015;25:567, doi:10.1089/thy.2014.0335",
            "RECIST11": "Eisenhauer et al., Eur J Cancer 2009;45:228, "
            "doi:10.1016/j.ejca.2008.10.026",
            "MIYAUCHI2011": "Miyauchi et al., Thyroid 2011;21:707, doi:10.1089/thy.2010.0355",
            "MERAIODE": "Leboulleux et al., MERAIODE trials (RAS cohort ESMO 2021 1743MO; "
            "BRAF cohort Clin Cancer Res 2023)",
        },
        "definition.title": "TuThyRef 2021 (French network): 12-month window, 22 GBq rule",
        "definition.checked": "SEED (TuThyRef definition and the answers of the web "
        "conference); TUTHYREF network presentation",
        "definition.criteria.checked": [
            "SEED criteria 1 and 3 ('ne fixent pas l'iode 131 lors de l'irathérapie "
            "initiale'); ATA2025 R59A (not before a therapeutic activity)",
            "SEED criterion 2 (progression within 12 months of an I-131 treatment)",
            "SEED and TUTHYREF: persistent disease after 600 mCi (22 GBq)",
            "SEED, TUTHYREF: every anaplastic cancer",
            "SEED, TUTHYREF: advanced medullary cancer beyond standard treatment",
        ],
        "input.reasons": {
            "min_date": "case-format.md: no case record predates 1900 (same floor as "
            "patient.birth_year); older dates are typing errors (e.g. a two-digit year)",
            "max_rai_activity_mbq": "case-format.md: above 50 GBq (1,351 mCi) a single "
            "administration is implausible; usual single therapeutic activities are 1.1-7.4 "
            "GBq (30-200 mCi, ATA2015), so 50 GBq leaves a wide margin",
            "post_therapy_scan_link_days": "case-format.md, scans[].rai_date: a post-therapy "
            "scan is taken days after the administration (usually 2 to 10); 14 days links it "
            "without guessing across two treatments",
            "max_measurement_mm": "case-format.md: a lesion above 1,000 mm (1 m) is not a "
            "measurement but a typing error (e.g. micrometres or a misplaced decimal point)",
        },
    },
    "ata-2015": {
        "title": "ATA 2015 recommendation 91: four categories, no time window, no activity "
        "threshold",
        "sources": {
            "ATA2015-R91": f"{HAUGEN}, recommendation 91 (categories A-D of RAI-refractory "
            "structurally evident disease), checked on the ATA pocket guide",
            "ATA2015-R53B": f"{HAUGEN}, recommendation 53B (TSH goal above 30 mU/L before "
            "therapy or diagnostic testing)",
        },
        "definition.title": "ATA 2015 (R91)",
        "definition.checked": "R91 text (categories A-D, 'in patients with appropriate TSH "
        "stimulation and iodine preparation') and R53B (TSH > 30 mU/L) on the ATA 2015 "
        "pocket guide",
        "definition.criteria.checked": [
            "R91 category A: malignant/metastatic tissue that never concentrates RAI (no "
            "uptake outside the thyroid bed at the first diagnostic or therapeutic whole-body "
            "scan)",
            "R91 category B: tumour tissue that loses the ability to concentrate RAI after "
            "previous evidence of uptake",
            "R91 category C: RAI concentrated in some lesions but not in others",
            "R91 category D: metastatic disease that progresses despite substantial "
            "concentration of RAI (no time window stated)",
            "R91 categories A and B together: without the scan history the two cannot be "
            "told apart",
        ],
    },
}


def _prose(name: str) -> dict[str, Any]:
    text = (files("thyref.data") / "rules" / f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    definition = data.get("definition", {})
    found: dict[str, Any] = {
        "title": data.get("title"),
        "sources": data.get("sources"),
        "definition.title": definition.get("title"),
        "definition.checked": definition.get("checked"),
        "definition.criteria.checked": [c.get("checked") for c in definition.get("criteria", [])],
    }
    if "input" in data:
        found["input.reasons"] = data["input"].get("reasons")
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rules_prose_is_pinned(name: str) -> None:
    found = _prose(name)
    for key, expected in EXPECTED[name].items():
        assert found[key] == expected, f"{name}: {key} changed"


def test_every_rules_file_is_pinned() -> None:
    """A new rules file joins this table (and the value tables) before it can ship."""
    folder = files("thyref.data") / "rules"
    on_disk = {p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")}
    assert on_disk == set(EXPECTED)
