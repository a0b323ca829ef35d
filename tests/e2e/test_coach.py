"""The follow-up coach end to end through the CLI, on local files (ics + Maildir).

A pushy note and a negative one are flagged naming the phrase, a calm one is
not; near-identical panel notes are flagged; the send-by reminder appears before
the 24-hour mark and disappears once the notes are sent; a card is produced for a
person with an address; status is a table, and its --json keeps every old key.
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


def calendar(description: str) -> str:
    escaped = description.replace(",", "\\,").replace("\n", "\\n")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        "UID:panel-acme@test\r\nDTSTAMP:20261101T000000Z\r\n"
        "DTSTART;TZID=Europe/Berlin:20261201T130000\r\n"
        "DTEND;TZID=Europe/Berlin:20261201T140000\r\n"
        "SUMMARY:Panel interview – Acme\r\n"
        f"DESCRIPTION:{escaped}\r\n"
        "ATTENDEE;CN=Dana Lee;PARTSTAT=ACCEPTED:mailto:dana@acme.example\r\n"
        "ATTENDEE;CN=Sam Okafor;PARTSTAT=ACCEPTED:mailto:sam@acme.example\r\n"
        "ATTENDEE;CN=Me;PARTSTAT=ACCEPTED:mailto:me@example.com\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


BASE_NOTES = """Company: Acme
Role: Staff Engineer
Hiring manager: Dana Lee, Head of Platform, dana@acme.example
Met: Sam Okafor (Staff Engineer) <sam@acme.example>
Discussed with Sam: on-call load
Discussed with Dana: the platform roadmap
Hear back: 2026-12-04"""

CONFIG = """
[profile]
name = "Alex Rivera"
email = "me@example.com"
timezone = "Europe/Berlin"
qualifications = ["ten years of backend work"]

[calendar]
backend = "ics"
path = "calendar.ics"

[drafts]
backend = "maildir"
path = "Drafts"

[state]
path = "state.sqlite3"
"""


class Followup:
    def __init__(self, folder: Path, notes: str, coach: str = "", top: str = "") -> None:
        self.folder = folder
        (folder / "calendar.ics").write_text(calendar(notes), encoding="utf-8", newline="")
        (folder / "config.toml").write_text(
            f"{top}\n{CONFIG}\n[coach]\n{coach}\n", encoding="utf-8"
        )

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "daemon", "--config", str(self.folder / "config.toml"), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "160"},
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
        return result

    def status(self, now: str) -> list[dict]:
        return json.loads(self("status", "--now", now, "--json").stdout)

    def own(self, kind: str) -> list[icalendar.Event]:
        cal = icalendar.Calendar.from_ical((self.folder / "calendar.ics").read_bytes())
        return [
            e for e in cal.walk("VEVENT") if str(e.get("X-INTERVIEW-FOLLOWUP-KIND", "")) == kind
        ]

    def send_all(self) -> None:
        box = mailbox.Maildir(self.folder / "Drafts", create=False)
        for key in list(box.keys()):
            box.remove(key)


PUSHY = "Forgot: I have another offer and need an answer ASAP"
NEGATIVE = "Offer: to fix how slow and frustrating your hiring process has been"
CALM = "Offer: to set up SLOs for the payments team in my first month"


@pytest.mark.parametrize(
    ("line", "phrases"),
    [
        (PUSHY, ["another offer", "need an answer", "ASAP"]),
        (NEGATIVE, ["frustrating"]),
        (CALM, []),
    ],
    ids=["pushy", "negative", "calm"],
)
def test_preview_and_status_flag_pushy_and_negative_notes_and_not_calm_ones(
    tmp_path: Path, line: str, phrases: list[str]
) -> None:
    followup = Followup(tmp_path, f"{BASE_NOTES}\n{line}")
    preview = followup("preview", "--now", "2026-12-01T15:01+01:00").stdout
    coach = [row for row in preview.splitlines() if row.startswith("coach:")]
    for phrase in phrases:
        (hit,) = [row for row in coach if f'"{phrase}"' in row]
        # Where it came from (the notes' line 8) and the drafts it reaches.
        assert "notes line 8" in hit and "the note to Sam Okafor" in hit, hit
    if not phrases:
        assert [row for row in coach if "tone:" in row] == []

    run = followup("once", "--now", "2026-12-01T15:01+01:00")
    (app,) = followup.status("2026-12-01T15:02+01:00")
    found = [f for f in app["findings"] if f["check"] == "tone"]
    assert sorted(f["phrase"] for f in found) == sorted(phrases)
    # The log names the category and the line, never the words.
    for phrase in phrases:
        assert phrase not in run.stderr
    if phrases:
        assert "tone:" in run.stderr and "notes line 8" in run.stderr
    human = followup("status", "--now", "2026-12-01T15:02+01:00").stdout
    for phrase in phrases:
        assert f'tone: "{phrase}"' in human


def test_tone_ok_keeps_a_phrase_as_written(tmp_path: Path) -> None:
    followup = Followup(
        tmp_path, f"{BASE_NOTES}\n{PUSHY}\n#tone-ok: another offer, ASAP, need an answer"
    )
    followup("once", "--now", "2026-12-01T15:01+01:00")
    (app,) = followup.status("2026-12-01T15:02+01:00")
    assert [f for f in app["findings"] if f["check"] == "tone"] == []
    assert app["acknowledged"] == 3
    assert [f["phrase"] for f in app["findings"] if f["check"] == "tone"] == []


SAME_TEMPLATE = """Dear {{ first_name }},

