"""The notes syntax of an interview event's description (DESIGN.md, "Interview notes").

Lines ``Label: value`` in any order and any case, optionally bulleted; every
other line is free text. Reading notes never raises on what a person (or a
hostile invitation) wrote: what cannot be understood becomes a warning.
Warnings name the line number and never quote the notes, so they are safe to
log (DESIGN.md: no note text in logs).

Choices where DESIGN.md is silent:

- One person per ``Met:``-style line. Commas separate the name from the
  details, so ``Met: Alice, Bob`` reads as Alice with the title "Bob". A line
  with two or more different addresses is a warning and is split after each
  address (``Met: A <a@x.com>, B <b@x.com>`` is two people).
- Pronouns (``(she/her)``) are neither the name nor the title.
- ``Decided:`` is not a decision when it says not yet (``not yet``, ``tbd``,
  ``pending``, a question): stopping every follow-up on it would be the costly
  mistake. ``not selected``, ``not moving forward``, ``no offer``, ``no`` and
  the like are a rejection.
- Labels that say "met" (``Met:``, ``Interviewer:``, ``Recruiter:``, ``HR:``)
  make the person met; ``Decision maker:`` leaves that to the attendee list.
- A label with an empty value (a template not filled in) is ignored.
- Labels that hold one value (``Company:``, ``Role:``, ``Hear back:``,
  ``Decided:``): the last readable one wins, as people append corrections.
- Google Meet's generated block (between ``-::~:~::~`` rulers) is not notes.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from datetime import date

import phonenumbers

from daemon.domain.model import Decision, Person, Role
from daemon.reading.boilerplate import Boilerplate, is_dial_in, set_aside
from daemon.reading.hear_back import parse_hear_back
from daemon.reading.people import looks_like_name, looks_like_title, person_name, role_from_title
from daemon.reading.text import (
    DECIDED_TAG,
    clean_block,
    clean_line,
    find_emails,
    name_key,
    visible_text,
)

#: Names, titles, company and job end up in e-mail headers and subjects.
MAX_FIELD_CHARS = 300
#: Topics and the like are sentences, still bounded.
MAX_TEXT_CHARS = 2000
#: Person values longer than this are not a name and a few details; reading
#: them for phone numbers would only cost time.
_MAX_PERSON_VALUE_CHARS = 1000


class Label(enum.Enum):
    COMPANY = "company"
    JOB = "job"
    MET = "met"
    HR = "hr"
    DECISION_MAKER = "decision maker"
    ADDRESS = "address"
    HEAR_BACK = "hear back"
    DISCUSSED = "discussed"
    FORGOT = "forgot"
    OFFER = "offer"
    DECIDED = "decided"


#: Label spellings after :func:`_label_key` (casefold, hyphens as spaces).
LABELS: dict[str, Label] = {
    "company": Label.COMPANY,
    "role": Label.JOB,
    "position": Label.JOB,
    "job": Label.JOB,
    "job title": Label.JOB,
    "position title": Label.JOB,
    "job opening": Label.JOB,
    "met": Label.MET,
    "met with": Label.MET,
    "interviewer": Label.MET,
    "interviewers": Label.MET,
    "interviewed with": Label.MET,
    "interviewed by": Label.MET,
    "interview panel": Label.MET,
    "panel": Label.MET,
    "panelists": Label.MET,
    "you will meet": Label.MET,
    "you will be meeting with": Label.MET,
    "you'll be meeting with": Label.MET,
    "you will be speaking with": Label.MET,
    "you'll be speaking with": Label.MET,
    "you'll meet with": Label.MET,
    "you will meet with": Label.MET,
    "meeting with": Label.MET,
    "speaking with": Label.MET,
    "your interviewer": Label.MET,
    "your interviewers": Label.MET,
    "your interviewer will be": Label.MET,
    "your interviewers will be": Label.MET,
    "your interviewers are": Label.MET,
    "interview team": Label.MET,
    "interview schedule": Label.MET,
    "schedule": Label.MET,
    "itinerary": Label.MET,
    "recruiter": Label.HR,
    "recruiters": Label.HR,
    "recruiting coordinator": Label.HR,
    "coordinator": Label.HR,
    "recruiting contact": Label.HR,
    "your recruiter": Label.HR,
    "talent partner": Label.HR,
    "hr": Label.HR,
    "decision maker": Label.DECISION_MAKER,
    "decision makers": Label.DECISION_MAKER,
    "hiring manager": Label.DECISION_MAKER,
    "hiring managers": Label.DECISION_MAKER,
    "address": Label.ADDRESS,
    "hear back": Label.HEAR_BACK,
    "hear back by": Label.HEAR_BACK,
    "hearback": Label.HEAR_BACK,
    "hearback by": Label.HEAR_BACK,
    "decision by": Label.HEAR_BACK,
    "discussed": Label.DISCUSSED,
    "forgot": Label.FORGOT,
    "correction": Label.FORGOT,
    "offer": Label.OFFER,
    "i can": Label.OFFER,
    "decided": Label.DECIDED,
}

_PERSON_LABELS = {
    Label.MET: Role.INTERVIEWER,
    Label.HR: Role.HR,
    Label.DECISION_MAKER: Role.DECISION_MAKER,
}

#: Calling preference, most wanted first (model.Role's declared order).
ROLE_RANK = {role: rank for rank, role in enumerate(Role)}

_BULLET = r"(?:[-*•·◦‣▪–—>]+\s*|\d{1,3}[.)]\s+)?"
_LABEL_LINE = re.compile(rf"^\s*{_BULLET}(?P<label>[^:]{{1,60}}?)\s*:(?P<value>.*)$")
_DECIDED_ALONE = re.compile(rf"^\s*{_BULLET}decided\s*[.!]*\s*$", re.IGNORECASE)
_DISCUSSED_WITH = re.compile(r"^discussed\s+with\s+(?P<names>.+)$", re.IGNORECASE)
_NAME_LIST_SEPARATOR = re.compile(r"\s*(?:,|&|\band\b)\s*", re.IGNORECASE)
#: Labels an employer's text uses for a list of people: read strictly (only names).
_EMPLOYER_LABELS = frozenset(
    key
    for key, label in LABELS.items()
    if label is Label.MET
    and key
    not in {"met", "met with", "interviewer", "interviewers", "interviewed with", "interviewed by"}
)
#: A line that announces a list of people below it ("Here is your schedule:").
_LIST_HEADER = re.compile(
    r"^\s*(?:here\s+is\s+(?:your|the)\s+(?:interview\s+)?(?:schedule|agenda|itinerary)"
    r"|(?:your\s+)?(?:interview\s+)?(?:schedule|agenda|itinerary|interviewers?|panel)"
    r"(?:\s+(?:is|are|will\s+be))?(?:\s+as\s+follows)?"
    r"|you(?:'|’|\s+wi)ll\s+(?:be\s+)?(?:meeting|speaking|talking)\s+with(?:\s+the\s+following)?"
    r"(?:\s+(?:people|interviewers))?)\s*[:.]?\s*$",
    re.IGNORECASE,
)
#: Before a person in a schedule: a bullet, a number, a time span ("10:00 - 10:45 AM EST").
_TIME = r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
_LIST_PREFIX = re.compile(
    rf"^\s*(?:[-*•·◦‣▪–—>]+\s*|\d{{1,2}}[.)]\s+)?(?:{_TIME}\s*(?:-|–|—|to)\s*{_TIME}"
    r"(?:\s*\(?[A-Z]{2,5}\)?)?\s*[:\-–—|]?\s*)?",
    re.IGNORECASE,
)
#: An employer's sentence about the invitation itself, not the candidate's afterthought:
#: "Correction: this interview will now be with Lena Ford".
_ABOUT_THE_INVITATION = re.compile(
    r"\b(?:this|the|your|our)\s+(?:interview|meeting|call|invitation|invite|event|session"
    r"|schedule|time\s+slot|calendar\s+(?:invite|invitation|event))\b.*\b(?:will|now|has|have"
    r"|is|was|been|moved|rescheduled|changed|updated|cancell?ed|instead|with|at|to)\b"
    r"|\b(?:has|have)\s+been\s+(?:moved|rescheduled|changed|updated|cancell?ed)\b"
    r"|\b(?:new|updated)\s+(?:time|date|location|link|interviewer)s?\b"
    r"|^\s*(?:please\s+note|note\s+that)\b",
    re.IGNORECASE,
)


def _phrases(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(phrase.split()) for phrase in text.split(";") if phrase.strip())


#: ``Decided: not yet`` says the opposite of decided; stopping every
#: follow-up on it would be the costly mistake, so it is not a decision.
#: Each phrase is matched against the first words of the value.
_NOT_YET_PHRASES = _phrases(
    """not; not yet; not decided; not sure; not known; not final; not finalised;
    not finalized; not confirmed; not heard; not heard back; no decision; no news;
    no answer; no response; no reply; no word; no update; no idea; undecided; tbd; tba;
    tbc; pending; waiting; still waiting; awaiting; unknown; unclear; maybe; open;
    in progress; yet to; to be decided; to be determined; on hold"""
)
#: Phrases (first words of the value) that say how it was decided; checked
#: after the not-yet phrases, longest first, then the first word alone.
_OUTCOME_PHRASES: dict[tuple[str, ...], str] = {
    phrase: outcome
    for outcome, phrases in {
        "rejected": _phrases(
            """not selected; not moving forward; not moving ahead; not going forward;
            not proceeding; not progressing; not advancing; not continuing; not hired;
            not successful; not a fit; not chosen; not offered; not accepted;
            not picked; not shortlisted; no offer; no go; no-go; turned down;
            unsuccessful; declined; rejected; rejection; reject; no"""
        ),
        "withdrawn": _phrases(
            """not interested; not pursuing; i declined; i withdrew; i turned it down;
            withdrawn; withdrew; withdraw"""
        ),
        "offer": _phrases("offer; offered; accepted; hired; got the offer; got an offer"),
    }.items()
    for phrase in phrases
}
_DECISION_WORD = re.compile(r"[\w'-]+|\?")


@dataclass(frozen=True)
class Mention:
    """A value that belongs to a person named in the notes (address, topic).

    The person may be an attendee rather than a notes person, so mentions are
    resolved only once attendees and notes are merged (``daemon.reading.interviews``).
    """

    name: str
    text: str
    line: int


@dataclass(frozen=True)
class Notes:
    company: str = ""
    job: str = ""
    #: ``met`` is True only where a met-label named the person.
    people: tuple[Person, ...] = ()
    addresses: tuple[Mention, ...] = ()
    topics: tuple[Mention, ...] = ()
    hear_back: date | None = None
    discussed: tuple[str, ...] = ()
    forgot: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    free_text: str = ""
    decided: Decision | None = None
    warnings: tuple[str, ...] = field(default=())
    #: The description as a person sees it, with the tools' text set aside.
    content: str = field(default="", compare=False, repr=False)
    #: What was set aside: the tools found and every dial-in number.
    boilerplate: Boilerplate = field(
        default_factory=lambda: Boilerplate(""), compare=False, repr=False
    )


def parse_notes(description: str, *, interview_date: date, region: str = "US") -> Notes:
    """Read the notes of one event; ``interview_date`` is its local date.

    ``region`` (ISO 3166 alpha-2) reads phone numbers written without a
    country code and orders numeric dates (``12/4``).
    """
    text = set_aside(visible_text(description))
    reader = _Reader(interview_date=interview_date, region=region, dial_in=text.numbers)
    for number, line in enumerate(text.text.splitlines(), start=1):
        reader.read_line(number, line)
    return replace(
        reader.result(has_decided_tag=DECIDED_TAG.search(text.text) is not None),
        content=text.text,
        boilerplate=text,
    )


def _label_key(label: str) -> str:
    text = label.casefold().replace("’", "'").replace("-", " ").replace("_", " ")
    return " ".join(text.strip(" *•·>").split())


class _Reader:
    """Accumulates one description's lines; a class only to keep the state together."""

    def __init__(
        self, *, interview_date: date, region: str, dial_in: frozenset[str] = frozenset()
    ) -> None:
        self.interview_date = interview_date
        self.region = region
        self.dial_in = dial_in
        #: The label of a list being read ("You'll be meeting with:" and the lines after it).
        self.listing: Label | None = None
        self.company = ""
        self.job = ""
        self.people: list[Person] = []
        self.addresses: list[Mention] = []
        self.topics: list[Mention] = []
        self.hear_back: date | None = None
        self.discussed: list[str] = []
        self.forgot: list[str] = []
        self.offers: list[str] = []
        self.free_lines: list[str] = []
        self.decided: Decision | None = None
        self.warnings: list[str] = []
        self._list_blanks = 0
        self._list_entries = 0

    def read_line(self, number: int, line: str) -> None:
        if _DECIDED_ALONE.match(line):
            self.listing = None
            self.decided = Decision(outcome="other")
            return
        match = _LABEL_LINE.match(line)
        if match is not None and self._read_label(number, match["label"], match["value"]):
            return
        if self.listing is not None and self._read_list_line(number, line):
            return
        self.listing = None
        if _LIST_HEADER.match(line):
            self.listing, self._list_blanks, self._list_entries = Label.MET, 0, 0
            return
        self.free_lines.append(line)

    def _read_list_line(self, number: int, line: str) -> bool:
        """A line under "You'll be meeting with:": a person, or the list has ended."""
        value = _LIST_PREFIX.sub("", line).strip()
        if not value:
            # One blank line may stand between the header and its first entry.
            self._list_blanks += 1
            return self._list_entries == 0 and self._list_blanks <= 1
        if not looks_like_name(person_name(_lead(value))):
            return False
        self._list_entries += 1
        self._read_person(number, self.listing or Label.MET, value, strict=True)
        return True

    def _read_label(self, number: int, raw_label: str, raw_value: str) -> bool:
        """Apply one labelled line; False if the label is not one of ours."""
        with_names = _DISCUSSED_WITH.match(raw_label.strip())
        key = _label_key(raw_label)
        label = Label.DISCUSSED if with_names else LABELS.get(key)
        if label is None:
            return False
        value = clean_line(raw_value, MAX_TEXT_CHARS)
        strict = key in _EMPLOYER_LABELS
        if label in _PERSON_LABELS and (strict or not value):
            # "You'll be meeting with:" opens a list of people on the lines below.
            self.listing, self._list_blanks, self._list_entries = label, 0, 0
        else:
            self.listing = None
        if not value and label is not Label.DECIDED:
            return True
        if with_names:
            for name in _NAME_LIST_SEPARATOR.split(clean_line(with_names["names"])):
                if name:
                    self.topics.append(Mention(clean_line(name, MAX_FIELD_CHARS), value, number))
        elif label is Label.COMPANY:
            self.company = clean_line(value, MAX_FIELD_CHARS)
        elif label is Label.JOB:
            self.job = clean_line(value, MAX_FIELD_CHARS)
        elif label in _PERSON_LABELS:
            if strict and not looks_like_name(person_name(_lead(value))):
                return False  # "Schedule: 10:00 to 12:00": not a person
            self._read_person(number, label, value, strict=strict)
        elif label is Label.ADDRESS:
            self._read_address(number, value)
        elif label is Label.HEAR_BACK:
            self._read_hear_back(number, value)
        elif label is Label.DISCUSSED:
            self.discussed.append(value)
        elif label is Label.FORGOT:
            if _ABOUT_THE_INVITATION.search(value):
                return False  # "Correction: this interview will now be with ...": the employer's
            self.forgot.append(value)
        elif label is Label.OFFER:
            self.offers.append(value)
        else:
            self._read_decided(number, value)
        return True

    def _read_person(self, number: int, label: Label, value: str, *, strict: bool = False) -> None:
        role = _PERSON_LABELS[label]
        parts = split_people(value)
        if len(parts) > 1:
            self.warnings.append(
                f"line {number}: more than one address on one line; one person per line"
            )
        groups: list[str] = []
        for part in parts:
            if groups and find_emails(part) and not _has_name(part):
                # "Lena Ford, lena@acme.com, or lena.ford@gmail.com": a second address of
                # the same person; no draft ever goes to it.
                self.warnings.append(f"line {number}: a second address for one person is not used")
                continue
            groups += _name_groups(part)
        for group in groups:
            person = parse_person(group, role, region=self.region)
            if person is None:
                self.warnings.append(f"line {number}: no name, email or phone found for a person")
                continue
            if strict and not looks_like_name(person.name):
                continue
            person = self._checked(number, person, label)
            self._add_person(replace(person, met=label is not Label.DECISION_MAKER))

    def _checked(self, number: int, person: Person, label: Label) -> Person:
        """A person as read, less a dial-in number or a sentence taken for a title."""
        if person.phone and is_dial_in(person.phone, self.dial_in):
            self.warnings.append(f"line {number}: a dial-in number is not a person's phone")
            person = replace(person, phone="")
        if person.title and not looks_like_title(person.title):
            person = replace(person, title="")
        if label is Label.MET:
            # A title says more than the label's default: "Met: Lena Ford, Recruiter".
            person = replace(person, role=role_from_title(person.title) or person.role)
        return person

    def _add_person(self, person: Person) -> None:
        for index, known in enumerate(self.people):
            if same_person(known, person):
                self.people[index] = merge_people(known, person)
                return
        self.people.append(person)

    def _read_address(self, number: int, value: str) -> None:
        name, _, address = value.partition(",")
        name, address = name.strip(), address.strip()
        if not address or not name or any(char.isdigit() for char in name):
            self.warnings.append(f"line {number}: an address needs the form 'Name, address'")
            return
        self.addresses.append(Mention(clean_line(name, MAX_FIELD_CHARS), address, number))

    def _read_hear_back(self, number: int, value: str) -> None:
        day = parse_hear_back(value, self.interview_date, region=self.region)
        if day is None:
            self.warnings.append(
                f"line {number}: the hear-back date could not be read; the default wait applies"
            )
        elif day < self.interview_date:
            self.warnings.append(
                f"line {number}: the hear-back date is before the interview; it is ignored"
            )
        else:
            if (day - self.interview_date).days > 180:
                self.warnings.append(
                    f"line {number}: the hear-back date is over six months after the interview"
                )
            self.hear_back = day

    def _read_decided(self, number: int, value: str) -> None:
        outcome = decision_outcome(value)
        if outcome is None:
            self.warnings.append(f"line {number}: a 'Decided:' line that says not yet is ignored")
            return
        self.decided = Decision(outcome=outcome)
        if value:
            self.decided = replace(self.decided, note=clean_line(value, MAX_FIELD_CHARS))

    def result(self, *, has_decided_tag: bool) -> Notes:
        decided = self.decided
        if decided is None and has_decided_tag:
            decided = Decision(outcome="other")
        return Notes(
            company=self.company,
            job=self.job,
            people=tuple(self.people),
            addresses=tuple(self.addresses),
            topics=tuple(self.topics),
            hear_back=self.hear_back,
            discussed=tuple(self.discussed),
            forgot=tuple(self.forgot),
            offers=tuple(self.offers),
            free_text=_squeeze_blank_lines(clean_block("\n".join(self.free_lines))),
            decided=decided,
            warnings=tuple(self.warnings),
        )


