"""Iodine uptake history: which lesions took up I-131, on which counting scan, and when.

A shared building block of the definitions (clinical-rules.md section 5). With ``scans[]``
read, each scan's findings count unless the definition's conditions stop the scan (a TSH
recorded below the level, iodine contamination); without scans, the lesions' own
``rai_uptake`` values are read as one counting scan taken after the latest I-131
administration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from thyref.domain.case import Case
from thyref.domain.messages import Said, day
from thyref.domain.rules import CountingScans
from thyref.domain.scans import Scan


@dataclass(frozen=True, slots=True)
class ScanUptake:
    """The ``yes`` and ``no`` findings of one counting scan (``index`` -1: the virtual one)."""

    index: int
    date: dt.date | None
    kind: str
    rai_date: dt.date | None
    yes: tuple[str, ...]
    no: tuple[str, ...]


@dataclass(slots=True)
class UptakeHistory:
    from_scans: bool
    counting: list[ScanUptake] = field(default_factory=list)
    # lesion -> dates of its yes / no findings on counting scans
    yes_dates: dict[str, list[dt.date | None]] = field(default_factory=dict)
    no_dates: dict[str, list[dt.date | None]] = field(default_factory=dict)
    # lesions with some yes/no finding on any scan, counting or not
    seen: set[str] = field(default_factory=set)
    # lesions with a ``no`` finding on a scan that does not count
    ignored_no: set[str] = field(default_factory=set)
    notes: list[Said] = field(default_factory=list)

    def avid_after(self, rai_date: dt.date) -> ScanUptake | None:
        """The counting scan showing uptake after the administration of ``rai_date``.

        With scans: a counting post-therapy scan linked to it with some ``yes``; without:
        the virtual scan when some lesion takes up iodine.
        """
        for scan in self.counting:
            if not scan.yes:
                continue
            if not self.from_scans or (scan.kind == "post_therapy" and scan.rai_date == rai_date):
                return scan
        return None


def why_not_counting(scan: Scan, rules: CountingScans) -> Said | None:
    """Why a scan's findings do not count (None: they count)."""
    low = rules.min_tsh_mu_l
    if low is not None and scan.tsh is not None and scan.tsh < low:
        params = {"date": day(scan.date), "tsh": str(scan.tsh), "min": low}
        return Said("note.scan_not_counted.tsh", params)
    if scan.iodine_contamination in rules.excluded_contamination:
        return Said(
            "note.scan_not_counted.contamination",
            {"date": day(scan.date), "status": scan.iodine_contamination or ""},
        )
    return None


def history(case: Case, counting: CountingScans, read_scans: bool) -> UptakeHistory:
    """The uptake history a definition reads: from ``scans[]``, or one virtual scan."""
    if read_scans and case.has_scans:
        out = UptakeHistory(from_scans=True)
        for record in case.scan_history:  # in date order
            scan = record.scan
            yes = tuple(lid for lid, f in scan.findings.items() if f == "yes")
            no = tuple(lid for lid, f in scan.findings.items() if f == "no")
            out.seen.update(yes)
            out.seen.update(no)
            why = why_not_counting(scan, counting)
            if why is not None:
                out.notes.append(why)
                out.ignored_no.update(no)
                continue
            out.counting.append(
                ScanUptake(record.index, scan.date, scan.kind, record.rai_date, yes, no)
            )
            for lid in yes:
                out.yes_dates.setdefault(lid, []).append(scan.date)
            for lid in no:
                out.no_dates.setdefault(lid, []).append(scan.date)
        return out
    lesions = case.raw.lesions
    yes = tuple(lesion.id for lesion in lesions if lesion.rai_uptake == "yes")
    no = tuple(lesion.id for lesion in lesions if lesion.rai_uptake == "no")
    out = UptakeHistory(from_scans=False)
    out.counting.append(ScanUptake(-1, None, "virtual", None, yes, no))
    out.seen.update(yes)
    out.seen.update(no)
    out.yes_dates = {lid: [None] for lid in yes}
    out.no_dates = {lid: [None] for lid in no}
    return out
