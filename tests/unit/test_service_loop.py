"""The service loop over a tiny engine: cycles, failures, backoff, needs-the-user states.

The loop is driven step by step (``start``, ``tick``, ``run_now``) with a clock the
test moves; the real ``followup run`` is run as a process in tests/e2e.
"""

from __future__ import annotations

import errno
import logging
import os
import select
import signal
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from daemon.app import health as health_module
from daemon.app.notify import Notifier
from daemon.app.service import Service
from daemon.domain.errors import BackendError
from tests.unit.service_fakes import Backends, Clock, NotifySocket, TokenCalendar

CONFIG = """\
[profile]
name = "Alex Rivera"
email = "me@example.com"
timezone = "UTC"
[calendar]
backend = "ics"
path = "calendar.ics"
[drafts]
backend = "maildir"
path = "Drafts"
[state]
path = "state/state.sqlite3"
"""

INTERVAL = timedelta(minutes=5)


class Harness:
    def __init__(self, tmp_path: Path, backends: Backends | None = None) -> None:
        self.tmp = tmp_path
        self.config = tmp_path / "config.toml"
        if not self.config.exists():
            self.config.write_text(CONFIG)
        self.backends = backends or Backends()
        self.clock = Clock()
        self.socket = NotifySocket(tmp_path / f"notify-{id(self)}")
        self.announced: list[str] = []
        self.disk: str | None = None  # what the state-directory probe finds wrong
        self.environ = {
            "NOTIFY_SOCKET": str(self.socket.path),
            "XDG_RUNTIME_DIR": str(tmp_path / "runtime"),
            "HOME": str(tmp_path),
        }
        self.service = self.make()

    def make(self) -> Service:
        return Service(
            self.config,
            environ=self.environ,
            notifier=Notifier(self.environ),
            open_runtime=self.backends.open,
            announce=lambda state: self.announced.append(state.line()),
            now=self.clock.now,
            local_now=self.clock.local,
            monotonic=self.clock.monotonic,
            probe=lambda _path: self.disk,
        )

    def cycle(self, after: timedelta = INTERVAL) -> None:
        self.clock.advance(after)
        self.service.run_now()
        self.socket.drain()  # as systemd does: its queue holds only a few datagrams

    def status(self) -> str:
        return self.socket.statuses()[-1]

    def close(self) -> None:
        self.service.shutdown()
        self.socket.close()


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = Harness(tmp_path)
    yield h
    h.close()


def test_the_first_cycle_runs_before_ready_and_every_cycle_says_how_it_went(harness: Harness):
    assert harness.service.start() is None
    messages = harness.socket.drain()
    ready = [m for m in messages if "READY=1" in m]
    assert len(ready) == 1 and harness.backends.engine.cycles == 1
    assert "STATUS=cycle 09:00 ok: nothing new; next cycle 09:0" in ready[0]
    harness.cycle()
    assert harness.status().startswith("cycle 09:05 ok: nothing new")
    data = health_module.read_health(harness.tmp / "state" / "state.sqlite3", harness.environ)
    assert data is not None and data["last_success_at"].startswith("2026-12-01T09:05")
    assert data["running"] is True and data["needs_user"] == []


def test_an_exception_in_a_cycle_is_logged_and_the_next_cycle_runs(harness, caplog):
    harness.service.start()
    harness.backends.engine.fail_with = RuntimeError("a bug")
    with caplog.at_level(logging.ERROR):
        harness.cycle()
    assert "cycle failed unexpectedly" in caplog.text and "RuntimeError: a bug" in caplog.text
    assert "failed: RuntimeError" in harness.status()
    assert harness.service.health.last_error is not None
    assert "report it" in harness.service.health.last_error.what_to_do
    # The next cycle opens a fresh engine (a new state connection) and goes on.
    harness.cycle()
    assert len(harness.backends.engines) == 2 and harness.backends.engine.cycles == 1
    assert harness.status().startswith("cycle 09:10 ok")