def decision_outcome(value: str) -> str | None:
    """The outcome a ``Decided:`` value names ("offer", "rejected", ...), None for not yet.

    An empty value is a decision ("other"), as is anything not recognised:
    the person wrote a ``Decided:`` line.
    """
    words = tuple(_DECISION_WORD.findall(value.casefold()))
    if not words:
        return "other"
    if "?" in words:  # a question is not a decision
        return None
    if any(_starts_with(words, phrase) for phrase in _NOT_YET_PHRASES if len(phrase) > 1):
        return None
    if words == ("not",) or (words[0] in {"no", "not"} and "yet" in words):
        return None  # "no offer yet", "not selected yet"
    if words[0] in {phrase[0] for phrase in _NOT_YET_PHRASES if len(phrase) == 1} - {"not"}:
        return None
    for phrase in sorted(_OUTCOME_PHRASES, key=len, reverse=True):
        if _starts_with(words, phrase):
            return _OUTCOME_PHRASES[phrase]
    return "other"


def _starts_with(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    return words[: len(phrase)] == phrase


def _squeeze_blank_lines(text: str) -> str:
    """HTML blocks leave runs of empty lines; one is enough between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", text)


# --- people ---------------------------------------------------------------

_TEL_OR_MAILTO = re.compile(r"\b(?:tel|mailto|callto)\s*:\s*", re.IGNORECASE)
#: ``email:``, ``phone:`` and the like written inside a person's value.
_FIELD_WORDS = re.compile(
    r"\b(?:e-?mail|phone|tel|mobile|cell|ph|title|name)\.?\s*:\s*", re.IGNORECASE
)
#: A phone-looking run that ``phonenumbers`` would not accept (fictional
#: 555-01xx numbers, a missing area code); kept as written.
_PHONE_LIKE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().\-]{5,20}\d(?![\w])")
_PARENTHESISED = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_PIECE_SEPARATOR = re.compile(r"\s*(?:[,;|]|\s[-–—]\s)\s*")
_EMPTY_BRACKETS = re.compile(r"<\s*>|\(\s*\)|\[\s*\]")
#: "she/her", "he/him/his", "they/them", "any pronouns": never a title.
_PRONOUNS = re.compile(
    r"^(?:(?:she|he|they|ze|zie|xe|ey|it|her|him|them|his|hers|theirs|zir|xem|any|all)"
    r"(?:\s*/\s*(?:she|he|they|her|hers|him|his|them|their|theirs|ze|zir|xe|xem|ey|em|it|its"
    r"|any|all))+|any pronouns?|pronouns\s*:.*)$",
    re.IGNORECASE,
)
#: Where a line that names several people by address is cut: after each
#: address and what closes it (``>``, ``)``), at the next comma, semicolon or "and".
_AFTER_ADDRESS = re.compile(r"[\s>)\]]*(?:[,;&]|\s+and\s+)", re.IGNORECASE)
_QUOTES_AND_PUNCTUATION = "\"'“”‘’«»<>.:;,-–— "


def parse_person(value: str, role: Role, *, region: str = "US") -> Person | None:
    """Read ``Name, Title, email, phone`` (details in any order) or ``Name (Title) <email>``.

    The first comma-separated piece left after taking out the address, the
    phone number and parenthesised text is the name; the rest is the title.
    None when nothing identifies a person.
    """
    text = clean_line(value, _MAX_PERSON_VALUE_CHARS)
    emails = find_emails(text)
    for address in emails:
        text = text.replace(address, " ")
    text = _TEL_OR_MAILTO.sub(" ", text)
    phone, text = _take_phone(text, region)
    text = _FIELD_WORDS.sub(" ", _EMPTY_BRACKETS.sub(" ", text))
    titles = [
        (round_part or square_part).strip()
        for round_part, square_part in _PARENTHESISED.findall(text)
    ]
    titles = [title for title in titles if not _PRONOUNS.match(title)]
    text = _PARENTHESISED.sub(" ", text)
    pieces = [piece.strip(_QUOTES_AND_PUNCTUATION) for piece in _PIECE_SEPARATOR.split(text)]
    pieces = [piece for piece in pieces if piece and not _PRONOUNS.match(piece)]
    name = person_name(pieces[0]) if pieces else ""
    title = ", ".join(part for part in [*titles, *pieces[1:]] if part)
    if not (name or emails or phone):
        return None
    return Person(
        name=clean_line(name, MAX_FIELD_CHARS),
        email=emails[0] if emails else "",
        title=clean_line(title, MAX_FIELD_CHARS),
        phone=phone,
        role=role,
    )


def split_people(value: str) -> list[str]:
    """``value`` cut into one piece per person when it holds several addresses.

    ``A <a@x.com>, B <b@x.com>`` becomes two pieces; a value with one address
    (or the same one twice) stays whole.
    """
    text = clean_line(value, _MAX_PERSON_VALUE_CHARS)
    emails = find_emails(text)
    if len({address.casefold() for address in emails}) < 2:
        return [value]
    pieces: list[str] = []
    start = search_from = 0
    for address in emails:
        at = text.find(address, search_from)
        search_from = at + len(address)
        cut = _AFTER_ADDRESS.match(text, search_from)
        if cut is not None:
            pieces.append(text[start : cut.start()])
            start = search_from = cut.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip(_QUOTES_AND_PUNCTUATION)]


_LEAD_END = re.compile(r"\s+[-–—|]\s+|[(<\[|]|\s*\S+@\S+")
_NAME_GROUP_SEPARATOR = re.compile(r"\s*[,;]\s*|\s+(?:and|&)\s+")


def _lead(value: str) -> str:
    """The part of a person's value where the name stands: before " - ", "(", "<" or an address."""
    text = clean_line(_TEL_OR_MAILTO.sub(" ", value), _MAX_PERSON_VALUE_CHARS)
    return _LEAD_END.split(text, 1)[0].strip(_QUOTES_AND_PUNCTUATION)


def _has_name(value: str) -> bool:
    # As written: "or" before a second address is no name, though person_name would
    # capitalise it.
    return any(looks_like_name(_lead(piece)) for piece in value.split(",")[:1])


def _name_groups(value: str) -> list[str]:
    """``value`` cut into one piece per person named in it: "Marcus Webb, Aisha Rahman" is two.

    A piece that reads as a name starts a new person when it has two words or more,
    or when every piece is a name ("Alice, Bob"); anything else ("Engineering Manager",
    an address, a phone number, "Growth") belongs to the person before it.
    """
    text = clean_line(value, _MAX_PERSON_VALUE_CHARS)
    separators = list(_NAME_GROUP_SEPARATOR.finditer(text))
    if not separators:
        return [value]
    bounds = [0, *(m.start() for m in separators), len(text)]
    ends = [m.end() for m in separators]
    pieces = [text[bounds[0] : bounds[1]]] + [
        text[ends[i] : bounds[i + 2]] for i in range(len(separators))
    ]
    joins = [m.group() for m in separators]
    names = [_piece_is_name(piece) for piece in pieces]
    everyone = all(names)
    groups = [pieces[0]]
    for index, piece in enumerate(pieces[1:]):
        starts = names[index + 1] and (everyone or len(_lead(piece).split()) >= 2)
        if starts and names[0]:
            groups.append(piece)
        else:
            groups[-1] = f"{groups[-1]}{joins[index]}{piece}"
    return groups


def _piece_is_name(piece: str) -> bool:
    lead = _lead(piece)
    if not lead or _PRONOUNS.match(lead):
        return False
    return looks_like_name(lead) and looks_like_name(person_name(lead))


def _take_phone(text: str, region: str) -> tuple[str, str]:
    """The first phone number in ``text`` and the text without it.

    E.164 when valid, with an RFC 3966 extension (``+16175550199;ext=4``);
    else as written.
    """
    try:
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            extension = match.number.extension or ""
            if extension.isdigit() and extension.isascii():
                e164 += f";ext={extension}"
            return e164, text[: match.start] + " " + text[match.end :]
    except phonenumbers.NumberParseException:
        pass
    loose = _PHONE_LIKE.search(text)
    if loose is None:
        return "", text
    return clean_line(loose.group()), text[: loose.start()] + " " + text[loose.end() :]


def person_key_matches(person: Person, name: str) -> bool:
    """Does ``name`` (from ``Discussed with NAME:`` or ``Address:``) mean ``person``?"""
    wanted = name_key(name)
    if not wanted:
        return False
    return wanted in (name_key(person.name), name_key(person.first_name))


def same_person(first: Person, second: Person) -> bool:
    """One person if the addresses match, else (neither has one differing) the names."""
    if first.email and second.email:
        return first.email.casefold() == second.email.casefold()
    first_name = name_key(first.name)
    return bool(first_name) and first_name == name_key(second.name)


def merge_people(known: Person, other: Person) -> Person:
    """Fill ``known``'s gaps from ``other``; the stronger role and any "met" win."""
    role = min(known.role, other.role, key=ROLE_RANK.__getitem__)
    return replace(
        known,
        name=known.name or other.name,
        email=known.email or other.email,
        title=known.title or other.title,
        phone=known.phone or other.phone,
        address=known.address or other.address,
        role=role,
        met=known.met or other.met,
        topics=known.topics + tuple(topic for topic in other.topics if topic not in known.topics),
    )
