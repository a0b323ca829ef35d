"""How a follow-up call is written as a VEVENT, and how one is recognised again.

A call event carries its key twice: in the UID (``<key>@interview-followup``)
and in ``X-INTERVIEW-FOLLOWUP-KEY``. Calendar apps keep the UID through
every edit; some drop unknown ``X-`` properties when the user edits an event,
so either one is enough to recognise it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
from icalendar.prop import vText

from daemon.domain.model import OwnKind, OwnTag
from daemon.domain.ports import OwnEvent

CALL_UID_SUFFIX = "@interview-followup"
KEY_PROPERTY = "X-INTERVIEW-FOLLOWUP-KEY"
#: The kind of own event (``call``, ``debrief``, ...). Files written before kinds
#: existed have none: their own events are all calls.
KIND_PROPERTY = "X-INTERVIEW-FOLLOWUP-KIND"
PRODID = "-//interview-followup//follow-up calls//EN"


def call_uid(key: str) -> str:
    return key + CALL_UID_SUFFIX


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
    """The call key of an event with this UID and key property, or None if it is not a call."""
    if key_property and key_property.strip():
        return key_property.strip()
    if uid.endswith(CALL_UID_SUFFIX) and len(uid) > len(CALL_UID_SUFFIX):
        return uid[: -len(CALL_UID_SUFFIX)]
    return None


def check_key(key: str) -> None:
    """Keys come from the core; one that cannot round-trip through a UID is a bug there."""
    if not key or key != key.strip() or any(ord(char) < 0x20 or ord(char) == 0x7F for char in key):
        raise ValueError(f"unusable call key {key!r}")


def call_component(call: CallEvent, stamp: datetime) -> icalendar.Event:
    """The VEVENT for ``call``: its own time zone by IANA name, or UTC."""
    check_key(call.key)
    if call.start.tzinfo is None or call.end.tzinfo is None:
        raise ValueError("call times must be time-zone aware")
    zone = call.start.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key not in ("UTC", "Etc/UTC"):
        start, end = call.start, call.end.astimezone(zone)
    else:
        # A fixed offset has no TZID to name it; UTC ("Z") needs no VTIMEZONE.
        start, end = call.start.astimezone(UTC), call.end.astimezone(UTC)
    event = icalendar.Event()
    event.add("UID", call_uid(call.key))
    event.add("DTSTAMP", stamp.astimezone(UTC))
    event.add("DTSTART", start)
    event.add("DTEND", end)
    event.add("SUMMARY", call.title)
    event.add("DESCRIPTION", call.description)
    # Added as TEXT: icalendar writes unknown X- values verbatim, so a key with a
    # comma or backslash would otherwise change meaning on the way back.
    event.add(KEY_PROPERTY, vText(call.key))
    event.add("TRANSP", "OPAQUE")
    return event


def zone_of(call: CallEvent) -> ZoneInfo | None:
    """The zone whose VTIMEZONE the call's TZID refers to, if it has one."""
    zone = call.start.tzinfo
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
