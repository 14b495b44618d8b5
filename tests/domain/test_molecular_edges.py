"""Molecular results as written by laboratories: edges found by the mutation run."""

from __future__ import annotations

import pytest

from thyref.domain.case import normalise_alteration

from .conftest import anaplastic_drugs


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


def test_a_fusion_written_with_a_double_colon_is_a_fusion() -> None:
    # "CCDC6::RET", kind omitted, no word "fusion": the "::" says it is one (RET fusion
    # -> selpercatinib, in any histology)
    assert anaplastic_drugs([{"gene": "RET", "alteration": "CCDC6::RET"}]) == ["selpercatinib"]
