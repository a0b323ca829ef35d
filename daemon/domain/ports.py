"""The ports: what the core needs from a calendar and from a draft store.

Adapters in ``integrations/`` implement these; the core never imports them.
Every write is keyed by a key the service chose, so a retried write (after a
crash or a lost response) finds the earlier one instead of writing twice.

Writes come in batches: one cycle hands a port all its writes at once, so a
file-backed adapter reads and replaces its file once per cycle, not once per
write. Each write in a batch still succeeds or fails on its own.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Literal, Protocol, runtime_checkable

from daemon.domain.model import CalendarEvent, EventId, OwnKind, OwnTag


class Port(enum.StrEnum):
    """The ports a backend can provide; the value is the config section that picks it."""

    CALENDAR = "calendar"
    DRAFTS = "drafts"


@dataclass(frozen=True)
class Skipped:
    """One item of a listing that could not be read; the rest of the calendar still was."""

    #: For the user: which item ("event abc@example.com", "calendar file x.ics").
    what: str
    #: For the user: why, as a sentence.
    reason: str
    #: The event (or whole series) that could not be read, when it is known.
    event: EventId | None = None
    #: Set when the unreadable event is one the service wrote itself.
    own: OwnTag | None = None


@dataclass(frozen=True)
class EventChanges:
    """What changed in a calendar since a checkpoint.

    ``complete`` means ``events`` is the whole calendar (within ``window_start``
    onwards, when set) and replaces what was known; otherwise ``events`` are
    upserts and ``removed`` holds the events that are gone. ``checkpoint`` is
    opaque and is handed back on the next call.
    """

    events: tuple[CalendarEvent, ...]
    checkpoint: str
    complete: bool = True
    removed: tuple[EventId, ...] = ()
    #: Events that end before this are not listed (None: nothing is left out).
    window_start: datetime | None = None
    #: Per-item problems. The rest of the calendar is still read.
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True)
class OwnEvent:
    """An event the service puts on the calendar: a call, a debrief, a reminder."""

    kind: OwnKind
    key: str
    start: datetime
    end: datetime
    title: str
    description: str
    #: A popup this long before ``start``; None for no reminder of the service's own.
    reminder: timedelta | None = None

    @property
    def tag(self) -> OwnTag:
        return OwnTag(self.kind, self.key)


#: The parts of an own event an update may change; the rest stay as they are
#: (the user may have written into the description, which must not be lost).
OwnField = Literal["time", "title", "description", "reminder"]


@dataclass(frozen=True)
class PutOwn:
    """Create ``event`` unless an event with its key exists (then nothing changes)."""

    event: OwnEvent


@dataclass(frozen=True)
class UpdateOwn:
    """Change ``fields`` of the existing event with ``event.key`` to ``event``'s values.

    An event that is gone (the user deleted it) stays gone: the result says so.
    """

    event: OwnEvent
    fields: frozenset[OwnField] = field(default_factory=lambda: frozenset({"time"}))


@dataclass(frozen=True)
class RemoveOwn:
    """Remove the event with ``key``; nothing happens if it is gone already."""

    kind: OwnKind
    key: str


OwnWrite = PutOwn | UpdateOwn | RemoveOwn


@dataclass(frozen=True)
class WriteResult:
    """The outcome of one write of a batch."""

    key: str
    #: The backend's id of the event or draft written (puts and creates).
    remote_id: str = ""
    #: The event was deleted by the user: for an update, it was not there; for a put,
    #: its key is taken by an event the user deleted (Google keeps deleted ids).
    missing: bool = False
    #: Why this one write failed (an item error); empty when it succeeded.
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def write_key(write: OwnWrite) -> str:
    return write.key if isinstance(write, RemoveOwn) else write.event.key


class Calendar(Protocol):
    """Where interviews are read and the service's own events are written."""

    def changes(self, checkpoint: str | None) -> EventChanges:
        """Events changed since ``checkpoint`` (None: everything).

        The service's own events are included, marked with ``own``, so the
        user's edits to them (moved, deleted, ``#decided``) are seen.
        """
        ...

    def write_own(self, writes: Sequence[OwnWrite]) -> list[WriteResult]:
        """Apply ``writes`` in order; one result per write, in the same order.

        Each write is idempotent by its key: a put whose key exists returns the
        existing event's id, even if the user has since moved it. Raises
        ``BackendError`` when the calendar failed as a whole; some writes may
        have happened, and repeating them with the same keys is safe.
        """
        ...


class DraftStore(Protocol):
    """Where thank-you notes are left as drafts. It never sends."""

    def create_drafts(self, drafts: Sequence[tuple[str, EmailMessage]]) -> list[WriteResult]:
        """Store each (key, message) as a draft unless a draft with that key exists.

        One result per draft, in order, carrying the draft's id. Each message
        carries its key in the ``X-Interview-Followup-Key`` header. Raises
        ``BackendError`` when the store failed as a whole.
        """
        ...

    def present(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are still drafts (a missing one was sent or discarded)."""
        ...

    def sent(self, keys: Iterable[str]) -> set[str] | None:
        """Which of ``keys`` the store can see were sent; None when it cannot tell.

        Asked only about drafts whose creation lost its answer and that are not in
        the drafts folder: written and already sent by the user, or never written.
        A store that cannot tell makes the service write them (again).
        """
        ...


KEY_HEADER = "X-Interview-Followup-Key"


@dataclass(frozen=True)
class InboxMessage:
    """One message in the user's inbox, as much as is needed to tell a reply from an automaton.

    Only headers and the mailbox's short preview are read: no body is kept, and
    none of it is ever logged.
    """

    #: The mailbox's id of the message: the same message keeps it across cycles.
    id: str
    #: The ``From`` header as written (display name and address).
    sender: str
    received: datetime
    subject: str = ""
    #: The headers that mark automatic mail (``Auto-Submitted``, ``X-Autoreply``,
    #: ``Precedence``, ``Return-Path``, ``Content-Type``, ...), names in lower case.
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The first words of the text (Gmail's ``snippet``), for out-of-office wording.
    preview: str = ""
    #: The mailbox says the user sent it (Gmail's SENT label).
    sent_by_user: bool = False


@runtime_checkable
class Mailbox(Protocol):
    """Read access to the inbox, an optional capability of a draft store (Gmail).

    Asked only when the user opted in (``[coach] replies = true``); a store
    without it simply has no replies to offer.
    """

    def messages_from(
        self,
        since: datetime,
        addresses: Collection[str],
        domains: Collection[str],
        known: Collection[str] = (),
    ) -> list[InboxMessage]:
        """Inbox messages received since ``since`` from any of ``addresses`` or ``domains``.

        Messages whose id is in ``known`` were examined before and are left out
        (not fetched again). Whether a message is a genuine reply is the core's
        call (``daemon.reading.replies``). Raises ``BackendError`` when the
        mailbox cannot be read (for Gmail: no ``gmail.readonly`` permission).
        """
        ...
