"""Sign-in attempts are counted in one atomic statement, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from thyref.storage import Database
from thyref.storage import repository as repo

WINDOW = 300.0


def test_counts_and_restarts_after_the_window(database: Database) -> None:
    with database.session() as db:
        assert repo.count_attempt(db, "u:alice", 1000.0, WINDOW) == (1, 1000.0)
        assert repo.count_attempt(db, "u:alice", 1001.0, WINDOW) == (2, 1000.0)
        # another key is counted apart
        assert repo.count_attempt(db, "u:bob", 1002.0, WINDOW) == (1, 1002.0)
        # 300 s after the first attempt the window restarts at one
        assert repo.count_attempt(db, "u:alice", 1300.0, WINDOW) == (1, 1300.0)
        repo.give_back_attempt(db, "u:alice")
        assert repo.count_attempt(db, "u:alice", 1301.0, WINDOW) == (1, 1300.0)
        repo.forget_attempts(db, ["u:alice"])
        assert repo.count_attempt(db, "u:alice", 1302.0, WINDOW) == (1, 1302.0)
        repo.purge_attempts(db, 1700.0, WINDOW)
        assert repo.count_attempt(db, "u:bob", 1700.0, WINDOW) == (1, 1700.0)


def test_concurrent_attempts_each_get_their_own_count(database: Database) -> None:
    # 24 threads, each with its own connection and transaction: were the count read and
    # then written in two steps, several threads would see the same number
    counts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(24)

    def attempt() -> None:
        try:
            start.wait()
            with database.session() as db:
                counts.append(repo.count_attempt(db, "u:alice", 5000.0, WINDOW)[0])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(counts) == list(range(1, 25))
