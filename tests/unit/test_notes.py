"""Reading interview notes: HTML as Google writes it, every label, people, hear-back dates."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.domain.model import Role
from daemon.reading.hear_back import parse_hear_back
from daemon.reading.notes import Notes, parse_notes, parse_person
from daemon.reading.text import MAX_DESCRIPTION_CHARS, clean_line, valid_email, visible_text

#: A Tuesday.
DAY = date(2026, 11, 17)


def read(description: str, *, region: str = "US") -> Notes:
    return parse_notes(description, interview_date=DAY, region=region)


# --- HTML as the text a person sees ----------------------------------------

GOOGLE_HTML = (
    "<b>Company:</b> Acme&nbsp;Corp<br><b>Role:</b> Staff Engineer<br>"
    '<b>Met:</b> Alice Smith, VP Eng, <a href="mailto:alice@acme.com">alice@acme.com</a><br>'
    '<b>HR:</b> <a href="mailto:bob@acme.com?subject=hi">Bob Jones</a><br>'
    "<ul><li>Discussed: scaling the API &amp; its SLOs</li>"
    "<li>Forgot: my Kafka experience</li></ul>"
    "<p>Nice people &lt;3</p>"
)


def test_google_html_reads_as_the_lines_a_person_sees():
    text = visible_text(GOOGLE_HTML)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines == [
        "Company: Acme Corp",
        "Role: Staff Engineer",
        "Met: Alice Smith, VP Eng, alice@acme.com",
        "HR: Bob Jones <bob@acme.com>",
        "Discussed: scaling the API & its SLOs",
        "Forgot: my Kafka experience",
        "Nice people <3",
    ]


def test_google_html_description_is_parsed_like_plain_text():
    notes = read(GOOGLE_HTML)
    assert notes.company == "Acme Corp"
    assert notes.job == "Staff Engineer"
    alice, bob = notes.people
    assert (alice.name, alice.title, alice.email) == ("Alice Smith", "VP Eng", "alice@acme.com")
    assert (bob.name, bob.email, bob.role) == ("Bob Jones", "bob@acme.com", Role.HR)
    assert notes.discussed == ("scaling the API & its SLOs",)
    assert notes.forgot == ("my Kafka experience",)
    assert notes.free_text == "Nice people <3"


def test_plain_text_is_kept_as_is_including_angle_brackets():
    plain = "Met: Alice Smith <alice@acme.com>\n  x < y & z > w  "
    assert visible_text(plain) == plain
    assert read(plain).people[0].email == "alice@acme.com"


def test_an_address_in_angle_brackets_survives_inside_html():
    notes = read("Met: Dan Brown <dan@acme.com><br>Company: Acme")
    assert notes.people[0].email == "dan@acme.com"
    assert notes.company == "Acme"


def test_scripts_styles_and_comments_are_not_text():
    text = visible_text("<style>p{}</style><script>alert(1)</script><!-- Met: X --><b>hi</b>")
    assert text.strip() == "hi"


def test_only_the_first_64_kib_are_read():
    filler = "x" * MAX_DESCRIPTION_CHARS
    assert read("Company: Acme\n" + filler).company == "Acme"
    assert read(filler + "\nCompany: Acme").company == ""


def test_deeply_nested_and_huge_html_does_not_break_the_reader():
    assert "Acme" not in visible_text("<div>" * 50_000 + "Company: Acme")  # beyond 64 KiB
    notes = read("<b>" * 10_000 + "Company: Acme")
    assert notes.company == "Acme"


# --- cleaning ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Alice\r\nBcc: evil@x.com", "Alice Bcc: evil@x.com"),
        ("Alice\tSmith", "Alice Smith"),
        ("Al\x00ice", "Al ice"),
        ("Alice\u2028Smith\u2029", "Alice Smith"),
        ("\u202eecilA", "ecilA"),
        ("Alice\x85Smith", "Alice Smith"),
        ("  many   spaces ", "many spaces"),
    ],
)
def test_clean_line_leaves_no_control_or_separator_characters(raw, clean):
    assert clean_line(raw) == clean


def test_clean_line_bounds_the_length():
    assert clean_line("a" * 500, 300) == "a" * 300


# --- labels ------------------------------------------------------------------


@pytest.mark.parametrize("label", ["Company", "company", "COMPANY", "  - Company ", "• Company"])
def test_company_label_any_case_any_bullet(label):
    assert read(f"{label}: Acme Corp ").company == "Acme Corp"


@pytest.mark.parametrize("label", ["Role", "Position", "Job", "* role", "1. Position"])
def test_job_labels(label):
    assert read(f"{label}:  Staff Engineer").job == "Staff Engineer"


@pytest.mark.parametrize(
    ("label", "role", "met"),
    [
        ("Met", Role.INTERVIEWER, True),
        ("Interviewer", Role.INTERVIEWER, True),
        ("Recruiter", Role.HR, True),
        ("HR", Role.HR, True),
        ("Decision maker", Role.DECISION_MAKER, False),
        ("Decision-maker", Role.DECISION_MAKER, False),
        ("Hiring manager", Role.DECISION_MAKER, False),
        ("hiring MANAGER", Role.DECISION_MAKER, False),
        ("Interviewers", Role.INTERVIEWER, True),
        ("Met with", Role.INTERVIEWER, True),
        ("Recruiters", Role.HR, True),
        ("Hiring managers", Role.DECISION_MAKER, False),
        ("Decision makers", Role.DECISION_MAKER, False),
    ],
)
def test_person_labels_give_role_and_whether_met(label, role, met):
    (person,) = read(f"{label}: Dana Lee").people
    assert (person.name, person.role, person.met) == ("Dana Lee", role, met)


def test_labels_in_any_order_and_free_text_between():
    notes = read(
        "Great conversation overall.\n"
        "Offer: cut their p99 latency in half\n"
        "I can: mentor the two juniors\n"
        "Correction: it was 40%, not 30%\n"
        "Forgot: to mention Kafka\n"
        "Discussed: the Rust migration\n"
        "Company: Acme\n"
        "See https://acme.com/jobs: they are hiring\n"
        "Note to self: bring a notebook"
    )
    assert notes.company == "Acme"
    assert notes.offers == ("cut their p99 latency in half", "mentor the two juniors")
    assert notes.forgot == ("it was 40%, not 30%", "to mention Kafka")
    assert notes.discussed == ("the Rust migration",)
    assert notes.free_text == (
        "Great conversation overall.\n"
        "See https://acme.com/jobs: they are hiring\n"
        "Note to self: bring a notebook"
    )


def test_discussed_with_names_go_to_mentions_not_general_topics():
    notes = read("Discussed with Alice: the migration\nDiscussed with Bob and Anne-Marie: hiring")
    assert notes.discussed == ()
    assert [(m.name, m.text, m.line) for m in notes.topics] == [
        ("Alice", "the migration", 1),
        ("Bob", "hiring", 2),
        ("Anne-Marie", "hiring", 2),
    ]


def test_address_lines_keep_name_and_address():
    notes = read("Address: Dana Lee, 1 Main St, Springfield, IL 62701")
    (mention,) = notes.addresses
    assert (mention.name, mention.text) == ("Dana Lee", "1 Main St, Springfield, IL 62701")


def test_an_address_without_a_name_is_a_warning():
    notes = read("Address: 1 Main St, Springfield")
    assert notes.addresses == ()
    assert notes.warnings == ("line 1: an address needs the form 'Name, address'",)


def test_empty_values_are_ignored_like_an_unfilled_template():
    notes = read("Company:\nMet:\nHear back:\nDiscussed:  ")
    assert notes == Notes()


def test_the_last_company_line_wins():
    assert read("Company: Acme\nCompany: Globex").company == "Globex"


def test_same_person_twice_in_the_notes_is_one_person_with_the_strongest_role():
    notes = read("Met: Dana Lee, +1 650 253 0000\nHiring manager: dana lee (CTO)")
    (dana,) = notes.people
    assert (dana.role, dana.met, dana.title, dana.phone) == (
        Role.DECISION_MAKER,
        True,
        "CTO",
        "+16502530000",
    )


def test_google_meet_block_is_not_notes():
    notes = read(
        "Company: Acme\n"
        "-::~:~::~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\n"
        "Join with Google Meet: https://meet.google.com/abc-defg-hij\n"
        "Met: Not A Person\n"
        "-::~:~::~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\n"
        "after"
    )
    assert notes.people == ()
    assert notes.free_text == "after"


# --- decided ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "outcome", "note"),
    [
        ("Decided", "other", ""),
        ("- decided.", "other", ""),
        ("Decided: offer", "offer", "offer"),
        ("DECIDED: Offer accepted!", "offer", "Offer accepted!"),
        ("Decided: rejected", "rejected", "rejected"),
        ("Decided: withdrawn", "withdrawn", "withdrawn"),
        ("Decided: I took another job", "other", "I took another job"),
        ("Some text #decided here", "other", ""),
        ("<b>#Decided</b>", "other", ""),
    ],
)
def test_decided_forms(text, outcome, note):
    decided = read(text).decided
    assert decided is not None
    assert (decided.outcome, decided.note, decided.source) == (outcome, note, "event")


@pytest.mark.parametrize(
    "text", ["Not decided yet", "#decidedly", "decided to apply elsewhere? maybe", "me#decided"]
)
def test_not_decided(text):
    assert read(text).decided is None


def test_decided_not_yet_is_not_a_decision_but_a_warning():
    notes = read("Decided: not yet")
    assert notes.decided is None
    assert notes.warnings == ("line 1: a 'Decided:' line that says not yet is ignored",)


@pytest.mark.parametrize(
    "value",
    [
        "not selected",
        "Not moving forward.",
        "no offer",
        "No",
        "declined",
        "rejected - they went with an internal candidate",
        "not proceeding",
    ],
)
def test_decided_as_a_rejection_stops_follow_ups(value):
    notes = read(f"Decided: {value}")
    assert notes.decided is not None
    assert notes.decided.outcome == "rejected"
    assert notes.warnings == ()


@pytest.mark.parametrize(
    "value",
    [
        "not yet",
        "Not decided",
        "not yet decided",
        "TBD",
        "pending",
        "undecided",
        "waiting",
        "?",
        "no decision yet",
        "no offer yet",
        "offer?",
    ],
)
def test_decided_that_says_not_yet_is_no_decision(value):
    assert read(f"Decided: {value}").decided is None


def test_a_call_event_saying_not_selected_is_a_rejection():
    from daemon.planning.planner import decision_in

    assert decision_in("Decided: not selected") == "rejected"
    assert decision_in("Decided: not yet") is None


# --- people --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name", "title", "email", "phone"),
    [
        (
            "Alice Smith, VP Engineering, alice@acme.com, +1 650-253-0000",
            "Alice Smith",
            "VP Engineering",
            "alice@acme.com",
            "+16502530000",
        ),
        (
            "Alice Smith, +1 650 253 0000, alice@acme.com, VP Engineering",
            "Alice Smith",
            "VP Engineering",
            "alice@acme.com",
            "+16502530000",
        ),
        (
            "Alice Smith (VP Engineering) <alice@acme.com>",
            "Alice Smith",
            "VP Engineering",
            "alice@acme.com",
            "",
        ),
        (
            "Alice Smith (VP Engineering) <alice@acme.com> (415) 555-2671",
            "Alice Smith",
            "VP Engineering",
            "alice@acme.com",
            "+14155552671",
        ),
        ('"Carol King" <carol@acme.com>', "Carol King", "", "carol@acme.com", ""),
        (
            "Dan - Engineering Manager - dan@acme.com",
            "Dan",
            "Engineering Manager",
            "dan@acme.com",
            "",
        ),
        ("Eve, email: eve@x.io, phone: 555-0100", "Eve", "", "eve@x.io", "555-0100"),
        (
            "Frank O'Neil, Director, Platform & Infra, tel:+16502530000, mailto:frank@acme.com",
            "Frank O'Neil",
            "Director, Platform & Infra",
            "frank@acme.com",
            "+16502530000",
        ),
        ("Grace Hopper", "Grace Hopper", "", "", ""),
        ("grace@navy.mil", "", "", "grace@navy.mil", ""),
    ],
)
def test_person_formats(value, name, title, email, phone):
    person = parse_person(value, Role.INTERVIEWER)
    assert person is not None
    assert (person.name, person.title, person.email, person.phone) == (name, title, email, phone)


def test_phone_without_country_code_reads_in_the_given_region():
    person = parse_person("Hans Meier, 030 901820", Role.INTERVIEWER, region="DE")
    assert person is not None and person.phone == "+4930901820"


def test_a_value_with_nothing_personal_is_a_warning():
    notes = read("Met: ,,, ()")
    assert notes.people == ()
    assert notes.warnings == ("line 1: no name, email or phone found for a person",)


def test_header_injection_in_a_person_value_is_flattened():
    notes = read("Met: Eve\r\nBcc: x@evil.com <eve@acme.com>")
    # Two lines: "Met: Eve" and a free-text line; nothing spans lines.
    assert notes.people[0].name == "Eve"
    assert notes.people[0].email == ""
    person = parse_person("Eve\rBcc: x@evil.com, eve@acme.com", Role.INTERVIEWER)
    assert person is not None and "\r" not in person.name and "\n" not in person.title


@pytest.mark.parametrize(
    ("value", "phone"),
    [
        ("Dana Lee, +1 617 555 0199 ext. 4", "+16175550199;ext=4"),
        ("Dana Lee, +1 617 555 0199 x12, VP", "+16175550199;ext=12"),
        ("Dana Lee, (617) 555-0199 extension 7", "+16175550199;ext=7"),
    ],
)
def test_phone_extensions_are_kept_in_rfc_3966_form(value, phone):
    person = parse_person(value, Role.INTERVIEWER)
    assert person is not None
    assert (person.name, person.phone) == ("Dana Lee", phone)


@pytest.mark.parametrize(
    "value",
    [
        "Dana Lee (she/her), VP Data",
        "Dana Lee, she/her, VP Data",
        "Dana Lee (they/them) (VP Data)",
        "Dana Lee [he/him/his], VP Data",
    ],
)
def test_pronouns_are_not_the_title(value):
    person = parse_person(value, Role.INTERVIEWER)
    assert person is not None
    assert (person.name, person.title) == ("Dana Lee", "VP Data")


def test_two_addresses_on_one_line_are_a_warning_and_two_people():
    notes = read(
        "Company: Acme\n"
        "Met: Dana Smith <dana@x.com>, Priya Natarajan <priya@x.com>\n"
        "Met: Sam Lee <sam@x.com> and Kim Park <kim@x.com>"
    )
    assert [(p.name, p.email, p.title) for p in notes.people] == [
        ("Dana Smith", "dana@x.com", ""),
        ("Priya Natarajan", "priya@x.com", ""),
        ("Sam Lee", "sam@x.com", ""),
        ("Kim Park", "kim@x.com", ""),
    ]
    assert notes.warnings == (
        "line 2: more than one address on one line; one person per line",
        "line 3: more than one address on one line; one person per line",
    )


def test_the_same_address_twice_on_a_line_is_one_person():
    notes = read("Met: Dana Smith, dana@x.com <DANA@x.com>")
    assert [(p.name, p.email) for p in notes.people] == [("Dana Smith", "dana@x.com")]
    assert notes.warnings == ()


# --- hear back ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-04", date(2026, 12, 4)),
        ("Dec 4", date(2026, 12, 4)),
        ("December 4th", date(2026, 12, 4)),
        ("4 December", date(2026, 12, 4)),
        ("Friday, Dec 4", date(2026, 12, 4)),
        ("Dec 4 at 3pm", date(2026, 12, 4)),
        ("12/4", date(2026, 12, 4)),
        ("4 Dec 2027", date(2027, 12, 4)),
        ("Nov 1", date(2027, 11, 1)),  # already past this year: next year's
        ("Nov 17", date(2026, 11, 17)),  # the interview day itself
        ("Feb 29", date(2028, 2, 29)),
        ("the 4th", date(2026, 12, 4)),
        ("in 2 weeks", date(2026, 12, 1)),
        ("2 weeks", date(2026, 12, 1)),
        ("within two weeks", date(2026, 12, 1)),
        ("a couple of weeks", date(2026, 12, 1)),
        ("1-2 weeks", date(2026, 12, 1)),
        ("10 days", date(2026, 11, 27)),
        ("10 business days", date(2026, 12, 1)),
        ("in a week or so", date(2026, 11, 24)),
        ("a fortnight", date(2026, 12, 1)),
        ("2 months", date(2027, 1, 17)),
        ("today", date(2026, 11, 17)),
        ("tomorrow", date(2026, 11, 18)),
        ("Friday", date(2026, 11, 20)),
        ("by Friday.", date(2026, 11, 20)),
        ("this Friday", date(2026, 11, 20)),
        ("next Friday", date(2026, 11, 27)),
        ("next Tuesday", date(2026, 11, 24)),
        ("end of week", date(2026, 11, 20)),
        ("next week", date(2026, 11, 27)),
        ("end of next week", date(2026, 11, 27)),
        ("end of the month", date(2026, 11, 30)),
        ("next month", date(2026, 12, 31)),
        ("December", date(2026, 12, 31)),
        ("mid-December", date(2026, 12, 20)),
        ("early January", date(2027, 1, 10)),
        ("end of January 2027", date(2027, 1, 31)),
        ("November", date(2026, 11, 30)),
        ("early November", date(2026, 11, 17)),  # never before the interview
    ],
)
def test_hear_back_forms(value, expected):
    assert parse_hear_back(value, DAY) == expected


def test_numeric_dates_are_day_first_outside_month_first_regions():
    assert parse_hear_back("4/12", DAY, region="GB") == date(2026, 12, 4)
    assert parse_hear_back("4/12", DAY, region="US") == date(2027, 4, 12)
    assert parse_hear_back("2026-12-04", DAY, region="GB") == date(2026, 12, 4)


@pytest.mark.parametrize(
    "value", ["soon", "10", "5pm", "after Thanksgiving", "x" * 300, "Dec 4 or 5"]
)
def test_unreadable_hear_back_values(value):
    assert parse_hear_back(value, DAY) is None


def test_hear_back_in_notes_resolves_and_later_lines_win():
    assert read("Hear back by: Dec 4\nDecision by: next Friday").hear_back == date(2026, 11, 27)
    assert read("Hear-back: in 10 days").hear_back == date(2026, 11, 27)


def test_unreadable_hear_back_is_a_warning_without_the_note_text():
    notes = read("Company: Acme\nHear back: when the secret project ships")
    assert notes.hear_back is None
    assert notes.warnings == (
        "line 2: the hear-back date could not be read; the default wait applies",
    )
    assert "secret" not in " ".join(notes.warnings)


def test_hear_back_before_the_interview_is_ignored_with_a_warning():
    notes = read("Hear back: 2025-12-04")
    assert notes.hear_back is None
    assert notes.warnings == ("line 1: the hear-back date is before the interview; it is ignored",)


def test_far_hear_back_is_kept_but_flagged():
    notes = read("Hear back: 2027-09-01")
    assert notes.hear_back == date(2027, 9, 1)
    assert notes.warnings == ("line 1: the hear-back date is over six months after the interview",)


def test_hear_back_counts_from_extreme_dates_without_raising():
    assert parse_hear_back("in 999 months", date(9999, 1, 1)) is None
    assert parse_hear_back("next Friday", date(9999, 12, 31)) is None


# --- properties -------------------------------------------------------------------------

SNIPPETS = [
    "Met: ", "HR: ", "Hiring manager: ", "Company: ", "Role: ", "Address: ", "Hear back: ",
    "Discussed with ", "Discussed: ", "Decided", "#decided", ": ", ", ", "(", ")", "<", ">",
    "<br>", "<b>", "</b>", "<li>", "&amp;", "&nbsp;", "\n", "\r\n", "\r", "\u2028", "\x00",
    "\x0b", "\u202e", "alice@acme.com", "+1 650 253 0000", "555-0100", "Dec 4", "12/4",
    "in 2 weeks", "next Friday", "=?utf-8?q?=0D=0ABcc=3A_x=40y=2Ecom?=", "Alice", "Bob Jones",
    '<a href="mailto:eve@x.com">', "</a>", "-::~:~::~:~::-", "\ud800", "é",
]  # fmt: skip
descriptions = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None, categories=None)),
    st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=5)), max_size=40).map("".join),
)
UNSAFE = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def unsafe(text: str, allow_newline: bool = False) -> bool:
    return any(
        unicodedata.category(char) in UNSAFE and not (allow_newline and char == "\n")
        for char in text
    )


def notes_strings(notes: Notes) -> list[str]:
    strings = [notes.company, notes.job, *notes.discussed, *notes.forgot, *notes.offers]
    strings += list(notes.warnings)
    for person in notes.people:
        strings += [person.name, person.email, person.title, person.phone, person.address]
    for mention in (*notes.addresses, *notes.topics):
        strings += [mention.name, mention.text]
    if notes.decided:
        strings += [notes.decided.outcome, notes.decided.note]
    return strings


@settings(max_examples=300, deadline=None)
@given(descriptions, st.dates(), st.sampled_from(["US", "GB", "DE", "ZZ", ""]))
def test_notes_never_raise_and_never_carry_control_characters(description, day, region):
    notes = parse_notes(description, interview_date=day, region=region)
    assert not any(unsafe(text) for text in notes_strings(notes))
    assert not unsafe(notes.free_text, allow_newline=True)
    for person in notes.people:
        assert person.email == "" or valid_email(person.email) == person.email


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=60), st.lists(st.sampled_from(SNIPPETS)).map("".join)),
    st.dates(),
)
def test_hear_back_never_raises(value, day):
    result = parse_hear_back(value, day)
    assert result is None or isinstance(result, date)
