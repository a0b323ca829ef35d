"""The state file: how it is opened, recognised as ours, and moved to this schema.

WAL with ``synchronous=FULL`` so a committed record survives a power cut; the
file is created with mode 0600 because it holds names and addresses. The file
identifies itself with SQLite's ``application_id``: a database that is not the
service's is refused and left untouched (it may be another program's data). The
schema carries a version (``PRAGMA user_version``) and is moved forward by the
migrations below, one transaction each; a database newer than this program is
refused rather than misread.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from daemon.domain.errors import BackendError

#: "IFup" in ASCII: the value of ``PRAGMA application_id`` in every state file.
APPLICATION_ID = 0x49467570

#: A migration is SQL (statements without semicolons in literals) or a function
#: that does what SQL cannot, inside the same transaction.
Migration = str | Callable[[sqlite3.Connection], None]

MIGRATIONS: tuple[Migration, ...] = (
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
    # 3: the service's own events of every kind (calls so far) in one table; the
    # quarantine keyed by (scope, id) instead of a text with a prefix; the event
    # cache keyed by the structured id (a whole series can be removed by its
    # series), refilled by the next (complete) listing.
    """
    CREATE TABLE own_events (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        application TEXT NOT NULL,
        interview_uid TEXT NOT NULL,
        series TEXT NOT NULL,
        seq INTEGER NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        status TEXT NOT NULL,
        observed_start TEXT,
        remote_id TEXT NOT NULL DEFAULT '',
        person_name TEXT NOT NULL DEFAULT '',
        written_text TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        UNIQUE (kind, application, series, seq)
    );
    INSERT INTO own_events (key, kind, application, interview_uid, series, seq, start, end,
        status, observed_start, remote_id, person_name, written_text, updated_at)
        SELECT key, 'call', application, round_uid, round_uid, seq, start, end, status,
        observed_start, remote_id, person_name, written_text, updated_at FROM calls;
    DROP TABLE calls;
    DROP TABLE quarantine;
    CREATE TABLE quarantine (
        scope TEXT NOT NULL,
        id TEXT NOT NULL,
        reason TEXT NOT NULL,
        first_at TEXT NOT NULL,
        last_at TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (scope, id)
    );
    DROP TABLE events;
    CREATE TABLE events (
        uid TEXT PRIMARY KEY,
        series TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX events_by_series ON events(series);
    DELETE FROM checkpoints WHERE name = 'calendar';
    """,
    # 4: inbox messages examined for replies from an employer ([coach] replies):
    # each is fetched once; ``genuine`` ones postpone the next call.
    """
    CREATE TABLE inbox (
        message_id TEXT PRIMARY KEY,
        application TEXT NOT NULL,
        genuine INTEGER NOT NULL,
        sender TEXT NOT NULL,
        sender_name TEXT NOT NULL,
        received TEXT NOT NULL,
        seen_at TEXT NOT NULL
    );
    CREATE INDEX inbox_by_application ON inbox(application, received);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating with mode 0600 if needed) the state file at ``path``, checked and migrated."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            # Create the file with its final mode before SQLite writes to it.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(path, isolation_level=None, timeout=30)
    except (OSError, sqlite3.Error) as error:
        raise BackendError(f"state file {path}: {error}") from error
    try:
        _check_identity(db, path)
        db.execute("PRAGMA journal_mode=WAL")
        _configure(db, path)
    except BaseException:
        db.close()
        raise
    return db


def connect_in_memory() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    _configure(db, None)
    return db


def _check_identity(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a database that is not ours, before anything is written to it."""
    try:
        application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        raise BackendError(
            f"state file {path} cannot be read as a database ({error}); it was left as it is"
        ) from error
    if application_id == APPLICATION_ID:
        return
    # Files written before the id was set: the service's own tables, a known version.
    ours_before_the_id = application_id == 0 and version > 0 and {"interviews", "drafts"} <= tables
    if application_id == 0 and not tables and version == 0:
        return  # a new, empty file
    if not ours_before_the_id:
        raise BackendError(
            f"state file {path} is not an interview-followup state file (another program's "
            "database?); it was left untouched — point state.path at a file of its own"
        )


def _configure(db: sqlite3.Connection, path: Path | None) -> None:
    try:
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        _migrate(db, path)
    except sqlite3.DatabaseError as error:
        raise BackendError(f"state file {path}: {error}") from error


def _migrate(db: sqlite3.Connection, path: Path | None) -> None:
    # The version is read inside the write transaction: two processes opening a
    # new file at once must not both create the tables.
    with transaction(db):
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise BackendError(
                f"state file {path} has schema version {version}, newer than this "
                f"program's {SCHEMA_VERSION}: upgrade interview-followup"
            )
        for number in range(version, SCHEMA_VERSION):
            migration = MIGRATIONS[number]
            if callable(migration):
                migration(db)
            else:
                for statement in _statements(migration):
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")
        if int(db.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One explicit transaction: everything in it lands, or nothing does."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _statements(script: str) -> list[str]:
    """Split a migration into statements, so it runs inside our own transaction.

    ``executescript`` would commit first; our migrations contain no semicolons
    inside literals, which keeps this split safe.
    """
    return [s.strip() for s in script.split(";") if s.strip()]
