"""Typed, frozen settings: what ``daemon.app.config`` produces from the TOML file.

Defaults here are the product's defaults (DESIGN.md, "Defaults that matter").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from daemon.domain.weekdays import SHORT

#: Title patterns of interviews: the words recruiting tools and employers put in
#: invitations' titles (tests/fixtures/invitations/README.md).
DEFAULT_PATTERNS: tuple[str, ...] = (
    "interview",
    "phone screen",
    "onsite",
    "on-site",
    "panel",
    "final round",
    "technical screen",
    "recruiter screen",
    "hiring manager screen",
    "screening call",
    "phone screening",
    "video screen",
    "hiring manager conversation",
    "hiring manager call",
    "hiring manager chat",
    "take-home review",
    "take home review",
    "coding challenge review",
    "superday",
    "recruiter call",
    "intro call with recruiter",
    "culture fit",
)

#: Weekday names as written in the config, in ``date.weekday()`` order.
WEEKDAYS: tuple[str, ...] = SHORT


@dataclass(frozen=True)
class Profile:
    name: str = ""
    email: str = ""
    phone: str = ""
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    qualifications: tuple[str, ...] = ()
    signature: str = ""
    #: The user's other addresses (a personal one, the current work one): never a person,
    #: and an event organized at one's work domain is not the user's interview.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackendChoice:
    """The backend a port uses, and its own settings as that backend declared them.

    What the options mean is the backend's business (``daemon.app.backends``):
    the core only hands them back to it.
    """

    backend: str
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class StateSettings:
    path: Path | None = None


@dataclass(frozen=True)
class InterviewSettings:
    patterns: tuple[str, ...] = DEFAULT_PATTERNS
    grace_minutes: int = 60
    #: Interviews that ended longer ago than this when first seen get no drafts
    #: and no calls: installing the service must not flood the mailbox with
    #: notes for last year's interviews.
    lookback_days: int = 14
    #: Addresses that are never people, beside the maintained list
    #: (``daemon.reading.mailboxes``): shell-style patterns like ``*@ats.example.com``.
    not_people: tuple[str, ...] = ()


@dataclass(frozen=True)
class FollowupSettings:
    default_wait_days: int = 7
    #: Allowed call days as ``date.weekday()`` numbers (Monday is 0).
    call_days: tuple[int, ...] = (1, 2, 3)
    call_time: time = time(10, 0)
    call_minutes: int = 15
    #: Public holidays that are never call days: a country ("US") or a country and
    #: subdivision ("US-CA", "DE-BE"); "" for none. The config fills in the user's country.
    holidays: str = ""
    #: The working day assumed on both ends of a call (yours, and the employer's
    #: when they are in another time zone): a call is placed inside it.
    business_hours: tuple[time, time] = (time(9, 0), time(17, 0))


@dataclass(frozen=True)
class DebriefSettings:
    """The debrief: a notes form the service puts on the calendar at each interview's end."""

    enabled: bool = True
    minutes: int = 15
    #: The "before you leave" popup, this long before the interview ends; 0 for none.
    reminder_minutes: int = 10


@dataclass(frozen=True)
class ServiceSettings:
    #: How often ``followup run`` does a cycle.
    interval_minutes: int = 5


@dataclass(frozen=True)
class CoachSettings:
    """Holding the user to the advice (DESIGN.md, "The advice the product enforces")."""

    #: Check notes, custom templates, drafts and call scripts for negative or pushy phrasing.
    tone_check: bool = True
    #: Flag notes of one panel that read alike beyond the greeting and signature.
    similarity_check: bool = True
    #: How alike (percent, 0-100) two notes' bodies may be before they are flagged.
    similarity_percent: int = 85
    #: Put a reminder on the calendar when an interview's notes are still unsent
    #: this many hours before the 24-hour mark; 0 for none.
    send_by_hours: int = 4
    #: Read the inbox for replies from the employer; a reply postpones the next call.
    replies: bool = False
    #: Remind to write a handwritten note to people with a mailing address, with a card to print.
    handwritten: bool = False
    #: When, the morning after the interview, the handwritten-note reminder is.
    handwritten_time: time = time(9, 0)
    #: Where the printable cards are written (set from the environment when not given).
    cards_dir: Path | None = None
    #: "Text a thank-you to ..." lines for people known only by a phone number.
    texts: bool = True


@dataclass(frozen=True)
class Settings:
    profile: Profile = field(default_factory=Profile)
    calendar: BackendChoice = field(default_factory=lambda: BackendChoice("ics"))
    drafts: BackendChoice = field(default_factory=lambda: BackendChoice("maildir"))
    #: The settings of providers that several backends share (``[google]``), by name.
    providers: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))
    state: StateSettings = field(default_factory=StateSettings)
    interviews: InterviewSettings = field(default_factory=InterviewSettings)
    followup: FollowupSettings = field(default_factory=FollowupSettings)
    debrief: DebriefSettings = field(default_factory=DebriefSettings)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    coach: CoachSettings = field(default_factory=CoachSettings)
    #: Folder of templates that override the bundled ones (same file names).
    templates_dir: Path | None = None
    #: The config file these settings were read from, if any.
    source: Path | None = None
