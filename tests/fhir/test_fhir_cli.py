"""`thyref fhir import|export` and `thyref assess` on a Bundle or NDJSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from thyref.cli.main import app
from thyref.demo import demo_cases
from thyref.fhir.exporter import case_to_bundle

runner = CliRunner()


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_assess_accepts_a_bundle_and_ndjson(tmp_path: Path) -> None:
    case = demo_cases()[0]
    bundle = case_to_bundle(case)
    direct = runner.invoke(app, ["assess", _write(tmp_path, "c.json", case), "-f", "json"])
    via_bundle = runner.invoke(app, ["assess", _write(tmp_path, "b.json", bundle), "-f", "json"])
    ndjson = "\n".join(json.dumps(e["resource"]) for e in bundle["entry"]) + "\n"
    via_ndjson = runner.invoke(app, ["assess", _write(tmp_path, "b.ndjson", ndjson), "-f", "json"])
    assert direct.exit_code == via_bundle.exit_code == via_ndjson.exit_code == 0
    assert json.loads(via_bundle.stdout) == json.loads(direct.stdout)
    assert json.loads(via_ndjson.stdout) == json.loads(direct.stdout)


def test_import_lists_unused_resources_on_stderr(tmp_path: Path) -> None:
    bundle = case_to_bundle(demo_cases()[0])
    bundle["entry"].append({"resource": {"resourceType": "Encounter", "id": "e1",
                                         "status": "finished",
                                         "class": {"code": "AMB"}}})  # fmt: skip
    done = runner.invoke(app, ["fhir", "import", _write(tmp_path, "b.json", bundle), "-l", "en"])
    assert done.exit_code == 0
    assert json.loads(done.stdout)["id"] == demo_cases()[0]["id"]
    last = len(bundle["entry"]) - 1
    assert f"Bundle.entry[{last}].resource(Encounter/e1)" in done.stderr
    assert "1 FHIR item not used:" in done.stderr
    assert "resource type Encounter is not used by thyref" in done.stderr


def test_import_says_why_in_french_by_default(tmp_path: Path) -> None:
    bundle = case_to_bundle(demo_cases()[0])
    bundle["entry"].append({"resource": {"resourceType": "Encounter", "id": "e1",
                                         "status": "finished",
                                         "class": {"code": "AMB"}}})  # fmt: skip
    done = runner.invoke(app, ["fhir", "import", _write(tmp_path, "b.json", bundle)])
    assert done.exit_code == 0
    last = len(bundle["entry"]) - 1
    assert "1 élément FHIR non utilisé\u00a0:" in done.stderr
    said = (
        f"Bundle.entry[{last}].resource(Encounter/e1): ressource Encounter\u00a0: type non exploité"
    )
    assert said in done.stderr
    assert "not used by thyref" not in done.stderr


def test_import_without_primary_cancer_exits_2(tmp_path: Path) -> None:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": []}
    path = _write(tmp_path, "b.json", bundle)
    done = runner.invoke(app, ["fhir", "import", path])
    assert done.exit_code == 2
    # the problem's path, then why, in the command's language (French by default)
    assert "  Bundle: aucun cancer primitif exploitable" in done.stderr, done.stderr
    english = runner.invoke(app, ["fhir", "import", path, "--lang", "en"])
    assert english.exit_code == 2
    assert "  Bundle: no usable primary cancer" in english.stderr, english.stderr


DATA = Path(__file__).parent / "data"


def test_import_of_a_bundle_mixing_two_patients_exits_2() -> None:
    path = str(DATA / "other-patient.json")  # a Tg of Patient/p2 in Patient/p1's Bundle
    done = runner.invoke(app, ["fhir", "import", path])
    assert done.exit_code == 2
    assert done.stdout == ""  # no case printed
    where = "  Bundle.entry[3].resource(Observation/tg-other).subject: "
    assert f"{where}désigne le patient Patient/p2" in done.stderr, done.stderr
    english = runner.invoke(app, ["fhir", "import", path, "--lang", "en"])
    assert f"{where}names patient Patient/p2" in english.stderr, english.stderr


def test_import_of_one_page_of_a_search_says_the_next_page_was_not_read() -> None:
    done = runner.invoke(app, ["fhir", "import", str(DATA / "searchset-paged.json"), "-l", "en"])
    assert done.exit_code == 0, done.stderr
    assert "  Bundle.link[1]: next page of the search not read (" in done.stderr
    assert "message from the FHIR server (warning): Some results were not" in done.stderr


def test_export_writes_a_bundle(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    case = _write(tmp_path, "c.json", demo_cases()[0])
    done = runner.invoke(app, ["fhir", "export", case, "-o", str(out), "--lang", "en"])
    assert done.exit_code == 0
    bundle = json.loads(out.read_text())
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "Condition", "CarePlan"} <= kinds


def _with(case: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**case, **extra}


@pytest.mark.parametrize(
    ("extra", "fhir"),
    [
        # a thyref case with an extra top-level resourceType: still a case (was read as FHIR
        # and refused as "no usable primary cancer")
        ({"resourceType": "Bundle"}, False),
        # the same with resourceType naming a single resource
        ({"resourceType": "Patient"}, False),
        # a case whose format is wrong but has resourceType: FHIR, as before
        ({"format": "other", "resourceType": "Bundle"}, True),
        # a case without format but with resourceType: FHIR, as before
        ({"format": None, "resourceType": "Bundle"}, True),
    ],
    ids=["bundle", "patient", "other-format", "no-format"],
)
def test_an_object_in_the_case_format_is_never_fhir(extra: dict[str, Any], fhir: bool) -> None:
    from thyref.fhir.importer import is_fhir

    case = _with(demo_cases()[0], **extra)
    if case["format"] is None:
        del case["format"]
    assert is_fhir(case) is fhir


def test_assess_takes_a_case_with_a_resource_type_key_as_a_case(tmp_path: Path) -> None:
    case = demo_cases()[0]
    direct = runner.invoke(app, ["assess", _write(tmp_path, "c.json", case), "-f", "json"])
    odd = _with(case, resourceType="Bundle")
    extra = runner.invoke(app, ["assess", _write(tmp_path, "r.json", odd), "-f", "json"])
    assert extra.exit_code == 0, extra.stderr
    assert json.loads(extra.stdout) == json.loads(direct.stdout)


def _with_a_note_and_an_unused_item() -> dict[str, Any]:
    bundle = case_to_bundle(demo_cases()[0])
    # the Bundle's own patient (another patient's resource is refused)
    patient = next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    bundle["entry"] += [
        {"resource": {"resourceType": "Encounter", "id": "e1", "status": "finished",
                      "class": {"code": "AMB"}}},  # not used
        {"resource": {"resourceType": "BodyStructure", "id": "bs-x",
                      "identifier": [{"value": "X9"}],
                      "patient": {"reference": patient}}},  # no location: site 'other'
    ]  # fmt: skip
    return bundle


@pytest.mark.parametrize(
    ("command", "lang", "head", "note"),
    [
        # the notes follow the unused list, in the reader's language
        (["fhir", "import"], "en", "1 note on FHIR items used:",
         "body site without a code: site taken as 'other'"),
        (["fhir", "import"], "fr", "1 remarque sur des éléments FHIR utilisés\u00a0:",
         "localisation sans code\u00a0: site classé «\u00a0autre\u00a0»"),
        # assess of a Bundle says them too
        (["assess"], "en", "1 note on FHIR items used:",
         "body site without a code: site taken as 'other'"),
        (["assess"], "fr", "1 remarque sur des éléments FHIR utilisés\u00a0:",
         "localisation sans code\u00a0: site classé «\u00a0autre\u00a0»"),
    ],
)  # fmt: skip
def test_notes_are_printed_after_the_unused_items(
    tmp_path: Path, command: list[str], lang: str, head: str, note: str
) -> None:
    bundle = _with_a_note_and_an_unused_item()
    path = _write(tmp_path, "b.json", bundle)
    done = runner.invoke(app, [*command, path, "-l", lang])
    assert done.exit_code == 0, done.stderr
    last = len(bundle["entry"]) - 1
    said = f"  Bundle.entry[{last}].resource(BodyStructure/bs-x): {note}\n"
    assert f"thyref: {path}: {head}\n{said}" in done.stderr
    assert done.stderr.index("Encounter/e1") < done.stderr.index(head)
