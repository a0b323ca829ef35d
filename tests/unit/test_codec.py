"""The state store's codec: domain objects round-trip exactly, and bad data is named."""

from __future__ import annotations

import enum
import json
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings

from daemon.domain.model import (
    Attendee,
    CalendarEvent,
    Decision,
    EventId,
    Interview,
    OwnKind,
    OwnTag,
    PartStat,
    Person,
    Role,
)
from daemon.domain.settings import DEFAULT_PATTERNS, Profile
from daemon.reading.interviews import interpret
from daemon.store.codec import (
    CodecError,
    event_from_json,
    event_id_from_text,
    event_to_json,
    from_data,
    from_json,
    from_row,
    from_utc_text,
    interview_from_json,
    interview_to_json,
    person_from_row,
    person_row,
    to_data,
    to_json,
    to_row,
    to_utc_text,
)
from daemon.store.state import StateStore
from tests.strategies import calendar_events, interview_events, profiles

BERLIN = ZoneInfo("Europe/Berlin")
PROFILE = Profile(name="Alex Rivera", email="me@example.com", timezone=BERLIN)


def event(description: str = "", **changes: object) -> CalendarEvent:
    start = datetime(2026, 12, 1, 10, tzinfo=BERLIN)
    base = CalendarEvent(
        id=EventId("iv-1@example.com"),
        title="Interview with Acme",
        start=start,
        end=start + timedelta(hours=1),
        description=description,
        attendees=(Attendee("dana.lee@acme.com", "Dana Lee", PartStat.ACCEPTED),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def stored(interview: Interview) -> Interview:
    """The interview as the state store keeps it: JSON beside UTC columns, people apart."""
    return interview_from_json(
        uid=interview.uid,
        application=interview.application,
        start=to_utc_text(interview.start),
        end=to_utc_text(interview.end),
        data_text=interview_to_json(interview),
        people=tuple(person_from_row(person_row(p)) for p in interview.people),
    )


# -- every interview the parser can produce ---------------------------------------------


@settings(max_examples=200, deadline=None)
@given(interview_events(), profiles)
def test_every_interview_the_parser_produces_round_trips(ev, profile):
    interview = interpret(ev, profile, patterns=DEFAULT_PATTERNS)
    text = to_json(interview)
    back = from_json(Interview, text)
    assert back == interview
    assert to_json(back) == text  # and reads back to the very same text
    assert stored(interview) == interview
    assert json.loads(text)  # plain JSON, readable by anything


@settings(max_examples=40, deadline=None)  # each one opens a database: few, but real ones
@given(interview_events(), profiles)
def test_every_interview_the_parser_produces_round_trips_through_the_state_store(ev, profile):
    interview = interpret(ev, profile, patterns=DEFAULT_PATTERNS)
    with tempfile.TemporaryDirectory() as directory:
        store = StateStore.open(Path(directory) / "state.sqlite3")
        try:
            store.record_interview(interview, datetime(2026, 12, 1, tzinfo=UTC))
            store.events.replace([ev])
            assert [record.interview for record in store.interviews()] == [interview]
            assert store.events.events() == [ev]
        finally:
            store.close()


@settings(max_examples=300, deadline=None)
@given(calendar_events)
def test_every_calendar_event_round_trips(ev):
    text = event_to_json(ev)
    back = event_from_json(text)
    assert back == ev
    assert event_to_json(back) == text
    assert from_json(CalendarEvent, text) == ev
    text.encode("utf-8")  # storable as it is
    for before, after in ((ev.start, back.start), (ev.end, back.end)):
        if isinstance(before.tzinfo, ZoneInfo):
            # The zone itself, not just the instant: the same wall clock and offset.
            assert after.tzinfo is before.tzinfo
            assert after.utcoffset() == before.utcoffset()
        else:
            assert after.tzinfo is UTC


def test_a_decision_note_is_kept():
    """Regression: the codec dropped ``Decision.note``, so an interview noted
    ``Decided: offer accepted`` never equalled its stored copy and was recorded
    again on every poll."""
    interview = interpret(event("Company: Acme\nDecided: offer accepted"), PROFILE)
    assert interview.decided == Decision("offer", "event", "offer accepted")
    assert stored(interview) == interview
    assert stored(interview).decided == interview.decided


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN),  # the first 02:30 of the night clocks go back
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN),  # the second one
        datetime(2026, 3, 29, 2, 30, tzinfo=BERLIN),  # an 02:30 that never happens
    ],
)
def test_a_time_in_a_changing_hour_round_trips_in_its_zone(start):
    # Why the zone is stored: by PEP 495 such a time never equals its UTC copy.
    assert start != start.astimezone(UTC)
    interview = interpret(
        event("Company: Acme", start=start, end=start + timedelta(hours=1)), PROFILE
    )
    back = stored(interview)
    assert back == interview
    assert (back.start.tzinfo, back.start.fold, back.start.utcoffset()) == (
        BERLIN,
        start.fold,
        start.utcoffset(),
    )


