"""A faithful, stateful stand-in for Google Calendar v3, Gmail v1 and Google's OAuth token endpoint.

Tests point the real `googleapiclient` (static discovery) at it over real HTTP on 127.0.0.1:

    with GoogleStandIn() as google:
        service = google.calendar_service(google.credentials([CALENDAR_EVENTS_OWNED]))
        # or: build("calendar", "v3", credentials=creds, static_discovery=True,
        #           client_options={"api_endpoint": google.calendar_endpoint})
        service.events().list(calendarId="primary").execute()

What it enforces, and where each rule comes from, is in README.md next to this file. In short:
every request is validated against the bundled discovery documents (query parameters and JSON
bodies); Calendar events keep sync tokens, tombstones, base32hex ids, patch semantics, reminder
limits, recurring series and the organizer's rights; Gmail keeps drafts and messages as RFC 5322
bytes; access tokens and scopes are checked on every call; faults are programmable per method id
(`google.faults`), and every request is counted (`google.counts`) and logged (`google.requests`).
"""

from .calendar_api import web_ui_html
from .errors import ApiError
from .faults import TOKEN_METHOD_ID, Fault, Faults, LoggedRequest
from .gmail_api import StoredDraft, StoredMessage
from .server import (
    CALENDAR_EVENTS,
    CALENDAR_EVENTS_OWNED,
    CALENDAR_SCOPE,
    DEFAULT_SCOPES,
    GMAIL_COMPOSE,
    GMAIL_READONLY,
    GoogleStandIn,
)
from .times import event_time

__all__ = [
    "CALENDAR_EVENTS",
    "CALENDAR_EVENTS_OWNED",
    "CALENDAR_SCOPE",
    "DEFAULT_SCOPES",
    "GMAIL_COMPOSE",
    "GMAIL_READONLY",
    "TOKEN_METHOD_ID",
    "ApiError",
    "Fault",
    "Faults",
    "GoogleStandIn",
    "LoggedRequest",
    "StoredDraft",
    "StoredMessage",
    "event_time",
    "web_ui_html",
]
