"""Readable reports of an assessment: rich text for a terminal, Markdown for documents."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from thyref.domain.assessment import Assessment
from thyref.domain.messages import Lang, text

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


def _fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:+.1f}{suffix}" if suffix == "%" else f"{value:g}{suffix}"
    return f"{value}{suffix}"


def _view(value: Any) -> Any:
    """Attribute access over the assessment's dictionaries (``a.refractory.status``)."""
    if isinstance(value, dict):
        return SimpleNamespace(**{k: _view(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_view(v) for v in value]
    return value


def _kinetics(a: Any) -> list[tuple[str, Any]]:
    return list(vars(a.kinetics).items())


def _other_definitions(a: Any, lang: Lang) -> list[str]:
    """One line per definition other than the primary: verdict, criteria, missing data."""
    out = []
    for d in getattr(a, "definitions", [])[1:]:
        line = f"{d.rule_set}: {text(f'status.{d.status}', lang)}"
        if d.criteria_met:
            line += f" ({', '.join(d.criteria_met)})"
        if d.missing_data:
            line += f" — {text('label.missing', lang)}: {', '.join(d.missing_data)}"
        out.append(line)
    return out


def render_rich(assessment: Assessment, lang: Lang) -> RenderableType:
    """A terminal report: status panel, RECIST table, markers, options."""
    a = _view(assessment.to_json())
    lb = _Labels(lang)
    r = a.refractory
    head = Text()
    head.append(f"{lb['status']}: ")
    head.append(text(f"status.{r.status}", lang), STATUS_STYLE.get(r.status, ""))
    head.append(f"  ·  {text(f'category.{r.category}', lang)}")
    if r.extent:
        head.append(f"  ·  {text(f'extent.{r.extent}', lang)}")
    head.append(f"\n{lb['criteria']}: {', '.join(r.criteria_met) or lb['none']}")
    for ev in r.evidence:
        head.append(f"\n  • {ev.criterion}: {ev.detail} [{', '.join(ev.sources)}]")
    if r.missing_data:
        head.append(f"\n{lb['missing']}:", "yellow")
        for m, label in zip(r.missing_data, r.missing_data_labels, strict=True):
            head.append(f"\n  • {label} ({m})", "yellow")
    for note in r.notes:
        head.append(f"\n{note}", "italic")
    for line in _other_definitions(a, lang):
        head.append(f"\n{lb['other_definition']}: {line}")
    head.append(
        f"\n{lb['rai']}: {a.rai.cumulative_gbq:g} GBq = {a.rai.cumulative_mci:g} mCi "
        f"({a.rai.administrations} {lb['administrations']})"
    )
    parts: list[RenderableType] = [Panel(head, title=f"{lb['case']} {a.case_id}")]
    if a.recist is not None:
        rc = a.recist
        table = Table(
            title=f"{lb['recist']} — {lb['baseline']} {rc.baseline_date}, "
            f"{lb['targets']}: {', '.join(rc.targets) or lb['none']} "
            f"({_fmt(rc.baseline_sum_mm)} mm)",
            title_justify="left",
        )
        for col in ("date", "sum", "base", "nadir", "target", "non_target", "new", "overall"):
            table.add_column(
                lb[col], justify="right" if col in ("sum", "base", "nadir") else "left"
            )
        for tp in rc.timepoints:
            overall = tp.overall_response + (" *" if tp.asserted else "")
            table.add_row(
                tp.date, _fmt(tp.sum_mm), _fmt(tp.change_from_baseline_pct, "%"),
                _fmt(tp.change_from_nadir_pct, "%"), tp.target_response or "–",
                tp.non_target_response or "–", lb["yes"] if tp.new_lesions else lb["no"],
                Text(overall, "bold red" if tp.overall_response == "PD" else "bold"),
            )  # fmt: skip
        table.caption = f"{lb['best']}: {rc.best_overall_response or '–'}"
        parts.append(table)
    kin = Table(title=lb["kinetics"], title_justify="left")
    for col in ("marker", "points", "dt", "ht", "status"):
        kin.add_column(lb[col])
    kin.add_column("r²")
    for marker, k in _kinetics(a):
        if k.points == 0:
            continue
        status = k.status + (f" ({k.band})" if k.band else "")
        if k.warning_text:
            status += " ⚠ " + "; ".join(k.warning_text)
        kin.add_row(
            marker, str(k.points), _fmt(k.doubling_time_days), _fmt(k.halving_time_days),
            status, _fmt(k.r2),
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
            f"{lb['disclaimer']}  thyref {a.engine.version} · {a.engine.rules} · {a.engine.as_of}",
            "dim",
        )
    )
    return Group(*parts)


def render_markdown(assessment: Assessment, lang: Lang) -> str:
    """The same report as Markdown (for case sheets and notes)."""
    a = _view(assessment.to_json())
    lb = _Labels(lang)
    r = a.refractory
    out = [f"# {lb['case']} {a.case_id}", ""]
    out.append(
        f"**{lb['status']}**: {text(f'status.{r.status}', lang)} · "
        f"{text(f'category.{r.category}', lang)}"
        + (f" · {text(f'extent.{r.extent}', lang)}" if r.extent else "")
    )
    out.append("")
    out.append(f"**{lb['criteria']}**: {', '.join(r.criteria_met) or lb['none']}")
    out.extend(f"- `{ev.criterion}`: {ev.detail} ({', '.join(ev.sources)})" for ev in r.evidence)
    if r.missing_data:
        out.append("")
        out.append(f"**{lb['missing']}**:")
        out.extend(
            f"- {label} (`{m}`)"
            for m, label in zip(r.missing_data, r.missing_data_labels, strict=True)
        )
    out.extend(["", *(f"_{n}_" for n in r.notes)])
    lines = _other_definitions(a, lang)
    out.extend(
        [*(f"**{lb['other_definition']}**: {line}  " for line in lines), *([""] if lines else [])]
    )
    out.append(
        f"**{lb['rai']}**: {a.rai.cumulative_gbq:g} GBq = {a.rai.cumulative_mci:g} mCi "
        f"({a.rai.administrations} {lb['administrations']})"
    )
    if a.recist is not None:
        rc = a.recist
        out += [
            "",
            f"## {lb['recist']}",
            "",
            f"{lb['baseline']}: {rc.baseline_date} · {lb['targets']}: "
            f"{', '.join(rc.targets) or lb['none']} · {_fmt(rc.baseline_sum_mm)} mm",
            "",
            f"| {lb['date']} | {lb['sum']} | {lb['base']} | {lb['nadir']} | {lb['target']} "
            f"| {lb['non_target']} | {lb['new']} | {lb['overall']} |",
            "|---|---:|---:|---:|---|---|---|---|",
        ]
        for tp in rc.timepoints:
            out.append(
                f"| {tp.date} | {_fmt(tp.sum_mm)} | {_fmt(tp.change_from_baseline_pct, '%')} "
                f"| {_fmt(tp.change_from_nadir_pct, '%')} | {tp.target_response or '–'} "
                f"| {tp.non_target_response or '–'} | {lb['yes'] if tp.new_lesions else lb['no']} "
                f"| **{tp.overall_response}**{' (asserted)' if tp.asserted else ''} |"
            )
        out += ["", f"{lb['best']}: **{rc.best_overall_response or '–'}**"]
    rows = [(m, k) for m, k in _kinetics(a) if k.points]
    if rows:
        out += ["", f"## {lb['kinetics']}", "",
                f"| {lb['marker']} | {lb['points']} | {lb['dt']} | {lb['ht']} | {lb['status']} |",
                "|---|---:|---:|---:|---|"]  # fmt: skip
        for m, k in rows:
            warn = (" — " + "; ".join(k.warning_text)) if k.warning_text else ""
            out.append(
                f"| {m} | {k.points} | {_fmt(k.doubling_time_days)} | {_fmt(k.halving_time_days)} "
                f"| {k.status}{warn} |"
            )
    out += ["", f"## {lb['options']}", ""]
    for rec in a.recommendations:
        out.append(
            f"- **{rec.title}** (`{rec.id}`, {text(f'priority.{rec.priority}', lang)}): "
            f"{rec.rationale} _[{', '.join(rec.sources)}]_"
        )
    out += ["", f"_{lb['disclaimer']} thyref {a.engine.version} · {a.engine.rules}_", ""]
    return "\n".join(out)
