"""Which calendar events are interviews (DESIGN.md, "Which events are interviews").

A careful reader looks at more than the title's words. In order:

1. Never: the service's own events, cancelled and all-day events, events the
   user declined, events tagged ``#nofollowup``.
2. Always: events tagged ``#interview`` (in the title or the notes) — the
   user's word outranks every guess below.
3. Not a job interview although the title says "interview" or "panel": the
   words around it make it a look-alike ("mock interview", "interview prep",
   "webinar: how to interview", "podcast guest interview", "customer advisory
   panel", "exit interview") — :data:`LOOK_ALIKES`.
4. Not the user's interview: an event organized at the user's own employer
   (the domain of an address in ``[profile] aliases``) is one they conduct or
   attend as an employee.
5. An interview: the title matches a pattern (``[interviews] patterns``); or a
   scheduling page names the event type ("Event Name: Recruiter Screen"); or a
   recruiting tool sent it and its text says "interview".

Every decision says why (:class:`Detection`), naming the pattern, the word, the
domain or the tool, never the event's own text beyond those: reasons can be shown
and logged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from daemon.domain.model import CalendarEvent, EventStatus, PartStat
from daemon.domain.settings import DEFAULT_PATTERNS, Profile
from daemon.reading.boilerplate import set_aside
from daemon.reading.companies import generic
from daemon.reading.mailboxes import TOOL_DOMAINS, is_mailbox, is_tool_domain
from daemon.reading.patterns import matching_pattern, pattern_regex
from daemon.reading.people import Identity
from daemon.reading.text import (
    INTERVIEW_TAG,
    NO_FOLLOWUP_TAG,
    email_domain,
    valid_email,
    visible_text,
)

__all__ = [
    "LOOK_ALIKES",
    "Detection",
    "declined_by_user",
    "detect",
    "is_interview",
    "matching_pattern",
    "pattern_regex",
]


@dataclass(frozen=True)
class Detection:
    """Whether an event is an interview, and why: for ``followup`` to explain itself."""

    interview: bool
    reason: str

    def explain(self) -> str:
        return f"{'interview' if self.interview else 'not an interview'}: {self.reason}"


#: Words around "interview" or "panel" that make an event something else. Matched
#: like patterns (word starts, plural endings), in the title only: an employer's
#: description may well say "practice" or "how to join".
LOOK_ALIKES: tuple[str, ...] = (
    "mock",
    "practice",
    "practise",
    "prep",
    "preparation",
    "rehearsal",
    "dry run",
    "webinar",
    "workshop",
    "masterclass",
    "training",
    "bootcamp",
    "course",
    "how to",
    "tips",
    "podcast",
    "guest",
    "advisory panel",
    "advisory board",
    "customer panel",
    "panel discussion",
    "panelist",
    "fireside",
    "info session",
    "information session",
    "career fair",
    "job fair",
    "meetup",
    "networking",
    "office hours",
    "coaching",
    "mentoring",
    "exit interview",
    "user interview",
    "customer interview",
    "research interview",
    "informational",
    "press interview",
    "media interview",
    "interviewing skills",
    "interview skills",
)

#: Recruiting tools by domain, as the explanation names them.
_TOOL_NAMES = {
    "ghcalendar.io": "Greenhouse",
    "greenhouse.io": "Greenhouse",
    "greenhouse-mail.io": "Greenhouse",
    "lever.co": "Lever",
    "ashbyhq.com": "Ashby",
    "ashbyhqmail.com": "Ashby",
    "myworkday.com": "Workday",
    "workday.com": "Workday",
    "myworkdayjobs.com": "Workday",
    "smartrecruiters.com": "SmartRecruiters",
    "smartrecruitersmail.com": "SmartRecruiters",
    "hirevue.com": "HireVue",
    "hirevue-app.com": "HireVue",
    "goodtime.io": "GoodTime",
    "modernloop.io": "ModernLoop",
    "calendly.com": "Calendly",
    "gem.com": "Gem",
    "icims.com": "iCIMS",
    "jobvite.com": "Jobvite",
}
#: Tools whose sending says "recruiting" (Calendly and Zoom send every kind of meeting).
_RECRUITING_TOOLS = frozenset(_TOOL_NAMES) - {"calendly.com", "zoom.us", "zoomgov.com"}
#: Calendly writes the booked event type into the description ("Event Name: ...").
_EVENT_NAME_HINT = re.compile(r"event\s+(?:name|type)\s*:", re.IGNORECASE)


def is_interview(
    event: CalendarEvent,
    profile: Profile | str,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    *,
    not_people: Sequence[str] = (),
) -> bool:
    return detect(event, profile, patterns, not_people=not_people).interview


def detect(
    event: CalendarEvent,
    profile: Profile | str,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    *,
    not_people: Sequence[str] = (),
) -> Detection:
    """Is ``event`` one of the user's job interviews, and why (see the module's rules)?"""
    user = Identity.of(profile)
    if event.own is not None:
        return Detection(False, "created by the service")
    if event.status == EventStatus.CANCELLED:
        return Detection(False, "cancelled")
    if event.all_day:
        return Detection(False, "all-day event")
    if declined_by_user(event, user):
        return Detection(False, "declined")
    # Tags are looked for in the raw description first: most descriptions
    # have no "#" at all and need no HTML parsing.
    notes = visible_text(event.description) if "#" in event.description else ""
    if NO_FOLLOWUP_TAG.search(event.title) or NO_FOLLOWUP_TAG.search(notes):
        return Detection(False, "tagged #nofollowup")
    if INTERVIEW_TAG.search(event.title) or INTERVIEW_TAG.search(notes):
        return Detection(True, "tagged #interview")
    look_alike = matching_pattern(event.title, LOOK_ALIKES)
    if look_alike is not None:
        return Detection(
            False,
            f"title says {look_alike!r}: not a job interview (tag it #interview if it is one)",
        )
    own_employer = _at_own_employer(event, user)
    if own_employer:
        return Detection(
            False,
            f"organized at your own employer ({own_employer}): an interview you give, or an"
            " internal meeting (tag it #interview if it is yours)",
        )
    signals = _signals(event, user, not_people)
    matched = matching_pattern(event.title, patterns)
    if matched is not None:
        return Detection(True, "; ".join([f"title says {matched!r}", *signals]))
    tools = _tools(event)
    if tools & _RECRUITING_TOOLS or _EVENT_NAME_HINT.search(event.description[:65536]):
        text = set_aside(visible_text(event.description))
        if text.event_name:
            named = matching_pattern(text.event_name, patterns)
            if named is not None and matching_pattern(text.event_name, LOOK_ALIKES) is None:
                return Detection(
                    True, "; ".join([f"the booked event type says {named!r}", *signals])
                )
        recruiting = sorted(tools & _RECRUITING_TOOLS)
        if recruiting:
            said = matching_pattern(text.text, patterns)
            if said is not None:
                name = _TOOL_NAMES.get(recruiting[0], recruiting[0])
                return Detection(True, f"sent through {name} and its text says {said!r}")
    return Detection(False, "no pattern or #interview tag")


def declined_by_user(event: CalendarEvent, profile: Identity | Profile | str) -> bool:
    user = profile if isinstance(profile, Identity) else Identity.of(profile)
    return any(
        attendee.partstat == PartStat.DECLINED and user.is_user(attendee)
        for attendee in event.attendees
    )


def _own_work_domains(user: Identity) -> set[str]:
    domains = {email_domain(email) for email in user.emails}
    return {d for d in domains if d and not generic(d)}


def _at_own_employer(event: CalendarEvent, user: Identity) -> str:
    """The user's own work domain when the event is organized there, else ""."""
    own = _own_work_domains(user)
    if not own:
        return ""
    organizer = email_domain(event.organizer)
    if organizer in own:
        others = [
            email_domain(a.email)
            for a in event.attendees
            if not user.is_user(a) and not a.resource and a.email
        ]
        # Organized by the user (or a colleague): theirs to give, unless every other
        # attendee writes from somewhere else and the user merely forwarded it.
        if not others or any(domain in own for domain in others) or not user.owns(event.organizer):
            return organizer
    return ""


