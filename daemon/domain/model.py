"""The domain: what a calendar event says, and what the service makes of it.

Everything here is plain, frozen data. Times are always time-zone aware; the
model never holds a naive datetime.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class PartStat(enum.StrEnum):
    """An attendee's answer to an invitation (RFC 5545 PARTSTAT)."""

    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"
    NEEDS_ACTION = "NEEDS-ACTION"
    DELEGATED = "DELEGATED"


class EventStatus(enum.StrEnum):
    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""
    partstat: PartStat = PartStat.NEEDS_ACTION
    #: Rooms and other resources (CUTYPE=ROOM/RESOURCE) are never people.
    resource: bool = False
    #: The backend marks this attendee as the calendar's owner (Google's ``self``).
    is_user: bool = False


@dataclass(frozen=True, order=True)
class EventId:
    """Which event: a series (or single event), and which occurrence of it.

    Backends name things differently (an iCalendar UID plus RECURRENCE-ID,
    Google's ``recurringEventId`` plus ``originalStartTime``); the core only
    ever compares these two parts, never string prefixes.
    """

    #: The UID of a single event or of the recurring series an occurrence belongs to.
    series: str
    #: The occurrence's own original start (UTC, ``YYYY-MM-DDTHH:MM:SSZ``, or
    #: ``YYYY-MM-DD`` for a date); empty for a single event or a whole series.
    occurrence: str = ""

    def __str__(self) -> str:
        # The text form is what keys and the state store are built from; it is the
        # form the service has always used (``UID#RECURRENCE-ID``), so keys stay stable.
        return f"{self.series}#{self.occurrence}" if self.occurrence else self.series

    def covers(self, other: EventId) -> bool:
        """Whether this names ``other``: the same event, or the whole series it belongs to."""
        return self == other or (not self.occurrence and self.series == other.series)


class OwnKind(enum.StrEnum):
    """The kinds of event the service writes itself. Adapters treat the value as opaque."""

    CALL = "call"
    DEBRIEF = "debrief"
    SEND_BY = "send-by"
    HANDWRITTEN = "handwritten"


@dataclass(frozen=True)
class OwnTag:
    """Marks an event the service wrote: its kind and the key it was written under."""

    kind: OwnKind
    key: str


@dataclass(frozen=True)
class CalendarEvent:
    """One event as a calendar backend reports it, before any interpretation.

    ``id`` identifies one occurrence: a recurring event's instances carry the
    series UID plus their own original start, so each instance is its own interview.
    """

    id: EventId
    title: str
    start: datetime
    end: datetime
    description: str = ""
    all_day: bool = False
    status: EventStatus = EventStatus.CONFIRMED
    attendees: tuple[Attendee, ...] = ()
    organizer: str = ""
    #: Set on events the service wrote itself (calls, debriefs, ...): their kind and key.
    own: OwnTag | None = None

    @property
    def uid(self) -> str:
        """The id as text: what the state store and the keys are built from."""
        return str(self.id)


class Role(enum.StrEnum):
    """Who a person is to the application; the order is the calling preference."""

    DECISION_MAKER = "decision_maker"
    INTERVIEWER = "interviewer"
    HR = "hr"


@dataclass(frozen=True)
class Person:
    name: str
    email: str = ""
    title: str = ""
    #: E.164 when it could be parsed, else as written.
    phone: str = ""
    #: Postal address, for a handwritten note.
    address: str = ""
    role: Role = Role.INTERVIEWER
    met: bool = True
    #: Topics from ``Discussed with NAME:`` lines.
    topics: tuple[str, ...] = ()

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


@dataclass(frozen=True)
class Decision:
    outcome: str = "other"
    #: Where the decision was read: "event", "call", "debrief", "cli".
    source: str = "event"
    #: The words of a ``Decided:`` line, as written (cleaned), e.g. "offer accepted".
    note: str = ""


@dataclass(frozen=True)
class Interview:
    """An interview event interpreted through the notes syntax of DESIGN.md."""

    id: EventId
    title: str
    start: datetime
    end: datetime
    company: str
    #: Normalised company name: the application this interview belongs to.
    application: str
    job: str = ""
    people: tuple[Person, ...] = ()
    #: The day the employer promised an answer by, when the notes say so.
    hear_back: date | None = None
    discussed: tuple[str, ...] = ()
    forgot: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    #: Free text of the notes, lines that carry no label.
    free_text: str = ""
    decided: Decision | None = None
    #: Problems found while reading the notes (unparseable hear-back date, ...).
    warnings: tuple[str, ...] = field(default=())
    #: The description of the interview's debrief event when the user wrote into it
    #: ("" when untouched or absent); its notes are merged into the fields above.
    debrief: str = ""

    @property
    def uid(self) -> str:
        return str(self.id)
