"""The whole reading path, from the bytes of an .ics file to the drafts and calls composed.

Hostile invitations must stay harmless however the reading grows: whatever the bytes,
the path either reports the file as unreadable (``BackendError``) or yields events,
interviews, drafts and calls, and every draft is a message to exactly one address that
is no tool, mailbox or the user, with no header an invitation could add. Anything else
is a bug: ``fuzz_reading.py`` drives this with atheris, and every input that ever broke
it lives in ``crashers/`` and is replayed by ``tests/integrations/test_fuzz_regressions.py``.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.compose.composer import Composer
from daemon.compose.mime import MESSAGE_HEADERS, build_message, message_bytes, parse_message
from daemon.domain.errors import BackendError, ItemError
from daemon.domain.settings import Profile, Settings
from daemon.planning.actions import CreateDraft, PutOwnEvent, RecordInterview
from daemon.planning.planner import plan
from daemon.reading.mailboxes import is_mailbox
from daemon.reading.people import Identity
from daemon.store.records import Snapshot
from integrations.ics.calendar import IcsCalendar

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
PROFILE = Profile(
    name="Alex Rivera",
    email="alex.rivera@gmail.com",
    aliases=("arivera@contoso.example",),
    timezone=ZoneInfo("America/New_York"),
)
SETTINGS = Settings(profile=PROFILE)
_COMPOSER = Composer()
_USER = Identity.of(PROFILE)


def read_bytes(data: bytes, folder: Path | None = None) -> int:
    """Read ``data`` as a calendar file all the way to composed notes; the number of drafts."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "calendar.ics"
        path.write_bytes(data)
        calendar = IcsCalendar(path, calls_path=Path(tmp) / "calls.ics", now=lambda: NOW)
        try:
            changes = calendar.changes(None)
        except BackendError:
            return 0  # not a calendar: reported as such, nothing read
    events = [event for event in changes.events if event.own is None]
    return _compose_all(list(plan(Snapshot(), events, NOW, SETTINGS)))


def read_event(
    title: str, description: str, organizer: str, attendees: list[tuple[str, str]]
) -> int:
    """One invitation as a backend reports it, through detection, reading and composing."""
    from datetime import timedelta

    from daemon.domain.model import Attendee, CalendarEvent, EventId, PartStat

    event = CalendarEvent(
        id=EventId("fuzz"),
        title=title,
        start=NOW - timedelta(days=2),
        end=NOW - timedelta(days=2) + timedelta(hours=1),
        description=description,
        organizer=organizer,
        attendees=tuple(Attendee(email, name, PartStat.ACCEPTED) for name, email in attendees),
    )
    actions = plan(Snapshot(), [event], NOW, SETTINGS)
    return _compose_all(actions)


def _compose_all(actions: list[object]) -> int:
    interviews = {a.interview.uid: a.interview for a in actions if isinstance(a, RecordInterview)}
    drafts = 0
    for action in actions:
        if isinstance(action, CreateDraft):
            interview = interviews[action.interview_uid]
            person = action.person
            assert not is_mailbox(person.email), person.email
            assert not _USER.owns(person.email), person.email
            subject, body = _COMPOSER.compose_note(
                interview, person, PROFILE, variant=action.variant, late=action.late
            )
            try:
                message = build_message(
                    key=action.key,
                    sender_name=PROFILE.name,
                    sender_email=PROFILE.email,
                    to_name=person.name,
                    to_email=person.email,
                    subject=subject,
                    body=body,
                    now=NOW,
                )
            except ItemError:
                continue  # refused and quarantined by the engine: harmless
            parsed = parse_message(message_bytes(message))
            assert set(parsed.keys()) <= set(MESSAGE_HEADERS), parsed.keys()
            assert len(parsed.get_all("To", [])) == 1
            assert len(parsed["To"].addresses) == 1
            drafts += 1
        elif isinstance(action, PutOwnEvent) and interviews:
            title, _ = _COMPOSER.compose_call(
                interviews.get(action.interview_uid) or next(iter(interviews.values())),
                action.person,
                PROFILE,
            )
            assert "\n" not in title and "\r" not in title
    return drafts


def read_structured(data: bytes) -> int:
    """``data`` cut into an invitation's fields at NUL bytes: title, description,
    organizer, then name/address pairs (what a crasher file of this kind holds)."""
    fields = data.decode("utf-8", "replace").split("\x00")
    title, description, organizer, *rest = [*fields, "", "", ""][: max(3, len(fields))]
    attendees = [
        (rest[i], rest[i + 1] if i + 1 < len(rest) else "") for i in range(0, len(rest), 2)
    ]
    return read_event(title, description, organizer, attendees[:20])
