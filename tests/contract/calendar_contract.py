"""The contract of the ``Calendar`` port: what every calendar adapter must do.

A new backend (Google Calendar, CalDAV, ...) is done when it passes this suite.
To run it against an adapter, subclass ``CalendarContract`` in a ``Test*``
class and override the ``driver`` fixture with a ``CalendarDriver`` for that
backend: the driver holds the adapter under test and acts as the user would
in their calendar app (add an interview, move or delete a call, write
``#decided`` into it), through the backend itself, never through the adapter.

Listings are read through a ``Mirror`` that applies both complete and
incremental answers, so the same tests hold for adapters that list
everything each time (files) and for those that sync changes (Google's
``syncToken``).
"""

from __future__ import annotations

import abc
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from daemon.domain.model import Attendee, CalendarEvent, EventStatus, PartStat
from daemon.domain.ports import Calendar, CallEvent, EventChanges


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
    def move_call(self, key: str, new_start: datetime) -> None:
        """Drag the call event with ``key`` to ``new_start``, keeping its length."""

    @abc.abstractmethod
    def delete_call(self, key: str) -> None:
        """Delete the call event with ``key`` in the calendar app."""

    @abc.abstractmethod
    def edit_call_description(self, key: str, text: str) -> None:
        """Replace the notes of the call event with ``key``."""

    @abc.abstractmethod
    def reopen(self) -> Calendar:
        """A new adapter over the same backend, as after a restart of the service."""


