"""IcsCalendar against real-world files, a real HTTP server, hostile input and crashes.

The fixtures under ``tests/fixtures/ics`` are written the way Google Calendar,
Outlook/Exchange, Apple Calendar and Thunderbird export them. "Now" is fixed
at 2025-03-10 12:00 UTC: between the US (March 9) and the European (March 30)
daylight-saving changes.
"""

from __future__ import annotations

import http.server
import logging
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from daemon.domain.errors import BackendError
from daemon.domain.model import CalendarEvent, EventId, EventStatus, PartStat
from daemon.domain.ports import EventChanges
from integrations.ics import IcsCalendar, source
from integrations.ics.reading import MAX_DESCRIPTION_CHARS
from integrations.ics.windows_zones import DISPLAY_NAMES
from integrations.ics.zones import tzid_zone

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ics"
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def open_calendar(
    path: str | Path, calls_path: Path | None = None, *, zone: ZoneInfo = CHICAGO, **options: object
) -> IcsCalendar:
    return IcsCalendar(path, calls_path, default_tz=zone, now=lambda: NOW, **options)  # type: ignore[arg-type]


def listing(name: str, zone: ZoneInfo = CHICAGO) -> EventChanges:
    return open_calendar(FIXTURES / name, zone=zone).changes(None)


def by_uid(changes: EventChanges) -> dict[str, CalendarEvent]:
    return {event.uid: event for event in changes.events}


