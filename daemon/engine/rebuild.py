"""A lost state rebuilt from what the service left behind: its own events and its drafts.

A new state over a calendar that holds events the service wrote means the state
was lost (deleted, moved aside because it was damaged, a new machine). Planning
from nothing would write every due thank-you note again and put a second
follow-up call beside each existing one. Keys are derived from stable facts
(``domain.keys``), so for every interview on the calendar the keys the service
would have used can be computed again and matched:

- own events: ``own_key(kind, application, interview, seq)`` for seq 0, 1, ...
  (a matched event gives back its application, series and number); they are
  adopted into the ledger as created;
- drafts: ``draft_key(interview, address)``, asked of the drafts folder; the
  ones still there are adopted as created.

An interview was *handled* when the service left a trace of it (an own event
about it, or one of its drafts), or when it ended before one that was: the
service was running when that one came due, so it saw this one too. The due
drafts of handled interviews that are not in the drafts folder are taken as
sent and never written again. Interviews after the last trace are planned as
new, and the report says so.

What cannot be rebuilt is reported, never guessed: decisions made with
``followup decide`` (a decided application's future calls were removed, so
nothing on the calendar says it was decided), own events whose interview is no
longer on the calendar, and interviews with no trace.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from daemon.compose.composer import Composer
from daemon.domain.errors import BackendError
from daemon.domain.keys import draft_key, own_key
from daemon.domain.model import CalendarEvent, Interview, OwnKind, Person
from daemon.domain.ports import DraftStore
from daemon.domain.settings import Settings
from daemon.planning.actions import CreateDraft, RecordDecision, RecordInterview
from daemon.planning.calls import person_to_call
from daemon.planning.planner import plan
from daemon.reading.recipients import note_recipients
from daemon.store.codec import CodecError, from_utc_text, to_utc_text
from daemon.store.records import (
    DraftKind,
    DraftRecord,
    DraftStatus,
    InterviewRecord,
    OwnRecord,
    OwnStatus,
    Snapshot,
)
from daemon.store.state import StateStore

log = logging.getLogger(__name__)

#: The checkpoint holding the last rebuild's report (JSON), for ``followup status``.
REPORT = "rebuild.report"
#: Numbers are searched until this many in a row match nothing: a year of weekly calls.
SEQ_GAP = 52
#: Kinds written as soon as an interview is seen: proof that it was seen, not that its
#: notes were due (every other kind is written only after the interview).
SEEN_ONLY = frozenset({OwnKind.DEBRIEF})
#: A held interview counts as first seen this long after it ended: no look-back reaches it.
HELD = timedelta(days=3650)


@dataclass(frozen=True)
class Rebuilt:
    """What was recovered, ready to record, and the report for the user."""

    interviews: tuple[InterviewRecord, ...] = ()
    own: tuple[OwnRecord, ...] = ()
    drafts: tuple[DraftRecord, ...] = ()
    #: One line each: what was rebuilt, then what could not be and what to do.
    lines: tuple[str, ...] = ()

    def snapshot(self) -> Snapshot:
        return Snapshot(
            interviews={r.interview.uid: r for r in self.interviews},
            drafts={d.key: d for d in self.drafts},
            own={o.key: o for o in self.own},
        )

    def record(self, store: StateStore, now: datetime) -> None:
        """Into the (new) store, inside the caller's transaction."""
        for record in self.interviews:
            store.record_interview(record.interview, record.first_seen)
        store.ledger.adopt_own(self.own, now)
        store.ledger.adopt_drafts(self.drafts, now)
        store.set_checkpoint(REPORT, report_json(now, self.lines))


def report_json(now: datetime, lines: Sequence[str]) -> str:
    return json.dumps({"at": to_utc_text(now), "lines": list(lines)})


def needed(store: StateStore, checkpoint: str | None, events: Sequence[CalendarEvent]) -> bool:
    """Whether the state is new while the calendar holds the service's own events."""
    return checkpoint is None and any(e.own for e in events) and store.is_new()


@dataclass
class _Evidence:
    """What the service left behind, by interview uid."""

    #: Every own event found again.
    own: dict[str, list[OwnRecord]] = field(default_factory=lambda: defaultdict(list))
    #: Own events that are only written once an interview's notes are due (not debriefs).
    after: set[str] = field(default_factory=set)
    #: Interviews with a draft still in the drafts folder.
    drafts: set[str] = field(default_factory=set)

    def of(self, uid: str) -> bool:
        return uid in self.after or uid in self.drafts