def test_a_failing_backend_is_retried_less_and_less_often_while_the_other_goes_on(harness):
    harness.service.start()
    calendar, drafts = harness.backends.calendar, harness.backends.drafts
    calendar.available = False
    tried = []
    for n in range(1, 33):
        before = calendar.reads
        harness.cycle()
        if calendar.reads > before:
            tried.append(n)
    # Retries 1, 2, 4, 8 cycles apart, then at most an hour (12 cycles) apart.
    assert tried == [1, 2, 4, 8, 16, 28]
    assert drafts.reads == 33  # every cycle, first one included
    assert "calendar: memory calendar: unavailable" in harness.service.health.last_error.what
    calendar.available = True
    for _ in range(12):
        harness.cycle()
    reads = calendar.reads
    harness.cycle()
    harness.cycle()
    assert calendar.reads == reads + 2  # back to every cycle
    assert harness.status().startswith("cycle") and " ok: " in harness.status()


def test_a_calendar_unreachable_for_hours_needs_the_user_once_and_clears_itself(harness, caplog):
    harness.service.start()
    harness.backends.calendar.available = False
    with caplog.at_level(logging.ERROR):
        for _ in range(12 * 7):  # seven hours of cycles
            harness.cycle()
    need = harness.service.health.needs["calendar"]
    assert need.kind == "unreachable" and "memory calendar: unavailable" in need.problem
    assert harness.status().startswith("NEEDS YOU: calendar: failing for")
    assert "check [calendar] in the config" in harness.status()
    assert caplog.text.count("needs you: calendar") == 1
    assert len(harness.announced) == 1
    harness.backends.calendar.available = True
    for _ in range(13):
        harness.cycle()
    assert "calendar" not in harness.service.health.needs
    assert not harness.status().startswith("NEEDS YOU")


def test_revoked_authorization_pauses_the_calendar_until_the_token_file_changes(tmp_path):
    token = tmp_path / "token.json"
    token.write_text("revoked")
    h = Harness(tmp_path, Backends(TokenCalendar(token)))
    try:
        h.service.start()
        assert h.backends.calendar.reads == 1
        assert h.status() == (
            "NEEDS YOU: calendar: authorization was revoked — Run `followup auth` to sign in again."
        )
        # A day of cycles: not one call to a calendar that cannot answer.
        for _ in range(12 * 24):
            h.cycle()
        assert h.backends.calendar.reads == 1
        assert h.backends.drafts.reads == 1 + 12 * 24
        assert len(h.announced) == 1
        token.write_text("a fresh token")
        h.cycle()
        assert h.backends.calendar.reads == 2
        assert "calendar" not in h.service.health.needs
        assert h.status().startswith("cycle") and " ok: " in h.status()
    finally:
        h.close()


def test_sighup_with_a_broken_config_keeps_the_old_one_and_a_fix_is_taken(harness, caplog):
    harness.service.start()
    good = harness.service.settings
    harness.config.write_text(CONFIG + "[followup]\ncall_days = 'someday'\n")
    harness.service.request_reload()
    with caplog.at_level(logging.ERROR):
        harness.service.tick()
    assert harness.service.settings is good
    assert "config: followup.call_days" in caplog.text
    status = harness.status()
    assert status.startswith("NEEDS YOU: config: followup.call_days")
    assert "the last good configuration is used meanwhile" in status
    # The old configuration's engine still runs its cycles.
    cycles = harness.backends.engine.cycles
    harness.cycle()
    assert harness.backends.engine.cycles == cycles + 1 and len(harness.backends.engines) == 1
    # Saved again, fixed: read at the next cycle without a signal.
    harness.config.write_text(CONFIG.replace('"Alex Rivera"', '"Alex R."'))
    harness.cycle()
    assert harness.service.settings is not good
    assert harness.service.settings.profile.name == "Alex R."
    assert len(harness.backends.engines) == 2
    assert "config" not in harness.service.health.needs


def test_a_broken_config_at_start_exits_when_run_by_hand(tmp_path, capsys):
    (tmp_path / "config.toml").write_text("[profile\n")
    h = Harness(tmp_path)
    h.environ.pop("NOTIFY_SOCKET")
    service = h.make()
    try:
        assert service.start() == 2
        assert "TOML syntax error" in capsys.readouterr().err
    finally:
        service.shutdown()
        h.close()


