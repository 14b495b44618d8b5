"""The `thyref ask` and `thyref faq` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from frenchmarks import cut_marks
from thyref.answers import AnswerEngine
from thyref.cli.ask_commands import register

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app holding the patient-question commands."""

    register(app)
    return app


runner = CliRunner()


def test_batch_json_lines(app: typer.Typer, tmp_path: Path) -> None:
    questions = [
        "combien de cures d'iode max ?",  # French, on topic
        "What is stereotactic radiotherapy?",  # English, on topic
        "quelle est la recette des crêpes ?",  # off topic
    ]
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps({"q": q}) for q in questions) + "\n\n")
    result = runner.invoke(app, ["ask", "--batch", str(batch), "--format", "json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(lines) == 3
    for q, line in zip(questions, lines, strict=True):
        assert {"q", "lang", "topic", "related", "score"} <= set(line)
        assert line["q"] == q
        assert isinstance(line["related"], list) and isinstance(line["score"], float)
    assert [x["lang"] for x in lines] == ["fr", "en", "fr"]
    assert [x["topic"] for x in lines] == ["rai-how-many", "stereotactic-radiotherapy", None]


@pytest.mark.parametrize(
    ("content", "fr", "en"),
    [
        # broken line
        ("not json\n", "q.jsonl:1: ce n'est pas du JSON", "q.jsonl:1: not JSON"),
        # wrong key
        ('{"question": "x"}\n', 'q.jsonl:1: un objet {"q": "question"}', "q.jsonl:1: expected"),
        # second line of the wrong type
        ('{"q": "ok"}\n{"q": 3}\n', "q.jsonl:2: un objet", "q.jsonl:2: expected"),
        # unsupported language
        ('{"q": "ok", "lang": "de"}\n', "lang doit valoir fr ou en", "lang must be fr or en"),
    ],
)
def test_batch_rejects_bad_lines(
    app: typer.Typer, tmp_path: Path, content: str, fr: str, en: str
) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text(content)
    # French unless --lang says otherwise, as every command
    for extra, message in (([], fr), (["--lang", "en"], en)):
        args = ["ask", "--batch", str(batch), "--format", "json", *extra]
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert message in result.stderr
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "donner soit une question, soit --batch FICHIER"),  # nothing to answer
        (["  "], "la question est vide"),  # a blank question
        (["  ", "--lang", "en"], "the question is empty"),
        (["--batch", "NOPE"], "nope.jsonl\u00a0: fichier introuvable"),  # a batch file missing
    ],
)
def test_ask_refuses_bad_input_in_its_language(
    app: typer.Typer, tmp_path: Path, args: list[str], said: str
) -> None:
    args = [str(tmp_path / "nope.jsonl") if a == "NOPE" else a for a in args]
    result = runner.invoke(app, ["ask", *args])
    assert result.exit_code == 2, result.output
    assert said in result.stderr


def test_ask_text(app: typer.Typer) -> None:
    result = runner.invoke(app, ["ask", "Qu'est-ce que le syndrome main-pied ?"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Qu'est-ce que le syndrome main-pied\u00a0?")
    assert "équipe soignante" in result.stdout
    # French typography: a no-break space before the colon
    assert "Sources\u00a0: SEED" in result.stdout


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        # fr, a no-break space before the colon
        ("Qu'est-ce que le syndrome main-pied ?", ["Glossaire", "Sources\u00a0:"]),
        ("What is hand-foot syndrome?", ["Glossary", "Sources: "]),  # en
    ],
)
def test_ask_text_has_no_raw_markdown(app: typer.Typer, question: str, labels: list[str]) -> None:
    # issue 10: the terminal shows the answer, not its Markdown source
    result = runner.invoke(app, ["ask", question])
    assert result.exit_code == 0
    out = result.stdout
    assert "**" not in out and "# " not in out
    assert not any(line.startswith("- ") for line in out.splitlines())
    assert "•" in out  # lists rendered as bullets
    for label in labels:
        assert label in out
    assert all(line == line.rstrip() for line in out.splitlines())


