"""A small case builder for the domain tests.

Every expected value in this suite is derived by hand from ../shared/spec (case-format.md
and clinical-rules.md), never read from the engine's output. The helpers only assemble
`thyref-case/1` dictionaries and call the public facade (`parse_case`, `assess`).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

Json = dict[str, Any]


@pytest.fixture(autouse=True)
def _fresh_caches_under_mutmut(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Under mutmut (`make mutation`), forget the cached rule sets, message catalogue and
    therapy table, and keep no cache file (``THYREF_CACHE_DIR`` empty).

    mutmut forks every mutant from a process that has already loaded them, and a cache
    file would be read instead of the data files; either way a mutant of the loaders
    would never run and would "survive" for no reason.
    """
    if os.environ.get("MUTANT_UNDER_TEST"):
        from thyref.domain import assessment, filecache, messages, rules, therapies

        monkeypatch.setenv(filecache.CACHE_ENV, "")
        rules._load.cache_clear()
        rules.load_definition.cache_clear()
        messages.catalogue.cache_clear()
        therapies._packaged.cache_clear()
        # the criterion sentences are cached by name, not by rule set: clear them too
        assessment._CRITERIA.clear()
        assessment._SUMMARIES.clear()
    yield


# Under mutmut, the order in which a mutant's tests run: the short, sharp files first
# (edge rows and the test_mutation_* files, pinned rule values), then the byte-for-byte
# golden outputs, then the rest, the slow property and start-up tests last. Only the time
# to the first failure changes: every selected test still runs on a surviving mutant.
_MUTANT_ORDER_FIRST = ("test_rules_pinned.py",)
_MUTANT_ORDER_SECOND = ("test_golden.py",)
_MUTANT_ORDER_LAST = ("test_properties.py", "test_cli_fast_path.py", "test_examples.py")


def _mutant_rank(item: pytest.Item) -> int:
    name = item.path.name
    slow = hasattr(getattr(item, "obj", None), "hypothesis")  # a property test
    if name in _MUTANT_ORDER_LAST or slow:
        return 4
    if name.endswith("_edges.py") or name.startswith("test_mutation_"):
        return 0
    if name in _MUTANT_ORDER_FIRST:
        return 1
    if name in _MUTANT_ORDER_SECOND:
        return 2
    return 3


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("MUTANT_UNDER_TEST"):
        items.sort(key=_mutant_rank)  # stable: the file order is kept within a rank


BASE_DIAGNOSIS_DATE = "2005-01-15"


def make_case(
    *,
    histology: str = "papillary",
    extent: str | None = None,
    diagnosis_date: str = BASE_DIAGNOSIS_DATE,
    **fields: Any,
) -> Json:
    """A minimal valid case; keyword arguments set (or, with None, remove) top-level fields.

    `histology` and `extent` go into `diagnosis`.
    """
    case: Json = {
        "format": "thyref-case/1",
        "id": "test-case",
        "diagnosis": {"histology": histology, "date": diagnosis_date},
    }
    if extent is not None:
        case["diagnosis"]["extent"] = extent
    for key, value in fields.items():
        if value is None:
            case.pop(key, None)
        else:
            case[key] = copy.deepcopy(value)
    return case


def lesion(lesion_id: str, site: str = "lung", uptake: str | None = None, **extra: Any) -> Json:
    """One `lesions[]` entry; `uptake` maps to `rai_uptake` (omitted when None)."""
    out: Json = {"id": lesion_id, "site": site}
    if uptake is not None:
        out["rai_uptake"] = uptake
    out.update(extra)
    return out


def scan(
    date: str,
    measurements: dict[str, float] | None = None,
    non_target: dict[str, str] | None = None,
    **extra: Any,
) -> Json:
    """One `imaging[]` timepoint."""
    out: Json = {"date": date}
    if measurements is not None:
        out["measurements"] = dict(measurements)
    if non_target is not None:
        out["non_target"] = dict(non_target)
    out.update(extra)
    return out


def rai(date: str, activity: float, unit: str = "mCi", **extra: Any) -> Json:
    """One I-131 administration."""
    return {"date": date, "activity": activity, "unit": unit, **extra}


def lab(date: str, test: str, value: float, unit: str, **extra: Any) -> Json:
    """One `labs[]` entry."""
    return {"date": date, "test": test, "value": value, "unit": unit, **extra}


def mol(gene: str, alteration: str, kind: str = "mutation", **extra: Any) -> Json:
    """One `molecular[]` entry (somatic, on the primary, unless overridden)."""
    return {
        "gene": gene,
        "alteration": alteration,
        "kind": kind,
        "origin": "somatic",
        "sample": "primary",
        "date": "2016-01-01",
        **extra,
    }


def run(case: Json, lang: str = "fr") -> Json:
    """parse_case + assess + to_json, through the public facade only."""
    from thyref.domain import assess, parse_case

    out = assess(parse_case(copy.deepcopy(case)), lang=lang).to_json()
    # the output is strict JSON: no NaN / Infinity, only JSON types
    json.dumps(out, allow_nan=False)
    return out


def series(case: Json) -> list[Json]:
    """The RECIST timepoints (follow-ups) of the assessment of `case`."""
    recist = run(case)["recist"]
    assert recist is not None
    return list(recist["timepoints"])


def rec_ids(out: Json) -> list[str]:
    return [r["id"] for r in out["recommendations"]]


def rec(out: Json, rec_id: str) -> Json | None:
    for r in out["recommendations"]:
        if r["id"] == rec_id:
            return r
    return None


def anaplastic_drugs(molecular: list[Json]) -> list[str]:
    """The drugs of the TARGETED-THERAPY option of an anaplastic case with these
    ``molecular[]`` results, in the option's order (none when the option is not listed)."""
    case = {
        "format": "thyref-case/1",
        "id": "mol",
        "diagnosis": {"histology": "anaplastic", "date": "2024-01-01"},
        "lesions": [{"id": "T1", "site": "thyroid_bed"}],
        "molecular": molecular,
    }
    found = rec(run(case), "TARGETED-THERAPY")
    return list(found["drugs"]) if found else []


def imaging_missing_case() -> Json:
    """An avid lesion (metastatic), one I-131 administration (2015-04-07) and imaging only
    before it: the imaging after the I-131 is missing."""
    return make_case(
        extent="metastatic",
        lesions=[lesion("L1", uptake="yes")],
        rai=[rai("2015-04-07", 100)],
        imaging=[scan("2014-03-01", {"L1": 13})],
    )


def rules_with_imaging_window(months: int | None) -> Any:
    """The shipped rules whose definition asks for imaging within ``months`` after the
    latest I-131 (None: at any time), changed in memory (nothing written)."""
    from thyref.domain.rules import load_rules

    shipped = load_rules()
    scope = [
        s.model_copy(
            update={"missing": [m.model_copy(update={"window_months": months}) for m in s.missing]}
        )
        for s in shipped.definition.scope
    ]
    definition = shipped.definition.model_copy(update={"scope": scope})
    return shipped.model_copy(update={"definition": definition})
