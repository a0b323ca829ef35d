"""A lost state file: rebuilt from the service's own events and drafts, never a second round.

The real ``followup`` command over a calendar and a Maildir (the helpers of
``test_cli_timeline``): weeks of cycles, then the state file is deleted and the
next cycle must write no thank-you note and no call a second time, and say
what it could not rebuild. The other cases (interviews after the last trace,
gaps in the numbers, debriefs, an unreadable drafts folder) are in
``tests/unit/test_rebuild.py``, over the memory adapters.
"""

from __future__ import annotations

import json
import mailbox
from pathlib import Path

import pytest

from tests.e2e.test_cli_timeline import CALENDAR, CONFIG, Followup

GLOBEX = """BEGIN:VEVENT\r
UID:screen-globex@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Berlin:20261124T100000\r
DTEND;TZID=Europe/Berlin:20261124T110000\r
SUMMARY:Phone screen – Globex\r
DESCRIPTION:Company: Globex\\nMet: Kim Park <kim@globex.example>\r
ATTENDEE;CN=Kim Park;PARTSTAT=ACCEPTED:mailto:kim@globex.example\r
END:VEVENT\r
"""


@pytest.fixture
def followup(tmp_path: Path) -> Followup:
    calendar = CALENDAR.replace("END:VCALENDAR\r\n", GLOBEX + "END:VCALENDAR\r\n")
    (tmp_path / "calendar.ics").write_text(calendar, encoding="utf-8", newline="")
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    return Followup(tmp_path)


def lose_the_state(folder: Path) -> None:
    for name in ("state.sqlite3", "state.sqlite3-wal", "state.sqlite3-shm"):
        (folder / name).unlink(missing_ok=True)


def draft_files(folder: Path) -> set[str]:
    return {p.name for p in (folder / "Drafts" / "cur").iterdir()}


def calls(followup: Followup) -> list[tuple[str, str]]:
    return sorted(
        (str(c["X-INTERVIEW-FOLLOWUP-KEY"]), c.decoded("DTSTART").isoformat())
        for c in followup.calls()
    )


def weeks_of_cycles(followup: Followup) -> None:
    """Globex: a note, then decided before its first call; Acme: notes, one sent, two calls."""
    followup("once", "--now", "2026-11-24T12:30+01:00")
    followup("decide", "Globex", "--outcome", "rejected", "--now", "2026-11-27T09:00+01:00")
    out = followup("once", "--now", "2026-12-01T15:01+01:00").stdout
    assert "2 drafts created" in out
    box = mailbox.Maildir(followup.folder / "Drafts", create=False)
    box.remove(next(k for k, m in box.items() if "sam@" in m["To"]))  # the user sent it
    followup("once", "--now", "2026-12-08T10:30+01:00")


def test_a_deleted_state_writes_no_second_round(followup: Followup) -> None:
    weeks_of_cycles(followup)
    files, before = draft_files(followup.folder), calls(followup)
    assert len(files) == 2 and len(before) == 2  # Kim's and Dana's notes; two Acme calls

    lose_the_state(followup.folder)
    result = followup("once", "--now", "2026-12-08T10:40+01:00")
    assert "0 drafts created (0 late), 0 calls scheduled, 0 calls removed" in result.stdout
    assert draft_files(followup.folder) == files
    assert calls(followup) == before
    # Said once, where a user of `followup once` (or the journal) sees it.
    assert result.stderr.count("the state was new but the calendar holds 4 events") == 1
    assert "found again: 2 calls, 2 debriefs about 2 interviews, 2 drafts still in the drafts" in (
        result.stderr
    )
    assert "Globex: handled before, but none of its follow-up calls" in result.stderr
    assert "run `followup decide COMPANY` again, or its follow-up calls go on: Acme" in (
        result.stderr
    )

    (app_acme, app_globex) = followup.status("2026-12-08T10:40+01:00")
    assert app_acme["company"] == "Acme" and app_globex["company"] == "Globex"
    assert {d["to"]: d["status"] for d in app_acme["drafts"]} == {
        "dana@acme.example": "created",
        "sam@acme.example": "gone",  # sent before the loss: taken as sent
    }
    assert app_acme["next_call"] == "2026-12-15T09:00:00+00:00"
    assert [d["status"] for d in app_globex["drafts"]] == ["created"]
    assert app_globex["next_call"] is None

    # Weeks later, nothing of the old rounds comes back; the Acme series goes on.
    followup("once", "--now", "2026-12-15T10:30+01:00")
    assert draft_files(followup.folder) == files
    after = calls(followup)
    assert len(after) == 3 and after[:2] == before  # one new call: the week after the last
    assert after[2][1] == "2026-12-22T10:00:00+01:00"

    human = followup("status", "--now", "2026-12-15T10:30+01:00").stdout
    assert "state rebuilt Tue 2026-12-08 10:40 CET:" in human
    assert "  not rebuilt: Globex: handled before" in human
    document = json.loads(followup("status", "--json", "--health").stdout)
    assert set(document) == {"service", "applications", "rebuilt"}
    assert document["service"] == {"running": False, "pid": None, "health": None}
    assert [a["company"] for a in document["applications"]] == ["Acme", "Globex"]
    assert document["rebuilt"]["at"].startswith("2026-12-08T09:40")
    assert any("Globex: handled before" in line for line in document["rebuilt"]["lines"])
