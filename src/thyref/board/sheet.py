"""The case sheet a clinician presents at the tumour board: PDF (typst) and HTML.

``build_sheet`` turns a case JSON and its assessment JSON (the contract of
``case-format.md``) into a ``Sheet``: every sentence already said in the reader's
language, every number written their way. ``render_pdf`` lays it out with the typst
template ``templates/sheet.typ``; ``render_html`` with ``templates/sheet.html``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from thyref.board import plots
from thyref.board.decision import Decision
from thyref.board.text import bt, bt_n, bt_or, num, sheet_date
from thyref.domain.definitions import statuses_differ
from thyref.domain.messages import Lang, semicolon, text
from thyref.domain.recist import said_text
from thyref.domain.scans import uptake_by_lesion

JsonObject = Mapping[str, Any]
Sheet = dict[str, Any]
PRIORITY_ORDER = {"urgent": 0, "high": 1, "routine": 2}


def _identity(case: JsonObject, as_of: date, lang: Lang) -> str:
    """``Female, about 69 (born 1957)``: the pseudonym is the title, no name exists."""
    patient = case.get("patient") or {}
    sex = str(patient.get("sex") or "unknown")
    out = bt_or(f"sex.{sex}", sex, lang)
    born = patient.get("birth_year")
    if isinstance(born, int):
        # "née" / "né" in French when the sex is recorded, "née ou né" otherwise
        form = f"age.{sex}" if sex in ("female", "male") else "age"
        out += ", " + bt(form, lang, age=as_of.year - born, year=born)
    return out


def _cumulative(rai: JsonObject, category: object, threshold: Any, lang: Lang) -> str:
    """The cumulative I-131 line; none for a medullary or anaplastic cancer that received
    none (I-131 is not their treatment: "0 GBq, threshold 22 GBq" said nothing), and "no
    administration recorded" for a differentiated one."""
    n = rai.get("administrations") or 0
    if not n:
        return "" if category in ("medullary", "anaplastic") else bt("cumulative_none", lang)
    return bt_n(
        "cumulative",
        int(n),
        lang,
        gbq=num(rai.get("cumulative_gbq", 0), lang),
        mci=num(rai.get("cumulative_mci", 0), lang, 1),
        threshold=num(threshold, lang) if threshold is not None else "–",
    )


def _response(code: object, lang: Lang) -> str:
    """In words with the code of ``lang`` beside them, as the pages and reports say it."""
    return said_text(str(code), lang) if code else "–"


