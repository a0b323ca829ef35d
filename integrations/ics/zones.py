"""Time-zone names from calendar files, looked up without trusting them.

A TZID or X-WR-TIMEZONE is written by whoever made the file. ``ZoneInfo`` reads
the name as a path below the tz database: ``"America"`` raises
``IsADirectoryError`` and a 300-character name ``OSError``. Every lookup goes
through ``safe_zone`` or ``tzid_zone``, which answer a zone or None and never
raise.

Outlook writes more than IANA names. icalendar knows the Windows standard
names ("W. Europe Standard Time", through CLDR's windowsZones data), but not
what Outlook on the web and Exchange also write:

* the Windows *display* names, "(UTC+01:00) Amsterdam, Berlin, Bern, Rome,
  Stockholm, Vienna", often without a VTIMEZONE. ``windows_zones`` takes a
  display name to its Windows id, and CLDR (``WINDOWS_TO_OLSON``) the id to
  an IANA zone. A name no table knows is matched by the places it lists
  ("Berlin" is Europe/Berlin) when that zone has the offset the name starts
  with. A display name that still names no zone is not read at the offset it
  starts with, which is an hour off in summer: ``is_display_name`` tells the
  reader to report the event instead;
* ``tzone://Microsoft/Utc`` for UTC (and ``tzone://Microsoft/Custom``, which
  always comes with its VTIMEZONE, resolved by icalendar).
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from integrations.ics.windows_zones import DISPLAY_NAMES, LEGACY_DISPLAY_NAMES

#: What an IANA key can look like ("America/Argentina/Buenos_Aires", "Etc/GMT+5").
_IANA_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")
#: The longest IANA key today is 32 characters; anything far longer is not a zone.
_MAX_KEY = 64
#: The offset prefix of a Windows display name: "(UTC-05:00) ", "(UTC) ", "(GMT+01:00) ".
_DISPLAY_PREFIX = re.compile(
    r"\(\s*(?:UTC|GMT)\s*(?:(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?\s*\)\s*",
    re.IGNORECASE,
)
_MICROSOFT = "tzone://microsoft/"
#: The regions of the tz database whose zones are named for a place.
_REGIONS = {
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}
#: Days on which a zone's standard offset is read: one in each half of the year.
_PROBES = (datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC))


def _place(display_name: str) -> str:
    """A display name without its offset prefix, folded: "easterntimeusandcanada".

    Versions and locales differ in spacing, punctuation and "&" or "and", so
    only letters and digits are compared.
    """
    rest = _DISPLAY_PREFIX.sub("", display_name, count=1).casefold().replace("&", " and ")
    return "".join(char for char in rest if char.isalnum())


_BY_PLACE = {
    _place(name): windows_id
    for table in (LEGACY_DISPLAY_NAMES, DISPLAY_NAMES)
    for name, windows_id in table.items()
}


def safe_zone(name: str) -> ZoneInfo | None:
    """The zone called ``name`` (IANA, or a Windows name Outlook writes), or None."""
    name = name.strip().strip("/")
    olson = WINDOWS_TO_OLSON.get(name)
    if olson is not None:
        name = olson
    if len(name) > _MAX_KEY or not _IANA_KEY.fullmatch(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError covers IsADirectoryError ("America") and unreadable tz files.
        return None


def is_display_name(tzid: str) -> bool:
    """Whether ``tzid`` is shaped like a Windows display name ("(UTC+01:00) ...")."""
    return _DISPLAY_PREFIX.match(tzid.strip()) is not None


def tzid_zone(tzid: str) -> tzinfo | None:
    """The zone a TZID without a VTIMEZONE means, or None if it cannot be told.

    Beyond ``safe_zone``: ``tzone://Microsoft/Utc`` and Windows display names.
    """
    name = tzid.strip()
    if len(name) > 4 * _MAX_KEY:
        return None
    if name.casefold().startswith(_MICROSOFT):
        rest = name[len(_MICROSOFT) :]
        return UTC if rest.strip().casefold() == "utc" else safe_zone(rest)
    zone = safe_zone(name)
    if zone is not None:
        return zone
    if name.startswith("/"):
        # A globally unique TZID (RFC 5545 3.8.3.1), "/citadel.org/20260414_1/Europe/Berlin":
        # the longest tail that is a zone.
        parts = name.strip("/").split("/")
        for first in range(1, len(parts)):
            zone = safe_zone("/".join(parts[first:]))
            if zone is not None:
                return zone
    prefix = _DISPLAY_PREFIX.match(name)
    if prefix is None:
        return None
    windows_id = _BY_PLACE.get(_place(name))
    if windows_id is not None:
        known = safe_zone(windows_id)
        if known is not None:
            return known
    return _zone_of_places(name[prefix.end() :], _offset(prefix))


def _offset(prefix: re.Match[str]) -> timedelta:
    if prefix["sign"] is None:
        return timedelta(0)
    offset = timedelta(hours=int(prefix["hours"]), minutes=int(prefix["minutes"] or 0))
    return -offset if prefix["sign"] == "-" else offset


def _zone_of_places(places: str, offset: timedelta) -> ZoneInfo | None:
    """The first place of a display name that is a tz database zone at ``offset``.

    "(UTC+01:00) Amsterdam, Berlin" from a Windows version this module does
    not list is still Europe/Amsterdam; a place whose zone has another
    standard offset ("Istanbul" in an old "(UTC+02:00) Athens, Bucharest,
    Istanbul") is passed over.
    """
    for place in re.split(r"[,;/]| - ", places):
        key = _zones_by_place().get("_".join(place.split()).casefold())
        zone = safe_zone(key) if key else None
        if zone is not None and offset in {_standard_offset(zone, day) for day in _PROBES}:
            return zone
    return None


def _standard_offset(zone: ZoneInfo, day: datetime) -> timedelta | None:
    local = day.astimezone(zone)
    offset, dst = local.utcoffset(), local.dst()
    return None if offset is None or dst is None else offset - dst


@functools.cache
def _zones_by_place() -> dict[str, str]:
    """IANA keys by their last part, folded: "buenos_aires" → America/Argentina/Buenos_Aires."""
    places: dict[str, str] = {}
    for key in sorted(zoneinfo.available_timezones()):
        if key.split("/", 1)[0] in _REGIONS:
            places.setdefault(key.rsplit("/", 1)[-1].casefold(), key)
    return places
