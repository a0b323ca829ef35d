"""A state machine over the whole engine with the in-memory adapters.

Invitations arrive, move and are cancelled; the user moves or deletes call
events, fills in, moves or deletes debriefs, sends or deletes drafts and marks
applications decided; time passes
across a daylight-saving change; the process dies at any named crash point; the
transport loses an answer after the write happened. After any such history and
one clean cycle the calendar and the mailbox hold exactly what the rules call
for: no draft or call twice, none missing, none after a decision.

``make stress`` runs it with many more and longer histories.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from daemon.compose.composer import Composer
from daemon.compose.mime import stored_keys
from daemon.domain.model import EventId, OwnKind
from daemon.domain.settings import Settings
from daemon.engine.cycle import Engine
from daemon.planning.calls import hear_back_day
from daemon.store.records import OwnStatus
from daemon.store.state import StateStore
from integrations.memory.calendar import MemoryCalendar
from integrations.memory.drafts import MemoryDraftStore
from tests.conftest import ZONE, at, make_event, make_settings, person

CRASH_POINTS = (
    "after-record",
    "before-create-draft",
    "after-create-draft",
    "before-put-call",
    "after-put-call",
    "before-remove-call",
    "after-remove-call",
)
#: A week before Europe/Berlin leaves summer time (2026-10-25): calls cross it.
START = at("2026-10-19 08:00")
COMPANIES = ("Acme", "Globex", "Initech")
#: What the user writes into a debrief.
FILLS = ("hear back", "decision maker", "leave someone out", "decided")
PANEL = (
    ("Dana Lee", "dana@{d}.example", "Hiring manager"),
    ("Sam Okafor", "sam@{d}.example", "Interviewer"),
    ("Maria Chen", "maria@{d}.example", "Recruiter"),
)


class Crash(BaseException):
    """The process dies here: nothing after this point of the cycle happens."""


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.settings: Settings = make_settings(ZONE)
        self.calendar = MemoryCalendar(incremental=False)
        self.drafts = MemoryDraftStore()
        self.store = StateStore.in_memory()
        self.now: datetime = START
        self.crash_at: str | None = None
        self.engine = self._start()
        self.interviews: list[str] = []
        self.sequence = 0

    def _start(self) -> Engine:
        """A new process: nothing remembered but what the store committed."""

        def crash(name: str) -> None:
            if name == self.crash_at:
                self.crash_at = None
                raise Crash(name)

        engine = Engine(self.settings, self.calendar, self.drafts, self.store, Composer())
        engine.crash_point = crash
        return engine

    @initialize(incremental=st.booleans())
    def choose_listing(self, incremental: bool) -> None:
        self.calendar.incremental = incremental

    # -- the world ---------------------------------------------------------------------

    @rule(
        company=st.sampled_from(COMPANIES),
        days=st.integers(0, 6),
        hour=st.integers(8, 17),
        people=st.integers(1, 3),
        hear_back=st.one_of(st.none(), st.integers(1, 20)),
    )
    def invitation_arrives(
        self, company: str, days: int, hour: int, people: int, hear_back: int | None
    ) -> None:
        self.sequence += 1
        uid = f"iv{self.sequence}@{company.lower()}.example"
        start = (self.now + timedelta(days=days)).replace(hour=hour, minute=0, second=0)
        domain = company.lower()
        lines = [f"Company: {company}"]
        if hear_back is not None:
            lines.append(f"Hear back: in {hear_back} days")
        attendees = []
        for name, address, title in PANEL[:people]:
            email = address.format(d=domain)
            attendees.append(person(name, email))
            label = "Hiring manager" if title == "Hiring manager" else "Met"
            lines.append(f"{label}: {name}, {title}, {email}")
        event = make_event(
            uid,
            f"Interview – {company}",
            start,
            description="\n".join(lines),
            attendees=tuple(attendees),
        )
        self.calendar.add_event(event)
        self.interviews.append(uid)

    @precondition(lambda self: self.interviews)
    @rule(data=st.data(), hours=st.integers(-30, 30))
    def invitation_moves(self, data: st.DataObject, hours: int) -> None:
        uid = data.draw(st.sampled_from(self.interviews))
        event = next((e for e in self.calendar.events if e.uid == uid), None)
        if event is not None:
            shift = timedelta(hours=hours)
            self.calendar.add_event(
                replace(event, start=event.start + shift, end=event.end + shift)
            )

    @precondition(lambda self: self.interviews)
    @rule(data=st.data())
    def invitation_is_cancelled(self, data: st.DataObject) -> None:
        uid = data.draw(st.sampled_from(self.interviews))
        self.calendar.remove_event(EventId(uid))

    @precondition(lambda self: self.calendar.own_events(OwnKind.CALL))
    @rule(data=st.data(), hours=st.integers(-48, 72))
    def user_moves_a_call(self, data: st.DataObject, hours: int) -> None:
        call = data.draw(st.sampled_from(self.calendar.own_events(OwnKind.CALL)))
        assert call.own is not None
        self.calendar.user_move(call.own.key, call.start + timedelta(hours=hours))

    @precondition(lambda self: self.calendar.own_events(OwnKind.CALL))
    @rule(data=st.data())
    def user_deletes_a_call(self, data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(self.calendar.own_events(OwnKind.CALL)))
        assert call.own is not None
        self.calendar.user_delete(call.own.key)

    @precondition(lambda self: self.calendar.own_events(OwnKind.CALL))
    @rule(data=st.data())
    def user_decides_on_a_call(self, data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(self.calendar.own_events(OwnKind.CALL)))
        assert call.own is not None
        self.calendar.user_edit_description(call.own.key, call.description + "\n#decided")

    @precondition(lambda self: self.calendar.own_events(OwnKind.DEBRIEF))
    @rule(data=st.data(), what=st.sampled_from(FILLS))
    def user_fills_a_debrief(self, data: st.DataObject, what: str) -> None:
        debrief = data.draw(st.sampled_from(self.calendar.own_events(OwnKind.DEBRIEF)))
        assert debrief.own is not None
        lines = debrief.description.splitlines()
        if what == "hear back":
            # Right after the interview, before any call can be planned from it.
            if debrief.start + timedelta(minutes=50) <= self.now:
                return
            lines = [f"Hear back: in {data.draw(st.integers(1, 20))} days", *lines]
        elif what == "decision maker":
            lines.append("Decision maker: Kim Park, VP, kim@board.example, +49 30 5550100")
        elif what == "leave someone out":
            people = [line for line in lines if line.startswith(("Met:", "Hiring manager:"))]
            if not people:
                return
            lines.remove(data.draw(st.sampled_from(people)))
        else:
            lines.append("Decided")
        self.calendar.user_edit_description(debrief.own.key, "\n".join(lines))

    @precondition(lambda self: self.calendar.own_events(OwnKind.DEBRIEF))
    @rule(data=st.data(), delete=st.booleans(), hours=st.integers(-3, 3))
    def user_moves_or_deletes_a_debrief(
        self, data: st.DataObject, delete: bool, hours: int
    ) -> None:
        debrief = data.draw(st.sampled_from(self.calendar.own_events(OwnKind.DEBRIEF)))
        assert debrief.own is not None
        if delete:
            self.calendar.user_delete(debrief.own.key)
        else:
            self.calendar.user_move(debrief.own.key, debrief.start + timedelta(hours=hours))

    @precondition(lambda self: self.drafts.drafts())
    @rule(data=st.data(), send=st.booleans())
    def user_sends_or_discards_a_draft(self, data: st.DataObject, send: bool) -> None:
        raw = data.draw(st.sampled_from(list(self.drafts.drafts().values())))
        (key,) = stored_keys(raw)
        if send:
            self.drafts.user_send(key)
        else:
            self.drafts.user_discard(key)

    @rule(minutes=st.sampled_from((5, 55, 6 * 60, 24 * 60, 3 * 24 * 60, 7 * 24 * 60)))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    # -- the service -------------------------------------------------------------------

    @rule(
        crash=st.one_of(st.none(), st.sampled_from(CRASH_POINTS)),
        lose=st.sampled_from((None, "drafts", "calendar")),
    )
    def a_cycle(self, crash: str | None, lose: str | None) -> None:
        self.crash_at = crash
        self.drafts.lose_next_response = lose == "drafts"
        self.calendar.lose_next_response = lose == "calendar"
        try:
            self.engine.cycle(self.now)
        except Crash:
            self.engine = self._start()
        finally:
            self.crash_at = None
            self.drafts.lose_next_response = False
            self.calendar.lose_next_response = False

    # -- what must always hold ---------------------------------------------------------

    @invariant()
    def never_a_duplicate(self) -> None:
        keys = Counter(k for raw in self.drafts.drafts().values() for k in stored_keys(raw))
        keys.update(k for raw in self.drafts.sent_folder for k in stored_keys(raw))
        assert all(count == 1 for count in keys.values()), keys
        own = Counter(e.own.key for e in self.calendar.events if e.own)
        assert all(count == 1 for count in own.values()), own

    def teardown(self) -> None:
        # One clean cycle (two: the first may finish what a crash left), then the rules.
        self.engine.cycle(self.now)
        self.engine.cycle(self.now)
        self._check_drafts()
        self._check_calls()
        self._check_debriefs()
        self.store.close()

    def _check_drafts(self) -> None:
        grace = timedelta(minutes=self.settings.interviews.grace_minutes)
        ledger = {d.key: d for d in self.store.ledger.drafts()}
        records = [r for r in self.store.interviews() if r.active]
        decided = {d.application for d in self.store.decisions()}
        present = {k for raw in self.drafts.drafts().values() for k in stored_keys(raw)}
        sent = {k for raw in self.drafts.sent_folder for k in stored_keys(raw)}
        for draft in ledger.values():
            # None missing: a draft the ledger says exists is in the mailbox, or the user took it.
            if draft.status.value == "created":
                assert draft.key in present, draft
            assert draft.status.value != "pending", draft
        for record in records:
            interview = record.interview
            if interview.application in decided or self.now < interview.end + grace:
                continue
            if interview.end < record.first_seen - timedelta(days=14):
                continue  # older than the lookback when first seen: no notes
            for p in interview.people:
                if p.email and p.met:
                    drafted = [d for d in ledger.values() if d.interview_uid == interview.uid]
                    assert any(d.email.casefold() == p.email.casefold() for d in drafted), (
                        interview.uid,
                        p.email,
                    )
        assert present | sent <= set(ledger)

    def _check_calls(self) -> None:
        grace = timedelta(minutes=self.settings.interviews.grace_minutes)
        decided = {d.application for d in self.store.decisions()}
        ledger = {r.key: r for r in self.store.ledger.own()}
        upcoming: Counter[str] = Counter()
        for event in self.calendar.own_events(OwnKind.CALL):
            assert event.own is not None
            record = ledger[event.own.key]
            # Every call on the calendar is known to the ledger as there.
            assert record.status is OwnStatus.CREATED, record
            if event.start > self.now:
                assert record.application not in decided, record
                upcoming[record.application] += 1
        # Only ever one upcoming call per application.
        assert all(count == 1 for count in upcoming.values()), upcoming
        records = [r for r in self.store.interviews() if r.active]
        lookback = timedelta(days=self.settings.interviews.lookback_days)
        counted = [r.interview for r in records if r.interview.end >= r.first_seen - lookback]
        for application in {i.application for i in counted} - decided:
            rounds = sorted(
                (i for i in counted if i.application == application), key=lambda i: i.end
            )
            anchor = rounds[-1]
            if self.now < anchor.end + grace:
                continue
            held = [
                r
                for r in ledger.values()
                if r.kind is OwnKind.CALL
                and r.application == application
                and r.status in (OwnStatus.CREATED, OwnStatus.DELETED)
            ]
            # None missing: an undecided application past its interview has a call ahead
            # (or one going on, or the week the user skipped by deleting it).
            assert any(r.effective_end > self.now for r in held), (application, held)
            # Never before the day after the hear-back day, unless the user moved it there.
            first = min(
                (r for r in held if r.series == anchor.uid and r.observed_start is None),
                key=lambda r: r.start,
                default=None,
            )
            if first is not None:
                day = first.start.astimezone(self.settings.profile.timezone).date()
                assert day > hear_back_day(anchor, self.settings), (first, anchor)

    def _check_debriefs(self) -> None:
        decided = {d.application for d in self.store.decisions()}
        ledger = {r.key: r for r in self.store.ledger.own() if r.kind is OwnKind.DEBRIEF}
        on_calendar = self.calendar.own_events(OwnKind.DEBRIEF)
        for event in on_calendar:
            assert event.own is not None
            # Every debrief on the calendar is known to the ledger as there.
            assert ledger[event.own.key].status is OwnStatus.CREATED, ledger[event.own.key]
        lookback = timedelta(days=self.settings.interviews.lookback_days)
        for record in self.store.interviews():
            interview = record.interview
            mine = [r for r in ledger.values() if r.interview_uid == interview.uid]
            # Never two debriefs of one interview on the calendar.
            assert sum(r.status is OwnStatus.CREATED for r in mine) <= 1, mine
            counted = record.active and interview.end >= record.first_seen - lookback
            if not counted:
                continue
            if interview.application not in decided:
                # None missing: the user deleted it, or it is there.
                assert any(r.status in (OwnStatus.CREATED, OwnStatus.DELETED) for r in mine), mine
            for r in mine:
                if r.status is OwnStatus.CREATED and r.observed_start is None:
                    # Where the service put it, it follows its interview.
                    assert r.start == interview.end, (r, interview)


#: ``make stress`` draws many more histories than the suite.
EXAMPLES = int(os.environ.get("FOLLOWUP_STRESS_EXAMPLES", "40"))

TestEngineMachine = EngineMachine.TestCase
TestEngineMachine.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30 if EXAMPLES <= 40 else 60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