def rebuild(
    events: Sequence[CalendarEvent],
    draft_store: DraftStore,
    composer: Composer,
    settings: Settings,
    now: datetime,
) -> Rebuilt:
    own_events = {e.own.key: e for e in events if e.own}
    # Keys were made from the interviews as their invitations read: match with those.
    adopted = _match_own(
        own_events, _interviews(Snapshot(), events, settings, now), composer, settings
    )
    # What the user wrote into a debrief is part of its interview's notes (people too).
    interviews = _interviews(Snapshot(own={o.key: o for o in adopted}), events, settings, now)
    evidence = _Evidence()
    for record in adopted:
        evidence.own[record.interview_uid].append(record)
        if record.kind not in SEEN_ONLY:
            evidence.after.add(record.interview_uid)

    candidates = _draft_candidates(interviews.values())
    lines: list[str] = []
    present = _present(draft_store, candidates, lines)
    evidence.drafts = {candidates[key][0].uid for key in present}

    last_trace = max((iv.end for uid, iv in interviews.items() if evidence.of(uid)), default=None)

    def handled(interview: Interview) -> bool:
        return evidence.of(interview.uid) or (
            last_trace is not None and interview.end <= last_trace
        )

    # Handled interviews with follow-up events of their own keep being followed up:
    # seen no later than their end, so they stay within the look-back however old.
    followed = [
        InterviewRecord(iv, min([iv.end, *(o.start for o in evidence.own[uid])]))
        for uid, iv in sorted(interviews.items())
        if handled(iv) and uid in evidence.after
    ]
    # Handled, yet no follow-up event is about them: their calls were removed (the
    # application decided) or deleted. Due notes are looked for as if they were seen
    # now; from then on they are held: never followed up again.
    held = [
        iv for uid, iv in sorted(interviews.items()) if handled(iv) and uid not in evidence.after
    ]
    partial = Snapshot(
        interviews={
            **{iv.uid: InterviewRecord(iv, now) for iv in held},
            **{r.interview.uid: r for r in followed},
        },
        own={o.key: o for o in adopted},
    )
    actions = plan(partial, events, now, settings)
    decided = {a.application for a in actions if isinstance(a, RecordDecision)}
    drafts: dict[str, DraftRecord] = {}
    taken_as_sent = 0
    for action in actions:
        if not isinstance(action, CreateDraft):
            continue
        if action.key in present:
            drafts[action.key] = _draft(action, DraftStatus.CREATED)
        elif handled(interviews[action.interview_uid]):
            drafts[action.key] = _draft(action, DraftStatus.GONE)
            taken_as_sent += 1
    for key in sorted(present - drafts.keys()):
        # Still in the folder but not due by today's rules (decided since): adopted as is.
        interview, person = candidates[key]
        drafts[key] = DraftRecord(
            key,
            interview.uid,
            interview.application,
            person.email,
            person.name,
            DraftKind.THANK_YOU if person.met else DraftKind.INTEREST,
            DraftStatus.CREATED,
        )
    records = (*followed, *(InterviewRecord(iv, iv.end + HELD) for iv in held))
    gone = [d.key for d in drafts.values() if d.status is DraftStatus.GONE]
    try:
        seen_sent = len(draft_store.sent(gone) or ()) if gone else 0
    except BackendError:
        seen_sent = 0
    sent_note = f" ({seen_sent} of them seen in the sent mail)" if seen_sent else ""

    lines[:0] = [
        f"the state was new but the calendar holds {len(own_events)} events this service wrote:"
        " rebuilt from them and from the drafts folder",
        f"found again: {_counted(adopted)} about {_plural(len(evidence.own), 'interview')},"
        f" {_plural(len(present), 'draft')} still in the drafts folder; {taken_as_sent} due"
        f" notes not in it were taken as sent{sent_note} and are not written again",
    ]
    unmatched = len(own_events) - len(adopted)
    lines += _not_rebuilt(interviews, evidence, handled, decided, unmatched, now, settings)
    for line in lines:
        log.warning("state rebuild: %s", line)
    return Rebuilt(records, tuple(adopted), tuple(drafts.values()), tuple(lines))


def _present(
    draft_store: DraftStore, candidates: Mapping[str, object], lines: list[str]
) -> set[str]:
    """Which of the candidate drafts are still in the drafts folder."""
    if not candidates:
        return set()
    try:
        return draft_store.present(candidates)
    except BackendError as error:
        lines.append(
            f"the drafts folder could not be read ({error}): none of its drafts were found"
            " again; due notes of handled interviews are still taken as written"
        )
        return set()


