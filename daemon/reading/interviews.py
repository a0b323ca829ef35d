"""From a calendar event to an :class:`Interview`: people, employer, job, notes.

:func:`interpret` is total: whatever an invitation holds, it returns an
Interview, with what it could not understand in ``warnings``.

Choices where DESIGN.md is silent:

- Before anything is read, the tools' text is set aside (``daemon.reading.boilerplate``):
  nothing from a Zoom, Teams, Meet or Webex block or a tool's footer reaches a note,
  and none of their numbers becomes a person's phone.
- Who is the user: ``[profile] email`` and ``aliases``, the attendee the backend
  marks (Google's ``self``), and an attendee carrying the user's full name. The
  user is never a person of the interview.
- Never people: rooms and resources, scheduling tools' addresses, no-reply senders
  and role mailboxes (``daemon.reading.mailboxes``). A named person whose address is
  such a mailbox stays a person, without the address: no draft goes to a mailbox.
- The organizer is a person met when they are a named person at the employer
  (a work domain, not free mail or a tool), even when the invitation does not list
  them as an attendee (Exchange and Outlook never do). Named: by the backend, by
  their address (``lena.ford@``) or by a signature in the text. A recruiting
  coordinator who organized a panel of others is HR and not met: they scheduled it.
- A person named under a met-label (``Met:``, ``Interviewer:``, ``Recruiter:``,
  ``HR:``) is met even if they declined the invitation: the user's notes,
  written after the interview, outrank an RSVP. A ``Decision maker:`` is met
  only if an attendee who did not decline.
- Notes and attendees are one person when the addresses match, else when the
  full names match (case-insensitively), else when the notes name is the first
  name (or first and last name) of exactly one attendee, else when it is the
  name an attendee's address spells (``dana.smith@``). The attendee's address
  wins; a first name in the notes gives way to the attendee's full name.
- Names read as a person says them ("Patel, Samir" is Samir Patel; "Dr.", "PhD",
  pronouns and "(via Greenhouse)" dropped). An attendee without a name (or with
  the address as the name) is named from the address when it reads ``first.last``.
- A title in a signature ("Best,\nLena Ford\nRecruiting Coordinator") is that
  person's title, and a title says the role: recruiters and coordinators are HR,
  hiring managers and executives decide.
- People come in notes order, then the attendees the notes do not name, then the organizer.
- The employer and the job: see ``daemon.reading.companies``. With no company
  anywhere, the title stands for it; an application key that comes out empty is
  replaced by one derived from the event uid, so unrelated untitled events never
  share an application.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

import phonenumbers

from daemon.domain.model import Attendee, CalendarEvent, Decision, Interview, PartStat, Person, Role
from daemon.domain.settings import DEFAULT_PATTERNS, Profile
from daemon.reading.companies import (
    agencies,
    application_key,
    clean_job,
    company_from_domain,
    company_from_domains,
    company_from_text,
    company_from_title,
    domain_display_name,
    employer_domain,
    generic,
    job_from_text,
    job_from_title,
    work_domains,
)
from daemon.reading.mailboxes import is_mailbox
from daemon.reading.notes import (
    MAX_FIELD_CHARS,
    Mention,
    Notes,
    merge_people,
    parse_notes,
    person_key_matches,
)
from daemon.reading.people import (
    TITLE_WORDS,
    Identity,
    Signature,
    is_coordinator,
    looks_like_name,
    looks_like_title,
    person_name,
    role_from_title,
    signatures,
)
from daemon.reading.text import (
    DECIDED_TAG,
    clean_line,
    email_domain,
    name_key,
    same_email,
    valid_email,
)

__all__ = [
    "MAX_WARNINGS",
    "application_key",
    "attendee_people",
    "company_from_domain",
    "company_from_domains",
    "company_from_title",
    "find_person",
    "interpret",
    "job_from_title",
    "local_date",
    "name_from_address",
    "phone_region",
    "work_domains",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DEFAULT_REGION = "US"
_TAGS = re.compile(r"(?<![\w#])#\w+")


def interpret(
    event: CalendarEvent,
    profile: Profile,
    *,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    not_people: Sequence[str] = (),
) -> Interview:
    """Read ``event`` as an interview; ``patterns`` are cut from the title to find the
    employer and the job, ``not_people`` are the config's extra mailbox patterns."""
    user = Identity.of(profile)
    notes = parse_notes(
        event.description,
        interview_date=local_date(event.start, profile),
        region=phone_region(profile),
    )
    content = notes.content
    people, discussed, warnings = _people(event, user, notes, not_people)
    title = clean_line(event.title, MAX_FIELD_CHARS)
    names = {person.name.casefold() for person in people if person.name}
    names |= {person.first_name.casefold() for person in people if person.first_name}
    if profile.name.strip():
        names.add(clean_line(profile.name).casefold())
        names.add(person_name(profile.name).casefold())
    addresses = [
        *(a.email for a in event.attendees if not user.is_user(a) and not a.resource),
        *([event.organizer] if event.organizer and not user.owns(event.organizer) else []),
        *(person.email for person in people),
    ]
    domain = employer_domain(addresses, user.emails, not_employers=agencies(event.title, content))
    company = notes.company
    if not company and domain:
        company = domain_display_name(domain, [title, content])
    if not company:
        company = (
            company_from_title(title, patterns, exclude=names, domains=[])
            or company_from_text(content, exclude=names)
            or _workday_tenant(addresses)
        )
    if not company:
        company = clean_line(_TAGS.sub(" ", title), MAX_FIELD_CHARS)
        warnings.append("no company found in the notes, title or attendees; the title stands in")
    exclude = names | {company.casefold(), application_key(company)}
    job = clean_job(notes.job) if notes.job else ""
    job = (
        job
        or job_from_title(title, patterns, exclude=exclude)
        or job_from_text(content, exclude=exclude)
    )
    decided = notes.decided
    if decided is None and DECIDED_TAG.search(event.title):
        decided = Decision(outcome="other")
    return Interview(
        id=event.id,
        title=title,
        start=event.start,
        end=event.end,
        company=company,
        application=application_key(company) or _uid_key(event.uid),
        job=job,
        people=tuple(people),
        hear_back=notes.hear_back,
        discussed=discussed,
        forgot=notes.forgot,
        offers=notes.offers,
        free_text=notes.free_text,
        decided=decided,
        warnings=_capped([*notes.warnings, *warnings]),
    )