Thank you for the interview for the {{ job }} role at {{ company }}. I am excited about it.

{{ signature }}
"""


def test_near_identical_panel_notes_are_flagged_with_what_to_personalise(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "thank_you.txt.j2").write_text(SAME_TEMPLATE, encoding="utf-8")
    notes = BASE_NOTES.replace("Discussed with Dana: the platform roadmap\n", "")
    notes = notes.replace("Hiring manager:", "Met:")
    followup = Followup(tmp_path, notes, top='templates_dir = "templates"')
    preview = followup("preview", "--now", "2026-12-01T15:01+01:00").stdout
    (alike,) = [row for row in preview.splitlines() if "alike:" in row]
    assert "Dana Lee and Sam Okafor" in alike and "100% alike" in alike
    assert "'Discussed with Dana:'" in alike
    followup("once", "--now", "2026-12-01T15:01+01:00")
    (app,) = followup.status("2026-12-01T15:02+01:00")
    (pair,) = [f for f in app["findings"] if f["check"] == "alike"]
    assert sorted(pair["people"]) == ["Dana Lee", "Sam Okafor"]


def test_the_send_by_reminder_appears_before_the_mark_and_goes_once_the_notes_are_sent(
    tmp_path: Path,
) -> None:
    followup = Followup(tmp_path, BASE_NOTES)
    followup("once", "--now", "2026-12-01T15:01+01:00")
    followup("once", "--now", "2026-12-02T09:00+01:00")
    assert followup.own("send-by") == []
    # 4 hours before 14:00 on Dec 2, still unsent: the reminder with a popup.
    followup("once", "--now", "2026-12-02T09:31+01:00")
    (reminder,) = followup.own("send-by")
    assert str(reminder["SUMMARY"]) == "Send thank-you notes to Dana and Sam by 14:00"
    assert reminder.decoded("DTSTART").isoformat() == "2026-12-02T10:00:00+01:00"
    (app,) = followup.status("2026-12-02T09:32+01:00")
    assert app["send_by"] == "2026-12-02T09:00:00+00:00"
    followup("once", "--now", "2026-12-02T09:36+01:00")
    assert len(followup.own("send-by")) == 1
    followup.send_all()
    followup("once", "--now", "2026-12-02T09:41+01:00")
    assert followup.own("send-by") == []
    followup("once", "--now", "2026-12-02T09:46+01:00")
    assert followup.own("send-by") == []


def test_a_card_is_produced_for_a_person_with_an_address(tmp_path: Path) -> None:
    notes = f"{BASE_NOTES}\nAddress: Dana Lee, Acme GmbH, Friedrichstr. 10, 10117 Berlin"
    followup = Followup(tmp_path, notes, coach='handwritten = true\ncards_dir = "cards"')
    followup("once", "--now", "2026-12-01T15:01+01:00")
    (reminder,) = followup.own("handwritten")
    assert str(reminder["SUMMARY"]) == "Write thank-you cards to Dana Lee"
    assert reminder.decoded("DTSTART").isoformat() == "2026-12-02T09:00:00+01:00"
    (card,) = (tmp_path / "cards").glob("*.html")
    assert card.name.startswith("2026-12-01-acme-dana-lee-")
    assert str(card) in str(reminder["DESCRIPTION"])
    html = card.read_text(encoding="utf-8")
    assert "@page { size: A6" in html
    assert "Friedrichstr. 10<br>10117 Berlin" in html
    assert "the platform roadmap" in html  # the note's own text
    assert card.stat().st_mode & 0o777 == 0o600


def test_status_is_a_table_and_its_json_keeps_every_key(tmp_path: Path) -> None:
    notes = f"{BASE_NOTES}\nMet: Maria Chen, Recruiter, +49 151 5550199"
    followup = Followup(tmp_path, notes)
    followup("once", "--now", "2026-12-01T15:01+01:00")
    human = followup("status", "--now", "2026-12-01T15:02+01:00").stdout
    header = next(line for line in human.splitlines() if "Application" in line)
    for column in ("Stage", "Last interview", "Hear back", "Next call", "Calls", "Findings"):
        assert column in header
    assert "notes to send" in human
    assert "text: Text a thank-you to Maria Chen (+49 151 5550199): sms:+491515550199?body=" in (
        human
    )
    (app,) = followup.status("2026-12-01T15:02+01:00")
    old = {"company", "application", "job", "interviews", "decided", "outcome", "next_call"}
    old |= {"calls", "call_with", "warnings", "drafts"}
    assert old <= app.keys()
    assert app["stage"] == "notes to send"
    assert app["hear_back"] == "2026-12-04"
    assert app["notes"] == {"drafted": 2, "waiting": 2, "sent": 0, "late": 0}
    assert app["calls_so_far"] == 0 and app["reply"] is None
    assert app["texts"][0]["sms"].startswith("sms:+491515550199?body=Hi%20Maria")
