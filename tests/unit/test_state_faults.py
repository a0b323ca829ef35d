"""The state file's faults: damaged files refused, older schemas backed up, a full database.

A damaged file is never replaced by a fresh one (that would write every note
again): it is refused with a message naming it and what to do, and left byte
for byte as it was. A full database fails the cycle with an error that says
so, and nothing is lost: the next cycle with room does the work, once.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from daemon.compose.composer import Composer
from daemon.domain.model import OwnKind
from daemon.engine.cycle import Engine
from daemon.store.faults import StateError
from daemon.store.records import OwnRecord, OwnStatus
from daemon.store.schema import MIGRATIONS, SCHEMA_VERSION, backup_path
from daemon.store.state import StateStore
from integrations.memory.calendar import MemoryCalendar
from integrations.memory.drafts import MemoryDraftStore
from tests.conftest import at, make_event, make_settings, person

PAGE = 4096


def a_used_state(path: Path) -> bytes:
    """A state file with a few pages of records, closed; its bytes."""
    store = StateStore.open(path)
    with store.transaction():
        for n in range(200):
            store.set_checkpoint(f"seen.{n}", "x" * 300)
    store.close()
    assert not Path(f"{path}-wal").exists()  # checkpointed on close: the file is whole
    return path.read_bytes()


def refused(path: Path) -> StateError:
    with pytest.raises(StateError) as caught:
        StateStore.open(path)
    error = caught.value
    assert error.kind == "refused"
    assert str(path) in str(error)
    return error


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        # A page in the middle overwritten: nothing at open reads it, quick_check does.
        (lambda data: data[: 2 * PAGE] + b"\xa5" * PAGE + data[3 * PAGE :], "is damaged"),
        (lambda data: data[: len(data) // 2], "cannot be read as a database"),
        (lambda data: data[: len(data) // 2 + 100], "cannot be read as a database"),
        (lambda data: b"\0" * 100 + data[100:], "cannot be read as a database"),
        (lambda data: b"my notes, not a database\n" * 400, "cannot be read as a database"),
    ],
    ids=["page-overwritten", "truncated", "truncated-mid-page", "header-overwritten", "text"],
)
def test_a_damaged_state_file_is_refused_and_left_as_it_is(tmp_path, damage, said):
    path = tmp_path / "state.sqlite3"
    path.write_bytes(damage(a_used_state(path)))
    before = path.read_bytes()
    error = refused(path)
    assert said in error.problem and "it was left as it is" in error.problem
    assert "move it aside" in error.what_to_do and "rebuilt" in error.what_to_do
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["state.sqlite3"]


def test_the_advice_names_a_backup_beside_the_file(tmp_path):
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    (tmp_path / "state.sqlite3.v2.bak").write_bytes(b"")
    assert "state.sqlite3.v2.bak beside it" in refused(path).what_to_do


def test_damage_found_later_by_a_query_is_a_state_error_naming_the_file(tmp_path):
    """A page damaged while the service runs (a failing disk, another program)."""
    path = tmp_path / "state.sqlite3"
    a_used_state(path)
    store = StateStore.open(path)
    calendar, drafts = panel(2), MemoryDraftStore()
    engine = Engine(make_settings(), calendar, drafts, store, Composer())
    with path.open("r+b") as file:
        file.seek(2 * PAGE)  # the index of applications: read when an interview is recorded
        file.write(b"\xa5" * PAGE)
    # Another process commits: the open connection drops the pages it cached.
    other = sqlite3.connect(path)
    other.execute("INSERT INTO quarantine VALUES ('event', 'x', 'r', 't', 't', 1)")
    other.commit()
    other.close()
    with pytest.raises(StateError) as caught:
        engine.cycle(at("2026-12-01 12:00"))
    error = caught.value
    assert error.kind == "refused" and str(path) in error.problem
    assert "is damaged: database disk image is malformed" in error.problem
    assert "move it aside" in error.what_to_do
    assert (drafts.writes, calendar.batches) == (0, 0)
    store.close()
    refused(path)  # and the next start refuses it at once


def test_a_zero_length_state_file_is_a_new_state(tmp_path):
    """What the service's own creation leaves for an instant: not refused (a lost state is
    rebuilt from the calendar, see engine.rebuild)."""
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"")
    store = StateStore.open(path)
    assert store.is_new() and store.schema_version == SCHEMA_VERSION
    store.close()


# -- an older schema ----------------------------------------------------------------------


def a_version_1_state(path: Path) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(MIGRATIONS[0])
    db.execute("INSERT INTO applications(key, company) VALUES ('acme', 'Acme')")
    db.execute(
        "INSERT INTO calls(key, application, round_uid, seq, start, end, status, "
        "observed_start, remote_id, person_name, written_text, updated_at) VALUES "
        "('c1', 'acme', 'iv', 0, '2026-12-08T09:00:00+00:00', '2026-12-08T09:15:00+00:00', "
        "'created', NULL, 'r2', 'Dana', 'Call Dana', '2026-12-01T12:00:00+00:00')"
    )
    db.execute("PRAGMA user_version = 1")
    db.close()


def test_an_older_schema_is_backed_up_before_it_is_migrated(tmp_path):
    path = tmp_path / "state.sqlite3"
    a_version_1_state(path)
    store = StateStore.open(path)
    assert store.schema_version == SCHEMA_VERSION
    assert [o.key for o in store.ledger.own()] == ["c1"]
    store.close()

    backup = backup_path(path, 1)
    assert backup.name == "state.sqlite3.v1.bak"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert copy.execute("SELECT key, remote_id FROM calls").fetchall() == [("c1", "r2")]
    assert copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    copy.close()
    # Nothing left half-written, and opening again copies nothing more.
    before = backup.read_bytes()
    StateStore.open(path).close()
    assert backup.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_version_2_state_gets_a_backup_of_its_own(tmp_path):
    path = tmp_path / "state.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:2]:
        db.executescript(script)  # type: ignore[arg-type]
    db.execute("PRAGMA user_version = 2")
    db.close()
    StateStore.open(path).close()
    assert backup_path(path, 2).exists() and not backup_path(path, 1).exists()


def test_a_new_state_needs_no_backup(tmp_path):
    path = tmp_path / "state.sqlite3"
    StateStore.open(path).close()
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []


def test_no_migration_without_its_backup(tmp_path):
    path = tmp_path / "state.sqlite3"
    a_version_1_state(path)
    # Where the copy would be written something is in the way (as a full disk would be).
    (tmp_path / f".state.sqlite3.v1.bak.{os.getpid()}.tmp").mkdir()
    with pytest.raises(StateError) as caught:
        StateStore.open(path)
    assert caught.value.kind == "unwritable"
    assert "cannot copy it to state.sqlite3.v1.bak before upgrading its schema" in str(caught.value)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1  # not migrated
    db.close()


# -- a full database ------------------------------------------------------------------------


def panel(size: int) -> MemoryCalendar:
    people = tuple(person(f"Person {n}", f"p{n}@acme.example") for n in range(size))
    interview = make_event(
        "panel-acme@test",
        "Panel interview – Acme",
        at("2026-12-01 10:00"),
        description="Company: Acme\nHear back: 2026-12-04",
        attendees=people,
    )
    return MemoryCalendar((interview,))


def no_room_beyond(store: StateStore) -> None:
    """The database cannot grow by a page: SQLite's SQLITE_FULL, as on a full disk."""
    db = store._db  # the limit is a property of the connection
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_database_when_the_intents_are_written_writes_nothing_remotely(tmp_path):
    path = tmp_path / "state.sqlite3"
    calendar, drafts = panel(40), MemoryDraftStore()
    settings = make_settings()
    store = StateStore.open(path)
    engine = Engine(settings, calendar, drafts, store, Composer())
    no_room_beyond(store)
    with pytest.raises(StateError) as caught:
        engine.cycle(at("2026-12-01 12:00"))
    error = caught.value
    # The error that says what happened, not the failed ROLLBACK after it.
    assert "cannot be written: database or disk is full (SQLITE_FULL)" in error.problem
    assert error.kind == "unwritable" and str(path) in error.problem
    # No remote write without its intent: nothing to find or to repeat later.
    assert (drafts.writes, calendar.batches) == (0, 0)
    assert store.is_new()
    store.close()

    store = StateStore.open(path)  # room again (a new connection has no limit)
    engine = Engine(settings, calendar, drafts, store, Composer())
    report = engine.cycle(at("2026-12-01 12:05"))
    assert (report.drafts_created, report.calls_created) == (40, 1)
    engine.cycle(at("2026-12-01 12:10"))
    assert (drafts.writes, calendar.own_created) == (40, 2)  # the call and the debrief
    store.close()


def test_a_bug_met_in_the_state_is_not_dressed_up_as_a_fault_of_the_file(tmp_path):
    """A constraint broken by the program's own mistake stays an error a bug report can use."""
    store = StateStore.open(tmp_path / "state.sqlite3")
    call = OwnRecord(
        "k1",
        OwnKind.CALL,
        "acme",
        "iv",
        "iv",
        0,
        at("2026-12-08 10:00"),
        at("2026-12-08 10:15"),
        OwnStatus.CREATED,
    )
    twin = replace(call, key="k2")  # the same call under another key: a bug
    with pytest.raises(sqlite3.IntegrityError), store.guarded(), store.transaction():
        store.ledger.adopt_own([call, twin], at("2026-12-01 12:00"))
    assert store.ledger.own() == []
    store.close()
