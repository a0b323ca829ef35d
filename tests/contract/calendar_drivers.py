"""Drivers that let the calendar contract act as the user on each backend.

Each driver changes the backend the way the user's calendar app would: the
memory driver through ``MemoryCalendar``'s ``user_*`` methods, the .ics
driver by editing the file with icalendar, parsing and re-writing the whole
calendar as a calendar app does (bumping SEQUENCE and LAST-MODIFIED).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from icalendar.prop import vCalAddress, vDDDTypes

from daemon.domain.errors import BackendError
from daemon.domain.model import CalendarEvent
from daemon.domain.ports import Calendar, OwnWrite
from integrations.ics import IcsCalendar
from integrations.memory.calendar import MemoryCalendar

from .calendar_contract import CalendarDriver

#: "Now" for every driver: a fixed instant, two weeks before a DST change in Europe.
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
USER_ZONE = ZoneInfo("Europe/Berlin")


class MemoryDriver(CalendarDriver):
    def __init__(self, *, incremental: bool = False) -> None:
        self.memory = MemoryCalendar(incremental=incremental)
        self.calendar = self.memory
        self.zone = USER_ZONE
        self.now = NOW

    def add_user_event(self, event: CalendarEvent) -> None:
        self.memory.add_event(event)

    def move_own(self, key: str, new_start: datetime) -> None:
        self.memory.user_move(key, new_start)

    def delete_own(self, key: str) -> None:
        self.memory.user_delete(key)

    def edit_own_description(self, key: str, text: str) -> None:
        self.memory.user_edit_description(key, text)

    def reminder_of(self, key: str) -> timedelta | None:
        return self.memory.reminders.get(key) if self.memory.own(key) is not None else None

    def reopen(self) -> Calendar:
        # The memory backend is the instance itself; a "restart" keeps it.
        return self.memory

    def write_unanswered(self, writes: Sequence[OwnWrite]) -> None:
        self.memory.lose_next_response = True
        with pytest.raises(BackendError):
            self.memory.write_own(writes)


USER_CALENDAR = b"""BEGIN:VCALENDAR\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
VERSION:2.0\r
CALSCALE:GREGORIAN\r
METHOD:PUBLISH\r
X-WR-CALNAME:alex.candidate@example.org\r
X-WR-TIMEZONE:Europe/Berlin\r
END:VCALENDAR\r
"""


class IcsDriver(CalendarDriver):
    """An .ics calendar in ``directory``; own events in a file of their own or in the same file."""

    def __init__(self, directory: Path, *, same_file: bool) -> None:
        self.path = directory / "calendar.ics"
        self.path.write_bytes(USER_CALENDAR)
        self.calls_path = self.path if same_file else directory / "calls.ics"
        self.zone = USER_ZONE
        self.now = NOW
        self.calendar = self.reopen()

    def reopen(self) -> Calendar:
        return IcsCalendar(
            self.path,
            None if self.calls_path == self.path else self.calls_path,
            default_tz=self.zone,
            now=lambda: self.now,
        )

    def write_unanswered(self, writes: Sequence[OwnWrite]) -> None:
        # The write reaches the file; the process that made it dies before it can answer.
        self.reopen().write_own(writes)

    def add_user_event(self, event: CalendarEvent) -> None:
        def add(calendar: icalendar.Calendar) -> None:
            calendar.add_component(user_event_component(event))

        edit_file(self.path, add)

    def move_own(self, key: str, new_start: datetime) -> None:
        def move(event: icalendar.Component) -> None:
            length = event.decoded("DTEND") - event.decoded("DTSTART")
            event["DTSTART"] = vDDDTypes(new_start)
            event["DTEND"] = vDDDTypes(new_start + length)

        self._edit_own(key, move)

    def delete_own(self, key: str) -> None:
        def delete(calendar: icalendar.Calendar) -> None:
            calendar.subcomponents = [c for c in calendar.subcomponents if not is_own(c, key)]

        edit_file(self.calls_path, delete)

    def edit_own_description(self, key: str, text: str) -> None:
        def describe(event: icalendar.Component) -> None:
            event["DESCRIPTION"] = text

        self._edit_own(key, describe)

    def reminder_of(self, key: str) -> timedelta | None:
        calendar = icalendar.Calendar.from_ical(self.calls_path.read_bytes())
        (event,) = [c for c in calendar.subcomponents if is_own(c, key)]
        alarms = [c for c in event.subcomponents if c.name == "VALARM"]
        assert len(alarms) <= 1, f"{len(alarms)} alarms on {key}"
        if not alarms:
            return None
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        trigger = alarms[0].decoded("TRIGGER")
        assert isinstance(trigger, timedelta), trigger
        return -trigger

    def _edit_own(self, key: str, change: Callable[[icalendar.Component], None]) -> None:
        def edit(calendar: icalendar.Calendar) -> None:
            matches = [c for c in calendar.subcomponents if is_own(c, key)]
            assert len(matches) == 1, f"expected one own event with key {key}, found {matches}"
            change(matches[0])
            # What a calendar app does on every edit.
            matches[0]["SEQUENCE"] = int(matches[0].get("SEQUENCE", 0)) + 1
            matches[0]["LAST-MODIFIED"] = vDDDTypes(NOW)

        edit_file(self.calls_path, edit)


def is_own(component: icalendar.Component, key: str) -> bool:
    return component.name == "VEVENT" and str(component.get("UID")) == f"{key}@interview-followup"


def edit_file(path: Path, change: Callable[[icalendar.Calendar], None]) -> None:
    """Parse, change and re-write a whole calendar file, as a calendar app saves it."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    change(calendar)
    calendar.add_missing_timezones()
    path.write_bytes(calendar.to_ical())


def user_event_component(event: CalendarEvent) -> icalendar.Event:
    component = icalendar.Event()
    component.add("UID", event.uid)
    component.add("DTSTAMP", NOW)
    component.add("SUMMARY", event.title)
    if event.all_day:
        component.add("DTSTART", event.start.date())
        component.add("DTEND", event.end.date())
    else:
        component.add("DTSTART", event.start)
        component.add("DTEND", event.end)
    if event.description:
        component.add("DESCRIPTION", event.description)
    component.add("STATUS", event.status.value)
    if event.organizer:
        component.add("ORGANIZER", vCalAddress(f"mailto:{event.organizer}"))
    for attendee in event.attendees:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["CN"] = attendee.name
        address.params["PARTSTAT"] = attendee.partstat.value
        address.params["CUTYPE"] = "ROOM" if attendee.resource else "INDIVIDUAL"
        component.add("ATTENDEE", address, encode=False)
    return component
