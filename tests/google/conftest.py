"""The Google adapters against the stand-in: a running server, a token file, a session."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from integrations.google.calendar import GoogleCalendar
from integrations.google.draft_record import FILE_NAME, DraftRecord
from integrations.google.gmail import GmailDraftStore
from integrations.google.retries import Backoff
from integrations.google.session import GoogleOptions, GoogleSession
from integrations.google.tokens import save_token
from tests.google_standin import CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE, GoogleStandIn
from tests.google_standin.server import _Handler, _Server


def _cli_loads() -> bool:
    try:
        import daemon.app.cli  # noqa: F401
    except ImportError:
        return False
    return True


#: The engine is being moved to the new ports on main; until it compiles the CLI does
#: not import, and the tests that run a command cannot pass.
needs_engine = pytest.mark.xfail(
    not _cli_loads(), reason="the engine on this main does not compile against the new ports yet"
)

#: "Now" for the stand-in and the adapters alike.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Berlin")
SCOPES = (CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE)


class Sleeps:
    """The backoff's clock: records every wait instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def write_token(standin: GoogleStandIn, path: Path, scopes: tuple[str, ...] = SCOPES) -> None:
    """A token file as `followup auth google` leaves it, for a new grant at the stand-in."""
    save_token(path, standin.credentials(list(scopes)).to_json())


class Google:
    """One test's world: the stand-in, the token file, and adapters built on one session."""

    def __init__(self, standin: GoogleStandIn, folder: Path) -> None:
        self.standin = standin
        self.folder = folder
        self.token_path = folder / "data" / "google-token.json"
        self.sleeps = Sleeps()
        write_token(standin, self.token_path)

    def options(self, **changes: object) -> GoogleOptions:
        values: dict[str, object] = {
            "token_path": self.token_path,
            "endpoint": self.standin.url,
            **changes,
        }
        return GoogleOptions.of(values)

    def session(self, *, timeout: float = 5.0, **changes: object) -> GoogleSession:
        backoff = Backoff(sleep=self.sleeps, random=lambda: 0.5)
        return GoogleSession(self.options(**changes), backoff=backoff, timeout=timeout)

    def calendar(self, session: GoogleSession | None = None, **changes: object) -> GoogleCalendar:
        return GoogleCalendar(session or self.session(**changes), timezone=ZONE, clock=lambda: NOW)

    def drafts(self, session: GoogleSession | None = None) -> GmailDraftStore:
        return GmailDraftStore(session or self.session(), DraftRecord(self.folder / FILE_NAME))


class QuickStandIn(GoogleStandIn):
    """The stand-in with a server loop that notices ``stop`` within 20 ms, not 500."""

    def start(self) -> QuickStandIn:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.standin = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self


@pytest.fixture
def standin() -> Iterator[GoogleStandIn]:
    with QuickStandIn(clock=lambda: NOW) as running:
        yield running


@pytest.fixture
def google(standin: GoogleStandIn, tmp_path: Path) -> Google:
    return Google(standin, tmp_path)
