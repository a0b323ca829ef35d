"""Event ids the service chooses for its own events, and the ids Google gives instances.

Google Calendar lets a client choose an event's id (base32hex: ``0-9`` and ``a-v``,
5 to 1024 characters) and answers 409 when the id exists, even for an event that
was deleted. An id derived from the write's key therefore makes every insert safe
to repeat: the second one finds the first instead of adding a twin.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, date, datetime
from typing import Any

#: What Google accepts as a client-chosen event id.
_BASE32HEX_ID = re.compile(r"^[0-9a-v]{5,1024}$")
#: The service's keys are lowercase hex digests (daemon.domain.keys).
_HEX_KEY = re.compile(r"^[0-9a-f]{4,1000}$")


def event_id_for_key(key: str) -> str:
    """The event id for the own event with ``key``; the same key always gives the same id.

    A hex key is used as it is behind an ``f`` (readable in Google's UI and logs);
    any other key is encoded in base32hex behind a ``g``, so a key of another shape
    still gets a valid id that no hex key can produce.
    """
    if _HEX_KEY.match(key):
        event_id = "f" + key
    else:
        encoded = base64.b32hexencode(key.encode("utf-8")).decode("ascii")
        event_id = "g" + encoded.rstrip("=").lower()
    if not _BASE32HEX_ID.match(event_id):
        raise ValueError(f"key {key[:40]!r} is too long for a Google Calendar event id")
    return event_id


def is_valid_event_id(text: str) -> bool:
    return bool(_BASE32HEX_ID.match(text))


def occurrence_of(original_start: Any) -> str:
    """An instance's ``originalStartTime`` as the core names occurrences.

    UTC ``YYYY-MM-DDTHH:MM:SSZ`` for a timed instance, ``YYYY-MM-DD`` for a day;
    the same text the .ics adapter builds from a RECURRENCE-ID, so an instance is
    named alike whichever backend read it.
    """
    if not isinstance(original_start, dict):
        raise ValueError("originalStartTime is missing")
    if isinstance(original_start.get("dateTime"), str):
        moment = datetime.fromisoformat(original_start["dateTime"])
        if moment.tzinfo is None:
            raise ValueError(f"originalStartTime {original_start['dateTime']!r} has no offset")
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(original_start.get("date"), str):
        return date.fromisoformat(original_start["date"]).isoformat()
    raise ValueError("originalStartTime has neither dateTime nor date")