def _timeline(case: JsonObject, assessment: JsonObject, lang: Lang) -> list[list[str]]:
    """Dated events in order: diagnosis, each I-131 with the running total, imaging, tests."""
    rows: list[tuple[str, int, str, str]] = []
    diagnosis = case.get("diagnosis") or {}
    if diagnosis.get("date"):
        histology = str(diagnosis.get("histology", ""))
        rows.append(
            (
                str(diagnosis["date"]),
                0,
                bt("event.diagnosis", lang),
                bt_or(f"histology.{histology}", histology, lang),
            )
        )
    given = sorted(case.get("rai") or [], key=lambda r: str(r.get("date")))
    history = (assessment.get("rai") or {}).get("history") or []
    for i, h in enumerate(history):
        raw = given[i] if i < len(given) else {}
        as_given = f"{num(raw['activity'], lang)} {raw['unit']}" if raw else ""
        gbq = f"{num(h['gbq'], lang)} GBq"
        amount = gbq if as_given in ("", gbq) else f"{as_given} = {gbq}"
        rows.append(
            (
                str(h["date"]),
                1,
                bt("event.rai", lang, n=i + 1),
                bt(
                    "event.rai_detail",
                    lang,
                    amount=amount,
                    total=num(h["cumulative_gbq"], lang),
                ),
            )
        )
    rc = assessment.get("recist") or {}
    by_date = {tp["date"]: tp for tp in rc.get("timepoints") or []}
    for scan in case.get("imaging") or []:
        d = str(scan.get("date"))
        tp = by_date.get(d)
        if d == rc.get("baseline_date"):
            detail = bt("event.baseline", lang)
        elif tp is not None:
            detail = _response(tp.get("overall_response"), lang)
        else:
            detail = ""
        rows.append((d, 2, bt("event.imaging", lang), detail))
    for scan in case.get("scans") or []:
        findings = scan.get("findings") or {}
        listed = {
            key: sorted(k for k, v in findings.items() if v == value)
            for key, value in (("avid", "yes"), ("cold", "no"))
        }
        # "fixe : L1" / "fixent : L1, L2": the verb agrees with the lesions listed
        seen = [
            bt_n(f"scan.{key}", len(ids), lang, lesions=", ".join(ids))
            for key, ids in listed.items()
            if ids
        ]
        kind = str(scan.get("kind", ""))
        rows.append(
            (
                str(scan.get("date")),
                1,
                bt("event.scan", lang),
                " · ".join([bt_or(f"scan_kind.{kind}", kind, lang), *seen]),
            )
        )
    for m in case.get("molecular") or []:
        if m.get("date"):
            rows.append(
                (
                    str(m["date"]),
                    3,
                    bt("event.molecular", lang),
                    f"{m.get('gene')} {m.get('alteration', '')}".strip(),
                )
            )
    rows.sort(key=lambda r: (r[0], r[1]))  # ISO dates sort in time order; said after
    return [[sheet_date(d, lang), what, detail] for d, _, what, detail in rows]


def _molecular(case: JsonObject, lang: Lang) -> list[list[str]]:
    """Rows: gene, alteration, what is known of kind/origin/sample, date."""
    out = []
    for m in case.get("molecular") or []:
        known = [
            bt_or(f"{field}.{m[field]}", str(m[field]), lang)
            for field in ("kind", "origin", "sample")
            if m.get(field)
        ]
        out.append(
            [
                str(m.get("gene", "")),
                str(m.get("alteration") or "–"),
                ", ".join(known) or "–",
                sheet_date(m.get("date"), lang),
            ]
        )
    return out


def _lesions(case: JsonObject, lang: Lang) -> list[list[str]]:
    """Rows: id, site, uptake as the engine reads it: a lesion of unknown uptake takes
    its latest ``yes``/``no`` scan finding (case-format.md, ``scans[]``)."""
    uptake_of = uptake_by_lesion(case)
    out = []
    for lesion in case.get("lesions") or []:
        site = str(lesion.get("site", ""))
        uptake = uptake_of.get(str(lesion.get("id")), "unknown")
        out.append(
            [
                str(lesion.get("id", "")),
                text(f"site.{site}", lang),
                bt_or(f"uptake.{uptake}", uptake, lang),
            ]
        )
    return out


def _pct(value: object, lang: Lang) -> str:
    if value is None:
        return "–"
    sign = "+" if float(str(value)) > 0 else ""
    return f"{sign}{num(str(value), lang, 1)} %"


def _recist(assessment: JsonObject, lang: Lang) -> dict[str, Any] | None:
    rc = assessment.get("recist")
    if not rc:
        return None
    base = rc.get("baseline_sum_mm")
    rows = [
        [
            sheet_date(rc["baseline_date"], lang),
            num(base, lang) if base is not None else "–",
            "–",
            "–",
            bt("event.baseline", lang),
        ]
    ]
    for tp in rc.get("timepoints") or []:
        overall = _response(tp.get("overall_response"), lang)
        if tp.get("asserted"):
            overall += " *"
        rows.append(
            [
                sheet_date(tp["date"], lang),
                num(tp["sum_mm"], lang) if tp.get("sum_mm") is not None else "–",
                _pct(tp.get("change_from_baseline_pct"), lang),
                _pct(tp.get("change_from_nadir_pct"), lang),
                overall + (" · " + bt("new_lesions", lang) if tp.get("new_lesions") else ""),
            ]
        )
    return {
        "summary": bt(
            "recist_summary",
            lang,
            targets=", ".join(rc.get("targets") or []) or "–",
            non_targets=", ".join(rc.get("non_targets") or []) or "–",
            best=_response(rc.get("best_overall_response"), lang),
        ),
        "rows": rows,
        # a timepoint's reasons are dated: several timepoints have some
        "notes": [
            f"{sheet_date(tp['date'], lang)}{text('punct.colon', lang)}{r}"
            for tp in rc.get("timepoints") or []
            for r in tp.get("reasons") or []
        ]
        + list(rc.get("warnings") or []),
    }


