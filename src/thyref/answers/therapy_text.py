"""Therapy facts in answer texts: `{{therapy:<id>}}` placeholders rendered at load time.

A topic text says, for instance, "{{therapy:selpercatinib}}" where it names that drug; the
knowledge base replaces it with the drug's name, brands and EU status per indication, read
from `thyref/data/therapies.toml` (with the date the status was checked, and a request to
confirm it with the care team when the data file marks it unverified, and a word that it
may have changed, to be asked of the care team, once that date is more than
`status_current_years` years, the file's header, before the day the answers are read). So
the answers and the engine's options read the same facts. `{{therapy:<id>:<indication>}}`
keeps one indication only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from thyref.answers.text import Lang
from thyref.domain.messages import semicolon, text
from thyref.domain.therapies import IndicationStatus, Therapy, may_have_changed

PLACEHOLDER = re.compile(r"\{\{therapy:([a-z0-9-]+)(?::([a-z-]+))?\}\}")


class TherapyPlaceholderError(ValueError):
    """A placeholder names a drug or an indication the therapy file does not have."""


def _date(d: date, lang: Lang) -> str:
    return d.strftime("%d/%m/%Y") if lang == "fr" else d.isoformat()


def _checked(
    ind: IndicationStatus, lang: Lang, messages: Mapping[str, Mapping[Lang, str]], today: date
) -> str:
    key = "therapy_checked_verified" if ind.verified else "therapy_checked_unverified"
    if may_have_changed(ind, today):
        key += "_changed"
    return messages[key][lang].format(date=_date(ind.checked, lang))


def _status(ind: IndicationStatus, lang: Lang, messages: Mapping[str, Mapping[Lang, str]]) -> str:
    since = messages["therapy_since"][lang].format(year=ind.since) if ind.since else ""
    template = messages[f"therapy_status_{ind.status}"][lang]
    return template.format(since=since, scope=ind.scope[lang])


def therapy_sentence(
    therapy: Therapy,
    lang: Lang,
    messages: Mapping[str, Mapping[Lang, str]],
    indication: str | None = None,
    today: date | None = None,
) -> str:
    """`**name** (brands): status per indication (checked ...)` in `lang`, as read on
    ``today`` (default: the real today)."""
    today = today or date.today()
    if indication is not None and indication not in therapy.indications:
        raise TherapyPlaceholderError(f"{therapy.id}: no indication {indication!r}")
    inds = [therapy.indications[indication]] if indication else list(therapy.indications.values())
    brands = f" ({', '.join(therapy.brands)})" if therapy.brands else ""
    colon = text("punct.colon", lang)
    checks = {(i.checked, i.verified) for i in inds}
    if len(checks) == 1:
        parts = [_status(i, lang, messages) for i in inds]
        tail = f" ({_checked(inds[0], lang, messages, today)})"
    else:
        parts = [
            f"{_status(i, lang, messages)} ({_checked(i, lang, messages, today)})" for i in inds
        ]
        tail = ""
    sep = semicolon(lang)
    return f"**{therapy.name}**{brands}{colon}" + sep.join(parts) + tail


def render_therapies(
    body: str,
    lang: Lang,
    therapies: Mapping[str, Therapy],
    messages: Mapping[str, Mapping[Lang, str]],
    today: date | None = None,
) -> str:
    """`body` with every `{{therapy:...}}` placeholder replaced by its sentence."""

    def replace(m: re.Match[str]) -> str:
        therapy = therapies.get(m.group(1))
        if therapy is None:
            raise TherapyPlaceholderError(f"unknown therapy {m.group(1)!r}")
        return therapy_sentence(therapy, lang, messages, m.group(2), today)

    return PLACEHOLDER.sub(replace, body)


def therapy_names(body: str, therapies: Mapping[str, Therapy]) -> str:
    """`body` with every placeholder replaced by the drug's name and brands only."""

    def replace(m: re.Match[str]) -> str:
        therapy = therapies.get(m.group(1))
        if therapy is None:
            raise TherapyPlaceholderError(f"unknown therapy {m.group(1)!r}")
        return " ".join([therapy.name, *therapy.brands])

    return PLACEHOLDER.sub(replace, body)