@pytest.fixture
def user_file(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture into a temporary directory, as the user's own calendar file."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(FIXTURES / name, target)
        return target

    return copy


# -- Google Calendar export --------------------------------------------------------


def test_google_export_reads_people_rooms_and_the_organizer() -> None:
    events = by_uid(listing("google_export.ics"))
    acme = events["4q2v8k1m3n5p7r9t0a2c4e6g8i@google.com"]

    assert acme.title == "Interview: Acme GmbH – Backend Engineer"
    assert (acme.start, acme.end) == (utc(2025, 3, 5, 9), utc(2025, 3, 5, 10))
    assert acme.organizer == "jana.recruiter@acme.example"
    people = {a.email: a for a in acme.attendees}
    assert people["bernd.mueller@acme.example"].name == "Bernd Müller-Lüdenscheidt"
    assert people["bernd.mueller@acme.example"].partstat is PartStat.ACCEPTED
    assert people["carla.chief@acme.example"].partstat is PartStat.DECLINED
    room = people["c_1889ab3f0e2d4c6b@resource.calendar.google.com"]
    assert room.resource and room.name == "BER-3-Fishbowl (8)"
    assert not people["jana.recruiter@acme.example"].resource
    # HTML in the description is handed on as written; reading it as text is the core's job.
    assert acme.description.startswith("<b>Company:</b> Acme GmbH<br>Role: Backend Engineer")
    assert "Müller-Lüdenscheidt, Head of Platform" in acme.description

    globex = events["7h6g5f4e3d2c1b0a@google.com"]
    video_room = next(a for a in globex.attendees if a.email.startswith("c_room"))
    assert video_room.resource  # CUTYPE=RESOURCE
    assert (
        next(a for a in globex.attendees if a.name == "Hank Scorpio").partstat is PartStat.TENTATIVE
    )


def test_x_wr_timezone_keeps_a_weekly_series_at_its_local_time_across_dst() -> None:
    # The series is written in UTC (09:00Z = 10:00 CET). Google means "10:00
    # Berlin, weekly", so after the change on March 30 it is 08:00Z.
    events = by_uid(listing("google_export.ics"))
    weekly = sorted(
        (e for e in events.values() if e.uid.startswith("0weekly")), key=lambda e: e.start
    )

    assert [e.start.astimezone(BERLIN).hour for e in weekly] == [10] * 6
    assert weekly[0].uid == "0weekly0standup0@google.com#2025-03-03T09:00:00Z"
    assert weekly[4].uid == "0weekly0standup0@google.com#2025-03-31T08:00:00Z"
    assert weekly[4].start == utc(2025, 3, 31, 8)


def test_x_wr_timezone_is_the_zone_of_all_day_events() -> None:
    # The user's configured zone is Chicago, but the calendar says Berlin.
    event = by_uid(listing("google_export.ics", zone=CHICAGO))["allday0reminder@google.com"]

    assert event.all_day
    assert event.start == datetime(2025, 3, 14, tzinfo=BERLIN)
    assert event.end == datetime(2025, 3, 15, tzinfo=BERLIN)


def test_a_hostile_x_wr_timezone_falls_back_to_the_users_zone(tmp_path: Path) -> None:
    text = (FIXTURES / "google_export.ics").read_bytes()
    path = tmp_path / "cal.ics"
    path.write_bytes(text.replace(b"X-WR-TIMEZONE:Europe/Berlin", b"X-WR-TIMEZONE:America"))

    event = by_uid(open_calendar(path).changes(None))["allday0reminder@google.com"]
    assert event.start == datetime(2025, 3, 14, tzinfo=CHICAGO)


# -- Outlook / Exchange export --------------------------------------------------------


def test_outlook_windows_time_zone_names_are_understood() -> None:
    events = {e.title: e for e in listing("outlook_export.ics").events}

    # W. Europe Standard Time, with its VTIMEZONE: 14:00 CET.
    assert events["Panel interview - Contoso"].start == utc(2025, 3, 12, 13)
    # Eastern Standard Time after the US change on March 9: 10:00 EDT.
    assert events["Final round - Northwind Traders"].start == utc(2025, 3, 18, 14)
    # Pacific Standard Time without any VTIMEZONE in the file: 09:00 PDT.
    assert events["Phone screen - Wide World Importers"].start == utc(2025, 3, 19, 16)
    # "Customized Time Zone" is defined only by its VTIMEZONE: +05:30.
    assert events["Interview - Fabrikam India"].start == utc(2025, 3, 20, 9, 30)


def test_outlook_display_names_and_microsoft_tzids_without_a_vtimezone() -> None:
    # Outlook on the web writes Windows display names and tzone:// ids; none
    # may be read in the user's zone (Berlin here).
    events = by_uid(listing("outlook_web.ics", zone=BERLIN))

    def start(uid: str) -> datetime:
        return events[f"{uid}@outlook.example"].start

    assert start("display-eastern") == utc(2026, 12, 1, 15)  # 10:00 EST
    # Mapped to IANA zones, not to the prefix's offset: summer time is kept.
    assert start("display-berlin-summer") == utc(2026, 7, 1, 8)  # 10:00 CEST
    assert start("display-london-summer") == utc(2026, 7, 1, 9)  # 10:00 BST
    assert start("display-pacific-summer") == utc(2026, 7, 1, 17)  # 10:00 PDT
    assert start("display-utc") == utc(2026, 12, 1, 10)
    assert start("microsoft-utc") == utc(2026, 12, 1, 10)
    # Unquoted, the TZID's colon would end the parameters: recovered, not skipped.
    assert start("microsoft-utc-unquoted") == utc(2026, 12, 1, 10)
    assert events["microsoft-utc-unquoted@outlook.example"].end == utc(2026, 12, 1, 11)
    # tzone://Microsoft/Custom is what its VTIMEZONE says: +05:30.
    assert start("microsoft-custom") == utc(2026, 12, 1, 4, 30)
    # A display name that names no zone is reported, not read at the offset it starts with.
    assert "display-unknown@outlook.example" not in events


def test_a_series_in_a_display_name_zone_follows_its_dst_exdate_and_overrides() -> None:
    changes = listing("outlook_web.ics", zone=BERLIN)
    weekly = sorted(
        (e for e in changes.events if e.uid.startswith("display-eastern-weekly")),
        key=lambda e: e.start,
    )

    # Only the event in a zone that names no place is reported.
    assert [s.event for s in changes.skipped] == [EventId("display-unknown@outlook.example")]
    assert "(UTC+03:30) Nowhere Special" in changes.skipped[0].reason
    # 10:00 New York before and after the US change on March 9; the 10th is excluded,
    # the 17th moved to 11:30.
    assert [e.start for e in weekly] == [utc(2025, 3, 3, 15), utc(2025, 3, 17, 15, 30)]
    assert weekly[1].uid == "display-eastern-weekly@outlook.example#2025-03-17T14:00:00Z"
    assert weekly[1].title.endswith("(moved)")


def test_a_tzid_read_in_a_fallback_zone_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="integrations.ics"):
        listing("outlook_web.ics", zone=BERLIN)
        listing("floating.ics", zone=BERLIN)

    warnings = [record.getMessage() for record in caplog.records]
    assert any("Mars/Olympus_Mons" in w and "Europe/Berlin" in w for w in warnings)
    # Zones that were found are not warned about.
    assert not any("Eastern" in w or "Microsoft" in w for w in warnings)