def _kinetics(assessment: JsonObject, lang: Lang) -> list[list[str]]:
    out = []
    for name, k in (assessment.get("kinetics") or {}).items():
        if not k.get("points"):
            continue
        dt = k.get("doubling_time_days")
        ht = k.get("halving_time_days")
        status = str(k.get("status", ""))
        said = bt_or(f"kinetics.{status}", status, lang)
        if k.get("band"):  # the doubling-time band, as `thyref assess` and the pages say it
            said += " (" + text(f"vocab.band.{k['band']}", lang) + ")"
        if k.get("warning_text"):
            said += " — " + semicolon(lang).join(k["warning_text"])
        out.append(
            [
                bt(f"marker.{name}", lang),
                str(k["points"]),
                bt("days", lang, n=num(dt, lang, 1)) if dt is not None else "–",
                bt("days", lang, n=num(ht, lang, 1)) if ht is not None else "–",
                said,
            ]
        )
    return out


def _options(assessment: JsonObject, lang: Lang) -> list[dict[str, str]]:
    recs = sorted(
        assessment.get("recommendations") or [],
        key=lambda r: PRIORITY_ORDER.get(str(r.get("priority")), 9),
    )
    return [
        {
            "id": str(r["id"]),
            "title": str(r["title"]),
            "priority": text(f"priority.{r['priority']}", lang),
            "urgent": "yes" if r.get("priority") == "urgent" else "",
            "rationale": str(r["rationale"]),
            "sources": ", ".join(r.get("sources") or []),
        }
        for r in recs
    ]


def _definitions(case: JsonObject, assessment: JsonObject, lang: Lang) -> list[dict[str, Any]]:
    """Every definition's verdict side by side, the primary first, when two of them give
    different statuses (``not_applicable`` left out: clinical-rules.md section 5.3);
    none when they agree (the primary verdict above says it). What each misses is said
    as the reports say it, the lesions of an unknown uptake named (read from ``case``
    for the definitions other than the primary: ``stored_missing_words``)."""
    from thyref.domain.assessment import stored_missing_words

    entries = [d for d in assessment.get("definitions") or [] if isinstance(d, Mapping)]
    if not statuses_differ(d.get("status") for d in entries):
        return []
    rows = []
    for d, missing_words in zip(entries, stored_missing_words(case, assessment, lang), strict=True):
        rule_set = str(d.get("rule_set", ""))
        name = bt_or(f"definition.{rule_set}", rule_set, lang)
        # the words and the code beside them; an item said by its code alone once
        missing = [said if said == code else f"{said} ({code})" for code, said in missing_words]
        evidence = {str(ev.get("criterion")): ev for ev in d.get("evidence") or []}
        rows.append(
            {
                "rule_set": rule_set,
                "name": bt("definition.primary", lang, name=name) if d.get("primary") else name,
                "status": text(f"status.{d.get('status')}", lang),
                "criteria": [
                    {
                        "id": str(c),
                        "rule": str(evidence.get(str(c), {}).get("rule", "")),
                        "detail": str(evidence.get(str(c), {}).get("detail", "")),
                    }
                    for c in d.get("criteria_met") or []
                ],
                "missing": semicolon(lang).join(missing),
                "notes": " ".join(str(n) for n in d.get("notes") or []),
            }
        )
    return rows


