"""The texts of the coach's reminders: send-by, handwritten cards, thank-you texts.

Separate from ``composer`` so each kind's wording lives beside its context; the
composer renders them with its templates (users may replace each one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from daemon.compose.cards import card_name
from daemon.domain.model import Interview, Person
from daemon.domain.settings import CoachSettings, Profile
from daemon.reading.recipients import note_recipients, texting_people
from daemon.reading.text import clean_line

SEND_BY_TEMPLATE = "send_by.txt.j2"
HANDWRITTEN_TEMPLATE = "handwritten.txt.j2"
TEXT_TEMPLATE = "thank_you_text.txt.j2"

#: Thank-you notes are due within this long after the interview (as the drafts rule says).
NOTE_DEADLINE = timedelta(hours=24)
_NAME = 100

Render = Callable[[str, dict[str, object]], str]


@dataclass(frozen=True)
class TextMessage:
    """A thank-you text: the message and an ``sms:`` link that opens it ready to send."""

    name: str
    phone: str
    message: str
    sms: str


def sms_link(phone: str, message: str) -> str:
    """``sms:+15105550101?body=...`` (RFC 5724): digits only, the text percent-encoded."""
    raw = clean_line(phone, 40).partition(";ext=")[0]
    digits = "".join(ch for ch in raw if ch.isdigit())
    plus = "+" if raw.lstrip().startswith("+") else ""
    return f"sms:{plus}{digits}?body={quote(message, safe='')}" if digits else ""


def first_names(people: list[Person]) -> list[str]:
    """First names, unless two people share one: then their full names."""
    firsts = [clean_line(p.first_name, _NAME) for p in people]
    return [
        first if first and firsts.count(first) == 1 else clean_line(p.name, _NAME)
        for first, p in zip(firsts, people, strict=True)
    ]


def cards_of(
    interview: Interview, profile: Profile, cards_dir: Path | None, people: list[Person]
) -> list[dict[str, object]]:
    folder = cards_dir or Path("cards")
    return [
        {
            "name": clean_line(p.name, _NAME),
            "title": clean_line(p.title),
            "address": "\n".join(
                clean_line(line) for line in p.address.replace(";", ",").split(",") if line.strip()
            ),
            "card": str(folder / card_name(interview, p, profile)),
        }
        for p in people
    ]


def send_by_title(interview: Interview, profile: Profile, coach: CoachSettings) -> str:
    mark = (interview.end + NOTE_DEADLINE).astimezone(profile.timezone)
    names = first_names(note_recipients(interview))
    texts = first_names(texting_people(interview)) if coach.texts else []
    by = f"by {mark:%H:%M}"
    if names:
        return f"Send thank-you notes to {and_words(names)} {by}"
    if texts:
        return f"Text a thank-you to {and_words(texts)} {by}"
    return f"Send your thank-you notes {by}"


def and_words(words: list[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
