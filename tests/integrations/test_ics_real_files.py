"""Real .ics files from public parser test suites, read as the service reads them.

Each file (see ``tests/fixtures/ics/README.md``) is a shape the reader once
dropped or misread: a UTF-16 export, a broken VALARM, events between two
VCALENDARs, a series edited "this and future", Windows display-name zones.
The last test runs the reader over every fixture and checks that each event
in it is either read or reported, never dropped without a word.
"""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from daemon.domain.errors import BackendError
from daemon.domain.model import EventId, OwnKind, OwnTag
from daemon.domain.ports import EventChanges
from integrations.ics import IcsCalendar

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"
BERLIN = ZoneInfo("Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def read(path: Path, now: datetime, **options: object) -> EventChanges:
    calendar = IcsCalendar(
        path, path.with_name("calls.ics"), default_tz=BERLIN, now=lambda: now, **options
    )  # type: ignore[arg-type]
    return calendar.changes(None)


def fixture(name: str, now: datetime, **options: object) -> EventChanges:
    return read(FIXTURES / name, now, **options)


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "cal.ics"
    path.write_bytes(data)
    return path


# -- ids of occurrences ---------------------------------------------------------------


def test_a_series_edited_this_and_future_lists_every_occurrence_by_its_own_start() -> None:
    now = datetime(2024, 11, 1, 12, tzinfo=UTC)
    changes = fixture("range_thisandfuture.ics", now)

    # As many as recurring-ical-events finds in the same window (once 9 of them).
    calendar = icalendar.Calendar.from_ical((FIXTURES / "range_thisandfuture.ics").read_bytes())
    expected = recurring_ical_events.of(calendar).between(
        changes.window_start, utc(2024, 11, 1) + timedelta(days=121)
    )
    assert len(changes.events) == len(expected) > 60
    assert changes.skipped == ()
    ids = {event.start: event.id for event in changes.events}
    assert len(set(ids.values())) == len(ids)
    # Moved 3 hours earlier from the 13th on; each keeps the start the rule gave it.
    assert ids[utc(2024, 9, 13, 9)] == EventId("210", "2024-09-13T12:00:00Z")  # the edit itself
    assert ids[utc(2024, 9, 17, 9)] == EventId("210", "2024-09-17T12:00:00Z")
    assert ids[utc(2024, 9, 14, 6)] == EventId("210", "2024-09-14T09:00:00Z")  # the RDATE
    # Moved again (+1 day 2:22) from the 21st on.
    assert ids[utc(2024, 9, 22, 14, 22)] == EventId("210", "2024-09-21T12:00:00Z")
    assert ids[utc(2024, 9, 24, 14, 22)] == EventId("210", "2024-09-23T12:00:00Z")
    assert all(event.id.series == "210" for event in changes.events)


SERIES = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:weekly-panel\r\nDTSTART:20250303T150000Z\r\nDTEND:20250303T160000Z\r\n"
    b"RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Panel\r\nX-INTERVIEW-FOLLOWUP-KEY:k1\r\n"
    b"X-INTERVIEW-FOLLOWUP-KIND:debrief\r\nEND:VEVENT\r\n"
)


