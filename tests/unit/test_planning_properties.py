"""Properties of the planner over time, with dates drawn near daylight-saving changes.

Uniform dates almost never hit the hour a clock skips or repeats, so every
generated interview lies within days of a transition of its zone, and call
times include wall times that some zones skip (00:30 in Havana, 02:30 in
Berlin or New York).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.domain.model import OwnKind
from daemon.domain.settings import DebriefSettings, FollowupSettings
from daemon.planning.actions import CreateDraft, PutOwnEvent, RecordDecision, RemoveOwnEvent
from daemon.planning.slots import first_slot, is_slot, local_instant, wall_clock
from daemon.store.records import OwnStatus
from tests.conftest import make_event, make_settings, person
from tests.unit.world import World

ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "America/Havana",  # clocks change at midnight
    "Australia/Lord_Howe",  # a 30-minute change
    "America/Santiago",
    "Pacific/Chatham",
    "Europe/London",
)
CALL_TIMES = (time(10, 0), time(2, 30), time(0, 30), time(1, 45), time(23, 30), time(2, 0))


@cache
def transitions(zone_name: str) -> tuple[datetime, ...]:
    """UTC instants in 2026-2028 where the zone's offset changes."""
    zone = ZoneInfo(zone_name)
    found = []
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment.year < 2029:
        moment += timedelta(minutes=30)
        current = moment.astimezone(zone).utcoffset()
        if current != offset:
            found.append(moment)
            offset = current
    return tuple(found)


@st.composite
def near_a_transition(draw: st.DrawFn) -> tuple[ZoneInfo, datetime]:
    name = draw(st.sampled_from(ZONES))
    pivot = draw(st.sampled_from(transitions(name)))
    shift = draw(st.integers(min_value=-14 * 24 * 4, max_value=3 * 24 * 4))
    return ZoneInfo(name), pivot + timedelta(minutes=15 * shift)


def odd_wall_time(zone: ZoneInfo, pivot: datetime) -> time:
    """A wall time that the transition at ``pivot`` skips or repeats."""
    before = (pivot - timedelta(minutes=1)).astimezone(zone).replace(tzinfo=None)
    after = pivot.astimezone(zone).replace(tzinfo=None)
    middle = min(before, after) + abs(after - before) / 2
    return middle.replace(second=0, microsecond=0).time()


@st.composite
def aimed(draw: st.DrawFn) -> tuple[ZoneInfo, datetime, time, tuple[int, ...]]:
    """A zone, a transition, and call rules that put a slot on that very day and hour."""
    name = draw(st.sampled_from(ZONES))
    pivot = draw(st.sampled_from(transitions(name)))
    zone = ZoneInfo(name)
    call_time = draw(st.sampled_from(CALL_TIMES) | st.just(odd_wall_time(zone, pivot)))
    days = draw(st.sets(st.integers(0, 6)))
    if draw(st.booleans()) or not days:
        days.add(pivot.astimezone(zone).weekday())
    return zone, pivot, call_time, tuple(sorted(days))


def really_a_slot(moment: datetime, call_days, call_time: time, zone: ZoneInfo) -> bool:
    """Checked without the slots module: via UTC, a wall time in a DST gap shows its true hour."""
    local = moment.astimezone(UTC).astimezone(zone)
    return local.weekday() in call_days and local.time() == call_time


@settings(max_examples=400, deadline=None)
@given(
    aimed(),
    st.integers(min_value=0, max_value=2 * 24 * 4),
    st.integers(min_value=-2 * 24 * 4, max_value=24 * 4),
    st.none() | st.integers(min_value=-3, max_value=1),
)
def test_first_slot_is_the_earliest_real_slot(scenario, before, floor_shift, after_offset):
    zone, pivot, call_time, call_days = scenario
    not_before = pivot - timedelta(minutes=15 * before)
    floor = wall_clock(pivot, zone) + timedelta(minutes=15 * floor_shift)
    pivot_day = wall_clock(pivot, zone).date()
    after = None if after_offset is None else pivot_day + timedelta(days=after_offset)
    slot = first_slot(
        floor=floor,
        not_before=not_before,
        after_day=after,
        call_days=call_days,
        call_time=call_time,
        zone=zone,
    )
    assert is_slot(slot, call_days, call_time, zone)
    assert really_a_slot(slot, call_days, call_time, zone)
    assert slot >= not_before
    assert wall_clock(slot, zone) >= floor
    assert after is None or wall_clock(slot, zone).date() > after
    # Nothing earlier qualifies: walk every day between the bounds.
    day = min(floor.date(), wall_clock(not_before, zone).date())
    while day < wall_clock(slot, zone).date():
        candidate = local_instant(day, call_time, zone)
        assert not (
            candidate is not None
            and day.weekday() in call_days
            and candidate >= not_before
            and wall_clock(candidate, zone) >= floor
            and (after is None or day > after)
        ), f"{candidate} was an earlier slot than {slot}"
        day += timedelta(days=1)


