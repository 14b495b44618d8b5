"""Readable reports of an assessment: rich text for a terminal, Markdown for documents."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from thyref.domain.assessment import Assessment, missing_label
from thyref.domain.messages import Lang, coded, colon, day_text, number, semicolon, text
from thyref.domain.recist import legend_codes, said_text

if TYPE_CHECKING:  # rich is loaded by the terminal report only: not for Markdown
    from rich.console import RenderableType

STATUS_STYLE = {
    "not_applicable": "bold",
    "refractory": "bold red",
    "not_refractory": "bold green",
    "indeterminate": "bold yellow",
}
PRIORITY_STYLE = {"urgent": "bold red", "high": "yellow", "routine": "dim"}


class _Labels:
    """Report labels from the messages data file (``label.*`` keys)."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return text(f"label.{key}", self.lang)


def _day(value: Any, lang: Lang) -> str:
    """An ISO date of the assessment the reader's way (``messages.day_text``), a dash when
    there is none."""
    return day_text(str(value), lang) if value else "–"


def _targets(rc: Any, lb: _Labels, lang: Lang) -> str:
    """``L1, L2 (43 mm)``; ``aucune`` alone when no lesion is a target (was "(– mm)")."""
    if not rc.targets:
        return lb["none"]
    return f"{', '.join(rc.targets)} ({_fmt(rc.baseline_sum_mm, lang=lang)} mm)"


def _sum(tp: Any, lang: Lang) -> str:
    """A timepoint's sum of diameters; marked "†" when a target was not measured that
    day: it is then the sum of the measured targets only (20 mm of 60 read as a response)."""
    shown = _fmt(tp.sum_mm, lang=lang)
    return f"{shown} †" if tp.missing_targets and tp.sum_mm is not None else shown


def _partial(rc: Any) -> bool:
    """Whether some timepoint's sum is marked partial (its note goes under the table)."""
    return any(tp.missing_targets and tp.sum_mm is not None for tp in rc.timepoints)


def _fmt(value: Any, suffix: str = "", lang: Lang = "en") -> str:
    """A number the reader's way (``+12,5 %`` in French); a dash when there is none."""
    if value is None:
        return "–"
    if suffix == "%" and isinstance(value, (int, float)):
        sign = "+" if value >= 0 else ""
        return f"{sign}{number(round(float(value), 1), lang)}{' %' if lang == 'fr' else '%'}"
    if isinstance(value, (int, float)):
        return f"{number(value, lang)}{suffix}"
    return f"{value}{suffix}"


def _response(code: Any, lang: Lang) -> str:
    """A RECIST response's code in the reader's language (``MS`` in French for ``SD``),
    for table cells; :func:`_legend` says each in words under the table."""
    return text(f"vocab.response.{code}", lang) if code else "–"


def _legend(recist: Any, lang: Lang) -> str:
    """The response codes of the table, each with its words: "MS : stabilité · MP : ..."."""
    codes = legend_codes(
        code
        for tp in recist.timepoints
        for code in (tp.target_response, tp.non_target_response, tp.overall_response)
    )
    c = colon(lang)
    return " · ".join(
        f"{_response(code, lang)}{c} {text(f'board.response.{code}', lang)}" for code in codes
    )


def _marker(marker: str, lang: Lang) -> str:
    return text(f"vocab.test.{marker}", lang)


def _trend(k: Any, lang: Lang) -> str:
    """A marker's trend in words, with its doubling-time band."""
    out = text(f"web.kinetics.{k.status}", lang)
    return out + (f" ({text(f'vocab.band.{k.band}', lang)})" if k.band else "")


def _rai_line(a: Any, lb: _Labels, lang: Lang) -> str:
    n = a.rai.administrations
    one = n == 1 or (n == 0 and lang == "fr")  # "0 cure" in French, "0 administrations"
    count = text("report.administrations." + ("one" if one else "other"), lang, {"n": n})
    return (
        f"{lb['rai']}{colon(lang)} {number(a.rai.cumulative_gbq, lang)} GBq = "
        f"{number(a.rai.cumulative_mci, lang)} mCi ({count})"
    )