#: Display names whose country changed its offset since Windows named them (Syria 2022,
#: Greenland 2023, Paraguay 2024): the tz database has the new offset, the name the old one.
OFFSET_CHANGED_SINCE = {
    "(UTC+02:00) Damascus",
    "(UTC-03:00) Greenland",
    "(UTC-04:00) Asuncion",
}


@pytest.mark.parametrize(
    ("name", "windows_id"),
    sorted((name, key) for name, key in DISPLAY_NAMES.items() if key in WINDOWS_TO_OLSON),
)
def test_each_known_display_name_is_a_zone_at_the_offset_it_names(
    name: str, windows_id: str
) -> None:
    # Through CLDR's mapping of the Windows id, as icalendar ships it.
    zone = tzid_zone(name)
    assert isinstance(zone, ZoneInfo)
    assert zone.key == WINDOWS_TO_OLSON[windows_id]
    prefix = re.fullmatch(r"\(UTC(?:([+-])(\d\d):(\d\d))?\) .+", name)
    assert prefix is not None
    sign, hours, minutes = prefix.groups()
    offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    offset = -offset if sign == "-" else offset
    # The prefix is the standard offset: January's in the north, July's in the south.
    offsets = {datetime(2026, month, 1, tzinfo=zone).utcoffset() for month in (1, 7)}
    assert offset in offsets or name in OFFSET_CHANGED_SINCE


@pytest.mark.parametrize(
    ("tzid", "expected"),
    [
        ("(GMT-05:00) Eastern Time (US & Canada)", ZoneInfo("America/New_York")),
        ("(UTC-05:00)  eastern time (us & canada)", ZoneInfo("America/New_York")),
        ("(UTC) Somewhere", None),  # old Windows wrote "(UTC)" for London too
        ("(UTC-05:00) Eastern Time (US and Canada)", ZoneInfo("America/New_York")),
        ("(UTC+01:00) Amsterdam, Bern", ZoneInfo("Europe/Amsterdam")),  # by its places
        ("(UTC+02:00) Athens, Bucharest, Istanbul", ZoneInfo("Europe/Bucharest")),
        ("tzone://Microsoft/Utc", UTC),
        ("TZONE://MICROSOFT/UTC", UTC),
        ("tzone://Microsoft/Custom", None),
        ("(UTC+99:00) Nowhere", None),
        ("Mars/Olympus_Mons", None),
        ("(UTC-05:00" + "x" * 1000, None),
    ],
)
def test_tzid_lookup_edge_cases(tzid: str, expected: object) -> None:
    assert tzid_zone(tzid) == expected


def test_outlook_attendees_quoted_names_and_upper_case_mailto() -> None:
    contoso = next(e for e in listing("outlook_export.ics").events if "Contoso" in e.title)
    people = {a.email: a for a in contoso.attendees}

    assert people["quinn.hr@contoso.example"].name == "Quinn, Q. (HR)"
    assert people["pat.panel@contoso.example"].partstat is PartStat.NEEDS_ACTION
    assert people["conf412@contoso.example"].resource
    assert contoso.organizer == "hiro.manager@contoso.example"
    assert contoso.description.startswith("Company: Contoso Ltd\nRole: Data Analyst\n")
    assert contoso.uid.startswith("040000008200E00074C5B7101A82E008")


# -- recurrence ------------------------------------------------------------------------


