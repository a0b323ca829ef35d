"""Who the user is, how a person's name reads, and what a title says about their role.

Names arrive as calendars and directories write them: Outlook's "Patel, Samir",
"Dr. Anika Rao", "Jordan Lee, PhD", "Sam Kim (they/them)", quoted display names,
"Lena Ford (via Greenhouse)", "ALEX RIVERA". A greeting needs "Samir", "Anika",
"Jordan", "Sam", "Lena", "Alex": :func:`person_name` reads every one of them so.

Titles say who decides ("Hiring Manager", "VP Engineering", "Head of Data") and who
only organises ("Recruiting Coordinator", "Talent Acquisition Partner"): the call goes
to a decision maker first and to a coordinator only when no one else is known
(DESIGN.md, rule 3).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from daemon.domain.model import Attendee, Role
from daemon.domain.settings import Profile
from daemon.reading.text import clean_line, same_email


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- who the user is ------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """The user: every address they use and their name (DESIGN.md, "Who the user is")."""

    emails: tuple[str, ...] = ()
    name: str = ""

    @classmethod
    def of(cls, profile: Profile | str) -> Identity:
        if isinstance(profile, str):
            return cls(emails=(profile,) if profile else ())
        emails = tuple(e for e in (profile.email, *profile.aliases) if e.strip())
        return cls(emails=emails, name=profile.name)

    def owns(self, address: str) -> bool:
        return any(same_email(address, own) for own in self.emails)

    def named(self, name: str) -> bool:
        """An attendee carrying the user's own full name (their other address)."""
        own = _name_words(person_name(self.name))
        theirs = _name_words(person_name(name))
        return len(own) >= 2 and own == theirs

    def is_user(self, attendee: Attendee) -> bool:
        return attendee.is_user or self.owns(attendee.email) or self.named(attendee.name)


def _name_words(name: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return tuple(re.findall(r"[^\W\d_]+", text))


# --- names ------------------------------------------------------------------------------

_HONORIFICS = _words(
    """mr mrs ms miss mx dr prof professor sir dame rev fr herr frau mme mlle sr sra srta
    dott dottssa ing"""
)
_DEGREES = _words(
    """phd md mba msc ms ma ba bsc bs jd esq cpa cfa pmp sphr phr shrm-cp shrm-scp
    rn dds dvm pe jr sr ii iii iv"""
)
_PRONOUN_WORDS = (
    r"she|he|they|ze|zie|xe|ey|it|her|him|them|his|hers|their|theirs|zir|xem|em|its|any|all"
)
_PRONOUNS = re.compile(
    rf"[(\[]\s*(?:(?:{_PRONOUN_WORDS})(?:\s*/\s*(?:{_PRONOUN_WORDS}))+|any pronouns?"
    r"|pronouns?\s*:[^)\]]*)\s*[)\]]",
    re.IGNORECASE,
)
_BARE_PRONOUNS = re.compile(
    rf"(?:^|\s)(?:{_PRONOUN_WORDS})(?:\s*/\s*(?:{_PRONOUN_WORDS}))+(?=\s|$)", re.IGNORECASE
)
_VIA = re.compile(r"\s*[(\[]?\s*\b(?:via|through|on behalf of|from)\s+[^)\]]*[)\]]?\s*$", re.I)
_BRACKETED = re.compile(r"[(\[][^()\[\]]*[)\]]")
_QUOTES = "\"'“”‘’«»`"
_PARTICLES = _words("van von der den de del della da di du le la st bin al el ter ten")


def person_name(raw: str) -> str:
    """A display name as a person says it: "Patel, Samir" is "Samir Patel".

    Honorifics ("Dr.", "Ms."), degrees ("PhD", "MBA"), pronouns, "(via Tool)",
    parenthesised company or team names and surrounding quotes are dropped;
    all-capitals or all-lowercase names are given capitals. An address is no name.
    """
    text = clean_line(raw, 300).strip(_QUOTES + " ")
    if "@" in text:
        text = re.sub(r"\S+@\S+", " ", text).strip(_QUOTES + " <>")
    text = _PRONOUNS.sub(" ", text)
    text = _BARE_PRONOUNS.sub(" ", text)
    text = _VIA.sub("", text)
    text = _BRACKETED.sub(" ", text)
    text = " ".join(text.replace("<", " ").replace(">", " ").split()).strip(_QUOTES + " ,;")
    if text.count(",") == 1:
        last, first = (part.strip(_QUOTES + " ") for part in text.split(","))
        if _degree_words(first):
            text = last  # "Jordan Lee, PhD"
        elif first and last and len(last.split()) <= 3 and not _degree_words(last):
            text = f"{first} {last}"  # "Patel, Samir" / "Rao, Anika (she/her)"
    elif text.count(",") > 1:
        head, *rest = (part.strip() for part in text.split(","))
        text = head if all(_degree_words(part) for part in rest) else text
    words = [w for w in text.split() if w.strip(".").casefold() not in _HONORIFICS]
    while words and words[-1].strip(".,").casefold().replace(".", "") in _DEGREES:
        words.pop()
    while words and words[0].strip(".").casefold() in _HONORIFICS:
        words.pop(0)
    name = " ".join(words).strip(" ,;:-–—" + _QUOTES)
    if name and (name.isupper() or name.islower()) and any(c.isalpha() for c in name):
        name = " ".join(_capitalised(word) for word in name.split())
    return name


def _degree_words(text: str) -> bool:
    words = text.replace(".", "").casefold().split()
    return bool(words) and all(word in _DEGREES for word in words)


def _capitalised(word: str) -> str:
    if word.casefold() in _PARTICLES:
        return word.casefold()
    return "-".join(part[:1].upper() + part[1:].casefold() for part in word.split("-"))


def first_name(name: str) -> str:
    words = person_name(name).split()
    return words[0] if words else ""


_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’.\-]*\.?")


