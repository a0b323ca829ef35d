"""The actions a plan consists of.

Some only change the state store (recording what was observed); the others
are remote writes, each carrying the key that makes it idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from daemon.domain.model import Interview, Person
from daemon.store.ledger import DraftKind


@dataclass(frozen=True)
class RecordInterview:
    interview: Interview
    first_seen: datetime


@dataclass(frozen=True)
class MarkInterviewRemoved:
    uid: str


@dataclass(frozen=True)
class RecordDecision:
    application: str
    outcome: str
    source: str


@dataclass(frozen=True)
class ObserveCall:
    """The user moved (``start`` set) or deleted (``start`` None) a call event."""

    key: str
    start: datetime | None


@dataclass(frozen=True)
class Quarantine:
    """One item could not be handled; it is reported and the rest go on."""

    item: str
    reason: str


@dataclass(frozen=True)
class CreateDraft:
    key: str
    interview_uid: str
    application: str
    person: Person
    kind: DraftKind
    #: The person's place in the panel: keeps notes of one panel from reading alike.
    variant: int
    late: bool


@dataclass(frozen=True)
class CreateCall:
    key: str
    application: str
    round_uid: str
    seq: int
    start: datetime
    end: datetime
    #: Who to call; None when the notes name nobody (the event says so).
    person: Person | None
    interview_uid: str


@dataclass(frozen=True)
class RemoveCall:
    key: str
    reason: str


StateAction = RecordInterview | MarkInterviewRemoved | RecordDecision | ObserveCall | Quarantine
RemoteAction = CreateDraft | CreateCall | RemoveCall
Action = StateAction | RemoteAction


def describe(action: Action) -> str:
    """One line for ``--dry-run`` and logs; never a note's body or text from the notes."""
    match action:
        case RecordInterview(interview=iv):
            return f"record interview {iv.title!r} ({iv.company}) {iv.start.isoformat()}"
        case MarkInterviewRemoved(uid=uid):
            return f"interview {uid} left the calendar"
        case RecordDecision(application=app, outcome=outcome, source=source):
            return f"decided: {app} ({outcome}, from {source})"
        case ObserveCall(key=key, start=None):
            return f"call {key[:12]} was deleted by the user: that week is skipped"
        case ObserveCall(key=key, start=start):
            return f"call {key[:12]} was moved to {start.isoformat() if start else ''}"
        case Quarantine(item=item, reason=reason):
            return f"skipped {item}: {reason}"
        case CreateDraft(person=person, kind=kind, late=late, application=app):
            late_note = " (late: past 24 hours)" if late else ""
            return f"draft {kind} to {person.name} <{person.email}> [{app}]{late_note}"
        case CreateCall(start=start, person=person, application=app):
            who = person.name if person else "someone at the company"
            return f"call {who} [{app}] at {start.isoformat()}"
        case RemoveCall(key=key, reason=reason):
            return f"remove call {key[:12]}: {reason}"
    raise AssertionError(action)  # pragma: no cover
