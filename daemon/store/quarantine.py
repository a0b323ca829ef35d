"""Items that could not be handled: reported, counted, and released once they are fine."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from daemon.store.codec import from_utc_text, to_utc_text
from daemon.store.records import ItemRef


@dataclass(frozen=True)
class QuarantineEntry:
    item: ItemRef
    reason: str
    first_at: datetime
    last_at: datetime
    count: int


class Quarantine:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def entries(self) -> list[QuarantineEntry]:
        return [
            QuarantineEntry(
                ItemRef(row["scope"], row["id"]),
                row["reason"],
                from_utc_text(row["first_at"]),
                from_utc_text(row["last_at"]),
                row["count"],
            )
            for row in self._db.execute("SELECT * FROM quarantine ORDER BY scope, id")
        ]

    def add(self, item: ItemRef, reason: str, now: datetime) -> None:
        stamp = to_utc_text(now)
        self._db.execute(
            "INSERT INTO quarantine(scope, id, reason, first_at, last_at, count) "
            "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT(scope, id) DO UPDATE SET "
            "reason = excluded.reason, last_at = excluded.last_at, count = count + 1",
            (item.scope, item.id, reason, stamp, stamp),
        )

    def release(self, items: Iterable[ItemRef]) -> None:
        """Forget entries for items that are fine again."""
        self._db.executemany(
            "DELETE FROM quarantine WHERE scope = ? AND id = ?", [(i.scope, i.id) for i in items]
        )

    def release_all_but(self, scope: str, items: Iterable[ItemRef]) -> None:
        """Forget entries of ``scope`` except ``items``: the others were fine this time."""
        keep = {item.id for item in items if item.scope == scope}
        stale = [
            (scope, row[0])
            for row in self._db.execute("SELECT id FROM quarantine WHERE scope = ?", (scope,))
            if row[0] not in keep
        ]
        self._db.executemany("DELETE FROM quarantine WHERE scope = ? AND id = ?", stale)
