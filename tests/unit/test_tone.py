"""The tone check: pushy and negative phrasing flagged by phrase and place; calm text not."""

from __future__ import annotations

import pytest

from daemon.compose import tone
from daemon.compose.tone_phrases import CATEGORIES, PHRASES


@pytest.mark.parametrize(
    ("line", "category", "phrase"),
    [
        ("I still haven't heard back from anyone.", "wait", "still haven't heard"),
        ("I still have not heard anything", "wait", "still have not heard"),
        ("It has been two weeks since we spoke", "wait", "It has been two weeks"),
        ("Still waiting for news", "wait", "Still waiting"),
        ("Please reply ASAP", "demand", "ASAP"),
        ("Please get back to me as soon as possible", "demand", "as soon as possible"),
        ("I need an answer", "demand", "I need an answer"),
        ("Let me know by Friday whether I got it", "deadline", "Let me know by"),
        ("I would like a decision no later than Monday", "deadline", "no later than"),
        ("If I don't hear from you I will withdraw", "ultimatum", "If I don't hear"),
        ("This is your last chance to hire me", "ultimatum", "last chance"),
        ("I took a day off for this interview", "guilt", "I took a day off"),
        ("After all the time I spent on the take-home", "guilt", "After all the time"),
        ("I have another offer on the table", "pressure", "another offer"),
        ("I'm interviewing elsewhere too", "pressure", "interviewing elsewhere"),
        ("The process was disappointing", "negative", "disappointing"),
        ("I haven’t heard back yet", "wait", "haven’t heard back"),
    ],
)
def test_the_phrase_list_names_the_phrase_and_its_category(
    line: str, category: str, phrase: str
) -> None:
    found = tone.check_line(line, "notes line 3")
    assert (category, phrase, "notes line 3") in [(f.category, f.phrase, f.where) for f in found]


@pytest.mark.parametrize(
    "line",
    [
        "Discussed with Sam: their on-call load and the migration off Oracle",
        "Offer: I can set up SLOs for the payments team in the first month",
        "I really enjoyed meeting the team and learning about the roadmap.",
        "Forgot: I led the Kafka migration at my last job",
        "Correction: I said 50 ms, I meant 5 ms",
        "Hear back: in 2 weeks",
        "Thank you again for your time. I look forward to hearing from you.",
        "Discussed: shipping the release by Friday",
        "Discussed: their painful outage problems",
    ],
)
def test_calm_lines_and_hard_topics_are_not_flagged(line: str) -> None:
    assert tone.check_line(line, "notes line 1") == []


def test_sentiment_flags_a_negative_sentence_the_list_does_not_name() -> None:
    (finding,) = tone.check_line("Honestly the whole day was a horrible mess.", "notes line 5")
    assert finding.category == "negative"
    assert "horrible mess" in finding.phrase


def test_every_category_is_described_and_every_pattern_has_one() -> None:
    assert {category for category, _ in PHRASES} <= set(CATEGORIES)


def test_a_finding_says_what_it_reaches_and_the_log_never_holds_the_words() -> None:
    (finding,) = tone.check_line("Forgot: I have another offer", "notes line 4")
    reached = tone.reaching(
        finding,
        [("the note to Sam", "... I have another offer ..."), ("the note to Dana", "hello")],
    )
    assert reached.reaches == ("the note to Sam",)
    assert "the note to Sam" in reached.describe() and "another offer" in reached.describe()
    assert "another offer" not in reached.log_line()
    assert reached.log_line() == "tone: pressure phrasing in notes line 4 -> the note to Sam"


def test_tone_ok_acknowledges_a_phrase_and_is_no_finding_itself() -> None:
    lines = ["Forgot: I have another offer", "#tone-ok: another offer"]
    findings = tone.check_lines(enumerate(lines, start=1), "notes")
    assert [f.where for f in findings] == ["notes line 1"]
    (kept,) = tone.acknowledge(findings, tone.acknowledged_phrases(lines))
    assert kept.acknowledged
    other = tone.acknowledge(findings, tone.acknowledged_phrases(["#tone-ok: ASAP"]))
    assert not other[0].acknowledged


def test_the_bundled_templates_raise_no_finding() -> None:
    from daemon.app.coach import review, written_for
    from daemon.compose.composer import Composer
    from daemon.reading.interviews import interpret
    from tests.conftest import at, make_event, make_settings

    settings = make_settings()
    notes = (
        "Company: Acme\nRole: Staff Engineer\n"
        "Hiring manager: Dana Lee, Head of Platform, dana@acme.example, +49 30 5550188\n"
        "Met: Sam Okafor, Staff Engineer, sam@acme.example\n"
        "Offer: set up SLOs\nForgot: the Kafka migration\nDiscussed: the platform"
    )
    event = make_event("iv@test", "Interview – Acme", at("2026-12-01 10:00"), description=notes)
    interview = interpret(event, settings.profile, patterns=settings.interviews.patterns)
    written = written_for(interview, Composer(), settings, interview.people[0], with_call=True)
    assert len(written.texts()) == 3
    assert review(interview, written, settings, []).findings == []


def test_the_notes_own_hear_back_label_is_no_deadline() -> None:
    """``Hear back by: Dec 4`` is a notes label the product documents, not a demand."""
    from daemon.compose.tone import check_line

    assert check_line("Hear back by: Dec 4", "notes line 3") == []
    assert check_line("I need to hear back by Friday", "notes line 3") != []
