"""The debrief read back: what the user wrote into the form, merged into the interview's notes.

The service wrote the form (``written``, as the ledger keeps it); the user's
part is what differs from it. Lines the user left as they were are the
service's own guesses and say nothing new, so they never double a person;
lines the user added or changed are notes, read with the notes syntax; a
person's line the user deleted leaves that person out.

The debrief speaks after the interview's description: where both say
something (the company, the hear-back date, a person's title or role), the
debrief wins; lists (topics, corrections, offers) are joined.

Choices where DESIGN.md is silent:

- A form left without a single line (an app that dropped the description, a
  user who cleared it) says nothing: it is not read as "leave everyone out".
- A changed person's line is the same person when the address, the full name
  or a unique first name matches, or else the first name of exactly one
  person whose line is gone (``Dana Lee`` edited to ``Dana L.``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from daemon.domain.model import Interview, Person
from daemon.domain.settings import Profile
from daemon.reading.interviews import (
    MAX_WARNINGS,
    application_key,
    find_person,
    local_date,
    phone_region,
)
from daemon.reading.notes import Notes, merge_people, parse_notes
from daemon.reading.text import clean_line, name_key, same_email, visible_text


@dataclass(frozen=True)
class DebriefEdits:
    """What the user changed in the form."""

    #: The debrief's text with only the user's lines kept (others blank, so line
    #: numbers in warnings are the debrief's own).
    added: str
    #: Lines the service wrote that are no longer there.
    removed: tuple[str, ...]

    @property
    def untouched(self) -> bool:
        return not self.removed and not self.added.strip()


def _key(line: str) -> str:
    return clean_line(line)


def edits(description: str, written: str) -> DebriefEdits:
    """The user's part of ``description``, a form the service wrote as ``written``."""
    lines = visible_text(description).splitlines()
    if not any(_key(line) for line in lines):
        return DebriefEdits("", ())
    ours = {_key(line) for line in visible_text(written).splitlines()} - {""}
    present = {_key(line) for line in lines}
    added = "\n".join("" if _key(line) in ours else line for line in lines)
    removed = tuple(
        line for line in _unique(visible_text(written).splitlines()) if line not in present
    )
    return DebriefEdits(added, removed)


def _unique(lines: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for line in lines:
        if _key(line):
            seen.setdefault(_key(line), None)
    return list(seen)


def merge_debrief(
    interview: Interview, description: str, written: str, profile: Profile
) -> Interview:
    """``interview`` (read from its own event) with the debrief's notes merged in."""
    change = edits(description, written)
    if change.untouched:
        return replace(interview, debrief="")
    day, region = local_date(interview.start, profile), phone_region(profile)
    notes = parse_notes(change.added, interview_date=day, region=region)
    gone = [
        person
        for line in change.removed
        for person in parse_notes(line, interview_date=day, region=region).people
    ]
    people, discussed, warnings = _people(interview.people, notes, gone, profile)
    company = notes.company or interview.company
    decided = replace(notes.decided, source="debrief") if notes.decided else interview.decided
    merged_warnings = [
        *interview.warnings,
        *(f"debrief, {w}" for w in [*notes.warnings, *warnings]),
    ]
    if len(merged_warnings) > MAX_WARNINGS:
        hidden = len(merged_warnings) - MAX_WARNINGS + 1
        merged_warnings = [*merged_warnings[: MAX_WARNINGS - 1], f"and {hidden} more problems"]
    return replace(
        interview,
        company=company,
        application=(application_key(company) or interview.application)
        if notes.company
        else interview.application,
        job=notes.job or interview.job,
        people=tuple(people),
        hear_back=notes.hear_back or interview.hear_back,
        discussed=_joined(interview.discussed, notes.discussed, discussed),
        forgot=_joined(interview.forgot, notes.forgot),
        offers=_joined(interview.offers, notes.offers),
        free_text="\n\n".join(t for t in (interview.free_text, notes.free_text) if t.strip()),
        decided=decided,
        warnings=tuple(merged_warnings),
        debrief=description,
    )


def _people(
    known: Sequence[Person], notes: Notes, gone: Sequence[Person], profile: Profile
) -> tuple[list[Person], list[str], list[str]]:
    """The people after the debrief: corrected, added, left out; general topics; warnings."""
    people = list(known)
    removed = {i for person in gone if (i := _find(people, person)) is not None}
    spoken: set[int] = set()
    for noted in notes.people:
        if same_email(noted.email, profile.email) or (
            name_key(noted.name) and name_key(noted.name) == name_key(profile.name)
        ):
            continue  # the user, named in their own notes
        index = _find(people, noted)
        if index is None:
            index = _edited(people, removed, noted)
        if index is None:
            people.append(noted)
            spoken.add(len(people) - 1)
            continue
        before = people[index]
        merged = merge_people(noted, before)
        longer = len(name_key(before.name)) > len(name_key(noted.name))
        name = before.name if longer and _first(before.name) == _first(noted.name) else merged.name
        # The debrief says who the person is: its role wins over a guess or an RSVP.
        people[index] = replace(merged, name=name, role=noted.role)
        spoken.add(index)
    discussed: list[str] = []
    warnings: list[str] = []
    for mention in notes.addresses:
        found = find_person(people, mention.name)
        if found is None:
            warnings.append(f"line {mention.line}: an address for someone not among the people")
        else:
            people[found] = replace(people[found], address=mention.text)
    for mention in notes.topics:
        found = find_person(people, mention.name)
        if found is None:
            discussed.append(mention.text)
        elif mention.text not in people[found].topics:
            people[found] = replace(people[found], topics=(*people[found].topics, mention.text))
    kept = [p for i, p in enumerate(people) if i not in removed or i in spoken]
    return kept, discussed, warnings


def _find(people: Sequence[Person], wanted: Person) -> int | None:
    if wanted.email:
        for index, person in enumerate(people):
            if same_email(person.email, wanted.email):
                return index
    return find_person(people, wanted.name) if name_key(wanted.name) else None


def _edited(people: Sequence[Person], removed: set[int], noted: Person) -> int | None:
    """The one person whose line is gone and who shares ``noted``'s first name."""
    first = _first(noted.name)
    matches = [i for i in sorted(removed) if first and _first(people[i].name) == first]
    return matches[0] if len(matches) == 1 else None


def _first(name: str) -> str:
    words = name_key(name).split()
    return words[0].rstrip(".") if words else ""


def _joined(*groups: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for group in groups:
        for item in group:
            seen.setdefault(clean_line(item).casefold(), item)
    return tuple(seen.values())
