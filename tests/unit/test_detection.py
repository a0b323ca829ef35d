"""Which events are interviews: patterns, tags and the events that never count."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.domain.model import (
    Attendee,
    CalendarEvent,
    EventId,
    EventStatus,
    OwnKind,
    OwnTag,
    PartStat,
)
from daemon.domain.settings import DEFAULT_PATTERNS
from daemon.reading.detection import LOOK_ALIKES, Detection, detect, is_interview, matching_pattern

USER = "me@example.com"
START = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)


def event(title: str = "Lunch", description: str = "", **changes: object) -> CalendarEvent:
    base = CalendarEvent(
        id=EventId("e1"),
        title=title,
        start=START,
        end=START + timedelta(hours=1),
        description=description,
        attendees=(
            Attendee("dana@acme.com", "Dana Lee", PartStat.ACCEPTED),
            Attendee(USER, "Me", PartStat.ACCEPTED),
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def counts(ev: CalendarEvent, patterns: tuple[str, ...] = DEFAULT_PATTERNS) -> bool:
    return is_interview(ev, USER, patterns)


@pytest.mark.parametrize(
    "title",
    [
        "Interview with Acme",
        "INTERVIEW",
        "Acme interviews",
        "Interviewing at Globex",
        "Phone screen: Globex",
        "phone-screen with Hooli",
        "Phone  Screen",
        "Acme onsite",
        "Acme On-Site",
        "on site at Acme",
        "Panel – Acme",
        "Panels at Acme",
        "Final round @ Initech",
        "Final-round Initech",
    ],
)
def test_default_patterns_match(title):
    assert counts(event(title))


@pytest.mark.parametrize(
    "title",
    [
        "Lunch with Dana",
        "Panelling the kitchen",
        "Interviewer training",
        "Preinterview prep",
        "Roundup of the finals",
        "Phone call",
        "",
    ],
)
def test_other_titles_do_not_match(title):
    assert not counts(event(title))


def test_configured_patterns_replace_the_defaults_and_are_not_regexes():
    patterns = ("c++ screen", "chat")
    assert counts(event("C++ Screen with Acme"), patterns)
    assert counts(event("Coffee chat – Acme"), patterns)
    assert not counts(event("Interview with Acme"), patterns)
    assert not counts(event("cxx screen"), patterns)


def test_blank_patterns_do_not_match_everything():
    assert not counts(event("Lunch"), ("", "  ", "-"))


def test_matching_pattern_names_the_first_that_matched():
    assert matching_pattern("Final round interview", DEFAULT_PATTERNS) == "interview"
    assert matching_pattern("Lunch", DEFAULT_PATTERNS) is None


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Coffee with Dana #interview", ""),
        ("Coffee with Dana", "notes\n#Interview"),
        ("Coffee with Dana", "<p>Met: Dana</p><p><b>#interview</b></p>"),
    ],
)
def test_interview_tag_in_title_or_notes(title, description):
    # Patterns that do not contain "interview", so only the tag can match.
    assert detect(event(title, description), USER, ("onsite",)) == Detection(
        True, "tagged #interview"
    )


@pytest.mark.parametrize("description", ["#interviews", "mail#interview", "##interview"])
def test_interview_tag_must_stand_alone(description):
    assert not counts(event("Coffee", description))


def test_the_reason_names_the_pattern_and_who_sent_it():
    found = detect(event("Phone screen", organizer="dana@acme.com"), USER, DEFAULT_PATTERNS)
    assert found == Detection(
        True, "title says 'phone screen'; organized from acme.com; 1 person from acme.com"
    )
    assert found.explain().startswith("interview: title says 'phone screen'")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"all_day": True}, "all-day event"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"status": "CANCELLED"}, "cancelled"),
        ({"own": OwnTag(OwnKind.CALL, "call-123")}, "created by the service"),
        ({"own": OwnTag(OwnKind.DEBRIEF, "debrief-1")}, "created by the service"),
        ({"description": "#nofollowup"}, "tagged #nofollowup"),
        ({"description": "<p>Skip this: #no-followup</p>"}, "tagged #nofollowup"),
        ({"title": "Interview with Acme #NoFollowUp"}, "tagged #nofollowup"),
        ({"description": "#interview #no_follow_up"}, "tagged #nofollowup"),
    ],
)
def test_ignored_events(changes, reason):
    ev = replace(event("Interview with Acme"), **changes)
    assert detect(ev, USER, DEFAULT_PATTERNS) == Detection(False, reason)


@pytest.mark.parametrize("address", [USER, "ME@Example.COM", "mailto:me@example.com"])
def test_events_the_user_declined_are_ignored(address):
    attendees = (Attendee("dana@acme.com", "Dana"), Attendee(address, "Me", PartStat.DECLINED))
    ev = event("Interview with Acme", attendees=attendees)
    assert detect(ev, USER, DEFAULT_PATTERNS) == Detection(False, "declined")


def test_someone_else_declining_does_not_matter():
    attendees = (Attendee("dana@acme.com", "Dana", PartStat.DECLINED), Attendee(USER, "Me"))
    assert counts(event("Interview with Acme", attendees=attendees))


def test_no_profile_email_means_no_one_is_the_user():
    attendees = (Attendee("", "Room", PartStat.DECLINED),)
    assert is_interview(event("Interview", attendees=attendees), "", DEFAULT_PATTERNS)


def test_tentative_events_still_count():
    assert counts(event("Interview", status=EventStatus.TENTATIVE))


FIXED_REASONS = {
    "created by the service",
    "cancelled",
    "all-day event",
    "declined",
    "tagged #nofollowup",
    "tagged #interview",
    "no pattern or #interview tag",
}


_DOMAIN = r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
_TOOLS = (
    "Greenhouse|Lever|Ashby|Workday|SmartRecruiters|HireVue|GoodTime|ModernLoop|Calendly|Gem"
    "|iCIMS|Jobvite"
)


def _clause_forms(patterns: list[str]) -> list[re.Pattern[str]]:
    quoted = "|".join(re.escape(repr(p)) for p in [*patterns, *LOOK_ALIKES]) or "(?!)"
    return [
        re.compile(
            rf"title says (?:{quoted})(?:: not a job interview \(tag it #interview if it is one\))?"
        ),
        re.compile(rf"the booked event type says (?:{quoted})"),
        re.compile(rf"sent through (?:{_TOOLS})(?: and its text says (?:{quoted}))?"),
        re.compile(rf"organized from {_DOMAIN}"),
        re.compile("organized by you"),
        re.compile(rf"\d+ (?:person|people) from {_DOMAIN}"),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.text(),
    st.text(),
    st.lists(st.text(max_size=15), max_size=5),
    st.lists(st.builds(Attendee, st.text(), st.text(), st.sampled_from(list(PartStat)))),
    st.text(max_size=40),
)
def test_detection_is_total(title, description, patterns, attendees, organizer):
    ev = event(title, description, attendees=tuple(attendees), organizer=organizer)
    result = detect(ev, USER, patterns)
    # Reasons never quote the event: they are fixed texts, a configured pattern or a
    # look-alike word, a tool's name, or the domain of a well-formed address.
    if result.reason not in FIXED_REASONS:
        forms = _clause_forms(patterns)
        for clause in result.reason.split("; "):
            assert any(form.fullmatch(clause) for form in forms), clause
    assert result.interview == (
        result.reason == "tagged #interview"
        or (
            result.reason.startswith(("title says", "the booked", "sent through"))
            and "not a job interview" not in result.reason
        )
    )
