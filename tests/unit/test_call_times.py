"""Call times a person would pick: no holidays, no clashes, both parties' working day."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from daemon.compose.composer import Composer
from daemon.domain.model import OwnKind, PartStat, Person, Role
from daemon.domain.settings import FollowupSettings
from daemon.planning.actions import PutOwnEvent
from daemon.planning.planner import plan
from daemon.planning.public_holidays import holiday_check, holiday_name
from daemon.planning.slots import first_slot, wall_clock
from daemon.reading.interviews import interpret
from daemon.reading.zones import employer_zone, phone_zone
from daemon.store.records import Snapshot
from tests.conftest import at, make_event, make_settings, person

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def new_york(text: str):
    return at(text, NEW_YORK)


def us_settings(**followup):
    return make_settings(NEW_YORK, followup=FollowupSettings(holidays="US", **followup))


def call_of(actions) -> PutOwnEvent:
    (call,) = [a for a in actions if isinstance(a, PutOwnEvent) and a.kind is OwnKind.CALL]
    return call


def globex(start, notes="Company: Globex\nHR: Chris Park, chris@globex.example", **changes):
    """Tue Nov 17 2026 in New York: with no hear-back date, the first call is due Nov 25."""
    return make_event(
        "globex@test",
        "Interview with Globex",
        start,
        description=notes,
        attendees=(person("Chris Park", "chris@globex.example"),),
        **changes,
    )


def test_holidays_are_read_by_country_and_subdivision():
    us = holiday_check("US")
    assert us is not None and us(date(2026, 11, 26)) and not us(date(2026, 11, 25))
    assert holiday_name("US", date(2026, 11, 26)) == "Thanksgiving Day"
    assert holiday_check("") is None
    berlin = holiday_check("DE-BE")
    assert berlin is not None and berlin(date(2026, 3, 8))  # Women's Day, Berlin only
    germany = holiday_check("DE")
    assert germany is not None and not germany(date(2026, 3, 8))


def test_no_call_on_thanksgiving():
    # The demo's case: heard nothing by Tue Nov 24, it is Wed Nov 25 noon.
    actions = plan(
        Snapshot(),
        [globex(new_york("2026-11-17 10:30"))],
        new_york("2026-11-25 12:00"),
        us_settings(),
    )
    assert call_of(actions).start == new_york("2026-12-01 10:00")
    without = make_settings(NEW_YORK, followup=FollowupSettings(holidays=""))
    actions = plan(
        Snapshot(), [globex(new_york("2026-11-17 10:30"))], new_york("2026-11-25 12:00"), without
    )
    assert call_of(actions).start == new_york("2026-11-26 10:00")


def test_no_call_over_another_event():
    dentist = make_event("dentist@test", "Dentist", new_york("2026-12-01 09:30"), minutes=60)
    events = [globex(new_york("2026-11-17 10:30")), dentist]
    call = call_of(plan(Snapshot(), events, new_york("2026-11-25 12:00"), us_settings()))
    # Right after the dentist, on the same day.
    assert call.start == new_york("2026-12-01 10:30")


def test_an_event_the_user_declined_or_an_all_day_one_takes_no_time():
    declined = make_event("standup@test", "Standup", new_york("2026-12-01 10:00"), minutes=30)
    declined = declined.__class__(
        **{
            **declined.__dict__,
            "attendees": (person("Me", "me@example.com", PartStat.DECLINED),),
        }
    )
    all_day = make_event(
        "wfh@test", "Working from home", new_york("2026-12-01 00:00"), all_day=True
    )
    events = [globex(new_york("2026-11-17 10:30")), declined, all_day]
    call = call_of(plan(Snapshot(), events, new_york("2026-11-25 12:00"), us_settings()))
    assert call.start == new_york("2026-12-01 10:00")


def test_a_day_full_of_events_moves_the_call_to_the_next_call_day():
    offsite = make_event("offsite@test", "Offsite", new_york("2026-12-01 08:00"), minutes=10 * 60)
    events = [globex(new_york("2026-11-17 10:30")), offsite]
    call = call_of(plan(Snapshot(), events, new_york("2026-11-25 12:00"), us_settings()))
    assert call.start == new_york("2026-12-02 10:00")


def test_two_applications_never_share_a_call_time():
    initech = make_event(
        "initech@test",
        "Interview with Initech",
        new_york("2026-11-17 14:00"),
        description="Company: Initech\nMet: Pat Lee, pat@initech.example",
        attendees=(person("Pat Lee", "pat@initech.example"),),
    )
    actions = plan(
        Snapshot(),
        [globex(new_york("2026-11-17 10:30")), initech],
        new_york("2026-11-25 12:00"),
        us_settings(),
    )
    calls = sorted(
        a.start for a in actions if isinstance(a, PutOwnEvent) and a.kind is OwnKind.CALL
    )
    assert calls == [new_york("2026-12-01 10:00"), new_york("2026-12-01 10:15")]


def test_the_employer_zone_comes_from_the_phone_number_then_the_interview():
    assert phone_zone("+14155550199") == LOS_ANGELES
    assert phone_zone("+49305550188") == BERLIN
    assert phone_zone("555-0199") is None
    interview = interpret(
        globex(at("2026-11-17 10:30", LOS_ANGELES), notes="Company: Globex"),
        make_settings(NEW_YORK).profile,
    )
    assert employer_zone(interview, None, NEW_YORK) == LOS_ANGELES
    assert employer_zone(interview, None, LOS_ANGELES) is None  # the same clock
    boston = Person(name="Chris", phone="+16175550100", role=Role.HR)
    assert employer_zone(interview, boston, NEW_YORK) is None  # the number is in New York


def test_a_call_to_another_zone_is_inside_both_working_days():
    # From Berlin to New York: 10:00 in Berlin is 04:00 there; 15:00 is 09:00.
    notes = "Company: Globex\nHiring manager: Chris Park, chris@globex.example, +1 212 555 0107"
    settings = make_settings(BERLIN)
    event = globex(at("2026-11-17 10:30", BERLIN), notes=notes)
    call = call_of(plan(Snapshot(), [event], at("2026-11-25 12:00", BERLIN), settings))
    # Today still: 10:00 has passed, 15:00 has not.
    assert call.start == at("2026-11-25 15:00", BERLIN) and call.start.tzinfo == BERLIN
    assert call.start.astimezone(NEW_YORK).time() == time(9, 0)
    _, description = Composer().compose_call(
        interpret(event, settings.profile), call.person, settings.profile, start=call.start
    )
    assert "Time: 15:00 your time is 09:00 in New York." in description


def test_across_a_daylight_saving_change_the_overlap_follows_both_clocks():
    # New York springs forward on Mar 8 2026, Berlin on Mar 29: for three weeks
    # New York is five hours behind, not six, and its 09:00 is 14:00 in Berlin.
    rules = dict(
        not_before=at("2026-03-01 08:00", BERLIN),
        after_day=None,
        call_days=(1, 2, 3),
        call_time=time(10, 0),
        zone=BERLIN,
        duration=timedelta(minutes=15),
        employer=NEW_YORK,
    )
    before = first_slot(floor=wall_clock(at("2026-03-03 08:00", BERLIN), BERLIN), **rules)
    during = first_slot(floor=wall_clock(at("2026-03-10 08:00", BERLIN), BERLIN), **rules)
    after = first_slot(floor=wall_clock(at("2026-03-31 08:00", BERLIN), BERLIN), **rules)
    assert [wall_clock(s, BERLIN).time() for s in (before, during, after)] == [
        time(15, 0),
        time(14, 0),
        time(15, 0),
    ]
    assert all(s.astimezone(NEW_YORK).time() == time(9, 0) for s in (before, during, after))


def test_a_busy_day_and_two_holidays_in_a_row_are_skipped():
    # Friday calls only; heard nothing by Thu Dec 17: Fri Dec 18 is taken all day,
    # Fri Dec 25 is Christmas and Fri Jan 1 New Year's Day: Fri Jan 8.
    settings = make_settings(BERLIN, followup=FollowupSettings(holidays="DE", call_days=(4,)))
    event = make_event(
        "acme@test",
        "Interview – Acme",
        at("2026-12-10 10:00", BERLIN),
        description="Company: Acme\nHear back: 2026-12-17\nMet: Dana Lee, dana@acme.example",
        attendees=(person("Dana Lee", "dana@acme.example"),),
    )
    away = make_event("away@test", "Workshop", at("2026-12-18 08:00", BERLIN), minutes=11 * 60)
    call = call_of(plan(Snapshot(), [event, away], at("2026-12-10 12:00", BERLIN), settings))
    assert call.start == at("2027-01-08 10:00", BERLIN)


def test_a_call_after_the_autumn_change_keeps_its_wall_time_and_dodges_a_meeting():
    settings = make_settings(BERLIN, followup=FollowupSettings(holidays="DE"))
    event = make_event(
        "acme@test",
        "Interview – Acme",
        at("2026-10-20 10:00", BERLIN),
        description="Company: Acme\nHear back: 2026-10-26\nMet: Dana Lee, dana@acme.example",
        attendees=(person("Dana Lee", "dana@acme.example"),),
    )
    meeting = make_event("sync@test", "Sync", at("2026-10-27 09:45", BERLIN), minutes=30)
    call = call_of(plan(Snapshot(), [event, meeting], at("2026-10-20 12:00", BERLIN), settings))
    assert call.start == at("2026-10-27 10:15", BERLIN)
    assert call.start.utcoffset() == timedelta(hours=1)  # winter time by then
