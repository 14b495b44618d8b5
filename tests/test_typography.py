"""French typography (docs/texts.md): a no-break space (U+00A0) before ":", ";", "?", "!"
and "»", and after "«", in every French sentence, so that a narrow page never starts a
line with the mark.

``scripts/french_typography.py`` finds (``--check``) and writes (``--fix``) them in the
files. The tests here also read the texts the way the program does (the merged catalogue,
the knowledge base, the therapy file), so that a sentence written in a form the script's
reading of the files misses is still caught.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from thyref.answers.kb import load_knowledge_base
from thyref.domain.messages import catalogue
from thyref.domain.therapies import load_therapies

ROOT = Path(__file__).resolve().parent.parent
NB = "\u00a0"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "french_typography", ROOT / "scripts" / "french_typography.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ft = _script()
FIX = "run: .venv/bin/python scripts/french_typography.py --fix"


# ------------------------------------------------------------------ the product's text


def test_the_french_files_need_no_fix() -> None:
    assert [
        f"{f.path.relative_to(ROOT)}:{f.line}: {f.excerpt}" for f in ft.scan(ROOT, False)
    ] == [], FIX


def test_every_french_sentence_of_the_catalogue_has_its_no_break_spaces() -> None:
    bad = {key: value for key, value in catalogue()["fr"].items() if ft.offences(value)}
    assert bad == {}, FIX


def _answer_texts() -> dict[str, str]:
    """Every French text of the patient answers, as shown (placeholders rendered)."""
    kb = load_knowledge_base()
    texts: dict[str, str] = {}
    for tid, by_lang in kb.topics.items():
        texts[f"topic {tid} title"] = by_lang["fr"].title
        texts[f"topic {tid} body"] = by_lang["fr"].body
    for term in kb.glossary:
        texts[f"glossary {term.id} term"] = term.entries["fr"].term
        texts[f"glossary {term.id} definition"] = term.entries["fr"].definition
    for key, by_lang in kb.messages.items():
        texts[f"message {key}"] = by_lang["fr"]
    for group in kb.groups:
        texts[f"group {group.id}"] = group.titles["fr"]
    texts["emergency message"] = kb.emergency["message"]["fr"]
    for drug in load_therapies().values():
        for ind in drug.indications.values():
            texts[f"therapy {drug.id} {ind.indication}"] = ind.scope["fr"]
    return texts


def test_every_french_answer_text_has_its_no_break_spaces() -> None:
    bad = {where: value for where, value in _answer_texts().items() if ft.offences(value)}
    assert bad == {}, FIX


def test_the_source_titles_quote_with_no_break_spaces_inside_guillemets() -> None:
    # the titles are in their own language (French ones quote with « »), so only the
    # guillemets are French for sure
    titles = {k: v["title"] for k, v in load_knowledge_base().sources.items()}
    bad = {k: v for k, v in titles.items() if ft.offences(v, guillemets_only=True)}
    assert bad == {}, FIX


# ------------------------------------------------------------------ the script's rule

# (text as written, text after --fix) in plain text (a decoded value, a Markdown line)
EDGE_CASES = [
    ("Objectif : TSH", f"Objectif{NB}: TSH"),  # a plain space before ":"
    ("une option ; une autre", f"une option{NB}; une autre"),  # before ";"
    ("Est-ce grave ?", f"Est-ce grave{NB}?"),  # before "?" at the end
    ("Attention !", f"Attention{NB}!"),  # before "!"
    ("« rien »", f"«{NB}rien{NB}»"),  # inside guillemets, both sides
    ("« Pourquoi ? »", f"«{NB}Pourquoi{NB}?{NB}»"),  # a question quoted
    ("Note  : lire", f"Note{NB}: lire"),  # two spaces: one no-break space
    ("Note\u202f: lire", f"Note{NB}: lire"),  # a narrow no-break space: the one convention
    (f"Note{NB}: lire", f"Note{NB}: lire"),  # already right: unchanged
    (" : suite", f"{NB}: suite"),  # a piece joined after another one's word
    ("**Attention :** lire", f"**Attention{NB}:** lire"),  # Markdown emphasis after the mark
    ("l'iode 131 : {lesions}", f"l'iode 131{NB}: {{lesions}}"),  # a number, then words
    ("le rendez-vous de 10:30", "le rendez-vous de 10:30"),  # a time, glued
    ("selon ATA2015:R91", "selon ATA2015:R91"),  # a rule code, glued
    ("{path}:{line}: ce n'est pas du JSON", "{path}:{line}: ce n'est pas du JSON"),  # a place
    ("sqlite:///./var/thyref.db", "sqlite:///./var/thyref.db"),  # a database URL
    ("http://127.0.0.1:8000/?lang=fr", "http://127.0.0.1:8000/?lang=fr"),  # a web address
    ("voir https://a.fr/x?b=c !", f"voir https://a.fr/x?b=c{NB}!"),  # the URL, not the "!"
    ("une dilution 1:10", "une dilution 1:10"),  # a ratio, glued
    ("iode 131 : 7,4 GBq", f"iode 131{NB}: 7,4 GBq"),  # numbers both sides, filled in
    ('un objet {{"q" : "..."}} attendu', 'un objet {{"q" : "..."}} attendu'),  # JSON example
    ("valeur {x : >5} ici", "valeur {x : >5} ici"),  # a format placeholder's spec
    ("{% if a ; b %}", "{% if a ; b %}"),  # a Jinja statement
    ("la commande `a : b`", "la commande `a : b`"),  # inline code
    ("voir la règle :R91", "voir la règle :R91"),  # glued to what follows: no sentence mark
    ("une image ![plan](p.png)", "une image ![plan](p.png)"),  # Markdown image syntax
    ("«rien»", "«rien»"),  # glued guillemets: nothing to replace (no space is added)
]


@pytest.mark.parametrize(("text", "after"), EDGE_CASES)
def test_the_script_fixes_what_is_french_punctuation_and_nothing_else(
    text: str, after: str
) -> None:
    assert ft.fixed(text) == after
    assert ft.offences(after) == []  # what --fix writes passes --check
    assert ft.fixed(after) == after  # a second --fix changes nothing


# the same in the source of a TOML string, whose no-break space is the "\u00a0" escape
TOML_CASES = [
    ("Objectif : TSH", "Objectif\\u00a0: TSH"),  # a plain space: the escape
    ("Objectif\\u00a0: TSH", "Objectif\\u00a0: TSH"),  # the escape already: unchanged
    (f"Objectif{NB}: TSH", "Objectif\\u00a0: TSH"),  # the invisible character: the escape
    ("Objectif\\u202f: TSH", "Objectif\\u00a0: TSH"),  # a narrow one: the convention
    ("Objectif\\u00A0: TSH", "Objectif\\u00a0: TSH"),  # upper-case escape: one spelling
    ('un {{\\"q\\" : 1}} ; fin', 'un {{\\"q\\" : 1}}\\u00a0; fin'),  # escaped JSON example
]


@pytest.mark.parametrize(("source", "after"), TOML_CASES)
def test_in_toml_the_no_break_space_is_written_as_its_escape(source: str, after: str) -> None:
    assert ft.fixed(source, toml=True) == after
    assert ft.fixed(after, toml=True) == after


def test_a_source_title_gets_its_guillemets_only() -> None:
    # a title may be English ("Thyroid : a review" is not ours to respace)
    assert ft.fixed("Webconférence « Cancers » : Q", guillemets_only=True) == (
        f"Webconférence «{NB}Cancers{NB}» : Q"
    )


# ------------------------------------------------------------------ the files it reads

_FILES = {
    "src/thyref/data/messages.toml": (
        "# Note : a comment is not read\n"
        "[fr]\n"
        '"a.title" = "Objectif : TSH"\n'  # line 3: fixed
        '"a.place" = "{path}:{line}: ligne"\n'
        '"a.done" = "Fait\\u00a0!"\n'
        '"odd : key" = "Oui"\n'  # a key is not text, whatever it holds
        "\n"
        "[en]\n"
        '"a.title" = "Target : TSH"\n'  # English: never read
    ),
    "src/thyref/data/messages-ui.toml": '[fr]\n"web.x" = "Oui ?"\n[en]\n"web.x" = "Yes ?"\n',
    "src/thyref/answers/kb/glossary.toml": (
        "[rcp]\n"
        'fr = { term = "RCP", definition = "Réunion : plusieurs spécialistes" }\n'
        'en = { term = "RCP", definition = "Meeting : several" }\n'
        'aliases_fr = ["RCP ?"]\n'
    ),
    "src/thyref/answers/kb/sources.toml": (
        '[SEED]\ntitle = "Webconférence « Cancers » : questions"\nurl = "https://a.fr/"\n'
    ),
    "src/thyref/answers/kb/topics/t.fr.md": (
        '+++\nid = "t"\ntitle = "Combien de cures ?"\nquestions = ["combien de cures ?"]\n+++\n'
        "Réponse : oui.\n\n```\ncode : gardé\n```\n"
    ),
    "src/thyref/answers/kb/topics/t.en.md": (
        '+++\nid = "t"\ntitle = "How many ?"\nquestions = ["how many ?"]\n+++\nAnswer : yes.\n'
    ),
}
_AFTER = {
    "src/thyref/data/messages.toml": _FILES["src/thyref/data/messages.toml"].replace(
        '"Objectif : TSH"', '"Objectif\\u00a0: TSH"'
    ),
    "src/thyref/data/messages-ui.toml": '[fr]\n"web.x" = "Oui\\u00a0?"\n[en]\n"web.x" = "Yes ?"\n',
    "src/thyref/answers/kb/glossary.toml": _FILES["src/thyref/answers/kb/glossary.toml"].replace(
        "Réunion :", "Réunion\\u00a0:"
    ),
    "src/thyref/answers/kb/sources.toml": _FILES["src/thyref/answers/kb/sources.toml"].replace(
        "« Cancers »", "«\\u00a0Cancers\\u00a0»"
    ),
    "src/thyref/answers/kb/topics/t.fr.md": _FILES["src/thyref/answers/kb/topics/t.fr.md"]
    .replace('"Combien de cures ?"', '"Combien de cures\\u00a0?"')
    .replace("Réponse :", f"Réponse{NB}:"),
    "src/thyref/answers/kb/topics/t.en.md": _FILES["src/thyref/answers/kb/topics/t.en.md"],
}


def _tree(root: Path) -> dict[str, str]:
    return {name: (root / name).read_text(encoding="utf-8") for name in _FILES}


def test_check_lists_the_french_lines_and_fix_rewrites_only_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, content in _FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    assert ft.main(["--check", "--root", str(tmp_path)]) == 1
    listed = [line.split(" ")[0] for line in capsys.readouterr().out.splitlines()[:-1]]
    assert listed == [
        "src/thyref/answers/kb/glossary.toml:2:",  # the French definition
        "src/thyref/answers/kb/sources.toml:2:",  # the guillemets (not the " :")
        "src/thyref/answers/kb/topics/t.fr.md:3:",  # the title (not the questions)
        "src/thyref/answers/kb/topics/t.fr.md:6:",  # the body (not the code block)
        "src/thyref/data/messages-ui.toml:2:",
        "src/thyref/data/messages.toml:3:",  # not the comment, the place or English
    ]
    assert _tree(tmp_path) == _FILES  # --check writes nothing
    assert ft.main(["--fix", "--root", str(tmp_path)]) == 0
    assert _tree(tmp_path) == _AFTER
    capsys.readouterr()
    assert ft.main(["--check", "--root", str(tmp_path)]) == 0
    assert ft.main(["--fix", "--root", str(tmp_path)]) == 0  # idempotent
    assert _tree(tmp_path) == _AFTER


_FAILING_TEST = """import pytest


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Objectif : TSH"),  # line 7: the French expected text
        ("en", "Target: TSH"),
    ],
)
def test_target(lang: str, said: str) -> None:
    assert f"{lang} : {{x}}" and r"brut : gardé" and "ok"


