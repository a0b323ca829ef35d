"""What the state store knows, as the planner sees it: read-only records and a snapshot.

The state store is an intent ledger: a draft or call is recorded as
``pending`` under its key before the remote write, and as ``created`` with
the remote id after. A ``pending`` record after a crash means "the write may or
may not have happened": the next cycle repeats it with the same key, and the
adapter finds the earlier write instead of writing twice.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from daemon.domain.model import Interview, OwnKind


class DraftStatus(enum.StrEnum):
    PENDING = "pending"
    CREATED = "created"
    #: Left the drafts folder: sent, or discarded by the user.
    GONE = "gone"


class OwnStatus(enum.StrEnum):
    """Where an event the service writes (of any kind) stands."""

    PENDING = "pending"
    CREATED = "created"
    #: The user deleted the event: for a call, that week is skipped; never re-created.
    DELETED = "deleted"
    #: The service is removing it: recorded before the remote delete, so a crash
    #: in between is finished later instead of being read as the user's deletion.
    REMOVING = "removing"
    #: The service removed it (application decided, a new round restarted the clock, ...).
    REMOVED = "removed"


class DraftKind(enum.StrEnum):
    THANK_YOU = "thank_you"
    #: A short note of interest to a decision maker the user did not meet.
    INTEREST = "interest"


@dataclass(frozen=True)
class InterviewRecord:
    interview: Interview
    #: When the service first saw the interview; bounds how late drafts may come.
    first_seen: datetime
    #: False once the event left the calendar (deleted or cancelled).
    active: bool = True


@dataclass(frozen=True)
class DraftRecord:
    key: str
    interview_uid: str
    application: str
    email: str
    name: str
    kind: DraftKind
    status: DraftStatus
    late: bool = False
    remote_id: str = ""


@dataclass(frozen=True)
class OwnRecord:
    """An event the service writes: a call, a debrief, a reminder."""

    key: str
    kind: OwnKind
    application: str
    #: The interview it is about.
    interview_uid: str
    #: What its number counts within: for calls, the round (interview) whose
    #: hear-back date started the series; for one-per-interview kinds, the interview.
    series: str
    seq: int
    start: datetime
    end: datetime
    status: OwnStatus
    #: The time the event has in the calendar now, if the user moved it.
    observed_start: datetime | None = None
    remote_id: str = ""
    person_name: str = ""
    #: What the service wrote into the event: the user's additions are what differs.
    written_text: str = ""

    @property
    def effective_start(self) -> datetime:
        return self.observed_start or self.start

    @property
    def effective_end(self) -> datetime:
        return self.effective_start + (self.end - self.start)


@dataclass(frozen=True)
class DecisionRecord:
    application: str
    outcome: str
    source: str
    decided_at: datetime


@dataclass(frozen=True)
class ReplyRecord:
    """A genuine reply from the employer (``[coach] replies``): it postpones the next call."""

    application: str
    #: The mailbox's id of the message.
    message_id: str
    sender: str
    sender_name: str
    received: datetime


@dataclass(frozen=True)
class Snapshot:
    interviews: Mapping[str, InterviewRecord] = field(default_factory=dict)
    drafts: Mapping[str, DraftRecord] = field(default_factory=dict)
    own: Mapping[str, OwnRecord] = field(default_factory=dict)
    decisions: Mapping[str, DecisionRecord] = field(default_factory=dict)
    #: The latest genuine reply of each application, when replies are read.
    replies: Mapping[str, ReplyRecord] = field(default_factory=dict)

    def own_of(self, kind: OwnKind) -> list[OwnRecord]:
        return [record for record in self.own.values() if record.kind is kind]


@dataclass(frozen=True, order=True)
class ItemRef:
    """What a quarantine entry is about: an event, an application, a write."""

    #: "event", "application", "draft", or an own event's kind.
    scope: str
    id: str

    def __str__(self) -> str:
        return f"{self.scope} {self.id}"