def _workday_tenant(addresses: Sequence[str]) -> str:
    """Workday sends from ``<tenant>@myworkday.com``: the tenant is the employer's name."""
    for address in addresses:
        local, _, domain = address.casefold().partition("@")
        if (
            domain == "myworkday.com"
            and re.fullmatch(r"[a-z]{3,30}", local)
            and local not in {"noreply", "workday", "notifications", "donotreply"}
        ):
            return local.capitalize()
    return ""


#: A hostile or pasted description can yield thousands of warnings; a
#: person reads the first few, and the state store need not keep the rest.
MAX_WARNINGS = 20


def _capped(warnings: list[str]) -> tuple[str, ...]:
    if len(warnings) <= MAX_WARNINGS:
        return tuple(warnings)
    hidden = len(warnings) - MAX_WARNINGS + 1
    return (*warnings[: MAX_WARNINGS - 1], f"and {hidden} more problems in the notes")


def local_date(start: datetime, profile: Profile) -> date:
    """The interview's day where the user lives: spans like "in 2 weeks" count from it."""
    aware = start if start.tzinfo is not None else start.replace(tzinfo=UTC)
    try:
        return aware.astimezone(profile.timezone).date()
    except (OverflowError, ValueError):  # at the ends of the datetime range
        return aware.date()


