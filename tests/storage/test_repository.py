"""Repository behaviour, run on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from thyref.storage import CaseExists, CaseNotFound, Database, Forbidden, StaleVersion, UserExists
from thyref.storage import repository as repo
from thyref.storage.models import Base, CaseVersion


def case(case_id: str, histology: str = "papillary", activity: float = 100) -> dict[str, Any]:
    return {
        "format": "thyref-case/1",
        "id": case_id,
        "diagnosis": {"histology": histology, "date": "2015-01-01"},
        "rai": [{"date": "2015-03-01", "activity": activity, "unit": "mCi"}],
    }


def assessment(
    status: str, criteria: list[str], category: str = "differentiated"
) -> dict[str, dict[str, Any]]:
    def one(lang: str) -> dict[str, Any]:
        return {
            "refractory": {"status": status, "category": category, "criteria_met": criteria},
            "recommendations": [{"id": "RCP-REGIONAL", "title": f"title-{lang}"}],
            "engine": {"version": "9.9.9", "rules": "tuthyref-2021"},
        }

    return {"fr": one("fr"), "en": one("en")}


@pytest.fixture
def actors(database: Database) -> dict[str, repo.Actor]:
    with database.session() as db:
        return {
            "alice": repo.add_user(db, "alice", "h1", "clinician", "Lyon"),
            "bob": repo.add_user(db, "bob", "h2", "clinician", "Lille"),
            "root": repo.add_user(db, "root", "h3", "admin", "Lyon"),
        }


def test_migration_matches_models(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    tables = set(inspect(database.engine).get_table_names())
    assert {"centres", "users", "sessions", "cases", "case_versions", "audit_events"} <= tables
    database.migrate()  # idempotent


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Any) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.migrate()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_users(database: Database, actors: dict[str, repo.Actor]) -> None:
    assert actors["alice"].centre_id == actors["root"].centre_id != actors["bob"].centre_id
    with database.session() as db, pytest.raises(UserExists):
        repo.add_user(db, "alice", "x", "clinician", "Lyon")
    with database.session() as db, pytest.raises(ValueError):
        repo.add_user(db, "carol", "x", "superuser", "Lyon")
    with database.session() as db:
        found = repo.find_user(db, "alice")
        assert found is not None and found[1] == "h1" and found[0].centre_name == "Lyon"
        assert repo.find_user(db, "nobody") is None
        repo.set_password_hash(db, actors["alice"].user_id, "h9")
    with database.session() as db:
        found = repo.find_user(db, "alice")
        assert found is not None and found[1] == "h9"


def test_sessions(database: Database, actors: dict[str, repo.Actor]) -> None:
    alice = actors["alice"]
    with database.session() as db:
        token, csrf = repo.create_session(db, alice.user_id, "web", timedelta(hours=1))
        old, _ = repo.create_session(db, alice.user_id, "web", timedelta(seconds=-1))
    with database.session() as db:
        found = repo.session_user(db, token, "web")
        assert found is not None and found == (alice, csrf)
        assert repo.session_user(db, token, "api") is None
        assert repo.session_user(db, "forged", "web") is None
        assert repo.session_user(db, old, "web") is None
        assert repo.purge_expired_sessions(db) == 1
        repo.end_session(db, token)
    with database.session() as db:
        assert repo.session_user(db, token, "web") is None


def test_case_lifecycle_and_versions(database: Database, actors: dict[str, repo.Actor]) -> None:
    alice = actors["alice"]
    with database.session() as db:
        stored = repo.create_case(db, alice, case("c-1"), assessment("indeterminate", []))
    assert stored.summary.version == 1 and stored.current.author == "alice"
    with database.session() as db:
        updated = repo.update_case(
            db, alice, "c-1", 1, case("c-1", activity=700), assessment("refractory", ["X-1"])
        )
    assert updated.summary.version == 2
    assert updated.summary.status == "refractory" and updated.summary.criteria == ["X-1"]
    with database.session() as db:
        current = repo.get_case(db, alice, "c-1")
        assert current.current.case["rai"][0]["activity"] == 700
        assert current.current.assessment["en"]["recommendations"][0]["title"] == "title-en"
        assert current.current.engine_version == "9.9.9"
        assert current.current.rules_version == "tuthyref-2021"
        first = repo.get_version(db, alice, "c-1", 1)
        assert first.case["rai"][0]["activity"] == 100 and first.status == "indeterminate"
        versions = repo.list_versions(db, alice, "c-1")
        assert [v.version for v in versions] == [2, 1]
        with pytest.raises(CaseNotFound):
            repo.get_version(db, alice, "c-1", 3)
        with pytest.raises(CaseExists):
            repo.create_case(db, alice, case("c-1"), assessment("indeterminate", []))


def test_stale_save_writes_nothing(database: Database, actors: dict[str, repo.Actor]) -> None:
    alice, root = actors["alice"], actors["root"]
    with database.session() as db:
        repo.create_case(db, alice, case("c-2"), assessment("indeterminate", []))
    with database.session() as db:
        repo.update_case(db, root, "c-2", 1, case("c-2", activity=200), assessment("x", []))
    with database.session() as db, pytest.raises(StaleVersion) as caught:
        repo.update_case(db, alice, "c-2", 1, case("c-2", activity=300), assessment("y", []))
    assert caught.value.current_version == 2 and caught.value.updated_by == "root"
    with database.session() as db:
        current = repo.get_case(db, alice, "c-2")
        assert current.summary.version == 2 and current.current.case["rai"][0]["activity"] == 200
        assert db.scalar(select(func.count()).select_from(CaseVersion)) == 2


def test_concurrent_saves_one_wins(database: Database, actors: dict[str, repo.Actor]) -> None:
    alice = actors["alice"]
    with database.session() as db:
        repo.create_case(db, alice, case("c-3"), assessment("indeterminate", []))
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def save(activity: int) -> None:
        barrier.wait()
        try:
            with database.session() as db:
                repo.update_case(
                    db, alice, "c-3", 1, case("c-3", activity=activity), assessment("x", [])
                )
            outcomes.append("ok")
        except StaleVersion:
            outcomes.append("stale")

    threads = [threading.Thread(target=save, args=(100 + i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale", "stale", "stale"]
    with database.session() as db:
        assert [v.version for v in repo.list_versions(db, alice, "c-3")] == [2, 1]


def test_centre_scoping(database: Database, actors: dict[str, repo.Actor]) -> None:
    alice, bob, root = actors["alice"], actors["bob"], actors["root"]
    with database.session() as db:
        repo.create_case(db, alice, case("lyon-1"), assessment("refractory", ["DTC-NO-UPTAKE"]))
        repo.create_case(db, bob, case("lille-1", "medullary"), assessment("x", [], "medullary"))
    with database.session() as db:
        assert [c.case_id for c in repo.list_cases(db, alice)] == ["lyon-1"]
        assert [c.case_id for c in repo.list_cases(db, bob)] == ["lille-1"]
        assert {c.case_id for c in repo.list_cases(db, root)} == {"lyon-1", "lille-1"}
        with pytest.raises(CaseNotFound):
            repo.get_case(db, bob, "lyon-1")
        with pytest.raises(CaseNotFound):
            repo.update_case(db, bob, "lyon-1", 1, case("lyon-1"), assessment("x", []))
        assert repo.get_case(db, root, "lille-1").summary.centre == "Lille"


def test_list_filters(database: Database, actors: dict[str, repo.Actor]) -> None:
    root = actors["root"]
    with database.session() as db:
        repo.create_case(db, root, case("a-1"), assessment("refractory", ["DTC-NO-UPTAKE"]))
        repo.create_case(db, root, case("a-2"), assessment("not_refractory", []))
        repo.create_case(
            db, root, case("m-1", "medullary"), assessment("indeterminate", [], "medullary")
        )
    with database.session() as db:
        ids = lambda **kw: sorted(c.case_id for c in repo.list_cases(db, root, **kw))  # noqa: E731
        assert ids(status="refractory") == ["a-1"]
        assert ids(category="medullary") == ["m-1"]
        assert ids(query="A-") == ["a-1", "a-2"]
        assert ids(query="uptake") == ["a-1"]
        assert ids(query="medul") == ["m-1"]
        assert ids(query="%") == ["a-1", "a-2", "m-1"]
        assert ids(status="refractory", category="medullary") == []


def test_delete_is_admin_only_and_cascades(
    database: Database, actors: dict[str, repo.Actor]
) -> None:
    alice, root = actors["alice"], actors["root"]
    with database.session() as db:
        repo.create_case(db, alice, case("d-1"), assessment("x", []))
        repo.update_case(db, alice, "d-1", 1, case("d-1"), assessment("x", []))
    with database.session() as db, pytest.raises(Forbidden):
        repo.delete_case(db, alice, "d-1")
    with database.session() as db:
        repo.delete_case(db, root, "d-1")
    with database.session() as db:
        assert repo.count_cases(db) == 0
        assert db.scalar(select(func.count()).select_from(CaseVersion)) == 0


def test_a_failed_sign_in_keeps_the_typed_name_only_when_it_is_a_user(
    database: Database, actors: dict[str, repo.Actor]
) -> None:
    with database.session() as db:
        for typed in ("alice", "bob", "my-secret-password", "", "ali\x00ce", "a" * 500):
            repo.audit_failed_login(db, typed, "web 192.0.2.1")
    with database.session() as db:
        entries = repo.list_audit(db, actions=["login_failed"])
    assert sorted(e.username for e in entries) == [
        *[repo.UNKNOWN_USER] * 4,
        "alice",
        "bob",
    ]


def test_audit_log(database: Database, actors: dict[str, repo.Actor]) -> None:
    alice = actors["alice"]
    with database.session() as db:
        repo.audit(db, alice, "view", "c-9")
        repo.audit(db, alice, "update", "c-9", "version 2")
        repo.audit(db, None, "login_failed", username="mallory")
    with database.session() as db:
        entries = repo.list_audit(db)
        assert [e.action for e in entries] == ["login_failed", "update", "view"]
        assert [e.action for e in repo.list_audit(db, case_id="c-9")] == ["update", "view"]
        assert [e.username for e in repo.list_audit(db, actions=["login_failed"])] == ["mallory"]


def test_sign_ins_delete_expired_sessions_now_and_then(
    database: Database, actors: dict[str, repo.Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing else deleted them: every sign-in left its row for good."""
    from thyref.storage.models import SessionToken

    alice = actors["alice"]
    with database.session() as db:
        repo.create_session(db, alice.user_id, "web", timedelta(seconds=-1))
        live, _ = repo.create_session(db, alice.user_id, "api", timedelta(hours=1))
    monkeypatch.setattr(repo.secrets, "randbelow", lambda n: 0)  # this sign-in's turn
    with database.session() as db:
        newest, _ = repo.create_session(db, alice.user_id, "web", timedelta(hours=1))
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(SessionToken)) == 2  # both live
        assert repo.session_user(db, live, "api") is not None
        assert repo.session_user(db, newest, "web") is not None
