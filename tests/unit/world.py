"""A tiny world for planner tests: a ledger and a calendar that actions change.

Actions are applied the way the cycle applies them (every remote write
succeeds), so a test can step time forward and watch the plan evolve without
any adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from daemon.compose.composer import Composer
from daemon.domain.model import CalendarEvent, EventId, OwnKind, OwnTag
from daemon.domain.settings import Settings
from daemon.planning.actions import (
    Action,
    CreateDraft,
    MarkInterviewRemoved,
    MoveOwnEvent,
    ObserveOwn,
    PutOwnEvent,
    RecordDecision,
    RecordInterview,
    RemoveOwnEvent,
)
from daemon.planning.planner import plan
from daemon.store.records import (
    DecisionRecord,
    DraftRecord,
    DraftStatus,
    InterviewRecord,
    OwnRecord,
    OwnStatus,
    Snapshot,
)


@dataclass
class World:
    settings: Settings
    events: dict[str, CalendarEvent] = field(default_factory=dict)
    interviews: dict[str, InterviewRecord] = field(default_factory=dict)
    drafts: dict[str, DraftRecord] = field(default_factory=dict)
    own: dict[str, OwnRecord] = field(default_factory=dict)
    decisions: dict[str, DecisionRecord] = field(default_factory=dict)
    #: Every action ever applied, with the time it was planned.
    history: list[tuple[datetime, Action]] = field(default_factory=list)

    def add(self, event: CalendarEvent) -> None:
        self.events[event.uid] = event

    @property
    def calls(self) -> dict[str, OwnRecord]:
        return {k: r for k, r in self.own.items() if r.kind is OwnKind.CALL}

    def snapshot(self) -> Snapshot:
        return Snapshot(
            dict(self.interviews), dict(self.drafts), dict(self.own), dict(self.decisions)
        )

    def step(self, now: datetime) -> list[Action]:
        actions = plan(self.snapshot(), list(self.events.values()), now, self.settings)
        for action in actions:
            self.apply(action, now)
        return actions

    def apply(self, action: Action, now: datetime) -> None:
        self.history.append((now, action))
        match action:
            case RecordInterview(interview=iv, first_seen=seen):
                self.interviews[iv.uid] = InterviewRecord(iv, seen, True)
            case MarkInterviewRemoved(id=event_id):
                uid = str(event_id)
                self.interviews[uid] = replace(self.interviews[uid], active=False)
            case RecordDecision(application=app, outcome=outcome, source=source):
                self.decisions[app] = DecisionRecord(app, outcome, source, now)
            case ObserveOwn(key=key, start=None):
                self.own[key] = replace(self.own[key], status=OwnStatus.DELETED)
            case ObserveOwn(key=key, start=start):
                self.own[key] = replace(
                    self.own[key], observed_start=start, status=OwnStatus.CREATED
                )
            case CreateDraft():
                self.drafts[action.key] = DraftRecord(
                    action.key,
                    action.interview_uid,
                    action.application,
                    action.person.email,
                    action.person.name,
                    action.kind,
                    DraftStatus.CREATED,
                    action.late,
                    "id",
                )
            case PutOwnEvent():
                written = f"{action.kind}\nWhen you have an answer, add #decided to this event."
                if action.kind is OwnKind.DEBRIEF:
                    # The form is read back: it must be the text the service writes.
                    interview = self.interviews[action.interview_uid].interview
                    text = Composer(settings=self.settings).compose_debrief(
                        interview, self.settings.profile
                    )
                    written = f"{text.title}\n{text.description}"
                self.own[action.key] = OwnRecord(
                    action.key,
                    action.kind,
                    action.application,
                    action.interview_uid,
                    action.series,
                    action.seq,
                    action.start,
                    action.end,
                    OwnStatus.CREATED,
                    person_name=action.person.name if action.person else "",
                    written_text=written,
                )
                title, description = written.split("\n", 1)
                self.events[action.key] = CalendarEvent(
                    id=EventId(action.key),
                    title=title,
                    description=description,
                    start=action.start,
                    end=action.end,
                    own=OwnTag(action.kind, action.key),
                )
            case MoveOwnEvent(key=key, start=start, end=end):
                self.own[key] = replace(self.own[key], start=start, end=end, observed_start=None)
                if key in self.events:
                    self.events[key] = replace(self.events[key], start=start, end=end)
            case RemoveOwnEvent(key=key):
                self.own[key] = replace(self.own[key], status=OwnStatus.REMOVED)
                self.events.pop(key, None)

    # -- the user ---------------------------------------------------------------

    def move_call(self, key: str, start: datetime) -> None:
        event = self.events[key]
        self.events[key] = replace(event, start=start, end=start + (event.end - event.start))

    def delete_call(self, key: str) -> None:
        del self.events[key]

    def note_on_call(self, key: str, text: str) -> None:
        self.events[key] = replace(self.events[key], description=text)

    def debrief_of(self, interview_uid: str) -> OwnRecord:
        (record,) = [
            r
            for r in self.own.values()
            if r.kind is OwnKind.DEBRIEF and r.interview_uid == interview_uid
        ]
        return record

    def fill_debrief(self, interview_uid: str, edit: Callable[[str], str]) -> None:
        """The user writes into the debrief: ``edit`` turns its description into theirs."""
        key = self.debrief_of(interview_uid).key
        event = self.events[key]
        self.events[key] = replace(event, description=edit(event.description))

    def live_calls(self) -> list[OwnRecord]:
        return sorted(
            (c for c in self.calls.values() if c.status is OwnStatus.CREATED),
            key=lambda c: c.effective_start,
        )
