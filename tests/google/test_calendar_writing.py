"""Own events on Google Calendar: keyed ids, tags, no attendees, zone, reminder; edits read back."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from daemon.domain.model import OwnKind
from daemon.domain.ports import OwnEvent, PutOwn, RemoveOwn, UpdateOwn
from integrations.google.ids import event_id_for_key, is_valid_event_id
from tests.google_standin import GoogleStandIn

from .conftest import ZONE, Google

KEY = "0123456789abcdef" * 2


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def call(key: str = KEY, start: str = "2026-03-17 10:00", **changes: object) -> OwnEvent:
    values: dict[str, object] = {
        "kind": OwnKind.CALL,
        "key": key,
        "start": at(start),
        "end": at(start) + timedelta(minutes=15),
        "title": "Call Dana Lee (Acme)",
        "description": "Dana Lee, Hiring manager\ntel:+15550100",
        "reminder": timedelta(minutes=10),
        **changes,
    }
    return OwnEvent(**values)  # type: ignore[arg-type]


def test_keys_give_valid_ids_and_the_same_key_the_same_id() -> None:
    assert event_id_for_key(KEY) == "f" + KEY
    for key in (KEY, "abcd", "Interview-With_WXYZ", "x" * 600):
        assert is_valid_event_id(event_id_for_key(key)), key
        assert event_id_for_key(key) == event_id_for_key(key)
    assert event_id_for_key("abcd") != event_id_for_key("ABCD")
    with pytest.raises(ValueError, match="too long"):
        event_id_for_key("x" * 700)


def test_a_put_inserts_a_tagged_event_without_attendees_in_the_users_zone(
    google: Google, standin: GoogleStandIn
) -> None:
    (result,) = google.calendar().write_own([PutOwn(call())])

    assert result.ok and result.remote_id == "f" + KEY and not result.missing
    stored = standin.event("f" + KEY)
    assert stored is not None
    assert stored["summary"] == "Call Dana Lee (Acme)"
    assert stored["start"] == {"dateTime": "2026-03-17T10:00:00+01:00", "timeZone": "Europe/Berlin"}
    assert stored["extendedProperties"]["private"] == {
        "interviewFollowupKey": KEY,
        "interviewFollowupKind": "call",
    }
    assert not stored.get("attendees")
    assert stored["reminders"] == {
        "useDefault": False,
        "overrides": [{"method": "popup", "minutes": 10}],
    }


def test_an_own_event_reads_back_as_own_with_its_kind(google: Google) -> None:
    calendar = google.calendar()
    calendar.write_own([PutOwn(call(kind=OwnKind.DEBRIEF, title="Debrief: Acme"))])
    (event,) = calendar.changes(None).events
    assert event.own is not None and event.own.kind is OwnKind.DEBRIEF and event.own.key == KEY


def test_a_repeated_put_reads_the_event_back_and_adds_nothing(
    google: Google, standin: GoogleStandIn
) -> None:
    calendar = google.calendar()
    calendar.write_own([PutOwn(call())])
    standin.ui_move_event("f" + KEY, at("2026-03-18 15:00"))

    (again,) = calendar.write_own([PutOwn(call())])

    assert again.ok and again.remote_id == "f" + KEY and not again.missing
    assert len(standin.events()) == 1
    moved = standin.event("f" + KEY)
    assert moved is not None and moved["start"]["dateTime"].startswith("2026-03-18T15:00")


def test_a_put_of_an_event_the_user_deleted_reports_it_missing_and_creates_nothing(
    google: Google, standin: GoogleStandIn
) -> None:
    calendar = google.calendar()
    calendar.write_own([PutOwn(call())])
    standin.ui_delete_event("f" + KEY)

    (result,) = calendar.write_own([PutOwn(call())])

    assert result.missing and result.ok
    assert standin.events() == []


def test_an_update_changes_only_the_fields_asked_for(
    google: Google, standin: GoogleStandIn
) -> None:
    calendar = google.calendar()
    calendar.write_own([PutOwn(call())])
    standin.ui_edit_description("f" + KEY, "Called, left a message. #decided")

    moved = call(start="2026-03-19 10:00", title="A new title", description="new text")
    (result,) = calendar.write_own([UpdateOwn(moved, frozenset({"time", "reminder"}))])

    assert result.ok and not result.missing
    stored = standin.event("f" + KEY)
    assert stored is not None
    assert stored["start"]["dateTime"] == "2026-03-19T10:00:00+01:00"
    assert stored["summary"] == "Call Dana Lee (Acme)"
    assert "#decided" in stored["description"]  # the user's words stay


def test_an_update_of_a_deleted_event_reports_it_missing_and_does_not_revive_it(
    google: Google, standin: GoogleStandIn
) -> None:
    calendar = google.calendar()
    calendar.write_own([PutOwn(call())])
    standin.ui_delete_event("f" + KEY)

    (result,) = calendar.write_own([UpdateOwn(call(start="2026-03-19 10:00"))])

    assert result.missing
    assert standin.events() == []


def test_a_reminder_can_be_changed_and_none_means_the_users_defaults(
    google: Google, standin: GoogleStandIn
) -> None:
    calendar = google.calendar()
    calendar.write_own([PutOwn(call(reminder=None))])
    stored = standin.event("f" + KEY)
    assert stored is not None and stored["reminders"] == {"useDefault": True}

    calendar.write_own([UpdateOwn(call(reminder=timedelta(hours=1)), frozenset({"reminder"}))])
    stored = standin.event("f" + KEY)
    assert stored is not None
    assert stored["reminders"]["overrides"] == [{"method": "popup", "minutes": 60}]


def test_a_remove_deletes_and_a_second_remove_is_fine(
    google: Google, standin: GoogleStandIn
) -> None:
    calendar = google.calendar()
    calendar.write_own([PutOwn(call())])

    first = calendar.write_own([RemoveOwn(OwnKind.CALL, KEY)])
    second = calendar.write_own([RemoveOwn(OwnKind.CALL, KEY)])
    never = calendar.write_own([RemoveOwn(OwnKind.CALL, "ff" * 16)])

    assert all(r.ok for r in (*first, *second, *never))
    assert standin.events() == []


def test_a_batch_gives_one_result_per_write_in_order_and_a_bad_one_fails_alone(
    google: Google, standin: GoogleStandIn
) -> None:
    naive = call(key="aa" * 16, start="2026-03-20 10:00")
    naive = OwnEvent(**{**naive.__dict__, "start": naive.start.replace(tzinfo=None)})
    results = google.calendar().write_own(
        [PutOwn(call(key="bb" * 16)), PutOwn(naive), PutOwn(call(key="cc" * 16))]
    )
    assert [r.key for r in results] == ["bb" * 16, "aa" * 16, "cc" * 16]
    assert [r.ok for r in results] == [True, False, True]
    assert "naive" in results[1].error
    assert len(standin.events()) == 2


def test_the_users_edits_to_own_events_read_back(google: Google, standin: GoogleStandIn) -> None:
    calendar = google.calendar()
    first = calendar.changes(None)
    calendar.write_own([PutOwn(call()), PutOwn(call(key="dd" * 16, start="2026-03-24 10:00"))])
    after_put = calendar.changes(first.checkpoint)

    standin.ui_move_event("f" + KEY, at("2026-03-18 15:00"))
    standin.ui_edit_description("f" + KEY, "Decided: offer")
    standin.ui_delete_event("f" + "dd" * 16)
    later = calendar.changes(after_put.checkpoint)

    (moved,) = later.events
    assert moved.own is not None and moved.own.key == KEY
    assert moved.start == at("2026-03-18 15:00")
    assert "Decided: offer" in moved.description
    assert [str(r) for r in later.removed] == ["f" + "dd" * 16]


def test_calls_go_to_the_calls_calendar_which_is_read_too(
    google: Google, standin: GoogleStandIn
) -> None:
    from tests.google_standin import CALENDAR_EVENTS, GMAIL_COMPOSE

    from .conftest import write_token

    write_token(standin, google.token_path, (CALENDAR_EVENTS, GMAIL_COMPOSE))
    standin.add_calendar("calls@group.calendar.google.com", owner=standin.user_email)
    calendar = google.calendar(calls_calendar="calls@group.calendar.google.com")

    calendar.write_own([PutOwn(call())])

    assert standin.events() == []
    assert len(standin.events(calendar_id="calls@group.calendar.google.com")) == 1
    (event,) = calendar.changes(None).events
    assert event.own is not None
