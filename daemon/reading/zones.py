"""Where the employer is: the time zone a call to them lands in.

Two signs, the better first: the phone number of the person to call
(``phonenumbers`` knows the zone of most numbers: a US area code, a country
with one zone), then the zone the interview event itself was written in (an
invitation sent from San Francisco carries ``America/Los_Angeles``). A zone
that keeps the user's own clock is no other zone: nothing changes for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_zones

from daemon.domain.model import Interview, Person

#: Enough to see whether two zones keep different clocks at some time of the year.
_HALF_YEAR = timedelta(days=182)


def phone_zone(phone: str) -> ZoneInfo | None:
    """The one zone a number (E.164, as read from the notes) rings in, if it is known."""
    number = phone.partition(";ext=")[0]
    if not number.startswith("+"):
        return None
    try:
        names = phone_zones.time_zones_for_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return None
    if len(names) != 1 or names[0] == phone_zones.UNKNOWN_TIMEZONE:
        return None
    try:
        return ZoneInfo(names[0])
    except (ZoneInfoNotFoundError, ValueError):
        return None


def employer_zone(
    interview: Interview, person: Person | None, user_zone: ZoneInfo
) -> tzinfo | None:
    """The employer's zone when it keeps another clock than ``user_zone``; else None."""
    candidates: list[tzinfo | None] = [phone_zone(person.phone) if person else None]
    own = interview.start.tzinfo
    # UTC says nothing about a place: exports write every time in it.
    if own is not None and not _is_utc(own):
        candidates.append(own)
    for zone in candidates:
        if zone is not None:
            # The person's number is the surer sign: if it rings where the user
            # lives, the interview's zone (a recruiter elsewhere) does not count.
            return zone if _other_clock(zone, user_zone, interview.start) else None
    return None


_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu"})


def _is_utc(zone: tzinfo) -> bool:
    if isinstance(zone, timezone):
        return zone.utcoffset(None) == timedelta(0)
    return getattr(zone, "key", "") in _UTC_NAMES


def _other_clock(zone: tzinfo, user_zone: ZoneInfo, around: datetime) -> bool:
    moments = (around, around + _HALF_YEAR)
    return any(
        moment.astimezone(zone).utcoffset() != moment.astimezone(user_zone).utcoffset()
        for moment in moments
    )


def zone_name(zone: tzinfo, moment: datetime) -> str:
    """How a person names the zone: the city of an IANA name, else the offset."""
    key = getattr(zone, "key", "")
    if key and "/" in key:
        return key.rsplit("/", 1)[1].replace("_", " ")
    return moment.astimezone(zone).strftime("UTC%z")
