"""Molecular results as laboratories write them: protein-change forms, fusions, partners."""

from __future__ import annotations

import pytest

from thyref.domain import assess, parse_case
from thyref.domain.case import normalise_alteration

from .conftest import anaplastic_drugs


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("V600E", "V600E"),  # one-letter form
        ("p.V600E", "V600E"),  # HGVS prefix
        ("p.Val600Glu", "V600E"),  # HGVS three-letter form (FHIR 48005-3 style)
        ("p.(Val600Glu)", "V600E"),  # predicted change in brackets
        (" v600e ", "V600E"),  # case and spaces
        ("M918T", "M918T"),  # RET medullary hotspot stays as is
    ],
)
def test_protein_changes_are_normalised(written: str, expected: str) -> None:
    assert normalise_alteration(written) == expected


@pytest.mark.parametrize(
    ("molecular", "drugs"),
    [
        # BRAF V600E written in three-letter HGVS, kind omitted: still a mutation
        ([{"gene": "BRAF", "alteration": "p.Val600Glu"}], {"dabrafenib", "trametinib"}),
        # RET fusion named in the alteration text, kind omitted
        ([{"gene": "RET", "alteration": "CCDC6::RET fusion"}], {"selpercatinib"}),
        # NTRK3 fusion recorded under its partner gene ETV6
        (
            [{"gene": "ETV6", "alteration": "ETV6::NTRK3", "kind": "fusion"}],
            {"larotrectinib", "entrectinib"},
        ),
        # a BRAF amplification is not the V600E mutation
        ([{"gene": "BRAF", "alteration": "V600E", "kind": "amplification"}], set()),
        # BRAF K601E is not V600E
        ([{"gene": "BRAF", "alteration": "K601E", "kind": "mutation"}], set()),
    ],
)
def test_targeted_therapy_reads_lab_wording(
    molecular: list[dict[str, str]], drugs: set[str]
) -> None:
    assert set(anaplastic_drugs(molecular)) == drugs


def test_an_innumerable_group_counts_as_many_lesions_for_redifferentiation() -> None:
    # one miliary group that does not take up iodine, BRAF V600E, no symptoms: the seed's
    # candidate for redifferentiation ("nombreuses mais relativement petites")
    case = {
        "format": "thyref-case/1",
        "id": "miliary",
        "diagnosis": {"histology": "papillary", "date": "2020-01-01"},
        "rai": [{"date": "2020-03-01", "activity": 100, "unit": "mCi"}],
        "lesions": [{"id": "M1", "site": "lung", "innumerable": True, "rai_uptake": "no"}],
        "molecular": [{"gene": "BRAF", "alteration": "V600E", "kind": "mutation"}],
        "clinical": {"symptomatic": False},
    }
    ids = [r["id"] for r in assess(parse_case(case)).recommendations]
    assert "REDIFFERENTIATION" in ids
