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
