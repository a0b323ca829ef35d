"""The debrief read back: the user's part of the form merged into the interview's notes."""

from __future__ import annotations

from datetime import date

from daemon.compose.composer import Composer
from daemon.domain.model import Interview, Role
from daemon.reading.debrief import edits, merge_debrief
from daemon.reading.interviews import interpret
from tests.conftest import at, make_event, make_settings, person

SETTINGS = make_settings()
PROFILE = SETTINGS.profile

#: An invitation: the organizer's text, which the guest cannot edit.
INVITATION = make_event(
    "panel@northwind",
    "Panel interview – Northwind Labs",
    at("2026-12-01 13:00"),
    description="Join with Google Meet: https://meet.google.com/abc-defg-hij",
    attendees=(
        person("Dana Lee", "dana.lee@northwind.example"),
        person("Sam Okafor", "sam.okafor@northwind.example"),
    ),
)


def interview() -> Interview:
    return interpret(INVITATION, PROFILE)


def form(iv: Interview | None = None) -> tuple[str, str]:
    """(description as written, and again: what the service wrote) of the debrief of ``iv``."""
    text = Composer(settings=SETTINGS).compose_debrief(iv or interview(), PROFILE)
    return text.description, text.description


def filled(description: str, *, replace: dict[str, str] | None = None, add: str = "") -> str:
    """The form as the user leaves it: lines replaced (``""`` deletes), lines added."""
    lines = []
    for line in description.splitlines():
        for old, new in (replace or {}).items():
            if line.startswith(old):
                line = new
                break
        else:
            lines.append(line)
            continue
        if line:
            lines.append(line)
    return "\n".join(lines) + ("\n" + add if add else "")


def test_the_form_lists_everyone_found_and_the_empty_lines():
    description, _ = form()
    lines = description.splitlines()
    assert "Met: Dana Lee, dana.lee@northwind.example" in lines
    assert "Met: Sam Okafor, sam.okafor@northwind.example" in lines
    for empty in ("Decision maker:", "Hear back:", "Forgot:", "Offer:"):
        assert empty in lines
    assert "Discussed with Dana:" in lines and "Discussed with Sam:" in lines
    assert any("delete" in line and "15:00" in line for line in lines)
    assert "Who decides? Their names, titles and mailing addresses." in description


def test_an_untouched_form_says_nothing():
    description, written = form()
    assert edits(description, written).untouched
    assert merge_debrief(interview(), description, written, PROFILE) == interview()


def test_the_form_read_as_notes_names_nobody_twice():
    # Even read as notes in full (an app rewrote every line), the form doubles no one.
    description, _ = form()
    merged = merge_debrief(interview(), description, "", PROFILE)
    assert sorted(p.email for p in merged.people) == [
        "dana.lee@northwind.example",
        "sam.okafor@northwind.example",
    ]
    assert merged.hear_back is None and merged.decided is None


def test_what_the_user_fills_in_counts_as_the_notes():
    description, written = form()
    mine = filled(
        description,
        replace={
            "Hear back:": "Hear back: in 2 weeks",
            "Decision maker:": "Decision maker: Maria Gomez, VP Engineering, +1 415 555 0199",
            "Discussed with Dana:": "Discussed with Dana: the lakehouse migration",
            "Forgot:": "Forgot: my dbt certification",
            "Offer:": "Offer: a playbook for streaming jobs",
        },
    )
    merged = merge_debrief(interview(), mine, written, PROFILE)
    assert merged.hear_back == date(2026, 12, 15)
    maria = next(p for p in merged.people if p.name == "Maria Gomez")
    assert (maria.role, maria.met, maria.title) == (Role.DECISION_MAKER, False, "VP Engineering")
    assert maria.phone == "+14155550199"
    dana = next(p for p in merged.people if p.name == "Dana Lee")
    assert dana.topics == ("the lakehouse migration",)
    assert merged.forgot == ("my dbt certification",)
    assert merged.offers == ("a playbook for streaming jobs",)
    assert merged.debrief == mine
    assert len(merged.people) == 3


