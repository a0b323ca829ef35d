"""The keys the service chooses for its remote writes.

A key is derived only from stable facts (event uid, address, application,
round, sequence number), so the same intent always yields the same key, also
after a crash. Keys are lowercase hex: valid as Google Calendar event ids
(base32hex), as iCalendar UIDs and in a mail header.
"""

from __future__ import annotations

import hashlib

from daemon.domain.model import OwnKind


def _digest(*parts: str) -> str:
    joined = "\x1f".join(parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


def draft_key(interview_uid: str, email: str) -> str:
    return _digest("draft", interview_uid, email.strip().casefold())


def own_key(kind: OwnKind, application: str, series: str, seq: int) -> str:
    """The key of an own event; for calls the same as it has always been."""
    return _digest(kind.value, application, series, str(seq))
