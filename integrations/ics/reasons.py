"""Why an event could not be read, as a sentence its owner can act on.

A skip reason is shown to the user ("skipped event abc: ..."), who cannot do
anything with ``TypeError: unsupported operand type(s) for -: 'datetime.date'
and 'str'`` or ``KeyError: 'DTSTART'``. Library exceptions are turned into
what they mean for the event (which property, what is wrong with it); the
exception itself goes to the debug log only.
"""

from __future__ import annotations

import re

#: What each property is, in words.
PROPERTY_WORDS = {
    "DTSTART": "start time",
    "DTEND": "end time",
    "DURATION": "duration",
    "RECURRENCE-ID": "recurrence id (the original time of an edited occurrence)",
    "RRULE": "recurrence rule",
    "RDATE": "extra dates",
    "EXDATE": "excluded dates",
    "UID": "UID",
    "SUMMARY": "title",
    "TZID": "time zone",
}
_NAMED = re.compile(r"\b(" + "|".join(re.escape(name) for name in PROPERTY_WORDS) + r")\b")
_MIXED = re.compile(
    r"offset-naive and offset-aware|'datetime\.date' and|and 'datetime\.date'|"
    r"'datetime\.datetime' and|and 'datetime\.datetime'|compare datetime|date and datetime",
    re.IGNORECASE,
)


class Unreadable(ValueError):
    """An event that cannot be read; the text says why, as a clause ("it has no ...")."""

    @classmethod
    def of_property(cls, name: str, problem: object = "") -> Unreadable:
        words = PROPERTY_WORDS.get(name, "value")
        return cls(f"its {words} ({name}) cannot be read")


def explain(error: BaseException, *, stage: str = "") -> str:
    """``error`` as a clause about the event: "its start time (DTSTART) cannot be read"."""
    if isinstance(error, Unreadable):
        return str(error)
    if type(error).__name__ == "Refused":
        return str(error)
    text = str(error.args[0]) if error.args else ""
    if isinstance(error, KeyError):
        words = PROPERTY_WORDS.get(text)
        return f"it has no {words} ({text})" if words else "a value it needs is missing"
    if isinstance(error, RecursionError):
        return "it is nested too deeply to be read"
    if isinstance(error, OverflowError):
        return "one of its dates or durations lies beyond the years a calendar can hold"
    if isinstance(error, OSError):
        return "it names a time zone (TZID) that is not a time zone"
    if isinstance(error, TypeError) and _MIXED.search(text):
        return (
            "it mixes all-day dates, times and time zones in its start, end or recurrence "
            "(DTSTART, DTEND, RRULE, RDATE, EXDATE), so its occurrences cannot be told"
        )
    named = _NAMED.search(text)
    if named is not None:
        return str(Unreadable.of_property(named.group(1)))
    if stage == "recurrence":
        return "its recurrence (RRULE, RDATE or EXDATE) cannot be expanded"
    if "content line" in text.lower() or "parts" in text.lower():
        return "one of its lines is not valid iCalendar"
    return "one of its values cannot be read (it is not what iCalendar allows there)"
