"""A cohort row equals the single-case output (``thyref assess``), patient by patient.

The row is built from the rules' results before any sentence is written
(``evaluate``); the reference (``support.expected_row``) reads the JSON output of
``assess`` instead, field by field. 400 generated patients of two seeds, every mix of
histology, iodine history, imaging and markers that ``thyref synth`` produces.
"""

from __future__ import annotations

from datetime import date

import orjson

from thyref.cohort.record import NAMES, Batch
from thyref.synth import synth_cases

from .support import expected_row

TODAY = date(2026, 11, 28)
LINES = [orjson.dumps(case) for seed in (5, 29) for case in synth_cases(200, seed)]


def test_rows_equal_the_single_case_output() -> None:
    batch = Batch(TODAY)
    for line in LINES:
        batch.add_line(line, "generated")
    assert batch.errors == []
    rows = [dict(zip(NAMES, values, strict=True)) for values in zip(*batch.columns, strict=True)]
    assert len(rows) == len(LINES)
    assert set(expected_row(LINES[0], TODAY)) == set(NAMES) - {"source"}  # every column
    for line, row in zip(LINES, rows, strict=True):
        want = expected_row(line, TODAY)
        for key, value in want.items():
            assert row[key] == value, (want["patient_id"], key)
        assert type(row["cumulative_gbq"]) is float


def test_cumulative_activity_keeps_three_decimals() -> None:
    # 101 mCi = 3.737 GBq (x 0.037) and 1,234 MBq = 1.234 GBq: a row rounded to fewer
    # decimals than the single-case output would differ here (generated cases use
    # round activities)
    case = orjson.loads(LINES[0])
    case["rai"] = [
        {"date": "2018-05-02", "activity": 101, "unit": "mCi"},
        {"date": "2018-12-03", "activity": 1234, "unit": "MBq"},
    ]
    line = orjson.dumps(case)
    batch = Batch(TODAY)
    batch.add_line(line, "hand")
    assert batch.errors == []
    got = batch.columns[NAMES.index("cumulative_gbq")][0]
    assert got == expected_row(line, TODAY)["cumulative_gbq"] == 4.971  # 3.737 + 1.234
