"""The user's country, for its public holidays: ``[followup] holidays``.

Left unset, it is the country of the user's own phone number, else the country
of their time zone (tzdata's ``zone.tab``), else none: calls then skip no
holidays, and ``check-config`` says so.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import holidays
import phonenumbers

from daemon.app.checks import CheckContext, Invalid, show
from daemon.domain.settings import Profile


def holiday_region(value: object, ctx: CheckContext) -> str:
    """``"US"``, ``"US-CA"`` (a subdivision), or ``false`` / ``""`` for no holidays."""
    if value is False or value == "":
        return ""
    if not isinstance(value, str):
        raise Invalid(f'expected a country code like "US" or "US-CA", or false (got {show(value)})')
    country, _, subdivision = value.strip().upper().partition("-")
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise Invalid(
            f"{value!r} is no country the holidays library knows "
            '(an ISO 3166 code: "US", "GB", "DE")'
        )
    if subdivision and subdivision not in supported[country]:
        known = ", ".join(supported[country][:12]) or "none"
        raise Invalid(f"{country} has no subdivision {subdivision!r} (known: {known}, ...)")
    return f"{country}-{subdivision}" if subdivision else country


def user_country(profile: Profile) -> str:
    """The user's country code, from their phone number or time zone; "" when neither says."""
    try:
        number = phonenumbers.parse(profile.phone, None)
        region = phonenumbers.region_code_for_number(number) or ""
    except phonenumbers.NumberParseException:
        region = ""
    if not region or region == "ZZ":
        region = _zone_countries().get(profile.timezone.key, "")
    return region if region in holidays.list_supported_countries() else ""


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """Zone name -> the one country it is used in, from tzdata's ``zone.tab``."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            found[fields[2]] = fields[0]
    return found
