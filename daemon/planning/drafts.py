"""The rule for thank-you notes: a draft per person with an address, once, after the grace."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from daemon.domain.keys import draft_key
from daemon.domain.model import Role
from daemon.planning.actions import Action, CreateDraft, WithdrawDraft
from daemon.planning.context import ApplicationContext
from daemon.store.records import DraftKind, DraftStatus

#: Thank-you notes are due within this long after the interview.
NOTE_DEADLINE = timedelta(hours=24)


def plan_drafts(context: ApplicationContext) -> Sequence[Action]:
    settings, now, state = context.settings, context.now, context.state
    if context.decided:
        # A decision before the notes were due: no thanks to write. A draft intended
        # before it and not found in the mailbox (the cycle looked) was never made.
        mine = {interview.uid for interview in context.interviews}
        return [
            WithdrawDraft(d.key)
            for d in state.drafts.values()
            if d.status is DraftStatus.PENDING and d.interview_uid in mine
        ]
    grace = timedelta(minutes=settings.interviews.grace_minutes)
    actions: list[Action] = []
    for interview in context.interviews:
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
            record = state.drafts.get(key)
            # Once created a draft belongs to the user; a pending one is repeated.
            if record is None or record.status is DraftStatus.PENDING:
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
