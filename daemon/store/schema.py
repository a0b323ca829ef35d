"""The state file: how it is opened, recognised as ours, and moved to this schema.

WAL with ``synchronous=FULL`` so a committed record survives a power cut; the
file is created with mode 0600 because it holds names and addresses. The file
identifies itself with SQLite's ``application_id``: a database that is not the
service's is refused and left untouched (it may be another program's data). The
schema carries a version (``PRAGMA user_version``) and is moved forward by the
migrations below, one transaction each; a database newer than this program is
refused rather than misread. Before the first migration step the file is copied
beside itself (``state.sqlite3.v<N>.bak``, mode 0600, with SQLite's backup API,
so a copy taken while another process writes is still consistent).

A file that is damaged is refused with a message naming it and what to do,
never replaced: ``PRAGMA quick_check`` runs at every open (a few milliseconds
per MB, ``bench/state_open.py``: 2 ms for a busy year's 1 MB, 17 ms at 5 MB), so
bytes overwritten in a page nothing happened to read yet are found before
anything is written over them. Errors come out as
``faults.StateError``, which says whether to wait (a full or read-only disk)
or to ask the user (a damaged file).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from daemon.store.faults import StateError, damaged_advice, state_error

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
        raise state_error(path, error, "cannot open it") from error
    try:
        _check_identity(db, path)
        db.execute("PRAGMA journal_mode=WAL")
        _configure(db, path)
    except sqlite3.Error as error:
        db.close()
        raise state_error(path, error) from error
    except BaseException:
        db.close()
        raise
    return db


def connect_in_memory() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    _configure(db, None)
    return db


def _check_identity(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a database that is not ours, or is damaged, before anything is written to it."""
    try:
        application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        fault = state_error(path, error)
        if fault.kind == "unwritable":
            raise fault from error  # e.g. a read-only folder: the file may be fine
        raise StateError(
            path,
            f"cannot be read as a database ({error}); it was left as it is",
            damaged_advice(path),
            "refused",
        ) from error
    if application_id == 0 and not tables and version == 0:
        return  # a new, empty file
    # Files written before the id was set: the service's own tables, a known version.
    ours_before_the_id = application_id == 0 and version > 0 and {"interviews", "drafts"} <= tables
    if application_id != APPLICATION_ID and not ours_before_the_id:
        raise StateError(
            path,
            "is not an interview-followup state file (another program's database?); it was"
            " left untouched",
            "Point state.path at a file of its own.",
            "refused",
        )
    _check_integrity(db, path)


def _check_integrity(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a state file whose pages do not hold together (``PRAGMA quick_check``).

    Without it, a page overwritten where no query happened to look is found
    only later, or never: a cycle may read half an intent ledger as "nothing
    was done yet" and write notes again.
    """
    try:
        problems = [str(row[0]) for row in db.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as error:
        fault = state_error(path, error)
        if fault.kind == "unwritable":
            raise fault from error
        problems = [str(error)]
    if problems != ["ok"]:
        raise StateError(
            path,
            f"is damaged ({'; '.join(problems)[:200]}); it was left as it is",
            damaged_advice(path),
            "refused",
        )


def _configure(db: sqlite3.Connection, path: Path | None) -> None:
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    _migrate(db, path)


def _migrate(db: sqlite3.Connection, path: Path | None) -> None:
    if path is not None:
        _back_up_before_migrating(db, path)
    # The version is read inside the write transaction: two processes opening a
    # new file at once must not both create the tables.
    with transaction(db):
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StateError(
                path,
                f"has schema version {version}, newer than this program's {SCHEMA_VERSION};"
                " it was left as it is",
                "Upgrade interview-followup to the version that wrote it.",
                "refused",
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


def backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.v{version}.bak")


def _back_up_before_migrating(db: sqlite3.Connection, path: Path) -> None:
    """Copy a state file of an older schema beside itself before it is migrated.

    The copy is made in a read transaction that also reads the version, so it is
    the file as that version left it even if another process migrates at the
    same moment (SQLite's backup cannot run inside our write transaction). It is
    written under a temporary name and renamed: a crash or a full disk leaves
    no half copy under the backup's name, and the migration does not start.
    """
    db.execute("BEGIN")
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if not 0 < version < SCHEMA_VERSION:
            return
        target = backup_path(path, version)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            os.close(os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600))
            copy = sqlite3.connect(temporary)
            try:
                db.backup(copy)
            finally:
                copy.close()
            temporary.replace(target)
        except (OSError, sqlite3.Error) as error:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise state_error(
                path, error, f"cannot copy it to {target.name} before upgrading its schema"
            ) from error
    finally:
        if db.in_transaction:
            db.execute("COMMIT")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One explicit transaction: everything in it lands, or nothing does."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        # SQLite rolls back by itself on a full disk or an I/O error; a ROLLBACK
        # then would fail and hide the error that says what happened.
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements, so it runs inside our own transaction.

    ``executescript`` would commit first; our migrations contain no semicolons
    inside literals, which keeps this split safe.
    """
    return [s.strip() for s in script.split(";") if s.strip()]
