"""The rules of DESIGN.md, one by one, on the pure planner."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from daemon.domain.model import EventId, OwnKind, PartStat
from daemon.planning.actions import (
    CreateDraft,
    MarkInterviewRemoved,
    ObserveOwn,
    PutOwnEvent,
    Quarantine,
    RecordDecision,
    RemoveOwnEvent,
)
from daemon.planning.planner import Unreadable, decision_in, plan
from daemon.store.records import DraftKind, ItemRef, OwnStatus, Snapshot
from tests.conftest import at, make_event, person
from tests.unit.world import World

PANEL_NOTES = """Company: Acme
Role: Staff Engineer
Hiring manager: Dana Lee, Head of Platform, dana@acme.example, +49 30 5550188
Met: Sam Okafor (Staff Engineer) <sam@acme.example>
HR: Chris Park, Recruiter, chris@acme.example, +49 30 5550107
Decision maker: Maria Gomez, VP Engineering, maria@acme.example
Hear back: 2026-12-04
"""

# Tuesday 2026-12-01, 13:00-14:00 Berlin.
PANEL_START = at("2026-12-01 13:00")


def panel(uid: str = "panel-1", start=PANEL_START, notes: str = PANEL_NOTES, **kw):
    return make_event(
        uid,
        "Panel interview – Acme",
        start,
        description=notes,
        attendees=(
            person("Dana Lee", "dana@acme.example"),
            person("Sam Okafor", "sam@acme.example"),
            person("Chris Park", "chris@acme.example"),
            person("Quinn Declined", "quinn@acme.example", PartStat.DECLINED),
        ),
        **kw,
    )


def drafts_of(actions):
    return [a for a in actions if isinstance(a, CreateDraft)]


def calls_of(actions):
    return [a for a in actions if isinstance(a, PutOwnEvent) and a.kind is OwnKind.CALL]


def test_no_drafts_before_the_grace_period_ends(settings):
    actions = plan(Snapshot(), [panel()], at("2026-12-01 14:59"), settings)
    assert drafts_of(actions) == []
    assert calls_of(actions) == []


def test_one_draft_per_person_with_address_after_grace(settings):
    actions = plan(Snapshot(), [panel()], at("2026-12-01 15:00"), settings)
    drafts = {d.person.email: d for d in drafts_of(actions)}
    # Dana, Sam, Chris met; Maria is a decision maker not met; Quinn declined.
    assert set(drafts) == {
        "dana@acme.example",
        "sam@acme.example",
        "chris@acme.example",
        "maria@acme.example",
    }
    assert drafts["maria@acme.example"].kind is DraftKind.INTEREST
    assert drafts["dana@acme.example"].kind is DraftKind.THANK_YOU
    assert not any(d.late for d in drafts.values())
    assert len({d.key for d in drafts.values()}) == 4
    assert len({d.variant for d in drafts.values()}) == 4


def test_drafts_after_24_hours_are_flagged_late(settings):
    actions = plan(Snapshot(), [panel()], at("2026-12-02 14:01"), settings)
    assert drafts_of(actions) and all(d.late for d in drafts_of(actions))


def test_drafts_are_created_once_even_if_the_user_deletes_them(settings):
    world = World(settings)
    world.add(panel())
    assert len(drafts_of(world.step(at("2026-12-01 15:00")))) == 4
    assert drafts_of(world.step(at("2026-12-01 16:00"))) == []
    assert drafts_of(world.step(at("2026-12-03 16:00"))) == []


def test_interviews_older_than_lookback_at_first_sight_are_left_alone(settings):
    old = panel(start=at("2026-10-01 13:00"))
    actions = plan(Snapshot(), [old], at("2026-12-01 09:00"), settings)
    assert drafts_of(actions) == [] and calls_of(actions) == []


def test_first_call_is_the_first_slot_on_a_day_after_hear_back(settings):
    actions = plan(Snapshot(), [panel()], at("2026-12-01 15:00"), settings)
    (call,) = calls_of(actions)
    # Hear back by Friday Dec 4: the first Tue-Thu 10:00 after it is Tue Dec 8.
    assert call.start == at("2026-12-08 10:00")
    assert call.end - call.start == timedelta(minutes=15)
    assert call.person is not None and call.person.name == "Dana Lee"


def test_default_wait_is_seven_days(settings):
    event = panel(notes="Company: Acme\nMet: Sam Okafor <sam@acme.example>")
    actions = plan(Snapshot(), [event], at("2026-12-01 15:00"), settings)
    (call,) = calls_of(actions)
    # Interview Tue Dec 1 -> hear back Tue Dec 8 -> first slot after it: Wed Dec 9.
    assert call.start == at("2026-12-09 10:00")


def test_only_one_upcoming_call_and_the_next_a_week_after(settings):
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    assert calls_of(world.step(at("2026-12-08 09:00"))) == []
    assert calls_of(world.step(at("2026-12-08 10:05"))) == []  # still running
    (second,) = calls_of(world.step(at("2026-12-08 10:16")))
    assert second.start == at("2026-12-15 10:00")
    assert second.key != first.key


def test_next_call_counts_from_the_time_the_user_moved_it_to(settings):
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    world.move_call(first.key, at("2026-12-10 16:30"))  # Thursday afternoon
    world.step(at("2026-12-08 11:00"))
    assert world.calls[first.key].observed_start == at("2026-12-10 16:30")
    assert calls_of(world.step(at("2026-12-09 11:00"))) == []  # moved call still upcoming
    (second,) = calls_of(world.step(at("2026-12-10 17:00")))
    # At least 7 days after Thu 16:30: Thu Dec 17 16:30 -> next slot is Tue Dec 22 10:00.
    assert second.start == at("2026-12-22 10:00")


def test_deleting_a_call_skips_that_week_only(settings):
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    world.delete_call(first.key)
    assert calls_of(world.step(at("2026-12-02 09:00"))) == []
    assert world.calls[first.key].status is OwnStatus.DELETED
    (second,) = calls_of(world.step(at("2026-12-08 11:00")))
    assert second.start == at("2026-12-15 10:00")


def test_a_new_round_restarts_the_clock(settings):
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    second_round = make_event(
        "final-1",
        "Final round – Acme",
        at("2026-12-03 10:00"),
        description="Company: ACME Inc.\nHear back: in 2 weeks",
        attendees=(person("Dana Lee", "dana@acme.example"),),
    )
    world.add(second_round)
    actions = world.step(at("2026-12-03 12:01"))
    assert (
        RemoveOwnEvent(OwnKind.CALL, first.key, "a new interview restarted the follow-up clock")
        in actions
    )
    (call,) = calls_of(actions)
    # Hear back Dec 17 (Thu) -> first slot after it: Tue Dec 22.
    assert call.start == at("2026-12-22 10:00")
    assert call.series == "final-1"
    assert len(drafts_of(actions)) == 1  # Dana again, for the new round


def test_decided_in_the_notes_stops_everything(settings):
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    world.add(panel(notes=PANEL_NOTES + "Decided: offer\n"))
    actions = world.step(at("2026-12-02 09:00"))
    assert RecordDecision("acme", "offer", "event") in actions
    assert RemoveOwnEvent(OwnKind.CALL, first.key, "the application is decided") in actions
    assert world.live_calls() == []
    assert calls_of(world.step(at("2026-12-20 09:00"))) == []


def test_decided_on_a_call_event_stops_everything(settings):
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    world.step(at("2026-12-08 10:30"))
    (second,) = world.live_calls()[1:]
    description = world.events[first.key].description
    world.note_on_call(
        first.key, description + "\nTalked to Dana: they went with someone else #decided"
    )
    actions = world.step(at("2026-12-09 09:00"))
    assert RecordDecision("acme", "other", "call") in actions
    assert RemoveOwnEvent(OwnKind.CALL, second.key, "the application is decided") in actions
    # The past call stays as history.
    assert world.calls[first.key].status is OwnStatus.CREATED


def test_decided_before_the_interview_ended_makes_no_drafts(settings):
    event = panel(notes=PANEL_NOTES + "#decided")
    actions = plan(Snapshot(), [event], at("2026-12-01 15:00"), settings)
    assert drafts_of(actions) == [] and calls_of(actions) == []


def test_the_decision_maker_is_called_first_then_interviewers_then_hr(settings):
    notes_without_dm = (
        "Company: Acme\nMet: Sam Okafor <sam@acme.example>\n"
        "HR: Chris Park, Recruiter, chris@acme.example, +49 30 5550107"
    )
    actions = plan(Snapshot(), [panel(notes=notes_without_dm)], at("2026-12-01 15:00"), settings)
    (call,) = calls_of(actions)
    assert call.person is not None and call.person.name in {"Sam Okafor", "Dana Lee"}
    hr_only = make_event(
        "screen-1",
        "Phone screen – Acme",
        PANEL_START,
        description="HR: Chris Park, Recruiter, chris@acme.example, +49 30 5550107",
        attendees=(person("Chris Park", "chris@acme.example"),),
    )
    (call,) = calls_of(plan(Snapshot(), [hr_only], at("2026-12-01 15:00"), settings))
    assert call.person is not None and call.person.name == "Chris Park"


def test_an_empty_listing_is_not_read_as_everything_deleted(settings):
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    actions = plan(world.snapshot(), [], at("2026-12-02 09:00"), settings)
    assert not [a for a in actions if isinstance(a, MarkInterviewRemoved)]
    assert world.calls[first.key].status is OwnStatus.CREATED
    assert calls_of(actions) == [] and drafts_of(actions) == []


def test_a_cancelled_interview_makes_nothing(settings):
    event = panel(status="CANCELLED")
    actions = plan(Snapshot(), [event], at("2026-12-01 15:00"), settings)
    assert drafts_of(actions) == [] and calls_of(actions) == []


def test_an_interview_removed_before_its_end_makes_nothing(settings):
    world = World(settings)
    world.add(panel())
    world.add(make_event("other", "Dentist", at("2026-11-30 08:00")))
    world.step(at("2026-12-01 09:00"))  # seen, not yet over
    del world.events["panel-1"]
    actions = world.step(at("2026-12-01 15:00"))
    assert MarkInterviewRemoved(EventId("panel-1")) in actions
    assert drafts_of(actions) == [] and calls_of(actions) == []


def test_pending_writes_are_repeated_with_the_same_key(settings):
    world = World(settings)
    world.add(panel())
    first = world.step(at("2026-12-01 15:00"))
    (call,) = calls_of(first)
    # Pretend the cycle crashed after recording the intent: status pending.
    from dataclasses import replace

    world.own[call.key] = replace(world.own[call.key], status=OwnStatus.PENDING)
    del world.events[call.key]
    (again,) = calls_of(world.step(at("2026-12-01 15:05")))
    assert again.key == call.key and again.start == call.start


def test_hear_back_date_is_used_for_the_default(settings):
    from daemon.planning.calls import hear_back_day
    from daemon.reading.interviews import interpret

    interview = interpret(panel(), settings.profile)
    assert hear_back_day(interview, settings) == date(2026, 12, 4)


def test_decision_markers_in_call_notes():
    assert decision_in("#decided") == "other"
    assert decision_in("notes\nDecided: offer accepted") == "offer"
    assert decision_in("- decided: Rejected") == "rejected"
    assert decision_in("undecided for now") is None
    assert decision_in("nothing decided yet") is None


def test_the_services_own_words_on_a_call_never_decide(settings):
    """The call script tells the user to add #decided; that sentence itself is no decision."""
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    assert "#decided" in world.events[first.key].description
    actions = world.step(at("2026-12-08 10:30"))
    assert not [a for a in actions if isinstance(a, RecordDecision)]
    assert len(calls_of(actions)) == 1


