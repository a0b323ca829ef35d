"""Requests checked against the discovery documents: what the client does not check itself."""

from __future__ import annotations

import json
from typing import Any

import httplib2
import pytest
from googleapiclient.errors import HttpError

from tests.google_standin import CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE, GoogleStandIn
from tests.google_standin.builders import body


def raw_request(
    google: GoogleStandIn, method: str, path: str, payload: Any = None
) -> tuple[int, dict[str, Any]]:
    """A request the real client would refuse to send (it checks enums and names itself)."""
    access, _ = google.issue_token([CALENDAR_EVENTS_OWNED, GMAIL_COMPOSE])
    headers = {"Authorization": f"Bearer {access}", "Content-Type": "application/json"}
    data = None if payload is None else json.dumps(payload)
    response, content = httplib2.Http().request(
        google.url + path, method, body=data, headers=headers
    )
    return response.status, json.loads(content) if content else {}


@pytest.fixture
def calendar(google_standin: GoogleStandIn) -> Any:
    return google_standin.calendar_service().events()


def test_an_unknown_body_field_is_a_400(calendar: Any) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=body(summry="typo")).execute()
    assert refused.value.status_code == 400
    assert 'Unknown name "summry"' in str(refused.value)


def test_an_unknown_nested_field_is_a_400(calendar: Any) -> None:
    event = body(reminders={"useDefault": False, "overides": []})
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=event).execute()
    assert "overides" in str(refused.value)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "confirmd"},
        {"transparency": "see-through"},
        {"reminders": {"useDefault": False, "overrides": [{"method": "sms", "minutes": 5}]}},
        {"attendees": [{"email": "a@b.example", "responseStatus": "maybe"}]},
    ],
)
def test_a_value_outside_the_documented_list_is_a_400(
    calendar: Any, fields: dict[str, Any]
) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=body(**fields)).execute()
    assert refused.value.status_code == 400
    assert "is not one of" in str(refused.value)


@pytest.mark.parametrize(
    "fields",
    [
        {"summary": 5},
        {"attendees": {"email": "a@b.example"}},
        {"guestsCanModify": "yes"},
        {"sequence": "many"},
        {"extendedProperties": {"private": {"n": 1}}},
        {"start": {"dateTime": "tomorrow"}},
        {"start": {"date": "2026-13-01"}},
    ],
)
def test_a_value_of_the_wrong_type_is_a_400(calendar: Any, fields: dict[str, Any]) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=body(**fields)).execute()
    assert refused.value.status_code == 400


def test_a_bad_query_enum_is_refused_by_the_server_too(google_standin: GoogleStandIn) -> None:
    status, answer = raw_request(
        google_standin, "GET", "/calendar/v3/calendars/primary/events?orderBy=random"
    )
    assert status == 400
    assert answer["error"]["errors"][0]["location"] == "orderBy"


@pytest.mark.parametrize(
    "query",
    [
        "maxResult=5",  # unknown name
        "maxResults=five",  # not an integer
        "maxResults=0",  # below the minimum
        "singleEvents=yes",  # not a boolean
        "timeMin=2026-12-01",  # not an RFC 3339 timestamp
        "timeMin=2026-12-01T10:00:00",  # no offset
        "q=a&q=b",  # not repeatable
    ],
)
def test_bad_query_parameters_are_a_400(google_standin: GoogleStandIn, query: str) -> None:
    status, answer = raw_request(
        google_standin, "GET", f"/calendar/v3/calendars/primary/events?{query}"
    )
    assert status == 400, answer
    assert answer["error"]["code"] == 400
    assert answer["error"]["status"] == "INVALID_ARGUMENT"


def test_repeated_parameters_are_fine_where_declared(google_standin: GoogleStandIn) -> None:
    status, _ = raw_request(
        google_standin,
        "GET",
        "/calendar/v3/calendars/primary/events?privateExtendedProperty=a%3D1"
        "&privateExtendedProperty=b%3D2&alt=json&prettyPrint=false",
    )
    assert status == 200


def test_invalid_json_is_a_400(google_standin: GoogleStandIn) -> None:
    access, _ = google_standin.issue_token([CALENDAR_EVENTS_OWNED])
    response, _ = httplib2.Http().request(
        google_standin.calendar_endpoint + "calendars/primary/events",
        "POST",
        body="{not json",
        headers={"Authorization": f"Bearer {access}", "Content-Type": "application/json"},
    )
    assert response.status == 400


def test_an_unknown_path_is_a_404(google_standin: GoogleStandIn) -> None:
    status, _ = raw_request(google_standin, "GET", "/calendar/v3/calendars/primary/evnts")
    assert status == 404


def test_a_draft_needs_a_message(google_standin: GoogleStandIn) -> None:
    drafts = google_standin.gmail_service().users().drafts()
    with pytest.raises(HttpError) as refused:
        drafts.create(userId="me", body={}).execute()
    assert refused.value.status_code == 400


def test_sending_a_draft_needs_its_id(google_standin: GoogleStandIn) -> None:
    status, answer = raw_request(google_standin, "POST", "/gmail/v1/users/me/drafts/send", {})
    assert status == 400
    assert answer["error"]["errors"][0]["reason"] == "required"


def test_a_gmail_body_field_typo_is_a_400(google_standin: GoogleStandIn) -> None:
    drafts = google_standin.gmail_service().users().drafts()
    with pytest.raises(HttpError) as refused:
        drafts.create(userId="me", body={"mesage": {"raw": "eA"}}).execute()
    assert 'Unknown name "mesage"' in str(refused.value)


def test_raw_must_be_base64(google_standin: GoogleStandIn) -> None:
    drafts = google_standin.gmail_service().users().drafts()
    with pytest.raises(HttpError) as refused:
        drafts.create(userId="me", body={"message": {"raw": "not base64!"}}).execute()
    assert refused.value.status_code == 400


def test_unimplemented_methods_say_so(google_standin: GoogleStandIn) -> None:
    status, answer = raw_request(
        google_standin, "POST", "/calendar/v3/calendars/primary/events/quickAdd?text=Lunch"
    )
    assert status == 501
    assert "stand-in" in answer["error"]["message"]


def test_fields_trims_the_answer(google_standin: GoogleStandIn, calendar: Any) -> None:
    calendar.insert(calendarId="primary", body=body("trim00001", description="Notes")).execute()
    page = calendar.list(
        calendarId="primary", fields="items(id,start/dateTime),nextSyncToken"
    ).execute()
    assert set(page) == {"items", "nextSyncToken"}
    assert page["items"] == [
        {"id": "trim00001", "start": {"dateTime": "2026-12-01T10:00:00+01:00"}}
    ]


def test_a_broken_fields_selector_is_a_400(calendar: Any) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.list(calendarId="primary", fields="items(id").execute()
    assert refused.value.status_code == 400
