"""Molecular results as written by laboratories: edges found by the mutation run."""

from __future__ import annotations

import pytest

from thyref.domain import assess, parse_case
from thyref.domain.case import normalise_alteration


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("p.Val 600 Glu", "V600E"),  # spaces inside are dropped before reading it
        ("P.V600E", "V600E"),  # the HGVS prefix in capitals
        ("p.Trp288Ter", "W288*"),  # Ter, the stop codon, is "*"
        ("p.Xyz600Glu", "XYZ600GLU"),  # not amino acids: left as written, upper-case
        ("Val600", "VAL600"),  # no second residue: not a protein change, left as is
    ],
)
def test_protein_change_forms(written: str, expected: str) -> None:
    assert normalise_alteration(written) == expected


def _anaplastic_drugs(molecular: list[dict[str, str]]) -> list[str]:
    case = {
        "format": "thyref-case/1",
        "id": "mol",
        "diagnosis": {"histology": "anaplastic", "date": "2024-01-01"},
        "lesions": [{"id": "T1", "site": "thyroid_bed"}],
        "molecular": molecular,
    }
    for rec in assess(parse_case(case)).recommendations:
        if rec["id"] == "TARGETED-THERAPY":
            return list(rec["drugs"])
    return []


def test_a_fusion_written_with_a_double_colon_is_a_fusion() -> None:
    # "CCDC6::RET", kind omitted, no word "fusion": the "::" says it is one (RET fusion
    # -> selpercatinib, in any histology)
    assert _anaplastic_drugs([{"gene": "RET", "alteration": "CCDC6::RET"}]) == ["selpercatinib"]