def test_a_recurring_series_with_exdate_and_an_overridden_instance() -> None:
    changes = listing("recurring.ics")
    series = sorted(
        (e for e in changes.events if e.uid.startswith("panel-series")), key=lambda e: e.start
    )

    # COUNT=4 from March 4, March 11 excluded, March 18 moved to 15:00.
    assert [e.uid.split("#")[1] for e in series] == [
        "2025-03-04T16:00:00Z",
        "2025-03-18T15:00:00Z",  # the original time identifies the moved instance
        "2025-03-25T15:00:00Z",
    ]
    moved = series[1]
    assert moved.start == datetime(2025, 3, 18, 15, tzinfo=NEW_YORK)
    assert moved.end == datetime(2025, 3, 18, 16, 15, tzinfo=NEW_YORK)
    assert moved.title.endswith("(moved)")
    assert {a.email for a in moved.attendees} == {"ada@umbrella.example", "ben@umbrella.example"}
    assert series[2].start == datetime(2025, 3, 25, 11, tzinfo=NEW_YORK)


def test_series_are_expanded_within_the_window_and_single_events_always(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:old-single\r\nDTSTART:20240105T100000Z\r\n"
        b"DTEND:20240105T110000Z\r\nSUMMARY:Interview long ago\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:monthly\r\nDTSTART:20240105T100000Z\r\n"
        b"DTEND:20240105T110000Z\r\nRRULE:FREQ=MONTHLY\r\nSUMMARY:Monthly\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    changes = open_calendar(path, window_days_back=60, window_days_ahead=120).changes(None)

    assert changes.window_start == utc(2025, 1, 9)
    uids = [e.uid for e in changes.events]
    assert "old-single" in uids
    monthly = [e.start for e in changes.events if e.uid.startswith("monthly#")]
    assert monthly[0] == utc(2025, 2, 5, 10)
    assert monthly[-1] <= NOW + timedelta(days=121)
    assert all(start.day == 5 for start in monthly)


@pytest.mark.parametrize(
    ("start", "rule", "reason"),
    [
        (b"20250101T000000Z", b"FREQ=SECONDLY", "recurs secondly"),
        (b"19000101T000000Z", b"FREQ=HOURLY", "recurs hourly"),
        (b"20250101T000000Z", b"FREQ=DAILY;BYHOUR=1,2,3;BYMINUTE=0,30", "6 times a day"),
        (b"00010101T000000Z", b"FREQ=DAILY", "too long ago for a daily rule"),
    ],
)
def test_rules_that_are_no_meeting_are_skipped_not_expanded(
    tmp_path: Path, start: bytes, rule: bytes, reason: str
) -> None:
    path = tmp_path / "cal.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:spam\r\nDTSTART:" + start + b"\r\n"
        b"RRULE:" + rule + b"\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:fine\r\nDTSTART:20250311T090000Z\r\nSUMMARY:Interview\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    changes = open_calendar(path).changes(None)

    assert [e.uid for e in changes.events] == ["fine"]
    (skipped,) = changes.skipped
    assert skipped.event == EventId("spam")  # the whole series: it covers every occurrence
    assert skipped.what == "recurring event spam" and reason in skipped.reason


def test_a_floating_series_recurs_at_local_time_in_the_users_zone(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:weekly\r\nDTSTART:20250324T100000\r\n"
        b"DTEND:20250324T110000\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    events = open_calendar(path, zone=BERLIN).changes(None).events

    assert [e.start for e in events] == [
        datetime(2025, 3, 24, 10, tzinfo=BERLIN),
        datetime(2025, 3, 31, 10, tzinfo=BERLIN),  # after the change to summer time
    ]
    assert [e.uid for e in events] == ["weekly#2025-03-24T09:00:00Z", "weekly#2025-03-31T08:00:00Z"]


# -- all-day, durations, status, floating -------------------------------------------------


def test_all_day_events_and_missing_ends_follow_rfc_5545() -> None:
    events = by_uid(listing("all_day.ics", zone=CHICAGO))

    one_day = events["allday-no-dtend@example.org"]
    assert one_day.all_day
    assert (one_day.start, one_day.end) == (
        datetime(2025, 3, 20, tzinfo=CHICAGO),
        datetime(2025, 3, 21, tzinfo=CHICAGO),
    )
    three_days = events["allday-three-days@example.org"]
    assert three_days.end - three_days.start == timedelta(days=3)
    with_duration = events["duration-event@example.org"]
    assert (with_duration.start, with_duration.end) == (
        utc(2025, 3, 25, 13),
        utc(2025, 3, 25, 13, 45),
    )
    assert not with_duration.all_day
    no_end = events["no-end-event@example.org"]
    assert no_end.end == no_end.start


def test_statuses_are_read() -> None:
    events = by_uid(listing("cancelled.ics"))

    assert events["cancelled-interview@google.com"].status is EventStatus.CANCELLED
    assert events["tentative-interview@google.com"].status is EventStatus.TENTATIVE


def test_floating_times_and_unknown_zones_are_read_in_the_users_zone() -> None:
    events = by_uid(listing("floating.ics", zone=CHICAGO))

    assert events["floating-interview@example.org"].start == datetime(
        2025, 3, 13, 10, tzinfo=CHICAGO
    )
    assert events["unknown-tzid@example.org"].start == datetime(2025, 3, 14, 10, tzinfo=CHICAGO)
    assert listing("floating.ics", zone=BERLIN).events[0].start == datetime(
        2025, 3, 13, 10, tzinfo=BERLIN
    )


def test_of_events_sharing_a_uid_the_highest_sequence_wins(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:dup\r\nSEQUENCE:3\r\nDTSTART:20250311T090000Z\r\nSUMMARY:new\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:dup\r\nSEQUENCE:1\r\nDTSTART:20250310T090000Z\r\nSUMMARY:old\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    assert [e.title for e in open_calendar(path).changes(None).events] == ["new"]


def test_a_byte_order_mark_and_several_calendars_in_one_file(tmp_path: Path) -> None:
    one = (FIXTURES / "cancelled.ics").read_bytes()
    two = (FIXTURES / "floating.ics").read_bytes()
    path = tmp_path / "cal.ics"
    path.write_bytes(b"\xef\xbb\xbf" + one + two)

    assert len(open_calendar(path).changes(None).events) == 4


def test_a_huge_description_is_cut_to_a_bound(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:big\r\n"
        b"DTSTART:20250311T090000Z\r\nDESCRIPTION:" + b"x" * (MAX_DESCRIPTION_CHARS * 2) + b"\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert len(open_calendar(path).changes(None).events[0].description) == MAX_DESCRIPTION_CHARS


# -- malformed and hostile input ---------------------------------------------------------


def test_malformed_events_are_skipped_and_reported_and_the_rest_is_read() -> None:
    changes = listing("malformed.ics")

    assert [e.uid for e in changes.events] == ["good-before@example.org", "good-after@example.org"]
    reasons = {str(s.event) if s.event else s.what: s.reason for s in changes.skipped}
    assert set(reasons) == {
        "bad-directory-tzid@example.org",
        "bad-garbage-dtstart@example.org",
        "bad-no-dtstart@example.org",
        "bad-list-tzid@example.org",
        "bad-rrule@example.org",
        'event "Interview - No UID"',
    }
    assert "has no start time (DTSTART)" in reasons["bad-no-dtstart@example.org"]
    assert "start time (DTSTART)" in reasons["bad-garbage-dtstart@example.org"]
    assert "no UID" in reasons['event "Interview - No UID"']
    for skipped in changes.skipped:
        assert "\n" not in skipped.what + skipped.reason
        # Sentences, not Python exceptions.
        assert skipped.reason[0].isupper() and skipped.reason.endswith(".")
        assert "Error" not in skipped.reason and "'" not in skipped.reason


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_ical.html", "not an iCalendar file"),
        ("truncated.ics", "incomplete"),
    ],
)
def test_a_file_that_is_not_a_whole_calendar_is_a_backend_error(name: str, message: str) -> None:
    with pytest.raises(BackendError, match=message) as raised:
        listing(name)
    assert name in str(raised.value)


@pytest.mark.parametrize(
    "content", [b"", b"   \r\n", b"\x00\x01\x02", b"BEGIN:VCARD\r\nEND:VCARD\r\n"]
)
def test_empty_or_foreign_content_is_a_backend_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "cal.ics"
    path.write_bytes(content)
    with pytest.raises(BackendError, match=r"cal\.ics"):
        open_calendar(path).changes(None)


def test_a_missing_or_unreadable_calendar_is_a_backend_error(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=r"missing\.ics: no such calendar file"):
        open_calendar(tmp_path / "missing.ics").changes(None)
    with pytest.raises(BackendError, match="cannot be read"):
        open_calendar(tmp_path).changes(None)  # a directory


def test_a_file_over_the_size_limit_is_a_backend_error(tmp_path: Path) -> None:
    path = tmp_path / "big.ics"
    shutil.copy(FIXTURES / "google_export.ics", path)
    with pytest.raises(BackendError, match="limit of 1000"):
        open_calendar(path, max_bytes=1000).changes(None)


def test_a_broken_calls_file_is_a_backend_error_not_an_empty_one(tmp_path: Path) -> None:
    calls = tmp_path / "calls.ics"
    calls.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x@interview-followup\r\n")
    with pytest.raises(BackendError, match=r"calls\.ics"):
        open_calendar(FIXTURES / "cancelled.ics", calls).changes(None)


# -- over HTTP -------------------------------------------------------------------------------


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    #: Send no Content-Length, so only the streamed size can be checked.
    stream: bool = False


class Server:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = routes.get(self.path, Route(404, b"not found"))
                time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in route.headers:
                    self.send_header(name, value)
                if not route.stream:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


SECRET = "/calendar/ical/alex%40example.org/private-5ec12e7a0b/basic.ics"


def test_a_calendar_is_read_over_real_http(server: Server) -> None:
    server.routes[SECRET] = Route(body=(FIXTURES / "google_export.ics").read_bytes())
    calendar = open_calendar(server.url(SECRET))

    changes = calendar.changes(None)
    assert "4q2v8k1m3n5p7r9t0a2c4e6g8i@google.com" in by_uid(changes)
    assert calendar.changes(changes.checkpoint).checkpoint == changes.checkpoint


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(404, b"gone"), "HTTP 404"),
        (Route(500, b"oops"), "HTTP 500"),
        (Route(body=b"<html>login</html>"), "not an iCalendar file"),
        (Route(body=b"BEGIN:VCALENDAR\r\n" + b"X" * 5000), "limit of 4000"),
        (Route(body=b"BEGIN:VCALENDAR\r\n" + b"X" * 5000, stream=True), "limit of 4000"),
        (Route(302, headers=(("Location", "file:///etc/passwd"),)), "302.*not allowed"),
        (Route(302, headers=(("Location", "ftp://127.0.0.1/x"),)), "unknown url type"),
        (Route(delay=1.0), "timed out|TimeoutError|within"),
    ],
    ids=["404", "500", "html", "too-big", "too-big-streamed", "to-file", "to-ftp", "slow"],
)
def test_http_failures_are_backend_errors_that_keep_the_url_secret(
    server: Server, route: Route, message: str
) -> None:
    server.routes[SECRET] = route
    # Only the slow route may time out: on a busy machine 0.3 s could be too
    # short for the others, and the test would read a timeout as their error.
    timeout = 0.3 if route.delay else 10.0
    calendar = open_calendar(server.url(SECRET), max_bytes=4000, timeout=timeout)

    with pytest.raises(BackendError, match=message) as raised:
        calendar.changes(None)
    assert "private-5ec12e7a0b" not in str(raised.value)
    assert "127.0.0.1" in str(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/private-secret/basic.ics",  # nothing listens on the discard port
        "http://[::1/private-secret/basic.ics",  # malformed host
        "https://exa mple.org/private-secret/basic.ics",  # a space http.client refuses
    ],
)
def test_unreachable_or_malformed_urls_are_backend_errors(url: str) -> None:
    calendar = open_calendar(url, timeout=2)
    with pytest.raises(BackendError) as raised:
        calendar.changes(None)
    assert "private-secret" not in str(raised.value)


