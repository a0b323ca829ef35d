"""Fakes for testing the service loop without the engine: they behave like the real parts.

``TinyEngine`` has the engine's shape as the loop sees it (``cycle(now)`` over a
calendar and a draft store, backend failures as ``calendar:``/``drafts:`` problem
lines); ``NotifySocket`` is the systemd end of ``$NOTIFY_SOCKET``.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from daemon.app.service import Runtime
from daemon.domain.errors import BackendError, NeedsUserError
from daemon.domain.ports import EventChanges
from integrations.memory.calendar import MemoryCalendar
from integrations.memory.drafts import MemoryDraftStore


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    drafts_created: int = 0
    late_drafts: int = 0
    calls_created: int = 0
    calls_removed: int = 0
    drafts_gone: int = 0


class CountingCalendar(MemoryCalendar):
    """A memory calendar that counts how often it was asked (a remote call each)."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def changes(self, checkpoint: str | None) -> EventChanges:
        self.reads += 1
        return super().changes(checkpoint)


class CountingDrafts(MemoryDraftStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def present(self, keys):  # type: ignore[no-untyped-def]
        self.reads += 1
        return super().present(keys)


class TokenCalendar(CountingCalendar):
    """A calendar signed in with a token file, as the Google adapter will be.

    While the token file says ``revoked`` every call raises ``NeedsUserError``
    naming the file; writing a fresh token into it (what `followup auth` does)
    makes it work again.
    """

    def __init__(self, token: Path) -> None:
        super().__init__()
        self.token = token

    def changes(self, checkpoint: str | None) -> EventChanges:
        self.reads += 1
        if self.token.read_text() == "revoked":
            raise NeedsUserError(
                "authorization was revoked",
                "Run `followup auth` to sign in again.",
                watch=(str(self.token),),
            )
        return MemoryCalendar.changes(self, checkpoint)


class TinyEngine:
    """Reads the calendar and watches the drafts, like ``Engine.cycle``, and no more."""

    def __init__(self, calendar: MemoryCalendar, drafts: MemoryDraftStore) -> None:
        self.calendar = calendar
        self.draft_store = drafts
        self.cycles = 0
        #: Raised from the next cycles, as a bug or a full disk would be.
        self.fail_with: BaseException | None = None

    def cycle(self, now: datetime) -> Report:
        self.cycles += 1
        if self.fail_with is not None:
            raise self.fail_with
        report = Report()
        try:
            self.calendar.changes(None)
        except BackendError as error:
            report.problems.append(f"calendar: {error}")
        try:
            self.draft_store.present(["some-key"])
        except BackendError as error:
            report.problems.append(f"drafts: {error}")
        return report


class Backends:
    """What ``open_runtime`` opens: one engine per configuration, over shared fakes."""

    def __init__(self, calendar: MemoryCalendar | None = None) -> None:
        self.calendar = calendar or CountingCalendar()
        self.drafts = CountingDrafts()
        self.engines: list[TinyEngine] = []
        self.closed = 0
        #: Raised by the next opening (a state file that cannot be opened).
        self.open_error: BaseException | None = None
        self.settings: list[object] = []

    def open(self, settings: object) -> Runtime:
        if self.open_error is not None:
            raise self.open_error
        self.settings.append(settings)
        engine = TinyEngine(self.calendar, self.drafts)
        self.engines.append(engine)
        return Runtime(engine, self._close)

    def _close(self) -> None:
        self.closed += 1

    @property
    def engine(self) -> TinyEngine:
        return self.engines[-1]


class Clock:
    """Wall, local and monotonic time that a test moves; a jump moves only the wall."""

    def __init__(self) -> None:
        self.wall = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.wall

    def local(self) -> datetime:
        return self.wall.replace(tzinfo=None)

    def monotonic(self) -> float:
        return self.mono

    def advance(self, delta: timedelta) -> None:
        self.wall += delta
        self.mono += delta.total_seconds()

    def jump(self, delta: timedelta) -> None:
        self.wall += delta


class NotifySocket:
    """The manager's end of ``$NOTIFY_SOCKET``: collects what the service sends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(path))
        self.socket.setblocking(False)
        self.messages: list[str] = []

    def drain(self) -> list[str]:
        while True:
            try:
                self.messages.append(self.socket.recv(4096).decode())
            except BlockingIOError:
                return self.messages

    def statuses(self) -> list[str]:
        return [
            line.removeprefix("STATUS=")
            for message in self.drain()
            for line in message.splitlines()
            if line.startswith("STATUS=")
        ]

    def close(self) -> None:
        self.socket.close()
