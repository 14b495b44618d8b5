"""What the case page shows of the definitions and of the iodine scans.

The definitions side by side (verdict, criteria in words, what is missing) read from the
assessment's ``definitions``; each lesion's uptake scan by scan (lesions as rows, scans as
columns), with the scans a definition does not count marked; I-131 administrations and
scans on one timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from thyref.domain.assessment import stored_missing_words
from thyref.domain.case import parse_case
from thyref.domain.definitions import definition_of
from thyref.domain.refractoriness import missing_term, unknown_uptake
from thyref.domain.rules import Definition, load_definition, load_rules
from thyref.domain.scans import Scan
from thyref.domain.uptake import why_not_counting
from thyref.errors import CaseFormatError, CaseValidationError, RulesError
from thyref.web.i18n import Translator

# the definition whose counting-scan conditions mark the scan table (the one that has any)
COUNTING_DEFINITION = "ata-2015"


@dataclass(frozen=True, slots=True)
class DefinitionRow:
    rule_set: str
    name: str
    primary: bool
    status: str
    criteria: list[tuple[str, str]]  # (code, words)
    missing: list[str]


@dataclass(frozen=True, slots=True)
class ScanColumn:
    date: str
    kind: str
    not_counted: str  # why the counting definition leaves it out ("" when it counts)


@dataclass(frozen=True, slots=True)
class ScanTable:
    columns: list[ScanColumn]
    rows: list[tuple[str, list[str]]]  # (lesion id, finding per column, "" when none)


def missing_actions(
    a: Mapping[str, Any], t: Translator, case: Mapping[str, Any] | None = None
) -> list[str]:
    """What to complete, for each missing item of the primary verdict: the page's wording
    with the numbers of the definition that asks for it (the imaging window...) and the
    lesions of an unknown uptake named (read from ``case``, the case ``a`` was made of,
    as the definition reads it; "each lesion" without it or when it no longer reads),
    else the engine's label, else the item's code in a sentence."""
    refractory = a.get("refractory") or {}
    primary = (a.get("definitions") or [{}])[0].get("rule_set")
    rule_set = str(primary or (a.get("engine") or {}).get("rules") or "")
    items = refractory.get("missing_data") or []
    try:
        definition = definition_of(rule_set, load_rules())
    except (RulesError, KeyError, OSError):  # a rule set this version does not know
        return [t("missing.other", item=item) for item in items]
    out = []
    for item in items:
        lesions: tuple[str, ...] = ()
        if item == "lesions.rai_uptake" and case is not None:
            lesions = _unknown_uptake(case, definition)
        term = missing_term(definition, str(item), lesions)
        params = dict(term.params)
        if lesions and t.has(f"{term.key}.one"):
            out.append(t.plural(term.key, int(params.pop("n")), **params))
        elif t.has(term.key):
            out.append(t(term.key, **params))
        else:
            out.append(term.text(t.lang))
    return out


def _unknown_uptake(case: Mapping[str, Any], definition: Definition) -> tuple[str, ...]:
    """The lesions whose uptake ``definition`` does not know in ``case``; none when the
    case does not read (stored by another version)."""
    try:
        parsed = parse_case(dict(case), rules=load_rules())
    except (CaseFormatError, CaseValidationError):
        return ()
    return unknown_uptake(parsed, definition)


def definitions_view(
    a: Mapping[str, Any], case: Mapping[str, Any], t: Translator
) -> list[DefinitionRow]:
    """One row per definition, the primary first (the order of the assessment); what
    each misses said as the reports say it, the lesions of an unknown uptake named (read
    from ``case``, the case ``a`` was made of, for the definitions other than the
    primary: ``stored_missing_words``)."""
    rows = []
    entries = [d for d in a.get("definitions") or [] if isinstance(d, Mapping)]
    for d, missing_words in zip(entries, stored_missing_words(case, a, t.lang), strict=True):
        rule_set = str(d.get("rule_set") or "")
        missing = [said for _, said in missing_words]
        rows.append(
            DefinitionRow(
                rule_set=rule_set,
                name=t.label("definition", rule_set),
                primary=bool(d.get("primary")),
                status=str(d.get("status") or "indeterminate"),
                criteria=[(str(c), t.label("criterion", c)) for c in d.get("criteria_met") or []],
                missing=missing,
            )
        )
    return rows


def _not_counted(scan: Mapping[str, Any], t: Translator) -> str:
    try:
        counting = load_definition(COUNTING_DEFINITION).counting_scans
        why = why_not_counting(Scan.model_validate(scan), counting)
    except (RulesError, ValidationError):
        return ""
    return why.text(t.lang) if why is not None else ""


def scan_table(case: Mapping[str, Any], t: Translator) -> ScanTable | None:
    """Each declared lesion's finding on each scan, scans by date; None without scans."""
    scans = [s for s in case.get("scans") or [] if isinstance(s, Mapping)]
    if not scans:
        return None
    scans.sort(key=lambda s: str(s.get("date") or ""))
    columns = [
        ScanColumn(str(s.get("date") or ""), str(s.get("kind") or ""), _not_counted(s, t))
        for s in scans
    ]
    lesions = [str(le.get("id")) for le in case.get("lesions") or [] if isinstance(le, Mapping)]
    rows = [
        (lid, [str((s.get("findings") or {}).get(lid) or "") for s in scans]) for lid in lesions
    ]
    return ScanTable(columns, rows)


def timeline(case: Mapping[str, Any]) -> list[tuple[str, str, Mapping[str, Any]]]:
    """I-131 administrations and scans by date: (date, "rai" | "scan", the entry)."""
    items: list[tuple[str, str, Mapping[str, Any]]] = [
        (str(r.get("date") or ""), "rai", r)
        for r in case.get("rai") or []
        if isinstance(r, Mapping)
    ]
    items += [
        (str(s.get("date") or ""), "scan", s)
        for s in case.get("scans") or []
        if isinstance(s, Mapping)
    ]
    return sorted(items, key=lambda item: (item[0], item[1]))