class Mirror:
    """What a client of the port knows after applying every answer of ``changes``."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.checkpoint: str | None = None
        self.events: dict[str, CalendarEvent] = {}

    def refresh(self) -> EventChanges:
        changes = self.calendar.changes(self.checkpoint)
        if changes.complete:
            self.events = {event.uid: event for event in changes.events}
        else:
            for uid in changes.removed:
                self.events.pop(uid, None)
            self.events.update({event.uid: event for event in changes.events})
        self.checkpoint = changes.checkpoint
        return changes

    def calls(self) -> dict[str, CalendarEvent]:
        self.refresh()
        calls = [event for event in self.events.values() if event.own_key is not None]
        keys = [event.own_key for event in calls]
        assert len(keys) == len(set(keys)), f"a key is listed twice: {keys}"
        return {event.own_key: event for event in calls if event.own_key is not None}

    def user_events(self) -> dict[str, CalendarEvent]:
        self.refresh()
        return {uid: event for uid, event in self.events.items() if event.own_key is None}


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
    def call(
        driver: CalendarDriver,
        key: str = "0123456789abcdef0123456789abcdef",
        *,
        days: int = 8,
        hour: int = 10,
        zone: ZoneInfo | None = None,
        title: str = "Call Hiro Manager (Contoso)",
        description: str = "Hiro Manager, VP Data\ntel:+14155550123\nAsk how it is going.",
    ) -> CallEvent:
        zone = zone or driver.zone
        day = (driver.now + timedelta(days=days)).astimezone(zone).date()
        start = datetime.combine(day, time(hour), tzinfo=zone)
        return CallEvent(
            key=key,
            start=start,
            end=start + timedelta(minutes=15),
            title=title,
            description=description,
        )

    # -- writing calls ------------------------------------------------------------

    def test_a_new_calendar_lists_no_calls(self, mirror: Mirror) -> None:
        assert mirror.calls() == {}

    def test_a_put_call_is_listed_with_its_key(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.call(driver)
        uid = driver.calendar.put_call(call)

        listed = mirror.calls()[call.key]
        assert listed.uid == uid
        assert (listed.title, listed.description) == (call.title, call.description)
        assert listed.attendees == ()
        assert not listed.all_day

    @pytest.mark.parametrize(
        "zone",
        [ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), ZoneInfo("UTC")],
        ids=str,
    )
    def test_call_times_are_aware_and_the_same_instants(
        self, driver: CalendarDriver, mirror: Mirror, zone: ZoneInfo
    ) -> None:
        # Three weeks out crosses a daylight-saving change in March and October.
        call = self.call(driver, days=21, zone=zone)
        driver.calendar.put_call(call)

        listed = mirror.calls()[call.key]
        assert listed.start.tzinfo is not None and listed.end.tzinfo is not None
        assert listed.start == call.start
        assert listed.end == call.end

    def test_a_call_at_a_fixed_utc_offset_keeps_its_instant(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        start = driver.now.astimezone(timezone(timedelta(hours=-3))) + timedelta(days=3)
        call = CallEvent(
            "fedcba9876543210fedcba9876543210", start, start + timedelta(minutes=15), "Call", ""
        )
        driver.calendar.put_call(call)

        listed = mirror.calls()[call.key]
        assert (listed.start, listed.end) == (call.start, call.end)

    def test_text_survives_the_round_trip(self, driver: CalendarDriver, mirror: Mirror) -> None:
        title = 'Call Zoë Ødegaard-Ñúñez; re: "Data", (Contoso) \\ 🚀'
        description = (
            "Zoë Ødegaard-Ñúñez, Head of Data, tel:+4930123456\n"
            "Script: Hello Zoë, I wanted to follow up on our conversation; thank you, again!\n"
            "Backslash \\ comma , semicolon ; colon : and a long line "
            + "that must be folded by any writer that respects seventy-five octets "
            * 3
        )
        call = self.call(driver, title=title, description=description)
        driver.calendar.put_call(call)

        listed = mirror.calls()[call.key]
        assert (listed.title, listed.description) == (title, description)

    def test_put_call_twice_makes_one_event_with_one_id(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.call(driver)
        first = driver.calendar.put_call(call)
        second = driver.calendar.put_call(call)

        assert first == second
        assert list(mirror.calls()) == [call.key]

    def test_a_second_put_with_another_time_does_not_move_the_call(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.call(driver)
        uid = driver.calendar.put_call(call)
        later = CallEvent(
            call.key, call.start + timedelta(days=2), call.end + timedelta(days=2), "Other", "x"
        )

        assert driver.calendar.put_call(later) == uid
        listed = mirror.calls()[call.key]
        assert (listed.start, listed.title) == (call.start, call.title)

    def test_put_after_the_user_moved_the_call_keeps_the_users_time(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.call(driver)
        uid = driver.calendar.put_call(call)
        moved = call.start + timedelta(days=1, hours=4)
        driver.move_call(call.key, moved)

        assert driver.calendar.put_call(call) == uid
        assert mirror.calls()[call.key].start == moved

    def test_calls_with_different_keys_are_separate_events(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        first = self.call(driver, "a" * 32, days=7)
        second = self.call(driver, "b" * 32, days=14)
        first_id = driver.calendar.put_call(first)
        second_id = driver.calendar.put_call(second)

        assert first_id != second_id
        calls = mirror.calls()
        assert set(calls) == {first.key, second.key}
        assert (calls[first.key].uid, calls[second.key].uid) == (first_id, second_id)

    def test_a_restarted_adapter_finds_the_calls_again(self, driver: CalendarDriver) -> None:
        call = self.call(driver)
        uid = driver.calendar.put_call(call)

        again = driver.reopen()
        assert again.put_call(call) == uid
        assert list(Mirror(again).calls()) == [call.key]

    # -- removing calls -----------------------------------------------------------

    def test_remove_call_takes_it_off_the_listing(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.call(driver)
        driver.calendar.put_call(call)
        assert call.key in mirror.calls()

        driver.calendar.remove_call(call.key)
        assert call.key not in mirror.calls()

    def test_remove_call_is_idempotent(self, driver: CalendarDriver, mirror: Mirror) -> None:
        call = self.call(driver)
        driver.calendar.put_call(call)
        driver.calendar.remove_call(call.key)
        driver.calendar.remove_call(call.key)
        driver.calendar.remove_call("9" * 32)  # never existed

        assert mirror.calls() == {}

    def test_remove_call_leaves_the_other_calls(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        keep, drop = self.call(driver, "c" * 32), self.call(driver, "d" * 32, days=9)
        driver.calendar.put_call(keep)
        driver.calendar.put_call(drop)

        driver.calendar.remove_call(drop.key)
        assert list(mirror.calls()) == [keep.key]

    def test_remove_call_leaves_the_users_events(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        interview = self.interview(driver)
        driver.add_user_event(interview)
        call = self.call(driver)
        driver.calendar.put_call(call)

        driver.calendar.remove_call(call.key)
        assert list(mirror.user_events()) == [interview.uid]

    # -- the user's edits to calls ---------------------------------------------------

    def test_a_call_the_user_moved_reads_back_at_the_new_time(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.call(driver)
        uid = driver.calendar.put_call(call)
        mirror.refresh()
        moved = call.start + timedelta(days=2, hours=-1)
        driver.move_call(call.key, moved)

        listed = mirror.calls()[call.key]
        assert listed.uid == uid
        assert (listed.start, listed.end) == (moved, moved + (call.end - call.start))

    def test_a_call_the_user_deleted_is_gone_and_removing_it_is_a_no_op(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.call(driver)
        driver.calendar.put_call(call)
        mirror.refresh()
        driver.delete_call(call.key)

        assert call.key not in mirror.calls()
        driver.calendar.remove_call(call.key)
        assert call.key not in mirror.calls()

    def test_the_users_notes_on_a_call_are_visible(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.call(driver)
        driver.calendar.put_call(call)
        mirror.refresh()
        driver.edit_call_description(call.key, call.description + "\n#decided")

        assert mirror.calls()[call.key].description.endswith("#decided")

    # -- user events ----------------------------------------------------------------

    @staticmethod
    def interview(driver: CalendarDriver, uid: str = "interview-1@example.org") -> CalendarEvent:
        day = (driver.now - timedelta(days=2)).astimezone(driver.zone).date()
        start = datetime.combine(day, time(14), tzinfo=driver.zone)
        return CalendarEvent(
            uid=uid,
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
        assert listed.own_key is None
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
            uid="all-day@example.org",
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
            uid="cancelled@example.org",
            title="Interview - Initech",
            start=interview.start,
            end=interview.end,
            status=EventStatus.CANCELLED,
        )
        driver.add_user_event(cancelled)

        assert mirror.user_events()[cancelled.uid].status is EventStatus.CANCELLED

    def test_events_the_user_adds_are_seen_next_to_the_calls(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        call = self.call(driver)
        driver.calendar.put_call(call)
        mirror.refresh()
        driver.add_user_event(self.interview(driver, "second-round@example.org"))

        assert list(mirror.user_events()) == ["second-round@example.org"]
        assert list(mirror.calls()) == [call.key]

    # -- checkpoints ----------------------------------------------------------------

    def test_the_checkpoint_is_stable_while_nothing_changes(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        driver.add_user_event(self.interview(driver))
        driver.calendar.put_call(self.call(driver))
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
        "change", ["put", "remove", "user moves", "user deletes", "user edits", "user adds"]
    )
    def test_every_change_is_seen_after_the_checkpoint(
        self, driver: CalendarDriver, mirror: Mirror, change: str
    ) -> None:
        call = self.call(driver)
        driver.calendar.put_call(call)
        before = mirror.refresh()
        snapshot = dict(mirror.events)

        match change:
            case "put":
                driver.calendar.put_call(self.call(driver, "e" * 32))
            case "remove":
                driver.calendar.remove_call(call.key)
            case "user moves":
                driver.move_call(call.key, call.start + timedelta(hours=3))
            case "user deletes":
                driver.delete_call(call.key)
            case "user edits":
                driver.edit_call_description(call.key, "#decided")
            case "user adds":
                driver.add_user_event(self.interview(driver))

        after = mirror.refresh()
        if self.checkpoints_are_versions:
            assert after.checkpoint != before.checkpoint
        assert mirror.events != snapshot

    def test_listings_hold_only_aware_times(self, driver: CalendarDriver, mirror: Mirror) -> None:
        driver.add_user_event(self.interview(driver))
        driver.calendar.put_call(self.call(driver))
        mirror.refresh()

        for event in mirror.events.values():
            assert event.start.utcoffset() is not None, event
            assert event.end.utcoffset() is not None, event
            assert event.end >= event.start, event