def test_webcal_means_https() -> None:
    assert source._http_url("webcal://example.org/x.ics?k=1") == "https://example.org/x.ics?k=1"
    assert source.describe("webcal://user:pw@example.org/private-x/basic.ics") == (
        "webcal://example.org/…"
    )


# -- the checkpoint ---------------------------------------------------------------------------


def test_the_checkpoint_follows_content_and_the_day(
    tmp_path: Path, user_file: Callable[[str], Path]
) -> None:
    path = user_file("cancelled.ics")
    clock = [NOW]
    calendar = IcsCalendar(path, tmp_path / "calls.ics", now=lambda: clock[0])
    first = calendar.changes(None)

    assert calendar.changes(first.checkpoint) is first  # unchanged: not even parsed again
    clock[0] = NOW + timedelta(hours=5)
    assert calendar.changes(None).checkpoint == first.checkpoint  # same day, same window
    clock[0] = NOW + timedelta(days=1)
    next_day = calendar.changes(None)
    assert next_day.checkpoint != first.checkpoint
    assert next_day.window_start == first.window_start + timedelta(days=1)  # type: ignore[operator]

    path.write_bytes(path.read_bytes().replace(b"Vandelay", b"Vandelay Ind."))
    assert calendar.changes(None).checkpoint != next_day.checkpoint


