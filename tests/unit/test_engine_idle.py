"""Idle cycles: an unchanged calendar with nothing due plans nothing, and misses nothing due."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from daemon.compose.composer import Composer
from daemon.domain.settings import CoachSettings, DebriefSettings, FollowupSettings
from daemon.engine.cycle import CycleReport, Engine
from daemon.planning.wake import MAX_IDLE
from daemon.store.state import StateStore
from integrations.memory.calendar import MemoryCalendar
from integrations.memory.drafts import MemoryDraftStore
from tests.conftest import at, make_event, make_settings, person

INTERVIEW = make_event(
    "interview-acme@test",
    "Interview – Acme",
    at("2026-12-01 10:00"),
    description="Company: Acme\nHear back: 2026-12-04",
    attendees=(person("Dana Lee", "dana@acme.example"),),
)


def setup(
    *, incremental: bool = False, send_by_hours: int = 0
) -> tuple[Engine, MemoryCalendar, MemoryDraftStore]:
    # No send-by reminder unless asked for: these tests count the calendar's writes.
    settings = make_settings(coach=CoachSettings(send_by_hours=send_by_hours))
    calendar = MemoryCalendar((INTERVIEW,), incremental=incremental)
    drafts = MemoryDraftStore()
    # The calls' wake-ups are watched here; debriefs are put on sight (a change).
    settings = make_settings(
        debrief=DebriefSettings(enabled=False), coach=CoachSettings(send_by_hours=send_by_hours)
    )
    engine = Engine(settings, calendar, drafts, StateStore.in_memory(), Composer())
    return engine, calendar, drafts


def every_five_minutes(engine: Engine, start: datetime, end: datetime) -> list[CycleReport]:
    reports, now = [], start
    while now < end:
        reports.append(engine.cycle(now))
        now += timedelta(minutes=5)
    return reports


def test_before_the_grace_period_ends_cycles_are_idle_and_the_drafts_still_come_on_time() -> None:
    for incremental in (False, True):
        engine, _calendar, drafts = setup(incremental=incremental)
        first = engine.cycle(at("2026-12-01 09:10"))  # before the interview: plans, records it
        assert not first.idle and first.drafts_created == 0
        # Nothing changed; the interview ends at 11:00, its grace at 12:00.
        waiting = every_five_minutes(engine, at("2026-12-01 09:15"), at("2026-12-01 12:00"))
        assert all(r.drafts_created == 0 for r in waiting)
        # At most one full plan an hour while nothing happens.
        assert sum(not r.idle for r in waiting) <= (3 * timedelta(hours=1)) / MAX_IDLE
        due = engine.cycle(at("2026-12-01 12:00"))
        assert not due.idle
        assert (due.drafts_created, due.calls_created) == (1, 1)
        assert len(drafts.drafts()) == 1


def test_a_call_that_passed_wakes_the_plan_for_the_next_one() -> None:
    engine, calendar, _drafts = setup()
    engine.cycle(at("2026-12-01 12:00"))
    (call,) = calendar.own_events()
    engine.cycle(call.start - timedelta(minutes=30))  # the write above changed the calendar
    assert engine.cycle(call.start - timedelta(minutes=25)).idle
    assert engine.cycle(call.end - timedelta(minutes=1)).idle
    after = engine.cycle(call.end)
    assert not after.idle and after.calls_created == 1


def test_a_calendar_change_plans_at_once() -> None:
    engine, calendar, _drafts = setup()
    engine.cycle(at("2026-12-01 12:00"))
    (call,) = calendar.own_events()
    engine.cycle(at("2026-12-02 09:00"))
    assert engine.cycle(at("2026-12-02 09:01")).idle
    calendar.user_edit_description(call.own.key if call.own else "", "#decided")
    decided = engine.cycle(at("2026-12-02 09:05"))
    assert not decided.idle and decided.calls_removed == 1


def test_a_decision_from_the_command_line_ends_the_idleness() -> None:
    engine, calendar, _drafts = setup()
    engine.cycle(at("2026-12-01 12:00"))
    engine.cycle(at("2026-12-02 09:00"))
    assert engine.cycle(at("2026-12-02 09:01")).idle
    with engine.store.transaction():
        engine.store.record_decision("acme", "offer", "cli", at("2026-12-02 09:01"))
    report = engine.cycle(at("2026-12-02 09:02"))
    assert not report.idle and report.calls_removed == 1
    assert calendar.own_events() == []


def test_changed_settings_end_the_idleness() -> None:
    engine, _calendar, _drafts = setup()
    engine.cycle(at("2026-12-01 12:00"))
    engine.cycle(at("2026-12-02 09:00"))
    assert engine.cycle(at("2026-12-02 09:01")).idle
    engine.settings = replace(engine.settings, followup=FollowupSettings(call_days=(0,)))
    assert not engine.cycle(at("2026-12-02 09:05")).idle


def test_a_failed_write_is_retried_by_the_next_cycle_not_left_idle() -> None:
    engine, calendar, drafts = setup()
    drafts.outage = True
    first = engine.cycle(at("2026-12-01 12:00"))
    assert first.drafts_created == 0 and first.problems
    drafts.outage = False
    again = engine.cycle(at("2026-12-01 12:05"))
    assert not again.idle and again.drafts_created == 1
    assert calendar.own_created == 1
