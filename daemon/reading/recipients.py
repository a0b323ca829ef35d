"""Who the coach's reminders are about, read from an interview's people.

Shared by the planning rules (whether a reminder is due) and the composer (what
it says), which sit in layers that cannot import each other.
"""

from __future__ import annotations

from daemon.domain.model import Interview, Person, Role


def note_recipients(interview: Interview) -> list[Person]:
    """Who gets a note, in panel order: people met and decision makers, with an address.

    The same people, in the same order, as the drafts rule writes to.
    """
    seen: set[str] = set()
    people = []
    for person in interview.people:
        email = person.email.strip().casefold()
        if not email or email in seen or not (person.met or person.role is Role.DECISION_MAKER):
            continue
        seen.add(email)
        people.append(person)
    return people


def texting_people(interview: Interview) -> list[Person]:
    """People met known only by a phone number: they get a text, not a mail."""
    return [p for p in interview.people if p.met and p.phone.strip() and not p.email.strip()]


def card_people(interview: Interview) -> list[Person]:
    """Who gets a handwritten card: people met, and decision makers, with a mailing address."""
    return [
        p
        for p in interview.people
        if p.address.strip() and (p.met or p.role is Role.DECISION_MAKER)
    ]
