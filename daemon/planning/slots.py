"""Call slots: when a follow-up call may be placed, in the user's time zone.

A slot is a wall-clock time on an allowed weekday. Slots are computed on local
dates and turned into instants only at the end, so daylight-saving changes can
never produce a time that does not exist or that happens twice: a slot whose
local time falls in a spring-forward gap is skipped (that day has no such
time), and an ambiguous one takes its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: Enough to find a slot for any non-empty set of call days, with room for
#: days skipped by daylight-saving gaps.
_SEARCH_DAYS = 21


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime | None:
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
) -> datetime:
    """The first call slot on a day later than ``after_day``, at or after both bounds.

    ``floor`` is naive local wall-clock time, so "at least seven days after a
    call" keeps meaning the same time of day across a DST change; ``not_before``
    is an instant (usually now), so a slot is never in the past.
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
        if datetime.combine(candidate_day, call_time) < floor:
            continue
        instant = local_instant(candidate_day, call_time, zone)
        # In a DST fold the wall clock repeats: the first occurrence can lie
        # before ``not_before`` even though its wall time does not.
        if instant is not None and instant >= not_before:
            return instant
    raise ValueError("no call slot found")  # pragma: no cover - unreachable with call_days set


def is_slot(moment: datetime, call_days: tuple[int, ...], call_time: time, zone: ZoneInfo) -> bool:
    """Whether ``moment`` is exactly a call slot (used by tests and by status)."""
    local = moment.astimezone(zone)
    return (
        local.weekday() in call_days
        and local.time().replace(tzinfo=None) == call_time
        and local_instant(local.date(), call_time, zone) == moment
    )
