"""One cycle: read the calendar, plan, apply the plan through the ports.

Every remote write follows the intent-ledger order: record the key as
``pending`` (committed), write remotely with that key, record the result. A
crash between any two steps leaves a ``pending`` record that the next cycle
repeats under the same key, which the adapter recognises. The writes of one
cycle go in batches — all intents in one transaction, one batch per port, all
results in one transaction — so the cost of a cycle is a few commits and one
pass over each backend, not a few per write.

Errors have a scope: an ``ItemError`` (or any error building one note)
quarantines that item; a ``BackendError`` stops further writes to that backend
in this cycle; the cycle itself returns a report either way.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

from daemon.compose.composer import Composer
from daemon.compose.mime import build_message
from daemon.domain.errors import BackendError, ConfigError, ItemError
from daemon.domain.model import CalendarEvent, EventId, Interview, OwnKind
from daemon.domain.ports import (
    Calendar,
    DraftStore,
    EventChanges,
    OwnEvent,
    OwnWrite,
    Port,
    PutOwn,
    RemoveOwn,
    UpdateOwn,
    WriteResult,
)
from daemon.domain.settings import Settings
from daemon.engine import rebuild
from daemon.planning.actions import (
    Action,
    CreateDraft,
    MoveOwnEvent,
    PutOwnEvent,
    Quarantine,
    RemoteAction,
    RemoveOwnEvent,
    StateAction,
)
from daemon.planning.planner import Unreadable, interviews_after, plan
from daemon.planning.wake import next_wake
from daemon.store.codec import from_utc_text, to_utc_text
from daemon.store.ledger import DraftIntent, OwnIntent
from daemon.store.records import DraftStatus, ItemRef, OwnStatus
from daemon.store.state import StateStore

log = logging.getLogger(__name__)

#: A hook called at named points of a cycle; tests use it to crash on purpose.
CrashPoint = Callable[[str], None]

#: The checkpoint holding when the last plan can next change by itself (and for which settings).
WAKE = "plan.wake"


@dataclass
class CycleReport:
    planned: list[Action] = field(default_factory=list)
    drafts_created: int = 0
    late_drafts: int = 0
    #: Own events written and removed, by kind.
    created: Counter[OwnKind] = field(default_factory=Counter)
    removed: Counter[OwnKind] = field(default_factory=Counter)
    drafts_gone: int = 0
    #: One line per problem, for the user: what and why, never note text.
    problems: list[str] = field(default_factory=list)
    #: The ports whose backend failed as a whole this cycle.
    failed: set[Port] = field(default_factory=set)
    #: The interviews the plan speaks of, as they stand after it (uid -> interview).
    interviews: dict[str, Interview] = field(default_factory=dict)
    #: Nothing had changed and nothing was due: the cycle planned nothing.
    idle: bool = False
    #: The state was new over a calendar the service had written to: what was rebuilt
    #: and what could not be (``engine.rebuild``), one line each.
    rebuilt: list[str] = field(default_factory=list)

    @property
    def calls_created(self) -> int:
        return self.created[OwnKind.CALL]

    @property
    def calls_removed(self) -> int:
        return self.removed[OwnKind.CALL]

    def backend_failed(self, port: Port, error: Exception) -> None:
        self.failed.add(port)
        self.problems.append(f"{port.value}: {error}")


@dataclass(frozen=True)
class _Listing:
    """The calendar a cycle plans over, and whether its cache and checkpoint move on."""

    events: tuple[CalendarEvent, ...]
    window_start: datetime | None
    advance: bool


@dataclass(frozen=True)
class _Draft:
    action: CreateDraft
    message: EmailMessage


@dataclass(frozen=True)
class _CalendarWrite:
    action: PutOwnEvent | MoveOwnEvent | RemoveOwnEvent
    write: OwnWrite
    #: For puts: what the service wrote, so the user's additions can be told apart.
    written_text: str = ""


@dataclass
class Engine:
    settings: Settings
    calendar: Calendar
    draft_store: DraftStore
    store: StateStore
    composer: Composer
    crash_point: CrashPoint = field(default=lambda _name: None)
    #: What each event was read as last time, so an unchanged event is not read again.
    _known: dict[EventId, tuple[CalendarEvent, Interview | None]] = field(default_factory=dict)

    def cycle(self, now: datetime, *, dry_run: bool = False) -> CycleReport:
        """One cycle; only one runs at a time on one state file, across processes."""
        if dry_run:
            with self.store.guarded():
                return self._cycle(now, dry_run=True)
        # A full disk or a damaged page met on the way is a StateError naming the
        # file; whatever was intended stays intended for the next cycle.
        with self.store.exclusive(), self.store.guarded():
            return self._cycle(now, dry_run=False)

    def _cycle(self, now: datetime, *, dry_run: bool) -> CycleReport:
        report = CycleReport()
        stored = self.store.checkpoint("calendar")
        try:
            changes = self.calendar.changes(stored)
        except BackendError as error:
            report.backend_failed(Port.CALENDAR, error)
            if not dry_run:
                self._watch_drafts(now, report)
            return report
        watched = False
        if not dry_run and self._idle(changes, stored, now):
            # Nothing changed and nothing is due: only the drafts are watched.
            self._watch_drafts(now, report)
            watched = True
            if not report.drafts_gone:
                report.idle = True
                return report
            # A note was sent: what is due changed (its send-by reminder goes), plan now.

        unreadable = Unreadable(
            tuple(s.event for s in changes.skipped if s.event is not None),
            frozenset(s.own.key for s in changes.skipped if s.own is not None),
        )
        listing = self._listing(changes, stored)
        rebuilt = None
        if rebuild.needed(self.store, stored, listing.events):
            rebuilt = rebuild.rebuild(
                listing.events, self.draft_store, self.composer, self.settings, now
            )
            report.rebuilt = list(rebuilt.lines)
            if not dry_run and not watched:
                with self.store.transaction():
                    rebuilt.record(self.store, now)
        if not dry_run and not watched:
            self._watch_drafts(now, report)
        snapshot = self.store.snapshot() if rebuilt is None or not dry_run else rebuilt.snapshot()
        actions = plan(
            snapshot,
            listing.events,
            now,
            self.settings,
            window_start=listing.window_start,
            unreadable=unreadable,
            complete=changes.complete,
            known=self._known,
        )
        skipped = [
            Quarantine(
                ItemRef("event", str(s.event)) if s.event else ItemRef("calendar", s.what),
                s.reason,
            )
            for s in changes.skipped
        ]
        report.planned = [*skipped, *actions]
        report.interviews = interviews_after(snapshot, actions)
        if dry_run:
            return report
        self._remember(listing.events, report)
        remote = [
            a
            for a in actions
            if isinstance(a, CreateDraft | PutOwnEvent | MoveOwnEvent | RemoveOwnEvent)
        ]
        drafts, writes = self._prepare(remote, now, report)
        with self.store.transaction():
            for action in report.planned:
                if isinstance(action, StateAction):
                    action.record(self.store, now)
                    if isinstance(action, Quarantine):
                        report.problems.append(f"{action.item}: {action.reason}")
            self._release(changes, report)
            # The cache and the checkpoint move together, with what was planned
            # from them: after a crash they still describe the same moment.
            if listing.advance:
                if changes.complete:
                    self.store.events.replace(
                        changes.events, window_start=changes.window_start, keep=unreadable.events
                    )
                else:
                    self.store.events.apply(changes.events, changes.removed)
                self.store.set_checkpoint("calendar", changes.checkpoint)
            self._intend(drafts, writes, now)
            # Read back inside the transaction: the user's moves are recorded by now.
            wake = next_wake(
                report.interviews.values(), self.store.ledger.own(), actions, now, self.settings
            )
            self.store.set_checkpoint(WAKE, f"{to_utc_text(wake)} {self._settings_digest()}")
        self.crash_point("after-record")

        draft_results = self._create_drafts(drafts, report)
        calendar_results = self._write_calendar(writes, report)
        with self.store.transaction():
            self._record_drafts(draft_results, now, report)
            self._record_calendar(calendar_results, now, report)
        if listing.advance and any(result.ok for _, result in calendar_results):
            self._catch_up(changes)
        return report

    def _catch_up(self, planned_from: EventChanges) -> None:
        """Take the calendar as it is after this cycle's own writes as the one last seen.

        Otherwise the next cycle would find the calendar changed (by the service
        itself) and, for a calendar that only lists in full (an .ics file), read all
        of it again. Asked right after the writes, the backend answers from what it
        has at hand (a file it just wrote; a sync token it just got). Taken only when
        nothing but the service's own events differs from what was planned from: a
        change the user made meanwhile must reach the next plan.
        """
        try:
            after = self.calendar.changes(planned_from.checkpoint)
        except BackendError:
            return
        if after.skipped:
            return
        if after.complete:
            mine_only = [e for e in after.events if e.own is None] == [
                e for e in planned_from.events if e.own is None
            ]
        else:
            cached = {e.id: e for e in self.store.events.events()}
            mine_only = all(e.own is not None for e in after.events) and all(
                (gone := cached.get(i)) is not None and gone.own is not None for i in after.removed
            )
        if not mine_only:
            return
        with self.store.transaction():
            if after.complete:
                self.store.events.replace(after.events, window_start=after.window_start)
            else:
                self.store.events.apply(after.events, after.removed)
            self.store.set_checkpoint("calendar", after.checkpoint)

    def _release(self, changes: EventChanges, report: CycleReport) -> None:
        """What was fine this time leaves the quarantine.

        Applications are planned whole every time. Events only count as fine when
        this listing showed them: all of them for a complete listing; for an
        incremental one, only those it lists or removes (an event broken last time
        and not listed now is still broken).
        """
        still_bad = [a.item for a in report.planned if isinstance(a, Quarantine)]
        quarantine = self.store.quarantine
        quarantine.release_all_but("application", still_bad)
        if changes.complete:
            quarantine.release_all_but("event", still_bad)
            quarantine.release_all_but("calendar", still_bad)
            return
        seen = [ItemRef("event", e.uid) for e in changes.events]
        seen += [ItemRef("event", str(i)) for i in changes.removed]
        bad = set(still_bad)
        quarantine.release(item for item in seen if item not in bad)

    def _idle(self, changes: EventChanges, stored: str | None, now: datetime) -> bool:
        """Whether this cycle can plan nothing: the calendar is as it was, nothing is due.

        That is: the listing says nothing changed since the last plan, that plan
        was made with these settings, its wake-up moment has not come, and no
        write is unfinished or waiting in the quarantine to be tried again.
        """
        if changes.complete:
            unchanged = stored is not None and changes.checkpoint == stored
        else:
            unchanged = not changes.events and not changes.removed
        if not unchanged or changes.skipped:
            return False
        value = self.store.checkpoint(WAKE)
        if value is None:
            return False
        wake_text, _, digest = value.partition(" ")
        if digest != self._settings_digest() or now >= from_utc_text(wake_text):
            return False
        return not self.store.unfinished_work()

    def _settings_digest(self) -> str:
        # Settings are frozen dataclasses of plain values: their repr is stable.
        return hashlib.sha256(repr(self.settings).encode("utf-8")).hexdigest()[:16]

    def _listing(self, changes: EventChanges, stored: str | None) -> _Listing:
        """The whole calendar as it is now, from a complete or an incremental listing.

        A complete listing is the calendar; the event cache is refreshed from it
        only when its checkpoint moved (an unchanged .ics file costs nothing).
        An empty complete listing moves neither cache nor checkpoint: like the
        planner, the cache never reads it as "everything was deleted". An
        incremental listing is applied to the cached events.
        """
        if changes.complete:
            advance = bool(changes.events) and changes.checkpoint != stored
            return _Listing(changes.events, changes.window_start, advance)
        events = {event.id: event for event in self.store.events.events()}
        for removed in changes.removed:
            # A removed series takes every occurrence of it along.
            for event_id in [i for i in events if removed.covers(i)]:
                del events[event_id]
        events.update((event.id, event) for event in changes.events)
        # Events ending before the cached listing's window were never cached:
        # their absence means nothing, whatever this answer says.
        windows = [w for w in (self.store.events.window_start(), changes.window_start) if w]
        return _Listing(
            tuple(sorted(events.values(), key=lambda e: (e.start, e.uid))),
            max(windows) if windows else None,
            advance=True,
        )

    def _remember(self, events: Sequence[CalendarEvent], report: CycleReport) -> None:
        """What each event was read as, for the next cycle of this process."""
        bad = {a.item.id for a in report.planned if isinstance(a, Quarantine)}
        self._known = {
            event.id: (event, report.interviews.get(event.uid))
            for event in events
            if event.own is None and event.uid not in bad
        }

    # -- observations -------------------------------------------------------------------

    def _watch_drafts(self, now: datetime, report: CycleReport) -> None:
        """Which drafts left the mailbox, and what became of drafts whose answer was lost."""
        drafts = self.store.ledger.drafts()
        created = [d.key for d in drafts if d.status is DraftStatus.CREATED]
        pending = [d.key for d in drafts if d.status is DraftStatus.PENDING]
        gone: list[str] = []
        if created:
            try:
                present = self.draft_store.present(created)
            except BackendError as error:
                report.backend_failed(Port.DRAFTS, error)
                return
            gone = [key for key in created if key not in present]
        found, sent = self._settle_pending(pending) if pending else (set(), set())
        if gone or found or sent:
            with self.store.transaction():
                self.store.ledger.drafts_created(((key, "") for key in sorted(found | sent)), now)
                self.store.ledger.drafts_gone([*gone, *sorted(sent)], now)
            report.drafts_gone += len(gone) + len(sent)

    def _settle_pending(self, pending: list[str]) -> tuple[set[str], set[str]]:
        """Drafts intended by a cycle that lost the answer (or died): in the mailbox, or sent.

        Either way they exist and are never written again. A store that cannot be
        asked (a Maildir not created before the first draft) leaves them pending:
        the next write finds them by key.
        """
        try:
            found = self.draft_store.present(pending)
            missing = [key for key in pending if key not in found]
            sent = (self.draft_store.sent(missing) or set()) if missing else set()
        except BackendError:
            return set(), set()
        return found, sent

    # -- remote writes ------------------------------------------------------------------

    def _prepare(
        self, actions: Sequence[RemoteAction], now: datetime, report: CycleReport
    ) -> tuple[list[_Draft], list[_CalendarWrite]]:
        """Compose every note and event text before anything is intended.

        A note that cannot be built is quarantined (it was never intended); a
        broken user template fails its whole port for this cycle.
        """
        drafts: list[_Draft] = []
        writes: list[_CalendarWrite] = []
        for action in actions:
            port = action.port
            assert port is not None
            if port in report.failed:
                continue
            try:
                if isinstance(action, CreateDraft):
                    drafts.append(_Draft(action, self._message(action, now, report)))
                else:
                    writes.append(self._calendar_write(action, report))
            except ConfigError as error:
                # A broken user template: nothing more of this port can be
                # written this cycle, but the other goes on.
                report.backend_failed(port, error)
            except (ItemError, ValueError) as error:
                # ValueError: what the email package raises on a header it refuses.
                self._quarantine_write(action, f"{type(error).__name__}: {error}", now, report)
        return drafts, writes

    def _message(self, action: CreateDraft, now: datetime, report: CycleReport) -> EmailMessage:
        interview = report.interviews[action.interview_uid]
        profile = self.settings.profile
        subject, body = self.composer.compose_note(
            interview, action.person, profile, variant=action.variant, late=action.late
        )
        return build_message(
            key=action.key,
            sender_name=profile.name,
            sender_email=profile.email,
            to_name=action.person.name,
            to_email=action.person.email,
            subject=subject,
            body=body,
            now=now,
        )

    def _calendar_write(
        self, action: PutOwnEvent | MoveOwnEvent | RemoveOwnEvent, report: CycleReport
    ) -> _CalendarWrite:
        if isinstance(action, RemoveOwnEvent):
            return _CalendarWrite(action, RemoveOwn(action.kind, action.key))
        if isinstance(action, MoveOwnEvent):
            moved = OwnEvent(action.kind, action.key, action.start, action.end, "", "")
            return _CalendarWrite(action, UpdateOwn(moved, frozenset({"time"})))
        interview = report.interviews[action.interview_uid]
        text = self.composer.compose_own(
            action.kind, interview, action.person, self.settings.profile, start=action.start
        )
        event = OwnEvent(
            action.kind,
            action.key,
            action.start,
            action.end,
            text.title,
            text.description,
            text.reminder,
        )
        return _CalendarWrite(action, PutOwn(event), f"{text.title}\n{text.description}")

    def _intend(self, drafts: list[_Draft], writes: list[_CalendarWrite], now: datetime) -> None:
        ledger = self.store.ledger
        ledger.intend_drafts(
            (
                DraftIntent(
                    key=d.action.key,
                    interview_uid=d.action.interview_uid,
                    application=d.action.application,
                    email=d.action.person.email,
                    name=d.action.person.name,
                    kind=d.action.kind,
                    late=d.action.late,
                )
                for d in drafts
            ),
            now,
        )
        ledger.intend_own(
            (
                OwnIntent(
                    key=w.action.key,
                    kind=w.action.kind,
                    application=w.action.application,
                    interview_uid=w.action.interview_uid,
                    series=w.action.series,
                    seq=w.action.seq,
                    start=w.action.start,
                    end=w.action.end,
                    person_name=w.action.person.name if w.action.person else "",
                    written_text=w.written_text,
                )
                for w in writes
                if isinstance(w.action, PutOwnEvent)
            ),
            now,
        )
        # Recorded before the remote delete, so a crash in between is finished
        # later instead of being read as the user's deletion.
        ledger.own_status(
            (w.action.key for w in writes if isinstance(w.action, RemoveOwnEvent)),
            OwnStatus.REMOVING,
            now,
        )

    def _create_drafts(
        self, drafts: list[_Draft], report: CycleReport
    ) -> list[tuple[_Draft, WriteResult]]:
        if not drafts:
            return []
        self.crash_point("before-create-draft")
        try:
            results = self.draft_store.create_drafts([(d.action.key, d.message) for d in drafts])
        except BackendError as error:
            report.backend_failed(Port.DRAFTS, error)
            return []
        self.crash_point("after-create-draft")
        return list(zip(drafts, results, strict=True))

    def _write_calendar(
        self, writes: list[_CalendarWrite], report: CycleReport
    ) -> list[tuple[_CalendarWrite, WriteResult]]:
        if not writes:
            return []
        kinds = {type(w.action) for w in writes}
        if PutOwnEvent in kinds:
            self.crash_point("before-put-call")
        if RemoveOwnEvent in kinds:
            self.crash_point("before-remove-call")
        try:
            results = self.calendar.write_own([w.write for w in writes])
        except BackendError as error:
            report.backend_failed(Port.CALENDAR, error)
            return []
        if PutOwnEvent in kinds:
            self.crash_point("after-put-call")
        if RemoveOwnEvent in kinds:
            self.crash_point("after-remove-call")
        return list(zip(writes, results, strict=True))

    def _record_drafts(
        self, results: list[tuple[_Draft, WriteResult]], now: datetime, report: CycleReport
    ) -> None:
        done = [(draft, result) for draft, result in results if result.ok]
        self.store.ledger.drafts_created(((d.action.key, r.remote_id) for d, r in done), now)
        self.store.quarantine.release(_write_item(d.action) for d, _ in done)
        for draft, result in results:
            if not result.ok:
                self._quarantine_write(draft.action, result.error, now, report)
        for draft, _ in done:
            report.drafts_created += 1
            report.late_drafts += int(draft.action.late)
            log.info("%s", draft.action.describe())

    def _record_calendar(
        self, results: list[tuple[_CalendarWrite, WriteResult]], now: datetime, report: CycleReport
    ) -> None:
        ledger = self.store.ledger
        for write, result in results:
            action = write.action
            if not result.ok:
                self._quarantine_write(action, result.error, now, report)
                continue
            self.store.quarantine.release([_write_item(action)])
            if isinstance(action, PutOwnEvent) and result.missing:
                # Its id is taken by an event the user deleted: theirs to keep deleted.
                ledger.observe_own(action.key, None, now)
            elif isinstance(action, PutOwnEvent):
                ledger.own_created([(action.key, result.remote_id)], now)
                report.created[action.kind] += 1
            elif isinstance(action, RemoveOwnEvent):
                ledger.own_status([action.key], OwnStatus.REMOVED, now)
                report.removed[action.kind] += 1
            elif result.missing:
                # The user deleted it before it could be moved: theirs to keep deleted.
                ledger.observe_own(action.key, None, now)
            else:
                ledger.own_moved([(action.key, action.start, action.end)], now)
            log.info("%s", action.describe())

    def _quarantine_write(
        self, action: RemoteAction, reason: str, now: datetime, report: CycleReport
    ) -> None:
        item = _write_item(action)
        # Called inside the results' transaction, or on its own while preparing.
        scope = nullcontext() if self.store.in_transaction else self.store.transaction()
        with scope:
            self.store.quarantine.add(item, reason, now)
        report.problems.append(f"{item}: {reason}")


def _write_item(action: RemoteAction) -> ItemRef:
    scope = "draft" if isinstance(action, CreateDraft) else str(action.kind)
    return ItemRef(scope, action.key[:12])
