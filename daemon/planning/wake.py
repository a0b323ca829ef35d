"""When the plan can next change by itself, with nothing new on the calendar.

Between calendar changes only time moves the plan: an interview's grace period
ends (drafts and the first call become due), or one of the service's events
passes (the next call becomes due). Until the earliest such moment, a cycle
whose calendar is unchanged has nothing to plan, whatever the number of
interviews. The moment is an upper bound on idleness, so it errs early: waking
too soon costs one full plan, waking too late would delay a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from daemon.domain.model import Interview
from daemon.domain.settings import Settings
from daemon.planning.actions import Action, PutOwnEvent
from daemon.planning.send_by import wakes as send_by_wakes
from daemon.store.records import OwnRecord, OwnStatus

#: A full plan at least this often, whatever the moments say: a bound on what a
#: rule that forgot to say when it wakes could cost.
MAX_IDLE = timedelta(hours=1)

_HELD = (OwnStatus.PENDING, OwnStatus.CREATED, OwnStatus.DELETED)


def next_wake(
    interviews: Iterable[Interview],
    own: Iterable[OwnRecord],
    actions: Iterable[Action],
    now: datetime,
    settings: Settings,
) -> datetime:
    interviews = list(interviews)
    grace = timedelta(minutes=settings.interviews.grace_minutes)
    moments = [now + MAX_IDLE]
    moments += [i.end + grace for i in interviews if i.end + grace > now]
    moments += [r.effective_end for r in own if r.status in _HELD and r.effective_end > now]
    moments += [a.end for a in actions if isinstance(a, PutOwnEvent) and a.end > now]
    moments += [m for m in send_by_wakes(interviews, settings) if m > now]
    return min(moments)
