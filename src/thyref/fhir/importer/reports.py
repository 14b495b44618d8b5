"""Reading DiagnosticReports (with their contained results) and OperationOutcomes."""

from __future__ import annotations

from typing import Any

from thyref.fhir.importer.state import Reading, _Entry
from thyref.fhir.importer.values import _clip, _codings, _local, _said


class ReportReading(Reading):
    """DiagnosticReports and their contained results, OperationOutcomes."""

    def read_outcome(self, entry: _Entry) -> None:
        """An OperationOutcome (a searchset's ``outcome`` entry, or sent alone): the
        server's own words are listed, e.g. that some results were withheld."""
        said = []
        for issue in entry.res.get("issue") or []:
            details = issue.get("details") if isinstance(issue, dict) else None
            words = details.get("text") if isinstance(details, dict) else None
            words = words or next(
                (x.get("display") for x in _codings(details) if x.get("display")), None
            )
            words = words or issue.get("diagnostics") or issue.get("code")
            said.append((str(issue.get("severity")), str(words)))
        severity = ", ".join(dict.fromkeys(x for x, _ in said)) or "?"
        words = _clip("; ".join(t for _, t in said), 300)
        self.skip(entry, "server_message", severity=_clip(severity), text=words)

    def contained_results(self, entry: _Entry) -> list[_Entry]:
        """The Observations a DiagnosticReport holds in ``contained`` and names in
        ``result`` (``#id``), and the members (``hasMember`` ``#id``) of those that are
        panels: read as the report's patient's results, each with its own path. A report
        entered in error or cancelled gives none (listed by ``read_report``). Contained
        ids are local to the report: never indexed."""
        res = entry.res
        if res.get("resourceType") != "DiagnosticReport" or res.get("status") in (
            "entered-in-error",
            "cancelled",
        ):
            return []
        inner_of = {
            inner.get("id"): inner
            for inner in res.get("contained") or []
            if isinstance(inner, dict) and inner.get("resourceType") == "Observation"
        }
        named: set[Any] = set()
        todo = [_local(ref) for ref in res.get("result") or []]
        while todo:
            rid = todo.pop()
            if rid is None or rid in named or rid not in inner_of:
                continue
            named.add(rid)
            todo += [_local(ref) for ref in inner_of[rid].get("hasMember") or []]
        found = []
        for index, inner in enumerate(res.get("contained") or []):
            if (
                isinstance(inner, dict)
                and inner.get("resourceType") == "Observation"
                and inner.get("id") in named
            ):
                path = f"{entry.path}.contained[{index}](Observation/{inner['id']})"
                self.read_from_report.add(id(inner))
                self.container[id(inner)] = entry
                found.append(_Entry(path, inner, None))
        return found

    def read_report(self, entry: _Entry) -> None:
        """A DiagnosticReport: its results are the Observations (contained, read as
        entries, or entries of the Bundle); what else it says is listed: a result not
        sent, another contained resource, the conclusion, an attached document."""
        res = entry.res
        status = res.get("status")
        if status in ("entered-in-error", "cancelled"):
            self.skip(entry, "status", status=status)
            return
        said = False  # the report held something: a result, or a part listed below
        read = {
            inner.get("id")
            for inner in res.get("contained") or []
            if isinstance(inner, dict) and id(inner) in self.read_from_report
        }
        for index, ref in enumerate(res.get("result") or []):
            said = True
            target = ref.get("reference") if isinstance(ref, dict) else None
            if isinstance(target, str) and target.startswith("#"):
                found = target[1:] in read
            else:
                found = self.resolve(ref) is not None
            if not found:
                part = _Entry(f"{entry.path}.result[{index}]", res, entry.full_url)
                self.skip(part, "report_result_missing", reference=_clip(target))
        for index, inner in enumerate(res.get("contained") or []):
            if isinstance(inner, dict) and id(inner) not in self.read_from_report:
                said = True
                part = _Entry(f"{entry.path}.contained[{index}]", res, entry.full_url)
                self.skip(part, "report_contained", kind=inner.get("resourceType"))
        codes = ", ".join(_said(x) for x in res.get("conclusionCode") or [])
        words = " ; ".join(x for x in (res.get("conclusion"), codes) if isinstance(x, str) and x)
        if words:
            said = True
            part = _Entry(f"{entry.path}.conclusion", res, entry.full_url)
            self.skip(part, "report_conclusion", text=_clip(words))
        for index, form in enumerate(res.get("presentedForm") or []):
            said = True
            part = _Entry(f"{entry.path}.presentedForm[{index}]", res, entry.full_url)
            kind = form.get("contentType") if isinstance(form, dict) else None
            self.skip(part, "report_document", kind=_clip(kind or "?"))
        if not said:
            self.skip(entry, "resource_type", kind="DiagnosticReport")
