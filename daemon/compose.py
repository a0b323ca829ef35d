"""What the service writes: thank-you notes, call scripts, and the mail that carries a note.

Notes and call scripts come from Jinja2 templates: the bundled ones in
``daemon/templates``, each replaceable by a file of the same name in the user's
``templates_dir``. Messages are built so that no text from an invitation can add a
header or a recipient. On this Python (3.11.7) the ``email`` package does not
guarantee that by itself (CVE-2024-6923, notes/security.md), so every header is
built from cleaned plain strings, recipients only through ``Address``, and each
message is parsed back and checked before anyone stores it.
"""

from __future__ import annotations

import re
import traceback
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateSyntaxError,
)

from daemon.errors import ConfigError, ItemError
from daemon.model import Interview, Person
from daemon.ports import KEY_HEADER
from daemon.settings import Profile
from daemon.text import clean_line, valid_email

THANK_YOU_TEMPLATE = "thank_you.txt.j2"
DECISION_MAKER_TEMPLATE = "decision_maker.txt.j2"
CALL_SCRIPT_TEMPLATE = "call_script.txt.j2"

#: Every header a generated message has, and no other.
MESSAGE_HEADERS: tuple[str, ...] = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    KEY_HEADER,
)

#: Bounds on header text: long enough for any real name or subject, short enough
#: that the folding code never has to split a single enormous word.
NAME_LIMIT = 100
SUBJECT_LIMIT = 200

_MESSAGE_ID_DOMAIN = "interview-followup.invalid"


# --- Plain text ---------------------------------------------------------------


def clean_header_text(text: str, *, limit: int) -> str:
    """Text that is safe as a header value or display name.

    Besides ``daemon.text.clean_line`` (no control, format or line-separator
    characters, whitespace collapsed), RFC 2047 encoded-word syntax is broken up:
    ``email`` on 3.11.7 decodes encoded words in the values it is given, and one
    that decodes to CR/LF becomes a real header (CVE-2024-6923).
    """
    # The closer "?=" goes too: 3.11's folder mangles encoded words it writes next
    # to one (harmless for the headers, but the subject would read garbled).
    return clean_line(text, limit).replace("=?", "= ?").replace("?=", "? =")


# RFC 5322 specials that can make address syntax (",", "<>", ":;", "@", quotes,
# comments, domain literals). Only "." is kept: "J. Smith" needs it, and alone it
# cannot build an address.
_ADDRESS_SPECIALS = re.compile(r'[()<>\[\]:;@\\,"]')


def clean_display_name(text: str) -> str:
    """A display name that is safe even where ``email`` drops its quotes.

    ``Address`` quotes a name with specials, but on 3.11.7 folding a long quoted
    name writes it unquoted: ``"Eve, x <x@evil.com>"`` of 80 characters comes out
    as a second recipient. Without the specials nothing in a name can be read as
    an address, folded or not. ``"Lee, Dana"`` becomes ``"Lee Dana"``.
    """
    return " ".join(_ADDRESS_SPECIALS.sub(" ", clean_header_text(text, limit=NAME_LIMIT)).split())


def clean_body(text: str) -> str:
    """A plain-text body: ``\\n`` line ends, no control characters but tab, no trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        char for char in text if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs")
    )
    return _tidy(kept)


def _tidy(text: str) -> str:
    """Trim trailing blanks and runs of empty lines that template conditionals leave."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


# --- Addresses and keys -------------------------------------------------------

# Keys go verbatim into a header and a Message-ID: a dot-atom short enough that the
# key header fits on one 78-character line, because a folded value reads back with
# leading blanks and an overlong one would be wrapped as encoded words.
_KEY = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
_KEY_LIMIT = 78 - len(f"{KEY_HEADER}: ")


def checked_address(address: str, *, what: str = "address") -> str:
    """``address`` if it is one plain ``local@domain.tld``, else ``ItemError``.

    The same rule the notes parser finds addresses by (``daemon.text.valid_email``):
    exactly one ``@``, nothing that could make a second recipient or a comment
    (spaces, commas, angle brackets, quotes, parentheses, ``=?``), ASCII only.
    """
    candidate = address.strip()
    # valid_email also accepts a "mailto:" prefix; a header must not carry one.
    if not candidate or len(candidate) > 254 or valid_email(candidate) != candidate:
        raise ItemError(f"{what} {candidate[:80]!r} is not a plain e-mail address")
    return candidate


