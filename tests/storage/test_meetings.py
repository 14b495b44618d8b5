"""Meetings storage on SQLite and PostgreSQL: agenda, append-only decisions, access."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from thyref.storage import CaseNotFound, Database, TextTooLong
from thyref.storage import meetings as store
from thyref.storage import repository as repo

from .test_repository import assessment, case

TODAY = date(2026, 11, 28)


@dataclass
class Setup:
    alice: repo.Actor
    bob: repo.Actor
    root: repo.Actor
    meeting: int
    item: int


@pytest.fixture
def setup(database: Database) -> Setup:
    with database.session() as db:
        alice = repo.add_user(db, "alice", "h1", "clinician", "Lyon")
        bob = repo.add_user(db, "bob", "h2", "clinician", "Lille")
        root = repo.add_user(db, "root", "h3", "admin", "Paris")
        repo.create_case(db, alice, case("m-1"), assessment("refractory", ["DTC-NO-UPTAKE"]))
        repo.create_case(db, alice, case("m-2"), assessment("indeterminate", []))
        meeting = store.create_meeting(db, alice, "national", TODAY + timedelta(days=5), "Dec")
        item = store.add_case(db, alice, meeting, "m-1", "Which option?")
    return Setup(alice, bob, root, meeting, item)


def _decide(db: Any, who: repo.Actor, s: Setup, amends: int | None, **kw: Any) -> Any:
    return store.record_decision(
        db,
        who,
        s.meeting,
        s.item,
        options=kw.get("options", ["RCP-REGIONAL"]),
        free_text=str(kw.get("free_text", "")),
        specialties=kw.get("specialties", ["endocrinology"]),
        follow_up=date(2027, 3, 1),
        amends=amends,
    )


def test_decisions_are_a_chain_newest_first(database: Database, setup: Setup) -> None:
    alice = setup.alice
    with database.session() as db:
        first = _decide(db, alice, setup, None)
    with database.session() as db:
        second = _decide(db, alice, setup, first.id, free_text="amended")
    with database.session() as db:
        entry = store.agenda_entry(db, alice, setup.meeting, setup.item)
    assert [d.id for d in entry.decisions] == [second.id, first.id]
    assert entry.latest is not None and entry.latest.amends_id == first.id
    assert entry.decisions[1].free_text == ""  # the first record is unchanged
    assert entry.question == "Which option?" and entry.case_id == "m-1"
    assert entry.latest.case_version == 1


@pytest.mark.parametrize(
    "amends_first",
    [
        # a second "first" decision while one is in force
        False,
        # an amendment of a decision that was already amended
        True,
    ],
)
def test_only_the_decision_in_force_can_be_amended(
    database: Database, setup: Setup, amends_first: bool
) -> None:
    alice = setup.alice
    with database.session() as db:
        first = _decide(db, alice, setup, None)
        _decide(db, alice, setup, first.id)
    with pytest.raises(store.DecisionConflict), database.session() as db:
        _decide(db, alice, setup, first.id if amends_first else None)
    with database.session() as db:
        entry = store.agenda_entry(db, alice, setup.meeting, setup.item)
    assert len(entry.decisions) == 2


@pytest.mark.parametrize("amend", [False, True])
def test_concurrent_decisions_one_wins(database: Database, setup: Setup, amend: bool) -> None:
    alice = setup.alice
    base = None
    if amend:
        with database.session() as db:
            base = _decide(db, alice, setup, None).id
    outcomes: list[str] = []
    barrier = threading.Barrier(3)

    def decide(n: int) -> None:
        barrier.wait()
        try:
            with database.session() as db:
                _decide(db, alice, setup, base, free_text=f"t{n}")
            outcomes.append("ok")
        except store.DecisionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "ok"]


def test_access_follows_the_centre(database: Database, setup: Setup) -> None:
    alice, bob, root = setup.alice, setup.bob, setup.root
    meeting = setup.meeting
    with database.session() as db:
        assert [m.id for m in store.list_meetings(db, bob)] == []
        with pytest.raises(store.MeetingNotFound):
            store.agenda(db, bob, meeting)
        assert [m.id for m in store.list_meetings(db, root)] == [meeting]
        own = store.create_meeting(db, bob, "regional", TODAY)
        with pytest.raises(CaseNotFound):  # alice's case is out of bob's reach
            store.add_case(db, bob, own, "m-1", "?")
        with pytest.raises(store.AlreadyOnAgenda):
            store.add_case(db, alice, meeting, "m-1", "again")


def test_waiting_cases(database: Database, setup: Setup) -> None:
    alice = setup.alice
    with database.session() as db:
        waiting = [c.case_id for c in store.waiting_cases(db, alice, TODAY)]
    assert waiting == ["m-2"]  # m-1 is on an upcoming meeting
    with database.session() as db:  # after the meeting, decided: not waiting
        _decide(db, alice, setup, None)
        later = TODAY + timedelta(days=10)
        assert [c.case_id for c in store.waiting_cases(db, alice, later)] == ["m-2"]
    with database.session() as db:  # the case changes after the decision: waiting again
        repo.update_case(db, alice, "m-1", 1, case("m-1", activity=150), assessment("x", []))
        assert {c.case_id for c in store.waiting_cases(db, alice, later)} == {"m-1", "m-2"}


def test_a_meeting_takes_only_its_own_centres_cases_and_keeps_the_record(
    database: Database, setup: Setup
) -> None:
    """The same case id in two centres: an agenda item names the record it was given,
    and no one (not even an admin) puts another centre's case on a meeting."""
    alice, bob, root = setup.alice, setup.bob, setup.root
    with database.session() as db:
        lyon = repo.create_case(db, alice, case("PT-9"), assessment("refractory", []))
        lille = repo.create_case(
            db, bob, case("PT-9", "follicular"), assessment("indeterminate", [])
        )
        repo.create_case(db, bob, case("lille-only"), assessment("indeterminate", []))
        lille_centre = repo._record(db, bob, "PT-9").centre_id
        for ref in (f"PT-9~{lille_centre}", f"lille-only~{lille_centre}", "lille-only"):
            with pytest.raises(store.CaseOfOtherCentre):
                store.add_case(db, root, setup.meeting, ref, "?")
        # on a Lille meeting, the admin's bare id names Lille's record, not Lyon's
        lille_meeting = store.create_meeting(db, bob, "regional", TODAY)
        item = store.add_case(db, root, lille_meeting, "PT-9", "?")
        with pytest.raises(store.CaseOfOtherCentre):
            store.add_case(db, root, lille_meeting, "m-1", "?")
        entry = store.agenda_entry(db, root, lille_meeting, item)
        lille_pk = repo._record(db, bob, "PT-9").id
        assert entry.case_pk == lille_pk != repo._record(db, alice, "PT-9").id
        assert entry.case_ref == f"PT-9~{lille_centre}"  # how the admin's links name it
        assert store.agenda_entry(db, bob, lille_meeting, item).case_ref == "PT-9"
        assert repo.get_case_by_pk(db, root, lille_pk).current.case == lille.current.case
        assert repo.get_case_by_pk(db, root, lille_pk).current.case != lyon.current.case
        with pytest.raises(CaseNotFound):  # by key, the reach is still the centre's
            repo.get_case_by_pk(db, alice, lille_pk)
        assert repo.get_version_by_pk(db, bob, lille_pk, 1).case == lille.current.case


