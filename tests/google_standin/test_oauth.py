"""OAuth: refresh at the stand-in's token endpoint, invalid_grant, 401s, scopes, consent."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httplib2
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from googleapiclient.errors import HttpError

from tests.google_standin import (
    CALENDAR_EVENTS_OWNED,
    GMAIL_COMPOSE,
    TOKEN_METHOD_ID,
    GoogleStandIn,
)
from tests.google_standin.builders import reason


def test_an_expired_access_token_is_refreshed_once_and_the_call_succeeds(
    google_standin: GoogleStandIn,
) -> None:
    creds = google_standin.credentials([CALENDAR_EVENTS_OWNED])
    events = google_standin.calendar_service(creds).events()
    events.list(calendarId="primary").execute()
    first_token = creds.token
    google_standin.expire_access_token()
    events.list(calendarId="primary").execute()
    assert creds.token != first_token
    assert google_standin.counts[TOKEN_METHOD_ID] == 1
    # The 401 and the retried call both reached the server.
    assert google_standin.counts["calendar.events.list"] == 3


def test_a_revoked_refresh_token_raises_invalid_grant(google_standin: GoogleStandIn) -> None:
    creds = google_standin.credentials([CALENDAR_EVENTS_OWNED])
    events = google_standin.calendar_service(creds).events()
    google_standin.revoke_refresh_token(creds.refresh_token)
    with pytest.raises(RefreshError) as refused:
        events.list(calendarId="primary").execute()
    assert "invalid_grant" in str(refused.value)


def test_refreshing_directly_against_the_token_endpoint(google_standin: GoogleStandIn) -> None:
    from google.auth.transport.requests import Request

    _, refresh = google_standin.issue_token([CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE])
    creds = Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token=refresh,
        token_uri=google_standin.token_uri,
        client_id=google_standin.client_id,
        client_secret=google_standin.client_secret,
        scopes=[CALENDAR_EVENTS_OWNED],
    )
    creds.refresh(Request())  # type: ignore[no-untyped-call]
    assert creds.valid and creds.expiry is not None
    assert creds.granted_scopes == [CALENDAR_EVENTS_OWNED]


def test_a_scope_beyond_the_grant_is_refused_at_refresh(google_standin: GoogleStandIn) -> None:
    _, refresh = google_standin.issue_token([CALENDAR_EVENTS_OWNED])
    status, answer = _token(
        google_standin, grant_type="refresh_token", refresh_token=refresh, scope=GMAIL_COMPOSE
    )
    assert (status, answer["error"]) == (400, "invalid_scope")


def test_a_wrong_client_secret_is_invalid_client(google_standin: GoogleStandIn) -> None:
    _, refresh = google_standin.issue_token([CALENDAR_EVENTS_OWNED])
    status, answer = _token(
        google_standin, grant_type="refresh_token", refresh_token=refresh, client_secret="nope"
    )
    assert (status, answer["error"]) == (401, "invalid_client")


def test_an_unknown_access_token_answers_401_in_googles_format(
    google_standin: GoogleStandIn,
) -> None:
    response, content = httplib2.Http().request(
        google_standin.calendar_endpoint + "calendars/primary/events",
        "GET",
        headers={"Authorization": "Bearer ya29.made-up"},
    )
    assert response.status == 401
    error = json.loads(content)["error"]
    assert error["errors"][0]["reason"] == "authError"
    assert error["status"] == "UNAUTHENTICATED"
    assert "www-authenticate" in response


def test_no_token_at_all_answers_401(google_standin: GoogleStandIn) -> None:
    response, _ = httplib2.Http().request(
        google_standin.gmail_endpoint + "/gmail/v1/users/me/drafts"
    )
    assert response.status == 401


def test_a_token_without_the_methods_scope_answers_403(google_standin: GoogleStandIn) -> None:
    creds = google_standin.credentials([GMAIL_COMPOSE])
    events = google_standin.calendar_service(creds).events()
    with pytest.raises(HttpError) as refused:
        events.list(calendarId="primary").execute()
    assert refused.value.status_code == 403
    assert reason(refused.value) == "insufficientPermissions"


def test_a_read_only_calendar_scope_cannot_write(google_standin: GoogleStandIn) -> None:
    creds = google_standin.credentials(["https://www.googleapis.com/auth/calendar.readonly"])
    events = google_standin.calendar_service(creds).events()
    events.list(calendarId="primary").execute()
    with pytest.raises(HttpError) as refused:
        events.delete(calendarId="primary", eventId="abcdef").execute()
    assert refused.value.status_code == 403


def test_the_consent_flow_hands_out_a_refresh_token(
    google_standin: GoogleStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the stand-in speaks plain HTTP
    flow = Flow.from_client_config(
        google_standin.client_config(),
        scopes=[CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE],
        redirect_uri="http://localhost:8765/",
    )
    url, state = flow.authorization_url(access_type="offline", prompt="consent")
    http = httplib2.Http()
    http.follow_redirects = False
    response, _ = http.request(url)
    assert response.status == 302
    back = response["location"]
    assert parse_qs(urlsplit(back).query)["state"] == [state]
    flow.fetch_token(authorization_response=back)
    creds = flow.credentials
    assert creds.refresh_token
    events = google_standin.calendar_service(creds).events()
    assert events.list(calendarId="primary").execute()["items"] == []


def _token(google: GoogleStandIn, **form: str) -> tuple[int, dict[str, Any]]:
    fields = {"client_id": google.client_id, "client_secret": google.client_secret, **form}
    from urllib.parse import urlencode

    response, content = httplib2.Http().request(
        google.token_uri,
        "POST",
        body=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return response.status, json.loads(content)
