"""The contract of the ``Calendar`` port: what every calendar adapter must do.

A new backend (Google Calendar, CalDAV, ...) is done when it passes this suite.
To run it against an adapter, subclass ``CalendarContract`` in a ``Test*``
class and override the ``driver`` fixture with a ``CalendarDriver`` for that
backend: the driver holds the adapter under test and acts as the user would
in their calendar app (add an interview, move or delete an own event, write
``#decided`` into it), through the backend itself, never through the adapter.

Own events of every kind behave alike: the tests run with calls and with
debriefs, and a batch mixes kinds. The adapter may not know what a kind means.

Listings are read through a ``Mirror`` that applies both complete and
incremental answers, so the same tests hold for adapters that list
everything each time (files) and for those that sync changes (Google's
``syncToken``).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from daemon.compose.composer import Composer
from daemon.domain.model import (
    Attendee,
    CalendarEvent,
    EventId,
    EventStatus,
    Interview,
    OwnKind,
    OwnTag,
    PartStat,
    Person,
    Role,
)
from daemon.domain.ports import (
    Calendar,
    EventChanges,
    OwnEvent,
    OwnField,
    OwnWrite,
    PutOwn,
    RemoveOwn,
    UpdateOwn,
    WriteResult,
)
from daemon.domain.settings import Profile
from daemon.reading.debrief import edits

#: Kinds the per-kind tests run with: the first and a second, so nothing is call-only.
KINDS = [OwnKind.CALL, OwnKind.DEBRIEF]


class CalendarDriver(abc.ABC):
    """One backend as the tests see it: the adapter under test, and the user's hands."""

    #: The adapter under test.
    calendar: Calendar
    #: The user's time zone, as configured for the adapter (all-day events are read in it).
    zone: ZoneInfo
    #: "Now" for the adapter; test times are placed around it.
    now: datetime

    @abc.abstractmethod
    def add_user_event(self, event: CalendarEvent) -> None:
        """Put an event on the calendar as an invitation or the user would."""

    @abc.abstractmethod
    def move_own(self, key: str, new_start: datetime) -> None:
        """Drag the own event with ``key`` to ``new_start``, keeping its length."""

    @abc.abstractmethod
    def delete_own(self, key: str) -> None:
        """Delete the own event with ``key`` in the calendar app."""

    @abc.abstractmethod
    def edit_own_description(self, key: str, text: str) -> None:
        """Replace the notes of the own event with ``key``."""

    @abc.abstractmethod
    def reminder_of(self, key: str) -> timedelta | None:
        """The popup reminder the backend holds for the own event with ``key`` (None: none)."""

    @abc.abstractmethod
    def reopen(self) -> Calendar:
        """A new adapter over the same backend, as after a restart of the service."""

    @abc.abstractmethod
    def write_unanswered(self, writes: Sequence[OwnWrite]) -> None:
        """Let the backend apply ``writes`` while their answer never reaches the service."""


