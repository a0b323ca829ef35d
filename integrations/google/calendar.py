"""The ``Calendar`` port over Google Calendar.

Listing: the first call lists every configured calendar in full over a bounded
window (60 days back, 120 ahead, anchored at midnight UTC) with recurring events
expanded into their instances; later calls ask only for what changed, with the
``syncToken`` each calendar handed out. An expired token (410) means a full
listing again, and a full listing that comes back empty or much smaller than the
last one is not taken as "everything was deleted" until it has said so three
times: until then its events are passed on as updates only.

Writing: own events get an id derived from their key, so an insert that is
repeated (after a lost answer, or by anyone) answers 409 and is read back instead
of adding a second event. A user-deleted event keeps its id taken for good:
such a write reports ``missing`` and nothing is created again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from googleapiclient.errors import HttpError

from daemon.domain.errors import BackendError
from daemon.domain.model import CalendarEvent, EventId
from daemon.domain.ports import (
    EventChanges,
    OwnEvent,
    OwnField,
    OwnWrite,
    PutOwn,
    RemoveOwn,
    Skipped,
    UpdateOwn,
    WriteResult,
)
from integrations.google.checkpoint import CalendarSync, Checkpoint
from integrations.google.errors import backend_error, message_of, status_of
from integrations.google.events import (
    event_id_of,
    event_of,
    is_cancelled,
    own_body,
    own_patch,
    own_tag_of,
    revival,
)
from integrations.google.ids import event_id_for_key
from integrations.google.session import GoogleSession

log = logging.getLogger(__name__)

#: Google's largest page: 10,000 events are four requests.
PAGE_SIZE = 2500
#: Full listings in a row that must agree before an empty or shrunken one is believed.
BELIEVE_AFTER = 3


class _SyncTokenExpired(Exception):
    """Google answered 410: the calendar must be listed in full again."""


@dataclass
class _Listing:
    items: list[dict[str, Any]]
    token: str


class GoogleCalendar:
    """Reads ``calendar_ids`` (and the calls calendar); writes own events to ``calls_calendar``."""

    def __init__(
        self,
        session: GoogleSession,
        *,
        timezone: tzinfo,
        clock: Callable[[], datetime] | None = None,
        window_days_back: int = 60,
        window_days_ahead: int = 120,
    ) -> None:
        self._session = session
        self._zone = timezone
        self._clock = clock or (lambda: datetime.now(UTC))
        self._back = timedelta(days=window_days_back)
        self._ahead = timedelta(days=window_days_ahead)

    @property
    def _calendars(self) -> tuple[str, ...]:
        return self._session.options.calendars_read

    @property
    def _calls_calendar(self) -> str:
        return self._session.options.calls_calendar

    # -- listing -----------------------------------------------------------------------

    def changes(self, checkpoint: str | None) -> EventChanges:
        now = self._clock()
        previous = Checkpoint.decode(checkpoint)
        if previous is not None and not self._needs_full(previous, now):
            try:
                return self._incremental(previous)
            except _SyncTokenExpired:
                log.info("Google: a sync token expired; listing every calendar in full")
        return self._full(previous, now)

    def _needs_full(self, previous: Checkpoint, now: datetime) -> bool:
        if set(previous.calendars) != set(self._calendars):
            return True  # a calendar was added to or removed from the configuration
        if any(sync.needs_full() for sync in previous.calendars.values()):
            return True
        # Events beyond the first listing's window only show once they change; list
        # in full again while half the look-ahead is still inside the window.
        return previous.window_end - now < self._ahead / 2

    def _window(self, now: datetime) -> tuple[datetime, datetime]:
        # Anchored at midnight UTC: every listing of one day asks for the same window.
        midnight = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
        return midnight - self._back, midnight + self._ahead

    def _incremental(self, previous: Checkpoint) -> EventChanges:
        events: dict[EventId, CalendarEvent] = {}
        removed: dict[EventId, None] = {}
        skipped: list[Skipped] = []
        current = previous
        for calendar in self._calendars:
            sync = previous.calendars[calendar]
            listing = self._list(calendar, sync_token=sync.token)
            for item in listing.items:
                if is_cancelled(item):
                    try:
                        removed[event_id_of(item)] = None
                    except ValueError:
                        continue  # a cancelled event we could never have read
                else:
                    self._read(item, calendar, events, skipped)
            current = current.with_calendar(calendar, CalendarSync(listing.token, sync.full_count))
        for event_id in events:
            removed.pop(event_id, None)  # still on another calendar, or back again
        return EventChanges(
            events=tuple(sorted(events.values(), key=_order)),
            checkpoint=current.encode(),
            complete=False,
            removed=tuple(removed),
            skipped=tuple(skipped),
        )

    def _full(self, previous: Checkpoint | None, now: datetime) -> EventChanges:
        window_start, window_end = self._window(now)
        events: dict[EventId, CalendarEvent] = {}
        skipped: list[Skipped] = []
        syncs: dict[str, CalendarSync] = {}
        believed = True
        for calendar in self._calendars:
            listing = self._list(calendar, window=(window_start, window_end))
            count = 0
            for item in listing.items:
                if not is_cancelled(item):
                    count += 1
                    self._read(item, calendar, events, skipped)
            before = previous.calendars.get(calendar) if previous else None
            if before is not None and _doubtful(count, before.full_count):
                doubts = before.doubts + 1
                if doubts < BELIEVE_AFTER:
                    log.warning(
                        "Google: calendar %s listed %d events in full, %s before;"
                        " not taken as deletions yet",
                        calendar,
                        count,
                        before.full_count,
                    )
                    believed = False
                    syncs[calendar] = CalendarSync(listing.token, before.full_count, doubts)
                    continue
            syncs[calendar] = CalendarSync(listing.token, count)
        ordered = tuple(sorted(events.values(), key=_order))
        if not believed:
            # Updates only, and a full listing again next time for every calendar
            # (one calendar's token alone would leave the others' deletions unseen).
            doubtful = {c: CalendarSync(None, s.full_count, s.doubts) for c, s in syncs.items()}
            return EventChanges(
                events=ordered,
                checkpoint=Checkpoint(window_start, window_end, doubtful).encode(),
                complete=False,
                skipped=tuple(skipped),
            )
        return EventChanges(
            events=ordered,
            checkpoint=Checkpoint(window_start, window_end, syncs).encode(),
            complete=True,
            window_start=window_start,
            skipped=tuple(skipped),
        )

    def _read(
        self,
        item: dict[str, Any],
        calendar: str,
        events: dict[EventId, CalendarEvent],
        skipped: list[Skipped],
    ) -> None:
        try:
            event = event_of(item, self._zone)
        except (ValueError, TypeError, AttributeError) as error:
            try:
                event_id: EventId | None = event_id_of(item)
            except ValueError:
                event_id = None
            name = str(item.get("id", "?"))[:100]
            skipped.append(
                Skipped(
                    f"event {name} in calendar {calendar}", str(error), event_id, own_tag_of(item)
                )
            )
            return
        # An invitation on two of the configured calendars is one event.
        events.setdefault(event.id, event)

    def _list(
        self,
        calendar: str,
        *,
        sync_token: str | None = None,
        window: tuple[datetime, datetime] | None = None,
    ) -> _Listing:
        """Every page of one listing; its ``nextSyncToken`` comes with the last page."""
        items: list[dict[str, Any]] = []
        for page in self._pages(calendar, sync_token, window):
            items.extend(item for item in page.get("items") or [] if isinstance(item, dict))
            if page.get("nextSyncToken"):
                return _Listing(items, str(page["nextSyncToken"]))
        raise BackendError(f"Google: calendar {calendar} gave no sync token on its last page")

    def _pages(
        self, calendar: str, sync_token: str | None, window: tuple[datetime, datetime] | None
    ) -> Iterator[dict[str, Any]]:
        arguments: dict[str, Any] = {
            "calendarId": calendar,
            "singleEvents": True,
            "maxResults": PAGE_SIZE,
        }
        if sync_token is not None:
            arguments["syncToken"] = sync_token
        elif window is not None:
            arguments["timeMin"] = _rfc3339(window[0])
            arguments["timeMax"] = _rfc3339(window[1])
        page_token: str | None = None
        while True:
            events = self._session.client("calendar").events()
            request = events.list(**arguments, **({"pageToken": page_token} if page_token else {}))
            try:
                page = self._session.read(request, f"listing calendar {calendar}")
            except HttpError as error:
                if status_of(error) == 410 and sync_token is not None:
                    raise _SyncTokenExpired(calendar) from error
                if status_of(error) == 404:
                    raise BackendError(
                        f"Google: calendar {calendar!r} not found"
                        " (check [google] calendar_ids and calls_calendar)"
                    ) from error
                raise backend_error(f"listing calendar {calendar}", error) from error
            yield page
            page_token = page.get("nextPageToken")
            if not page_token:
                return

    # -- writing -----------------------------------------------------------------------

    def write_own(self, writes: Sequence[OwnWrite]) -> list[WriteResult]:
        results: list[WriteResult] = []
        #: Keys this batch deleted: a later put of one of them is the service's own
        #: change of mind, not a user's deletion to respect.
        removed_here: set[str] = set()
        for write in writes:
            match write:
                case PutOwn(event=own) if own.key in removed_here:
                    results.append(self._revive(own))
                    removed_here.discard(own.key)
                case PutOwn(event=own):
                    results.append(self._put(own))
                case UpdateOwn(event=own, fields=fields):
                    results.append(self._update(own, fields))
                case RemoveOwn(key=key):
                    results.append(self._remove(key))
                    removed_here.add(key)
        return results

    def _put(self, own: OwnEvent) -> WriteResult:
        try:
            body = own_body(own)
        except ValueError as error:
            return WriteResult(own.key, error=str(error))
        what = f"adding event {body['id']}"

        def attempt() -> WriteResult:
            events = self._session.client("calendar").events()
            request = events.insert(calendarId=self._calls_calendar, body=body, sendUpdates="none")
            try:
                created = self._session.write(request, what)
            except HttpError as error:
                if status_of(error) == 409:
                    return self._existing(own.key, body["id"])
                return self._item_error(own.key, what, error)
            return WriteResult(own.key, str(created.get("id", body["id"])))

        result: WriteResult = self._session.keyed(attempt, what)
        return result

    def _existing(self, key: str, event_id: str) -> WriteResult:
        """The event an insert found in its place (409): ours as it is now, or deleted."""
        events = self._session.client("calendar").events()
        request = events.get(calendarId=self._calls_calendar, eventId=event_id)
        try:
            found = self._session.read(request, f"reading event {event_id}")
        except HttpError as error:
            if status_of(error) in (404, 410):
                return WriteResult(key, event_id, missing=True)
            raise backend_error(f"reading event {event_id}", error) from error
        return WriteResult(key, event_id, missing=is_cancelled(found))

    def _update(self, own: OwnEvent, fields: frozenset[OwnField]) -> WriteResult:
        event_id = event_id_for_key(own.key)
        try:
            patch = own_patch(own, fields)
        except ValueError as error:
            return WriteResult(own.key, error=str(error))
        if not patch:
            return WriteResult(own.key, event_id)
        what = f"changing event {event_id}"

        def attempt() -> WriteResult:
            # A patch sets fields to values: sending it again changes nothing more.
            events = self._session.client("calendar").events()
            request = events.patch(
                calendarId=self._calls_calendar, eventId=event_id, body=patch, sendUpdates="none"
            )
            try:
                changed = self._session.write(request, what)
            except HttpError as error:
                if status_of(error) in (404, 410):
                    return WriteResult(own.key, event_id, missing=True)
                return self._item_error(own.key, what, error)
            # The user deleted it: a patch does not bring it back, and it stays gone.
            return WriteResult(own.key, event_id, missing=is_cancelled(changed))

        result: WriteResult = self._session.keyed(attempt, what)
        return result

    def _revive(self, own: OwnEvent) -> WriteResult:
        event_id = event_id_for_key(own.key)
        try:
            patch = revival(own)
        except ValueError as error:
            return WriteResult(own.key, error=str(error))
        what = f"restoring event {event_id}"

        def attempt() -> WriteResult:
            events = self._session.client("calendar").events()
            request = events.patch(
                calendarId=self._calls_calendar, eventId=event_id, body=patch, sendUpdates="none"
            )
            try:
                self._session.write(request, what)
            except HttpError as error:
                if status_of(error) in (404, 410):
                    return self._put(own)  # purged already: the id may be free again
                return self._item_error(own.key, what, error)
            return WriteResult(own.key, event_id)

        result: WriteResult = self._session.keyed(attempt, what)
        return result

    def _remove(self, key: str) -> WriteResult:
        event_id = event_id_for_key(key)
        what = f"removing event {event_id}"

        def attempt() -> WriteResult:
            events = self._session.client("calendar").events()
            request = events.delete(
                calendarId=self._calls_calendar, eventId=event_id, sendUpdates="none"
            )
            try:
                self._session.write(request, what)
            except HttpError as error:
                if status_of(error) not in (404, 410):  # gone already is what was wanted
                    return self._item_error(key, what, error)
            return WriteResult(key)

        result: WriteResult = self._session.keyed(attempt, what)
        return result

    @staticmethod
    def _item_error(key: str, what: str, error: HttpError) -> WriteResult:
        """A write this event alone failed (400 and the like): the others go on."""
        status = status_of(error)
        if status in (401, 403) or status >= 500:
            raise backend_error(what, error) from error
        return WriteResult(key, error=f"Google: {what} failed (HTTP {status}: {message_of(error)})")


def _doubtful(count: int, before: int | None) -> bool:
    """A full listing much smaller than the last trusted one (or empty after some)."""
    if not before:
        return False
    return count == 0 or (before >= 10 and count < before // 2)


def _order(event: CalendarEvent) -> tuple[datetime, str]:
    return (event.start, event.uid)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
