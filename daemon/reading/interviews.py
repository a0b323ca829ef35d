"""From a calendar event to an :class:`Interview`: people, employer, job, notes.

:func:`interpret` is total: whatever an invitation holds, it returns an
Interview, with what it could not understand in ``warnings``.

Choices where DESIGN.md is silent:

- The organizer is a person only if also listed as an attendee (Google lists
  them; a bare ORGANIZER is often a scheduling tool or a shared calendar).
- A person named under a met-label (``Met:``, ``Interviewer:``, ``Recruiter:``,
  ``HR:``) is met even if they declined the invitation: the user's notes,
  written after the interview, outrank an RSVP. A ``Decision maker:`` is met
  only if an attendee who did not decline.
- Notes and attendees are one person when the addresses match, else when the
  full names match (case-insensitively), else when the notes name is the first
  name (or first and last name) of exactly one attendee, else when it is the
  name an attendee's address spells (``dana.smith@``). The attendee's address
  wins; a first name in the notes gives way to the attendee's full name.
- An attendee without a name (or with the address as the name) is named from
  the address when it reads ``first.last`` (also ``_`` or ``-``), letters only
  and not a role mailbox (``hr``, ``jobs``, ``no-reply``): ``Dana Smith``.
- People come in notes order, then the attendees the notes do not name.
- With no company anywhere, the title stands for it; an application key that
  comes out empty is replaced by one derived from the event uid, so unrelated
  untitled events never share an application.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

import phonenumbers

from daemon.domain.model import Attendee, CalendarEvent, Decision, Interview, PartStat, Person
from daemon.domain.settings import DEFAULT_PATTERNS, Profile
from daemon.reading.detection import pattern_regex
from daemon.reading.notes import (
    MAX_FIELD_CHARS,
    Mention,
    Notes,
    merge_people,
    parse_notes,
    person_key_matches,
)
from daemon.reading.text import (
    DECIDED_TAG,
    clean_line,
    email_domain,
    name_key,
    same_email,
    valid_email,
)

_DEFAULT_REGION = "US"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def interpret(
    event: CalendarEvent, profile: Profile, *, patterns: Sequence[str] = DEFAULT_PATTERNS
) -> Interview:
    """Read ``event`` as an interview; ``patterns`` are cut from the title to find the employer."""
    notes = parse_notes(
        event.description,
        interview_date=local_date(event.start, profile),
        region=phone_region(profile),
    )
    people, discussed, warnings = _people(event, profile, notes)
    title = clean_line(event.title, MAX_FIELD_CHARS)
    names = {person.name.casefold() for person in people if person.name}
    names |= {person.first_name.casefold() for person in people if person.first_name}
    if profile.name.strip():
        names.add(clean_line(profile.name).casefold())
    company = (
        notes.company
        or company_from_title(
            title,
            patterns,
            exclude=names,
            domains=work_domains([person.email for person in people], profile.email),
        )
        or company_from_domains([person.email for person in people], profile.email)
    )
    if not company:
        company = clean_line(_TAGS.sub(" ", title), MAX_FIELD_CHARS)
        warnings.append("no company found in the notes, title or attendees; the title stands in")
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
        job=notes.job or job_from_title(title, patterns, exclude=names | {company.casefold()}),
        people=tuple(people),
        hear_back=notes.hear_back,
        discussed=discussed,
        forgot=notes.forgot,
        offers=notes.offers,
        free_text=notes.free_text,
        decided=decided,
        warnings=_capped([*notes.warnings, *warnings]),
    )


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
    event: CalendarEvent, profile: Profile, notes: Notes
) -> tuple[list[Person], tuple[str, ...], list[str]]:
    """Merged people, the topics for no one in particular, and warnings."""
    attendees = attendee_people(event.attendees, profile.email)
    people: list[Person] = []
    placed: dict[int, int] = {}  # attendee index -> index in people
    for noted in notes.people:
        if same_email(noted.email, profile.email):
            continue  # the user, named in their own notes
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


def _unknown(mention: Mention, what: str, outcome: str) -> str:
    return f"line {mention.line}: {what} someone not (or not uniquely) among the people; {outcome}"


def attendee_people(attendees: Sequence[Attendee], profile_email: str) -> list[Person]:
    """Attendees as people: not the user, not rooms, one per address, met unless declined."""
    people: list[Person] = []
    for attendee in attendees:
        if attendee.resource or attendee.is_user or same_email(attendee.email, profile_email):
            continue
        email = valid_email(attendee.email)
        name = clean_line(attendee.name, MAX_FIELD_CHARS)
        if _ROOM_DOMAIN.search(email_domain(email)) or _ROOM_NAME.match(name):
            continue
        if "@" in name or not name:  # exports often repeat the address as the name
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
_ROLE_MAILBOXES = _word_set(
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


# --- company and job --------------------------------------------------------


_TAGS = re.compile(r"(?<![\w#])#\w+")
_PARENTHESISED = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
#: "with", "at", "w/", "@", "<>" and a lower-case "x" ("Acme x Alex") join the
#: parts of a title; what stands on either side is a separate candidate.
_CONNECTOR = re.compile(
    r"(?:(?<!\S)(?:with|at|w/)\s+|\s*@\s*|\s*<>\s*|\s+(?-i:x)\s+)", re.IGNORECASE
)
_SEPARATOR = re.compile(r"\s+-+\s+|\s*[–—|:;,•]\s*|\s+/\s+")
_FOR = re.compile(r"\s+for\s+", re.IGNORECASE)
_TIME_LIKE = re.compile(r"^\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?$", re.IGNORECASE)
#: Words around the employer's name in a title. Only trimmed from the ends,
#: so a name like "Bank of America" keeps its inner words.
_FILLER = _word_set(
    """a an the my our your 1st 2nd 3rd 4th 5th first second third fourth fifth next last
    final round call chat meeting video virtual technical coding behavioral behavioural
    hiring manager hr recruiter recruiting screen screening phone job initial intro
    introductory follow-up followup loop in-person culture fit take-home debrief session
    conversation discussion w/ with at for and & of to re fw fwd invitation updated
    tentative rescheduled zoom teams meet webex skype hangouts remote"""
)
#: Words that, in parentheses, are about the meeting rather than the job.
_MEETING_WORDS = _word_set(
    "zoom teams meet webex skype hangouts remote hybrid onsite on-site in-person"
)
#: Meeting tools named in two words; cut before the filler words are trimmed,
#: so "Microsoft Teams interview" never leaves "Microsoft".
_MEETING_TOOL = re.compile(
    r"(?<!\w)(?:(?:microsoft|ms)\s+teams|google\s+(?:meet|hangouts)|zoom\s+meeting)(?!\w)",
    re.IGNORECASE,
)
#: The last word of a job title: such a candidate is the employer only when
#: nothing else is ("Onsite - Senior Engineer - Acme").
_JOB_NOUNS = _word_set(
    """engineer engineers developer developers manager designer scientist analyst architect
    lead director intern internship consultant specialist administrator researcher
    programmer sre devops pm swe sde vp cto ceo cfo coo head officer associate
    representative accountant"""
)


def company_from_title(
    title: str, patterns: Sequence[str], *, exclude: set[str], domains: Sequence[str] = ()
) -> str:
    """The employer in a title like "Interview with Acme" or "Acme – onsite interview".

    ``exclude`` holds names (casefolded) that are people, not employers;
    ``domains`` the attendees' work domains: a candidate that names one of
    them wins ("Onsite - Senior Engineer - Acme" with ``acme.com``). Else the
    first candidate that is not a meeting tool, a person or a time; a
    candidate that looks like a job title only if nothing else is.
    Parenthesised text is the employer only if nothing else is: it usually
    holds the job.
    """
    text = _MEETING_TOOL.sub(" ", _TAGS.sub(" ", title))
    bare = _PARENTHESISED.sub(" ", text)
    pieces = [_CONNECTOR.split(piece, 1)[0] for piece in _SEPARATOR.split(bare)]
    found: list[str] = []
    for candidate in [*_after_connectors(bare), *pieces, *_parenthesised(text)]:
        company = _trim(_FOR.split(candidate, 1)[0], patterns)
        if company and company.casefold() not in exclude and not _TIME_LIKE.match(company):
            found.append(company)
    wanted = {_compact(company_from_domain(domain)) for domain in domains} - {""}
    for company in found:
        if _compact(company) in wanted:
            return company
    for company in found:
        if company.split()[-1].casefold() not in _JOB_NOUNS:
            return company
    return found[0] if found else ""


def _compact(name: str) -> str:
    """A company name compared with a domain: "Acme Robotics" is ``acmerobotics.com``."""
    return application_key(name).replace(" ", "")


def work_domains(emails: Sequence[str], own_email: str) -> list[str]:
    """The domains of ``emails`` that can name an employer: not free mail, schedulers, own."""
    own = email_domain(own_email)
    domains = [email_domain(email) for email in emails if email]
    return [domain for domain in domains if domain and domain != own and not _generic(domain)]


def _after_connectors(text: str) -> list[str]:
    """What follows each "with"/"at"/"@", last first: "Interview with Jane at Acme"."""
    starts = [match.end() for match in _CONNECTOR.finditer(text)]
    return [_CONNECTOR.split(_SEPARATOR.split(text[start:], 1)[0], 1)[0] for start in starts[::-1]]


def _parenthesised(text: str) -> list[str]:
    return [(round_ or square).strip() for round_, square in _PARENTHESISED.findall(text)]


def _trim(candidate: str, patterns: Sequence[str]) -> str:
    """``candidate`` without interview patterns and without filler words at its ends."""
    words = _without_patterns(candidate, patterns).split()
    while words and (words[0].casefold() in _FILLER or words[0].isdigit()):
        words.pop(0)
    while words and (words[-1].casefold() in _FILLER or words[-1].isdigit()):
        words.pop()
    trimmed = " ".join(words).strip(" .,;:'\"-–—")
    return trimmed if any(char.isalpha() for char in trimmed) else ""


def _without_patterns(text: str, patterns: Sequence[str]) -> str:
    for pattern in patterns:
        regex = pattern_regex(pattern)
        if regex is not None:
            text = regex.sub(" ", text)
    return " ".join(text.split())


def job_from_title(title: str, patterns: Sequence[str], *, exclude: set[str]) -> str:
    """The job when the title clearly names one: "... for Staff Engineer", "(Staff Engineer)"."""
    text = _TAGS.sub(" ", title)
    after_for = _FOR.split(_PARENTHESISED.sub(" ", text), 1)
    candidates = [after_for[1]] if len(after_for) == 2 else []
    candidates += _parenthesised(text)
    for candidate in candidates:
        job = _SEPARATOR.split(_CONNECTOR.split(candidate, 1)[0], 1)[0]
        job = re.sub(r"\s+(?:role|position)$", "", job.strip(), flags=re.IGNORECASE)
        job = _without_patterns(re.sub(r"^(?:the|a|an)\s+", "", job, flags=re.IGNORECASE), patterns)
        trimmed = _trim(job, patterns)
        if not trimmed or trimmed.casefold() in exclude or _TIME_LIKE.match(trimmed):
            continue
        if not set(trimmed.casefold().split()) & _MEETING_WORDS:
            # Untrimmed: "Engineering Manager" ends in a filler word.
            return clean_line(job.strip(" .,;:'\"-–—"), MAX_FIELD_CHARS)
    return ""


_FREE_MAIL = _word_set(
    """gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com
    icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me gmx.com gmx.net gmx.de
    web.de mail.com zoho.com yandex.com yandex.ru fastmail.com fastmail.fm hey.com
    tutanota.com tuta.io qq.com 163.com 126.com mail.ru"""
)
_FREE_MAIL_BRANDS = frozenset({"yahoo", "hotmail", "outlook", "live", "gmx", "aol", "yandex"})
#: Applicant-tracking and scheduling services send invitations for employers.
_SCHEDULERS = _word_set(
    """greenhouse.io lever.co ashbyhq.com myworkday.com workday.com smartrecruiters.com
    icims.com jobvite.com workable.com bamboohr.com recruitee.com teamtailor.com
    calendly.com goodtime.io gem.com zoom.us"""
)
_SECOND_LEVEL = _word_set(
    """co.uk org.uk ac.uk com.au net.au org.au co.nz co.jp co.in co.za com.br com.mx com.sg
    com.cn com.hk co.kr com.tr co.il com.ar com.tw"""
)


def company_from_domains(emails: Sequence[str], own_email: str) -> str:
    """The employer from the most common work domain among the people's addresses."""
    work = work_domains(emails, own_email)
    if not work:
        return ""
    counts = Counter(work)
    best = max(work, key=lambda domain: counts[domain])  # ties: the first seen
    return company_from_domain(best)


