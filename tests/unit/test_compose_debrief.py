"""The debrief's text: the form, its title (the popup shows it) and its reminder."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.compose.composer import Composer
from daemon.domain.model import EventId, Interview, OwnKind, Person, Role
from daemon.domain.settings import DebriefSettings, InterviewSettings
from tests.conftest import at, make_settings

SETTINGS = make_settings()
PROFILE = SETTINGS.profile

PANEL = Interview(
    id=EventId("panel@acme"),
    title="Panel interview – Acme",
    start=at("2026-12-01 13:00"),
    end=at("2026-12-01 14:00"),
    company="Acme",
    application="acme",
    job="Staff Engineer",
    people=(
        Person(
            "Dana Lee",
            "dana@acme.example",
            "Head of Platform",
            "+4930555018",
            role=Role.DECISION_MAKER,
        ),
        Person("Dana Ortiz", "ortiz@acme.example"),
        Person("Chris Park", "chris@acme.example", role=Role.HR),
        Person("Maria Gomez", "maria@acme.example", "VP", role=Role.DECISION_MAKER, met=False),
    ),
)


def test_the_form_names_each_person_with_the_label_of_their_role():
    text = Composer(settings=SETTINGS).compose_own(OwnKind.DEBRIEF, PANEL, None, PROFILE)
    lines = text.description.splitlines()
    assert "Hiring manager: Dana Lee, Head of Platform, dana@acme.example, +49 30 555018" in lines
    assert "Met: Dana Ortiz, ortiz@acme.example" in lines
    assert "Recruiter: Chris Park, chris@acme.example" in lines
    assert "Decision maker: Maria Gomez, VP, maria@acme.example" in lines
    # Two Danas: each by full name; Maria was not met, so nothing was discussed with her.
    discussed = [line for line in lines if line.startswith("Discussed with")]
    assert discussed == [
        "Discussed with Dana Lee:",
        "Discussed with Dana Ortiz:",
        "Discussed with Chris:",
    ]
    assert "Company: Acme" in lines and "Role: Staff Engineer" in lines


def test_the_title_carries_the_questions_the_popup_asks():
    text = Composer(settings=SETTINGS).compose_debrief(PANEL, PROFILE)
    assert text.title == "Notes: Panel interview – Acme · Ask: who decides? When will I hear back?"
    assert text.reminder == timedelta(minutes=10)
    other = replace(PANEL, title="Final round", company="Initech")
    assert (
        Composer().compose_debrief(other, PROFILE).title.startswith("Notes: Final round — Initech")
    )


def test_the_reminder_and_the_drafts_time_follow_the_settings():
    settings = make_settings(
        ZoneInfo("America/New_York"),
        debrief=DebriefSettings(reminder_minutes=0),
        interviews=InterviewSettings(grace_minutes=90),
    )
    text = Composer(settings=settings).compose_debrief(PANEL, settings.profile)
    assert text.reminder is None
    # 14:00 in Berlin is 08:00 in New York; drafts come 90 minutes later.
    assert "The thank-you drafts are made at 09:30 (Tuesday, December 1)." in text.description


def test_a_known_hear_back_date_is_filled_in():
    text = Composer().compose_debrief(
        replace(PANEL, hear_back=at("2026-12-04 00:00").date()), PROFILE
    )
    assert "Hear back: 2026-12-04" in text.description.splitlines()


def test_the_form_can_be_reworded_in_the_templates_dir(tmp_path: Path):
    (tmp_path / "debrief.txt.j2").write_text(
        "Notizen.\n{% for p in people %}{{ p.label }}: {{ p.line }}\n{% endfor %}", encoding="utf-8"
    )
    text = Composer(tmp_path).compose_debrief(PANEL, PROFILE)
    assert text.description.startswith("Notizen.\nHiring manager: Dana Lee")


def test_a_call_in_the_users_zone_shows_one_time():
    start = at("2026-12-08 10:00")
    _, description = Composer().compose_call(PANEL, PANEL.people[0], PROFILE, start=start)
    assert "your time" not in description