def test_an_item_of_a_case_out_of_reach_is_left_out_of_the_agenda(
    database: Database, setup: Setup
) -> None:
    """An item whose case the user cannot see (one put there before the centre check)
    is not shown to them, and the rest of the agenda is."""
    from thyref.storage.models import AgendaItem, utcnow

    alice, bob, root = setup.alice, setup.bob, setup.root
    with database.session() as db:
        repo.create_case(db, bob, case("lille-only"), assessment("indeterminate", []))
        pk = repo._record(db, bob, "lille-only").id
        db.add(AgendaItem(meeting_id=setup.meeting, case_pk=pk, question="x",
                          added_by="root", added_at=utcnow()))  # fmt: skip
    with database.session() as db:
        assert [e.case_id for e in store.agenda(db, alice, setup.meeting)] == ["m-1"]
        assert [e.case_id for e in store.agenda(db, root, setup.meeting)] == [
            "m-1",
            "lille-only",
        ]


@pytest.mark.parametrize("meeting_id", [0, -1, 2**31, 2**63, 10**30])
def test_a_meeting_id_no_row_can_have_is_not_found(
    database: Database, setup: Setup, meeting_id: int
) -> None:
    """Not an OverflowError (SQLite) or an out-of-range error (PostgreSQL) from the driver."""
    with database.session() as db:
        with pytest.raises(store.MeetingNotFound):
            store.get_meeting(db, setup.root, meeting_id)
        with pytest.raises(store.MeetingNotFound):
            store.add_case(db, setup.root, meeting_id, "m-1", "?")


