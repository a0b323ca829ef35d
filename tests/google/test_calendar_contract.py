"""The shared Calendar contract, run against the Google Calendar adapter through the stand-in.

Google chooses event ids (base32hex) where the contract names user events by an
iCalendar-style uid; the driver gives each user event an id derived from its uid,
and ``_UidNames`` reads those ids back as the uids (and nothing else), so the
contract's tests compare what they meant. Own events are untouched by it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from daemon.domain.model import CalendarEvent, EventId, EventStatus
from daemon.domain.ports import EventChanges, OwnWrite, WriteResult
from integrations.google.calendar import GoogleCalendar
from integrations.google.ids import event_id_for_key
from tests.contract.calendar_contract import CalendarContract, CalendarDriver, Mirror
from tests.google_standin import GoogleStandIn, event_time

from .conftest import NOW, ZONE, Google, QuickStandIn

_PARTSTATS = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
    "NEEDS-ACTION": "needsAction",
}


def google_id_of(uid: str) -> str:
    return "u" + base64.b32hexencode(uid.encode()).decode().rstrip("=").lower()


def uid_of(google_id: str) -> str | None:
    if not google_id.startswith("u"):
        return None
    text = google_id[1:].upper()
    try:
        return base64.b32hexdecode(text + "=" * (-len(text) % 8)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


class _UidNames:
    """The adapter, with user events' Google ids read back as the uids the driver gave them."""

    def __init__(self, calendar: GoogleCalendar) -> None:
        self.adapter = calendar

    def _named(self, event_id: EventId) -> EventId:
        uid = uid_of(event_id.series)
        return EventId(uid, event_id.occurrence) if uid else event_id

    def changes(self, checkpoint: str | None) -> EventChanges:
        changes = self.adapter.changes(checkpoint)
        return EventChanges(
            events=tuple(
                e if e.own else CalendarEvent(**{**e.__dict__, "id": self._named(e.id)})
                for e in changes.events
            ),
            checkpoint=changes.checkpoint,
            complete=changes.complete,
            removed=tuple(self._named(r) for r in changes.removed),
            window_start=changes.window_start,
            skipped=changes.skipped,
        )

    def write_own(self, writes: Sequence[OwnWrite]) -> list[WriteResult]:
        return self.adapter.write_own(writes)


class GoogleDriver(CalendarDriver):
    def __init__(self, google: Google) -> None:
        self.google = google
        self.standin = google.standin
        self.zone = ZONE
        self.now = NOW
        self.calendar = self.reopen()

    def reopen(self) -> Any:
        return _UidNames(self.google.calendar())

    def add_user_event(self, event: CalendarEvent) -> None:
        def when(moment: datetime) -> dict[str, str]:
            return event_time(moment.date() if event.all_day else moment)

        body: dict[str, Any] = {
            "id": google_id_of(event.uid),
            "summary": event.title,
            "description": event.description,
            "start": when(event.start),
            "end": when(event.end),
            "status": event.status.value.lower(),
        }
        if event.attendees:
            body["attendees"] = [
                {
                    "email": a.email,
                    "displayName": a.name,
                    "responseStatus": _PARTSTATS[a.partstat.value],
                    **({"resource": True} if a.resource else {}),
                }
                for a in event.attendees
            ]
        organizer = {"email": event.organizer} if event.organizer else None
        with self.standin.lock:
            self.standin.calendar.insert(self.standin.calendar.calendar("primary"), body, organizer)

    def move_own(self, key: str, new_start: datetime) -> None:
        self.standin.ui_move_event(event_id_for_key(key), new_start)

    def delete_own(self, key: str) -> None:
        self.standin.ui_delete_event(event_id_for_key(key))

    def edit_own_description(self, key: str, text: str) -> None:
        self.standin.ui_edit_description(event_id_for_key(key), text, as_html=False)

    def reminder_of(self, key: str) -> timedelta | None:
        stored = self.standin.event(event_id_for_key(key))
        assert stored is not None, key
        reminders = stored.get("reminders") or {}
        if reminders.get("useDefault", True):
            return None
        (popup,) = reminders.get("overrides") or [None]
        assert popup["method"] == "popup"
        return timedelta(minutes=popup["minutes"])

    def write_unanswered(self, writes: Sequence[OwnWrite]) -> None:
        # Another adapter applies them; the one under test never hears the answer.
        self.reopen().write_own(writes)


class TestGoogleCalendar(CalendarContract):
    #: Google hands out a new sync token on every listing.
    checkpoints_are_versions = False

    @pytest.fixture
    def standin(self) -> Iterator[GoogleStandIn]:
        with QuickStandIn(clock=lambda: NOW) as running:
            yield running

    @pytest.fixture
    def driver(self, standin: GoogleStandIn, tmp_path: Path) -> CalendarDriver:
        return GoogleDriver(Google(standin, tmp_path))

    def test_a_cancelled_event_is_listed_as_cancelled(
        self, driver: CalendarDriver, mirror: Mirror
    ) -> None:
        """Google's "cancelled" is a deletion: such an event is never listed at all."""
        interview = self.interview(driver)
        cancelled = CalendarEvent(
            id=EventId("cancelled@example.org"),
            title="Interview - Initech",
            start=interview.start,
            end=interview.end,
            status=EventStatus.CANCELLED,
        )
        driver.add_user_event(cancelled)
        assert cancelled.uid not in mirror.user_events()
