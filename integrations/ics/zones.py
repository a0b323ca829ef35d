"""Time-zone names from calendar files, looked up without trusting them.

A TZID or X-WR-TIMEZONE is written by whoever made the file. ``ZoneInfo`` reads
the name as a path below the tz database: ``"America"`` raises
``IsADirectoryError`` and a 300-character name ``OSError``. Every lookup goes
through ``safe_zone`` or ``tzid_zone``, which answer a zone or None and never
raise.

Outlook writes more than IANA names. icalendar knows the Windows standard
names ("W. Europe Standard Time"), but not what Outlook on the web and
Exchange also write:

* the Windows *display* names, "(UTC+01:00) Amsterdam, Berlin, Bern, Rome,
  Stockholm, Vienna", often without a VTIMEZONE; the common ones are mapped
  below (icalendar 7 has no such table), and any other is read at the fixed
  offset of its "(UTC±hh:mm)" prefix, which is right outside daylight-saving
  time and an hour off in it, rather than in the user's zone;
* ``tzone://Microsoft/Utc`` for UTC (and ``tzone://Microsoft/Custom``, which
  always comes with its VTIMEZONE, resolved by icalendar).
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

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

#: Windows display names (as ``tzutil /l`` lists them) of the zones most often
#: met, to the IANA zone CLDR maps their Windows zone to. Looked up without
#: the "(UTC±hh:mm)" prefix, which older Windows writes as "(GMT±hh:mm)".
WINDOWS_DISPLAY_NAMES: dict[str, str] = {
    "(UTC-12:00) International Date Line West": "Etc/GMT+12",
    "(UTC-11:00) Coordinated Universal Time-11": "Etc/GMT+11",
    "(UTC-10:00) Hawaii": "Pacific/Honolulu",
    "(UTC-09:00) Alaska": "America/Anchorage",
    "(UTC-08:00) Pacific Time (US & Canada)": "America/Los_Angeles",
    "(UTC-08:00) Baja California": "America/Tijuana",
    "(UTC-07:00) Arizona": "America/Phoenix",
    "(UTC-07:00) Mountain Time (US & Canada)": "America/Denver",
    "(UTC-06:00) Central America": "America/Guatemala",
    "(UTC-06:00) Central Time (US & Canada)": "America/Chicago",
    "(UTC-06:00) Guadalajara, Mexico City, Monterrey": "America/Mexico_City",
    "(UTC-06:00) Saskatchewan": "America/Regina",
    "(UTC-05:00) Bogota, Lima, Quito, Rio Branco": "America/Bogota",
    "(UTC-05:00) Eastern Time (US & Canada)": "America/New_York",
    "(UTC-05:00) Indiana (East)": "America/Indiana/Indianapolis",
    "(UTC-04:00) Atlantic Time (Canada)": "America/Halifax",
    "(UTC-04:00) Caracas": "America/Caracas",
    "(UTC-04:00) Santiago": "America/Santiago",
    "(UTC-03:30) Newfoundland": "America/St_Johns",
    "(UTC-03:00) Brasilia": "America/Sao_Paulo",
    "(UTC-03:00) City of Buenos Aires": "America/Argentina/Buenos_Aires",
    "(UTC-03:00) Buenos Aires": "America/Argentina/Buenos_Aires",
    "(UTC-01:00) Azores": "Atlantic/Azores",
    "(UTC-01:00) Cabo Verde Is.": "Atlantic/Cape_Verde",
    "(UTC) Coordinated Universal Time": "Etc/UTC",
    "(UTC+00:00) Dublin, Edinburgh, Lisbon, London": "Europe/London",
    "(UTC+00:00) Monrovia, Reykjavik": "Atlantic/Reykjavik",
    "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": "Europe/Berlin",
    "(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague": "Europe/Budapest",
    "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris": "Europe/Paris",
    "(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb": "Europe/Warsaw",
    "(UTC+01:00) West Central Africa": "Africa/Lagos",
    "(UTC+02:00) Athens, Bucharest": "Europe/Bucharest",
    "(UTC+02:00) Cairo": "Africa/Cairo",
    "(UTC+02:00) Harare, Pretoria": "Africa/Johannesburg",
    "(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius": "Europe/Kiev",
    "(UTC+02:00) Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius": "Europe/Kiev",
    "(UTC+02:00) Jerusalem": "Asia/Jerusalem",
    "(UTC+03:00) Istanbul": "Europe/Istanbul",
    "(UTC+03:00) Kuwait, Riyadh": "Asia/Riyadh",
    "(UTC+03:00) Moscow, St. Petersburg": "Europe/Moscow",
    "(UTC+03:00) Nairobi": "Africa/Nairobi",
    "(UTC+03:30) Tehran": "Asia/Tehran",
    "(UTC+04:00) Abu Dhabi, Muscat": "Asia/Dubai",
    "(UTC+04:30) Kabul": "Asia/Kabul",
    "(UTC+05:00) Islamabad, Karachi": "Asia/Karachi",
    "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi": "Asia/Kolkata",
    "(UTC+05:45) Kathmandu": "Asia/Kathmandu",
    "(UTC+06:00) Dhaka": "Asia/Dhaka",
    "(UTC+07:00) Bangkok, Hanoi, Jakarta": "Asia/Bangkok",
    "(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi": "Asia/Shanghai",
    "(UTC+08:00) Kuala Lumpur, Singapore": "Asia/Singapore",
    "(UTC+08:00) Perth": "Australia/Perth",
    "(UTC+08:00) Taipei": "Asia/Taipei",
    "(UTC+09:00) Osaka, Sapporo, Tokyo": "Asia/Tokyo",
    "(UTC+09:00) Seoul": "Asia/Seoul",
    "(UTC+09:30) Adelaide": "Australia/Adelaide",
    "(UTC+09:30) Darwin": "Australia/Darwin",
    "(UTC+10:00) Brisbane": "Australia/Brisbane",
    "(UTC+10:00) Canberra, Melbourne, Sydney": "Australia/Sydney",
    "(UTC+10:00) Hobart": "Australia/Hobart",
    "(UTC+12:00) Auckland, Wellington": "Pacific/Auckland",
}


def _place(display_name: str) -> str:
    """A display name without its offset prefix, folded: "eastern time (us & canada)"."""
    return " ".join(_DISPLAY_PREFIX.sub("", display_name, count=1).split()).casefold()


_BY_PLACE = {_place(name): zone for name, zone in WINDOWS_DISPLAY_NAMES.items()}


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


def tzid_zone(tzid: str) -> tzinfo | None:
    """The zone a TZID without a VTIMEZONE means, or None if it cannot be told.

    Beyond ``safe_zone``: ``tzone://Microsoft/Utc``, Windows display names, and
    as a last resort the fixed offset a display name starts with.
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
    prefix = _DISPLAY_PREFIX.match(name)
    if prefix is None:
        return None
    known = _BY_PLACE.get(_place(name))
    if known is not None:
        return safe_zone(known)
    return _fixed_offset(prefix)


def _fixed_offset(prefix: re.Match[str]) -> tzinfo | None:
    if prefix["sign"] is None:
        return UTC
    offset = timedelta(hours=int(prefix["hours"]), minutes=int(prefix["minutes"] or 0))
    if offset >= timedelta(hours=24):
        return None
    if offset == timedelta(0):
        return UTC
    return timezone(-offset if prefix["sign"] == "-" else offset)
