"""``IcsCalendar``: the Calendar port over an .ics file or subscription URL.

Interviews are read from ``path`` (a local file, or an http(s)/webcal URL that
is read only). Follow-up calls are written to ``calls_path``, which defaults
to ``path`` itself when that is a local file: then the calls appear in the
user's own calendar, spliced in without touching any other line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.domain.errors import BackendError
from daemon.domain.ports import EventChanges
from daemon.domain.ports import OwnEvent as CallEvent
from integrations.ics import calls_file, files
from integrations.ics.calls import call_uid, check_key, new_calendar_text
from integrations.ics.reading import Window, read_sources
from integrations.ics.source import describe, fetch_url, is_url, read_local

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: How often a write is retried when another program changed the file meanwhile.
_WRITE_ATTEMPTS = 3


class IcsCalendar:
    """Reads events from an iCalendar file or URL; writes calls to a local .ics file.

    ``changes`` always answers a complete listing. Its checkpoint is a hash of
    the files' content and of the window, so it moves exactly when the listing
    can have changed: on an edit, and once a day as the window moves on.
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
        #: The last listing, by checkpoint: an unchanged file is not parsed again.
        self._last: EventChanges | None = None

    def __repr__(self) -> str:
        return f"IcsCalendar({describe(self._source)!r}, calls={self._calls_path!s})"

    # -- reading ----------------------------------------------------------------

    def changes(self, checkpoint: str | None) -> EventChanges:
        window = self._window()
        main = self._read_main()
        calls = self._read_calls()
        current = self._checkpoint(main, calls, window)
        if self._last is not None and self._last.checkpoint == current:
            return self._last

        # The calls file first: when the user's calendar also holds a copy of a
        # call (an export that includes the subscribed calls), the calls file
        # is the one put_call and remove_call act on, so its version wins.
        sources = [(calls, str(self._calls_path))] if calls and calls.strip() else []
        sources.append((main, describe(self._source)))
        reading = read_sources(sources, self._default_tz, window)
        events = sorted(reading.events, key=lambda e: (e.start.astimezone(UTC), e.id))
        self._last = EventChanges(
            events=tuple(events),
            checkpoint=current,
            complete=True,
            window_start=window.start,
            skipped=tuple(reading.skipped),
        )
        return self._last

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

    def _checkpoint(self, main: bytes, calls: bytes | None, window: Window) -> str:
        digest = hashlib.sha256()
        for part in (
            main,
            calls or b"",
            window.start.isoformat().encode(),
            str(self._default_tz).encode(),
        ):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return "ics:" + digest.hexdigest()[:40]

    # -- writing ----------------------------------------------------------------

    def put_call(self, call: CallEvent) -> str:
        check_key(call.key)
        target = self._writable_calls_path()

        def edit(data: bytes) -> tuple[bytes | None, str]:
            existing = calls_file.find_call(data, call.key) if data.strip() else None
            if existing is not None:
                return None, existing
            base = data if data.strip() else new_calendar_text(self._calls_name)
            return calls_file.add_call(base, call, self._now()), call_uid(call.key)

        return self._edit(target, edit)

    def remove_call(self, key: str) -> None:
        check_key(key)
        target = self._writable_calls_path()

        def edit(data: bytes) -> tuple[bytes | None, str]:
            return (calls_file.remove_call(data, key) if data.strip() else None), ""

        self._edit(target, edit)

    def _writable_calls_path(self) -> Path:
        if self._calls_path is None:
            raise BackendError(
                f"{describe(self._source)} is a URL and cannot be written: "
                "set calendar.calls_path to a local .ics file for the follow-up calls"
            )
        return files.target_of(self._calls_path)

    def _edit(self, target: Path, edit: Callable[[bytes], tuple[bytes | None, str]]) -> str:
        """Read-modify-write ``target`` under the lock.

        ``edit`` maps the current bytes to (new bytes, or None to leave the file; result).
        """
        try:
            with files.locked(target):
                for _attempt in range(_WRITE_ATTEMPTS):
                    before = files.snapshot(target, self._max_bytes)
                    new, result = edit(before.data)
                    if new is None:
                        return result
                    # A calendar app does not take our lock; if it saved the file
                    # since we read it, start over rather than overwrite its change.
                    if not files.unchanged_since(target, before):
                        continue
                    files.replace_atomically(target, new)
                    return result
        except calls_file.NotACalendarError as error:
            raise BackendError(
                f"{target}: not a well-formed iCalendar file ({error}); left untouched"
            ) from None
        except OSError as error:
            raise BackendError(f"{target}: cannot be written: {error}") from None
        raise BackendError(f"{target}: kept changing while the call was written; try again")
