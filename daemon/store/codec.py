"""Interviews and calendar events to and from JSON for the state store.

Stored times are UTC ISO 8601; people live in their own table, so they are
kept out of the interview JSON here. Calendar events are stored whole: the
state store keeps the calendar as last listed (the event cache), which an
incremental listing is applied to.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from daemon.domain.model import (
    Attendee,
    CalendarEvent,
    Decision,
    EventId,
    EventStatus,
    Interview,
    OwnKind,
    OwnTag,
    PartStat,
    Person,
    Role,
)


def to_utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return moment.astimezone(UTC).isoformat()


def from_utc_text(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:  # pragma: no cover - only written by to_utc_text
        raise ValueError(f"stored time without zone: {text}")
    return moment


def interview_to_json(interview: Interview) -> str:
    data: dict[str, Any] = {
        "id": _id_data(interview.id),
        "title": interview.title,
        "company": interview.company,
        "job": interview.job,
        "hear_back": interview.hear_back.isoformat() if interview.hear_back else None,
        "discussed": list(interview.discussed),
        "forgot": list(interview.forgot),
        "offers": list(interview.offers),
        "free_text": interview.free_text,
        "decided": (
            {
                "outcome": interview.decided.outcome,
                "source": interview.decided.source,
                "note": interview.decided.note,
            }
            if interview.decided
            else None
        ),
        "warnings": list(interview.warnings),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def interview_from_json(
    *,
    application: str,
    start: str,
    end: str,
    data_text: str,
    people: tuple[Person, ...],
) -> Interview:
    data = json.loads(data_text)
    decided = data.get("decided")
    return Interview(
        id=_id_from(data["id"]),
        title=data["title"],
        start=from_utc_text(start),
        end=from_utc_text(end),
        company=data["company"],
        application=application,
        job=data.get("job", ""),
        people=people,
        hear_back=date.fromisoformat(data["hear_back"]) if data.get("hear_back") else None,
        discussed=tuple(data.get("discussed", ())),
        forgot=tuple(data.get("forgot", ())),
        offers=tuple(data.get("offers", ())),
        free_text=data.get("free_text", ""),
        decided=Decision(decided["outcome"], decided["source"], decided.get("note", ""))
        if decided
        else None,
        warnings=tuple(data.get("warnings", ())),
    )


def person_row(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "phone": person.phone,
        "address": person.address,
        "role": person.role.value,
        "met": int(person.met),
        "topics": json.dumps(list(person.topics), ensure_ascii=False),
    }


def person_from_row(row: Any) -> Person:
    return Person(
        name=row["name"],
        email=row["email"],
        title=row["title"],
        phone=row["phone"],
        address=row["address"],
        role=Role(row["role"]),
        met=bool(row["met"]),
        topics=tuple(json.loads(row["topics"])),
    )


def event_to_json(event: CalendarEvent) -> str:
    """A calendar event as it was listed, for the state store's event cache."""
    data: dict[str, Any] = {
        "id": _id_data(event.id),
        "title": event.title,
        "start": to_utc_text(event.start),
        "end": to_utc_text(event.end),
        "description": event.description,
        "all_day": event.all_day,
        "status": event.status.value,
        "attendees": [
            {
                "email": a.email,
                "name": a.name,
                "partstat": a.partstat.value,
                "resource": a.resource,
            }
            for a in event.attendees
        ],
        "organizer": event.organizer,
        "own": {"kind": event.own.kind.value, "key": event.own.key} if event.own else None,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def event_from_json(text: str) -> CalendarEvent:
    data = json.loads(text)
    own = data.get("own")
    return CalendarEvent(
        id=_id_from(data["id"]),
        title=data["title"],
        start=from_utc_text(data["start"]),
        end=from_utc_text(data["end"]),
        description=data.get("description", ""),
        all_day=bool(data.get("all_day", False)),
        status=EventStatus(data.get("status", EventStatus.CONFIRMED.value)),
        attendees=tuple(
            Attendee(
                email=a["email"],
                name=a.get("name", ""),
                partstat=PartStat(a.get("partstat", PartStat.NEEDS_ACTION.value)),
                resource=bool(a.get("resource", False)),
            )
            for a in data.get("attendees", ())
        ),
        organizer=data.get("organizer", ""),
        own=OwnTag(OwnKind(own["kind"]), own["key"]) if own else None,
    )


def _id_data(event_id: EventId) -> dict[str, str]:
    return {"series": event_id.series, "occurrence": event_id.occurrence}


def _id_from(data: dict[str, str]) -> EventId:
    return EventId(data["series"], data.get("occurrence", ""))