def _decision(decision: Decision, assessment: JsonObject, lang: Lang) -> dict[str, Any]:
    titles = {str(r["id"]): str(r["title"]) for r in assessment.get("recommendations") or []}
    return {
        "meeting": bt(
            f"meeting.{decision.meeting_kind}",
            lang,
        )
        + (f" · {sheet_date(decision.meeting_date, lang)}" if decision.meeting_date else ""),
        "options": [f"{titles.get(o, o)} ({o})" for o in decision.options],
        "free_text": decision.free_text,
        "specialties": ", ".join(bt_or(f"specialty.{s}", s, lang) for s in decision.specialties)
        or "–",
        "quorum_warning": bt_n("few_specialties", len(set(decision.specialties)), lang)
        if not decision.quorum_ok
        else "",
        "follow_up": sheet_date(decision.follow_up, lang),  # "–" when none
        "amends": bt("amends", lang, id=decision.amends) if decision.amends else "",
        "author": decision.author,
    }


def build_sheet(
    case: JsonObject,
    assessment: JsonObject,
    lang: Lang,
    *,
    question: str = "",
    decision: Decision | None = None,
    today: date | None = None,
    with_plots: bool = True,
) -> Sheet:
    """Everything the sheet shows, in ``lang``; plots as SVG text."""
    today = today or date.today()
    engine = assessment.get("engine") or {}
    r = assessment["refractory"]
    rai = assessment.get("rai") or {}
    diagnosis = case.get("diagnosis") or {}
    histology = str(diagnosis.get("histology", ""))
    question = question or (decision.question if decision else "")
    evidence = {str(ev["criterion"]): ev for ev in r.get("evidence") or []}
    criteria = []
    for cid in r.get("criteria_met") or []:
        ev = evidence.get(cid, {})
        criteria.append(
            {
                "id": cid,
                "rule": str(ev.get("rule", "")),
                "detail": str(ev.get("detail", "")),
                "sources": ", ".join(ev.get("sources") or []),
            }
        )
    figures = []
    if with_plots:
        if plots.has_markers(assessment, case):
            figures.append(
                {
                    "title": bt("plot.markers_title", lang),
                    "svg": plots.markers(assessment, lang, case),
                }
            )
        if plots.has_diameters(assessment):
            figures.append(
                {
                    "title": bt("plot.diameters_title", lang),
                    "svg": plots.diameters(assessment, case, lang),
                }
            )
        if plots.has_activity(assessment):
            figures.append(
                {
                    "title": bt("plot.activity_title", lang),
                    "svg": plots.activity(assessment, case, lang),
                }
            )
    threshold = rai.get("threshold_gbq")
    return {
        "lang": lang,
        "title": bt("sheet_title", lang, id=assessment.get("case_id", case.get("id", ""))),
        "case_id": str(assessment.get("case_id", case.get("id", ""))),
        "identity": _identity(case, today, lang),
        "question_label": bt("question", lang),
        "question": question or bt("no_question", lang),
        "diagnosis": bt(
            "diagnosis_line",
            lang,
            histology=bt_or(f"histology.{histology}", histology, lang),
            date=sheet_date(diagnosis.get("date"), lang),
            category=text(f"category.{r['category']}", lang),
            extent=text(f"extent.{r['extent']}", lang) if r.get("extent") else "–",
        ),
        "status": text(f"status.{r['status']}", lang),
        "status_code": str(r["status"]),
        "criteria": criteria,
        "no_criteria": bt("no_criteria", lang) if not criteria else "",
        "notes": list(r.get("notes") or []),
        "missing": [
            f"{label} ({m})"
            for m, label in zip(
                r.get("missing_data") or [], r.get("missing_data_labels") or [], strict=False
            )
        ],
        "cumulative": _cumulative(rai, r.get("category"), threshold, lang),
        "timeline": _timeline(case, assessment, lang),
        "lesions": _lesions(case, lang),
        "molecular": _molecular(case, lang),
        "recist": _recist(assessment, lang),
        "kinetics": _kinetics(assessment, lang),
        "options": _options(assessment, lang),
        "definitions": _definitions(case, assessment, lang),
        "plots": figures,
        "decision": _decision(decision, assessment, lang) if decision else None,
        "draft_note": "" if decision else bt("label.draft", lang),
        "labels": _labels(lang),
        "footer": bt(
            "footer",
            lang,
            date=sheet_date(today, lang),
            version=engine.get("version", "?"),
            rules=engine.get("rules", "?"),
            as_of=sheet_date(engine.get("as_of", "?"), lang),
        ),
    }