def test_ask_json(app: typer.Typer) -> None:
    result = runner.invoke(app, ["ask", "what is TuThyRef?", "--format", "json", "--lang", "fr"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["topic"] == "tuthyref-network" and data["lang"] == "fr"
    assert data["body_markdown"].endswith(data["care_team_reminder"])


def test_ask_emergency_text_comes_first(app: typer.Typer) -> None:
    result = runner.invoke(app, ["ask", "I have chest pain and can't breathe"])
    assert result.exit_code == 0
    assert result.stdout.startswith("!! EMERGENCY !!")
    assert "112" in result.stdout


def test_ask_emergency_gives_no_topic(app: typer.Typer, tmp_path: Path) -> None:
    # the emergency advice and the care-team reminder only, no topic answer after it
    q = "pressure in my chest and sweating right now, on cabozantinib"
    result = runner.invoke(app, ["ask", q])
    assert result.exit_code == 0
    assert result.stdout.startswith("!! EMERGENCY !!")
    assert "care team" in result.stdout and "Related questions" not in result.stdout
    # the sources of its numbers, as a topic answer names its own (session 15)
    assert "Sources: EMERGENCY_NUMBERS_FR, PREVENTION_SUICIDE_3114" in result.stdout
    data = json.loads(runner.invoke(app, ["ask", q, "--format", "json"]).stdout)
    assert data["emergency"] and data["topic"] is None and data["related"] == []
    assert data["sources"] == ["EMERGENCY_NUMBERS_FR", "PREVENTION_SUICIDE_3114"]
    # the batch says the same
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"q": q}) + "\n", encoding="utf-8")
    out = runner.invoke(app, ["ask", "--batch", str(batch), "--format", "json"])
    row = json.loads(out.stdout)
    assert row["emergency"] and row["topic"] is None and row["related"] == []


