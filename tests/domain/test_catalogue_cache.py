"""The message catalogue kept as JSON between runs (issue 13, start-up time): the same
messages as the TOML files, whatever state the cache folder is in."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from thyref.domain import messages


def _from_toml() -> dict[str, dict[str, str]]:
    """The catalogue read straight from the data files (the reference)."""
    merged: dict[str, dict[str, str]] = {"fr": {}, "en": {}}
    for name in messages.CATALOGUE_FILES:
        data = tomllib.loads(resources.files("thyref.data").joinpath(name).read_text("utf-8"))
        for lang in merged:
            merged[lang].update(data.get(lang, {}))
    return merged


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv(messages.CACHE_ENV, str(folder))
    messages.catalogue.cache_clear()
    yield folder
    messages.catalogue.cache_clear()


def _fresh() -> dict[str, dict[str, str]]:
    messages.catalogue.cache_clear()
    return messages.catalogue()


def test_first_read_writes_the_cache_and_the_second_reads_it(cache_dir: Path) -> None:
    expected = _from_toml()
    assert _fresh() == expected
    files = list(cache_dir.glob("messages-*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text("utf-8")) == expected
    # a cached file is read instead of the TOML: change it and the change shows
    marked = json.loads(files[0].read_text("utf-8"))
    marked["en"]["title.RCP-NATIONAL"] = "from the cache"
    files[0].write_text(json.dumps(marked), "utf-8")
    assert _fresh()["en"]["title.RCP-NATIONAL"] == "from the cache"


def test_the_key_order_of_the_files_is_kept(cache_dir: Path) -> None:
    expected = _from_toml()
    _fresh()
    assert list(_fresh()["fr"]) == list(expected["fr"])


@pytest.mark.parametrize(
    "content",
    [
        "{",  # cut short
        "[]",  # not an object
        '{"fr": {}}',  # a language missing
        '{"fr": {"a": 1}, "en": {}}',  # a message that is not text
        '{"fr": [], "en": {}}',  # a language that is not a table
    ],
)
def test_a_damaged_cache_file_is_ignored(cache_dir: Path, content: str) -> None:
    _fresh()
    (path,) = cache_dir.glob("messages-*.json")
    path.write_text(content, "utf-8")
    assert _fresh() == _from_toml()


def test_no_cache_when_the_folder_is_empty_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(messages.CACHE_ENV, "")
    monkeypatch.chdir(tmp_path)
    assert _fresh() == _from_toml()
    assert list(tmp_path.iterdir()) == []
    messages.catalogue.cache_clear()


def test_an_unwritable_folder_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv(messages.CACHE_ENV, str(blocker / "cache"))
    assert _fresh() == _from_toml()
    messages.catalogue.cache_clear()


def test_an_edited_catalogue_gets_a_new_cache_file(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh()
    (first,) = cache_dir.glob("messages-*.json")
    texts = ['[fr]\na = "un"\n[en]\na = "one"\n', "[fr]\n[en]\n"]
    path = messages._cache_path(texts)
    assert path is not None and path != first
    messages._write_cached(path, messages._merge(texts))
    assert messages._read_cached(path) == {"fr": {"a": "un"}, "en": {"a": "one"}}
    assert list(cache_dir.glob("messages-*.json")) == [path]  # the older file removed


def test_no_cache_without_a_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # without HOME nor a password entry, Python 3.11 leaves "~" as it is: a relative path
    monkeypatch.delenv(messages.CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: Path("~")))
    assert messages._cache_path(["x"]) is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = messages._cache_path(["x"])
    assert path is not None and path.parent == tmp_path / "thyref"
