"""What ``followup status`` shows: one entry per application, from the state store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from daemon.domain.model import CalendarEvent, OwnKind
from daemon.domain.settings import Settings
from daemon.reading.detection import LOOK_ALIKES, Detection, detect, matching_pattern
from daemon.reading.text import clean_line
from daemon.store.records import DraftStatus, OwnStatus, Snapshot
from daemon.store.state import StateStore

_LIVE_CALLS = (OwnStatus.CREATED, OwnStatus.PENDING)


@dataclass(frozen=True)
class DraftLine:
    to: str
    name: str
    status: str
    kind: str
    late: bool


@dataclass(frozen=True)
class DebriefLine:
    """One interview's debrief: where it is and whether the user wrote into it."""

    interview: str
    at: datetime
    #: "on the calendar", "being written", "deleted by you", "removed".
    status: str
    filled: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "interview": self.interview,
            "at": self.at.isoformat(),
            "status": self.status,
            "filled": self.filled,
        }


_DEBRIEF_STATES = {
    OwnStatus.CREATED: "on the calendar",
    OwnStatus.PENDING: "being written",
    OwnStatus.DELETED: "deleted by you",
    OwnStatus.REMOVING: "removed",
    OwnStatus.REMOVED: "removed",
}


def debrief_lines(snapshot: Snapshot, application: str | None = None) -> list[DebriefLine]:
    """Every debrief (of one application, if given), in the order of their interviews."""
    lines = []
    for record in snapshot.own_of(OwnKind.DEBRIEF):
        found = snapshot.interviews.get(record.interview_uid)
        interview = found.interview if found else None
        if application is not None and (interview.application if interview else "") != application:
            continue
        lines.append(
            DebriefLine(
                interview=interview.title if interview else record.interview_uid,
                at=record.effective_start,
                status=_DEBRIEF_STATES[record.status],
                filled=bool(interview and interview.debrief),
            )
        )
    return sorted(lines, key=lambda line: line.at)


@dataclass(frozen=True)
class ApplicationStatus:
    company: str
    application: str
    job: str
    interviews: list[datetime]
    decided: bool
    outcome: str | None
    next_call: datetime | None
    calls: list[datetime]
    call_with: str
    drafts: list[DraftLine] = field(default_factory=list)
    debriefs: list[DebriefLine] = field(default_factory=list)
    #: What the notes parser could not read ("line 4: hear-back date not understood").
    warnings: list[str] = field(default_factory=list)
    #: Why each of its interviews counts ("title says 'final round'; organized from ...").
    why: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "application": self.application,
            "job": self.job,
            "interviews": [i.isoformat() for i in self.interviews],
            "decided": self.decided,
            "outcome": self.outcome,
            "next_call": self.next_call.isoformat() if self.next_call else None,
            "calls": [c.isoformat() for c in self.calls],
            "call_with": self.call_with,
            "warnings": self.warnings,
            "why": self.why,
            "debriefs": [d.to_json() for d in self.debriefs],
            "drafts": [
                {"to": d.to, "name": d.name, "status": d.status, "kind": d.kind, "late": d.late}
                for d in self.drafts
            ],
        }


@dataclass(frozen=True)
class Explained:
    """One calendar event and why it is, or is not, followed up as an interview."""

    title: str
    start: datetime
    uid: str
    detection: Detection

    def line(self) -> str:
        return f"{self.title or '(no title)'}: {self.detection.explain()}"


def explain_events(events: Iterable[CalendarEvent], settings: Settings) -> list[Explained]:
    """The interviews, and the events that look like one but are not followed up.

    An event is shown when it counts, or when its title would have counted but
    something else decided (a look-alike word, the user's own employer, a decline,
    ``#nofollowup``): every lunch on the calendar is not worth a line.
    """
    rules = settings.interviews
    shown: list[Explained] = []
    for event in events:
        if event.own is not None:
            continue
        found = detect(event, settings.profile, rules.patterns, not_people=rules.not_people)
        near = matching_pattern(event.title, rules.patterns) or matching_pattern(
            event.title, LOOK_ALIKES
        )
        if found.interview or near:
            title = clean_line(event.title, 120)
            shown.append(Explained(title, event.start, event.uid, found))
    return sorted(shown, key=lambda e: (e.start, e.uid))


def application_statuses(
    store: StateStore, now: datetime, settings: Settings | None = None
) -> list[ApplicationStatus]:
    """Every application; with ``settings``, why each interview counts (from the events
    as last read)."""
    snapshot = store.snapshot()
    why: dict[str, str] = {}
    if settings is not None:
        why = {
            e.uid: e.detection.explain()
            for e in explain_events(store.events.events(), settings)
            if e.detection.interview
        }
    companies = store.companies()
    result = []
    for application in sorted(companies, key=lambda a: companies[a].casefold()):
        interviews = sorted(
            (
                r.interview
                for r in snapshot.interviews.values()
                if r.active and r.interview.application == application
            ),
            key=lambda i: i.start,
        )
        calls = sorted(
            (
                c
                for c in snapshot.own_of(OwnKind.CALL)
                if c.application == application and c.status in _LIVE_CALLS
            ),
            key=lambda c: c.effective_start,
        )
        upcoming = [c for c in calls if c.effective_start > now]
        decision = snapshot.decisions.get(application)
        has_drafts = any(d.application == application for d in snapshot.drafts.values())
        if not (interviews or calls or decision or has_drafts):
            # Left behind when an interview's company was corrected: nothing is in it.
            continue
        started = {i.uid: i.start for i in interviews}
        drafts = [
            DraftLine(d.email, d.name, d.status.value, d.kind.value, d.late)
            for d in sorted(
                (d for d in snapshot.drafts.values() if d.application == application),
                key=lambda d: (started.get(d.interview_uid, now), d.kind != "thank_you", d.name),
            )
        ]
        result.append(
            ApplicationStatus(
                company=companies[application],
                application=application,
                job=next((i.job for i in reversed(interviews) if i.job), ""),
                interviews=[i.start for i in interviews],
                decided=decision is not None,
                outcome=decision.outcome if decision else None,
                next_call=upcoming[0].effective_start if upcoming else None,
                calls=[c.effective_start for c in calls],
                call_with=upcoming[0].person_name if upcoming else "",
                drafts=drafts,
                debriefs=debrief_lines(snapshot, application),
                warnings=[f"{i.title}: {w}" for i in interviews for w in i.warnings],
                why=[f"{i.title}: {why[i.uid]}" for i in interviews if i.uid in why],
            )
        )
    return result


def draft_summary(drafts: list[DraftLine]) -> str:
    waiting = sum(1 for d in drafts if d.status == DraftStatus.CREATED.value)
    gone = sum(1 for d in drafts if d.status == DraftStatus.GONE.value)
    late = sum(1 for d in drafts if d.late)
    parts = [f"{waiting} waiting in drafts", f"{gone} sent or discarded"]
    if late:
        parts.append(f"{late} late")
    return ", ".join(parts)
