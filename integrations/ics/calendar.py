"""``IcsCalendar``: the Calendar port over an .ics file or subscription URL.

Interviews are read from ``path`` (a local file, or an http(s)/webcal URL that
is read only). The service's own events (calls, debriefs, ...) are written to
``calls_path``, which defaults to ``path`` itself when that is a local file:
then they appear in the user's own calendar, spliced in without touching any
other line.

Reading a 100,000-event calendar takes icalendar tens of seconds, so the
reading of each part (the user's events; the own events) is kept by a hash of
its content: a write of own events, or the user moving one, re-reads only
the own events, also when they live in the user's file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.domain.errors import BackendError
from daemon.domain.model import CalendarEvent, EventId
from daemon.domain.ports import EventChanges, OwnWrite, Skipped, WriteResult
from integrations.ics import files
from integrations.ics.calls import new_calendar_text
from integrations.ics.calls_file import NotACalendarError, OwnEventsText, Split, split_own
from integrations.ics.reading import Reading, Window, read_file
from integrations.ics.source import describe, fetch_url, read_local
from integrations.ics.urls import is_url

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: How often a write is retried when another program changed the file meanwhile.
_WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class _Reading:
    """What one part of the calendar read as, and the content and window it was read from."""

    digest: str
    events: tuple[CalendarEvent, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class _Parts:
    """A file holding both the user's and own events, split (see ``calls_file.Split``)."""

    file_digest: bytes
    user_digest: bytes
    own: bytes


