"""Addresses that are never people: scheduling tools, no-reply senders, role mailboxes.

An invitation from a recruiting tool lists, beside the people, the tool's own
tracking address (Greenhouse's ``schedule@ghcalendar.io``), its no-reply sender
and often a shared mailbox (``recruiting@``, ``interviews@``). None of them
should get a thank-you note or a call. This module is the one maintained list;
``[interviews] not_people`` in the config adds the user's own patterns.

Rules, in order (the first that applies gives the reason):

1. A pattern from the config (shell-style, ``*@ats.example.com``, ``talent-*@*``).
2. A scheduling tool's domain (:data:`TOOL_DOMAINS`, subdomains too), unless the
   local part spells a person's name (``dana.smith@`` works there and can be
   met when the tool's own company is the employer).
3. A Google room, resource or group calendar (``...@resource.calendar.google.com``).
4. A local part made only of role words (``no-reply``, ``talent-acquisition``,
   ``recruiting.team``), digits and the domain's own name (``northwind-jobs@``):
   ``steve.jobs@`` is a person, ``jobs@`` is not.
5. A display name made only of role words and the employer's name
   ("Northwind Recruiting", "Talent Team", "Greenhouse Scheduling").
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Sequence

from daemon.reading.text import email_domain


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Recruiting and scheduling services whose addresses appear on candidates'
#: invitations (sources: tests/fixtures/invitations/README.md).
TOOL_DOMAINS: frozenset[str] = _words(
    """ghcalendar.io greenhouse.io greenhouse-mail.io lever.co hire.lever.co ashbyhq.com
    ashbyhqmail.com myworkday.com workday.com myworkdayjobs.com smartrecruiters.com
    smartrecruitersmail.com hirevue.com hirevue-app.com goodtime.io modernloop.io
    calendly.com gem.com icims.com jobvite.com workable.com bamboohr.com recruitee.com
    teamtailor.com paradox.ai yello.co avature.net taleo.net successfactors.com
    guide.co prelude.co rippling-ats.com zoom.us zoomgov.com"""
)

#: Words a role mailbox's local part or a shared calendar's name is made of.
ROLE_WORDS: frozenset[str] = _words(
    """no reply noreply donotreply do not notifications notification notify notifier
    mailer daemon postmaster bounce bounces alerts alert updates
    recruiting recruitment recruiter recruiters talent acquisition ta careers career jobs
    job hiring hire hires hr people peopleops ops interviews interview interviewing
    scheduling schedule scheduler schedules calendar calendars cal candidates candidate
    apply applications application staffing team teams info hello contact support help
    admin office invites invite invitations events event meetings meeting coordination
    coordinator coordinators university campus internships intern interns sourcing
    employment opportunities workforce resourcing onboarding the and of at"""
)

_SPLIT = re.compile(r"[._+\-]+")
_NAME_PART = re.compile(r"[^\W\d_]{2,30}")
_GOOGLE_CALENDARS = re.compile(
    r"(?:^|\.)calendar\.google\.com$|(?:^|\.)group\.v\.calendar\.google\.com$"
)
_DISPLAY_SPLIT = re.compile(r"[\s._,:;|/()\[\]<>&+\-–—]+")


def mailbox_reason(address: str, name: str = "", extra: Sequence[str] = ()) -> str | None:
    """Why ``address`` (shown as ``name``) is not a person, or None if it may be one."""
    text = address.strip().casefold()
    if text.startswith("mailto:"):
        text = text[7:]
    if extra and any(_matches(pattern, text) for pattern in extra):
        return "matches [interviews] not_people"
    domain = email_domain(text)
    local = text.partition("@")[0] if "@" in text else ""
    if domain and _is_tool(domain) and not _spells_name(local):
        return f"a scheduling tool's address ({_tool_of(domain)})"
    if domain and _GOOGLE_CALENDARS.search(domain):
        return "a shared or resource calendar"
    own = _domain_words(domain)
    if local and _only_role_words(_SPLIT.split(local), own):
        return "a role mailbox, not a person"
    if name and "@" not in name and _only_role_words(_DISPLAY_SPLIT.split(name.casefold()), own):
        return "a team name, not a person"
    return None


def is_mailbox(address: str, name: str = "", extra: Sequence[str] = ()) -> bool:
    return mailbox_reason(address, name, extra) is not None


def is_tool_domain(domain: str) -> bool:
    """A recruiting or scheduling service's domain: it names no employer."""
    return _is_tool(domain.casefold())


def _is_tool(domain: str) -> bool:
    return any(domain == tool or domain.endswith("." + tool) for tool in TOOL_DOMAINS)


def _tool_of(domain: str) -> str:
    return next(t for t in sorted(TOOL_DOMAINS, key=len, reverse=True) if domain.endswith(t))


def _spells_name(local: str) -> bool:
    """``dana.smith``: two or three letter-only parts, none a role word."""
    parts = _SPLIT.split(local)
    return (
        2 <= len(parts) <= 3
        and all(_NAME_PART.fullmatch(part) for part in parts)
        and not any(part in ROLE_WORDS for part in parts)
    )


def _only_role_words(parts: Sequence[str], own: frozenset[str]) -> bool:
    words = [part for part in parts if part]
    if not words:
        return False
    roles = [w for w in words if w in ROLE_WORDS]
    rest = [w for w in words if w not in ROLE_WORDS and not w.isdigit()]
    # "northwind-recruiting": the employer's own name beside a role word.
    return bool(roles) and all(word in own for word in rest) and not all(w in own for w in words)


def _domain_words(domain: str) -> frozenset[str]:
    labels = domain.split(".")[:-1] if "." in domain else []
    words = {piece for label in labels for piece in re.split(r"[-_]", label) if piece}
    return frozenset(words | set(labels))


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern.strip().casefold()))


def _matches(pattern: str, address: str) -> bool:
    return _compiled(pattern).match(address) is not None
