"""The rules of the product: state + events + now -> actions. Pure, total, no I/O.

``plan`` never raises on what a calendar contains: an event that cannot be
interpreted becomes a ``Quarantine`` action and the rest is planned as usual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from daemon.domain.keys import call_key, draft_key
from daemon.domain.model import CalendarEvent, Interview, Person, Role
from daemon.domain.settings import Settings
from daemon.planning.actions import (
    Action,
    CreateCall,
    CreateDraft,
    MarkInterviewRemoved,
    ObserveCall,
    Quarantine,
    RecordDecision,
    RecordInterview,
    RemoveCall,
)
from daemon.planning.slots import first_slot, wall_clock
from daemon.reading.detection import is_interview
from daemon.reading.interviews import interpret
from daemon.reading.notes import parse_notes
from daemon.store.ledger import CallRecord, CallStatus, DraftKind, DraftStatus, Snapshot

#: Thank-you notes are due within this long after the interview.
NOTE_DEADLINE = timedelta(hours=24)
#: Follow-up calls are at least this far apart (on the local wall clock).
CALL_SPACING = timedelta(days=7)


def decision_in(text: str) -> str | None:
    """The outcome if ``text`` marks an application decided (a call event's notes).

    Read with the same grammar as interview notes, so ``Decided: not yet`` means
    the same on a call event as on an interview.
    """
    # The date only anchors hear-back spans, which play no part here.
    decided = parse_notes(text, interview_date=date(2000, 1, 1)).decided
    return decided.outcome if decided else None


def interviews_after(state: Snapshot, actions: Iterable[Action]) -> dict[str, Interview]:
    """The interviews as they stand once ``actions`` are recorded: what notes are written from."""
    interviews = {uid: record.interview for uid, record in state.interviews.items()}
    interviews.update(
        (a.interview.uid, a.interview) for a in actions if isinstance(a, RecordInterview)
    )
    return interviews


@dataclass(frozen=True)
class _View:
    """The interviews that count, after merging the calendar with the ledger."""

    interviews: dict[str, Interview]
    eligible: set[str]


def plan(
    state: Snapshot,
    events: Sequence[CalendarEvent],
    now: datetime,
    settings: Settings,
    *,
    window_start: datetime | None = None,
    unreadable: Collection[str] = (),
    complete: bool = True,
) -> list[Action]:
    """Everything to do now, given what is known and what the calendar shows.

    ``events`` is the whole calendar as it is now (the service's own call
    events included, marked by ``own_key``); events ending before
    ``window_start`` were not listed, and events in ``unreadable`` (uids the
    calendar could not read this time) are there but broken: neither is taken
    as deleted. ``complete`` is False when ``events`` were rebuilt from an
    incremental listing, whose removals were stated one by one.
    """
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    actions: list[Action] = []
    own = {e.own_key: e for e in events if e.own_key}
    current, failed = _interpret_all(events, settings, actions)
    unreadable = {*unreadable, *failed}

    for uid, interview in current.items():
        record = state.interviews.get(uid)
        if record is None or record.interview != interview or not record.active:
            first_seen = record.first_seen if record else now
            actions.append(RecordInterview(interview, first_seen))

    # An empty complete listing is far more likely a broken feed than a user who
    # deleted every event at once: it is never read as "everything was deleted".
    trust_absence = bool(events) or not complete
    for uid, record in state.interviews.items():
        gone = uid not in current and uid not in unreadable and record.active and trust_absence
        if gone and (window_start is None or record.interview.end >= window_start):
            actions.append(MarkInterviewRemoved(uid))
    removed = {a.uid for a in actions if isinstance(a, MarkInterviewRemoved)}

    view = _merge(state, current, removed, now, settings)
    calls_by_application: dict[str, list[CallRecord]] = defaultdict(list)
    for call in state.calls.values():
        calls_by_application[_application_of(call, view)].append(call)
    decided = _decisions(state, view, own, actions)

    by_application: dict[str, list[Interview]] = defaultdict(list)
    for uid in view.eligible:
        interview = view.interviews[uid]
        by_application[interview.application].append(interview)

    context = _Context(state, own, unreadable, trust_absence, now, settings)
    for application in sorted(by_application.keys() | calls_by_application.keys()):
        interviews = sorted(by_application.get(application, []), key=lambda i: (i.end, i.uid))
        calls = sorted(
            calls_by_application.get(application, []), key=lambda c: (c.round_uid, c.seq)
        )
        try:
            actions.extend(
                _plan_application(context, interviews, calls, decided=application in decided)
            )
        except (ValueError, OverflowError) as error:
            # One application's odd data (a hear-back date in the year 9999)
            # never stops the others.
            actions.append(
                Quarantine(f"application {application}", f"{type(error).__name__}: {error}")
            )
    return actions


@dataclass(frozen=True)
class _Context:
    state: Snapshot
    own: dict[str, CalendarEvent]
    unreadable: set[str]
    trust_absence: bool
    now: datetime
    settings: Settings


def _plan_application(
    context: _Context, interviews: list[Interview], calls: list[CallRecord], *, decided: bool
) -> list[Action]:
    now = context.now
    actions: list[Action] = []
    actions.extend(_observe_calls(calls, context.own, context.trust_absence, context.unreadable))
    calls = _apply_observations(calls, actions)
    # A removal that was under way when the service stopped is finished first.
    actions.extend(
        RemoveCall(c.key, "finishing an interrupted removal")
        for c in calls
        if c.status is CallStatus.REMOVING
    )
    calls = [c for c in calls if c.status is not CallStatus.REMOVING]
    if decided:
        actions.extend(_remove_future(calls, now, "the application is decided"))
        return actions
    if not interviews:
        actions.extend(_remove_future(calls, now, "its interview left the calendar"))
        return actions
    actions.extend(_drafts(context.state, interviews, now, context.settings))
    actions.extend(_calls(interviews, calls, now, context.settings))
    return actions


def _application_of(call: CallRecord, view: _View) -> str:
    """A call belongs to the application its interview belongs to now.

    The company can change after a call was booked (a ``Company:`` line added
    later); the call moves with its interview instead of being orphaned.
    """
    interview = view.interviews.get(call.round_uid)
    return interview.application if interview else call.application


def _interpret_all(
    events: Iterable[CalendarEvent], settings: Settings, actions: list[Action]
) -> tuple[dict[str, Interview], set[str]]:
    current: dict[str, Interview] = {}
    failed: set[str] = set()
    for event in events:
        try:
            if event.own_key or not is_interview(
                event, settings.profile.email, settings.interviews.patterns
            ):
                continue
            current[event.uid] = interpret(
                event, settings.profile, patterns=settings.interviews.patterns
            )
        except Exception as error:  # noqa: BLE001 - one bad event never stops the rest
            failed.add(event.uid)
            actions.append(Quarantine(f"event {event.uid}", f"{type(error).__name__}: {error}"))
    return current, failed


def _merge(
    state: Snapshot,
    current: dict[str, Interview],
    removed: set[str],
    now: datetime,
    settings: Settings,
) -> _View:
    interviews = {
        uid: record.interview
        for uid, record in state.interviews.items()
        if record.active and uid not in removed
    }
    interviews.update(current)
    lookback = timedelta(days=settings.interviews.lookback_days)
    eligible = set()
    for uid, interview in interviews.items():
        record = state.interviews.get(uid)
        first_seen = record.first_seen if record else now
        if interview.end >= first_seen - lookback:
            eligible.add(uid)
    return _View(interviews, eligible)


def _decisions(
    state: Snapshot, view: _View, own: dict[str, CalendarEvent], actions: list[Action]
) -> set[str]:
    decided = set(state.decisions)
    found: dict[str, tuple[str, str]] = {}
    for uid in sorted(view.interviews):
        interview = view.interviews[uid]
        if interview.decided is not None:
            found.setdefault(interview.application, (interview.decided.outcome, "event"))
    for key, event in sorted(own.items()):
        call = state.calls.get(key)
        if call is None:
            continue
        application = _application_of(call, view)
        # The service's own text may mention #decided (it tells the user how to
        # decide): only lines the user added count.
        written = set(call.written_text.splitlines())
        added = [
            line
            for line in f"{event.title}\n{event.description}".splitlines()
            if line not in written
        ]
        outcome = decision_in("\n".join(added))
        if outcome is not None:
            found.setdefault(application, (outcome, "call"))
    for application, (outcome, source) in sorted(found.items()):
        if application not in decided:
            actions.append(RecordDecision(application, outcome, source))
            decided.add(application)
    return decided


def _observe_calls(
    calls: Iterable[CallRecord],
    own: dict[str, CalendarEvent],
    trust_absence: bool,
    unreadable: Collection[str],
) -> list[Action]:
    observed: list[Action] = []
    for call in calls:
        if call.status not in (CallStatus.CREATED, CallStatus.DELETED):
            continue
        event = own.get(call.key)
        if event is None:
            broken = any(uid.startswith(call.key) for uid in unreadable)
            if call.status is CallStatus.CREATED and trust_absence and not broken:
                observed.append(ObserveCall(call.key, None))
        elif call.status is CallStatus.DELETED or event.start != call.effective_start:
            # Moved, or back again (the user undid a deletion).
            observed.append(ObserveCall(call.key, event.start))
    return observed


def _apply_observations(calls: list[CallRecord], actions: Sequence[Action]) -> list[CallRecord]:
    seen = {a.key: a for a in actions if isinstance(a, ObserveCall)}
    result = []
    for call in calls:
        observation = seen.get(call.key)
        if observation is None:
            result.append(call)
        elif observation.start is None:
            result.append(replace(call, status=CallStatus.DELETED))
        else:
            result.append(
                replace(call, observed_start=observation.start, status=CallStatus.CREATED)
            )
    return result


def _remove_future(calls: Iterable[CallRecord], now: datetime, reason: str) -> list[Action]:
    return [
        RemoveCall(call.key, reason)
        for call in calls
        if call.status in (CallStatus.CREATED, CallStatus.PENDING) and call.effective_start > now
    ]


def _drafts(
    state: Snapshot, interviews: Sequence[Interview], now: datetime, settings: Settings
) -> list[Action]:
    grace = timedelta(minutes=settings.interviews.grace_minutes)
    actions: list[Action] = []
    for interview in interviews:
        if now < interview.end + grace:
            continue
        seen: set[str] = set()
        variant = 0
        for person in interview.people:
            email = person.email.strip().casefold()
            if not email or email in seen:
                continue
            if person.met:
                kind = DraftKind.THANK_YOU
            elif person.role is Role.DECISION_MAKER:
                kind = DraftKind.INTEREST
            else:
                continue
            seen.add(email)
            key = draft_key(interview.uid, email)
            if key not in state.drafts or not _settled(state, key):
                actions.append(
                    CreateDraft(
                        key=key,
                        interview_uid=interview.uid,
                        application=interview.application,
                        person=person,
                        kind=kind,
                        variant=variant,
                        late=now > interview.end + NOTE_DEADLINE,
                    )
                )
            variant += 1
    return actions


def _settled(state: Snapshot, key: str) -> bool:
    """A draft is settled once created: from then on it belongs to the user."""
    return state.drafts[key].status is not DraftStatus.PENDING


def hear_back_day(interview: Interview, settings: Settings) -> date:
    """The day by which the employer said they would answer (or the default wait)."""
    if interview.hear_back is not None:
        return interview.hear_back
    local_end = interview.end.astimezone(settings.profile.timezone).date()
    return local_end + timedelta(days=settings.followup.default_wait_days)


def _calls(
    interviews: Sequence[Interview],
    calls: Sequence[CallRecord],
    now: datetime,
    settings: Settings,
) -> list[Action]:
    anchor = interviews[-1]
    grace = timedelta(minutes=settings.interviews.grace_minutes)
    actions: list[Action] = []
    # A new round restarts the clock: upcoming calls of earlier rounds go.
    stale = [c for c in calls if c.round_uid != anchor.uid]
    actions.extend(_remove_future(stale, now, "a new interview restarted the follow-up clock"))
    if now < anchor.end + grace:
        return actions

    rules = settings.followup
    zone = settings.profile.timezone
    duration = timedelta(minutes=rules.call_minutes)
    back = hear_back_day(anchor, settings)
    series = [c for c in calls if c.round_uid == anchor.uid and c.status is not CallStatus.REMOVED]
    last = series[-1] if series else None
    if last is not None and last.status is CallStatus.PENDING:
        # The write may or may not have happened: repeat it under the same key.
        actions.append(
            replace(_call_action(anchor, interviews, last.seq, last.start, last.end), key=last.key)
        )
        return actions
    # The hear-back date was added or moved after the call was booked: a call
    # before it would be pushy, so it goes (unless the user chose its time).
    actions.extend(
        RemoveCall(c.key, "the hear-back date moved later")
        for c in series
        if c.status is CallStatus.CREATED
        and c.effective_start > now
        and c.observed_start in (None, c.start)
        and wall_clock(c.start, zone).date() <= back
    )
    withdrawn = {a.key for a in actions if isinstance(a, RemoveCall)}
    # Calls of every round count for "at most once a week" and "one upcoming call".
    held = [
        c
        for c in calls
        if c.status in (CallStatus.CREATED, CallStatus.DELETED) and c.key not in withdrawn
    ]
    if any(c.effective_end > now for c in held):
        return actions

    floor = wall_clock(now, zone)
    if held:
        latest = max(wall_clock(c.effective_start, zone) for c in held)
        floor = max(floor, latest + CALL_SPACING)
    start = first_slot(
        floor=floor,
        not_before=now,
        after_day=back,
        call_days=rules.call_days,
        call_time=rules.call_time,
        zone=zone,
    )
    # Numbers are never reused, so a key never names two different calls.
    seq = max((c.seq for c in calls if c.round_uid == anchor.uid), default=-1) + 1
    actions.append(_call_action(anchor, interviews, seq, start, start + duration))
    return actions


def _call_action(
    anchor: Interview, interviews: Sequence[Interview], seq: int, start: datetime, end: datetime
) -> CreateCall:
    return CreateCall(
        key=call_key(anchor.application, anchor.uid, seq),
        application=anchor.application,
        round_uid=anchor.uid,
        seq=seq,
        start=start,
        end=end,
        person=person_to_call(interviews),
        interview_uid=anchor.uid,
    )


_ROLE_ORDER = {Role.DECISION_MAKER: 0, Role.INTERVIEWER: 1, Role.HR: 2}


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
            candidates.append((_ROLE_ORDER[person.role], 0 if person.phone else 1, age, person))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[:3])[3]
