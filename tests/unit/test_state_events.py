"""The event cache: its codec, its migration, its store methods; the memory calendar's sync."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from daemon.domain.model import Attendee, CalendarEvent, EventStatus, PartStat
from daemon.store.codec import event_from_json, event_to_json
from daemon.store.state import MIGRATIONS, SCHEMA_VERSION, StateStore
from integrations.ics import IcsCalendar
from integrations.memory.calendar import MemoryCalendar
from tests.conftest import at, make_event

EVENT = CalendarEvent(
    uid="panel@test",
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
        "k@interview-followup",
        "Call",
        at("2026-12-08 10:00"),
        at("2026-12-08 10:15"),
        own_key="k",
        all_day=True,
    )
    for event in (EVENT, call):
        back = event_from_json(event_to_json(event))
        assert back == event
        assert back.start.utcoffset() == timedelta(0)  # stored and read as UTC
        assert back.attendees == event.attendees


def test_times_are_stored_as_utc() -> None:
    event = replace(EVENT, start=datetime(2026, 12, 1, 13, tzinfo=timezone(timedelta(hours=5))))
    assert '"start": "2026-12-01T08:00:00+00:00"' in event_to_json(event)


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
    db.execute("INSERT INTO checkpoints(name, value) VALUES ('calendar', 'ics:abc')")
    db.execute("INSERT INTO checkpoints(name, value) VALUES ('other', 'kept')")
    db.execute("PRAGMA user_version = 1")
    db.close()

    store = StateStore.open(path)
    try:
        assert store.schema_version == SCHEMA_VERSION == 2
        assert [(d.key, d.remote_id) for d in store.drafts()] == [("k1", "r1")]
        assert store.cached_events() == []
        # The cache starts empty, so the next listing must be a complete one.
        assert store.checkpoint("calendar") is None
        assert store.checkpoint("other") == "kept"
    finally:
        store.close()
    # Opening again migrates nothing more.
    store = StateStore.open(path)
    assert store.schema_version == 2
    store.close()


# -- store methods ----------------------------------------------------------------------


def test_replace_and_apply_changes() -> None:
    store = StateStore.in_memory()
    lunch = make_event("lunch@test", "Lunch", at("2026-12-01 12:00"))
    with store.transaction():
        store.replace_events([lunch, EVENT], window_start=at("2026-11-01 00:00"))
    assert store.cached_events() == [lunch, EVENT]  # in time order
    assert store.cached_window_start() == at("2026-11-01 00:00")

    moved = replace(lunch, start=at("2026-12-02 12:00"), end=at("2026-12-02 13:00"))
    with store.transaction():
        store.apply_event_changes([moved], ["panel@test", "unknown@test"])
    assert store.cached_events() == [moved]

    with store.transaction():
        store.replace_events([EVENT], keep=["lunch@test"])
    assert store.cached_events() == [EVENT, moved]
    assert store.cached_window_start() is None

    with store.transaction():
        store.replace_events([])
    assert store.cached_events() == []


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
    calendar.remove_event("panel@test")
    second = calendar.changes(first.checkpoint)
    assert not second.complete
    assert [e.title for e in second.events] == ["Lunch with Kim"]
    assert second.removed == ("panel@test",)

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


def test_the_ics_calendar_ignores_the_checkpoint_and_lists_everything(tmp_path: Path) -> None:
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
    for checkpoint in (first.checkpoint, "memory:1:1", "something else"):
        answer = calendar.changes(checkpoint)
        assert answer.complete
        assert [e.uid for e in answer.events] == ["lunch@test"]
