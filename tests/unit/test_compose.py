"""Notes and call scripts: the four elements, prompts, personal wording, user templates."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daemon.compose.composer import Composer
from daemon.compose.mime import build_message
from daemon.domain.errors import ConfigError
from daemon.domain.model import EventId, Interview, Person, Role
from daemon.domain.settings import Profile

ZONE = ZoneInfo("Europe/Berlin")
START = datetime(2026, 12, 1, 10, 0, tzinfo=ZONE)  # a Tuesday

DANA = Person(
    "Dana Lee",
    "dana@acme.com",
    title="Engineering Manager",
    phone="+4930123456",
    topics=("the payments migration",),
)
SAM = Person("Sam Roe", "sam@acme.com", title="Recruiter", role=Role.HR)
KIM = Person("Kim Park", "kim@acme.com", title="Staff Engineer", topics=("the build system",))
JORDAN = Person(
    "Jordan Poe", "jordan@acme.com", title="VP Engineering", role=Role.DECISION_MAKER, met=False
)

PROFILE = Profile(
    name="Alex Rivera",
    email="alex@example.com",
    phone="+49 30 1234567",
    timezone=ZONE,
    qualifications=("ten years of backend work", "led a payments migration", "on-call lead"),
)

#: What the product never writes (DESIGN.md rule 4): complaints about the wait, pressure.
NEGATIVE = re.compile(
    r"unfortunat|sorry|apolog|disappoint|haven.t heard|not heard|no response|still waiting"
    r"|waiting|why |asap|as soon as possible|immediately|urgent|demand|must |deadline|complain",
    re.IGNORECASE,
)


def interview(**changes: object) -> Interview:
    base = Interview(
        id=EventId("uid-1"),
        title="Interview: Acme",
        start=START,
        end=START + timedelta(hours=1),
        company="Acme",
        application="acme",
        job="Staff Engineer",
        people=(DANA, SAM, KIM, JORDAN),
        discussed=("on-call load",),
        forgot=("I also led the Kafka upgrade",),
        offers=("cut build times in half", "take over the payments migration"),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer(None)


def note(composer: Composer, person: Person = DANA, variant: int = 0, **changes: object) -> str:
    profile = changes.pop("profile", PROFILE)
    late = bool(changes.pop("late", False))
    _, body = composer.compose_note(
        interview(**changes),
        person,
        profile,  # type: ignore[arg-type]
        variant=variant,
        late=late,
    )
    return body


# --- the four elements --------------------------------------------------------


def test_the_met_are_named_in_a_decision_makers_note_without_themselves(
    composer: Composer,
) -> None:
    body = note(composer, replace(DANA, met=False, role=Role.DECISION_MAKER))
    assert "Sam Roe and Kim Park" in body
    assert "Dana Lee" not in body


def test_thank_you_note_carries_the_four_elements(composer: Composer) -> None:
    subject, body = composer.compose_note(interview(), DANA, PROFILE, variant=0, late=False)
    assert subject == "Thank you — Staff Engineer interview"
    assert body.startswith("Dear Dana,\n")
    # 1. interest and excitement about the role
    assert "Staff Engineer" in body and "Acme" in body
    assert re.search(r"excited|enthusiastic|love to be part", body)
    # 2. qualifications
    assert "ten years of backend work" in body
    # 3. what was forgotten or needs correcting
    assert "I also led the Kafka upgrade" in body
    # 4. what the candidate can do for them, from what was discussed
    assert "cut build times in half" in body
    assert "the payments migration" in body  # Dana's own topic
    assert "[add:" not in body
    assert body.rstrip().endswith("Alex Rivera\n+49 30 1234567")


def test_decision_maker_note_is_a_short_note_of_interest(composer: Composer) -> None:
    subject, body = composer.compose_note(interview(), JORDAN, PROFILE, variant=3, late=False)
    assert subject == "Staff Engineer at Acme"
    assert body.startswith("Dear Jordan,\n")
    assert "Staff Engineer" in body and "Acme" in body
    assert "Dana Lee, Sam Roe and Kim Park" in body  # whom the candidate met
    assert "ten years of backend work" in body or "led a payments migration" in body
    assert "I also led the Kafka upgrade" in body
    assert "cut build times in half" in body
    assert "[add:" not in body
    assert len(body) < len(note(composer, DANA))


@pytest.mark.parametrize(
    ("changes", "prompt"),
    [
        ({"discussed": ()}, "[add: one thing you discussed with Dana]"),
        ({"offers": ()}, "[add: what you can do for them about the payments migration]"),
        ({"forgot": ()}, "[add: anything you forgot to say or want to correct"),
        ({"job": ""}, "[add: the job title]"),
        ({"company": ""}, "[add: the company]"),
        ({"profile": Profile()}, "[add: a qualification that fits this role"),
        ({"profile": Profile()}, "[add: your name]"),
    ],
)
def test_missing_facts_show_a_visible_prompt(
    composer: Composer, changes: dict[str, object], prompt: str
) -> None:
    person = replace(DANA, topics=()) if "discussed" in changes else DANA
    assert prompt in note(composer, person, **changes)


def test_a_person_with_no_topics_is_prompted_by_name_even_with_panel_topics(
    composer: Composer,
) -> None:
    body = note(composer, SAM)
    assert "on-call load" in body
    assert "[add: one thing you discussed with Sam]" in body


def test_empty_notes_give_a_note_of_prompts_that_still_reads_positively(
    composer: Composer,
) -> None:
    empty = Interview("u", "Interview", START, START, company="", application="")
    subject, body = composer.compose_note(empty, Person("Kim"), Profile(), variant=0, late=False)
    assert subject == "Thank you"
    assert body.count("[add:") >= 6
    assert not NEGATIVE.search(body)


# --- personal -------------------------------------------------------------------


def test_each_note_speaks_of_its_own_persons_topics(composer: Composer) -> None:
    dana, kim = note(composer, DANA), note(composer, KIM, variant=2)
    assert "the payments migration" in dana and "the build system" not in dana
    assert "the build system" in kim and "the payments migration" not in kim.split("\n\n")[2]


def test_offers_closest_to_the_persons_topics_come_first(composer: Composer) -> None:
    body = note(composer, DANA)
    assert body.index("take over the payments migration") < body.index("cut build times")


def test_qualifications_are_stressed_differently_per_person(composer: Composer) -> None:
    def first_qualification(body: str) -> str:
        after = body.split(":\n- ", 1)[1]
        return after.split("\n", 1)[0]

    firsts = {first_qualification(note(composer, DANA, variant=v)) for v in range(3)}
    assert firsts == set(PROFILE.qualifications)


def test_user_signature_is_used_as_written(composer: Composer) -> None:
    profile = replace(PROFILE, signature="Alex Rivera\nlinkedin.com/in/alex\n")
    assert note(composer, profile=profile).endswith("Alex Rivera\nlinkedin.com/in/alex\n")


def test_late_notes_name_the_day_and_timely_ones_do_not(composer: Composer) -> None:
    assert "Tuesday, December 1" in note(composer, late=True)
    assert "Tuesday, December 1" not in note(composer, late=False)


def test_untrusted_names_become_one_line_and_never_run_as_templates(
    composer: Composer,
) -> None:
    hostile = Person("Eve\r\nP.S. wire money\u202e", "eve@acme.com", topics=("{{ 7 * 7 }}",))
    body = note(composer, hostile)
    assert body.startswith("Dear Eve,\n")
    assert "{{ 7 * 7 }}" in body and "\n49" not in body and " 49" not in body
    title, description = composer.compose_call(interview(), hostile, PROFILE)
    assert title == "Follow-up call: Eve P.S. wire money (Acme)"
    assert description.startswith("Call: Eve P.S. wire money (Acme)\n")


# --- no two notes of a panel read the same --------------------------------------


def _anonymous(body: str, person: Person) -> str:
    return body.replace(person.first_name, "NAME")


@pytest.mark.parametrize("size", [3, 8])
def test_notes_of_a_panel_differ_pairwise_even_without_topics(
    composer: Composer, size: int
) -> None:
    panel = [Person(f"Person{i} Example", f"p{i}@acme.com") for i in range(size)]
    bare = interview(people=tuple(panel), discussed=(), offers=(), forgot=())
    bodies = [
        _anonymous(composer.compose_note(bare, p, PROFILE, variant=i, late=False)[1], p)
        for i, p in enumerate(panel)
    ]
    for first, second in itertools.combinations(bodies, 2):
        assert first != second


def test_decision_maker_notes_of_one_interview_differ(composer: Composer) -> None:
    makers = [replace(JORDAN, name=f"Boss{i} Example") for i in range(3)]
    bodies = [
        _anonymous(composer.compose_note(interview(), p, PROFILE, variant=i, late=False)[1], p)
        for i, p in enumerate(makers)
    ]
    assert len(set(bodies)) == 3


def test_composing_is_deterministic(composer: Composer) -> None:
    assert note(composer, variant=5) == note(Composer(None), variant=5)


# --- never negative, never pushy ----------------------------------------------------


def test_nothing_the_bundled_templates_write_is_negative_or_pushy(composer: Composer) -> None:
    texts: list[str] = []
    for variant, person, late in itertools.product(range(8), (DANA, SAM, JORDAN), (True, False)):
        texts.append(note(composer, person, variant=variant, late=late))
    for person in (DANA, JORDAN, None):
        texts.extend(composer.compose_call(interview(), person, PROFILE))
    for text in texts:
        assert not NEGATIVE.search(text), NEGATIVE.search(text)


# --- call scripts -----------------------------------------------------------------


def test_call_names_the_person_their_title_and_a_tel_link(composer: Composer) -> None:
    title, description = composer.compose_call(interview(), DANA, PROFILE)
    assert title == "Follow-up call: Dana Lee (Acme)"
    assert "Dana Lee, Engineering Manager" in description
    assert "tel:+4930123456" in description
    assert '"Hi Dana, this is Alex Rivera.' in description
    assert "Staff Engineer" in description
    assert "the payments migration" in description
    assert "write Decided on a line of its own" in description
    assert "[add: phone number]" not in description


def test_call_without_a_phone_prompts_and_offers_other_numbers(composer: Composer) -> None:
    _, description = composer.compose_call(interview(), JORDAN, PROFILE)
    assert "[add: phone number]" in description
    assert "Dana Lee, Engineering Manager: tel:+4930123456" in description


def test_call_when_nobody_has_a_phone(composer: Composer) -> None:
    people = (replace(DANA, phone=""), JORDAN)
    _, description = composer.compose_call(interview(people=people), JORDAN, PROFILE)
    assert "[add: phone number]" in description
    assert "Other numbers" not in description


def test_the_person_called_is_not_listed_again_as_another_number(composer: Composer) -> None:
    # The planner hands over an equal copy of the person, not the same object.
    _, description = composer.compose_call(interview(), replace(DANA), PROFILE)
    assert "Other numbers" not in description


def test_offers_written_as_sentences_are_not_spliced_into_sentences(
    composer: Composer,
) -> None:
    offers = ("I can cut build times in half", "I have run this migration before")
    texts = [note(composer, p, offers=offers) for p in (DANA, JORDAN)]
    texts.append(composer.compose_call(interview(offers=offers), DANA, PROFILE)[1])
    for text in texts:
        assert "I can I" not in text and "can I have" not in text
        assert "I can cut build times in half" in text


def test_call_with_nobody_named(composer: Composer) -> None:
    title, description = composer.compose_call(interview(people=()), None, PROFILE)
    assert title == "Follow-up call: Acme"
    assert "[add: who to call" in description
    assert "[add: phone number]" in description


@pytest.mark.parametrize(
    ("phone", "link"),
    [
        ("+4930123456", "tel:+4930123456"),
        ("+1 (415) 555-0100", "tel:+14155550100"),
        ("030 123456 ext. 12", "tel:030123456"),
    ],
)
def test_phone_numbers_as_written_still_get_a_dialable_link(
    composer: Composer, phone: str, link: str
) -> None:
    _, description = composer.compose_call(interview(), replace(DANA, phone=phone), PROFILE)
    assert link in description.split()


# --- a composed note travels as a draft --------------------------------------------


def test_every_composed_note_builds_a_message(composer: Composer) -> None:
    for variant, person in enumerate((DANA, SAM, KIM, JORDAN)):
        subject, body = composer.compose_note(
            interview(), person, PROFILE, variant=variant, late=False
        )
        message = build_message(
            key=f"key{variant}",
            sender_name=PROFILE.name,
            sender_email=PROFILE.email,
            to_name=person.name,
            to_email=person.email,
            subject=subject,
            body=body,
            now=START + timedelta(hours=2),
        )
        assert message.get_content() == body


# --- user templates -----------------------------------------------------------------


def test_a_user_template_replaces_the_bundled_one_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "thank_you.txt.j2").write_text(
        "Hello {{ first_name }} at {{ company }}!\n{{ signature }}\n", encoding="utf-8"
    )
    composer = Composer(tmp_path)
    _, body = composer.compose_note(interview(), DANA, PROFILE, variant=0, late=False)
    assert body == "Hello Dana at Acme!\nAlex Rivera\n+49 30 1234567\n"
    # the others still come from the package
    _, other = composer.compose_note(interview(), JORDAN, PROFILE, variant=0, late=False)
    assert other.startswith("Dear Jordan,")
    assert "tel:+4930123456" in composer.compose_call(interview(), DANA, PROFILE)[1]


def test_every_documented_variable_is_there_for_user_templates(tmp_path: Path) -> None:
    note_variables = (
        "first_name name title company job own_topics topics qualifications offers forgot"
        " met_names variant late interview_day your_name your_phone signature"
        " interview person profile"
    )
    (tmp_path / "thank_you.txt.j2").write_text(
        "".join(f"{{{{ {v} }}}}\n" for v in note_variables.split())
        + "{{ met_names | and_list }}\n",
        encoding="utf-8",
    )
    call_variables = (
        "name first_name title phone tel other_contacts company job interview_day topics"
        " offers forgot your_name your_phone signature interview person profile"
    )
    (tmp_path / "call_script.txt.j2").write_text(
        "".join(f"{{{{ {v} }}}}\n" for v in call_variables.split()), encoding="utf-8"
    )
    composer = Composer(tmp_path)
    composer.compose_note(interview(), DANA, PROFILE, variant=0, late=False)
    composer.compose_call(interview(), DANA, PROFILE)


def test_a_broken_user_template_is_a_config_error_naming_file_and_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "thank_you.txt.j2").write_text(
        "Dear {{ first_name }},\n\n{% if late %}\nThanks {{ company }\n{% endif %}\n",
        encoding="utf-8",
    )
    composer = Composer(tmp_path)
    with pytest.raises(ConfigError) as caught:
        composer.compose_note(interview(), DANA, PROFILE, variant=0, late=False)
    (problem,) = caught.value.problems
    assert problem.startswith(f"templates_dir: {tmp_path / 'thank_you.txt.j2'}: line 4: ")


def test_an_unknown_variable_in_a_user_template_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "call_script.txt.j2").write_text(
        "Call {{ name }}\n\nat {{ phone_number }}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"call_script\.txt\.j2: line 3: .*phone_number"):
        Composer(tmp_path).compose_call(interview(), DANA, PROFILE)


def test_a_missing_include_in_a_user_template_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "decision_maker.txt.j2").write_text(
        '{% include "footer.txt.j2" %}\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"decision_maker\.txt\.j2: .*footer\.txt\.j2"):
        Composer(tmp_path).compose_note(interview(), JORDAN, PROFILE, variant=0, late=False)


def test_a_user_template_that_is_not_text_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "thank_you.txt.j2").write_bytes(b"\xff\xfe\x00broken")
    with pytest.raises(ConfigError, match=r"thank_you\.txt\.j2"):
        Composer(tmp_path).compose_note(interview(), DANA, PROFILE, variant=0, late=False)


def test_a_missing_templates_dir_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"templates_dir: .*nowhere"):
        Composer(tmp_path / "nowhere")


def test_the_call_script_never_reads_as_a_decision(composer: Composer) -> None:
    """The user may type on the script's own lines; only their own Decided line counts."""
    from daemon.planning.planner import decision_in

    _, description = composer.compose_call(interview(), DANA, PROFILE)
    assert decision_in(description) is None
    appended = description.rstrip() + " Left a voicemail on Tuesday."
    assert decision_in(appended) is None
    assert decision_in(appended + "\nDecided: offer") == "offer"


