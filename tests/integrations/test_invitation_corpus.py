"""The invitation corpus, read as a careful human assistant would read it.

Every invitation in ``tests/fixtures/invitations/`` goes through the real ``.ics``
adapter and the planner, and is held to ``expectations.toml``: whether it is an
interview, the employer, the job, exactly who gets a draft, whom the follow-up call
names (and the number it shows), the greeting of each note, and that no note or call
quotes the tools' text (meeting ids, dial-ins, footers) or the employer's own notices.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daemon.compose.composer import Composer
from daemon.domain.model import CalendarEvent, Interview, OwnKind
from daemon.domain.settings import InterviewSettings, Profile, Settings
from daemon.planning.actions import CreateDraft, PutOwnEvent, RecordInterview
from daemon.planning.planner import plan
from daemon.reading.boilerplate import set_aside
from daemon.reading.companies import application_key
from daemon.reading.detection import detect
from daemon.reading.text import visible_text
from daemon.store.records import Snapshot
from integrations.ics.calendar import IcsCalendar

FIXTURES = Path(__file__).parents[1] / "fixtures" / "invitations"
EXPECTED = tomllib.loads((FIXTURES / "expectations.toml").read_text(encoding="utf-8"))
NOW = datetime.fromisoformat(EXPECTED["profile"]["now"])
PROFILE = Profile(
    name=EXPECTED["profile"]["name"],
    email=EXPECTED["profile"]["email"],
    aliases=tuple(EXPECTED["profile"]["aliases"]),
    timezone=ZoneInfo(EXPECTED["profile"]["timezone"]),
    phone="+1 617 555 0100",
    qualifications=("Eight years of backend development",),
)
SETTINGS = Settings(profile=PROFILE, interviews=InterviewSettings())
CASES = EXPECTED["case"]

#: Words of the tools' text that no note and no call script may carry.
_TOOL_WORDS = re.compile(
    r"meeting id|passcode|password|conference id|dial|zoom\.us|teams\.microsoft|meet\.google"
    r"|webex|calendly|greenhouse|one tap|confidential",
    re.IGNORECASE,
)


@dataclass
class Reading:
    """What the service made of one invitation file."""

    events: list[CalendarEvent]
    interviews: list[Interview] = field(default_factory=list)
    drafts: list[CreateDraft] = field(default_factory=list)
    calls: list[PutOwnEvent] = field(default_factory=list)


def read_case(file: str, tmp_path: Path) -> Reading:
    calendar = IcsCalendar(FIXTURES / file, calls_path=tmp_path / "calls.ics", now=lambda: NOW)
    changes = calendar.changes(None)
    assert not changes.skipped, changes.skipped
    events = [event for event in changes.events if event.own is None]
    actions = plan(Snapshot(), events, NOW, SETTINGS)
    return Reading(
        events=events,
        interviews=[a.interview for a in actions if isinstance(a, RecordInterview)],
        drafts=[a for a in actions if isinstance(a, CreateDraft)],
        calls=[a for a in actions if isinstance(a, PutOwnEvent) and a.kind is OwnKind.CALL],
    )


def problems_of(case: dict[str, object], reading: Reading) -> list[str]:
    """Every way the reading differs from what a careful human would do."""
    problems: list[str] = []
    found = bool(reading.interviews)
    if found != case["interview"]:
        reasons = [
            detect(e, PROFILE, SETTINGS.interviews.patterns).explain() for e in reading.events
        ]
        return [f"interview {found}, expected {case['interview']} ({'; '.join(reasons)})"]
    if not found:
        return problems
    (interview,) = reading.interviews
    if application_key(interview.company) != application_key(str(case["company"])) or (
        interview.company.replace(" ", "").casefold()
        != str(case["company"]).replace(" ", "").casefold()
    ):
        problems.append(f"company {interview.company!r}, expected {case['company']!r}")
    if interview.job != case["job"]:
        problems.append(f"job {interview.job!r}, expected {case['job']!r}")
    recipients = sorted(d.person.email.casefold() for d in reading.drafts)
    if recipients != sorted(str(e).casefold() for e in case["drafts"]):  # type: ignore[union-attr]
        problems.append(f"drafts to {recipients}, expected {sorted(case['drafts'])}")  # type: ignore[arg-type]
    called = reading.calls[0].person if reading.calls else None
    if (called.name if called else None) != case["call"]:
        problems.append(f"call to {called.name if called else None!r}, expected {case['call']!r}")
    for name, phone in dict(case.get("phone", {})).items():  # type: ignore[call-overload]
        person = next((p for p in interview.people if p.name == name), None)
        if person is None or person.phone != phone:
            problems.append(
                f"{name}'s phone {person.phone if person else None!r}, expected {phone!r}"
            )
    for name in case.get("no_phone", []):  # type: ignore[attr-defined]
        person = next((p for p in interview.people if p.name == name), None)
        if person is not None and person.phone:
            problems.append(
                f"{name} got the phone {person.phone!r}, which the invitation never gave"
            )
    problems += _text_problems(case, reading, interview)
    return problems


def _text_problems(case: dict[str, object], reading: Reading, interview: Interview) -> list[str]:
    composer = Composer()
    problems: list[str] = []
    greet = dict(case.get("greet", {}))  # type: ignore[call-overload]
    set_aside_lines = {
        line
        for event in reading.events
        for line in set_aside(visible_text(event.description)).removed
        if len(line) > 12
    }
    texts: list[tuple[str, str]] = []
    for draft in reading.drafts:
        subject, body = composer.compose_note(
            interview, draft.person, PROFILE, variant=draft.variant, late=draft.late
        )
        texts.append((f"note to {draft.person.email}", f"{subject}\n{body}"))
        wanted = greet.get(draft.person.email)
        if wanted is not None and f"Dear {wanted}," not in body:
            first = body.splitlines()[0] if body else ""
            problems.append(
                f"note to {draft.person.email} greets {first!r}, expected 'Dear {wanted},'"
            )
    for call in reading.calls:
        title, description = composer.compose_call(interview, call.person, PROFILE)
        texts.append(("call", f"{title}\n{description}"))
    for what, text in texts:
        if _TOOL_WORDS.search(text):
            problems.append(f"{what} quotes the tools' text: {_TOOL_WORDS.search(text).group()!r}")  # type: ignore[union-attr]
        for line in set_aside_lines:
            if line in text:
                problems.append(f"{what} quotes boilerplate: {line[:40]!r}")
        for phrase in case.get("not_in_notes", []):  # type: ignore[attr-defined]
            if str(phrase) in text:
                problems.append(f"{what} quotes the employer's text {phrase!r}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=[str(c["file"]) for c in CASES])
def test_each_invitation_reads_as_a_careful_person_reads_it(case, tmp_path):
    problems = problems_of(case, read_case(str(case["file"]), tmp_path))
    assert not problems, "\n".join(problems)


def test_detection_precision_and_recall(tmp_path):
    truth = [bool(c["interview"]) for c in CASES]
    found = [bool(read_case(str(c["file"]), tmp_path).interviews) for c in CASES]
    true_positives = sum(t and f for t, f in zip(truth, found, strict=True))
    precision = true_positives / max(1, sum(found))
    recall = true_positives / max(1, sum(truth))
    assert (precision, recall) == (1.0, 1.0)


def test_the_corpus_is_as_large_as_promised():
    tools = {c["tool"] for c in CASES if c["interview"]}
    assert sum(1 for c in CASES if c["interview"]) >= 25
    assert sum(1 for c in CASES if not c["interview"]) >= 10
    for tool in ("Greenhouse", "Lever", "Ashby", "Workday", "GoodTime", "ModernLoop"):
        assert tool in tools
    for tool in ("SmartRecruiters", "HireVue", "Calendly", "Outlook + Teams", "Outlook + Zoom"):
        assert tool in tools
    assert all((FIXTURES / str(c["file"])).is_file() for c in CASES)


def test_no_draft_ever_goes_to_a_tool_a_mailbox_or_the_user(tmp_path):
    from daemon.reading.mailboxes import is_mailbox
    from daemon.reading.people import Identity

    user = Identity.of(PROFILE)
    for case in CASES:
        for draft in read_case(str(case["file"]), tmp_path).drafts:
            assert not is_mailbox(draft.person.email), (case["file"], draft.person.email)
            assert not user.owns(draft.person.email), (case["file"], draft.person.email)
            assert not user.named(draft.person.name), (case["file"], draft.person.name)


def test_a_case_is_held_to_its_expectations():
    # The scoring can fail: a reading with the wrong recipient is reported.
    case = next(c for c in CASES if c["file"] == "greenhouse_google_onsite.ics")
    assert problems_of(replace_case(case, drafts=["schedule@ghcalendar.io"]), _fake()) != []


def replace_case(case: dict[str, object], **changes: object) -> dict[str, object]:
    return {**case, **changes}


def _fake() -> Reading:
    return Reading(events=[], interviews=[])