def phone_region(profile: Profile) -> str:
    """The user's country, from their own phone number: how local numbers in notes read."""
    try:
        number = phonenumbers.parse(profile.phone, None)
    except phonenumbers.NumberParseException:
        return _DEFAULT_REGION
    found = phonenumbers.region_code_for_number(number)
    return found if found and found != "ZZ" else _DEFAULT_REGION


def _uid_key(uid: str) -> str:
    return "event-" + hashlib.sha256(uid.encode("utf-8", "replace")).hexdigest()[:16]


# --- people ---------------------------------------------------------------

#: Google's room and shared calendars; never people even when not marked as resources.
_ROOM_DOMAIN = re.compile(r"(?:^|\.)calendar\.google\.com$")
_ROOM_NAME = re.compile(r"^(?:conference |meeting )?room\b", re.IGNORECASE)


def _people(
    event: CalendarEvent, user: Identity, notes: Notes, not_people: Sequence[str] = ()
) -> tuple[list[Person], tuple[str, ...], list[str]]:
    """Merged people, the topics for no one in particular, and warnings."""
    attendees = attendee_people(event.attendees, user, not_people)
    people: list[Person] = []
    placed: dict[int, int] = {}  # attendee index -> index in people
    for noted in notes.people:
        if user.owns(noted.email) or user.named(noted.name):
            continue  # the user, named in their own notes
        if noted.email and is_mailbox(noted.email, noted.name, not_people):
            if not looks_like_name(noted.name):
                continue  # "Recruiter: recruiting@acme.com": a mailbox, no one
            noted = replace(noted, email="")  # a person, but no note to a shared mailbox
        index = _matching_attendee(noted, attendees)
        if index is None:
            people.append(noted)
            continue
        attendee = attendees[index]
        if _fuller_name(attendee.name, noted.name):
            # "Dana" in the notes is the attendee "Dana Smith".
            noted = replace(noted, name=attendee.name)
        if index in placed:
            people[placed[index]] = merge_people(people[placed[index]], noted)
        else:
            placed[index] = len(people)
            # Notes say who the person is and their role (an attendee's role is
            # only a default); the invitation says where mail goes and, unless
            # a met-label said so, whether they were there.
            merged = merge_people(replace(noted, email=attendee.email or noted.email), attendee)
            people.append(replace(merged, role=noted.role))
    people.extend(person for index, person in enumerate(attendees) if index not in placed)
    signed = signatures(notes.content.splitlines())
    organizer = _organizer(event, user, people, signed, not_people)
    if organizer is not None:
        named = next(
            (i for i, p in enumerate(people) if not p.email and _same_name(p.name, organizer.name)),
            None,
        )
        if named is None:
            people.append(organizer)
        else:  # "Interviewer: Samir Patel" and the organizer Samir Patel are one person
            people[named] = merge_people(replace(people[named], email=organizer.email), organizer)
    people = _organizer_first(_titled(people, signed, notes.content), event.organizer)
    discussed = list(notes.discussed)
    warnings: list[str] = []
    for mention in notes.addresses:
        found = find_person(people, mention.name)
        if found is None:
            warnings.append(_unknown(mention, "an address for", "it is not used"))
        else:
            people[found] = replace(people[found], address=mention.text)
    for mention in notes.topics:
        found = find_person(people, mention.name)
        if found is None:
            discussed.append(mention.text)
            warnings.append(_unknown(mention, "a topic discussed with", "it is kept as general"))
        elif mention.text not in people[found].topics:
            people[found] = replace(people[found], topics=(*people[found].topics, mention.text))
    return people, tuple(discussed), warnings