def test_other() -> None:
    assert "Autre : pas nommé"
"""


def test_fix_test_literals_rewrites_the_french_literals_of_the_named_tests_only(
    tmp_path: Path,
) -> None:
    (tmp_path / "tests").mkdir()
    test_file = tmp_path / "tests" / "test_x.py"
    test_file.write_text(_FAILING_TEST, encoding="utf-8")
    report = "FAILED tests/test_x.py::test_target[fr-Objectif : TSH] - AssertionError\n"
    changes = ft.fix_test_literals(report, tmp_path)
    assert changes == [
        'tests/test_x.py:12: f"{lang} : {{x}}" -> f"{lang}\\u00a0: {{x}}"',  # an f-string
        'tests/test_x.py:7: "Objectif : TSH" -> "Objectif\\u00a0: TSH"',  # the table row
    ]
    expected = _FAILING_TEST.replace('"Objectif : TSH"', '"Objectif\\u00a0: TSH"')
    expected = expected.replace('f"{lang} : {{x}}"', 'f"{lang}\\u00a0: {{x}}"')
    # the raw string, the English row and the test not named are left alone
    assert test_file.read_text(encoding="utf-8") == expected
    # a range line reaches a table outside the failing function
    assert ft.fix_test_literals("tests/test_x.py:15-16\n", tmp_path) == [
        'tests/test_x.py:16: "Autre : pas nommé" -> "Autre\\u00a0: pas nommé"'
    ]
