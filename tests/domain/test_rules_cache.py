"""The checked rule sets kept in the cache folder between runs (issue 13, start-up time).

The cache is a pickle, so what matters most is what is *not* read: a file of another
user's or that others may write, a damaged file, an object of another class. Each gives
the rules read from their TOML file again, equal to the reference.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from thyref.domain import filecache, rules
from thyref.errors import RulesError


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv(filecache.CACHE_ENV, str(folder))
    _forget()
    yield folder
    _forget()


def _forget() -> None:
    rules._load.cache_clear()
    rules.load_definition.cache_clear()


def _reference(rules_id: str = rules.DEFAULT_RULES) -> rules.Rules:
    return rules.parse_rules(rules.rules_text(rules_id))


def _fresh() -> rules.Rules:
    _forget()
    return rules.load_rules()


def _one(folder: Path, pattern: str) -> Path:
    (path,) = folder.glob(pattern)
    return path


def test_first_load_writes_the_file_and_the_next_one_reads_it(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _reference()
    assert _fresh() == reference
    path = _one(cache_dir, "rules-tuthyref-2021-*.pickle")
    assert path.stat().st_mode & 0o077 == 0  # private to its user
    # the next load does not read the TOML file at all
    monkeypatch.setattr(rules, "parse_rules", _fail)
    loaded = _fresh()
    assert loaded == reference
    assert loaded.recist.pd_increase == Decimal("0.20")  # clinical-rules.md: PD at +20 %


def _fail(text: str) -> rules.Rules:
    raise AssertionError("the TOML file was read again")


def test_the_definition_file_is_cached_too(cache_dir: Path) -> None:
    _forget()
    first = rules.load_definition("ata-2015")
    _one(cache_dir, "definition-ata-2015-*.pickle")
    _forget()
    assert rules.load_definition("ata-2015") == first
    assert first.id == "ata-2015"


@pytest.mark.parametrize(
    "content",
    [
        b"",  # empty
        b"not a pickle",  # damaged
        pickle.dumps({"id": "tuthyref-2021"}),  # another object: a plain dict
        pickle.dumps(rules.Definition),  # a class, not a rule set
    ],
)
def test_a_damaged_or_foreign_file_is_ignored(cache_dir: Path, content: bytes) -> None:
    _fresh()
    path = _one(cache_dir, "rules-*.pickle")
    path.write_bytes(content)
    assert _fresh() == _reference()


@pytest.mark.parametrize(
    ("target", "mode"),
    [
        ("file", 0o620),  # the file writable by its group
        ("file", 0o602),  # the file writable by anyone
        ("folder", 0o770),  # the folder writable by its group
        ("folder", 0o777),  # the folder writable by anyone
    ],
)
def test_a_file_others_may_write_is_never_read(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, target: str, mode: int
) -> None:
    _fresh()
    path = _one(cache_dir, "rules-*.pickle")
    # a planted rule set that would change a threshold if it were read
    planted = _reference().model_copy(update={"id": "planted"})
    path.write_bytes(pickle.dumps(planted))
    os.chmod(path if target == "file" else cache_dir, mode)
    assert _fresh().id == "tuthyref-2021"
    os.chmod(cache_dir, 0o700)


def test_the_users_own_private_file_is_read(cache_dir: Path) -> None:
    # the counterpart of the test above: the same planted file, private, is read
    _fresh()
    path = _one(cache_dir, "rules-*.pickle")
    planted = _reference().model_copy(update={"id": "planted"})
    path.write_bytes(pickle.dumps(planted))
    os.chmod(path, 0o600)
    os.chmod(cache_dir, 0o700)
    assert _fresh().id == "planted"


def test_an_edited_rules_file_gets_a_new_name(cache_dir: Path) -> None:
    _fresh()
    first = _one(cache_dir, "rules-*.pickle")
    text = rules.rules_text()
    other = filecache.path_for(
        "rules-tuthyref-2021", (text + "\n", *filecache._stamp(rules.__file__)), ".pickle"
    )
    same = filecache.path_for(
        "rules-tuthyref-2021", (text, *filecache._stamp(rules.__file__)), ".pickle"
    )
    assert same == first and other is not None and other != first


def test_no_cache_when_the_folder_is_empty_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(filecache.CACHE_ENV, "")
    monkeypatch.chdir(tmp_path)
    assert _fresh() == _reference()
    assert list(tmp_path.iterdir()) == []
    _forget()


def test_an_invalid_rules_file_is_still_an_error(cache_dir: Path) -> None:
    with pytest.raises(RulesError):
        rules.parse_rules("[recist]\npd_percent = 'twenty'\n")
    with pytest.raises(RulesError):
        rules.load_rules("no-such-rules")


def _therapies_fresh() -> dict[str, object]:
    from thyref.domain import therapies

    therapies._packaged.cache_clear()
    return dict(therapies.load_therapies())


@pytest.mark.parametrize(
    ("planted", "read"),
    [
        # a table of the right shape, private to the user: read as it is
        ("same-shape", True),
        # not a dict at all
        ("list", False),
        # a value that is not a Therapy
        ("bad-value", False),
        # a key that is not text
        ("bad-key", False),
    ],
)
def test_the_therapy_table_cache_reads_only_its_own_shape(
    cache_dir: Path, planted: str, read: bool
) -> None:
    from thyref.domain import therapies

    reference = _therapies_fresh()
    path = _one(cache_dir, "therapies-*.pickle")
    first = next(iter(reference.values()))
    renamed = {"planted-drug": first}
    content: object = {
        "same-shape": renamed,
        "list": [first],
        "bad-value": {"planted-drug": "sorafenib"},
        "bad-key": {1: first},
    }[planted]
    path.write_bytes(pickle.dumps(content))
    os.chmod(path, 0o600)
    got = _therapies_fresh()
    assert (got == renamed) is read
    if not read:
        assert got == reference
    therapies._packaged.cache_clear()