def _organizer(
    event: CalendarEvent,
    user: Identity,
    people: Sequence[Person],
    signed: Sequence[Signature],
    not_people: Sequence[str],
) -> Person | None:
    """The organizer as a person met, when a named person at the employer not yet listed."""
    address = valid_email(event.organizer)
    domain = email_domain(address)
    if not address or user.owns(address) or not domain or generic(domain):
        return None
    if any(same_email(person.email, address) for person in people):
        return None
    if is_mailbox(address, "", not_people):
        return None
    name = name_from_address(address)
    signature = next((s for s in signed if _signs_for(s.name, address, name)), None)
    if signature is not None:
        name = signature.name
    if not name:
        return None
    if any(person.email and name_key(person.name) == name_key(name) for person in people):
        return None  # named already, under another address
    title = signature.title if signature else ""
    role = role_from_title(title) or Role.INTERVIEWER
    # A coordinator who scheduled a panel of others did not sit in it.
    met = not (is_coordinator(title) and any(p.met for p in people))
    return Person(name=name, email=address, title=title, role=role, met=met)


def _signs_for(signed_name: str, address: str, spelled: str) -> bool:
    """Does a signature's name belong to ``address`` ("Lena Ford" and ``lford@``, ``lena@``)?"""
    words = name_key(signed_name).split()
    if len(words) < 2:
        return False
    if spelled:
        return name_key(spelled) == " ".join(words)
    local = re.sub(r"[^a-z]", "", address.partition("@")[0].casefold())
    first, last = words[0], words[-1]
    return local in {first, last, first + last, first[0] + last, first + last[0], last + first[0]}


def _titled(people: list[Person], signed: Sequence[Signature], content: str) -> list[Person]:
    """Titles from signatures and from the text ("with Carl Stone, Hiring Manager at Globex"),
    and the roles titles state (a label's role is kept)."""
    result = []
    for person in people:
        signature = next(
            (s for s in signed if s.title and name_key(s.name) == name_key(person.name)), None
        )
        if signature is not None and not person.title:
            person = replace(person, title=signature.title)
        if not person.title and person.name:
            person = replace(person, title=_title_in_text(person.name, content))
        if person.role is Role.INTERVIEWER:
            person = replace(person, role=role_from_title(person.title) or person.role)
        result.append(person)
    return result


_TITLE_AFTER_NAME = r"\s*(?:,|\(|\s[-–—]\s|\n)\s*(?P<title>[^\n.;:()]{2,80})(?=[\n.;()]|$)"
_TITLE_END = re.compile(r"\s+(?:at|@|from|with|on|for|in)\s+.*$|\s*[,|].*$", re.IGNORECASE)


def _title_in_text(name: str, content: str) -> str:
    """The title written right after ``name`` in the text, if it reads as a job title."""
    if len(name.split()) < 2:
        return ""
    pattern = re.compile(re.escape(name) + _TITLE_AFTER_NAME)
    for match in pattern.finditer(content[:20000]):
        title = _TITLE_END.sub("", match["title"]).strip(" ,-–—")
        words = {word.casefold().strip(",") for word in title.split()}
        if title and looks_like_title(title) and words & TITLE_WORDS:
            return clean_line(title, MAX_FIELD_CHARS)
    return ""


def _organizer_first(people: list[Person], organizer: str) -> list[Person]:
    """The organizer before the others: who set the interview up breaks a tie for the call."""
    first = [p for p in people if organizer and same_email(p.email, organizer)]
    return first + [p for p in people if p not in first]


def _unknown(mention: Mention, what: str, outcome: str) -> str:
    return f"line {mention.line}: {what} someone not (or not uniquely) among the people; {outcome}"


def attendee_people(
    attendees: Sequence[Attendee], user: Identity | str, not_people: Sequence[str] = ()
) -> list[Person]:
    """Attendees as people: not the user, rooms, tools or mailboxes; one per address;
    met unless declined."""
    me = user if isinstance(user, Identity) else Identity.of(user)
    people: list[Person] = []
    for attendee in attendees:
        if attendee.resource or me.is_user(attendee):
            continue
        email = valid_email(attendee.email)
        raw_name = clean_line(attendee.name, MAX_FIELD_CHARS)
        if _ROOM_DOMAIN.search(email_domain(email)) or _ROOM_NAME.match(raw_name):
            continue
        if is_mailbox(email or attendee.email, raw_name, not_people):
            continue
        name = person_name(raw_name)
        if "@" in raw_name or not name:  # exports often repeat the address as the name
            name = name_from_address(email)
        if not (email or name):
            continue
        person = Person(name=name, email=email, met=attendee.partstat != PartStat.DECLINED)
        twin = next((i for i, p in enumerate(people) if same_email(p.email, email)), None)
        if twin is None:
            people.append(person)
        else:
            people[twin] = merge_people(people[twin], person)
    return people


