"""The coach's own events and replies, through the engine with the memory adapters.

The send-by reminder comes before the 24-hour mark while notes are unsent and
goes once they are sent, once per interview; the idle engine wakes for it. The
handwritten reminder comes the morning after for people with an address. A
reply from the employer keeps the next call a week after it.
"""

from __future__ import annotations

from datetime import timedelta

from daemon.app.replies import mailbox_of, watch_replies
from daemon.compose.composer import Composer
from daemon.domain.model import OwnKind
from daemon.domain.settings import CoachSettings
from daemon.engine.cycle import Engine
from daemon.store.state import StateStore
from integrations.memory.calendar import MemoryCalendar
from integrations.memory.drafts import MemoryDraftStore
from tests.conftest import at, make_event, make_settings, person

NOTES = """Company: Acme
Role: Staff Engineer
Hiring manager: Dana Lee, Head of Platform, dana@acme.example
Met: Sam Okafor, Staff Engineer, sam@acme.example
Met: Maria Chen, Recruiter, +49 151 5550199
Address: Dana Lee, Acme GmbH, Friedrichstr. 10, 10117 Berlin
Hear back: 2026-12-04"""

#: Ends 14:00 on Dec 1: the notes are due by 14:00 on Dec 2, the reminder at 10:00.
INTERVIEW = make_event(
    "panel-acme@test",
    "Panel interview – Acme",
    at("2026-12-01 13:00"),
    description=NOTES,
    attendees=(person("Dana Lee", "dana@acme.example"), person("Sam Okafor", "sam@acme.example")),
)


def setup(**coach: object) -> tuple[Engine, MemoryCalendar, MemoryDraftStore]:
    settings = make_settings(coach=CoachSettings(**coach))  # type: ignore[arg-type]
    calendar = MemoryCalendar((INTERVIEW,))
    drafts = MemoryDraftStore()
    engine = Engine(
        settings, calendar, drafts, StateStore.in_memory(), Composer(coach=settings.coach)
    )
    return engine, calendar, drafts


def send_by(calendar: MemoryCalendar) -> list:
    return calendar.own_events(OwnKind.SEND_BY)


def test_the_send_by_reminder_comes_before_the_mark_and_goes_once_the_notes_are_sent() -> None:
    engine, calendar, drafts = setup()
    engine.cycle(at("2026-12-01 15:01"))
    assert len(drafts.drafts()) == 2 and send_by(calendar) == []
    engine.cycle(at("2026-12-02 09:00"))
    assert send_by(calendar) == []  # not yet: half an hour ahead of 10:00
    engine.cycle(at("2026-12-02 09:31"))
    (reminder,) = send_by(calendar)
    assert reminder.start == at("2026-12-02 10:00")
    assert reminder.title == "Send thank-you notes to Dana and Sam by 14:00"
    assert "Text a thank-you to Maria Chen" in reminder.description
    assert "sms:+491515550199?body=Hi%20Maria" in reminder.description
    assert calendar.reminders[reminder.own.key] == timedelta(0)  # a popup at its start
    # Never twice.
    engine.cycle(at("2026-12-02 09:36"))
    engine.cycle(at("2026-12-02 09:41"))
    assert len(send_by(calendar)) == 1
    # Maria is known only by her number: her thanks is a text the service cannot see,
    # so this interview's reminder stays; one without her goes when the notes are sent.


def test_the_reminder_goes_as_soon_as_every_note_is_sent_and_is_not_put_again() -> None:
    engine, calendar, drafts = setup(texts=False)
    engine.cycle(at("2026-12-01 15:01"))
    engine.cycle(at("2026-12-02 09:31"))
    (reminder,) = send_by(calendar)
    assert reminder.title == "Send thank-you notes to Dana and Sam by 14:00"
    for raw in list(drafts.drafts().values()):
        key = raw.split(b"X-Interview-Followup-Key: ")[1].split(b"\n")[0].decode().strip()
        drafts.user_send(key)
    # Idle or not, the next cycle sees the sent notes and removes the reminder.
    report = engine.cycle(at("2026-12-02 09:36"))
    assert report.removed[OwnKind.SEND_BY] == 1 and send_by(calendar) == []
    engine.cycle(at("2026-12-02 09:41"))
    engine.cycle(at("2026-12-02 12:00"))
    assert send_by(calendar) == []