class IcsCalendar:
    """Reads events from an iCalendar file or URL; writes own events to a local .ics file.

    ``changes`` always answers a complete listing. Its checkpoint is made of a
    hash of each part's content and of the window, so it moves exactly when
    the listing can have changed: on an edit, and once a day as the window
    moves on.
    """

    def __init__(
        self,
        path: str | Path,
        calls_path: str | Path | None = None,
        *,
        default_tz: ZoneInfo | None = None,
        window_days_back: int = 60,
        window_days_ahead: int = 120,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = 30.0,
        now: Callable[[], datetime] | None = None,
        calls_calendar_name: str = "Follow-up calls",
    ) -> None:
        if window_days_back < 0 or window_days_ahead < 0:
            raise ValueError("window days must not be negative")
        if max_bytes <= 0 or timeout <= 0:
            raise ValueError("max_bytes and timeout must be positive")
        self._source = str(path)
        self._url = is_url(self._source)
        local = None if self._url else Path(self._source).expanduser()
        self._local = local
        self._calls_path = Path(calls_path).expanduser() if calls_path is not None else local
        self._same_file = (
            local is not None
            and self._calls_path is not None
            and files.target_of(local) == files.target_of(self._calls_path)
        )
        self._default_tz = default_tz or ZoneInfo("UTC")
        self._back = timedelta(days=window_days_back)
        self._ahead = timedelta(days=window_days_ahead)
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._now = now or (lambda: datetime.now(UTC))
        self._calls_name = calls_calendar_name
        #: The last listing, by checkpoint: an unchanged calendar is not merged again.
        self._last: EventChanges | None = None
        #: The last reading of each part ("user", "own"), by its digest.
        self._readings: dict[str, _Reading] = {}
        #: The last split of a file that holds both (same-file mode).
        self._parts: _Parts | None = None

    def __repr__(self) -> str:
        return f"IcsCalendar({describe(self._source)!r}, calls={self._calls_path!s})"

    # -- reading ----------------------------------------------------------------

    def changes(self, checkpoint: str | None) -> EventChanges:
        """The whole calendar; or, when ``checkpoint`` names exactly what is there now,
        an (incremental) answer that nothing changed, without parsing anything.

        Hashing the files costs a fraction of parsing them, so a service that polls
        an unchanged calendar (a new ``followup once`` process included) pays little.
        """
        window = self._window()
        main = self._read_main()
        name = describe(self._source)
        if self._same_file:
            parts, split = self._split(main)
            user_content, own_content = parts.user_digest, _digest(parts.own)
            load_user: Callable[[], bytes] = lambda: (split or split_own(main)).user  # noqa: E731
            load_own: Callable[[], bytes] = lambda: parts.own  # noqa: E731
            own_name = name
        else:
            calls = self._read_calls() or b""
            user_content, own_content = _digest(main), _digest(calls)
            load_user, load_own = (lambda: main), (lambda: calls)
            own_name = str(self._calls_path)
        user_digest = self._reading_digest(user_content, window)
        own_digest = self._reading_digest(own_content, window)
        current = f"ics:{user_digest[:20]}.{own_digest[:20]}"
        if self._last is not None and self._last.checkpoint == current:
            return self._last
        if checkpoint == current:
            # The caller has seen exactly this listing (its checkpoint names these
            # bytes, this window and zone): nothing changed since.
            return EventChanges(
                events=(), checkpoint=current, complete=False, window_start=window.start
            )
        user = self._reading("user", user_digest, load_user, name, window)
        own = self._reading("own", own_digest, load_own, own_name, window)

        # Own events first: when the user's calendar also holds a copy of one (an
        # export that includes the subscribed calls), the calls file is the one
        # write_own acts on, so its version wins.
        by_id: dict[EventId, CalendarEvent] = {}
        for event in own.events + user.events:
            by_id.setdefault(event.id, event)
        events = sorted(by_id.values(), key=lambda e: (e.start.astimezone(UTC), e.uid))
        self._last = EventChanges(
            events=tuple(events),
            checkpoint=current,
            complete=True,
            window_start=window.start,
            skipped=own.skipped + user.skipped,
        )
        return self._last

    def _split(self, data: bytes) -> tuple[_Parts, Split | None]:
        """The file's parts; the split itself too when it had to be made now."""
        file_digest = _digest(data)
        if self._parts is not None and self._parts.file_digest == file_digest:
            return self._parts, None
        split = split_own(data)
        self._parts = _parts_of(data, split)
        return self._parts, split

    def _reading_digest(self, content: bytes, window: Window) -> str:
        """What a part's reading depends on: its content, the window and the default zone."""
        return hashlib.sha256(
            b"\x1f".join(
                [
                    content,
                    window.start.isoformat().encode(),
                    window.end.isoformat().encode(),
                    str(self._default_tz).encode(),
                ]
            )
        ).hexdigest()

    def _reading(
        self, part: str, digest: str, load: Callable[[], bytes], name: str, window: Window
    ) -> _Reading:
        """The reading of one part, parsed again only when its digest changed."""
        known = self._readings.get(part)
        if known is not None and known.digest == digest:
            return known
        data = load()
        reading = Reading()
        # The own part is empty until the service writes; the user's never is.
        if part == "user" or data.strip():
            reading = read_file(data, name, self._default_tz, window)
        events, skipped = reading.events, reading.skipped
        self._readings[part] = _Reading(digest, tuple(events), tuple(skipped))
        return self._readings[part]

    def _window(self) -> Window:
        now = self._now()
        if now.tzinfo is None:
            raise ValueError("now() must return a time-zone aware datetime")
        # Anchored at midnight UTC so the listing (and its checkpoint) stays the
        # same all day instead of changing on every poll.
        day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return Window(start=day - self._back, end=day + timedelta(days=1) + self._ahead)

    def _read_main(self) -> bytes:
        if self._local is None:
            return fetch_url(self._source, self._max_bytes, self._timeout)
        try:
            return read_local(self._local, self._max_bytes)
        except FileNotFoundError:
            raise BackendError(f"{self._local}: no such calendar file") from None
        except OSError as error:
            raise BackendError(
                f"{self._local}: cannot be read: {error.strerror or error}"
            ) from None

    def _read_calls(self) -> bytes | None:
        if self._calls_path is None or self._same_file:
            return None
        try:
            return read_local(self._calls_path, self._max_bytes)
        except FileNotFoundError:
            return b""  # no call written yet
        except OSError as error:
            raise BackendError(
                f"{self._calls_path}: cannot be read: {error.strerror or error}"
            ) from None

    # -- writing ----------------------------------------------------------------

    def write_own(self, writes: Sequence[OwnWrite]) -> list[WriteResult]:
        """Apply the whole batch with one read, one parse and one atomic replace of the file."""
        if not writes:
            return []
        target = self._writable_calls_path()
        stamp = self._now()
        try:
            with files.locked(target):
                for _attempt in range(_WRITE_ATTEMPTS):
                    before = files.snapshot(target, self._max_bytes)
                    text = OwnEventsText(before.data, empty=new_calendar_text(self._calls_name))
                    results = [text.apply(write, stamp) for write in writes]
                    if not text.changed:
                        return results
                    # A calendar app does not take our lock; if it saved the file
                    # since we read it, start over rather than overwrite its change.
                    if not files.unchanged_since(target, before):
                        continue
                    new = text.render()
                    files.replace_atomically(target, new)
                    if self._same_file:
                        # The next listing re-uses the reading of the user's part.
                        self._parts = _parts_of(new, text.split())
                    return results
        except NotACalendarError as error:
            raise BackendError(
                f"{target}: not a well-formed iCalendar file ({error}); left untouched"
            ) from None
        except OSError as error:
            raise BackendError(f"{target}: cannot be written: {error}") from None
        raise BackendError(f"{target}: kept changing while it was written; try again")

    def _writable_calls_path(self) -> Path:
        if self._calls_path is None:
            raise BackendError(
                f"{describe(self._source)} is a URL and cannot be written: "
                "set calendar.calls_path to a local .ics file for the follow-up calls"
            )
        return files.target_of(self._calls_path)


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _parts_of(data: bytes, split: Split) -> _Parts:
    return _Parts(_digest(data), _digest(split.user), split.own)