def test_an_unreadable_series_is_reported_as_the_whole_series(tmp_path: Path) -> None:
    # An edited occurrence whose RECURRENCE-ID is garbage: the series cannot be read.
    path = write(
        tmp_path,
        SERIES + b"BEGIN:VEVENT\r\nUID:weekly-panel\r\nRECURRENCE-ID:garbage\r\n"
        b"DTSTART:20250311T150000Z\r\nSUMMARY:Panel (moved)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    changes = read(path, utc(2025, 3, 10, 12))

    assert changes.events == ()
    (skipped,) = changes.skipped
    assert skipped.event == EventId("weekly-panel")
    # The core reads it as covering every occurrence it has stored, none deleted.
    assert skipped.event.covers(EventId("weekly-panel", "2025-03-10T15:00:00Z"))
    assert skipped.own == OwnTag(OwnKind.DEBRIEF, "k1")
    assert skipped.what == "recurring event weekly-panel"
    assert skipped.reason == (
        "Its recurrence id (the original time of an edited occurrence) (RECURRENCE-ID) "
        "cannot be read."
    )


def test_an_unreadable_occurrence_is_reported_alone(tmp_path: Path) -> None:
    # The edit of one occurrence has a start that cannot be read: only that one is unknown.
    path = write(
        tmp_path,
        SERIES + b"BEGIN:VEVENT\r\nUID:weekly-panel\r\nRECURRENCE-ID:20250310T150000Z\r\n"
        b"DTSTART:2025-03-11 15:00\r\nSUMMARY:Panel (moved)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    changes = read(path, utc(2025, 3, 10, 12))

    assert [event.id.occurrence for event in changes.events] == [
        "2025-03-03T15:00:00Z",
        "2025-03-17T15:00:00Z",
        "2025-03-24T15:00:00Z",
    ]
    assert all(event.own == OwnTag(OwnKind.DEBRIEF, "k1") for event in changes.events)
    (skipped,) = changes.skipped
    assert skipped.event == EventId("weekly-panel", "2025-03-10T15:00:00Z")
    assert skipped.reason == "Its start time (DTSTART) cannot be read."
    assert skipped.own == OwnTag(OwnKind.DEBRIEF, "k1")


# -- encodings -----------------------------------------------------------------------


def test_a_windows_calendar_export_in_utf16_is_read() -> None:
    changes = fixture("windows_calendar_utf16.ics", datetime(2009, 12, 7, 12, tzinfo=UTC))

    titles = sorted({event.title for event in changes.events})
    assert titles == ["Daily Debug", "Weekly Debug", "Weekly by 2times"]
    assert changes.skipped == ()
    paris = ZoneInfo("Europe/Paris")
    daily = sorted(e.start for e in changes.events if e.title == "Daily Debug")
    assert daily[0] == datetime(2009, 12, 4, 2, tzinfo=paris)
    assert len(daily) == 7  # December 4 to 10: the rule ends at 17:00 UTC on the 10th
    assert [e.id.occurrence for e in changes.events if e.title == "Weekly by 2times"] == [
        "2009-12-04T01:00:00Z",
        "2009-12-11T01:00:00Z",
    ]


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-32-le", codecs.BOM_UTF32_LE),
    ],
)
def test_unicode_encodings_with_or_without_a_mark_are_read(
    tmp_path: Path, encoding: str, mark: bytes
) -> None:
    text = (FIXTURES / "windows_calendar_utf16.ics").read_bytes().decode("utf-16")
    text = text.replace("Weekly Debug", "Wöchentlich – Débogage")
    path = write(tmp_path, mark + text.encode(encoding))

    titles = {e.title for e in read(path, datetime(2009, 12, 7, 12, tzinfo=UTC)).events}
    assert "Wöchentlich – Débogage" in titles


def test_an_encoding_that_is_not_read_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, b"+/v8-BEGIN:VCALENDAR\r\n")
    with pytest.raises(BackendError, match=r"cal\.ics: the file is encoded in UTF-7.*as UTF-8"):
        read(path, utc(2025, 3, 10))


def test_bytes_that_are_not_utf8_are_read_and_reported(tmp_path: Path) -> None:
    data = (FIXTURES / "cancelled.ics").read_bytes().replace(b"Vandelay", b"Vand\xe9lay")
    changes = read(write(tmp_path, data), utc(2025, 3, 10))

    assert any("Vand\ufffdlay" in e.title for e in changes.events)
    (skipped,) = changes.skipped
    assert skipped.event is None and skipped.what == "calendar file " + str(tmp_path / "cal.ics")
    assert "is not valid UTF-8: 1 character(s)" in skipped.reason


# -- components around the events -------------------------------------------------------


def test_an_event_with_an_invalid_alarm_trigger_is_read() -> None:
    changes = fixture("alarm_invalid_trigger.ics", datetime(2023, 2, 1, 12, tzinfo=UTC))

    brussels = ZoneInfo("Europe/Brussels")
    starts = {e.id.series: e.start for e in changes.events}
    assert starts == {
        "4e3e3186-28c6-42d4-81cf-eb4f56d587f1": datetime(2023, 2, 3, 15, 15, tzinfo=brussels),
        "28d25a55-84cd-4564-910b-088066fd5244": datetime(2023, 2, 6, 9, 50, tzinfo=brussels),
    }
    assert changes.skipped == ()


def test_events_between_two_calendars_are_read() -> None:
    changes = fixture("events_between_calendars.ics", datetime(1997, 9, 1, 12, tzinfo=UTC))

    read_ids = {e.id.series for e in changes.events}
    assert {
        "19970901T130000Z-123401@host.com",  # outside any VCALENDAR
        "19970901T130000Z-123402@host.com",  # outside too
        "19970901T130000Z-123403@host.com",  # outside, yearly
    } <= read_ids
    review = next(e for e in changes.events if e.id.series == "19970901T130000Z-123401@host.com")
    assert (review.start, review.end) == (utc(1997, 9, 3, 16, 30), utc(1997, 9, 3, 19))
    # The RFC's first example has no UID: reported by its title, not dropped.
    assert 'event "Bastille Day Party"' in {s.what for s in changes.skipped}


def test_an_empty_rrule_is_no_recurrence() -> None:
    changes = fixture("holidays_empty_rrule.ics", datetime(2019, 6, 1, tzinfo=UTC))

    assert changes.skipped == ()
    assert len(changes.events) == 34  # every holiday, once
    new_year = next(e for e in changes.events if e.title == "New Year's Day")
    assert new_year.all_day and new_year.id == EventId("5e3a8f312427a1580896049@calendarlabs.com")


