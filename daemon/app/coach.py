"""The coach's review of one interview: tone findings and notes that read alike.

Gathers what the checks read — the interview's notes line by line (and the
lines the user added to its debrief), the user's own templates, every note as it
would be written and the call script — and hands back findings for ``preview``,
``status`` and the log. Nothing here changes any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from daemon.compose import tone
from daemon.compose.composer import Composer
from daemon.compose.similarity import Alike, Note, alike
from daemon.domain.model import CalendarEvent, EventId, Interview, OwnKind, Person
from daemon.domain.ports import Calendar, EventChanges, OwnWrite, WriteResult
from daemon.domain.settings import Settings
from daemon.reading.recipients import note_recipients
from daemon.reading.text import visible_text
from daemon.store.records import OwnRecord

_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


@dataclass(frozen=True)
class Review:
    interview: Interview
    #: Every tone finding, acknowledged ones included.
    findings: list[tone.Finding] = field(default_factory=list)
    alike: list[Alike] = field(default_factory=list)

    @property
    def flagged(self) -> list[tone.Finding]:
        return [f for f in self.findings if not f.acknowledged]

    @property
    def acknowledged(self) -> int:
        return sum(1 for f in self.findings if f.acknowledged)

    def lines(self) -> list[str]:
        """What the user reads: one line per finding, with the interview it is about."""
        lines = [f"tone: {f.describe()}" for f in self.flagged]
        lines += [f"alike: {pair.prompt()}" for pair in self.alike]
        return lines

    def log_lines(self) -> list[str]:
        """What the log gets: categories and places, never the words."""
        lines = [f"{self.interview.uid}: {f.log_line()}" for f in self.flagged]
        lines += [
            f"{self.interview.uid}: alike: notes to two people of the panel read"
            f" {pair.percent}% alike"
            for pair in self.alike
        ]
        return lines


@dataclass
class Written:
    """What the service would write for an interview: (what it is, its text)."""

    notes: list[tuple[Person, str]]
    call_script: str = ""

    def texts(self) -> list[tuple[str, str]]:
        named = [(f"the note to {person.name}", text) for person, text in self.notes]
        if self.call_script:
            named.append(("the call script", self.call_script))
        return named


def written_for(
    interview: Interview,
    composer: Composer,
    settings: Settings,
    call_person: Person | None = None,
    *,
    with_call: bool = False,
) -> Written:
    """Every note of the interview as the drafts rule would write it (same order, same
    variants), and the call script when ``with_call``."""
    profile = settings.profile
    notes = []
    for variant, person in enumerate(note_recipients(interview)):
        _subject, body = composer.compose_note(
            interview, person, profile, variant=variant, late=False
        )
        notes.append((person, body))
    script = ""
    if with_call:
        _title, script = composer.compose_call(interview, call_person, profile)
    return Written(notes, script)


def user_lines(
    interview: Interview,
    events: Mapping[EventId, CalendarEvent],
    own: Iterable[OwnRecord],
) -> list[tuple[str, list[tuple[int, str]]]]:
    """(source, numbered lines) the user wrote for the interview: its notes, its debrief."""
    sources: list[tuple[str, list[tuple[int, str]]]] = []
    event = events.get(interview.id)
    if event is not None:
        sources.append(("notes", _numbered(visible_text(event.description))))
    own_events = {e.own.key: e for e in events.values() if e.own is not None}
    for record in own:
        if record.kind is not OwnKind.DEBRIEF or record.interview_uid != interview.uid:
            continue
        debrief = own_events.get(record.key)
        if debrief is None:
            continue
        written = set(record.written_text.splitlines())
        lines = [
            (n, line)
            for n, line in _numbered(visible_text(debrief.description))
            if line not in written
        ]
        sources.append(("debrief", lines))
    return sources


def template_lines(templates_dir: Path | None) -> list[tuple[str, list[tuple[int, str]]]]:
    """The user's own templates, without Jinja comments and code: the words they wrote."""
    if templates_dir is None or not templates_dir.is_dir():
        return []
    sources = []
    for path in sorted(templates_dir.glob("*.j2")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the composer reports a template it cannot read
        # Comments may span lines: blank them out but keep the line numbers.
        text = _JINJA_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
        lines = [(n, _JINJA_CODE.sub(" ", line)) for n, line in _numbered(text)]
        sources.append((f"template {path.name}", lines))
    return sources


def review(
    interview: Interview,
    written: Written,
    settings: Settings,
    sources: Sequence[tuple[str, list[tuple[int, str]]]],
) -> Review:
    coach = settings.coach
    findings: list[tone.Finding] = []
    if coach.tone_check:
        texts = written.texts()
        for source, lines in sources:
            findings += [tone.reaching(f, texts) for f in tone.check_lines(lines, source)]
        known = {(f.category, f.phrase.casefold()) for f in findings}
        for name, text in texts:
            for finding in tone.check_written(text, name):
                if (finding.category, finding.phrase.casefold()) not in known:
                    known.add((finding.category, finding.phrase.casefold()))
                    findings.append(finding)
        acks = tone.acknowledged_phrases(
            line
            for source, lines in sources
            if not source.startswith("template")
            for _, line in lines
        )
        findings = tone.acknowledge(findings, acks)
    pairs: list[Alike] = []
    if coach.similarity_check and len(written.notes) > 1:
        pairs = alike([Note(p, text) for p, text in written.notes], coach.similarity_percent)
    return Review(interview, findings, pairs)


def _numbered(text: str) -> list[tuple[int, str]]:
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


class ListingRecorder:
    """A calendar that remembers its last listing: ``preview`` reviews the notes it read."""

    def __init__(self, calendar: Calendar) -> None:
        self._calendar = calendar
        self.last: EventChanges | None = None

    def changes(self, checkpoint: str | None) -> EventChanges:
        self.last = self._calendar.changes(checkpoint)
        return self.last

    def write_own(self, writes: Sequence[OwnWrite]) -> list[WriteResult]:
        return self._calendar.write_own(writes)

    def events(self, cached: Iterable[CalendarEvent]) -> dict[EventId, CalendarEvent]:
        """The calendar as the last listing showed it (an incremental one over ``cached``)."""
        events = {e.id: e for e in cached}
        if self.last is None:
            return events
        if self.last.complete:
            return {e.id: e for e in self.last.events} or events
        for removed in self.last.removed:
            for event_id in [i for i in events if removed.covers(i)]:
                del events[event_id]
        events.update((e.id, e) for e in self.last.events)
        return events
