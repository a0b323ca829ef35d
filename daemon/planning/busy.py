"""The times the user is taken: a call is never put over another event.

Every timed event on the calendar counts, the service's own ones too (a call
of another application, a debrief), except events the user declined or that
were cancelled. All-day events do not: a "Working from home" or a
birthday is no reason to skip a day (holidays are their own rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from daemon.domain.model import CalendarEvent, EventStatus, PartStat
from daemon.reading.text import same_email


def busy_times(
    events: Iterable[CalendarEvent], user_email: str, since: datetime
) -> tuple[tuple[datetime, datetime], ...]:
    """(start, end) of the events that take the user's time and end after ``since``."""
    taken = []
    for event in events:
        if event.all_day or event.status is EventStatus.CANCELLED or event.end <= since:
            continue
        if any(
            (attendee.is_user or same_email(attendee.email, user_email))
            and attendee.partstat is PartStat.DECLINED
            for attendee in event.attendees
        ):
            continue
        taken.append((event.start, event.end))
    return tuple(sorted(taken))
