"""The rule for follow-up calls: one upcoming call per application, at most one a week.

The first call goes on the first allowed slot on a day after the hear-back day;
the next at least 7 wall-clock days after the previous call's actual time. A
genuine reply from the employer (``[coach] replies``) counts like a call: the
next call goes at least 7 days after it, and an upcoming call booked earlier
than that is moved (unless the user chose its time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from daemon.domain.keys import own_key
from daemon.domain.model import Interview, OwnKind, Person, Role
from daemon.domain.settings import Settings
from daemon.planning.actions import Action, MoveOwnEvent, PutOwnEvent, RemoveOwnEvent
from daemon.planning.context import ApplicationContext
from daemon.planning.slots import first_slot, wall_clock
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


def plan_calls(context: ApplicationContext) -> Sequence[Action]:
    calls = sorted(context.own_of(OwnKind.CALL), key=lambda c: (c.series, c.seq))
    if context.decided:
        return remove_future(calls, context.now, "the application is decided")
    if not context.interviews:
        return remove_future(calls, context.now, "its interview left the calendar")
    reply = context.state.replies.get(context.application)
    replied = reply.received if reply is not None else None
    return _calls(context.interviews, calls, context.now, context.settings, replied)


def _calls(
    interviews: Sequence[Interview],
    calls: Sequence[OwnRecord],
    now: datetime,
    settings: Settings,
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
    actions.extend(
        RemoveOwnEvent(c.kind, c.key, "the hear-back date moved later")
        for c in series
        if c.status is OwnStatus.CREATED
        and c.effective_start > now
        and c.observed_start in (None, c.start)
        and wall_clock(c.start, zone).date() <= back
    )
    withdrawn = {a.key for a in actions if isinstance(a, RemoveOwnEvent)}
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

    Within a role, someone with a phone number beats someone without, and the
    latest round beats earlier ones.
    """
    candidates: list[tuple[int, int, int, Person]] = []
    for age, interview in enumerate(reversed(interviews)):
        for person in interview.people:
            if not person.met and person.role is not Role.DECISION_MAKER:
                continue
            candidates.append((ROLE_ORDER[person.role], 0 if person.phone else 1, age, person))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[:3])[3]
