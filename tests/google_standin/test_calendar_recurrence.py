"""Recurring series: expansion into instances, instance ids, exceptions made by moving one."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from tests.google_standin import GoogleStandIn
from tests.google_standin.builders import at, body, timed

WEEKLY = ["RRULE:FREQ=WEEKLY;COUNT=4"]


@pytest.fixture
def calendar(google_standin: GoogleStandIn) -> Any:
    return google_standin.calendar_service().events()


def weekly(calendar: Any, **fields: Any) -> dict[str, Any]:
    # Tuesdays 10:00 Berlin, across the end of DST is not needed: December only.
    event = body("series001", recurrence=WEEKLY, **fields)
    return dict(calendar.insert(calendarId="primary", body=event).execute())


def test_single_events_expands_a_series_into_instances(calendar: Any) -> None:
    weekly(calendar)
    items = calendar.list(calendarId="primary", singleEvents=True, orderBy="startTime").execute()
    instances = items["items"]
    assert [i["id"] for i in instances] == [
        "series001_20261201T090000Z",
        "series001_20261208T090000Z",
        "series001_20261215T090000Z",
        "series001_20261222T090000Z",
    ]
    first = instances[0]
    assert first["recurringEventId"] == "series001"
    assert first["originalStartTime"] == {
        "dateTime": "2026-12-01T10:00:00+01:00",
        "timeZone": "Europe/Berlin",
    }
    assert first["start"] == first["originalStartTime"]
    assert first["end"]["dateTime"] == "2026-12-01T10:30:00+01:00"
    assert "recurrence" not in first


def test_without_single_events_the_series_comes_once(calendar: Any) -> None:
    weekly(calendar)
    items = calendar.list(calendarId="primary").execute()["items"]
    assert [(i["id"], i["recurrence"]) for i in items] == [("series001", WEEKLY)]


def test_instances_keep_their_wall_clock_time_across_dst(calendar: Any) -> None:
    event = body(
        "dstseries",
        start=timed("2026-10-20 10:00"),
        end=timed("2026-10-20 11:00"),
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=2"],
    )
    calendar.insert(calendarId="primary", body=event).execute()
    items = calendar.list(calendarId="primary", singleEvents=True).execute()["items"]
    assert [i["id"] for i in items] == ["dstseries_20261020T080000Z", "dstseries_20261027T090000Z"]
    assert [i["start"]["dateTime"][11:16] for i in items] == ["10:00", "10:00"]


def test_the_time_window_selects_instances(calendar: Any) -> None:
    weekly(calendar)
    items = calendar.list(
        calendarId="primary",
        singleEvents=True,
        timeMin=at("2026-12-08 10:15").isoformat(),
        timeMax=at("2026-12-16 00:00").isoformat(),
    ).execute()["items"]
    assert [i["id"] for i in items] == ["series001_20261208T090000Z", "series001_20261215T090000Z"]


def test_an_open_ended_series_is_expanded_only_as_far_as_asked(calendar: Any) -> None:
    calendar.insert(
        calendarId="primary", body=body("forever01", recurrence=["RRULE:FREQ=DAILY"])
    ).execute()
    items = calendar.list(
        calendarId="primary",
        singleEvents=True,
        timeMin=at("2026-12-01 00:00").isoformat(),
        timeMax=at("2026-12-04 00:00").isoformat(),
    ).execute()["items"]
    assert len(items) == 3


def test_exdate_removes_an_occurrence(calendar: Any) -> None:
    calendar.insert(
        calendarId="primary",
        body=body(
            "edated001",
            recurrence=[*WEEKLY, "EXDATE;TZID=Europe/Berlin:20261208T100000"],
        ),
    ).execute()
    items = calendar.list(calendarId="primary", singleEvents=True).execute()["items"]
    assert [i["id"][-16:] for i in items] == [
        "20261201T090000Z",
        "20261215T090000Z",
        "20261222T090000Z",
    ]


def test_instances_endpoint(calendar: Any) -> None:
    weekly(calendar)
    page = calendar.instances(calendarId="primary", eventId="series001", maxResults=3).execute()
    assert len(page["items"]) == 3 and "nextPageToken" in page
    rest = calendar.instances(
        calendarId="primary", eventId="series001", pageToken=page["nextPageToken"]
    ).execute()
    assert [i["id"] for i in rest["items"]] == ["series001_20261222T090000Z"]


def test_get_an_instance_by_its_id(calendar: Any) -> None:
    weekly(calendar)
    got = calendar.get(calendarId="primary", eventId="series001_20261208T090000Z").execute()
    assert got["recurringEventId"] == "series001"
    with pytest.raises(HttpError) as missing:
        calendar.get(calendarId="primary", eventId="series001_20261209T090000Z").execute()
    assert missing.value.status_code == 404


def test_moving_one_instance_in_the_ui_makes_an_exception(
    calendar: Any, google_standin: GoogleStandIn
) -> None:
    weekly(calendar)
    _, token = _sync(calendar)
    google_standin.ui_move_event("series001_20261208T090000Z", at("2026-12-09 15:00"))
    items = calendar.list(calendarId="primary", singleEvents=True, orderBy="startTime").execute()
    moved = [i for i in items["items"] if i["id"] == "series001_20261208T090000Z"]
    assert moved[0]["start"]["dateTime"] == "2026-12-09T15:00:00+01:00"
    assert moved[0]["originalStartTime"]["dateTime"] == "2026-12-08T10:00:00+01:00"
    assert len(items["items"]) == 4
    changes, _ = _sync(calendar, token)
    assert [c["id"] for c in changes] == ["series001_20261208T090000Z"]


def test_deleting_one_instance_cancels_only_it(calendar: Any) -> None:
    weekly(calendar)
    calendar.delete(calendarId="primary", eventId="series001_20261215T090000Z").execute()
    items = calendar.list(calendarId="primary", singleEvents=True).execute()["items"]
    assert len(items) == 3
    series_view = calendar.list(calendarId="primary").execute()["items"]
    # Without singleEvents the cancelled exception still comes, beside its series.
    assert sorted((i["id"], i["status"]) for i in series_view) == [
        ("series001", "confirmed"),
        ("series001_20261215T090000Z", "cancelled"),
    ]


def test_patching_an_instance_through_the_api(calendar: Any) -> None:
    weekly(calendar)
    calendar.patch(
        calendarId="primary",
        eventId="series001_20261201T090000Z",
        body={"description": "first call"},
    ).execute()
    items = calendar.list(calendarId="primary", singleEvents=True, orderBy="startTime").execute()
    assert items["items"][0]["description"] == "first call"
    assert "description" not in items["items"][1]


def test_deleting_a_series_cancels_its_instances_in_sync(calendar: Any) -> None:
    weekly(calendar)
    _, token = _sync(calendar, single=True)
    calendar.delete(calendarId="primary", eventId="series001").execute()
    changes, _ = _sync(calendar, token, single=True)
    assert {c["status"] for c in changes} == {"cancelled"}
    assert len(changes) == 4
    assert calendar.list(calendarId="primary", singleEvents=True).execute()["items"] == []


def test_all_day_series_instance_ids_have_a_date_suffix(calendar: Any) -> None:
    calendar.insert(
        calendarId="primary",
        body=body(
            "alldaser1",
            start={"date": "2026-12-01"},
            end={"date": "2026-12-02"},
            recurrence=["RRULE:FREQ=DAILY;COUNT=2"],
        ),
    ).execute()
    items = calendar.list(calendarId="primary", singleEvents=True).execute()["items"]
    assert [i["id"] for i in items] == ["alldaser1_20261201", "alldaser1_20261202"]
    assert items[1]["start"] == {"date": "2026-12-02"}


def test_a_timed_series_needs_a_time_zone(calendar: Any) -> None:
    event = body(
        start={"dateTime": "2026-12-01T10:00:00+01:00"},
        end={"dateTime": "2026-12-01T11:00:00+01:00"},
        recurrence=WEEKLY,
    )
    with pytest.raises(HttpError) as refused:
        calendar.insert(calendarId="primary", body=event).execute()
    assert refused.value.status_code == 400


def test_a_broken_rule_is_refused(calendar: Any) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.insert(
            calendarId="primary", body=body(recurrence=["RRULE:FREQ=SOMETIMES"])
        ).execute()
    assert refused.value.status_code == 400


def _sync(
    calendar: Any, token: str | None = None, *, single: bool = False
) -> tuple[list[Any], str]:
    params: dict[str, Any] = {"syncToken": token} if token else {}
    if single:
        params["singleEvents"] = True
    page = calendar.list(calendarId="primary", **params).execute()
    return page.get("items", []), page["nextSyncToken"]
