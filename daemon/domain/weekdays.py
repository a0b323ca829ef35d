"""Weekday names, as the config and the notes write them, in ``date.weekday()`` order."""

from __future__ import annotations

SHORT: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
#: Other spellings people write ("Tues", "Thurs").
_OTHER = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}


def weekday_number(name: str, *, informal: bool = True) -> int | None:
    """``date.weekday()`` of "tue", "tuesday" or (informal) "tues", any case; else None.

    Notes are written by people, so they take the informal spellings; the config
    file takes the two documented forms only.
    """
    word = name.strip().casefold()
    for names in (SHORT, FULL):
        if word in names:
            return names.index(word)
    return _OTHER.get(word) if informal else None
