"""The health record, the single-instance lock and what ``followup status`` shows first."""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.app.health import (
    AlreadyRunningError,
    Health,
    InstanceLock,
    LastError,
    lock_paths,
    probe_state_dir,
    read_health,
    running_pid,
    service_lines,
    state_fault,
)
from daemon.domain.settings import Settings, StateSettings
from tests.conftest import make_settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def settings_for(state: Path) -> Settings:
    return replace(make_settings(), state=StateSettings(path=state))


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"XDG_RUNTIME_DIR": str(tmp_path / "runtime"), "HOME": str(tmp_path)}


def test_status_before_the_service_ever_ran(tmp_path, environ):
    lines = service_lines(settings_for(tmp_path / "state.sqlite3"), now=NOW, environ=environ)
    assert lines == [
        "service: not running (never started on this state; `followup install-service` sets it up)"
    ]


def test_status_of_a_running_service_that_needs_the_user(tmp_path, environ):
    state = tmp_path / "state.sqlite3"
    lock = InstanceLock.acquire(state, environ)
    health = Health(state, environ, started_at=NOW - timedelta(hours=2))
    health.last_success_at = NOW - timedelta(minutes=10)
    health.next_cycle_at = NOW + timedelta(minutes=4)
    health.last_error = LastError(NOW - timedelta(minutes=5), "calendar: timed out", "Wait.")
    health.need("calendar", "blocked", "authorization was revoked", "Run `followup auth`.", NOW)
    health.save()
    try:
        lines = service_lines(settings_for(state), now=NOW, environ=environ)
    finally:
        lock.release()
    assert lines == [
        f"service: running (pid {os.getpid()})",
        "  NEEDS YOU: calendar: authorization was revoked",
        "    since Tue 2026-12-01 10:00 CET (under a minute ago): Run `followup auth`.",
        "  last successful cycle: Tue 2026-12-01 09:50 CET (10 min ago)",
        "  last error (Tue 2026-12-01 09:55 CET (5 min ago)): calendar: timed out",
        "    what to do: Wait.",
        "  next cycle: Tue 2026-12-01 10:04 CET (in 4 min)",
    ]


def test_status_tells_a_clean_stop_from_a_killed_service(tmp_path, environ):
    state = tmp_path / "state.sqlite3"
    health = Health(state, environ, started_at=NOW)
    health.save()  # says running, but nobody holds the lock: killed
    first = service_lines(settings_for(state), environ=environ)[0]
    assert first.startswith("service: not running — it ended without stopping (killed or crashed)")
    health.running = False
    health.save()
    first = service_lines(settings_for(state), environ=environ)[0]
    assert first.startswith("service: not running (stopped ")
    assert first.endswith("start it: systemctl --user start interview-followup")


def test_a_second_lock_on_the_same_state_is_refused_with_the_holders_pid(tmp_path, environ):
    state = tmp_path / "state.sqlite3"
    lock = InstanceLock.acquire(state, environ)
    with pytest.raises(AlreadyRunningError, match=rf"\(pid {os.getpid()}\) is already running"):
        InstanceLock.acquire(state, environ)
    assert running_pid(state, environ) == os.getpid()
    lock.release()
    assert running_pid(state, environ) is None
    InstanceLock.acquire(state, environ).release()


def test_where_the_state_directory_cannot_hold_a_lock_the_runtime_directory_does(tmp_path, environ):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    state = blocker / "state.sqlite3"  # its folder cannot be created
    lock = InstanceLock.acquire(state, environ)
    assert lock_paths(state, environ)[1].exists()
    with pytest.raises(AlreadyRunningError):
        InstanceLock.acquire(state, environ)
    lock.release()


def test_the_health_record_falls_back_to_the_runtime_directory(tmp_path, environ):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    state = blocker / "state.sqlite3"
    health = Health(state, environ, started_at=NOW)
    health.need("state", "unwritable", "cannot write the state", "Make room.", NOW)
    health.save()
    data = read_health(state, environ)
    assert data is not None and data["needs_user"][0]["what_to_do"] == "Make room."
    assert str(tmp_path / "runtime") in str(next((tmp_path / "runtime").rglob("*.health.json")))


def test_a_needs_the_user_state_is_announced_once_until_resolved(tmp_path, environ, caplog):
    said: list[str] = []
    health = Health(tmp_path / "s", environ, started_at=NOW, announce=lambda s: said.append(s.kind))
    for _ in range(3):
        health.need("calendar", "unreachable", "failing for 6 h", "Check.", NOW)
    health.need("calendar", "blocked", "authorization was revoked", "Sign in.", NOW)
    assert said == ["unreachable", "blocked"]
    health.resolved("calendar")
    health.need("calendar", "blocked", "authorization was revoked", "Sign in.", NOW)
    assert said == ["unreachable", "blocked", "blocked"]
    assert caplog.text.count("needs you: calendar") == 3
    assert "resolved: calendar" in caplog.text


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (sqlite3.OperationalError("database or disk is full"), True),
        (sqlite3.OperationalError("attempt to write a readonly database"), True),
        (sqlite3.DatabaseError("file is not a database"), False),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EROFS, "Read-only file system", "/state/dir/x"), True),
        (OSError(errno.EACCES, "Permission denied", "/elsewhere/drafts/new"), False),
        (OSError(errno.ECONNREFUSED, "Connection refused"), False),
        (ValueError("a bug"), False),
    ],
)
def test_what_counts_as_a_state_that_cannot_be_written(error, fault):
    assert (state_fault(error, Path("/state/dir/state.sqlite3")) is not None) is fault


def test_a_fault_is_found_behind_the_backend_error_that_wraps_it():
    cause = OSError(errno.EDQUOT, "Disk quota exceeded")
    try:
        try:
            raise cause
        except OSError as error:
            raise RuntimeError("state file: cannot open") from error
    except RuntimeError as wrapped:
        assert state_fault(wrapped, None) == "Disk quota exceeded"


def test_the_state_directory_probe(tmp_path):
    state = tmp_path / "state" / "state.sqlite3"
    assert probe_state_dir(state) is None
    assert state.parent.is_dir()
    full = probe_state_dir(state, min_free=1 << 62)
    assert full is not None and "is full" in full
    assert list(state.parent.iterdir()) == []  # the probe leaves nothing behind