# -- fuzzing ------------------------------------------------------------------------------------

SEED_LINES = [
    line
    for name in ("google_export.ics", "outlook_export.ics", "recurring.ics", "all_day.ics")
    for line in (FIXTURES / name).read_bytes().splitlines()
]
HOSTILE_LINES = [
    b"DTSTART;TZID=America:20250312T090000",
    b"DTSTART;TZID=A,B:1818641R",
    b"DTSTART;TZID=" + b"A" * 300 + b":20250312T090000",
    b"DTSTART;TZID=../../../etc/passwd:20250312T090000",
    b"DTEND;VALUE=DATE:20250101",
    b"RRULE:FREQ=DAILY;UNTIL=19000101",
    b"RRULE:FREQ=YEARLY;BYMONTH=13",
    b"RECURRENCE-ID:garbage",
    b"EXDATE:20250311T110000,garbage",
    b"DURATION:P99999999D",
    b'ATTENDEE;CN="unterminated:mailto:a@b',
    b"X-WR-TIMEZONE:America",
    b"BEGIN:VEVENT",
    b"END:VEVENT",
    b"BEGIN:VTIMEZONE",
    b"TZOFFSETTO:+9999",
    b" folded continuation",
    b"\x00\xff\xfe",
]


@st.composite
def mutated_calendars(draw: st.DrawFn) -> bytes:
    lines = list(draw(st.sampled_from([SEED_LINES[:60], SEED_LINES[60:140], SEED_LINES])))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["delete", "insert", "mangle", "duplicate"]))
        if action == "delete" and lines:
            del lines[min(position, len(lines) - 1)]
        elif action == "insert":
            lines.insert(position, draw(st.sampled_from(HOSTILE_LINES) | st.binary(max_size=40)))
        elif action == "mangle" and lines:
            index = min(position, len(lines) - 1)
            name = lines[index].split(b":", 1)[0]
            lines[index] = name + b":" + draw(st.binary(max_size=30))
        elif action == "duplicate" and lines:
            lines.insert(position, lines[min(position, len(lines) - 1)])
    body = b"\r\n".join(lines)
    return body if body.startswith(b"BEGIN:VCALENDAR") else b"BEGIN:VCALENDAR\r\n" + body


def read_untrusted(data: bytes) -> EventChanges | None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.ics"
        path.write_bytes(data)
        try:
            changes = open_calendar(path).changes(None)
        except BackendError:
            return None
    for event in changes.events:
        assert event.start.utcoffset() is not None and event.end >= event.start
    return changes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_read_or_refused_never_a_crash(data: bytes) -> None:
    read_untrusted(data)
    read_untrusted(b"BEGIN:VCALENDAR\r\n" + data + b"\r\nEND:VCALENDAR\r\n")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_calendars())
def test_mutated_real_calendars_are_read_or_refused_never_a_crash(data: bytes) -> None:
    read_untrusted(data)
    read_untrusted(data + b"\r\nEND:VCALENDAR\r\n")
