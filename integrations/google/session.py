"""One Google account, shared by the Calendar and Gmail backends.

The session holds the credential (loaded from the token file, refreshed by
google-auth when it expires) and gives each thread its own authorized HTTP
object and API clients: httplib2 is not thread-safe.

When Google says the grant is gone (``invalid_grant``: revoked, or expired after
7 days for an app left in *Testing*), the session stops calling Google and raises
``NeedsUserError`` with the command to run, every time, without a request, until
the token file is replaced; then it loads the new one and goes on by itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build

from daemon.domain.errors import NeedsUserError
from integrations.google import scopes as scope_names
from integrations.google import tokens
from integrations.google.errors import AuthorizationLost, needs_authorization
from integrations.google.http import GuardedHttp
from integrations.google.retries import Backoff, execute, retry_write

log = logging.getLogger(__name__)

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address)
#: Seconds to wait for an answer before the request counts as failed (and is retried
#: if it was a read).
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class GoogleOptions:
    """The ``[google]`` table, checked (see ``integrations.google`` for the keys)."""

    token_path: Path
    calendar_ids: tuple[str, ...] = (scope_names.PRIMARY,)
    calls_calendar: str = scope_names.PRIMARY
    client_secrets: Path | None = None
    #: Tests only: a stand-in's base URL in place of Google's hosts.
    endpoint: str = ""

    @classmethod
    def of(cls, options: Mapping[str, Any]) -> GoogleOptions:
        return cls(
            token_path=Path(options["token_path"]),
            calendar_ids=tuple(options.get("calendar_ids", (scope_names.PRIMARY,))),
            calls_calendar=str(options.get("calls_calendar", scope_names.PRIMARY)),
            client_secrets=options.get("client_secrets"),
            endpoint=str(options.get("endpoint", "")),
        )

    @property
    def calendars_read(self) -> tuple[str, ...]:
        """Every calendar listed: the configured ones and the one the calls go to."""
        ids = list(dict.fromkeys(self.calendar_ids))
        if self.calls_calendar not in ids:
            ids.append(self.calls_calendar)
        return tuple(ids)

    @property
    def calendar_scope(self) -> str:
        return scope_names.calendar_scope(self.calendar_ids, self.calls_calendar)

    def api_endpoint(self, api: str) -> str | None:
        if not self.endpoint:
            return None
        base = self.endpoint.rstrip("/")
        # Calendar's paths are relative to its service path; Gmail's carry it.
        return f"{base}/calendar/v3/" if api == "calendar" else base

    def token_uri(self, stored: str | None) -> str:
        return f"{self.endpoint.rstrip('/')}/token" if self.endpoint else stored or GOOGLE_TOKEN_URI


_API_VERSIONS = {"calendar": "v3", "gmail": "v1"}


@dataclass
class _ThreadClients:
    generation: int
    clients: dict[str, Any] = field(default_factory=dict)


class GoogleSession:
    """Credentials plus one authorized HTTP object per thread, for both backends."""

    def __init__(
        self,
        options: GoogleOptions,
        *,
        backoff: Backoff | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        http_factory: Callable[[float, str], Any] | None = None,
    ) -> None:
        self.options = options
        self.backoff = backoff or Backoff()
        self._timeout = timeout
        self._http_factory = http_factory or (
            lambda timeout, token_uri: GuardedHttp(timeout=timeout, token_uri=token_uri)
        )
        self._lock = threading.Lock()
        self._local = threading.local()
        self._credentials: Credentials | None = None
        #: The token file as it was when it was loaded (or found wanting).
        self._loaded: tuple[int, int, int] | None = None
        #: Set while the user must act; the signature of the file that failed.
        self._blocked: tuple[NeedsUserError, tuple[int, int, int] | None] | None = None
        self._generation = 0

    # -- for the backends --------------------------------------------------------

    def client(self, api: str) -> Any:
        """This thread's client for ``api`` ("calendar" or "gmail"), built on first use."""
        credentials = self._ready(api)
        local: _ThreadClients | None = getattr(self._local, "state", None)
        if local is None or local.generation != self._generation:
            local = _ThreadClients(self._generation)
            self._local.state = local
        if api not in local.clients:
            http = AuthorizedHttp(
                credentials, http=self._http_factory(self._timeout, credentials.token_uri)
            )
            endpoint = self.options.api_endpoint(api)
            local.clients[api] = build(
                api,
                _API_VERSIONS[api],
                http=http,
                static_discovery=True,
                cache_discovery=False,
                client_options={"api_endpoint": endpoint} if endpoint else None,
            )
        return local.clients[api]

    def read(self, request: Any, what: str) -> Any:
        """Execute a read: retried after rate limits, server errors and lost answers."""
        return self._guarded(lambda: execute(request, what, self.backoff))

    def write(self, request: Any, what: str) -> Any:
        """Execute a write once (rate limits aside); ``Unanswered`` if its fate is unknown."""
        return self._guarded(lambda: execute(request, what, self.backoff, write=True))

    def keyed(self, attempt: Callable[[], Any], what: str) -> Any:
        """Run a write's whole key path, again after ``Unanswered`` (see ``retry_write``)."""
        return retry_write(attempt, what, self.backoff)

    # -- credentials ----------------------------------------------------------------

    def _guarded(self, run: Callable[[], Any]) -> Any:
        try:
            return run()
        except AuthorizationLost as error:
            with self._lock:
                self._blocked = (error, self._loaded)
            log.warning("%s", error)
            raise

    def _ready(self, api: str) -> Credentials:
        path = self.options.token_path
        current = tokens.signature(path)
        with self._lock:
            if self._blocked is not None:
                error, at = self._blocked
                if current == at:
                    raise error
                self._blocked = None  # a new token file: try it
            if self._credentials is None or current != self._loaded:
                self._credentials = self._load(path, current)
                self._loaded = current
                self._generation += 1
            credentials = self._credentials
        needed = self.options.calendar_scope if api == "calendar" else scope_names.GMAIL_COMPOSE
        granted = list(credentials.scopes or [])
        if granted and scope_names.missing([needed], granted):
            raise needs_authorization(
                f"the token does not allow {scope_names.short(needed)}"
                f" (it has {', '.join(scope_names.short(s) for s in granted)})"
            )
        return credentials

    def _load(self, path: Path, current: tuple[int, int, int] | None) -> Credentials:
        if current is None:
            raise needs_authorization(f"not connected yet (no token file at {path})")
        try:
            info = tokens.read_token(path)
            credentials = Credentials.from_authorized_user_info(info)  # type: ignore[no-untyped-call]
        except (OSError, ValueError) as error:
            raise needs_authorization(f"the token file {path} cannot be used ({error})") from None
        # from_authorized_user_info always names Google's token endpoint.
        moved: Credentials = credentials.with_token_uri(
            self.options.token_uri(info.get("token_uri"))
        )
        return moved
