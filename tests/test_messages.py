"""Product text: every key exists in French and English, and placeholders are filled."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from thyref.domain import assess, parse_case
from thyref.domain.messages import catalogue, colon, plural, problem_text, text
from thyref.domain.rules import load_rules
from thyref.errors import CaseValidationError, Problem

_BASE: dict[str, object] = {
    "format": "thyref-case/1",
    "id": "msg",
    "diagnosis": {"histology": "papillary", "date": "2020-01-01"},
    "lesions": [{"id": "L1", "site": "lung"}],
}


def test_french_and_english_have_the_same_keys() -> None:
    cat = catalogue()
    assert sorted(set(cat["fr"]) - set(cat["en"])) == [], "keys without English"
    assert sorted(set(cat["en"]) - set(cat["fr"])) == [], "keys without French"


@pytest.mark.parametrize(
    ("fr", "en", "lacking"),
    [
        # a key only in French: said missing in English
        ('[fr]\n"a" = "un"\n"b" = "deux"\n[en]\n"a" = "one"\n', "", ["b"]),
        # a key only in English: said missing in French
        ('[fr]\n"a" = "un"\n[en]\n"a" = "one"\n"c" = "three"\n', "", ["c"]),
    ],
)
def test_a_key_in_one_language_only_is_found(
    monkeypatch: pytest.MonkeyPatch, fr: str, en: str, lacking: list[str]
) -> None:
    # the check above, run on a catalogue that lacks a key in one language, fails
    from thyref.domain import messages

    monkeypatch.setattr(messages, "catalogue", lambda: messages._merge([fr, en or "[fr]"]))
    monkeypatch.setattr(sys.modules[__name__], "catalogue", messages.catalogue)
    with pytest.raises(AssertionError):
        test_french_and_english_have_the_same_keys()
    cat = messages.catalogue()
    assert sorted(set(cat["fr"]) ^ set(cat["en"])) == lacking


def test_no_message_is_empty() -> None:
    for lang, table in catalogue().items():
        assert [k for k, v in table.items() if not v.strip()] == [], lang


# The command line's own words (cli.*, the cohort commands' errors, the demo table):
# French typography puts a no-break space before ":", ";", "!" and "?" (as punct.colon
# does), so that a line never starts with the mark. Places written "path:line:" and JSON
# shown as an example ({"q": ...}) are not sentences.
_CLI_PREFIXES = ("cli.", "cohort.error.", "cohort.run_done", "cohort.synth_done", "demo.")
_EXAMPLE = re.compile(r"\{\{.*?\}\}|\{path\}:\{line\}:")
_BARE_MARK = re.compile(r"(?:^|[^\u00a0\u202f])[:;!?](?= |$)|[ ][:;!?]")


def test_french_cli_messages_have_a_no_break_space_before_two_part_marks() -> None:
    fr = catalogue()["fr"]
    bad = {
        key: value
        for key, value in fr.items()
        if key.startswith(_CLI_PREFIXES) and _BARE_MARK.search(_EXAMPLE.sub("", value))
    }
    assert bad == {}


@pytest.mark.parametrize(
    ("value", "bare"),
    [
        ("{path} : fichier introuvable", True),  # a plain space before the colon
        ("{path}: fichier introuvable", True),  # no space at all
        ("un autre thyref ? choisir", True),  # a plain space before "?"
        ("{path}\u00a0: fichier introuvable", False),  # the no-break space
        ('{path}:{line}: un objet {{"q": "..."}} est attendu', False),  # place and example
        ("http://127.0.0.1:8000/", False),  # not a sentence mark
    ],
)
def test_the_typography_check_tells_bare_marks(value: str, bare: bool) -> None:
    assert bool(_BARE_MARK.search(_EXAMPLE.sub("", value))) is bare


# Output calls of the command line whose argument is written in the code rather than
# read from the catalogue: a string literal holding a word (two letters or more). None
# is allowed (the version line, once English only, is the catalogue's cli.version).
_OUTPUT_CALLS = {"echo", "write", "print", "_error", "_invalid", "getpass", "add_column"}
_ALLOWED: set[str] = set()


def _literal_words(node: ast.expr) -> str:
    """The text a string argument writes itself (f-string parts outside braces)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_words(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) + _literal_words(node.right)
    return ""


def _hardcoded_output(source: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in _OUTPUT_CALLS:
            continue
        for arg in node.args:
            # the program's name and rich's style tags ("[green]") are not words
            words = re.sub(r"\[/?[a-z ]+\]", "", _literal_words(arg).replace("thyref", ""))
            if re.search(r"[^\W\d_]{2}", words) and ast.unparse(arg).strip("f'\"") not in _ALLOWED:
                found.append(f"{node.lineno}: {ast.unparse(arg)}")
    return found


def test_cli_output_comes_from_the_catalogue() -> None:
    import thyref.cli

    folder = Path(thyref.cli.__file__).parent
    found = {m.name: _hardcoded_output(m.read_text(encoding="utf-8")) for m in folder.glob("*.py")}
    assert {name: lines for name, lines in found.items() if lines} == {}


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('typer.echo("error: the passwords differ", err=True)', 1),  # a sentence in code
        ('typer.echo(f"Loaded {n} demo cases.")', 1),  # words around a value
        ('sys.stderr.write(f"thyref: {said}\\n")', 0),  # the program's name and a value
        ('typer.echo(text("cli.user.added", lang, params))', 0),  # from the catalogue
    ],
)
def test_the_hardcoded_output_check_finds_sentences(source: str, found: int) -> None:
    assert len(_hardcoded_output(source)) == found


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


