"""Emergency guard: questions describing an emergency first get the 15 / 112 advice."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from thyref.answers.text import Lang, normalised


@dataclass(frozen=True)
class EmergencyGuard:
    patterns: re.Pattern[str]
    ignore: re.Pattern[str] | None
    messages: Mapping[Lang, str]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> EmergencyGuard:
        ignore = list(config.get("ignore", ()))
        return cls(
            patterns=re.compile("|".join(f"(?:{p})" for p in config["patterns"])),
            ignore=re.compile("|".join(f"(?:{p})" for p in ignore)) if ignore else None,
            messages={"fr": config["message"]["fr"], "en": config["message"]["en"]},
        )

    def is_emergency(self, question: str) -> bool:
        text = normalised(question)
        if self.ignore is not None:
            text = self.ignore.sub(" ", text)
        return self.patterns.search(text) is not None

    def message(self, lang: Lang) -> str:
        return self.messages[lang]
