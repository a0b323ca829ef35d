"""A tiny world for planner tests: a ledger and a calendar that actions change.

Actions are applied the way the cycle applies them (every remote write
succeeds), so a test can step time forward and watch the plan evolve without
any adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from daemon.domain.model import CalendarEvent
from daemon.domain.settings import Settings
from daemon.planning.actions import (
    Action,
    CreateCall,
    CreateDraft,
    MarkInterviewRemoved,
    ObserveCall,
    RecordDecision,
    RecordInterview,
    RemoveCall,
)
from daemon.planning.planner import plan
from daemon.store.ledger import (
    CallRecord,
    CallStatus,
    DecisionRecord,
    DraftRecord,
    DraftStatus,
    InterviewRecord,
    Snapshot,
)


@dataclass
class World:
    settings: Settings
    events: dict[str, CalendarEvent] = field(default_factory=dict)
    interviews: dict[str, InterviewRecord] = field(default_factory=dict)
    drafts: dict[str, DraftRecord] = field(default_factory=dict)
    calls: dict[str, CallRecord] = field(default_factory=dict)
    decisions: dict[str, DecisionRecord] = field(default_factory=dict)
    #: Every action ever applied, with the time it was planned.
    history: list[tuple[datetime, Action]] = field(default_factory=list)

    def add(self, event: CalendarEvent) -> None:
        self.events[event.uid] = event

    def snapshot(self) -> Snapshot:
        return Snapshot(
            dict(self.interviews), dict(self.drafts), dict(self.calls), dict(self.decisions)
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
            case MarkInterviewRemoved(uid=uid):
                self.interviews[uid] = replace(self.interviews[uid], active=False)
            case RecordDecision(application=app, outcome=outcome, source=source):
                self.decisions[app] = DecisionRecord(app, outcome, source, now)
            case ObserveCall(key=key, start=None):
                self.calls[key] = replace(self.calls[key], status=CallStatus.DELETED)
            case ObserveCall(key=key, start=start):
                self.calls[key] = replace(
                    self.calls[key], observed_start=start, status=CallStatus.CREATED
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
            case CreateCall():
                written = "Follow-up call\nWhen you have an answer, add #decided to this event."
                self.calls[action.key] = CallRecord(
                    action.key,
                    action.application,
                    action.round_uid,
                    action.seq,
                    action.start,
                    action.end,
                    CallStatus.CREATED,
                    written_text=written,
                )
                title, description = written.split("\n", 1)
                self.events[action.key] = CalendarEvent(
                    uid=action.key,
                    title=title,
                    description=description,
                    start=action.start,
                    end=action.end,
                    own_key=action.key,
                )
            case RemoveCall(key=key):
                self.calls[key] = replace(self.calls[key], status=CallStatus.REMOVED)
                self.events.pop(key, None)

    # -- the user ---------------------------------------------------------------

    def move_call(self, key: str, start: datetime) -> None:
        event = self.events[key]
        self.events[key] = replace(event, start=start, end=start + (event.end - event.start))

    def delete_call(self, key: str) -> None:
        del self.events[key]

    def note_on_call(self, key: str, text: str) -> None:
        self.events[key] = replace(self.events[key], description=text)

    def live_calls(self) -> list[CallRecord]:
        return sorted(
            (c for c in self.calls.values() if c.status is CallStatus.CREATED),
            key=lambda c: c.effective_start,
        )