def test_editing_a_persons_line_corrects_them():
    description, written = form()
    mine = filled(
        description,
        replace={
            "Met: Dana Lee": "Hiring manager: Dana Lee, Head of Data Platform, "
            "dana@northwind.example, +1 617 555 0188"
        },
    )
    merged = merge_debrief(interview(), mine, written, PROFILE)
    (dana,) = [p for p in merged.people if p.name == "Dana Lee"]
    assert dana.title == "Head of Data Platform"
    assert dana.role is Role.DECISION_MAKER and dana.met
    assert dana.email == "dana@northwind.example"  # the corrected address wins
    assert len(merged.people) == 2


def test_a_changed_name_is_still_the_same_person():
    description, written = form()
    mine = filled(description, replace={"Met: Sam Okafor": "Met: Sam O., Staff Engineer"})
    merged = merge_debrief(interview(), mine, written, PROFILE)
    (sam,) = [p for p in merged.people if p.first_name == "Sam"]
    assert sam.email == "sam.okafor@northwind.example" and sam.title == "Staff Engineer"


def test_deleting_a_persons_line_leaves_them_out():
    description, written = form()
    mine = filled(description, replace={"Met: Sam Okafor": ""})
    merged = merge_debrief(interview(), mine, written, PROFILE)
    assert [p.name for p in merged.people] == ["Dana Lee"]


def test_deleting_other_lines_changes_nothing():
    description, written = form()
    mine = filled(description, replace={"Forgot:": "", "Offer:": "", "Before you leave": ""})
    assert merge_debrief(interview(), mine, written, PROFILE).people == interview().people


def test_a_form_left_without_a_line_says_nothing():
    _, written = form()
    assert merge_debrief(interview(), "  \n", written, PROFILE) == interview()


def test_the_debrief_wins_where_both_speak():
    event = make_event(
        "own@me",
        "Interview – Acme",
        at("2026-12-01 13:00"),
        description="Company: Acme\nHear back: 2026-12-04\nMet: Dana Lee, CTO, dana@acme.example",
        attendees=(person("Dana Lee", "dana@acme.example"),),
    )
    base = interpret(event, PROFILE)
    description, written = form(base)
    mine = filled(
        description,
        replace={
            "Company:": "Company: Acme Robotics",
            "Hear back:": "Hear back: 2026-12-11",
            # A CTO is read as one who decides: the form lists her so.
            "Hiring manager: Dana Lee": "Hiring manager: Dana Lee, VP Engineering, "
            "dana@acme.example",
        },
    )
    merged = merge_debrief(base, mine, written, PROFILE)
    assert merged.company == "Acme Robotics" and merged.application == "acme robotics"
    assert merged.hear_back == date(2026, 12, 11)
    assert merged.people[0].title == "VP Engineering"


def test_decided_in_the_debrief_decides():
    description, written = form()
    merged = merge_debrief(interview(), description + "\nDecided: offer", written, PROFILE)
    assert merged.decided is not None
    assert (merged.decided.outcome, merged.decided.source) == ("offer", "debrief")


def test_the_instructions_of_the_form_never_decide():
    description, _ = form()
    merged = merge_debrief(interview(), description, "", PROFILE)
    assert merged.decided is None


def test_a_form_an_app_turned_into_html_is_still_untouched():
    description, written = form()
    html = "<br>".join(line.replace("&", "&amp;") for line in description.splitlines())
    assert edits(html, written).untouched
    mine = html.replace("Hear back:", "<b>Hear back:</b> Dec 10")
    assert merge_debrief(interview(), mine, written, PROFILE).hear_back == date(2026, 12, 10)


def test_warnings_name_the_debrief_and_its_line():
    description, written = form()
    mine = filled(description, replace={"Hear back:": "Hear back: when pigs fly"})
    merged = merge_debrief(interview(), mine, written, PROFILE)
    line = mine.splitlines().index("Hear back: when pigs fly") + 1
    assert any(w.startswith(f"debrief, line {line}:") for w in merged.warnings)
