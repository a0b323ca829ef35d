"""Time-zone names from calendar files, looked up without trusting them.

A TZID or X-WR-TIMEZONE is written by whoever made the file. ``ZoneInfo`` reads
the name as a path below the tz database: ``"America"`` raises
``IsADirectoryError`` and a 300-character name ``OSError``. Every lookup goes
through ``safe_zone``, which answers a zone or None and never raises.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

#: What an IANA key can look like ("America/Argentina/Buenos_Aires", "Etc/GMT+5").
_IANA_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")
#: The longest IANA key today is 32 characters; anything far longer is not a zone.
_MAX_KEY = 64


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