def _generic(domain: str) -> bool:
    if domain in _FREE_MAIL or domain.split(".")[0] in _FREE_MAIL_BRANDS:
        return True
    if _ROOM_DOMAIN.search(domain):
        return True
    return any(domain == known or domain.endswith("." + known) for known in _SCHEDULERS)


def company_from_domain(domain: str) -> str:
    """``mail.acme-robotics.co.uk`` -> ``Acme Robotics``: the registered name, in words."""
    labels = [label for label in domain.casefold().split(".") if label]
    if len(labels) < 2:
        return ""
    suffix_length = 2 if ".".join(labels[-2:]) in _SECOND_LEVEL and len(labels) > 2 else 1
    name = labels[-suffix_length - 1]
    return " ".join(word.capitalize() for word in re.split(r"[-_]+", name) if word)


# --- application key --------------------------------------------------------

_LEGAL_SUFFIXES = _word_set(
    """inc incorporated llc llp ltd limited gmbh corp corporation co plc ag sa bv nv sas
    sarl srl spa pty pte oy ab kk kg"""
)


def application_key(company: str) -> str:
    """The application a company name belongs to: "Acme, Inc." and "ACME" are one.

    Casefolded, accents and punctuation dropped ("J.P." is "jp"), "&" read as
    "and", legal-form suffixes and a leading "the" removed. A name that is
    nothing but a suffix ("Co.") is kept rather than emptied.
    """
    text = unicodedata.normalize("NFKD", company.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[.'’]", "", text.replace("&", " and "))
    words = re.sub(r"[\W_]+", " ", text).split()
    stripped = list(words)
    if stripped and stripped[0] == "the" and len(stripped) > 1:
        stripped.pop(0)
    while stripped and stripped[-1] in _LEGAL_SUFFIXES:
        stripped.pop()
        if stripped and stripped[-1] == "and":  # "Johnson & Co"
            stripped.pop()
    return " ".join(stripped or words)
