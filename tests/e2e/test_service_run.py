"""``followup run``: the service loop does its work at start and stops cleanly on SIGTERM."""

from __future__ import annotations

import mailbox
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def test_run_makes_drafts_and_stops_on_sigterm(tmp_path: Path) -> None:
    # An interview that ended three hours ago, by the real clock.
    end = datetime.now(UTC) - timedelta(hours=3)
    (tmp_path / "calendar.ics").write_text(
        "\r\n".join(
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//test//EN",
                "BEGIN:VEVENT",
                "UID:screen@test",
                f"DTSTAMP:{ics_time(end)}",
                f"DTSTART:{ics_time(end - timedelta(minutes=30))}",
                f"DTEND:{ics_time(end)}",
                "SUMMARY:Phone screen with Initrode",
                "ATTENDEE;CN=Riley Chen;PARTSTAT=ACCEPTED:mailto:riley@initrode.example",
                "END:VEVENT",
                "END:VCALENDAR",
                "",
            ]
        ),
        newline="",
    )
    config = tmp_path / "config.toml"
    config.write_text(
        '[profile]\nname = "Alex"\nemail = "me@example.com"\ntimezone = "UTC"\n'
        '[calendar]\nbackend = "ics"\npath = "calendar.ics"\n'
        '[drafts]\nbackend = "maildir"\npath = "Drafts"\n'
        '[state]\npath = "state.sqlite3"\n'
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "daemon", "--config", str(config), "run"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 60
        drafts: list[mailbox.MaildirMessage] = []
        while time.monotonic() < deadline and not drafts:
            if (tmp_path / "Drafts").exists():
                drafts = list(mailbox.Maildir(tmp_path / "Drafts", create=False))
            time.sleep(0.2)
        assert [m["To"] for m in drafts] == ["Riley Chen <riley@initrode.example>"]
        assert process.poll() is None, "the service should keep running"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
        assert process.returncode == 0, stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# --- under systemd: the notify protocol, signals, one instance ---------------------------

import pytest  # noqa: E402

from tests.e2e.service_process import (  # noqa: E402
    CONFIG,
    ServiceProcess,
    drafts,
    followup,
    interview,
    write_calendar,
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_calendar(
        tmp_path / "calendar.ics",
        interview("screen@test", "Initrode", "Riley Chen", "riley@initrode.example"),
    )
    (tmp_path / "config.toml").write_text(CONFIG)
    return tmp_path


def test_ready_after_the_first_cycle_then_watchdog_pings_and_a_clean_stop(folder: Path) -> None:
    service = ServiceProcess(folder, watchdog_usec=200_000)
    try:
        ready = service.wait_ready()
        assert "STATUS=cycle " in ready and " ok: 1 new drafts" in ready
        assert len(drafts(folder / "Drafts")) == 1  # the cycle ran before READY=1
        # Pings keep coming while it sleeps (every half watchdog period).
        start = len(service.messages)
        service.wait_for(lambda ms: ms[start:].count("WATCHDOG=1") >= 5, "five pings")
        assert service.stop(timeout=5) == 0, service.stderr
        assert "STOPPING=1" in service.messages[-1]
    finally:
        service.close()


def test_every_cycle_sends_a_status_line(folder: Path) -> None:
    service = ServiceProcess(folder, interval=0.25)
    try:
        service.wait_ready()
        service.wait_for(
            lambda _ms: sum("ok: nothing new" in s for s in service.statuses()) >= 3,
            "three more cycles",
        )
        assert service.stop() == 0
    finally:
        service.close()


def test_sighup_with_a_broken_config_keeps_the_old_one(folder: Path) -> None:
    service = ServiceProcess(folder, watchdog_usec=500_000)
    try:
        service.wait_ready()
        good = (folder / "config.toml").read_text()
        (folder / "config.toml").write_text(good.replace('timezone = "UTC"', 'timezone = "Mars"'))
        service.signal(signal.SIGHUP)
        status = service.wait_status(lambda s: s.startswith("NEEDS YOU: config"), "config state")
        assert "profile.timezone" in status and "last good configuration is used" in status
        assert service.process.poll() is None
        start = len(service.messages)
        service.wait_for(lambda ms: "WATCHDOG=1" in ms[start:], "a ping after the bad reload")
        # Fixed and reloaded: the new configuration runs a cycle at once.
        write_calendar(
            folder / "calendar.ics",
            interview("screen@test", "Initrode", "Riley Chen", "riley@initrode.example"),
            interview("onsite@test", "Globex", "Kim Lo", "kim@globex.example"),
        )
        (folder / "config.toml").write_text(good.replace('name = "Alex"', 'name = "Alex R."'))
        service.signal(signal.SIGHUP)
        service.wait_status(lambda s: "1 new drafts" in s, "a cycle with the fixed config")
        assert len(drafts(folder / "Drafts")) == 2
        assert service.stop() == 0
        assert "config: profile.timezone" in service.stderr
    finally:
        service.close()


def test_a_restart_does_no_work_twice(folder: Path) -> None:
    first = ServiceProcess(folder, name="first")
    try:
        assert " ok: 1 new drafts" in first.wait_ready()
        assert first.stop() == 0
    finally:
        first.close()
    calls = (folder / "calls.ics").read_bytes()
    second = ServiceProcess(folder, name="second")
    try:
        assert " ok: nothing new" in second.wait_ready()
        assert second.stop() == 0
    finally:
        second.close()
    assert len(drafts(folder / "Drafts")) == 1
    assert (folder / "calls.ics").read_bytes() == calls


def test_a_second_instance_on_the_same_state_is_refused(folder: Path) -> None:
    first = ServiceProcess(folder, name="first")
    try:
        first.wait_ready()
        second = followup(folder, "run")
        assert second.returncode == 1
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert "already running" in lines[0] and str(folder / "state.sqlite3") in lines[0]
        assert first.process.poll() is None
        # status says who runs, first of all.
        status = followup(folder, "status")
        assert status.stdout.splitlines()[0] == f"service: running (pid {first.process.pid})"
        assert first.stop() == 0
    finally:
        first.close()
    status = followup(folder, "status").stdout.splitlines()
    assert status[0].startswith("service: not running (stopped ")
    assert status[1].startswith("  last successful cycle: ")


def test_a_broken_config_under_systemd_stays_up_and_says_what_to_do(folder: Path) -> None:
    (folder / "config.toml").write_text("[profile\n")
    service = ServiceProcess(folder)
    try:
        ready = service.wait_ready()
        assert "NEEDS YOU: config:" in ready and "TOML syntax error" in ready
        assert "followup check-config" in ready
        assert service.stop() == 0
    finally:
        service.close()


def test_a_broken_config_run_by_hand_exits_2(folder: Path) -> None:
    (folder / "config.toml").write_text("[profile\n")
    result = followup(folder, "run")
    assert result.returncode == 2 and "TOML syntax error" in result.stderr
