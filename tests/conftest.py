"""Shared factories: calendar events and settings as a test would write them."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings as hypothesis_settings

from daemon.domain.model import Attendee, CalendarEvent, EventId, PartStat
from daemon.domain.settings import Profile, Settings

# In CI the property tests replay the same examples every run: a red build is
# then always reproducible, never a rare example met by chance. Locally they
# explore new examples each run.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None, print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

USER = "me@example.com"
ZONE = ZoneInfo("Europe/Berlin")


def at(text: str, zone: ZoneInfo = ZONE) -> datetime:
    """A local time in the test's zone: at("2026-12-01 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def person(name: str, email: str, partstat: PartStat = PartStat.ACCEPTED) -> Attendee:
    return Attendee(email=email, name=name, partstat=partstat)


def make_event(
    uid: str,
    title: str,
    start: datetime,
    *,
    minutes: int = 60,
    description: str = "",
    attendees: tuple[Attendee, ...] = (),
    **changes: object,
) -> CalendarEvent:
    event = CalendarEvent(
        id=EventId(uid),
        title=title,
        start=start,
        end=start + timedelta(minutes=minutes),
        description=description,
        attendees=(*attendees, Attendee(USER, "Me", PartStat.ACCEPTED)),
    )
    return replace(event, **changes)  # type: ignore[arg-type]


def make_settings(zone: ZoneInfo = ZONE, **sections: object) -> Settings:
    profile = Profile(
        name="Alex Rivera",
        email=USER,
        phone="+49 30 1234567",
        timezone=zone,
        qualifications=("ten years of backend work", "led a payments migration"),
    )
    return replace(Settings(profile=profile), **sections)  # type: ignore[arg-type]


@pytest.fixture
def settings() -> Settings:
    return make_settings()
