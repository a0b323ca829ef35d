"""The ports: what the core needs from a calendar and from a draft store.

Adapters in ``integrations/`` implement these; the core never imports them.
Every write is keyed by a key the service chose, so a retried write (after a
crash or a lost response) finds the earlier one instead of writing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from daemon.domain.model import CalendarEvent


@dataclass(frozen=True)
class EventChanges:
    """What changed in a calendar since a checkpoint.

    ``complete`` means ``events`` is the whole calendar (within ``window_start``
    onwards, when set) and replaces what was known; otherwise ``events`` are
    upserts and ``removed`` holds uids that are gone. ``checkpoint`` is opaque
    and is handed back on the next call.
    """

    events: tuple[CalendarEvent, ...]
    checkpoint: str
    complete: bool = True
    removed: tuple[str, ...] = ()
    #: Events that end before this are not listed (None: nothing is left out).
    window_start: datetime | None = None
    #: Per-item problems: (what, why). The rest of the calendar is still read.
    skipped: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CallEvent:
    """A follow-up call the service puts on the calendar."""

    key: str
    start: datetime
    end: datetime
    title: str
    description: str


class Calendar(Protocol):
    """Where interviews are read and follow-up calls are written."""

    def changes(self, checkpoint: str | None) -> EventChanges:
        """Events changed since ``checkpoint`` (None: everything).

        The service's own call events are included, marked with ``own_key``,
        so the user's edits to them (moved, deleted, ``#decided``) are seen.
        """
        ...

    def put_call(self, call: CallEvent) -> str:
        """Create the call event unless one with ``call.key`` exists; return its id.

        Idempotent: a second put with the same key changes nothing and returns
        the id of the existing event, even if the user has since moved it.
        """
        ...

    def remove_call(self, key: str) -> None:
        """Remove the call event with ``key``; nothing happens if it is gone."""
        ...


class DraftStore(Protocol):
    """Where thank-you notes are left as drafts. It never sends."""

    def create_draft(self, key: str, message: EmailMessage) -> str:
        """Store ``message`` as a draft unless a draft with ``key`` exists; return its id.

        The message carries the key in its ``X-Interview-Followup-Key`` header.
        """
        ...

    def present(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are still drafts (a missing one was sent or discarded)."""
        ...


KEY_HEADER = "X-Interview-Followup-Key"
