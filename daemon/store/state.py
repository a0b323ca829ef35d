"""The state store: an intent ledger in SQLite.

WAL with ``synchronous=FULL`` so a committed record survives a power cut; the
file is created with mode 0600 because it holds names and addresses. The
schema carries a version (``PRAGMA user_version``) and is moved forward by the
migrations below, one transaction each; a database newer than this program is
refused rather than misread.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from daemon.domain.errors import BackendError
from daemon.domain.model import CalendarEvent, Interview
from daemon.planning.actions import CreateCall, CreateDraft
from daemon.store.codec import (
    event_from_json,
    event_to_json,
    from_utc_text,
    interview_from_json,
    interview_to_json,
    person_from_row,
    person_row,
    to_utc_text,
)
from daemon.store.ledger import (
    CallRecord,
    CallStatus,
    DecisionRecord,
    DraftKind,
    DraftRecord,
    DraftStatus,
    InterviewRecord,
    Snapshot,
)

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema.
    """
    CREATE TABLE applications (
        key TEXT PRIMARY KEY,
        company TEXT NOT NULL
    );
    CREATE TABLE interviews (
        uid TEXT PRIMARY KEY,
        application TEXT NOT NULL REFERENCES applications(key),
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        data TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE people (
        interview_uid TEXT NOT NULL REFERENCES interviews(uid) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        title TEXT NOT NULL,
        phone TEXT NOT NULL,
        address TEXT NOT NULL,
        role TEXT NOT NULL,
        met INTEGER NOT NULL,
        topics TEXT NOT NULL,
        PRIMARY KEY (interview_uid, position)
    );
    CREATE TABLE drafts (
        key TEXT PRIMARY KEY,
        interview_uid TEXT NOT NULL,
        application TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        late INTEGER NOT NULL,
        remote_id TEXT NOT NULL DEFAULT '',
        intended_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE calls (
        key TEXT PRIMARY KEY,
        application TEXT NOT NULL,
        round_uid TEXT NOT NULL,
        seq INTEGER NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        status TEXT NOT NULL,
        observed_start TEXT,
        remote_id TEXT NOT NULL DEFAULT '',
        person_name TEXT NOT NULL,
        written_text TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        UNIQUE (application, round_uid, seq)
    );
    CREATE TABLE decisions (
        application TEXT PRIMARY KEY,
        outcome TEXT NOT NULL,
        source TEXT NOT NULL,
        decided_at TEXT NOT NULL
    );
    CREATE TABLE checkpoints (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE quarantine (
        item TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        first_at TEXT NOT NULL,
        last_at TEXT NOT NULL,
        count INTEGER NOT NULL
    );
    """,
    # 2: the event cache, the calendar as last listed (JSON of CalendarEvent), so
    # an incremental listing can be applied to it. The stored calendar checkpoint
    # goes: the cache starts empty, so the next listing must be a complete one.
    """
    CREATE TABLE events (
        uid TEXT PRIMARY KEY,
        data TEXT NOT NULL
    );
    DELETE FROM checkpoints WHERE name = 'calendar';
    """,
)

#: The checkpoint under which the window start of the cached listing is kept.
EVENTS_WINDOW = "events.window_start"

SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class QuarantineEntry:
    item: str
    reason: str
    first_at: datetime
    last_at: datetime
    count: int


class StateStore:
    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self.path = path

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> StateStore:
        """Open (creating with mode 0600 if needed) and migrate the store at ``path``."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                # Create the file with its final mode before SQLite writes to it.
                os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as error:
            raise BackendError(f"state file {path}: {error}") from error
        store = cls(connection, path)
        store._configure(wal=True)
        return store

    @classmethod
    def in_memory(cls) -> StateStore:
        store = cls(sqlite3.connect(":memory:", isolation_level=None), None)
        store._configure(wal=False)
        return store

    def _configure(self, *, wal: bool) -> None:
        db = self._db
        db.row_factory = sqlite3.Row
        try:
            if wal:
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise BackendError(f"state file {self.path}: {error}") from error

    def _migrate(self) -> None:
        # The version is read inside the write transaction: two processes
        # opening a new file at once must not both create the tables.
        with self.transaction():
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise BackendError(
                    f"state file {self.path} has schema version {version}, newer than this "
                    f"program's {SCHEMA_VERSION}: upgrade interview-followup"
                )
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    def close(self) -> None:
        self._db.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One explicit transaction: everything in it lands, or nothing does."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- reading -------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        return Snapshot(
            interviews={r.interview.uid: r for r in self.interviews()},
            drafts={d.key: d for d in self.drafts()},
            calls={c.key: c for c in self.calls()},
            decisions={d.application: d for d in self.decisions()},
        )

    def interviews(self) -> list[InterviewRecord]:
        people: dict[str, list[sqlite3.Row]] = {}
        for row in self._db.execute("SELECT * FROM people ORDER BY interview_uid, position"):
            people.setdefault(row["interview_uid"], []).append(row)
        records = []
        for row in self._db.execute("SELECT * FROM interviews ORDER BY start, uid"):
            interview = interview_from_json(
                uid=row["uid"],
                application=row["application"],
                start=row["start"],
                end=row["end"],
                data_text=row["data"],
                people=tuple(person_from_row(p) for p in people.get(row["uid"], [])),
            )
            records.append(
                InterviewRecord(interview, from_utc_text(row["first_seen"]), bool(row["active"]))
            )
        return records

    def drafts(self) -> list[DraftRecord]:
        return [
            DraftRecord(
                key=row["key"],
                interview_uid=row["interview_uid"],
                application=row["application"],
                email=row["email"],
                name=row["name"],
                kind=DraftKind(row["kind"]),
                status=DraftStatus(row["status"]),
                late=bool(row["late"]),
                remote_id=row["remote_id"],
            )
            for row in self._db.execute("SELECT * FROM drafts ORDER BY intended_at, key")
        ]

    def calls(self) -> list[CallRecord]:
        return [
            CallRecord(
                key=row["key"],
                application=row["application"],
                round_uid=row["round_uid"],
                seq=row["seq"],
                start=from_utc_text(row["start"]),
                end=from_utc_text(row["end"]),
                status=CallStatus(row["status"]),
                observed_start=(
                    from_utc_text(row["observed_start"]) if row["observed_start"] else None
                ),
                remote_id=row["remote_id"],
                person_name=row["person_name"],
                written_text=row["written_text"],
            )
            for row in self._db.execute("SELECT * FROM calls ORDER BY start, key")
        ]

    def decisions(self) -> list[DecisionRecord]:
        return [
            DecisionRecord(
                row["application"], row["outcome"], row["source"], from_utc_text(row["decided_at"])
            )
            for row in self._db.execute("SELECT * FROM decisions ORDER BY application")
        ]

    def companies(self) -> dict[str, str]:
        """Application key -> the company name as the user wrote it."""
        return {
            row["key"]: row["company"]
            for row in self._db.execute("SELECT key, company FROM applications")
        }

    def checkpoint(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM checkpoints WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row["value"])

    def cached_events(self) -> list[CalendarEvent]:
        """The calendar as last listed (the event cache), in time order."""
        events = [
            event_from_json(row["data"]) for row in self._db.execute("SELECT data FROM events")
        ]
        return sorted(events, key=lambda e: (e.start, e.uid))

    def cached_window_start(self) -> datetime | None:
        """Events ending before this were not in the listing the cache was filled from."""
        value = self.checkpoint(EVENTS_WINDOW)
        return from_utc_text(value) if value else None

    def quarantined(self) -> list[QuarantineEntry]:
        return [
            QuarantineEntry(
                row["item"],
                row["reason"],
                from_utc_text(row["first_at"]),
                from_utc_text(row["last_at"]),
                row["count"],
            )
            for row in self._db.execute("SELECT * FROM quarantine ORDER BY item")
        ]

    # -- writing: what was observed ---------------------------------------------------

    def record_interview(self, interview: Interview, first_seen: datetime) -> None:
        db = self._db
        db.execute(
            "INSERT INTO applications(key, company) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET company = excluded.company",
            (interview.application, interview.company),
        )
        db.execute(
            "INSERT INTO interviews(uid, application, start, end, data, first_seen, active) "
            "VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT(uid) DO UPDATE SET "
            "application = excluded.application, start = excluded.start, end = excluded.end, "
            "data = excluded.data, active = 1",
            (
                interview.uid,
                interview.application,
                to_utc_text(interview.start),
                to_utc_text(interview.end),
                interview_to_json(interview),
                to_utc_text(first_seen),
            ),
        )
        # The company may have changed after drafts and calls were made: they
        # follow their interview into its application.
        db.execute(
            "UPDATE calls SET application = ? WHERE round_uid = ?",
            (interview.application, interview.uid),
        )
        db.execute(
            "UPDATE drafts SET application = ? WHERE interview_uid = ?",
            (interview.application, interview.uid),
        )
        db.execute("DELETE FROM people WHERE interview_uid = ?", (interview.uid,))
        for position, person in enumerate(interview.people):
            row = person_row(person)
            db.execute(
                "INSERT INTO people(interview_uid, position, name, email, title, phone, address, "
                "role, met, topics) VALUES (:uid, :position, :name, :email, :title, :phone, "
                ":address, :role, :met, :topics)",
                {"uid": interview.uid, "position": position, **row},
            )

    def mark_interview_removed(self, uid: str) -> None:
        self._db.execute("UPDATE interviews SET active = 0 WHERE uid = ?", (uid,))

    def record_decision(
        self, application: str, outcome: str, source: str, now: datetime, company: str = ""
    ) -> None:
        self._db.execute(
            "INSERT INTO applications(key, company) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
            (application, company or application),
        )
        self._db.execute(
            "INSERT INTO decisions(application, outcome, source, decided_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(application) DO NOTHING",
            (application, outcome, source, to_utc_text(now)),
        )

    def observe_call(self, key: str, start: datetime | None, now: datetime) -> None:
        if start is None:
            self._db.execute(
                "UPDATE calls SET status = ?, updated_at = ? WHERE key = ?",
                (CallStatus.DELETED.value, to_utc_text(now), key),
            )
        else:
            # Moved, or restored after a deletion: either way the event is there.
            self._db.execute(
                "UPDATE calls SET observed_start = ?, updated_at = ?, "
                "status = CASE status WHEN ? THEN ? ELSE status END WHERE key = ?",
                (
                    to_utc_text(start),
                    to_utc_text(now),
                    CallStatus.DELETED.value,
                    CallStatus.CREATED.value,
                    key,
                ),
            )

    def set_checkpoint(self, name: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO checkpoints(name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def replace_events(
        self,
        events: Iterable[CalendarEvent],
        *,
        window_start: datetime | None = None,
        keep: Iterable[str] = (),
    ) -> None:
        """Make the event cache hold ``events`` (a complete listing) and nothing else.

        Uids in ``keep`` (events that could not be read this time) keep their
        cached version, if any. Only rows that differ are written.
        """
        new = {event.uid: event_to_json(event) for event in events}
        kept = set(keep)
        old = {row["uid"]: row["data"] for row in self._db.execute("SELECT uid, data FROM events")}
        self._db.executemany(
            "DELETE FROM events WHERE uid = ?",
            [(uid,) for uid in old if uid not in new and uid not in kept],
        )
        self._upsert_events((uid, data) for uid, data in new.items() if old.get(uid) != data)
        if window_start is None:
            self._db.execute("DELETE FROM checkpoints WHERE name = ?", (EVENTS_WINDOW,))
        else:
            self.set_checkpoint(EVENTS_WINDOW, to_utc_text(window_start))

    def apply_event_changes(
        self, upserts: Iterable[CalendarEvent], removed_uids: Iterable[str]
    ) -> None:
        """Apply an incremental listing to the event cache: removals first, then upserts."""
        self._db.executemany("DELETE FROM events WHERE uid = ?", [(uid,) for uid in removed_uids])
        self._upsert_events((event.uid, event_to_json(event)) for event in upserts)

    def _upsert_events(self, rows: Iterable[tuple[str, str]]) -> None:
        self._db.executemany(
            "INSERT INTO events(uid, data) VALUES (?, ?) "
            "ON CONFLICT(uid) DO UPDATE SET data = excluded.data",
            list(rows),
        )

    def quarantine(self, item: str, reason: str, now: datetime) -> None:
        stamp = to_utc_text(now)
        self._db.execute(
            "INSERT INTO quarantine(item, reason, first_at, last_at, count) VALUES (?, ?, ?, ?, 1) "
            "ON CONFLICT(item) DO UPDATE SET reason = excluded.reason, last_at = excluded.last_at, "
            "count = count + 1",
            (item, reason, stamp, stamp),
        )

    def release(self, items: Iterable[str]) -> None:
        """Forget quarantine entries for items that are fine again."""
        self._db.executemany("DELETE FROM quarantine WHERE item = ?", [(i,) for i in items])

    def release_all_but(self, prefix: str, items: Iterable[str]) -> None:
        """Forget entries starting with ``prefix`` except ``items``: those were fine this time."""
        keep = set(items)
        stale = [
            (row["item"],)
            for row in self._db.execute("SELECT item FROM quarantine")
            if row["item"].startswith(prefix) and row["item"] not in keep
        ]
        self._db.executemany("DELETE FROM quarantine WHERE item = ?", stale)

    @contextmanager
    def exclusive(self, timeout: float = 120.0) -> Iterator[None]:
        """Only one cycle at a time, across processes (``once`` while ``run`` runs).

        Without it two processes could both look for a draft's key, both miss
        it, and both write the draft.
        """
        if self.path is None:
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise BackendError(f"state lock {lock_path}: {error}") from error
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise BackendError(
                            f"another followup process has been busy with {self.path} "
                            f"for {timeout:.0f} s"
                        ) from None
                    time.sleep(0.1)
            yield
        finally:
            os.close(handle)

    # -- writing: the intent ledger -------------------------------------------------

    def intend_draft(self, action: CreateDraft, now: datetime) -> None:
        stamp = to_utc_text(now)
        self._db.execute(
            "INSERT INTO drafts(key, interview_uid, application, email, name, kind, status, late, "
            "intended_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            (
                action.key,
                action.interview_uid,
                action.application,
                action.person.email,
                action.person.name,
                action.kind.value,
                DraftStatus.PENDING.value,
                int(action.late),
                stamp,
                stamp,
            ),
        )

    def draft_created(self, key: str, remote_id: str, now: datetime) -> None:
        self._db.execute(
            "UPDATE drafts SET status = ?, remote_id = ?, updated_at = ? WHERE key = ?",
            (DraftStatus.CREATED.value, remote_id, to_utc_text(now), key),
        )

    def drafts_gone(self, keys: Iterable[str], now: datetime) -> None:
        self._db.executemany(
            "UPDATE drafts SET status = ?, updated_at = ? WHERE key = ? AND status = ?",
            [
                (DraftStatus.GONE.value, to_utc_text(now), key, DraftStatus.CREATED.value)
                for key in keys
            ],
        )

    def intend_call(self, action: CreateCall, written_text: str, now: datetime) -> None:
        self._db.execute(
            "INSERT INTO calls(key, application, round_uid, seq, start, end, status, "
            "person_name, written_text, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            (
                action.key,
                action.application,
                action.round_uid,
                action.seq,
                to_utc_text(action.start),
                to_utc_text(action.end),
                CallStatus.PENDING.value,
                action.person.name if action.person else "",
                written_text,
                to_utc_text(now),
            ),
        )

    def call_created(self, key: str, remote_id: str, now: datetime) -> None:
        self._db.execute(
            "UPDATE calls SET status = ?, remote_id = ?, updated_at = ? WHERE key = ?",
            (CallStatus.CREATED.value, remote_id, to_utc_text(now), key),
        )

    def call_removing(self, key: str, now: datetime) -> None:
        self._db.execute(
            "UPDATE calls SET status = ?, updated_at = ? WHERE key = ?",
            (CallStatus.REMOVING.value, to_utc_text(now), key),
        )

    def call_removed(self, key: str, now: datetime) -> None:
        self._db.execute(
            "UPDATE calls SET status = ?, updated_at = ? WHERE key = ?",
            (CallStatus.REMOVED.value, to_utc_text(now), key),
        )


def _statements(script: str) -> list[str]:
    """Split a migration into statements, so it runs inside our own transaction.

    ``executescript`` would commit first; our migrations contain no semicolons
    inside literals, which keeps this split safe.
    """
    return [s.strip() for s in script.split(";") if s.strip()]
