"""The disk full in the middle of a cycle: a clear error, no corruption, nothing lost.

Each scenario runs ``tests/e2e/full_disk.py`` in a subprocess whose file-size
limit makes every file write fail from a named point of the cycle on (see
there); then room comes back and the next cycle must finish the work exactly
once: the memory adapters' write counters, the Maildir's files and the
calendar's events say how often each thing was written.
"""

from __future__ import annotations

import json
import mailbox
import subprocess
import sys
from pathlib import Path

import icalendar

from tests.e2e.test_cli_timeline import CALENDAR, CONFIG, ROOT, Followup

NOW = "2026-12-01T15:01+01:00"


def run_full(scenario: str, folder: Path, now: str = NOW) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.e2e.full_disk", scenario, str(folder), now],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_recording_the_results_on_a_full_disk_loses_nothing_and_repeats_nothing(tmp_path):
    outcome = run_full("results", tmp_path)
    first = outcome["first"]
    # A clear error that names the file and says what to do; the kind tells the
    # service to wait for room rather than to ask for a repair.
    assert first["kind"] == "unwritable"
    assert f"state file {tmp_path / 'state.sqlite3'}: cannot be written" in first["error"]
    assert "disk I/O error (SQLITE_IOERR_WRITE)" in first["error"]
    assert "Make room on the disk" in first["error"]
    # The writes happened before the disk filled; the state still holds together.
    assert outcome["writes_after_fault"] == [5, 2]  # the notes, the call and the debrief
    assert outcome["quick_check"] == "ok"
    # Room again: the intents found their writes by key, nothing is written twice.
    assert outcome["second"]["error"] is None and outcome["second"]["problems"] == []
    assert outcome["writes_after_second"] == [5, 2]
    assert outcome["statuses_after_second"] == ["created"] * 7
    assert outcome["writes_after_third"] == [5, 2]


def setup_folder(folder: Path) -> Followup:
    (folder / "calendar.ics").write_text(CALENDAR, encoding="utf-8", newline="")
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    followup = Followup(folder)
    followup("once", "--now", "2026-12-01T14:00+01:00")  # before anything is due
    return followup


def whole_drafts(folder: Path) -> list[str]:
    box = mailbox.Maildir(folder / "Drafts", create=False)
    return sorted(str(message["To"]) for message in box)


def own_events(folder: Path) -> list[str]:
    """The service's events in the calendar by kind (the interview's debrief, the call)."""
    calendar = icalendar.Calendar.from_ical((folder / "calendar.ics").read_bytes())
    return sorted(
        str(e["X-INTERVIEW-FOLLOWUP-KIND"])
        for e in calendar.walk("VEVENT")
        if e.get("X-INTERVIEW-FOLLOWUP-KEY")
    )


def test_a_full_maildir_is_reported_and_its_drafts_written_once_room_is_back(tmp_path):
    followup = setup_folder(tmp_path)
    outcome = run_full("maildir", tmp_path)
    assert outcome["error"] is None and outcome["quick_check"] == "ok"
    (problem,) = outcome["problems"]
    assert problem.startswith("drafts: maildir ") and "File too large" in problem
    # The drafts never reached cur/ or new/; the call had room and was written.
    assert whole_drafts(tmp_path) == [] and own_events(tmp_path) == ["call", "debrief"]

    out = followup("once", "--now", "2026-12-01T15:06+01:00").stdout
    assert "2 drafts created" in out
    followup("once", "--now", "2026-12-01T15:11+01:00")
    assert whole_drafts(tmp_path) == [
        "Dana Lee <dana@acme.example>",
        "Sam Okafor <sam@acme.example>",
    ]
    assert own_events(tmp_path) == ["call", "debrief"]


def test_a_full_disk_from_the_calendar_write_on_leaves_the_calendar_whole(tmp_path):
    followup = setup_folder(tmp_path)
    calendar_before = (tmp_path / "calendar.ics").read_bytes()
    outcome = run_full("calendar", tmp_path)
    assert outcome["kind"] == "unwritable" and "cannot be written" in outcome["error"]
    assert outcome["quick_check"] == "ok"
    # The calendar is replaced whole or not at all: here, not at all.
    assert (tmp_path / "calendar.ics").read_bytes() == calendar_before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert len(whole_drafts(tmp_path)) == 2  # written before the disk filled

    followup("once", "--now", "2026-12-01T15:06+01:00")
    followup("once", "--now", "2026-12-01T15:11+01:00")
    assert len(whole_drafts(tmp_path)) == 2 and own_events(tmp_path) == ["call", "debrief"]
    (app,) = followup.status("2026-12-01T15:11+01:00")
    assert sorted(d["status"] for d in app["drafts"]) == ["created", "created"]
    assert app["next_call"] == "2026-12-08T09:00:00+00:00"
