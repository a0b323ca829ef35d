"""The debrief end to end through the CLI, over .ics files, as a user who only gets invitations.

The invitation's description is the organizer's: the user never edits it. They
fill in the debrief the service put next to it; the drafts and the calls come
from what they wrote. The call lands on the day after the hear-back date they
gave, skipping Thanksgiving and a dentist's appointment, after New York has
left summer time.
"""

from __future__ import annotations

import json
import mailbox
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

ROOT = Path(__file__).resolve().parents[2]

CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:panel-northwind@test\r
DTSTAMP:20261001T000000Z\r
DTSTART;TZID=America/New_York:20261027T130000\r
DTEND;TZID=America/New_York:20261027T140000\r
SUMMARY:Panel interview – Northwind Labs\r
DESCRIPTION:Jordan Blake is inviting you to a scheduled Zoom meeting.\\nJoin\r
  Zoom Meeting: https://zoom.us/j/5551234567\r
ORGANIZER;CN=Jordan Blake:mailto:jordan.blake@northwindlabs.example\r
ATTENDEE;CN=Dana Lee;PARTSTAT=ACCEPTED:mailto:dana.lee@northwindlabs.example\r
ATTENDEE;CN=Sam Okafor;PARTSTAT=ACCEPTED:mailto:sam.okafor@northwindlabs.exam\r
 ple\r
ATTENDEE;CN=Alex Rivera;PARTSTAT=ACCEPTED:mailto:alex@example.com\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:dentist@test\r
DTSTAMP:20261001T000000Z\r
DTSTART;TZID=America/New_York:20261201T093000\r
DTEND;TZID=America/New_York:20261201T103000\r
SUMMARY:Dentist\r
END:VEVENT\r
END:VCALENDAR\r
"""

CONFIG = """
[profile]
name = "Alex Rivera"
email = "alex@example.com"
phone = "+1 617 555 0100"
timezone = "America/New_York"
qualifications = ["six years building data platforms"]

[calendar]
backend = "ics"
path = "calendar.ics"
calls_path = "calls.ics"

[drafts]
backend = "maildir"
path = "Drafts"

[state]
path = "state.sqlite3"
"""


class Followup:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "daemon", "--config", str(self.folder / "config.toml"), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def own(self, kind: str) -> list[icalendar.Event]:
        path = self.folder / "calls.ics"
        if not path.exists():
            return []
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        return [e for e in cal.walk("VEVENT") if e.get("X-INTERVIEW-FOLLOWUP-KIND") == kind]

    def fill_debrief(self, replacements: dict[str, str]) -> None:
        """The user edits the debrief in their calendar app: some lines changed, some deleted."""
        path = self.folder / "calls.ics"
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        (debrief,) = [
            e for e in cal.walk("VEVENT") if e.get("X-INTERVIEW-FOLLOWUP-KIND") == "debrief"
        ]
        lines = []
        for line in str(debrief["DESCRIPTION"]).splitlines():
            new = next((n for old, n in replacements.items() if line.startswith(old)), line)
            if new:
                lines.append(new)
        debrief["DESCRIPTION"] = "\n".join(lines)
        path.write_bytes(cal.to_ical())

    def drafts(self) -> dict[str, str]:
        box = mailbox.Maildir(self.folder / "Drafts", create=False)
        return {m["To"]: m.get_payload(decode=True).decode("utf-8") for m in box}


@pytest.fixture
def followup(tmp_path: Path) -> Followup:
    (tmp_path / "calendar.ics").write_text(CALENDAR, encoding="utf-8", newline="")
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    return Followup(tmp_path)


def test_a_user_who_only_gets_invitations_fills_in_the_debrief(followup: Followup) -> None:
    invitation = (followup.folder / "calendar.ics").read_bytes()

    # The morning of the interview: the debrief is on the calendar already.
    followup("once", "--now", "2026-10-27T09:00-04:00")
    (debrief,) = followup.own("debrief")
    assert str(debrief["SUMMARY"]).startswith("Notes: Panel interview – Northwind Labs")
    assert debrief.decoded("DTSTART").isoformat() == "2026-10-27T14:00:00-04:00"
    assert debrief.decoded("DTEND").isoformat() == "2026-10-27T14:15:00-04:00"
    (alarm,) = debrief.walk("VALARM")
    assert alarm["TRIGGER"].to_ical() == b"-PT10M"  # 13:50: before leaving the room
    form = str(debrief["DESCRIPTION"])
    assert "Met: Dana Lee, dana.lee@northwindlabs.example" in form.splitlines()
    assert "The thank-you drafts are made at 15:00" in form
    status = json.loads(followup("status", "--now", "2026-10-27T09:00-04:00", "--json"))
    assert [d["filled"] for d in status[0]["debriefs"]] == [False]

    # Right after the interview, on the phone.
    followup.fill_debrief(
        {
            "Decision maker:": "Decision maker: Maria Gomez, VP Engineering, "
            "maria.gomez@northwindlabs.example, +1 617 555 0199",
            "Hear back:": "Hear back: Nov 25",
            "Discussed with Dana:": "Discussed with Dana: the lakehouse migration",
            "Met: Sam Okafor": "",  # they will not be thanked
        }
    )
    followup("once", "--now", "2026-10-27T15:05-04:00")

    drafts = followup.drafts()
    # Jordan organized the interview at the employer: a person met (the debrief
    # listed them, and the user left the line).
    assert sorted(drafts) == [
        "Dana Lee <dana.lee@northwindlabs.example>",
        "Jordan Blake <jordan.blake@northwindlabs.example>",
        "Maria Gomez <maria.gomez@northwindlabs.example>",
    ]
    assert "lakehouse migration" in drafts["Dana Lee <dana.lee@northwindlabs.example>"]

    # Heard nothing by Wed Nov 25: Thu Nov 26 is Thanksgiving, Tue Dec 1 at 10:00 is the
    # dentist's: 10:30, in winter time now, with the decision maker from the debrief.
    (call,) = followup.own("call")
    assert call.decoded("DTSTART").isoformat() == "2026-12-01T10:30:00-05:00"
    assert str(call["SUMMARY"]) == "Follow-up call: Maria Gomez (Northwind Labs)"
    assert "tel:+16175550199" in str(call["DESCRIPTION"])

    out = followup("status", "--now", "2026-10-27T15:05-04:00")
    assert "(Panel interview – Northwind Labs): filled in" in out
    assert (followup.folder / "calendar.ics").read_bytes() == invitation

    # The notes already drafted are the user's now; a later edit still steers the call.
    followup.fill_debrief({"Hear back: Nov 25": "Hear back: Dec 4"})
    followup("once", "--now", "2026-10-28T09:00-04:00")
    assert len(followup.drafts()) == 3
    (call,) = followup.own("call")
    assert call.decoded("DTSTART").isoformat() == "2026-12-08T10:00:00-05:00"
