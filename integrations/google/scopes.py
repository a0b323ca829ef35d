"""The OAuth scopes the service asks for: the narrowest that do the job.

Kept free of Google's libraries: the declaration and ``check-config`` use it.
"""

from __future__ import annotations

from collections.abc import Iterable

_PREFIX = "https://www.googleapis.com/auth/"

#: Events on calendars the user owns (the primary calendar included): list, insert,
#: patch, delete. Nothing on other people's calendars, no calendar settings, no ACLs.
CALENDAR_OWNED = _PREFIX + "calendar.events.owned"
#: Events on every calendar the user can see: needed only to read a calendar that
#: someone else owns and shares with the user.
CALENDAR_EVENTS = _PREFIX + "calendar.events"
#: Create, read, update and delete drafts. Google's API would also let it send
#: them; the service refuses every send endpoint in its HTTP layer (``http.py``).
GMAIL_COMPOSE = _PREFIX + "gmail.compose"
#: Read messages (not modify, not send): asked for only with ``[coach] replies = true``,
#: to see replies from employers. Read through ``inbox.py`` (headers and a snippet only).
GMAIL_READONLY = _PREFIX + "gmail.readonly"

#: Broader scopes that include a narrower one: a token with the broader scope is fine.
_COVERED_BY: dict[str, tuple[str, ...]] = {
    CALENDAR_OWNED: (CALENDAR_EVENTS, _PREFIX + "calendar"),
    CALENDAR_EVENTS: (_PREFIX + "calendar",),
    GMAIL_COMPOSE: (_PREFIX + "gmail.modify", "https://mail.google.com/"),
    GMAIL_READONLY: (_PREFIX + "gmail.modify", "https://mail.google.com/"),
}

#: The calendar id every account has; it is always the user's own.
PRIMARY = "primary"


def calendar_scope(calendar_ids: Iterable[str], calls_calendar: str) -> str:
    """``calendar.events.owned`` when only the primary calendar is used, else ``calendar.events``.

    Whether a secondary calendar is the user's own cannot be known before the
    service is authorized, so any other id asks for the scope that surely reads it.
    """
    ids = {*calendar_ids, calls_calendar}
    return CALENDAR_OWNED if ids <= {PRIMARY} else CALENDAR_EVENTS


def short(scope: str) -> str:
    """``calendar.events.owned`` for the full URL: how the README and messages name it."""
    return scope.removeprefix(_PREFIX)


def missing(needed: Iterable[str], granted: Iterable[str]) -> list[str]:
    """The needed scopes a token does not cover, in order."""
    have = set(granted)
    return [s for s in needed if s not in have and not have.intersection(_COVERED_BY.get(s, ()))]
