"""The real ``followup run`` in a subprocess, with the systemd end of its notify socket.

``FOLLOWUP_INTERVAL_SECONDS`` (for tests only) makes cycles seconds apart;
``WATCHDOG_USEC`` asks for watchdog pings as systemd would.
"""

from __future__ import annotations

import mailbox
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: How long to wait for something a working service does at once (a slow CI machine).
PATIENCE = 60.0


def ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def interview(uid: str, company: str, person: str, email: str, hours_ago: float = 3) -> str:
    end = datetime.now(UTC) - timedelta(hours=hours_ago)
    return "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{ics_time(end)}",
            f"DTSTART:{ics_time(end - timedelta(minutes=30))}",
            f"DTEND:{ics_time(end)}",
            f"SUMMARY:Phone screen with {company}",
            f"ATTENDEE;CN={person};PARTSTAT=ACCEPTED:mailto:{email}",
            "END:VEVENT",
        ]
    )


def write_calendar(path: Path, *events: str) -> None:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *events, "END:VCALENDAR", ""]
    path.write_text("\r\n".join(lines), newline="")


CONFIG = (
    '[profile]\nname = "Alex"\nemail = "me@example.com"\ntimezone = "UTC"\n'
    '[calendar]\nbackend = "ics"\npath = "calendar.ics"\ncalls_path = "calls.ics"\n'
    '[drafts]\nbackend = "maildir"\npath = "Drafts"\n'
    '[state]\npath = "state.sqlite3"\n'
)


def drafts(folder: Path) -> list[mailbox.MaildirMessage]:
    if not folder.exists():
        return []
    return list(mailbox.Maildir(folder, create=False))


class ServiceProcess:
    """One ``followup run``; ``messages`` are the datagrams it sent, in order."""

    def __init__(
        self,
        folder: Path,
        *,
        interval: float = 3600,
        watchdog_usec: int | None = None,
        args: tuple[str, ...] = (),
        name: str = "notify",
    ) -> None:
        self.folder = folder
        self.socket_path = folder / f"{name}.sock"
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(self.socket_path))
        self.messages: list[str] = []
        self.environ = environment(folder)
        self.environ.update(
            NOTIFY_SOCKET=str(self.socket_path), FOLLOWUP_INTERVAL_SECONDS=str(interval)
        )
        if watchdog_usec is not None:
            self.environ["WATCHDOG_USEC"] = str(watchdog_usec)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daemon", *args, "--config", str(folder / "config.toml"), "run"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.environ,
        )
        self.stderr = ""

    def wait_for(self, found: Callable[[list[str]], bool], what: str) -> list[str]:
        """Read datagrams until ``found(messages)``; fail if the process ends first."""
        deadline = time.monotonic() + PATIENCE
        while not found(self.messages):
            if self.process.poll() is not None:
                self.finish()
                raise AssertionError(f"followup run ended before {what}: {self.stderr}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {PATIENCE} s: {self.messages[-5:]}")
            self.socket.settimeout(0.5)
            try:
                self.messages.append(self.socket.recv(4096).decode())
            except TimeoutError:
                continue
        return self.messages

    def wait_ready(self) -> str:
        self.wait_for(lambda ms: any("READY=1" in m for m in ms), "READY=1")
        return next(m for m in self.messages if "READY=1" in m)

    def statuses(self) -> list[str]:
        return [
            line.removeprefix("STATUS=")
            for message in self.messages
            for line in message.splitlines()
            if line.startswith("STATUS=")
        ]

    def wait_status(self, found: Callable[[str], bool], what: str) -> str:
        start = len(self.statuses())
        self.wait_for(lambda _ms: any(found(s) for s in self.statuses()[start:]), what)
        return next(s for s in self.statuses()[start:] if found(s))

    def signal(self, number: int) -> None:
        self.process.send_signal(number)

    def stop(self, timeout: float = 5.0) -> int:
        """SIGTERM, and the exit status; it must come within ``timeout`` seconds."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=timeout)
        return self.finish()

    def finish(self) -> int:
        _, self.stderr = self.process.communicate(timeout=PATIENCE)
        self.socket.settimeout(0)
        try:
            while True:
                self.messages.append(self.socket.recv(4096).decode())
        except (BlockingIOError, TimeoutError):
            pass
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.socket.close()


def environment(folder: Path) -> dict[str, str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "INVOCATION_ID")
        and not k.startswith(("FOLLOWUP_", "DBUS_"))
    }
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    environ.update(XDG_RUNTIME_DIR=str(runtime), HOME=str(folder))
    return environ


def followup(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "daemon", "--config", str(folder / "config.toml"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment(folder),
        timeout=PATIENCE,
        check=False,
    )