def test_topics_read_as_part_of_a_sentence(composer: Composer) -> None:
    person = replace(DANA, topics=("Their Kafka migration.",))
    _, body = composer.compose_note(interview(), person, PROFILE, variant=0, late=False)
    assert "their Kafka migration" in body and "migration.." not in body


def test_a_call_to_a_decision_maker_never_met_does_not_thank_again(composer: Composer) -> None:
    maria = replace(DANA, name="Maria Gomez", met=False)
    _, description = composer.compose_call(interview(), maria, PROFILE)
    assert "thank you again" not in description and "introduce myself" in description


def test_phone_extensions_reach_the_tel_link(composer: Composer) -> None:
    person = replace(DANA, phone="+16175550199;ext=4")
    _, description = composer.compose_call(interview(), person, PROFILE)
    assert "tel:+16175550199;ext=4" in description.split()
    assert "+1 617-555-0199 ext. 4" in description


def test_with_one_person_met_the_general_topics_are_theirs(composer: Composer) -> None:
    alone = replace(DANA, topics=())
    one_on_one = interview(people=(alone,), discussed=("the on-call rota",))
    _, body = composer.compose_note(one_on_one, alone, PROFILE, variant=0, late=False)
    assert "our discussion of the on-call rota" in body
    assert "[add: one thing you discussed with Dana]" not in body
    panel = interview(people=(alone, SAM), discussed=("the on-call rota",))
    _, body = composer.compose_note(panel, alone, PROFILE, variant=0, late=False)
    assert "[add: one thing you discussed with Dana]" in body
