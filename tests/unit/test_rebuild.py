"""A lost state rebuilt over the memory adapters: their write counters prove nothing is redone.

Each test runs the engine for a while, then starts over with a new, empty state
store over the same calendar and mailbox (the state file was deleted), and
checks what the next cycles write: nothing the service had done already.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from daemon.compose.composer import Composer
from daemon.domain.model import OwnKind
from daemon.engine.cycle import Engine
from daemon.planning.actions import CreateDraft, PutOwnEvent
from daemon.store.records import DraftStatus, OwnStatus
from daemon.store.state import StateStore
from integrations.memory.calendar import MemoryCalendar
from integrations.memory.drafts import MemoryDraftStore
from tests.conftest import at, make_event, make_settings, person

ACME = make_event(
    "interview-acme@test",
    "Interview – Acme",
    at("2026-12-01 10:00"),
    description="Company: Acme\nHear back: 2026-12-04",
    attendees=(person("Dana Lee", "dana@acme.example"), person("Sam Okafor", "sam@acme.example")),
)
GLOBEX = make_event(
    "interview-globex@test",
    "Interview – Globex",
    at("2026-11-30 10:00"),
    description="Company: Globex",
    attendees=(person("Kim Park", "kim@globex.example"),),
)


class World:
    def __init__(self, *events) -> None:  # type: ignore[no-untyped-def]
        self.calendar = MemoryCalendar(events)
        self.drafts = MemoryDraftStore()
        self.settings = make_settings()
        self.engine = self.fresh()

    def fresh(self) -> Engine:
        """The engine over a new, empty state: what is left after the state file is lost."""
        self.engine = Engine(
            self.settings,
            self.calendar,
            self.drafts,
            StateStore.in_memory(),
            Composer(self.settings.templates_dir),
        )
        return self.engine

    def cycle(self, now: datetime):  # type: ignore[no-untyped-def]
        return self.engine.cycle(now)

    @property
    def writes(self) -> tuple[int, int]:
        """Drafts written, own events written (a debrief per interview, and the calls)."""
        return self.drafts.writes, self.calendar.own_created

    def call_seqs(self) -> list[int]:
        return [o.seq for o in self.engine.store.ledger.own() if o.kind is OwnKind.CALL]

    def call_keys(self) -> list[str]:
        return [e.own.key for e in self.calendar.own_events(OwnKind.CALL) if e.own]


def test_after_the_loss_nothing_is_written_again_and_the_calls_go_on():
    world = World(ACME)
    world.cycle(at("2026-12-01 12:00"))  # two notes, the first call (Tue Dec 8), a debrief
    sam = next(d for d in world.engine.store.ledger.drafts() if d.email.startswith("sam"))
    world.drafts.user_send(sam.key)
    world.cycle(at("2026-12-08 11:00"))  # the call passed: the next one (Dec 15)
    assert world.writes == (2, 3)

    world.fresh()
    report = world.cycle(at("2026-12-08 11:05"))
    assert (report.drafts_created, report.calls_created) == (0, 0)
    assert world.writes == (2, 3)
    assert report.rebuilt[0].startswith("the state was new but the calendar holds 3 events")
    assert (
        "found again: 2 calls, 1 debrief about 1 interview, 1 draft still in the drafts folder;"
        in report.rebuilt[1]
    )
    assert (
        "1 due notes not in it were taken as sent (1 of them seen in the sent mail)"
        in report.rebuilt[1]
    )
    store = world.engine.store
    assert {d.email: d.status for d in store.ledger.drafts()} == {
        "dana@acme.example": DraftStatus.CREATED,
        "sam@acme.example": DraftStatus.GONE,
    }
    assert sorted((o.kind, o.seq, o.status) for o in store.ledger.own()) == [
        (OwnKind.CALL, 0, OwnStatus.CREATED),
        (OwnKind.CALL, 1, OwnStatus.CREATED),
        (OwnKind.DEBRIEF, 0, OwnStatus.CREATED),
    ]
    # The series goes on as if nothing had happened: one call a week, numbers not reused.
    world.cycle(at("2026-12-15 11:00"))
    assert world.writes == (2, 4)
    assert world.call_seqs() == [0, 1, 2]
    # The report is kept for `followup status`, and said only once.
    assert not world.cycle(at("2026-12-15 11:05")).rebuilt


def test_a_call_the_user_deleted_leaves_a_gap_the_numbers_are_found_across():
    world = World(ACME)
    world.cycle(at("2026-12-01 12:00"))
    world.cycle(at("2026-12-08 11:00"))
    world.calendar.user_delete(world.call_keys()[1])  # skip that week
    world.cycle(at("2026-12-15 11:00"))  # a week after the deleted one: seq 2
    world.cycle(at("2026-12-22 11:00"))  # seq 3
    keys = world.call_keys()
    assert len(keys) == 3
    world.fresh()
    world.cycle(at("2026-12-22 11:05"))
    assert world.call_seqs() == [0, 2, 3]
    assert world.call_keys() == keys


def test_a_decision_the_user_wrote_into_a_call_is_read_again():
    world = World(ACME)
    world.cycle(at("2026-12-01 12:00"))
    world.cycle(at("2026-12-08 11:00"))
    first = world.call_keys()[0]
    event = world.calendar.own(first)
    assert event is not None
    world.fresh()  # lost before the user wrote their decision into the (past) call
    world.calendar.user_edit_description(first, f"{event.description}\nGot an offer #decided")
    report = world.cycle(at("2026-12-08 11:05"))
    assert report.calls_removed == 1  # the upcoming one goes: the application is decided
    (decision,) = world.engine.store.decisions()
    assert (decision.application, decision.source) == ("acme", "call")


def test_the_service_text_in_a_call_is_not_read_as_a_decision(tmp_path):
    """A reworded call text that tells the user how to decide (``#decided``) is no decision:
    the text the service writes is composed again and only the user's lines count."""
    (tmp_path / "call_script.txt.j2").write_text(
        "Call {{ name }} ({{ company }}).\nWhen you have an answer, add #decided to this event.\n"
    )
    world = World(ACME)
    world.settings = replace(world.settings, templates_dir=tmp_path)
    world.fresh()
    world.cycle(at("2026-12-01 12:00"))
    world.fresh()
    world.cycle(at("2026-12-01 12:05"))
    assert world.engine.store.decisions() == []
    assert len(world.call_keys()) == 1


def test_an_application_decided_before_its_first_call_is_held_and_said():
    world = World(GLOBEX, ACME)
    world.cycle(at("2026-11-30 12:00"))  # Globex: a note and a call
    with world.engine.store.transaction():
        world.engine.store.record_decision("globex", "rejected", "cli", at("2026-12-01 09:00"))
    world.cycle(at("2026-12-01 09:00"))  # its call goes
    world.cycle(at("2026-12-01 12:00"))  # Acme
    world.drafts.user_send(next(iter(world.drafts.present(_keys(world, "kim")))))
    assert world.writes == (3, 4)  # a debrief and a call each

    world.fresh()
    report = world.cycle(at("2026-12-01 12:05"))
    assert world.writes == (3, 4)  # no second note to Kim, no new Globex call
    assert any(
        line.startswith("not rebuilt: Globex: handled before, but none of its follow-up calls")
        for line in report.rebuilt
    )
    assert any(line.endswith("its follow-up calls go on: Acme") for line in report.rebuilt)
    # Weeks later still nothing for Globex; Acme's calls go on.
    world.cycle(at("2026-12-08 11:00"))
    assert world.writes == (3, 5)


def test_an_interview_after_the_last_trace_is_new_and_said():
    world = World(GLOBEX)
    world.cycle(at("2026-11-30 12:00"))
    world.calendar.add_event(ACME)
    world.fresh()  # lost before the service saw Acme's interview
    report = world.cycle(at("2026-12-01 12:00"))
    assert (report.drafts_created, report.calls_created) == (2, 1)
    assert any(line.startswith("not rebuilt: Acme, 'Interview – Acme'") for line in report.rebuilt)


def test_events_whose_interview_left_the_calendar_are_left_alone_and_said():
    world = World(ACME)
    world.cycle(at("2026-12-01 12:00"))
    world.calendar.remove_event(ACME.id)
    world.fresh()
    report = world.cycle(at("2026-12-01 12:05"))
    assert "not rebuilt: 2 events of the service match no interview" in report.rebuilt[2]
    assert len(world.call_keys()) == 1 and world.engine.store.ledger.own() == []


def test_a_dry_run_after_the_loss_plans_no_second_round_and_writes_nothing():
    world = World(ACME)
    world.cycle(at("2026-12-01 12:00"))
    world.fresh()
    report = world.engine.cycle(at("2026-12-01 12:05"), dry_run=True)
    assert report.rebuilt
    assert not [a for a in report.planned if isinstance(a, CreateDraft | PutOwnEvent)]
    assert world.engine.store.is_new()


def test_a_first_start_over_a_calendar_without_own_events_rebuilds_nothing():
    world = World(ACME)
    report = world.cycle(at("2026-12-01 12:00"))
    assert report.rebuilt == [] and (report.drafts_created, report.calls_created) == (2, 1)


def test_an_unreadable_drafts_folder_is_said_and_no_note_is_written_twice():
    world = World(ACME)
    world.cycle(at("2026-12-01 12:00"))
    world.fresh()
    world.drafts.outage = True
    report = world.cycle(at("2026-12-01 12:05"))
    assert any(line.startswith("the drafts folder could not be read") for line in report.rebuilt)
    world.drafts.outage = False
    world.cycle(at("2026-12-01 12:10"))
    assert world.writes == (2, 2)


def _keys(world: World, who: str) -> set[str]:
    return {d.key for d in world.engine.store.ledger.drafts() if d.email.startswith(who)}


def test_a_debrief_proves_an_interview_was_seen_not_that_its_notes_were_due():
    """The debrief goes on the calendar as soon as an interview is seen: lost before the
    notes were due, they are written when due, not taken as sent."""
    world = World(ACME)
    world.cycle(at("2026-12-01 09:00"))  # before the interview: its debrief only
    assert world.writes == (0, 1)
    world.fresh()
    report = world.cycle(at("2026-12-01 12:00"))
    assert (report.drafts_created, report.calls_created) == (2, 1)
    assert world.writes == (2, 2)
    assert "found again: 1 debrief about 1 interview, 0 drafts" in report.rebuilt[1]
