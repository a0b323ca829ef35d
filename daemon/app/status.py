"""What ``followup status`` shows: one entry per application, from the state store.

Besides drafts, calls and decisions, each application carries what the coach
sees: the stage it is in, the hear-back date, the send-by reminder, a reply from
the employer, thank-you texts to send, and findings of the tone and
alike-notes checks (for notes not yet sent, and the next call's script).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from daemon.app.coach import Review, review, template_lines, user_lines, written_for
from daemon.compose.composer import Composer
from daemon.domain.errors import ConfigError
from daemon.domain.model import CalendarEvent, EventId, Interview, OwnKind
from daemon.domain.settings import Settings
from daemon.planning.calls import hear_back_day, person_to_call
from daemon.reading.detection import LOOK_ALIKES, Detection, detect, matching_pattern
from daemon.reading.recipients import texting_people
from daemon.reading.replies import display
from daemon.reading.text import clean_line
from daemon.store.records import DraftStatus, OwnStatus, Snapshot
from daemon.store.state import StateStore

_LIVE_CALLS = (OwnStatus.CREATED, OwnStatus.PENDING)
_UNSENT = (DraftStatus.PENDING, DraftStatus.CREATED)


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
class TextLine:
    """A thank-you text to send by hand (the person has a phone number, no address)."""

    name: str
    phone: str
    sms: str


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
    #: Where the application stands, in a few words ("notes to send", "waiting to hear back").
    stage: str = ""
    hear_back: date | None = None
    #: Calls whose time has come (the user may have skipped some by deleting them).
    calls_so_far: int = 0
    #: The send-by reminder's time, while it is on the calendar.
    send_by: datetime | None = None
    #: The latest genuine reply from the employer: (who, when).
    reply: tuple[str, datetime] | None = None
    texts: list[TextLine] = field(default_factory=list)
    #: One line per finding of the coach's checks, for the user.
    findings: list[str] = field(default_factory=list)
    #: Findings as data: {"check", "text", and for tone: category, phrase, where, reaches}.
    finding_data: list[dict[str, Any]] = field(default_factory=list)
    acknowledged: int = 0

    @property
    def last_interview(self) -> datetime | None:
        return self.interviews[-1] if self.interviews else None

    def notes_count(self) -> dict[str, int]:
        thanks = self.drafts
        return {
            "drafted": sum(1 for d in thanks if d.status != DraftStatus.PENDING.value),
            "waiting": sum(1 for d in thanks if d.status == DraftStatus.CREATED.value),
            "sent": sum(1 for d in thanks if d.status == DraftStatus.GONE.value),
            "late": sum(1 for d in thanks if d.late),
        }

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
            # Added by the coach; the keys above are as they always were.
            "stage": self.stage,
            "last_interview": self.last_interview.isoformat() if self.last_interview else None,
            "hear_back": self.hear_back.isoformat() if self.hear_back else None,
            "notes": self.notes_count(),
            "calls_so_far": self.calls_so_far,
            "send_by": self.send_by.isoformat() if self.send_by else None,
            "reply": (
                {"from": self.reply[0], "received": self.reply[1].isoformat()}
                if self.reply
                else None
            ),
            "texts": [{"name": t.name, "phone": t.phone, "sms": t.sms} for t in self.texts],
            "findings": self.finding_data,
            "acknowledged": self.acknowledged,
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
    store: StateStore,
    now: datetime,
    settings: Settings | None = None,
    composer: Composer | None = None,
) -> list[ApplicationStatus]:
    """Every application; with ``settings``, why each interview counts (from the events as
    last read); with ``composer`` too, what the coach sees."""
    snapshot = store.snapshot()
    why: dict[str, str] = {}
    if settings is not None:
        why = {
            e.uid: e.detection.explain()
            for e in explain_events(store.events.events(), settings)
            if e.detection.interview
        }
    companies = store.companies()
    events = {e.id: e for e in store.events.events()} if settings is not None else {}
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
        status = ApplicationStatus(
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
            why=[f"{i.title}: {why[i.uid]}" for i in interviews if i.uid in why],
            warnings=[f"{i.title}: {w}" for i in interviews for w in i.warnings],
        )
        if settings is not None:
            status = _coached(status, interviews, snapshot, events, now, settings, composer)
        result.append(status)
    return result


def _coached(
    status: ApplicationStatus,
    interviews: list[Interview],
    snapshot: Snapshot,
    events: Mapping[EventId, CalendarEvent],
    now: datetime,
    settings: Settings,
    composer: Composer | None,
) -> ApplicationStatus:
    application = status.application
    anchor = max(interviews, key=lambda i: (i.end, i.uid)) if interviews else None
    back = hear_back_day(anchor, settings) if anchor else None
    past_calls = sum(1 for c in status.calls if c <= now)
    reminders = [
        r
        for r in snapshot.own_of(OwnKind.SEND_BY)
        if r.application == application and r.status in _LIVE_CALLS
    ]
    reply = snapshot.replies.get(application)
    texts = [
        TextLine(t.name, t.phone, t.sms)
        for interview in interviews
        if settings.coach.texts and composer is not None
        for t in (
            composer.text_message(interview, p, settings.profile) for p in texting_people(interview)
        )
        if t.sms
    ]
    reviews: list[Review] = []
    findings: list[str] = []
    if composer is not None and not status.decided:
        try:
            reviews = _reviews(
                interviews, snapshot, events, now, settings, composer, bool(status.next_call)
            )
        except ConfigError as error:
            # A broken user template: the cycle reports it too; status says why it has no review.
            findings = [f"coach: notes not checked: {'; '.join(error.problems)}"]
    findings += [line for r in reviews for line in _with_interview(r, len(interviews) > 1)]
    data = [item for r in reviews for item in _finding_data(r)]
    return replace(
        status,
        stage=_stage(status, anchor, back, now),
        hear_back=back,
        calls_so_far=past_calls,
        send_by=max((r.effective_start for r in reminders), default=None),
        reply=(display(reply.sender_name, reply.sender), reply.received) if reply else None,
        texts=texts,
        findings=findings,
        finding_data=data,
        acknowledged=sum(r.acknowledged for r in reviews),
    )


def _reviews(
    interviews: list[Interview],
    snapshot: Snapshot,
    events: Mapping[EventId, CalendarEvent],
    now: datetime,
    settings: Settings,
    composer: Composer,
    calling: bool,
) -> list[Review]:
    """Reviews of the interviews whose notes are not all sent, and of the next call's script."""
    templates = template_lines(settings.templates_dir)
    own = list(snapshot.own.values())
    anchor = interviews[-1] if interviews else None
    reviews = []
    for interview in interviews:
        unsent = any(
            d.interview_uid == interview.uid and d.status in _UNSENT
            for d in snapshot.drafts.values()
        )
        with_call = calling and interview is anchor
        if not unsent and not with_call:
            continue
        written = written_for(
            interview,
            composer,
            settings,
            person_to_call(interviews) if with_call else None,
            with_call=with_call,
        )
        if not unsent:
            written.notes = []
        sources = [*user_lines(interview, events, own), *templates]
        reviews.append(review(interview, written, settings, sources))
    return reviews


