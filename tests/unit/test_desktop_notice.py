"""The optional desktop notification: sent with notify-send or gdbus, only with a session bus."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from daemon.app import desktop
from daemon.app.health import NeedsUser

STATE = NeedsUser(
    "calendar", "blocked", "authorization was revoked", "Run `followup auth`.", datetime.now(UTC)
)


def fake(directory: Path, name: str) -> Path:
    directory.mkdir(exist_ok=True)
    log = directory / f"{name}.args"
    script = directory / name
    script.write_text(
        f'#!/bin/sh\nPATH=/usr/bin:/bin\nfor a in "$@"; do echo "$a"; done > "{log}.tmp"\n'
        f'env | grep -c NOTIFY_SOCKET >> "{log}.tmp"\nmv "{log}.tmp" "{log}"\n'
    )
    script.chmod(0o755)
    return log


def wait_for(path: Path) -> str:
    # The command runs off the loop's thread; poll for what it wrote (not a timing check).
    for _ in range(500):
        if path.exists():
            return path.read_text()
        time.sleep(0.01)
    raise AssertionError(f"{path} was never written")


def test_notify_send_shows_what_needs_the_user(tmp_path):
    log = fake(tmp_path / "bin", "notify-send")
    environ = {
        "PATH": str(tmp_path / "bin"),
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus",
        "NOTIFY_SOCKET": "/run/systemd/notify",
    }
    announce = desktop.announcer(environ)
    assert announce is not None
    announce(STATE)
    lines = wait_for(log).splitlines()
    assert lines == [
        "--app-name=interview-followup",
        "--urgency=normal",
        "interview-followup needs you: calendar",
        "calendar: authorization was revoked — Run `followup auth`.",
        "0",  # systemd's socket is not handed on
    ]


def test_gdbus_is_the_fallback_with_gvariant_strings(tmp_path):
    log = fake(tmp_path / "bin", "gdbus")
    environ = {"PATH": str(tmp_path / "bin"), "DBUS_SESSION_BUS_ADDRESS": "unix:abstract=x"}
    announce = desktop.announcer(environ)
    assert announce is not None
    announce(STATE)
    lines = wait_for(log).splitlines()
    assert lines[:3] == ["call", "--session", "--dest=org.freedesktop.Notifications"]
    assert '"interview-followup needs you: calendar"' in lines
    assert '"calendar: authorization was revoked — Run `followup auth`."' in lines


def test_no_session_bus_no_notification(tmp_path):
    assert desktop.announcer({"PATH": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)}) is None
