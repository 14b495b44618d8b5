"""The uptake history a definition reads (`thyref.domain.uptake`, clinical-rules.md
section 5): counting scans in date order with their index in ``scans[]``, or one virtual
scan (index -1, kind ``virtual``) built from the lesions' own ``rai_uptake``.

Written for the mutants the mutation run left alive (docs/quality.md section 3). In
``src/`` nothing reads ``ScanUptake.index``, nor the ``virtual`` kind (``avid_after``
reads the kind only for a history taken from scans): they are pinned here from the
docstrings, and listed as unread in docs/quality.md. ``yes_dates`` lists the avid lesions in
the order of their first ``yes`` on a counting scan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from .conftest import lesion, make_case, rai


def _history(case: dict[str, Any], read_scans: bool, ata: bool = False) -> Any:
    from thyref.domain import parse_case
    from thyref.domain.rules import load_definition, load_rules
    from thyref.domain.uptake import history

    definition = load_definition("ata-2015") if ata else load_rules().definition
    return history(parse_case(case), definition.counting_scans, read_scans)


LESIONS = [lesion("L1", "lung", "yes"), lesion("L2", "lung", "no"), lesion("L3", "bone")]


def test_without_scans_one_virtual_scan_holds_the_lesions_own_uptake() -> None:
    from thyref.domain.uptake import ScanUptake

    # L1 yes, L2 no, L3 without rai_uptake: one virtual scan, index -1, no date, no
    # administration, L1 in yes and L2 in no; L3 is seen nowhere
    out = _history(make_case(lesions=LESIONS, rai=[rai("2019-01-01", 100)]), read_scans=True)
    assert out.from_scans is False
    assert out.counting == [ScanUptake(-1, None, "virtual", None, ("L1",), ("L2",))]
    assert out.yes_dates == {"L1": [None]}
    assert out.no_dates == {"L2": [None]}
    assert out.seen == {"L1", "L2"}
    assert list(out.yes_dates) == ["L1"]


def _post(day: str, findings: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"date": day, "kind": "post_therapy", "findings": findings, **extra}


def test_scans_count_in_date_order_with_their_index_in_scans() -> None:
    from thyref.domain.uptake import ScanUptake

    # scans[0] is dated 2020-01-06, scans[1] 2019-01-05: in date order scans[1] comes
    # first; each post-therapy scan is linked to the I-131 given 5 days before it
    case = make_case(
        lesions=[lesion("L1", "lung"), lesion("L2", "lung")],
        rai=[rai("2019-01-01", 100), rai("2020-01-01", 100)],
        scans=[_post("2020-01-06", {"L1": "no", "L2": "yes"}), _post("2019-01-05", {"L1": "yes"})],
    )
    out = _history(case, read_scans=True, ata=True)
    assert out.from_scans is True
    assert out.counting == [
        ScanUptake(1, dt.date(2019, 1, 5), "post_therapy", dt.date(2019, 1, 1), ("L1",), ()),
        ScanUptake(0, dt.date(2020, 1, 6), "post_therapy", dt.date(2020, 1, 1), ("L2",), ("L1",)),
    ]
    # the avid lesions in the order of their first yes on a counting scan
    assert list(out.yes_dates) == ["L1", "L2"]
    assert out.yes_dates == {"L1": [dt.date(2019, 1, 5)], "L2": [dt.date(2020, 1, 6)]}
    assert out.no_dates == {"L1": [dt.date(2020, 1, 6)]}


@pytest.mark.parametrize(
    ("read_scans", "avid"),
    [
        # the definition reads scans[]: L2 is avid on the scan, L1 has no finding
        (True, ["L2"]),
        # it does not (tuthyref reads the lesions' own values, taken from the scan when
        # absent): one virtual scan
        (False, ["L1", "L2"]),
    ],
)
def test_avid_follows_what_the_definition_reads(read_scans: bool, avid: list[str]) -> None:
    case = make_case(
        lesions=[lesion("L1", "lung", "yes"), lesion("L2", "lung")],
        rai=[rai("2019-01-01", 100)],
        scans=[_post("2019-01-05", {"L2": "yes"})],
    )
    out = _history(case, read_scans=read_scans)
    assert out.from_scans is read_scans
    assert list(out.yes_dates) == avid
