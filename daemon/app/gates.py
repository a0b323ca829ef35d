"""Per-backend backoff and pause: no remote call that cannot succeed.

Each port the engine uses (the calendar, the draft store) is wrapped in a
``Gate``: a transparent proxy that sees every call and what it raised. A
``BackendError`` counts as that backend failing this cycle; while it keeps
failing, calls are refused at the gate (without reaching the network) until a
retry time that doubles each cycle, up to an hour. A ``NeedsUserError``
(authorization revoked) closes the gate until the user acts: until a file
the error names changes (else one of the files the backends' settings name,
such as the token file), the configuration is reloaded, or, with nothing to
watch, an hour has passed. The other backend goes on meanwhile.

A refused call raises ``BackendError`` like a failing backend would, so the
engine needs no notion of pausing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from daemon.domain.errors import BackendError, NeedsUserError
from daemon.domain.settings import Settings

MAX_DELAY = timedelta(hours=1)
#: A backend failing this long is reported as needing the user.
UNREACHABLE_AFTER = timedelta(hours=6)
#: With no file to watch, a paused backend is tried again after this long.
NEEDS_USER_RETRY = timedelta(hours=1)

Signature = tuple[tuple[float, int, int] | None, ...]
_NEVER = datetime.min.replace(tzinfo=UTC)


class PausedError(BackendError):
    """Raised by a gate instead of calling a backend that is paused."""


def signature(paths: tuple[str, ...]) -> Signature:
    """What to compare to tell that the user changed one of ``paths``."""
    found: list[tuple[float, int, int] | None] = []
    for path in paths:
        try:
            status = Path(path).stat()
        except OSError:
            found.append(None)
        else:
            found.append((status.st_mtime, status.st_size, status.st_ino))
    return tuple(found)


def local_paths(settings: Settings) -> list[Path]:
    """Every local file or folder the backends' settings name (URLs are not paths)."""
    tables = [settings.calendar.options, settings.drafts.options, *settings.providers.values()]
    found: list[Path] = []
    for table in tables:
        for value in table.values():
            if isinstance(value, Path):
                found.append(value)
            elif isinstance(value, str) and value.startswith("/"):
                found.append(Path(value))
    return found


@dataclass
class Guard:
    """The health of one backend, across cycles and across configuration reloads."""

    name: str
    #: The first retry comes after this long (the cycle interval), then twice as long...
    base_delay: timedelta
    failures: int = 0
    failing_since: datetime | None = None
    last_error: str = ""
    retry_at: datetime | None = None
    blocked: NeedsUserError | None = None
    blocked_since: datetime | None = None
    _watched: Signature = ()
    #: What to watch when a ``NeedsUserError`` names nothing: the backends' own files
    #: (a token file among them), set from the configuration.
    watch_default: tuple[str, ...] = ()
    # This cycle:
    refused: bool = False
    _failed: str | None = None
    _succeeded: bool = False
    _now: datetime = _NEVER
    _blocked_at: datetime = _NEVER

    # -- per cycle -------------------------------------------------------------------------

    def begin(self, now: datetime) -> None:
        self.refused = False
        self._failed = None
        self._succeeded = False
        self._now = now
        if self.blocked is not None and self._user_acted(now):
            self.blocked = None  # try again; the state stays reported until it works
            self.retry_at = None

    def before_call(self) -> None:
        if self.blocked is not None:
            self.refused = True
            raise PausedError(f"paused: {self.blocked} ({self.blocked.what_to_do})")
        if self._failed is not None:
            # Failed already this cycle: the engine may still try its other calls.
            raise PausedError(f"failed this cycle: {self._failed}")
        if self.retry_at is not None and self._now < self.retry_at:
            self.refused = True
            raise PausedError(
                f"paused after {self.failures} failed cycles (last: {self.last_error});"
                f" next try {self.retry_at:%H:%M} UTC"
            )

    def failing(self, error: BackendError) -> None:
        if isinstance(error, NeedsUserError):
            self.blocked = error
            self.blocked_since = self.blocked_since or self._now
            self._watched = signature(self._watch(error))
            self._blocked_at = self._now
        self._failed = str(error)

    def succeeded(self) -> None:
        self._succeeded = True

    def end(self, now: datetime) -> None:
        if self._failed is not None:
            self.failures += 1
            self.last_error = self._failed
            self.failing_since = self.failing_since or now
            delay = min(self.base_delay * 2 ** (self.failures - 1), MAX_DELAY)
            # Half an interval early, so the cycle due at that time is not refused
            # for a few seconds: retries come 1, 2, 4, 8... cycles apart. The
            # schedule's jitter already keeps installations out of step.
            self.retry_at = now + delay - self.base_delay / 2
        elif self._succeeded:
            self.failures = 0
            self.failing_since = None
            self.retry_at = None
            self.blocked_since = None

    # -- across cycles ----------------------------------------------------------------------

    def reset(self) -> None:
        """The configuration changed: whatever was wrong may be fixed, try at once."""
        self.retry_at = None
        self.blocked = None

    @property
    def failed(self) -> bool:
        """The backend itself failed in the cycle that just ended."""
        return self._failed is not None

    @property
    def healthy(self) -> bool:
        return self.failures == 0 and self.blocked is None and self.blocked_since is None

    def unreachable_for(self, now: datetime) -> timedelta | None:
        if self.failing_since is None or self.blocked_since is not None:
            return None
        return now - self.failing_since

    def _watch(self, error: NeedsUserError) -> tuple[str, ...]:
        return tuple(getattr(error, "watch", ())) or self.watch_default

    def _user_acted(self, now: datetime) -> bool:
        assert self.blocked is not None
        if watch := self._watch(self.blocked):
            return signature(watch) != self._watched
        return now - self._blocked_at >= NEEDS_USER_RETRY


class Gate:
    """Stands in for a port: every method call goes through the guard first."""

    def __init__(self, target: object, guard: Guard) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_guard", guard)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name.startswith("_") or not callable(value):
            return value
        guard: Guard = self._guard

        def call(*args: Any, **kwargs: Any) -> Any:
            guard.before_call()
            try:
                result = value(*args, **kwargs)
            except BackendError as error:
                guard.failing(error)
                raise
            guard.succeeded()
            return result

        return call

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._target, name, value)
