"""The actions a plan consists of.

Every action says in one line what it does (``describe``, for ``--dry-run`` and
logs: never a note's body or text from the notes) and which port it writes
through (``port``: None for actions that only change the state store, which
record themselves). The cycle and the CLI work from these two facts alone, so a
new kind of own event needs no change there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from daemon.domain.model import EventId, Interview, OwnKind, Person
from daemon.domain.ports import Port
from daemon.store.records import DraftKind, ItemRef
from daemon.store.state import StateStore


@dataclass(frozen=True)
class RecordInterview:
    interview: Interview
    first_seen: datetime

    port: ClassVar[Port | None] = None
    #: Left out of ``--dry-run``: every changed interview is recorded, which says little.
    shown: ClassVar[bool] = False

    def describe(self) -> str:
        iv = self.interview
        return f"record interview {iv.title!r} ({iv.company}) {iv.start.isoformat()}"

    def record(self, store: StateStore, now: datetime) -> None:
        store.record_interview(self.interview, self.first_seen)


@dataclass(frozen=True)
class MarkInterviewRemoved:
    id: EventId

    port: ClassVar[Port | None] = None
    shown: ClassVar[bool] = True

    def describe(self) -> str:
        return f"interview {self.id} left the calendar"

    def record(self, store: StateStore, now: datetime) -> None:
        store.mark_interview_removed(str(self.id))


@dataclass(frozen=True)
class RecordDecision:
    application: str
    outcome: str
    source: str

    port: ClassVar[Port | None] = None
    shown: ClassVar[bool] = True

    def describe(self) -> str:
        return f"decided: {self.application} ({self.outcome}, from {self.source})"

    def record(self, store: StateStore, now: datetime) -> None:
        store.record_decision(self.application, self.outcome, self.source, now)


@dataclass(frozen=True)
class ObserveOwn:
    """The user moved (``start`` set) or deleted (``start`` None) one of the service's events."""

    kind: OwnKind
    key: str
    start: datetime | None

    port: ClassVar[Port | None] = None
    shown: ClassVar[bool] = True

    def describe(self) -> str:
        if self.start is None:
            skipped = ": that week is skipped" if self.kind is OwnKind.CALL else ""
            return f"{self.kind} {self.key[:12]} was deleted by the user{skipped}"
        return f"{self.kind} {self.key[:12]} was moved to {self.start.isoformat()}"

    def record(self, store: StateStore, now: datetime) -> None:
        store.ledger.observe_own(self.key, self.start, now)


@dataclass(frozen=True)
class ConfirmOwn:
    """An own event whose write lost its answer is on the calendar: the write happened."""

    kind: OwnKind
    key: str

    port: ClassVar[Port | None] = None
    shown: ClassVar[bool] = False

    def describe(self) -> str:
        return f"{self.kind} {self.key[:12]} was written (its answer was lost)"

    def record(self, store: StateStore, now: datetime) -> None:
        store.ledger.own_created([(self.key, "")], now)


@dataclass(frozen=True)
class WithdrawDraft:
    """A draft was intended but is not in the mailbox and no longer due: forget the intent."""

    key: str

    port: ClassVar[Port | None] = None
    shown: ClassVar[bool] = True

    def describe(self) -> str:
        return f"draft {self.key[:12]} is no longer due"

    def record(self, store: StateStore, now: datetime) -> None:
        store.ledger.withdraw_draft(self.key)


@dataclass(frozen=True)
class Quarantine:
    """One item could not be handled; it is reported and the rest go on."""

    item: ItemRef
    reason: str

    port: ClassVar[Port | None] = None
    shown: ClassVar[bool] = True

    def describe(self) -> str:
        return f"skipped {self.item}: {self.reason}"

    def record(self, store: StateStore, now: datetime) -> None:
        store.quarantine.add(self.item, self.reason, now)


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

    port: ClassVar[Port | None] = Port.DRAFTS
    shown: ClassVar[bool] = True

    def describe(self) -> str:
        late = " (late: past 24 hours)" if self.late else ""
        person = self.person
        return f"draft {self.kind} to {person.name} <{person.email}> [{self.application}]{late}"


@dataclass(frozen=True)
class PutOwnEvent:
    """Put one of the service's events on the calendar (a call, a debrief, ...)."""

    kind: OwnKind
    key: str
    application: str
    #: The interview the event is about; its text is composed from it.
    interview_uid: str
    #: What ``seq`` counts within (calls: the round whose hear-back date started them).
    series: str
    seq: int
    start: datetime
    end: datetime
    #: Whom the event is about (the person to call); None when nobody is known.
    person: Person | None = None

    port: ClassVar[Port | None] = Port.CALENDAR
    shown: ClassVar[bool] = True

    def describe(self) -> str:
        if self.kind is OwnKind.CALL:
            who = self.person.name if self.person else "someone at the company"
            return f"call {who} [{self.application}] at {self.start.isoformat()}"
        return f"{self.kind} [{self.application}] at {self.start.isoformat()}"


@dataclass(frozen=True)
class MoveOwnEvent:
    """Move one of the service's events (its interview moved); the user's text stays."""

    kind: OwnKind
    key: str
    start: datetime
    end: datetime

    port: ClassVar[Port | None] = Port.CALENDAR
    shown: ClassVar[bool] = True

    def describe(self) -> str:
        return f"move {self.kind} {self.key[:12]} to {self.start.isoformat()}"


@dataclass(frozen=True)
class RemoveOwnEvent:
    kind: OwnKind
    key: str
    reason: str

    port: ClassVar[Port | None] = Port.CALENDAR
    shown: ClassVar[bool] = True

    def describe(self) -> str:
        return f"remove {self.kind} {self.key[:12]}: {self.reason}"


StateAction = (
    RecordInterview
    | MarkInterviewRemoved
    | RecordDecision
    | ObserveOwn
    | ConfirmOwn
    | WithdrawDraft
    | Quarantine
)
RemoteAction = CreateDraft | PutOwnEvent | MoveOwnEvent | RemoveOwnEvent
Action = StateAction | RemoteAction
