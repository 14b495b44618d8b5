"""Product text: every key exists in French and English, and placeholders are filled."""

from __future__ import annotations

import re

from thyref.domain.messages import catalogue, text
from thyref.domain.rules import load_rules


def test_french_and_english_have_the_same_keys() -> None:
    cat = catalogue()
    assert set(cat["fr"]) == set(cat["en"])


def test_same_placeholders_in_both_languages() -> None:
    cat = catalogue()
    for key, fr in cat["fr"].items():
        assert set(re.findall(r"{(\w+)}", fr)) == set(re.findall(r"{(\w+)}", cat["en"][key])), key


def test_every_option_has_a_title_and_summary_in_both_languages() -> None:
    for option_id in load_rules().options.sources:
        for lang in ("fr", "en"):
            assert text(f"title.{option_id}", lang) != f"title.{option_id}"
            assert text(f"summary.{option_id}", lang) != f"summary.{option_id}"
        assert text(f"title.{option_id}", "fr") != text(f"title.{option_id}", "en")


def test_conditional_sentence_is_appended_only_when_true() -> None:
    base = text("reason.local", "en", {"sites": "lung: P1", "why": "symptoms", "bone": False})
    with_bone = text("reason.local", "en", {"sites": "bone: B1", "why": "symptoms", "bone": True})
    assert "cementoplasty" not in base
    assert "cementoplasty" in with_bone


def test_unknown_placeholder_is_left_visible_not_crashing() -> None:
    assert "{sites}" in text("reason.local", "en", {})