def test_not_yet_decided_on_a_call_is_no_decision():
    assert decision_in("Decided: not yet") is None
    assert decision_in("Decided") == "other"


def test_an_unreadable_event_is_not_taken_as_deleted(settings):
    world = World(settings)
    world.add(panel())
    world.add(make_event("other", "Dentist", at("2026-11-30 08:00")))
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    interview = world.events.pop("panel-1")
    call_event = world.events.pop(first.key)
    actions = plan(
        world.snapshot(),
        list(world.events.values()),
        at("2026-12-02 09:00"),
        settings,
        unreadable=Unreadable((EventId("panel-1"),), frozenset({first.key})),
    )
    assert not [a for a in actions if isinstance(a, MarkInterviewRemoved | RemoveOwnEvent)]
    assert not [a for a in actions if isinstance(a, ObserveOwn)]
    world.add(interview)
    world.events[first.key] = call_event


def test_a_deleted_call_that_comes_back_counts_again(settings):
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    event = world.events[first.key]
    world.delete_call(first.key)
    world.step(at("2026-12-01 16:00"))
    assert world.calls[first.key].status is OwnStatus.DELETED
    world.events[first.key] = event  # the user undoes the deletion
    world.step(at("2026-12-01 17:00"))
    assert world.calls[first.key].status is OwnStatus.CREATED
    world.add(panel(notes=PANEL_NOTES + "#decided"))
    actions = world.step(at("2026-12-02 09:00"))
    assert RemoveOwnEvent(OwnKind.CALL, first.key, "the application is decided") in actions


