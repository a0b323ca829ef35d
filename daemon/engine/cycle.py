"""One cycle: read the calendar, plan, apply the plan through the ports.

Every remote write follows the intent-ledger order: record the key as
``pending`` (committed), write remotely with that key, record the result. A
crash between any two steps leaves a ``pending`` record that the next cycle
repeats under the same key, which the adapter recognises.

Errors have a scope: an ``ItemError`` (or any error building one note)
quarantines that item; a ``BackendError`` stops further writes to that backend
in this cycle; the cycle itself returns a report either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from daemon.compose.composer import Composer
from daemon.compose.mime import build_message
from daemon.domain.errors import BackendError, ConfigError, ItemError
from daemon.domain.model import CalendarEvent, Interview
from daemon.domain.ports import Calendar, CallEvent, DraftStore, EventChanges
from daemon.domain.settings import Settings
from daemon.planning.actions import (
    Action,
    CreateCall,
    CreateDraft,
    MarkInterviewRemoved,
    ObserveCall,
    Quarantine,
    RecordDecision,
    RecordInterview,
    RemoteAction,
    RemoveCall,
    describe,
)
from daemon.planning.planner import interviews_after, plan
from daemon.store.ledger import DraftStatus
from daemon.store.state import StateStore

log = logging.getLogger(__name__)

#: A hook called at named points of a cycle; tests use it to crash on purpose.
CrashPoint = Callable[[str], None]


@dataclass
class CycleReport:
    planned: list[Action] = field(default_factory=list)
    drafts_created: int = 0
    late_drafts: int = 0
    calls_created: int = 0
    calls_removed: int = 0
    drafts_gone: int = 0
    #: One line per problem, for the user: what and why, never note text.
    problems: list[str] = field(default_factory=list)
    #: The interviews the plan speaks of, as they stand after it (uid -> interview).
    interviews: dict[str, Interview] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Listing:
    """The calendar a cycle plans over, and whether its cache and checkpoint move on."""

    events: tuple[CalendarEvent, ...]
    window_start: datetime | None
    advance: bool


@dataclass
class Engine:
    settings: Settings
    calendar: Calendar
    draft_store: DraftStore
    store: StateStore
    composer: Composer
    crash_point: CrashPoint = field(default=lambda _name: None)

    def cycle(self, now: datetime, *, dry_run: bool = False) -> CycleReport:
        """One cycle; only one runs at a time on one state file, across processes."""
        if dry_run:
            return self._cycle(now, dry_run=True)
        with self.store.exclusive():
            return self._cycle(now, dry_run=False)

    def _cycle(self, now: datetime, *, dry_run: bool) -> CycleReport:
        report = CycleReport()
        stored = self.store.checkpoint("calendar")
        try:
            changes = self.calendar.changes(stored)
        except BackendError as error:
            report.problems.append(f"calendar: {error}")
            if not dry_run:
                self._watch_drafts(now, report)
            return report

        unreadable = [what for what, _ in changes.skipped]
        listing = self._listing(changes, stored)
        snapshot = self.store.snapshot()
        actions = plan(
            snapshot,
            listing.events,
            now,
            self.settings,
            window_start=listing.window_start,
            unreadable=unreadable,
            complete=changes.complete,
        )
        skipped = [Quarantine(f"event {what}", why) for what, why in changes.skipped]
        report.planned = [*skipped, *actions]
        report.interviews = interviews_after(snapshot, actions)
        if dry_run:
            return report

        self._watch_drafts(now, report)
        with self.store.transaction():
            for action in report.planned:
                self._record(action, now, report)
            # Events and applications that were fine this time leave the quarantine.
            still_bad = [a.item for a in report.planned if isinstance(a, Quarantine)]
            for prefix in ("event ", "application "):
                self.store.release_all_but(prefix, still_bad)
            # The cache and the checkpoint move together, with what was planned
            # from them: after a crash they still describe the same moment.
            if listing.advance:
                if changes.complete:
                    self.store.replace_events(
                        changes.events, window_start=changes.window_start, keep=unreadable
                    )
                else:
                    self.store.apply_event_changes(changes.events, changes.removed)
                self.store.set_checkpoint("calendar", changes.checkpoint)
        self.crash_point("after-record")

        failed_backends: set[str] = set()
        for action in actions:
            if isinstance(action, CreateDraft | CreateCall | RemoveCall):
                self._write(action, report, now, failed_backends)
        return report

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
        events = {event.uid: event for event in self.store.cached_events()}
        for uid in changes.removed:
            events.pop(uid, None)
        events.update((event.uid, event) for event in changes.events)
        # Events ending before the cached listing's window were never cached:
        # their absence means nothing, whatever this answer says.
        windows = [w for w in (self.store.cached_window_start(), changes.window_start) if w]
        return _Listing(
            tuple(sorted(events.values(), key=lambda e: (e.start, e.uid))),
            max(windows) if windows else None,
            advance=True,
        )

    # -- observations -------------------------------------------------------------------

    def _record(self, action: Action, now: datetime, report: CycleReport) -> None:
        store = self.store
        match action:
            case RecordInterview(interview=interview, first_seen=first_seen):
                store.record_interview(interview, first_seen)
            case MarkInterviewRemoved(uid=uid):
                store.mark_interview_removed(uid)
            case RecordDecision(application=app, outcome=outcome, source=source):
                store.record_decision(app, outcome, source, now)
            case ObserveCall(key=key, start=start):
                store.observe_call(key, start, now)
            case Quarantine(item=item, reason=reason):
                store.quarantine(item, reason, now)
                report.problems.append(f"{item}: {reason}")
            case _:
                return

    def _watch_drafts(self, now: datetime, report: CycleReport) -> None:
        created = [d.key for d in self.store.drafts() if d.status is DraftStatus.CREATED]
        if not created:
            return
        try:
            present = self.draft_store.present(created)
        except BackendError as error:
            report.problems.append(f"drafts: {error}")
            return
        gone = [key for key in created if key not in present]
        if gone:
            with self.store.transaction():
                self.store.drafts_gone(gone, now)
            report.drafts_gone += len(gone)

    # -- remote writes ------------------------------------------------------------------

    def _write(
        self,
        action: RemoteAction,
        report: CycleReport,
        now: datetime,
        failed_backends: set[str],
    ) -> None:
        backend = "drafts" if isinstance(action, CreateDraft) else "calendar"
        if backend in failed_backends:
            return
        item = f"{backend} {action.key[:12]}"
        try:
            match action:
                case CreateDraft():
                    self._create_draft(action, now, report)
                case CreateCall():
                    self._create_call(action, now, report)
                case RemoveCall(key=key):
                    with self.store.transaction():
                        self.store.call_removing(key, now)
                    self.crash_point("before-remove-call")
                    self.calendar.remove_call(key)
                    self.crash_point("after-remove-call")
                    with self.store.transaction():
                        self.store.call_removed(key, now)
                    report.calls_removed += 1
        except (BackendError, ConfigError) as error:
            # ConfigError: a broken user template. Nothing more of this kind
            # can be written this cycle, but the other backend goes on.
            failed_backends.add(backend)
            report.problems.append(f"{backend}: {error}")
        except (ItemError, ValueError) as error:
            # ValueError: what the email package raises on a header it refuses.
            with self.store.transaction():
                self.store.quarantine(item, f"{type(error).__name__}: {error}", now)
            report.problems.append(f"{item}: {error}")
        else:
            self.store.release([item])

    def _create_draft(self, action: CreateDraft, now: datetime, report: CycleReport) -> None:
        interview = report.interviews[action.interview_uid]
        profile = self.settings.profile
        subject, body = self.composer.compose_note(
            interview, action.person, profile, variant=action.variant, late=action.late
        )
        message = build_message(
            key=action.key,
            sender_name=profile.name,
            sender_email=profile.email,
            to_name=action.person.name,
            to_email=action.person.email,
            subject=subject,
            body=body,
            now=now,
        )
        with self.store.transaction():
            self.store.intend_draft(action, now)
        self.crash_point("before-create-draft")
        remote_id = self.draft_store.create_draft(action.key, message)
        self.crash_point("after-create-draft")
        with self.store.transaction():
            self.store.draft_created(action.key, remote_id, now)
        report.drafts_created += 1
        report.late_drafts += int(action.late)
        log.info("%s", describe(action))

    def _create_call(self, action: CreateCall, now: datetime, report: CycleReport) -> None:
        interview = report.interviews[action.interview_uid]
        title, description = self.composer.compose_call(
            interview, action.person, self.settings.profile
        )
        with self.store.transaction():
            self.store.intend_call(action, f"{title}\n{description}", now)
        self.crash_point("before-put-call")
        remote_id = self.calendar.put_call(
            CallEvent(action.key, action.start, action.end, title, description)
        )
        self.crash_point("after-put-call")
        with self.store.transaction():
            self.store.call_created(action.key, remote_id, now)
        report.calls_created += 1
        log.info("%s", describe(action))