def _tools(event: CalendarEvent) -> set[str]:
    found = set()
    for address in [event.organizer, *(a.email for a in event.attendees)]:
        domain = email_domain(valid_email(address))
        if domain and is_tool_domain(domain):
            found.add(
                next(
                    t
                    for t in sorted(TOOL_DOMAINS, key=len, reverse=True)
                    if domain == t or domain.endswith("." + t)
                )
            )
    return found


def _signals(event: CalendarEvent, user: Identity, not_people: Sequence[str]) -> list[str]:
    """What else the invitation says, for the explanation: who organized it, who comes."""
    signals: list[str] = []
    tools = sorted(t for t in _tools(event) if t in _TOOL_NAMES)
    # Only domains of well-formed addresses: a reason may be shown and logged.
    organizer = email_domain(valid_email(event.organizer))
    if tools:
        signals.append(f"sent through {_TOOL_NAMES[tools[0]]}")
    if organizer and not user.owns(event.organizer) and not generic(organizer):
        signals.append(f"organized from {organizer}")
    elif user.owns(event.organizer):
        signals.append("organized by you")
    people = [
        email_domain(valid_email(a.email))
        for a in event.attendees
        if a.email
        and not a.resource
        and not user.is_user(a)
        and not is_mailbox(a.email, a.name, not_people)
    ]
    counted = Counter(d for d in people if d and not generic(d))
    if counted:
        domain, count = counted.most_common(1)[0]
        signals.append(f"{count} {'person' if count == 1 else 'people'} from {domain}")
    return signals
