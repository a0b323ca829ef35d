"""The CLI end to end over time: interview -> drafts -> first call -> a week later -> decided.

Each step runs the real ``followup`` command in a subprocess against files in a
temporary folder, exactly as a user (or systemd) would.
"""

from __future__ import annotations

import json
import mailbox
import os
import sqlite3
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
UID:panel-acme@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Berlin:20261201T130000\r
DTEND;TZID=Europe/Berlin:20261201T140000\r
SUMMARY:Panel interview – Acme\r
DESCRIPTION:Company: Acme\\nRole: Staff Engineer\\nHiring manager: Dana Lee\\,\r
  Head of Platform\\, dana@acme.example\\, +49 30 5550188\\nMet: Sam Okafor (St\r
 aff Engineer) <sam@acme.example>\\nDiscussed with Sam: on-call load\\nHear ba\r
 ck: 2026-12-04\r
ATTENDEE;CN=Dana Lee;PARTSTAT=ACCEPTED:mailto:dana@acme.example\r
ATTENDEE;CN=Sam Okafor;PARTSTAT=ACCEPTED:mailto:sam@acme.example\r
ATTENDEE;CN=Me;PARTSTAT=ACCEPTED:mailto:me@example.com\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:lunch@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Berlin:20261201T120000\r
DTEND;TZID=Europe/Berlin:20261201T124500\r
SUMMARY:Lunch\r
END:VEVENT\r
END:VCALENDAR\r
"""

CONFIG = """
[profile]
name = "Alex Rivera"
email = "me@example.com"
phone = "+49 30 1234567"
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
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.config = folder / "config.toml"

    def __call__(self, *args: str, check: bool = True, env: dict[str, str] | None = None):
        result = subprocess.run(
            [sys.executable, "-m", "daemon", "--config", str(self.config), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def status(self, now: str) -> list[dict]:
        return json.loads(self("status", "--now", now, "--json").stdout)

    def drafts(self) -> list[mailbox.MaildirMessage]:
        if not (self.folder / "Drafts").exists():
            return []
        return list(mailbox.Maildir(self.folder / "Drafts", create=False))

    def calls(self) -> list[icalendar.Event]:
        cal = icalendar.Calendar.from_ical((self.folder / "calendar.ics").read_bytes())
        return [
            e
            for e in cal.walk("VEVENT")
            if e.get("X-INTERVIEW-FOLLOWUP-KEY") and e.get("X-INTERVIEW-FOLLOWUP-KIND") == "call"
        ]


@pytest.fixture
def followup(tmp_path: Path) -> Followup:
    (tmp_path / "calendar.ics").write_text(CALENDAR, encoding="utf-8", newline="")
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    return Followup(tmp_path)


def test_interview_to_decided(followup: Followup) -> None:
    # Half an hour after the interview: still in the grace period.
    followup("once", "--now", "2026-12-01T14:30+01:00")
    assert followup.drafts() == []

    out = followup("once", "--now", "2026-12-01T15:01+01:00").stdout
    assert "2 drafts created (0 late)" in out
    drafts = followup.drafts()
    assert sorted(m["To"] for m in drafts) == [
        "Dana Lee <dana@acme.example>",
        "Sam Okafor <sam@acme.example>",
    ]
    assert all("D" in m.get_flags() for m in drafts)
    sam = next(m for m in drafts if "sam@" in m["To"])
    assert "on-call load" in sam.get_payload(decode=True).decode("utf-8")

    # The first call: the first Tue-Thu 10:00 after Friday Dec 4.
    (call,) = followup.calls()
    assert call.decoded("DTSTART").isoformat() == "2026-12-08T10:00:00+01:00"
    assert "Dana Lee" in str(call["SUMMARY"])

    # Nothing twice.
    followup("once", "--now", "2026-12-01T16:00+01:00")
    assert len(followup.drafts()) == 2 and len(followup.calls()) == 1

    # The user sends Sam's note: it leaves the drafts folder.
    box = mailbox.Maildir(followup.folder / "Drafts", create=False)
    box.remove(next(k for k, m in box.items() if "sam@" in m["To"]))
    followup("once", "--now", "2026-12-02T09:00+01:00")
    (app,) = followup.status("2026-12-02T09:00+01:00")
    assert app["company"] == "Acme" and app["decided"] is False
    assert {d["to"]: d["status"] for d in app["drafts"]} == {
        "dana@acme.example": "created",
        "sam@acme.example": "gone",
    }
    assert app["next_call"] == "2026-12-08T09:00:00+00:00"

    # A week later, after the first call: the next one, 7 days on.
    followup("once", "--now", "2026-12-08T10:30+01:00")
    starts = sorted(c.decoded("DTSTART").isoformat() for c in followup.calls())
    assert starts == ["2026-12-08T10:00:00+01:00", "2026-12-15T10:00:00+01:00"]
    (app,) = followup.status("2026-12-08T10:30+01:00")
    assert app["next_call"] == "2026-12-15T09:00:00+00:00"
    assert len(app["calls"]) == 2

    # Decided: the future call goes, the past one stays as history.
    out = followup("decide", "acme", "--outcome", "offer", "--now", "2026-12-09T12:00+01:00")
    assert "1 future calls removed" in out.stdout
    starts = [c.decoded("DTSTART").isoformat() for c in followup.calls()]
    assert starts == ["2026-12-08T10:00:00+01:00"]
    (app,) = followup.status("2026-12-20T12:00+01:00")
    assert app["decided"] is True and app["outcome"] == "offer" and app["next_call"] is None
    followup("once", "--now", "2026-12-20T12:00+01:00")
    assert len(followup.calls()) == 1

    unknown = followup("decide", "Globex", check=False)
    assert unknown.returncode == 2
    assert "no application for 'Globex' (known: Acme)" in unknown.stderr


def test_decided_written_on_a_call_event_is_read_back(followup: Followup) -> None:
    followup("once", "--now", "2026-12-01T15:01+01:00")
    path = followup.folder / "calendar.ics"
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    (call,) = [e for e in cal.walk("VEVENT") if e.get("X-INTERVIEW-FOLLOWUP-KIND") == "call"]
    call["DESCRIPTION"] = str(call.get("DESCRIPTION", "")) + "\nThey made an offer #decided"
    path.write_bytes(cal.to_ical())
    followup("once", "--now", "2026-12-08T10:30+01:00")
    (app,) = followup.status("2026-12-08T10:30+01:00")
    assert app["decided"] is True
    assert len(followup.calls()) == 1


def test_dry_run_writes_nothing(followup: Followup) -> None:
    out = followup("once", "--now", "2026-12-01T15:01+01:00", "--dry-run").stdout
    assert "draft thank_you to Dana Lee <dana@acme.example>" in out
    assert "call Dana Lee [acme] at 2026-12-08T10:00:00+01:00" in out
    assert followup.drafts() == [] and followup.calls() == []
    assert followup.status("2026-12-01T15:01+01:00") == []


def test_preview_renders_the_notes(followup: Followup) -> None:
    out = followup("preview", "--now", "2026-12-01T15:01+01:00").stdout
    assert "=== draft to Sam Okafor <sam@acme.example>" in out
    assert "on-call load" in out
    assert "=== call Tue 2026-12-08 10:00 CET" in out
    assert followup.drafts() == []


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return list(db.iterdump())


def test_a_malformed_calendar_gives_a_clear_error_and_changes_no_state(followup: Followup) -> None:
    followup("once", "--now", "2026-12-01T15:01+01:00")
    before = _dump(followup.folder / "state.sqlite3")
    (followup.folder / "calendar.ics").write_text("this is not a calendar\n")
    result = followup("once", "--now", "2026-12-08T10:30+01:00", check=False)
    assert result.returncode == 1
    assert "calendar.ics" in result.stderr and "Traceback" not in result.stderr
    assert _dump(followup.folder / "state.sqlite3") == before
    assert len(followup.drafts()) == 2
    preview = followup("preview", "--now", "2026-12-08T10:30+01:00", check=False)
    assert preview.returncode == 1 and "calendar.ics" in preview.stderr
    assert "nothing would be created" not in preview.stdout


def test_a_bad_config_names_every_problem_and_touches_nothing(followup: Followup) -> None:
    followup.config.write_text(
        CONFIG.replace('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"').replace(
            "[drafts]", "[drafts]\ncolour = 3"
        )
    )
    result = followup("once", "--now", "2026-12-01T15:01+01:00", check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert any("profile.timezone" in line for line in lines)
    assert any("drafts.colour" in line for line in lines)
    assert "Traceback" not in result.stderr
    assert not (followup.folder / "state.sqlite3").exists()
    assert not (followup.folder / "Drafts").exists()


def test_check_config_and_init(tmp_path: Path) -> None:
    config = tmp_path / "cfg" / "config.toml"
    run = Followup(tmp_path)
    run.config = config
    run("init")
    assert config.exists() and oct(config.stat().st_mode & 0o777) == "0o600"
    assert run("init", check=False).returncode == 2  # never overwrites by accident
    assert run("check-config").stdout.rstrip().endswith("ok")


@pytest.mark.parametrize(
    ("point", "what"),
    [
        ("before-create-draft", "drafts"),
        ("after-create-draft", "drafts"),
        ("before-put-call", "calls"),
        ("after-put-call", "calls"),
    ],
)
def test_killed_at_a_write_never_duplicates(followup: Followup, point: str, what: str) -> None:
    result = followup(
        "once", "--now", "2026-12-01T15:01+01:00", check=False, env={"FOLLOWUP_CRASH_AT": point}
    )
    assert result.returncode == -9  # SIGKILL: no clean-up ran
    followup("once", "--now", "2026-12-01T15:02+01:00")
    followup("once", "--now", "2026-12-01T15:03+01:00")
    assert len(followup.drafts()) == 2
    assert len(followup.calls()) == 1
    (app,) = followup.status("2026-12-01T15:03+01:00")
    assert sorted(d["status"] for d in app["drafts"]) == ["created", "created"]
    assert app["next_call"] == "2026-12-08T09:00:00+00:00"


@pytest.mark.parametrize("point", ["before-remove-call", "after-remove-call"])
def test_killed_while_removing_a_call_finishes_the_removal(followup: Followup, point: str) -> None:
    followup("once", "--now", "2026-12-01T15:01+01:00")
    assert len(followup.calls()) == 1
    cal = (followup.folder / "calendar.ics").read_bytes().decode("utf-8")
    decided = cal.replace(
        "Hear ba\r\n ck: 2026-12-04", "Hear ba\r\n ck: 2026-12-04\\nDecided: offer"
    )
    assert decided != cal
    (followup.folder / "calendar.ics").write_text(decided, encoding="utf-8", newline="")
    result = followup(
        "once", "--now", "2026-12-02T09:00+01:00", check=False, env={"FOLLOWUP_CRASH_AT": point}
    )
    assert result.returncode == -9
    followup("once", "--now", "2026-12-02T09:05+01:00")
    assert followup.calls() == []
    (app,) = followup.status("2026-12-02T09:05+01:00")
    assert app["decided"] is True and app["calls"] == [] and app["next_call"] is None
    state = sqlite3.connect(followup.folder / "state.sqlite3")
    calls = state.execute("SELECT status FROM own_events WHERE kind = 'call'").fetchall()
    assert calls == [("removed",)]


def test_two_cycles_at_once_never_duplicate(followup: Followup) -> None:
    """``once`` started while another cycle runs (e.g. the service) waits its turn."""
    attendees = "".join(
        f"ATTENDEE;CN=Person {n};PARTSTAT=ACCEPTED:mailto:p{n}@acme.example\r\n" for n in range(40)
    )
    path = followup.folder / "calendar.ics"
    path.write_text(
        path.read_bytes().decode("utf-8").replace("ATTENDEE;CN=Me;", attendees + "ATTENDEE;CN=Me;"),
        encoding="utf-8",
        newline="",
    )
    command = [sys.executable, "-m", "daemon", "--config", str(followup.config), "once"]
    processes = [
        subprocess.Popen(
            [*command, "--now", "2026-12-01T15:01+01:00"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    recipients = [m["To"] for m in followup.drafts()]
    assert len(recipients) == len(set(recipients)) == 42
    assert len(followup.calls()) == 1


def test_usage_errors_are_one_line_and_exit_2(followup: Followup) -> None:
    result = followup("once", "--now", "next tuesday", check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "--now" in result.stderr
    result = followup("decide", check=False)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_a_cycle_waits_while_another_holds_the_state(followup: Followup) -> None:
    followup("once", "--now", "2026-12-01T14:00+01:00")  # creates the state file
    import fcntl
    import time

    lock = open(followup.folder / "state.sqlite3.lock", "w")  # noqa: SIM115
    fcntl.flock(lock, fcntl.LOCK_EX)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daemon",
            "--config",
            str(followup.config),
            "once",
            "--now",
            "2026-12-01T15:01+01:00",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(2)
        assert process.poll() is None and followup.drafts() == []
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "2 drafts created" in out


def test_status_shows_what_the_notes_could_not_say(followup: Followup) -> None:
    path = followup.folder / "calendar.ics"
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(text.replace("ck: 2026-12-04", "ck: when the stars align").encode("utf-8"))
    followup("once", "--now", "2026-12-01T15:01+01:00")
    (app,) = followup.status("2026-12-01T15:01+01:00")
    (warning,) = app["warnings"]
    assert warning.startswith("Panel interview – Acme: line ")
    # The default wait applies instead: Dec 8, then the first slot after it.
    assert app["next_call"] == "2026-12-09T09:00:00+00:00"
    human = followup("status", "--now", "2026-12-01T15:01+01:00").stdout
    assert "  notes: Panel interview – Acme: line " in human


def test_a_corrected_company_leaves_no_ghost_application(followup: Followup) -> None:
    path = followup.folder / "calendar.ics"
    original = path.read_bytes().decode("utf-8")
    path.write_bytes(original.replace("Company: Acme\\n", "").encode("utf-8"))
    path.write_bytes(
        path.read_bytes().replace("Panel interview – Acme".encode(), b"Panel interview")
    )
    followup("once", "--now", "2026-12-01T15:01+01:00")
    (before,) = followup.status("2026-12-01T15:01+01:00")
    path.write_text(
        path.read_bytes()
        .decode("utf-8")
        .replace("DESCRIPTION:", "DESCRIPTION:Company: Acme Robotics\\n", 1),
        encoding="utf-8",
        newline="",
    )
    followup("once", "--now", "2026-12-01T16:00+01:00")
    (after,) = followup.status("2026-12-01T16:00+01:00")
    assert before["company"] != "Acme Robotics" and after["company"] == "Acme Robotics"
    assert len(after["drafts"]) == 2 and after["next_call"] == before["next_call"]
    assert len(followup.calls()) == 1