def _checked_key(key: str) -> str:
    if len(key) > _KEY_LIMIT or not _KEY.fullmatch(key):
        raise ItemError(f"draft key {key[:80]!r} is not a plain token of at most {_KEY_LIMIT}")
    return key


def message_id(key: str) -> str:
    """The Message-ID of the draft with ``key``: computable from the key alone.

    An adapter that lost the answer to a write can look the draft up by it
    (Gmail's ``rfc822msgid:`` search) without knowing who sent it. ``.invalid``
    is reserved (RFC 2606), so it never collides with a real message.
    """
    return f"<{_checked_key(key)}@{_MESSAGE_ID_DOMAIN}>"


# --- Messages -----------------------------------------------------------------


def build_message(
    *,
    key: str,
    sender_name: str,
    sender_email: str,
    to_name: str,
    to_email: str,
    subject: str,
    body: str,
    now: datetime,
) -> EmailMessage:
    """A plain-text UTF-8 draft to exactly one recipient, carrying ``key``.

    Raises ``ItemError`` when an address or the key is unusable, or when the
    generated message does not parse back to exactly what was meant.
    """
    if now.utcoffset() is None:
        raise ValueError("now must be time-zone aware")
    sender = _address(sender_name, sender_email, "sender")
    recipient = _address(to_name, to_email, "recipient")
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = clean_header_text(subject, limit=SUBJECT_LIMIT)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(key)
    message[KEY_HEADER] = key
    text = clean_body(body)
    # 8bit keeps a draft readable as a file (``cat`` in a Maildir); quoted-printable
    # only when a line is beyond what 8bit allows (998 octets).
    fits = all(len(line.encode()) <= 998 for line in text.splitlines())
    message.set_content(text, charset="utf-8", cte="8bit" if fits else "quoted-printable")
    _verify(message, sender, recipient, key)
    return message


def message_bytes(message: EmailMessage, *, linesep: str = "\n") -> bytes:
    """The message as stored: ``\\n`` line ends for files, ``\\r\\n`` for IMAP."""
    return message.as_bytes(policy=message.policy.clone(linesep=linesep))


def parse_message(raw: bytes) -> EmailMessage:
    """Parse stored bytes with the modern policy (typed headers, ``get_content``)."""
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)  # policy.default's message factory
    return parsed


def stored_keys(header_part: bytes) -> set[str]:
    """The key header values of a stored message, from its header part (or all of it).

    Compared whole (never as substrings) after unfolding, so key ``ab`` never
    matches a draft keyed ``abc``, and a mail client that refolded the header
    still finds its draft.
    """
    parsed = BytesParser(policy=policy.default).parsebytes(header_part, headersonly=True)
    return set(_key_values(parsed))


def check_draft_key(key: str, message: EmailMessage) -> None:
    """``ItemError`` unless ``message`` carries exactly ``key``: a store finds drafts by it."""
    if _key_values(message) != [key]:
        raise ItemError(f"draft {key[:40]!r}: the message does not carry that key in {KEY_HEADER}")


def _key_values(message: EmailMessage) -> list[str]:
    return [str(value).strip() for value in message.get_all(KEY_HEADER, [])]


def _address(name: str, email: str, what: str) -> Address:
    addr_spec = checked_address(email, what=f"{what} address")
    try:
        return Address(display_name=clean_display_name(name), addr_spec=addr_spec)
    except (ValueError, IndexError) as exc:  # email's own parser refusing the addr-spec
        raise ItemError(f"{what} address {addr_spec!r} is not usable: {exc}") from exc


def _verify(message: EmailMessage, sender: Address, recipient: Address, key: str) -> None:
    """Parse the generated bytes back: the header set and the one recipient must be exact.

    Cleaning is the defence; this is the proof, per message, against the next
    folding or encoded-word bug in ``email``. A message that fails is never stored.
    """
    parsed = parse_message(message_bytes(message))
    names = sorted(name.lower() for name in parsed)
    if names != sorted(name.lower() for name in MESSAGE_HEADERS):
        raise ItemError(f"generated message has unexpected headers: {sorted(set(parsed))}")
    for field, meant in (("From", sender), ("To", recipient)):
        found = [a.addr_spec for a in parsed[field].addresses]
        if found != [meant.addr_spec]:
            raise ItemError(f"generated message has {field} {found}, not {meant.addr_spec!r}")
    check_draft_key(key, parsed)


