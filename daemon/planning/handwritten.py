"""The handwritten-note reminder (``[coach] handwritten``): cards for people with an address.

DESIGN.md: "A handwritten note is the strongest gesture: where a mailing address
is known the user can opt in to a reminder to write and post one." One event per
interview (kind ``handwritten``) the morning after, listing names, titles and
addresses and naming the printable card of each person (written by the app, see
``daemon.app.cards``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from daemon.domain.keys import own_key
from daemon.domain.model import Interview, OwnKind
from daemon.domain.settings import Settings
from daemon.planning.actions import Action, PutOwnEvent, RemoveOwnEvent
from daemon.planning.context import ApplicationContext
from daemon.planning.slots import local_instant
from daemon.reading.recipients import card_people
from daemon.store.records import OwnStatus

LENGTH = timedelta(minutes=30)
#: A reminder for a card more than this late (the service was off) is no longer useful.
TOO_LATE = timedelta(days=1)


def morning_after(interview: Interview, settings: Settings) -> datetime:
    zone = settings.profile.timezone
    day = interview.end.astimezone(zone).date() + timedelta(days=1)
    at = settings.coach.handwritten_time
    # A time in a daylight-saving gap does not exist that day: an hour later does.
    return local_instant(day, at, zone) or (
        local_instant(day, at.replace(hour=(at.hour + 1) % 24), zone) or interview.end
    )


def plan_handwritten(context: ApplicationContext) -> Sequence[Action]:
    settings, now = context.settings, context.now
    records = {r.series: r for r in context.own_of(OwnKind.HANDWRITTEN)}
    actions: list[Action] = []
    grace = timedelta(minutes=settings.interviews.grace_minutes)
    for interview in context.interviews:
        record = records.get(interview.uid)
        if record is not None:
            if record.status is OwnStatus.PENDING:
                actions.append(_put(interview, record.start, record.end))
            elif (
                context.decided
                and record.status is OwnStatus.CREATED
                and record.effective_start > now
            ):
                reason = "the application is decided"
                actions.append(RemoveOwnEvent(record.kind, record.key, reason))
            continue
        if not settings.coach.handwritten or context.decided or now < interview.end + grace:
            continue
        if not card_people(interview):
            continue
        start = morning_after(interview, settings)
        if now > start + TOO_LATE:
            continue
        start = max(start, now.replace(second=0, microsecond=0) + timedelta(minutes=1))
        actions.append(_put(interview, start, start + LENGTH))
    return actions


def _put(interview: Interview, start: datetime, end: datetime) -> PutOwnEvent:
    return PutOwnEvent(
        kind=OwnKind.HANDWRITTEN,
        key=own_key(OwnKind.HANDWRITTEN, interview.application, interview.uid, 0),
        application=interview.application,
        interview_uid=interview.uid,
        series=interview.uid,
        seq=0,
        start=start,
        end=end,
    )