def _not_rebuilt(
    interviews: Mapping[str, Interview],
    evidence: _Evidence,
    handled: Callable[[Interview], bool],
    decided: set[str],
    unmatched: int,
    now: datetime,
    settings: Settings,
) -> list[str]:
    """What the report says could not be rebuilt, and what the user can do about it."""
    lines = []
    if unmatched:
        lines.append(
            f"not rebuilt: {unmatched} events of the service match no interview on the calendar"
            " (deleted, older than the calendar's window, or its company renamed since):"
            " they are left as they are and no longer followed up"
        )
    grace = timedelta(minutes=settings.interviews.grace_minutes)
    latest: dict[str, Interview] = {}
    for interview in sorted(interviews.values(), key=lambda i: (i.end, i.uid)):
        latest[interview.application] = interview
        if handled(interview) or now < interview.end + grace:
            continue
        lines.append(
            f"not rebuilt: {_company(interview)}, {interview.title!r} of"
            f" {interview.start:%Y-%m-%d}: no trace of the service's notes or calls, so it is"
            " handled as new; if its notes were sent already, discard the new drafts, and if"
            f" the application is decided, run `followup decide {_quoted(_company(interview))}`"
        )
    followed: list[str] = []
    held: list[str] = []
    for application, interview in sorted(latest.items()):
        if not handled(interview) or application in decided:
            continue
        (followed if interview.uid in evidence.after else held).append(_company(interview))
    for company in held:
        lines.append(
            f"not rebuilt: {company}: handled before, but none of its follow-up calls is on the"
            " calendar (decided, or its calls deleted), so no new call is scheduled; if it was"
            f" decided, `followup decide {_quoted(company)}` records how; if it is still open,"
            " its next interview starts the follow-ups again"
        )
    if followed:
        lines.append(
            "not rebuilt: decisions made with `followup decide` (nothing on the calendar keeps"
            " them); if one of these is decided, run `followup decide COMPANY` again, or its"
            " follow-up calls go on: " + ", ".join(sorted(followed, key=str.casefold))
        )
    return lines


def _company(interview: Interview) -> str:
    return interview.company or interview.application


def _interviews(
    state: Snapshot, events: Sequence[CalendarEvent], settings: Settings, now: datetime
) -> dict[str, Interview]:
    """Every interview on the calendar, read as the planner reads them over ``state``."""
    return {
        a.interview.uid: a.interview
        for a in plan(state, events, now, settings)
        if isinstance(a, RecordInterview)
    }


def _match_own(
    own_events: Mapping[str, CalendarEvent],
    interviews: Mapping[str, Interview],
    composer: Composer,
    settings: Settings,
) -> list[OwnRecord]:
    """The own events whose key one of the interviews' recomputed keys gives."""
    kinds = sorted({e.own.kind for e in own_events.values() if e.own}, key=str)
    by_application: dict[str, list[Interview]] = defaultdict(list)
    for interview in interviews.values():
        by_application[interview.application].append(interview)
    found: list[OwnRecord] = []
    for uid, interview in sorted(interviews.items()):
        for kind in kinds:
            misses, seq = 0, 0
            while misses < SEQ_GAP:
                key = own_key(kind, interview.application, uid, seq)
                event = own_events.get(key)
                if event is None:
                    misses += 1
                else:
                    misses = 0
                    siblings = by_application[interview.application]
                    rounds = sorted(
                        (i for i in siblings if i.end <= interview.end),
                        key=lambda i: (i.end, i.uid),
                    )
                    found.append(_own(event, kind, interview, seq, rounds, composer, settings))
                seq += 1
    return found


def _own(
    event: CalendarEvent,
    kind: OwnKind,
    interview: Interview,
    seq: int,
    rounds: Sequence[Interview],
    composer: Composer,
    settings: Settings,
) -> OwnRecord:
    person = person_to_call(rounds)
    try:
        text = composer.compose_own(kind, interview, person, settings.profile, start=event.start)
        # What the service writes into such an event now: the lines the user added
        # (a ``#decided``) are what differs, as for an event recorded when written.
        written = f"{text.title}\n{text.description}"
    except Exception:  # noqa: BLE001 - a text that cannot be composed only loses the user's lines
        written = f"{event.title}\n{event.description}"
    return OwnRecord(
        key=event.own.key if event.own else "",
        kind=kind,
        application=interview.application,
        interview_uid=interview.uid,
        series=interview.uid,
        seq=seq,
        start=event.start,
        end=event.end,
        status=OwnStatus.CREATED,
        remote_id=event.uid,
        person_name=person.name if person else "",
        written_text=written,
    )


def _draft_candidates(interviews: Iterable[Interview]) -> dict[str, tuple[Interview, Person]]:
    """Every draft key the service could have used, and for whom."""
    return {
        draft_key(interview.uid, person.email): (interview, person)
        for interview in interviews
        for person in note_recipients(interview)
    }


def _draft(action: CreateDraft, status: DraftStatus) -> DraftRecord:
    return DraftRecord(
        key=action.key,
        interview_uid=action.interview_uid,
        application=action.application,
        email=action.person.email,
        name=action.person.name,
        kind=action.kind,
        status=status,
        late=action.late,
    )


def _counted(records: Sequence[OwnRecord]) -> str:
    kinds: dict[str, int] = defaultdict(int)
    for record in records:
        kinds[str(record.kind)] += 1
    if not kinds:
        return "no events"
    return ", ".join(_plural(n, kind) for kind, n in sorted(kinds.items()))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _quoted(company: str) -> str:
    return f'"{company}"' if any(c.isspace() for c in company) else company


def last_report(store: StateStore) -> tuple[datetime, list[str]] | None:
    """When the state was last rebuilt and what its report said, if it ever was."""
    text = store.checkpoint(REPORT)
    if text is None:
        return None
    try:
        data = json.loads(text)
        return from_utc_text(data["at"]), [str(line) for line in data["lines"]]
    except (ValueError, KeyError, TypeError, CodecError):
        return None