user_step = st.tuples(
    st.integers(min_value=1, max_value=24 * 5),  # hours forward
    st.sampled_from(("nothing", "nothing", "nothing", "move", "delete", "decide", "new round")),
    st.integers(min_value=-30, max_value=30),  # hours to move a call by
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    aimed(),
    st.integers(min_value=2, max_value=12 * 24),  # hours from the interview to the transition
    st.none() | st.integers(min_value=-1, max_value=20),
    st.lists(user_step, min_size=1, max_size=30),
)
def test_calls_over_time(scenario, lead_hours, hear_back_shift, steps):
    zone, pivot, call_time, call_days = scenario
    start = pivot - timedelta(hours=lead_hours)
    hear_back_days = None
    if hear_back_shift is not None:
        # -1 aims the first call at the transition day itself.
        transition_day = wall_clock(pivot, zone).date()
        hear_back_days = (transition_day - wall_clock(start, zone).date()).days + hear_back_shift
        hear_back_days = max(hear_back_days, 0)
    # Only calls are placed here: a debrief in the way would rightly move one off its slot.
    config = make_settings(
        zone,
        followup=FollowupSettings(call_days=call_days, call_time=call_time),
        debrief=DebriefSettings(enabled=False),
    )
    world = World(config)
    notes = "Company: Acme\nHiring manager: Dana Lee, dana@acme.example\n"
    if hear_back_days is not None:
        local_day = start.astimezone(zone).date() + timedelta(days=hear_back_days)
        notes += f"Hear back: {local_day.isoformat()}\n"
    attendees = (person("Dana Lee", "dana@acme.example"), person("Sam Okafor", "sam@acme.example"))
    world.add(make_event("iv-0", "Interview – Acme", start, description=notes, attendees=attendees))

    now = start
    rounds = 1
    for hours, what, move in steps:
        now += timedelta(hours=hours)
        upcoming = [c for c in world.live_calls() if c.effective_start > now]
        if what == "move" and upcoming and upcoming[0].key in world.events:
            target = upcoming[0].effective_start + timedelta(hours=move)
            world.move_call(upcoming[0].key, max(target, now + timedelta(minutes=1)))
        elif what == "delete" and upcoming and upcoming[0].key in world.events:
            world.delete_call(upcoming[0].key)
        elif what == "decide":
            event = world.events["iv-0"]
            world.add(
                make_event(
                    "iv-0",
                    event.title,
                    event.start,
                    description=notes + "#decided",
                    attendees=attendees,
                )
            )
        elif what == "new round":
            world.add(
                make_event(
                    f"iv-{rounds}",
                    "Final round – Acme",
                    now - timedelta(hours=2),
                    description="Company: Acme",
                    attendees=attendees,
                )
            )
            rounds += 1
        world.step(now)
        live_upcoming = [c for c in world.live_calls() if c.effective_end > now]
        assert len(live_upcoming) <= 1, "more than one upcoming call"

    # Calls only: debriefs and the send-by reminder are other kinds, with rules of their own.
    created = [
        (t, a) for t, a in world.history if isinstance(a, PutOwnEvent) and a.kind is OwnKind.CALL
    ]
    removed = {a.key for _, a in world.history if isinstance(a, RemoveOwnEvent)}
    decided_at = next((t for t, a in world.history if isinstance(a, RecordDecision)), None)

    for planned_at, call in created:
        assert is_slot(call.start, call_days, call_time, zone), call.start
        assert really_a_slot(call.start, call_days, call_time, zone), call.start
        assert call.start > planned_at
        assert decided_at is None or planned_at < decided_at, "call planned after decided"

    # Calls that stood (not withdrawn by the service), in order: at least 7 days apart,
    # across rounds too (at most one call a week per application).
    held = sorted(
        (world.calls[a.key] for _, a in created if a.key not in removed),
        key=lambda c: c.start,
    )
    for earlier, later in itertools.pairwise(held):
        gap = wall_clock(later.start, zone) - wall_clock(earlier.effective_start, zone)
        assert gap >= timedelta(days=7), (earlier, later)

    if decided_at is not None:
        assert not [
            c
            for c in world.calls.values()
            if c.status is OwnStatus.CREATED
            and c.start > decided_at
            and c.effective_start > decided_at
        ]

    # Exactly one draft per (interview, person).
    drafts = [a for _, a in world.history if isinstance(a, CreateDraft)]
    pairs = [(d.interview_uid, d.person.email) for d in drafts]
    assert len(pairs) == len(set(pairs))
    for uid in world.interviews:
        iv = world.interviews[uid].interview
        if decided_at is None and now >= iv.end + timedelta(minutes=60):
            assert {e for u, e in pairs if u == uid} == {"dana@acme.example", "sam@acme.example"}
