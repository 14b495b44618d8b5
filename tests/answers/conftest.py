"""Shared fixtures for the answer-engine tests."""

from __future__ import annotations

import pytest

from thyref.answers import AnswerEngine


@pytest.fixture(scope="session")
def engine() -> AnswerEngine:
    return AnswerEngine.default()