# -- what is written ----------------------------------------------------------------------


def test_the_text_is_compact_sorted_and_keeps_non_ascii():
    text = event_to_json(event(title="Ünïcode – Co"))
    assert text.startswith('{"all_day":false,"attendees":[{"email":"dana.lee@acme.com"')
    assert "Ünïcode – Co" in text
    assert '"start":"2026-12-01T10:00:00+01:00[Europe/Berlin]"' in text


def test_times_without_a_named_zone_are_stored_in_utc():
    start = datetime(2026, 12, 1, 13, tzinfo=timezone(timedelta(hours=5)))
    text = event_to_json(event(start=start))
    assert '"start":"2026-12-01T08:00:00+00:00"' in text
    assert event_from_json(text).start == start


def test_a_lone_surrogate_is_escaped_and_read_back():
    ev = event(title="broken \udcff decoder")
    text = event_to_json(ev)
    text.encode("utf-8")
    assert event_from_json(text) == ev


def test_equal_sets_give_equal_text():
    @dataclass(frozen=True)
    class Tags:
        tags: frozenset[str]

    many = [f"tag-{n}" for n in range(50)]
    assert to_json(Tags(frozenset(many))) == to_json(Tags(frozenset(reversed(many))))


def test_the_whole_interview_or_the_interview_without_its_people():
    interview = interpret(event("Met: Dana Lee\nDiscussed with Dana: Rust"), PROFILE)
    assert interview.people
    assert "people" not in json.loads(interview_to_json(interview))
    assert from_json(Interview, to_json(interview)) == interview


def test_person_rows_have_one_column_per_field():
    person = Person(
        "Dana Lee",
        "dana@acme.com",
        "CTO",
        "+16175550188",
        "1 Main St",
        Role.HR,
        False,
        ("Rust", "on-call"),
    )
    row = person_row(person)
    assert row == {
        "name": "Dana Lee",
        "email": "dana@acme.com",
        "title": "CTO",
        "phone": "+16175550188",
        "address": "1 Main St",
        "role": "hr",
        "met": 0,
        "topics": '["Rust","on-call"]',
    }
    assert person_from_row(row) == person


# -- reading what older and newer versions wrote ---------------------------------------------


def test_fields_a_newer_version_wrote_are_ignored():
    data = to_data(event())
    data["colour"] = "blue"
    data["attendees"][0]["pronouns"] = "she/her"
    assert from_data(CalendarEvent, data) == event()


def test_fields_an_older_version_did_not_write_take_their_default():
    data = to_data(Decision("accepted", "event", "offer accepted"))
    del data["note"]
    assert from_data(Decision, data) == Decision("accepted", "event", "")
    assert person_from_row({"name": "Dana"}) == Person("Dana")


def test_a_missing_field_without_a_default_is_named():
    data = to_data(event())
    del data["id"]["series"]
    with pytest.raises(
        ValueError, match=r"^CalendarEvent\.id\.series: .*EventId\.series has no default"
    ):
        from_data(CalendarEvent, data)
    data["id"]["series"] = "back"
    del data["start"]
    with pytest.raises(ValueError, match=r"^CalendarEvent\.start: missing"):
        from_data(CalendarEvent, data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["attendees"][0].update(email=3),
            r"CalendarEvent\.attendees\[0\]\.email: expected text, got int",
        ),
        (
            lambda d: d.update(status="MAYBE"),
            r"CalendarEvent\.status: 'MAYBE' is not a EventStatus",
        ),
        (lambda d: d.update(all_day="yes"), r"CalendarEvent\.all_day: expected a boolean"),
        (lambda d: d.update(start="tomorrow"), r"CalendarEvent\.start: not an ISO 8601 time"),
        (
            lambda d: d.update(start="2026-12-01T10:00:00"),
            r"CalendarEvent\.start: stored time without zone",
        ),
        (lambda d: d.update(attendees={}), r"CalendarEvent\.attendees: expected a JSON array"),
        (
            lambda d: d.update(own={"kind": "party", "key": "k"}),
            r"CalendarEvent\.own\.kind: 'party'",
        ),
        (lambda d: d.update(own="k"), r"CalendarEvent\.own: expected a JSON object for OwnTag"),
    ],
)
def test_stored_data_of_the_wrong_kind_is_named(change, message):
    data = to_data(event())
    change(data)
    with pytest.raises(ValueError, match=message):
        from_data(CalendarEvent, data)


