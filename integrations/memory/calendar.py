"""A calendar held in memory that behaves like a real one.

It is a fake, not a mock: it keeps events, answers ``changes`` with complete
listings (or, with ``incremental=True``, with only what changed since a
checkpoint it handed out, as Google Calendar's ``syncToken`` does), and lets a
test act as the user (add an interview, move or delete a follow-up call, write
``#decided`` into it) through ``user_*`` methods that a real calendar app would
offer. The shared contract suite holds it to the same rules as every other
adapter of the ``Calendar`` port, in both modes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from daemon.domain.errors import BackendError
from daemon.domain.model import CalendarEvent, EventId, OwnKind, OwnTag
from daemon.domain.ports import (
    EventChanges,
    OwnEvent,
    OwnWrite,
    PutOwn,
    RemoveOwn,
    UpdateOwn,
    WriteResult,
    write_key,
)

#: Suffix of the uid of every own event; the same convention as the .ics adapter.
OWN_UID_SUFFIX = "@interview-followup"

#: Numbers instances, so a checkpoint from one calendar is unknown to another.
_INSTANCES = itertools.count(1)


class MemoryCalendar:
    """The ``Calendar`` port over a dict, with a switch to simulate an outage."""

    def __init__(
        self, events: tuple[CalendarEvent, ...] = (), *, incremental: bool = False
    ) -> None:
        self._events: dict[EventId, CalendarEvent] = {}
        #: The popup reminder of each own event, by key (a calendar keeps it beside the event).
        self.reminders: dict[str, timedelta | None] = {}
        #: Bumped on every change, so a checkpoint moves exactly when content does.
        self._revision = 0
        #: Answer a known checkpoint with only the changes since it.
        self.incremental = incremental
        self._instance = next(_INSTANCES)
        #: The revision at which each event was last stored, and each removed uid went.
        self._changed_at: dict[EventId, int] = {}
        self._removed_at: dict[EventId, int] = {}
        #: When False every port method raises ``BackendError``, like a server that is down.
        self.available = True
        #: How many own events were created: a retried put must not add to it.
        self.own_created = 0
        #: How many write batches reached the calendar.
        self.batches = 0
        #: The next batch is applied, then fails as if the answer were lost.
        self.lose_next_response = False
        for event in events:
            self.add_event(event)

    # -- the port -------------------------------------------------------------

    def changes(self, checkpoint: str | None) -> EventChanges:
        self._check_available()
        since = self._revision_of(checkpoint) if self.incremental else None
        if since is None:
            events = tuple(sorted(self._events.values(), key=_order))
            return EventChanges(events=events, checkpoint=self._checkpoint(), complete=True)
        changed = [self._events[key] for key, at in self._changed_at.items() if at > since]
        removed = sorted(key for key, at in self._removed_at.items() if at > since)
        return EventChanges(
            events=tuple(sorted(changed, key=_order)),
            checkpoint=self._checkpoint(),
            complete=False,
            removed=tuple(removed),
        )

    def write_own(self, writes: Sequence[OwnWrite]) -> list[WriteResult]:
        self._check_available()
        self.batches += 1
        results = [self._apply(write) for write in writes]
        if self.lose_next_response:
            self.lose_next_response = False
            raise BackendError("memory calendar: connection lost before the answer arrived")
        return results

    def _apply(self, write: OwnWrite) -> WriteResult:
        # Each write succeeds or fails on its own, as the port says: a bad one is
        # an error result and the rest of the batch still happens.
        try:
            return self._apply_one(write)
        except ValueError as error:
            return WriteResult(write_key(write), error=str(error))

    def _apply_one(self, write: OwnWrite) -> WriteResult:
        match write:
            case PutOwn(event=own):
                _check_aware(own.start, own.end)
                existing = self._find_own(own.key)
                if existing is not None:
                    return WriteResult(own.key, existing.uid)
                uid = own.key + OWN_UID_SUFFIX
                self._store(_event_of(own, uid))
                self.reminders[own.key] = own.reminder
                self.own_created += 1
                return WriteResult(own.key, uid)
            case UpdateOwn(event=own, fields=fields):
                _check_aware(own.start, own.end)
                existing = self._find_own(own.key)
                if existing is None:
                    return WriteResult(own.key, missing=True)
                changed = existing
                if "time" in fields:
                    changed = replace(changed, start=own.start, end=own.end)
                if "title" in fields:
                    changed = replace(changed, title=own.title)
                if "description" in fields:
                    changed = replace(changed, description=own.description)
                if "reminder" in fields:
                    self.reminders[own.key] = own.reminder
                self._store(changed)
                return WriteResult(own.key, existing.uid)
            case RemoveOwn(key=key):
                existing = self._find_own(key)
                if existing is not None:
                    self._delete(existing.id)
                return WriteResult(key)
        raise AssertionError(write)  # pragma: no cover

    # -- the user, as a calendar app would let them act -------------------------

    def add_event(self, event: CalendarEvent) -> None:
        """Add or replace (by uid) an event, e.g. an interview the user was invited to."""
        _check_aware(event.start, event.end)
        self._store(event)

    def remove_event(self, event_id: EventId) -> None:
        """Delete any event by id; unknown ids are ignored, as in a calendar app."""
        self._delete(event_id)

    def user_move(self, key: str, new_start: datetime) -> None:
        """Drag an own event to another time; its length stays the same."""
        _check_aware(new_start)
        own = self._require_own(key)
        self._store(replace(own, start=new_start, end=new_start + (own.end - own.start)))

    def user_delete(self, key: str) -> None:
        self._delete(self._require_own(key).id)

    def user_edit_description(self, key: str, text: str) -> None:
        self._store(replace(self._require_own(key), description=text))

    # -- inspection for tests -------------------------------------------------

    def own(self, key: str) -> CalendarEvent | None:
        """The own event with ``key`` as it is now, or None."""
        return self._find_own(key)

    def own_events(self, kind: OwnKind | None = None) -> list[CalendarEvent]:
        """The own events (of ``kind``), in time order."""
        return sorted(
            (e for e in self._events.values() if e.own and kind in (None, e.own.kind)),
            key=_order,
        )

    @property
    def events(self) -> tuple[CalendarEvent, ...]:
        return tuple(self._events.values())

    # -- internals --------------------------------------------------------------

    def _check_available(self) -> None:
        if not self.available:
            raise BackendError("memory calendar: unavailable (simulated outage)")

    def _find_own(self, key: str) -> CalendarEvent | None:
        for event in self._events.values():
            if event.own is not None and event.own.key == key:
                return event
        return None

    def _require_own(self, key: str) -> CalendarEvent:
        own = self._find_own(key)
        if own is None:
            raise KeyError(f"no own event with key {key!r}")
        return own

    def _store(self, event: CalendarEvent) -> None:
        if self._events.get(event.id) != event:
            self._events[event.id] = event
            self._revision += 1
            self._changed_at[event.id] = self._revision
            self._removed_at.pop(event.id, None)

    def _delete(self, event_id: EventId) -> None:
        if self._events.pop(event_id, None) is not None:
            self._revision += 1
            self._changed_at.pop(event_id, None)
            # A tombstone, kept for good: any older checkpoint must hear of it.
            self._removed_at[event_id] = self._revision

    def _checkpoint(self) -> str:
        return f"memory:{self._instance}:{self._revision}"

    def _revision_of(self, checkpoint: str | None) -> int | None:
        """The revision a checkpoint of this calendar names; None when it is not one."""
        if checkpoint is None:
            return None
        prefix = f"memory:{self._instance}:"
        if not checkpoint.startswith(prefix):
            return None
        try:
            revision = int(checkpoint.removeprefix(prefix))
        except ValueError:
            return None
        return revision if 0 <= revision <= self._revision else None


def _order(event: CalendarEvent) -> tuple[datetime, str]:
    return (event.start, event.uid)


def _event_of(own: OwnEvent, uid: str) -> CalendarEvent:
    return CalendarEvent(
        id=EventId(uid),
        title=own.title,
        start=own.start,
        end=own.end,
        description=own.description,
        own=OwnTag(own.kind, own.key),
    )


def _check_aware(*moments: datetime) -> None:
    # The model never holds a naive datetime; a fake that accepted one would hide the bug.
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment!r}: times must be time-zone aware")
