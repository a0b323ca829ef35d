"""The send-by reminder: thank-you notes still unsent a few hours before the 24-hour mark.

One event per interview (kind ``send-by``), at ``[coach] send_by_hours`` before
the mark, with a popup: "Send thank-you notes to Dana, Sam and Maria by 15:00".
It is put on the calendar a little ahead of its time (``LEAD``), so the popup can
fire, and only while a note is still in the drafts folder; it goes as soon as
every note has left it. Its key is one per interview, so it is never doubled,
and once removed (or deleted by the user) it is not put again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from daemon.domain.keys import own_key
from daemon.domain.model import Interview, OwnKind
from daemon.domain.settings import Settings
from daemon.planning.actions import Action, PutOwnEvent, RemoveOwnEvent
from daemon.planning.context import ApplicationContext
from daemon.planning.drafts import NOTE_DEADLINE
from daemon.reading.recipients import texting_people
from daemon.store.records import DraftStatus, OwnRecord, OwnStatus

#: Put on the calendar this long before its time: a popup of an event written at its
#: own start may never show.
LEAD = timedelta(minutes=30)
#: How long the reminder event is.
LENGTH = timedelta(minutes=15)
_LIVE = (OwnStatus.CREATED, OwnStatus.PENDING)
_UNSENT = (DraftStatus.PENDING, DraftStatus.CREATED)


def reminder_time(interview: Interview, settings: Settings) -> datetime | None:
    """When the reminder is due; None when send-by reminders are off."""
    hours = settings.coach.send_by_hours
    if not hours:
        return None
    return interview.end + NOTE_DEADLINE - timedelta(hours=hours)


def wakes(interviews: Iterable[Interview], settings: Settings) -> list[datetime]:
    """The moments the rule may put a reminder: the idle engine must plan then."""
    times = (reminder_time(interview, settings) for interview in interviews)
    return [moment - LEAD for moment in times if moment is not None]


def plan_send_by(context: ApplicationContext) -> Sequence[Action]:
    settings, now = context.settings, context.now
    records = {r.series: r for r in context.own_of(OwnKind.SEND_BY)}
    current = {interview.uid for interview in context.interviews}
    actions: list[Action] = [
        RemoveOwnEvent(r.kind, r.key, "its interview left the calendar")
        for uid, r in records.items()
        if uid not in current and r.status is OwnStatus.CREATED and r.effective_start > now
    ]
    for interview in context.interviews:
        record = records.get(interview.uid)
        drafts = [d for d in context.state.drafts.values() if d.interview_uid == interview.uid]
        unsent = [d for d in drafts if d.status in _UNSENT]
        texts = texting_people(interview) if settings.coach.texts else []
        if record is not None:
            actions.extend(_follow(record, interview, context, bool(unsent), bool(texts)))
            continue
        due = reminder_time(interview, settings)
        mark = interview.end + NOTE_DEADLINE
        if context.decided or due is None or not (unsent or texts):
            continue
        if now < due - LEAD or now >= mark:
            continue
        # Late (the service was down): now, to the minute, so it is not in the past.
        start = max(due, _next_minute(now))
        actions.append(_put(interview, start, start + LENGTH))
    return actions


def _follow(
    record: OwnRecord, interview: Interview, context: ApplicationContext, unsent: bool, texts: bool
) -> list[Action]:
    if record.status is OwnStatus.PENDING:
        # The write may or may not have happened: repeat it under the same key.
        return [_put(interview, record.start, record.end)]
    if record.status is not OwnStatus.CREATED:
        return []  # deleted by the user, or removed: never put again
    if context.decided and record.effective_start > context.now:
        return [RemoveOwnEvent(record.kind, record.key, "the application is decided")]
    if not unsent and not texts:
        return [RemoveOwnEvent(record.kind, record.key, "the thank-you notes were sent")]
    return []


def _put(interview: Interview, start: datetime, end: datetime) -> PutOwnEvent:
    return PutOwnEvent(
        kind=OwnKind.SEND_BY,
        key=own_key(OwnKind.SEND_BY, interview.application, interview.uid, 0),
        application=interview.application,
        interview_uid=interview.uid,
        series=interview.uid,
        seq=0,
        start=start,
        end=end,
    )


def _next_minute(moment: datetime) -> datetime:
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)
