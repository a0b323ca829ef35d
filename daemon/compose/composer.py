"""What the service writes: thank-you notes and call scripts.

Notes and call scripts come from Jinja2 templates: the bundled ones in
``daemon/templates``, each replaceable by a file of the same name in the user's
``templates_dir``. The mail that carries a note is built in ``daemon.compose.mime``.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import phonenumbers
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateSyntaxError,
)

from daemon.compose import reminders
from daemon.compose.mime import NAME_LIMIT, SUBJECT_LIMIT, tidy
from daemon.domain.errors import ConfigError
from daemon.domain.model import Interview, OwnKind, Person, Role
from daemon.domain.settings import CoachSettings, Profile, Settings
from daemon.reading.recipients import card_people, note_recipients, texting_people
from daemon.reading.text import clean_line
from daemon.reading.zones import employer_zone, zone_name

THANK_YOU_TEMPLATE = "thank_you.txt.j2"
DECISION_MAKER_TEMPLATE = "decision_maker.txt.j2"
CALL_SCRIPT_TEMPLATE = "call_script.txt.j2"
DEBRIEF_TEMPLATE = "debrief.txt.j2"

#: The popup shows the event's title, so the title carries the two questions.
DEBRIEF_QUESTIONS = "Ask: who decides? When will I hear back?"
_FORM_LABELS = {Role.DECISION_MAKER: "Hiring manager", Role.HR: "Recruiter"}

_PROMPT_JOB = "[add: the job title]"
_PROMPT_COMPANY = "[add: the company]"


@dataclass(frozen=True)
class OwnText:
    """What the service writes into one of its own events."""

    title: str
    description: str
    #: A popup this long before the event starts; None for none of the service's own.
    reminder: timedelta | None = None


class Composer:
    """Renders notes and call scripts from the templates.

    Autoescaping is off on purpose: the output is plain text (a ``text/plain``
    mail body, a calendar description), never rendered as HTML here, and HTML
    escaping would turn "O'Brien" into "O&#39;Brien". An adapter that writes to a
    backend which renders HTML (Google Calendar descriptions) escapes at its own
    boundary. Values are only ever substituted into templates, never rendered as
    templates, so text from an invitation cannot run template code.
    """

    def __init__(
        self,
        templates_dir: Path | None = None,
        *,
        settings: Settings | None = None,
        coach: CoachSettings | None = None,
    ) -> None:
        self._templates_dir = templates_dir
        #: What texts say about the service's own timing (when drafts are made, ...).
        self._settings = settings or Settings()
        self._coach = coach or self._settings.coach
        loaders: list[BaseLoader] = []
        if templates_dir is not None:
            if not templates_dir.is_dir():
                raise ConfigError([f"templates_dir: {templates_dir}: no such folder"])
            loaders.append(FileSystemLoader(templates_dir))
        loaders.append(PackageLoader("daemon.compose", "templates"))
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

    def compose_own(
        self,
        kind: OwnKind,
        interview: Interview,
        person: Person | None,
        profile: Profile,
        *,
        start: datetime | None = None,
    ) -> OwnText:
        """The text of one of the service's own events, by kind (one method per kind).

        ``start`` is when the event is put (a call shows it in the employer's zone too).
        """
        if kind is OwnKind.CALL:
            title, description = self.compose_call(interview, person, profile, start=start)
            return OwnText(title, description)
        if kind is OwnKind.DEBRIEF:
            return self.compose_debrief(interview, profile)
        if kind is OwnKind.SEND_BY:
            return self.compose_send_by(interview, profile)
        if kind is OwnKind.HANDWRITTEN:
            return self.compose_handwritten(interview, profile)
        raise ValueError(f"no template for own events of kind {kind!r}")

    def compose_debrief(self, interview: Interview, profile: Profile) -> OwnText:
        """The debrief: a notes form filled in as far as the interview tells, and its popup."""
        company = clean_line(interview.company, SUBJECT_LIMIT)
        title = clean_line(interview.title, SUBJECT_LIMIT) or "Interview"
        if company and company.casefold() not in title.casefold():
            title = f"{title} — {company}"
        met = [p for p in interview.people if p.met and clean_line(p.name)]
        firsts = [clean_line(p.first_name, NAME_LIMIT) for p in met]
        drafts = (
            interview.end + timedelta(minutes=self._settings.interviews.grace_minutes)
        ).astimezone(profile.timezone)
        context = {
            "interview": interview,
            "profile": profile,
            "interview_title": clean_line(interview.title, SUBJECT_LIMIT),
            "company": company,
            "job": clean_line(interview.job, SUBJECT_LIMIT),
            "people": [
                {"label": _form_label(p), "line": _form_line(p)}
                for p in interview.people
                if _form_line(p)
            ],
            # A first name two people share would name neither: the full name then.
            "met_first_names": [
                first if firsts.count(first) == 1 else clean_line(p.name, NAME_LIMIT)
                for first, p in zip(firsts, met, strict=True)
            ],
            "hear_back": interview.hear_back.isoformat() if interview.hear_back else "",
            "drafts_at": f"{drafts:%H:%M}",
            "drafts_day": f"{drafts:%A}, {drafts:%B} {drafts.day}",
        }
        minutes = self._settings.debrief.reminder_minutes
        return OwnText(
            f"Notes: {title} · {DEBRIEF_QUESTIONS}",
            self._render(DEBRIEF_TEMPLATE, context),
            # The debrief starts as the interview ends: this is "before you leave".
            timedelta(minutes=minutes) if minutes else None,
        )

    def compose_call(
        self,
        interview: Interview,
        person: Person | None,
        profile: Profile,
        *,
        start: datetime | None = None,
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
            "met": bool(person and person.met),
            "title": clean_line(person.title) if person else "",
            "phone": _phone(person.phone) if person else "",
            "tel": _tel(person.phone) if person else "",
            "topics": _topics(interview, person),
            **_both_times(interview, person, profile, start),
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

    def compose_send_by(self, interview: Interview, profile: Profile) -> OwnText:
        """The send-by reminder: whose notes to send, by when, and whom to text."""
        mark = (interview.end + reminders.NOTE_DEADLINE).astimezone(profile.timezone)
        context = {
            **_common_context(interview, profile),
            "people": [
                {
                    "name": clean_line(p.name, NAME_LIMIT),
                    "title": clean_line(p.title),
                    "email": clean_line(p.email),
                }
                for p in note_recipients(interview)
            ],
            "texts": self._texts(interview, profile),
            "by_time": f"{mark:%H:%M}",
            "by_day": f"{mark:%A}, {mark:%B} {mark.day}",
        }
        title = reminders.send_by_title(interview, profile, self._coach)
        description = self._render(reminders.SEND_BY_TEMPLATE, context)
        return OwnText(title, description, timedelta(0))

    def compose_handwritten(self, interview: Interview, profile: Profile) -> OwnText:
        """The morning-after reminder to write cards, naming each person's printable card."""
        people = card_people(interview)
        names = [clean_line(p.name, NAME_LIMIT) for p in people]
        context = {
            **_common_context(interview, profile),
            "cards": reminders.cards_of(interview, profile, self._coach.cards_dir, people),
            "cards_dir": str(self._coach.cards_dir or "cards"),
            "texts": self._texts(interview, profile),
        }
        title = (
            f"Write thank-you cards to {reminders.and_words(names)}"
            if names
            else ("Write your thank-you cards")
        )
        return OwnText(title, self._render(reminders.HANDWRITTEN_TEMPLATE, context), timedelta(0))

    def text_message(
        self, interview: Interview, person: Person, profile: Profile
    ) -> reminders.TextMessage:
        """A short thank-you text to ``person`` and its ``sms:`` link."""
        context = {
            **_common_context(interview, profile),
            "first_name": clean_line(person.first_name) or clean_line(person.name, NAME_LIMIT),
            "name": clean_line(person.name, NAME_LIMIT),
            "topics": _topics(interview, person),
        }
        message = " ".join(self._render(reminders.TEXT_TEMPLATE, context).split())
        return reminders.TextMessage(
            clean_line(person.name, NAME_LIMIT),
            _phone(person.phone),
            message,
            reminders.sms_link(person.phone, message),
        )

    def _texts(self, interview: Interview, profile: Profile) -> list[dict[str, str]]:
        if not self._coach.texts:
            return []
        texts = [self.text_message(interview, p, profile) for p in texting_people(interview)]
        return [
            {"name": t.name, "phone": t.phone, "sms": t.sms, "message": t.message}
            for t in texts
            if t.sms
        ]

    def _note_context(
        self, interview: Interview, person: Person, profile: Profile, *, variant: int, late: bool
    ) -> dict[str, object]:
        own = person.topics
        met = [p for p in interview.people if p.met]
        if not own and person.met and len(met) == 1:
            # One person in the room: whatever was discussed, was discussed with them.
            own = interview.discussed
        own_topics = [_phrase(topic) for topic in _unique(own)]
        return {
            **_common_context(interview, profile),
            "person": person,
            "name": clean_line(person.name, NAME_LIMIT),
            "first_name": clean_line(person.first_name) or "[add: their name]",
            # For prompts: "[add: one thing you discussed with them]", never a prompt in a prompt.
            "who": clean_line(person.first_name) or "them",
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
            return tidy(template.render(context))
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


def _both_times(
    interview: Interview, person: Person | None, profile: Profile, start: datetime | None
) -> dict[str, str]:
    """The call's time on both clocks, when the employer keeps another one."""
    zone = employer_zone(interview, person, profile.timezone) if start else None
    if start is None or zone is None:
        return {"your_time": "", "their_time": "", "their_zone": ""}
    mine, theirs = start.astimezone(profile.timezone), start.astimezone(zone)
    day = "" if mine.date() == theirs.date() else f"{theirs:%a} "
    return {
        "your_time": f"{mine:%H:%M}",
        "their_time": f"{day}{theirs:%H:%M}",
        "their_zone": zone_name(zone, start),
    }


def _form_label(person: Person) -> str:
    """The notes label that says who the person is: a decision maker not met is just that."""
    if person.role is Role.DECISION_MAKER and not person.met:
        return "Decision maker"
    return _FORM_LABELS.get(person.role, "Met")


def _form_line(person: Person) -> str:
    """A person as the form lists them: ``Name, title, email, phone`` (what is known)."""
    parts = [
        clean_line(person.name, NAME_LIMIT),
        clean_line(person.title),
        clean_line(person.email),
        _phone(person.phone),
    ]
    return ", ".join(part for part in parts if part)


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
    return [
        _phrase(topic)
        for topic in _unique([*(person.topics if person else ()), *interview.discussed])
    ]


#: Words that start a topic as written in notes ("Their Kafka migration") but
#: read wrongly capitalised inside a sentence. Other capitals are names: kept.
_SENTENCE_STARTS = frozenset(
    [
        "the",
        "their",
        "our",
        "your",
        "his",
        "her",
        "its",
        "my",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "how",
        "what",
        "why",
        "when",
    ]
)


def _phrase(text: str) -> str:
    """A topic as it reads inside a sentence: no closing full stop, no stray capital."""
    text = text.strip().rstrip(".!;,: ")
    first, _, rest = text.partition(" ")
    if first.casefold() in _SENTENCE_STARTS and first[:1].isupper() and first[1:].islower():
        return f"{first.casefold()} {rest}".strip()
    return text


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
    """A number as a person reads it: ``+1 617-555-0188`` for a parsed E.164 number."""
    text = clean_line(phone, 40)
    number, _, extension = text.partition(";ext=")
    if re.fullmatch(r"\+[1-9]\d{6,14}", number):
        try:
            parsed = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException:
            return text
        readable = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return f"{readable} ext. {extension}" if extension else readable
    return text


def _tel(phone: str) -> str:
    """A ``tel:`` URI: ``+`` and digits (E.164 as parsed; a local number as written).

    Anything from the first letter on ("ext. 12", "(mobile)") is left out, and so
    are visual separators, which some dialers refuse.
    """
    raw, _, extension = clean_line(phone, 40).partition(";ext=")
    text = re.split(r"[^\W\d_]", raw, maxsplit=1)[0]
    digits = re.sub(r"[^0-9]", "", text)
    if not digits:
        return ""
    suffix = f";ext={extension}" if extension.isdigit() else ""
    return f"tel:{'+' if text.lstrip().startswith('+') else ''}{digits}{suffix}"


def _template_line(exc: BaseException, path: Path) -> str:
    """``line N: `` of the innermost frame in the template file, as Jinja reports it."""
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename and Path(frame.filename).resolve() == path.resolve()
    ]
    return f"line {lines[-1]}: " if lines and lines[-1] is not None else ""
