"""Invitations organized by someone else, and the user acting in the Google Calendar web UI."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from tests.google_standin import GoogleStandIn, web_ui_html
from tests.google_standin.builders import at, reason


@pytest.fixture
def calendar(google_standin: GoogleStandIn) -> Any:
    return google_standin.calendar_service().events()


@pytest.fixture
def invitation(google_standin: GoogleStandIn) -> dict[str, Any]:
    return google_standin.seed_invitation(
        "Interview with Acme",
        at("2026-12-01 10:00"),
        at("2026-12-01 11:00"),
        organizer=("Rita Recruiter", "rita@acme.example"),
        attendees=[("Hank Manager", "hank@acme.example")],
        description="Agenda: intro",
    )


def test_an_invitation_carries_the_organizer_and_marks_the_user_self(
    calendar: Any, invitation: dict[str, Any]
) -> None:
    got = calendar.get(calendarId="primary", eventId=invitation["id"]).execute()
    assert got["organizer"] == {"displayName": "Rita Recruiter", "email": "rita@acme.example"}
    by_email = {a["email"]: a for a in got["attendees"]}
    assert by_email["me@example.com"]["self"] is True
    assert by_email["me@example.com"]["responseStatus"] == "accepted"
    assert by_email["rita@acme.example"]["organizer"] is True
    assert "self" not in by_email["hank@acme.example"]


@pytest.mark.parametrize(
    "change",
    [
        {"description": "Company: Acme"},
        {"summary": "Interview (mine)"},
        {"location": "Berlin"},
        {"attendees": [{"email": "me@example.com"}]},
        {"extendedProperties": {"shared": {"x": "y"}}},
    ],
)
def test_a_guest_cannot_change_what_the_organizer_owns(
    calendar: Any, invitation: dict[str, Any], change: dict[str, Any]
) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.patch(calendarId="primary", eventId=invitation["id"], body=change).execute()
    assert refused.value.status_code == 403
    assert reason(refused.value) == "forbiddenForNonOrganizer"


def test_a_guest_can_change_their_own_copy(calendar: Any, invitation: dict[str, Any]) -> None:
    patched = calendar.patch(
        calendarId="primary",
        eventId=invitation["id"],
        body={
            "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 5}]},
            "extendedProperties": {"private": {"seen": "1"}},
            "colorId": "3",
        },
    ).execute()
    assert patched["extendedProperties"] == {"private": {"seen": "1"}}


def test_a_guest_can_answer_the_invitation(calendar: Any, invitation: dict[str, Any]) -> None:
    attendees = [
        {**a, "responseStatus": "declined"} if a["email"] == "me@example.com" else a
        for a in invitation["attendees"]
    ]
    patched = calendar.patch(
        calendarId="primary", eventId=invitation["id"], body={"attendees": attendees}
    ).execute()
    mine = [a for a in patched["attendees"] if a.get("self")]
    assert mine[0]["responseStatus"] == "declined"


def test_update_with_the_same_content_is_allowed_for_a_guest(
    calendar: Any, invitation: dict[str, Any]
) -> None:
    calendar.update(calendarId="primary", eventId=invitation["id"], body=invitation).execute()


def test_guests_can_modify_lets_a_guest_edit(google_standin: GoogleStandIn, calendar: Any) -> None:
    shared = google_standin.seed_invitation("Panel", at("2026-12-02 10:00"), guestsCanModify=True)
    patched = calendar.patch(
        calendarId="primary", eventId=shared["id"], body={"description": "Notes"}
    ).execute()
    assert patched["description"] == "Notes"


def test_the_organizer_editing_the_description_shows_up_as_html(
    google_standin: GoogleStandIn, calendar: Any, invitation: dict[str, Any]
) -> None:
    google_standin.ui_edit_description(
        invitation["id"], "Company: Acme & Co\nMet: Hank <hank@acme.example>"
    )
    got = calendar.get(calendarId="primary", eventId=invitation["id"]).execute()
    assert got["description"] == (
        "Company: Acme &amp; Co<br>"
        'Met: Hank &lt;<a href="mailto:hank@acme.example">hank@acme.example</a>&gt;'
    )


def test_web_ui_html_links_urls_and_mail_addresses() -> None:
    assert web_ui_html("see https://acme.example/job\nann@acme.example") == (
        'see <a href="https://acme.example/job">https://acme.example/job</a><br>'
        '<a href="mailto:ann@acme.example">ann@acme.example</a>'
    )


def test_the_user_moving_and_deleting_events_shows_in_sync(
    google_standin: GoogleStandIn, calendar: Any
) -> None:
    own = google_standin.seed_event("Call Acme", at("2026-12-03 09:00"))
    other = google_standin.seed_event("Call Beta", at("2026-12-03 11:00"))
    token = calendar.list(calendarId="primary").execute()["nextSyncToken"]
    moved = google_standin.ui_move_event(own["id"], at("2026-12-04 09:30"))
    google_standin.ui_delete_event(other["id"])
    assert moved["end"]["dateTime"] == "2026-12-04T10:30:00+01:00"
    changes = calendar.list(calendarId="primary", syncToken=token).execute()["items"]
    by_id = {c["id"]: c for c in changes}
    assert by_id[own["id"]]["start"]["dateTime"] == "2026-12-04T09:30:00+01:00"
    assert by_id[other["id"]]["status"] == "cancelled"


def test_the_user_deleting_an_invitation_removes_it_from_their_calendar(
    calendar: Any, invitation: dict[str, Any]
) -> None:
    calendar.delete(calendarId="primary", eventId=invitation["id"]).execute()
    assert calendar.list(calendarId="primary").execute()["items"] == []


def test_seeded_events_can_be_all_day_and_tagged(google_standin: GoogleStandIn) -> None:
    from datetime import date

    seeded = google_standin.seed_event(
        "Offsite", date(2026, 12, 5), private_properties={"followup": "call"}
    )
    assert seeded["start"] == {"date": "2026-12-05"}
    assert seeded["end"] == {"date": "2026-12-06"}
    assert seeded["extendedProperties"] == {"private": {"followup": "call"}}
    assert seeded["organizer"]["self"] is True