LABEL_KEYS = (
    "h.question", "h.diagnosis", "h.status", "h.criteria", "h.timeline", "h.lesions",
    "h.molecular", "h.recist", "h.kinetics", "h.plots", "h.options", "h.missing",
    "h.decision", "h.notes", "c.date", "c.event", "c.detail", "c.lesion", "c.site",
    "c.uptake", "c.gene", "c.alteration", "c.kind", "c.origin", "c.sample", "c.sum",
    "c.vs_baseline", "c.vs_nadir", "c.response", "c.marker", "c.points", "c.doubling",
    "c.halving", "c.status", "c.priority", "c.option", "c.sources", "c.criterion",
    "c.evidence", "c.rule", "d.meeting", "d.options", "d.free_text", "d.specialties", "d.follow_up",
    "d.author", "no_molecular", "no_imaging", "no_markers", "no_missing", "no_options",
    "draft", "h.definitions", "c.definition", "c.verdict",
)  # fmt: skip


@cache
def _labels_cached(lang: Lang) -> tuple[tuple[str, str], ...]:
    return tuple((k.replace(".", "_"), bt(f"label.{k}", lang)) for k in LABEL_KEYS)


def _labels(lang: Lang) -> dict[str, str]:
    return {
        **dict(_labels_cached(lang)),
        "colon": text("punct.colon", lang),
        "semicolon": semicolon(lang),
    }


# ---------------------------------------------------------------- rendering


def template_text(name: str) -> str:
    return resources.files("thyref.board").joinpath("templates", name).read_text("utf-8")


_TYPST_LOCK = threading.Lock()


@cache
def _compiler() -> Any:
    """One typst compiler for the process: fonts are scanned once (about 0.3 s)."""
    import typst

    return typst.Compiler()


def typst_pdf(template: str, data: Mapping[str, Any]) -> bytes:
    """Compile a packaged typst template with ``data`` (JSON) as ``sys.inputs.data``."""
    source = template_text(template).encode()
    with _TYPST_LOCK:  # one compiler, shared: web requests run in threads
        pdf = _compiler().compile(
            input=source,
            format="pdf",
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        )
    assert isinstance(pdf, bytes)
    return pdf


def render_pdf(sheet: Sheet) -> bytes:
    """The sheet as PDF bytes (A4, one or two pages for a typical case)."""
    return typst_pdf("sheet.typ", sheet)


@cache
def _jinja() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("thyref.board", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(sheet: Sheet) -> str:
    """The sheet as one standalone HTML page (its CSS inline, plots inline SVG)."""
    import markupsafe

    plots_html = [
        {**p, "svg": markupsafe.Markup(_strip_xml_header(p["svg"]))} for p in sheet["plots"]
    ]
    return str(_jinja().get_template("sheet.html").render(s={**sheet, "plots": plots_html}))


def _strip_xml_header(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def option_ids(assessment: JsonObject) -> Sequence[str]:
    return [str(r["id"]) for r in assessment.get("recommendations") or []]
