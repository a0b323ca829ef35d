"""Call slots: when a follow-up call may be placed, in the user's time zone.

A slot is a wall-clock time on an allowed weekday. Slots are computed on local
dates and turned into instants only at the end, so daylight-saving changes can
never produce a time that does not exist or that happens twice: a slot whose
local time falls in a spring-forward gap is skipped (that day has no such
time), and an ambiguous one takes its first occurrence.

A slot is a time a person would pick: never on a public holiday, never over
another event, and, when the employer keeps another clock, inside both
parties' working day. The call time is where the search starts on each day;
the call moves off it only as little as an event in the way or the other
party's hours require, and otherwise to the next allowed day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

#: Times taken by other events: (start, end) instants.
Busy = Sequence[tuple[datetime, datetime]]

#: Enough to find a slot for any non-empty set of call days, with room for
#: days skipped by daylight-saving gaps.
_SEARCH_DAYS = 21


def local_instant(day: date, at: time, zone: tzinfo) -> datetime | None:
    """The instant ``at`` on ``day`` in ``zone``, or None if that wall time does not exist."""
    naive = datetime.combine(day, at)
    candidate = naive.replace(tzinfo=zone, fold=0)
    # A wall time in a gap does not survive the round trip through UTC.
    back = candidate.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != naive:
        return None
    return candidate


def wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` as naive local wall-clock time: the scale on which "7 days later" is measured."""
    return moment.astimezone(zone).replace(tzinfo=None)


def first_slot(
    *,
    floor: datetime,
    not_before: datetime,
    after_day: date | None,
    call_days: tuple[int, ...],
    call_time: time,
    zone: ZoneInfo,
    duration: timedelta = timedelta(0),
    holiday: Callable[[date], bool] | None = None,
    busy: Busy = (),
    employer: tzinfo | None = None,
    business_hours: tuple[time, time] = (time(9, 0), time(17, 0)),
) -> datetime:
    """The first call slot on a day later than ``after_day``, at or after both bounds.

    ``floor`` is naive local wall-clock time, so "at least seven days after a
    call" keeps meaning the same time of day across a DST change; ``not_before``
    is an instant (usually now), so a slot is never in the past. Days that are
    a ``holiday`` are skipped; a slot never overlaps ``busy``; with an
    ``employer`` zone it lies inside ``business_hours`` there too, when the
    two working days overlap at all.
    """
    if not call_days:
        raise ValueError("call_days must not be empty")
    floor = max(floor, wall_clock(not_before, zone))
    day = floor.date()
    if after_day is not None and day <= after_day:
        day = after_day + timedelta(days=1)
    for offset in range(_SEARCH_DAYS * 10):
        candidate_day = day + timedelta(days=offset)
        if candidate_day.weekday() not in call_days:
            continue
        if holiday is not None and holiday(candidate_day):
            continue
        preferred = local_instant(candidate_day, call_time, zone)
        if preferred is None:
            continue
        window = _window(candidate_day, preferred, duration, zone, employer, business_hours)
        preferred = min(max(preferred, window[0]), window[1] - duration)
        # In a DST fold the wall clock repeats: the first occurrence can lie
        # before ``not_before`` even though its wall time does not.
        if wall_clock(preferred, zone) < floor or preferred < not_before:
            continue
        found = _free_time(preferred, duration, window, busy, floor, not_before, zone)
        if found is not None:
            # In the user's zone, whichever clock bounded it: the event is theirs.
            return found.astimezone(zone)
    raise ValueError("no call slot found")


def _window(
    day: date,
    preferred: datetime,
    duration: timedelta,
    zone: ZoneInfo,
    employer: tzinfo | None,
    hours: tuple[time, time],
) -> tuple[datetime, datetime]:
    """When a call may be on ``day``: the user's working day (stretched to their own call
    time), within the employer's when the two overlap."""
    opens = local_instant(day, hours[0], zone) or preferred
    closes = local_instant(day, hours[1], zone) or preferred + duration
    mine = (min(opens, preferred), max(closes, preferred + duration))
    if employer is None:
        return mine
    theirs_today = preferred.astimezone(employer).date()
    overlaps = []
    for shift in (-1, 0, 1):
        their_day = theirs_today + timedelta(days=shift)
        if their_day.weekday() >= 5:
            continue  # their weekend
        their_open = local_instant(their_day, hours[0], employer)
        their_close = local_instant(their_day, hours[1], employer)
        if their_open is None or their_close is None:
            continue
        start, end = max(mine[0], their_open), min(mine[1], their_close)
        if end - start >= duration and end > start:
            overlaps.append((start, end))
    if not overlaps:
        # No hour is working time for both: the user's own time stands, and the
        # event shows theirs, so the user can see it and move the call.
        return mine
    return min(overlaps, key=lambda w: _distance(preferred, w))


def _distance(moment: datetime, window: tuple[datetime, datetime]) -> timedelta:
    if moment < window[0]:
        return window[0] - moment
    if moment > window[1]:
        return moment - window[1]
    return timedelta(0)


def _free_time(
    preferred: datetime,
    duration: timedelta,
    window: tuple[datetime, datetime],
    busy: Busy,
    floor: datetime,
    not_before: datetime,
    zone: ZoneInfo,
) -> datetime | None:
    """The free time in ``window`` nearest ``preferred`` (a later one on a tie), if any."""
    near = [(s, e) for s, e in busy if s < window[1] and e > window[0]]
    if not near:
        return preferred
    candidates = {preferred}
    for start, end in near:
        candidates.update((end, start - duration))
    fitting = [
        c
        for c in candidates
        if window[0] <= c
        and c + duration <= window[1]
        and c >= not_before
        and wall_clock(c, zone) >= floor
        and not any(s < c + max(duration, _INSTANT) and e > c for s, e in near)
    ]
    if not fitting:
        return None
    return min(fitting, key=lambda c: (abs(c - preferred), -c.timestamp()))


#: A zero-length call still may not start inside another event.
_INSTANT = timedelta(microseconds=1)


def is_slot(moment: datetime, call_days: tuple[int, ...], call_time: time, zone: ZoneInfo) -> bool:
    """Whether ``moment`` is exactly a call slot (used by tests and by status)."""
    local = moment.astimezone(zone)
    return (
        local.weekday() in call_days
        and local.time().replace(tzinfo=None) == call_time
        and local_instant(local.date(), call_time, zone) == moment
    )
