"""The event cache: its codec, its migration, its store methods; the memory calendar's sync."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from daemon.domain.errors import BackendError
from daemon.domain.model import (
    Attendee,
    CalendarEvent,
    EventId,
    EventStatus,
    OwnKind,
    OwnTag,
    PartStat,
)
from daemon.store.codec import event_from_json, event_to_json
from daemon.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from daemon.store.state import StateStore
from integrations.memory.calendar import MemoryCalendar
from tests.conftest import at, make_event

EVENT = CalendarEvent(
    id=EventId("panel@test"),
    title="Panel interview – Ünïcode & Co",
    start=at("2026-12-01 13:00"),
    end=at("2026-12-01 14:00"),
    description="Company: Acme\nMet: Sam",
    status=EventStatus.TENTATIVE,
    attendees=(
        Attendee("sam@acme.example", "Sam Okafor", PartStat.ACCEPTED),
        Attendee("room@acme.example", "Room 1", PartStat.NEEDS_ACTION, resource=True),
    ),
    organizer="dana@acme.example",
)


# -- codec ------------------------------------------------------------------------------


def test_an_event_survives_the_json_round_trip() -> None:
    call = CalendarEvent(
        EventId("k@interview-followup"),
        "Call",
        at("2026-12-08 10:00"),
        at("2026-12-08 10:15"),
        own=OwnTag(OwnKind.CALL, "k"),
        all_day=True,
    )
    for event in (EVENT, call):
        back = event_from_json(event_to_json(event))
        assert back == event
        # A time in a named zone comes back in it: same wall clock, same zone, same fold.
        assert back.start.tzinfo == event.start.tzinfo
        assert back.attendees == event.attendees


def test_times_are_stored_as_utc() -> None:
    event = replace(EVENT, start=datetime(2026, 12, 1, 13, tzinfo=timezone(timedelta(hours=5))))
    assert '"start":"2026-12-01T08:00:00+00:00"' in event_to_json(event)


# -- migration --------------------------------------------------------------------------


def test_a_version_1_database_migrates_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(MIGRATIONS[0])  # the schema as version 1 of the program made it
    db.execute(
        "INSERT INTO drafts(key, interview_uid, application, email, name, kind, status, late, "
        "remote_id, intended_at, updated_at) VALUES ('k1', 'iv', 'acme', 'sam@acme.example', "
        "'Sam', 'thank_you', 'created', 0, 'r1', '2026-12-01T12:00:00+00:00', "
        "'2026-12-01T12:00:00+00:00')"
    )
    db.execute(
        "INSERT INTO calls(key, application, round_uid, seq, start, end, status, "
        "observed_start, remote_id, person_name, written_text, updated_at) VALUES "
        "('c1', 'acme', 'iv#2026-12-01T10:00:00Z', 0, '2026-12-08T09:00:00+00:00', "
        "'2026-12-08T09:15:00+00:00', 'created', '2026-12-09T09:00:00+00:00', 'r2', 'Dana', "
        "'Call Dana', '2026-12-01T12:00:00+00:00')"
    )
    db.execute("INSERT INTO applications(key, company) VALUES ('acme', 'Acme')")
    db.execute(
        "INSERT INTO interviews(uid, application, start, end, data, first_seen) VALUES "
        "('iv#2026-12-01T10:00:00Z', 'acme', '2026-12-01T10:00:00+00:00', "
        '\'2026-12-01T11:00:00+00:00\', \'{"title": "Interview", "company": "Acme", '
        '"decided": {"outcome": "offer", "source": "event"}}\', '
        "'2026-12-01T12:00:00+00:00')"
    )
    db.execute("INSERT INTO checkpoints(name, value) VALUES ('calendar', 'ics:abc')")
    db.execute("INSERT INTO checkpoints(name, value) VALUES ('other', 'kept')")
    db.execute("PRAGMA user_version = 1")
    db.close()

    store = StateStore.open(path)
    try:
        assert store.schema_version == SCHEMA_VERSION == 4
        assert [(d.key, d.remote_id) for d in store.ledger.drafts()] == [("k1", "r1")]
        (call,) = store.ledger.own()
        assert (call.key, call.kind, call.series, call.interview_uid, call.remote_id) == (
            "c1",
            OwnKind.CALL,
            "iv#2026-12-01T10:00:00Z",
            "iv#2026-12-01T10:00:00Z",
            "r2",
        )
        assert call.effective_start == at("2026-12-09 10:00")
        (record,) = store.interviews()
        # The id's text form is unchanged, so every key derived from it stays the same.
        assert record.interview.id == EventId("iv", "2026-12-01T10:00:00Z")
        assert record.interview.uid == "iv#2026-12-01T10:00:00Z"
        assert record.interview.decided is not None and record.interview.decided.note == ""
        assert store.events.events() == []
        # The cache starts empty, so the next listing must be a complete one.
        assert store.checkpoint("calendar") is None
        assert store.checkpoint("other") == "kept"
    finally:
        store.close()
    # Opening again migrates nothing more, and the file now says it is ours.
    store = StateStore.open(path)
    assert store.schema_version == SCHEMA_VERSION
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


def test_a_database_that_is_not_ours_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "photos.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (name TEXT)")
    db.execute("INSERT INTO photos VALUES ('beach.jpg')")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(BackendError, match="not an interview-followup state file"):
        StateStore.open(path)
    assert path.read_bytes() == before
    db = sqlite3.connect(path)
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
    db.close()
    assert tables == ["photos"]


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, but a user's notes\n" * 200)
    before = path.read_bytes()
    with pytest.raises(BackendError, match=r"left as it is|not an interview-followup"):
        StateStore.open(path)
    assert path.read_bytes() == before


def test_a_database_with_another_application_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 1234")
    db.execute("CREATE TABLE interviews (uid TEXT)")
    db.execute("CREATE TABLE drafts (key TEXT)")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with pytest.raises(BackendError, match="not an interview-followup state file"):
        StateStore.open(path)


# -- store methods ----------------------------------------------------------------------


def test_replace_and_apply_changes() -> None:
    store = StateStore.in_memory()
    lunch = make_event("lunch@test", "Lunch", at("2026-12-01 12:00"))
    with store.transaction():
        store.events.replace([lunch, EVENT], window_start=at("2026-11-01 00:00"))
    assert store.events.events() == [lunch, EVENT]  # in time order
    assert store.events.window_start() == at("2026-11-01 00:00")

    moved = replace(lunch, start=at("2026-12-02 12:00"), end=at("2026-12-02 13:00"))
    with store.transaction():
        store.events.apply([moved], [EventId("panel@test"), EventId("unknown@test")])
    assert store.events.events() == [moved]

    with store.transaction():
        store.events.replace([EVENT], keep=[EventId("lunch@test")])
    assert store.events.events() == [EVENT, moved]
    assert store.events.window_start() is None

    with store.transaction():
        store.events.replace([])
    assert store.events.events() == []


def test_a_whole_unreadable_series_keeps_every_cached_occurrence() -> None:
    store = StateStore.in_memory()
    first = make_event("weekly@test#2026-12-01T10:00:00Z", "Weekly", at("2026-12-01 11:00"))
    first = replace(first, id=EventId("weekly@test", "2026-12-01T10:00:00Z"))
    second = replace(first, id=EventId("weekly@test", "2026-12-08T10:00:00Z"))
    with store.transaction():
        store.events.replace([first, second, EVENT])
    with store.transaction():
        store.events.replace([EVENT], keep=[EventId("weekly@test")])
    assert {e.uid for e in store.events.events()} == {first.uid, second.uid, EVENT.uid}


# -- the calendars' answers to a checkpoint ---------------------------------------------


def test_the_incremental_memory_calendar_lists_only_changes() -> None:
    calendar = MemoryCalendar(incremental=True)
    lunch = make_event("lunch@test", "Lunch", at("2026-12-01 12:00"))
    calendar.add_event(lunch)
    calendar.add_event(EVENT)
    first = calendar.changes(None)
    assert first.complete and {e.uid for e in first.events} == {"lunch@test", "panel@test"}

    unchanged = calendar.changes(first.checkpoint)
    assert (unchanged.complete, unchanged.events, unchanged.removed) == (False, (), ())
    assert unchanged.checkpoint == first.checkpoint

    calendar.add_event(replace(lunch, title="Lunch with Kim"))
    calendar.remove_event(EventId("panel@test"))
    second = calendar.changes(first.checkpoint)
    assert not second.complete
    assert [e.title for e in second.events] == ["Lunch with Kim"]
    assert second.removed == (EventId("panel@test"),)

    # Removed, then back again: an upsert, not a removal.
    calendar.add_event(EVENT)
    third = calendar.changes(second.checkpoint)
    assert [e.uid for e in third.events] == ["panel@test"]
    assert third.removed == ()


def test_the_incremental_memory_calendar_answers_unknown_checkpoints_completely() -> None:
    calendar = MemoryCalendar((EVENT,), incremental=True)
    other = MemoryCalendar((EVENT,), incremental=True)
    foreign = other.changes(None).checkpoint
    for checkpoint in (None, foreign, "memory:x", "ics:abc", "memory:1:999"):
        answer = calendar.changes(checkpoint)
        assert answer.complete, checkpoint
        assert answer.events == (EVENT,)


def test_the_memory_calendar_is_complete_unless_asked_to_be_incremental() -> None:
    calendar = MemoryCalendar((EVENT,))
    checkpoint = calendar.changes(None).checkpoint
    calendar.add_event(make_event("lunch@test", "Lunch", at("2026-12-01 12:00")))
    answer = calendar.changes(checkpoint)
    assert answer.complete and len(answer.events) == 2


def test_the_ics_calendar_answers_its_own_checkpoint_with_no_changes(tmp_path: Path) -> None:
    """A checkpoint naming exactly these bytes gets "nothing changed" without a parse;
    any other checkpoint (or a new process that has never listed) gets everything."""
    from integrations.ics import IcsCalendar

    path = tmp_path / "calendar.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:lunch@test\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261201T110000Z\r\n"
        b"DTEND:20261201T120000Z\r\nSUMMARY:Lunch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    calendar = IcsCalendar(
        path, tmp_path / "calls.ics", now=lambda: datetime(2026, 12, 1, tzinfo=UTC)
    )
    first = calendar.changes(None)
    for checkpoint in ("memory:1:1", "something else", None):
        answer = calendar.changes(checkpoint)
        assert answer.complete
        assert [e.uid for e in answer.events] == ["lunch@test"]
    fresh = IcsCalendar(path, tmp_path / "calls.ics", now=lambda: datetime(2026, 12, 1, tzinfo=UTC))
    unchanged = fresh.changes(first.checkpoint)
    assert (unchanged.complete, unchanged.events, unchanged.removed) == (False, (), ())
    assert unchanged.checkpoint == first.checkpoint
    path.write_bytes(path.read_bytes().replace(b"SUMMARY:Lunch", b"SUMMARY:Lunch with Kim"))
    changed = fresh.changes(first.checkpoint)
    assert changed.complete and [e.title for e in changed.events] == ["Lunch with Kim"]


def test_an_incremental_removal_of_a_whole_series_removes_its_occurrences() -> None:
    store = StateStore.in_memory()
    first = replace(EVENT, id=EventId("weekly@test", "2026-12-01T10:00:00Z"))
    second = replace(EVENT, id=EventId("weekly@test", "2026-12-08T10:00:00Z"))
    other = replace(EVENT, id=EventId("weekly@test2", "2026-12-01T10:00:00Z"))
    with store.transaction():
        store.events.replace([first, second, other])
    with store.transaction():
        store.events.apply([], [EventId("weekly@test")])
    assert [e.id for e in store.events.events()] == [other.id]