def test_a_broken_config_at_start_is_waited_out_under_systemd(tmp_path):
    (tmp_path / "config.toml").write_text("[profile\n")
    h = Harness(tmp_path)
    try:
        assert h.service.start() is None
        ready = [m for m in h.socket.drain() if "READY=1" in m]
        assert ready and "NEEDS YOU: config:" in ready[0] and "nothing runs meanwhile" in ready[0]
        assert h.backends.engines == []
        (tmp_path / "config.toml").write_text(CONFIG)
        h.cycle()
        assert len(h.backends.engines) == 1 and h.backends.engine.cycles == 1
        assert "config" not in h.service.health.needs
    finally:
        h.close()


def test_a_second_instance_on_the_same_state_is_refused(tmp_path, capsys):
    first = Harness(tmp_path)
    first.service.start()
    second = first.make()
    try:
        assert second.start() == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "already running" in err[0] and "state.sqlite3" in err[0]
    finally:
        second.shutdown()
        first.close()


def test_a_clock_jump_runs_a_cycle_at_once(harness):
    harness.service.start()
    engine = harness.backends.engine
    harness.clock.advance(timedelta(seconds=30))
    harness.service.tick()
    assert engine.cycles == 1  # nothing due, no jump
    harness.clock.jump(timedelta(hours=3))  # suspended: the monotonic clock stood still
    harness.service.tick()
    assert engine.cycles == 2
    harness.clock.advance(timedelta(seconds=30))
    harness.service.tick()
    assert engine.cycles == 2


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("attempt to write a readonly database"),
    ],
)
def test_a_state_that_cannot_be_written_waits_for_room_without_reading_the_calendar(harness, error):
    harness.service.start()
    harness.backends.engine.fail_with = error
    harness.disk = "the disk is full"
    harness.cycle()
    status = harness.status()
    assert status.startswith("NEEDS YOU: state: cannot write the state:")
    assert "give its disk some room" in status
    reads = harness.backends.calendar.reads
    for _ in range(5):
        harness.cycle()
    assert harness.backends.calendar.reads == reads and len(harness.backends.engines) == 1
    harness.disk = None
    harness.cycle()
    assert len(harness.backends.engines) == 2 and harness.backends.engine.cycles == 1
    assert "state" not in harness.service.health.needs


def test_a_state_directory_that_cannot_be_opened_is_waited_out(harness):
    denied = OSError(errno.EROFS, "Read-only file system", str(harness.tmp / "state"))
    harness.backends.open_error = BackendError(f"state file: {denied}")
    harness.backends.open_error.__cause__ = denied
    harness.service.start()
    assert harness.service.health.needs["state"].kind == "unwritable"
    harness.backends.open_error = None
    harness.cycle()
    assert "state" not in harness.service.health.needs and len(harness.backends.engines) == 1


def test_a_damaged_state_file_is_reported_never_replaced(harness):
    harness.backends.open_error = BackendError("state file x: file is not a database")
    harness.service.start()
    need = harness.service.health.needs["state"]
    assert need.kind == "unusable" and "never replaced by a fresh one" in need.what_to_do
    harness.cycle()
    assert harness.backends.engines == []


def test_stopping_says_so_and_leaves_a_stopped_health_record(tmp_path):
    h = Harness(tmp_path)
    h.service.start()
    h.service.shutdown()
    assert any("STOPPING=1" in m for m in h.socket.drain())
    data = health_module.read_health(tmp_path / "state" / "state.sqlite3", h.environ)
    assert data is not None and data["running"] is False
    # The lock is free again: a new instance starts.
    again = h.make()
    try:
        assert again.start() is None
    finally:
        again.shutdown()
        h.socket.close()


def test_a_signal_wakes_the_sleep_through_its_pipe(harness):
    harness.service.start()
    pipe = harness.service._wake_read
    with harness.service._signals():
        assert select.select([pipe], [], [], 0)[0] == []
        os.kill(os.getpid(), signal.SIGHUP)
        assert select.select([pipe], [], [], 0)[0] == [pipe]  # the sleep would end now
        harness.service.sleep(3600)
        assert harness.service.reload_requested and not harness.service.stop_requested
        os.kill(os.getpid(), signal.SIGTERM)
        harness.service.sleep(3600)
        assert harness.service.stop_requested
    assert select.select([pipe], [], [], 0)[0] == []
