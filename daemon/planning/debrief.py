"""The rule for debriefs: a notes form on the calendar at the end of every interview.

Invitations are the organizer's: a guest cannot write into their description.
The debrief is the service's own event, so the user can: it is put on the
calendar as soon as the interview is seen (so it is there on the day), moves
with the interview, goes when an interview that has not happened yet is
cancelled or declined, and is never put again once the user deleted it.
What the user writes into it is read back as the interview's notes (the
planner merges it before any rule runs, see ``daemon.reading.debrief``).

Choices where DESIGN.md is silent:

- A debrief the user moved stays where they put it when the interview moves.
- The debrief of an interview that is over stays when the interview leaves the
  calendar, as past calls stay: it is history, and may hold the user's notes.
- An application that is decided gets no new debriefs; turning debriefs off
  stops new ones and leaves those already there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from daemon.domain.keys import own_key
from daemon.domain.model import Interview, OwnKind
from daemon.planning.actions import Action, MoveOwnEvent, PutOwnEvent
from daemon.planning.calls import remove_future, repeat_past_pending
from daemon.planning.context import ApplicationContext
from daemon.store.records import OwnRecord, OwnStatus


def plan_debriefs(context: ApplicationContext) -> Sequence[Action]:
    settings = context.settings.debrief
    length = timedelta(minutes=settings.minutes)
    records = context.own_of(OwnKind.DEBRIEF)
    actions: list[Action] = []
    about = {interview.uid for interview in context.interviews}
    # Cancelled or declined before it happened: its form has nothing to be about.
    orphans = [r for r in records if r.interview_uid not in about]
    actions.extend(remove_future(orphans, context.now, "its interview left the calendar"))
    actions.extend(repeat_past_pending(orphans, context.now))
    every = context.state.own_of(OwnKind.DEBRIEF)
    for interview in context.interviews:
        mine = sorted((r for r in records if r.interview_uid == interview.uid), key=lambda r: r.seq)
        last = mine[-1] if mine else None
        if last is None or last.status is OwnStatus.REMOVED:
            ever = [r for r in every if r.interview_uid == interview.uid]
            if any(r.status is OwnStatus.REMOVING for r in ever):
                continue  # the interview came back while its debrief is being removed
            if settings.enabled and not context.decided:
                # Numbers are never reused, so a key never names two different debriefs.
                seq = max((r.seq for r in ever), default=-1) + 1
                actions.append(_put(interview, seq, length))
        elif last.status is OwnStatus.PENDING:
            # The write may or may not have happened: repeat it under the same key.
            actions.append(replace(_put(interview, last.seq, length), key=last.key))
        elif last.status is OwnStatus.CREATED and _follows(last, interview):
            actions.append(
                MoveOwnEvent(OwnKind.DEBRIEF, last.key, interview.end, interview.end + length)
            )
    return actions


def _follows(record: OwnRecord, interview: Interview) -> bool:
    """The interview moved and the user left the debrief where the service put it."""
    return record.start != interview.end and record.observed_start in (None, record.start)


def _put(interview: Interview, seq: int, length: timedelta) -> PutOwnEvent:
    return PutOwnEvent(
        kind=OwnKind.DEBRIEF,
        key=own_key(OwnKind.DEBRIEF, interview.application, interview.uid, seq),
        application=interview.application,
        interview_uid=interview.uid,
        series=interview.uid,
        seq=seq,
        start=interview.end,
        end=interview.end + length,
    )