def test_calls_follow_their_interview_when_the_company_changes(settings):
    world = World(settings)
    notes = "Met: Sam Okafor <sam@acme.example>\nHear back: 2026-12-04"
    world.add(panel(notes=notes))
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    world.add(panel(notes="Company: Acme Robotics\n" + notes))
    actions = world.step(at("2026-12-02 09:00"))
    assert calls_of(actions) == [] and not [a for a in actions if isinstance(a, RemoveOwnEvent)]
    world.add(panel(notes="Company: Acme Robotics\n" + notes + "\nDecided: rejected"))
    actions = world.step(at("2026-12-03 09:00"))
    assert RecordDecision("acme robotics", "rejected", "event") in actions
    assert RemoveOwnEvent(OwnKind.CALL, first.key, "the application is decided") in actions


def test_a_later_hear_back_date_moves_the_booked_call(settings):
    world = World(settings)
    world.add(panel(notes="Company: Acme\nMet: Sam Okafor <sam@acme.example>"))
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    assert first.start == at("2026-12-09 10:00")
    world.add(panel(notes="Company: Acme\nMet: Sam Okafor <sam@acme.example>\nHear back: Dec 22"))
    actions = world.step(at("2026-12-02 09:00"))
    assert RemoveOwnEvent(OwnKind.CALL, first.key, "the hear-back date moved later") in actions
    (call,) = calls_of(actions)
    assert call.start == at("2026-12-23 10:00")
    assert call.key != first.key


def test_a_call_the_user_moved_is_theirs_even_if_the_hear_back_date_moves(settings):
    world = World(settings)
    world.add(panel(notes="Company: Acme\nMet: Sam Okafor <sam@acme.example>"))
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    world.move_call(first.key, at("2026-12-10 11:00"))
    world.step(at("2026-12-01 16:00"))
    world.add(panel(notes="Company: Acme\nMet: Sam Okafor <sam@acme.example>\nHear back: Dec 22"))
    actions = world.step(at("2026-12-02 09:00"))
    assert not [a for a in actions if isinstance(a, RemoveOwnEvent)] and calls_of(actions) == []


def test_an_interview_that_leaves_the_calendar_takes_its_future_call_along(settings):
    world = World(settings)
    world.add(panel())
    world.add(make_event("other", "Dentist", at("2026-11-30 08:00")))
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    world.add(panel(notes=PANEL_NOTES + "#nofollowup"))
    actions = world.step(at("2026-12-02 09:00"))
    assert MarkInterviewRemoved(EventId("panel-1")) in actions
    assert RemoveOwnEvent(OwnKind.CALL, first.key, "its interview left the calendar") in actions


def test_one_applications_odd_date_never_stops_the_others(settings):
    odd = make_event(
        "odd",
        "Interview – Globex",
        PANEL_START,
        description="Hear back: 9999-12-31",
        attendees=(person("Chris Park", "chris@globex.example"),),
    )
    actions = plan(Snapshot(), [odd, panel()], at("2026-12-01 15:00"), settings)
    assert any(
        isinstance(a, Quarantine) and a.item == ItemRef("application", "globex") for a in actions
    )
    assert len(drafts_of(actions)) == 4 and len(calls_of(actions)) == 1


def test_call_numbers_are_never_reused(settings):
    world = World(settings)
    world.add(panel())
    world.step(at("2026-12-01 15:00"))
    (first,) = world.live_calls()
    second_round = make_event(
        "final-1", "Final round – Acme", at("2026-12-02 10:00"), description="Company: Acme"
    )
    world.add(second_round)
    world.step(at("2026-12-01 16:00"))  # the future round withdraws the booked call
    assert world.calls[first.key].status is OwnStatus.REMOVED
    del world.events["final-1"]
    world.add(make_event("other", "Dentist", at("2026-11-30 08:00")))
    (again,) = calls_of(world.step(at("2026-12-01 17:00")))
    assert again.key != first.key and again.series == "panel-1"


def test_a_whole_unreadable_series_keeps_every_occurrence_and_its_call(settings):
    """Bug: a broken series was reported under its UID, its occurrences stored as UID#...,
    so every occurrence read as deleted and their calls were removed."""
    world = World(settings)
    weekly = panel()
    occurrence = replace(weekly, id=EventId("weekly@acme", "2026-12-01T09:00:00Z"))
    world.add(occurrence)
    world.step(at("2026-12-01 15:00"))
    (call,) = world.live_calls()
    del world.events[occurrence.uid]
    actions = plan(
        world.snapshot(),
        list(world.events.values()),
        at("2026-12-02 09:00"),
        settings,
        unreadable=Unreadable((EventId("weekly@acme"),)),
    )
    assert not [a for a in actions if isinstance(a, MarkInterviewRemoved | RemoveOwnEvent)]
    # The same listing without the series marked unreadable does read it as gone.
    gone = plan(world.snapshot(), list(world.events.values()), at("2026-12-02 09:00"), settings)
    assert MarkInterviewRemoved(occurrence.id) in gone
    assert RemoveOwnEvent(OwnKind.CALL, call.key, "its interview left the calendar") in gone
