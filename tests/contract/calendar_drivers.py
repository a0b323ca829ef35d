"""Drivers that let the calendar contract act as the user on each backend.

Each driver changes the backend the way the user's calendar app would: the
memory driver through ``MemoryCalendar``'s ``user_*`` methods, the .ics
driver by editing the file with icalendar, parsing and re-writing the whole
calendar as a calendar app does (bumping SEQUENCE and LAST-MODIFIED).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from icalendar.prop import vCalAddress, vDDDTypes

from daemon.domain.model import CalendarEvent
from daemon.domain.ports import Calendar
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

    def move_call(self, key: str, new_start: datetime) -> None:
        self.memory.user_move_call(key, new_start)

    def delete_call(self, key: str) -> None:
        self.memory.user_delete_call(key)

    def edit_call_description(self, key: str, text: str) -> None:
        self.memory.user_edit_call_description(key, text)

    def reopen(self) -> Calendar:
        # The memory backend is the instance itself; a "restart" keeps it.
        return self.memory


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
    """An .ics calendar in ``directory``; calls in a file of their own or in the same file."""

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

    def add_user_event(self, event: CalendarEvent) -> None:
        def add(calendar: icalendar.Calendar) -> None:
            calendar.add_component(user_event_component(event))

        edit_file(self.path, add)

    def move_call(self, key: str, new_start: datetime) -> None:
        def move(event: icalendar.Component) -> None:
            length = event.decoded("DTEND") - event.decoded("DTSTART")
            event["DTSTART"] = vDDDTypes(new_start)
            event["DTEND"] = vDDDTypes(new_start + length)

        self._edit_call(key, move)

    def delete_call(self, key: str) -> None:
        def delete(calendar: icalendar.Calendar) -> None:
            calendar.subcomponents = [c for c in calendar.subcomponents if not is_call(c, key)]

        edit_file(self.calls_path, delete)

    def edit_call_description(self, key: str, text: str) -> None:
        def describe(event: icalendar.Component) -> None:
            event["DESCRIPTION"] = text

        self._edit_call(key, describe)

    def _edit_call(self, key: str, change: Callable[[icalendar.Component], None]) -> None:
        def edit(calendar: icalendar.Calendar) -> None:
            matches = [c for c in calendar.subcomponents if is_call(c, key)]
            assert len(matches) == 1, f"expected one call with key {key}, found {len(matches)}"
            change(matches[0])
            # What a calendar app does on every edit.
            matches[0]["SEQUENCE"] = int(matches[0].get("SEQUENCE", 0)) + 1
            matches[0]["LAST-MODIFIED"] = vDDDTypes(NOW)

        edit_file(self.calls_path, edit)


def is_call(component: icalendar.Component, key: str) -> bool:
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
