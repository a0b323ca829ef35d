"""One test per reading rule of issue 8: who the user is, who is a person, names,
boilerplate, company and job, labels in an employer's text, whom to call."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from daemon.domain.model import Attendee, CalendarEvent, EventId, Interview, PartStat, Person, Role
from daemon.domain.settings import Profile
from daemon.planning.calls import person_to_call
from daemon.reading.boilerplate import is_dial_in, set_aside
from daemon.reading.companies import (
    clean_job,
    domain_display_name,
    employer_domain,
    job_from_title,
    strip_codes,
)
from daemon.reading.detection import detect
from daemon.reading.interviews import interpret
from daemon.reading.mailboxes import is_mailbox, mailbox_reason
from daemon.reading.notes import parse_notes
from daemon.reading.people import Identity, person_name, role_from_title, signatures

PROFILE = Profile(name="Alex Rivera", email="alex@gmail.com", aliases=("arivera@contoso.example",))
START = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def event(title="Interview", description="", *attendees: Attendee, organizer="") -> CalendarEvent:
    return CalendarEvent(
        id=EventId("e"),
        title=title,
        start=START,
        end=START + timedelta(hours=1),
        description=description,
        attendees=(*attendees, Attendee("alex@gmail.com", "Alex Rivera", PartStat.ACCEPTED)),
        organizer=organizer,
    )


def guest(name: str, email: str) -> Attendee:
    return Attendee(email, name, PartStat.ACCEPTED)


def notes(text: str):
    return parse_notes(text, interview_date=date(2026, 11, 30))


# --- who the user is -------------------------------------------------------------


def test_the_user_is_every_address_and_their_own_name():
    user = Identity.of(PROFILE)
    assert user.owns("ARivera@Contoso.example")
    assert user.is_user(Attendee("alex.r@outlook.example", "Rivera, Alex"))
    assert user.is_user(Attendee("x@y.example", "", is_user=True))
    assert not user.is_user(Attendee("alex.kim@acme.example", "Alex Kim"))
    assert not Identity.of(Profile(name="Alex")).named("Alex")  # a first name alone is no one


def test_the_user_never_becomes_a_person():
    interview = interpret(
        event(
            "Interview with Acme",
            "Met: Alex Rivera <alex.rivera@outlook.example>",
            guest("Alex Rivera", "arivera@contoso.example"),
            guest("Dana Lee", "dana.lee@acme.example"),
        ),
        PROFILE,
    )
    assert [p.email for p in interview.people] == ["dana.lee@acme.example"]


def test_an_event_organized_at_the_users_own_employer_is_not_their_interview():
    found = detect(
        event(
            "Interview: Jordan Lee for Backend Engineer",
            "",
            guest("Priya N", "priya@contoso.example"),
            organizer="arivera@contoso.example",
        ),
        PROFILE,
    )
    assert not found.interview and "own employer (contoso.example)" in found.reason


def test_an_interview_elsewhere_forwarded_from_the_work_address_still_counts():
    found = detect(
        event(
            "Interview with Acme",
            "",
            guest("Dana", "dana@acme.example"),
            organizer="arivera@contoso.example",
        ),
        PROFILE,
    )
    assert found.interview


# --- who is a person -------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "schedule@ghcalendar.io",
        "schedule@iris.greenhouse.io",
        "calendar3@greenhouse.io",
        "no-reply@ashbyhq.com",
        "acme@myworkday.com",
        "noreply@hirevue.com",
        "notifications@goodtime.io",
        "recruiting@acme.example",
        "interviews@acme.example",
        "careers@acme.example",
        "talent@acme.example",
        "acme-recruiting@acme.example",
        "c_1889ab3f0e2d4c6b@resource.calendar.google.com",
        "c_7f3e@group.calendar.google.com",
    ],
)
def test_tools_and_role_mailboxes_are_never_people(address):
    assert is_mailbox(address)


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("steve.jobs@apple.example", "Steve Jobs"),
        ("dana@acme.example", "Dana"),
        ("jane.doe@greenhouse.io", "Jane Doe"),
    ],
)
def test_people_stay_people(address, name):
    assert mailbox_reason(address, name) is None


def test_a_team_name_is_no_person_and_config_patterns_extend_the_list():
    assert is_mailbox("cobalt@cobalt.example", "Cobalt Recruiting")
    assert is_mailbox("dana@ats.example", "Dana", extra=("*@ats.example",))


def test_the_organizer_missing_from_the_attendees_is_a_person_met():
    interview = interpret(
        event(
            "Phone screen",
            "Best,\nTom Baker\nSenior Technical Recruiter",
            organizer="tbaker@globex.example",
        ),
        PROFILE,
    )
    (tom,) = interview.people
    assert (tom.name, tom.email, tom.role, tom.met) == (
        "Tom Baker",
        "tbaker@globex.example",
        Role.HR,
        True,
    )


def test_a_coordinator_who_organized_a_panel_of_others_is_not_met():
    interview = interpret(
        event(
            "Onsite",
            "Best,\nLena Ford\nRecruiting Coordinator",
            guest("Samir Patel", "samir.patel@northwind.example"),
            organizer="lena.ford@northwind.example",
        ),
        PROFILE,
    )
    lena = next(p for p in interview.people if p.name == "Lena Ford")
    assert (lena.met, lena.role) == (False, Role.HR)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Patel, Samir", "Samir Patel"),
        ('"Patel, Samir"', "Samir Patel"),
        ("Dr. Anika Rao", "Anika Rao"),
        ("Jordan Lee, PhD", "Jordan Lee"),
        ("Sam Kim (they/them)", "Sam Kim"),
        ("Lena Ford (via Greenhouse)", "Lena Ford"),
        ("ROY BATTY", "Roy Batty"),
        ("willy wonka", "Willy Wonka"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Samir Patel (Northwind)", "Samir Patel"),
    ],
)
def test_names_read_as_a_person_says_them(raw, name):
    assert person_name(raw) == name


# --- boilerplate -------------------------------------------------------------------

TEAMS = """Hi Alex, see you soon.
________________________________________________________________________________
Microsoft Teams meeting
Join on your computer, mobile app or room device
Click here to join the meeting<https://teams.microsoft.com/l/meetup-join/19>
Meeting ID: 312 456 789 012
Passcode: Ab3dEf
Or call in (audio only)
+1 419-555-0142,,419227083#   United States, Toledo
Phone Conference ID: 419 227 083#
Learn More<https://aka.ms/JoinTeamsMeeting> | Meeting options<https://teams.microsoft.com/x>
________________________________________________________________________________
Discussed: their data platform"""


def test_a_teams_block_is_set_aside_and_the_note_after_it_kept():
    found = set_aside(TEAMS)
    kept = [line for line in found.text.splitlines() if line]
    assert kept == ["Hi Alex, see you soon.", "Discussed: their data platform"]
    assert found.tools == ("Microsoft Teams",)
    assert len(found.text.splitlines()) == len(TEAMS.splitlines())  # line numbers kept
    assert is_dial_in("+1 (419) 555-0142", found.numbers)
    assert is_dial_in("419227083", found.numbers)
    assert not is_dial_in("+1 617 555 0199", found.numbers)


def test_zoom_meet_webex_and_calendly_blocks_are_set_aside():
    text = (
        "Dana Lee is inviting you to a scheduled Zoom meeting.\n\nJoin Zoom Meeting\n"
        "https://us06web.zoom.us/j/81234567890?pwd=x\n\nMeeting ID: 812 3456 7890\n"
        "Passcode: 449911\n---\nOne tap mobile\n+16469313860,,81234567890#,,,,*449911# US\n"
        "\nMet: Dana Lee\n"
        "-::~:~::~:~::-\nJoin with Google Meet: https://meet.google.com/abc\n"
        "Or dial: (US) +1 234-567-8901 PIN: 228 441 930#\n-::~:~::~:~::-\n"
        "When it's time, join your Webex meeting here.\n"
        "Meeting number (access code): 2634 123 4567\n"
        "\nEvent Name: Recruiter Screen\nNeed to make changes to this event?\n"
        "Cancel: https://calendly.com/cancellations/x\nPowered by Calendly.com"
    )
    found = set_aside(text)
    assert [line for line in found.text.splitlines() if line] == ["Met: Dana Lee"]
    assert found.event_name == "Recruiter Screen"
    assert {"Zoom", "Google Meet", "Webex", "Calendly"} <= set(found.tools)


def test_a_dial_in_on_a_persons_line_is_no_phone_and_no_title():
    read = notes(
        "Interviewer: Samir Patel, please dial in via Teams audio, +1 419-555-0142\n"
        "Phone Conference ID: 419 555 0142#"
    )
    (samir,) = read.people
    assert (samir.name, samir.title, samir.phone) == ("Samir Patel", "", "")


# --- company and job ---------------------------------------------------------------


def test_the_employer_comes_from_the_domains_before_the_title():
    interview = interpret(
        event("Platform Engineer", "#interview", guest("Dana", "dana@northwind.example")),
        PROFILE,
    )
    assert (interview.company, interview.job) == ("Northwind", "Platform Engineer")


def test_a_domain_is_named_as_the_invitation_spells_it():
    assert domain_display_name("acmerobotics.example", ["Welcome to Acme Robotics!"]) == (
        "Acme Robotics"
    )
    assert domain_display_name("stark.example", ["Stark Industries Interview"]) == (
        "Stark Industries"
    )
    assert domain_display_name("cobalt.example", ["Cobalt Recruiting"]) == "Cobalt"
    assert domain_display_name("ibm.example", ["Interview at IBM"]) == "IBM"


def test_an_agency_named_after_via_is_not_the_employer():
    emails = ["nina@apextalent.example", "carl@globex.example"]
    assert employer_domain(emails, [], not_employers=["Apex Talent"]) == "globex.example"


@pytest.mark.parametrize(
    ("title", "job"),
    [
        ("JR1043377 Senior Data Analyst - Phone Interview", "Senior Data Analyst"),
        ("Interview - Backend Developer (Req ID: R-20451)", "Backend Developer"),
        ("Globex: Interview for Data Engineer via Apex Talent", "Data Engineer"),
        ("Hiring Manager Conversation — Data Scientist, Growth", "Data Scientist, Growth"),
        ("Superday | Investment Banking Analyst | Gotham Capital", "Investment Banking Analyst"),
        ("Hiring manager interview", ""),
        ("Recruiter call", ""),
    ],
)
def test_jobs_from_the_titles_usual_shapes(title, job):
    from daemon.domain.settings import DEFAULT_PATTERNS

    assert job_from_title(title, DEFAULT_PATTERNS, exclude={"gotham capital", "globex"}) == job


def test_requisition_codes_are_no_part_of_a_job():
    assert clean_job("Senior Data Analyst (Req #4471)") == "Senior Data Analyst"
    assert strip_codes("Req ID: 88123 Staff Engineer") == "Staff Engineer"


def test_a_job_title_is_never_the_company():
    interview = interpret(event("Senior Data Analyst - Phone Interview"), PROFILE)
    assert interview.company != "Senior Data Analyst"


# --- labels inside an employer's text --------------------------------------------


def test_a_comma_list_on_a_people_label_is_several_people():
    read = notes("Interviewers: Marcus Webb, Aisha Rahman\nMet: Dana Smith, Engineering Manager")
    assert [(p.name, p.title) for p in read.people] == [
        ("Marcus Webb", ""),
        ("Aisha Rahman", ""),
        ("Dana Smith", "Engineering Manager"),
    ]


def test_a_second_address_on_a_persons_line_gets_no_draft():
    read = notes("Recruiter: Augustus Gloop, augustus@wonka.example, or augustus@gmail.example")
    assert [(p.name, p.email) for p in read.people] == [
        ("Augustus Gloop", "augustus@wonka.example")
    ]


def test_an_employers_correction_is_not_something_the_candidate_forgot():
    read = notes(
        "Correction: this interview will now be with Lena Ford\n"
        "Correction: I said five years, it is six"
    )
    assert read.forgot == ("I said five years, it is six",)


def test_a_schedule_under_a_heading_lists_the_people_met():
    read = notes(
        "Here is your interview schedule:\n\n"
        "11:00 AM - 11:45 AM EST  Gavin Belson - VP Engineering\n"
        "11:45 AM - 12:30 PM EST  Denpok Singh - Senior Product Manager\n\n"
        "Questions? Reply to this invite."
    )
    assert [(p.name, p.title, p.met) for p in read.people] == [
        ("Gavin Belson", "VP Engineering", True),
        ("Denpok Singh", "Senior Product Manager", True),
    ]


def test_signatures_give_titles():
    assert [
        (s.name, s.title)
        for s in signatures(["Best,", "Lena Ford", "Recruiting Coordinator | Northwind"])
    ] == [("Lena Ford", "Recruiting Coordinator")]


# --- whom to call -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Recruiting Coordinator", Role.HR),
        ("Talent Acquisition Partner", Role.HR),
        ("Director of Recruiting", Role.HR),
        ("Hiring Manager", Role.DECISION_MAKER),
        ("VP Engineering", Role.DECISION_MAKER),
        ("Head of Data", Role.DECISION_MAKER),
        ("Staff Engineer", None),
    ],
)
def test_titles_state_roles(title, role):
    assert role_from_title(title) == role


def _interview(*people: Person) -> Interview:
    return Interview(
        id=EventId("i"),
        title="t",
        start=START,
        end=START,
        company="Acme",
        application="acme",
        people=people,
    )


def test_the_call_goes_to_the_hiring_manager_and_a_coordinator_only_last():
    coordinator = Person("Lena Ford", title="Recruiting Coordinator", role=Role.HR, phone="+1")
    recruiter = Person("Tom Baker", title="Recruiter", role=Role.HR)
    engineer = Person("Aisha Rahman", title="Staff Engineer")
    lead = Person("Omar Little", title="Mobile Lead")
    vp = Person("Anika Rao", title="VP Engineering", role=Role.DECISION_MAKER)
    manager = Person("Jordan Lee", title="Hiring Manager", role=Role.DECISION_MAKER)
    assert person_to_call([_interview(coordinator, vp, manager)]) == manager
    assert person_to_call([_interview(coordinator, engineer, lead)]) == lead
    assert person_to_call([_interview(coordinator, recruiter)]) == recruiter
    assert person_to_call([_interview(coordinator)]) == coordinator
