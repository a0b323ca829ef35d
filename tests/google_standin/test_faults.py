"""Programmed faults, as the real client experiences them, and the request counts and log."""

from __future__ import annotations

import base64
import json
from email.message import EmailMessage
from typing import Any

import pytest
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from tests.google_standin import TOKEN_METHOD_ID, GoogleStandIn
from tests.google_standin.builders import body, reason

INSERT = "calendar.events.insert"
LIST = "calendar.events.list"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The client's backoff sleeps, recorded instead of slept (googleapiclient's, not ours)."""
    slept: list[float] = []
    monkeypatch.setattr("googleapiclient.http.time.sleep", slept.append)
    return slept


@pytest.fixture
def calendar(google_standin: GoogleStandIn) -> Any:
    return google_standin.calendar_service().events()


def error_of(error: HttpError) -> dict[str, Any]:
    return dict(json.loads(error.content)["error"])


def test_num_retries_rides_out_two_503s(
    google_standin: GoogleStandIn, calendar: Any, sleeps: list[float]
) -> None:
    google_standin.faults.fail(LIST, 503, times=2)
    page = calendar.list(calendarId="primary").execute(num_retries=3)
    assert page["items"] == []
    assert google_standin.counts[LIST] == 3
    assert len(sleeps) == 2


def test_without_retries_the_503_surfaces(google_standin: GoogleStandIn, calendar: Any) -> None:
    google_standin.faults.fail(LIST, 503)
    with pytest.raises(HttpError) as failed:
        calendar.list(calendarId="primary").execute()
    assert failed.value.status_code == 503
    assert error_of(failed.value)["status"] == "UNAVAILABLE"
    calendar.list(calendarId="primary").execute()


def test_429_in_googles_format_with_retry_after(
    google_standin: GoogleStandIn, calendar: Any
) -> None:
    google_standin.faults.rate_limit(LIST, retry_after=7)
    with pytest.raises(HttpError) as limited:
        calendar.list(calendarId="primary").execute()
    assert limited.value.status_code == 429
    assert limited.value.resp["retry-after"] == "7"
    error = error_of(limited.value)
    assert error["code"] == 429 and error["status"] == "RESOURCE_EXHAUSTED"
    assert error["errors"] == [
        {"domain": "usageLimits", "reason": "rateLimitExceeded", "message": "Rate Limit Exceeded"}
    ]
    assert error["message"] == "Rate Limit Exceeded"


@pytest.mark.parametrize("why", ["rateLimitExceeded", "userRateLimitExceeded"])
def test_403_rate_limits_are_retried_by_the_client(
    google_standin: GoogleStandIn, calendar: Any, sleeps: list[float], why: str
) -> None:
    google_standin.faults.rate_limit(LIST, status=403, reason=why, times=2)
    calendar.list(calendarId="primary").execute(num_retries=2)
    assert google_standin.counts[LIST] == 3


def test_a_403_rate_limit_carries_its_reason(google_standin: GoogleStandIn, calendar: Any) -> None:
    google_standin.faults.rate_limit(LIST, status=403, reason="userRateLimitExceeded")
    with pytest.raises(HttpError) as limited:
        calendar.list(calendarId="primary").execute()
    assert limited.value.status_code == 403
    assert reason(limited.value) == "userRateLimitExceeded"
    assert error_of(limited.value)["message"] == "User Rate Limit Exceeded"


def test_a_long_stretch_of_rate_limits_until_cleared(
    google_standin: GoogleStandIn, calendar: Any
) -> None:
    google_standin.faults.rate_limit(LIST, times=None)
    for _ in range(4):
        with pytest.raises(HttpError):
            calendar.list(calendarId="primary").execute()
    assert len(google_standin.faults.pending(LIST)) == 1
    google_standin.faults.clear(LIST)
    calendar.list(calendarId="primary").execute()
    assert google_standin.counts[LIST] == 5


def test_a_500_does_not_act(google_standin: GoogleStandIn, calendar: Any) -> None:
    google_standin.faults.fail(INSERT, 500)
    with pytest.raises(HttpError) as failed:
        calendar.insert(calendarId="primary", body=body("abc00001")).execute()
    assert reason(failed.value) == "backendError"
    assert google_standin.event("abc00001") is None


def test_a_dropped_insert_is_resent_by_httplib2_and_answered_409(
    google_standin: GoogleStandIn, calendar: Any
) -> None:
    google_standin.faults.drop_after_acting(INSERT)
    with pytest.raises(HttpError) as resent:
        calendar.insert(calendarId="primary", body=body("abc00002")).execute()
    assert resent.value.status_code == 409
    assert google_standin.counts[INSERT] == 2
    assert [e["id"] for e in google_standin.events()] == ["abc00002"]
    first, second = google_standin.requests
    assert (first.status, first.fault) == (None, "drop_after")
    assert second.status == 409


def test_a_dropped_draft_create_is_resent_and_makes_a_second_draft(
    google_standin: GoogleStandIn,
) -> None:
    """Gmail has no idempotency key: the client must find the first draft by its own key."""
    google_standin.faults.drop_after_acting("gmail.users.drafts.create")
    message = EmailMessage()
    message["To"] = "ann@acme.example"
    message["Message-ID"] = "<k@followup.example>"
    message.set_content("Thanks")
    raw = base64.urlsafe_b64encode(message.as_bytes()).decode()
    drafts = google_standin.gmail_service().users().drafts()
    drafts.create(userId="me", body={"message": {"raw": raw}}).execute()
    assert google_standin.counts["gmail.users.drafts.create"] == 2
    assert len(google_standin.drafts()) == 2


def test_two_drops_in_a_row_surface_as_a_connection_error(
    google_standin: GoogleStandIn, calendar: Any
) -> None:
    google_standin.faults.drop_after_acting(INSERT, times=2)
    with pytest.raises(ConnectionError):
        calendar.insert(calendarId="primary", body=body("abc00003")).execute()
    assert google_standin.counts[INSERT] == 2
    assert google_standin.event("abc00003") is not None


def test_drop_before_acting_leaves_nothing_behind(
    google_standin: GoogleStandIn, calendar: Any
) -> None:
    google_standin.faults.drop_before_acting(INSERT, times=2)
    with pytest.raises(ConnectionError):
        calendar.insert(calendarId="primary", body=body("abc00004")).execute()
    assert google_standin.event("abc00004") is None


def test_a_slow_answer_past_the_client_timeout_after_the_server_acted(
    google_standin: GoogleStandIn,
) -> None:
    calendar = google_standin.calendar_service(timeout=0.2).events()
    google_standin.faults.slow(INSERT, 2.0)
    with pytest.raises(TimeoutError):
        calendar.insert(calendarId="primary", body=body("abc00005")).execute()
    assert google_standin.event("abc00005") is not None
    with pytest.raises(HttpError) as again:
        calendar.insert(calendarId="primary", body=body("abc00005")).execute()
    assert again.value.status_code == 409


def test_a_slow_answer_within_the_timeout_arrives(
    google_standin: GoogleStandIn, calendar: Any
) -> None:
    google_standin.faults.slow(LIST, 0.05, after_acting=False)
    assert calendar.list(calendarId="primary").execute()["items"] == []
    assert google_standin.requests[0].fault == "slow"


def test_a_wildcard_fault_hits_any_method(google_standin: GoogleStandIn) -> None:
    google_standin.faults.fail("*", 500, times=1)
    drafts = google_standin.gmail_service().users().drafts()
    with pytest.raises(HttpError):
        drafts.list(userId="me").execute()
    drafts.list(userId="me").execute()


def test_a_token_endpoint_fault(google_standin: GoogleStandIn, calendar: Any) -> None:
    google_standin.expire_access_token()
    google_standin.faults.fail(TOKEN_METHOD_ID, 400, reason="invalid_grant", times=None)
    with pytest.raises(RefreshError, match="invalid_grant"):
        calendar.list(calendarId="primary").execute()


def test_counts_and_log_record_every_request(google_standin: GoogleStandIn, calendar: Any) -> None:
    calendar.insert(calendarId="primary", body=body("abc00006")).execute()
    calendar.list(calendarId="primary", maxResults=5).execute()
    calendar.list(calendarId="primary").execute()
    assert google_standin.counts == {INSERT: 1, LIST: 2}
    logged = google_standin.requests
    assert [r.method_id for r in logged] == [INSERT, LIST, LIST]
    assert logged[0].body["id"] == "abc00006"
    assert logged[1].query["maxResults"] == ["5"]
    assert [r.status for r in logged] == [200, 200, 200]
    google_standin.reset_counts()
    assert google_standin.counts == {}
    assert google_standin.requests == []


def test_a_transient_token_endpoint_failure_is_retried_by_google_auth(
    google_standin: GoogleStandIn, calendar: Any
) -> None:
    google_standin.expire_access_token()
    google_standin.faults.fail(TOKEN_METHOD_ID, 503)
    calendar.list(calendarId="primary").execute()
    assert google_standin.counts[TOKEN_METHOD_ID] == 2