def test_notes_sent_in_time_get_no_reminder_and_late_ones_get_none_after_the_mark() -> None:
    engine, calendar, drafts = setup(texts=False)
    engine.cycle(at("2026-12-01 15:01"))
    for raw in list(drafts.drafts().values()):
        key = raw.split(b"X-Interview-Followup-Key: ")[1].split(b"\n")[0].decode().strip()
        drafts.user_send(key)
    engine.cycle(at("2026-12-02 09:31"))
    assert send_by(calendar) == []

    late, late_calendar, _ = setup(texts=False)
    late.cycle(at("2026-12-02 14:30"))  # the service was down past the mark
    assert send_by(late_calendar) == []


def test_the_idle_engine_wakes_for_the_reminder() -> None:
    engine, calendar, _drafts = setup(texts=False)
    engine.cycle(at("2026-12-01 15:01"))
    engine.cycle(at("2026-12-01 15:06"))  # sees its own writes
    now = at("2026-12-02 08:00")
    while now < at("2026-12-02 09:30"):
        engine.cycle(now)
        now += timedelta(minutes=5)
    assert send_by(calendar) == []
    report = engine.cycle(at("2026-12-02 09:30"))
    assert not report.idle and report.created[OwnKind.SEND_BY] == 1


def test_no_send_by_reminder_when_switched_off() -> None:
    engine, calendar, _drafts = setup(send_by_hours=0)
    engine.cycle(at("2026-12-01 15:01"))
    engine.cycle(at("2026-12-02 11:00"))
    assert send_by(calendar) == []


def test_the_handwritten_reminder_lists_the_people_with_an_address_the_morning_after() -> None:
    engine, calendar, _drafts = setup(handwritten=True, send_by_hours=0)
    engine.cycle(at("2026-12-01 15:01"))
    (card,) = calendar.own_events(OwnKind.HANDWRITTEN)
    assert card.start == at("2026-12-02 09:00")
    assert card.title == "Write thank-you cards to Dana Lee"
    assert "Dana Lee, Head of Platform" in card.description
    assert "Friedrichstr. 10\n10117 Berlin" in card.description
    assert "Card: cards/2026-12-01-acme-dana-lee-" in card.description
    engine.cycle(at("2026-12-01 15:06"))
    assert len(calendar.own_events(OwnKind.HANDWRITTEN)) == 1

    off, off_calendar, _ = setup(send_by_hours=0)
    off.cycle(at("2026-12-01 15:01"))
    assert off_calendar.own_events(OwnKind.HANDWRITTEN) == []


REPLY = b"""From: Dana Lee <dana@acme.example>
To: me@example.com
Subject: Re: Thank you
Return-Path: <dana@acme.example>

Thanks Alex, we will be in touch after our last interviews.
"""

AUTO = b"""From: Dana Lee <dana@acme.example>
To: me@example.com
Subject: Automatic reply: Thank you
Auto-Submitted: auto-replied

I am out of the office until Monday.
"""


def test_a_reply_from_the_employer_postpones_the_next_call_by_a_week() -> None:
    engine, calendar, drafts = setup(replies=True, send_by_hours=0)
    store, settings = engine.store, engine.settings
    engine.cycle(at("2026-12-01 15:01"))
    (call,) = calendar.own_events(OwnKind.CALL)
    assert call.start == at("2026-12-08 10:00")
    # An out-of-office answer changes nothing.
    drafts.deliver(AUTO, at("2026-12-07 09:00"))
    assert watch_replies(store, drafts, settings, at("2026-12-07 09:05")).replies == []
    engine.cycle(at("2026-12-07 09:05"))
    assert calendar.own_events(OwnKind.CALL)[0].start == at("2026-12-08 10:00")
    # Dana writes back the day before the call: it moves a week on from her reply.
    drafts.deliver(REPLY, at("2026-12-07 16:00"))
    report = watch_replies(store, drafts, settings, at("2026-12-07 16:05"))
    assert report.replies == ["Acme: a reply from Dana Lee"]
    assert engine.cycle(at("2026-12-07 16:05")).idle is False
    (moved,) = calendar.own_events(OwnKind.CALL)
    assert moved.start == at("2026-12-15 10:00")
    assert store.decisions() == []  # a reply never decides
    # Each message is opened once.
    opened = drafts.opened
    watch_replies(store, drafts, settings, at("2026-12-07 17:00"))
    assert drafts.opened == opened


def test_replies_are_not_read_unless_asked_for() -> None:
    engine, calendar, drafts = setup(send_by_hours=0)
    engine.cycle(at("2026-12-01 15:01"))
    drafts.deliver(REPLY, at("2026-12-07 16:00"))
    assert mailbox_of(drafts, engine.settings) is None
    engine.cycle(at("2026-12-07 16:05"))
    assert calendar.own_events(OwnKind.CALL)[0].start == at("2026-12-08 10:00")
