"""Case ids are unique per centre; refs keep URLs unambiguous; audit keeps internal keys."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select

from thyref.storage import AmbiguousCase, CaseExists, CaseNotFound, Database, StaleVersion
from thyref.storage import repository as repo
from thyref.storage.db import alembic_config
from thyref.storage.models import CaseVersion

from .test_repository import assessment, case


@pytest.fixture
def people(database: Database) -> dict[str, repo.Actor]:
    with database.session() as db:
        return {
            "alice": repo.add_user(db, "alice", "h", "clinician", "Lyon"),
            "bob": repo.add_user(db, "bob", "h", "clinician", "Lille"),
            "carol": repo.add_user(db, "carol", "h", "clinician", "Nantes"),
            "root": repo.add_user(db, "root", "h", "admin", "Lyon"),
            "paris": repo.add_user(db, "paris", "h", "admin", "Paris"),
        }


def _store(database: Database, actor: repo.Actor, case_id: str, activity: float) -> int:
    with database.session() as db:
        stored = repo.create_case(db, actor, case(case_id, activity=activity), assessment("x", []))
        return int(stored.current.case["rai"][0]["activity"])


def test_another_centres_id_neither_leaks_nor_blocks(
    database: Database, people: dict[str, Any]
) -> None:
    alice, bob = people["alice"], people["bob"]
    _store(database, alice, "same", 100)
    _store(database, bob, "same", 200)  # was CaseExists: told bob that Lyon has "same"
    with database.session() as db:
        assert repo.get_case(db, alice, "same").current.case["rai"][0]["activity"] == 100
        assert repo.get_case(db, bob, "same").current.case["rai"][0]["activity"] == 200
        assert repo.get_case(db, bob, "same").summary.ref == "same"
    with pytest.raises(CaseExists):  # within one centre the id stays unique
        _store(database, alice, "same", 300)


def test_admin_refs_are_unambiguous(database: Database, people: dict[str, Any]) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    root, paris = people["root"], people["paris"]
    _store(database, alice, "same", 100)
    _store(database, bob, "same", 200)
    _store(database, carol, "same", 300)
    with database.session() as db:
        listed = {s.centre: s.ref for s in repo.list_cases(db, root)}
        # root (Lyon) names Lyon's case by its id, the others by id~centre
        assert listed["Lyon"] == "same"
        assert listed["Lille"].startswith("same~") and listed["Nantes"].startswith("same~")
        assert repo.get_case(db, root, "same").summary.centre == "Lyon"
        for centre, ref in listed.items():
            assert repo.get_case(db, root, ref).summary.centre == centre
        # Paris has no "same": two other centres have, so the bare id names nothing certain
        with pytest.raises(AmbiguousCase) as raised:
            repo.get_case(db, paris, "same")
        assert len(raised.value.refs) == 2
        # a clinician cannot reach another centre by a ref
        with pytest.raises(CaseNotFound):
            repo.get_case(db, alice, listed["Lille"])


def test_audit_entries_keep_the_internal_key(database: Database, people: dict[str, Any]) -> None:
    alice, root = people["alice"], people["root"]
    _store(database, alice, "reused", 100)
    with database.session() as db:
        repo.audit(db, alice, "view", "reused")
        repo.audit(db, root, "delete", "reused")
        repo.delete_case(db, root, "reused")
    _store(database, alice, "reused", 200)
    with database.session() as db:
        repo.audit(db, alice, "view", "reused")
        entries = repo.list_audit(db, case_id="reused")
    first_patient = {e.case_pk for e in entries if e.action in ("delete",)}
    keys = [e.case_pk for e in entries]
    assert None not in keys
    assert len(set(keys)) == 2  # two patients, two keys, though one case id
    assert keys[0] not in first_patient  # the newest view is of the second patient


def test_migration_0003_keeps_data_and_fills_audit_keys(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    db = Database(url)
    with db.engine.begin() as connection:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0002")
        connection.exec_driver_sql(
            "INSERT INTO centres (id, name, created_at) VALUES (1, 'Lyon', '2026-01-01')"
        )
        connection.exec_driver_sql(
            "INSERT INTO cases (id, case_id, centre_id, version, status, category, criteria, "
            "histology, created_at, updated_at) VALUES "
            "(7, 'old', 1, 1, 'x', 'y', '', '', '2026-01-01', '2026-01-01')"
        )
        connection.exec_driver_sql(
            "INSERT INTO case_versions (case_pk, version, case_json, assessment_fr, "
            "assessment_en, engine_version, rules_version, status, author_name, note, "
            "created_at) VALUES (7, 1, '{}', '{}', '{}', '1', 'r', 'x', 'alice', '', "
            "'2026-01-01')"
        )
        connection.exec_driver_sql(
            "INSERT INTO audit_events (at, username, action, case_id, detail) "
            "VALUES ('2026-01-01', 'alice', 'view', 'old', '')"
        )
    db.migrate()
    with db.session() as session:
        assert [e.case_pk for e in repo.list_audit(session, case_id="old")] == [7]
        # the cases table is rebuilt on SQLite: its versions must survive (no cascade)
        assert session.scalar(select(func.count()).select_from(CaseVersion)) == 1
    db.dispose()


def test_nul_in_request_text_is_not_a_database_error(
    database: Database, people: dict[str, Any]
) -> None:
    # PostgreSQL refuses NUL in string parameters: a path like /cases/a%00b was a 500
    alice = people["alice"]
    with database.session() as db:
        assert repo.find_user(db, "ali\x00ce") is None
        with pytest.raises(CaseNotFound):
            repo.get_case(db, alice, "a\x00b")
        assert repo.list_cases(db, alice, query="\x00") == []
        repo.audit(db, None, "login_failed", username="mal\x00lory", detail="web \x00")
        assert repo.count_attempt(db, "u:\x00", 1.0, 300.0) == (1, 1.0)
    with database.session() as db:
        assert [e.username for e in repo.list_audit(db, username="mal\x00lory")] == [
            "mal\ufffdlory"
        ]


def test_version_numbers_beyond_the_column_are_not_found_or_stale(
    database: Database, people: dict[str, Any]
) -> None:
    alice = people["alice"]
    _store(database, alice, "v", 100)
    with database.session() as db:
        for version in (0, -1, 2**31, 10**30):
            with pytest.raises(CaseNotFound):
                repo.get_version(db, alice, "v", version)
        with pytest.raises(StaleVersion) as stale:
            repo.update_case(db, alice, "v", 10**30, case("v"), assessment("x", []))
        assert stale.value.current_version == 1


def test_migration_0006_fills_definitions_differ_from_stored_assessments(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    db = Database(url)
    differ = '{"definitions": [{"status": "not_refractory"}, {"status": "refractory"}]}'
    same = '{"definitions": [{"status": "refractory"}, {"status": "refractory"}]}'
    # a definition outside its scope does not count as a different verdict
    outside = '{"definitions": [{"status": "refractory"}, {"status": "not_applicable"}]}'
    with db.engine.begin() as connection:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0005")
        connection.exec_driver_sql(
            "INSERT INTO centres (id, name, created_at) VALUES (1, 'Lyon', '2026-01-01')"
        )
        for pk, name, old, current in (
            (1, "a", same, differ),  # the current version (2) differs
            (2, "b", differ, same),  # only an old version differed
            (3, "c", outside, outside),
            (4, "d", "{}", "{}"),  # stored before the definitions existed
        ):
            connection.exec_driver_sql(
                "INSERT INTO cases (id, case_id, centre_id, version, status, category, "
                "criteria, histology, created_at, updated_at) VALUES "
                f"({pk}, '{name}', 1, 2, 'x', 'y', '', '', '2026-01-01', '2026-01-01')"
            )
            for version, text in ((1, old), (2, current)):
                connection.exec_driver_sql(
                    "INSERT INTO case_versions (case_pk, version, case_json, assessment_fr, "
                    "assessment_en, engine_version, rules_version, status, author_name, "
                    f"note, created_at) VALUES ({pk}, {version}, '{{}}', '{text}', '{{}}', "
                    "'1', 'r', 'x', 'alice', '', '2026-01-01')"
                )
    db.migrate()
    with db.session() as session:
        admin = repo.add_user(session, "root", "h", "admin", "Lyon")
        assert [s.case_id for s in repo.list_cases(session, admin, differ=True)] == ["a"]
        assert len(repo.list_cases(session, admin)) == 4
    db.dispose()
