"""Calendar events through the real googleapiclient: ids, insert/patch/update/delete, listing."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from tests.google_standin import CALENDAR_EVENTS, GoogleStandIn
from tests.google_standin.builders import at, body, reason, timed


@pytest.fixture
def calendar(google_standin: GoogleStandIn) -> Any:
    return google_standin.calendar_service().events()


def test_insert_then_get_round_trips_with_server_fields(calendar: Any) -> None:
    created = calendar.insert(calendarId="primary", body=body()).execute()
    fetched = calendar.get(calendarId="primary", eventId=created["id"]).execute()
    assert fetched == created
    assert created["status"] == "confirmed"
    assert created["organizer"] == {"email": "me@example.com", "self": True}
    assert created["iCalUID"].endswith("@google.com")
    assert set(created["id"]) <= set("0123456789abcdefghijklmnopqrstuv")


@pytest.mark.parametrize(
    "event_id",
    ["interview1", "abcd", "ABCDEF123", "abc-def-123", "x" * 6, "a" * 1025],
)
def test_client_ids_outside_base32hex_or_5_to_1024_long_are_refused(
    calendar: Any, event_id: str
) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=body(event_id)).execute()
    assert refused.value.status_code == 400


def test_a_hex_digest_is_a_valid_client_id(calendar: Any) -> None:
    event_id = hashlib.sha256(b"call:acme:1").hexdigest()
    assert calendar.insert(calendarId="primary", body=body(event_id)).execute()["id"] == event_id
    assert calendar.insert(calendarId="primary", body=body("a" * 1024)).execute()["id"]


def test_inserting_an_existing_id_answers_409_duplicate(calendar: Any) -> None:
    calendar.insert(calendarId="primary", body=body("call00001")).execute()
    with pytest.raises(HttpError) as twice:
        calendar.insert(calendarId="primary", body=body("call00001")).execute()
    assert twice.value.status_code == 409
    assert reason(twice.value) == "duplicate"


def test_a_deleted_events_id_stays_taken(calendar: Any, google_standin: GoogleStandIn) -> None:
    calendar.insert(calendarId="primary", body=body("call00002")).execute()
    google_standin.ui_delete_event("call00002")
    with pytest.raises(HttpError) as again:
        calendar.insert(calendarId="primary", body=body("call00002")).execute()
    assert again.value.status_code == 409


def test_delete_leaves_a_cancelled_event_and_a_second_delete_answers_410(calendar: Any) -> None:
    calendar.insert(calendarId="primary", body=body("call00003")).execute()
    assert calendar.delete(calendarId="primary", eventId="call00003").execute() == ""
    assert (
        calendar.get(calendarId="primary", eventId="call00003").execute()["status"] == "cancelled"
    )
    with pytest.raises(HttpError) as again:
        calendar.delete(calendarId="primary", eventId="call00003").execute()
    assert again.value.status_code == 410
    listed = calendar.list(calendarId="primary").execute()["items"]
    assert listed == []


def test_unknown_event_and_unknown_calendar_answer_404(calendar: Any) -> None:
    with pytest.raises(HttpError) as event:
        calendar.get(calendarId="primary", eventId="nosuchevent").execute()
    assert event.value.status_code == 404
    with pytest.raises(HttpError) as other:
        calendar.list(calendarId="nobody@example.com").execute()
    assert other.value.status_code == 404


def test_patch_merges_objects_replaces_arrays_and_null_deletes(calendar: Any) -> None:
    calendar.insert(
        calendarId="primary",
        body=body(
            "call00004",
            description="Notes",
            location="Phone",
            extendedProperties={"private": {"followup": "call", "key": "k1"}},
            attendees=[{"email": "a@corp.example"}, {"email": "b@corp.example"}],
        ),
    ).execute()
    patched = calendar.patch(
        calendarId="primary",
        eventId="call00004",
        body={
            "extendedProperties": {"private": {"key": "k2", "followup": None}},
            "attendees": [{"email": "c@corp.example"}],
            "description": None,
        },
    ).execute()
    assert patched["extendedProperties"] == {"private": {"key": "k2"}}
    assert [a["email"] for a in patched["attendees"]] == ["c@corp.example"]
    assert "description" not in patched
    assert patched["location"] == "Phone"
    assert patched["summary"] == "Call Ann"


def test_update_replaces_the_whole_event(calendar: Any) -> None:
    calendar.insert(calendarId="primary", body=body("call00005", description="Notes")).execute()
    updated = calendar.update(
        calendarId="primary", eventId="call00005", body=body(summary="Call Bob")
    ).execute()
    assert updated["summary"] == "Call Bob"
    assert "description" not in updated
    assert updated["id"] == "call00005"


def test_moving_an_event_raises_its_sequence(calendar: Any) -> None:
    calendar.insert(calendarId="primary", body=body("call00006")).execute()
    moved = calendar.patch(
        calendarId="primary",
        eventId="call00006",
        body={"start": timed("2026-12-02 10:00"), "end": timed("2026-12-02 10:30")},
    ).execute()
    assert moved["sequence"] == 1


@pytest.mark.parametrize(
    ("reminders", "why"),
    [
        (
            {
                "useDefault": False,
                "overrides": [{"method": "popup", "minutes": m} for m in range(6)],
            },
            "6",
        ),
        ({"useDefault": True, "overrides": [{"method": "popup", "minutes": 10}]}, "both"),
        ({"useDefault": False, "overrides": [{"method": "popup", "minutes": 40321}]}, "range"),
        ({"useDefault": False, "overrides": [{"minutes": 10}]}, "no method"),
    ],
)
def test_reminder_rules(calendar: Any, reminders: dict[str, Any], why: str) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=body(reminders=reminders)).execute()
    assert refused.value.status_code == 400, why


def test_five_popup_overrides_are_fine(calendar: Any) -> None:
    reminders = {
        "useDefault": False,
        "overrides": [{"method": "popup", "minutes": m} for m in range(5)],
    }
    created = calendar.insert(calendarId="primary", body=body(reminders=reminders)).execute()
    assert len(created["reminders"]["overrides"]) == 5


def test_patch_cannot_add_overrides_beside_default_reminders(calendar: Any) -> None:
    calendar.insert(calendarId="primary", body=body("call00007")).execute()
    with pytest.raises(HttpError) as refused:
        calendar.patch(
            calendarId="primary",
            eventId="call00007",
            body={"reminders": {"overrides": [{"method": "popup", "minutes": 5}]}},
        ).execute()
    assert reason(refused.value) == "cannotUseDefaultRemindersAndSpecifyOverride"


@pytest.mark.parametrize("missing", ["start", "end"])
def test_insert_needs_start_and_end(calendar: Any, missing: str) -> None:
    event = body()
    del event[missing]
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=event).execute()
    assert refused.value.status_code == 400
    assert f"Missing {missing} time" in str(refused.value)


def test_an_end_before_the_start_is_an_empty_time_range(calendar: Any) -> None:
    event = body(end=timed("2026-12-01 09:00"))
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=event).execute()
    assert reason(refused.value) == "timeRangeEmpty"


def test_a_local_time_needs_a_time_zone(calendar: Any) -> None:
    event = body(start={"dateTime": "2026-12-01T10:00:00"}, end={"dateTime": "2026-12-01T11:00:00"})
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=event).execute()
    assert "time zone" in str(refused.value)


def test_time_window_bounds_end_exclusively_by_time_min_and_start_by_time_max(
    calendar: Any,
) -> None:
    for event_id, start, end in [
        ("before001", "2026-12-01 08:00", "2026-12-01 09:00"),  # ends at timeMin: out
        ("inside001", "2026-12-01 08:30", "2026-12-01 09:30"),  # overlaps timeMin: in
        ("inside002", "2026-12-01 11:30", "2026-12-01 12:30"),  # overlaps timeMax: in
        ("after0001", "2026-12-01 12:00", "2026-12-01 13:00"),  # starts at timeMax: out
    ]:
        calendar.insert(
            calendarId="primary", body=body(event_id, start=timed(start), end=timed(end))
        ).execute()
    items = calendar.list(
        calendarId="primary",
        timeMin=at("2026-12-01 09:00").isoformat(),
        timeMax=at("2026-12-01 12:00").isoformat(),
    ).execute()["items"]
    assert sorted(item["id"] for item in items) == ["inside001", "inside002"]


def test_all_day_events_sit_in_the_calendars_time_zone(calendar: Any) -> None:
    calendar.insert(
        calendarId="primary",
        body=body("alldae001", start={"date": "2026-12-02"}, end={"date": "2026-12-03"}),
    ).execute()
    # 2026-12-01 23:30 UTC is already Dec 2 in Berlin.
    items = calendar.list(
        calendarId="primary", timeMin="2026-12-01T23:30:00Z", timeMax="2026-12-01T23:45:00Z"
    ).execute()["items"]
    assert [item["id"] for item in items] == ["alldae001"]


def test_order_by_start_time_needs_single_events(calendar: Any) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.list(calendarId="primary", orderBy="startTime").execute()
    assert refused.value.status_code == 400
    calendar.list(calendarId="primary", orderBy="startTime", singleEvents=True).execute()


def test_order_by_start_time(calendar: Any) -> None:
    calendar.insert(
        calendarId="primary",
        body=body("later0001", start=timed("2026-12-03 10:00"), end=timed("2026-12-03 11:00")),
    ).execute()
    calendar.insert(calendarId="primary", body=body("earlie001")).execute()
    items = calendar.list(calendarId="primary", orderBy="startTime", singleEvents=True).execute()
    assert [item["id"] for item in items["items"]] == ["earlie001", "later0001"]


def test_private_extended_property_filtering(calendar: Any) -> None:
    own = {"private": {"followup": "call", "key": "acme"}}
    calendar.insert(calendarId="primary", body=body("ouncall01", extendedProperties=own)).execute()
    calendar.insert(calendarId="primary", body=body("otherev01")).execute()
    calendar.insert(
        calendarId="primary",
        body=body("ouncall02", extendedProperties={"private": {"followup": "call", "key": "beta"}}),
    ).execute()
    one = calendar.list(calendarId="primary", privateExtendedProperty="followup=call").execute()
    assert sorted(item["id"] for item in one["items"]) == ["ouncall01", "ouncall02"]
    both = calendar.list(
        calendarId="primary", privateExtendedProperty=["followup=call", "key=acme"]
    ).execute()
    assert [item["id"] for item in both["items"]] == ["ouncall01"]


def test_show_deleted_lists_cancelled_events_with_only_their_id_and_status(
    calendar: Any,
) -> None:
    calendar.insert(calendarId="primary", body=body("gone00001")).execute()
    calendar.delete(calendarId="primary", eventId="gone00001").execute()
    items = calendar.list(calendarId="primary", showDeleted=True).execute()["items"]
    assert [(item["id"], item["status"]) for item in items] == [("gone00001", "cancelled")]
    assert "summary" not in items[0]


def test_free_text_q_matches_summary_description_and_attendees(calendar: Any) -> None:
    calendar.insert(
        calendarId="primary",
        body=body(
            "qmatch001", description="Phone screen", attendees=[{"email": "ann@acme.example"}]
        ),
    ).execute()
    calendar.insert(calendarId="primary", body=body("qother001", summary="Dentist")).execute()
    found = calendar.list(calendarId="primary", q="screen ann@acme").execute()["items"]
    assert [item["id"] for item in found] == ["qmatch001"]


def test_other_calendars_by_id(google_standin: GoogleStandIn) -> None:
    google_standin.add_calendar("team@group.calendar.google.com", owner="team@example.com")
    events = google_standin.calendar_service(google_standin.credentials([CALENDAR_EVENTS])).events()
    events.insert(calendarId="team@group.calendar.google.com", body=body("team00001")).execute()
    assert events.list(calendarId="primary").execute()["items"] == []
    team = events.list(calendarId="team@group.calendar.google.com").execute()["items"]
    assert [item["id"] for item in team] == ["team00001"]


def test_owned_scope_does_not_reach_a_calendar_the_user_does_not_own(
    google_standin: GoogleStandIn, calendar: Any
) -> None:
    google_standin.add_calendar("team@group.calendar.google.com", owner="team@example.com")
    with pytest.raises(HttpError) as refused:
        calendar.list(calendarId="team@group.calendar.google.com").execute()
    assert refused.value.status_code == 403


def test_a_read_only_calendar_refuses_writes(google_standin: GoogleStandIn) -> None:
    google_standin.add_calendar("holidays@example.com", owner="x@example.com", access_role="reader")
    events = google_standin.calendar_service(google_standin.credentials([CALENDAR_EVENTS])).events()
    with pytest.raises(HttpError) as refused:
        events.insert(calendarId="holidays@example.com", body=body()).execute()
    assert reason(refused.value) == "requiredAccessLevel"


def test_primary_is_the_users_own_calendar_id(calendar: Any) -> None:
    calendar.insert(calendarId="me@example.com", body=body("mine00001")).execute()
    assert calendar.get(calendarId="primary", eventId="mine00001").execute()["id"] == "mine00001"


def test_world_view_shows_stored_events(google_standin: GoogleStandIn, calendar: Any) -> None:
    calendar.insert(calendarId="primary", body=body("seen00001")).execute()
    stored = google_standin.event("seen00001")
    assert stored is not None and stored["summary"] == "Call Ann"
    assert [e["id"] for e in google_standin.events()] == ["seen00001"]