class Mirror:
    """What a client of the port knows after applying every answer of ``changes``."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.checkpoint: str | None = None
        self.events: dict[EventId, CalendarEvent] = {}

    def refresh(self) -> EventChanges:
        changes = self.calendar.changes(self.checkpoint)
        if changes.complete:
            self.events = {event.id: event for event in changes.events}
        else:
            for event_id in changes.removed:
                self.events.pop(event_id, None)
            self.events.update({event.id: event for event in changes.events})
        self.checkpoint = changes.checkpoint
        return changes

    def own(self) -> dict[str, CalendarEvent]:
        """The own events by key, after a refresh; a key listed twice fails the test."""
        self.refresh()
        tags = [event.own for event in self.events.values() if event.own is not None]
        keys = [tag.key for tag in tags]
        assert len(keys) == len(set(keys)), f"a key is listed twice: {keys}"
        return {event.own.key: event for event in self.events.values() if event.own is not None}

    def user_events(self) -> dict[str, CalendarEvent]:
        self.refresh()
        return {event.uid: event for event in self.events.values() if event.own is None}


def ok(results: list[WriteResult], count: int) -> list[WriteResult]:
    """``results`` after checking there is one per write and none failed."""
    assert len(results) == count, results
    assert all(result.ok for result in results), results
    return results


class CalendarContract:
    """Tests every ``Calendar`` adapter passes. Subclasses provide ``driver``."""

    #: Whether the checkpoint is a version of the content: unchanged content gives
    #: the same checkpoint. A backend that hands out a fresh token on every call
    #: may set this to False; the Mirror-based tests still hold it to the contract.
    checkpoints_are_versions = True

    @pytest.fixture
    def driver(self) -> CalendarDriver:
        raise NotImplementedError("a contract subclass provides the driver fixture")

    @pytest.fixture
    def mirror(self, driver: CalendarDriver) -> Mirror:
        return Mirror(driver.calendar)

    # -- helpers ----------------------------------------------------------------

    @staticmethod
    def own_event(
        driver: CalendarDriver,
        key: str = "0123456789abcdef0123456789abcdef",
        *,
        kind: OwnKind = OwnKind.CALL,
        days: int = 8,
        hour: int = 10,
        zone: ZoneInfo | None = None,
        title: str = "Call Hiro Manager (Contoso)",
        description: str = "Hiro Manager, VP Data\ntel:+14155550123\nAsk how it is going.",
        reminder: timedelta | None = None,
    ) -> OwnEvent:
        zone = zone or driver.zone
        day = (driver.now + timedelta(days=days)).astimezone(zone).date()
        start = datetime.combine(day, time(hour), tzinfo=zone)
        return OwnEvent(
            kind=kind,
            key=key,
            start=start,
            end=start + timedelta(minutes=15),
            title=title,
            description=description,
            reminder=reminder,
        )

    @staticmethod
    def put(driver: CalendarDriver, *events: OwnEvent) -> list[str]:
        """Put ``events`` in one batch; their remote ids."""
        results = ok(driver.calendar.write_own([PutOwn(event) for event in events]), len(events))
        return [result.remote_id for result in results]

    @staticmethod
    def update(driver: CalendarDriver, event: OwnEvent, *fields: OwnField) -> WriteResult:
        (result,) = ok(driver.calendar.write_own([UpdateOwn(event, frozenset(fields))]), 1)
        return result

    @staticmethod
    def remove(driver: CalendarDriver, *keys: str, kind: OwnKind = OwnKind.CALL) -> None:
        ok(driver.calendar.write_own([RemoveOwn(kind, key) for key in keys]), len(keys))

    # -- writing own events ---------------------------------------------------------

    def test_a_new_calendar_lists_no_own_events(self, mirror: Mirror) -> None:
        assert mirror.own() == {}

    def test_an_empty_batch_writes_nothing(self, driver: CalendarDriver, mirror: Mirror) -> None:
        before = mirror.refresh()
        assert driver.calendar.write_own([]) == []
        if self.checkpoints_are_versions:
            assert mirror.refresh().checkpoint == before.checkpoint

    @pytest.mark.parametrize("kind", KINDS, ids=str)
    def test_a_put_is_listed_with_its_kind_and_key(
        self, driver: CalendarDriver, mirror: Mirror, kind: OwnKind
    ) -> None:
        event = self.own_event(driver, kind=kind, title=f"A {kind} with Hiro")
        (uid,) = self.put(driver, event)

        listed = mirror.own()[event.key]
        assert listed.own == OwnTag(kind, event.key)
        assert listed.uid == uid
        assert (listed.title, listed.description) == (event.title, event.description)
        assert (listed.start, listed.end) == (event.start, event.end)
        assert listed.attendees == ()
        assert not listed.all_day

    @pytest.mark.parametrize(
        "zone",
        [ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), ZoneInfo("UTC")],
        ids=str,
    )
    def test_own_event_times_are_aware_and_the_same_instants(
        self, driver: CalendarDriver, mirror: Mirror, zone: ZoneInfo
    ) -> None:
        # Three weeks out crosses a daylight-saving change in March and October.
        event = self.own_event(driver, days=21, zone=zone)
        self.put(driver, event)

        listed = mirror.own()[event.key]
        assert listed.start.tzinfo is not None and listed.end.tzinfo is not None
        assert (listed.start, listed.end) == (event.start, event.end)

    def test_an_own_event_at_a_fixed_utc_offset_keeps_its_instant(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        start = driver.now.astimezone(timezone(timedelta(hours=-3))) + timedelta(days=3)
        event = OwnEvent(
            OwnKind.CALL, "fedcba9876543210" * 2, start, start + timedelta(minutes=15), "Call", ""
        )
        self.put(driver, event)

        listed = mirror.own()[event.key]
        assert (listed.start, listed.end) == (event.start, event.end)

    def test_text_survives_the_round_trip(self, driver: CalendarDriver, mirror: Mirror) -> None:
        title = 'Call Zoë Ødegaard-Ñúñez; re: "Data", (Contoso) \\ 🚀'
        description = (
            "Zoë Ødegaard-Ñúñez, Head of Data, tel:+4930123456\n"
            "Script: Hello Zoë, I wanted to follow up on our conversation; thank you, again!\n"
            "Backslash \\ comma , semicolon ; colon : and a long line "
            + "that must be folded by any writer that respects seventy-five octets "
            * 3
        )
        event = self.own_event(driver, title=title, description=description)
        self.put(driver, event)

        listed = mirror.own()[event.key]
        assert (listed.title, listed.description) == (title, description)

    def test_a_put_twice_makes_one_event_with_one_id(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        event = self.own_event(driver)
        (first,) = self.put(driver, event)
        (second,) = self.put(driver, event)
        # Twice in one batch too: the second finds what the first wrote.
        third, fourth = self.put(driver, event, event)

        assert first == second == third == fourth
        assert list(mirror.own()) == [event.key]

    def test_a_second_put_with_another_time_does_not_move_the_event(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        event = self.own_event(driver)
        (uid,) = self.put(driver, event)
        later = OwnEvent(
            event.kind, event.key, event.start + timedelta(days=2), event.end + timedelta(days=2),
            "Other", "x",
        )  # fmt: skip

        assert self.put(driver, later) == [uid]
        listed = mirror.own()[event.key]
        assert (listed.start, listed.title) == (event.start, event.title)

    def test_a_put_after_the_user_moved_the_event_keeps_the_users_time(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        event = self.own_event(driver)
        (uid,) = self.put(driver, event)
        moved = event.start + timedelta(days=1, hours=4)
        driver.move_own(event.key, moved)

        assert self.put(driver, event) == [uid]
        assert mirror.own()[event.key].start == moved

    def test_own_events_of_different_keys_and_kinds_are_separate(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.own_event(driver, "a" * 32, days=7)
        debrief = self.own_event(driver, "b" * 32, kind=OwnKind.DEBRIEF, days=-1, hour=15)
        call_id, debrief_id = self.put(driver, call, debrief)

        assert call_id != debrief_id
        listed = mirror.own()
        assert set(listed) == {call.key, debrief.key}
        assert (listed[call.key].uid, listed[debrief.key].uid) == (call_id, debrief_id)
        assert listed[call.key].own == call.tag
        assert listed[debrief.key].own == debrief.tag

    def test_a_restarted_adapter_finds_the_own_events_again(self, driver: CalendarDriver) -> None:
        call = self.own_event(driver, "c" * 32)
        debrief = self.own_event(driver, "d" * 32, kind=OwnKind.DEBRIEF, days=1)
        uids = self.put(driver, call, debrief)

        again = driver.reopen()
        results = ok(again.write_own([PutOwn(call), PutOwn(debrief)]), 2)
        assert [result.remote_id for result in results] == uids
        assert set(Mirror(again).own()) == {call.key, debrief.key}

    def test_a_batch_retried_after_its_answer_was_lost_writes_nothing_twice(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        events = [
            self.own_event(driver, f"{n:032x}", kind=KINDS[n % 2], days=n + 1) for n in range(4)
        ]
        driver.write_unanswered([PutOwn(event) for event in events])

        # The service never heard back, so it sends the same batch again.
        results = ok(driver.calendar.write_own([PutOwn(event) for event in events]), 4)
        listed = mirror.own()
        assert set(listed) == {event.key for event in events}
        assert [result.remote_id for result in results] == [
            listed[event.key].uid for event in events
        ]
        assert [result.key for result in results] == [event.key for event in events]

    def test_a_batch_of_many_writes_has_one_result_per_write_in_order(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        kinds = [OwnKind.CALL, OwnKind.DEBRIEF, OwnKind.SEND_BY, OwnKind.HANDWRITTEN]
        first = [
            self.own_event(driver, f"{n:032x}", kind=kinds[n % 4], days=1 + n % 30, hour=8 + n % 9)
            for n in range(40)
        ]
        self.put(driver, *first[:20])
        later = first[5].start + timedelta(days=1)
        moved = OwnEvent(
            first[5].kind, first[5].key, later, later + timedelta(minutes=15), "x", "y"
        )
        writes: list[OwnWrite] = [
            *(PutOwn(event) for event in first[20:]),  # new
            PutOwn(first[0]),  # exists already
            UpdateOwn(moved, frozenset({"time"})),
            RemoveOwn(first[6].kind, first[6].key),
            RemoveOwn(OwnKind.CALL, "f" * 32),  # never existed
            PutOwn(first[6]),  # back again, in the same batch
            RemoveOwn(first[39].kind, first[39].key),  # put earlier in this batch
        ]
        results = ok(driver.calendar.write_own(writes), len(writes))

        assert [result.key for result in results] == [
            write.key if isinstance(write, RemoveOwn) else write.event.key for write in writes
        ]
        listed = mirror.own()
        assert set(listed) == {event.key for event in first[:39]}
        assert listed[first[5].key].start == later
        assert listed[first[5].key].title == first[5].title
        for event in first[:39]:
            assert listed[event.key].own == event.tag
        for result, write in zip(results[:20], writes[:20], strict=True):
            assert isinstance(write, PutOwn)
            if write.event.key != first[39].key:
                assert result.remote_id == listed[write.event.key].uid

    def test_a_write_that_cannot_be_done_fails_alone(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        good = self.own_event(driver, "1" * 32)
        other = self.own_event(driver, "2" * 32, days=9)
        naive = OwnEvent(
            OwnKind.CALL, "3" * 32, good.start.replace(tzinfo=None),
            good.end.replace(tzinfo=None), "Naive", "",
        )  # fmt: skip
        results = driver.calendar.write_own([PutOwn(good), PutOwn(naive), PutOwn(other)])

        assert [result.ok for result in results] == [True, False, True]
        assert results[1].key == naive.key and results[1].error
        assert set(mirror.own()) == {good.key, other.key}

    # -- reminders ------------------------------------------------------------------

    @pytest.mark.parametrize("kind", KINDS, ids=str)
    def test_an_own_event_keeps_its_reminder(self, driver: CalendarDriver, kind: OwnKind) -> None:
        with_popup = self.own_event(driver, "4" * 32, kind=kind, reminder=timedelta(minutes=10))
        without = self.own_event(driver, "5" * 32, kind=kind, days=9)
        self.put(driver, with_popup, without)

        assert driver.reminder_of(with_popup.key) == timedelta(minutes=10)
        assert driver.reminder_of(without.key) is None

    def test_an_update_of_the_reminder_changes_only_the_reminder(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        event = self.own_event(driver, kind=OwnKind.DEBRIEF, reminder=timedelta(minutes=10))
        self.put(driver, event)
        earlier = OwnEvent(
            event.kind, event.key, event.start + timedelta(hours=1),
            event.end + timedelta(hours=1), "Other", "Other", timedelta(minutes=90),
        )  # fmt: skip

        self.update(driver, earlier, "reminder")
        assert driver.reminder_of(event.key) == timedelta(minutes=90)
        listed = mirror.own()[event.key]
        assert (listed.start, listed.title, listed.description) == (
            event.start,
            event.title,
            event.description,
        )

        self.update(driver, earlier, "time")
        assert driver.reminder_of(event.key) == timedelta(minutes=90)
        self.update(driver, replace(earlier, reminder=None), "reminder")
        assert driver.reminder_of(event.key) is None
        self.update(driver, replace(earlier, reminder=timedelta(minutes=5)), "reminder")
        assert driver.reminder_of(event.key) == timedelta(minutes=5)

    # -- updating own events ----------------------------------------------------------

    @pytest.mark.parametrize("kind", KINDS, ids=str)
    def test_an_update_of_the_time_keeps_the_users_notes(
        self, driver: CalendarDriver, mirror: Mirror, kind: OwnKind
    ) -> None:
        event = self.own_event(driver, kind=kind)
        (uid,) = self.put(driver, event)
        driver.edit_own_description(event.key, event.description + "\nDecision maker: Hiro")
        later = event.start + timedelta(days=3, hours=2)
        moved = OwnEvent(
            kind, event.key, later, later + timedelta(minutes=30), "New title", "New text"
        )

        result = self.update(driver, moved, "time")
        assert result.remote_id == uid and not result.missing
        listed = mirror.own()[event.key]
        assert (listed.start, listed.end) == (moved.start, moved.end)
        assert listed.title == event.title
        assert listed.description == event.description + "\nDecision maker: Hiro"
        assert listed.own == OwnTag(kind, event.key)

    def test_an_update_changes_the_fields_it_names_and_no_other(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        event = self.own_event(driver)
        self.put(driver, event)
        changed = OwnEvent(
            event.kind, event.key, event.start + timedelta(days=1),
            event.end + timedelta(days=1), "Call Hiro (Contoso), new number", "tel:+1415555",
        )  # fmt: skip

        self.update(driver, changed, "title")
        listed = mirror.own()[event.key]
        assert (listed.title, listed.description, listed.start) == (
            changed.title,
            event.description,
            event.start,
        )
        self.update(driver, changed, "description")
        listed = mirror.own()[event.key]
        assert (listed.title, listed.description, listed.start) == (
            changed.title,
            changed.description,
            event.start,
        )
        self.update(driver, changed, "time", "title", "description")
        listed = mirror.own()[event.key]
        assert (listed.start, listed.end) == (changed.start, changed.end)

    def test_an_update_moves_an_event_the_user_had_moved(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        event = self.own_event(driver)
        self.put(driver, event)
        driver.move_own(event.key, event.start + timedelta(hours=5))
        target = event.start + timedelta(days=7)

        self.update(driver, moved_to(event, target), "time")
        assert mirror.own()[event.key].start == target

    def test_an_update_of_an_event_the_user_deleted_says_so_and_writes_nothing(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        event = self.own_event(driver, kind=OwnKind.DEBRIEF)
        self.put(driver, event)
        driver.delete_own(event.key)
        before = mirror.refresh()

        result = self.update(driver, moved_to(event, event.start + timedelta(days=1)), "time")
        assert result.missing
        assert event.key not in mirror.own()
        if self.checkpoints_are_versions:
            assert mirror.refresh().checkpoint == before.checkpoint

    def test_an_update_of_a_key_never_written_is_missing(self, driver: CalendarDriver) -> None:
        event = self.own_event(driver, "6" * 32)
        assert self.update(driver, event, "time", "title").missing

    # -- removing own events -------------------------------------------------------------

    @pytest.mark.parametrize("kind", KINDS, ids=str)
    def test_a_remove_takes_it_off_the_listing(
        self, driver: CalendarDriver, mirror: Mirror, kind: OwnKind
    ) -> None:
        event = self.own_event(driver, kind=kind)
        self.put(driver, event)
        assert event.key in mirror.own()

        self.remove(driver, event.key, kind=kind)
        assert event.key not in mirror.own()

    def test_a_remove_is_idempotent(self, driver: CalendarDriver, mirror: Mirror) -> None:
        event = self.own_event(driver)
        self.put(driver, event)
        self.remove(driver, event.key)
        self.remove(driver, event.key, "9" * 32)  # again, and one that never existed

        assert mirror.own() == {}

    def test_a_remove_leaves_the_other_own_events(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        keep = self.own_event(driver, "c" * 32)
        drop = self.own_event(driver, "d" * 32, kind=OwnKind.DEBRIEF, days=9)
        self.put(driver, keep, drop)

        self.remove(driver, drop.key, kind=OwnKind.DEBRIEF)
        assert list(mirror.own()) == [keep.key]

    def test_a_remove_leaves_the_users_events(self, driver: CalendarDriver, mirror: Mirror) -> None:
        interview = self.interview(driver)
        driver.add_user_event(interview)
        event = self.own_event(driver)
        self.put(driver, event)

        self.remove(driver, event.key)
        assert list(mirror.user_events()) == [interview.uid]

    # -- the user's edits to own events ---------------------------------------------------

    @pytest.mark.parametrize("kind", KINDS, ids=str)
    def test_an_own_event_the_user_moved_reads_back_at_the_new_time(
        self, driver: CalendarDriver, mirror: Mirror, kind: OwnKind
    ) -> None:
        event = self.own_event(driver, kind=kind)
        (uid,) = self.put(driver, event)
        mirror.refresh()
        moved = event.start + timedelta(days=2, hours=-1)
        driver.move_own(event.key, moved)

        listed = mirror.own()[event.key]
        assert listed.uid == uid
        assert listed.own == OwnTag(kind, event.key)
        assert (listed.start, listed.end) == (moved, moved + (event.end - event.start))

    @pytest.mark.parametrize("kind", KINDS, ids=str)
    def test_an_own_event_the_user_deleted_is_gone_and_removing_it_is_a_no_op(
        self, driver: CalendarDriver, mirror: Mirror, kind: OwnKind
    ) -> None:
        event = self.own_event(driver, kind=kind)
        self.put(driver, event)
        mirror.refresh()
        driver.delete_own(event.key)

        assert event.key not in mirror.own()
        self.remove(driver, event.key, kind=kind)
        assert event.key not in mirror.own()

    @pytest.mark.parametrize("kind", KINDS, ids=str)
    def test_the_users_notes_on_an_own_event_are_visible(
        self, driver: CalendarDriver, mirror: Mirror, kind: OwnKind
    ) -> None:
        event = self.own_event(driver, kind=kind)
        self.put(driver, event)
        mirror.refresh()
        driver.edit_own_description(event.key, event.description + "\n#decided")

        listed = mirror.own()[event.key]
        assert listed.description.endswith("#decided")
        assert listed.own == OwnTag(kind, event.key)

    def test_a_debrief_form_reads_back_line_for_line_and_as_the_user_filled_it(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        # The service tells the user's lines from its own by comparing them with
        # what it wrote: a backend that rewrote an untouched line would make it
        # the user's (harmless, never a second person) and lose a deleted one.
        interview = Interview(
            id=EventId("panel@contoso.example"),
            title="Panel interview – Contoso",
            start=driver.now + timedelta(days=1),
            end=driver.now + timedelta(days=1, hours=1),
            company="Contoso",
            application="contoso",
            people=(
                Person("Pat Panel", "pat.panel@contoso.example", "Head of Data, EMEA"),
                Person("Quinn Q.", "quinn.hr@contoso.example", role=Role.HR, phone="+14155550123"),
            ),
        )
        profile = Profile(timezone=driver.zone)
        text = Composer().compose_debrief(interview, profile)
        event = replace(
            self.own_event(
                driver, kind=OwnKind.DEBRIEF, title=text.title, description=text.description
            ),
            reminder=text.reminder,
        )
        self.put(driver, event)
        mirror.refresh()
        listed = mirror.own()[event.key]
        assert edits(listed.description, text.description).untouched
        filled = text.description.replace("Hear back:\n", "Hear back: in 2 weeks\n").replace(
            "Met: Pat Panel, Head of Data, EMEA, pat.panel@contoso.example\n", ""
        )
        driver.edit_own_description(event.key, filled)
        change = edits(mirror.own()[event.key].description, text.description)
        assert [line for line in change.added.splitlines() if line] == ["Hear back: in 2 weeks"]
        assert set(change.removed) == {
            "Hear back:",
            "Met: Pat Panel, Head of Data, EMEA, pat.panel@contoso.example",
        }

    # -- user events ----------------------------------------------------------------

    @staticmethod
    def interview(driver: CalendarDriver, uid: str = "interview-1@example.org") -> CalendarEvent:
        day = (driver.now - timedelta(days=2)).astimezone(driver.zone).date()
        start = datetime.combine(day, time(14), tzinfo=driver.zone)
        return CalendarEvent(
            id=EventId(uid),
            title="Panel interview - Contoso",
            start=start,
            end=start + timedelta(minutes=90),
            description="Company: Contoso\nHear back: in 2 weeks\nDiscussed: the data platform",
            attendees=(
                Attendee("pat.panel@contoso.example", "Pat Panel", PartStat.ACCEPTED),
                Attendee("quinn.hr@contoso.example", "Quinn Q.", PartStat.TENTATIVE),
                Attendee("carla@contoso.example", "Carla Chief", PartStat.DECLINED),
                Attendee("room-412@contoso.example", "Room 4.12", PartStat.ACCEPTED, resource=True),
            ),
            organizer="hiro.manager@contoso.example",
        )

    def test_user_events_are_listed_with_attendees_and_organizer(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        interview = self.interview(driver)
        driver.add_user_event(interview)

        listed = mirror.user_events()[interview.uid]
        assert listed.own is None
        assert listed.id == interview.id
        assert (listed.title, listed.description) == (interview.title, interview.description)
        assert (listed.start, listed.end) == (interview.start, interview.end)
        assert listed.start.tzinfo is not None
        assert listed.organizer == interview.organizer
        assert set(listed.attendees) == set(interview.attendees)
        assert (listed.status, listed.all_day) == (EventStatus.CONFIRMED, False)

    def test_an_all_day_event_is_marked_and_starts_at_midnight_in_the_users_zone(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        day = (driver.now + timedelta(days=3)).astimezone(driver.zone).date()
        start = datetime.combine(day, time(), tzinfo=driver.zone)
        event = CalendarEvent(
            id=EventId("all-day@example.org"),
            title="Career fair",
            start=start,
            end=datetime.combine(day + timedelta(days=1), time(), tzinfo=driver.zone),
            all_day=True,
        )
        driver.add_user_event(event)

        listed = mirror.user_events()[event.uid]
        assert listed.all_day
        assert (listed.start, listed.end) == (event.start, event.end)

    def test_a_cancelled_event_is_listed_as_cancelled(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        interview = self.interview(driver)
        cancelled = CalendarEvent(
            id=EventId("cancelled@example.org"),
            title="Interview - Initech",
            start=interview.start,
            end=interview.end,
            status=EventStatus.CANCELLED,
        )
        driver.add_user_event(cancelled)

        assert mirror.user_events()[cancelled.uid].status is EventStatus.CANCELLED

    def test_events_the_user_adds_are_seen_next_to_the_own_events(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        event = self.own_event(driver)
        self.put(driver, event)
        mirror.refresh()
        driver.add_user_event(self.interview(driver, "second-round@example.org"))

        assert list(mirror.user_events()) == ["second-round@example.org"]
        assert list(mirror.own()) == [event.key]

    def test_writes_leave_the_users_events_as_they_were(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        interview = self.interview(driver)
        driver.add_user_event(interview)
        before = mirror.user_events()
        event = self.own_event(driver, reminder=timedelta(minutes=15))
        self.put(driver, event)
        self.update(driver, moved_to(event, event.start + timedelta(days=1)), "time", "reminder")
        assert mirror.user_events() == before
        self.remove(driver, event.key)
        assert mirror.user_events() == before

    # -- checkpoints ----------------------------------------------------------------

    def test_the_checkpoint_is_stable_while_nothing_changes(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        driver.add_user_event(self.interview(driver))
        self.put(driver, self.own_event(driver))
        first = mirror.refresh()
        second = mirror.refresh()

        if self.checkpoints_are_versions:
            assert second.checkpoint == first.checkpoint
        # Either way, nothing changed: a complete listing equal to the last one,
        # or an incremental one that adds and removes nothing.
        if second.complete:
            assert set(second.events) == set(first.events)
        else:
            assert (second.events, second.removed) == ((), ())

    @pytest.mark.parametrize(
        "change",
        ["put", "update", "remove", "user moves", "user deletes", "user edits", "user adds"],
    )
    def test_every_change_is_seen_after_the_checkpoint(
        self, driver: CalendarDriver, mirror: Mirror, change: str
    ) -> None:
        event = self.own_event(driver)
        self.put(driver, event)
        before = mirror.refresh()
        snapshot = dict(mirror.events)

        match change:
            case "put":
                self.put(driver, self.own_event(driver, "e" * 32, kind=OwnKind.DEBRIEF))
            case "update":
                self.update(driver, moved_to(event, event.start + timedelta(hours=2)), "time")
            case "remove":
                self.remove(driver, event.key)
            case "user moves":
                driver.move_own(event.key, event.start + timedelta(hours=3))
            case "user deletes":
                driver.delete_own(event.key)
            case "user edits":
                driver.edit_own_description(event.key, "#decided")
            case "user adds":
                driver.add_user_event(self.interview(driver))

        after = mirror.refresh()
        if self.checkpoints_are_versions:
            assert after.checkpoint != before.checkpoint
        assert mirror.events != snapshot

    def test_listings_hold_only_aware_times(self, driver: CalendarDriver, mirror: Mirror) -> None:
        driver.add_user_event(self.interview(driver))
        self.put(driver, self.own_event(driver))
        mirror.refresh()

        for event in mirror.events.values():
            assert event.start.utcoffset() is not None, event
            assert event.end.utcoffset() is not None, event
            assert event.end >= event.start, event


def moved_to(event: OwnEvent, start: datetime) -> OwnEvent:
    return replace(event, start=start, end=start + (event.end - event.start))