def test_a_library_type_error_is_reported_as_a_sentence() -> None:
    changes = fixture("rdate_of_times.ics", datetime(2021, 3, 2, 12, tzinfo=UTC))

    assert {s.event for s in changes.skipped} == {
        EventId("test-vtime-named-timezone"),
        EventId("test-vtime-utc"),
        EventId("test-vtime-floating"),
    }
    for skipped in changes.skipped:
        assert skipped.reason.startswith("It mixes all-day dates, times and time zones")


# -- Windows display-name zones ------------------------------------------------------------


def test_a_display_name_spelt_with_and_is_the_zone_with_its_daylight_saving_time() -> None:
    changes = fixture("outlook_display_name_and.ics", datetime(2015, 7, 8, tzinfo=UTC))

    first = min(changes.events, key=lambda e: e.start)
    # 12:00 in New York in July is EDT (16:00 UTC), not the name's -05:00 (17:00 UTC).
    assert first.start == utc(2015, 7, 6, 16)
    assert first.id == EventId("0000001", "2015-07-06T16:00:00Z")


def test_an_offset_that_names_no_zone_is_reported_not_read_at_that_offset() -> None:
    changes = fixture("outlook_bare_offset.ics", datetime(2022, 10, 10, tzinfo=UTC))

    assert changes.events == ()
    (skipped,) = changes.skipped
    assert skipped.event == EventId("0000021")
    assert '"(GMT +01:00)"' in skipped.reason and "names no known zone" in skipped.reason


def test_outlook_web_app_2012_display_names_in_summer_and_winter(tmp_path: Path) -> None:
    # The export has no UIDs; given them, its display-name zones read right.
    text = (FIXTURES / "outlook_2012_owa.ics").read_text()
    numbered = iter(range(10))
    text = re.sub(r"BEGIN:VEVENT\r?\n", lambda m: f"{m.group(0)}UID:owa-{next(numbered)}\r\n", text)
    changes = read(write(tmp_path, text.encode()), datetime(2020, 10, 20, tzinfo=UTC))

    starts = {e.title.strip(): e.start for e in changes.events}
    assert starts["TEST Syd"] == utc(2020, 10, 28, 2, 30)  # 13:30 AEDT (+11)
    assert starts["TEST"] == utc(2020, 10, 28, 17, 30)  # 13:30 EDT
    assert starts["TEST 3"] == utc(2020, 11, 2, 18, 30)  # 13:30 EST, after the change


# -- every fixture ------------------------------------------------------------------------

NOT_CALENDARS = {"not_ical.html", "truncated.ics"}
_UNFOLD = re.compile(r"\r?\n[ \t]")
_VEVENT = re.compile(r"^BEGIN:VEVENT\s*$(.*?)^END:VEVENT\s*$", re.MULTILINE | re.DOTALL)


def events_in(path: Path) -> list[tuple[str, str]]:
    """(UID, SUMMARY) of every VEVENT in the file, read with nothing but regular expressions."""
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8", "replace")
    text = _UNFOLD.sub("", text)
    found = []
    for body in _VEVENT.findall(text):
        body = re.sub(r"^BEGIN:VALARM.*?^END:VALARM\s*$", "", body, flags=re.M | re.S)
        uid = re.search(r"^UID[^:\r\n]*:(.*?)\s*$", body, re.M)
        summary = re.search(r"^SUMMARY[^:\r\n]*:(.*?)\s*$", body, re.M)
        found.append((uid.group(1) if uid else "", summary.group(1) if summary else ""))
    return found


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".ics", ".html"))
)
def test_every_fixture_is_read_or_refused_and_nothing_is_dropped_silently(name: str) -> None:
    path = FIXTURES / name
    wide = {"window_days_back": 365 * 40, "window_days_ahead": 365 * 6}
    if name in NOT_CALENDARS:
        with pytest.raises(BackendError, match=re.escape(name)):
            read(path, utc(2025, 3, 10), **wide)
        return
    changes = read(path, utc(2025, 3, 10), **wide)

    accounted = {e.id.series for e in changes.events}
    accounted |= {s.event.series for s in changes.skipped if s.event is not None}
    labels = {s.what for s in changes.skipped if s.event is None}
    for uid, summary in events_in(path):
        if uid:
            assert uid.replace("\\,", ",") in accounted, f"{uid} neither read nor reported"
        else:
            assert any(summary.strip()[:50] in label for label in labels), summary
    for skipped in changes.skipped:
        # A sentence a user can act on, never a Python exception.
        assert skipped.reason[:1].isupper() and skipped.reason.endswith("."), skipped
        assert not re.search(r"\w+Error\b|Traceback|unsupported operand|'\w+'", skipped.reason)
