"""The figures a tumour board asks for first, read from a case and its assessment.

Cumulative I-131 (not for a medullary cancer), latest and best RECIST response, the
doubling time of the marker that matters (thyroglobulin, or calcitonin for a medullary
cancer), and the molecular results with the options they open. Every figure comes with a
sentence for when it is missing, so an empty cell never reads as "nothing to report".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from thyref.domain.rules import load_rules
from thyref.web.i18n import Translator

# Options that an alteration opens: shown beside the molecular result.
ALTERATION_OPTIONS = ("TARGETED-THERAPY", "REDIFFERENTIATION", "CLINICAL-TRIAL")


@dataclass(frozen=True, slots=True)
class Figure:
    key: str  # rai, recist, marker, molecular
    label: str
    value: str
    detail: str = ""
    missing: bool = False


def _num(t: Translator, value: Any) -> str:
    return t.say("web.number", n=str(value))


def _rai(a: Mapping[str, Any], t: Translator) -> Figure:
    rai = a.get("rai") or {}
    n = int(rai.get("administrations") or 0)
    if not n:
        return Figure("rai", t("glance.rai"), t("glance.rai_none"), missing=True)
    value = t(
        "glance.rai_value",
        gbq=_num(t, rai.get("cumulative_gbq", 0)),
        mci=_num(t, round(float(rai.get("cumulative_mci") or 0))),
    )
    count = t.plural("glance.administrations", n)
    reached = rai.get("threshold_reached_on")
    limit = _num(t, rai.get("threshold_gbq", ""))
    detail = (
        t("glance.threshold_reached", gbq=limit, date=reached)
        if reached
        else t("glance.threshold_not_reached", gbq=limit)
    )
    return Figure("rai", t("glance.rai"), value, f"{count} · {detail}")


def _recist(a: Mapping[str, Any], t: Translator) -> Figure:
    recist = a.get("recist") or {}
    points = recist.get("timepoints") or []
    if not points:
        why = "glance.recist_baseline_only" if recist.get("baseline_date") else "glance.recist_none"
        return Figure("recist", t("glance.recist"), t(why), missing=True)
    last = points[-1]
    value = t.response(last.get("overall_response"))
    when = t("glance.recist_value", date=last.get("date"))
    best = t("glance.recist_best", best=t.response(recist.get("best_overall_response")))
    return Figure("recist", t("glance.recist"), value, f"{when} · {best}")


def _marker(a: Mapping[str, Any], t: Translator, medullary: bool) -> Figure:
    kinetics = a.get("kinetics") or {}
    marker = "calcitonin" if medullary else "thyroglobulin"
    info = kinetics.get(marker) or {}
    label = t("glance.marker", marker=t.label("test", marker).lower())
    doubling, halving = info.get("doubling_time_days"), info.get("halving_time_days")
    status = t(f"kinetics.{info.get('status', 'insufficient_data')}")
    if doubling:
        band = info.get("band")
        detail = status + (f" ({t.label('band', band)})" if band else "")
        # the days as the kinetics table writes them (564,5 j, not a rounded 564 beside it);
        # French says "an" below 2 ("1,5 an"), "ans" from 2 on
        years = round(float(doubling) / 365.25, 1)
        form = "glance.doubling.one" if years < 2 else "glance.doubling.other"
        value = t(form, d=_num(t, doubling), y=_num(t, years))
        return Figure("marker", label, value, detail)
    if halving:
        return Figure("marker", label, t("glance.halving", d=_num(t, halving)), status)
    points = int(info.get("points") or 0)
    need = load_rules().kinetics.min_points
    detail = t.plural("glance.marker_missing_detail", points, need=need)
    return Figure("marker", label, t("glance.marker_missing"), detail, missing=True)


def _molecular(case: Mapping[str, Any], a: Mapping[str, Any], t: Translator) -> Figure:
    results = [
        " ".join(str(m.get(k) or "") for k in ("gene", "alteration")).strip()
        for m in case.get("molecular") or []
        if isinstance(m, Mapping)
    ]
    opened = [
        str(r.get("title"))
        for r in a.get("recommendations") or []
        if r.get("id") in ALTERATION_OPTIONS
    ]
    label = t("glance.molecular")
    if not results:
        testing = any(r.get("id") == "MOLECULAR-TESTING" for r in a.get("recommendations") or [])
        why = "glance.molecular_to_test" if testing else "glance.molecular_none"
        return Figure("molecular", label, t(why), missing=True)
    detail = "; ".join(opened) if opened else t("glance.molecular_no_option")
    return Figure("molecular", label, ", ".join(results), detail)


def key_figures(
    case: Mapping[str, Any] | None, a: Mapping[str, Any], t: Translator
) -> list[Figure]:
    """The board's first figures, in the order it asks for them."""
    category = (a.get("refractory") or {}).get("category")
    medullary = category == "medullary"
    figures = [] if medullary else [_rai(a, t)]
    figures.append(_recist(a, t))
    if category != "anaplastic":
        figures.append(_marker(a, t, medullary))
    figures.append(_molecular(case or {}, a, t))
    return figures
