"""Invitations are written by other people: one bad event never stops the rest."""

from __future__ import annotations

import mailbox
import subprocess
import sys
from email import policy
from email.parser import BytesParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CALENDAR = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        # A broken event: its start cannot be read.
        "BEGIN:VEVENT",
        "UID:broken@test",
        "DTSTAMP:20261101T000000Z",
        "DTSTART;TZID=A,B:1818641R",
        "SUMMARY:Interview – Broken Corp",
        "END:VEVENT",
        # A hostile display name and a recipient list hidden in a name.
        "BEGIN:VEVENT",
        "UID:hostile@test",
        "DTSTAMP:20261101T000000Z",
        "DTSTART:20261201T120000Z",
        "DTEND:20261201T130000Z",
        "SUMMARY:Interview – Evil =?utf-8?q?=0D=0ABcc=3A_evil=40x=2Eexample?= Corp",
        'ATTENDEE;CN="Eve =?utf-8?q?=0D=0ABcc=3A_evil=40x=2Eexample?=":mailto:eve@evil.example',
        'ATTENDEE;CN="Mallory <mallory@x.example>, Alice":mailto:alice@evil.example',
        "ATTENDEE;CN=No Address:mailto:not-an-address",
        "END:VEVENT",
        # An ordinary interview after them.
        "BEGIN:VEVENT",
        "UID:good@test",
        "DTSTAMP:20261101T000000Z",
        "DTSTART:20261201T090000Z",
        "DTEND:20261201T100000Z",
        "SUMMARY:Phone screen – Good Co",
        "ATTENDEE;CN=Riley Chen;PARTSTAT=ACCEPTED:mailto:riley@good.example",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def test_bad_events_are_reported_and_the_rest_handled(tmp_path: Path) -> None:
    (tmp_path / "calendar.ics").write_text(CALENDAR, newline="")
    config = tmp_path / "config.toml"
    config.write_text(
        '[profile]\nname = "Alex"\nemail = "me@example.com"\ntimezone = "UTC"\n'
        '[calendar]\nbackend = "ics"\npath = "calendar.ics"\n'
        '[drafts]\nbackend = "maildir"\npath = "Drafts"\n'
        '[state]\npath = "state.sqlite3"\n'
    )
    command = [sys.executable, "-m", "daemon", "--config", str(config)]
    result = subprocess.run(
        [*command, "once", "--now", "2026-12-01T15:00Z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "broken" in result.stderr  # the skipped event is named
    assert "Traceback" not in result.stderr

    recipients = []
    for message in mailbox.Maildir(tmp_path / "Drafts", create=False):
        parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
        assert "Bcc" not in parsed and "Cc" not in parsed
        (to,) = parsed["To"].addresses
        recipients.append(to.addr_spec)
    assert sorted(recipients) == ["alice@evil.example", "eve@evil.example", "riley@good.example"]

    status = subprocess.run(
        [*command, "status", "--now", "2026-12-01T15:00Z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "skipped: event broken@test" in status.stdout

    # Once the event is mended it leaves the quarantine.
    (tmp_path / "calendar.ics").write_text(
        CALENDAR.replace("DTSTART;TZID=A,B:1818641R", "DTSTART:20261130T090000Z"), newline=""
    )
    subprocess.run([*command, "once", "--now", "2026-12-01T15:10Z"], cwd=ROOT, check=True)
    status = subprocess.run(
        [*command, "status", "--now", "2026-12-01T15:10Z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "skipped" not in status.stdout
