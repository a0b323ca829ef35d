"""Which calendar events are interviews (DESIGN.md, "Which events are interviews").

A pattern matches at the start of a word, in any case, and may carry a plural
or verb ending (s, es, ed, ing) but nothing more: "Interviews" and
"interviewing" match "interview", "Panels" matches "panel", "panelling" and
"expanel" do not. Between the words of a pattern any spaces or hyphens, or
none, may stand: "phone screen" matches "Phone-Screen", "on-site" matches
"onsite" and "on site". The reasons given never quote the event, so they can
be logged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from daemon.domain.model import CalendarEvent, EventStatus, PartStat
from daemon.reading.text import INTERVIEW_TAG, NO_FOLLOWUP_TAG, same_email, visible_text


@dataclass(frozen=True)
class Detection:
    """Whether an event is an interview, and why: for ``followup`` to explain itself."""

    interview: bool
    reason: str


def is_interview(event: CalendarEvent, profile_email: str, patterns: Sequence[str]) -> bool:
    return detect(event, profile_email, patterns).interview


def detect(event: CalendarEvent, profile_email: str, patterns: Sequence[str]) -> Detection:
    """Exclusions first: a ``#nofollowup`` or declined event never counts, whatever its title."""
    if event.own is not None:
        return Detection(False, "created by the service")
    if event.status == EventStatus.CANCELLED:
        return Detection(False, "cancelled")
    if event.all_day:
        return Detection(False, "all-day event")
    if declined_by_user(event, profile_email):
        return Detection(False, "declined")
    # Tags are looked for in the raw description first: most descriptions
    # have no "#" at all and need no HTML parsing.
    notes = visible_text(event.description) if "#" in event.description else ""
    if NO_FOLLOWUP_TAG.search(event.title) or NO_FOLLOWUP_TAG.search(notes):
        return Detection(False, "tagged #nofollowup")
    matched = matching_pattern(event.title, patterns)
    if matched is not None:
        return Detection(True, f"title matches {matched!r}")
    if INTERVIEW_TAG.search(event.title) or INTERVIEW_TAG.search(notes):
        return Detection(True, "tagged #interview")
    return Detection(False, "no pattern or #interview tag")


def declined_by_user(event: CalendarEvent, profile_email: str) -> bool:
    return any(
        attendee.partstat == PartStat.DECLINED
        and (attendee.is_user or same_email(attendee.email, profile_email))
        for attendee in event.attendees
    )


def matching_pattern(title: str, patterns: Sequence[str]) -> str | None:
    """The first configured pattern found in ``title``, or None."""
    for pattern, regex in _compiled(tuple(patterns)):
        if regex.search(title):
            return pattern
    return None


def pattern_regex(pattern: str) -> re.Pattern[str] | None:
    """The regex a configured pattern stands for; None for a blank pattern (it would match all)."""
    words = [re.escape(word) for word in re.split(r"[\s\-]+", pattern) if word]
    if not words:
        return None
    body = r"[\s\-]*".join(words)
    return re.compile(rf"(?<!\w){body}(?:s|es|ed|ing)?(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Settings are frozen, so the same tuple comes back every cycle.
    compiled = ((pattern, pattern_regex(pattern)) for pattern in patterns)
    return tuple((pattern, regex) for pattern, regex in compiled if regex is not None)