def _view(value: Any) -> Any:
    """Attribute access over the assessment's dictionaries (``a.refractory.status``)."""
    if isinstance(value, dict):
        return SimpleNamespace(**{k: _view(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_view(v) for v in value]
    return value


def _kinetics(a: Any) -> list[tuple[str, Any]]:
    return list(vars(a.kinetics).items())


def _definition_name(rule_set: str, lang: Lang) -> str:
    """A definition in words with its id beside them: "ATA 2015 (recommendation 91,
    ata-2015)"; the id alone when the catalogue has no name for it."""
    key = f"definition.coded.{rule_set}"
    name = text(key, lang)
    return rule_set if name == key else name


def _other_definitions(assessment: Assessment, a: Any, lang: Lang) -> list[str]:
    """One line per definition other than the primary: verdict, criteria, missing data
    (in the words the primary's are said: the lesions of an unknown uptake named)."""
    c = colon(lang)
    out = []
    for index, d in enumerate(getattr(a, "definitions", [])[1:], start=1):
        line = f"{_definition_name(d.rule_set, lang)}{c} {text(f'status.{d.status}', lang)}"
        if d.criteria_met:
            named = (coded(f"vocab.criterion.{cid}", cid, lang) for cid in d.criteria_met)
            line += " — " + semicolon(lang).join(named)
        if d.missing_data:
            said = assessment.missing_words(index) or [
                missing_label(d.rule_set, item, lang) for item in d.missing_data
            ]
            missing = semicolon(lang).join(said)
            line += f" — {text('label.missing', lang)}{c} {missing}"
        out.append(line)
    return out


def render_rich(assessment: Assessment, lang: Lang) -> RenderableType:
    """A terminal report: status panel, RECIST table, markers, options."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from thyref.rich_nobreak import keep_no_break_spaces

    keep_no_break_spaces()  # a French mark stays with its word

    a = _view(assessment.to_json())
    lb = _Labels(lang)
    r = a.refractory
    c = colon(lang)
    head = Text()
    head.append(f"{lb['status']}{c} ")
    head.append(text(f"status.{r.status}", lang), STATUS_STYLE.get(r.status, ""))
    head.append(f"  ·  {text(f'category.{r.category}', lang)}")
    if r.extent:
        head.append(f"  ·  {text(f'extent.{r.extent}', lang)}")
    head.append(f"\n{lb['criteria']}{c} {', '.join(r.criteria_met) or lb['criteria_none']}")
    for ev in r.evidence:
        head.append(f"\n  • {ev.criterion}{c} {ev.detail} [{', '.join(ev.sources)}]")
    if r.missing_data:
        head.append(f"\n{lb['missing']}{c}", "yellow")
        for label in r.missing_data_labels:
            head.append(f"\n  • {label}", "yellow")
    for note in r.notes:
        head.append(f"\n{note}", "italic")
    for line in _other_definitions(assessment, a, lang):
        head.append(f"\n{lb['other_definition']}{c} {line}")
    head.append("\n" + _rai_line(a, lb, lang))
    parts: list[RenderableType] = [Panel(head, title=f"{lb['case']} {a.case_id}")]
    if a.recist is not None:
        rc = a.recist
        table = Table(
            title=f"{lb['recist']} — {lb['baseline']} {_day(rc.baseline_date, lang)}, "
            f"{lb['targets']}{c} {_targets(rc, lb, lang)}",
            title_justify="left",
        )
        for col in ("date", "sum", "base", "nadir", "target", "non_target", "new", "overall"):
            table.add_column(
                lb[col], justify="right" if col in ("sum", "base", "nadir") else "left"
            )
        for tp in rc.timepoints:
            overall = _response(tp.overall_response, lang) + (" *" if tp.asserted else "")
            table.add_row(
                _day(tp.date, lang), _sum(tp, lang),
                _fmt(tp.change_from_baseline_pct, "%", lang),
                _fmt(tp.change_from_nadir_pct, "%", lang), _response(tp.target_response, lang),
                _response(tp.non_target_response, lang), lb["yes"] if tp.new_lesions else lb["no"],
                Text(overall, "bold red" if tp.overall_response == "PD" else "bold"),
            )  # fmt: skip
        caption = f"{lb['best']}{c} {said_text(rc.best_overall_response, lang) or '–'}"
        if any(tp.asserted for tp in rc.timepoints):
            caption += "  ·  " + text("report.asserted_note", lang)
        if _partial(rc):
            caption += "  ·  " + text("report.partial_sum_note", lang)
        if legend := _legend(rc, lang):
            caption += "\n" + legend
        table.caption = caption
        parts.append(table)
        parts.extend(Text("⚠ " + w, "yellow") for w in rc.warnings)
    kin = Table(title=lb["kinetics"], title_justify="left")
    for col in ("marker", "points", "dt", "ht", "status"):
        kin.add_column(lb[col])
    kin.add_column("r²")
    for marker, k in _kinetics(a):
        if k.points == 0:
            continue
        status = _trend(k, lang)
        if k.warning_text:
            status += " ⚠ " + semicolon(lang).join(k.warning_text)
        kin.add_row(
            _marker(marker, lang), str(k.points), _fmt(k.doubling_time_days, lang=lang),
            _fmt(k.halving_time_days, lang=lang), status, _fmt(k.r2, lang=lang),
        )  # fmt: skip
    if kin.row_count:
        parts.append(kin)
    opts = Table(title=lb["options"], title_justify="left", show_lines=True)
    opts.add_column(lb["priority"])
    opts.add_column(lb["option"])
    opts.add_column(lb["sources"])
    for rec in a.recommendations:
        body = Text(rec.title, "bold")
        body.append(f" ({rec.id})\n", "dim")
        body.append(rec.rationale)
        opts.add_row(
            Text(text(f"priority.{rec.priority}", lang), PRIORITY_STYLE.get(rec.priority, "")),
            body,
            ", ".join(rec.sources),
        )
    parts.append(opts)
    parts.append(
        Text(
            f"{lb['disclaimer']}  thyref {a.engine.version} · {a.engine.rules} · "
            f"{_day(a.engine.as_of, lang)}",
            "dim",
        )
    )
    return Group(*parts)


def render_markdown(assessment: Assessment, lang: Lang) -> str:
    """The same report as Markdown (for case sheets and notes)."""
    a = _view(assessment.to_json())
    lb = _Labels(lang)
    r = a.refractory
    c = colon(lang)
    out = [f"# {lb['case']} {a.case_id}", ""]
    out.append(
        f"**{lb['status']}**{c} {text(f'status.{r.status}', lang)} · "
        f"{text(f'category.{r.category}', lang)}"
        + (f" · {text(f'extent.{r.extent}', lang)}" if r.extent else "")
    )
    out.append("")
    out.append(f"**{lb['criteria']}**{c} {', '.join(r.criteria_met) or lb['criteria_none']}")
    out.extend(f"- `{ev.criterion}`{c} {ev.detail} ({', '.join(ev.sources)})" for ev in r.evidence)
    if r.missing_data:
        out.append("")
        out.append(f"**{lb['missing']}**{c}")
        out.extend(f"- {label}" for label in r.missing_data_labels)
    out.extend(["", *(f"_{n}_" for n in r.notes), *([""] if r.notes else [])])
    lines = _other_definitions(assessment, a, lang)
    out.extend(
        [*(f"**{lb['other_definition']}**{c} {line}  " for line in lines), *([""] if lines else [])]
    )
    rai_label, _, rai_rest = _rai_line(a, lb, lang).partition(c + " ")
    out.append(f"**{rai_label}**{c} {rai_rest}")
    if a.recist is not None:
        rc = a.recist
        out += [
            "",
            f"## {lb['recist']}",
            "",
            f"{lb['baseline']}{c} {_day(rc.baseline_date, lang)} · {lb['targets']}{c} "
            f"{_targets(rc, lb, lang)}",
            "",
            f"| {lb['date']} | {lb['sum']} | {lb['base']} | {lb['nadir']} | {lb['target']} "
            f"| {lb['non_target']} | {lb['new']} | {lb['overall']} |",
            "|---|---:|---:|---:|---|---|---|---|",
        ]
        for tp in rc.timepoints:
            asserted = " " + text("report.asserted", lang) if tp.asserted else ""
            out.append(
                f"| {_day(tp.date, lang)} | {_sum(tp, lang)} "
                f"| {_fmt(tp.change_from_baseline_pct, '%', lang)} "
                f"| {_fmt(tp.change_from_nadir_pct, '%', lang)} "
                f"| {_response(tp.target_response, lang)} "
                f"| {_response(tp.non_target_response, lang)} "
                f"| {lb['yes'] if tp.new_lesions else lb['no']} "
                f"| **{_response(tp.overall_response, lang)}**{asserted} |"
            )
        out += ["", f"{lb['best']}{c} **{said_text(rc.best_overall_response, lang) or '–'}**"]
        if _partial(rc):
            out += ["", text("report.partial_sum_note", lang)]
        if legend := _legend(rc, lang):
            out += ["", legend]
        out += [f"\n> ⚠ {w}" for w in rc.warnings]
    rows = [(m, k) for m, k in _kinetics(a) if k.points]
    if rows:
        out += ["", f"## {lb['kinetics']}", "",
                f"| {lb['marker']} | {lb['points']} | {lb['dt']} | {lb['ht']} | {lb['status']} |",
                "|---|---:|---:|---:|---|"]  # fmt: skip
        for m, k in rows:
            warn = (" — " + semicolon(lang).join(k.warning_text)) if k.warning_text else ""
            out.append(
                f"| {_marker(m, lang)} | {k.points} | {_fmt(k.doubling_time_days, lang=lang)} "
                f"| {_fmt(k.halving_time_days, lang=lang)} | {_trend(k, lang)}{warn} |"
            )
    out += ["", f"## {lb['options']}", ""]
    for rec in a.recommendations:
        out.append(
            f"- **{rec.title}** (`{rec.id}`, {text(f'priority.{rec.priority}', lang)}){c} "
            f"{rec.rationale} _[{', '.join(rec.sources)}]_"
        )
    out += ["", f"_{lb['disclaimer']} thyref {a.engine.version} · {a.engine.rules}_", ""]
    return "\n".join(out)