#: Mailboxes that are a function, not a person: never read as a name.
_ROLE_MAILBOXES = _words(
    """hr jobs job careers career recruiting recruiter recruiters recruitment talent hiring
    people team teams info admin office contact hello support help noreply no reply
    donotreply do not notifications notification notify calendar calendars invite invites
    interviews interview scheduling schedule scheduler mailer daemon postmaster staffing
    apply applications candidates candidate hiringteam hrteam the and"""
)
_LOCAL_PART_WORD = re.compile(r"[A-Za-z]{2,30}")


def name_from_address(address: str) -> str:
    """``dana.smith@acme.com`` -> ``Dana Smith``; ``""`` unless it clearly spells a name.

    Two or three parts separated by ``.``, ``_`` or ``-``, letters only, none
    a role mailbox (``hr``, ``jobs``, ``no-reply``). A single word is no name:
    ``dsmith`` would read as "Dsmith".
    """
    local = address.partition("@")[0] if "@" in address else ""
    local = local.partition("+")[0]
    parts = re.split(r"[._-]", local)
    if not 2 <= len(parts) <= 3:
        return ""
    if not all(_LOCAL_PART_WORD.fullmatch(part) for part in parts):
        return ""
    if any(part.casefold() in _ROLE_MAILBOXES for part in parts):
        return ""
    return " ".join(part.capitalize() for part in parts)


def _same_name(first: str, second: str) -> bool:
    return bool(name_key(first)) and name_key(first) == name_key(second)


def _fuller_name(full: str, short: str) -> bool:
    """Is ``full`` a longer form of ``short`` ("Dana Q. Smith" of "Dana" or "Dana Smith")?"""
    full_words, short_words = name_key(full).split(), name_key(short).split()
    if not short_words or len(full_words) <= len(short_words):
        return False
    return short_words in ([full_words[0]], [full_words[0], full_words[-1]])


def _first_and_last(name: str) -> str:
    words = name_key(name).split()
    return f"{words[0]} {words[-1]}" if len(words) > 1 else ""


def _matching_attendee(noted: Person, attendees: Sequence[Person]) -> int | None:
    """The attendee ``noted`` is: same address, full name, unique first name, address name."""
    if noted.email:
        for index, attendee in enumerate(attendees):
            if same_email(attendee.email, noted.email):
                return index
    wanted = name_key(noted.name)
    if not wanted:
        return None
    for index, attendee in enumerate(attendees):
        if name_key(attendee.name) == wanted:
            return index
    words = wanted.split()
    first = [
        index
        for index, attendee in enumerate(attendees)
        if name_key(attendee.first_name) == words[0]
    ]
    if len(first) == 1 and (len(words) == 1 or _first_and_last(attendees[first[0]].name) == wanted):
        return first[0]
    spelled = [
        index
        for index, attendee in enumerate(attendees)
        if _same_name(name_from_address(attendee.email), wanted)
    ]
    return spelled[0] if len(spelled) == 1 else None


def find_person(people: Sequence[Person], name: str) -> int | None:
    """The one person ``name`` means: a full name first, else a unique first name."""
    wanted = name_key(name)
    full = [i for i, p in enumerate(people) if name_key(p.name) == wanted]
    if len(full) == 1:
        return full[0]
    if full:
        return None
    first = [i for i, p in enumerate(people) if person_key_matches(p, name)]
    return first[0] if len(first) == 1 else None
