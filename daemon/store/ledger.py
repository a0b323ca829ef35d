"""The ledger of remote writes: drafts and the service's own events, intent before result.

A write is recorded as ``pending`` under its key (committed) before it is made,
and as ``created`` with the remote id after. A ``pending`` record after a crash
means "the write may or may not have happened": the next cycle repeats it with
the same key, and the adapter finds the earlier write instead of writing twice.
Intents and results come in batches (one transaction for all the intents of a
cycle, one for all the results): the guarantee is the same, the commits few.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from daemon.domain.model import OwnKind
from daemon.store.codec import from_utc_text, to_utc_text
from daemon.store.records import DraftKind, DraftRecord, DraftStatus, OwnRecord, OwnStatus


@dataclass(frozen=True)
class DraftIntent:
    key: str
    interview_uid: str
    application: str
    email: str
    name: str
    kind: DraftKind
    late: bool


@dataclass(frozen=True)
class OwnIntent:
    key: str
    kind: OwnKind
    application: str
    interview_uid: str
    series: str
    seq: int
    start: datetime
    end: datetime
    person_name: str
    #: What the service writes into the event: the user's additions are what differs.
    written_text: str


class Ledger:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    # -- reading ---------------------------------------------------------------------

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

    def own(self) -> list[OwnRecord]:
        return [
            OwnRecord(
                key=row["key"],
                kind=OwnKind(row["kind"]),
                application=row["application"],
                interview_uid=row["interview_uid"],
                series=row["series"],
                seq=row["seq"],
                start=from_utc_text(row["start"]),
                end=from_utc_text(row["end"]),
                status=OwnStatus(row["status"]),
                observed_start=(
                    from_utc_text(row["observed_start"]) if row["observed_start"] else None
                ),
                remote_id=row["remote_id"],
                person_name=row["person_name"],
                written_text=row["written_text"],
            )
            for row in self._db.execute("SELECT * FROM own_events ORDER BY start, key")
        ]

    # -- drafts ------------------------------------------------------------------------

    def intend_drafts(self, intents: Iterable[DraftIntent], now: datetime) -> None:
        stamp = to_utc_text(now)
        self._db.executemany(
            "INSERT INTO drafts(key, interview_uid, application, email, name, kind, status, late, "
            "intended_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            [
                (
                    i.key,
                    i.interview_uid,
                    i.application,
                    i.email,
                    i.name,
                    i.kind.value,
                    DraftStatus.PENDING.value,
                    int(i.late),
                    stamp,
                    stamp,
                )
                for i in intents
            ],
        )

    def drafts_created(self, created: Iterable[tuple[str, str]], now: datetime) -> None:
        """(key, remote id) of each draft that now exists."""
        self._db.executemany(
            "UPDATE drafts SET status = ?, remote_id = ?, updated_at = ? WHERE key = ?",
            [(DraftStatus.CREATED.value, remote, to_utc_text(now), key) for key, remote in created],
        )

    def withdraw_draft(self, key: str) -> None:
        """Forget a draft that was intended but is not in the mailbox and no longer due."""
        self._db.execute(
            "DELETE FROM drafts WHERE key = ? AND status = ?", (key, DraftStatus.PENDING.value)
        )

    def drafts_gone(self, keys: Iterable[str], now: datetime) -> None:
        self._db.executemany(
            "UPDATE drafts SET status = ?, updated_at = ? WHERE key = ? AND status = ?",
            [
                (DraftStatus.GONE.value, to_utc_text(now), key, DraftStatus.CREATED.value)
                for key in keys
            ],
        )

    # -- own events --------------------------------------------------------------------

    def intend_own(self, intents: Iterable[OwnIntent], now: datetime) -> None:
        self._db.executemany(
            "INSERT INTO own_events(key, kind, application, interview_uid, series, seq, start, "
            "end, status, person_name, written_text, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
            [
                (
                    i.key,
                    i.kind.value,
                    i.application,
                    i.interview_uid,
                    i.series,
                    i.seq,
                    to_utc_text(i.start),
                    to_utc_text(i.end),
                    OwnStatus.PENDING.value,
                    i.person_name,
                    i.written_text,
                    to_utc_text(now),
                )
                for i in intents
            ],
        )

    def own_created(self, created: Iterable[tuple[str, str]], now: datetime) -> None:
        """(key, remote id) of each own event that now exists."""
        self._db.executemany(
            "UPDATE own_events SET status = ?, remote_id = ?, updated_at = ? WHERE key = ?",
            [(OwnStatus.CREATED.value, remote, to_utc_text(now), key) for key, remote in created],
        )

    def own_moved(self, moves: Iterable[tuple[str, datetime, datetime]], now: datetime) -> None:
        """The service moved these events (key, start, end): that is their time now."""
        self._db.executemany(
            "UPDATE own_events SET start = ?, end = ?, observed_start = NULL, updated_at = ? "
            "WHERE key = ?",
            [(to_utc_text(s), to_utc_text(e), to_utc_text(now), key) for key, s, e in moves],
        )

    def own_status(self, keys: Iterable[str], status: OwnStatus, now: datetime) -> None:
        self._db.executemany(
            "UPDATE own_events SET status = ?, updated_at = ? WHERE key = ?",
            [(status.value, to_utc_text(now), key) for key in keys],
        )

    def observe_own(self, key: str, start: datetime | None, now: datetime) -> None:
        """The user moved (``start``) or deleted (None) an own event."""
        if start is None:
            self.own_status([key], OwnStatus.DELETED, now)
            return
        # Moved, or restored after a deletion: either way the event is there.
        self._db.execute(
            "UPDATE own_events SET observed_start = ?, updated_at = ?, "
            "status = CASE status WHEN ? THEN ? ELSE status END WHERE key = ?",
            (
                to_utc_text(start),
                to_utc_text(now),
                OwnStatus.DELETED.value,
                OwnStatus.CREATED.value,
                key,
            ),
        )

    def follow_interview(self, interview_uid: str, application: str) -> None:
        """Drafts and own events move with their interview into its (corrected) application."""
        self._db.execute(
            "UPDATE own_events SET application = ? WHERE interview_uid = ?",
            (application, interview_uid),
        )
        self._db.execute(
            "UPDATE drafts SET application = ? WHERE interview_uid = ?",
            (application, interview_uid),
        )

    # -- a rebuilt state -------------------------------------------------------------

    def adopt_drafts(self, records: Iterable[DraftRecord], now: datetime) -> None:
        """Drafts found again after the state was lost: they exist (or were sent) already."""
        stamp = to_utc_text(now)
        self._db.executemany(
            "INSERT INTO drafts(key, interview_uid, application, email, name, kind, status, late, "
            "remote_id, intended_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            [
                (
                    r.key,
                    r.interview_uid,
                    r.application,
                    r.email,
                    r.name,
                    r.kind.value,
                    r.status.value,
                    int(r.late),
                    r.remote_id,
                    stamp,
                    stamp,
                )
                for r in records
            ],
        )

    def adopt_own(self, records: Iterable[OwnRecord], now: datetime) -> None:
        """Own events found again on the calendar after the state was lost."""
        self._db.executemany(
            "INSERT INTO own_events(key, kind, application, interview_uid, series, seq, start, "
            "end, status, observed_start, remote_id, person_name, written_text, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
            [
                (
                    r.key,
                    r.kind.value,
                    r.application,
                    r.interview_uid,
                    r.series,
                    r.seq,
                    to_utc_text(r.start),
                    to_utc_text(r.end),
                    r.status.value,
                    to_utc_text(r.observed_start) if r.observed_start else None,
                    r.remote_id,
                    r.person_name,
                    r.written_text,
                    to_utc_text(now),
                )
                for r in records
            ],
        )
