"""Whole-body iodine scans (case-format.md ``scans[]``): the model, its validation, the
administration behind each post-therapy scan, and the ``rai_uptake`` a lesion takes from
its latest finding."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from thyref.domain.fields import FrozenModel, IsoDate, is_iso, items, valid_day
from thyref.domain.rules import Rules
from thyref.errors import Problem

if TYPE_CHECKING:
    from thyref.domain.case import RawCase

ScanFinding = Literal["yes", "no", "equivocal", "not_visualized"]


class Scan(FrozenModel):
    """A whole-body iodine scan: its preparation and the finding for each lesion."""

    date: IsoDate
    kind: Literal["post_therapy", "diagnostic_i131", "diagnostic_i123", "i124_pet"]
    rai_date: IsoDate | None = None
    preparation: Literal["withdrawal", "rhtsh", "unknown"] | None = None
    tsh: Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)] | None = None
    iodine_contamination: Literal["none", "suspected", "confirmed", "unknown"] | None = None
    findings: dict[str, ScanFinding] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """A scan in date order: its index in ``scans[]`` and, after therapy, its administration."""

    index: int
    scan: Scan
    rai_date: dt.date | None


def latest_findings(
    scans: Iterable[tuple[int, str, Mapping[str, Any]]],
) -> dict[str, tuple[str, str, int]]:
    """Per lesion, its latest ``yes``/``no`` finding: (ISO date, finding, scan index).

    By scan date; on one date ``no`` outweighs ``yes`` (case-format.md), then the first scan.
    """
    latest: dict[str, tuple[str, str, int]] = {}
    for index, day, findings in scans:
        for lesion_id, finding in findings.items():
            if finding != "yes" and finding != "no":
                continue
            current = latest.get(lesion_id)
            if (
                current is None
                or day > current[0]
                or (day == current[0] and finding == "no" and current[1] == "yes")
            ):
                latest[lesion_id] = (day, finding, index)
    return latest


def link_administration(day: date, given: Iterable[date], days: int) -> date | None:
    """The latest administration 0 to ``days`` days before ``day`` (a post-therapy scan's)."""
    found = None
    for rai_day in given:
        if 0 <= (day - rai_day).days <= days and (found is None or rai_day > found):
            found = rai_day
    return found


def scan_problems(obj: dict[str, Any], declared: dict[str, int], rules: Rules) -> list[Problem]:
    """``scans[]``: declared lesions only, an administration behind each post-therapy scan,
    and no lesion ``rai_uptake`` contradicting its latest finding (case-format.md)."""
    problems: list[Problem] = []
    scans = items(obj, "scans")
    if not scans:
        return problems
    rai_days = {item["date"] for _, item in items(obj, "rai") if is_iso(item.get("date"))}
    rai_dates = [date.fromisoformat(day) for day in rai_days if valid_day(day)]
    link_days = rules.input.post_therapy_scan_link_days
    usable: list[tuple[int, str, Mapping[str, Any]]] = []
    for i, item in scans:
        findings = item.get("findings")
        day = item.get("date")
        if isinstance(findings, dict):
            for lid in findings:
                if lid not in declared:
                    problems.append(
                        Problem(
                            f"scans[{i}].findings.{lid}",
                            f"lesion {lid!r} is not declared in lesions",
                            "undeclared_lesion",
                            (("id", str(lid)),),
                        )
                    )
            if is_iso(day):
                usable.append((i, day, findings))
        if item.get("kind") != "post_therapy" or not (is_iso(day) and valid_day(day)):
            continue
        rai_date = item.get("rai_date")
        if rai_date is not None:
            if not is_iso(rai_date):
                continue  # reported by the structure check
            if rai_date not in rai_days:
                problems.append(
                    Problem(
                        f"scans[{i}].rai_date",
                        f"no I-131 administration on {rai_date} in rai",
                        "scan_rai_unknown",
                        (("date", rai_date),),
                    )
                )
            elif rai_date > day:
                problems.append(
                    Problem(
                        f"scans[{i}].rai_date",
                        f"a post-therapy scan on {day} cannot follow an administration "
                        f"on {rai_date}",
                        "scan_before_rai",
                        (("date", day), ("rai_date", rai_date)),
                    )
                )
        elif link_administration(date.fromisoformat(day), rai_dates, link_days) is None:
            problems.append(
                Problem(
                    f"scans[{i}].rai_date",
                    f"post-therapy scan on {day} with no I-131 administration 0 to "
                    f"{link_days} days before it in rai (give rai_date)",
                    "scan_without_rai",
                    (("date", day), ("days", str(link_days))),
                )
            )
    latest = latest_findings(usable)
    for j, lesion in items(obj, "lesions"):
        lid, given = lesion.get("id"), lesion.get("rai_uptake")
        if not isinstance(lid, str) or given not in ("yes", "no") or lid not in latest:
            continue
        day, finding, index = latest[lid]
        if finding != given:
            where = f"scans[{index}].findings.{lid}"
            problems.append(
                Problem(
                    f"lesions[{j}].rai_uptake",
                    f"{given!r} contradicts the latest scan finding {finding!r} ({where}, {day})",
                    "uptake_contradiction",
                    (("given", given), ("finding", finding), ("where", where), ("date", day)),
                )
            )
    return problems


def uptake_by_lesion(case: Mapping[str, Any]) -> dict[str, str]:
    """Each declared lesion's I-131 uptake as the engine reads it, from a case as JSON: its
    ``rai_uptake``, or, when that is absent or ``unknown``, its latest ``yes``/``no``
    scan finding (case-format.md, ``scans[]``); ``unknown`` when neither says."""
    scans = case.get("scans") or []
    latest = latest_findings(
        (i, str(s.get("date")), s.get("findings") or {})
        for i, s in enumerate(scans)
        if isinstance(s, Mapping)
    )
    out: dict[str, str] = {}
    for lesion in case.get("lesions") or []:
        if not isinstance(lesion, Mapping) or not isinstance(lesion.get("id"), str):
            continue
        given = str(lesion.get("rai_uptake") or "unknown")
        if given == "unknown" and lesion["id"] in latest:
            given = latest[lesion["id"]][1]
        out[lesion["id"]] = given
    return out


def _content(scan: Scan) -> str:
    """A scan's fields as sorted JSON text: an order for scans of the same day."""
    return json.dumps(scan.model_dump(mode="json"), sort_keys=True)


def with_scans(raw: RawCase, rules: Rules) -> tuple[RawCase, tuple[ScanRecord, ...]]:
    """Scans in date order, each post-therapy one with its administration, and every
    lesion of unknown uptake given its latest ``yes``/``no`` finding (case-format.md)."""
    given = [item.date for item in raw.rai]
    days = rules.input.post_therapy_scan_link_days
    # scans[] comes in any order: scans of one day are put in the order of what they say
    # (kind, findings, conditions), never in the order given, so that a judgement "per
    # scan record" (ATA2015-MIXED-UPTAKE's evidence) does not follow the input
    # (the content is written out only when two scans share a day: most cases have none)
    days_given = [scan.date for scan in raw.scans]
    if len(set(days_given)) == len(days_given):
        order = sorted(range(len(raw.scans)), key=days_given.__getitem__)
    else:
        content = [_content(scan) for scan in raw.scans]
        order = sorted(range(len(raw.scans)), key=lambda i: (days_given[i], content[i]))
    history = []
    for i in order:
        scan = raw.scans[i]
        linked = None
        if scan.kind == "post_therapy":
            linked = scan.rai_date or link_administration(scan.date, given, days)
        history.append(ScanRecord(i, scan, linked))
    latest = latest_findings((r.index, r.scan.date.isoformat(), r.scan.findings) for r in history)
    lesions = [
        lesion.model_copy(update={"rai_uptake": latest[lesion.id][1]})
        if lesion.rai_uptake == "unknown" and lesion.id in latest
        else lesion
        for lesion in raw.lesions
    ]
    return raw.model_copy(update={"lesions": lesions}), tuple(history)