def looks_like_name(text: str) -> bool:
    """Could ``text`` be a person's name ("Aisha Rahman", "Jo", "Mary-Kate O'Neil")?

    One to four words of letters, each capitalised (or a particle like "van"),
    none a word of a job title or a mailbox. Used to read ``Interviewers: A, B``
    as two people rather than A with the title B.
    """
    words = text.split()
    if not 1 <= len(words) <= 4:
        return False
    for word in words:
        if word.casefold() in _PARTICLES:
            continue
        if not _NAME_WORD.fullmatch(word) or not word[:1].isupper():
            return False
    lowered = {word.casefold().strip(".") for word in words}
    return not (lowered & (TITLE_WORDS | _NOT_NAME_WORDS))


#: Words found in job titles and team names, never in a person's name.
TITLE_WORDS = _words(
    """manager director head lead leader vp svp evp avp president chief officer ceo cto cfo coo
    cpo cmo ciso cio founder cofounder co-founder partner principal staff senior sr junior jr
    engineer engineering developer architect scientist analyst designer researcher recruiter
    recruiting recruitment coordinator sourcer talent acquisition hr human resources people
    operations ops specialist consultant associate assistant administrator admin intern
    product program project marketing sales account executive representative rep support
    success customer data software hardware platform infrastructure security finance
    accountant controller counsel legal attorney editor writer teacher nurse technician
    member team group department division office hiring interviewer panelist of and the
    for at ii iii iv i"""
)
_NOT_NAME_WORDS = _words(
    """please join dial call zoom teams meet webex meeting id passcode password conference
    link click here tbd n/a none unknown"""
)


def looks_like_title(text: str) -> bool:
    """A job title ("Engineering Manager", "VP, Sales"), not a sentence or a code."""
    words = text.split()
    if not words or len(words) > 10 or len(text) > 90:
        return False
    lowered = [word.casefold().strip(".,;:()") for word in words]
    if any(word in _SENTENCE_WORDS for word in lowered):
        return False
    if sum(char.isdigit() for char in text) > 2:
        return False
    return any(char.isalpha() for char in text)


_SENTENCE_WORDS = _words(
    """please you your we our will would should can could dial join click call via using
    via https http www is are was be this that"""
)


# --- roles from titles --------------------------------------------------------------

_DECISION_TITLE = re.compile(
    r"\b(?:hiring\s+manager|head\s+of|vice\s+president|(?:s|e|a)?vp\b|chief\b|c[etfoimp]o\b"
    r"|ciso\b|founder|co-?founder|president|managing\s+director|general\s+manager"
    r"|director|owner)",
    re.IGNORECASE,
)
_HR_TITLE = re.compile(
    r"\b(?:recruit\w*|talent|sourc(?:er|ing)|human\s+resources|hr\b|hrbp|people\s+"
    r"(?:partner|operations|ops|team|business)|(?:interview|scheduling|candidate)\s+"
    r"(?:coordinator|coordination|scheduler|experience)|coordinator|headhunter|staffing)",
    re.IGNORECASE,
)
_COORDINATOR_TITLE = re.compile(
    r"\b(?:coordinator|coordination|scheduler|scheduling|candidate\s+experience)\b", re.I
)


def role_from_title(title: str) -> Role | None:
    """The role a title states: HR/recruiting, a decision maker, or None (just a title).

    "Talent Acquisition Partner" is HR, not a partner; "Director of Recruiting" is HR
    too: they run hiring but do not decide on this job.
    """
    if not title.strip():
        return None
    if _HR_TITLE.search(title):
        return Role.HR
    if _DECISION_TITLE.search(title):
        return Role.DECISION_MAKER
    return None


def is_coordinator(title: str) -> bool:
    """Someone who only schedules: the very last person to call."""
    return _HR_TITLE.search(title) is not None and _COORDINATOR_TITLE.search(title) is not None


# --- signatures -------------------------------------------------------------------------

_SIGN_OFF = re.compile(
    r"^\s*(?:best(?:\s+(?:regards|wishes))?|kind\s+regards|warm(?:est)?\s+regards|regards"
    r"|thanks|thank\s+you|many\s+thanks|cheers|sincerely|all\s+the\s+best|talk\s+soon"
    r"|looking\s+forward(?:\s+to\s+(?:it|meeting\s+you|speaking\s+with\s+you))?|warmly|best,)"
    r"\s*[,.!\-–—]*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Signature:
    """A name and title under a sign-off ("Best,\\nLena Ford\\nRecruiting Coordinator")."""

    name: str
    title: str = ""


def signatures(lines: Sequence[str]) -> list[Signature]:
    """Every signature block in ``lines``: a sign-off, a name line, maybe a title line."""
    found: list[Signature] = []
    for index, line in enumerate(lines):
        if not _SIGN_OFF.match(line):
            continue
        following = [text.strip() for text in lines[index + 1 : index + 6] if text.strip()]
        if not following:
            continue
        name_line, *rest = following
        name_part, _, inline_title = name_line.partition("|")
        name_part, sep, after_comma = name_part.partition(",")
        name = person_name(name_part)
        if not looks_like_name(name):
            continue
        title = inline_title.strip() or (after_comma.strip() if sep else "")
        if not title and rest:
            candidate = rest[0].split("|")[0].strip(" ,")
            if looks_like_title(candidate) and not looks_like_name(candidate):
                title = candidate
        found.append(Signature(name, clean_line(title, 120)))
    return found