@pytest.mark.parametrize(
    ("what", "field"),
    [
        # a meeting title of 121 characters (was stored cut to 120)
        ("title", "title"),
        # an agenda question of 501 characters (was stored cut to 500)
        ("question", "question"),
        # a decision's contact of 201 characters (was stored cut to 200)
        ("contact", "contact"),
        # a version note of 201 characters (was stored cut to 200)
        ("note", "note"),
        # a centre name of 121 characters (SQLite stored it, PostgreSQL failed)
        ("centre", "centre"),
    ],
)
def test_a_text_longer_than_its_column_is_refused_not_cut(
    database: Database, setup: Setup, what: str, field: str
) -> None:
    alice = setup.alice
    with pytest.raises(TextTooLong) as refused, database.session() as db:
        if what == "title":
            store.create_meeting(db, alice, "regional", TODAY, "t" * 121)
        elif what == "question":
            store.add_case(db, alice, setup.meeting, "m-2", "q" * 501)
        elif what == "contact":
            store.record_decision(
                db, alice, setup.meeting, setup.item, options=["RCP-REGIONAL"], free_text="",
                specialties=[], follow_up=None, contact="c" * 201,
            )  # fmt: skip
        elif what == "note":
            repo.create_case(db, alice, case("m-3"), assessment("refractory", []), note="n" * 201)
        else:
            repo.add_user(db, "carol", "h4", "clinician", "C" * 121)
    assert refused.value.field == field
    with database.session() as db:  # nothing stored
        assert len(store.list_meetings(db, alice)) == 1
        assert [e.case_id for e in store.agenda(db, alice, setup.meeting)] == ["m-1"]
        assert store.agenda(db, alice, setup.meeting)[0].decisions == []
        assert repo.find_user(db, "carol") is None
        with pytest.raises(CaseNotFound):
            repo.get_case(db, alice, "m-3")


def test_texts_as_long_as_their_column_are_stored_whole(database: Database, setup: Setup) -> None:
    alice = setup.alice
    with database.session() as db:
        meeting = store.create_meeting(db, alice, "regional", TODAY, "t" * 120)
        store.add_case(db, alice, meeting, "m-2", "q" * 500)
        decision = store.record_decision(
            db, alice, setup.meeting, setup.item, options=["RCP-REGIONAL"], free_text="",
            specialties=[], follow_up=None, contact="c" * 200,
        )  # fmt: skip
        stored = repo.create_case(
            db, alice, case("m-3"), assessment("refractory", []), note="n" * 200
        )
    with database.session() as db:
        assert store.get_meeting(db, alice, meeting).title == "t" * 120
        assert store.agenda(db, alice, meeting)[0].question == "q" * 500
        assert decision.contact == "c" * 200
        assert repo.list_versions(db, alice, "m-3")[0].note == "n" * 200
    assert stored.summary.case_id == "m-3"