def _problems(case: dict[str, object]) -> list[Problem]:
    with pytest.raises(CaseValidationError) as caught:
        parse_case(case)
    return caught.value.problems


@pytest.mark.parametrize(
    ("case", "path", "french", "english"),
    [
        # a cross-field check of ours, with its parameter quoted
        (
            {**_BASE, "imaging": [{"date": "2020-02-01", "measurements": {"Z9": 3}}]},
            "imaging[0].measurements.Z9",
            "la lésion Z9 n'est pas déclarée dans les lésions",
            "lesion Z9 is not declared in lesions",
        ),
        # a structural error found by pydantic (missing field)
        (
            {k: v for k, v in _BASE.items() if k != "diagnosis"},
            "diagnosis",
            "champ obligatoire manquant",
            "required field is missing",
        ),
        # a pydantic bound, with the bound quoted
        (
            {**_BASE, "rai": [{"date": "2020-01-01", "activity": 0, "unit": "mCi"}]},
            "rai[0].activity",
            "doit être supérieur à 0",
            "must be greater than 0",
        ),
    ],
)
def test_problems_are_said_in_both_languages(
    case: dict[str, object], path: str, french: str, english: str
) -> None:
    found = {p.path: p for p in _problems(case)}
    assert problem_text(found[path], "fr").startswith(french)
    assert problem_text(found[path], "en").startswith(english)


def test_a_problem_without_translation_keeps_its_message() -> None:
    problem = Problem("x", "something odd", "no_such_code")
    assert problem_text(problem, "fr") == "something odd"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # sites in French
        ("fr", "Lésions sans fixation de l'iode 131\u00a0: L1 (poumon), B1 (os)."),
        ("en", "Lesions with no I-131 uptake: L1 (lung), B1 (bone)."),  # and in English
    ],
)
def test_vocabulary_inside_a_sentence_follows_the_language(lang: str, expected: str) -> None:
    case = {
        **_BASE,
        "lesions": [
            {"id": "L1", "site": "lung", "rai_uptake": "no"},
            {"id": "B1", "site": "bone", "rai_uptake": "no"},
        ],
        # DTC-NO-UPTAKE needs one I-131 administration (clinical-rules.md section 1)
        "rai": [{"date": "2020-02-01", "activity": 100, "unit": "mCi"}],
    }
    evidence = assess(parse_case(case), lang).refractory["evidence"]  # type: ignore[arg-type]
    assert evidence[0]["detail"] == expected


def test_every_site_has_a_name_in_both_languages() -> None:
    from thyref.domain.case import Site

    for site in Site:
        assert text(f"site.{site}", "fr") != f"site.{site}"
        assert text(f"site.{site}", "en") != f"site.{site}"


def test_one_catalogue_for_engine_pages_and_reports() -> None:
    """The web's and the CLI's words come from the same loader as the engine's."""
    from thyref.domain.messages import CATALOGUE_FILES

    cat = catalogue()
    assert "messages-ui.toml" in CATALOGUE_FILES
    assert "web.case.glance" in cat["fr"] and "title.RCP-NATIONAL" in cat["fr"]
    assert "demo.title" in cat["en"] and "vocab.response.SD" in cat["en"]


def test_every_key_a_template_names_exists() -> None:
    from pathlib import Path

    import thyref.web

    folder = Path(thyref.web.__file__).parent / "templates"
    named: set[str] = set()
    for template in folder.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        named |= {f"web.{k}" for k in re.findall(r"\bt\(['\"]([a-z_.]*[a-z_])['\"]", source)}
        for key in re.findall(r"t\.plural\(['\"]([a-z_.]+)['\"]", source):
            named |= {f"web.{key}.one", f"web.{key}.other"}
        # the meeting pages' board sentences: b("key") and, with a count, bn("key", n)
        # (b("web.error_" ~ code) builds its key: left out)
        named |= {
            f"board.{k}" for k in re.findall(r"\bb\(['\"]([a-z_.]*[a-z_])['\"]\s*[,)]", source)
        }
        for key in re.findall(r"\bbn\(['\"]([a-z_.]+)['\"]", source):
            named |= {f"board.{key}.one", f"board.{key}.other"}
    assert len(named) > 100
    for lang in ("fr", "en"):
        missing = sorted(k for k in named if k not in catalogue()[lang])
        assert not missing, (lang, missing)


