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
from dataclasses import replace
from datetime import datetime

from daemon.domain.errors import BackendError
from daemon.domain.model import CalendarEvent
from daemon.domain.ports import CallEvent, EventChanges

#: Suffix of the uid of every call event; the same convention as the .ics adapter.
CALL_UID_SUFFIX = "@interview-followup"

#: Numbers instances, so a checkpoint from one calendar is unknown to another.
_INSTANCES = itertools.count(1)


class MemoryCalendar:
    """The ``Calendar`` port over a dict, with a switch to simulate an outage."""

    def __init__(
        self, events: tuple[CalendarEvent, ...] = (), *, incremental: bool = False
    ) -> None:
        self._events: dict[str, CalendarEvent] = {}
        #: Bumped on every change, so a checkpoint moves exactly when content does.
        self._revision = 0
        #: Answer a known checkpoint with only the changes since it.
        self.incremental = incremental
        self._instance = next(_INSTANCES)
        #: The revision at which each event was last stored, and each removed uid went.
        self._changed_at: dict[str, int] = {}
        self._removed_at: dict[str, int] = {}
        #: When False every port method raises ``BackendError``, like a server that is down.
        self.available = True
        #: How many call events were created: a retried put must not add to it.
        self.calls_created = 0
        for event in events:
            self.add_event(event)

    # -- the port -------------------------------------------------------------

    def changes(self, checkpoint: str | None) -> EventChanges:
        self._check_available()
        since = self._revision_of(checkpoint) if self.incremental else None
        if since is None:
            events = tuple(sorted(self._events.values(), key=_order))
            return EventChanges(events=events, checkpoint=self._checkpoint(), complete=True)
        changed = [self._events[uid] for uid, at in self._changed_at.items() if at > since]
        removed = sorted(uid for uid, at in self._removed_at.items() if at > since)
        return EventChanges(
            events=tuple(sorted(changed, key=_order)),
            checkpoint=self._checkpoint(),
            complete=False,
            removed=tuple(removed),
        )

    def put_call(self, call: CallEvent) -> str:
        self._check_available()
        _check_aware(call.start, call.end)
        existing = self._find_call(call.key)
        if existing is not None:
            return existing.uid
        uid = call.key + CALL_UID_SUFFIX
        self._store(
            CalendarEvent(
                uid=uid,
                title=call.title,
                start=call.start,
                end=call.end,
                description=call.description,
                own_key=call.key,
            )
        )
        self.calls_created += 1
        return uid

    def remove_call(self, key: str) -> None:
        self._check_available()
        existing = self._find_call(key)
        if existing is not None:
            self._delete(existing.uid)

    # -- the user, as a calendar app would let them act -------------------------

    def add_event(self, event: CalendarEvent) -> None:
        """Add or replace (by uid) an event, e.g. an interview the user was invited to."""
        _check_aware(event.start, event.end)
        self._store(event)

    def remove_event(self, uid: str) -> None:
        """Delete any event by uid; unknown uids are ignored, as in a calendar app."""
        self._delete(uid)

    def user_move_call(self, key: str, new_start: datetime) -> None:
        """Drag a call to another time; its length stays the same."""
        _check_aware(new_start)
        call = self._require_call(key)
        self._store(replace(call, start=new_start, end=new_start + (call.end - call.start)))

    def user_delete_call(self, key: str) -> None:
        self._delete(self._require_call(key).uid)

    def user_edit_call_description(self, key: str, text: str) -> None:
        self._store(replace(self._require_call(key), description=text))

    # -- inspection for tests -------------------------------------------------

    def call(self, key: str) -> CalendarEvent | None:
        """The call event with ``key`` as it is now, or None."""
        return self._find_call(key)

    @property
    def events(self) -> tuple[CalendarEvent, ...]:
        return tuple(self._events.values())

    # -- internals --------------------------------------------------------------

    def _check_available(self) -> None:
        if not self.available:
            raise BackendError("memory calendar: unavailable (simulated outage)")

    def _find_call(self, key: str) -> CalendarEvent | None:
        for event in self._events.values():
            if event.own_key == key:
                return event
        return None

    def _require_call(self, key: str) -> CalendarEvent:
        call = self._find_call(key)
        if call is None:
            raise KeyError(f"no call event with key {key!r}")
        return call

    def _store(self, event: CalendarEvent) -> None:
        if self._events.get(event.uid) != event:
            self._events[event.uid] = event
            self._revision += 1
            self._changed_at[event.uid] = self._revision
            self._removed_at.pop(event.uid, None)

    def _delete(self, uid: str) -> None:
        if self._events.pop(uid, None) is not None:
            self._revision += 1
            self._changed_at.pop(uid, None)
            # A tombstone, kept for good: any older checkpoint must hear of it.
            self._removed_at[uid] = self._revision

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


def _check_aware(*moments: datetime) -> None:
    # The model never holds a naive datetime; a fake that accepted one would hide the bug.
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment!r}: times must be time-zone aware")