def test_text_that_is_not_json_is_named():
    with pytest.raises(ValueError, match=r"^CalendarEvent: stored text is not JSON"):
        event_from_json('{"id": ')


def test_an_unknown_zone_reads_back_as_the_same_instant():
    text = event_to_json(event()).replace("[Europe/Berlin]", "[Mars/Olympus_Mons]")
    back = event_from_json(text)
    assert back.start == event().start
    assert back.start.utcoffset() == timedelta(hours=1)


def test_an_event_cache_row_of_the_previous_version_reads():
    """As ``event_to_json`` wrote them while ids were text and only calls were the service's."""
    old = {
        "uid": "series@x#2026-12-01T09:00:00Z",
        "title": "Call Dana",
        "start": "2026-12-01T09:00:00+00:00",
        "end": "2026-12-01T09:15:00+00:00",
        "description": "",
        "all_day": False,
        "status": "CONFIRMED",
        "attendees": [{"email": "a@x", "name": "A", "partstat": "ACCEPTED", "resource": False}],
        "organizer": "",
        "own_key": "k1",
    }
    back = event_from_json(json.dumps(old))
    assert back.id == EventId("series@x", "2026-12-01T09:00:00Z")
    assert back.own == OwnTag(OwnKind.CALL, "k1")
    assert back.attendees == (Attendee("a@x", "A", PartStat.ACCEPTED),)


def test_an_interview_row_of_the_previous_version_reads():
    """The JSON held neither id, times nor application: the row's columns stand in."""
    old = {
        "title": "Interview with Acme",
        "company": "Acme",
        "job": "",
        "hear_back": "2026-12-04",
        "discussed": [],
        "forgot": [],
        "offers": [],
        "free_text": "",
        "decided": {"outcome": "accepted", "source": "event"},
        "warnings": [],
    }
    back = interview_from_json(
        uid="iv@x#2026-12-01",
        application="acme",
        start="2026-12-01T09:00:00+00:00",
        end="2026-12-01T10:00:00+00:00",
        data_text=json.dumps(old),
        people=(Person("Dana"),),
    )
    assert back.id == EventId("iv@x", "2026-12-01")
    assert (back.application, back.start) == ("acme", datetime(2026, 12, 1, 10, tzinfo=BERLIN))
    assert back.decided == Decision("accepted", "event", "")
    assert back.people == (Person("Dana"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain@x", EventId("plain@x")),
        ("s@x#2026-12-01T09:00:00Z", EventId("s@x", "2026-12-01T09:00:00Z")),
        ("s@x#2026-12-01", EventId("s@x", "2026-12-01")),
        ("a#b@x", EventId("a#b@x")),  # a '#' inside a UID is not an occurrence
        ("#2026-12-01", EventId("#2026-12-01")),
    ],
)
def test_an_id_is_read_from_its_text_form(text, expected):
    assert event_id_from_text(text) == expected
    assert str(expected) == text


# -- what cannot be stored ---------------------------------------------------------------------


def test_a_naive_datetime_is_refused_when_written():
    naive = datetime(2026, 12, 1, 10)
    with pytest.raises(ValueError, match=r"^CalendarEvent\.start: naive datetime cannot be stored"):
        event_to_json(event(start=naive))
    with pytest.raises(ValueError, match=r"^Interview\.end: naive datetime"):
        interview_to_json(replace(interpret(event(), PROFILE), end=naive))
    with pytest.raises(ValueError, match="naive datetime"):
        to_utc_text(naive)


def test_values_that_would_not_read_back_equal_are_refused_when_written():
    with pytest.raises(ValueError, match=r"^CalendarEvent\.attendees: expected a tuple, got list"):
        event_to_json(event(attendees=[Attendee("a@x")]))
    with pytest.raises(ValueError, match=r"^Interview\.hear_back: expected a date, got datetime"):
        interview_to_json(replace(interpret(event(), PROFILE), hear_back=datetime.now(UTC)))
    with pytest.raises(ValueError, match=r"^CalendarEvent\.own\.kind: 'party' is not a OwnKind"):
        event_to_json(event(own=OwnTag("party", "k")))  # type: ignore[arg-type]

    @dataclass(frozen=True)
    class Reading:
        value: float

    with pytest.raises(ValueError, match=r"^Reading\.value: nan cannot be stored"):
        to_json(Reading(float("nan")))