@pytest.mark.parametrize(
    ("vocabulary", "values"),
    [
        ("response", ("CR", "PR", "SD", "PD", "NE", "NON_CR_NON_PD")),  # RECIST responses
        ("extent", ("locoregional", "locally_advanced", "metastatic")),  # disease extent
        ("band", ("lt_1y", "1y_to_3y", "ge_3y", "lt_6m", "6m_to_24m", "gt_24m")),  # rules bands
        ("test", ("thyroglobulin", "tg_antibodies", "tsh", "calcitonin", "cea")),  # lab tests
    ],
)
def test_every_code_has_a_word_in_both_languages(vocabulary: str, values: tuple[str, ...]) -> None:
    for value in values:
        for lang in ("fr", "en"):
            assert f"vocab.{vocabulary}.{value}" in catalogue()[lang], (vocabulary, value, lang)


def test_doubling_bands_of_the_rules_have_words() -> None:
    bands = load_rules().kinetics.bands
    for label in [*bands.thyroglobulin.labels, *bands.mtc.labels]:
        assert text(f"vocab.band.{label}", "fr") != text(f"vocab.band.{label}", "en")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Objectif\u00a0: TSH"),  # French: a no-break space before the colon
        ("en", "Target: TSH"),  # English: none
    ],
)
def test_colons_follow_the_language(lang: str, expected: str) -> None:
    assert text("summary.TSH-SUPPRESSION", lang, {"target": "0.1"}).startswith(expected)
    # the mark alone, for "label{colon} value": a no-break space before it in French
    assert colon(lang) == ("\u00a0:" if lang == "fr" else ":")
    assert colon(lang) + " " == text("punct.colon", lang)


@pytest.mark.parametrize(
    ("n", "lang", "said"),
    [
        (0, "fr", "0 lot"),  # CLDR French: 0 takes the singular ("one": i = 0,1)
        (1, "fr", "1 lot"),  # 1: singular
        (2, "fr", "2 lots"),  # 2: plural
        (1200, "fr", "1\u202f200 lots"),  # plural, thousands grouped the French way
        (0, "en", "0 chunks"),  # CLDR English: 0 takes the plural ("one": i = 1)
        (1, "en", "1 chunk"),  # 1: singular
        (1200, "en", "1,200 chunks"),  # plural, grouped with a comma
    ],
)
def test_plural_follows_the_cldr_rules(n: int, lang: str, said: str) -> None:
    assert plural("cohort.count.chunks", n, lang) == said  # type: ignore[arg-type]


# A plural hedged in parentheses ("lésion(s)", "cervical(aux)", "fixe(nt)", "do(es)"):
# the sentence is said with its count instead, by the forms ``key.one`` / ``key.other``
# (``plural``, or ``text`` with the count ``n`` among its values). Also the patient
# answers' fixed texts.
_HEDGED = re.compile(r"[^\W\d_]\((?:s|es|x|e|nt|aux|le|ne)\)")
# (key, what it contains): why the parentheses stay
_HEDGE_ALLOWED = {
    ("settings.not_url", "http(s)"): "the URL schemes http and https, not a plural",
}


def _hedged(value: str) -> list[str]:
    return [m.group(0) for m in _HEDGED.finditer(value)]


def _answer_texts() -> dict[str, str]:
    """The patient answers' fixed texts (``answers/kb/messages.toml``), by table and lang."""
    import tomllib

    import thyref.answers

    path = Path(thyref.answers.__file__).parent / "kb" / "messages.toml"
    tables = tomllib.loads(path.read_text(encoding="utf-8"))
    return {f"{key}.{lang}": said for key, by in tables.items() for lang, said in by.items()}


def test_no_catalogue_entry_hedges_a_plural() -> None:
    found = {
        (lang, key, hedge)
        for lang, table in catalogue().items()
        for key, value in table.items()
        for hedge in _hedged(value)
        if not any(key == k and hedge in allowed for k, allowed in _HEDGE_ALLOWED)
    }
    found |= {("kb", key, hedge) for key, v in _answer_texts().items() for hedge in _hedged(v)}
    assert sorted(found) == []


def test_every_allowed_hedge_is_still_there() -> None:
    # an exception no longer needed is taken out of the table
    for key, allowed in _HEDGE_ALLOWED:
        for lang in ("fr", "en"):
            assert allowed in catalogue()[lang][key], (lang, key)


@pytest.mark.parametrize(
    ("value", "hedges"),
    [
        ("Lésion(s) sans fixation : {lesions}", ["n(s)"]),  # the plural s in parentheses
        ("Ganglion(s) cervical(aux)", ["n(s)", "l(aux)"]),  # and a French -aux plural
        ("{cold} ne fixe(nt) pas", ["e(nt)"]),  # a verb's plural ending
        ("{avid} do(es)", ["o(es)"]),  # an English one
        ("déclaré(e)s", ["é(e)"]),  # a feminine plural
        ("Lésions sans fixation : {lesions}", []),  # a proper plural
        ("activité cumulée (GBq)", []),  # a unit in parentheses, after a space
        ("{n} administration(s) en 2020 (3)", ["n(s)"]),  # a number in parentheses is fine
    ],
)
def test_the_hedge_check_finds_plurals_in_parentheses(value: str, hedges: list[str]) -> None:
    assert _hedged(value) == hedges