def _with_interview(item: Review, several: bool) -> Iterable[str]:
    prefix = f"{item.interview.title}: " if several else ""
    return (f"{prefix}{line}" for line in item.lines())


def _finding_data(item: Review) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = [
        {
            "check": "tone",
            "interview": item.interview.uid,
            "text": finding.describe(),
            "category": finding.category,
            "phrase": finding.phrase,
            "where": finding.where,
            "reaches": list(finding.reaches),
        }
        for finding in item.flagged
    ]
    data += [
        {
            "check": "alike",
            "interview": item.interview.uid,
            "text": pair.prompt(),
            "people": [pair.first.name, pair.second.name],
            "percent": pair.percent,
        }
        for pair in item.alike
    ]
    return data


def _stage(
    status: ApplicationStatus, anchor: Interview | None, back: date | None, now: datetime
) -> str:
    if status.decided:
        return f"decided ({status.outcome})"
    if anchor is None:
        return "no interview on the calendar"
    if anchor.start > now:
        return "interview ahead"
    counts = status.notes_count()
    if counts["waiting"]:
        return "notes to send"
    if not status.drafts and anchor.end > now - timedelta(hours=1):
        return "interviewed"
    if status.next_call is not None and back is not None and now.date() > back:
        return "following up"
    if back is not None and now.date() <= back:
        return "waiting to hear back"
    return "following up"


def draft_summary(drafts: list[DraftLine]) -> str:
    waiting = sum(1 for d in drafts if d.status == DraftStatus.CREATED.value)
    gone = sum(1 for d in drafts if d.status == DraftStatus.GONE.value)
    late = sum(1 for d in drafts if d.late)
    parts = [f"{waiting} waiting in drafts", f"{gone} sent or discarded"]
    if late:
        parts.append(f"{late} late")
    return ", ".join(parts)