def test_a_type_it_cannot_store_is_named_when_first_used():
    @dataclass(frozen=True)
    class Odd:
        value: int | str

    with pytest.raises(TypeError, match=r"Odd\.value: .*only X \| None"):
        to_json(Odd(1))


@dataclass(frozen=True)
class Unstorable:
    children: tuple[Unstorable, ...]
    value: int | str


def test_a_class_that_fails_to_plan_leaves_nothing_half_planned():
    # Planning Unstorable builds a codec for tuple[Unstorable, ...] on the way; it must
    # not stay behind holding a plan without fields (which would store every item as {}).
    for hint in (Unstorable, tuple[Unstorable, ...], Unstorable):
        with pytest.raises(TypeError, match=r"Unstorable\.value: .*only X \| None"):
            to_data((), hint)


# -- the generic codec -------------------------------------------------------------------------


class Colour(enum.StrEnum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@dataclass(frozen=True)
class Node:
    name: str
    children: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Everything:
    text: str
    number: int
    ratio: float
    flag: bool
    colour: Colour
    level: Level
    when: datetime
    day: date
    at: time
    wait: timedelta
    mode: Literal["fast", "slow"]
    pair: tuple[int, str]
    tags: frozenset[str]
    counts: dict[str, int]
    by_colour: dict[Colour, tuple[date, ...]]
    maybe: Node | None
    listed: list[int] = field(default_factory=list)
    later: datetime | None = None


def test_the_generic_codec_round_trips_every_supported_type():
    value = Everything(
        text="Zoë\x00",
        number=-(2**70),
        ratio=0.1,
        flag=True,
        colour=Colour.GREEN,
        level=Level.HIGH,
        when=datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=ZoneInfo("America/Adak")),
        day=date(2026, 12, 4),
        at=time(9, 30),
        wait=timedelta(days=-1, microseconds=7),
        mode="slow",
        pair=(1, "one"),
        tags=frozenset({"b", "a"}),
        counts={"x": 1},
        by_colour={Colour.RED: (date(2026, 1, 1),)},
        maybe=Node("root", (Node("leaf"), Node("leaf 2", (Node("deep"),)))),
        listed=[3, 1],
    )
    data = to_data(value)
    assert data["tags"] == ["a", "b"]
    assert data["wait"] == -86_399_999_993
    assert json.loads(json.dumps(data)) == data
    assert from_json(Everything, to_json(value)) == value
    assert from_data(Everything, data) == value


def test_literal_and_enum_values_are_checked_both_ways():
    value = Everything(
        *("", 0, 0.0, False, Colour.RED, Level.LOW, datetime.now(UTC), date.today(), time()),
        *(timedelta(), "fast", (0, ""), frozenset(), {}, {}, None),
    )
    data = to_data(value)
    for name, bad in (("mode", "medium"), ("level", "1"), ("colour", "blue"), ("pair", [1])):
        with pytest.raises(ValueError, match=rf"^Everything\.{name}: "):
            from_data(Everything, {**data, name: bad})


def test_rows_hold_json_text_for_nested_values():
    node = Node("root", (Node("leaf"),))
    row = to_row(node)
    assert row == {"name": "root", "children": '[{"children":[],"name":"leaf"}]'}
    assert from_row(Node, row) == node


def test_the_store_time_columns_stay_utc_text():
    moment = datetime(2026, 12, 1, 10, tzinfo=BERLIN)
    assert to_utc_text(moment) == "2026-12-01T09:00:00+00:00"
    assert from_utc_text(to_utc_text(moment)) == moment
    with pytest.raises(ValueError, match="without zone"):
        from_utc_text("2026-12-01T09:00:00")


@given(calendar_events)
@example(event(title="Decided: offer accepted"))
@settings(max_examples=50, deadline=None)
def test_an_error_is_a_value_error(ev):
    # Everything wrong with stored data is a ValueError (CodecError), never a KeyError or
    # TypeError from deep inside: callers quarantine on ValueError.
    data = to_data(ev)
    for name in data:
        with pytest.raises(CodecError) as raised:
            from_data(CalendarEvent, {**data, name: [None]})
        assert isinstance(raised.value, ValueError)
        assert str(raised.value).startswith(f"CalendarEvent.{name}")
