"""The journal never holds note text or a mail body, even at DEBUG over whole cycles."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.e2e.service_process import CONFIG, ServiceProcess, drafts, ics_time, write_calendar

#: What the user wrote into their interviews' notes: none of it may reach the log.
NOTES = {
    "panel-northwind@test": [
        ("Discussed with Dana", "consolidating three warehouses into one lakehouse"),
        ("Discussed with Sam", "flaky Airflow DAGs and the on-call load"),
        ("Forgot", "I also led the GDPR data-retention project"),
        ("Offer", "cutting the nightly pipeline runtime with incremental models"),
        ("Address", "Dana Lee, Northwind Labs, 200 Harbor Street, Boston MA 02110"),
        ("Hear back", "in 2 weeks"),
    ],
    "screen-globex@test": [
        ("Discussed", "dbt adoption across three analytics teams"),
        ("Correction", "the migration took nine months, not six"),
        ("Offer", "a playbook for moving batch jobs to streaming"),
    ],
}
FREE_TEXT = "Great energy in the room, the question about backfills was the best part"
SECRET_TEXT = [
    value.split(", ", 1)[-1] if label == "Address" else value
    for notes in NOTES.values()
    for label, value in notes
    if label != "Hear back"
] + [FREE_TEXT]


def event(uid: str, title: str, attendees: list[tuple[str, str]], hours_ago: float) -> str:
    end = datetime.now(UTC) - timedelta(hours=hours_ago)

    def text(value: str) -> str:
        return value.replace(",", "\\,")  # an iCalendar TEXT value escapes its commas

    notes = "\\n".join(f"{label}: {text(value)}" for label, value in NOTES[uid])
    description = f"{notes}\\n{text(FREE_TEXT)}"
    return "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{ics_time(end)}",
            f"DTSTART:{ics_time(end - timedelta(hours=1))}",
            f"DTEND:{ics_time(end)}",
            f"SUMMARY:{title}",
            f"DESCRIPTION:{description}",
            *(f"ATTENDEE;CN={name};PARTSTAT=ACCEPTED:mailto:{email}" for name, email in attendees),
            "END:VEVENT",
        ]
    )


def body_lines(message: mailbox.MaildirMessage) -> list[str]:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return [line.strip() for line in text.splitlines() if len(line.strip()) >= 20]


def test_cycles_at_debug_level_log_no_note_text_and_no_mail_body(tmp_path: Path) -> None:
    write_calendar(
        tmp_path / "calendar.ics",
        event(
            "panel-northwind@test",
            "Panel interview – Northwind Labs",
            [("Dana Lee", "dana@northwind.example"), ("Sam Okafor", "sam@northwind.example")],
            hours_ago=3,
        ),
        event(
            "screen-globex@test",
            "Phone screen – Globex",
            [("Chris Park", "chris@globex.example")],
            hours_ago=5,
        ),
    )
    (tmp_path / "config.toml").write_text(
        CONFIG.replace(
            "[calendar]", 'qualifications = ["six years building data platforms"]\n[calendar]'
        )
    )
    service = ServiceProcess(tmp_path, interval=0.25, args=("-vv",))
    try:
        service.wait_ready()
        service.wait_for(lambda _ms: len(service.statuses()) >= 4, "three more cycles")
        assert service.stop() == 0
    finally:
        service.close()
    log = service.stderr
    made = drafts(tmp_path / "Drafts")
    # The test is not vacuous: notes were read, drafts written, and DEBUG was on.
    assert len(made) == 3
    assert "DEBUG daemon.app.service: cycle: nothing new" in log
    assert "INFO daemon.engine.cycle: draft thank_you to Dana Lee" in log
    bodies = [line for message in made for line in body_lines(message)]
    assert any("lakehouse" in line for line in bodies)  # the notes did reach the drafts
    for text in SECRET_TEXT + bodies:
        assert text not in log, f"logged: {text!r}"
