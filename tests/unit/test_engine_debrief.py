"""The debrief through the engine with the memory adapters: put on sight, read back, idle."""

from __future__ import annotations

from datetime import timedelta

from daemon.compose.composer import Composer
from daemon.compose.mime import stored_keys
from daemon.domain.model import OwnKind
from daemon.engine.cycle import Engine
from daemon.store.state import StateStore
from integrations.memory.calendar import MemoryCalendar
from integrations.memory.drafts import MemoryDraftStore
from tests.conftest import at, make_event, make_settings, person

INVITATION = make_event(
    "panel@northwind",
    "Panel interview – Northwind Labs",
    at("2026-12-01 13:00"),
    description="Join with Google Meet: https://meet.google.com/abc-defg-hij",
    attendees=(
        person("Dana Lee", "dana.lee@northwind.example"),
        person("Sam Okafor", "sam.okafor@northwind.example"),
    ),
)


def setup() -> tuple[Engine, MemoryCalendar, MemoryDraftStore]:
    settings = make_settings()
    calendar = MemoryCalendar((INVITATION,))
    drafts = MemoryDraftStore()
    composer = Composer(settings=settings)
    return Engine(settings, calendar, drafts, StateStore.in_memory(), composer), calendar, drafts


def test_the_debrief_is_written_with_its_reminder_and_read_back_as_notes() -> None:
    engine, calendar, drafts = setup()
    first = engine.cycle(at("2026-12-01 09:00"))
    assert first.created[OwnKind.DEBRIEF] == 1
    (debrief,) = calendar.own_events(OwnKind.DEBRIEF)
    assert debrief.start == at("2026-12-01 14:00")
    assert debrief.own is not None
    key = debrief.own.key
    assert calendar.reminders[key] == timedelta(minutes=10)
    assert engine.cycle(at("2026-12-01 09:05")).planned == []  # the write changed the calendar
    assert engine.cycle(at("2026-12-01 09:06")).idle

    # The user writes into it: the calendar changed, so the next cycle plans at once.
    lines = [line for line in debrief.description.splitlines() if not line.startswith("Met: Sam")]
    lines.append("Hear back: Dec 4")
    calendar.user_edit_description(key, "\n".join(lines))
    edited = engine.cycle(at("2026-12-01 09:10"))
    assert not edited.idle
    assert edited.interviews["panel@northwind"].hear_back is not None

    # After the grace period: the drafts follow the debrief.
    engine.cycle(at("2026-12-01 15:00"))
    made = [raw for raw in drafts.drafts().values() if stored_keys(raw)]
    assert len(made) == 1 and b"dana.lee@northwind.example" in made[0]
    (call,) = calendar.own_events(OwnKind.CALL)
    assert call.start == at("2026-12-08 10:00")  # the first slot after Fri Dec 4