@pytest.mark.parametrize(
    "args",
    [
        ["ask"],  # neither question nor batch
        ["ask", "x", "--batch", "f.jsonl"],  # both
        ["ask", "   "],  # blank question
        ["ask", "x", "--lang", "de"],  # unsupported language
    ],
)
def test_ask_usage_errors(app: typer.Typer, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2


def test_faq_eval_prints_engine_and_baseline(app: typer.Typer, tmp_path: Path) -> None:
    rows = [
        {"q": "combien de cures d'iode max ?", "topic": "rai-how-many"},
        {
            "q": "Nexavar : faut-il un essai clinique pour l'avoir ?",
            "topic": "targeted-therapy-access",
        },
        {"q": "quel temps fera-t-il demain ?", "topic": None},
    ]
    f = tmp_path / "labelled.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    result = runner.invoke(app, ["faq", "eval", str(f), "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "top-1" in lines[0] and "top-3" in lines[0] and "abstention" in lines[0]
    engine_row = lines[1].split()
    assert engine_row[0] == "engine"
    assert [float(x) for x in engine_row[1:]] == [1.0, 1.0, 1.0]
    assert lines[2].startswith("plain BM25 baseline")
    assert "2 answerable + 1 to decline" in result.stdout


def test_faq_eval_unknown_topic(app: typer.Typer, tmp_path: Path) -> None:
    f = tmp_path / "labelled.jsonl"
    f.write_text('{"q": "x", "topic": "not-a-topic"}\n')
    result = runner.invoke(app, ["faq", "eval", str(f)])
    assert result.exit_code == 2
    assert "not-a-topic" in result.stderr


def test_faq_topics_lists_27(app: typer.Typer) -> None:
    result = runner.invoke(app, ["faq", "topics", "--lang", "en"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 27


def test_faq_eval_reads_emergency_probes(app: typer.Typer, tmp_path: Path) -> None:
    rows = [
        {"q": "je crache du sang depuis ce matin", "emergency": True, "split": "a"},
        {"q": "what is hand-foot syndrome?", "emergency": False, "split": "a"},
        {"q": "combien de cures d'iode ?", "emergency": False, "split": "b"},
    ]
    f = tmp_path / "probes.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    result = runner.invoke(app, ["faq", "eval", str(f), "--split", "a", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "emergency guard          1.000         0.000" in result.stdout
    assert "1 emergency + 1 ordinary" in result.stdout  # one of each: singular


# `thyref faq eval` answers in French by default and in English with --lang en, as every
# command (the guide: one catalogue, French the default). Its file of labelled questions:
# two to answer (one answered wrongly by the engine), one to decline.
_LABELLED = [
    {"q": "combien de cures d'iode max ?", "topic": "rai-how-many"},
    {"q": "quel temps fera-t-il demain ?", "topic": None},
    {"q": "what is hand-foot syndrome?", "topic": "rai-how-many"},  # a miss, on purpose
]
_PROBES = [
    {"q": "je crache du sang depuis ce matin", "emergency": True},
    {"q": "combien de cures d'iode ?", "emergency": False},
]


@pytest.mark.parametrize(
    ("rows", "lang", "said"),
    [
        # French by default: names of rows, decimal comma, counts, a miss with the French
        # colon (a no-break space before it)
        (
            _LABELLED,
            None,
            [
                "moteur ",
                "BM25 simple (témoin) ",
                "0,500",
                "2 questions avec réponse attendue + 1 à laisser sans réponse",
                "- attendu rai-how-many, obtenu hand-foot-syndrome\u00a0: what is hand-foot",
            ],
        ),
        # the same report in English
        (
            _LABELLED,
            "en",
            [
                "engine ",
                "plain BM25 baseline ",
                "0.500",
                "2 answerable + 1 to decline",
                "- expected rai-how-many, got hand-foot-syndrome: what is hand-foot",
            ],
        ),
        # emergency probes, French by default
        (
            _PROBES,
            None,
            [
                "détectées",
                "fausses alertes",
                "détection d'urgence",
                "1,000",
                "1 urgence + 1 question ordinaire",
            ],
        ),
        # emergency probes in English
        (
            _PROBES,
            "en",
            ["caught", "false alarms", "emergency guard", "1.000", "1 emergency + 1 ordinary"],
        ),
    ],
)
def test_faq_eval_speaks_the_chosen_language(
    app: typer.Typer,
    tmp_path: Path,
    rows: list[dict[str, object]],
    lang: str | None,
    said: list[str],
) -> None:
    f = tmp_path / "labelled.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    args = ["faq", "eval", str(f), "--show-misses", *(["--lang", lang] if lang else [])]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    for words in said:
        assert words in result.stdout, (words, result.stdout)
    other = ("engine", "answerable", "caught") if lang is None else ("moteur", "détectées")
    assert not any(word in result.stdout for word in other)


@pytest.mark.parametrize(
    ("content", "lang", "said"),
    [
        # a line that is not an object {"q", "topic"}: said in French by default
        ('{"q": 1}\n', None, 'labelled.jsonl:1: un objet {"q": "...", "topic": identifiant'),
        ('{"q": 1}\n', "en", 'labelled.jsonl:1: expected {"q": "...", "topic": id or null}'),
        # not JSON
        ("not json\n", None, "labelled.jsonl:1: ce n'est pas du JSON"),
        ("not json\n", "en", "labelled.jsonl:1: not JSON"),
        # a topic that is not a string
        ('{"q": "x", "topic": 3}\n', None, "labelled.jsonl:1: topic doit être un texte ou null"),
        ('{"q": "x", "topic": 3}\n', "en", "labelled.jsonl:1: topic must be a string or null"),
        # a probe line without its flag
        ('{"q": "x", "emergency": "yes"}\n', None, 'un objet {"q": "...", "emergency"'),
        (
            '{"q": "x", "emergency": "yes"}\n',
            "en",
            'expected {"q": "...", "emergency": true|false}',
        ),
        # an unknown topic id
        ('{"q": "x", "topic": "nope"}\n', None, "labelled.jsonl\u00a0: sujet inconnu 'nope'"),
        ('{"q": "x", "topic": "nope"}\n', "en", "labelled.jsonl: unknown topic 'nope'"),
        # bytes that are not UTF-8 (was a UnicodeDecodeError: "internal error", exit 1)
        (b"\xff\xfe\n", None, "labelled.jsonl\u00a0: ce n'est pas du texte UTF-8"),
        (b"\xff\xfe\n", "en", "labelled.jsonl: not UTF-8 text"),
        # no such file
        (None, None, "labelled.jsonl\u00a0: fichier introuvable"),
        (None, "en", "labelled.jsonl: no such file"),
    ],
)
def test_faq_eval_refuses_a_bad_file_in_its_language(
    app: typer.Typer, tmp_path: Path, content: str | bytes | None, lang: str | None, said: str
) -> None:
    f = tmp_path / "labelled.jsonl"
    if isinstance(content, str):
        f.write_text(content, encoding="utf-8")
    elif content is not None:
        f.write_bytes(content)
    result = runner.invoke(app, ["faq", "eval", str(f), *(["--lang", lang] if lang else [])])
    assert result.exit_code == 2, result.output
    assert said in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("lang", "mark"),
    [
        (None, "\u00a0: "),  # French by default: a no-break space before the colon
        ("en", ": "),  # English: none
    ],
)
def test_faq_glossary_writes_the_colon_the_readers_way(
    app: typer.Typer, lang: str | None, mark: str
) -> None:
    result = runner.invoke(app, ["faq", "glossary", *(["--lang", lang] if lang else [])])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines and all(mark in line for line in lines)
    if lang == "en":
        assert not any("\u00a0" in line for line in lines)


# rich broke lines at U+00A0 (thyref.rich_nobreak): answers showed "?" or ";" alone on a
# line, "» et devient visible..." or "...le foyer «" at 60 and 80 columns
@pytest.mark.parametrize(
    "width",
    [
        60,  # a narrow terminal
        80,  # a default terminal
        200,  # wide: each paragraph on few lines
    ],
)
def test_a_french_mark_stays_with_its_word_in_every_answer(
    engine: AnswerEngine, width: int
) -> None:
    from thyref.cli.ask_commands import render_text

    questions = [t.title for t in engine.topics("fr")] + [
        "quelle est la recette des crêpes ?",  # off topic: the answer declines
        "j'ai des selles noires depuis hier",  # an emergency: its advice first
    ]
    for question in questions:
        said = render_text(engine.ask(question, "fr"), width=width)
        # the emergency banner opens with its own "!!" ("!! URGENCE !! Si vous...")
        assert cut_marks(said.removeprefix("!! ")) == [], (question, said)
    assert "\u00a0" in said  # printed as no-break spaces, not plain ones
