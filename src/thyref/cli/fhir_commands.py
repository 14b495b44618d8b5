"""`thyref fhir import BUNDLE` and `thyref fhir export CASE`; FHIR input for `thyref assess`.

FHIR is recognised by its ``resourceType`` (a Bundle, a list of resources, or NDJSON with
one resource a line). What the importer could not use is listed on stderr, never dropped,
followed by its notes (what was used under an assumption).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from thyref.cli.files import write_output
from thyref.cli.language import LangOption, Language, group_lang, lang_of
from thyref.domain.messages import Lang, plural

if TYPE_CHECKING:
    from thyref.domain.case import Case
    from thyref.fhir.importer import ImportResult

fhir_app = typer.Typer(help="cli.help.fhir", no_args_is_help=True, callback=group_lang)


def register(app: typer.Typer) -> None:
    """Add `thyref fhir ...` to the main app."""
    app.add_typer(fhir_app, name="fhir")


def _decode(data: bytes) -> Any:
    """JSON, or NDJSON (a list of resources); raises CaseFormatError for anything else."""
    from thyref.domain.case import decode_json
    from thyref.errors import CaseFormatError

    try:
        return decode_json(data)
    except CaseFormatError as exc:
        if exc.code != "not_json":  # too deep, too many digits: said as such
            raise
        lines = data.decode("utf-8", errors="replace").splitlines()
        first = next((line for line in lines if line.strip()), "")
        try:
            head = decode_json(first)
        except CaseFormatError:
            raise exc from None
        if isinstance(head, dict) and "resourceType" in head:
            from thyref.fhir.importer import ndjson_to_case

            return ndjson_to_case(lines)
        raise


def import_any(data: bytes, case_id: str | None = None) -> ImportResult | None:
    """The import of FHIR input (Bundle, resources, NDJSON); None when it is not FHIR."""
    from thyref.fhir.importer import ImportResult, bundle_to_case, is_fhir

    decoded = _decode(data)
    if isinstance(decoded, ImportResult):
        return decoded
    if not is_fhir(decoded):
        return None
    return bundle_to_case(decoded, case_id=case_id)


def report_unmapped(result: ImportResult, source: str, lang: Lang) -> None:
    """Every resource (or part) not used, then every note on what was used (an assumption,
    a preliminary result...), on stderr, each with its path, in ``lang``."""
    from thyref.fhir.unused import unmapped_text

    for key, items in (("cli.fhir_unmapped", result.unmapped), ("cli.fhir_notes", result.notes)):
        if not items:
            continue
        head = plural(key, len(items), lang)
        sys.stderr.write(f"thyref: {source}: {head}\n")
        for item in items:
            sys.stderr.write(f"  {item.path}: {unmapped_text(item, lang)}\n")


def load_any(data: bytes, source: str, lang: Lang = "fr") -> Case:
    """A case from thyref-case/1 JSON or from FHIR (unused FHIR parts listed on stderr)."""
    from thyref.domain import load_case, parse_case

    result = import_any(data) if b"resourceType" in data else None
    if result is None:
        return load_case(data)
    report_unmapped(result, source, lang)
    return parse_case(result.case)


@fhir_app.command("import", help="cli.help.fhir.import")
def import_cmd(
    path: Annotated[
        str, typer.Argument(metavar="cli.help.metavar.file", help="cli.help.fhir.import.path")
    ],
    case_id: Annotated[
        str | None,
        typer.Option(
            "--case-id", metavar="cli.help.metavar.id", help="cli.help.fhir.import.case_id"
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="cli.help.metavar.file", help="cli.help.fhir.import.out"
        ),
    ] = None,
    lang: LangOption = Language.fr,
) -> None:
    """Read a FHIR R4 Bundle (or NDJSON) and print the thyref-case/1 case it holds."""
    from thyref.cli.main import _fail_invalid, _read
    from thyref.domain import parse_case
    from thyref.errors import CaseFormatError, CaseValidationError

    language = lang_of(lang)
    data, source = _read(path, language)
    try:
        result = import_any(data, case_id)
        if result is None:
            raise CaseFormatError(
                "not FHIR: expected a Bundle, a list of resources or NDJSON", "not_fhir"
            )
        parse_case(result.case)  # the case must be valid before it is written
    except (CaseValidationError, CaseFormatError) as exc:
        _fail_invalid(exc, source, language)
    report_unmapped(result, source, language)
    payload = json.dumps(result.case, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(payload)
    else:
        write_output(out, payload.encode(), language, "--out")


@fhir_app.command("export", help="cli.help.fhir.export")
def export_cmd(
    path: Annotated[
        str, typer.Argument(metavar="cli.help.metavar.case", help="cli.help.case_file")
    ],
    assessment: Annotated[
        bool,
        typer.Option("--assessment/--no-assessment", help="cli.help.fhir.export.assessment"),
    ] = True,
    lang: Annotated[
        Language, typer.Option("--lang", "-l", help="cli.help.fhir.export.lang")
    ] = Language.fr,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="cli.help.metavar.file", help="cli.help.fhir.export.out"
        ),
    ] = None,
) -> None:
    """Write a case (and its assessment) as a FHIR R4 collection Bundle (mCODE STU4)."""
    from thyref.cli.main import _fail_invalid, _read
    from thyref.domain import assess, load_case
    from thyref.errors import CaseFormatError, CaseValidationError
    from thyref.fhir.exporter import case_to_bundle

    language = lang_of(lang)
    data, source = _read(path, language)
    try:
        case = load_case(data)
    except (CaseValidationError, CaseFormatError) as exc:
        _fail_invalid(exc, source, language)
    result = assess(case, language).to_json() if assessment else None
    payload = json.dumps(case_to_bundle(case.to_json(), result), ensure_ascii=False, indent=2)
    if out is None:
        sys.stdout.write(payload + "\n")
    else:
        write_output(out, (payload + "\n").encode(), language, "--out")
