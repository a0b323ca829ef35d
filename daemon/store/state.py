"""The state store: one SQLite file, split by job.

``schema`` opens, recognises and migrates the file; ``ledger`` keeps the intents
and results of remote writes; ``event_cache`` the calendar as last listed;
``quarantine`` the items that could not be handled. This module holds what is
left — interviews, decisions, checkpoints — and the one lock that keeps two
cycles from running on one file at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from daemon.domain.errors import BackendError
from daemon.domain.model import Interview
from daemon.store import faults, locks, schema
from daemon.store.codec import (
    from_utc_text,
    interview_from_json,
    interview_to_json,
    person_from_row,
    person_row,
    to_utc_text,
)
from daemon.store.event_cache import EventCache
from daemon.store.ledger import Ledger
from daemon.store.quarantine import Quarantine
from daemon.store.records import DecisionRecord, InterviewRecord, ReplyRecord, Snapshot

SCHEMA_VERSION = schema.SCHEMA_VERSION


class StateStore:
    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self._db.row_factory = sqlite3.Row
        self.path = path
        self.ledger = Ledger(connection)
        self.events = EventCache(connection)
        self.quarantine = Quarantine(connection)

    @classmethod
    def open(cls, path: Path) -> StateStore:
        """Open (creating with mode 0600 if needed) and migrate the store at ``path``."""
        return cls(schema.connect(path), path)

    @classmethod
    def in_memory(cls) -> StateStore:
        return cls(schema.connect_in_memory(), None)

    def close(self) -> None:
        self._db.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @property
    def in_transaction(self) -> bool:
        return self._db.in_transaction

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One explicit transaction: everything in it lands, or nothing does."""
        with schema.transaction(self._db):
            yield

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """SQLite's errors in the block come out as a ``StateError`` naming this file.

        A full disk, a read-only folder or a page found damaged by a query then
        reach the user as what happened to which file and what to do, and the
        service can tell waiting (full, read-only) from asking (damaged).
        """
        try:
            yield
        except sqlite3.Error as error:
            if not faults.is_fault(error):
                raise  # a bug (a constraint, a misuse): reported as one
            raise faults.state_error(self.path, error) from error

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
            with locks.exclusive(lock_path, timeout, poll=0.1):
                yield
        except locks.LockTimeout:
            raise BackendError(
                f"another followup process has been busy with {self.path} for {timeout:.0f} s"
            ) from None
        except OSError as error:
            raise faults.state_error(self.path, error, f"cannot lock {lock_path.name}") from error

    # -- reading -------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        return Snapshot(
            interviews={r.interview.uid: r for r in self.interviews()},
            drafts={d.key: d for d in self.ledger.drafts()},
            own={o.key: o for o in self.ledger.own()},
            decisions={d.application: d for d in self.decisions()},
            replies={r.application: r for r in self.replies()},
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

    def decisions(self) -> list[DecisionRecord]:
        return [
            DecisionRecord(
                row["application"], row["outcome"], row["source"], from_utc_text(row["decided_at"])
            )
            for row in self._db.execute("SELECT * FROM decisions ORDER BY application")
        ]

    def replies(self) -> list[ReplyRecord]:
        """The latest genuine reply of each application."""
        rows = self._db.execute(
            "SELECT * FROM inbox WHERE genuine = 1 ORDER BY application, received, message_id"
        )
        latest: dict[str, ReplyRecord] = {}
        for row in rows:
            latest[row["application"]] = ReplyRecord(
                row["application"],
                row["message_id"],
                row["sender"],
                row["sender_name"],
                from_utc_text(row["received"]),
            )
        return list(latest.values())

    def examined_messages(self) -> set[str]:
        """Ids of inbox messages looked at before (replies or not): never fetched again."""
        return {row[0] for row in self._db.execute("SELECT message_id FROM inbox")}

    def companies(self) -> dict[str, str]:
        """Application key -> the company name as the user wrote it."""
        return {
            row["key"]: row["company"]
            for row in self._db.execute("SELECT key, company FROM applications")
        }

    def unfinished_work(self) -> bool:
        """Whether a write is pending, a removal under way, or anything quarantined."""
        db = self._db
        return bool(
            db.execute("SELECT 1 FROM drafts WHERE status = 'pending' LIMIT 1").fetchone()
            or db.execute(
                "SELECT 1 FROM own_events WHERE status IN ('pending', 'removing') LIMIT 1"
            ).fetchone()
            or db.execute("SELECT 1 FROM quarantine LIMIT 1").fetchone()
        )

    def is_new(self) -> bool:
        """Nothing recorded yet: a first start, or a state file that was lost."""
        db = self._db
        return not (
            db.execute("SELECT 1 FROM interviews LIMIT 1").fetchone()
            or db.execute("SELECT 1 FROM drafts LIMIT 1").fetchone()
            or db.execute("SELECT 1 FROM own_events LIMIT 1").fetchone()
        )

    def checkpoint(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM checkpoints WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row["value"])

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
        self.ledger.follow_interview(interview.uid, interview.application)
        db.execute("DELETE FROM people WHERE interview_uid = ?", (interview.uid,))
        rows = [
            {"interview_uid": interview.uid, "position": position, **person_row(person)}
            for position, person in enumerate(interview.people)
        ]
        if rows:
            # The columns are the person's fields: one added to Person without a
            # migration fails here loudly instead of being dropped.
            columns = list(rows[0])
            db.executemany(
                f"INSERT INTO people({', '.join(columns)}) "  # noqa: S608 - names from the dataclass
                f"VALUES ({', '.join(':' + c for c in columns)})",
                rows,
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
        # A decision changes the plan without any calendar change: the next cycle plans.
        self._db.execute("DELETE FROM checkpoints WHERE name LIKE 'plan.%'")

    def record_message(self, record: ReplyRecord, *, genuine: bool, now: datetime) -> None:
        """An inbox message examined for replies; a genuine one changes the plan (the next call)."""
        cursor = self._db.execute(
            "INSERT INTO inbox(message_id, application, genuine, sender, sender_name, received, "
            "seen_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(message_id) DO NOTHING",
            (
                record.message_id,
                record.application,
                int(genuine),
                record.sender,
                record.sender_name,
                to_utc_text(record.received),
                to_utc_text(now),
            ),
        )
        if genuine and cursor.rowcount:
            self._db.execute("DELETE FROM checkpoints WHERE name LIKE 'plan.%'")

    def set_checkpoint(self, name: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO checkpoints(name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )
