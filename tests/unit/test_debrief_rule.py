"""The debrief rule on the pure planner: put, moved, removed, never put again, read back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from daemon.domain.model import EventId, EventStatus, OwnKind, Role
from daemon.domain.settings import DebriefSettings
from daemon.planning.actions import (
    CreateDraft,
    MoveOwnEvent,
    PutOwnEvent,
    RecordDecision,
    RecordInterview,
    RemoveOwnEvent,
)
from daemon.planning.planner import plan
from daemon.store.records import OwnStatus, Snapshot
from tests.conftest import at, make_event, make_settings, person
from tests.unit.world import World

# Tuesday 2026-12-01, 13:00-14:00 Berlin: an invitation, nothing the user can edit.
START = at("2026-12-01 13:00")


def invitation(
    start=START, description="Join with Google Meet: https://meet.google.com/x", **changes
):
    return make_event(
        "panel@northwind",
        "Panel interview – Northwind Labs",
        start,
        description=description,
        attendees=(
            person("Dana Lee", "dana.lee@northwind.example"),
            person("Sam Okafor", "sam.okafor@northwind.example"),
        ),
        **changes,
    )


def debriefs_put(actions):
    return [a for a in actions if isinstance(a, PutOwnEvent) and a.kind is OwnKind.DEBRIEF]


def calls_put(actions):
    return [a for a in actions if isinstance(a, PutOwnEvent) and a.kind is OwnKind.CALL]


def world_with_invitation(settings, **changes) -> World:
    world = World(settings)
    world.add(invitation(**changes))
    return world


def line_edit(replacements: dict[str, str], add: str = ""):
    def edit(description: str) -> str:
        lines = []
        for line in description.splitlines():
            for old, new in replacements.items():
                if line.startswith(old):
                    if new:
                        lines.append(new)
                    break
            else:
                lines.append(line)
        return "\n".join(lines) + (f"\n{add}" if add else "")

    return edit


def test_a_debrief_is_put_at_the_interviews_end_as_soon_as_it_is_seen(settings):
    actions = plan(Snapshot(), [invitation()], at("2026-11-20 09:00"), settings)
    (debrief,) = debriefs_put(actions)
    assert debrief.start == at("2026-12-01 14:00")
    assert debrief.end == at("2026-12-01 14:15")
    assert debrief.interview_uid == "panel@northwind"
    assert not calls_put(actions) and not [a for a in actions if isinstance(a, CreateDraft)]


def test_the_length_is_configurable_and_debriefs_can_be_turned_off():
    longer = make_settings(debrief=DebriefSettings(minutes=30))
    (debrief,) = debriefs_put(plan(Snapshot(), [invitation()], at("2026-11-20 09:00"), longer))
    assert debrief.end - debrief.start == timedelta(minutes=30)
    off = make_settings(debrief=DebriefSettings(enabled=False))
    assert debriefs_put(plan(Snapshot(), [invitation()], at("2026-11-20 09:00"), off)) == []


def test_it_is_put_once(settings):
    world = world_with_invitation(settings)
    assert len(debriefs_put(world.step(at("2026-11-20 09:00")))) == 1
    assert debriefs_put(world.step(at("2026-11-21 09:00"))) == []


def test_an_unanswered_put_is_repeated_under_its_key(settings):
    world = world_with_invitation(settings)
    (first,) = debriefs_put(world.step(at("2026-11-20 09:00")))
    world.own[first.key] = replace(world.own[first.key], status=OwnStatus.PENDING)
    del world.events[first.key]  # the write never reached the calendar
    (again,) = debriefs_put(world.step(at("2026-11-20 09:05")))
    assert again.key == first.key


def test_it_moves_with_its_interview(settings):
    world = world_with_invitation(settings)
    world.step(at("2026-11-20 09:00"))
    world.add(invitation(start=at("2026-12-02 10:00")))
    (move,) = [a for a in world.step(at("2026-11-21 09:00")) if isinstance(a, MoveOwnEvent)]
    assert (move.start, move.end) == (at("2026-12-02 11:00"), at("2026-12-02 11:15"))
    assert world.debrief_of("panel@northwind").start == at("2026-12-02 11:00")
    assert not [a for a in world.step(at("2026-11-21 09:05")) if isinstance(a, MoveOwnEvent)]


def test_a_debrief_the_user_moved_stays_where_they_put_it(settings):
    world = world_with_invitation(settings)
    world.step(at("2026-11-20 09:00"))
    key = world.debrief_of("panel@northwind").key
    world.move_call(key, at("2026-12-01 18:00"))
    world.step(at("2026-11-20 10:00"))
    world.add(invitation(start=at("2026-12-02 10:00")))
    assert not [a for a in world.step(at("2026-11-21 09:00")) if isinstance(a, MoveOwnEvent)]


def test_it_goes_when_the_interview_is_cancelled_or_declined(settings):
    world = world_with_invitation(settings)
    world.step(at("2026-11-20 09:00"))
    world.add(invitation(status=EventStatus.CANCELLED))
    (removal,) = [a for a in world.step(at("2026-11-21 09:00")) if isinstance(a, RemoveOwnEvent)]
    assert removal.kind is OwnKind.DEBRIEF
    assert world.debrief_of("panel@northwind").status is OwnStatus.REMOVED


def test_the_debrief_of_a_past_interview_stays_when_the_interview_goes(settings):
    world = world_with_invitation(settings)
    world.step(at("2026-11-20 09:00"))
    world.step(at("2026-12-01 16:00"))
    del world.events["panel@northwind"]  # the user tidies up their calendar
    actions = world.step(at("2026-12-03 09:00"))
    assert not [a for a in actions if isinstance(a, RemoveOwnEvent) and a.kind is OwnKind.DEBRIEF]


def test_a_debrief_the_user_deleted_is_never_put_again(settings):
    world = world_with_invitation(settings)
    world.step(at("2026-11-20 09:00"))
    key = world.debrief_of("panel@northwind").key
    world.delete_call(key)
    world.step(at("2026-11-20 10:00"))
    assert world.own[key].status is OwnStatus.DELETED
    world.add(invitation(start=at("2026-12-02 10:00")))  # even when the interview moves
    actions = world.step(at("2026-11-21 09:00"))
    assert debriefs_put(actions) == [] and not [a for a in actions if isinstance(a, MoveOwnEvent)]


def test_a_decided_application_gets_no_new_debrief(settings):
    decided = invitation(description="Company: Northwind Labs\n#decided")
    actions = plan(Snapshot(), [decided], at("2026-11-20 09:00"), settings)
    assert debriefs_put(actions) == []


def test_drafts_use_what_the_user_wrote_into_the_debrief(settings):
    world = world_with_invitation(settings)
    world.step(at("2026-12-01 09:00"))
    world.fill_debrief(
        "panel@northwind",
        line_edit(
            {
                "Met: Sam Okafor": "",  # left out of the drafts
                "Discussed with Dana:": "Discussed with Dana: the lakehouse migration",
            }
        ),
    )
    actions = world.step(at("2026-12-01 15:00"))
    drafts = [a for a in actions if isinstance(a, CreateDraft)]
    assert [d.person.email for d in drafts] == ["dana.lee@northwind.example"]
    assert drafts[0].person.topics == ("the lakehouse migration",)
    (recorded,) = [a.interview for a in actions if isinstance(a, RecordInterview)]
    assert recorded.debrief  # the interview is recorded with the debrief's notes


def test_a_call_to_the_decision_maker_named_only_in_the_debrief(settings):
    world = world_with_invitation(settings)
    world.step(at("2026-12-01 14:30"))
    world.fill_debrief(
        "panel@northwind",
        line_edit(
            {
                "Decision maker:": "Decision maker: Maria Gomez, VP Engineering, "
                "maria.gomez@northwind.example, +49 30 5550199",
                "Hear back:": "Hear back: Dec 10",
            }
        ),
    )
    actions = world.step(at("2026-12-01 15:00"))
    (call,) = calls_put(actions)
    assert call.person is not None and call.person.name == "Maria Gomez"
    assert call.person.role is Role.DECISION_MAKER
    assert call.start == at("2026-12-15 10:00")  # Thu Dec 10 heard back: the next Tue
    interest = [a for a in actions if isinstance(a, CreateDraft) and not a.person.met]
    assert [d.person.name for d in interest] == ["Maria Gomez"]


def test_later_edits_steer_the_calls_but_rewrite_no_draft(settings):
    world = world_with_invitation(settings)
    actions = world.step(at("2026-12-01 15:00"))
    assert len([a for a in actions if isinstance(a, CreateDraft)]) == 2
    (first,) = calls_put(actions)
    assert first.start == at("2026-12-09 10:00")  # the default wait
    world.fill_debrief(
        "panel@northwind",
        line_edit(
            {
                "Hear back:": "Hear back: 2026-12-11",
                "Decision maker:": "Decision maker: Maria Gomez, +49 30 5550199",
            }
        ),
    )
    actions = world.step(at("2026-12-02 09:00"))
    assert [a for a in actions if isinstance(a, CreateDraft)] == []  # no email for Maria
    removed = [a for a in actions if isinstance(a, RemoveOwnEvent)]
    assert [a.key for a in removed] == [first.key]
    (second,) = calls_put(actions)
    assert second.start == at("2026-12-15 10:00") and second.person.name == "Maria Gomez"


def test_the_person_to_call_changes_and_the_booked_call_follows(settings):
    world = world_with_invitation(settings)
    (first,) = calls_put(world.step(at("2026-12-01 15:00")))
    assert first.person.name == "Dana Lee"
    world.fill_debrief(
        "panel@northwind",
        line_edit({"Decision maker:": "Decision maker: Maria Gomez, +49 30 5550199"}),
    )
    actions = world.step(at("2026-12-02 09:00"))
    assert [a.key for a in actions if isinstance(a, RemoveOwnEvent)] == [first.key]
    (second,) = calls_put(actions)
    assert second.start == first.start and second.person.name == "Maria Gomez"


def test_decided_written_into_the_debrief_decides_the_application(settings):
    world = world_with_invitation(settings)
    (call,) = calls_put(world.step(at("2026-12-01 15:00")))
    world.fill_debrief("panel@northwind", lambda text: text + "\nDecided: offer")
    actions = world.step(at("2026-12-03 09:00"))
    (decision,) = [a for a in actions if isinstance(a, RecordDecision)]
    assert (decision.outcome, decision.source) == ("offer", "debrief")
    assert [a.key for a in actions if isinstance(a, RemoveOwnEvent)] == [call.key]


def test_the_interview_came_back_after_its_debrief_was_removed(settings):
    world = world_with_invitation(settings)
    world.step(at("2026-11-20 09:00"))
    first = world.debrief_of("panel@northwind")
    world.add(invitation(status=EventStatus.CANCELLED))
    world.step(at("2026-11-21 09:00"))
    world.add(invitation())
    (again,) = debriefs_put(world.step(at("2026-11-22 09:00")))
    assert again.key != first.key and again.seq == first.seq + 1


def test_a_hear_back_date_in_the_debrief_counts_from_the_interview(settings):
    world = world_with_invitation(settings)
    world.step(at("2026-12-01 09:00"))
    world.fill_debrief("panel@northwind", line_edit({"Hear back:": "Hear back: in 2 weeks"}))
    world.step(at("2026-12-01 15:00"))
    assert world.interviews["panel@northwind"].interview.hear_back == date(2026, 12, 15)


def test_an_unchanged_interview_is_read_again_when_its_debrief_changes(settings):
    # The engine hands the planner what each event was read as last time.
    world = world_with_invitation(settings)
    world.step(at("2026-12-01 09:00"))
    before = world.interviews["panel@northwind"].interview
    known = {EventId("panel@northwind"): (world.events["panel@northwind"], before)}
    world.fill_debrief("panel@northwind", line_edit({"Hear back:": "Hear back: Dec 10"}))
    actions = plan(
        world.snapshot(), list(world.events.values()), at("2026-12-01 10:00"), settings, known=known
    )
    (recorded,) = [a.interview for a in actions if isinstance(a, RecordInterview)]
    assert recorded.hear_back == date(2026, 12, 10)
    # ... and when the user takes their words back, the debrief's notes go with them.
    world.step(at("2026-12-01 10:00"))
    merged = world.interviews["panel@northwind"].interview
    known = {EventId("panel@northwind"): (world.events["panel@northwind"], merged)}
    world.fill_debrief("panel@northwind", line_edit({"Hear back: Dec 10": "Hear back:"}))
    actions = plan(
        world.snapshot(), list(world.events.values()), at("2026-12-01 11:00"), settings, known=known
    )
    (recorded,) = [a.interview for a in actions if isinstance(a, RecordInterview)]
    assert recorded.hear_back is None and recorded.debrief == ""
