"""The rules data file: complete, consistent, and what the spec says."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thyref.domain.rules import load_rules, parse_rules, rules_text
from thyref.errors import RulesError

SPEC_OPTION_IDS = {
    "RCP-NATIONAL", "RCP-REGIONAL", "MOLECULAR-TESTING", "TARGETED-THERAPY",
    "SYSTEMIC-THERAPY", "SYSTEMIC-THERAPY-CAUTION", "LOCAL-TREATMENT", "REDIFFERENTIATION",
    "ADDITIONAL-RAI", "ACTIVE-SURVEILLANCE", "TSH-SUPPRESSION", "NECK-NODE-WORKUP",
    "NECK-NODE-SURGERY", "MEDIASTINAL-NODE-SURGERY", "CLINICAL-TRIAL", "TKI-SKIN-CARE",
    "NOTE-TG-NOT-CRITERION", "GERMLINE-RET-TESTING", "NOTE-DEFINITIONS-DIFFER",
}  # fmt: skip
SPEC_CRITERIA = {
    "DTC-NO-UPTAKE", "DTC-PROGRESSION-12M", "DTC-CUMULATIVE-ACTIVITY", "ATC-ALWAYS",
    "MTC-ADVANCED",
}  # fmt: skip


def test_every_option_of_the_spec_has_sources() -> None:
    rules = load_rules()
    assert set(rules.options.sources) == SPEC_OPTION_IDS
    assert all(rules.options.sources[i] for i in SPEC_OPTION_IDS)


def test_every_criterion_of_the_spec_has_sources() -> None:
    assert set(load_rules().refractoriness.criteria) == SPEC_CRITERIA


@pytest.mark.parametrize(
    ("getter", "expected"),
    [
        # clinical-rules.md section 1: 22 GBq = 22,000 MBq
        (lambda r: r.refractoriness.cumulative_activity_mbq, Decimal(22000)),
        # section 1: 12 calendar months after I-131
        (lambda r: r.refractoriness.progression_window_months, 12),
        # section 2: PD at +20 % and +5 mm, PR at -30 %
        (lambda r: r.recist.pd_increase, Decimal("0.20")),
        (lambda r: r.recist.pd_absolute_mm, Decimal(5)),
        (lambda r: r.recist.pr_decrease, Decimal("0.30")),
        # section 2: measurable 10 mm non-nodal, 15 mm nodal short axis
        (lambda r: r.recist.measurable_non_nodal_mm, Decimal(10)),
        (lambda r: r.recist.measurable_nodal_short_axis_mm, Decimal(15)),
        # section 3: at least 4 points
        (lambda r: r.kinetics.min_points, 4),
        # section 4: progressive = PD within 14 months before the latest imaging
        (lambda r: r.options.progressive_window_months, 14),
        # units: 1 mCi = 37 MBq exactly
        (lambda r: r.units.mbq_per_mci, Decimal(37)),
        # case-format.md "Invalid input": dates from 1900-01-01, one I-131 administration
        # up to 50 GBq (1,351 mCi), measurements up to 1,000 mm
        (lambda r: r.input.min_date.isoformat(), "1900-01-01"),
        (lambda r: r.input.max_rai_activity_mbq, Decimal(50000)),
        (lambda r: r.input.max_measurement_mm, Decimal(1000)),
        # section 4: GERMLINE-RET-TESTING is about RET; medullary testing names RET first
        (lambda r: r.options.germline_gene, "RET"),
        (lambda r: r.options.molecular_panel_medullary[0], "RET"),
    ],
)
def test_thresholds_match_the_spec(getter: object, expected: object) -> None:
    assert getter(load_rules()) == expected  # type: ignore[operator]


def test_an_undefined_source_is_refused() -> None:
    text = rules_text().replace(
        'REDIFFERENTIATION = ["SEED", "MERAIODE"]', 'REDIFFERENTIATION = ["NOPE"]'
    )
    with pytest.raises(RulesError, match="NOPE"):
        parse_rules(text)


def test_a_broken_file_is_refused_with_a_clear_error() -> None:
    with pytest.raises(RulesError, match="invalid rules file"):
        parse_rules("id = 3")


def test_an_unknown_rule_set_is_a_rules_error() -> None:
    with pytest.raises(RulesError, match="no rule set"):
        rules_text("no-such-rules")


def test_rules_explain_lists_every_rule_in_words() -> None:
    import subprocess
    from pathlib import Path

    cli = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "thyref"
    done = subprocess.run(
        [str(cli), "rules", "--explain", "--lang", "en"], capture_output=True, text=True, check=True
    )
    for rule_id in SPEC_OPTION_IDS | SPEC_CRITERIA:
        assert rule_id in done.stdout
    # the numbers in the words come from the data file
    assert "22 GBq" in done.stdout


def test_every_input_bound_gives_its_reason() -> None:
    bounds = load_rules().input
    assert set(bounds.reasons) == {
        "min_date",
        "max_rai_activity_mbq",
        "max_measurement_mm",
        "post_therapy_scan_link_days",
    }
    assert all("case-format.md" in reason for reason in bounds.reasons.values())


def test_rules_explain_lists_every_definition() -> None:
    # issue 14: "`thyref rules --explain` lists every set", each criterion in words
    import subprocess
    from pathlib import Path

    cli = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "thyref"
    done = subprocess.run(
        [str(cli), "rules", "--explain", "--lang", "en"], capture_output=True, text=True, check=True
    )
    for rule_id in (
        "tuthyref-2021",
        "ata-2015",
        "ATA2015-NEVER-AVID",
        "ATA2015-LOST-UPTAKE",
        "ATA2015-MIXED-UPTAKE",
        "ATA2015-PROGRESSION-DESPITE-UPTAKE",
        "ATA2015-NON-AVID",
        "GERMLINE-RET-TESTING",
    ):
        assert rule_id in done.stdout
    # the TSH level of the counting scans comes from ata-2015.toml (R53B)
    assert "30 mU/L" in done.stdout


def test_definitions_are_shipped_primary_first() -> None:
    from thyref.domain.rules import definition_ids

    assert definition_ids() == ["tuthyref-2021", "ata-2015"]
    assert definition_ids("ata-2015") == ["ata-2015", "tuthyref-2021"]
    with pytest.raises(RulesError, match="no rule set"):
        definition_ids("ata-2025")  # not verified, not coded (clinical-rules.md 5.3)


@pytest.mark.parametrize(
    ("getter", "expected"),
    [
        # section 5.2: a scan counts unless its TSH is recorded and below 30 mU/L (R53B)
        (lambda d: d.counting_scans.min_tsh_mu_l, Decimal(30)),
        # ... or its contamination is suspected or confirmed
        (lambda d: d.counting_scans.excluded_contamination, ["suspected", "confirmed"]),
        # uptake from scans only when they are given
        (lambda d: d.reads_scans, True),
        # R91 D: no time window
        (lambda d: d.criterion("ATA2015-PROGRESSION-DESPITE-UPTAKE").window_months, None),
        # criteria in the spec's order
        (
            lambda d: [c.id for c in d.criteria],
            [
                "ATA2015-NEVER-AVID",
                "ATA2015-LOST-UPTAKE",
                "ATA2015-MIXED-UPTAKE",
                "ATA2015-PROGRESSION-DESPITE-UPTAKE",
                "ATA2015-NON-AVID",
            ],
        ),
    ],
)
def test_ata_2015_matches_the_spec(getter: object, expected: object) -> None:
    from thyref.domain.rules import load_definition

    assert getter(load_definition("ata-2015")) == expected  # type: ignore[operator]


def test_every_ata_criterion_cites_r91() -> None:
    from thyref.domain.rules import load_definition

    assert all("ATA2015-R91" in c.sources for c in load_definition("ata-2015").criteria)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("window_months = 12\nsources", "window_months = 13\nsources", "window differs"),
        ('threshold_mbq = "22000"', 'threshold_mbq = "20000"', "threshold differs"),
    ],
)
def test_definition_must_agree_with_refractoriness(old: str, new: str, message: str) -> None:
    text = rules_text()
    assert old in text
    with pytest.raises(RulesError, match=message):
        parse_rules(text.replace(old, new))


@pytest.mark.parametrize(
    ("argv", "code", "first_line"),
    [
        # the rule set in force, then another definition's own file
        (["rules", "--raw"], 0, 'id = "tuthyref-2021"'),
        (["rules", "--raw", "-d", "ata-2015"], 0, 'id = "ata-2015"'),
        (["rules", "--raw", "--definition", "tuthyref-2021"], 0, 'id = "tuthyref-2021"'),
        # an unknown name, and a definition without --raw: an error naming the way out
        (["rules", "--raw", "-d", "nope"], 2, None),
        (["rules", "-d", "ata-2015"], 2, None),
    ],
)
def test_rules_raw_prints_any_shipped_file(
    argv: list[str], code: int, first_line: str | None
) -> None:
    from typer.testing import CliRunner

    from thyref.cli.app import app

    result = CliRunner().invoke(app, argv)
    assert result.exit_code == code, result.output
    if first_line is None:
        assert "thyref:" in result.output
    else:
        name = "ata-2015" if "ata-2015" in argv else "tuthyref-2021"
        assert result.output == rules_text(name)
        assert first_line in result.output
