"""How an own event (a call, a debrief, ...) is written as a VEVENT, and recognised again.

An own event carries its key twice: in the UID (``<key>@interview-followup``)
and in ``X-INTERVIEW-FOLLOWUP-KEY``. Calendar apps keep the UID through
every edit; some drop unknown ``X-`` properties when the user edits an event,
so either one is enough to recognise it. Its kind is in
``X-INTERVIEW-FOLLOWUP-KIND``; the value is the core's and is not interpreted
here, so a new kind needs no change to this adapter.

The popup reminder is a ``VALARM`` (``ACTION:DISPLAY``, ``TRIGGER:-PT<n>M``
before the start). It carries a UID of its own (RFC 9074) so that an update
replaces the service's alarm and leaves any the user added.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from icalendar.prop import vInline, vText

from daemon.domain.model import OwnKind, OwnTag
from daemon.domain.ports import OwnEvent

OWN_UID_SUFFIX = "@interview-followup"
KEY_PROPERTY = "X-INTERVIEW-FOLLOWUP-KEY"
#: The kind of own event (``call``, ``debrief``, ...). Files written before kinds
#: existed have none: their own events are all calls.
KIND_PROPERTY = "X-INTERVIEW-FOLLOWUP-KIND"
#: Marks a VTIMEZONE the service added for its own events. Its TZID is an IANA
#: name, which readers resolve by name whatever the VTIMEZONE says, so the
#: user's events read the same with or without it: the reader counts it with
#: the own events, and adding one does not make the user's part read anew.
ZONE_PROPERTY = "X-INTERVIEW-FOLLOWUP-ZONE"
#: The UID of the alarm the service puts on an own event ends with this.
ALARM_UID_SUFFIX = "-reminder" + OWN_UID_SUFFIX
PRODID = "-//interview-followup//follow-up calls//EN"


def own_uid(key: str) -> str:
    return key + OWN_UID_SUFFIX


def alarm_uid(key: str) -> str:
    return key + ALARM_UID_SUFFIX


def own_tag_of(uid: str, key_property: str | None, kind_property: str | None) -> OwnTag | None:
    """The tag of an own event with these properties, or None if it is not one of ours.

    A kind this version does not know (written by a newer one) is not ours to
    interpret: None, so the event is neither read as an interview nor touched.
    """
    key = key_of(uid, key_property)
    if key is None:
        return None
    try:
        kind = OwnKind((kind_property or OwnKind.CALL.value).strip())
    except ValueError:
        return None
    return OwnTag(kind, key)


def key_of(uid: str, key_property: str | None) -> str | None:
    """The key of an own event with this UID and key property, or None if it is not one."""
    if key_property and key_property.strip():
        return key_property.strip()
    if uid.endswith(OWN_UID_SUFFIX) and len(uid) > len(OWN_UID_SUFFIX):
        return uid[: -len(OWN_UID_SUFFIX)]
    return None


def check_key(key: str) -> None:
    """Keys come from the core; one that cannot round-trip through a UID is refused."""
    if not key or key != key.strip() or any(ord(char) < 0x20 or ord(char) == 0x7F for char in key):
        raise ValueError(f"unusable key {key!r}: it cannot be written as an iCalendar UID")


def check_event(event: OwnEvent) -> None:
    """Refuse what cannot be written faithfully, before anything is written."""
    check_key(event.key)
    for moment in (event.start, event.end):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive time {moment!r}: own event times must be time-zone aware")
    if event.end < event.start:
        raise ValueError("an own event cannot end before it starts")
    if event.reminder is not None:
        reminder_minutes(event.reminder)


def reminder_minutes(reminder: timedelta) -> int:
    minutes, rest = divmod(reminder, timedelta(minutes=1))
    if minutes < 0 or rest:
        raise ValueError(f"reminder {reminder} is not a whole number of minutes before the start")
    return int(minutes)


def own_component(event: OwnEvent, stamp: datetime) -> icalendar.Event:
    """The VEVENT for ``event``: its times in its own zone by IANA name, or in UTC."""
    check_event(event)
    zone = zone_of(event)
    if zone is not None:
        start, end = event.start, event.end.astimezone(zone)
    else:
        # A fixed offset has no TZID to name it; UTC ("Z") needs no VTIMEZONE.
        start, end = event.start.astimezone(UTC), event.end.astimezone(UTC)
    component = icalendar.Event()
    component.add("UID", own_uid(event.key))
    component.add("DTSTAMP", stamp.astimezone(UTC))
    component.add("DTSTART", start)
    component.add("DTEND", end)
    component.add("SUMMARY", event.title)
    component.add("DESCRIPTION", event.description)
    # Added as TEXT: icalendar writes unknown X- values verbatim, so a key with a
    # comma or backslash would otherwise change meaning on the way back.
    component.add(KEY_PROPERTY, vText(event.key))
    component.add(KIND_PROPERTY, vText(event.kind.value))
    component.add("TRANSP", "OPAQUE")
    if event.reminder is not None:
        component.add_component(alarm_component(event))
    return component


def alarm_component(event: OwnEvent) -> icalendar.Alarm:
    """The popup ``event.reminder`` before the start; it shows the event's title."""
    if event.reminder is None:
        raise ValueError("no reminder to write")
    alarm = icalendar.Alarm()
    alarm.add("UID", alarm_uid(event.key))
    alarm.add("ACTION", "DISPLAY")
    # Written as minutes (-PT90M, not -PT1H30M): the simplest form every reader takes.
    alarm["TRIGGER"] = vInline(f"-PT{reminder_minutes(event.reminder)}M")
    alarm.add("DESCRIPTION", event.title)
    return alarm


def zone_of(event: OwnEvent) -> ZoneInfo | None:
    """The zone whose VTIMEZONE the event's TZID refers to, if it has one."""
    zone = event.start.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key not in ("UTC", "Etc/UTC"):
        return zone
    return None


def new_calendar_text(name: str, newline: bytes = b"\r\n") -> bytes:
    """An empty calendar for a calls file that does not exist yet."""
    calendar = icalendar.Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    calendar.add("CALSCALE", "GREGORIAN")
    # Shown as the calendar's name when a calendar app subscribes to the file.
    calendar.add("X-WR-CALNAME", name)
    return bytes(calendar.to_ical()).replace(b"\r\n", newline)
