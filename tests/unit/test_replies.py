"""A genuine reply from the employer, told apart from automatic answers, bounces and own mail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from daemon.domain.ports import InboxMessage
from daemon.reading.replies import from_employer, judge

WHEN = datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
OWN = ["me@example.com"]


def message(
    sender: str = "Dana Lee <dana@acme.example>",
    subject: str = "Re: Thank you",
    preview: str = "Thanks for your note! We are still talking to candidates.",
    **headers: str,
) -> InboxMessage:
    named = {name.replace("_", "-").lower(): value for name, value in headers.items()}
    named.setdefault("return-path", "<dana@acme.example>")
    return InboxMessage("m1", sender, WHEN, subject, named, preview)


def test_a_persons_reply_is_genuine() -> None:
    assert judge(message(), OWN).genuine


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (message(Auto_Submitted="auto-replied"), "an automatic reply"),
        (message(X_Autoreply="yes"), "an automatic reply"),
        (message(Precedence="auto_reply"), "an automatic reply"),
        (message(subject="Out of Office: Re: Thank you"), "an out-of-office or delivery notice"),
        (message(subject="Automatic reply: Thank you"), "an out-of-office or delivery notice"),
        (
            message(preview="I am currently out of the office until January 4."),
            "an out-of-office or delivery notice",
        ),
        (message(sender="Mail Delivery Subsystem <mailer-daemon@acme.example>"), "a bounce"),
        (message(Return_Path="<>"), "a bounce"),
        (message(sender="Alex <me@example.com>"), "your own mail"),
    ],
)
def test_automatic_answers_bounces_and_own_mail_are_not_replies(
    reply: InboxMessage, reason: str
) -> None:
    verdict = judge(reply, OWN)
    assert not verdict.genuine and verdict.reason == reason


def test_auto_submitted_no_is_a_person() -> None:
    assert judge(message(Auto_Submitted="no"), OWN).genuine


def test_the_employer_is_its_people_and_its_domain_never_a_lookalike() -> None:
    people, domains = {"dana@acme.example"}, {"acme.example"}
    assert from_employer("DANA@acme.example", people, domains)
    assert from_employer("hr@mail.acme.example", set(), domains)
    assert not from_employer("eve@notacme.example", people, domains)
    assert not from_employer("sam@gmail.com", people, domains)
