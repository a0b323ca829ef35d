"""The rule for follow-up calls: one upcoming call per application, at most one a week.

The first call goes on the first allowed slot on a day after the hear-back day;
the next at least 7 wall-clock days after the previous call's actual time. A
slot is never on a public holiday, never over another event, and inside the
employer's working day too when they keep another clock (``slots``). A
genuine reply from the employer (``[coach] replies``) counts like a call: the
next call goes at least 7 days after it, and an upcoming call booked earlier
than that is moved (unless the user chose its time).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from daemon.domain.keys import own_key
from daemon.domain.model import Interview, OwnKind, Person, Role
from daemon.domain.settings import Settings
from daemon.planning.actions import Action, MoveOwnEvent, PutOwnEvent, RemoveOwnEvent
from daemon.planning.context import ApplicationContext
from daemon.planning.public_holidays import holiday_check
from daemon.planning.slots import Busy, first_slot, wall_clock
from daemon.reading.people import is_coordinator
from daemon.reading.zones import employer_zone
from daemon.store.records import OwnRecord, OwnStatus

#: Follow-up calls are at least this far apart (on the local wall clock).
CALL_SPACING = timedelta(days=7)
_LIVE = (OwnStatus.CREATED, OwnStatus.PENDING)


def hear_back_day(interview: Interview, settings: Settings) -> date:
    """The day by which the employer said they would answer (or the default wait)."""
    if interview.hear_back is not None:
        return interview.hear_back
    local_end = interview.end.astimezone(settings.profile.timezone).date()
    return local_end + timedelta(days=settings.followup.default_wait_days)


def remove_future(records: Sequence[OwnRecord], now: datetime, reason: str) -> list[RemoveOwnEvent]:
    """Remove the events of ``records`` that lie ahead (past ones stay as history)."""
    return [
        RemoveOwnEvent(record.kind, record.key, reason)
        for record in records
        if record.status in _LIVE and record.effective_start > now
    ]


def repeat_past_pending(records: Sequence[OwnRecord], now: datetime) -> list[PutOwnEvent]:
    """Repeat the puts of ``records`` whose answer was lost and whose time has passed.

    No rule wants them any more (the application was decided, the interview
    left), but the write may have happened: repeated under its key it is found
    and recorded, so the ledger knows what is on the calendar.
    """
    return [
        PutOwnEvent(
            kind=record.kind,
            key=record.key,
            application=record.application,
            interview_uid=record.interview_uid,
            series=record.series,
            seq=record.seq,
            start=record.start,
            end=record.end,
            person=Person(name=record.person_name) if record.person_name else None,
        )
        for record in records
        if record.status is OwnStatus.PENDING and record.effective_start <= now
    ]


def plan_calls(context: ApplicationContext) -> Sequence[Action]:
    calls = sorted(context.own_of(OwnKind.CALL), key=lambda c: (c.series, c.seq))
    if context.decided:
        return [
            *remove_future(calls, context.now, "the application is decided"),
            *repeat_past_pending(calls, context.now),
        ]
    if not context.interviews:
        return [
            *remove_future(calls, context.now, "its interview left the calendar"),
            *repeat_past_pending(calls, context.now),
        ]
    reply = context.state.replies.get(context.application)
    replied = reply.received if reply is not None else None
    return _calls(context.interviews, calls, context.now, context.settings, context.busy, replied)


def _calls(
    interviews: Sequence[Interview],
    calls: Sequence[OwnRecord],
    now: datetime,
    settings: Settings,
    busy: Busy = (),
    replied: datetime | None = None,
) -> list[Action]:
    anchor = interviews[-1]
    grace = timedelta(minutes=settings.interviews.grace_minutes)
    actions: list[Action] = []
    # A new round restarts the clock: upcoming calls of earlier rounds go.
    stale = [c for c in calls if c.series != anchor.uid]
    actions.extend(remove_future(stale, now, "a new interview restarted the follow-up clock"))
    if now < anchor.end + grace:
        return actions

    rules = settings.followup
    zone = settings.profile.timezone
    duration = timedelta(minutes=rules.call_minutes)
    back = hear_back_day(anchor, settings)
    series = [c for c in calls if c.series == anchor.uid and c.status is not OwnStatus.REMOVED]
    last = series[-1] if series else None
    if last is not None and last.status is OwnStatus.PENDING:
        # The write may or may not have happened: repeat it under the same key.
        actions.append(
            replace(_call_action(anchor, interviews, last.seq, last.start, last.end), key=last.key)
        )
        return actions
    # The hear-back date was added or moved after the call was booked: a call
    # before it would be pushy, so it goes (unless the user chose its time).
    untouched = [
        c
        for c in series
        if c.status is OwnStatus.CREATED
        and c.effective_start > now
        and c.observed_start in (None, c.start)
    ]
    actions.extend(
        RemoveOwnEvent(c.kind, c.key, "the hear-back date moved later")
        for c in untouched
        if wall_clock(c.start, zone).date() <= back
    )
    # The notes now name someone else to call (a decision maker written into the
    # debrief): the booked call is made again for them.
    callee = person_to_call(interviews)
    actions.extend(
        RemoveOwnEvent(c.kind, c.key, "the notes name someone else to call")
        for c in untouched
        if wall_clock(c.start, zone).date() > back
        and callee is not None
        and c.person_name != callee.name
    )
    withdrawn = {a.key for a in actions if isinstance(a, RemoveOwnEvent)}
    # A call this plan removes leaves its time free.
    freed = {(c.effective_start, c.effective_end) for c in calls if c.key in withdrawn}
    busy = [taken for taken in busy if taken not in freed]
    # Calls of every round count for "at most once a week" and "one upcoming call".
    held = [
        c
        for c in calls
        if c.status in (OwnStatus.CREATED, OwnStatus.DELETED) and c.key not in withdrawn
    ]
    # Only a reply after the latest interview says anything about this round.
    quiet_until = (
        wall_clock(replied, zone) + CALL_SPACING
        if replied is not None and replied > anchor.end
        else None
    )
    upcoming = [c for c in held if c.effective_end > now]
    if upcoming:
        return actions + _postponed(upcoming, quiet_until, now, back, settings)

    floor = wall_clock(now, zone)
    if held:
        latest = max(wall_clock(c.effective_start, zone) for c in held)
        floor = max(floor, latest + CALL_SPACING)
    if quiet_until is not None:
        floor = max(floor, quiet_until)
    start = first_slot(
        floor=floor,
        not_before=now,
        after_day=back,
        call_days=rules.call_days,
        call_time=rules.call_time,
        zone=zone,
        duration=duration,
        holiday=holiday_check(rules.holidays),
        busy=busy,
        employer=employer_zone(anchor, callee, zone),
        business_hours=rules.business_hours,
    )
    # Numbers are never reused, so a key never names two different calls.
    seq = max((c.seq for c in calls if c.series == anchor.uid), default=-1) + 1
    actions.append(_call_action(anchor, interviews, seq, start, start + duration))
    return actions


def _postponed(
    upcoming: Sequence[OwnRecord],
    quiet_until: datetime | None,
    now: datetime,
    back: date,
    settings: Settings,
) -> list[Action]:
    """Move an upcoming call that a reply made too early; one the user moved stays."""
    if quiet_until is None:
        return []
    zone, rules = settings.profile.timezone, settings.followup
    moves: list[Action] = []
    for call in upcoming:
        if (
            call.status is not OwnStatus.CREATED
            or call.start <= now
            or call.observed_start not in (None, call.start)
            or wall_clock(call.start, zone) >= quiet_until
        ):
            continue
        start = first_slot(
            floor=quiet_until,
            not_before=now,
            after_day=back,
            call_days=rules.call_days,
            call_time=rules.call_time,
            zone=zone,
        )
        moves.append(MoveOwnEvent(call.kind, call.key, start, start + (call.end - call.start)))
    return moves


def _call_action(
    anchor: Interview, interviews: Sequence[Interview], seq: int, start: datetime, end: datetime
) -> PutOwnEvent:
    return PutOwnEvent(
        kind=OwnKind.CALL,
        key=own_key(OwnKind.CALL, anchor.application, anchor.uid, seq),
        application=anchor.application,
        interview_uid=anchor.uid,
        series=anchor.uid,
        seq=seq,
        start=start,
        end=end,
        person=person_to_call(interviews),
    )


#: The calling preference, best first (DESIGN.md: decision maker, then a non-HR interviewer).
ROLE_ORDER = {Role.DECISION_MAKER: 0, Role.INTERVIEWER: 1, Role.HR: 2}


def person_to_call(interviews: Sequence[Interview]) -> Person | None:
    """The decision maker if possible, then a non-HR interviewer, HR last.

    Within a role: the hiring manager before other decision makers, an interviewer
    whose title says they lead (a manager, a lead)
    before one whose does not, a recruiter before a coordinator who only
    scheduled the interview; then someone with a phone number before someone
    without; then the latest round before earlier ones.
    """
    candidates: list[tuple[int, int, int, int, Person]] = []
    for age, interview in enumerate(reversed(interviews)):
        for person in interview.people:
            if not person.met and person.role is not Role.DECISION_MAKER:
                continue
            candidates.append(
                (
                    ROLE_ORDER[person.role],
                    _within_role(person),
                    0 if person.phone else 1,
                    age,
                    person,
                )
            )
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[:4])[4]


def _within_role(person: Person) -> int:
    if person.role is Role.DECISION_MAKER:
        return 0 if _HIRING_MANAGER.search(person.title) else 1
    if person.role is Role.HR:
        return 1 if is_coordinator(person.title) else 0
    if person.role is Role.INTERVIEWER:
        return 0 if _LEADS.search(person.title) else 1
    return 0


_HIRING_MANAGER = re.compile(r"\bhiring\s+manager\b", re.IGNORECASE)
_LEADS = re.compile(r"\b(?:manager|lead|head|principal|supervisor)\b", re.IGNORECASE)
