"""Expanding recurring series within the window, at a bounded cost.

Expanding a rule (dateutil, under recurring-ical-events) walks it from its
DTSTART one period at a time, whatever window is asked for: an invitation
with ``DTSTART:19000101T000000Z`` and ``RRULE:FREQ=HOURLY`` costs a million
steps. So rules that cannot describe a meeting a person attends (more often
than daily, more than a few times a day, or starting so long ago for their
frequency that walking them is the attack) are refused before expansion.

Not bounded here: a rule that can never match (``FREQ=DAILY;BYMONTH=2;
BYMONTHDAY=31``) makes dateutil walk to the year 9999 looking for a first
occurrence, about 3 s for a daily rule (0.2 s for a yearly one). Telling
every impossible combination apart is a rule engine of its own; running the
expansion under a CPU limit in a child process would bound it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import icalendar
import recurring_ical_events

from integrations.ics.parsing import PARSE_ERRORS
from integrations.ics.reasons import explain

#: Steps of a rule from its DTSTART to the end of the window: ~1 µs each.
MAX_RULE_STEPS = 200_000
#: BYHOUR x BYMINUTE x BYSECOND: a meeting series happens at most this often a day.
MAX_TIMES_A_DAY = 4
#: Occurrences read per series and window; an interview series never comes close.
MAX_OCCURRENCES = 1_000
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}


class Refused(ValueError):
    """A series whose rules are not expanded; the text says why."""


def expand(
    components: list[icalendar.Component], start: datetime, end: datetime
) -> tuple[list[icalendar.Component], bool]:
    """The occurrences of one series (master and overrides) between ``start`` and ``end``.

    Answers them in order of start, at most ``MAX_OCCURRENCES``, and whether
    more were cut off. Raises ``Refused`` for a rule too costly to expand.
    """
    series = icalendar.Calendar()
    for component in components:
        _vet(component, end.date())
        series.add_component(component)
    try:
        found = recurring_ical_events.of(series).between(start, end)
    except Refused:
        raise
    except PARSE_ERRORS as error:
        raise Refused(explain(error, stage="recurrence")) from error
    found.sort(key=lambda occurrence: _sort_key(occurrence.decoded("DTSTART")))
    return found[:MAX_OCCURRENCES], len(found) > MAX_OCCURRENCES


def _vet(component: icalendar.Component, last_day: date) -> None:
    rules = component.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        frequency = _first(rule, "FREQ", "").upper()
        if frequency not in _PERIOD_DAYS:
            how = frequency.lower() or "without a frequency"
            raise Refused(f"it recurs {how}, which no meeting does, so it is not read")
        times_a_day = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            times_a_day *= max(1, len(rule.get(part, [])))
        if times_a_day > MAX_TIMES_A_DAY:
            raise Refused(
                f"it recurs {times_a_day} times a day, more often than any meeting, "
                "so it is not read"
            )
        interval = max(1, int(_first(rule, "INTERVAL", 1)))
        first_day = _day(component.decoded("DTSTART"))
        steps = (last_day - first_day).days / (_PERIOD_DAYS[frequency] * interval)
        if steps > MAX_RULE_STEPS:
            raise Refused(
                f"it starts in {first_day.year}, too long ago for a {frequency.lower()} rule "
                "to be expanded; shorten the series or start it later"
            )


def _first(rule: Any, part: str, default: Any) -> Any:
    values = rule.get(part) or [default]
    return values[0] if isinstance(values, list) else values


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def _sort_key(value: Any) -> tuple[date, str]:
    # Floating and aware times of one series only need a stable order here.
    return (_day(value), str(value))