# --- Notes and call scripts ---------------------------------------------------

_PROMPT_JOB = "[add: the job title]"
_PROMPT_COMPANY = "[add: the company]"


class Composer:
    """Renders notes and call scripts from the templates.

    Autoescaping is off on purpose: the output is plain text (a ``text/plain``
    mail body, a calendar description), never rendered as HTML here, and HTML
    escaping would turn "O'Brien" into "O&#39;Brien". An adapter that writes to a
    backend which renders HTML (Google Calendar descriptions) escapes at its own
    boundary. Values are only ever substituted into templates, never rendered as
    templates, so text from an invitation cannot run template code.
    """

    def __init__(self, templates_dir: Path | None = None) -> None:
        self._templates_dir = templates_dir
        loaders: list[BaseLoader] = []
        if templates_dir is not None:
            if not templates_dir.is_dir():
                raise ConfigError([f"templates_dir: {templates_dir}: no such folder"])
            loaders.append(FileSystemLoader(templates_dir))
        loaders.append(PackageLoader("daemon", "templates"))
        self._env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=False,  # noqa: S701 - plain text, see the class docstring
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.filters["and_list"] = and_list

    def compose_note(
        self,
        interview: Interview,
        person: Person,
        profile: Profile,
        *,
        variant: int,
        late: bool,
    ) -> tuple[str, str]:
        """(subject, body) of the note to ``person``.

        A person met gets a thank-you note; a decision maker not met gets a short
        note of interest. ``variant`` is the person's place in the panel: it picks
        the wording, so no two notes of one panel read the same.
        """
        job = clean_line(interview.job, SUBJECT_LIMIT)
        company = clean_line(interview.company, SUBJECT_LIMIT)
        context = self._note_context(interview, person, profile, variant=variant, late=late)
        if person.met:
            subject = f"Thank you — {job or company} interview" if job or company else "Thank you"
            return subject, self._render(THANK_YOU_TEMPLATE, context)
        if job and company:
            subject = f"{job} at {company}"
        else:
            subject = f"Joining {company}" if company else "Thank you for your consideration"
        return subject, self._render(DECISION_MAKER_TEMPLATE, context)

    def compose_call(
        self, interview: Interview, person: Person | None, profile: Profile
    ) -> tuple[str, str]:
        """(title, description) of a follow-up call event; ``person`` is whom to call."""
        company = clean_line(interview.company, SUBJECT_LIMIT)
        name = clean_line(person.name, NAME_LIMIT) if person else ""
        if name and company:
            title = f"Follow-up call: {name} ({company})"
        else:
            title = f"Follow-up call: {name or company}" if name or company else "Follow-up call"
        others = [p for p in interview.people if not _same(p, person) and clean_line(p.phone)]
        context = {
            **_common_context(interview, profile),
            "person": person,
            "name": name,
            "first_name": clean_line(person.first_name) if person else "",
            "title": clean_line(person.title) if person else "",
            "phone": _phone(person.phone) if person else "",
            "tel": _tel(person.phone) if person else "",
            "topics": _topics(interview, person),
            "other_contacts": [
                {
                    "name": clean_line(p.name, NAME_LIMIT),
                    "title": clean_line(p.title),
                    "phone": _phone(p.phone),
                    "tel": _tel(p.phone),
                }
                for p in others
            ],
        }
        return title, self._render(CALL_SCRIPT_TEMPLATE, context)

    def _note_context(
        self, interview: Interview, person: Person, profile: Profile, *, variant: int, late: bool
    ) -> dict[str, object]:
        own_topics = _unique(person.topics)
        return {
            **_common_context(interview, profile),
            "person": person,
            "name": clean_line(person.name, NAME_LIMIT),
            "first_name": clean_line(person.first_name) or "[add: their name]",
            "title": clean_line(person.title),
            "own_topics": own_topics,
            "topics": _topics(interview, person),
            "qualifications": _rotated(_unique(profile.qualifications), variant),
            "offers": _closest_first(_unique(interview.offers), own_topics),
            "met_names": [
                clean_line(p.name, NAME_LIMIT)
                for p in interview.people
                if p.met and not _same(p, person) and clean_line(p.name)
            ],
            "variant": variant,
            "late": late,
        }

    def _render(self, name: str, context: dict[str, object]) -> str:
        user_file = self._user_file(name)
        try:
            template = self._env.get_template(name)
            return _tidy(template.render(context))
        except TemplateSyntaxError as exc:
            if user_file is None:
                raise
            raise ConfigError(
                [f"templates_dir: {user_file}: line {exc.lineno}: {exc.message}"]
            ) from exc
        except Exception as exc:
            # A user's template is configuration: any failure in it (undefined
            # variable, bad include, unreadable file) is reported as such.
            if user_file is None:
                raise
            line = _template_line(exc, user_file)
            raise ConfigError([f"templates_dir: {user_file}: {line}{exc}"]) from exc

    def _user_file(self, name: str) -> Path | None:
        if self._templates_dir is None:
            return None
        path = self._templates_dir / name
        return path if path.is_file() else None


