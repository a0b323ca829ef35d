"""Interpreting an interview event: people merged from attendees and notes, employer, job."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.domain.model import (
    Attendee,
    CalendarEvent,
    EventId,
    EventStatus,
    Interview,
    OwnKind,
    OwnTag,
    PartStat,
    Person,
    Role,
)
from daemon.domain.settings import Profile
from daemon.reading.interviews import (
    MAX_WARNINGS,
    application_key,
    company_from_domain,
    interpret,
)
from daemon.reading.text import valid_email

USER = "me@example.com"
BERLIN = ZoneInfo("Europe/Berlin")
PROFILE = Profile(name="Alex Rivera", email=USER, phone="+49 30 1234567", timezone=BERLIN)
#: Tuesday 2026-12-01, 13:00 in Berlin.
START = datetime(2026, 12, 1, 13, 0, tzinfo=BERLIN)


def attendee(name: str, email: str, partstat: PartStat = PartStat.ACCEPTED) -> Attendee:
    return Attendee(email=email, name=name, partstat=partstat)


def event(
    title: str = "Interview", description: str = "", *attendees: Attendee, **changes: object
) -> CalendarEvent:
    base = CalendarEvent(
        id=EventId("e1"),
        title=title,
        start=START,
        end=START + timedelta(hours=1),
        description=description,
        attendees=(*attendees, attendee("Alex Rivera", USER)),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def read(ev: CalendarEvent, profile: Profile = PROFILE) -> Interview:
    return interpret(ev, profile)


def by_name(interview: Interview) -> dict[str, Person]:
    return {person.name or person.email: person for person in interview.people}


# --- people from attendees --------------------------------------------------------


def test_attendees_are_people_met_but_not_the_user_rooms_or_resources():
    interview = read(
        event(
            "Interview with Acme",
            "",
            attendee("Dana Lee", "dana@acme.com"),
            attendee("Sam Okafor", "sam@acme.com", PartStat.NEEDS_ACTION),
            attendee("Alex", "ME@EXAMPLE.COM"),
            attendee("Room 4B", "c_1888@resource.calendar.google.com"),
            Attendee("projector@acme.com", "Projector", resource=True),
            attendee("Conference Room Everest", "everest@acme.com"),
        )
    )
    assert [(p.name, p.email, p.met, p.role) for p in interview.people] == [
        ("Dana Lee", "dana@acme.com", True, Role.INTERVIEWER),
        ("Sam Okafor", "sam@acme.com", True, Role.INTERVIEWER),
    ]


def test_a_declined_attendee_is_a_person_not_met():
    interview = read(event("Interview", "", attendee("Quinn", "quinn@acme.com", PartStat.DECLINED)))
    (quinn,) = interview.people
    assert (quinn.name, quinn.met) == ("Quinn", False)


def test_an_attendee_listed_twice_is_one_person():
    interview = read(
        event(
            "Interview",
            "",
            attendee("Dana Lee", "dana@acme.com", PartStat.DECLINED),
            attendee("Dana Lee", "DANA@acme.com"),
        )
    )
    (dana,) = interview.people
    assert dana.met


def test_an_address_used_as_the_name_is_no_name():
    (person,) = read(event("Interview", "", attendee("dana@acme.com", "dana@acme.com"))).people
    assert (person.name, person.email) == ("", "dana@acme.com")


def test_an_invalid_attendee_address_is_dropped_not_passed_on():
    (person,) = read(event("Interview", "", attendee("Eve", "eve@acme.com\r\nBcc: x@y.z"))).people
    assert (person.name, person.email) == ("Eve", "")


def test_the_user_named_in_the_notes_is_not_a_person():
    interview = read(event("Interview", "Met: Alex Rivera <ME@example.com>\nMet: Dana"))
    assert [p.name for p in interview.people] == ["Dana"]


def test_the_organizer_alone_is_not_a_person():
    interview = read(event("Interview", "", organizer="recruiting@acme.com"))
    assert interview.people == ()


# --- merging notes and attendees ------------------------------------------------------


def test_notes_and_attendee_are_one_person_by_address():
    interview = read(
        event(
            "Interview",
            "Met: Dana Lee, Head of Platform, DANA@acme.com, +49 30 5550188",
            attendee("D. Lee", "dana@acme.com"),
        )
    )
    (dana,) = interview.people
    assert (dana.name, dana.email, dana.title, dana.phone) == (
        "Dana Lee",
        "dana@acme.com",
        "Head of Platform",
        "+49305550188",
    )


def test_notes_and_attendee_are_one_person_by_name():
    interview = read(
        event(
            "Interview",
            "HR: dana lee (Recruiter), dana.lee@gmail.com",
            attendee("Dana Lee", "dana@acme.com"),
        )
    )
    (dana,) = interview.people
    # The invitation's address wins; the notes give role and title.
    assert (dana.email, dana.role, dana.title, dana.met) == (
        "dana@acme.com",
        Role.HR,
        "Recruiter",
        True,
    )


def test_one_attendee_named_twice_in_the_notes_is_still_one_person():
    interview = read(
        event(
            "Interview",
            "Met: Dana Lee\nHiring manager: dana@acme.com",
            attendee("Dana Lee", "dana@acme.com"),
        )
    )
    (dana,) = interview.people
    assert (dana.role, dana.met) == (Role.DECISION_MAKER, True)


def test_a_decision_maker_is_met_only_as_an_attendee_who_did_not_decline():
    interview = read(
        event(
            "Interview",
            "Hiring manager: Dana Lee\n"
            "Decision maker: Sam Okafor\n"
            "Decision maker: Maria Gomez, VP Engineering, maria@acme.com",
            attendee("Dana Lee", "dana@acme.com"),
            attendee("Sam Okafor", "sam@acme.com", PartStat.DECLINED),
        )
    )
    people = by_name(interview)
    assert {name: (p.role, p.met) for name, p in people.items()} == {
        "Dana Lee": (Role.DECISION_MAKER, True),
        "Sam Okafor": (Role.DECISION_MAKER, False),
        "Maria Gomez": (Role.DECISION_MAKER, False),
    }
    assert people["Maria Gomez"].email == "maria@acme.com"


def test_a_met_label_outranks_a_declined_invitation():
    interview = read(
        event("Interview", "Met: Quinn", attendee("Quinn", "quinn@acme.com", PartStat.DECLINED))
    )
    assert interview.people[0].met


def test_people_in_notes_order_then_unnamed_attendees():
    interview = read(
        event(
            "Interview",
            "Met: Sam Okafor\nMet: Chris Park",
            attendee("Dana Lee", "dana@acme.com"),
            attendee("Sam Okafor", "sam@acme.com"),
        )
    )
    assert [p.name for p in interview.people] == ["Sam Okafor", "Chris Park", "Dana Lee"]


def test_addresses_attach_to_attendees_by_first_name():
    interview = read(
        event("Interview", "Address: dana, 1 Main St, Springfield", attendee("Dana Lee", "d@a.com"))
    )
    assert interview.people[0].address == "1 Main St, Springfield"
    assert interview.warnings == ()


def test_an_address_for_an_unknown_person_is_a_warning():
    interview = read(event("Interview", "Company: Acme\nAddress: Zed, 1 Main St"))
    assert interview.people == ()
    assert interview.warnings == (
        "line 2: an address for someone not (or not uniquely) among the people; it is not used",
    )


def test_discussed_with_goes_to_that_person_and_unknown_names_stay_general():
    interview = read(
        event(
            "Interview with Acme",
            "Discussed with Dana: the payments migration\n"
            "Discussed with sam okafor: on-call load\n"
            "Discussed with Zed: something\n"
            "Discussed: the roadmap",
            attendee("Dana Lee", "dana@acme.com"),
            attendee("Sam Okafor", "sam@acme.com"),
        )
    )
    people = by_name(interview)
    assert people["Dana Lee"].topics == ("the payments migration",)
    assert people["Sam Okafor"].topics == ("on-call load",)
    assert interview.discussed == ("the roadmap", "something")
    assert interview.warnings == (
        "line 3: a topic discussed with someone not (or not uniquely) among the people;"
        " it is kept as general",
    )


def test_an_ambiguous_first_name_matches_no_one():
    interview = read(
        event(
            "Interview with Acme",
            "Discussed with Sam: pairing",
            attendee("Sam Okafor", "sam@acme.com"),
            attendee("Sam Lee", "saml@acme.com"),
        )
    )
    assert all(p.topics == () for p in interview.people)
    assert interview.discussed == ("pairing",)


def test_a_first_name_in_the_notes_is_the_attendee_with_that_first_name():
    interview = read(
        event(
            "Interview with Acme",
            "Met: Dana, +1 617 555 0123\nHiring manager: Sam\nDiscussed with Dana: Kafka",
            attendee("Dana Smith", "dana@acme.com"),
            attendee("Sam Lee", "sam@acme.com"),
        )
    )
    people = by_name(interview)
    assert set(people) == {"Dana Smith", "Sam Lee"}
    dana, sam = people["Dana Smith"], people["Sam Lee"]
    assert (dana.email, dana.phone, dana.topics) == ("dana@acme.com", "+16175550123", ("Kafka",))
    assert (sam.email, sam.role, sam.met) == ("sam@acme.com", Role.DECISION_MAKER, True)
    assert interview.warnings == ()


def test_a_first_and_last_name_in_the_notes_is_the_attendee_with_a_middle_name():
    interview = read(
        event(
            "Interview with Acme",
            "Met: Dana Smith, VP Data",
            attendee("Dana Q. Smith", "dana@acme.com"),
        )
    )
    (dana,) = interview.people
    assert (dana.name, dana.title, dana.email) == ("Dana Q. Smith", "VP Data", "dana@acme.com")


def test_a_first_name_shared_by_two_attendees_matches_neither():
    interview = read(
        event(
            "Interview with Acme",
            "Met: Sam, CTO",
            attendee("Sam Okafor", "sam@acme.com"),
            attendee("Sam Lee", "saml@acme.com"),
        )
    )
    assert sorted(p.name for p in interview.people) == ["Sam", "Sam Lee", "Sam Okafor"]
    assert by_name(interview)["Sam"].title == "CTO"


@pytest.mark.parametrize("cn", ["dana.smith@acme.com", ""])
def test_an_attendee_named_by_address_gets_a_name_from_it(cn):
    interview = read(
        event(
            "Interview with Acme",
            "Met: Dana Smith, VP Data",
            attendee(cn, "dana.smith@acme.com"),
        )
    )
    (dana,) = interview.people
    assert (dana.name, dana.title, dana.email) == ("Dana Smith", "VP Data", "dana.smith@acme.com")


@pytest.mark.parametrize(
    ("email", "name"),
    [
        ("dana.smith@acme.com", "Dana Smith"),
        ("dana_smith@acme.com", "Dana Smith"),
        ("dana-smith@acme.com", "Dana Smith"),
        ("DANA.SMITH@acme.com", "Dana Smith"),
        ("dana2.smith@acme.com", ""),
        ("d.smith@acme.com", ""),
        ("dsmith@acme.com", ""),
    ],
)
def test_names_from_addresses_only_when_they_spell_one(email, name):
    (person,) = read(event("Interview with Acme", "", attendee(email, email))).people
    assert (person.name, person.email) == (name, email)


@pytest.mark.parametrize(
    "email",
    [
        "hr@acme.com",
        "jobs@acme.com",
        "no-reply@acme.com",
        "noreply@acme.com",
        "recruiting.team@acme.com",
        "talent-acquisition@acme.com",
        "acme-careers@acme.com",
    ],
)
def test_role_mailboxes_are_no_people(email):
    # Issue 8: such mailboxes used to get thank-you notes ("Dear ,").
    assert read(event("Interview with Acme", "", attendee(email, email))).people == ()


def test_a_notes_name_matches_the_name_an_attendees_address_spells():
    interview = read(
        event(
            "Interview with Acme",
            "Met: Dana Smith, VP Data",
            attendee("D. S.", "dana.smith@acme.com"),
        )
    )
    (dana,) = interview.people
    assert (dana.name, dana.title, dana.email) == ("Dana Smith", "VP Data", "dana.smith@acme.com")


def test_two_addresses_on_one_line_warn_and_do_not_become_a_title():
    interview = read(
        event(
            "Interview with Acme",
            "Met: Dana Smith <dana@x.com>, Priya Natarajan <priya@x.com>",
        )
    )
    assert [(p.name, p.title) for p in interview.people] == [
        ("Dana Smith", ""),
        ("Priya Natarajan", ""),
    ]
    assert interview.warnings == ("line 1: more than one address on one line; one person per line",)


# --- company, job, application ------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "company", "job"),
    [
        ("Interview with Acme Corp", "Acme Corp", ""),
        ("Acme – onsite interview", "Acme", ""),
        ("Phone screen: Globex", "Globex", ""),
        ("Final round @ Initech (Staff Engineer)", "Initech", "Staff Engineer"),
        ("Interview with Acme for Staff Engineer", "Acme", "Staff Engineer"),
        (
            "Interview for the Senior Developer role at Wayne Enterprises",
            "Wayne Enterprises",
            "Senior Developer",
        ),
        ("Technical interview - Acme Corp", "Acme Corp", ""),
        ("2nd round interview w/ Umbrella Co.", "Umbrella Co", ""),
        ("Bank of America panel", "Bank of America", ""),
        (
            "Hiring manager interview | Stark Industries (Engineering Manager)",
            "Stark Industries",
            "Engineering Manager",
        ),
        ("Acme Design - Interview (Zoom)", "Acme Design", ""),
        ("Interview (Hooli)", "Hooli", ""),
        ("Interview with Dana Lee at Pied Piper", "Pied Piper", ""),
    ],
)
def test_company_and_job_from_the_title(title, company, job):
    interview = read(event(title, "", attendee("Dana Lee", "dana@gmail.com")))
    assert (interview.company, interview.job) == (company, job)


@pytest.mark.parametrize(
    "title",
    [
        "Zoom Interview with Jane Doe",
        "Teams interview with Jane",
        "Interview (Zoom)",
        "Google Meet: interview",
        "Microsoft Teams interview",
        "Interview - Webex",
        "Jane Doe <> Alex Rivera - Interview",
        "Jane Doe x Alex Rivera - Interview",
    ],
)
def test_meeting_tools_and_people_in_the_title_are_not_the_company(title):
    interview = read(event(title, "", attendee("Jane Doe", "jane@initech.com")))
    assert interview.company == "Initech"


def test_a_title_segment_naming_an_attendees_domain_is_the_company():
    interview = read(
        event("Onsite - Senior Engineer - Acme", "", attendee("Jane Doe", "jane@acme.com"))
    )
    assert interview.company == "Acme"
    interview = read(event("Onsite - Staff Engineer - Globex Labs"))
    assert interview.company == "Globex Labs"


def test_a_person_in_the_title_is_not_the_company():
    interview = read(event("Interview with Dana Lee", "", attendee("Dana Lee", "dana@initech.com")))
    assert interview.company == "Initech"


def test_labels_win_over_the_title():
    interview = read(
        event("Interview with Globex (Intern)", "Company: Acme, Inc.\nPosition: Staff Engineer")
    )
    assert (interview.company, interview.job, interview.application) == (
        "Acme, Inc.",
        "Staff Engineer",
        "acme",
    )


def test_company_from_work_domains_not_free_mail_schedulers_or_the_users_own():
    interview = read(
        event(
            "Interview",
            "",
            attendee("A", "a@gmail.com"),
            attendee("B", "b@example.com"),  # the user's own domain
            attendee("C", "no-reply@greenhouse.io"),
            attendee("D", "d@acme-robotics.com"),
            attendee("E", "e@mail.acme-robotics.com"),
        )
    )
    assert (interview.company, interview.application) == ("Acme Robotics", "acme robotics")


@pytest.mark.parametrize(
    ("domain", "company"),
    [
        ("acme-robotics.com", "Acme Robotics"),
        ("mail.initech.co.uk", "Initech"),
        ("globex.io", "Globex"),
        ("localhost", ""),
    ],
)
def test_company_from_domain(domain, company):
    assert company_from_domain(domain) == company


def test_no_company_anywhere_uses_the_title_and_warns():
    bare = read(event("Interview", "", attendee("A", "a@gmail.com")))
    assert (bare.company, bare.application) == ("Interview", "interview")
    assert bare.warnings == (
        "no company found in the notes, title or attendees; the title stands in",
    )


def test_an_empty_title_and_no_company_gets_an_application_of_its_own():
    first = read(event("", "", id=EventId("a")))
    second = read(event("", "", id=EventId("b")))
    assert first.application.startswith("event-")
    assert first.application != second.application
    assert first.application == read(event("", "", id=EventId("a"))).application


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (
            ["Acme, Inc.", "ACME", "Acme Inc", "acme corp.", "The Acme Corporation", " Acme LLC "],
            "acme",
        ),
        (["Procter & Gamble", "Procter and Gamble Co."], "procter and gamble"),
        (["J.P. Morgan", "JP Morgan"], "jp morgan"),
        (["Nestlé S.A.", "NESTLE SA"], "nestle"),
        (["acme-robotics", "Acme Robotics GmbH"], "acme robotics"),
        (["Johnson & Co", "Johnson"], "johnson"),
        (["Co."], "co"),
    ],
)
def test_application_key_normalises_company_names(names, key):
    assert {application_key(name) for name in names} == {key}


def test_application_keys_keep_different_companies_apart():
    assert application_key("Acme") != application_key("Acme Robotics")
    assert application_key("Bank of America") == "bank of america"


def test_company_label_and_title_guess_give_the_same_application():
    labelled = read(event("Interview", "Company: Acme, Inc."))
    guessed = read(event("ACME onsite"))
    assert labelled.application == guessed.application == "acme"


# --- dates, decisions, identity ----------------------------------------------------


def test_hear_back_counts_from_the_interviews_local_date():
    # 00:30 on Wednesday in Berlin is still Tuesday in UTC.
    start = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    ev = event("Interview with Acme", "Hear back: tomorrow", start=start, end=start)
    assert read(ev).hear_back == date(2026, 12, 3)
    in_utc = replace(PROFILE, timezone=ZoneInfo("UTC"))
    assert read(ev, in_utc).hear_back == date(2026, 12, 2)


def test_phone_numbers_in_notes_read_in_the_users_region():
    interview = read(event("Interview with Acme", "Met: Dana Lee, 030 5550188"))
    assert interview.people[0].phone == "+49305550188"
    in_us = replace(PROFILE, phone="+1 650 253 0000")
    assert read(event("Interview", "Met: Dana, (415) 555-2671"), in_us).people[0].phone == (
        "+14155552671"
    )


@pytest.mark.parametrize(
    ("title", "description", "outcome"),
    [
        ("Interview with Acme #decided", "", "other"),
        ("Interview with Acme", "Decided: offer", "offer"),
        ("Interview with Acme #decided", "Decided: rejected", "rejected"),
    ],
)
def test_decided_from_title_or_notes(title, description, outcome):
    decided = read(event(title, description)).decided
    assert decided is not None and decided.outcome == outcome


def test_an_undecided_interview_has_no_decision():
    assert read(event("Interview with Acme", "Decided: not yet")).decided is None


def test_the_interview_keeps_the_events_identity_and_times_and_cleans_the_title():
    ev = event("Interview\r\nwith Acme", "", id=EventId("uid-1@google.com"))
    interview = read(ev)
    assert (interview.uid, interview.start, interview.end) == (ev.uid, ev.start, ev.end)
    assert interview.title == "Interview with Acme"


def test_warnings_are_capped():
    description = "\n".join(f"Address: {i}, nowhere" for i in range(100))
    interview = read(event("Interview with Acme", description))
    assert len(interview.warnings) == MAX_WARNINGS
    assert interview.warnings[-1] == "and 81 more problems in the notes"


# --- properties ------------------------------------------------------------------------

SNIPPETS = [
    "Met: ", "HR: ", "Hiring manager: ", "Company: ", "Role: ", "Address: ", "Hear back: ",
    "Discussed with ", "Decided", "#decided", ", ", "(", ")", "<br>", "&amp;", "\n", "\r\n",
    "\u2028", "\x00", "\u202e", "dana@acme.com", "+1 650 253 0000", "Dana Lee", "Dana",
    "in 2 weeks", "Dec 4", "=?utf-8?q?=0D=0ABcc=3A_x=40y=2Ecom?=", " with ", " @ ", " – ",
    "interview", "Inc.", "\ud800", "me@example.com",
]  # fmt: skip
texts = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=4)), max_size=30).map("".join),
)
zones = st.sampled_from([UTC, BERLIN, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("America/Adak")])
moments = st.one_of(st.datetimes(timezones=zones), st.datetimes())  # naive ones too
attendees = st.builds(
    Attendee,
    email=st.one_of(
        texts, st.sampled_from(["dana@acme.com", USER, "x@resource.calendar.google.com"])
    ),
    name=texts,
    partstat=st.sampled_from(list(PartStat)),
    resource=st.booleans(),
)
events = st.builds(
    CalendarEvent,
    id=st.builds(EventId, st.text(), st.text()),
    title=texts,
    start=moments,
    end=moments,
    description=texts,
    all_day=st.booleans(),
    status=st.sampled_from(list(EventStatus)),
    attendees=st.lists(attendees, max_size=6).map(tuple),
    organizer=st.text(),
    own=st.one_of(st.none(), st.builds(OwnTag, st.sampled_from(list(OwnKind)), st.text())),
)
profiles = st.builds(
    Profile,
    name=st.text(max_size=20),
    email=st.sampled_from([USER, "", "ME@example.com", "dana@acme.com"]),
    phone=st.sampled_from(["", "+49 30 1234567", "+1 650 253 0000", "not a phone"]),
    timezone=zones.map(lambda zone: zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")),
)
UNSAFE = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def unsafe(text: str) -> bool:
    return any(unicodedata.category(char) in UNSAFE for char in text)


def extracted_strings(interview: Interview) -> list[str]:
    strings = [interview.title, interview.company, interview.application, interview.job]
    strings += [*interview.discussed, *interview.forgot, *interview.offers, *interview.warnings]
    for person in interview.people:
        strings += [person.name, person.email, person.title, person.phone, person.address]
        strings += list(person.topics)
    if interview.decided is not None:
        strings += [interview.decided.outcome, interview.decided.note]
    return strings


@settings(max_examples=300, deadline=None)
@given(events, profiles)
def test_interpret_is_total_and_extracts_only_safe_strings(ev, profile):
    interview = interpret(ev, profile)
    assert interview.uid == ev.uid
    assert interview.application
    assert not any(unsafe(text) for text in extracted_strings(interview))
    assert not unsafe(interview.free_text.replace("\n", ""))
    for person in interview.people:
        assert person.email == "" or valid_email(person.email) == person.email
        assert person.email.casefold() != profile.email.casefold() or not profile.email
    assert len(interview.warnings) <= MAX_WARNINGS
