"""The stand-in's HTTP front: a real server on 127.0.0.1 that googleapiclient talks to.

Each request goes through the same steps as at Google: route (verb + path template from the
discovery documents), programmed faults, the access token and its scopes, validation of query
and body, then the action. A fault "drop after acting" runs the action and closes the socket
without answering, which is what makes httplib2 send a POST a second time by itself.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from . import discovery, fields
from .calendar_api import CalendarService, merge_patch, web_ui_html
from .errors import ApiError, OAuthError
from .faults import TOKEN_METHOD_ID, Faults, Kind, LoggedRequest, RequestLog
from .gmail_api import GmailService, StoredDraft, StoredMessage
from .oauth import TokenStore
from .times import event_time

CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"
CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events"
CALENDAR_EVENTS_OWNED = "https://www.googleapis.com/auth/calendar.events.owned"
GMAIL_COMPOSE = "https://www.googleapis.com/auth/gmail.compose"
GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly"
DEFAULT_SCOPES = (CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE)


class _Drop(Exception):
    """Close the connection without an answer."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    standin: GoogleStandIn


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Google's front ends
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            status, headers, payload = self.server.standin._dispatch(
                self.command, self.path, self.headers, body
            )
        except _Drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its timeout): nothing to answer

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        return


class GoogleStandIn:
    """Google Calendar v3 + Gmail v1 + OAuth token endpoint on 127.0.0.1, for tests.

    Use as a context manager (or the `google_standin` fixture). `issue_token(scopes)` hands out an
    (access, refresh) pair; `credentials(scopes)` builds google-auth credentials pointed at the
    stand-in's token endpoint; `calendar_service()` / `gmail_service()` build the real clients.
    """

    def __init__(
        self,
        *,
        user_email: str = "me@example.com",
        time_zone: str = "Europe/Berlin",
        clock: Callable[[], datetime] | None = None,
        client_id: str = "standin-client.apps.googleusercontent.com",
        client_secret: str = "standin-secret",
    ) -> None:
        self.user_email = user_email
        self.time_zone = time_zone
        self._clock = clock or (lambda: datetime.now(UTC))
        self.lock = threading.RLock()
        self.tokens = TokenStore(self.now, client_id, client_secret)
        self.calendar = CalendarService(self.now, user_email, time_zone)
        self.gmail = GmailService(self.now, user_email)
        self.faults = Faults()
        self.log = RequestLog()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----------------------------------------------------------------------

    def start(self) -> GoogleStandIn:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.standin = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="google-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> GoogleStandIn:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def now(self) -> datetime:
        return self._clock()

    # ---- addresses ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the stand-in is not running: use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def calendar_endpoint(self) -> str:
        """`client_options={"api_endpoint": ...}` for build("calendar", "v3", ...)."""
        return self.url + "/calendar/v3/"

    @property
    def gmail_endpoint(self) -> str:
        """`client_options={"api_endpoint": ...}` for build("gmail", "v1", ...)."""
        return self.url

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    @property
    def auth_uri(self) -> str:
        return self.url + "/o/oauth2/auth"

    @property
    def client_id(self) -> str:
        return self.tokens.client_id

    @property
    def client_secret(self) -> str:
        return self.tokens.client_secret

    def client_config(self) -> dict[str, Any]:
        """A Desktop-app client secrets document pointing at the stand-in (for InstalledAppFlow)."""
        return {
            "installed": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": self.auth_uri,
                "token_uri": self.token_uri,
                "redirect_uris": ["http://localhost"],
            }
        }

    # ---- OAuth --------------------------------------------------------------------------

    def issue_token(self, scopes: Iterable[str] = DEFAULT_SCOPES) -> tuple[str, str]:
        """A new grant for `scopes`: (access token, refresh token)."""
        return self.tokens.issue(scopes)

    def credentials(self, scopes: Iterable[str] = DEFAULT_SCOPES) -> Any:
        """google.oauth2.credentials.Credentials of a new grant, refreshing at the stand-in."""
        from google.oauth2.credentials import Credentials

        scopes = list(scopes)
        access, refresh = self.issue_token(scopes)
        return Credentials(  # type: ignore[no-untyped-call]
            token=access,
            refresh_token=refresh,
            token_uri=self.token_uri,
            client_id=self.client_id,
            client_secret=self.client_secret,
            scopes=scopes,
        )

    def authorized_http(self, credentials: Any, timeout: float | None = None) -> Any:
        import google_auth_httplib2
        import httplib2

        return google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))

    def calendar_service(self, credentials: Any = None, *, timeout: float | None = None) -> Any:
        return self._build("calendar", "v3", self.calendar_endpoint, credentials, timeout)

    def gmail_service(self, credentials: Any = None, *, timeout: float | None = None) -> Any:
        return self._build("gmail", "v1", self.gmail_endpoint, credentials, timeout)

    def _build(
        self, name: str, version: str, endpoint: str, credentials: Any, timeout: float | None
    ) -> Any:
        from googleapiclient.discovery import build

        credentials = credentials or self.credentials()
        return build(
            name,
            version,
            http=self.authorized_http(credentials, timeout),
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": endpoint},
        )

    def revoke_refresh_token(self, refresh_token: str | None = None) -> None:
        """The user revoked access (or a Testing-mode token expired): invalid_grant on refresh."""
        with self.lock:
            self.tokens.revoke(refresh_token)

    def expire_access_token(self, access_token: str | None = None) -> None:
        """An access token outlived its hour: calls answer 401 until the client refreshes."""
        with self.lock:
            self.tokens.expire(access_token)

    # ---- requests seen ------------------------------------------------------------------

    @property
    def counts(self) -> Counter[str]:
        """Requests that arrived, per method id (faulted and dropped ones included)."""
        return Counter(self.log.counts)

    @property
    def requests(self) -> list[LoggedRequest]:
        return list(self.log.entries)

    def reset_counts(self) -> None:
        self.log.reset()

    # ---- the world: Calendar --------------------------------------------------------------

    def add_calendar(
        self,
        calendar_id: str,
        *,
        owner: str | None = None,
        time_zone: str | None = None,
        summary: str | None = None,
        access_role: str = "owner",
    ) -> None:
        with self.lock:
            self.calendar.add_calendar(
                calendar_id,
                owner=owner,
                time_zone=time_zone,
                summary=summary,
                access_role=access_role,
            )

    def seed_event(
        self,
        summary: str,
        start: datetime | date,
        end: datetime | date | None = None,
        *,
        calendar_id: str = "primary",
        description: str | None = None,
        location: str | None = None,
        attendees: Iterable[tuple[str, str] | dict[str, Any]] = (),
        organizer: tuple[str, str] | None = None,
        recurrence: Iterable[str] | None = None,
        event_id: str | None = None,
        time_zone: str | None = None,
        private_properties: dict[str, str] | None = None,
        user_response: str = "accepted",
        **fields: Any,
    ) -> dict[str, Any]:
        """An event the user (or, with `organizer=(name, email)`, someone else) made in the web UI.

        `attendees` are (name, email) pairs or attendee objects; with an organizer the user is
        added as a guest (`self: true`, `responseStatus=user_response`) unless listed already.
        """
        if end is None:
            end = (
                start + timedelta(hours=1)
                if isinstance(start, datetime)
                else start + timedelta(days=1)
            )
        body: dict[str, Any] = {
            "summary": summary,
            "start": event_time(start, time_zone),
            "end": event_time(end, time_zone),
            **fields,
        }
        if event_id is not None:
            body["id"] = event_id
        if description is not None:
            body["description"] = description
        if location is not None:
            body["location"] = location
        if recurrence is not None:
            body["recurrence"] = list(recurrence)
        if private_properties:
            body["extendedProperties"] = {"private": dict(private_properties)}
        people = [
            dict(a)
            if isinstance(a, dict)
            else {"displayName": a[0], "email": a[1], "responseStatus": "accepted"}
            for a in attendees
        ]
        with self.lock:
            cal = self.calendar.calendar(calendar_id)
            person = None
            if organizer is not None:
                person = {"displayName": organizer[0], "email": organizer[1]}
                if not any(p.get("email", "").lower() == organizer[1].lower() for p in people):
                    people.insert(
                        0,
                        {
                            "displayName": organizer[0],
                            "email": organizer[1],
                            "organizer": True,
                            "responseStatus": "accepted",
                        },
                    )
                if not any(p.get("email", "").lower() == cal.owner.lower() for p in people):
                    people.append({"email": cal.owner, "responseStatus": user_response})
            if people:
                body["attendees"] = people
            return self.calendar.insert(cal, body, organizer=person)

    def seed_invitation(
        self,
        summary: str,
        start: datetime | date,
        end: datetime | date | None = None,
        *,
        organizer: tuple[str, str] = ("Olivia Organizer", "olivia@corp.example"),
        **kwargs: Any,
    ) -> dict[str, Any]:
        """An invitation organized by someone else; the user is a guest who cannot edit it."""
        return self.seed_event(summary, start, end, organizer=organizer, **kwargs)

    def ui_edit_event(
        self, event_id: str, *, calendar_id: str = "primary", **changes: Any
    ) -> dict[str, Any]:
        """A change made in the web UI (by the user, or the organizer for an invitation)."""
        with self.lock:
            cal = self.calendar.calendar(calendar_id)
            return self.calendar.modify(cal, event_id, changes, replace=False, as_world=True)

    def ui_move_event(
        self,
        event_id: str,
        start: datetime | date,
        end: datetime | date | None = None,
        *,
        calendar_id: str = "primary",
    ) -> dict[str, Any]:
        """Drag an event (or one instance of a series) to a new time; its length stays."""
        with self.lock:
            cal = self.calendar.calendar(calendar_id)
            current = self.calendar._get(cal, event_id)
            zone_name = current["start"].get("timeZone")
            if end is None:
                from .times import moment

                length = moment(current["end"], cal.time_zone, "end") - moment(
                    current["start"], cal.time_zone, "start"
                )
                end = start + length
            cleared = {"date": None, "dateTime": None, "timeZone": None}
            changes = {
                "start": {**cleared, **event_time(start, zone_name)},
                "end": {**cleared, **event_time(end, zone_name)},
            }
            return self.calendar.modify(cal, event_id, changes, replace=False, as_world=True)

    def ui_delete_event(self, event_id: str, *, calendar_id: str = "primary") -> None:
        with self.lock:
            self.calendar.delete(self.calendar.calendar(calendar_id), event_id)

    def ui_edit_description(
        self, event_id: str, text: str, *, calendar_id: str = "primary", as_html: bool = True
    ) -> dict[str, Any]:
        """Type `text` into the description box, stored as HTML the way the web UI stores it."""
        description = web_ui_html(text) if as_html else text
        return self.ui_edit_event(event_id, calendar_id=calendar_id, description=description)

    def expire_sync_tokens(self, calendar_id: str | None = None) -> None:
        """Google invalidated the sync tokens: the next incremental list answers 410."""
        with self.lock:
            self.calendar.expire_sync_tokens(calendar_id)

    def set_page_cap(self, size: int | None) -> None:
        """Serve short pages: at most `size` items, whatever maxResults asked for."""
        with self.lock:
            self.calendar.page_cap = size
            self.gmail.page_cap = size

    def event(self, event_id: str, *, calendar_id: str = "primary") -> dict[str, Any] | None:
        """The stored event (cancelled tombstones included), or None."""
        with self.lock:
            stored = self.calendar.calendar(calendar_id).events.get(event_id)
            return merge_patch(stored.resource, {}) if stored else None

    def events(
        self, *, calendar_id: str = "primary", include_cancelled: bool = False
    ) -> list[dict[str, Any]]:
        with self.lock:
            return [
                merge_patch(s.resource, {})
                for s in self.calendar.calendar(calendar_id).events.values()
                if include_cancelled or s.resource.get("status") != "cancelled"
            ]

    # ---- the world: Gmail -----------------------------------------------------------------

    def drafts(self) -> list[StoredDraft]:
        with self.lock:
            return list(self.gmail.drafts.values())

    def draft_message(self, draft_id: str) -> EmailMessage:
        with self.lock:
            message = self.gmail.messages[self.gmail.drafts[draft_id].message_id]
            parsed = message.parsed()
            assert isinstance(parsed, EmailMessage)
            return parsed

    def messages(self, label: str | None = None) -> list[StoredMessage]:
        with self.lock:
            return [m for m in self.gmail.messages.values() if label is None or label in m.labels]

    def ui_send_draft(self, draft_id: str) -> StoredMessage:
        """The user pressed Send on a draft in Gmail."""
        with self.lock:
            return self.gmail.send_draft(draft_id)

    def ui_delete_draft(self, draft_id: str) -> None:
        """The user discarded a draft in Gmail."""
        with self.lock:
            self.gmail.delete_draft(draft_id)

    def ui_edit_draft(self, draft_id: str, raw: bytes | EmailMessage) -> StoredDraft:
        """The user edited a draft: same draft id, a new message id."""
        with self.lock:
            return self.gmail.update_draft(draft_id, _bytes(raw))

    def deliver(
        self, raw: bytes | EmailMessage, labels: Iterable[str] = ("INBOX", "UNREAD")
    ) -> StoredMessage:
        """A message arrives in the mailbox (a reply, say)."""
        with self.lock:
            return self.gmail.deliver(_bytes(raw), labels)

    # ---- the request path -----------------------------------------------------------------

    def _dispatch(
        self, verb: str, target: str, headers: Any, raw_body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True)
        body = _json(raw_body, headers.get("Content-Type", ""))
        if parts.path == "/token":
            return self._oauth(verb, query, raw_body, headers.get("Authorization"))
        if parts.path == "/o/oauth2/auth":
            return self._authorize(query)
        found = discovery.route(verb, parts.path)
        method_id = found[0].id if found else f"unknown {verb} {parts.path}"
        entry = LoggedRequest(method_id, verb, parts.path, query, body)
        self.log.record(entry)
        if found is None:
            return self._error(entry, ApiError(404, f"Not Found: {verb} {parts.path}", "notFound"))
        method, path_params = found
        fault = self.faults.take(method.id)
        if fault is not None:
            entry.fault = fault.kind.value
            if fault.kind is Kind.ERROR and fault.error is not None:
                return self._error(entry, fault.error)
            if fault.kind is Kind.DROP_BEFORE:
                raise _Drop
            if fault.kind is Kind.SLOW and not fault.after_acting:
                self._stopping.wait(fault.seconds)
        failure: ApiError | None = None
        try:
            with self.lock:
                token = self.tokens.authorize(method, headers.get("Authorization"))
                if body is _INVALID_JSON:
                    raise ApiError(400, "Invalid JSON payload received.", "parseError")
                values = discovery.check_query(method, query)
                if "fields" in values:
                    fields.parse(values["fields"])
                discovery.check_body(method, body)
                service = self.calendar if method.api == "calendar" else self.gmail
                status, answer = service.handle(method.id, path_params, values, body, token.scopes)
        except ApiError as error:
            status, answer, failure = error.code, error.body(), error
        # The connection breaks after the server acted, whatever the outcome was.
        if fault is not None and fault.kind is Kind.DROP_AFTER:
            raise _Drop
        if fault is not None and fault.kind is Kind.SLOW and fault.after_acting:
            self._stopping.wait(fault.seconds)
        if failure is not None:
            return self._error(entry, failure)
        entry.status, entry.response = status, answer
        if answer is None:
            return status, {}, b""
        if "fields" in query:
            answer = fields.apply(answer, fields.parse(query["fields"][0]))
        return (
            status,
            {"Content-Type": "application/json; charset=UTF-8"},
            json.dumps(answer).encode(),
        )

    def _error(self, entry: LoggedRequest, error: ApiError) -> tuple[int, dict[str, str], bytes]:
        entry.status, entry.response = error.code, error.body()
        headers = {"Content-Type": "application/json; charset=UTF-8", **error.headers}
        return error.code, headers, json.dumps(error.body()).encode()

    def _oauth(
        self, verb: str, query: dict[str, list[str]], raw_body: bytes, authorization: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        form = {k: v[0] for k, v in parse_qs(raw_body.decode(), keep_blank_values=True).items()}
        if authorization and authorization.startswith("Basic "):
            # Client credentials may come as HTTP Basic auth instead (requests-oauthlib does so).
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            form.setdefault("client_id", unquote(user))
            form.setdefault("client_secret", unquote(password))
        entry = LoggedRequest(
            TOKEN_METHOD_ID,
            verb,
            "/token",
            query,
            {k: v for k, v in form.items() if "secret" not in k},
        )
        self.log.record(entry)
        fault = self.faults.take(TOKEN_METHOD_ID)
        if fault is not None:
            entry.fault = fault.kind.value
            if fault.kind is Kind.ERROR and fault.error is not None:
                # The token endpoint speaks OAuth's error format, not the APIs' one.
                failure = OAuthError(fault.error.code, fault.error.reason, fault.error.message)
                entry.status = failure.code
                return failure.code, _JSON, json.dumps(failure.body()).encode()
            if fault.kind in (Kind.DROP_BEFORE, Kind.DROP_AFTER):
                raise _Drop
            self._stopping.wait(fault.seconds)
        try:
            with self.lock:
                answer = self.tokens.token_endpoint(form)
        except OAuthError as error:
            entry.status = error.code
            return (
                error.code,
                {"Content-Type": "application/json; charset=utf-8"},
                json.dumps(error.body()).encode(),
            )
        entry.status = 200
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(answer).encode()

    def _authorize(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        """The consent screen, already clicked through: redirect back with a code."""
        first = {k: v[0] for k, v in query.items()}
        redirect = first.get("redirect_uri", "")
        if first.get("client_id") != self.client_id or not redirect:
            return 400, {"Content-Type": "text/plain"}, b"Error 401: invalid_client"
        with self.lock:
            code = self.tokens.authorization_code(
                self.client_id, redirect, first.get("scope", "").split()
            )
        params = {"code": code, "scope": first.get("scope", "")}
        if "state" in first:
            params["state"] = first["state"]
        location = redirect + ("&" if "?" in redirect else "?") + urlencode(params)
        return 302, {"Location": location}, b""


_INVALID_JSON = object()
_JSON = {"Content-Type": "application/json; charset=utf-8"}


def _json(raw: bytes, content_type: str) -> Any:
    if not raw or "json" not in content_type:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return _INVALID_JSON


def _bytes(raw: bytes | EmailMessage) -> bytes:
    return raw.as_bytes() if isinstance(raw, EmailMessage) else raw
