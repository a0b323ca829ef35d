"""The engine over incremental listings (changes since a checkpoint, as Google's syncToken).

The state store keeps the calendar as last listed (the event cache); an
incremental listing is applied to it and the plan is made over the whole
calendar. The same timeline over complete listings gives the same outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from daemon.compose.composer import Composer
from daemon.domain.model import CalendarEvent, EventId, Interview
from daemon.domain.ports import EventChanges, Skipped
from daemon.domain.settings import CoachSettings, DebriefSettings, Settings
from daemon.engine.cycle import CycleReport, Engine
from daemon.planning.actions import MarkInterviewRemoved
from daemon.reading.interviews import interpret
from daemon.store.records import DraftStatus, OwnStatus
from daemon.store.state import StateStore
from integrations.memory.calendar import MemoryCalendar
from integrations.memory.drafts import MemoryDraftStore
from tests.conftest import at, make_event, make_settings, person

INTERVIEW = make_event(
    "interview-acme@test",
    "Interview – Acme",
    at("2026-12-01 10:00"),
    description="Company: Acme\nRole: Staff Engineer\nHear back: 2026-12-04",
    attendees=(person("Dana Lee", "dana@acme.example"), person("Sam Okafor", "sam@acme.example")),
)
LUNCH = make_event("lunch@test", "Lunch", at("2026-12-02 12:00"))


class SpyCalendar(MemoryCalendar):
    """A memory calendar that remembers what it was asked and what it answered."""

    def __init__(self, *, incremental: bool) -> None:
        super().__init__(incremental=incremental)
        self.asked: list[str | None] = []
        self.answers: list[EventChanges] = []

    def changes(self, checkpoint: str | None) -> EventChanges:
        answer = super().changes(checkpoint)
        self.asked.append(checkpoint)
        self.answers.append(answer)
        return answer


@dataclass
class Setup:
    calendar: SpyCalendar
    drafts: MemoryDraftStore
    store: StateStore
    engine: Engine

    def cycle(self, when: str, *, dry_run: bool = False) -> CycleReport:
        report = self.engine.cycle(at(when), dry_run=dry_run)
        assert not report.problems, report.problems
        return report

    def live_calls(self) -> list[str]:
        return [c.key for c in self.store.ledger.own() if c.status is OwnStatus.CREATED]


def make_setup(*, incremental: bool, settings: Settings | None = None) -> Setup:
    calendar = SpyCalendar(incremental=incremental)
    drafts = MemoryDraftStore()
    store = StateStore.in_memory()
    # The listings are followed with calls alone; debriefs and reminders have their own tests.
    settings = settings or make_settings(
        debrief=DebriefSettings(enabled=False), coach=CoachSettings(send_by_hours=0)
    )
    engine = Engine(settings, calendar, drafts, store, Composer())
    return Setup(calendar, drafts, store, engine)


def removed_uids(report: CycleReport) -> list[str]:
    return [str(a.id) for a in report.planned if isinstance(a, MarkInterviewRemoved)]


@pytest.mark.parametrize("incremental", [True, False], ids=["incremental", "complete"])
def test_a_timeline_over_incremental_listings_matches_complete_ones(incremental: bool) -> None:
    s = make_setup(incremental=incremental)
    s.calendar.add_event(INTERVIEW)
    s.calendar.add_event(LUNCH)

    # The interview is over: one thank-you note per person, and the first call.
    first = s.cycle("2026-12-01 13:00")
    assert (first.drafts_created, first.calls_created) == (2, 1)
    assert s.calendar.answers[0].complete
    (call_key,) = s.live_calls()

    # Only an unrelated event changes: the interview is not taken as deleted.
    s.calendar.add_event(replace(LUNCH, start=at("2026-12-02 13:00"), end=at("2026-12-02 14:00")))
    quiet = s.cycle("2026-12-02 09:00")
    assert s.calendar.answers[-1].complete is not incremental
    if incremental:
        # The moved lunch; not the interview, and not the call, which the first cycle
        # took in right after writing it.
        listed = {e.uid for e in s.calendar.answers[-1].events}
        assert listed == {LUNCH.uid}
    assert (quiet.drafts_created, quiet.calls_created, quiet.calls_removed) == (0, 0, 0)
    assert removed_uids(quiet) == []
    assert all(r.active for r in s.store.interviews())
    assert s.live_calls() == [call_key]

    # The user deletes the call: that week is skipped, nothing is re-created.
    s.calendar.user_delete(call_key)
    deleted = s.cycle("2026-12-03 09:00")
    if incremental:
        assert s.calendar.answers[-1].removed == (EventId(call_key + "@interview-followup"),)
    assert {c.key: c.status for c in s.store.ledger.own()} == {call_key: OwnStatus.DELETED}
    assert (deleted.calls_created, deleted.calls_removed) == (0, 0)
    assert removed_uids(deleted) == []

    # The skipped week has passed: the next call goes on the calendar.
    later = s.cycle("2026-12-09 09:00")
    assert later.calls_created == 1
    (next_key,) = s.live_calls()
    assert s.calendar.own(next_key) is not None

    # The interview leaves the calendar: its future call goes with it.
    s.calendar.remove_event(INTERVIEW.id)
    asked = len(s.calendar.answers)
    gone = s.cycle("2026-12-10 09:00")
    if incremental:
        # The listing planned from (the next one is taken after the call's removal).
        assert s.calendar.answers[asked].removed == (INTERVIEW.id,)
    assert removed_uids(gone) == [INTERVIEW.uid]
    assert gone.calls_removed == 1
    assert s.calendar.own(next_key) is None
    assert [r.active for r in s.store.interviews()] == [False]
    assert {c.key: c.status for c in s.store.ledger.own()} == {
        call_key: OwnStatus.DELETED,
        next_key: OwnStatus.REMOVED,
    }
    assert [d.status for d in s.store.ledger.drafts()] == [DraftStatus.CREATED] * 2

    # Nothing more happens, and the cache is the calendar as it is.
    idle = s.cycle("2026-12-11 09:00")
    assert idle.planned == []
    assert by_uid(s.store.events.events()) == by_uid(s.calendar.events)


def test_the_engine_passes_the_stored_checkpoint() -> None:
    s = make_setup(incremental=True)
    s.calendar.add_event(LUNCH)
    s.cycle("2026-12-01 09:00")
    s.cycle("2026-12-01 10:00")

    assert s.calendar.asked[0] is None
    assert s.calendar.asked[1] == s.calendar.answers[0].checkpoint
    assert s.store.checkpoint("calendar") == s.calendar.answers[1].checkpoint


def test_an_unknown_checkpoint_is_answered_with_a_complete_listing_that_refills_the_cache() -> None:
    s = make_setup(incremental=True)
    s.calendar.add_event(INTERVIEW)
    s.calendar.add_event(LUNCH)
    s.cycle("2026-12-01 13:00")
    # Another calendar (a restored backup, a new account): its checkpoint is unknown here.
    other = SpyCalendar(incremental=True)
    other.add_event(LUNCH)
    other.add_event(INTERVIEW)
    for key in s.live_calls():
        call = s.calendar.own(key)
        assert call is not None
        other.add_event(call)
    s.engine.calendar = other

    report = s.cycle("2026-12-01 14:00")

    assert other.answers[-1].complete
    assert report.planned == []
    assert s.store.checkpoint("calendar") == other.answers[-1].checkpoint
    assert by_uid(s.store.events.events()) == by_uid(other.events)


def test_a_dry_run_changes_nothing() -> None:
    s = make_setup(incremental=True)
    s.calendar.add_event(INTERVIEW)
    s.calendar.add_event(LUNCH)
    s.cycle("2026-12-01 09:00")  # before the interview ends: nothing to write yet
    checkpoint = s.store.checkpoint("calendar")
    cached = s.store.events.events()
    snapshot = s.store.snapshot()
    s.calendar.remove_event(LUNCH.id)

    report = s.cycle("2026-12-01 13:00", dry_run=True)

    assert report.planned  # drafts and a call would be made
    assert not s.calendar.answers[-1].complete
    assert s.store.checkpoint("calendar") == checkpoint
    assert s.store.events.events() == cached
    assert s.store.snapshot() == snapshot
    assert s.drafts.writes == 0
    assert s.calendar.own_created == 0


def test_cache_and_checkpoint_move_only_with_the_recorded_plan() -> None:
    s = make_setup(incremental=True)
    s.calendar.add_event(INTERVIEW)
    s.calendar.add_event(LUNCH)
    s.cycle("2026-12-01 09:00")
    checkpoint = s.store.checkpoint("calendar")
    cached = s.store.events.events()
    s.calendar.remove_event(INTERVIEW.id)

    def crash(name: str, value: str) -> None:
        raise RuntimeError("power cut")

    s.store.set_checkpoint = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        s.engine.cycle(at("2026-12-01 10:00"))

    # The whole transaction rolled back: the cache still matches the checkpoint.
    assert s.store.checkpoint("calendar") == checkpoint
    assert s.store.events.events() == cached
    assert [r.active for r in s.store.interviews()] == [True]

    del s.store.set_checkpoint
    report = s.cycle("2026-12-01 10:05")
    assert removed_uids(report) == [INTERVIEW.uid]
    assert [e.uid for e in s.store.events.events()] == [LUNCH.uid]


def test_an_unchanged_complete_listing_does_not_rewrite_the_cache() -> None:
    s = make_setup(incremental=False)
    s.calendar.add_event(LUNCH)
    writes: list[int] = []
    replace_events = s.store.events.replace

    def counting(events: object, **kwargs: object) -> None:
        writes.append(1)
        replace_events(events, **kwargs)  # type: ignore[arg-type]

    s.store.events.replace = counting  # type: ignore[method-assign]
    for hour in ("09", "10", "11"):
        s.cycle(f"2026-12-01 {hour}:00")
    assert len(writes) == 1
    s.calendar.add_event(INTERVIEW)
    s.cycle("2026-12-01 12:00")
    # The listing with the interview, then the listing with the call the cycle wrote
    # (taken at once, so the next cycle finds the calendar unchanged).
    assert len(writes) == 3
    s.cycle("2026-12-01 12:05")
    assert len(writes) == 3


def test_after_its_own_writes_a_complete_calendar_is_not_read_as_changed() -> None:
    s = make_setup(incremental=False)
    s.calendar.add_event(LUNCH)
    s.cycle("2026-12-01 09:00")
    s.calendar.add_event(INTERVIEW)
    wrote = s.cycle("2026-12-01 12:00")
    assert wrote.calls_created == 1
    assert s.engine.cycle(at("2026-12-01 12:05")).idle


def test_a_change_by_the_user_during_the_writes_is_planned_by_the_next_cycle() -> None:
    s = make_setup(incremental=False)
    s.calendar.add_event(LUNCH)
    s.cycle("2026-12-01 09:00")
    s.calendar.add_event(INTERVIEW)
    real_write = s.calendar.write_own

    def write_while_the_user_edits(writes: Any) -> Any:
        results = real_write(writes)
        s.calendar.add_event(replace(LUNCH, title="Lunch with Kim"))
        return results

    s.calendar.write_own = write_while_the_user_edits  # type: ignore[method-assign]
    s.cycle("2026-12-01 12:00")
    after = s.engine.cycle(at("2026-12-01 12:05"))
    assert not after.idle
    assert "Lunch with Kim" in {e.title for e in s.store.events.events()}


def test_an_empty_complete_listing_keeps_the_cache_and_the_checkpoint() -> None:
    s = make_setup(incremental=True)
    s.calendar.add_event(INTERVIEW)
    s.calendar.add_event(LUNCH)
    s.cycle("2026-12-01 13:00")
    checkpoint = s.store.checkpoint("calendar")
    cached = s.store.events.events()
    # A full resync (an expired sync token) that suddenly returns nothing.
    s.engine.calendar = SpyCalendar(incremental=True)

    report = s.cycle("2026-12-01 14:00")

    assert removed_uids(report) == []
    assert s.store.checkpoint("calendar") == checkpoint
    assert s.store.events.events() == cached


def test_events_before_the_cached_window_are_not_taken_as_deleted() -> None:
    s = make_setup(incremental=True)
    old = make_event("old-interview@test", "Interview – Initech", at("2026-10-01 10:00"))
    s.store.record_interview(
        _interpret(old, s.engine.settings),
        first_seen=at("2026-10-01 12:00"),
    )
    window = at("2026-11-01 00:00")
    s.calendar.add_event(LUNCH)

    class Windowed(SpyCalendar):
        def changes(self, checkpoint: str | None) -> EventChanges:
            answer = super().changes(checkpoint)
            return replace(answer, window_start=window) if answer.complete else answer

    windowed = Windowed(incremental=True)
    windowed.add_event(LUNCH)
    s.engine.calendar = windowed
    s.cycle("2026-12-01 09:00")
    assert s.store.events.window_start() == window
    windowed.add_event(replace(LUNCH, title="Lunch with Kim"))

    report = s.cycle("2026-12-01 10:00")

    assert not windowed.answers[-1].complete
    assert removed_uids(report) == []
    assert [r.active for r in s.store.interviews()] == [True]


def test_an_unreadable_event_keeps_its_cached_version() -> None:
    s = make_setup(incremental=True)
    s.calendar.add_event(INTERVIEW)
    s.calendar.add_event(LUNCH)
    s.cycle("2026-12-01 13:00")

    class Broken(SpyCalendar):
        def changes(self, checkpoint: str | None) -> EventChanges:
            answer = super().changes(checkpoint)
            events = tuple(e for e in answer.events if e.uid != INTERVIEW.uid)
            skip = Skipped(f"event {INTERVIEW.uid}", "bad DTSTART", event=INTERVIEW.id)
            return replace(answer, events=events, skipped=(skip,))

    broken = Broken(incremental=True)
    for event in s.calendar.events:
        broken.add_event(event)
    s.engine.calendar = broken
    # A complete listing (a new checkpoint) in which the interview cannot be read ...
    report = s.engine.cycle(at("2026-12-01 14:00"))
    assert removed_uids(report) == []
    assert INTERVIEW.uid in by_uid(s.store.events.events())
    # ... and an incremental one after it that does not mention the interview.
    broken.add_event(replace(LUNCH, title="Lunch with Kim"))
    report = s.engine.cycle(at("2026-12-01 15:00"))
    assert not broken.answers[-1].complete
    assert removed_uids(report) == []
    assert [r.active for r in s.store.interviews()] == [True]


def by_uid(events: Iterable[CalendarEvent]) -> dict[str, CalendarEvent]:
    return {e.uid: e for e in events}


def _interpret(event: CalendarEvent, settings: Settings) -> Interview:
    return interpret(event, settings.profile, patterns=settings.interviews.patterns)


def test_removing_the_last_event_incrementally_is_a_removal() -> None:
    """Removals stated one by one are trusted, even when they leave the calendar empty."""
    s = make_setup(incremental=True)
    s.calendar.add_event(INTERVIEW)
    s.cycle("2026-12-01 09:00")  # seen before it ended: no drafts, no call yet
    s.calendar.remove_event(INTERVIEW.id)
    gone = s.cycle("2026-12-01 13:00")
    assert not s.calendar.answers[-1].complete
    assert removed_uids(gone) == [INTERVIEW.uid]
    assert (gone.drafts_created, gone.calls_created) == (0, 0)


def test_an_event_broken_in_one_listing_stays_quarantined_until_a_listing_shows_it_again() -> None:
    s = make_setup(incremental=True)
    s.calendar.add_event(LUNCH)

    class BrokenOnce(SpyCalendar):
        """Reports the interview as unreadable in its complete listings only."""

        def changes(self, checkpoint: str | None) -> EventChanges:
            answer = super().changes(checkpoint)
            if not answer.complete:
                return answer
            events = tuple(e for e in answer.events if e.uid != INTERVIEW.uid)
            skip = Skipped(f"event {INTERVIEW.uid}", "bad DTSTART", event=INTERVIEW.id)
            return replace(answer, events=events, skipped=(skip,))

    broken = BrokenOnce(incremental=True)
    broken.add_event(LUNCH)
    broken.add_event(INTERVIEW)
    s.engine.calendar = broken
    s.engine.cycle(at("2026-12-01 09:00"))
    assert [str(e.item) for e in s.store.quarantine.entries()] == [f"event {INTERVIEW.uid}"]
    # An incremental listing that does not mention the interview says nothing of it.
    broken.add_event(replace(LUNCH, title="Lunch with Kim"))
    s.engine.cycle(at("2026-12-01 09:05"))
    assert not broken.answers[-1].complete
    assert [str(e.item) for e in s.store.quarantine.entries()] == [f"event {INTERVIEW.uid}"]
    # Listed again, and readable: it leaves the quarantine.
    broken.add_event(replace(INTERVIEW, title="Interview – Acme (moved)"))
    s.engine.cycle(at("2026-12-01 09:10"))
    assert s.store.quarantine.entries() == []
