"""Listing in pages and incremental sync with syncToken, as a sync client sees them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from tests.google_standin import GoogleStandIn
from tests.google_standin.builders import at, body, reason, timed


@pytest.fixture
def calendar(google_standin: GoogleStandIn) -> Any:
    return google_standin.calendar_service().events()


def full_sync(calendar: Any, **params: Any) -> tuple[list[dict[str, Any]], str, int]:
    """All pages: (items, nextSyncToken, pages)."""
    items: list[dict[str, Any]] = []
    token = None
    pages = 0
    while True:
        page = calendar.list(calendarId="primary", pageToken=token, **params).execute()
        pages += 1
        items += page.get("items", [])
        token = page.get("nextPageToken")
        if token is None:
            return items, page["nextSyncToken"], pages
        assert "nextSyncToken" not in page, "nextSyncToken only comes on the last page"


def seed(calendar: Any, count: int) -> list[str]:
    ids = [f"ev{index:05d}" for index in range(count)]
    for event_id in ids:
        calendar.insert(calendarId="primary", body=body(event_id)).execute()
    return ids


def test_max_results_pages_through_everything_once(calendar: Any) -> None:
    ids = seed(calendar, 7)
    items, sync_token, pages = full_sync(calendar, maxResults=3)
    assert [item["id"] for item in items] == ids
    assert pages == 3
    assert sync_token


def test_pages_can_be_shorter_than_max_results(
    calendar: Any, google_standin: GoogleStandIn
) -> None:
    ids = seed(calendar, 5)
    google_standin.set_page_cap(2)
    first = calendar.list(calendarId="primary", maxResults=250).execute()
    assert len(first["items"]) == 2 and "nextPageToken" in first
    items, _, pages = full_sync(calendar)
    assert [item["id"] for item in items] == ids
    assert pages == 3


def test_sync_token_lists_only_changes_with_deletions_as_cancelled(
    calendar: Any, google_standin: GoogleStandIn
) -> None:
    seed(calendar, 3)
    _, token, _ = full_sync(calendar)
    calendar.patch(calendarId="primary", eventId="ev00001", body={"summary": "Moved"}).execute()
    calendar.delete(calendarId="primary", eventId="ev00002").execute()
    google_standin.ui_delete_event("ev00000")
    calendar.insert(calendarId="primary", body=body("ev00009")).execute()
    changes, token2, _ = full_sync(calendar, syncToken=token)
    by_id = {item["id"]: item for item in changes}
    assert set(by_id) == {"ev00000", "ev00001", "ev00002", "ev00009"}
    assert by_id["ev00001"]["summary"] == "Moved"
    assert by_id["ev00002"] == {
        "kind": "calendar#event",
        "etag": by_id["ev00002"]["etag"],
        "id": "ev00002",
        "status": "cancelled",
        "updated": by_id["ev00002"]["updated"],
    }
    assert by_id["ev00000"]["status"] == "cancelled"
    nothing, _, _ = full_sync(calendar, syncToken=token2)
    assert nothing == []


def test_a_change_during_paging_comes_with_the_next_sync(calendar: Any) -> None:
    seed(calendar, 4)
    first = calendar.list(calendarId="primary", maxResults=2).execute()
    calendar.patch(calendarId="primary", eventId="ev00000", body={"summary": "Later"}).execute()
    second = calendar.list(calendarId="primary", pageToken=first["nextPageToken"]).execute()
    changes, _, _ = full_sync(calendar, syncToken=second["nextSyncToken"])
    assert [item["id"] for item in changes] == ["ev00000"]


@pytest.mark.parametrize(
    "extra",
    [
        {"timeMin": "2026-12-01T00:00:00Z"},
        {"timeMax": "2026-12-01T00:00:00Z"},
        {"q": "call"},
        {"orderBy": "updated"},
        {"privateExtendedProperty": "followup=call"},
        {"sharedExtendedProperty": "a=b"},
        {"iCalUID": "x@google.com"},
        {"updatedMin": "2026-12-01T00:00:00Z"},
        {"showDeleted": False},
    ],
)
def test_sync_token_refuses_filters(calendar: Any, extra: dict[str, Any]) -> None:
    seed(calendar, 1)
    _, token, _ = full_sync(calendar)
    with pytest.raises(HttpError) as refused:
        calendar.list(calendarId="primary", syncToken=token, **extra).execute()
    assert refused.value.status_code == 400


def test_expired_sync_token_answers_410_full_sync_required(
    calendar: Any, google_standin: GoogleStandIn
) -> None:
    seed(calendar, 1)
    _, token, _ = full_sync(calendar)
    google_standin.expire_sync_tokens()
    with pytest.raises(HttpError) as gone:
        calendar.list(calendarId="primary", syncToken=token).execute()
    assert gone.value.status_code == 410
    assert reason(gone.value) == "fullSyncRequired"
    items, fresh, _ = full_sync(calendar)
    assert [item["id"] for item in items] == ["ev00000"]
    assert full_sync(calendar, syncToken=fresh)[0] == []


def test_unknown_sync_token_answers_410(calendar: Any) -> None:
    with pytest.raises(HttpError) as gone:
        calendar.list(calendarId="primary", syncToken="1CIiV7urvy84CEIiV7urvy84CGAU=").execute()
    assert gone.value.status_code == 410


def test_a_sync_token_belongs_to_its_calendar(calendar: Any, google_standin: GoogleStandIn) -> None:
    google_standin.add_calendar("work@example.com", owner="me@example.com")
    _, token, _ = full_sync(calendar)
    with pytest.raises(HttpError) as gone:
        calendar.list(calendarId="work@example.com", syncToken=token).execute()
    assert gone.value.status_code == 410


def test_an_invalid_page_token_is_a_400(calendar: Any) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.list(calendarId="primary", pageToken="nonsense").execute()
    assert refused.value.status_code == 400


def test_a_full_sync_after_everything_was_deleted_returns_nothing(
    calendar: Any, google_standin: GoogleStandIn
) -> None:
    """The case a sync client must not read as "everything was deleted" without checking."""
    seed(calendar, 2)
    for event_id in ("ev00000", "ev00001"):
        google_standin.ui_delete_event(event_id)
    google_standin.expire_sync_tokens()
    items, _, _ = full_sync(calendar)
    assert items == []


def test_updated_min_lists_changes_since_including_deletions(
    calendar: Any, google_standin: GoogleStandIn
) -> None:
    seed(calendar, 1)
    google_standin.ui_delete_event("ev00000")
    items = calendar.list(calendarId="primary", updatedMin="2000-01-01T00:00:00Z").execute()
    assert [item["status"] for item in items["items"]] == ["cancelled"]


def test_time_max_before_time_min_is_an_empty_range(calendar: Any) -> None:
    with pytest.raises(HttpError) as refused:
        calendar.list(
            calendarId="primary",
            timeMin=at("2026-12-02 00:00").isoformat(),
            timeMax=at("2026-12-01 00:00").isoformat(),
        ).execute()
    assert json.loads(refused.value.content)["error"]["errors"][0]["reason"] == "timeRangeEmpty"


def test_list_envelope_is_googles(calendar: Any) -> None:
    calendar.insert(calendarId="primary", body=body(start=timed("2026-12-01 10:00"))).execute()
    page = calendar.list(calendarId="primary").execute()
    assert page["kind"] == "calendar#events"
    assert page["timeZone"] == "Europe/Berlin"
    assert page["accessRole"] == "owner"
