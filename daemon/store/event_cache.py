"""The event cache: the calendar as last listed, so an incremental listing can be applied to it.

Rows are keyed by the event id's text form; only rows that differ are written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from daemon.domain.model import CalendarEvent, EventId
from daemon.store.codec import event_from_json, event_to_json, from_utc_text, to_utc_text

#: The checkpoint under which the window start of the cached listing is kept.
EVENTS_WINDOW = "events.window_start"


class EventCache:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def events(self) -> list[CalendarEvent]:
        """The calendar as last listed, in time order."""
        events = [event_from_json(row[0]) for row in self._db.execute("SELECT data FROM events")]
        return sorted(events, key=lambda e: (e.start, e.uid))

    def window_start(self) -> datetime | None:
        """Events ending before this were not in the listing the cache was filled from."""
        row = self._db.execute(
            "SELECT value FROM checkpoints WHERE name = ?", (EVENTS_WINDOW,)
        ).fetchone()
        return from_utc_text(row[0]) if row else None

    def replace(
        self,
        events: Iterable[CalendarEvent],
        *,
        window_start: datetime | None = None,
        keep: Iterable[EventId] = (),
    ) -> None:
        """Make the cache hold ``events`` (a complete listing) and nothing else.

        Events covered by ``keep`` (ids or whole series that could not be read this
        time) keep their cached version, if any.
        """
        listed = {event.uid: event for event in events}
        new = {uid: event_to_json(event) for uid, event in listed.items()}
        kept = list(keep)
        old = {
            row[0]: (row[1], row[2])
            for row in self._db.execute("SELECT uid, series, data FROM events")
        }
        doomed = [
            uid
            for uid, (series, _) in old.items()
            if uid not in new and not any(_covers(k, uid, series) for k in kept)
        ]
        self._db.executemany("DELETE FROM events WHERE uid = ?", [(uid,) for uid in doomed])
        self._upsert(listed[uid] for uid, data in new.items() if old.get(uid, ("", ""))[1] != data)
        if window_start is None:
            self._db.execute("DELETE FROM checkpoints WHERE name = ?", (EVENTS_WINDOW,))
        else:
            self._db.execute(
                "INSERT INTO checkpoints(name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (EVENTS_WINDOW, to_utc_text(window_start)),
            )

    def apply(self, upserts: Iterable[CalendarEvent], removed: Iterable[EventId]) -> None:
        """Apply an incremental listing: removals first (a whole series by its series), then
        upserts."""
        gone = list(removed)
        self._db.executemany(
            "DELETE FROM events WHERE uid = ?", [(str(i),) for i in gone if i.occurrence]
        )
        self._db.executemany(
            "DELETE FROM events WHERE series = ?", [(i.series,) for i in gone if not i.occurrence]
        )
        self._upsert(upserts)

    def _upsert(self, events: Iterable[CalendarEvent]) -> None:
        self._db.executemany(
            "INSERT INTO events(uid, series, data) VALUES (?, ?, ?) "
            "ON CONFLICT(uid) DO UPDATE SET data = excluded.data",
            [(event.uid, event.id.series, event_to_json(event)) for event in events],
        )


def _covers(kept: EventId, uid: str, series: str) -> bool:
    """Whether ``kept`` names the cached row (``uid``, ``series``): itself, or its series."""
    return str(kept) == uid or (not kept.occurrence and kept.series == series)
