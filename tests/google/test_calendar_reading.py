"""Reading Google Calendar: full sync over a window, then incremental sync with syncToken."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from daemon.domain.errors import NeedsUserError
from daemon.domain.model import EventId, EventStatus, OwnKind, PartStat
from integrations.google.checkpoint import Checkpoint
from tests.google_standin import CALENDAR_EVENTS, GMAIL_COMPOSE, GoogleStandIn

from .conftest import NOW, ZONE, Google, write_token

WORK = "work@group.calendar.google.com"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def test_first_listing_is_complete_over_a_window_anchored_at_midnight_utc(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.seed_invitation("Interview with Acme", at("2026-03-11 10:00"))
    standin.seed_event("Dentist", at("2026-01-01 10:00"))  # 68 days back: outside
    standin.seed_event("Far ahead", at("2026-08-01 10:00"))  # 144 days ahead: outside

    changes = google.calendar().changes(None)

    assert changes.complete
    assert [e.title for e in changes.events] == ["Interview with Acme"]
    assert changes.window_start == datetime(2026, 1, 9, tzinfo=NOW.tzinfo)
    (listing,) = [r for r in standin.requests if r.method_id == "calendar.events.list"]
    assert listing.query["timeMin"] == ["2026-01-09T00:00:00Z"]
    assert listing.query["timeMax"] == ["2026-07-08T00:00:00Z"]
    assert listing.query["singleEvents"] == ["true"]


def test_an_event_reads_as_the_core_sees_it(google: Google, standin: GoogleStandIn) -> None:
    standin.seed_invitation(
        "Interview: backend engineer",
        at("2026-03-11 10:00"),
        at("2026-03-11 11:00"),
        organizer=("Dana Lee", "dana@acme.example"),
        attendees=[
            {"email": "sam@acme.example", "displayName": "Sam Park", "responseStatus": "declined"},
            {"email": "room-1@resource.calendar.google.com", "resource": True},
        ],
        description="Company: Acme<br>Met: <b>Sam Park</b>",
    )

    (event,) = google.calendar().changes(None).events

    assert event.start == at("2026-03-11 10:00") and event.end == at("2026-03-11 11:00")
    assert event.organizer == "dana@acme.example"
    assert event.description == "Company: Acme<br>Met: <b>Sam Park</b>"  # HTML as stored
    by_email = {a.email: a for a in event.attendees}
    assert by_email["sam@acme.example"].partstat is PartStat.DECLINED
    assert by_email["sam@acme.example"].name == "Sam Park"
    assert by_email["room-1@resource.calendar.google.com"].resource
    assert by_email[standin.user_email].partstat is PartStat.ACCEPTED
    assert event.status is EventStatus.CONFIRMED and event.own is None and not event.all_day


def test_all_day_events_are_marked_and_read_in_the_users_zone(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.seed_event("Career fair", date(2026, 3, 12))
    (event,) = google.calendar().changes(None).events
    assert event.all_day
    assert event.start == at("2026-03-12 00:00") and event.end == at("2026-03-13 00:00")


def test_recurring_events_come_as_instances_named_by_series_and_original_start(
    google: Google, standin: GoogleStandIn
) -> None:
    series = standin.seed_event(
        "Weekly interview loop",
        at("2026-03-09 10:00"),
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"],
        time_zone="Europe/Berlin",
    )

    events = google.calendar().changes(None).events

    assert [e.id for e in events] == [
        EventId(series["id"], "2026-03-09T09:00:00Z"),
        EventId(series["id"], "2026-03-16T09:00:00Z"),
        EventId(series["id"], "2026-03-23T09:00:00Z"),
    ]


def test_pages_are_followed_and_the_sync_token_comes_from_the_last(
    google: Google, standin: GoogleStandIn
) -> None:
    for day in range(7):
        standin.seed_event(f"Event {day}", at("2026-03-11 10:00") + timedelta(days=day))
    standin.set_page_cap(3)
    calendar = google.calendar()

    first = calendar.changes(None)
    assert len(first.events) == 7
    assert standin.counts["calendar.events.list"] == 3

    standin.reset_counts()
    again = calendar.changes(first.checkpoint)
    assert not again.complete and again.events == ()
    assert standin.counts["calendar.events.list"] == 1


def test_later_listings_bring_only_changes_and_deletions(
    google: Google, standin: GoogleStandIn
) -> None:
    kept = standin.seed_event("Interview A", at("2026-03-11 10:00"))
    gone = standin.seed_event("Interview B", at("2026-03-12 10:00"))
    calendar = google.calendar()
    first = calendar.changes(None)

    standin.ui_edit_description(kept["id"], "Hear back: in 2 weeks")
    standin.ui_delete_event(gone["id"])
    new = standin.seed_event("Interview C", at("2026-03-13 10:00"))
    standin.reset_counts()
    later = calendar.changes(first.checkpoint)

    assert not later.complete
    assert sorted(e.title for e in later.events) == ["Interview A", "Interview C"]
    assert later.removed == (EventId(gone["id"]),)
    assert {e.id for e in later.events} == {EventId(kept["id"]), EventId(new["id"])}
    assert standin.counts == {"calendar.events.list": 1}
    (listing,) = standin.requests
    assert "timeMin" not in listing.query and listing.query["singleEvents"] == ["true"]


def test_a_deleted_instance_of_a_series_is_removed_by_its_occurrence(
    google: Google, standin: GoogleStandIn
) -> None:
    series = standin.seed_event(
        "Interview loop", at("2026-03-09 10:00"), recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"]
    )
    calendar = google.calendar()
    first = calendar.changes(None)
    second_id = [
        e
        for e in standin.calendar_service()
        .events()
        .instances(calendarId="primary", eventId=series["id"])
        .execute()["items"]
    ][1]["id"]

    standin.ui_delete_event(second_id)
    later = calendar.changes(first.checkpoint)

    assert later.removed == (EventId(series["id"], "2026-03-16T09:00:00Z"),)


def test_a_secondary_calendar_needs_the_broader_scope_and_says_so_without_a_request(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.add_calendar(WORK, owner="boss@corp.example", access_role="reader")
    with pytest.raises(NeedsUserError, match=r"calendar\.events.*followup auth google"):
        google.calendar(calendar_ids=("primary", WORK)).changes(None)
    assert standin.counts["calendar.events.list"] == 0


def test_several_calendars_are_read_and_each_keeps_its_own_token(
    google: Google, standin: GoogleStandIn
) -> None:
    write_token(standin, google.token_path, (CALENDAR_EVENTS, GMAIL_COMPOSE))
    standin.add_calendar("work@group.calendar.google.com", owner=standin.user_email)
    standin.seed_event("Interview at home", at("2026-03-11 10:00"))
    standin.seed_event(
        "Interview at work", at("2026-03-12 10:00"), calendar_id="work@group.calendar.google.com"
    )
    calendar = google.calendar(calendar_ids=("primary", "work@group.calendar.google.com"))

    first = calendar.changes(None)
    assert sorted(e.title for e in first.events) == ["Interview at home", "Interview at work"]
    checkpoint = Checkpoint.decode(first.checkpoint)
    assert checkpoint is not None
    assert set(checkpoint.calendars) == {"primary", "work@group.calendar.google.com"}
    assert all(sync.token for sync in checkpoint.calendars.values())

    standin.seed_event(
        "Second round", at("2026-03-13 10:00"), calendar_id="work@group.calendar.google.com"
    )
    standin.reset_counts()
    later = calendar.changes(first.checkpoint)
    assert [e.title for e in later.events] == ["Second round"]
    assert standin.counts == {"calendar.events.list": 2}  # one per calendar


def test_own_events_read_back_with_their_tag(google: Google, standin: GoogleStandIn) -> None:
    standin.seed_event(
        "Call Dana",
        at("2026-03-17 10:00"),
        event_id="f" + "ab" * 16,
        private_properties={"interviewFollowupKey": "ab" * 16, "interviewFollowupKind": "call"},
    )
    (event,) = google.calendar().changes(None).events
    assert event.own is not None
    assert (event.own.kind, event.own.key) == (OwnKind.CALL, "ab" * 16)


def test_an_unreadable_event_is_skipped_and_the_rest_is_read(
    google: Google, standin: GoogleStandIn
) -> None:
    standin.seed_event("Fine interview", at("2026-03-11 10:00"))
    bad = standin.seed_event("Odd interview", at("2026-03-12 10:00"))
    calendar = google.calendar()
    original = standin.calendar.list_events

    def broken_list(cal, query):  # type: ignore[no-untyped-def]
        answer = original(cal, query)
        for item in answer.get("items", []):
            if item["id"] == bad["id"]:
                item["start"] = {"dateTime": "not a time"}
        return answer

    standin.calendar.list_events = broken_list  # type: ignore[method-assign]
    changes = calendar.changes(None)

    assert [e.title for e in changes.events] == ["Fine interview"]
    (skipped,) = changes.skipped
    assert skipped.event == EventId(bad["id"]) and bad["id"] in skipped.what
