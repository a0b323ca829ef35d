"""Google Calendar events as the core's ``CalendarEvent``, and own events as Google's JSON.

Reading is defensive: an event is input written by other people, and one that
cannot be read raises ``ValueError`` for that event alone (the listing goes on).
Descriptions are passed through as Google stores them (HTML from the web UI):
the core reads HTML as the text a person sees.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from daemon.domain.model import (
    Attendee,
    CalendarEvent,
    EventId,
    EventStatus,
    OwnKind,
    OwnTag,
    PartStat,
)
from daemon.domain.ports import OwnEvent, OwnField
from integrations.google.ids import event_id_for_key, occurrence_of

#: ``extendedProperties.private`` keys that mark the service's own events.
KEY_PROPERTY = "interviewFollowupKey"
KIND_PROPERTY = "interviewFollowupKind"

_PARTSTATS = {
    "accepted": PartStat.ACCEPTED,
    "declined": PartStat.DECLINED,
    "tentative": PartStat.TENTATIVE,
    "needsAction": PartStat.NEEDS_ACTION,
}
_STATUSES = {
    "confirmed": EventStatus.CONFIRMED,
    "tentative": EventStatus.TENTATIVE,
    "cancelled": EventStatus.CANCELLED,
}
#: Bounds on what is kept of text fields: an invitation can be arbitrarily large.
_TITLE_LIMIT = 1_000
_DESCRIPTION_LIMIT = 100_000
_ATTENDEE_LIMIT = 200


def event_id_of(item: dict[str, Any]) -> EventId:
    """A single event by its id; an instance by its series and original start."""
    event_id = item.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise ValueError("event without an id")
    series = item.get("recurringEventId")
    if isinstance(series, str) and series:
        return EventId(series, occurrence_of(item.get("originalStartTime")))
    return EventId(event_id)


def own_tag_of(item: dict[str, Any]) -> OwnTag | None:
    private = (item.get("extendedProperties") or {}).get("private") or {}
    key, kind = private.get(KEY_PROPERTY), private.get(KIND_PROPERTY)
    if not isinstance(key, str) or not key:
        return None
    try:
        own_kind = OwnKind(str(kind))
    except ValueError:
        # Written before kinds existed, or by a newer version: still ours, and a call
        # is the kind every version wrote.
        own_kind = OwnKind.CALL
    return OwnTag(own_kind, key)


def is_cancelled(item: dict[str, Any]) -> bool:
    return item.get("status") == "cancelled"


def _zone(name: object, fallback: tzinfo) -> tzinfo:
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ValueError, OSError, KeyError):
            pass  # a zone name is input: "America" is a folder, junk is not found
    return fallback


def _moment(value: object, zone: tzinfo, field_name: str) -> tuple[datetime, bool]:
    """(aware datetime, all-day) of an event's ``start`` or ``end``."""
    if not isinstance(value, dict):
        raise ValueError(f"{field_name} is missing")
    own_zone = _zone(value.get("timeZone"), zone)
    if isinstance(value.get("dateTime"), str):
        moment = datetime.fromisoformat(value["dateTime"])
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=own_zone)
        return moment, False
    if isinstance(value.get("date"), str):
        day = date.fromisoformat(value["date"])
        return datetime.combine(day, time(), tzinfo=own_zone), True
    raise ValueError(f"{field_name} has neither dateTime nor date")


def _attendee(raw: object) -> Attendee | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("email"), str):
        return None
    return Attendee(
        email=raw["email"],
        name=str(raw.get("displayName") or "")[:_TITLE_LIMIT],
        partstat=_PARTSTATS.get(str(raw.get("responseStatus")), PartStat.NEEDS_ACTION),
        resource=bool(raw.get("resource")),
        # Google marks the calendar owner's own copy: the user, whatever their address.
        is_user=raw.get("self") is True,
    )


def event_of(item: dict[str, Any], zone: tzinfo) -> CalendarEvent:
    """The core's view of one (non-cancelled) Google event; ``ValueError`` if unreadable."""
    start, all_day = _moment(item.get("start"), zone, "start")
    end, _ = _moment(item.get("end"), zone, "end")
    if end < start:
        raise ValueError("the event ends before it starts")
    attendees = item.get("attendees") or []
    if not isinstance(attendees, list):
        raise ValueError("attendees is not a list")
    organizer = item.get("organizer") or {}
    return CalendarEvent(
        id=event_id_of(item),
        title=str(item.get("summary") or "")[:_TITLE_LIMIT],
        start=start,
        end=end,
        description=str(item.get("description") or "")[:_DESCRIPTION_LIMIT],
        all_day=all_day,
        status=_STATUSES.get(str(item.get("status")), EventStatus.CONFIRMED),
        attendees=tuple(a for a in map(_attendee, attendees[:_ATTENDEE_LIMIT]) if a),
        organizer=str(organizer.get("email") or "") if isinstance(organizer, dict) else "",
        own=own_tag_of(item),
    )


# --- own events -----------------------------------------------------------------------


def _when(moment: datetime) -> dict[str, str]:
    """A time with its IANA zone, so the calendar shows (and repeats) it in that zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: times must be time-zone aware")
    name = getattr(moment.tzinfo, "key", None)
    if not isinstance(name, str) or not name:
        moment, name = moment.astimezone(UTC), "UTC"
    return {"dateTime": moment.isoformat(), "timeZone": name}


def _reminders(reminder: timedelta | None) -> dict[str, Any]:
    if reminder is None:
        # No reminder of the service's own: the user's default notifications apply,
        # as for any event they create themselves.
        return {"useDefault": True}
    minutes = max(0, min(40320, round(reminder.total_seconds() / 60)))  # Google's limits
    return {"useDefault": False, "overrides": [{"method": "popup", "minutes": minutes}]}


def own_body(own: OwnEvent) -> dict[str, Any]:
    """The insert body of an own event: keyed id, tags, no attendees, IANA zone, a popup."""
    return {
        "id": event_id_for_key(own.key),
        "summary": own.title,
        "description": own.description,
        "start": _when(own.start),
        "end": _when(own.end),
        # Nobody is invited: Google would mail invitations to attendees.
        "attendees": [],
        "reminders": _reminders(own.reminder),
        "extendedProperties": {
            "private": {KEY_PROPERTY: own.key, KIND_PROPERTY: own.kind.value},
        },
    }


def own_patch(own: OwnEvent, fields: frozenset[OwnField]) -> dict[str, Any]:
    """The patch body for ``fields`` of an own event; the rest (the user's notes) stay."""
    patch: dict[str, Any] = {}
    if "time" in fields:
        patch["start"], patch["end"] = _when(own.start), _when(own.end)
    if "title" in fields:
        patch["summary"] = own.title
    if "description" in fields:
        patch["description"] = own.description
    if "reminder" in fields:
        # patch merges objects: the old overrides must be deleted (null) when the
        # defaults come back, or Google refuses both at once with a 400.
        patch["reminders"] = {"overrides": None, **_reminders(own.reminder)}
    return patch


def revival(own: OwnEvent) -> dict[str, Any]:
    """The patch that brings back an own event the service itself deleted moments ago."""
    body = own_body(own)
    del body["id"]
    return {**body, "status": "confirmed"}