def and_list(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: a template filter for names and topics."""
    words = list(items)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _common_context(interview: Interview, profile: Profile) -> dict[str, object]:
    day = interview.start.astimezone(profile.timezone)
    return {
        "interview": interview,
        "profile": profile,
        "company": clean_line(interview.company, SUBJECT_LIMIT) or _PROMPT_COMPANY,
        "job": clean_line(interview.job, SUBJECT_LIMIT) or _PROMPT_JOB,
        "interview_day": f"{day:%A}, {day:%B} {day.day}",
        "forgot": _unique(interview.forgot),
        "offers": _unique(interview.offers),
        "your_name": clean_line(profile.name) or "[add: your name]",
        "your_phone": _phone(profile.phone),
        "signature": _signature(profile),
    }


def _signature(profile: Profile) -> str:
    lines = [clean_line(line) for line in profile.signature.strip().splitlines()]
    if not any(lines):
        lines = [clean_line(profile.name) or "[add: your name]", _phone(profile.phone)]
    return "\n".join(line for line in lines if line)


def _same(first: Person, second: Person | None) -> bool:
    """The same person, also when the two copies came from different reads of the state."""
    return second is not None and (first.name, first.email) == (second.name, second.email)


def _unique(items: Iterable[str]) -> list[str]:
    """Cleaned, non-empty, first occurrence kept (case-insensitively)."""
    seen: set[str] = set()
    result: list[str] = []
    for item in items:
        text = clean_line(item)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            result.append(text)
    return result


def _topics(interview: Interview, person: Person | None) -> list[str]:
    """The person's own topics first, then what the whole panel discussed."""
    return _unique([*(person.topics if person else ()), *interview.discussed])


def _rotated(items: Sequence[str], variant: int) -> list[str]:
    """Start at a different item per person, so a panel's notes stress different strengths."""
    if not items:
        return []
    start = variant % len(items)
    return [*items[start:], *items[:start]]


def _closest_first(offers: Sequence[str], topics: Sequence[str]) -> list[str]:
    """Offers sharing words with the person's own topics first; otherwise as written."""
    topic_words = {word for topic in topics for word in _words(topic)}
    return sorted(offers, key=lambda offer: -len(_words(offer) & topic_words))


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"\w+", text.casefold()) if len(word) > 3}


def _phone(phone: str) -> str:
    return clean_line(phone, 40)


def _tel(phone: str) -> str:
    """A ``tel:`` URI: ``+`` and digits (E.164 as parsed; a local number as written).

    Anything from the first letter on ("ext. 12", "(mobile)") is left out, and so
    are visual separators, which some dialers refuse.
    """
    text = re.split(r"[^\W\d_]", _phone(phone), maxsplit=1)[0]
    digits = re.sub(r"[^0-9]", "", text)
    if not digits:
        return ""
    return f"tel:{'+' if text.lstrip().startswith('+') else ''}{digits}"


def _template_line(exc: BaseException, path: Path) -> str:
    """``line N: `` of the innermost frame in the template file, as Jinja reports it."""
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename and Path(frame.filename).resolve() == path.resolve()
    ]
    return f"line {lines[-1]}: " if lines and lines[-1] is not None else ""
