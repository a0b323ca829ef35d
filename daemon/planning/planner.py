"""The rules of the product: state + events + now -> actions. Pure, total, no I/O.

``plan`` never raises on what a calendar contains: an event that cannot be
interpreted becomes a ``Quarantine`` action and the rest is planned as usual.
What is common to every kind of the service's own events — the user moved or
deleted one, wrote ``#decided`` into it, a removal was interrupted — is planned
here once; what a kind is for lives in its rule (``RULES``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from daemon.domain.model import CalendarEvent, EventId, Interview, OwnKind
from daemon.domain.settings import Settings
from daemon.planning.actions import (
    Action,
    ConfirmOwn,
    MarkInterviewRemoved,
    MoveOwnEvent,
    ObserveOwn,
    PutOwnEvent,
    Quarantine,
    RecordDecision,
    RecordInterview,
    RemoveOwnEvent,
    WithdrawDraft,
)
from daemon.planning.busy import busy_times
from daemon.planning.calls import plan_calls
from daemon.planning.context import ApplicationContext
from daemon.planning.debrief import plan_debriefs
from daemon.planning.drafts import plan_drafts
from daemon.planning.handwritten import plan_handwritten
from daemon.planning.send_by import plan_send_by
from daemon.reading.debrief import edits, merge_debrief
from daemon.reading.detection import is_interview
from daemon.reading.interviews import interpret
from daemon.reading.notes import parse_notes
from daemon.store.records import DraftStatus, ItemRef, OwnRecord, OwnStatus, Snapshot

Rule = Callable[[ApplicationContext], Sequence[Action]]

#: One rule per thing the service does for an application. A new kind of own
#: event is a rule here, a template, and tests.
RULES: tuple[Rule, ...] = (plan_drafts, plan_calls, plan_debriefs, plan_send_by, plan_handwritten)


def decision_in(text: str) -> str | None:
    """The outcome if ``text`` marks an application decided (an own event's notes).

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
class Unreadable:
    """What the calendar has but could not read this time: never taken as deleted."""

    events: tuple[EventId, ...] = ()
    #: Keys of own events that could not be read.
    own: frozenset[str] = frozenset()

    def covers(self, event_id: EventId) -> bool:
        return any(broken.covers(event_id) for broken in self.events)


def plan(
    state: Snapshot,
    events: Sequence[CalendarEvent],
    now: datetime,
    settings: Settings,
    *,
    window_start: datetime | None = None,
    unreadable: Unreadable = Unreadable(),
    complete: bool = True,
    known: Mapping[EventId, tuple[CalendarEvent, Interview | None]] | None = None,
) -> list[Action]:
    """Everything to do now, given what is known and what the calendar shows.

    ``events`` is the whole calendar as it is now (the service's own events
    included, marked by ``own``); events ending before ``window_start`` were not
    listed, and ``unreadable`` ones are there but broken: neither is taken as
    deleted. ``complete`` is False when ``events`` were rebuilt from an
    incremental listing, whose removals were stated one by one. ``known`` maps
    events interpreted before to what they were read as: an unchanged event is
    not read again.
    """
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    actions: list[Action] = []
    own = {e.own.key: e for e in events if e.own}
    current, failed = _interpret_all(events, settings, actions, known or {}, _debriefs(state, own))
    broken = Unreadable((*unreadable.events, *failed), unreadable.own)

    for uid, interview in current.items():
        record = state.interviews.get(uid)
        if record is None or record.interview != interview or not record.active:
            first_seen = record.first_seen if record else now
            actions.append(RecordInterview(interview, first_seen))

    # An empty complete listing is far more likely a broken feed than a user who
    # deleted every event at once: it is never read as "everything was deleted".
    trust_absence = bool(events) or not complete
    for uid, record in state.interviews.items():
        interview = record.interview
        gone = (
            uid not in current
            and record.active
            and trust_absence
            and not broken.covers(interview.id)
        )
        if gone and (window_start is None or interview.end >= window_start):
            actions.append(MarkInterviewRemoved(interview.id))
    removed = {str(a.id) for a in actions if isinstance(a, MarkInterviewRemoved)}

    interviews, eligible = _merge(state, current, removed, now, settings)
    records = _observe(state, own, trust_absence, broken, actions)
    by_application: dict[str, list[OwnRecord]] = defaultdict(list)
    for own_record in records:
        # An event follows its interview's application: the company can be
        # corrected after it was written (a ``Company:`` line added later).
        about = interviews.get(own_record.interview_uid)
        application = about.application if about else own_record.application
        by_application[application].append(own_record)
    decided = _decisions(state, interviews, own, by_application, actions)
    # An intent whose interview is gone, or whose application is decided, is no longer
    # wanted. (Had the write happened, the cycle found the draft before planning and it
    # is no longer pending; if the mailbox could not tell, a draft found later by its
    # key is no duplicate.)
    actions.extend(
        WithdrawDraft(draft.key)
        for draft in state.drafts.values()
        if draft.status is DraftStatus.PENDING
        and (
            draft.interview_uid not in interviews
            or interviews[draft.interview_uid].application in decided
        )
    )

    rounds: dict[str, list[Interview]] = defaultdict(list)
    for uid in eligible:
        rounds[interviews[uid].application].append(interviews[uid])
    busy = list(busy_times(events, settings.profile.email, now))

    for application in sorted(rounds.keys() | by_application.keys()):
        context = ApplicationContext(
            application=application,
            interviews=sorted(rounds.get(application, []), key=lambda i: (i.end, i.uid)),
            own=[
                r for r in by_application.get(application, []) if r.status is not OwnStatus.REMOVING
            ],
            decided=application in decided,
            state=state,
            now=now,
            settings=settings,
            busy=busy,
        )
        # A removal that was under way when the service stopped is finished first.
        planned: list[Action] = [
            RemoveOwnEvent(r.kind, r.key, "finishing an interrupted removal")
            for r in by_application.get(application, [])
            if r.status is OwnStatus.REMOVING
        ]
        try:
            for rule in RULES:
                planned.extend(rule(context))
            # All of an application's plan, or (on odd data) none of it.
            actions.extend(planned)
            # What this plan puts on the calendar takes its time for the next application.
            busy.extend(
                (a.start, a.end) for a in planned if isinstance(a, PutOwnEvent | MoveOwnEvent)
            )
        except (ValueError, OverflowError) as error:
            # One application's odd data (a hear-back date in the year 9999)
            # never stops the others.
            actions.append(
                Quarantine(ItemRef("application", application), f"{type(error).__name__}: {error}")
            )
    return actions


def _debriefs(state: Snapshot, own: Mapping[str, CalendarEvent]) -> dict[str, tuple[str, str]]:
    """Each interview's debrief on the calendar: (its description now, the one the service wrote).

    The ledger keeps what was written as the title's line, then the description.
    """
    return {
        record.interview_uid: (own[record.key].description, record.written_text.partition("\n")[2])
        for record in state.own_of(OwnKind.DEBRIEF)
        if record.key in own
    }


def _interpret_all(
    events: Iterable[CalendarEvent],
    settings: Settings,
    actions: list[Action],
    known: Mapping[EventId, tuple[CalendarEvent, Interview | None]],
    debriefs: Mapping[str, tuple[str, str]],
) -> tuple[dict[str, Interview], list[EventId]]:
    current: dict[str, Interview] = {}
    failed: list[EventId] = []
    for event in events:
        if event.own:
            continue
        debrief = debriefs.get(event.uid)
        before = known.get(event.id)
        if before is not None and before[0] == event:
            if before[1] is None:
                continue
            # What was read before holds the debrief's notes as they were then.
            if before[1].debrief == _edited(debrief):
                current[event.uid] = before[1]
                continue
        try:
            rules = settings.interviews
            if not is_interview(
                event, settings.profile, rules.patterns, not_people=rules.not_people
            ):
                continue
            interview = interpret(
                event, settings.profile, patterns=rules.patterns, not_people=rules.not_people
            )
            if debrief is not None:
                interview = merge_debrief(interview, *debrief, settings.profile)
            current[event.uid] = interview
        except Exception as error:  # noqa: BLE001 - one bad event never stops the rest
            failed.append(event.id)
            actions.append(
                Quarantine(ItemRef("event", event.uid), f"{type(error).__name__}: {error}")
            )
    return current, failed


def _edited(debrief: tuple[str, str] | None) -> str:
    """The debrief's description if the user wrote into it, else ""."""
    if debrief is None or edits(*debrief).untouched:
        return ""
    return debrief[0]


def _merge(
    state: Snapshot,
    current: dict[str, Interview],
    removed: set[str],
    now: datetime,
    settings: Settings,
) -> tuple[dict[str, Interview], set[str]]:
    """The interviews that count, after merging the calendar with the ledger, and which are
    recent enough (when first seen) to be followed up."""
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
    return interviews, eligible


def _observe(
    state: Snapshot,
    own: Mapping[str, CalendarEvent],
    trust_absence: bool,
    broken: Unreadable,
    actions: list[Action],
) -> list[OwnRecord]:
    """The user's moves and deletions of the service's events, for every kind.

    Returns the records as they stand once those observations are recorded.
    """
    result = []
    for record in state.own.values():
        observed = None
        if record.status is OwnStatus.PENDING and record.key in own:
            # Written by a cycle that lost the answer: it exists, whatever comes next.
            actions.append(ConfirmOwn(record.kind, record.key))
            record = replace(record, status=OwnStatus.CREATED)
        if record.status in (OwnStatus.CREATED, OwnStatus.DELETED):
            event = own.get(record.key)
            if event is None:
                if (
                    record.status is OwnStatus.CREATED
                    and trust_absence
                    and record.key not in broken.own
                ):
                    observed = ObserveOwn(record.kind, record.key, None)
            elif record.status is OwnStatus.DELETED or event.start != record.effective_start:
                # Moved, or back again (the user undid a deletion).
                observed = ObserveOwn(record.kind, record.key, event.start)
        if observed is None:
            result.append(record)
            continue
        actions.append(observed)
        if observed.start is None:
            result.append(replace(record, status=OwnStatus.DELETED))
        else:
            result.append(replace(record, observed_start=observed.start, status=OwnStatus.CREATED))
    return result


def _decisions(
    state: Snapshot,
    interviews: Mapping[str, Interview],
    own: Mapping[str, CalendarEvent],
    by_application: Mapping[str, Sequence[OwnRecord]],
    actions: list[Action],
) -> set[str]:
    decided = set(state.decisions)
    found: dict[str, tuple[str, str]] = {}
    for uid in sorted(interviews):
        interview = interviews[uid]
        if interview.decided is not None:
            # "debrief" when the user wrote it into the interview's debrief.
            read = interview.decided
            found.setdefault(interview.application, (read.outcome, read.source))
    for application in sorted(by_application):
        for record in by_application[application]:
            event = own.get(record.key)
            if event is None:
                continue
            # The service's own text may mention #decided (it tells the user how to
            # decide): only lines the user added count.
            written = set(record.written_text.splitlines())
            added = [
                line
                for line in f"{event.title}\n{event.description}".splitlines()
                if line not in written
            ]
            outcome = decision_in("\n".join(added))
            if outcome is not None:
                found.setdefault(application, (outcome, record.kind.value))
    for application, (outcome, source) in sorted(found.items()):
        if application not in decided:
            actions.append(RecordDecision(application, outcome, source))
            decided.add(application)
    return decided
